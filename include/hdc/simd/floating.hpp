// hdc/simd/floating.hpp - kernels on real-valued vectors (float or double components, double sums).
//
// Floating-point sums depend on their order, so the reference fixes one that a vector unit can
// follow: element i goes to partial sum i % 8 (eight double lanes: one AVX-512 register or two
// AVX2 registers), and the partial sums are combined as a register reduction does (upper half
// onto lower half, three times). Products whose rounding matters use explicit std::fma, and
// float x float products are exact in double, so results do not depend on -ffp-contract either.
//
// Overloads: scalar (the reference); a template on the xsimd tags for float and double arrays,
// keeping the eight lanes in registers (lanes.hpp) and handing the last n % 8 elements to the
// reference's per-element step, so every architecture returns the reference's bits. Kernels
// that need a fused multiply-add on doubles have fast paths only for fma_arch tags (xsimd's
// fma3<avx2>, AVX-512): elsewhere their dispatchers run the reference. Lengths are exact: no
// kernel touches an element at or past n.
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

/// Number of interleaved partial sums of the reference reductions (dot, sum_squares).
inline constexpr std::size_t real_lanes = double_lanes;

/// float or double: the component types with vector kernels.
template <class T>
concept vector_real = std::same_as<T, float> || std::same_as<T, double>;

/// acc + x * y in double, with the product rounded at most once together with the sum.
template <std::floating_point A, std::floating_point B>
inline double real_multiply_add(A x, B y, double acc) noexcept {
    if constexpr (sizeof(A) < sizeof(double) && sizeof(B) < sizeof(double))
        return acc + static_cast<double>(x) * static_cast<double>(y);  // product exact in double
    else
        return std::fma(static_cast<double>(x), static_cast<double>(y), acc);
}

/// lane[i % 8] = acc + a[i] * b[i] for i in [from, n): the reference order, element by element.
template <std::floating_point A, std::floating_point B>
inline void real_dot_lanes(const A* a, const B* b, std::size_t from, std::size_t n,
                           double (&lane)[real_lanes]) noexcept {
    for (std::size_t i = from; i < n; ++i)
        lane[i % real_lanes] = real_multiply_add(a[i], b[i], lane[i % real_lanes]);
}

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

