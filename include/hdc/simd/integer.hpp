// hdc/simd/integer.hpp - kernels on small-integer vectors: bipolar int8 components, int32 sums.
//
// Buffers are the models' aligned_buffer storage. Every result here is exact integer arithmetic
// (sum_squares is exact in 128 bits and rounded once), so a vectorised kernel matches the scalar
// reference whatever order it sums in. Callers keep int32 sums within range (the vote
// accumulators refuse what could leave it); int32_add itself wraps, like the vector adds.
//
// Overloads: scalar (the reference); a template on the xsimd tags (sse2, avx2, avx512bw;
// avx512_vpopcnt uses avx512bw's) built on the per-architecture helpers below where xsimd 8 has
// no native operation (byte dot products, 32 x 32 -> 64 squares, sign masks). Lengths are
// exact: every kernel handles its last partial register with the scalar
// reference and touches nothing at or past n (or past (n + 63) / 64 words of a bit vector).
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void int8_multiply_signs(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                                std::size_t n, scalar) noexcept {
    // For components +-1 (0x01, 0xFF): equal signs xor to 0x00, different ones to 0xFE.
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int8_t>((a[i] ^ b[i]) | 1);
}

inline std::int64_t int8_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n,
                             scalar) noexcept {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}

inline std::uint64_t int8_count_differing(const std::int8_t* a, const std::int8_t* b,
                                          std::size_t n, scalar) noexcept {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += a[i] != b[i];
    return c;
}

inline void int32_add(const std::int32_t* x, std::int32_t* y, std::size_t n, scalar) noexcept {
    // Wrapping, like the vector adds (callers keep the sums in range).
    for (std::size_t i = 0; i < n; ++i)
        y[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(y[i]) +
                                         static_cast<std::uint32_t>(x[i]));
}

inline double int32_sum_squares(const std::int32_t* a, std::size_t n, scalar) noexcept {
    // Exact 128-bit total (each square is at most 2^62), rounded once: the result does not
    // depend on summation order, so vectorised versions may split the sum freely.
    __extension__ using i128 = __int128;  // GCC/Clang
    i128 s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int64_t>(a[i]) * a[i];
    return static_cast<double>(s);
}

inline void int8_sign_bits(const std::int8_t* x, std::uint64_t* bits, std::size_t n,
                           scalar) noexcept {
    for (std::size_t w = 0; w < (n + 63) / 64; ++w) {
        const std::size_t count = n - 64 * w < 64 ? n - 64 * w : 64;
        std::uint64_t word = 0;
        for (std::size_t j = 0; j < count; ++j)
            word |= static_cast<std::uint64_t>(x[64 * w + j] < 0) << j;
        bits[w] = word;
    }
}

inline void int8_from_sign_bits(const std::uint64_t* bits, std::int8_t* out, std::size_t n,
                                scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = (bits[i / 64] >> (i % 64)) & 1u ? std::int8_t{-1} : std::int8_t{1};
}

// ---------------------------------------------------------------------------------------------
// Per-architecture helpers (declared before the templates that call them):
//   dot_bytes(a, b)           int32 lanes, each the sum of 4 sign-extended byte products
//   add_squares(a, lo, hi)    the squares of the int32 lanes, split into 32-bit halves
//   sign_mask(x)              bit j = sign bit of byte j
//   byte_mask(bits)           byte j = 0xFF where bit j is set, else 0

#if XSIMD_WITH_SSE2
namespace sse2_regs {
using i8 = xsimd::batch<std::int8_t, xsimd::sse2>;
using i32 = xsimd::batch<std::int32_t, xsimd::sse2>;
using i64 = xsimd::batch<std::int64_t, xsimd::sse2>;
}  // namespace sse2_regs

inline sse2_regs::i32 dot_bytes(sse2_regs::i8 a, sse2_regs::i8 b) noexcept {
    const __m128i a_lo = _mm_srai_epi16(_mm_unpacklo_epi8(a, a), 8);
    const __m128i a_hi = _mm_srai_epi16(_mm_unpackhi_epi8(a, a), 8);
    const __m128i b_lo = _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
    const __m128i b_hi = _mm_srai_epi16(_mm_unpackhi_epi8(b, b), 8);
    return _mm_add_epi32(_mm_madd_epi16(a_lo, b_lo), _mm_madd_epi16(a_hi, b_hi));
}

inline void add_squares(sse2_regs::i32 a, sse2_regs::i64& lo, sse2_regs::i64& hi) noexcept {
    const __m128i sign = _mm_srai_epi32(a, 31);
    const __m128i m = _mm_sub_epi32(_mm_xor_si128(a, sign), sign);  // |a| as unsigned
    const __m128i even = _mm_mul_epu32(m, m), odd = _mm_mul_epu32(_mm_srli_epi64(m, 32), _mm_srli_epi64(m, 32));
    const __m128i low32 = _mm_set1_epi64x(0xFFFFFFFF);
    lo = _mm_add_epi64(lo, _mm_add_epi64(_mm_and_si128(even, low32), _mm_and_si128(odd, low32)));
    hi = _mm_add_epi64(hi, _mm_add_epi64(_mm_srli_epi64(even, 32), _mm_srli_epi64(odd, 32)));
}

