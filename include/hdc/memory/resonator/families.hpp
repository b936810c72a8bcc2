// hdc/memory/resonator/families.hpp - the family-specific steps of a resonator network.
//
// The resonator loop (resonator.hpp) is written once; what differs between families is small and
// lives here, one specialisation of resonator_family<V> per supported family:
//   scalar                    the working number type of the dense image (float or complex)
//   width(shape), scale(shape) the dense image's length N and the similarity of a vector with
//                             itself (N for dense codes, B for sparse block codes)
//   dense(v, out)             v's dense image (the codebook columns and the composite)
//   unbind(s, others, u)      u = s unbound by the product of the other estimates
//   project(x)                the cleanup nonlinearity applied to X * w
//   random_state(gen, x)      a fresh start for a restart
//   readout(dot)              the value whose magnitude ranks a codevector against an estimate;
//                             negative only where a sign flip is meaningful (bipolar)
//   packed_backend            optional: a codebook type whose similarities and projections are
//                             exact integer kernels (bipolar: packed sign bits, see
//                             packed_codebook.hpp); the network uses it for the rules whose
//                             states stay +-1 (classic without OLS, stochastic)
//
// Supported families and why:
//   bipolar (MAP-B)   Frady et al. 2020: unbind by elementwise product, cleanup sgn(X X^T u), sgn(0) = +1.
//   phasor (FHRR)     Frady et al. 2020 (complex resonator): unbind by multiplying with conjugates,
//                     cleanup by projecting every component of X X^H u onto the unit circle.
//   sparse block codes the block-code factorizer of Hersche et al. ("Factorizers for distributed
//                     sparse block codes", 2024) for its algebra: unbinding is block-wise circular
//                     correlation with the block-wise circular convolution of the other estimates
//                     (exact index subtraction for one-hot blocks), similarities are dot products
//                     with the dense one-hot codebook. Its cleanup differs: where that paper keeps
//                     dense, thresholded, L1-normalised blocks, the classic rule here takes the
//                     block-wise winner-take-all of X * w (the sparse accumulator's own rule, the
//                     analogue of sgn), because the linear rule with L1 normalisation does not
//                     sharpen (measured: 4 of 10 small problems). Its threshold activation is the
//                     stochastic rule (threshold, top-a).
//   hrr (unitary)     the FHRR resonator seen through the Fourier transform: a unitary HRR vector
//                     is a phasor vector (with conjugate-symmetric phases) in the frequency
//                     domain, and the codebook projection X X^T u is the same in both domains
//                     (Parseval). Unbinding is correlation with the convolution of the other
//                     estimates, cleanup the unitary projection (every |FFT_f| set to 1). Meant
//                     for codebooks of unitary atoms (hdc::random_unitary); Normal atoms make the
//                     unbinding approximate (1/sqrt(2) per factor) and converge less often.
//   mcr, cgr          the phasor resonator (complex) on the phasors e^{2 pi i a / Q} of the modular
//                     codes (their binding is FHRR's restricted to Q-th roots of unity), with the
//                     cleanup projecting every component of X X^H u onto the nearest Q-th root, so
//                     the estimates stay codes of the family.
// Not supported: binary (BSC) is the same algebra as bipolar (convert with to_bipolar); real
// (MAP-C) unbinds approximately by multiplication, whose cleanup needs a different analysis; VTB
// does not commute (no order-free "unbind the others") and unbinds by the transpose, which loses
// signal (its exact inverse is ill-conditioned, models/vtb.hpp); MBAT binds by
// matrix multiplication, which does not commute, so "unbind the other factors" has no
// single order-free form; sparse_binary binds by a shift chosen by a hash of the key, so
// unbinding by a superposition of candidate keys gives an unrelated shift. Instantiating
// resonator<V> for them fails with a static_assert.
#pragma once

#include "../../models/eigen_core.hpp"

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstring>
#include <vector>

