// hdc/simd/arch.hpp - architecture tags for kernel selection, and the kernel registration.
//
// Every hot operation is a set of overloads in hdc::simd::detail, one per architecture that has
// a fast path, plus the reference overload taking the tag `scalar` (portable C++) that every
// other one must match bit for bit. Its one line in kernel_list.hpp registers it: the public
// function in hdc::simd and the dispatcher kernels::<name> are generated from it by
// HDC_SIMD_EXPORT below, at the end of each kernel header.
//
// Tags: hdc::simd::scalar (the reference), the xsimd tags xsimd::sse2, xsimd::avx2,
// xsimd::fma3<xsimd::avx2> and xsimd::avx512bw (kernels templated on the tag), and
// hdc::simd::avx512_vpopcnt (AVX-512BW plus VPOPCNTDQ, written with intrinsics because xsimd 8
// has no vector popcount). Tags form xsimd's hierarchy (fma3<avx2> derives from avx2,
// avx512_vpopcnt from avx512bw), so an overload for a tag also serves the tags derived from
// it. No tag converts to scalar: a kernel without an overload for a tag runs the reference only
// through the explicit fallback of its dispatcher, and kernels::<name>::fast_path<Arch> says at
// compile time which it is (tests/test_simd_kernels.cpp lists every fallback).
//
// Kernel headers (this one, lanes.hpp, bitwise.hpp, bitslice.hpp, integer.hpp, floating.hpp,
// complex.hpp, modular.hpp, transform.hpp) include only standard and xsimd headers: the
// runtime-dispatch helper compiles them once per architecture inside a private namespace (see
// cmake/hdcRuntimeDispatch.cmake), after including those headers at global scope.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

// GCC 12 reports false -Wmaybe-uninitialized inside its own AVX-512 headers when their inline
// functions are expanded; the diagnostic state at those header lines is what counts.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#include <immintrin.h>
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "kernel_list.hpp"

// With HDC_RUNTIME_DISPATCH=1 (cmake's hdc_enable_runtime_dispatch) the public kernels of every
// kernel header call through the table chosen at run time (dispatch.hpp); never inside the
// units that compile the tables themselves.
#if defined(HDC_RUNTIME_DISPATCH) && HDC_RUNTIME_DISPATCH && !defined(HDC_DISPATCH_ARCH_TU)
#include "dispatch.hpp"
#define HDC_SIMD_USE_DISPATCH 1
#endif

namespace hdc::simd {

/// A vector architecture tag: xsimd's tags and avx512_vpopcnt (all derived from xsimd::generic).
template <class Arch>
concept vector_arch = std::derived_from<Arch, xsimd::generic>;

/// Tag of the portable reference kernels. Nothing converts to it: the reference runs for a
/// vector tag only where a dispatcher falls back to it explicitly (see kernel_list.hpp).
struct scalar {
    static constexpr const char* name() noexcept { return "scalar"; }
};

/// A tag whose registers have a fused multiply-add (xsimd's fma3<avx2>, and every AVX-512
/// tag): the kernels with double products need it to round once, as their reference does.
template <class Arch>
concept fma_arch = std::derived_from<Arch, xsimd::fma3<xsimd::avx2>> ||
                   std::derived_from<Arch, xsimd::avx512f>;

/// AVX-512F/CD/DQ/BW plus AVX512_VPOPCNTDQ: xsimd's avx512bw with a vector popcount.
struct avx512_vpopcnt : xsimd::avx512bw {
    static constexpr bool supported() noexcept {
#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BW__)
        return true;
#else
        return false;
#endif
    }
    static constexpr const char* name() noexcept { return "avx512_vpopcnt"; }
};

/// The xsimd architecture whose registers a tag's kernels use (avx512_vpopcnt -> avx512bw,
/// fma3<avx2> -> avx2: the tag adds instructions, not registers).
template <class Arch>
struct xsimd_arch_of {
    using type = Arch;
};
template <>
struct xsimd_arch_of<avx512_vpopcnt> {
    using type = xsimd::avx512bw;
};
template <>
struct xsimd_arch_of<xsimd::fma3<xsimd::avx2>> {
    using type = xsimd::avx2;
};
template <class Arch>
using xsimd_arch_t = typename xsimd_arch_of<Arch>::type;

/// A list of architecture tags.
template <class... Archs>
struct arch_list {
    static constexpr std::size_t size = sizeof...(Archs);
};

/// Every architecture the compiler targets in this translation unit, scalar first, best last.
/// Tests iterate over it to compare each kernel with the scalar reference.
using compiled_archs = arch_list<scalar
#if XSIMD_WITH_SSE2
                                 , xsimd::sse2
#endif
#if XSIMD_WITH_AVX2
                                 , xsimd::avx2
#endif
#if XSIMD_WITH_FMA3_AVX2
                                 , xsimd::fma3<xsimd::avx2>
#endif
#if XSIMD_WITH_AVX512BW
                                 , xsimd::avx512bw
#endif
#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BW__)
                                 , avx512_vpopcnt
#endif
                                 >;

/// The architecture the public kernels use in this translation unit: the best one the
/// compiler targets (-march / -m flags).
#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BW__)
using default_arch = avx512_vpopcnt;
#elif XSIMD_WITH_AVX512BW
using default_arch = xsimd::avx512bw;
#elif XSIMD_WITH_FMA3_AVX2
using default_arch = xsimd::fma3<xsimd::avx2>;
#elif XSIMD_WITH_AVX2
using default_arch = xsimd::avx2;
#elif XSIMD_WITH_SSE2
using default_arch = xsimd::sse2;
#else
using default_arch = scalar;
#endif

}  // namespace hdc::simd

