// hdc/simd/rocket.hpp - kernels of the MiniROCKET transform: pooled responses of one kernel.
//
// MiniROCKET's response of one kernel at one dilation is C[t] = ((alpha[t] + g0[t]) + g1[t]) +
// g2[t], where alpha is the sum of the nine shifted copies of -x (shared by the 84 kernels of a
// dilation) and g0, g1, g2 are 3x shifted to the kernel's three +2 positions. The kernels here
// compute C on the fly (never stored) and pool it against all biases of the kernel in one pass
// over time:
//   rocket_counts     how many t have C[t] > b (PPV = count / n): integers, exact in any order
//                     and for any length (float lane counters flushed to integers in chunks);
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
#include <limits>
#include <type_traits>
#include <utility>

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

/// 0, 1, 2, ..., 15 as floats: the lane indices of a register.
inline const float* rocket_iota() noexcept {
    alignas(64) static constexpr float iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    return iota;
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
// Per-architecture pieces: the first `count` < size elements of an array (the rest zero, nothing
// past them read), and the reference's reduction tree within one register.

#if XSIMD_WITH_SSE2
inline xsimd::batch<float, xsimd::sse2> load_first(const float* p, std::size_t count,
                                                   xsimd::batch<float, xsimd::sse2>) noexcept {
    alignas(16) float v[4] = {};
    for (std::size_t i = 0; i < count; ++i) v[i] = p[i];
    return _mm_load_ps(v);
}
/// ((l0 + l2) + (l1 + l3)): the last two steps of reduce_rocket_lanes.
inline float reduce_register(xsimd::batch<float, xsimd::sse2> v) noexcept {
    const __m128 b = v;
    const __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    return _mm_cvtss_f32(_mm_add_ss(c, _mm_shuffle_ps(c, c, 1)));
}
#endif

#if XSIMD_WITH_AVX2
inline xsimd::batch<float, xsimd::avx2> load_first(const float* p, std::size_t count,
                                                   xsimd::batch<float, xsimd::avx2>) noexcept {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(p, mask);  // masked-off elements are not read
}
inline float reduce_register(xsimd::batch<float, xsimd::avx2> v) noexcept {
    const __m256 a = v;
    return reduce_register(xsimd::batch<float, xsimd::sse2>(
        _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1))));
}
#endif

#if XSIMD_WITH_AVX512BW
inline xsimd::batch<float, xsimd::avx512bw> load_first(const float* p, std::size_t count,
                                                       xsimd::batch<float, xsimd::avx512bw>) noexcept {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1u), p);
}
inline float reduce_register(xsimd::batch<float, xsimd::avx512bw> v) noexcept {
    const __m512 z = v;
    return reduce_register(xsimd::batch<float, xsimd::avx2>(
        _mm256_add_ps(_mm512_castps512_ps256(z), _mm512_extractf32x8_ps(z, 1))));
}
#endif

/// sums[j] = the reduction tree of register acc[j], for j < G (one register of 16 lanes per
/// bias): one register at a time here; AVX-512 does 16 at once (below).
template <class B, std::size_t G>
inline void reduce_registers(const B (&acc)[G], float* sums) noexcept {
    for (std::size_t j = 0; j < G; ++j) sums[j] = reduce_register(acc[j]);
}