inline std::uint64_t sign_mask(sse2_regs::i8 x) noexcept {
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x)));
}

inline void byte_mask(std::uint64_t bits, sse2_regs::i8& out) noexcept {
    __m128i x = _mm_cvtsi32_si128(static_cast<int>(bits & 0xFFFFu));
    x = _mm_unpacklo_epi8(x, x);   // b0 b0 b1 b1 ...
    x = _mm_unpacklo_epi16(x, x);  // b0 x4, b1 x4
    x = _mm_unpacklo_epi32(x, x);  // b0 x8, b1 x8
    const __m128i select = _mm_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    out = _mm_cmpeq_epi8(_mm_and_si128(x, select), select);
}
#endif  // XSIMD_WITH_SSE2

#if XSIMD_WITH_AVX2
namespace avx2_regs {
using i8 = xsimd::batch<std::int8_t, xsimd::avx2>;
using i32 = xsimd::batch<std::int32_t, xsimd::avx2>;
using i64 = xsimd::batch<std::int64_t, xsimd::avx2>;
}  // namespace avx2_regs

inline avx2_regs::i32 dot_bytes(avx2_regs::i8 a, avx2_regs::i8 b) noexcept {
    const __m256i a_lo = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(a));
    const __m256i a_hi = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(a, 1));
    const __m256i b_lo = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(b));
    const __m256i b_hi = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(b, 1));
    return _mm256_add_epi32(_mm256_madd_epi16(a_lo, b_lo), _mm256_madd_epi16(a_hi, b_hi));
}

inline void add_squares(avx2_regs::i32 a, avx2_regs::i64& lo, avx2_regs::i64& hi) noexcept {
    const __m256i m = _mm256_abs_epi32(a);  // |INT32_MIN| = 2^31 as unsigned
    const __m256i even = _mm256_mul_epu32(m, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(m, 32), _mm256_srli_epi64(m, 32));
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    lo = _mm256_add_epi64(lo, _mm256_add_epi64(_mm256_and_si256(even, low32), _mm256_and_si256(odd, low32)));
    hi = _mm256_add_epi64(hi, _mm256_add_epi64(_mm256_srli_epi64(even, 32), _mm256_srli_epi64(odd, 32)));
}

inline std::uint64_t sign_mask(avx2_regs::i8 x) noexcept {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(x)));
}

inline void byte_mask(std::uint64_t bits, avx2_regs::i8& out) noexcept {
    const __m256i v = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(bits)));
    const __m256i spread = _mm256_shuffle_epi8(
        v, _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,  //
                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    const __m256i select = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    out = _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
}
#endif  // XSIMD_WITH_AVX2

#if XSIMD_WITH_AVX512BW
namespace avx512_regs {
using i8 = xsimd::batch<std::int8_t, xsimd::avx512bw>;
using i32 = xsimd::batch<std::int32_t, xsimd::avx512bw>;
using i64 = xsimd::batch<std::int64_t, xsimd::avx512bw>;
}  // namespace avx512_regs

inline avx512_regs::i32 dot_bytes(avx512_regs::i8 a, avx512_regs::i8 b) noexcept {
    const __m512i a_lo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(a));
    const __m512i a_hi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(a, 1));
    const __m512i b_lo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(b));
    const __m512i b_hi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(b, 1));
    return _mm512_add_epi32(_mm512_madd_epi16(a_lo, b_lo), _mm512_madd_epi16(a_hi, b_hi));
}

inline void add_squares(avx512_regs::i32 a, avx512_regs::i64& lo, avx512_regs::i64& hi) noexcept {
    const __m512i m = _mm512_abs_epi32(a);
    const __m512i even = _mm512_mul_epu32(m, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(m, 32), _mm512_srli_epi64(m, 32));
    const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
    lo = _mm512_add_epi64(lo, _mm512_add_epi64(_mm512_and_si512(even, low32), _mm512_and_si512(odd, low32)));
    hi = _mm512_add_epi64(hi, _mm512_add_epi64(_mm512_srli_epi64(even, 32), _mm512_srli_epi64(odd, 32)));
}

inline std::uint64_t sign_mask(avx512_regs::i8 x) noexcept {
    return static_cast<std::uint64_t>(_mm512_movepi8_mask(x));
}

inline void byte_mask(std::uint64_t bits, avx512_regs::i8& out) noexcept {
    out = _mm512_movm_epi8(static_cast<__mmask64>(bits));
}
#endif  // XSIMD_WITH_AVX512BW

