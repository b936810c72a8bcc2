// hdc/simd/integer.hpp - kernels on small-integer vectors: bipolar int8 components, int32 sums.
//
// Buffers are the models' aligned_buffer storage. Every result here is exact integer arithmetic
// (sum_squares is exact in 128 bits and rounded once), so a vectorised kernel matches the scalar
// reference whatever order it sums in. Callers keep int32 sums within range (the bipolar
// accumulator bounds the total weight it accepts).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

inline void int8_multiply(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int8_t>(a[i] * b[i]);
}

inline std::int64_t int8_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n,
                             scalar) noexcept {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}

inline std::int64_t int32_int8_dot(const std::int32_t* a, const std::int8_t* b, std::size_t n,
                                   scalar) noexcept {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int64_t>(a[i]) * b[i];
    return s;
}

inline std::uint64_t int8_count_differing(const std::int8_t* a, const std::int8_t* b,
                                          std::size_t n, scalar) noexcept {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += a[i] != b[i];
    return c;
}

inline void int8_accumulate(std::int32_t w, const std::int8_t* x, std::int32_t* sums,
                            std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) sums[i] += w * x[i];
}

inline void int32_add(const std::int32_t* x, std::int32_t* y, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) y[i] += x[i];
}

inline double int32_sum_squares(const std::int32_t* a, std::size_t n, scalar) noexcept {
    // Exact 128-bit total (each square is at most 2^62), rounded once: the result does not
    // depend on summation order, so vectorised versions may split the sum freely.
    __extension__ using i128 = __int128;  // GCC/Clang
    i128 s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int64_t>(a[i]) * a[i];
    return static_cast<double>(s);
}

inline void int32_sign_with_tie_break(const std::int32_t* sums, const std::int8_t* tie,
                                      std::int8_t* out, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = sums[i] > 0 ? std::int8_t{1} : sums[i] < 0 ? std::int8_t{-1} : tie[i];
}

}  // namespace detail

/// out[i] = a[i] * b[i] for i < n (bipolar binding).
inline void int8_multiply(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t n) noexcept {
    detail::int8_multiply(a, b, out, n, default_arch{});
}

/// Sum of a[i] * b[i] for i < n.
inline std::int64_t int8_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return detail::int8_dot(a, b, n, default_arch{});
}

/// Sum of a[i] * b[i] for i < n: int32 sums against int8 components.
inline std::int64_t int32_int8_dot(const std::int32_t* a, const std::int8_t* b,
                                   std::size_t n) noexcept {
    return detail::int32_int8_dot(a, b, n, default_arch{});
}

/// Number of positions i < n where a[i] != b[i].
inline std::uint64_t int8_count_differing(const std::int8_t* a, const std::int8_t* b,
                                          std::size_t n) noexcept {
    return detail::int8_count_differing(a, b, n, default_arch{});
}

/// sums[i] += w * x[i] for i < n (adding a weighted bipolar vector to int32 sums).
inline void int8_accumulate(std::int32_t w, const std::int8_t* x, std::int32_t* sums,
                            std::size_t n) noexcept {
    detail::int8_accumulate(w, x, sums, n, default_arch{});
}

/// y[i] += x[i] for i < n (merging int32 sums).
inline void int32_add(const std::int32_t* x, std::int32_t* y, std::size_t n) noexcept {
    detail::int32_add(x, y, n, default_arch{});
}

/// Sum of a[i]^2 for i < n, computed exactly and rounded once to double.
inline double int32_sum_squares(const std::int32_t* a, std::size_t n) noexcept {
    return detail::int32_sum_squares(a, n, default_arch{});
}

/// out[i] = +1 where sums[i] > 0, -1 where sums[i] < 0, tie[i] where sums[i] == 0.
inline void int32_sign_with_tie_break(const std::int32_t* sums, const std::int8_t* tie,
                                      std::int8_t* out, std::size_t n) noexcept {
    detail::int32_sign_with_tie_break(sums, tie, out, n, default_arch{});
}

}  // namespace hdc::simd
