// hdc/simd/complex.hpp - kernels on complex vectors stored as separate real and imaginary arrays.
//
// Buffers are the models' aligned_buffer storage (structure of arrays: re[], im[]). Results are
// bit-reproducible whatever the -ffp-contract setting:
//  * float x float products are formed in double, where they are exact, so fusing them into an
//    fma cannot change a result; a complex product is rounded once to double, then to float;
//  * double x float products (accumulator sums) use explicit std::fma;
//  * sums run in 8 interleaved lanes (element i goes to lane i % 8) reduced in a fixed tree,
//    which is the order a vectorised kernel (2 x 4 or 1 x 8 double lanes) reproduces exactly.
//
// Overloads: scalar (the reference); a template on the xsimd tags that keeps the eight lanes in
// registers (lanes.hpp) and gives the last n % 8 elements to the reference's per-element step.
// Kernels with double x double or double x float products need a fused multiply-add in
// registers: their fast paths are for fma_arch tags only (elsewhere the reference runs). Lengths are exact (no access at or past
// n). Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

/// Number of interleaved partial sums of the complex reductions.
inline constexpr std::size_t complex_lanes = double_lanes;

// ---------------------------------------------------------------------------------------------
// Per-element steps of the reductions, in the reference order: element i updates lane i % 8,
// for i in [from, n).

inline void complex_dot_real_lanes(const float* a_re, const float* a_im, const float* b_re,
                                   const float* b_im, std::size_t from, std::size_t n,
                                   double (&lane)[complex_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        lane[i % complex_lanes] += ar * br + ai * bi;
    }
}

inline void complex_dot_lanes(const float* a_re, const float* a_im, const float* b_re,
                              const float* b_im, std::size_t from, std::size_t n,
                              double (&lane_re)[complex_lanes],
                              double (&lane_im)[complex_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        lane_re[i % complex_lanes] += ar * br + ai * bi;
        lane_im[i % complex_lanes] += ai * br - ar * bi;
    }
}

inline void complex_dot_real_lanes(const double* s_re, const double* s_im, const float* v_re,
                                   const float* v_im, std::size_t from, std::size_t n,
                                   double (&lane)[complex_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i) {
        double& l = lane[i % complex_lanes];
        l = std::fma(s_re[i], static_cast<double>(v_re[i]), l);
        l = std::fma(s_im[i], static_cast<double>(v_im[i]), l);
    }
}

inline void complex_dot_lanes(const double* s_re, const double* s_im, const float* v_re,
                              const float* v_im, std::size_t from, std::size_t n,
                              double (&lane_re)[complex_lanes],
                              double (&lane_im)[complex_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i) {
        const double vr = v_re[i], vi = v_im[i];
        double& lr = lane_re[i % complex_lanes];
        double& li = lane_im[i % complex_lanes];
        lr = std::fma(s_re[i], vr, lr);
        lr = std::fma(s_im[i], vi, lr);
        li = std::fma(s_im[i], vr, li);
        li = std::fma(-s_re[i], vi, li);
    }
}

inline void complex_norm2_lanes(const double* re, const double* im, std::size_t from,
                                std::size_t n, double (&lane)[complex_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i) {
        double& l = lane[i % complex_lanes];
        l = std::fma(re[i], re[i], l);
        l = std::fma(im[i], im[i], l);
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void complex_multiply(const float* a_re, const float* a_im, const float* b_re,
                             const float* b_im, float* out_re, float* out_im, std::size_t n,
                             scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        out_re[i] = static_cast<float>(ar * br - ai * bi);
        out_im[i] = static_cast<float>(ar * bi + ai * br);
    }
}

inline void complex_multiply_conj(const float* a_re, const float* a_im, const float* b_re,
                                  const float* b_im, float* out_re, float* out_im, std::size_t n,
                                  scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        out_re[i] = static_cast<float>(ar * br + ai * bi);
        out_im[i] = static_cast<float>(ai * br - ar * bi);
    }
}

inline double complex_dot_real(const float* a_re, const float* a_im, const float* b_re,
                               const float* b_im, std::size_t n, scalar) noexcept {
    double lane[complex_lanes] = {};
    complex_dot_real_lanes(a_re, a_im, b_re, b_im, 0, n, lane);
    return reduce_double_lanes(lane);
}

inline std::complex<double> complex_dot(const float* a_re, const float* a_im, const float* b_re,
                                        const float* b_im, std::size_t n, scalar) noexcept {
    double lane_re[complex_lanes] = {}, lane_im[complex_lanes] = {};
    complex_dot_lanes(a_re, a_im, b_re, b_im, 0, n, lane_re, lane_im);
    return {reduce_double_lanes(lane_re), reduce_double_lanes(lane_im)};
}

