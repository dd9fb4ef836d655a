// A packet queue's callbacks, as a NetAdapterCx client driver registers them.
// Advance, Cancel and SetNotificationEnabled of one queue never run concurrently.
#pragma once

#include <ringlib/wdfobject.h>

typedef struct NETPACKETQUEUE__* NETPACKETQUEUE;

typedef void EVT_PACKET_QUEUE_START(_In_ NETPACKETQUEUE PacketQueue);
typedef void EVT_PACKET_QUEUE_STOP(_In_ NETPACKETQUEUE PacketQueue);
typedef void EVT_PACKET_QUEUE_ADVANCE(_In_ NETPACKETQUEUE PacketQueue);
typedef void EVT_PACKET_QUEUE_CANCEL(_In_ NETPACKETQUEUE PacketQueue);
typedef void EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED(_In_ NETPACKETQUEUE PacketQueue,
                                                       _In_ BOOLEAN NotificationEnabled);

typedef EVT_PACKET_QUEUE_START* PFN_PACKET_QUEUE_START;
typedef EVT_PACKET_QUEUE_STOP* PFN_PACKET_QUEUE_STOP;
typedef EVT_PACKET_QUEUE_ADVANCE* PFN_PACKET_QUEUE_ADVANCE;
typedef EVT_PACKET_QUEUE_CANCEL* PFN_PACKET_QUEUE_CANCEL;
typedef EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED* PFN_PACKET_QUEUE_SET_NOTIFICATION_ENABLED;

typedef struct _NET_PACKET_QUEUE_CONFIG {
    ULONG Size;
    PFN_PACKET_QUEUE_ADVANCE EvtAdvance;
    PFN_PACKET_QUEUE_SET_NOTIFICATION_ENABLED EvtSetNotificationEnabled;
    PFN_PACKET_QUEUE_CANCEL EvtCancel;
    PFN_PACKET_QUEUE_START EvtStart;  // optional
    PFN_PACKET_QUEUE_STOP EvtStop;    // optional
} NET_PACKET_QUEUE_CONFIG;

FORCEINLINE void NET_PACKET_QUEUE_CONFIG_INIT(_Out_ NET_PACKET_QUEUE_CONFIG* Config,
                                              _In_ PFN_PACKET_QUEUE_ADVANCE EvtAdvance,
                                              _In_ PFN_PACKET_QUEUE_SET_NOTIFICATION_ENABLED EvtSetNotificationEnabled,
                                              _In_ PFN_PACKET_QUEUE_CANCEL EvtCancel) {
    *Config = NET_PACKET_QUEUE_CONFIG{};
    Config->Size = sizeof(NET_PACKET_QUEUE_CONFIG);
    Config->EvtAdvance = EvtAdvance;
    Config->EvtSetNotificationEnabled = EvtSetNotificationEnabled;
    Config->EvtCancel = EvtCancel;
}