template <std::floating_point T>
inline void real_multiply(const T* a, const T* b, T* out, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

template <std::floating_point A, std::floating_point B>
inline double real_dot(const A* a, const B* b, std::size_t n, scalar) noexcept {
    double lane[real_lanes] = {};
    real_dot_lanes(a, b, 0, n, lane);
    return reduce_double_lanes(lane);
}

template <std::floating_point T>
inline double real_sum_squares(const T* a, std::size_t n, scalar) noexcept {
    return real_dot(a, a, n, scalar{});
}

/// out[r] = real_dot(query, rows + r * stride, n) for r < n_rows: one query against many rows
/// (memory search), each dot in the reference order.
template <std::floating_point T>
inline void real_dot_rows(const T* query, const T* rows, std::size_t stride, std::size_t n_rows, std::size_t n,
                          double* out, scalar) noexcept {
    for (std::size_t r = 0; r < n_rows; ++r) out[r] = real_dot(query, rows + r * stride, n, scalar{});
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

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, fma3<avx2>, avx512bw; avx512_vpopcnt uses avx512bw's).

template <vector_arch Arch, vector_real T>
void real_multiply(const T* a, const T* b, T* out, std::size_t n, Arch) noexcept {
    using B = batch_of<Arch, T>;
    std::size_t i = 0;
    for (; i + B::size <= n; i += B::size)
        (B::load_unaligned(a + i) * B::load_unaligned(b + i)).store_unaligned(out + i);
    real_multiply(a + i, b + i, out + i, n - i, scalar{});
}

/// Products of two floats are exact in double: no fused multiply-add is needed to round once.
template <class A, class B>
concept exact_products = std::same_as<A, float> && std::same_as<B, float>;

template <vector_arch Arch, vector_real A, vector_real B>
    requires exact_products<A, B> || fma_arch<Arch>
double real_dot(const A* a, const B* b, std::size_t n, Arch) noexcept {
    constexpr bool fused = fma_arch<Arch>;
    using L = lane_block<Arch>;
    L acc = zero_lanes<Arch>();
    const std::size_t whole = n - n % real_lanes;
    for (std::size_t i = 0; i < whole; i += real_lanes) {
        const L x = lanes_at<Arch>(a + i), y = lanes_at<Arch>(b + i);
        for (std::size_t k = 0; k < L::count; ++k) {
            // Exact float products: fused or not, one rounding (of the sum).
            if constexpr (fused)
                acc.r[k] = fused_multiply_add(x.r[k], y.r[k], acc.r[k]);
            else
                acc.r[k] = acc.r[k] + x.r[k] * y.r[k];
        }
    }
    double lane[real_lanes];
    store_lanes(lane, acc);
    real_dot_lanes(a, b, whole, n, lane);
    return reduce_double_lanes(lane);
}

/// Asks for the line 1 KiB past p: several row streams at once outrun the hardware prefetcher.
/// A prefetch never faults, so it may point past the end of a row.
inline void prefetch_ahead(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(static_cast<const char*>(p) + 1024);
#else
    (void)p;
#endif
}

/// Rows handled together by real_dot_rows: their dots are independent chains, so the loop is
/// bound by loads and fused multiply-adds instead of one chain's add latency. Eight lane
/// registers in all (8 rows on AVX-512, 4 on AVX2, 2 on SSE2), so they fit the register file.
/// Any grouping gives the same bits: each row's chain is the reference's.
template <class Arch>
inline constexpr std::size_t real_dot_row_group = 8 / lane_block<Arch>::count;

template <vector_arch Arch, vector_real T>
    requires exact_products<T, T> || fma_arch<Arch>
void real_dot_rows(const T* query, const T* rows, std::size_t stride, std::size_t n_rows, std::size_t n,
                   double* out, Arch arch) noexcept {
    constexpr bool fused = fma_arch<Arch>;
    {
        using L = lane_block<Arch>;
        constexpr std::size_t G = real_dot_row_group<Arch>;
        constexpr std::size_t line = 64 / sizeof(T);  // elements per cache line (8 or 16)
        const std::size_t whole = n - n % real_lanes;
        std::size_t r = 0;
        for (; r + G <= n_rows; r += G) {
            const T* row[G];
            L acc[G];
            for (std::size_t g = 0; g < G; ++g) {
                row[g] = rows + (r + g) * stride;
                acc[g] = zero_lanes<Arch>();
            }
            for (std::size_t i = 0; i < whole; i += real_lanes) {
                const L x = lanes_at<Arch>(query + i);
                if (i % line == 0)
                    for (std::size_t g = 0; g < G; ++g) prefetch_ahead(row[g] + i);
                for (std::size_t g = 0; g < G; ++g) {
                    const L y = lanes_at<Arch>(row[g] + i);
                    for (std::size_t k = 0; k < L::count; ++k) {
                        if constexpr (fused)
                            acc[g].r[k] = fused_multiply_add(x.r[k], y.r[k], acc[g].r[k]);
                        else
                            acc[g].r[k] = acc[g].r[k] + x.r[k] * y.r[k];  // exact float products
                    }
                }
            }
            for (std::size_t g = 0; g < G; ++g) {
                double lane[real_lanes];
                store_lanes(lane, acc[g]);
                real_dot_lanes(query, row[g], whole, n, lane);
                out[r + g] = reduce_double_lanes(lane);
            }
        }
        for (; r < n_rows; ++r) out[r] = real_dot(query, rows + r * stride, n, arch);
    }
}

template <vector_arch Arch, vector_real T>
    requires exact_products<T, T> || fma_arch<Arch>
double real_sum_squares(const T* a, std::size_t n, Arch arch) noexcept {
    return real_dot(a, a, n, arch);
}

template <fma_arch Arch, vector_real T>
void real_axpy(double w, const T* x, double* y, std::size_t n, Arch) noexcept {
    using L = lane_block<Arch>;
    const std::size_t whole = n - n % real_lanes;
    if (w == 1.0) {
        for (std::size_t i = 0; i < whole; i += real_lanes) {
            const L a = lanes_at<Arch>(x + i);
            L s = lanes_at<Arch>(y + i);
            for (std::size_t k = 0; k < L::count; ++k) s.r[k] = s.r[k] + a.r[k];
            store_lanes(y + i, s);
        }
    } else if (w == -1.0) {
        for (std::size_t i = 0; i < whole; i += real_lanes) {
            const L a = lanes_at<Arch>(x + i);
            L s = lanes_at<Arch>(y + i);
            for (std::size_t k = 0; k < L::count; ++k) s.r[k] = s.r[k] - a.r[k];
            store_lanes(y + i, s);
        }
    } else {
        const typename L::reg wv(w);
        for (std::size_t i = 0; i < whole; i += real_lanes) {
            const L a = lanes_at<Arch>(x + i);
            L s = lanes_at<Arch>(y + i);
            for (std::size_t k = 0; k < L::count; ++k) s.r[k] = fused_multiply_add(wv, a.r[k], s.r[k]);
            store_lanes(y + i, s);
        }
    }
    real_axpy(w, x + whole, y + whole, n - whole, scalar{});
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels: the float and double overloads and their dispatchers, generated from
// kernel_list.hpp, and templates for the other combinations.

HDC_SIMD_FLOATING_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

/// out[i] = a[i] * b[i] for i < n, for component types without a vector kernel (reference).
template <std::floating_point T>
inline void real_multiply(const T* a, const T* b, T* out, std::size_t n) noexcept {
    detail::real_multiply(a, b, out, n, scalar{});
}

/// Sum of a[i] * b[i] for i < n, for the type pairs not registered above: float x double is the
/// registered double x float (fma(x, y, s) == fma(y, x, s)), other types use the reference.
template <std::floating_point A, std::floating_point B>
inline double real_dot(const A* a, const B* b, std::size_t n) noexcept {
    if constexpr (std::same_as<A, float> && std::same_as<B, double>)
        return real_dot(b, a, n);
    else
        return detail::real_dot(a, b, n, scalar{});
}

/// Sum of a[i]^2 for i < n, for component types without a vector kernel (reference).
template <std::floating_point T>
inline double real_sum_squares(const T* a, std::size_t n) noexcept {
    return detail::real_sum_squares(a, n, scalar{});
}

/// y[i] += w * x[i] for i < n, for component types without a vector kernel (reference).
template <std::floating_point T>
inline void real_axpy(double w, const T* x, double* y, std::size_t n) noexcept {
    detail::real_axpy(w, x, y, n, scalar{});
}

}  // namespace hdc::simd
