// hdc/models/mbat.hpp - MBAT (Matrix Binding of Additive Terms): dense real vectors bound by orthogonal operators.
//
// Vectors are dense real unit vectors; bundling is addition followed by L2 normalisation; binding
// multiplies by a random orthogonal D x D operator (a "role"), so it is linear (binding a sum binds
// every term), exactly invertible by the transpose, norm- and similarity-preserving through any
// depth of nesting, and non-commutative (Q_a Q_b != Q_b Q_a), which nested structures such as JSON
// documents need. Roles come in three kinds:
//   haar        a Haar-random dense matrix (QR of a Gaussian matrix with the sign fix): O(D^2)
//               storage and time per product, O(D^3) to create; reference quality.
//   structured  three rounds of random signed permutation + normalised Walsh-Hadamard transforms
//               covering every coordinate, then a final signed permutation: O(D) storage,
//               O(D log D) per product.
//   keyed       the operator of vector-vector binding, a continuous function of a key vector:
//               four layers, each a fixed signed permutation followed by D/2 disjoint Givens
//               rotations whose angles are the key's components (normalised, scaled): O(D) per
//               product, no matrix stored.
// Vector-vector binding (the model concept's bind(key, x)) applies the keyed role of key, so a key
// that is only close to the original (cosine c) still unbinds to about exp(-16 (1 - c)) of the
// bound vector: 0.85 at c = 0.99 (the table is in the for_key documentation).
#pragma once

#include "eigen_core.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../simd/floating.hpp"
#include "../simd/rotation.hpp"
#include "../simd/transform.hpp"
#include "common.hpp"
#include "element_wise.hpp"
#include "cosine_rows.hpp"
#include "sums.hpp"

namespace hdc {

template <std::size_t D, class T>
class mbat_accumulator;
template <std::size_t D, class T>
class mbat_role;

namespace detail {
/// The door to a role's parts for the file format (io/), which writes them and rebuilds a role
/// from validated parts; defined there.
struct mbat_role_access;
}  // namespace detail

/// How an MBAT role operator is built (see mbat_role).
enum class role_kind {
    haar,        ///< dense Haar-random orthogonal matrix (QR with sign fix)
    structured,  ///< signed permutations and Walsh-Hadamard transforms, O(D log D)
    keyed,       ///< Givens-rotation layers whose angles are a key vector's components, O(D)
};

namespace detail {

/// Throws non_finite_value naming the operation unless every value is finite.
template <class T>
void mbat_check_finite(const char* operation, std::span<const T> values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            throw non_finite_value(std::string(operation) + ": value at index " + std::to_string(i) +
                                   " is not finite (" + std::to_string(values[i]) + ")");
}

inline constexpr std::uint64_t role_domain = 0x726F6C652D6D6174ull;  // "role-mat"
inline constexpr std::uint64_t mbat_mixing_domain = 0x6D6261742D6D6978ull;  // "mbat-mix"

/// Layers of the keyed operator (even: the layers alternate between two buffers).
inline constexpr std::size_t key_layers = 4;
/// Standard deviation of a rotation angle: theta_i = key_angle_std * sqrt(D) * key_i / |key|.
/// A key at cosine c to the original changes each angle by a deviation of variance
/// 2 alpha^2 (1 - c), so each layer keeps a fraction exp(-alpha^2 (1 - c)) of the bound vector:
/// with L alpha^2 = 16, unbinding with such a key recovers about exp(-16 (1 - c)); independent
/// keys give exp(-16) ~ 1e-7, far below the 1/sqrt(D) noise.
inline constexpr double key_angle_std = 2.0;

/// The fixed signed permutation between the keyed operator's layers (gather form, as
/// simd::signed_permute takes it).
struct key_mixing {
    std::vector<std::uint32_t> index;
    std::vector<std::uint64_t> negate;
};

/// The fixed mixing permutation of dimension dim: a Fisher-Yates shuffle and sign bits drawn
/// from a library constant stream of that dimension, identical on every machine. Drawing one
/// costs about 0.15 ms at D = 10,000, so each is made once per dimension and kept (immutable,
/// shared) in a table guarded by a mutex: safe to call from any number of threads.
inline std::shared_ptr<const key_mixing> mbat_key_mixing(std::size_t dim) {
    static std::mutex lock;
    static std::unordered_map<std::size_t, std::shared_ptr<const key_mixing>> table;
    const std::lock_guard<std::mutex> guard(lock);
    auto& slot = table[dim];
    if (!slot) {
        auto m = std::make_shared<key_mixing>();
        rng gen = rng::from_key(make_key(mbat_mixing_domain, dim));
        m->index.resize(dim);
        for (std::size_t i = 0; i < dim; ++i) m->index[i] = static_cast<std::uint32_t>(i);
        for (std::size_t i = dim - 1; i > 0; --i)
            std::swap(m->index[i], m->index[static_cast<std::size_t>(gen.below(i + 1))]);
        m->negate.resize((dim + 63) / 64);
        gen.fill(m->negate);
        if (dim % 64) m->negate.back() &= (std::uint64_t{1} << (dim % 64)) - 1;
        slot = std::move(m);
    }
    return slot;
}

/// The gather-free mixing step of the structured operators, in place on x[0..n): H (p == n, a
/// power of two), or H2 F H1 with H1 / H2 the normalised Walsh-Hadamard transforms of the first /
/// last p components (p the largest power of two <= n: they overlap and cover every component)
/// and F the +-1 diagonal of flips (bit i set: negate component i); with transpose, H1 F H2.
/// mbat_role's structured operators alternate it with signed permutations; the soft JSON
/// encoder (encoders/json.hpp) with +-1 diagonals only. O(n log n), vector kernels only.
template <class T>
void structured_mix(T* x, std::size_t n, std::size_t p, const std::uint64_t* flips, bool transpose) noexcept {
    const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(p)));
    if (p == n) {
        simd::walsh_hadamard(x, p, scale);
        return;
    }
    T* first = transpose ? x + (n - p) : x;
    T* second = transpose ? x : x + (n - p);
    simd::walsh_hadamard(first, p, scale);
    simd::flip_signs(x, flips, n);
    simd::walsh_hadamard(second, p, scale);
}

}  // namespace detail

