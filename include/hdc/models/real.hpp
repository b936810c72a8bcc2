// hdc/models/real.hpp - MAP-C: real components, multiplicative binding, summing bundles.
//
// Atoms have i.i.d. components uniform in [-1, 1] (the MAP-C atoms of Schlegel et al.). Binding is
// the elementwise product, bundling the elementwise sum kept in double by the accumulator;
// result() returns the plain sum and result_clipped() the MAP-C sum clipped to [-bound, bound].
// Similarity is the cosine. Components are always finite: every entry point that takes values
// from the caller rejects NaN and infinity.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../simd/floating.hpp"
#include "common.hpp"
#include "row_kernels.hpp"
#include "sums.hpp"

namespace hdc {

template <std::size_t D, class T>
class real_accumulator;

/// A real-valued (MAP-C) hypervector of D components of type T (float or double; D may be
/// hdc::dynamic).
template <std::size_t D = dynamic, class T = float>
class real {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc::real: the component type must be float or double");

public:
    /// The compile-time dimension, or hdc::dynamic.
    static constexpr std::size_t extent = D;
    /// A real vector's layout is fixed by its dimension alone.
    using shape_type = std::size_t;
    using value_type = T;
    using accumulator_type = real_accumulator<D, T>;

    /// All-zero vector (the identity of bundling); for hdc::dynamic, an empty vector.
    real() : real(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit real(std::size_t dim) : real(detail::resolve_dim<D>(dim), nocheck{}) {}

    /// The number of components.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// Same as dim(): what random() and the accumulator are constructed from.
    std::size_t shape() const noexcept { return dim(); }
    /// The components.
    std::span<const T> values() const noexcept { return values_.span(); }
    /// Pointer to the components (64-byte aligned, readable up to padded_size(), padding zero).
    const T* data() const noexcept { return values_.data(); }
    /// Allocated components: dim() rounded up to a whole 64-byte line.
    std::size_t padded_size() const noexcept { return values_.padded_size(); }

    /// Component i. No bounds check.
    T operator[](std::size_t i) const noexcept { return values_[i]; }
    /// Sets component i; throws invalid_parameter if i is out of range, non_finite_value for
    /// NaN or infinity.
    void set(std::size_t i, T value) {
        if (i >= dim())
            throw invalid_parameter("real::set: index " + std::to_string(i) +
                                    " out of range for dimension " + std::to_string(dim()));
        if (!std::isfinite(value))
            throw non_finite_value("real::set: component " + std::to_string(i) + " is " +
                                   std::to_string(value) + ", must be finite");
        values_[i] = value;
    }

    /// A vector with the given components; throws invalid_parameter if the count differs from
    /// dim, non_finite_value for NaN or infinity. With hdc::dynamic, dim defaults to
    /// values.size().
    static real from_values(std::span<const T> values, std::size_t dim = D) {
        real v(detail::resolve_dim<D>(D == dynamic && dim == dynamic ? values.size() : dim), nocheck{});
        if (values.size() != v.dim())
            throw invalid_parameter("real::from_values: " + std::to_string(values.size()) +
                                    " values given for dimension " + std::to_string(v.dim()));
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!std::isfinite(values[i]))
                throw non_finite_value("real::from_values: component " + std::to_string(i) +
                                       " is " + std::to_string(values[i]) + ", must be finite");
            v.values_[i] = values[i];
        }
        return v;
    }

    /// i.i.d. components uniform in [-1, 1): one draw of rng::uniform_signed per component,
    /// rounded to T. (For float, draws within 2^-25 of +1 round to exactly 1.0f.)
    static real random(rng& gen, std::size_t dim = D) {
        real v(detail::resolve_dim<D>(dim), nocheck{});
        for (std::size_t i = 0; i < v.dim(); ++i)
            v.values_[i] = static_cast<T>(gen.uniform_signed());
        return v;
    }