#if XSIMD_WITH_AVX512BW
/// The 16-lane tree of up to 16 registers at once, by transposing additions: every step adds,
/// for every bias, the same two partial sums as reduce_rocket_lanes (upper half onto lower half
/// of its own lanes), so each result has the reference's bits; the registers past G are zero
/// and never meet a real bias's lanes. The results come out in the lane order `lane_bias`.
template <std::size_t G>
inline void reduce_registers(const xsimd::batch<float, xsimd::avx512bw> (&acc)[G], float* sums) noexcept {
    __m512 r[16];
    for (std::size_t j = 0; j < 16; ++j) r[j] = j < G ? __m512(acc[j]) : _mm512_setzero_ps();
    __m512 s[8], u[4], v[2];
    for (std::size_t i = 0; i < 8; ++i)  // lanes k and k + 8 of two biases per register
        s[i] = _mm512_add_ps(_mm512_shuffle_f32x4(r[2 * i], r[2 * i + 1], 0x44),
                             _mm512_shuffle_f32x4(r[2 * i], r[2 * i + 1], 0xEE));
    for (std::size_t i = 0; i < 4; ++i)  // k and k + 4: four biases per register
        u[i] = _mm512_add_ps(_mm512_shuffle_f32x4(s[2 * i], s[2 * i + 1], 0x88),
                             _mm512_shuffle_f32x4(s[2 * i], s[2 * i + 1], 0xDD));
    for (std::size_t i = 0; i < 2; ++i)  // k and k + 2: eight biases per register
        v[i] = _mm512_add_ps(_mm512_shuffle_ps(u[2 * i], u[2 * i + 1], 0x44),
                             _mm512_shuffle_ps(u[2 * i], u[2 * i + 1], 0xEE));
    const __m512 w = _mm512_add_ps(_mm512_shuffle_ps(v[0], v[1], 0x88), _mm512_shuffle_ps(v[0], v[1], 0xDD));
    alignas(64) float lane[16];
    _mm512_store_ps(lane, w);
    constexpr std::size_t lane_bias[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
    for (std::size_t i = 0; i < 16; ++i)
        if (lane_bias[i] < G) sums[lane_bias[i]] = lane[i];
}
#endif

/// reduce_rocket_lanes of 16 lanes held in R registers, lanes in order: the registers halved
/// onto each other first, then the tree within one register, the same additions in the same order.
template <class B, std::size_t R>
float reduce_rocket_registers(B (&r)[R]) noexcept {
    for (std::size_t h = R / 2; h >= 1; h /= 2)
        for (std::size_t k = 0; k < h; ++k) r[k] = r[k] + r[k + h];
    return reduce_register(r[0]);
}

/// C over the `count` elements at `at` (count <= B::size), -infinity in the lanes past them, so
/// that they never exceed a bias.
template <class B>
inline B rocket_block(const float* alpha, const float* g0, const float* g1, const float* g2, std::size_t at,
               std::size_t count) noexcept {
    if (count == B::size)
        return ((B::load_unaligned(alpha + at) + B::load_unaligned(g0 + at)) + B::load_unaligned(g1 + at)) +
               B::load_unaligned(g2 + at);
    if (count == 0) return B(-std::numeric_limits<float>::infinity());
    const B c = ((load_first(alpha + at, count, B{}) + load_first(g0 + at, count, B{})) +
                 load_first(g1 + at, count, B{})) +
                load_first(g2 + at, count, B{});
    const auto valid = B::load_unaligned(rocket_iota()) < B(static_cast<float>(count));
    return xsimd::select(valid, c, B(-std::numeric_limits<float>::infinity()));
}

// ---------------------------------------------------------------------------------------------
// xsimd kernels (sse2, avx2, avx512bw; the other tags use the ones of their registers).

/// Calls f(std::integral_constant<std::size_t, J>{}) for J = 0 .. N - 1, unrolled at compile
/// time: the per-bias accumulators of a group then live in registers, not in an array in memory.
template <std::size_t N, class F>
inline void rocket_unroll(F&& f) noexcept {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
        (f(std::integral_constant<std::size_t, J>{}), ...);
    }(std::make_index_sequence<N>{});
}

/// Calls f(std::integral_constant<std::size_t, G>{}) for the runtime group size 1 <= g <= N.
template <std::size_t N, class F>
inline void rocket_group_size(std::size_t g, F&& f) noexcept {
    rocket_unroll<N>([&](auto j) {
        if (g == j + 1) f(std::integral_constant<std::size_t, j + 1>{});
    });
}

/// Biases pooled together by rocket_counts: one counter register each, kept in registers while
/// the responses stream by (16 on AVX-512's 32 registers, 8 below).
template <class Arch>
inline constexpr std::size_t rocket_count_group = batch_of<Arch, float>::size >= 16 ? 16 : 8;

/// Elements counted into the float counters before they are moved to the integer totals: a
/// float counts exactly up to 2^24, and the lanes' sum of one chunk stays at most 2^20, so every
/// chunk's count is exact and the totals are exact for any length (modulo 2^32, as the
/// reference's counters). A multiple of every register width.
inline constexpr std::size_t rocket_count_chunk = std::size_t{1} << 20;

