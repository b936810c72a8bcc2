// hdc/simd/bitslice.hpp - bit-sliced (carry-save) counters and vote sums for binary bundling.
//
// A bit-sliced counter keeps one count per bit position as K bit planes: bit i of plane p is
// bit p of count i, so adding a bit vector to every count is a ripple-carry over the planes,
// 64 positions per word and a register's width per instruction. Planes are stored one after
// another, `stride` words apart (stride a multiple of 8, planes 64-byte aligned, padding zero).
// The int32 kernels serve the general (weighted) case: one signed vote sum per position.
//
// Length contract as in bitwise.hpp: the bit-plane kernels' vector overloads process whole
// 64-byte lines (words rounded up to 8); the int32 kernels touch exactly `dim` sums and the
// (dim + 63) / 64 words of their bit vectors, reading sums in whole 16-lane groups within
// the 64-byte padding. Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"
#include "bitwise.hpp"

namespace hdc::simd {
namespace detail {

/// Number of bits needed to write x (0 for 0).
constexpr std::size_t bit_width64(std::uint64_t x) noexcept {
    std::size_t n = 0;
    for (; x != 0; x >>= 1) ++n;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void bitslice_increment(std::uint64_t* planes, std::size_t n_planes, std::size_t stride,
                               const std::uint64_t* v, std::size_t words, scalar) noexcept {
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t carry = v[w];
        for (std::size_t p = 0; p < n_planes && carry != 0; ++p) {
            std::uint64_t& x = planes[p * stride + w];
            const std::uint64_t next = x & carry;
            x ^= carry;
            carry = next;
        }
    }
}

inline void bitslice_add(std::uint64_t* dst, std::size_t n_dst, const std::uint64_t* src,
                         std::size_t n_src, std::size_t stride, std::size_t words,
                         scalar) noexcept {
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t carry = 0;
        for (std::size_t p = 0; p < n_dst; ++p) {
            const std::uint64_t a = dst[p * stride + w];
            const std::uint64_t b = p < n_src ? src[p * stride + w] : 0;
            dst[p * stride + w] = a ^ b ^ carry;
            carry = (a & b) | (carry & (a ^ b));
        }
    }
}

inline void bitslice_majority(const std::uint64_t* a, std::size_t n_a, const std::uint64_t* b,
                              std::size_t n_b, std::size_t stride, std::uint64_t threshold,
                              const std::uint64_t* tie, std::uint64_t* out, std::size_t words,
                              scalar) noexcept {
    const std::size_t n_max = n_a > n_b ? n_a : n_b;
    const std::size_t tw = bit_width64(threshold);
    const std::size_t width = (n_max > tw ? n_max : tw) + 1;
    for (std::size_t w = 0; w < words; ++w) {
        // Comparison from the least significant bit up: a higher bit overrides a lower one.
        std::uint64_t carry = 0, greater = 0, equal = ~std::uint64_t{0};
        for (std::size_t i = 0; i < width; ++i) {
            const std::uint64_t x = i < n_a ? a[i * stride + w] : 0;
            const std::uint64_t y = i < n_b ? b[i * stride + w] : 0;
            const std::uint64_t sum = x ^ y ^ carry;
            carry = (x & y) | (carry & (x ^ y));
            if (i < 64 && (threshold >> i) & 1u) {
                greater &= sum;
                equal &= sum;
            } else {
                greater |= sum;
                equal &= ~sum;
            }
        }
        out[w] = tie ? greater | (equal & tie[w]) : greater;
    }
}

// The int32 kernels wrap on overflow (unsigned arithmetic), like the vector instructions.
inline std::int32_t wrap_add(std::int32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + b);
}

inline void add_signed_bits(std::int32_t* sums, const std::uint64_t* v, std::size_t dim,
                            std::int32_t weight, scalar) noexcept {
    const auto plus = static_cast<std::uint32_t>(weight), minus = 0u - plus;
    for (std::size_t i = 0; i < dim; ++i)
        sums[i] = wrap_add(sums[i], (v[i / 64] >> (i % 64)) & 1u ? minus : plus);
}

