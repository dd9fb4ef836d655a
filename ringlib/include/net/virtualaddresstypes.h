// Fragment extension (ms_fragment_virtualaddress): the CPU's address of a fragment's buffer.
#pragma once

#include <ringlib/wdk_base.h>

typedef struct _NET_FRAGMENT_VIRTUAL_ADDRESS {
    void* VirtualAddress;
} NET_FRAGMENT_VIRTUAL_ADDRESS;

#define NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME L"ms_fragment_virtualaddress"
#define NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_VERSION_1 1U
