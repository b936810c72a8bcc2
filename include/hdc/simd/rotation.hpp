// hdc/simd/rotation.hpp - kernels of Givens-rotation layers: portable sine and cosine, plane rotations.
//
// These are the factors of MBAT's key-dependent binding operator (angles taken from a key
// vector). The sine and cosine here are a polynomial with explicit fma throughout (range
// reduction by Cody-Waite with a three-part pi/2, then fdlibm's minimax polynomials on
// [-pi/4, pi/4]), so they do not depend on the platform's libm or on -ffp-contract: results are
// bit-identical on every machine. Accurate to about one ulp for |theta| up to 1e5.
//
// Overloads: scalar (the reference) and a template on the fma_arch tags (arch.hpp) doing the same
// operations lane by lane with fused multiply-adds in registers; other architectures run the
// reference, since a separate multiply and add would round twice. Only standard and xsimd
// headers may be included here (see arch.hpp).
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>

#include "arch.hpp"
#include "lanes.hpp"

namespace hdc::simd {
namespace detail {

/// Constants of the portable sine and cosine (fdlibm's k_sin.c and k_cos.c coefficients).
struct sin_cos_constants {
    static constexpr double two_over_pi = 0x1.45f306dc9c883p-1;
    // pi/2 = p1 + p2 + p3, each with trailing zero bits so that q * p_k is nearly exact.
    static constexpr double p1 = 0x1.921fb54400000p0;
    static constexpr double p2 = 0x1.0b4611a600000p-34;
    static constexpr double p3 = 0x1.3198a2e037073p-69;
    /// Adding and subtracting this rounds a double of magnitude below 2^51 to an integer.
    static constexpr double round_magic = 0x1.8p52;
    static constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03,
                            s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06,
                            s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
    static constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03,
                            c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07,
                            c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;
};

/// sin and cos of one angle, the reference: only fma, +, -, * and exact selections.
inline void sin_cos_one(double theta, double& s_out, double& c_out) noexcept {
    using k = sin_cos_constants;
    // q = nearest integer to theta * 2/pi (one rounding: the fma rounds straight to an integer).
    const double q = std::fma(theta, k::two_over_pi, k::round_magic) - k::round_magic;
    double r = std::fma(-q, k::p1, theta);
    r = std::fma(-q, k::p2, r);
    r = std::fma(-q, k::p3, r);
    const double z = r * r;
    double ps = std::fma(z, k::s6, k::s5);
    ps = std::fma(z, ps, k::s4);
    ps = std::fma(z, ps, k::s3);
    ps = std::fma(z, ps, k::s2);
    ps = std::fma(z, ps, k::s1);
    const double sin_r = std::fma(r * z, ps, r);
    double pc = std::fma(z, k::c6, k::c5);
    pc = std::fma(z, pc, k::c4);
    pc = std::fma(z, pc, k::c3);
    pc = std::fma(z, pc, k::c2);
    pc = std::fma(z, pc, k::c1);
    const double cos_r = std::fma(z * z, pc, std::fma(-0.5, z, 1.0));
    // Quadrant q mod 4, computed exactly in double: odd swaps sine and cosine; the sine is
    // negative in quadrants 2 and 3, the cosine in 1 and 2.
    const double m4 = q - 4.0 * std::floor(q * 0.25);  // 0, 1, 2 or 3, exact
    const double odd = m4 - 2.0 * std::floor(m4 * 0.5);
    const double sv = odd != 0 ? cos_r : sin_r, cv = odd != 0 ? sin_r : cos_r;
    s_out = m4 >= 2 ? -sv : sv;
    c_out = (m4 == 1 || m4 == 2) ? -cv : cv;
}

template <std::floating_point T>
void sin_cos(const double* theta, T* s, T* c, std::size_t n, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        double si, ci;
        sin_cos_one(theta[i], si, ci);
        s[i] = static_cast<T>(si);
        c[i] = static_cast<T>(ci);
    }
}

template <std::floating_point T>
void givens_rotate(T* a, T* b, const T* c, const T* s, std::size_t n, bool transpose, scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const T x = a[i], y = b[i];
        const T si = transpose ? -s[i] : s[i];
        a[i] = std::fma(c[i], x, -(si * y));
        b[i] = std::fma(si, x, c[i] * y);
    }
}

