// Large send offload extension (ms_packet_lso).
#pragma once

#include <ringlib/wdk_base.h>

typedef struct _NET_PACKET_LSO {
    struct {
        UINT32 Mss : 20;
    } TCP;
} NET_PACKET_LSO;

C_ASSERT(sizeof(NET_PACKET_LSO) == 4);

#define NET_PACKET_EXTENSION_LSO_NAME L"ms_packet_lso"
#define NET_PACKET_EXTENSION_LSO_VERSION_1 1U