/// A dense real MBAT hypervector of dimension D (D may be hdc::dynamic), components of type T
/// (float or double). Atoms are isotropic random unit vectors. Invariant: every component is
/// finite.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic, class T = float>
class mbat : public vector_storage<D, T> {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc::mbat: the component type must be float or double");
    using base = vector_storage<D, T>;

public:
    using value_type = T;
    using accumulator_type = mbat_accumulator<D, T>;
    /// The orthogonal operators that bind vectors of this type.
    using role_type = mbat_role<D, T>;

    /// All-zero vector; for hdc::dynamic, an empty vector.
    mbat() : mbat(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit mbat(std::size_t dim) : mbat(detail::resolve_dim<D>(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) mbat(const mbat<E, T>& other) : base(other) {}

    /// The dimension (number of components; bits for binary).
    std::size_t dim() const noexcept { return base::dim(); }
    /// The components.
    std::span<const T> values() const noexcept { return base::part_span(); }
    /// Pointer to the components (64-byte aligned, readable up to padded_size(), padding zero).
    const T* data() const noexcept { return base::part(); }
    /// Component i. No bounds check.
    T operator[](std::size_t i) const noexcept { return data()[i]; }

    /// A vector with the given components (not normalised). dim defaults to D, or to
    /// values.size() when D is hdc::dynamic. Throws dimension_mismatch if the count differs from
    /// dim and non_finite_value for a NaN or infinite component.
    static mbat from_values(std::span<const T> values, std::size_t dim = D) {
        if (D == dynamic && dim == dynamic) dim = values.size();
        mbat v(dim);
        detail::check_same_dim("mbat::from_values", values.size(), v.dim());
        detail::mbat_check_finite("mbat::from_values", values);
        std::memcpy(v.mutable_part(), values.data(), values.size() * sizeof(T));
        return v;
    }

    /// An isotropic random unit vector: dim standard normal deviates from gen (rng::normal), each
    /// divided by their L2 norm. The norm's sum of squares is accumulated with explicit fma in
    /// double and every step is correctly rounded, so the result is bit-identical on every
    /// platform and for fixed or dynamic D.
    static mbat random(rng& gen, std::size_t dim = D) {
        mbat v(dim);
        std::vector<double> x(v.dim());
        for (auto& xi : x) xi = gen.normal();
        const double norm = std::sqrt(simd::real_dot(x.data(), x.data(), x.size()));
        T* out = v.mutable_part();
        for (std::size_t i = 0; i < x.size(); ++i) out[i] = static_cast<T>(x[i] / norm);
        return v;
    }

    friend bool operator==(const mbat& a, const mbat& b) noexcept { return a.same_as(b); }

private:
    friend struct detail::storage_access;
    struct nocheck {};
    mbat(std::size_t dim, nocheck) : base(dim, dim) {}
};

/// An orthogonal D x D operator Q that binds MBAT vectors: bind(role, v) = Q v,
/// unbind(c, role) = Q^T c = Q^{-1} c. Copyable value type; see role_kind for the kinds. Const
/// member functions may be called concurrently.
template <std::size_t D = dynamic, class T = float>
class mbat_role {
public:
    using vector_type = mbat<D, T>;
    using matrix_type = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

    /// A Haar-random orthogonal matrix: G with i.i.d. rng::normal() entries (filled column by
    /// column, in double), Householder QR G = QR, then column j of Q multiplied by sign(R_jj)
    /// (without this sign fix the distribution is not Haar). O(D^3) time once and D^2 stored
    /// values: meant for D up to a few thousand. The QR is Eigen's, so the matrix may differ in
    /// the last bits between builds for different instruction sets.
    static mbat_role haar(rng& gen, std::size_t dim = D) {
        mbat_role r(role_kind::haar, detail::resolve_dim<D>(dim));
        const auto n = static_cast<Eigen::Index>(r.dim());
        Eigen::MatrixXd g(n, n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < n; ++i) g(i, j) = gen.normal();
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
        Eigen::MatrixXd q = qr.householderQ();
        for (Eigen::Index j = 0; j < n; ++j)
            if (qr.matrixQR()(j, j) < 0) q.col(j) = -q.col(j);
        r.matrix_ = q.cast<T>();
        return r;
    }

    /// A structured orthogonal operator, O(D) storage and O(D log D) per product:
    ///   Q = S4 M3 S3 M2 S2 M1 S1,   M_k = H2 E_k H1,
    /// where S_k are random signed permutations, E_k random sign flips, and H1 / H2 the
    /// normalised Walsh-Hadamard transform (scaled by 1/sqrt(P)) of the block [0, P) / [D - P, D),
    /// P the largest power of two <= D; when D is a power of two M_k = H1 (the whole vector).
    /// Every coordinate lies in at least one block, so every round spreads every coordinate (the
    /// flips keep H2 from undoing the Walsh pattern H1 left on the overlap), and three rounds
    /// spread every column of Q: max |Q_ij| <= 3 sqrt(ln D / D), the bound a Haar-random matrix
    /// meets. Every factor is orthogonal, hence so is Q. Draws from gen, for S1..S4 in turn: a
    /// Fisher-Yates shuffle of the identity (rng::below(i + 1) for i = D-1 down to 1), then
    /// ceil(D/64) words of sign bits; then, when D is no power of two, ceil(D/64) words of sign
    /// bits for each of E1..E3.
    static mbat_role structured(rng& gen, std::size_t dim = D) {
        mbat_role r(role_kind::structured, detail::resolve_dim<D>(dim));
        const std::size_t n = r.dim();
        r.block_ = std::size_t{1} << (std::bit_width(n) - 1);
        for (auto& s : r.perms_) {
            s.index.resize(n);
            for (std::size_t i = 0; i < n; ++i) s.index[i] = static_cast<std::uint32_t>(i);
            for (std::size_t i = n - 1; i > 0; --i)
                std::swap(s.index[i], s.index[static_cast<std::size_t>(gen.below(i + 1))]);
            s.negate.resize((n + 63) / 64);
            gen.fill(s.negate);
            if (n % 64) s.negate.back() &= (std::uint64_t{1} << (n % 64)) - 1;
        }
        if (r.block_ != n)
            for (auto& e : r.flips_) {
                e.resize((n + 63) / 64);
                gen.fill(e);
            }
        return r;
    }

    /// The role of a name under a seed, generated like hdc::symbol (same name, seed, dim and kind
    /// give the same operator on any machine, up to the caveat of haar()).
    /// Throws invalid_parameter for role_kind::keyed (keyed roles come from vectors: for_key).
    static mbat_role from_symbol(std::string_view name, std::uint64_t seed, std::size_t dim = D,
                                 role_kind kind = role_kind::structured) {
        if (kind == role_kind::keyed)
            throw invalid_parameter("mbat_role::from_symbol: role_kind::keyed roles are made from a key "
                                    "vector by mbat_role::for_key");
        // A stream of its own: the role named k must not be built from the draws of the atom k.
        rng gen = rng::from_key(detail::symbol_key(detail::hash_name(name) ^ detail::role_domain, seed));
        return kind == role_kind::haar ? haar(gen, dim) : structured(gen, dim);
    }

    /// The keyed role R(key) that the vector-vector bind(key, x) applies to x; compute it once
    /// to bind many vectors with one key. R = G4 P G3 P G2 P G1 P: P is a fixed signed
    /// permutation of dimension D (the same for every key, drawn once from a library constant
    /// stream), and G_l rotates the pairs (y_j, y_{j+h}), j < h = floor(D/2), by the angles
    /// theta_{o+j}, o = 0 in layers 1 and 3 and h in layers 2 and 4, where
    ///   theta_i = 2 sqrt(D) key_i / |key|
    /// (so the scale of key does not matter, -0.0 and +0.0 give the same angle, and a zero key
    /// gives R = P^4). Sines and cosines come from simd::sin_cos (portable, bit-identical
    /// everywhere). Orthogonal, so unbinding with the exact key is exact up to rounding, and a
    /// continuous function of the key's direction: unbinding with a key at cosine c recovers
    /// about exp(-16 (1 - c)) of the bound vector (c = 0.999: 0.98, 0.99: 0.85, 0.98: 0.73,
    /// 0.95: 0.45, 0.9: 0.20, 0.8: 0.04, 0.5 and below: noise). O(D) to build and to apply.
    static mbat_role for_key(const vector_type& key) {
        mbat_role r(role_kind::keyed, key.dim());
        const std::size_t n = key.dim();
        double length = std::sqrt(simd::real_dot(key.data(), key.data(), n));
        // Far from 1 the squares may have under- or overflowed (double keys only): measure the
        // key in units of its largest |component| instead, so every nonzero key has a length.
        double unit = 1.0;
        if (!(length > 1e-140 && length < 1e140)) {
            double largest = 0;
            for (std::size_t i = 0; i < n; ++i)
                largest = std::fmax(largest, std::fabs(static_cast<double>(key[i])));
            if (largest > 0) {
                double squares = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const double x = static_cast<double>(key[i]) / largest;
                    squares = std::fma(x, x, squares);
                }
                length = std::sqrt(squares);
                unit = largest;
            }
        }
        const double scale =
            length > 0 ? detail::key_angle_std * std::sqrt(static_cast<double>(n)) / length / unit
                       : 0.0;
        std::vector<double> theta(n);
        // + 0.0 turns an angle of -0.0 into +0.0: equal keys give equal operators.
        for (std::size_t i = 0; i < n; ++i) theta[i] = scale * static_cast<double>(key[i]) + 0.0;
        r.cos_.resize(n);
        r.sin_.resize(n);
        simd::sin_cos(theta.data(), r.sin_.data(), r.cos_.data(), n);
        r.mixing_ = detail::mbat_key_mixing(n);
        return r;
    }

    /// The dimension D of the operator.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// How the operator was built.
    role_kind kind() const noexcept { return kind_; }

    /// Q v. Throws dimension_mismatch if v's dimension differs.
    vector_type apply(const vector_type& v) const {
        detail::check_same_dim("mbat_role::apply", dim(), v.dim());
        vector_type out(v.dim());
        apply_to(v.data(), detail::storage_access::data(out));
        return out;
    }

    /// Q^T v, the exact inverse of apply (up to rounding). Throws dimension_mismatch if v's
    /// dimension differs.
    vector_type apply_transpose(const vector_type& v) const {
        detail::check_same_dim("mbat_role::apply_transpose", dim(), v.dim());
        vector_type out(v.dim());
        if (kind_ == role_kind::haar)
            haar_apply_transpose(v.data(), detail::storage_access::data(out));
        else if (kind_ == role_kind::keyed)
            keyed_apply_transpose(v.data(), detail::storage_access::data(out));
        else
            structured_apply_transpose(v.data(), detail::storage_access::data(out));
        return out;
    }

    /// The operator as a dense D x D matrix (for a structured or keyed role, built column by
    /// column by applying it to the unit vectors: O(D^2 log D)).
    matrix_type matrix() const {
        if (kind_ == role_kind::haar) return matrix_;
        const std::size_t n = dim();
        const auto en = static_cast<Eigen::Index>(n);
        matrix_type m(en, en);
        std::vector<T> unit(n, T(0));
        for (std::size_t j = 0; j < n; ++j) {
            unit[j] = T(1);
            apply_to(unit.data(), m.data() + j * n);
            unit[j] = T(0);
        }
        return m;
    }

    friend bool operator==(const mbat_role& a, const mbat_role& b) {
        if (a.kind_ != b.kind_ || a.dim() != b.dim()) return false;
        if (a.kind_ == role_kind::haar) return a.matrix_ == b.matrix_;
        if (a.kind_ == role_kind::keyed) return a.cos_ == b.cos_ && a.sin_ == b.sin_;
        for (std::size_t k = 0; k < a.perms_.size(); ++k)
            if (a.perms_[k].index != b.perms_[k].index || a.perms_[k].negate != b.perms_[k].negate)
                return false;
        return a.flips_ == b.flips_;
    }

private:
    friend struct detail::mbat_role_access;

    /// A signed permutation in gather form: out[i] = (negate bit i ? -1 : 1) * in[index[i]].
    struct signed_permutation {
        std::vector<std::uint32_t> index;
        std::vector<std::uint64_t> negate;
    };

    mbat_role(role_kind kind, std::size_t dim) : kind_(kind), dim_(dim) {}

    /// Q in; in and out must not overlap.
    void apply_to(const T* in, T* out) const {
        if (kind_ == role_kind::haar)
            haar_apply(in, out);
        else if (kind_ == role_kind::keyed)
            keyed_apply(in, out);
        else
            structured_apply(in, out);
    }

    /// Q v with a deterministic accumulation order: out_i = sum over j (in increasing order) of
    /// Q_ij v_j, with fma in double, whatever the instruction set.
    void haar_apply(const T* in, T* out) const {
        const std::size_t n = dim();
        std::vector<double> acc(n, 0.0);
        for (std::size_t j = 0; j < n; ++j)  // acc += v_j * column j, one rounding per element
            simd::real_axpy(static_cast<double>(in[j]), matrix_.data() + j * n, acc.data(), n);
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(acc[i]);
    }

    /// (Q^T v)_j = column j of Q dotted with v.
    void haar_apply_transpose(const T* in, T* out) const {
        const std::size_t n = dim();
        for (std::size_t j = 0; j < n; ++j)
            out[j] = static_cast<T>(simd::real_dot(matrix_.data() + j * n, in, n));
    }

    /// Round k's M_k = H2 E_k H1 in place (H1 alone when D is a power of two), or its transpose
    /// H1 E_k H2.
    void mix(T* x, std::size_t round, bool transpose) const {
        detail::structured_mix(x, dim(), block_, block_ == dim() ? nullptr : flips_[round].data(), transpose);
    }

    /// S4 M3 S3 M2 S2 M1 S1 in; in and out must not overlap.
    void structured_apply(const T* in, T* out) const {
        const std::size_t n = dim();
        std::vector<T> work(n);
        const auto permute_by = [n](const signed_permutation& s, const T* from, T* to) {
            simd::signed_permute(from, to, s.index.data(), s.negate.data(), n);
        };
        permute_by(perms_[0], in, work.data());
        mix(work.data(), 0, false);
        permute_by(perms_[1], work.data(), out);
        mix(out, 1, false);
        permute_by(perms_[2], out, work.data());
        mix(work.data(), 2, false);
        permute_by(perms_[3], work.data(), out);
    }

    /// S1^T M1^T S2^T M2^T S3^T M3^T S4^T in (each normalised Hadamard factor and each flip is
    /// its own transpose).
    void structured_apply_transpose(const T* in, T* out) const {
        const std::size_t n = dim();
        std::vector<T> work(n);
        const auto unpermute_by = [n](const signed_permutation& s, const T* from, T* to) {
            simd::signed_permute_transpose(from, to, s.index.data(), s.negate.data(), n);
        };
        unpermute_by(perms_[3], in, work.data());
        mix(work.data(), 2, true);
        unpermute_by(perms_[2], work.data(), out);
        mix(out, 1, true);
        unpermute_by(perms_[1], out, work.data());
        mix(work.data(), 0, true);
        unpermute_by(perms_[0], work.data(), out);
    }

    /// Layer l's rotations of the halves of x (in place), or their inverse.
    void rotate_layer(T* x, std::size_t layer, bool transpose) const {
        const std::size_t h = dim() / 2, offset = (layer % 2) * h;
        simd::givens_rotate(x, x + h, cos_.data() + offset, sin_.data() + offset, h, transpose);
    }

    /// G4 P G3 P G2 P G1 P in, alternating between a work buffer and out (key_layers is even, so
    /// the last layer lands in out); in and out must not overlap.
    void keyed_apply(const T* in, T* out) const {
        static_assert(detail::key_layers % 2 == 0);
        const std::size_t n = dim();
        std::vector<T> work(n);
        const detail::key_mixing& p = *mixing_;
        const T* from = in;
        for (std::size_t l = 0; l < detail::key_layers; ++l) {
            T* to = l % 2 == 0 ? work.data() : out;
            simd::signed_permute(from, to, p.index.data(), p.negate.data(), n);
            rotate_layer(to, l, false);
            from = to;
        }
    }

    /// P^T G1^T P^T G2^T P^T G3^T P^T G4^T in: the layers undone in reverse order.
    void keyed_apply_transpose(const T* in, T* out) const {
        const std::size_t n = dim();
        std::vector<T> work(n);
        std::copy(in, in + n, out);
        const detail::key_mixing& p = *mixing_;
        for (std::size_t l = detail::key_layers; l-- > 0;) {
            T* from = l % 2 == 1 ? out : work.data();
            T* to = l % 2 == 1 ? work.data() : out;
            rotate_layer(from, l, true);
            simd::signed_permute_transpose(from, to, p.index.data(), p.negate.data(), n);
        }
    }

    role_kind kind_;
    [[no_unique_address]] detail::dim_store<D> dim_;
    matrix_type matrix_;                        // haar only
    std::array<signed_permutation, 4> perms_;  // structured only: S1..S4
    std::size_t block_ = 0;                     // structured only: P
    std::array<std::vector<std::uint64_t>, 3> flips_;  // structured only: E1..E3 (D no power of two)
    std::vector<T> cos_, sin_;                  // keyed only: cos and sin of the D angles
    std::shared_ptr<const detail::key_mixing> mixing_;  // keyed only: P
};

/// Role binding: Q v.
template <std::size_t D, class T>
mbat<D, T> bind(const mbat_role<D, T>& role, const mbat<D, T>& v) {
    return role.apply(v);
}

/// Inverse of role binding: Q^T c, so unbind(bind(role, v), role) == v up to rounding. The bound
/// vector comes first, as in the vector-vector unbind(c, key).
template <std::size_t D, class T>
mbat<D, T> unbind(const mbat<D, T>& c, const mbat_role<D, T>& role) {
    return role.apply_transpose(c);
}

/// Vector-vector binding R(a) b, where R(a) = mbat_role::for_key(a) is the keyed operator: Givens
/// rotations by angles proportional to a's components between fixed permutations, built on the
/// fly in O(D). Orthogonal in b (similarities between operands are preserved; linear, so binding
/// a bundle binds each of its terms), non-commutative (bind(a, b) and bind(b, a) are unrelated),
/// unrelated to a and b, and continuous in a: a key at cosine 0.99 to a still unbinds to about
/// 0.85 (see for_key), so noisy or cleaned-up keys work; independent keys give unrelated results.
template <std::size_t D, class T>
mbat<D, T> bind(const mbat<D, T>& a, const mbat<D, T>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    return mbat_role<D, T>::for_key(a).apply(b);
}

/// Inverse of vector-vector binding: R(a)^T c, so unbind(bind(a, b), a) == b up to rounding.
template <std::size_t D, class T>
mbat<D, T> unbind(const mbat<D, T>& c, const mbat<D, T>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    return mbat_role<D, T>::for_key(a).apply_transpose(c);
}

/// Cyclic shift right by k components (component i moves to i + k); negative k shifts left.
template <std::size_t D, class T>
mbat<D, T> permute(const mbat<D, T>& a, std::ptrdiff_t k) {
    mbat<D, T> out(a.dim());
    detail::rotate_elements(a.data(), detail::storage_access::data(out), a.dim(), detail::shift_amount(k, a.dim()));
    return out;
}

/// Dot product, accumulated in double.
template <std::size_t D, class T>
double dot(const mbat<D, T>& a, const mbat<D, T>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return simd::real_dot(a.data(), b.data(), a.dim());
}

/// L2 norm (1 for atoms, bundles and anything bound from them).
template <std::size_t D, class T>
double norm(const mbat<D, T>& a) {
    return std::sqrt(simd::real_dot(a.data(), a.data(), a.dim()));
}

/// Cosine similarity; 0 if either vector is zero.
template <std::size_t D, class T>
double cosine(const mbat<D, T>& a, const mbat<D, T>& b) {
    const double d = dot(a, b);
    const double na = norm(a), nb = norm(b);
    if (na == 0 || nb == 0) return 0.0;
    return d / (na * nb);
}

/// The model's similarity: the cosine.
template <std::size_t D, class T>
double similarity(const mbat<D, T>& a, const mbat<D, T>& b) {
    return cosine(a, b);
}

/// The un-normalised bundle of MBAT vectors: a weighted sum in double. result() is the sum
/// scaled to unit L2 norm; an all-zero sum gives the fixed tie-break vector.
template <std::size_t D = dynamic, class T = float>
class mbat_accumulator : public dense_sums_accumulator<mbat_accumulator<D, T>, mbat<D, T>> {
    using base = dense_sums_accumulator<mbat_accumulator<D, T>, mbat<D, T>>;

public:
    using vector_type = mbat<D, T>;
    /// The operations named in error messages.
    static constexpr const char* add_operation = "mbat_accumulator::add";
    static constexpr const char* merge_operation = "mbat_accumulator::merge";
    static constexpr const char* scale_operation = "mbat_accumulator::scale";