inline double complex_dot_real(const double* s_re, const double* s_im, const float* v_re,
                               const float* v_im, std::size_t n, scalar) noexcept {
    double lane[complex_lanes] = {};
    complex_dot_real_lanes(s_re, s_im, v_re, v_im, 0, n, lane);
    return reduce_double_lanes(lane);
}

inline std::complex<double> complex_dot(const double* s_re, const double* s_im, const float* v_re,
                                        const float* v_im, std::size_t n, scalar) noexcept {
    double lane_re[complex_lanes] = {}, lane_im[complex_lanes] = {};
    complex_dot_lanes(s_re, s_im, v_re, v_im, 0, n, lane_re, lane_im);
    return {reduce_double_lanes(lane_re), reduce_double_lanes(lane_im)};
}

inline double complex_norm2(const double* re, const double* im, std::size_t n, scalar) noexcept {
    double lane[complex_lanes] = {};
    complex_norm2_lanes(re, im, 0, n, lane);
    return reduce_double_lanes(lane);
}

inline void complex_axpy(double w, const float* v_re, const float* v_im, double* s_re,
                         double* s_im, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        s_re[i] = std::fma(w, static_cast<double>(v_re[i]), s_re[i]);
        s_im[i] = std::fma(w, static_cast<double>(v_im[i]), s_im[i]);
    }
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, avx512bw; avx512_vpopcnt uses avx512bw's). Every chunk of 8
// elements is read completely before its outputs are written, so out may alias a or b.

template <vector_arch Arch>
void complex_multiply(const float* a_re, const float* a_im, const float* b_re, const float* b_im,
                      float* out_re, float* out_im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L ar = lanes_at<Arch>(a_re + i), ai = lanes_at<Arch>(a_im + i),
                br = lanes_at<Arch>(b_re + i), bi = lanes_at<Arch>(b_im + i);
        L re, im;
        for (std::size_t k = 0; k < L::count; ++k) {
            // Exact products; one rounding to double, one to float, as in the reference.
            re.r[k] = ar.r[k] * br.r[k] - ai.r[k] * bi.r[k];
            im.r[k] = ar.r[k] * bi.r[k] + ai.r[k] * br.r[k];
        }
        store_lanes(out_re + i, re);
        store_lanes(out_im + i, im);
    }
    complex_multiply(a_re + whole, a_im + whole, b_re + whole, b_im + whole, out_re + whole,
                     out_im + whole, n - whole, scalar{});
}

template <vector_arch Arch>
void complex_multiply_conj(const float* a_re, const float* a_im, const float* b_re,
                           const float* b_im, float* out_re, float* out_im, std::size_t n,
                           Arch) noexcept {
    using L = lane_block<Arch>;
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L ar = lanes_at<Arch>(a_re + i), ai = lanes_at<Arch>(a_im + i),
                br = lanes_at<Arch>(b_re + i), bi = lanes_at<Arch>(b_im + i);
        L re, im;
        for (std::size_t k = 0; k < L::count; ++k) {
            re.r[k] = ar.r[k] * br.r[k] + ai.r[k] * bi.r[k];
            im.r[k] = ai.r[k] * br.r[k] - ar.r[k] * bi.r[k];
        }
        store_lanes(out_re + i, re);
        store_lanes(out_im + i, im);
    }
    complex_multiply_conj(a_re + whole, a_im + whole, b_re + whole, b_im + whole, out_re + whole,
                          out_im + whole, n - whole, scalar{});
}

template <vector_arch Arch>
double complex_dot_real(const float* a_re, const float* a_im, const float* b_re,
                        const float* b_im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    L acc = zero_lanes<Arch>();
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L ar = lanes_at<Arch>(a_re + i), ai = lanes_at<Arch>(a_im + i),
                br = lanes_at<Arch>(b_re + i), bi = lanes_at<Arch>(b_im + i);
        for (std::size_t k = 0; k < L::count; ++k)
            acc.r[k] = acc.r[k] + (ar.r[k] * br.r[k] + ai.r[k] * bi.r[k]);
    }
    double lane[complex_lanes];
    store_lanes(lane, acc);
    complex_dot_real_lanes(a_re, a_im, b_re, b_im, whole, n, lane);
    return reduce_double_lanes(lane);
}

