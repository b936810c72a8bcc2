// hdc/simd/rocket.hpp - kernels of the MiniROCKET transform: pooled responses of one kernel.
//
// MiniROCKET's response of one kernel at one dilation is C[t] = ((alpha[t] + g0[t]) + g1[t]) +
// g2[t], where alpha is the sum of the nine shifted copies of -x (shared by the 84 kernels of a
// dilation) and g0, g1, g2 are 3x shifted to the kernel's three +2 positions. The kernels here
// compute C on the fly (never stored) and pool it against all biases of the kernel in one pass
// over time:
//   rocket_counts     how many t have C[t] > b (PPV = count / n): integers, exact in any order;
//   rocket_pose_sums  the sum of pose[j][t] over the t with C[t] > b_j (HDC-MiniROCKET binds the
//                     thresholded responses to timestamp vectors), in float, element t going to
//                     partial sum t % 16 and the 16 partial sums combined by the tree of
//                     reduce_rocket_lanes: the order a 16-float register (or two of 8, or four of
//                     4) follows, so every architecture returns the reference's bits.
// C itself uses only float additions in a fixed order (no multiply, nothing to contract), so it
// is the same on every path.
//
// Overloads: scalar (the reference) and a template on the xsimd tags. Lengths are exact: no
// kernel reads an element at or past n. Only standard and xsimd headers may be included here
// (see arch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

/// Number of interleaved float partial sums of rocket_pose_sums.
inline constexpr std::size_t rocket_lanes = 16;

/// The 16 partial sums combined as a register reduction does: upper half onto lower half, four
/// times.
inline float reduce_rocket_lanes(float (&l)[rocket_lanes]) noexcept {
    for (std::size_t h = rocket_lanes / 2; h >= 1; h /= 2)
        for (std::size_t k = 0; k < h; ++k) l[k] = l[k] + l[k + h];
    return l[0];
}

/// MiniROCKET's response at t: ((alpha + g0) + g1) + g2.
inline float rocket_response(const float* alpha, const float* g0, const float* g1, const float* g2,
                             std::size_t t) noexcept {
    return ((alpha[t] + g0[t]) + g1[t]) + g2[t];
}

// ---------------------------------------------------------------------------------------------
// Scalar reference kernels.

inline void rocket_counts(const float* alpha, const float* g0, const float* g1, const float* g2,
                          std::size_t n, const float* biases, std::size_t m, std::uint32_t* counts,
                          scalar) noexcept {
    for (std::size_t j = 0; j < m; ++j) counts[j] = 0;
    for (std::size_t t = 0; t < n; ++t) {
        const float c = rocket_response(alpha, g0, g1, g2, t);
        for (std::size_t j = 0; j < m; ++j) counts[j] += c > biases[j] ? 1u : 0u;
    }
}

/// lane[(t - 0) % 16] += pose[t] where C[t] > bias, for t in [from, n): the reference's step.
inline void rocket_pose_lanes(const float* alpha, const float* g0, const float* g1, const float* g2,
                              std::size_t from, std::size_t n, float bias, const float* pose,
                              float (&lane)[rocket_lanes]) noexcept {
    for (std::size_t t = from; t < n; ++t)
        if (rocket_response(alpha, g0, g1, g2, t) > bias)
            lane[t % rocket_lanes] = lane[t % rocket_lanes] + pose[t];
}

inline void rocket_pose_sums(const float* alpha, const float* g0, const float* g1, const float* g2,
                             std::size_t n, const float* biases, std::size_t m, const float* poses,
                             std::size_t stride, float* sums, scalar) noexcept {
    for (std::size_t j = 0; j < m; ++j) {
        float lane[rocket_lanes] = {};
        rocket_pose_lanes(alpha, g0, g1, g2, 0, n, biases[j], poses + j * stride, lane);
        sums[j] = reduce_rocket_lanes(lane);
    }
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, avx512bw; the other tags use the ones of their registers).

/// Biases pooled together by rocket_counts: one counter register each, kept in registers while
/// the responses stream by (16 on AVX-512's 32 registers, 8 below).
template <class Arch>
inline constexpr std::size_t rocket_count_group = batch_of<Arch, float>::size >= 16 ? 16 : 8;

