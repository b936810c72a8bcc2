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
// Transforms. Convolution goes through Eigen's FFT module (unsupported/Eigen/FFT, kissfft
// backend, part of Eigen): two real forward transforms, a product of half spectra and one real
// inverse. Float vectors are transformed in double, then rounded once: the transform's rounding
// (~1e-16 relative) then stays far below float's, so the bits of a float result do not depend on
// how the FFT rounds (a rounding difference flips a float result only with probability ~1e-9 per
// component), and unbinding with unitary atoms stays at float precision.
// Time O(D log D) for every D: kissfft's mixed-radix transform when D's prime factors are at most
// 100 (D = 10,000 = 2^4 5^4, 1,024, 1,001 = 7 11 13); Bluestein's chirp-z algorithm (power-of-two
// transforms of length >= 2D - 1) when a prime factor is larger, where kissfft's butterfly would
// cost O(p) per output: 6.8 ms per binding at the prime D = 10,007 against 0.22 ms at 10,000, and
// about 0.5 s with kissfft alone (bench/RESULTS.md).
// Threads: Eigen's FFT object caches its plans in mutable state, so each thread keeps its own
// (thread_local), and bind and unbind are safe to call from any number of threads. A plan built
// for every call instead costs its twiddle factors' sines and cosines each time: 1.6x the time
// at D = 10,000 (bench/RESULTS.md). Results are deterministic on a given build; the transform is
// scalar code whose rounding may differ between compilers or with and without fused
// multiply-add, so HRR bindings in double may differ in the last bits between machines.
//
// Generic use. HRR works with every generic encoder and memory and with the file format
// (io/serialize.hpp). Convolution is shift-equivariant: permute(bind(a, b), k) =
// bind(permute(a, k), b), so permutation does not distribute over binding the way the elementwise
// families' does (bind(permute(a, k), permute(b, k)) is the binding shifted by 2k). The resonator
// (memory/resonator/families.hpp) factors HRR composites of unitary atoms, where unbinding is
// exact; with Normal atoms every unbinding loses the 1/sqrt(2) above, and it converges less often.
#pragma once

#include "eigen_core.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <unsupported/Eigen/FFT>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "normal_atoms.hpp"

namespace hdc {

/// The tag of holographic reduced representations (see normal_vector).
struct hrr_family {
    static constexpr const char* name = "hrr";
    static constexpr const char* rule = "HRR accepts any positive dimension";
    static constexpr bool accepts(std::size_t) noexcept { return true; }
    static constexpr const char* add_operation = "hrr_accumulator::add";
    static constexpr const char* merge_operation = "hrr_accumulator::merge";
    static constexpr const char* scale_operation = "hrr_accumulator::scale";
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

/// Default threshold of the exact inverse, relative to the root mean square of |A_f| (= |a|):
/// a Normal atom of dimension D has a bin below it with probability about D/2 * 1e-8.
inline constexpr double hrr_default_min_relative = 1e-4;

/// The largest prime factor of n >= 1 (1 for n = 1), by trial division: O(sqrt(n)).
inline std::size_t largest_prime_factor(std::size_t n) noexcept {
    std::size_t largest = 1;
    for (std::size_t p = 2; p * p <= n; ++p)
        while (n % p == 0) {
            largest = p;
            n /= p;
        }
    return n > 1 ? n : largest;
}

/// Prime factors above this are transformed by Bluestein's algorithm: kissfft's butterfly for a
/// prime p costs O(p) per output, Bluestein's two power-of-two transforms of length >= 2n - 1 a
/// few hundred operations per output (measured at n = 10,007: 2.7 ms per real transform against
/// 173 ms for kissfft alone).
inline constexpr std::size_t hrr_bluestein_above = 100;

/// An FFT (plans cached by size) and the buffers of one binding, in double. Not thread-safe:
/// each thread uses its own (hrr_thread_fft).
struct hrr_fft {
    using complex = std::complex<double>;
    Eigen::FFT<double> fft{Eigen::FFT<double>::impl_type(), Eigen::FFT<double>::HalfSpectrum};
    std::vector<double> x;        // real input / output, n values
    std::vector<complex> fa, fb;  // half spectra, n / 2 + 1 bins

    /// Bluestein's chirp-z plan of a length n with a large prime factor: the chirp
    /// w_m = exp(i pi m^2 / n) (m^2 reduced mod 2n exactly, so the angle stays below 2 pi) and the
    /// transform of the padded chirp, of power-of-two length m2 >= 2n - 1.
    struct bluestein_plan {
        std::size_t m2 = 0;
        std::vector<complex> chirp, chirp_spectrum;
    };
    std::map<std::size_t, bluestein_plan> bluestein;
    std::vector<complex> work, full;  // m2 values; n values

    /// Sizes the buffers for dimension n.
    void reserve(std::size_t n) {
        x.resize(n);
        fa.resize(n / 2 + 1);
        fb.resize(n / 2 + 1);
    }

