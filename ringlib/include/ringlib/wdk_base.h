// The small slice of Windows/WDK base types, annotations and macros that the net ring headers
// need, so that they compile on Linux with nothing but `-I ringlib/include`.
//
// NT_ASSERT is always on (NDEBUG does not remove it) and throws ringlib::ApiMisuse: a driver that
// misuses the ring API gets a message naming the broken precondition, never a silent overrun.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

using UINT8 = std::uint8_t;
using UINT16 = std::uint16_t;
using UINT32 = std::uint32_t;
using UINT64 = std::uint64_t;
using INT8 = std::int8_t;
using INT16 = std::int16_t;
using INT32 = std::int32_t;
using INT64 = std::int64_t;
using UCHAR = unsigned char;
using USHORT = std::uint16_t;
using ULONG = std::uint32_t;  // LLP64: ULONG is 32 bits on Windows
using LONG = std::int32_t;
using ULONG64 = std::uint64_t;
using ULONG_PTR = std::uintptr_t;
using SIZE_T = std::size_t;
using BOOLEAN = UCHAR;
using WCHAR = wchar_t;
using PCWSTR = WCHAR const*;
using PVOID = void*;
using VOID = void;
using NTSTATUS = std::int32_t;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

#define FORCEINLINE inline
#define ANYSIZE_ARRAY 1
#define DECLSPEC_CACHEALIGN alignas(64)
#define C_ASSERT(e) static_assert(e, #e)
#define EXTERN_C_START
#define EXTERN_C_END
#define UNREFERENCED_PARAMETER(P) ((void)(P))

// SAL annotations carry no meaning for GCC.
#define _In_
#define _In_opt_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _In_reads_(n)
#define _Out_writes_(n)
#define _Use_decl_annotations_
#define _IRQL_requires_(l)
#define _IRQL_requires_max_(l)
#define _IRQL_requires_same_
#define _Function_class_(n)

namespace ringlib {

/// Thrown when a driver breaks a precondition of the ring API itself (an index out of range, Set
/// on an iterator without an index to set). The OS side reports it like a verifier violation.
class ApiMisuse : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

[[noreturn]] inline void api_misuse(char const* expression, char const* file, int line) {
    throw ApiMisuse(std::string("net ring API precondition failed: ") + expression + " (" + file + ":" +
                    std::to_string(line) + ")");
}

}  // namespace ringlib

#define NT_ASSERT(e) ((e) ? (void)0 : ::ringlib::api_misuse(#e, __FILE__, __LINE__))
