// hdc/simd/transform.hpp - kernels of fast orthogonal transforms: the Walsh-Hadamard transform,
// sign flips by a packed bit string (in place, added into a sum, or filling a constant: the +-1
// diagonal factors and random atoms), and signed permutations.
//
// These are the factors of MBAT's structured role operators and of the soft JSON encoder's mixing
// operator. Every kernel here uses only exact operations (negation, moves) or single correctly
// rounded additions, subtractions and multiplications, never a fused pattern the compiler could
// contract, so results are bit-identical on every platform and with any -ffp-contract setting.
//
// Vector walsh_hadamard (float): every output element is computed by the same additions and
// subtractions, of the same operands, as in the reference: the vector schedule only changes which
// butterflies run together, never what a butterfly adds. In-register stages (stride below the
// lane count) pair lane i with lane i ^ h by a constant swizzle and compute v + p in the lower
// lanes and p - v in the upper ones as (v with its sign flipped) + p, which IEEE 754 defines to
// equal p - v exactly; the strided stages run two at a time (radix 4) over memory; the scale is
// one multiply at the end. Sign kernels: negation is a sign-bit flip (exact), as the reference's
// unary minus; the bits reach the lanes by an AVX-512 mask, an AVX2 variable shift, or a small
// table on SSE2. No kernel here touches an element at or past n. The double transform and the
// signed permutations (gathers) have only their references, registered (kernel_list.hpp).
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

/// Bit i of a packed bit string.
inline bool bit_at(const std::uint64_t* bits, std::size_t i) noexcept {
    return (bits[i / 64] >> (i % 64)) & 1u;
}

// ---------------------------------------------------------------------------------------------
// Scalar references.

/// The reference transform: stages of stride h = 1, 2, ..., n/2 in turn, butterflies
/// (a, b) -> (a + b, a - b), then every element times scale.
template <class T>
void walsh_hadamard(T* x, std::size_t n, T scale, scalar) noexcept {
    for (std::size_t h = 1; h < n; h *= 2) {
        for (std::size_t i = 0; i < n; i += 2 * h) {
            for (std::size_t j = i; j < i + h; ++j) {
                const T a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i) x[i] *= scale;
}

template <class T>
void signed_permute(const T* in, T* out, const std::uint32_t* index, const std::uint64_t* negate,
                    std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const T v = in[index[i]];
        out[i] = bit_at(negate, i) ? -v : v;
    }
}

template <class T>
void signed_permute_transpose(const T* in, T* out, const std::uint32_t* index,
                              const std::uint64_t* negate, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const T v = in[i];
        out[index[i]] = bit_at(negate, i) ? -v : v;
    }
}

template <class T>
void flip_signs(T* x, const std::uint64_t* negate, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        if (bit_at(negate, i)) x[i] = -x[i];
}

template <class T>
void signed_add(const T* x, T* acc, const std::uint64_t* negate, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) acc[i] = acc[i] + (bit_at(negate, i) ? -x[i] : x[i]);
}

