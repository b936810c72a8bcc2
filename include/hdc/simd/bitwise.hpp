// hdc/simd/bitwise.hpp - kernels on packed bit vectors (64-bit words, bit i in word i/64).
//
// Length contract. Vectors and rows are the models' aligned_buffer storage: 64-byte aligned and
// padded with zero words to whole 64-byte lines (8 words). The vectorised overloads therefore
// read (and, for the xor kernels, write) every word of the lines that hold the first `words`
// words, i.e. words rounded up to a multiple of 8, with full-register aligned loads and no
// scalar tail; zero padding contributes nothing to a popcount and stays zero through xor.
// Row strides are in words and multiples of 8. The scalar overloads touch exactly `words`
// words and are the reference every other overload matches bit for bit. rotate_bits is the
// exception: it reads and writes exactly (bits + 63) / 64 words on every architecture.
//
// Overloads: scalar; a template on the xsimd tags (sse2, avx2, avx512bw), using byte popcounts
// (SWAR on sse2, a nibble-lookup byte shuffle on avx2/avx512bw) accumulated in bytes where a
// popcount is needed; avx512_vpopcnt (intrinsics) for the popcount kernels.
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

/// Set bits of one word. (A builtin, not std::popcount: kernel headers must not instantiate
/// standard templates that the runtime-dispatch units would compile with wider ISA flags.)
inline std::uint64_t popcount64(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<std::uint64_t>(__builtin_popcountll(x));
#else
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (x * 0x0101010101010101ull) >> 56;
#endif
}

/// Number of words in the whole 64-byte lines that hold `words` words.
constexpr std::size_t line_words(std::size_t words) noexcept { return (words + 7) / 8 * 8; }

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void xor_words(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
                      std::size_t words, scalar) noexcept {
    for (std::size_t i = 0; i < words; ++i) out[i] = a[i] ^ b[i];
}

inline std::uint64_t popcount_words(const std::uint64_t* a, std::size_t words, scalar) noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < words; ++i) n += popcount64(a[i]);
    return n;
}

inline std::uint64_t and_popcount_words(const std::uint64_t* a, const std::uint64_t* b,
                                        std::size_t words, scalar) noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < words; ++i) n += popcount64(a[i] & b[i]);
    return n;
}

inline std::uint64_t hamming_words(const std::uint64_t* a, const std::uint64_t* b,
                                   std::size_t words, scalar) noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < words; ++i) n += popcount64(a[i] ^ b[i]);
    return n;
}

inline void hamming_one_to_many(const std::uint64_t* query, const std::uint64_t* rows,
                                std::size_t n_rows, std::size_t words, std::size_t stride,
                                std::uint32_t* out, scalar) noexcept {
    for (std::size_t r = 0; r < n_rows; ++r)
        out[r] = static_cast<std::uint32_t>(hamming_words(query, rows + r * stride, words, scalar{}));
}

inline void hamming_many_to_many(const std::uint64_t* queries, std::size_t n_queries,
                                 const std::uint64_t* rows, std::size_t n_rows, std::size_t words,
                                 std::size_t stride, std::uint32_t* out, scalar) noexcept {
    for (std::size_t q = 0; q < n_queries; ++q)
        hamming_one_to_many(queries + q * stride, rows, n_rows, words, stride, out + q * n_rows,
                            scalar{});
}

/// out[w] = bits [from + 64 w, from + 64 w + 64) of a, for w < n; every bit read must lie in
/// the words of a (the caller guarantees it), so there is no bounds check in the loop.
inline void funnel_right(const std::uint64_t* a, std::size_t from, std::uint64_t* out,
                         std::size_t n, scalar) noexcept {
    const std::uint64_t* src = a + from / 64;
    const unsigned s = static_cast<unsigned>(from % 64);
    if (s == 0) {
        for (std::size_t w = 0; w < n; ++w) out[w] = src[w];
    } else {
        for (std::size_t w = 0; w < n; ++w) out[w] = (src[w] >> s) | (src[w + 1] << (64 - s));
    }
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, avx512bw; avx512_vpopcnt inherits those it does not override).

template <class Arch>
using u64_batch = xsimd::batch<std::uint64_t, xsimd_arch_t<Arch>>;