#include "../../core/rng.hpp"
#include "../../models/bipolar.hpp"
#include "../../models/hrr.hpp"
#include "../../models/modular.hpp"
#include "../../models/phasor.hpp"
#include "../../models/sparse.hpp"
#include "packed_codebook.hpp"

namespace hdc {

/// The family-specific steps of a resonator network; specialised for each supported family.
template <class V>
struct resonator_family {
    /// False for families without a resonator (see the header comment).
    static constexpr bool supported = false;
};

/// MAP-B bipolar: real states, elementwise unbinding, sign cleanup.
template <std::size_t D>
struct resonator_family<bipolar<D>> {
    static constexpr bool supported = true;
    using vector_type = bipolar<D>;
    using scalar = float;
    using shape_type = std::size_t;
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;
    /// +-1 codebooks as sign bits: popcount similarities, int32 projections.
    using packed_backend = packed_sign_codebook;

    static std::size_t width(shape_type n) noexcept { return n; }
    static double scale(shape_type n) noexcept { return static_cast<double>(n); }
    /// The components as +-1.0f.
    static void dense(const vector_type& v, scalar* out) noexcept {
        for (std::size_t i = 0; i < v.dim(); ++i) out[i] = static_cast<scalar>(v[i]);
    }
    /// u = s * prod(others), elementwise (every bipolar vector is its own inverse).
    static void unbind(const vec& s, const std::vector<const vec*>& others, vec& u, shape_type) {
        u = s;
        for (const vec* x : others) u.array() *= x->array();
    }
    /// sgn with sgn(0) = +1 (the reference code's tie rule).
    static void project(vec& x, shape_type) noexcept {
        for (auto& c : x) c = c < 0 ? scalar(-1) : scalar(1);
    }
    /// Fair random signs.
    static void random_state(rng& gen, vec& x, shape_type) {
        for (auto& c : x) c = (gen() >> 63) ? scalar(-1) : scalar(1);
    }
    /// Signed: a negative best match means the estimate is the codevector's negation.
    static double readout(scalar dot) noexcept { return static_cast<double>(dot); }
    /// The real score of a similarity (it is real already).
    static double real_part(scalar a) noexcept { return static_cast<double>(a); }
};

/// FHRR phasors: complex states, unbinding by conjugates, phase projection.
template <std::size_t D>
struct resonator_family<phasor<D>> {
    static constexpr bool supported = true;
    using vector_type = phasor<D>;
    using scalar = std::complex<float>;
    using shape_type = std::size_t;
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;

    static std::size_t width(shape_type n) noexcept { return n; }
    static double scale(shape_type n) noexcept { return static_cast<double>(n); }
    static void dense(const vector_type& v, scalar* out) noexcept {
        for (std::size_t i = 0; i < v.dim(); ++i) out[i] = v[i];
    }
    /// u = s * prod(conj(others)), elementwise.
    static void unbind(const vec& s, const std::vector<const vec*>& others, vec& u, shape_type) {
        u = s;
        for (const vec* x : others) u.array() *= x->array().conjugate();
    }
    /// z / |z| per component; a zero component becomes 1.
    static void project(vec& x, shape_type) noexcept {
        for (auto& c : x) {
            const float m = std::abs(c);
            c = m > 0 ? c / m : scalar(1.0f, 0.0f);
        }
    }
    /// Uniform random phases (the model's own generator).
    static void random_state(rng& gen, vec& x, shape_type n) {
        dense(vector_type::random(gen, n), x.data());
    }
    /// A global phase is a symmetry (rotations of the factors that cancel): rank by modulus.
    static double readout(scalar dot) noexcept { return static_cast<double>(std::abs(dot)); }
    static double real_part(scalar a) noexcept { return static_cast<double>(a.real()); }
};

/// Sparse block codes: dense non-negative blocks, block-wise circular (de)convolution, L1
/// normalisation per block (the block-code factorizer).
template <std::size_t B, std::size_t L>
struct resonator_family<sparse<B, L>> {
    static constexpr bool supported = true;
    using vector_type = sparse<B, L>;
    using scalar = float;
    using shape_type = sparse_shape;
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;