template <class T>
void sign_fill(T value, const std::uint64_t* negate, T* out, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = bit_at(negate, i) ? -value : value;
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels.

/// Lane i's partner in the butterfly of stride H: lane i ^ H.
template <unsigned H>
struct butterfly_partner {
    static constexpr std::uint32_t get(std::size_t i, std::size_t) noexcept {
        return static_cast<std::uint32_t>(i ^ H);
    }
};

/// The sign bit in the upper lane of each pair of stride H.
template <unsigned H>
struct butterfly_sign {
    static constexpr std::uint32_t get(std::size_t i, std::size_t) noexcept {
        return (i & H) ? 0x80000000u : 0u;
    }
};

/// Stages H, H/2, ..., 1 in registers (called with H = half the lane count): lane i becomes
/// v_i + v_{i^h} (lower) or v_{i^h} - v_i (upper), stride 1 first.
template <class X, unsigned H>
inline xsimd::batch<float, X> butterflies_in_register(xsimd::batch<float, X> v) noexcept {
    using U = xsimd::batch<std::uint32_t, X>;
    if constexpr (H > 1) v = butterflies_in_register<X, H / 2>(v);
    const auto partner = xsimd::swizzle(v, xsimd::make_batch_constant<U, butterfly_partner<H>>());
    const U sign = xsimd::make_batch_constant<U, butterfly_sign<H>>();
    return (v ^ xsimd::bitwise_cast<xsimd::batch<float, X>>(sign)) + partner;
}

template <vector_arch Arch>
void walsh_hadamard(float* x, std::size_t n, float scale, Arch) noexcept {
    using X = xsimd_arch_t<Arch>;
    using B = xsimd::batch<float, X>;
    constexpr std::size_t L = B::size;
    if (n < 4 * L) {  // too short for the register schedule
        walsh_hadamard(x, n, scale, scalar{});
        return;
    }
    // Strides 1 .. L/2: within each batch.
    for (std::size_t i = 0; i < n; i += L)
        butterflies_in_register<X, static_cast<unsigned>(L / 2)>(B::load_unaligned(x + i)).store_unaligned(x + i);
    // Strides L .. n/2: two stages per pass over memory (radix 4), one when a single one is left;
    // the last pass also applies the scale.
    const B s(scale);
    std::size_t h = L;
    for (; 4 * h <= n; h *= 4) {
        const bool last = 4 * h == n;
        for (std::size_t i = 0; i < n; i += 4 * h) {
            for (std::size_t j = i; j < i + h; j += L) {
                const B a = B::load_unaligned(x + j), b = B::load_unaligned(x + j + h);
                const B c = B::load_unaligned(x + j + 2 * h), d = B::load_unaligned(x + j + 3 * h);
                const B ab = a + b, amb = a - b, cd = c + d, cmd = c - d;
                B r0 = ab + cd, r1 = amb + cmd, r2 = ab - cd, r3 = amb - cmd;
                if (last) {
                    r0 = r0 * s;
                    r1 = r1 * s;
                    r2 = r2 * s;
                    r3 = r3 * s;
                }
                r0.store_unaligned(x + j);
                r1.store_unaligned(x + j + h);
                r2.store_unaligned(x + j + 2 * h);
                r3.store_unaligned(x + j + 3 * h);
            }
        }
        if (last) return;
    }
    // One stage left (h = n/2), with the scale.
    for (std::size_t j = 0; j < h; j += L) {
        const B a = B::load_unaligned(x + j), b = B::load_unaligned(x + j + h);
        ((a + b) * s).store_unaligned(x + j);
        ((a - b) * s).store_unaligned(x + j + h);
    }
}

/// The sign-bit mask of lanes i .. i + L (i a multiple of L, L dividing 64): bit i + k of
/// negate gives lane k its sign bit.
template <class X>
inline xsimd::batch<float, X> sign_lanes(const std::uint64_t* negate, std::size_t i) noexcept {
    using B = xsimd::batch<float, X>;
    constexpr std::size_t L = B::size;
    const auto word = static_cast<std::uint32_t>((negate[i / 64] >> (i % 64)) & ((std::uint64_t{1} << L) - 1));
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, X>)
        return B(_mm512_castsi512_ps(
            _mm512_maskz_set1_epi32(static_cast<__mmask16>(word), static_cast<int>(0x80000000u))));
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, X>) {
        // Bit k of the word to bit 31 of lane k.
        const __m256i moved = _mm256_sllv_epi32(_mm256_set1_epi32(static_cast<int>(word)),
                                                _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24));
        return B(_mm256_castsi256_ps(_mm256_and_si256(moved, _mm256_set1_epi32(static_cast<int>(0x80000000u)))));
    }
#endif
    alignas(64) std::uint32_t lanes[L];
    for (std::size_t k = 0; k < L; ++k) lanes[k] = (word >> k) & 1u ? 0x80000000u : 0u;
    return xsimd::bitwise_cast<B>(xsimd::batch<std::uint32_t, X>::load_aligned(lanes));
}

