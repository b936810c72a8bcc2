// hdc/simd/integer.hpp - kernels on small-integer vectors: bipolar int8 components, int32 sums.
//
// Buffers are the models' aligned_buffer storage. Every result here is exact integer arithmetic
// (sum_squares is exact in 128 bits and rounded once), so a vectorised kernel matches the scalar
// reference whatever order it sums in. Callers keep int32 sums within range (the bipolar
// accumulator bounds the total weight it accepts); int32_add wraps.
//
// Overloads: scalar (the reference); a template on the xsimd tags (sse2, avx2, avx512bw;
// avx512_vpopcnt uses avx512bw's) built on the per-architecture helpers below where xsimd 8 has
// no native operation (byte products, widening, 32 x 32 -> 64 products, saturating packs, sign
// masks). Lengths are exact: every kernel handles its last partial register with the scalar
// reference and touches nothing at or past n (or past (n + 63) / 64 words of a bit vector).
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void int8_multiply(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int8_t>(a[i] * b[i]);
}

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
    // Wrapping, like the vector adds (the binary accumulator's sums wrap on overflow).
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

inline void int32_sign_with_tie_break(const std::int32_t* sums, const std::int8_t* tie,
                                      std::int8_t* out, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = sums[i] > 0 ? std::int8_t{1} : sums[i] < 0 ? std::int8_t{-1} : tie[i];
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
//   multiply_bytes(a, b)      byte products, wrapping (xsimd 8 multiplies bytes one by one)
//   dot_bytes(a, b)           int32 lanes, each the sum of 4 sign-extended byte products
//   load_widened(p, out)      out::size bytes at p, sign-extended to int32 lanes
//   multiply_int32(a, b)      wrapping 32-bit products (SSE2 has no pmulld)
//   add_products(a, b, acc)   acc + the signed 64-bit products of the int32 lanes, pairwise
//   add_squares(a, lo, hi)    the squares of the int32 lanes, split into 32-bit halves
//   pack_saturated(a..d)      4 int32 registers to one int8 register, saturating, in order
//   sign_mask(x)              bit j = sign bit of byte j
//   byte_mask(bits)           byte j = 0xFF where bit j is set, else 0

/// Wrapping int32 products (the architectures with pmulld; SSE2 below).
template <class B>
B multiply_int32(B a, B b) noexcept {
    return a * b;
}

#if XSIMD_WITH_SSE2
namespace sse2_regs {
using i8 = xsimd::batch<std::int8_t, xsimd::sse2>;
using i32 = xsimd::batch<std::int32_t, xsimd::sse2>;
using i64 = xsimd::batch<std::int64_t, xsimd::sse2>;
}  // namespace sse2_regs

inline sse2_regs::i8 multiply_bytes(sse2_regs::i8 a, sse2_regs::i8 b) noexcept {
    // The low byte of a 16-bit product depends only on the low bytes of its factors.
    const __m128i low = _mm_set1_epi16(0x00FF);
    const __m128i even = _mm_and_si128(_mm_mullo_epi16(a, b), low);
    const __m128i odd = _mm_mullo_epi16(_mm_srli_epi16(a, 8), _mm_andnot_si128(low, b));
    return _mm_or_si128(even, odd);
}

inline sse2_regs::i32 dot_bytes(sse2_regs::i8 a, sse2_regs::i8 b) noexcept {
    const __m128i a_lo = _mm_srai_epi16(_mm_unpacklo_epi8(a, a), 8);
    const __m128i a_hi = _mm_srai_epi16(_mm_unpackhi_epi8(a, a), 8);
    const __m128i b_lo = _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
    const __m128i b_hi = _mm_srai_epi16(_mm_unpackhi_epi8(b, b), 8);
    return _mm_add_epi32(_mm_madd_epi16(a_lo, b_lo), _mm_madd_epi16(a_hi, b_hi));
}

inline void load_widened(const std::int8_t* p, sse2_regs::i32& out) noexcept {
    std::int32_t four = 0;
    std::memcpy(&four, p, sizeof four);
    __m128i x = _mm_cvtsi32_si128(four);
    x = _mm_unpacklo_epi8(x, x);
    x = _mm_unpacklo_epi16(x, x);
    out = _mm_srai_epi32(x, 24);
}

inline sse2_regs::i32 multiply_int32(sse2_regs::i32 a, sse2_regs::i32 b) noexcept {
    const __m128i even = _mm_mul_epu32(a, b);
    const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                              _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
}

/// Signed products of the low 32 bits of each 64-bit lane, from unsigned ones: with
/// x = ux - 2^32 [x < 0], x y = ux uy - 2^32 ([x < 0] uy + [y < 0] ux) modulo 2^64.
inline __m128i multiply_low_signed(__m128i x, __m128i y) noexcept {
    const __m128i fix = _mm_add_epi64(_mm_and_si128(_mm_srai_epi32(x, 31), y),
                                      _mm_and_si128(_mm_srai_epi32(y, 31), x));
    return _mm_sub_epi64(_mm_mul_epu32(x, y), _mm_slli_epi64(fix, 32));
}

inline sse2_regs::i64 add_products(sse2_regs::i32 a, sse2_regs::i32 b,
                                   sse2_regs::i64 acc) noexcept {
    const __m128i even = multiply_low_signed(a, b);
    const __m128i odd = multiply_low_signed(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_add_epi64(acc, _mm_add_epi64(even, odd));
}

inline void add_squares(sse2_regs::i32 a, sse2_regs::i64& lo, sse2_regs::i64& hi) noexcept {
    const __m128i sign = _mm_srai_epi32(a, 31);
    const __m128i m = _mm_sub_epi32(_mm_xor_si128(a, sign), sign);  // |a| as unsigned
    const __m128i even = _mm_mul_epu32(m, m), odd = _mm_mul_epu32(_mm_srli_epi64(m, 32), _mm_srli_epi64(m, 32));
    const __m128i low32 = _mm_set1_epi64x(0xFFFFFFFF);
    lo = _mm_add_epi64(lo, _mm_add_epi64(_mm_and_si128(even, low32), _mm_and_si128(odd, low32)));
    hi = _mm_add_epi64(hi, _mm_add_epi64(_mm_srli_epi64(even, 32), _mm_srli_epi64(odd, 32)));
}

inline sse2_regs::i8 pack_saturated(sse2_regs::i32 a, sse2_regs::i32 b, sse2_regs::i32 c,
                                    sse2_regs::i32 d) noexcept {
    return _mm_packs_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, d));
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

inline avx2_regs::i8 multiply_bytes(avx2_regs::i8 a, avx2_regs::i8 b) noexcept {
    const __m256i low = _mm256_set1_epi16(0x00FF);
    const __m256i even = _mm256_and_si256(_mm256_mullo_epi16(a, b), low);
    const __m256i odd = _mm256_mullo_epi16(_mm256_srli_epi16(a, 8), _mm256_andnot_si256(low, b));
    return _mm256_or_si256(even, odd);
}

inline avx2_regs::i32 dot_bytes(avx2_regs::i8 a, avx2_regs::i8 b) noexcept {
    const __m256i a_lo = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(a));
    const __m256i a_hi = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(a, 1));
    const __m256i b_lo = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(b));
    const __m256i b_hi = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(b, 1));
    return _mm256_add_epi32(_mm256_madd_epi16(a_lo, b_lo), _mm256_madd_epi16(a_hi, b_hi));
}