inline void add_signed_rows(std::int32_t* sums, const std::uint64_t* rows, std::size_t n_rows,
                            std::size_t stride, const std::int32_t* weights, std::size_t dim,
                            scalar) noexcept {
    for (std::size_t r = 0; r < n_rows; ++r)
        add_signed_bits(sums, rows + r * stride, dim, weights[r], scalar{});
}

inline void add_unit_votes(std::int32_t* sums, const std::uint64_t* planes, std::size_t n_planes,
                           std::size_t stride, std::uint32_t n_votes, std::size_t dim,
                           scalar) noexcept {
    for (std::size_t i = 0; i < dim; ++i) {
        std::uint32_t count = 0;
        for (std::size_t p = 0; p < n_planes; ++p)
            count |= static_cast<std::uint32_t>((planes[p * stride + i / 64] >> (i % 64)) & 1u) << p;
        sums[i] = wrap_add(sums[i], n_votes - 2 * count);
    }
}

inline void majority_from_sums(const std::int32_t* sums, const std::uint64_t* tie,
                               std::uint64_t* out, std::size_t dim, scalar) noexcept {
    const std::size_t words = (dim + 63) / 64;
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t bits = 0;
        const std::size_t n = dim - 64 * w < 64 ? dim - 64 * w : 64;
        for (std::size_t j = 0; j < n; ++j) {
            const std::int32_t s = sums[64 * w + j];
            const bool bit = s < 0 || (s == 0 && ((tie[w] >> j) & 1u));
            bits |= static_cast<std::uint64_t>(bit) << j;
        }
        out[w] = bits;
    }
}

inline std::int64_t signed_sum(const std::int32_t* sums, const std::uint64_t* v, std::size_t dim,
                               scalar) noexcept {
    std::int64_t d = 0;
    for (std::size_t i = 0; i < dim; ++i)
        d += (v[i / 64] >> (i % 64)) & 1u ? -std::int64_t{sums[i]} : std::int64_t{sums[i]};
    return d;
}


// ---------------------------------------------------------------------------------------------
// xsimd kernels for the bit planes.

template <vector_arch Arch>
void bitslice_increment(std::uint64_t* planes, std::size_t n_planes, std::size_t stride,
                        const std::uint64_t* v, std::size_t words, Arch) noexcept {
    using B = u64_batch<Arch>;
    const std::size_t n = line_words(words);
    for (std::size_t w = 0; w < n; w += B::size) {
        B carry = B::load_aligned(v + w);
        for (std::size_t p = 0; p < n_planes; ++p) {
            std::uint64_t* x = planes + p * stride + w;
            const B old = B::load_aligned(x);
            (old ^ carry).store_aligned(x);
            carry = old & carry;
        }
    }
}

template <vector_arch Arch>
void bitslice_add(std::uint64_t* dst, std::size_t n_dst, const std::uint64_t* src,
                  std::size_t n_src, std::size_t stride, std::size_t words, Arch) noexcept {
    using B = u64_batch<Arch>;
    const std::size_t n = line_words(words);
    for (std::size_t w = 0; w < n; w += B::size) {
        B carry(std::uint64_t{0});
        for (std::size_t p = 0; p < n_dst; ++p) {
            std::uint64_t* x = dst + p * stride + w;
            const B a = B::load_aligned(x);
            if (p < n_src) {
                const B b = B::load_aligned(src + p * stride + w);
                const B t = a ^ b;
                (t ^ carry).store_aligned(x);
                carry = (a & b) | (carry & t);
            } else {
                (a ^ carry).store_aligned(x);
                carry = a & carry;
            }
        }
    }
}