template <vector_arch Arch>
void flip_signs(float* x, const std::uint64_t* negate, std::size_t n, Arch) noexcept {
    using X = xsimd_arch_t<Arch>;
    using B = xsimd::batch<float, X>;
    const std::size_t whole = n - n % B::size;
    for (std::size_t i = 0; i < whole; i += B::size)
        (B::load_unaligned(x + i) ^ sign_lanes<X>(negate, i)).store_unaligned(x + i);
    for (std::size_t i = whole; i < n; ++i)
        if (bit_at(negate, i)) x[i] = -x[i];
}

template <vector_arch Arch>
void signed_add(const float* x, float* acc, const std::uint64_t* negate, std::size_t n, Arch) noexcept {
    using X = xsimd_arch_t<Arch>;
    using B = xsimd::batch<float, X>;
    const std::size_t whole = n - n % B::size;
    for (std::size_t i = 0; i < whole; i += B::size)
        (B::load_unaligned(acc + i) + (B::load_unaligned(x + i) ^ sign_lanes<X>(negate, i))).store_unaligned(acc + i);
    for (std::size_t i = whole; i < n; ++i) acc[i] = acc[i] + (bit_at(negate, i) ? -x[i] : x[i]);
}

template <vector_arch Arch>
void sign_fill(float value, const std::uint64_t* negate, float* out, std::size_t n, Arch) noexcept {
    using X = xsimd_arch_t<Arch>;
    using B = xsimd::batch<float, X>;
    const B v(value);
    const std::size_t whole = n - n % B::size;
    for (std::size_t i = 0; i < whole; i += B::size) (v ^ sign_lanes<X>(negate, i)).store_unaligned(out + i);
    for (std::size_t i = whole; i < n; ++i) out[i] = bit_at(negate, i) ? -value : value;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels: the float and double overloads and their dispatchers, generated from
// kernel_list.hpp, and templates for other component types (the references).

HDC_SIMD_TRANSFORM_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

/// In-place Walsh-Hadamard transform of x[0..n) (n a power of two, unnormalised butterflies in
/// natural (Hadamard) order), then every element multiplied by scale; scale = 1/sqrt(n) makes it
/// orthogonal and its own inverse. For component types other than float and double.
template <class T>
void walsh_hadamard(T* x, std::size_t n, T scale) noexcept {
    detail::walsh_hadamard(x, n, scale, scalar{});
}

/// Signed permutation (gather form): out[i] = (negate bit i ? -1 : 1) * in[index[i]] for i < n.
/// index is a permutation of [0, n); in and out must not overlap. Other component types.
template <class T>
void signed_permute(const T* in, T* out, const std::uint32_t* index, const std::uint64_t* negate,
                    std::size_t n) noexcept {
    detail::signed_permute(in, out, index, negate, n, scalar{});
}

/// Transpose (= inverse) of signed_permute: out[index[i]] = (negate bit i ? -1 : 1) * in[i].
/// Other component types.
template <class T>
void signed_permute_transpose(const T* in, T* out, const std::uint32_t* index,
                              const std::uint64_t* negate, std::size_t n) noexcept {
    detail::signed_permute_transpose(in, out, index, negate, n, scalar{});
}

/// x[i] = -x[i] where bit i of negate is set (a +-1 diagonal factor). Other component types.
template <class T>
void flip_signs(T* x, const std::uint64_t* negate, std::size_t n) noexcept {
    detail::flip_signs(x, negate, n, scalar{});
}

/// acc[i] += (negate bit i ? -1 : 1) * x[i] (no overlap). Other component types.
template <class T>
void signed_add(const T* x, T* acc, const std::uint64_t* negate, std::size_t n) noexcept {
    detail::signed_add(x, acc, negate, n, scalar{});
}

/// out[i] = (negate bit i ? -1 : 1) * value. Other component types.
template <class T>
void sign_fill(T value, const std::uint64_t* negate, T* out, std::size_t n) noexcept {
    detail::sign_fill(value, negate, out, n, scalar{});
}

}  // namespace hdc::simd