template <vector_arch Arch>
void rocket_counts(const float* alpha, const float* g0, const float* g1, const float* g2,
                   std::size_t n, const float* biases, std::size_t m, std::uint32_t* counts,
                   Arch) noexcept {
    using B = batch_of<Arch, float>;
    constexpr std::size_t G = rocket_count_group<Arch>;
    const std::size_t whole = n - n % B::size;
    const B one(1.0f);
    for (std::size_t j0 = 0; j0 < m; j0 += G) {
        const std::size_t g = m - j0 < G ? m - j0 : G;
        // Float counters: exact up to 2^24 per lane, far beyond any series length here.
        B acc[G];
        for (std::size_t j = 0; j < G; ++j) acc[j] = B(0.0f);
        for (std::size_t t = 0; t < whole; t += B::size) {
            const B c = ((B::load_unaligned(alpha + t) + B::load_unaligned(g0 + t)) +
                         B::load_unaligned(g1 + t)) +
                        B::load_unaligned(g2 + t);
            for (std::size_t j = 0; j < g; ++j) {
                const auto above = c > B(biases[j0 + j]);
                acc[j] = xsimd::select(above, acc[j] + one, acc[j]);
            }
        }
        for (std::size_t j = 0; j < g; ++j) {
            float part[B::size];
            acc[j].store_unaligned(part);
            std::uint32_t total = 0;
            for (std::size_t k = 0; k < B::size; ++k) total += static_cast<std::uint32_t>(part[k]);
            const float b = biases[j0 + j];
            for (std::size_t t = whole; t < n; ++t)
                total += rocket_response(alpha, g0, g1, g2, t) > b ? 1u : 0u;
            counts[j0 + j] = total;
        }
    }
}

/// Biases pooled together by rocket_pose_sums: 16 float lanes each (1, 2 or 4 registers), eight
/// registers of sums in all.
template <class Arch>
inline constexpr std::size_t rocket_pose_group = 8 * batch_of<Arch, float>::size / rocket_lanes;

template <vector_arch Arch>
void rocket_pose_sums(const float* alpha, const float* g0, const float* g1, const float* g2,
                      std::size_t n, const float* biases, std::size_t m, const float* poses,
                      std::size_t stride, float* sums, Arch) noexcept {
    using B = batch_of<Arch, float>;
    constexpr std::size_t R = rocket_lanes / B::size;  // registers per 16 lanes
    constexpr std::size_t G = rocket_pose_group<Arch>;
    const std::size_t whole = n - n % rocket_lanes;
    for (std::size_t j0 = 0; j0 < m; j0 += G) {
        const std::size_t g = m - j0 < G ? m - j0 : G;
        B acc[G][R];
        for (std::size_t j = 0; j < G; ++j)
            for (std::size_t r = 0; r < R; ++r) acc[j][r] = B(0.0f);
        for (std::size_t t = 0; t < whole; t += rocket_lanes) {
            B c[R];
            for (std::size_t r = 0; r < R; ++r) {
                const std::size_t i = t + r * B::size;
                c[r] = ((B::load_unaligned(alpha + i) + B::load_unaligned(g0 + i)) +
                        B::load_unaligned(g1 + i)) +
                       B::load_unaligned(g2 + i);
            }
            for (std::size_t j = 0; j < g; ++j) {
                const B b(biases[j0 + j]);
                const float* pose = poses + (j0 + j) * stride + t;
                for (std::size_t r = 0; r < R; ++r) {
                    const auto above = c[r] > b;
                    acc[j][r] = xsimd::select(above, acc[j][r] + B::load_unaligned(pose + r * B::size),
                                              acc[j][r]);
                }
            }
        }
        for (std::size_t j = 0; j < g; ++j) {
            float lane[rocket_lanes];
            for (std::size_t r = 0; r < R; ++r) acc[j][r].store_unaligned(lane + r * B::size);
            rocket_pose_lanes(alpha, g0, g1, g2, whole, n, biases[j0 + j], poses + (j0 + j) * stride, lane);
            sums[j0 + j] = reduce_rocket_lanes(lane);
        }
    }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_ROCKET_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
