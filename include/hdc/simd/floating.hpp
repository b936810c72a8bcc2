// hdc/simd/floating.hpp - kernels on real-valued vectors (float or double components, double sums).
//
// Floating-point sums depend on their order, so the reference fixes one that a vector unit can
// follow: element i goes to partial sum i % 8 (eight double lanes: one AVX-512 register or two
// AVX2 registers), and the partial sums are combined as a register reduction does (upper half
// onto lower half, three times). Products whose rounding matters use explicit std::fma, and
// float x float products are exact in double, so results do not depend on -ffp-contract either.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

/// Number of interleaved partial sums of the reference reductions (dot, sum_squares).
inline constexpr std::size_t real_lanes = 8;

/// acc + x * y in double, with the product rounded at most once together with the sum.
template <std::floating_point A, std::floating_point B>
inline double real_multiply_add(A x, B y, double acc) noexcept {
    if constexpr (sizeof(A) < sizeof(double) && sizeof(B) < sizeof(double))
        return acc + static_cast<double>(x) * static_cast<double>(y);  // product exact in double
    else
        return std::fma(static_cast<double>(x), static_cast<double>(y), acc);
}

/// The eight lane sums combined in register-reduction order.
inline double reduce_real_lanes(const std::array<double, real_lanes>& l) noexcept {
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

template <std::floating_point T>
inline void real_multiply(const T* a, const T* b, T* out, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

template <std::floating_point A, std::floating_point B>
inline double real_dot(const A* a, const B* b, std::size_t n, scalar) noexcept {
    std::array<double, real_lanes> lane{};
    for (std::size_t i = 0; i < n; ++i)
        lane[i % real_lanes] = real_multiply_add(a[i], b[i], lane[i % real_lanes]);
    return reduce_real_lanes(lane);
}

template <std::floating_point T>
inline double real_sum_squares(const T* a, std::size_t n, scalar) noexcept {
    return real_dot(a, a, n, scalar{});
}

template <std::floating_point T>
inline void real_axpy(double w, const T* x, double* y, std::size_t n, scalar) noexcept {
    // Unit weights (the common case) need no multiply; the results equal the fma form exactly.
    if (w == 1.0) {
        for (std::size_t i = 0; i < n; ++i) y[i] += static_cast<double>(x[i]);
    } else if (w == -1.0) {
        for (std::size_t i = 0; i < n; ++i) y[i] -= static_cast<double>(x[i]);
    } else {
        for (std::size_t i = 0; i < n; ++i) y[i] = std::fma(w, static_cast<double>(x[i]), y[i]);
    }
}

}  // namespace detail

/// out[i] = a[i] * b[i] for i < n (MAP binding).
template <std::floating_point T>
inline void real_multiply(const T* a, const T* b, T* out, std::size_t n) noexcept {
    detail::real_multiply(a, b, out, n, default_arch{});
}

/// Sum of a[i] * b[i] for i < n, accumulated in double in the reference lane order.
template <std::floating_point A, std::floating_point B>
inline double real_dot(const A* a, const B* b, std::size_t n) noexcept {
    return detail::real_dot(a, b, n, default_arch{});
}

/// Sum of a[i]^2 for i < n, accumulated in double in the reference lane order.
template <std::floating_point T>
inline double real_sum_squares(const T* a, std::size_t n) noexcept {
    return detail::real_sum_squares(a, n, default_arch{});
}

/// y[i] += w * x[i] for i < n, in double (adding a weighted vector to accumulator sums).
template <std::floating_point T>
inline void real_axpy(double w, const T* x, double* y, std::size_t n) noexcept {
    detail::real_axpy(w, x, y, n, default_arch{});
}

}  // namespace hdc::simd
