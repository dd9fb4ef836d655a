// Everything a NetAdapterCx client driver's datapath includes, in one header (as in the WDK).
#pragma once

#include <net/checksum.h>
#include <net/extension.h>
#include <net/fragment.h>
#include <net/ieee8021q.h>
#include <net/logicaladdress.h>
#include <net/lso.h>
#include <net/packet.h>
#include <net/packethash.h>
#include <net/ring.h>
#include <net/ringcollection.h>
#include <net/virtualaddress.h>
#include <netadapter.h>
#include <netpacketqueue.h>
#include <netringiterator.h>
#include <netrxqueue.h>
#include <nettxqueue.h>