/// rocket_counts of exactly G biases.
template <std::size_t G, class B>
void rocket_count_biases(const float* alpha, const float* g0, const float* g1, const float* g2,
                         std::size_t n, const float* biases, std::uint32_t* counts) noexcept {
    // Float counters (a masked add, cheaper than integer lanes on SSE2/AVX without AVX2's
    // conversions), flushed to integers every rocket_count_chunk elements.
    const B one(1.0f);
    B acc[G], bias[G];
    rocket_unroll<G>([&](auto j) {
        acc[j] = B(0.0f);
        bias[j] = B(biases[j]);
        counts[j] = 0;
    });
    const auto flush = [&] {
        float total[G];
        reduce_registers(acc, total);
        rocket_unroll<G>([&](auto j) {
            counts[j] += static_cast<std::uint32_t>(total[j]);
            acc[j] = B(0.0f);
        });
    };
    // Whole blocks with plain loads, then the last partial block (masked loads, -infinity past n).
    const std::size_t whole = n - n % B::size;
    for (std::size_t start = 0; start < whole; start += rocket_count_chunk) {
        const std::size_t end = whole - start > rocket_count_chunk ? start + rocket_count_chunk : whole;
        for (std::size_t t = start; t < end; t += B::size) {
            const B c = rocket_block<B>(alpha, g0, g1, g2, t, B::size);
            rocket_unroll<G>([&](auto j) { acc[j] = xsimd::select(c > bias[j], acc[j] + one, acc[j]); });
        }
        if (end < whole) flush();
    }
    if (whole < n) {
        const B c = rocket_block<B>(alpha, g0, g1, g2, whole, n - whole);
        rocket_unroll<G>([&](auto j) { acc[j] = xsimd::select(c > bias[j], acc[j] + one, acc[j]); });
    }
    flush();
}

template <vector_arch Arch>
void rocket_counts(const float* alpha, const float* g0, const float* g1, const float* g2,
                   std::size_t n, const float* biases, std::size_t m, std::uint32_t* counts,
                   Arch) noexcept {
    using B = batch_of<Arch, float>;
    constexpr std::size_t G = rocket_count_group<Arch>;
    for (std::size_t j0 = 0; j0 < m; j0 += G)
        rocket_group_size<G>(m - j0 < G ? m - j0 : G, [&](auto g) {
            rocket_count_biases<g, B>(alpha, g0, g1, g2, n, biases + j0, counts + j0);
        });
}

/// rocket_pose_sums of exactly G biases for S series of one length at once (in: alpha, g0, g1,
/// g2 of each series; sums: one array per series): every pose is loaded once for the S series,
/// and each series' sums are the single-series kernel's, lane for lane.
template <std::size_t G, std::size_t S, class B>
void rocket_pose_biases(const float* const* in, std::size_t n, const float* biases, const float* poses,
                        std::size_t stride, float* const* sums) noexcept {
    constexpr std::size_t R = rocket_lanes / B::size;  // registers per 16 lanes
    B acc[S][G][R], bias[G];
    rocket_unroll<G>([&](auto j) {
        bias[j] = B(biases[j]);
        rocket_unroll<S>([&](auto q) { rocket_unroll<R>([&](auto r) { acc[q][j][r] = B(0.0f); }); });
    });
    const std::size_t whole = n - n % rocket_lanes;
    for (std::size_t t = 0; t < whole; t += rocket_lanes) {
        B c[S][R];
        rocket_unroll<S>([&](auto q) {
            const float* const* x = in + 4 * q;
            rocket_unroll<R>([&](auto r) { c[q][r] = rocket_block<B>(x[0], x[1], x[2], x[3], t + r * B::size, B::size); });
        });
        rocket_unroll<G>([&](auto j) {
            const float* pose = poses + j * stride + t;
            rocket_unroll<R>([&](auto r) {
                const B p = B::load_unaligned(pose + r * B::size);
                rocket_unroll<S>([&](auto q) {
                    acc[q][j][r] = xsimd::select(c[q][r] > bias[j], acc[q][j][r] + p, acc[q][j][r]);
                });
            });
        });
    }
    if (whole < n) {
        // The last 16 lanes: element t goes to lane t % 16 as everywhere; lanes past n hold
        // -infinity responses and add nothing (their poses are not read).
        B c[S][R];
        std::size_t count[R];
        rocket_unroll<R>([&](auto r) {
            const std::size_t at = whole + r * B::size;
            count[r] = at >= n ? 0 : n - at < B::size ? n - at : B::size;
            rocket_unroll<S>([&](auto q) {
                const float* const* x = in + 4 * q;
                c[q][r] = rocket_block<B>(x[0], x[1], x[2], x[3], at, count[r]);
            });
        });
        rocket_unroll<G>([&](auto j) {
            const float* pose = poses + j * stride + whole;
            rocket_unroll<R>([&](auto r) {
                if (count[r] == 0) return;
                const B p = count[r] == B::size ? B::load_unaligned(pose + r * B::size)
                                                : load_first(pose + r * B::size, count[r], B{});
                rocket_unroll<S>([&](auto q) {
                    acc[q][j][r] = xsimd::select(c[q][r] > bias[j], acc[q][j][r] + p, acc[q][j][r]);
                });
            });
        });
    }
    rocket_unroll<S>([&](auto q) {
        if constexpr (R == 1) {
            B one_register[G];
            for (std::size_t j = 0; j < G; ++j) one_register[j] = acc[q][j][0];
            reduce_registers(one_register, sums[q]);
        } else {
            rocket_unroll<G>([&](auto j) { sums[q][j] = reduce_rocket_registers(acc[q][j]); });
        }
    });
}