inline void load_widened(const std::int8_t* p, avx2_regs::i32& out) noexcept {
    out = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

inline avx2_regs::i64 add_products(avx2_regs::i32 a, avx2_regs::i32 b,
                                   avx2_regs::i64 acc) noexcept {
    const __m256i even = _mm256_mul_epi32(a, b);
    const __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    return _mm256_add_epi64(acc, _mm256_add_epi64(even, odd));
}

inline void add_squares(avx2_regs::i32 a, avx2_regs::i64& lo, avx2_regs::i64& hi) noexcept {
    const __m256i m = _mm256_abs_epi32(a);  // |INT32_MIN| = 2^31 as unsigned
    const __m256i even = _mm256_mul_epu32(m, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(m, 32), _mm256_srli_epi64(m, 32));
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    lo = _mm256_add_epi64(lo, _mm256_add_epi64(_mm256_and_si256(even, low32), _mm256_and_si256(odd, low32)));
    hi = _mm256_add_epi64(hi, _mm256_add_epi64(_mm256_srli_epi64(even, 32), _mm256_srli_epi64(odd, 32)));
}

inline avx2_regs::i8 pack_saturated(avx2_regs::i32 a, avx2_regs::i32 b, avx2_regs::i32 c,
                                    avx2_regs::i32 d) noexcept {
    // The packs work within 128-bit halves: 4-byte groups come out as a0 b0 c0 d0 a1 b1 c1 d1.
    const __m256i mixed = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    return _mm256_permutevar8x32_epi32(mixed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
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

inline avx512_regs::i8 multiply_bytes(avx512_regs::i8 a, avx512_regs::i8 b) noexcept {
    const __m512i low = _mm512_set1_epi16(0x00FF);
    const __m512i even = _mm512_and_si512(_mm512_mullo_epi16(a, b), low);
    const __m512i odd = _mm512_mullo_epi16(_mm512_srli_epi16(a, 8), _mm512_andnot_si512(low, b));
    return _mm512_or_si512(even, odd);
}

inline avx512_regs::i32 dot_bytes(avx512_regs::i8 a, avx512_regs::i8 b) noexcept {
    const __m512i a_lo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(a));
    const __m512i a_hi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(a, 1));
    const __m512i b_lo = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(b));
    const __m512i b_hi = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(b, 1));
    return _mm512_add_epi32(_mm512_madd_epi16(a_lo, b_lo), _mm512_madd_epi16(a_hi, b_hi));
}