/// Per-byte population counts (each byte 0..8) of every 64-bit lane: SWAR, no popcount
/// instruction needed (AVX2 and AVX-512BW have byte-shuffle versions below).
template <class B>
B popcount_bytes(B x) noexcept {
    const B m1(0x5555555555555555ull), m2(0x3333333333333333ull), m4(0x0F0F0F0F0F0F0F0Full);
    x = x - ((x >> 1) & m1);
    x = (x & m2) + ((x >> 2) & m2);
    return (x + (x >> 4)) & m4;
}

#if XSIMD_WITH_AVX2
/// AVX2: nibble lookup with a byte shuffle (Mula's method), 5 instructions instead of ~10.
inline xsimd::batch<std::uint64_t, xsimd::avx2> popcount_bytes(
    xsimd::batch<std::uint64_t, xsimd::avx2> x) noexcept {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i v = x;
    const __m256i lo = _mm256_and_si256(v, nibble);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}
#endif

#if XSIMD_WITH_AVX512BW
/// AVX-512BW: the same nibble lookup on 64 bytes.
inline xsimd::batch<std::uint64_t, xsimd::avx512bw> popcount_bytes(
    xsimd::batch<std::uint64_t, xsimd::avx512bw> x) noexcept {
    const __m512i table = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i v = x;
    const __m512i lo = _mm512_and_si512(v, nibble);
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble);
    return _mm512_add_epi8(_mm512_shuffle_epi8(table, lo), _mm512_shuffle_epi8(table, hi));
}
#endif

/// Sum of the 8 byte counters of every 64-bit lane (counters at most 255).
template <class B>
B sum_lane_bytes(B x) noexcept {
    const B m8(0x00FF00FF00FF00FFull);
    x = (x & m8) + ((x >> 8) & m8);
    x = x + (x >> 16);
    x = x + (x >> 32);
    return x & B(0xFFFFull);
}

/// Sum over batches i < n of popcount(load(i)); byte counters take up to 31 batches (31 * 8 <
/// 256) before they are widened.
template <class B, class Load>
std::uint64_t swar_popcount_sum(std::size_t n, Load load) noexcept {
    B total(std::uint64_t{0});
    std::size_t i = 0;
    while (i < n) {
        const std::size_t end = n - i > 31 ? i + 31 : n;
        B bytes(std::uint64_t{0});
        for (; i < end; ++i) bytes += popcount_bytes(load(i));
        total += sum_lane_bytes(bytes);
    }
    return xsimd::hadd(total);
}

template <vector_arch Arch>
void xor_words(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
               std::size_t words, Arch) noexcept {
    using B = u64_batch<Arch>;
    const std::size_t n = line_words(words);
    for (std::size_t i = 0; i < n; i += B::size)
        (B::load_aligned(a + i) ^ B::load_aligned(b + i)).store_aligned(out + i);
}

template <vector_arch Arch>
std::uint64_t popcount_words(const std::uint64_t* a, std::size_t words, Arch) noexcept {
    using B = u64_batch<Arch>;
    return swar_popcount_sum<B>(line_words(words) / B::size,
                                [a](std::size_t i) { return B::load_aligned(a + i * B::size); });
}

template <vector_arch Arch>
std::uint64_t and_popcount_words(const std::uint64_t* a, const std::uint64_t* b,
                                 std::size_t words, Arch) noexcept {
    using B = u64_batch<Arch>;
    return swar_popcount_sum<B>(line_words(words) / B::size, [a, b](std::size_t i) {
        return B::load_aligned(a + i * B::size) & B::load_aligned(b + i * B::size);
    });
}

template <vector_arch Arch>
std::uint64_t hamming_words(const std::uint64_t* a, const std::uint64_t* b, std::size_t words,
                            Arch) noexcept {
    using B = u64_batch<Arch>;
    return swar_popcount_sum<B>(line_words(words) / B::size, [a, b](std::size_t i) {
        return B::load_aligned(a + i * B::size) ^ B::load_aligned(b + i * B::size);
    });
}

template <vector_arch Arch>
void hamming_one_to_many(const std::uint64_t* query, const std::uint64_t* rows,
                         std::size_t n_rows, std::size_t words, std::size_t stride,
                         std::uint32_t* out, Arch arch) noexcept {
    for (std::size_t r = 0; r < n_rows; ++r)
        out[r] = static_cast<std::uint32_t>(hamming_words(query, rows + r * stride, words, arch));
}

/// Bytes of rows processed against every query before moving on: a block that stays in L2
/// (half of a 512 KB L2, leaving room for the queries).
inline constexpr std::size_t many_to_many_block_bytes = 256 * 1024;

