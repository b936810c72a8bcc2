// hdc/simd/fft.hpp - a deterministic complex FFT of any length, in double.
//
// Used by HRR's circular convolution (models/hrr.hpp). Mixed radix 4, 2, 3 and 5 (recursive
// decimation in time, kissfft's structure) when the length has no prime factor above 5;
// otherwise Bluestein's chirp-z algorithm, a circular convolution of length M (the smallest
// 2^a 3^b 5^c >= 2n - 1) done with three transforms of length M. O(n log n) for every n.
//
// Why the bits are the same on every machine: the result is a fixed sequence of IEEE double
// operations, each correctly rounded, whatever the compiler, CPU or flags.
// - Twiddle factors and the chirp come from the library's own sine and cosine (rotation.hpp:
//   fma, +, -, * only), not from the platform's libm; their angles are formed from exact
//   integers (k <= n/2 by symmetry; m^2 reduced mod 2n exactly) with one multiplication and one
//   division.
// - Every product that feeds a sum is written as an explicit std::fma, and no bare product
//   feeds an addition or subtraction, so -ffp-contract (which fuses a * b + c into one
//   rounding where the compiler chooses) finds nothing to fuse. The other products are exact
//   (by 0.5) or stand alone.
// - No std::complex arithmetic operator is used except + and - (componentwise, exact
//   semantics); complex products (which GCC routes through __muldc3 and -fcx-* options) are
//   written out.
// - The code is scalar: no SIMD path whose lanes could round differently from the reference.
// Accuracy: relative 2-norm error about 5 eps per radix stage (Higham, "Accuracy and Stability
// of Numerical Algorithms", Thm 24.2), eps = 2^-53; Bluestein's path composes three such
// transforms and three diagonal scalings.
//
// Only standard and xsimd headers are included here (see arch.hpp).
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "rotation.hpp"

namespace hdc::simd {

/// A plan of the forward DFT X_k = sum_j x_j e^(-2 pi i jk/n) of a fixed length n >= 1, in
/// double. Immutable after construction: forward() is const and keeps its state in the caller's
/// scratch, so one plan may serve any number of threads.
class fft {
public:
    using complex = std::complex<double>;

    /// The longest length accepted: m^2 for m < n must fit 64 bits (the chirp's exact angle).
    static constexpr std::size_t max_length = std::size_t{1} << 32;

    /// Plans length n (1 <= n <= max_length; the caller checks, n is clamped to 1 otherwise).
    explicit fft(std::size_t n) : n_(n >= 1 && n <= max_length ? n : 1) {
        std::size_t rest = n_;
        for (std::size_t p : {std::size_t{4}, std::size_t{2}, std::size_t{3}, std::size_t{5}})
            while (rest % p == 0) {
                radices_.push_back(p);
                rest /= p;
            }
        if (rest == 1) {
            twiddles_ = twiddles(n_);
            return;
        }
        // Bluestein: jk = (j^2 + k^2 - (k - j)^2) / 2, so with the chirp c_m = e^(-i pi m^2 / n)
        // X_k = c_k sum_j (x_j c_j) conj(c_(k-j)): a circular convolution of length M >= 2n - 1.
        radices_.clear();
        std::size_t m = 1;
        while (m < 2 * n_ - 1) m = next_smooth(m + 1);
        inner_ = std::make_unique<fft>(m);
        chirp_.resize(n_);
        const double pi = 3.141592653589793238462643383279502884;
        const std::uint64_t two_n = 2 * std::uint64_t{n_};
        for (std::size_t j = 0; j < n_; ++j) {
            const std::uint64_t r = (std::uint64_t{j} * j) % two_n;  // j < 2^32: exact
            const std::uint64_t folded = r <= n_ ? r : two_n - r;      // e^(-i pi r/n), r in [0, n]
            double s, c;
            detail::sin_cos_one(pi * static_cast<double>(folded) / static_cast<double>(n_), s, c);
            chirp_[j] = {c, r <= n_ ? -s : s};
        }
        // The spectrum of b (b_m = conj(c_|m|) for |m| < n, wrapped mod M), divided by M so that
        // the inverse transform needs no scaling.
        std::vector<complex> b(m, complex(0.0, 0.0));
        b[0] = std::conj(chirp_[0]);
        for (std::size_t j = 1; j < n_; ++j) b[j] = b[m - j] = std::conj(chirp_[j]);
        chirp_spectrum_.resize(m);
        inner_->forward(b.data(), chirp_spectrum_.data(), nullptr);
        const double md = static_cast<double>(m);
        for (auto& z : chirp_spectrum_) z = {z.real() / md, z.imag() / md};
    }

