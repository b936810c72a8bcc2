// hdc/models/mbat.hpp - MBAT (Matrix Binding of Additive Terms): dense real vectors bound by orthogonal operators.
//
// Vectors are dense real unit vectors; bundling is addition followed by L2 normalisation; binding
// multiplies by a random orthogonal D x D operator (a "role"), so it is linear (binding a sum binds
// every term), exactly invertible by the transpose, norm- and similarity-preserving through any
// depth of nesting, and non-commutative (Q_a Q_b != Q_b Q_a), which nested structures such as JSON
// documents need. Roles come in two kinds:
//   haar        a Haar-random dense matrix (QR of a Gaussian matrix with the sign fix): O(D^2)
//               storage and time per product, O(D^3) to create; reference quality.
//   structured  three rounds of random signed permutation + normalised Walsh-Hadamard transform,
//               then a final signed permutation: O(D) storage, O(D log D) per product.
// Vector-vector binding (the model concept's bind) uses the structured role derived from a hash of
// the key vector's exact bytes, so no matrix is stored per key.
#pragma once

// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when they are
// inlined into Eigen's matrix-vector kernels (the _mm256_undefined_pd idiom, GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../simd/transform.hpp"
#include "common.hpp"
#include "row_kernels.hpp"
#include "sums.hpp"