    /// The plan of length n, made on first use.
    const bluestein_plan& bluestein_for(std::size_t n) {
        bluestein_plan& p = bluestein[n];
        if (p.m2 == 0) {
            std::size_t m2 = 1;
            while (m2 < 2 * n - 1) m2 *= 2;
            p.chirp.resize(n);
            const double pi = 3.141592653589793238462643383279502884;
            for (std::size_t m = 0; m < n; ++m) {
                // m < 2^32 (hdc::max_dimension): m^2 is exact in 64 bits.
                const std::uint64_t r = (std::uint64_t{m} * m) % (2 * std::uint64_t{n});
                const double angle = pi * static_cast<double>(r) / static_cast<double>(n);
                p.chirp[m] = {std::cos(angle), std::sin(angle)};
            }
            std::vector<complex> b(m2, complex(0.0, 0.0));
            b[0] = p.chirp[0];
            for (std::size_t m = 1; m < n; ++m) b[m] = b[m2 - m] = p.chirp[m];
            p.chirp_spectrum.resize(m2);
            fft.fwd(p.chirp_spectrum.data(), b.data(), static_cast<Eigen::Index>(m2));
            p.m2 = m2;
        }
        return p;
    }

    /// full[0..n) = the DFT of full[0..n) (sum_j x_j e^(-2 pi i j k / n)) by Bluestein:
    /// X_k = conj(w_k) sum_j x_j conj(w_j) w_(k-j), the sum a circular convolution of length m2.
    void bluestein_dft(std::size_t n) {
        const bluestein_plan& p = bluestein_for(n);
        work.assign(p.m2, complex(0.0, 0.0));
        for (std::size_t j = 0; j < n; ++j) work[j] = full[j] * std::conj(p.chirp[j]);
        scratch.resize(p.m2);
        fft.fwd(scratch.data(), work.data(), static_cast<Eigen::Index>(p.m2));
        for (std::size_t k = 0; k < p.m2; ++k) scratch[k] *= p.chirp_spectrum[k];
        fft.inv(work.data(), scratch.data(), static_cast<Eigen::Index>(p.m2));
        for (std::size_t k = 0; k < n; ++k) full[k] = work[k] * std::conj(p.chirp[k]);
    }
    std::vector<complex> scratch;  // Bluestein's spectrum

    /// The half spectrum of n components of a (rounded to double exactly).
    template <class T>
    void forward(const T* a, std::size_t n, std::vector<complex>& out) {
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(a[i]);
        if (n == 1) {  // kissfft has no plan of length 1; that transform is the identity
            out[0] = x[0];
        } else if (largest_prime_factor(n) > hrr_bluestein_above) {
            full.assign(x.begin(), x.end());
            bluestein_dft(n);
            std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n / 2 + 1), out.begin());
        } else {
            fft.fwd(out.data(), x.data(), static_cast<Eigen::Index>(n));
        }
    }
    /// out = the inverse transform of the half spectrum fa (scaled by 1/n), rounded to T; throws
    /// non_finite_value naming `operation` if a component does not fit T.
    template <class T>
    void inverse_into(T* out, std::size_t n, const char* operation) {
        if (n == 1) {
            x[0] = fa[0].real();
        } else if (largest_prime_factor(n) > hrr_bluestein_above) {
            // x = Re conj(DFT(conj(X))) / n over the conjugate-symmetric full spectrum.
            full.resize(n);
            for (std::size_t k = 0; k <= n / 2; ++k) full[k] = std::conj(fa[k]);
            for (std::size_t k = n / 2 + 1; k < n; ++k) full[k] = fa[n - k];
            bluestein_dft(n);
            for (std::size_t i = 0; i < n; ++i) x[i] = full[i].real() / static_cast<double>(n);
        } else {
            fft.inv(x.data(), fa.data(), static_cast<Eigen::Index>(n));
        }
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = static_cast<T>(x[i]);
            if (!std::isfinite(out[i]))
                throw non_finite_value(std::string(operation) + ": component " + std::to_string(i) +
                                       " (" + std::to_string(x[i]) + ") does not fit the component type");
        }
    }
};

/// This thread's FFT workspace: Eigen's FFT caches plans in mutable state, so threads never
/// share one.
inline hrr_fft& hrr_thread_fft() {
    thread_local hrr_fft workspace;
    return workspace;
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
    w.reserve(n);
    w.forward(a, n, w.fa);
    w.forward(b, n, w.fb);
    const bool conjugate = op == hrr_spectral_op::correlate;
    for (std::size_t f = 0; f < w.fa.size(); ++f) {
        const double ar = w.fa[f].real(), ai = conjugate ? -w.fa[f].imag() : w.fa[f].imag();
        const double br = w.fb[f].real(), bi = w.fb[f].imag();
        w.fa[f] = {ar * br - ai * bi, ar * bi + ai * br};
    }
    w.inverse_into(out, n, operation);
}