template <vector_arch Arch>
std::complex<double> complex_dot(const float* a_re, const float* a_im, const float* b_re,
                                 const float* b_im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    L acc_re = zero_lanes<Arch>(), acc_im = zero_lanes<Arch>();
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L ar = lanes_at<Arch>(a_re + i), ai = lanes_at<Arch>(a_im + i),
                br = lanes_at<Arch>(b_re + i), bi = lanes_at<Arch>(b_im + i);
        for (std::size_t k = 0; k < L::count; ++k) {
            acc_re.r[k] = acc_re.r[k] + (ar.r[k] * br.r[k] + ai.r[k] * bi.r[k]);
            acc_im.r[k] = acc_im.r[k] + (ai.r[k] * br.r[k] - ar.r[k] * bi.r[k]);
        }
    }
    double lane_re[complex_lanes], lane_im[complex_lanes];
    store_lanes(lane_re, acc_re);
    store_lanes(lane_im, acc_im);
    complex_dot_lanes(a_re, a_im, b_re, b_im, whole, n, lane_re, lane_im);
    return {reduce_double_lanes(lane_re), reduce_double_lanes(lane_im)};
}

template <fma_arch Arch>
double complex_dot_real(const double* s_re, const double* s_im, const float* v_re,
                        const float* v_im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    L acc = zero_lanes<Arch>();
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L sr = lanes_at<Arch>(s_re + i), si = lanes_at<Arch>(s_im + i),
                vr = lanes_at<Arch>(v_re + i), vi = lanes_at<Arch>(v_im + i);
        for (std::size_t k = 0; k < L::count; ++k)
            acc.r[k] = fused_multiply_add(si.r[k], vi.r[k],
                                          fused_multiply_add(sr.r[k], vr.r[k], acc.r[k]));
    }
    double lane[complex_lanes];
    store_lanes(lane, acc);
    complex_dot_real_lanes(s_re, s_im, v_re, v_im, whole, n, lane);
    return reduce_double_lanes(lane);
}

template <fma_arch Arch>
std::complex<double> complex_dot(const double* s_re, const double* s_im, const float* v_re,
                                 const float* v_im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    L acc_re = zero_lanes<Arch>(), acc_im = zero_lanes<Arch>();
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L sr = lanes_at<Arch>(s_re + i), si = lanes_at<Arch>(s_im + i),
                vr = lanes_at<Arch>(v_re + i), vi = lanes_at<Arch>(v_im + i);
        for (std::size_t k = 0; k < L::count; ++k) {
            acc_re.r[k] = fused_multiply_add(si.r[k], vi.r[k],
                                             fused_multiply_add(sr.r[k], vr.r[k], acc_re.r[k]));
            acc_im.r[k] = fused_multiply_add(-sr.r[k], vi.r[k],
                                             fused_multiply_add(si.r[k], vr.r[k], acc_im.r[k]));
        }
    }
    double lane_re[complex_lanes], lane_im[complex_lanes];
    store_lanes(lane_re, acc_re);
    store_lanes(lane_im, acc_im);
    complex_dot_lanes(s_re, s_im, v_re, v_im, whole, n, lane_re, lane_im);
    return {reduce_double_lanes(lane_re), reduce_double_lanes(lane_im)};
}

template <fma_arch Arch>
double complex_norm2(const double* re, const double* im, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    L acc = zero_lanes<Arch>();
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L r = lanes_at<Arch>(re + i), m = lanes_at<Arch>(im + i);
        for (std::size_t k = 0; k < L::count; ++k)
            acc.r[k] = fused_multiply_add(m.r[k], m.r[k],
                                          fused_multiply_add(r.r[k], r.r[k], acc.r[k]));
    }
    double lane[complex_lanes];
    store_lanes(lane, acc);
    complex_norm2_lanes(re, im, whole, n, lane);
    return reduce_double_lanes(lane);
}

template <fma_arch Arch>
void complex_axpy(double w, const float* v_re, const float* v_im, double* s_re, double* s_im,
                  std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    const typename L::reg wv(w);
    const std::size_t whole = n - n % complex_lanes;
    for (std::size_t i = 0; i < whole; i += complex_lanes) {
        const L vr = lanes_at<Arch>(v_re + i), vi = lanes_at<Arch>(v_im + i);
        L sr = lanes_at<Arch>(s_re + i), si = lanes_at<Arch>(s_im + i);
        for (std::size_t k = 0; k < L::count; ++k) {
            sr.r[k] = fused_multiply_add(wv, vr.r[k], sr.r[k]);
            si.r[k] = fused_multiply_add(wv, vi.r[k], si.r[k]);
        }
        store_lanes(s_re + i, sr);
        store_lanes(s_im + i, si);
    }
    complex_axpy(w, v_re + whole, v_im + whole, s_re + whole, s_im + whole, n - whole,
                 scalar{});
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_COMPLEX_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