inline void load_widened(const std::int8_t* p, avx512_regs::i32& out) noexcept {
    out = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline avx512_regs::i64 add_products(avx512_regs::i32 a, avx512_regs::i32 b,
                                     avx512_regs::i64 acc) noexcept {
    const __m512i even = _mm512_mul_epi32(a, b);
    const __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    return _mm512_add_epi64(acc, _mm512_add_epi64(even, odd));
}

inline void add_squares(avx512_regs::i32 a, avx512_regs::i64& lo, avx512_regs::i64& hi) noexcept {
    const __m512i m = _mm512_abs_epi32(a);
    const __m512i even = _mm512_mul_epu32(m, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(m, 32), _mm512_srli_epi64(m, 32));
    const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
    lo = _mm512_add_epi64(lo, _mm512_add_epi64(_mm512_and_si512(even, low32), _mm512_and_si512(odd, low32)));
    hi = _mm512_add_epi64(hi, _mm512_add_epi64(_mm512_srli_epi64(even, 32), _mm512_srli_epi64(odd, 32)));
}

inline avx512_regs::i8 pack_saturated(avx512_regs::i32 a, avx512_regs::i32 b, avx512_regs::i32 c,
                                      avx512_regs::i32 d) noexcept {
    __m512i r = _mm512_castsi128_si512(_mm512_cvtsepi32_epi8(a));
    r = _mm512_inserti32x4(r, _mm512_cvtsepi32_epi8(b), 1);
    r = _mm512_inserti32x4(r, _mm512_cvtsepi32_epi8(c), 2);
    return _mm512_inserti32x4(r, _mm512_cvtsepi32_epi8(d), 3);
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
void int8_multiply(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t n,
                   Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    std::size_t i = 0;
    for (; i + I8::size <= n; i += I8::size)
        multiply_bytes(I8::load_unaligned(a + i), I8::load_unaligned(b + i)).store_unaligned(out + i);
    int8_multiply(a + i, b + i, out + i, n - i, scalar{});
}

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
std::int64_t int32_int8_dot(const std::int32_t* a, const std::int8_t* b, std::size_t n,
                            Arch) noexcept {
    using I32 = batch_of<Arch, std::int32_t>;
    using I64 = batch_of<Arch, std::int64_t>;
    // Wrapping 64-bit lanes: the total modulo 2^64 is exact whenever the result fits.
    I64 acc(std::int64_t{0});
    std::size_t i = 0;
    for (; i + I32::size <= n; i += I32::size) {
        I32 x;
        load_widened(b + i, x);
        acc = add_products(I32::load_unaligned(a + i), x, acc);
    }
    alignas(64) std::uint64_t lanes[I64::size];
    xsimd::bitwise_cast<batch_of<Arch, std::uint64_t>>(acc).store_aligned(lanes);
    std::uint64_t total = static_cast<std::uint64_t>(int32_int8_dot(a + i, b + i, n - i, scalar{}));
    for (const std::uint64_t v : lanes) total += v;
    return static_cast<std::int64_t>(total);
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
void int8_accumulate(std::int32_t w, const std::int8_t* x, std::int32_t* sums, std::size_t n,
                     Arch) noexcept {
    using I32 = batch_of<Arch, std::int32_t>;
    std::size_t i = 0;
    I32 v;
    if (w == 1) {
        for (; i + I32::size <= n; i += I32::size) {
            load_widened(x + i, v);
            (I32::load_unaligned(sums + i) + v).store_unaligned(sums + i);
        }
    } else if (w == -1) {
        for (; i + I32::size <= n; i += I32::size) {
            load_widened(x + i, v);
            (I32::load_unaligned(sums + i) - v).store_unaligned(sums + i);
        }
    } else {
        const I32 wv(w);
        for (; i + I32::size <= n; i += I32::size) {
            load_widened(x + i, v);
            (I32::load_unaligned(sums + i) + multiply_int32(wv, v)).store_unaligned(sums + i);
        }
    }
    int8_accumulate(w, x + i, sums + i, n - i, scalar{});
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
void int32_sign_with_tie_break(const std::int32_t* sums, const std::int8_t* tie, std::int8_t* out,
                               std::size_t n, Arch) noexcept {
    using I8 = batch_of<Arch, std::int8_t>;
    using I32 = batch_of<Arch, std::int32_t>;
    const I8 zero(std::int8_t{0}), plus(std::int8_t{1}), minus(std::int8_t{-1});
    std::size_t i = 0;
    for (; i + I8::size <= n; i += I8::size) {
        // Saturation keeps the sign and zero-ness of every sum.
        const I8 s = pack_saturated(I32::load_unaligned(sums + i),
                                    I32::load_unaligned(sums + i + I32::size),
                                    I32::load_unaligned(sums + i + 2 * I32::size),
                                    I32::load_unaligned(sums + i + 3 * I32::size));
        blend(s > zero, plus, blend(s < zero, minus, I8::load_unaligned(tie + i)))
            .store_unaligned(out + i);
    }
    int32_sign_with_tie_break(sums + i, tie + i, out + i, n - i, scalar{});
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
// Public kernels: the best architecture of this translation unit, or the table chosen at run
// time when HDC_RUNTIME_DISPATCH is 1 (see dispatch.hpp).

/// out[i] = a[i] * b[i] for i < n (wrapping to int8).
inline void int8_multiply(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int8_multiply(a, b, out, n);
#else
    detail::int8_multiply(a, b, out, n, default_arch{});
#endif
}

/// out[i] = a[i] * b[i] for components +-1 (bipolar binding: (a ^ b) | 1 on the bytes, which
/// other values do not multiply correctly).
inline void int8_multiply_signs(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                                std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int8_multiply_signs(a, b, out, n);
#else
    detail::int8_multiply_signs(a, b, out, n, default_arch{});
#endif
}

/// Sum of a[i] * b[i] for i < n.
inline std::int64_t int8_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    return active_kernels().int8_dot(a, b, n);
#else
    return detail::int8_dot(a, b, n, default_arch{});
#endif
}

/// Sum of a[i] * b[i] for i < n: int32 sums against int8 components.
inline std::int64_t int32_int8_dot(const std::int32_t* a, const std::int8_t* b,
                                   std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    return active_kernels().int32_int8_dot(a, b, n);
#else
    return detail::int32_int8_dot(a, b, n, default_arch{});
#endif
}

/// Number of positions i < n where a[i] != b[i].
inline std::uint64_t int8_count_differing(const std::int8_t* a, const std::int8_t* b,
                                          std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    return active_kernels().int8_count_differing(a, b, n);
#else
    return detail::int8_count_differing(a, b, n, default_arch{});
#endif
}

/// sums[i] += w * x[i] for i < n (adding a weighted bipolar vector to int32 sums).
inline void int8_accumulate(std::int32_t w, const std::int8_t* x, std::int32_t* sums,
                            std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int8_accumulate(w, x, sums, n);
#else
    detail::int8_accumulate(w, x, sums, n, default_arch{});
#endif
}

/// y[i] += x[i] for i < n (merging int32 sums), wrapping on overflow.
inline void int32_add(const std::int32_t* x, std::int32_t* y, std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int32_add(x, y, n);
#else
    detail::int32_add(x, y, n, default_arch{});
#endif
}

/// Sum of a[i]^2 for i < n, computed exactly and rounded once to double.
inline double int32_sum_squares(const std::int32_t* a, std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    return active_kernels().int32_sum_squares(a, n);
#else
    return detail::int32_sum_squares(a, n, default_arch{});
#endif
}

/// out[i] = +1 where sums[i] > 0, -1 where sums[i] < 0, tie[i] where sums[i] == 0.
inline void int32_sign_with_tie_break(const std::int32_t* sums, const std::int8_t* tie,
                                      std::int8_t* out, std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int32_sign_with_tie_break(sums, tie, out, n);
#else
    detail::int32_sign_with_tie_break(sums, tie, out, n, default_arch{});
#endif
}

/// Bit i of bits = 1 where x[i] < 0, for i < n; writes (n + 63) / 64 words, the bits past n
/// zero (packs a bipolar vector into the binary model's layout).
inline void int8_sign_bits(const std::int8_t* x, std::uint64_t* bits, std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int8_sign_bits(x, bits, n);
#else
    detail::int8_sign_bits(x, bits, n, default_arch{});
#endif
}

/// out[i] = -1 where bit i of bits is 1, +1 where it is 0, for i < n (the inverse packing).
inline void int8_from_sign_bits(const std::uint64_t* bits, std::int8_t* out,
                                std::size_t n) noexcept {
#ifdef HDC_SIMD_USE_DISPATCH
    active_kernels().int8_from_sign_bits(bits, out, n);
#else
    detail::int8_from_sign_bits(bits, out, n, default_arch{});
#endif
}

}  // namespace hdc::simd