template <vector_arch Arch>
void bitslice_majority(const std::uint64_t* a, std::size_t n_a, const std::uint64_t* b,
                       std::size_t n_b, std::size_t stride, std::uint64_t threshold,
                       const std::uint64_t* tie, std::uint64_t* out, std::size_t words,
                       Arch) noexcept {
    using B = u64_batch<Arch>;
    const std::size_t n_max = n_a > n_b ? n_a : n_b;
    const std::size_t tw = bit_width64(threshold);
    const std::size_t width = (n_max > tw ? n_max : tw) + 1;
    const std::size_t n = line_words(words);
    const B zero(std::uint64_t{0});
    for (std::size_t w = 0; w < n; w += B::size) {
        B carry = zero, greater = zero, equal(~std::uint64_t{0});
        for (std::size_t i = 0; i < width; ++i) {
            const B x = i < n_a ? B::load_aligned(a + i * stride + w) : zero;
            const B y = i < n_b ? B::load_aligned(b + i * stride + w) : zero;
            const B t = x ^ y;
            const B sum = t ^ carry;
            carry = (x & y) | (carry & t);
            if (i < 64 && (threshold >> i) & 1u) {
                greater = greater & sum;
                equal = equal & sum;
            } else {
                greater = greater | sum;
                equal = equal & ~sum;  // (xsimd 8 bitwise_andnot differs between archs)
            }
        }
        const B bits = tie ? greater | (equal & B::load_aligned(tie + w)) : greater;
        bits.store_aligned(out + w);
    }
}

// ---------------------------------------------------------------------------------------------
// AVX-512BW kernels for the int32 sums (also used by avx512_vpopcnt).

#if XSIMD_WITH_AVX512BW

/// Mask of the valid lanes of 16-lane group g of a dim-long array.
inline __mmask16 group_mask(std::size_t g, std::size_t dim) noexcept {
    const std::size_t left = dim - 16 * g;
    return left >= 16 ? static_cast<__mmask16>(0xFFFF)
                      : static_cast<__mmask16>((1u << left) - 1u);
}

/// Bits 16 j .. 16 j + 15 of word w of v, for group g = 4 w + j.
inline __mmask16 group_bits(const std::uint64_t* v, std::size_t g) noexcept {
    return static_cast<__mmask16>(v[g / 4] >> (16 * (g % 4)));
}

inline void add_signed_bits(std::int32_t* sums, const std::uint64_t* v, std::size_t dim,
                            std::int32_t weight, xsimd::avx512bw) noexcept {
    const auto plus = static_cast<std::uint32_t>(weight);
    const __m512i vp = _mm512_set1_epi32(static_cast<int>(plus));
    const __m512i vm = _mm512_set1_epi32(static_cast<int>(0u - plus));
    const std::size_t groups = (dim + 15) / 16;
    for (std::size_t g = 0; g < groups; ++g) {
        const __m512i s = _mm512_load_si512(sums + 16 * g);
        const __m512i d = _mm512_mask_blend_epi32(group_bits(v, g), vp, vm);
        _mm512_mask_store_epi32(sums + 16 * g, group_mask(g, dim), _mm512_add_epi32(s, d));
    }
}

/// Words w0 .. w0 + W - 1 of add_signed_rows: the 4 W groups' sums of the weights of the rows
/// whose bit is set stay in registers over all rows (one masked add per row and group), then
/// sums += total - 2 set (wrapping, hence equal to the reference's signed adds modulo 2^32).
template <std::size_t W>
inline void add_signed_rows_words(std::int32_t* sums, const std::uint64_t* rows,
                                  std::size_t n_rows, std::size_t stride,
                                  const std::int32_t* weights, std::size_t dim, std::size_t w0,
                                  __m512i total) noexcept {
    __m512i set[4 * W];
    for (std::size_t k = 0; k < 4 * W; ++k) set[k] = _mm512_setzero_si512();
    for (std::size_t r = 0; r < n_rows; ++r) {
        const __m512i w = _mm512_set1_epi32(weights[r]);
        const std::uint64_t* row = rows + r * stride + w0;
        for (std::size_t j = 0; j < W; ++j) {
            const std::uint64_t m = row[j];
            for (std::size_t k = 0; k < 4; ++k)
                set[4 * j + k] = _mm512_mask_add_epi32(set[4 * j + k],
                                                       static_cast<__mmask16>(m >> (16 * k)),
                                                       set[4 * j + k], w);
        }
    }
    for (std::size_t k = 0; k < 4 * W; ++k) {
        const std::size_t g = 4 * w0 + k;
        if (16 * g >= dim) break;
        const __m512i s = _mm512_load_si512(sums + 16 * g);
        const __m512i d = _mm512_sub_epi32(total, _mm512_add_epi32(set[k], set[k]));
        _mm512_mask_store_epi32(sums + 16 * g, group_mask(g, dim), _mm512_add_epi32(s, d));
    }
}