/// Rows per cache block for rows of `stride` words (at least 4).
constexpr std::size_t many_to_many_block_rows(std::size_t stride) noexcept {
    const std::size_t bytes = stride * 8 == 0 ? 8 : stride * 8;
    const std::size_t rows = many_to_many_block_bytes / bytes;
    return rows < 4 ? 4 : rows;
}

template <vector_arch Arch>
void hamming_many_to_many(const std::uint64_t* queries, std::size_t n_queries,
                          const std::uint64_t* rows, std::size_t n_rows, std::size_t words,
                          std::size_t stride, std::uint32_t* out, Arch arch) noexcept {
    const std::size_t block = many_to_many_block_rows(stride);
    for (std::size_t r0 = 0; r0 < n_rows; r0 += block) {
        const std::size_t nr = n_rows - r0 < block ? n_rows - r0 : block;
        for (std::size_t q = 0; q < n_queries; ++q)
            hamming_one_to_many(queries + q * stride, rows + r0 * stride, nr, words, stride,
                                out + q * n_rows + r0, arch);
    }
}

template <vector_arch Arch>
void funnel_right(const std::uint64_t* a, std::size_t from, std::uint64_t* out, std::size_t n,
                  Arch) noexcept {
    using B = u64_batch<Arch>;
    const std::uint64_t* src = a + from / 64;
    const unsigned s = static_cast<unsigned>(from % 64);
    std::size_t w = 0;
    if (s == 0) {
        for (; w + B::size <= n; w += B::size) B::load_unaligned(src + w).store_unaligned(out + w);
        for (; w < n; ++w) out[w] = src[w];
    } else {
        const auto sr = static_cast<std::int32_t>(s), sl = static_cast<std::int32_t>(64 - s);
        for (; w + B::size <= n; w += B::size)
            ((B::load_unaligned(src + w) >> sr) | (B::load_unaligned(src + w + 1) << sl))
                .store_unaligned(out + w);
        for (; w < n; ++w) out[w] = (src[w] >> s) | (src[w + 1] << (64 - s));
    }
}

/// Rotation split into its pieces: with k = 64 q + r, output words below q come from the top
/// bits of a (a straight funnel shift), word q joins the last r bits of a with the first
/// 64 - r, and the words above q are a shifted up by r bits (another funnel shift).
template <class Arch>
void rotate_bits_split(const std::uint64_t* a, std::uint64_t* out, std::size_t bits,
                       std::size_t k, Arch arch) noexcept {
    const std::size_t words = (bits + 63) / 64;
    if (k == 0) {
        for (std::size_t w = 0; w < words; ++w) out[w] = a[w];
    } else {
        const std::size_t q = k / 64;
        const unsigned r = static_cast<unsigned>(k % 64);
        // Words [0, q): bits [bits - k, bits - r) of a, all inside the string.
        funnel_right(a, bits - k, out, q, arch);
        // Word q: the last r bits of a, then the first 64 - r bits of a.
        std::uint64_t low = 0;
        if (r != 0) {
            const std::size_t p = bits - r;
            const unsigned ps = static_cast<unsigned>(p % 64);
            low = a[p / 64] >> ps;
            if (ps != 0 && ps + r > 64) low |= a[p / 64 + 1] << (64 - ps);
            low &= (std::uint64_t{1} << r) - 1;
        }
        out[q] = low | (a[0] << r);
        // Words (q, words): bits starting at 64 - r of a (bit 64 (w - q) - r for word w).
        if (q + 1 < words) funnel_right(a, 64 - r, out + q + 1, words - q - 1, arch);
    }
    if (bits % 64) out[words - 1] &= (std::uint64_t{1} << (bits % 64)) - 1;
}

/// The rotation for every tag (the reference with scalar funnel shifts, vector ones otherwise).
template <class Arch>
void rotate_bits(const std::uint64_t* a, std::uint64_t* out, std::size_t bits, std::size_t k,
                 Arch arch) noexcept {
    rotate_bits_split(a, out, bits, k, arch);
}

// ---------------------------------------------------------------------------------------------
// Random words: hdc::rng's counter-based block function (core/rng.hpp), restated here because
// kernel headers include no library header; tests compare it with rng::at bit for bit.

