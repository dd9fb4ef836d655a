// Fragment extension (ms_fragment_logicaladdress): the device's (DMA) address of a fragment's buffer.
#pragma once

#include <ringlib/wdk_base.h>

typedef UINT64 LOGICAL_ADDRESS;

typedef struct _NET_FRAGMENT_LOGICAL_ADDRESS {
    LOGICAL_ADDRESS LogicalAddress;
} NET_FRAGMENT_LOGICAL_ADDRESS;

C_ASSERT(sizeof(NET_FRAGMENT_LOGICAL_ADDRESS) == 8);

#define NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME L"ms_fragment_logicaladdress"
#define NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1 1U
