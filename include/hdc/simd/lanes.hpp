// hdc/simd/lanes.hpp - register helpers of the dense kernels: batches per tag, 8 double lanes.
//
// The floating-point references (floating.hpp, complex.hpp) accumulate element i in double
// lane i % 8. A vector kernel keeps those eight lanes in registers: four SSE2 registers, two
// AVX2 registers or one AVX-512 register, element i of an 8-element chunk always in lane i, so
// its sums equal the reference's bit for bit. Only standard and xsimd headers may be included
// here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "arch.hpp"

namespace hdc::simd::detail {

/// Number of interleaved double partial sums of the floating-point reductions.
inline constexpr std::size_t double_lanes = 8;

/// The eight lane sums combined as a register reduction does: upper half onto lower half,
/// three times. Every floating-point reduction of the library ends with this tree.
inline double reduce_double_lanes(const double (&l)[double_lanes]) noexcept {
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

/// xsimd's batch of T for architecture tag Arch (avx512_vpopcnt uses avx512bw's registers).
template <class Arch, class T>
using batch_of = xsimd::batch<T, xsimd_arch_t<Arch>>;

/// Lanes of t where cond holds, of f elsewhere: xsimd::select, except for AVX-512BW bytes and
/// words (below), whose xsimd 8.1 select hands batch objects to GCC's blend macros, which do
/// not compile without optimisation.
template <class B>
B blend(const typename B::batch_bool_type& cond, const B& t, const B& f) noexcept {
    return xsimd::select(cond, t, f);
}

#if XSIMD_WITH_AVX512BW
inline xsimd::batch<std::int8_t, xsimd::avx512bw> blend(
    const xsimd::batch_bool<std::int8_t, xsimd::avx512bw>& cond,
    const xsimd::batch<std::int8_t, xsimd::avx512bw>& t,
    const xsimd::batch<std::int8_t, xsimd::avx512bw>& f) noexcept {
    const __mmask64 m = cond;
    const __m512i on = t, off = f;
    return _mm512_mask_blend_epi8(m, off, on);
}

inline xsimd::batch<std::int16_t, xsimd::avx512bw> blend(
    const xsimd::batch_bool<std::int16_t, xsimd::avx512bw>& cond,
    const xsimd::batch<std::int16_t, xsimd::avx512bw>& t,
    const xsimd::batch<std::int16_t, xsimd::avx512bw>& f) noexcept {
    const __mmask32 m = cond;
    const __m512i on = t, off = f;
    return _mm512_mask_blend_epi16(m, off, on);
}
#endif

/// The eight double lanes in registers of xsimd architecture X.
template <class X>
struct register_lanes {
    using reg = xsimd::batch<double, X>;
    static constexpr std::size_t count = double_lanes / reg::size;
    reg r[count];
};

/// The eight double lanes of architecture tag Arch.
template <class Arch>
using lane_block = register_lanes<xsimd_arch_t<Arch>>;

// ---------------------------------------------------------------------------------------------
// Per-architecture pieces: widening 8 floats to the 8 lanes and back, and the fused
// multiply-add (x * y + z rounded once) of the fma_arch tags (arch.hpp): kernels that call it
// are constrained to those tags.

#if XSIMD_WITH_SSE2
inline void load_lanes(const float* p, lane_block<xsimd::sse2>& b) noexcept {
    const __m128 lo = _mm_loadu_ps(p), hi = _mm_loadu_ps(p + 4);
    b.r[0] = _mm_cvtps_pd(lo);
    b.r[1] = _mm_cvtps_pd(_mm_movehl_ps(lo, lo));
    b.r[2] = _mm_cvtps_pd(hi);
    b.r[3] = _mm_cvtps_pd(_mm_movehl_ps(hi, hi));
}
inline void store_lanes(float* p, const lane_block<xsimd::sse2>& b) noexcept {
    _mm_storeu_ps(p, _mm_movelh_ps(_mm_cvtpd_ps(b.r[0]), _mm_cvtpd_ps(b.r[1])));
    _mm_storeu_ps(p + 4, _mm_movelh_ps(_mm_cvtpd_ps(b.r[2]), _mm_cvtpd_ps(b.r[3])));
}
#endif

#if XSIMD_WITH_AVX2
inline void load_lanes(const float* p, lane_block<xsimd::avx2>& b) noexcept {
    b.r[0] = _mm256_cvtps_pd(_mm_loadu_ps(p));
    b.r[1] = _mm256_cvtps_pd(_mm_loadu_ps(p + 4));
}
inline void store_lanes(float* p, const lane_block<xsimd::avx2>& b) noexcept {
    _mm_storeu_ps(p, _mm256_cvtpd_ps(b.r[0]));
    _mm_storeu_ps(p + 4, _mm256_cvtpd_ps(b.r[1]));
}
#if XSIMD_WITH_FMA3_AVX2  // for the fma3<avx2> tag, whose registers are avx2's
inline xsimd::batch<double, xsimd::avx2> fused_multiply_add(
    xsimd::batch<double, xsimd::avx2> x, xsimd::batch<double, xsimd::avx2> y,
    xsimd::batch<double, xsimd::avx2> z) noexcept {
    return _mm256_fmadd_pd(x, y, z);
}
#endif
#endif

#if XSIMD_WITH_AVX512BW
inline void load_lanes(const float* p, lane_block<xsimd::avx512bw>& b) noexcept {
    b.r[0] = _mm512_cvtps_pd(_mm256_loadu_ps(p));
}
inline void store_lanes(float* p, const lane_block<xsimd::avx512bw>& b) noexcept {
    _mm256_storeu_ps(p, _mm512_cvtpd_ps(b.r[0]));
}
inline xsimd::batch<double, xsimd::avx512bw> fused_multiply_add(
    xsimd::batch<double, xsimd::avx512bw> x, xsimd::batch<double, xsimd::avx512bw> y,
    xsimd::batch<double, xsimd::avx512bw> z) noexcept {
    return _mm512_fmadd_pd(x, y, z);
}
#endif

/// The 8 doubles at p into the lanes.
template <class X>
void load_lanes(const double* p, register_lanes<X>& b) noexcept {
    using reg = typename register_lanes<X>::reg;
    for (std::size_t k = 0; k < register_lanes<X>::count; ++k)
        b.r[k] = reg::load_unaligned(p + k * reg::size);
}

template <class X>
void store_lanes(double* p, const register_lanes<X>& b) noexcept {
    using reg = typename register_lanes<X>::reg;
    for (std::size_t k = 0; k < register_lanes<X>::count; ++k)
        b.r[k].store_unaligned(p + k * reg::size);
}

/// The 8 elements at p (float or double) as lanes: lanes_at<Arch>(p).
template <class Arch, class T>
lane_block<Arch> lanes_at(const T* p) noexcept {
    lane_block<Arch> b;
    load_lanes(p, b);
    return b;
}

/// All lanes zero.
template <class Arch>
lane_block<Arch> zero_lanes() noexcept {
    lane_block<Arch> b;
    for (auto& r : b.r) r = typename lane_block<Arch>::reg(0.0);
    return b;
}

}  // namespace hdc::simd::detail