/// SplitMix64's finaliser (core/rng.hpp's detail::mix64).
constexpr std::uint64_t random_mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Weyl increment of the counter (core/rng.hpp's detail::golden_gamma).
inline constexpr std::uint64_t random_gamma = 0x9E3779B97F4A7C15ull;

inline void random_words(std::uint64_t key, std::uint64_t first, std::uint64_t* out,
                         std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = random_mix64(random_mix64(key + (first + i + 1) * random_gamma) ^ key);
}

#if XSIMD_WITH_AVX512BW && defined(__AVX512DQ__)
/// mix64 on 8 lanes: AVX-512DQ has the 64-bit multiply (AVX2 would need three 32-bit ones).
inline __m512i random_mix64_lanes(__m512i z) noexcept {
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)),
                           _mm512_set1_epi64(static_cast<long long>(0xBF58476D1CE4E5B9ull)));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)),
                           _mm512_set1_epi64(static_cast<long long>(0x94D049BB133111EBull)));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

inline void random_words(std::uint64_t key, std::uint64_t first, std::uint64_t* out,
                         std::size_t n, xsimd::avx512bw) noexcept {
    const __m512i k = _mm512_set1_epi64(static_cast<long long>(key));
    const __m512i gamma = _mm512_set1_epi64(static_cast<long long>(random_gamma));
    const __m512i eight = _mm512_set1_epi64(8);
    __m512i counter = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first + 1)),
                                       _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512i x = _mm512_add_epi64(k, _mm512_mullo_epi64(counter, gamma));
        _mm512_storeu_si512(out + i, random_mix64_lanes(_mm512_xor_si512(random_mix64_lanes(x), k)));
        counter = _mm512_add_epi64(counter, eight);
    }
    random_words(key, first + i, out + i, n - i, scalar{});
}
#endif  // XSIMD_WITH_AVX512BW && __AVX512DQ__

// ---------------------------------------------------------------------------------------------
// AVX-512 VPOPCNTDQ kernels (intrinsics).

#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BW__)

inline __m512i load_line(const std::uint64_t* p) noexcept { return _mm512_load_si512(p); }

inline std::uint64_t reduce_lanes(__m512i x) noexcept {
    return static_cast<std::uint64_t>(_mm512_reduce_add_epi64(x));
}

/// Sum over lines of popcount(f(line)). One accumulator suffices: the popcounts are
/// independent and the only loop-carried dependency is a one-cycle add.
template <class Line>
std::uint64_t vpopcnt_sum(std::size_t lines, Line line) noexcept {
    __m512i acc = _mm512_setzero_si512();
    for (std::size_t i = 0; i < lines; ++i) acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(line(i)));
    return reduce_lanes(acc);
}

inline std::uint64_t popcount_words(const std::uint64_t* a, std::size_t words,
                                    avx512_vpopcnt) noexcept {
    return vpopcnt_sum(line_words(words) / 8, [a](std::size_t i) { return load_line(a + 8 * i); });
}

inline std::uint64_t and_popcount_words(const std::uint64_t* a, const std::uint64_t* b,
                                        std::size_t words, avx512_vpopcnt) noexcept {
    return vpopcnt_sum(line_words(words) / 8, [a, b](std::size_t i) {
        return _mm512_and_si512(load_line(a + 8 * i), load_line(b + 8 * i));
    });
}

inline std::uint64_t hamming_words(const std::uint64_t* a, const std::uint64_t* b,
                                   std::size_t words, avx512_vpopcnt) noexcept {
    return vpopcnt_sum(line_words(words) / 8, [a, b](std::size_t i) {
        return _mm512_xor_si512(load_line(a + 8 * i), load_line(b + 8 * i));
    });
}

/// Hamming distances of one query to four rows, sharing each query load (short rows: the
/// four reductions overlap; long rows stream one at a time, which the prefetchers prefer).
inline void hamming_1x4(const std::uint64_t* query, const std::uint64_t* rows, std::size_t lines,
                        std::size_t stride, std::uint32_t* out) noexcept {
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const std::uint64_t *r0 = rows, *r1 = rows + stride, *r2 = rows + 2 * stride,
                        *r3 = rows + 3 * stride;
    for (std::size_t i = 0; i < lines; ++i) {
        const __m512i q = load_line(query + 8 * i);
        acc0 = _mm512_add_epi64(acc0, _mm512_popcnt_epi64(_mm512_xor_si512(q, load_line(r0 + 8 * i))));
        acc1 = _mm512_add_epi64(acc1, _mm512_popcnt_epi64(_mm512_xor_si512(q, load_line(r1 + 8 * i))));
        acc2 = _mm512_add_epi64(acc2, _mm512_popcnt_epi64(_mm512_xor_si512(q, load_line(r2 + 8 * i))));
        acc3 = _mm512_add_epi64(acc3, _mm512_popcnt_epi64(_mm512_xor_si512(q, load_line(r3 + 8 * i))));
    }
    out[0] = static_cast<std::uint32_t>(reduce_lanes(acc0));
    out[1] = static_cast<std::uint32_t>(reduce_lanes(acc1));
    out[2] = static_cast<std::uint32_t>(reduce_lanes(acc2));
    out[3] = static_cast<std::uint32_t>(reduce_lanes(acc3));
}