    mbat_accumulator() requires(D != dynamic) : mbat_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit mbat_accumulator(std::size_t dim) : base(dim) {}

    /// The sum scaled to unit L2 norm (the tie-break vector if the sum is zero).
    vector_type result() const {
        const double* s = this->sum_data();
        const std::size_t n = this->dim();
        double norm = this->norm_of_sums();
        double unit = 1.0;
        if (norm == 0) {  // all zero, or squares too small for double: scale by the largest sum
            double largest = 0;
            for (std::size_t i = 0; i < n; ++i) largest = std::fmax(largest, std::fabs(s[i]));
            if (largest == 0)
                return symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed, n);
            unit = largest;
            double squares = 0;
            for (std::size_t i = 0; i < n; ++i) squares = std::fma(s[i] / unit, s[i] / unit, squares);
            norm = std::sqrt(squares);
        }
        vector_type out(n);
        T* o = detail::storage_access::data(out);
        for (std::size_t i = 0; i < n; ++i) o[i] = static_cast<T>(s[i] / unit / norm);
        return out;
    }
};

/// MBAT rows hold the components; search computes the same cosine as similarity().
template <std::size_t D, class T>
struct row_traits<mbat<D, T>> {
    using element_type = T;
    static std::size_t row_size(std::size_t dim) { return dim; }
    static void store(const mbat<D, T>& v, T* row) { std::copy(v.data(), v.data() + v.dim(), row); }
    static mbat<D, T> load(const T* row, std::size_t dim) {
        return mbat<D, T>::from_values(std::span<const T>(row, dim), dim);
    }
    /// Rows are dense components: searched by cosine with cached row norms.
    using kernel = row_kernels::cosine<T>;
};

/// Saved states name the family "mbat".
template <std::size_t D, class T>
struct family_name<mbat<D, T>> {
    static constexpr std::string_view value = "mbat";  ///< the name
};

}  // namespace hdc
