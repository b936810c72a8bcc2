// hdc/models/hrr.hpp - HRR: holographic reduced representations (Plate).
//
// T. A. Plate, "Holographic reduced representations", IEEE Trans. Neural Networks 6(3), 1995,
// and "Holographic Reduced Representation: Distributed representation for cognitive structures",
// CSLI 2003. Atoms have i.i.d. Normal(0, 1/D) components (models/normal_atoms.hpp, shared with
// VTB); binding is circular convolution c_j = sum_k a_k b_(j-k mod D), commutative and
// associative; bundling is the sum (kept in double by the accumulator); similarity is the cosine.
//
// Unbinding. unbind(c, a) is Plate's approximate inverse, the circular correlation with a (the
// convolution with the involution a#_i = a_(-i mod D)): in the Fourier domain it multiplies by
// conj(A_f), so unbind(bind(a, b), a) has spectrum |A_f|^2 B_f. For Normal atoms |A_f|^2 is
// exponential with mean 1, and the cosine with b is
//   sum |A|^2 |B|^2 / sqrt(sum |A|^4 |B|^2 * sum |B|^2) -> E|A|^2 / sqrt(E|A|^4) = 1/sqrt(2),
// with standard deviation sqrt(1/(2D)) (delta method over the D/2 independent frequency pairs;
// the derivation is in tests/model_info.hpp): the "1/sqrt(2) loss", cleaned up against an item
// memory. unbind_exact(c, a) divides by A_f instead (the exact inverse; exact_inverse(a) is the
// vector itself); it refuses, with invalid_parameter naming the smallest |A_f| and the threshold,
// a key whose spectrum comes near zero, where division would amplify noise without bound.
// Unitary atoms (random_unitary: every |A_f| = 1, Plate's unitary vectors) make the correlation
// the exact inverse: unbind recovers b up to rounding, and such atoms keep their norm through any
// depth of binding.
//
// Transforms. Convolution goes through the library's own FFT (simd/fft.hpp: mixed radix 2, 3,
// 4, 5, Bluestein's chirp-z algorithm for lengths with a larger prime factor; O(D log D) for
// every D up to hdc::max_dimension). The spectra of both operands come from one complex
// transform (a + i b, separated by symmetry), the result from one complex inverse of half the
// length (see detail::hrr_fft). Float vectors are transformed in double, then rounded once, so
// unbinding with unitary atoms stays at float precision.
// Determinism: HRR results are bit-identical on every machine and build. The FFT uses no libm
// function (twiddles and chirp from the library's polynomial sine and cosine), writes every
// product that feeds a sum as an explicit std::fma (so -ffp-contract has nothing to fuse) and
// writes complex products, divisions and moduli out in correctly rounded operations (no
// std::complex operator*, operator/ or std::abs, which go through __muldc3, __divdc3 and hypot).
// Threads: each thread keeps its own workspace (thread_local: the plans of the last four
// lengths and the buffers), so bind and unbind are safe to call from any number of threads; a
// workspace holds 80 D bytes per length kept (0.8 MB at D = 10,000), about 190 D with
// Bluestein's path (1.9 MB at the prime 10,007), until the thread ends or
// release_hrr_workspace() frees the calling thread's (see detail::hrr_fft).
// Time (bench/RESULTS.md): 24 us per binding at D = 1,024, 0.24 ms at 10,000, 0.88 ms at the
// prime 10,007 (Eigen's kissfft took 29 us, 0.16 ms and 5.3 ms); naive O(D^2) convolution is
// 26x slower at 1,024 and 250x at 10,000.
//
// Generic use. HRR works with every generic encoder and memory and with the file format
// (io/serialize.hpp). Convolution is shift-equivariant: permute(bind(a, b), k) =
// bind(permute(a, k), b), so permutation does not distribute over binding the way the elementwise
// families' does (bind(permute(a, k), permute(b, k)) is the binding shifted by 2k). The resonator
// (memory/resonator/families.hpp) factors HRR composites of unitary atoms, where unbinding is
// exact; with Normal atoms every unbinding loses the 1/sqrt(2) above, and it converges less often.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../simd/fft.hpp"
#include "normal_atoms.hpp"

