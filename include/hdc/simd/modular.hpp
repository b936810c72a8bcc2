// hdc/simd/modular.hpp - kernels on 16-bit indices modulo a block length (sparse block codes).
//
// Indices are in [0, L) with 1 <= L <= 65536; sums and differences are formed in 32 bits, so
// L = 65536 needs no special case. Everything is exact integer arithmetic.
//
// add_block_votes adds a weight to one count per block (the sparse accumulator): reference
// only, since AVX-512 gather + scatter of 16 blocks measured slower than scalar stores (1.6-6.3
// against 1.2-3.8 ns per block, 40 to 10,000 blocks, on this project's EPYC VM).
//
// Overloads: scalar (the reference); a template on the xsimd tags working in 16-bit lanes with
// wrapping arithmetic: a + b >= L exactly when a > L - 1 - b, and the wrapped a + b - L (or
// a - b + L) is the true result, L = 65536 included (it wraps to 0). Unsigned comparisons are
// signed ones of the indices with their top bit flipped (SSE2 and AVX2 compare signed only).
// Lengths are exact (no access at or past n). Only standard and xsimd headers may be included
// here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

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

inline void add_block_votes(std::int32_t* counts, const std::uint16_t* index, std::size_t blocks,
                            std::size_t length, std::int32_t weight, scalar) noexcept {
    const auto w = static_cast<std::uint32_t>(weight);
    for (std::size_t b = 0; b < blocks; ++b) {
        std::int32_t& c = counts[b * length + index[b]];
        c = static_cast<std::int32_t>(static_cast<std::uint32_t>(c) + w);
    }
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, avx512bw; avx512_vpopcnt uses avx512bw's).

/// Loads 16-bit indices as int16 lanes (same bits).
template <class B>
B load_indices(const std::uint16_t* p) noexcept {
    return B::load_unaligned(reinterpret_cast<const std::int16_t*>(p));
}

/// The int16 with the bits of the low 16 bits of x.
constexpr std::int16_t as_int16(std::uint32_t x) noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(x));
}

template <vector_arch Arch>
void add_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t n,
             std::uint32_t modulus, Arch) noexcept {
    using B = batch_of<Arch, std::int16_t>;
    const B bias(as_int16(0x8000u)), m(as_int16(modulus)), last_biased(as_int16((modulus - 1) ^ 0x8000u));
    const B zero(std::int16_t{0});
    std::size_t i = 0;
    for (; i + B::size <= n; i += B::size) {
        const B x = load_indices<B>(a + i), y = load_indices<B>(b + i);
        // x + y >= L iff x > L - 1 - y; flipping the top bit adds 0x8000 modulo 2^16, so
        // (L - 1 - y) ^ 0x8000 = ((L - 1) ^ 0x8000) - y in wrapping 16-bit arithmetic.
        const auto wraps = (x ^ bias) > (last_biased - y);
        (x + y - blend(wraps, m, zero))
            .store_unaligned(reinterpret_cast<std::int16_t*>(out + i));
    }
    add_mod(a + i, b + i, out + i, n - i, modulus, scalar{});
}

template <vector_arch Arch>
void sub_mod(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t n,
             std::uint32_t modulus, Arch) noexcept {
    using B = batch_of<Arch, std::int16_t>;
    const B bias(as_int16(0x8000u)), m(as_int16(modulus)), zero(std::int16_t{0});
    std::size_t i = 0;
    for (; i + B::size <= n; i += B::size) {
        const B x = load_indices<B>(a + i), y = load_indices<B>(b + i);
        const auto borrows = (x ^ bias) < (y ^ bias);
        (x - y + blend(borrows, m, zero))
            .store_unaligned(reinterpret_cast<std::int16_t*>(out + i));
    }
    sub_mod(a + i, b + i, out + i, n - i, modulus, scalar{});
}

template <vector_arch Arch>
std::uint64_t count_equal(const std::uint16_t* a, const std::uint16_t* b, std::size_t n,
                          Arch) noexcept {
    using B = batch_of<Arch, std::int16_t>;
    // 16-bit counters, emptied into the total before they could pass 32767.
    constexpr std::size_t block = 32767;
    const B one(std::int16_t{1}), zero(std::int16_t{0});
    std::uint64_t total = 0;
    std::size_t i = 0;
    while (i + B::size <= n) {
        B counts = zero;
        for (std::size_t k = 0; k < block && i + B::size <= n; ++k, i += B::size)
            counts += blend(load_indices<B>(a + i) == load_indices<B>(b + i), one, zero);
        alignas(64) std::int16_t lanes[B::size];
        counts.store_aligned(lanes);
        for (const std::int16_t c : lanes) total += static_cast<std::uint64_t>(c);
    }
    return total + count_equal(a + i, b + i, n - i, scalar{});
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_MODULAR_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