inline void add_signed_rows(std::int32_t* sums, const std::uint64_t* rows, std::size_t n_rows,
                            std::size_t stride, const std::int32_t* weights, std::size_t dim,
                            xsimd::avx512bw) noexcept {
    std::uint32_t sum = 0;
    for (std::size_t r = 0; r < n_rows; ++r) sum += static_cast<std::uint32_t>(weights[r]);
    const __m512i total = _mm512_set1_epi32(static_cast<int>(sum));
    const std::size_t words = (dim + 63) / 64;
    std::size_t w = 0;
    for (; w + 2 <= words; w += 2)  // 8 accumulators: each row's two words per pass
        add_signed_rows_words<2>(sums, rows, n_rows, stride, weights, dim, w, total);
    if (w < words) add_signed_rows_words<1>(sums, rows, n_rows, stride, weights, dim, w, total);
}

inline void add_unit_votes(std::int32_t* sums, const std::uint64_t* planes, std::size_t n_planes,
                           std::size_t stride, std::uint32_t n_votes, std::size_t dim,
                           xsimd::avx512bw) noexcept {
    const std::size_t groups = (dim + 15) / 16;
    const __m512i base = _mm512_set1_epi32(static_cast<int>(n_votes));
    for (std::size_t g = 0; g < groups; ++g) {
        __m512i delta = base;
        for (std::size_t p = 0; p < n_planes; ++p) {
            const __m512i step = _mm512_set1_epi32(static_cast<int>(2u << p));
            delta = _mm512_mask_sub_epi32(delta, group_bits(planes + p * stride, g), delta, step);
        }
        const __m512i s = _mm512_load_si512(sums + 16 * g);
        _mm512_mask_store_epi32(sums + 16 * g, group_mask(g, dim), _mm512_add_epi32(s, delta));
    }
}

inline void majority_from_sums(const std::int32_t* sums, const std::uint64_t* tie,
                               std::uint64_t* out, std::size_t dim, xsimd::avx512bw) noexcept {
    // Lanes past dim are zero sums with zero tie bits: they give 0 without a mask.
    const std::size_t groups = (dim + 15) / 16, words = (dim + 63) / 64;
    const __m512i zero = _mm512_setzero_si512();
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t bits = 0;
        for (std::size_t j = 0; j < 4 && 4 * w + j < groups; ++j) {
            const __m512i s = _mm512_load_si512(sums + 16 * (4 * w + j));
            const __mmask16 lt = _mm512_cmplt_epi32_mask(s, zero);
            const __mmask16 eq = _mm512_mask_cmpeq_epi32_mask(group_bits(tie, 4 * w + j), s, zero);
            bits |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(lt | eq)) << (16 * j);
        }
        out[w] = bits;
    }
}

inline std::int64_t signed_sum(const std::int32_t* sums, const std::uint64_t* v, std::size_t dim,
                               xsimd::avx512bw) noexcept {
    const std::size_t groups = (dim + 15) / 16;
    __m512i acc = _mm512_setzero_si512();
    for (std::size_t g = 0; g < groups; ++g) {
        // Padding lanes are zero sums: no mask needed. Widen before negating (no overflow).
        const __m512i s = _mm512_load_si512(sums + 16 * g);
        const __mmask16 neg = group_bits(v, g);
        const __m512i lo = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(s));
        const __m512i hi = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(s, 1));
        acc = _mm512_add_epi64(acc, _mm512_mask_sub_epi64(lo, static_cast<__mmask8>(neg),
                                                          _mm512_setzero_si512(), lo));
        acc = _mm512_add_epi64(acc, _mm512_mask_sub_epi64(hi, static_cast<__mmask8>(neg >> 8),
                                                          _mm512_setzero_si512(), hi));
    }
    return static_cast<std::int64_t>(_mm512_reduce_add_epi64(acc));
}

#endif  // XSIMD_WITH_AVX512BW

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_BITSLICE_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