namespace hdc {

/// The tag of holographic reduced representations (see normal_vector).
struct hrr_family {
    /// The family's name in messages and files.
    static constexpr const char* name = "hrr";
    /// What accepts() checks, quoted in invalid_dimension messages.
    static constexpr const char* rule = "HRR's FFT accepts any dimension up to 2^32";
    /// Whether the FFT (simd/fft.hpp) can transform length n: up to simd::fft::max_length (the
    /// chirp's exact angle needs m^2 < 2^64), which hdc::max_dimension does not exceed.
    static constexpr bool accepts(std::size_t n) noexcept { return n <= simd::fft::max_length; }
    /// Operation names in the accumulator's error messages.
    static constexpr const char* add_operation = "hrr_accumulator::add";
    /// See add_operation.
    static constexpr const char* merge_operation = "hrr_accumulator::merge";
    /// See add_operation.
    static constexpr const char* scale_operation = "hrr_accumulator::scale";
    /// See add_operation.
    static constexpr const char* result_operation = "hrr_accumulator::result";
};

/// A holographic reduced representation: D real components of type T (float or double; D may
/// be hdc::dynamic), atoms i.i.d. Normal(0, 1/D), bound by circular convolution.
template <std::size_t D = dynamic, class T = float>
using hrr = normal_vector<hrr_family, D, T>;

/// The sum accumulator of HRR vectors.
template <std::size_t D = dynamic, class T = float>
using hrr_accumulator = normal_accumulator<hrr_family, D, T>;

/// An HRR vector type (any dimension and component type).
template <class V>
concept hrr_vector = std::same_as<typename V::family_type, hrr_family> &&
                     std::same_as<V, hrr<V::extent, typename V::value_type>>;

namespace detail {

/// Default threshold of the exact inverse, relative to the root mean square of |A_f| (= |a|).
/// For a Normal atom the complex bins have |A_f|^2 ~ Exp(1), below t^2 with probability about
/// t^2 each (D/2 of them), and the real bins (f = 0, and D/2 for even D) are N(0, 1), below t
/// in modulus with probability about 0.8 t each: the default refuses a Normal atom with
/// probability about D/2 * 1e-8 + (1 or 2) * 0.8e-4, 1.7e-4 at D = 1,024 and 2.1e-4 at
/// D = 10,000 (the real bins dominate).
inline constexpr double hrr_default_min_relative = 1e-4;

/// The FFT plans and buffers of HRR's transforms (simd/fft.hpp), in double. Not thread-safe:
/// each thread uses its own (hrr_thread_fft).
///
/// Real transforms: the spectra of two real vectors a and b come from one complex transform of
/// z = a + i 2^e b (A_k = (Z_k + conj Z_(n-k)) / 2, B_k = (Z_k - conj Z_(n-k)) / 2i; the power
/// of two 2^e, exact, brings b's largest component near a's, so that neither spectrum drowns in
/// the other's rounding); a real result is one complex inverse transform of length D / 2 for
/// even D (even and odd components as real and imaginary parts), of length D for odd D.
/// A binding costs one complex transform of length D and one of D / 2 (of D for odd D).
///
/// Memory: the plans of the last plan_cache lengths used are kept, and buffers as large as the
/// longest: 32 D bytes of plans and 48 D of buffers for a length without prime factors above 5
/// (80 D bytes: 0.8 MB at D = 10,000); with Bluestein's path (a prime factor above 5) 80 to 130
/// D of plans and 113 D of buffers (1.9 MB at D = 10,007). release() (and
/// hdc::release_hrr_workspace() for the calling thread) frees them.
struct hrr_fft {
    using complex = std::complex<double>;
    /// How many plans (lengths) are kept, most recently used first.
    static constexpr std::size_t plan_cache = 4;
    /// The transforms of one length n: complex length n, and for even n the half length (a real
    /// inverse as a complex one of n/2) with e^(2 pi i k/n), k < n/2.
    struct plan_set {
        std::unique_ptr<simd::fft> full, half;
        std::vector<complex> roots;
    };
    std::vector<plan_set> plans;
    std::vector<complex> z, spectrum, scratch;  // n, n and the plans' scratch
    std::vector<complex> fa, fb;                // half spectra, n / 2 + 1 bins
    const plan_set* current = nullptr;

