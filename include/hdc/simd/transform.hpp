// hdc/simd/transform.hpp - kernels of fast orthogonal transforms: Walsh-Hadamard, signed permutations.
//
// These are the factors of MBAT's structured role operators. Every kernel here uses only exact
// operations (negation, moves) or single correctly rounded additions, subtractions and
// multiplications, never a fused pattern the compiler could contract, so results are bit-identical
// on every platform and with any -ffp-contract setting. Only the scalar references exist so far;
// they are registered (kernel_list.hpp), so a vector version needs only its overloads.
// Only standard and xsimd headers may be included here (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"

namespace hdc::simd {
namespace detail {

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

/// Bit i of a packed bit string.
inline bool bit_at(const std::uint64_t* bits, std::size_t i) noexcept {
    return (bits[i / 64] >> (i % 64)) & 1u;
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

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels: the float and double overloads and their dispatchers, generated from
// kernel_list.hpp (only the reference so far: every architecture runs it through the table),
// and templates for other component types.

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

}  // namespace hdc::simd
