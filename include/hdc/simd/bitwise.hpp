// hdc/simd/bitwise.hpp - kernels on packed bit vectors (64-bit words, bit i in word i/64).
//
// Buffers are the models' aligned_buffer storage: word counts may include zero padding, whose
// bits stay zero through every kernel here (xor of zeros, popcount of zeros).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

inline void xor_words(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
                      std::size_t words, scalar) noexcept {
    for (std::size_t i = 0; i < words; ++i) out[i] = a[i] ^ b[i];
}

inline std::uint64_t popcount_words(const std::uint64_t* a, std::size_t words, scalar) noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < words; ++i) n += static_cast<std::uint64_t>(std::popcount(a[i]));
    return n;
}

inline std::uint64_t hamming_words(const std::uint64_t* a, const std::uint64_t* b,
                                   std::size_t words, scalar) noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < words; ++i)
        n += static_cast<std::uint64_t>(std::popcount(a[i] ^ b[i]));
    return n;
}

/// Bits [from, from + 64) of the bit string a (bits beyond `words` read as zero).
inline std::uint64_t word_at_bit(const std::uint64_t* a, std::size_t words,
                                 std::size_t from) noexcept {
    const std::size_t w = from / 64, s = from % 64;
    const std::uint64_t lo = w < words ? a[w] : 0;
    if (s == 0) return lo;
    const std::uint64_t hi = w + 1 < words ? a[w + 1] : 0;
    return (lo >> s) | (hi << (64 - s));
}

/// out = a cyclically rotated toward higher bit indices by k, for a string of `bits` bits
/// (0 <= k < bits). Word-level: each output word is assembled from at most two source words of
/// each of the two pieces, never bit by bit.
inline void rotate_bits(const std::uint64_t* a, std::uint64_t* out, std::size_t bits,
                        std::size_t k, scalar) noexcept {
    const std::size_t words = (bits + 63) / 64;
    // out[j] = a[j - k] for j >= k, a[j - k + bits] for j < k.
    for (std::size_t w = 0; w < words; ++w) {
        const std::size_t j = w * 64;  // first output bit of this word
        std::uint64_t v = 0;
        // Piece 1: output bits j.. taken from a starting at bit j - k (may start negative).
        if (j + 64 > k) {
            if (j >= k) {
                v |= word_at_bit(a, words, j - k);
            } else {
                v |= word_at_bit(a, words, 0) << (k - j);
            }
        }
        // Piece 2: output bits j..k-1 come from the last k - j bits of a, starting at j + bits - k.
        if (j < k) {
            std::uint64_t piece = word_at_bit(a, words, j + bits - k);
            const std::size_t span = k - j;
            if (span < 64) piece &= (std::uint64_t{1} << span) - 1;
            v |= piece;
        }
        out[w] = v;
    }
    if (bits % 64) out[words - 1] &= (std::uint64_t{1} << (bits % 64)) - 1;
}

}  // namespace detail

/// out[i] = a[i] ^ b[i] for i < words.
inline void xor_words(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
                      std::size_t words) noexcept {
    detail::xor_words(a, b, out, words, default_arch{});
}

/// Number of set bits in words a[0..words).
inline std::uint64_t popcount_words(const std::uint64_t* a, std::size_t words) noexcept {
    return detail::popcount_words(a, words, default_arch{});
}

/// Number of differing bits between a[0..words) and b[0..words).
inline std::uint64_t hamming_words(const std::uint64_t* a, const std::uint64_t* b,
                                   std::size_t words) noexcept {
    return detail::hamming_words(a, b, words, default_arch{});
}

/// Cyclic rotation of a `bits`-bit string by k (0 <= k < bits) toward higher indices.
inline void rotate_bits(const std::uint64_t* a, std::uint64_t* out, std::size_t bits,
                        std::size_t k) noexcept {
    detail::rotate_bits(a, out, bits, k, default_arch{});
}

}  // namespace hdc::simd