    /// Makes (or finds) the plans of length n >= 1 and sizes the buffers.
    void reserve(std::size_t n) {
        std::size_t i = 0;
        while (i < plans.size() && plans[i].full->size() != n) ++i;
        if (i == plans.size()) {
            if (plans.size() == plan_cache) plans.pop_back();
            plan_set p;
            p.full = std::make_unique<simd::fft>(n);
            if (n % 2 == 0) {
                p.half = std::make_unique<simd::fft>(n / 2);
                p.roots.resize(n / 2);
                for (std::size_t k = 0; k < n / 2; ++k) p.roots[k] = std::conj(simd::fft::root(k, n));
            }
            plans.insert(plans.begin(), std::move(p));
        } else if (i != 0) {
            plan_set p = std::move(plans[i]);
            plans.erase(plans.begin() + static_cast<std::ptrdiff_t>(i));
            plans.insert(plans.begin(), std::move(p));
        }
        current = &plans.front();
        z.resize(n);
        spectrum.resize(n);
        scratch.resize(std::max(current->full->scratch_size(), current->half ? current->half->scratch_size() : 0));
        fa.resize(n / 2 + 1);
        fb.resize(n / 2 + 1);
    }

    /// Frees the plans and buffers.
    void release() noexcept {
        plans = decltype(plans)();
        z = decltype(z)();
        spectrum = decltype(spectrum)();
        scratch = decltype(scratch)();
        fa = decltype(fa)();
        fb = decltype(fb)();
        current = nullptr;
    }

    /// The half spectrum of n components of a (rounded to double exactly); after reserve(n).
    template <class T>
    void forward(const T* a, std::size_t n, std::vector<complex>& out) {
        for (std::size_t i = 0; i < n; ++i) z[i] = complex(static_cast<double>(a[i]), 0.0);
        current->full->forward(z.data(), spectrum.data(), scratch.data());
        for (std::size_t k = 0; k <= n / 2; ++k) out[k] = spectrum[k];
    }

    /// The half spectra of a (into fa) and b (into fb), one complex transform; after reserve(n).
    template <class T>
    void forward_pair(const T* a, const T* b, std::size_t n) {
        // Multiplying by a power of two is exact (and, unlike a call of std::ldexp per
        // component, cheap); the exponents of real HRR vectors are far from both ends of double.
        const int e = std::clamp(exponent_of_largest(a, n) - exponent_of_largest(b, n), -1000, 1000);
        const double up = std::ldexp(1.0, e), down = std::ldexp(1.0, -e);
        for (std::size_t i = 0; i < n; ++i) z[i] = complex(static_cast<double>(a[i]), static_cast<double>(b[i]) * up);
        current->full->forward(z.data(), spectrum.data(), scratch.data());
        for (std::size_t k = 0; k <= n / 2; ++k) {
            const complex zk = spectrum[k], zn = spectrum[k == 0 ? 0 : n - k];
            fa[k] = {0.5 * (zk.real() + zn.real()), 0.5 * (zk.imag() - zn.imag())};
            fb[k] = {(0.5 * (zk.imag() + zn.imag())) * down, (0.5 * (zn.real() - zk.real())) * down};
        }
    }