/// Sum of the lanes of an integer register, in int64.
template <class B>
std::int64_t sum_int_lanes(const B& x) noexcept {
    alignas(64) typename B::value_type lanes[B::size];
    x.store_aligned(lanes);
    std::int64_t s = 0;
    for (const auto v : lanes) s += static_cast<std::int64_t>(v);
    return s;
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels.

template <vector_arch Arch>
void int8_multiply_signs(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                         std::size_t n, Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    const I8 one(std::int8_t{1});
    std::size_t i = 0;
    for (; i + I8::size <= n; i += I8::size)
        ((I8::load_unaligned(a + i) ^ I8::load_unaligned(b + i)) | one).store_unaligned(out + i);
    int8_multiply_signs(a + i, b + i, out + i, n - i, scalar{});
}

template <vector_arch Arch>
std::int64_t int8_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n, Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    using I32 = batch_of<Arch, std::int32_t>;
    // Each step adds at most 4 * 128^2 = 2^16 to a lane: widen long before 2^31.
    constexpr std::size_t block = 16384;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i + I8::size <= n) {
        I32 acc(std::int32_t{0});
        for (std::size_t k = 0; k < block && i + I8::size <= n; ++k, i += I8::size)
            acc += dot_bytes(I8::load_unaligned(a + i), I8::load_unaligned(b + i));
        total += sum_int_lanes(acc);
    }
    return total + int8_dot(a + i, b + i, n - i, scalar{});
}

template <vector_arch Arch>
std::uint64_t int8_count_differing(const std::int8_t* a, const std::int8_t* b, std::size_t n,
                                   Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    // Byte counters, emptied before they could pass 127.
    constexpr std::size_t block = 127;
    const I8 one(std::int8_t{1}), zero(std::int8_t{0});
    std::uint64_t total = 0;
    std::size_t i = 0;
    while (i + I8::size <= n) {
        I8 counts = zero;
        for (std::size_t k = 0; k < block && i + I8::size <= n; ++k, i += I8::size)
            counts += blend(I8::load_unaligned(a + i) != I8::load_unaligned(b + i), one, zero);
        total += static_cast<std::uint64_t>(sum_int_lanes(counts));
    }
    return total + int8_count_differing(a + i, b + i, n - i, scalar{});
}

template <vector_arch Arch>
void int32_add(const std::int32_t* x, std::int32_t* y, std::size_t n, Arch) noexcept {
    using I32 = batch_of<Arch, std::int32_t>;
    std::size_t i = 0;
    for (; i + I32::size <= n; i += I32::size)
        (I32::load_unaligned(y + i) + I32::load_unaligned(x + i)).store_unaligned(y + i);
    int32_add(x + i, y + i, n - i, scalar{});
}

template <vector_arch Arch>
double int32_sum_squares(const std::int32_t* a, std::size_t n, Arch) noexcept {
    using I32 = batch_of<Arch, std::int32_t>;
    using I64 = batch_of<Arch, std::int64_t>;
    __extension__ using i128 = __int128;  // GCC/Clang
    // Squares (< 2^62) split into 32-bit halves, summed in 64-bit lanes: each step adds less
    // than 2^33 to a lane, so after 2^24 steps even the sum of 8 lanes is below 2^60.
    constexpr std::size_t block = std::size_t{1} << 24;
    i128 total = 0;
    std::size_t i = 0;
    while (i + I32::size <= n) {
        I64 lo(std::int64_t{0}), hi(std::int64_t{0});
        for (std::size_t k = 0; k < block && i + I32::size <= n; ++k, i += I32::size)
            add_squares(I32::load_unaligned(a + i), lo, hi);
        total += (static_cast<i128>(sum_int_lanes(hi)) << 32) + sum_int_lanes(lo);
    }
    for (; i < n; ++i) total += static_cast<std::int64_t>(a[i]) * a[i];
    return static_cast<double>(total);
}

template <vector_arch Arch>
void int8_sign_bits(const std::int8_t* x, std::uint64_t* bits, std::size_t n, Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    const std::size_t whole = n / 64;
    for (std::size_t w = 0; w < whole; ++w) {
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < 64; k += I8::size)
            word |= sign_mask(I8::load_unaligned(x + 64 * w + k)) << k;
        bits[w] = word;
    }
    int8_sign_bits(x + 64 * whole, bits + whole, n - 64 * whole, scalar{});
}

template <vector_arch Arch>
void int8_from_sign_bits(const std::uint64_t* bits, std::int8_t* out, std::size_t n,
                         Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    const I8 one(std::int8_t{1});
    const std::size_t whole = n / 64;
    for (std::size_t w = 0; w < whole; ++w) {
        for (std::size_t k = 0; k < 64; k += I8::size) {
            I8 m;
            byte_mask(bits[w] >> k, m);
            (m | one).store_unaligned(out + 64 * w + k);  // 0xFF | 1 = -1, 0 | 1 = +1
        }
    }
    int8_from_sign_bits(bits + whole, out + 64 * whole, n - 64 * whole, scalar{});
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_INTEGER_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