/// Rows of at most this many lines are compared four at a time.
inline constexpr std::size_t short_row_lines = 4;

inline void hamming_one_to_many(const std::uint64_t* query, const std::uint64_t* rows,
                                std::size_t n_rows, std::size_t words, std::size_t stride,
                                std::uint32_t* out, avx512_vpopcnt arch) noexcept {
    const std::size_t lines = line_words(words) / 8;
    const std::size_t full = lines <= short_row_lines ? n_rows - n_rows % 4 : 0;
    for (std::size_t r = 0; r < full; r += 4)
        hamming_1x4(query, rows + r * stride, lines, stride, out + r);
    for (std::size_t r = full; r < n_rows; ++r)
        out[r] = static_cast<std::uint32_t>(hamming_words(query, rows + r * stride, words, arch));
}

/// Hamming distances of four queries (q, q + stride, ...) to one row: each row line is loaded
/// once (from L2) for four queries (in L1). out[j * out_stride] receives query j's distance.
inline void hamming_4x1(const std::uint64_t* q, std::size_t stride, const std::uint64_t* row,
                        std::size_t lines, std::uint32_t* out, std::size_t out_stride) noexcept {
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const std::uint64_t *q0 = q, *q1 = q + stride, *q2 = q + 2 * stride, *q3 = q + 3 * stride;
    for (std::size_t i = 0; i < lines; ++i) {
        const __m512i r = load_line(row + 8 * i);
        acc0 = _mm512_add_epi64(acc0, _mm512_popcnt_epi64(_mm512_xor_si512(r, load_line(q0 + 8 * i))));
        acc1 = _mm512_add_epi64(acc1, _mm512_popcnt_epi64(_mm512_xor_si512(r, load_line(q1 + 8 * i))));
        acc2 = _mm512_add_epi64(acc2, _mm512_popcnt_epi64(_mm512_xor_si512(r, load_line(q2 + 8 * i))));
        acc3 = _mm512_add_epi64(acc3, _mm512_popcnt_epi64(_mm512_xor_si512(r, load_line(q3 + 8 * i))));
    }
    out[0] = static_cast<std::uint32_t>(reduce_lanes(acc0));
    out[out_stride] = static_cast<std::uint32_t>(reduce_lanes(acc1));
    out[2 * out_stride] = static_cast<std::uint32_t>(reduce_lanes(acc2));
    out[3 * out_stride] = static_cast<std::uint32_t>(reduce_lanes(acc3));
}

inline void hamming_many_to_many(const std::uint64_t* queries, std::size_t n_queries,
                                 const std::uint64_t* rows, std::size_t n_rows, std::size_t words,
                                 std::size_t stride, std::uint32_t* out,
                                 avx512_vpopcnt arch) noexcept {
    const std::size_t lines = line_words(words) / 8;
    const std::size_t block = many_to_many_block_rows(stride);
    const std::size_t full = n_queries - n_queries % 4;
    for (std::size_t r0 = 0; r0 < n_rows; r0 += block) {
        const std::size_t r1 = n_rows - r0 < block ? n_rows : r0 + block;
        for (std::size_t q = 0; q < full; q += 4)
            for (std::size_t r = r0; r < r1; ++r)
                hamming_4x1(queries + q * stride, stride, rows + r * stride, lines,
                            out + q * n_rows + r, n_rows);
        for (std::size_t q = full; q < n_queries; ++q)
            hamming_one_to_many(queries + q * stride, rows + r0 * stride, r1 - r0, words, stride,
                                out + q * n_rows + r0, arch);
    }
}

#endif  // AVX-512 VPOPCNTDQ

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_BITWISE_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