    friend bool operator==(const real& a, const real& b) noexcept {
        return a.values_ == b.values_ && a.dim() == b.dim();
    }

private:
    template <std::size_t, class>
    friend class real_accumulator;
    template <std::size_t E, class U>
    friend real<E, U> bind(const real<E, U>&, const real<E, U>&);
    template <std::size_t E, class U>
    friend real<E, U> unbind(const real<E, U>&, const real<E, U>&);
    template <std::size_t E, class U>
    friend real<E, U> permute(const real<E, U>&, std::ptrdiff_t);

    struct nocheck {};
    real(std::size_t dim, nocheck) : dim_(dim), values_(dim) {}
    T* mutable_data() noexcept { return values_.data(); }

    [[no_unique_address]] detail::dim_store<D> dim_;
    aligned_buffer<T> values_;
};

/// Elementwise product; commutative.
template <std::size_t D, class T>
real<D, T> bind(const real<D, T>& a, const real<D, T>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    real<D, T> out(a.dim(), typename real<D, T>::nocheck{});
    simd::real_multiply(a.data(), b.data(), out.mutable_data(), a.dim());
    return out;
}

/// Approximate inverse of bind: the elementwise product again, so unbind(bind(a, b), a) is
/// a^2 * b, not b. MAP-C atoms do not square to 1, and the exact inverse (dividing by a) is
/// unbounded wherever a component is near zero, which uniform atoms make common; multiplying
/// keeps the noise bounded and leaves the result similar to b (cosine E[a^2]/sqrt(E[a^4]) =
/// sqrt(5)/3 ~ 0.745 for uniform atoms), to be cleaned up against an item memory.
template <std::size_t D, class T>
real<D, T> unbind(const real<D, T>& c, const real<D, T>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    real<D, T> out(c.dim(), typename real<D, T>::nocheck{});
    simd::real_multiply(c.data(), a.data(), out.mutable_data(), c.dim());
    return out;
}

/// Cyclic shift right by k components (component i moves to i + k); negative k shifts left.
template <std::size_t D, class T>
real<D, T> permute(const real<D, T>& a, std::ptrdiff_t k) {
    if (a.dim() == 0) return a;  // an empty dynamic vector has nothing to rotate
    real<D, T> out(a.dim(), typename real<D, T>::nocheck{});
    detail::rotate_elements(a.data(), out.mutable_data(), a.dim(),
                            detail::shift_amount(k, a.dim()));
    return out;
}

/// Dot product, accumulated in double.
template <std::size_t D, class T>
double dot(const real<D, T>& a, const real<D, T>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return simd::real_dot(a.data(), b.data(), a.dim());
}

/// Euclidean norm, accumulated in double.
template <std::size_t D, class T>
double norm(const real<D, T>& a) {
    return std::sqrt(simd::real_sum_squares(a.data(), a.dim()));
}

/// Cosine of the angle between a and b (0 if either is the zero vector).
template <std::size_t D, class T>
double cosine(const real<D, T>& a, const real<D, T>& b) {
    const double d = dot(a, b);
    const double na = norm(a), nb = norm(b);
    if (na == 0 || nb == 0) return 0.0;
    return d / (na * nb);
}

/// Normalised similarity: the cosine.
template <std::size_t D, class T>
double similarity(const real<D, T>& a, const real<D, T>& b) {
    return cosine(a, b);
}

/// The un-normalised bundle of real vectors: per position the weighted sum s_i = sum of w * v_i,
/// kept in double. Weights may be any finite number.
template <std::size_t D, class T>
class real_accumulator {
public:
    using vector_type = real<D, T>;

    real_accumulator() requires(D != dynamic) : real_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit real_accumulator(std::size_t dim) : sums_(detail::resolve_dim<D>(dim)) {}

    std::size_t dim() const noexcept { return sums_.dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return sums_.count(); }
    /// The weighted sums, one per position.
    std::span<const double> sums() const noexcept { return sums_.sums(); }