    /// out = the inverse transform of the half spectrum fa (scaled by 1/n, the spectrum taken as
    /// conjugate-symmetric), rounded to T; throws non_finite_value naming `operation` if a
    /// component does not fit T. After reserve(n).
    template <class T>
    void inverse_into(T* out, std::size_t n, const char* operation) {
        if (current->half) {
            // Even n = 2h: z_j = x_2j + i x_2j+1 has the spectrum Z_k = E_k + i O_k (k < h) with
            // E_k = (X_k + conj X_(h-k)) / 2, O_k = (X_k - conj X_(h-k)) e^(2 pi i k/n) / 2, and
            // z = conj(F_h(conj Z)) / h: one complex transform of half the length.
            const std::size_t h = n / 2;
            for (std::size_t k = 0; k < h; ++k) {
                const complex xk = fa[k], xm = std::conj(fa[h - k]);
                const complex e = {0.5 * (xk.real() + xm.real()), 0.5 * (xk.imag() + xm.imag())};
                const complex d = {0.5 * (xk.real() - xm.real()), 0.5 * (xk.imag() - xm.imag())};
                const complex o = simd::fft::mul(d, current->roots[k]);
                z[k] = {e.real() - o.imag(), -(e.imag() + o.real())};  // conj(E + i O)
            }
            current->half->forward(z.data(), spectrum.data(), scratch.data());
            const double hd = static_cast<double>(h);
            for (std::size_t j = 0; j < h; ++j) {
                z[2 * j] = spectrum[j].real() / hd;
                z[2 * j + 1] = -spectrum[j].imag() / hd;
            }
        } else {
            // x = conj(F(conj(X))) / n, real: x_j = Re F(conj X)_j / n.
            for (std::size_t k = 0; k <= n / 2; ++k) z[k] = std::conj(fa[k]);
            for (std::size_t k = n / 2 + 1; k < n; ++k) z[k] = fa[n - k];
            current->full->forward(z.data(), spectrum.data(), scratch.data());
            const double nd = static_cast<double>(n);
            for (std::size_t i = 0; i < n; ++i) z[i] = spectrum[i].real() / nd;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double x = z[i].real();
            out[i] = static_cast<T>(x);
            if (!std::isfinite(out[i]))
                throw non_finite_value(std::string(operation) + ": component " + std::to_string(i) +
                                       " (" + std::to_string(x) + ") does not fit the component type");
        }
    }

private:
    /// The binary exponent of the largest |x_i| (0 if every x_i is 0 or one is not finite).
    template <class T>
    static int exponent_of_largest(const T* x, std::size_t n) noexcept {
        double largest = 0;
        for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(static_cast<double>(x[i])));
        if (!(largest > 0) || !std::isfinite(largest)) return 0;
        int e = 0;
        (void)std::frexp(largest, &e);
        return e;
    }
};

/// This thread's FFT workspace: the buffers are mutable state, so threads never share one.
inline hrr_fft& hrr_thread_fft() {
    thread_local hrr_fft workspace;
    return workspace;
}

/// a b with explicit fused multiply-adds (no std::complex operator*: see simd/fft.hpp).
inline std::complex<double> hrr_mul(std::complex<double> a, std::complex<double> b) noexcept {
    return simd::fft::mul(a, b);
}

/// |z| as sqrt(fma(x, x, y y)): correctly rounded operations only (std::abs calls hypot).
inline double hrr_modulus(std::complex<double> z) noexcept {
    return std::sqrt(std::fma(z.real(), z.real(), z.imag() * z.imag()));
}

/// The spectral binding kernels on n components (out may alias neither input).
enum class hrr_spectral_op {
    convolve,   ///< A_f B_f: circular convolution
    correlate,  ///< conj(A_f) B_f: circular correlation, the approximate inverse
};

/// out = the circular convolution or correlation of a and b through workspace w.
template <class T>
void hrr_spectral(const T* a, const T* b, T* out, std::size_t n, hrr_spectral_op op, hrr_fft& w,
                  const char* operation) {
    if (n == 0) return;  // the empty binding is empty
    w.reserve(n);
    w.forward_pair(a, b, n);
    const bool conjugate = op == hrr_spectral_op::correlate;
    for (std::size_t f = 0; f < w.fa.size(); ++f)
        w.fa[f] = hrr_mul(conjugate ? std::conj(w.fa[f]) : w.fa[f], w.fb[f]);
    w.inverse_into(out, n, operation);
}

/// The smallest modulus of the half spectrum in w.fa (n >= 1 components), and that bin.
inline std::pair<double, std::size_t> hrr_min_modulus(const hrr_fft& w) {
    double smallest = hrr_modulus(w.fa[0]);
    std::size_t at = 0;
    for (std::size_t f = 1; f < w.fa.size(); ++f)
        if (const double m = hrr_modulus(w.fa[f]); m < smallest) {
            smallest = m;
            at = f;
        }
    return {smallest, at};
}

/// Divides the spectrum w.fb by the spectrum of a (in w.fa; smallest from hrr_min_modulus), after
/// checking that every |A_f| exceeds min_relative * |a|; the quotient lands in w.fa.
/// With parameter_only (empty vectors: no bins), only min_relative is checked.
inline void hrr_divide_checked(std::pair<double, std::size_t> smallest, double a_norm,
                               double min_relative, hrr_fft& w, const char* operation,
                               bool parameter_only = false) {
    if (!std::isfinite(min_relative) || !(min_relative >= 0))
        throw invalid_parameter(std::string(operation) + ": min_relative must be finite and >= 0, got " +
                                std::to_string(min_relative));
    if (parameter_only) return;
    const double threshold = min_relative * a_norm;
    if (!(smallest.first > threshold) || smallest.first == 0) {
        std::ostringstream s;
        s.precision(3);
        s << operation << ": the key's spectrum comes near zero: smallest |FFT(a)_f| = " << smallest.first
          << " at f = " << smallest.second << ", threshold min_relative * |a| = " << min_relative << " * "
          << a_norm << " = " << threshold
          << "; the exact inverse would amplify noise by 1/|FFT(a)_f| (use unbind, the correlation, "
             "or unitary atoms)";
        throw invalid_parameter(s.str());
    }
    // B / A = B conj(A) / |A|^2, written out (std::complex division calls __divdc3).
    for (std::size_t f = 0; f < w.fa.size(); ++f) {
        const double ar = w.fa[f].real(), ai = w.fa[f].imag(), br = w.fb[f].real(), bi = w.fb[f].imag();
        const double m2 = std::fma(ar, ar, ai * ai);
        w.fa[f] = {std::fma(br, ar, bi * ai) / m2, std::fma(bi, ar, -(br * ai)) / m2};
    }
}

/// out = s correlated with the convolution of every others[k] (spectrum S_f times the product of
/// conj(X_f) / unit over the others), n components each; the resonator's unbinding step.
template <class T>
void hrr_unbind_product(const T* s, const std::vector<const T*>& others, double unit, T* out,
                        std::size_t n) {
    if (n == 0) return;
    auto& w = hrr_thread_fft();
    w.reserve(n);
    w.forward(s, n, w.fa);
    for (const T* x : others) {
        w.forward(x, n, w.fb);
        for (std::size_t f = 0; f < w.fa.size(); ++f) {
            const std::complex<double> p = hrr_mul(w.fa[f], std::conj(w.fb[f]));
            w.fa[f] = {p.real() / unit, p.imag() / unit};
        }
    }
    w.inverse_into(out, n, "unbind");
}

/// x <- the unitary vector nearest x, times scale: every bin X_f replaced by scale * X_f / |X_f|
/// (a zero bin by scale); the resonator's cleanup, Plate's unitary projection.
template <class T>
void hrr_unitary_projection(T* x, std::size_t n, double scale) {
    if (n == 0) return;
    auto& w = hrr_thread_fft();
    w.reserve(n);
    w.forward(x, n, w.fa);
    for (auto& z : w.fa) {
        const double m = hrr_modulus(z);
        const double r = scale / m;
        z = m > 0 ? std::complex<double>(z.real() * r, z.imag() * r) : std::complex<double>(scale, 0.0);
    }
    w.inverse_into(x, n, "unitary projection");
}

}  // namespace detail