    /// The transform length n.
    std::size_t size() const noexcept { return n_; }
    /// Complex values of scratch that forward() needs (0 without Bluestein, else 2M).
    std::size_t scratch_size() const noexcept { return inner_ ? 2 * inner_->size() : 0; }
    /// Whether the length has a prime factor above 5 (Bluestein's path).
    bool uses_bluestein() const noexcept { return inner_ != nullptr; }
    /// Bytes held by the plan (twiddles, chirp and its spectrum, the inner plan).
    std::size_t memory_bytes() const noexcept {
        return sizeof(complex) * (twiddles_.size() + chirp_.size() + chirp_spectrum_.size()) +
               (inner_ ? inner_->memory_bytes() : 0);
    }

    /// out[k] = sum_j in[j] e^(-2 pi i jk/n), k < n. in and out hold n values and must not
    /// overlap; scratch holds scratch_size() values (may be null when that is 0).
    void forward(const complex* in, complex* out, complex* scratch) const noexcept {
        if (!inner_) {
            if (radices_.empty()) {
                out[0] = in[0];
                return;
            }
            work(out, in, 1, 0);
            return;
        }
        const std::size_t m = inner_->size();
        complex* a = scratch;      // x_j c_j, zero padded
        complex* spec = scratch + m;
        for (std::size_t j = 0; j < n_; ++j) a[j] = mul(in[j], chirp_[j]);
        for (std::size_t j = n_; j < m; ++j) a[j] = complex(0.0, 0.0);
        inner_->forward(a, spec, nullptr);
        // The convolution is the inverse transform of A B / M = conj(F(conj(A B / M))).
        for (std::size_t k = 0; k < m; ++k) spec[k] = std::conj(mul(spec[k], chirp_spectrum_[k]));
        inner_->forward(spec, a, nullptr);
        for (std::size_t k = 0; k < n_; ++k) out[k] = mul(chirp_[k], std::conj(a[k]));
    }

    /// a b, each part one product rounded and one fused multiply-add.
    static complex mul(complex a, complex b) noexcept {
        return {std::fma(a.real(), b.real(), -(a.imag() * b.imag())),
                std::fma(a.real(), b.imag(), a.imag() * b.real())};
    }

private:
    /// The smallest 2^a 3^b 5^c >= m (m >= 1).
    static std::size_t next_smooth(std::size_t m) noexcept {
        for (;; ++m) {
            std::size_t r = m;
            for (std::size_t p : {std::size_t{2}, std::size_t{3}, std::size_t{5}})
                while (r % p == 0) r /= p;
            if (r == 1) return m;
        }
    }

    /// e^(-2 pi i k/n) for k < n: angles 2 pi k/n <= pi for k <= n/2, conjugates above.
    static std::vector<complex> twiddles(std::size_t n) {
        std::vector<complex> t(n);
        for (std::size_t k = 0; 2 * k <= n; ++k) {
            t[k] = root(k, n);
            if (k != 0) t[n - k] = std::conj(t[k]);
        }
        return t;
    }

public:
    /// e^(-2 pi i k/n) for 2 k <= n (angle 2 pi k/n <= pi): the twiddle factors' formula, from
    /// rotation.hpp's portable sine and cosine.
    static complex root(std::size_t k, std::size_t n) noexcept {
        const double two_pi = 6.283185307179586476925286766559005768;
        double s, c;
        detail::sin_cos_one(two_pi * static_cast<double>(k) / static_cast<double>(n), s, c);
        return {c, -s};
    }

private:

    /// out[0 .. p m) = the transform of in[0], in[stride], in[2 stride], ... (p m = n / stride
    /// values, p the radix of this level): the p sub-transforms of length m (decimation in
    /// time), then m radix-p butterflies (kissfft's kf_work).
    void work(complex* out, const complex* in, std::size_t stride, std::size_t level) const noexcept {
        const std::size_t p = radices_[level];
        const std::size_t m = n_ / (stride * p);
        if (m == 1) {
            for (std::size_t q = 0; q < p; ++q) out[q] = in[q * stride];
        } else {
            for (std::size_t q = 0; q < p; ++q) work(out + q * m, in + q * stride, stride * p, level + 1);
        }
        switch (p) {
            case 2: butterfly2(out, stride, m); break;
            case 3: butterfly3(out, stride, m); break;
            case 4: butterfly4(out, stride, m); break;
            default: butterfly5(out, stride, m); break;
        }
    }

    /// The butterflies of radix 2, 4, 3 and 5 on f[u + q m] (q < p) for every u < m, the
    /// inputs q >= 1 first multiplied by the twiddles e^(-2 pi i q u stride / n).
    void butterfly2(complex* f, std::size_t stride, std::size_t m) const noexcept {
        for (std::size_t u = 0; u < m; ++u) {
            const complex t = mul(f[u + m], twiddles_[u * stride]);
            f[u + m] = f[u] - t;
            f[u] = f[u] + t;
        }
    }