    /// Adds v once.
    void add(const vector_type& v) { add_weighted(v, 1.0); }
    /// Adds w * v; throws non_finite_value for a NaN or infinite weight.
    void add(const vector_type& v, double weight) { add_weighted(v, weight); }
    /// Removes v once.
    void subtract(const vector_type& v) { add_weighted(v, -1.0); }
    /// Adds the sums of another accumulator: equal to adding its vectors here.
    void merge(const real_accumulator& other) {
        sums_.merge(other.sums_, "real_accumulator::merge");
    }
    /// Forgets everything added.
    void clear() noexcept { sums_.clear(); }

    /// The sums rounded to T, unclipped: a bundle of M atoms has cosine ~ 1/sqrt(M) with each.
    vector_type result() const {
        vector_type out(dim(), typename vector_type::nocheck{});
        T* o = out.mutable_data();
        const double* s = sums_.data();
        for (std::size_t i = 0; i < dim(); ++i) o[i] = static_cast<T>(s[i]);
        return out;
    }

    /// The MAP-C bundle: each sum clipped to [-bound, bound], then rounded to T. Throws
    /// invalid_parameter unless bound is positive, non_finite_value if it is NaN or infinite.
    vector_type result_clipped(double bound = 1.0) const {
        if (!std::isfinite(bound))
            throw non_finite_value("real_accumulator::result_clipped: bound must be finite, got " +
                                   std::to_string(bound));
        if (!(bound > 0))
            throw invalid_parameter(
                "real_accumulator::result_clipped: bound must be positive, got " +
                std::to_string(bound));
        vector_type out(dim(), typename vector_type::nocheck{});
        T* o = out.mutable_data();
        const double* s = sums_.data();
        for (std::size_t i = 0; i < dim(); ++i)
            o[i] = static_cast<T>(std::clamp(s[i], -bound, bound));
        return out;
    }

    /// Dot product of the sums with v, in double.
    double dot_with(const vector_type& v) const {
        const real_accumulator& acc = *this;
        detail::check_same_dim("dot", acc.dim(), v.dim());
        return simd::real_dot(acc.sums_.data(), v.data(), acc.dim());
    }
    /// Cosine between the sums and v (0 if either is zero).
    double similarity_with(const vector_type& v) const {
        const real_accumulator& acc = *this;
        const double d = dot(acc, v);
        const double na = std::sqrt(simd::real_sum_squares(acc.sums_.data(), acc.dim()));
        const double nv = norm(v);
        if (na == 0 || nv == 0) return 0.0;
        return d / (na * nv);
    }

private:
    void add_weighted(const vector_type& v, double w) {
        sums_.add_scaled(v.data(), v.dim(), w, "real_accumulator::add");
    }

    detail::weighted_sums<D> sums_;
};

/// Dot product of an accumulator's un-normalised bundle with v.
template <std::size_t D, class T>
double dot(const real_accumulator<D, T>& acc, const real<D, T>& v) {
    return acc.dot_with(v);
}

/// Similarity of v to an accumulator's un-normalised bundle (cosine; 0 while it is empty).
template <std::size_t D, class T>
double similarity(const real_accumulator<D, T>& acc, const real<D, T>& v) {
    return acc.similarity_with(v);
}

/// Real rows hold the components as they are; search computes the same cosine as similarity().
template <std::size_t D, class T>
struct row_traits<real<D, T>> {
    using element_type = T;
    static std::size_t row_size(std::size_t dim) { return dim; }
    static void store(const real<D, T>& v, T* row) {
        std::copy(v.data(), v.data() + v.dim(), row);
    }
    static real<D, T> load(const T* row, std::size_t dim) {
        return real<D, T>::from_values(std::span<const T>(row, dim), dim);
    }
    /// Rows are dense components: searched by cosine with cached row norms.
    using kernel = row_kernels::cosine<T>;
};

}  // namespace hdc