/// Circular convolution c_j = sum over k of a_k b_(j-k mod D), through the FFT in double:
/// commutative, associative, bilinear (binding a bundle binds each member). O(D log D).
template <std::size_t D, class T>
hrr<D, T> bind(const hrr<D, T>& a, const hrr<D, T>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(a.dim());
    detail::hrr_spectral(a.data(), b.data(), detail::storage_access::data(out), a.dim(),
                         detail::hrr_spectral_op::convolve, detail::hrr_thread_fft(), "bind");
    return out;
}

/// Plate's approximate inverse: the circular correlation of c with a, (a# conv c)_j = sum over k
/// of a_k c_(j+k mod D). For Normal atoms unbind(bind(a, b), a) has cosine ~1/sqrt(2) with b
/// (see the header comment); for unitary atoms it is b up to rounding.
template <std::size_t D, class T>
hrr<D, T> unbind(const hrr<D, T>& c, const hrr<D, T>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(c.dim());
    detail::hrr_spectral(a.data(), c.data(), detail::storage_access::data(out), c.dim(),
                         detail::hrr_spectral_op::correlate, detail::hrr_thread_fft(), "unbind");
    return out;
}

/// The involution a#_i = a_(-i mod D) (Plate's approximate inverse as a vector): bind(c,
/// involution(a)) equals unbind(c, a) up to rounding. Exact, no transform.
template <std::size_t D, class T>
hrr<D, T> involution(const hrr<D, T>& a) {
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(a.dim());
    T* o = detail::storage_access::data(out);
    const std::size_t n = a.dim();
    for (std::size_t i = 0; i < n; ++i) o[i] = a[(n - i) % n];
    return out;
}

