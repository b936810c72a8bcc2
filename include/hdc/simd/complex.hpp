// hdc/simd/complex.hpp - kernels on complex vectors stored as separate real and imaginary arrays.
//
// Buffers are the models' aligned_buffer storage (structure of arrays: re[], im[]). Results are
// bit-reproducible whatever the -ffp-contract setting:
//  * float x float products are formed in double, where they are exact, so fusing them into an
//    fma cannot change a result; a complex product is rounded once to double, then to float;
//  * double x float products (accumulator sums) use explicit std::fma;
//  * sums run in 8 interleaved lanes (element i goes to lane i % 8) reduced in a fixed tree,
//    which is the order a vectorised kernel (2 x 4 or 1 x 8 double lanes) reproduces exactly.
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

/// Number of interleaved partial sums of the complex reductions.
inline constexpr std::size_t complex_lanes = 8;

/// Fixed reduction tree of the 8 partial sums: halves, then quarters, then the last pair.
inline double reduce_lanes(const double (&l)[complex_lanes]) noexcept {
    const double h0 = l[0] + l[4], h1 = l[1] + l[5], h2 = l[2] + l[6], h3 = l[3] + l[7];
    return (h0 + h2) + (h1 + h3);
}

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
    for (std::size_t i = 0; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        lane[i % complex_lanes] += ar * br + ai * bi;
    }
    return reduce_lanes(lane);
}

inline std::complex<double> complex_dot(const float* a_re, const float* a_im, const float* b_re,
                                        const float* b_im, std::size_t n, scalar) noexcept {
    double lane_re[complex_lanes] = {}, lane_im[complex_lanes] = {};
    for (std::size_t i = 0; i < n; ++i) {
        const double ar = a_re[i], ai = a_im[i], br = b_re[i], bi = b_im[i];
        lane_re[i % complex_lanes] += ar * br + ai * bi;
        lane_im[i % complex_lanes] += ai * br - ar * bi;
    }
    return {reduce_lanes(lane_re), reduce_lanes(lane_im)};
}

inline double complex_dot_real(const double* s_re, const double* s_im, const float* v_re,
                               const float* v_im, std::size_t n, scalar) noexcept {
    double lane[complex_lanes] = {};
    for (std::size_t i = 0; i < n; ++i) {
        double& l = lane[i % complex_lanes];
        l = std::fma(s_re[i], static_cast<double>(v_re[i]), l);
        l = std::fma(s_im[i], static_cast<double>(v_im[i]), l);
    }
    return reduce_lanes(lane);
}

inline std::complex<double> complex_dot(const double* s_re, const double* s_im, const float* v_re,
                                        const float* v_im, std::size_t n, scalar) noexcept {
    double lane_re[complex_lanes] = {}, lane_im[complex_lanes] = {};
    for (std::size_t i = 0; i < n; ++i) {
        const double vr = v_re[i], vi = v_im[i];
        double& lr = lane_re[i % complex_lanes];
        double& li = lane_im[i % complex_lanes];
        lr = std::fma(s_re[i], vr, lr);
        lr = std::fma(s_im[i], vi, lr);
        li = std::fma(s_im[i], vr, li);
        li = std::fma(-s_re[i], vi, li);
    }
    return {reduce_lanes(lane_re), reduce_lanes(lane_im)};
}

inline double complex_norm2(const double* re, const double* im, std::size_t n, scalar) noexcept {
    double lane[complex_lanes] = {};
    for (std::size_t i = 0; i < n; ++i) {
        double& l = lane[i % complex_lanes];
        l = std::fma(re[i], re[i], l);
        l = std::fma(im[i], im[i], l);
    }
    return reduce_lanes(lane);
}

inline void complex_axpy(double w, const float* v_re, const float* v_im, double* s_re,
                         double* s_im, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        s_re[i] = std::fma(w, static_cast<double>(v_re[i]), s_re[i]);
        s_im[i] = std::fma(w, static_cast<double>(v_im[i]), s_im[i]);
    }
}

}  // namespace detail

/// out = a * b element-wise (complex product; out may alias a or b).
inline void complex_multiply(const float* a_re, const float* a_im, const float* b_re,
                             const float* b_im, float* out_re, float* out_im,
                             std::size_t n) noexcept {
    detail::complex_multiply(a_re, a_im, b_re, b_im, out_re, out_im, n, default_arch{});
}

/// out = a * conj(b) element-wise (out may alias a or b).
inline void complex_multiply_conj(const float* a_re, const float* a_im, const float* b_re,
                                  const float* b_im, float* out_re, float* out_im,
                                  std::size_t n) noexcept {
    detail::complex_multiply_conj(a_re, a_im, b_re, b_im, out_re, out_im, n, default_arch{});
}

/// Re(sum_i a_i * conj(b_i)) in double.
inline double complex_dot_real(const float* a_re, const float* a_im, const float* b_re,
                               const float* b_im, std::size_t n) noexcept {
    return detail::complex_dot_real(a_re, a_im, b_re, b_im, n, default_arch{});
}

/// sum_i a_i * conj(b_i) in double.
inline std::complex<double> complex_dot(const float* a_re, const float* a_im, const float* b_re,
                                        const float* b_im, std::size_t n) noexcept {
    return detail::complex_dot(a_re, a_im, b_re, b_im, n, default_arch{});
}

/// Re(sum_i s_i * conj(v_i)) of double sums s against a float vector v.
inline double complex_dot_real(const double* s_re, const double* s_im, const float* v_re,
                               const float* v_im, std::size_t n) noexcept {
    return detail::complex_dot_real(s_re, s_im, v_re, v_im, n, default_arch{});
}

/// sum_i s_i * conj(v_i) of double sums s against a float vector v.
inline std::complex<double> complex_dot(const double* s_re, const double* s_im, const float* v_re,
                                        const float* v_im, std::size_t n) noexcept {
    return detail::complex_dot(s_re, s_im, v_re, v_im, n, default_arch{});
}

/// sum_i |z_i|^2 of double components.
inline double complex_norm2(const double* re, const double* im, std::size_t n) noexcept {
    return detail::complex_norm2(re, im, n, default_arch{});
}

/// s += w * v element-wise (double sums, float vector), each update one fma.
inline void complex_axpy(double w, const float* v_re, const float* v_im, double* s_re,
                         double* s_im, std::size_t n) noexcept {
    detail::complex_axpy(w, v_re, v_im, s_re, s_im, n, default_arch{});
}

}  // namespace hdc::simd
