// hdc/simd/modular.hpp - kernels on 16-bit indices modulo a block length (sparse block codes).
//
// Indices are in [0, L) with 1 <= L <= 65536; sums and differences are formed in 32 bits, so
// L = 65536 needs no special case. Everything is exact integer arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

inline void add_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t s = std::uint32_t{a[i]} + b[i];  // < 2 * modulus
        out[i] = static_cast<std::uint16_t>(s >= modulus ? s - modulus : s);
    }
}

inline void sub_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t x = a[i], y = b[i];
        out[i] = static_cast<std::uint16_t>(x >= y ? x - y : x + modulus - y);
    }
}

inline std::uint64_t count_equal(const std::uint16_t* a, const std::uint16_t* b, std::size_t n,
                                 scalar) noexcept {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += a[i] == b[i];
    return c;
}

}  // namespace detail

/// out[i] = (a[i] + b[i]) mod modulus, for indices already below modulus (out may alias).
inline void add_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus) noexcept {
    detail::add_mod(a, b, out, n, modulus, default_arch{});
}

/// out[i] = (a[i] - b[i]) mod modulus, for indices already below modulus (out may alias).
inline void sub_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus) noexcept {
    detail::sub_mod(a, b, out, n, modulus, default_arch{});
}

/// Number of positions i < n where a[i] == b[i].
inline std::uint64_t count_equal(const std::uint16_t* a, const std::uint16_t* b,
                                 std::size_t n) noexcept {
    return detail::count_equal(a, b, n, default_arch{});
}

}  // namespace hdc::simd