/// The smallest |FFT(a)_f| over the frequencies f (the conditioning of a as a key: the exact
/// inverse amplifies noise by its reciprocal). |a| is the root mean square of |FFT(a)_f|.
/// Throws invalid_dimension for an empty vector (it has no frequencies).
template <std::size_t D, class T>
double min_spectrum_modulus(const hrr<D, T>& a) {
    if (a.dim() == 0) throw invalid_dimension("min_spectrum_modulus: an empty vector has no spectrum");
    auto& w = detail::hrr_thread_fft();
    w.reserve(a.dim());
    w.forward(a.data(), a.dim(), w.fa);
    return detail::hrr_min_modulus(w).first;
}

/// The exact unbinding c conv a^-1: spectrum C_f / A_f, so unbind_exact(bind(a, b), a) is b up
/// to rounding for any key whose spectrum stays away from zero. Throws invalid_parameter naming
/// the smallest |FFT(a)_f| and the threshold unless every |FFT(a)_f| > min_relative * |a| (|a|
/// is their root mean square; the default 1e-4 refuses a Normal atom of dimension D with
/// probability about D/2 * 1e-8 + 0.8e-4 per real bin (f = 0, and D/2 for even D): 1.7e-4 at
/// D = 1,024, 2.1e-4 at D = 10,000; see detail::hrr_default_min_relative), and for min_relative
/// negative or not finite; dimension_mismatch. Empty vectors give the empty vector.
template <std::size_t D, class T>
hrr<D, T> unbind_exact(const hrr<D, T>& c, const hrr<D, T>& a,
                       double min_relative = detail::hrr_default_min_relative) {
    detail::check_same_dim("unbind_exact", c.dim(), a.dim());
    const std::size_t n = c.dim();
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(n);
    if (n == 0) {
        detail::hrr_divide_checked({0.0, 0}, 0.0, min_relative, detail::hrr_thread_fft(), "unbind_exact", true);
        return out;
    }
    auto& w = detail::hrr_thread_fft();
    w.reserve(n);
    w.forward_pair(a.data(), c.data(), n);
    detail::hrr_divide_checked(detail::hrr_min_modulus(w), norm(a), min_relative, w, "unbind_exact");
    w.inverse_into(detail::storage_access::data(out), n, "unbind_exact");
    return out;
}

