// The WDF object-context idiom a NetAdapterCx driver uses to hang its state on a queue handle:
//   WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(MY_TXQ, GetMyTxq);
//   WDF_OBJECT_ATTRIBUTES a; WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, MY_TXQ);
//   NetTxQueueCreate(init, &a, &config, &queue);  ...  GetMyTxq(queue)->...
// Contexts are zero-initialized and owned by the object (ringlib's OS side).
#pragma once

#include <ringlib/wdk_base.h>

typedef void* WDFOBJECT;

typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    char const* ContextName;
    SIZE_T ContextSize;
} WDF_OBJECT_CONTEXT_TYPE_INFO;

typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    WDF_OBJECT_CONTEXT_TYPE_INFO const* ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES;

#define WDF_NO_OBJECT_ATTRIBUTES nullptr

FORCEINLINE void WDF_OBJECT_ATTRIBUTES_INIT(_Out_ WDF_OBJECT_ATTRIBUTES* Attributes) {
    Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
    Attributes->ContextTypeInfo = nullptr;
}

/// Implemented by the object's owner (ringlib's OS side); returns null for a type never attached.
void* WdfObjectGetTypedContextWorker(WDFOBJECT Handle, WDF_OBJECT_CONTEXT_TYPE_INFO const* TypeInfo);

#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)                                          \
    inline WDF_OBJECT_CONTEXT_TYPE_INFO const WDF_##_contexttype##_TYPE_INFO{#_contexttype, sizeof(_contexttype)};  \
    inline _contexttype* _castingfunction(WDFOBJECT Handle) {                                                       \
        return static_cast<_contexttype*>(WdfObjectGetTypedContextWorker(Handle, &WDF_##_contexttype##_TYPE_INFO)); \
    }

#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype) \
    do {                                                                   \
        WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                           \
        (_attributes)->ContextTypeInfo = &WDF_##_contexttype##_TYPE_INFO;  \
    } while (0)