// ---------------------------------------------------------------------------------------------
// Registration: HDC_SIMD_<FAMILY>_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V) at the end of a
// kernel header, inside namespace hdc::simd, after every overload of its kernels.

/// The callable a public kernel forwards to: the table chosen at run time, or the dispatcher
/// of this translation unit's best architecture.
#ifdef HDC_SIMD_USE_DISPATCH
#define HDC_SIMD_SELECT(id) ::hdc::simd::active_kernels().id
#else
#define HDC_SIMD_SELECT(id) kernels::id::run<default_arch>
#endif

/// Dispatcher kernels::<name><variant> and public function <name> of one registered kernel.
#define HDC_SIMD_EXPORT_V(name, variant, ret, params, args)                                     \
    namespace kernels {                                                                         \
    struct name##variant {                                                                      \
        template <class Arch>                                                                   \
        static constexpr bool fast_path =                                                       \
            requires params { detail::name(HDC_SIMD_ARGS args, Arch{}); };                      \
        template <class Arch>                                                                   \
        static ret run params noexcept {                                                        \
            if constexpr (fast_path<Arch>)                                                      \
                return detail::name(HDC_SIMD_ARGS args, Arch{});                                \
            else /* the explicit fallback to the reference */                                   \
                return detail::name(HDC_SIMD_ARGS args, scalar{});                              \
        }                                                                                       \
    };                                                                                          \
    }                                                                                           \
    inline ret name params noexcept { return HDC_SIMD_SELECT(name##variant) args; }
#define HDC_SIMD_EXPORT(name, ret, params, args) HDC_SIMD_EXPORT_V(name, , ret, params, args)

// Lets xsimd::batch<T, hdc::simd::avx512_vpopcnt> work like batch<T, xsimd::avx512bw>, the way
// xsimd itself aliases avx2 to avx: kernels of other kinds may be templated on default_arch
// directly. (Not inside the runtime-dispatch architecture units, where the tags live in a
// private namespace; kernels there map tags with xsimd_arch_t.)
#if XSIMD_WITH_AVX512BW && !defined(HDC_DISPATCH_ARCH_TU)
namespace xsimd::types {
template <class T>
struct get_bool_simd_register<T, hdc::simd::avx512_vpopcnt> {
    using type = simd_avx512_bool_register<T>;
};
XSIMD_DECLARE_SIMD_REGISTER_ALIAS(hdc::simd::avx512_vpopcnt, avx512bw);
}  // namespace xsimd::types
#endif