    static std::size_t width(shape_type s) noexcept { return s.blocks * s.length; }
    static double scale(shape_type s) noexcept { return static_cast<double>(s.blocks); }
    /// One-hot blocks.
    static void dense(const vector_type& v, scalar* out) noexcept {
        const std::size_t len = v.block_length();
        std::memset(out, 0, v.dim() * sizeof(scalar));
        for (std::size_t b = 0; b < v.blocks(); ++b) out[b * len + v[b]] = 1.0f;
    }
    /// y = block-wise circular convolution of the others; u = block-wise circular correlation
    /// of s with y: u_b[j] = sum_k s_b[k] y_b[(k - j) mod L], which for one-hot blocks is exact
    /// unbinding (index subtraction).
    static void unbind(const vec& s, const std::vector<const vec*>& others, vec& u, shape_type sh) {
        const std::size_t len = sh.length, n = width(sh);
        vec y = vec::Zero(static_cast<Eigen::Index>(n));
        for (std::size_t b = 0; b < sh.blocks; ++b) y[static_cast<Eigen::Index>(b * len)] = 1.0f;
        vec t(static_cast<Eigen::Index>(n));
        for (const vec* x : others) {
            t.setZero();
            for (std::size_t b = 0; b < sh.blocks; ++b) {
                const scalar* yb = y.data() + b * len;
                const scalar* xb = x->data() + b * len;
                scalar* tb = t.data() + b * len;
                for (std::size_t i = 0; i < len; ++i) {
                    if (yb[i] == 0) continue;
                    for (std::size_t j = 0; j < len; ++j) {
                        const std::size_t k = i + j < len ? i + j : i + j - len;
                        tb[k] += yb[i] * xb[j];
                    }
                }
            }
            y.swap(t);
        }
        u.setZero();
        for (std::size_t b = 0; b < sh.blocks; ++b) {
            const scalar* sb = s.data() + b * len;
            const scalar* yb = y.data() + b * len;
            scalar* ub = u.data() + b * len;
            for (std::size_t k = 0; k < len; ++k) {
                if (sb[k] == 0) continue;
                for (std::size_t j = 0; j < len; ++j) {
                    const std::size_t m = k >= j ? k - j : k + len - j;
                    ub[j] += sb[k] * yb[m];
                }
            }
        }
    }
    /// Block-wise winner-take-all: each block becomes one-hot at its largest entry (the lowest
    /// index among equal ones), so estimates stay valid codes, as sgn keeps bipolar ones.
    static void project(vec& x, shape_type sh) noexcept {
        const std::size_t len = sh.length;
        for (std::size_t b = 0; b < sh.blocks; ++b) {
            scalar* xb = x.data() + b * len;
            std::size_t best = 0;
            for (std::size_t j = 1; j < len; ++j)
                if (xb[j] > xb[best]) best = j;
            for (std::size_t j = 0; j < len; ++j) xb[j] = j == best ? 1.0f : 0.0f;
        }
    }
    /// A random one-hot code (a random codevector-like start).
    static void random_state(rng& gen, vec& x, shape_type sh) {
        dense(vector_type::random(gen, sh), x.data());
    }
    static double readout(scalar dot) noexcept { return static_cast<double>(dot); }
    static double real_part(scalar a) noexcept { return static_cast<double>(a); }
};

/// HRR with unitary codebooks: real states scaled by sqrt(D) (components of order 1, so that,
/// as for the other dense families, a vector's similarity with itself is D), unbinding by
/// correlation with the convolution of the others, unitary projection as cleanup.
template <std::size_t D, class T>
struct resonator_family<hrr<D, T>> {
    static constexpr bool supported = true;
    using vector_type = hrr<D, T>;
    using scalar = float;
    using shape_type = std::size_t;
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;