// Fused multiply-add on float registers of the fma_arch tags (lanes.hpp has the double ones).
#if XSIMD_WITH_FMA3_AVX2
inline xsimd::batch<float, xsimd::avx2> fused_multiply_add(xsimd::batch<float, xsimd::avx2> x,
                                                           xsimd::batch<float, xsimd::avx2> y,
                                                           xsimd::batch<float, xsimd::avx2> z) noexcept {
    return _mm256_fmadd_ps(x, y, z);
}
#endif
#if XSIMD_WITH_AVX512BW
inline xsimd::batch<float, xsimd::avx512bw> fused_multiply_add(
    xsimd::batch<float, xsimd::avx512bw> x, xsimd::batch<float, xsimd::avx512bw> y,
    xsimd::batch<float, xsimd::avx512bw> z) noexcept {
    return _mm512_fmadd_ps(x, y, z);
}
#endif

template <fma_arch Arch, std::floating_point T>
void sin_cos(const double* theta, T* s, T* c, std::size_t n, Arch) noexcept {
    {
        using B = batch_of<Arch, double>;
        using k = sin_cos_constants;
        std::size_t i = 0;
        for (; i + B::size <= n; i += B::size) {
            const B t = B::load_unaligned(theta + i);
            const B magic(k::round_magic);
            const B q = fused_multiply_add(t, B(k::two_over_pi), magic) - magic;
            B r = fused_multiply_add(-q, B(k::p1), t);
            r = fused_multiply_add(-q, B(k::p2), r);
            r = fused_multiply_add(-q, B(k::p3), r);
            const B z = r * r;
            B ps = fused_multiply_add(z, B(k::s6), B(k::s5));
            ps = fused_multiply_add(z, ps, B(k::s4));
            ps = fused_multiply_add(z, ps, B(k::s3));
            ps = fused_multiply_add(z, ps, B(k::s2));
            ps = fused_multiply_add(z, ps, B(k::s1));
            const B sin_r = fused_multiply_add(r * z, ps, r);
            B pc = fused_multiply_add(z, B(k::c6), B(k::c5));
            pc = fused_multiply_add(z, pc, B(k::c4));
            pc = fused_multiply_add(z, pc, B(k::c3));
            pc = fused_multiply_add(z, pc, B(k::c2));
            pc = fused_multiply_add(z, pc, B(k::c1));
            const B cos_r = fused_multiply_add(z * z, pc, fused_multiply_add(B(-0.5), z, B(1.0)));
            const B m4 = q - B(4.0) * xsimd::floor(q * B(0.25));
            const B odd = m4 - B(2.0) * xsimd::floor(m4 * B(0.5));
            const auto swap = odd != B(0.0);
            const B sv = xsimd::select(swap, cos_r, sin_r), cv = xsimd::select(swap, sin_r, cos_r);
            const B sr = xsimd::select(m4 >= B(2.0), -sv, sv);
            const B cr = xsimd::select((m4 == B(1.0)) || (m4 == B(2.0)), -cv, cv);
            alignas(64) double sb[B::size], cb[B::size];
            sr.store_aligned(sb);
            cr.store_aligned(cb);
            for (std::size_t j = 0; j < B::size; ++j) {
                s[i + j] = static_cast<T>(sb[j]);
                c[i + j] = static_cast<T>(cb[j]);
            }
        }
        sin_cos(theta + i, s + i, c + i, n - i, scalar{});
    }
}

template <fma_arch Arch, std::floating_point T>
void givens_rotate(T* a, T* b, const T* c, const T* s, std::size_t n, bool transpose, Arch) noexcept {
    {
        using B = batch_of<Arch, T>;
        std::size_t i = 0;
        for (; i + B::size <= n; i += B::size) {
            const B x = B::load_unaligned(a + i), y = B::load_unaligned(b + i);
            const B ci = B::load_unaligned(c + i);
            const B si = transpose ? -B::load_unaligned(s + i) : B::load_unaligned(s + i);
            fused_multiply_add(ci, x, -(si * y)).store_unaligned(a + i);
            fused_multiply_add(si, x, ci * y).store_unaligned(b + i);
        }
        givens_rotate(a + i, b + i, c + i, s + i, n - i, transpose, scalar{});
    }
}

}  // namespace detail

HDC_SIMD_ROTATION_KERNELS(HDC_SIMD_EXPORT, HDC_SIMD_EXPORT_V)

}  // namespace hdc::simd