/// The exact inverse a^-1 (spectrum 1 / A_f): bind(a, exact_inverse(a)) is the identity of
/// convolution (1, 0, ..., 0) up to rounding. Same guard and errors as unbind_exact.
template <std::size_t D, class T>
hrr<D, T> exact_inverse(const hrr<D, T>& a, double min_relative = detail::hrr_default_min_relative) {
    const std::size_t n = a.dim();
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(n);
    if (n == 0) {
        detail::hrr_divide_checked({0.0, 0}, 0.0, min_relative, detail::hrr_thread_fft(), "exact_inverse", true);
        return out;
    }
    auto& w = detail::hrr_thread_fft();
    w.reserve(n);
    w.forward(a.data(), n, w.fa);
    for (auto& z : w.fb) z = 1.0;
    detail::hrr_divide_checked(detail::hrr_min_modulus(w), norm(a), min_relative, w, "exact_inverse");
    w.inverse_into(detail::storage_access::data(out), n, "exact_inverse");
    return out;
}

/// Frees the calling thread's HRR workspace (FFT plans and buffers, see the header comment); the
/// next transform on this thread builds it again. Other threads' workspaces are untouched.
inline void release_hrr_workspace() noexcept { detail::hrr_thread_fft().release(); }

/// A random unitary HRR atom: every |FFT(a)_f| = 1 (so |a| = 1 and unbind is the exact inverse),
/// phases uniform and independent. Draws from gen: one 64-bit word for the signs of the real
/// bins (f = 0, and f = D/2 for even D: bits 0 and 1), then for f = 1, 2, ... up to (D-1)/2 two
/// rng::normal() deviates (x, y), the phase of bin f being that of x + iy (uniform, no
/// trigonometric function needed); the conjugate bins follow. The vector is the inverse
/// transform, rounded to T. With dim defaulting to D (required for hdc::dynamic).
template <hrr_vector V>
V random_unitary(rng& gen, std::size_t dim = V::extent) {
    const std::size_t n = V::checked_dim(dim);
    auto& w = detail::hrr_thread_fft();
    w.reserve(n);
    const std::uint64_t signs = gen();
    w.fa[0] = (signs & 1) ? -1.0 : 1.0;
    for (std::size_t f = 1; 2 * f < n; ++f) {
        double x = 0, y = 0, r = 0;
        while (!(r > 0)) {  // a zero pair has no phase (probability ~2^-100)
            x = gen.normal();
            y = gen.normal();
            r = std::sqrt(std::fma(x, x, y * y));  // explicit: the same bits under any -ffp-contract
        }
        w.fa[f] = {x / r, y / r};
    }
    if (n % 2 == 0) w.fa[n / 2] = (signs & 2) ? -1.0 : 1.0;
    auto out = detail::storage_access::for_overwrite<V>(n);
    w.inverse_into(detail::storage_access::data(out), n, "random_unitary");
    return out;
}

/// The unitary atom of a name under a seed (as hdc::symbol, from the same stream).
template <hrr_vector V>
V symbol_unitary(std::string_view name, std::uint64_t seed, std::size_t dim = V::extent) {
    rng gen = rng::from_key(detail::symbol_key(detail::hash_name(name), seed));
    return random_unitary<V>(gen, dim);
}

}  // namespace hdc