/// Biases pooled together for S series by rocket_pose_sums / rocket_pose_sums_pair: 16 float
/// lanes each (1, 2 or 4 registers). On AVX-512's 32 registers, 12 sums and 12 biases (one
/// series) or 2 x 8 sums and 8 biases (two) leave room for the responses and a pose: with more,
/// biases spill and every comparison adds a load to the pose's.
template <class Arch, std::size_t S>
inline constexpr std::size_t rocket_pose_group =
    batch_of<Arch, float>::size >= 16
        ? (S == 1 ? 12 : 8)
        : (8 * batch_of<Arch, float>::size / rocket_lanes / S > 0 ? 8 * batch_of<Arch, float>::size / rocket_lanes / S : 1);

template <std::size_t S, class B, class Arch>
void rocket_pose_series(const float* const* in, std::size_t n, const float* biases, std::size_t m,
                        const float* poses, std::size_t stride, float* const* sums) noexcept {
    constexpr std::size_t G = rocket_pose_group<Arch, S>;
    for (std::size_t j0 = 0; j0 < m; j0 += G) {
        float* out[S];
        for (std::size_t q = 0; q < S; ++q) out[q] = sums[q] + j0;
        rocket_group_size<G>(m - j0 < G ? m - j0 : G, [&](auto g) {
            rocket_pose_biases<g, S, B>(in, n, biases + j0, poses + j0 * stride, stride, out);
        });
    }
}

template <vector_arch Arch>
void rocket_pose_sums(const float* alpha, const float* g0, const float* g1, const float* g2,
                      std::size_t n, const float* biases, std::size_t m, const float* poses,
                      std::size_t stride, float* sums, Arch) noexcept {
    const float* in[4] = {alpha, g0, g1, g2};
    float* out[1] = {sums};
    rocket_pose_series<1, batch_of<Arch, float>, Arch>(in, n, biases, m, poses, stride, out);
}

inline void rocket_pose_sums_pair(const float* const* series, std::size_t n, const float* biases, std::size_t m,
                                  const float* poses, std::size_t stride, float* sums, scalar) noexcept {
    rocket_pose_sums(series[0], series[1], series[2], series[3], n, biases, m, poses, stride, sums, scalar{});
    rocket_pose_sums(series[4], series[5], series[6], series[7], n, biases, m, poses, stride, sums + m, scalar{});
}

template <vector_arch Arch>
void rocket_pose_sums_pair(const float* const* series, std::size_t n, const float* biases, std::size_t m,
                           const float* poses, std::size_t stride, float* sums, Arch) noexcept {
    float* out[2] = {sums, sums + m};
    rocket_pose_series<2, batch_of<Arch, float>, Arch>(series, n, biases, m, poses, stride, out);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public kernels and their dispatchers, generated from kernel_list.hpp.

HDC_SIMD_ROCKET_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