    void butterfly4(complex* f, std::size_t stride, std::size_t m) const noexcept {
        for (std::size_t u = 0; u < m; ++u) {
            const complex x0 = f[u];
            const complex x1 = mul(f[u + m], twiddles_[u * stride]);
            const complex x2 = mul(f[u + 2 * m], twiddles_[2 * u * stride]);
            const complex x3 = mul(f[u + 3 * m], twiddles_[3 * u * stride]);
            const complex a = x0 + x2, b = x0 - x2, c = x1 + x3, d = x1 - x3;
            f[u] = a + c;
            f[u + 2 * m] = a - c;
            f[u + m] = {b.real() + d.imag(), b.imag() - d.real()};      // b - i d
            f[u + 3 * m] = {b.real() - d.imag(), b.imag() + d.real()};  // b + i d
        }
    }

    void butterfly3(complex* f, std::size_t stride, std::size_t m) const noexcept {
        const double h = 0.86602540378443864676;  // sin(2 pi / 3), correctly rounded
        for (std::size_t u = 0; u < m; ++u) {
            const complex x0 = f[u];
            const complex x1 = mul(f[u + m], twiddles_[u * stride]);
            const complex x2 = mul(f[u + 2 * m], twiddles_[2 * u * stride]);
            const complex s = x1 + x2, d = x1 - x2;
            // X1,2 = x0 - s/2 -+ i h d
            const double tr = std::fma(-0.5, s.real(), x0.real()), ti = std::fma(-0.5, s.imag(), x0.imag());
            f[u] = x0 + s;
            f[u + m] = {std::fma(h, d.imag(), tr), std::fma(-h, d.real(), ti)};
            f[u + 2 * m] = {std::fma(-h, d.imag(), tr), std::fma(h, d.real(), ti)};
        }
    }

    void butterfly5(complex* f, std::size_t stride, std::size_t m) const noexcept {
        // cos and sin of 2 pi / 5 and 4 pi / 5, correctly rounded.
        const double c1 = 0.30901699437494742410, c2 = -0.80901699437494742410;
        const double s1 = 0.95105651629515357212, s2 = 0.58778525229247312917;
        for (std::size_t u = 0; u < m; ++u) {
            const complex x0 = f[u];
            const complex x1 = mul(f[u + m], twiddles_[u * stride]);
            const complex x2 = mul(f[u + 2 * m], twiddles_[2 * u * stride]);
            const complex x3 = mul(f[u + 3 * m], twiddles_[3 * u * stride]);
            const complex x4 = mul(f[u + 4 * m], twiddles_[4 * u * stride]);
            const complex s14 = x1 + x4, d14 = x1 - x4, s23 = x2 + x3, d23 = x2 - x3;
            // X1,4 = A -+ i P, X2,3 = B -+ i Q with A = x0 + c1 s14 + c2 s23,
            // B = x0 + c2 s14 + c1 s23, P = s1 d14 + s2 d23, Q = s2 d14 - s1 d23.
            const double ar = std::fma(c2, s23.real(), std::fma(c1, s14.real(), x0.real()));
            const double ai = std::fma(c2, s23.imag(), std::fma(c1, s14.imag(), x0.imag()));
            const double br = std::fma(c1, s23.real(), std::fma(c2, s14.real(), x0.real()));
            const double bi = std::fma(c1, s23.imag(), std::fma(c2, s14.imag(), x0.imag()));
            const double pr = std::fma(s1, d14.real(), s2 * d23.real());
            const double pi = std::fma(s1, d14.imag(), s2 * d23.imag());
            const double qr = std::fma(s2, d14.real(), -(s1 * d23.real()));
            const double qi = std::fma(s2, d14.imag(), -(s1 * d23.imag()));
            f[u] = x0 + s14 + s23;
            f[u + m] = {ar + pi, ai - pr};
            f[u + 4 * m] = {ar - pi, ai + pr};
            f[u + 2 * m] = {br + qi, bi - qr};
            f[u + 3 * m] = {br - qi, bi + qr};
        }
    }

    std::size_t n_;
    std::vector<std::size_t> radices_;  // n = their product (none for n = 1 or Bluestein)
    std::vector<complex> twiddles_;     // e^(-2 pi i k/n), k < n
    std::unique_ptr<fft> inner_;        // Bluestein's transform of length M
    std::vector<complex> chirp_;        // e^(-i pi j^2/n), j < n
    std::vector<complex> chirp_spectrum_;
};

}  // namespace hdc::simd