namespace hdc {

template <std::size_t D, class T>
class mbat_accumulator;
template <std::size_t D, class T>
class mbat_role;

/// How an MBAT role operator is built (see mbat_role).
enum class role_kind {
    haar,        ///< dense Haar-random orthogonal matrix (QR with sign fix)
    structured,  ///< signed permutations and Walsh-Hadamard transforms, O(D log D)
};

namespace detail {

/// Sum of a[i] * b[i] in double with explicit fma, in a fixed order that does not depend on the
/// compiler: lane k (k < 8) accumulates the indices i = k mod 8 in increasing order, then the
/// lanes are added pairwise. Zero padding past n leaves the result unchanged.
template <class A, class B>
double mbat_dot(const A* a, const B* b, std::size_t n) noexcept {
    double lane[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (std::size_t k = 0; k < 8; ++k)
            lane[k] = std::fma(static_cast<double>(a[i + k]), static_cast<double>(b[i + k]), lane[k]);
    const std::size_t rest = n - i;  // < 8
    for (std::size_t k = 0; k < rest && k < 8; ++k)
        lane[k] = std::fma(static_cast<double>(a[i + k]), static_cast<double>(b[i + k]), lane[k]);
    return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

/// Throws non_finite_value naming the operation unless every value is finite.
template <class T>
void mbat_check_finite(const char* operation, std::span<const T> values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            throw non_finite_value(std::string(operation) + ": value at index " + std::to_string(i) +
                                   " is not finite (" + std::to_string(values[i]) + ")");
}

inline constexpr std::uint64_t role_domain = 0x726F6C652D6D6174ull;  // "role-mat"
inline constexpr std::uint64_t mbat_key_domain = 0x6D6261742D6B6579ull;  // "mbat-key"

/// 64-bit hash of the exact bytes of n components (so -0.0 and +0.0 differ): the key from which
/// vector-vector binding derives its operator.
template <class T>
std::uint64_t mbat_key_hash(const T* x, std::size_t n) noexcept {
    using bits_type = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    static_assert(sizeof(bits_type) == sizeof(T));
    std::uint64_t h = mix64(mbat_key_domain ^ (static_cast<std::uint64_t>(n) * sizeof(T)));
    for (std::size_t i = 0; i < n; ++i) {
        bits_type bits;
        std::memcpy(&bits, x + i, sizeof(T));
        h = mix64((h ^ bits) + golden_gamma);
    }
    return h;
}

}  // namespace detail

/// A dense real MBAT hypervector of dimension D (D may be hdc::dynamic), components of type T
/// (float or double). Atoms are isotropic random unit vectors.
template <std::size_t D = dynamic, class T = float>
class mbat {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc::mbat: the component type must be float or double");

public:
    /// The compile-time dimension, or hdc::dynamic.
    static constexpr std::size_t extent = D;
    /// An MBAT vector's layout is fixed by its dimension alone.
    using shape_type = std::size_t;
    using value_type = T;
    using accumulator_type = mbat_accumulator<D, T>;
    /// The orthogonal operators that bind vectors of this type.
    using role_type = mbat_role<D, T>;

    /// All-zero vector; for hdc::dynamic, an empty vector.
    mbat() : mbat(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit mbat(std::size_t dim) : mbat(detail::resolve_dim<D>(dim), nocheck{}) {}

    /// The number of components.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// Same as dim(): what random() and the accumulator are constructed from.
    std::size_t shape() const noexcept { return dim(); }
    /// The components.
    std::span<const T> values() const noexcept { return values_.span(); }
    /// Pointer to the components (64-byte aligned, readable up to padded_size(), padding zero).
    const T* data() const noexcept { return values_.data(); }
    T* data() noexcept { return values_.data(); }
    /// Allocated components: dim() rounded up to a whole 64-byte line.
    std::size_t padded_size() const noexcept { return values_.padded_size(); }
    /// Component i. No bounds check.
    T operator[](std::size_t i) const noexcept { return values_[i]; }

    /// A vector with the given components (not normalised). dim defaults to D, or to
    /// values.size() when D is hdc::dynamic. Throws dimension_mismatch if the count differs from
    /// dim and non_finite_value for a NaN or infinite component.
    static mbat from_values(std::span<const T> values, std::size_t dim = D) {
        if (D == dynamic && dim == dynamic) dim = values.size();
        mbat v(dim);
        detail::check_same_dim("mbat::from_values", values.size(), v.dim());
        detail::mbat_check_finite("mbat::from_values", values);
        std::memcpy(v.data(), values.data(), values.size() * sizeof(T));
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
        const double norm = std::sqrt(detail::mbat_dot(x.data(), x.data(), x.size()));
        for (std::size_t i = 0; i < x.size(); ++i) v.values_[i] = static_cast<T>(x[i] / norm);
        return v;
    }

    friend bool operator==(const mbat& a, const mbat& b) noexcept {
        return a.dim() == b.dim() && a.values_ == b.values_;
    }

private:
    struct nocheck {};
    mbat(std::size_t dim, nocheck) : dim_(dim), values_(dim) {}

    [[no_unique_address]] detail::dim_store<D> dim_;
    aligned_buffer<T> values_;
};

/// A random orthogonal D x D operator Q that binds MBAT vectors: bind(role, v) = Q v,
/// unbind(role, v) = Q^T v = Q^{-1} v. Copyable value type; see role_kind for the two kinds.
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
    ///   Q = S4 H1 S3 H2 S2 H1 S1,
    /// where S_k are random signed permutations and H1 / H2 the normalised Walsh-Hadamard
    /// transform (scaled by 1/sqrt(P)) of the block [0, P) / [D - P, D), P the largest power of
    /// two <= D (both blocks are the whole vector when D is a power of two). Every factor is
    /// orthogonal, hence so is Q. Draws from gen, for S1..S4 in turn: a Fisher-Yates shuffle of
    /// the identity (rng::below(i + 1) for i = D-1 down to 1), then ceil(D/64) words of sign bits.
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
        return r;
    }

    /// The role of a name under a seed, generated like hdc::symbol (same name, seed, dim and kind
    /// give the same operator on any machine, up to the caveat of haar()).
    static mbat_role from_symbol(std::string_view name, std::uint64_t seed, std::size_t dim = D,
                                 role_kind kind = role_kind::structured) {
        // A stream of its own: the role named k must not be built from the draws of the atom k.
        rng gen = rng::from_key(detail::symbol_key(detail::hash_name(name) ^ detail::role_domain, seed));
        return kind == role_kind::haar ? haar(gen, dim) : structured(gen, dim);
    }

    /// The structured role that the vector-vector bind(key, x) applies to x: seeded from a 64-bit
    /// hash of key's exact component bytes. Compute it once to bind many vectors with one key.
    static mbat_role for_key(const vector_type& key) {
        const std::uint64_t h = detail::mbat_key_hash(key.data(), key.dim());
        rng gen = rng::from_key(detail::make_key(h, detail::mbat_key_domain));
        return structured(gen, key.dim());
    }

    /// The dimension D of the operator.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// How the operator was built.
    role_kind kind() const noexcept { return kind_; }

    /// Q v. Throws dimension_mismatch if v's dimension differs.
    vector_type apply(const vector_type& v) const {
        detail::check_same_dim("mbat_role::apply", dim(), v.dim());
        vector_type out(v.dim());
        if (kind_ == role_kind::haar)
            haar_apply(v.data(), out.data());
        else
            structured_apply(v.data(), out.data());
        return out;
    }

    /// Q^T v, the exact inverse of apply (up to rounding). Throws dimension_mismatch if v's
    /// dimension differs.
    vector_type apply_transpose(const vector_type& v) const {
        detail::check_same_dim("mbat_role::apply_transpose", dim(), v.dim());
        vector_type out(v.dim());
        if (kind_ == role_kind::haar)
            haar_apply_transpose(v.data(), out.data());
        else
            structured_apply_transpose(v.data(), out.data());
        return out;
    }

    /// The operator as a dense D x D matrix (for a structured role, built column by column by
    /// applying it to the unit vectors: O(D^2 log D)).
    matrix_type matrix() const {
        if (kind_ == role_kind::haar) return matrix_;
        const std::size_t n = dim();
        const auto en = static_cast<Eigen::Index>(n);
        matrix_type m(en, en);
        std::vector<T> unit(n, T(0));
        for (std::size_t j = 0; j < n; ++j) {
            unit[j] = T(1);
            structured_apply(unit.data(), m.data() + j * n);
            unit[j] = T(0);
        }
        return m;
    }

    friend bool operator==(const mbat_role& a, const mbat_role& b) {
        if (a.kind_ != b.kind_ || a.dim() != b.dim()) return false;
        if (a.kind_ == role_kind::haar) return a.matrix_ == b.matrix_;
        for (std::size_t k = 0; k < a.perms_.size(); ++k)
            if (a.perms_[k].index != b.perms_[k].index || a.perms_[k].negate != b.perms_[k].negate)
                return false;
        return true;
    }

private:
    /// A signed permutation in gather form: out[i] = (negate bit i ? -1 : 1) * in[index[i]].
    struct signed_permutation {
        std::vector<std::uint32_t> index;
        std::vector<std::uint64_t> negate;
    };

    mbat_role(role_kind kind, std::size_t dim) : kind_(kind), dim_(dim) {}

    /// Q v with a deterministic accumulation order: out_i = sum over j (in increasing order) of
    /// Q_ij v_j, with fma in double, whatever the instruction set.
    void haar_apply(const T* in, T* out) const {
        const std::size_t n = dim();
        std::vector<double> acc(n, 0.0);
        for (std::size_t j = 0; j < n; ++j) {
            const T* column = matrix_.data() + j * n;
            const double vj = static_cast<double>(in[j]);
            for (std::size_t i = 0; i < n; ++i)
                acc[i] = std::fma(static_cast<double>(column[i]), vj, acc[i]);
        }
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(acc[i]);
    }

    /// (Q^T v)_j = column j of Q dotted with v.
    void haar_apply_transpose(const T* in, T* out) const {
        const std::size_t n = dim();
        for (std::size_t j = 0; j < n; ++j)
            out[j] = static_cast<T>(detail::mbat_dot(matrix_.data() + j * n, in, n));
    }

    T hadamard_scale() const noexcept {
        return static_cast<T>(1.0 / std::sqrt(static_cast<double>(block_)));
    }

    /// S4 H1 S3 H2 S2 H1 S1 in; in and out must not overlap.
    void structured_apply(const T* in, T* out) const {
        const std::size_t n = dim(), p = block_;
        const T scale = hadamard_scale();
        std::vector<T> work(n);
        const auto permute_by = [n](const signed_permutation& s, const T* from, T* to) {
            simd::signed_permute(from, to, s.index.data(), s.negate.data(), n);
        };
        permute_by(perms_[0], in, work.data());
        simd::walsh_hadamard(work.data(), p, scale);
        permute_by(perms_[1], work.data(), out);
        simd::walsh_hadamard(out + (n - p), p, scale);
        permute_by(perms_[2], out, work.data());
        simd::walsh_hadamard(work.data(), p, scale);
        permute_by(perms_[3], work.data(), out);
    }

    /// S1^T H1 S2^T H2 S3^T H1 S4^T in (each normalised Hadamard factor is its own transpose).
    void structured_apply_transpose(const T* in, T* out) const {
        const std::size_t n = dim(), p = block_;
        const T scale = hadamard_scale();
        std::vector<T> work(n);
        const auto unpermute_by = [n](const signed_permutation& s, const T* from, T* to) {
            simd::signed_permute_transpose(from, to, s.index.data(), s.negate.data(), n);
        };
        unpermute_by(perms_[3], in, work.data());
        simd::walsh_hadamard(work.data(), p, scale);
        unpermute_by(perms_[2], work.data(), out);
        simd::walsh_hadamard(out + (n - p), p, scale);
        unpermute_by(perms_[1], out, work.data());
        simd::walsh_hadamard(work.data(), p, scale);
        unpermute_by(perms_[0], work.data(), out);
    }

    role_kind kind_;
    [[no_unique_address]] detail::dim_store<D> dim_;
    matrix_type matrix_;                        // haar only
    std::array<signed_permutation, 4> perms_;  // structured only: S1..S4
    std::size_t block_ = 0;                     // structured only: P
};

/// Role binding: Q v.
template <std::size_t D, class T>
mbat<D, T> bind(const mbat_role<D, T>& role, const mbat<D, T>& v) {
    return role.apply(v);
}

/// Inverse of role binding: Q^T v, so unbind(role, bind(role, v)) == v up to rounding.
template <std::size_t D, class T>
mbat<D, T> unbind(const mbat_role<D, T>& role, const mbat<D, T>& v) {
    return role.apply_transpose(v);
}

/// Vector-vector binding R(a) b, where R(a) = mbat_role::for_key(a) is the structured operator
/// seeded from a hash of a's exact bytes (key-dependent matrices derived on the fly, nothing
/// stored or cached). Non-commutative: bind(a, b) != bind(b, a). Keys must be exact atoms: a
/// noisy or reconstructed key (e.g. the output of a cleanup that is not bit-identical) gives an
/// unrelated operator. Linear in b, so binding a bundle binds each of its terms.
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
    detail::rotate_elements(a.data(), out.data(), a.dim(), detail::shift_amount(k, a.dim()));
    return out;
}

/// Dot product, accumulated in double.
template <std::size_t D, class T>
double dot(const mbat<D, T>& a, const mbat<D, T>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return detail::mbat_dot(a.data(), b.data(), a.dim());
}

/// L2 norm (1 for atoms, bundles and anything bound from them).
template <std::size_t D, class T>
double norm(const mbat<D, T>& a) {
    return std::sqrt(detail::mbat_dot(a.data(), a.data(), a.dim()));
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
class mbat_accumulator {
public:
    using vector_type = mbat<D, T>;

    mbat_accumulator() requires(D != dynamic) : mbat_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit mbat_accumulator(std::size_t dim) : sums_(detail::resolve_dim<D>(dim)) {}

    std::size_t dim() const noexcept { return sums_.dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return sums_.count(); }
    /// The weighted sums, one per component.
    std::span<const double> sums() const noexcept { return sums_.sums(); }

    /// Adds v.
    void add(const vector_type& v) { add_weighted("mbat_accumulator::add", v, 1.0); }
    /// Adds weight * v; any finite weight (throws non_finite_value for NaN or infinity).
    void add(const vector_type& v, double weight) {
        add_weighted("mbat_accumulator::add", v, weight);
    }
    /// Removes v (adds it with weight -1).
    void subtract(const vector_type& v) { add_weighted("mbat_accumulator::subtract", v, -1.0); }
    /// Adds the sums of another accumulator: equal to adding its vectors here (up to rounding).
    void merge(const mbat_accumulator& other) {
        sums_.merge(other.sums_, "mbat_accumulator::merge");
    }
    /// Forgets everything added.
    void clear() noexcept { sums_.clear(); }

    /// The sum scaled to unit L2 norm (the tie-break vector if the sum is zero).
    vector_type result() const {
        const double n = std::sqrt(detail::mbat_dot(sums_.data(), sums_.data(), dim()));
        if (n == 0) return symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed, dim());
        vector_type out(dim());
        const double* s = sums_.data();
        for (std::size_t i = 0; i < dim(); ++i) out.data()[i] = static_cast<T>(s[i] / n);
        return out;
    }

    /// Dot product of the sums with v.
    double dot_with(const vector_type& v) const {
        const mbat_accumulator& acc = *this;
        detail::check_same_dim("dot", acc.dim(), v.dim());
        return detail::mbat_dot(acc.sums_.data(), v.data(), acc.dim());
    }
    /// Cosine between the sums and v (0 if either is zero).
    double similarity_with(const vector_type& v) const {
        const mbat_accumulator& acc = *this;
        const double d = dot(acc, v);
        const double ns = std::sqrt(detail::mbat_dot(acc.sums_.data(), acc.sums_.data(), acc.dim()));
        const double nv = norm(v);
        if (ns == 0 || nv == 0) return 0.0;
        return d / (ns * nv);
    }

private:
    /// sums[i] = fma(w, v[i], sums[i]) (simd::real_axpy: one rounding per component).
    void add_weighted(const char* operation, const vector_type& v, double w) {
        sums_.add_scaled(v.data(), v.dim(), w, operation);
    }

    detail::weighted_sums<D> sums_;
};

/// Dot product of an accumulator's un-normalised bundle with v.
template <std::size_t D, class T>
double dot(const mbat_accumulator<D, T>& acc, const mbat<D, T>& v) {
    return acc.dot_with(v);
}

/// Similarity of v to an accumulator's un-normalised bundle (cosine; 0 while it is empty).
template <std::size_t D, class T>
double similarity(const mbat_accumulator<D, T>& acc, const mbat<D, T>& v) {
    return acc.similarity_with(v);
}

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

}  // namespace hdc