    static std::size_t width(shape_type n) noexcept { return n; }
    static double scale(shape_type n) noexcept { return static_cast<double>(n); }
    /// sqrt(D) times the components.
    static void dense(const vector_type& v, scalar* out) noexcept {
        const double s = std::sqrt(static_cast<double>(v.dim()));
        for (std::size_t i = 0; i < v.dim(); ++i) out[i] = static_cast<scalar>(s * v[i]);
    }
    /// u = s correlated with the convolution of the others (each spectrum divided by sqrt(D),
    /// the modulus of a scaled unitary state's bins).
    static void unbind(const vec& s, const std::vector<const vec*>& others, vec& u, shape_type n) {
        std::vector<const scalar*> ptrs;
        for (const vec* x : others) ptrs.push_back(x->data());
        detail::hrr_unbind_product(s.data(), ptrs, std::sqrt(static_cast<double>(n)), u.data(), n);
    }
    /// The nearest unitary vector, scaled by sqrt(D).
    static void project(vec& x, shape_type n) {
        detail::hrr_unitary_projection(x.data(), n, std::sqrt(static_cast<double>(n)));
    }
    /// A random unitary atom.
    static void random_state(rng& gen, vec& x, shape_type n) {
        dense(random_unitary<hrr<dynamic, T>>(gen, n), x.data());
    }
    /// Signed, as for bipolar: (-a) (*) (-b) = a (*) b, so a negative best match is the negation.
    static double readout(scalar dot) noexcept { return static_cast<double>(dot); }
    /// The real score of a similarity (real states: it is real already).
    static double real_part(scalar a) noexcept { return static_cast<double>(a); }
};

/// Modular phase codes (MCR, CGR): the complex resonator on Q-th roots of unity.
template <std::size_t D, std::size_t Q, modular_rule R>
struct resonator_family<modular_vector<D, Q, R>> {
    static constexpr bool supported = true;  ///< bind is exactly invertible: the resonator applies
    using vector_type = modular_vector<D, Q, R>;  ///< the family
    using scalar = std::complex<float>;            ///< one phasor
    using shape_type = std::size_t;                ///< the dimension
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;  ///< a dense estimate

    /// Dense entries per vector: one phasor per component.
    static std::size_t width(shape_type n) noexcept { return n; }
    /// |<v, v>| of a vector: the dimension (unit phasors).
    static double scale(shape_type n) noexcept { return static_cast<double>(n); }
    /// The phasors e^{2 pi i a / Q} (from the family's phase table).
    static void dense(const vector_type& v, scalar* out) {
        const auto& t = detail::phases<Q>();
        for (std::size_t i = 0; i < v.dim(); ++i)
            out[i] = scalar(static_cast<float>(t.cos[v[i]]), static_cast<float>(t.sin[v[i]]));
    }
    /// u = s * prod(conj(others)), elementwise.
    static void unbind(const vec& s, const std::vector<const vec*>& others, vec& u, shape_type) {
        u = s;
        for (const vec* x : others) u.array() *= x->array().conjugate();
    }
    /// Every component onto the nearest Q-th root of unity; a zero component becomes 1.
    static void project(vec& x, shape_type) {
        const auto& t = detail::phases<Q>();
        for (auto& c : x) {
            if (c == scalar(0.0f, 0.0f)) {
                c = scalar(1.0f, 0.0f);
                continue;
            }
            const std::uint16_t k = detail::nearest_phase(static_cast<double>(c.real()),
                                                          static_cast<double>(c.imag()), Q, t);
            c = scalar(static_cast<float>(t.cos[k]), static_cast<float>(t.sin[k]));
        }
    }
    /// Uniform random phases (the model's own generator).
    static void random_state(rng& gen, vec& x, shape_type n) {
        dense(vector_type::random(gen, n), x.data());
    }
    /// A global phase is a symmetry (rotations of the factors that cancel): rank by modulus.
    static double readout(scalar dot) noexcept { return static_cast<double>(std::abs(dot)); }
    /// The real part of an inner product (the similarity's numerator).
    static double real_part(scalar a) noexcept { return static_cast<double>(a.real()); }
};

}  // namespace hdc