/// The half spectrum of a in w.fa, and its smallest modulus and that bin.
template <class T>
std::pair<double, std::size_t> hrr_min_modulus(const T* a, std::size_t n, hrr_fft& w) {
    w.reserve(n);
    w.forward(a, n, w.fa);
    double smallest = std::abs(w.fa[0]);
    std::size_t at = 0;
    for (std::size_t f = 1; f < w.fa.size(); ++f)
        if (const double m = std::abs(w.fa[f]); m < smallest) {
            smallest = m;
            at = f;
        }
    return {smallest, at};
}

/// Divides the spectrum w.fb by the spectrum of a (left in w.fa by hrr_min_modulus), after
/// checking that every |A_f| exceeds min_relative * |a|; the quotient lands in w.fa.
inline void hrr_divide_checked(std::pair<double, std::size_t> smallest, double a_norm,
                               double min_relative, hrr_fft& w, const char* operation) {
    if (!std::isfinite(min_relative) || !(min_relative >= 0))
        throw invalid_parameter(std::string(operation) + ": min_relative must be finite and >= 0, got " +
                                std::to_string(min_relative));
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
    for (std::size_t f = 0; f < w.fa.size(); ++f) w.fa[f] = w.fb[f] / w.fa[f];
}

/// out = s correlated with the convolution of every others[k] (spectrum S_f times the product of
/// conj(X_f) / unit over the others), n components each; the resonator's unbinding step.
template <class T>
void hrr_unbind_product(const T* s, const std::vector<const T*>& others, double unit, T* out,
                        std::size_t n) {
    auto& w = hrr_thread_fft();
    w.reserve(n);
    w.forward(s, n, w.fa);
    for (const T* x : others) {
        w.forward(x, n, w.fb);
        for (std::size_t f = 0; f < w.fa.size(); ++f) w.fa[f] *= std::conj(w.fb[f]) / unit;
    }
    w.inverse_into(out, n, "unbind");
}

/// x <- the unitary vector nearest x, times scale: every bin X_f replaced by scale * X_f / |X_f|
/// (a zero bin by scale); the resonator's cleanup, Plate's unitary projection.
template <class T>
void hrr_unitary_projection(T* x, std::size_t n, double scale) {
    auto& w = hrr_thread_fft();
    w.reserve(n);
    w.forward(x, n, w.fa);
    for (auto& z : w.fa) {
        const double m = std::abs(z);
        z = m > 0 ? z * (scale / m) : std::complex<double>(scale, 0.0);
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
template <std::size_t D, class T>
double min_spectrum_modulus(const hrr<D, T>& a) {
    return detail::hrr_min_modulus(a.data(), a.dim(), detail::hrr_thread_fft()).first;
}

/// The exact unbinding c conv a^-1: spectrum C_f / A_f, so unbind_exact(bind(a, b), a) is b up
/// to rounding for any key whose spectrum stays away from zero. Throws invalid_parameter naming
/// the smallest |FFT(a)_f| and the threshold unless every |FFT(a)_f| > min_relative * |a| (|a|
/// is their root mean square; the default 1e-4 refuses a Normal atom of dimension D with
/// probability about D * 5e-9), and for min_relative negative or not finite; dimension_mismatch.
template <std::size_t D, class T>
hrr<D, T> unbind_exact(const hrr<D, T>& c, const hrr<D, T>& a,
                       double min_relative = detail::hrr_default_min_relative) {
    detail::check_same_dim("unbind_exact", c.dim(), a.dim());
    auto& w = detail::hrr_thread_fft();
    const auto smallest = detail::hrr_min_modulus(a.data(), a.dim(), w);
    w.forward(c.data(), c.dim(), w.fb);
    detail::hrr_divide_checked(smallest, norm(a), min_relative, w, "unbind_exact");
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(c.dim());
    w.inverse_into(detail::storage_access::data(out), c.dim(), "unbind_exact");
    return out;
}

/// The exact inverse a^-1 (spectrum 1 / A_f): bind(a, exact_inverse(a)) is the identity of
/// convolution (1, 0, ..., 0) up to rounding. Same guard and errors as unbind_exact.
template <std::size_t D, class T>
hrr<D, T> exact_inverse(const hrr<D, T>& a, double min_relative = detail::hrr_default_min_relative) {
    auto& w = detail::hrr_thread_fft();
    const auto smallest = detail::hrr_min_modulus(a.data(), a.dim(), w);
    for (auto& z : w.fb) z = 1.0;
    detail::hrr_divide_checked(smallest, norm(a), min_relative, w, "exact_inverse");
    auto out = detail::storage_access::for_overwrite<hrr<D, T>>(a.dim());
    w.inverse_into(detail::storage_access::data(out), a.dim(), "exact_inverse");
    return out;
}

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
            r = std::sqrt(x * x + y * y);
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
