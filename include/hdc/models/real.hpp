// hdc/models/real.hpp - MAP-C: real components, multiplicative binding, summing bundles.
//
// Atoms have i.i.d. components uniform in [-1, 1] (the MAP-C atoms of Schlegel et al.). Binding is
// the elementwise product, bundling the elementwise sum kept in double by the accumulator;
// result() returns the plain sum and result_clipped() the MAP-C sum clipped to [-bound, bound].
// Similarity is the cosine. Components are always finite: every entry point that takes values
// from the caller rejects NaN and infinity. Storage, comparison, permutation, dot, norm and
// cosine are those of every dense real family (models/dense_real.hpp, shared with HRR and VTB).
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
#include "../core/vector_storage.hpp"
#include "../simd/floating.hpp"
#include "common.hpp"
#include "element_wise.hpp"
#include "cosine_rows.hpp"
#include "dense_real.hpp"
#include "sums.hpp"

namespace hdc {

template <std::size_t D, class T>
class real_accumulator;

/// A real-valued (MAP-C) hypervector of D components of type T (float or double; D may be
/// hdc::dynamic). Invariant: every component is finite.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic, class T = float>
class real : public dense_real_vector<real<D, T>, D, T> {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc::real: the component type must be float or double");
    using base = dense_real_vector<real<D, T>, D, T>;

public:
    using value_type = T;
    using accumulator_type = real_accumulator<D, T>;

    /// All-zero vector (the identity of bundling); for hdc::dynamic, an empty vector.
    real() : real(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit real(std::size_t dim) : real(detail::resolve_dim<D>(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) real(const real<E, T>& other) : base(other) {}

    // dim(), values(), data(), operator[] and == come from dense_real_vector.

    /// Sets component i; throws invalid_parameter if i is out of range, non_finite_value for
    /// NaN or infinity.
    void set(std::size_t i, T value) {
        if (i >= this->dim())
            throw invalid_parameter("real::set: index " + std::to_string(i) +
                                    " out of range for dimension " + std::to_string(this->dim()));
        if (!std::isfinite(value))
            throw non_finite_value("real::set: component " + std::to_string(i) + " is " +
                                   std::to_string(value) + ", must be finite");
        base::mutable_part()[i] = value;
    }

    /// A vector with the given components; throws invalid_parameter if the count differs from
    /// dim, non_finite_value for NaN or infinity. With hdc::dynamic, dim defaults to
    /// values.size().
    static real from_values(std::span<const T> values, std::size_t dim = D) {
        real v(detail::resolve_dim<D>(D == dynamic && dim == dynamic ? values.size() : dim), nocheck{});
        if (values.size() != v.dim())
            throw invalid_parameter("real::from_values: " + std::to_string(values.size()) +
                                    " values given for dimension " + std::to_string(v.dim()));
        v.assign_finite(values, "real");
        return v;
    }

    /// i.i.d. components uniform in [-1, 1): one draw of rng::uniform_signed per component,
    /// rounded to T. (For float, draws within 2^-25 of +1 round to exactly 1.0f.)
    static real random(rng& gen, std::size_t dim = D) {
        real v(detail::resolve_dim<D>(dim), nocheck{});
        T* out = v.mutable_part();
        for (std::size_t i = 0; i < v.dim(); ++i) out[i] = static_cast<T>(gen.uniform_signed());
        return v;
    }

private:
    friend struct detail::storage_access;

    struct nocheck {};
    real(std::size_t dim, nocheck) : base(dim) {}
};

/// Elementwise product; commutative.
template <std::size_t D, class T>
real<D, T> bind(const real<D, T>& a, const real<D, T>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    auto out = detail::storage_access::for_overwrite<real<D, T>>(a.dim());
    simd::real_multiply(a.data(), b.data(), detail::storage_access::data(out), a.dim());
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
    auto out = detail::storage_access::for_overwrite<real<D, T>>(c.dim());
    simd::real_multiply(c.data(), a.data(), detail::storage_access::data(out), c.dim());
    return out;
}

// permute, dot, norm, cosine and similarity: models/dense_real.hpp.

/// The un-normalised bundle of real vectors: per position the weighted sum s_i = sum of w * v_i,
/// kept in double (dense_sums_accumulator). Weights may be any finite number.
template <std::size_t D, class T>
class real_accumulator : public dense_sums_accumulator<real_accumulator<D, T>, real<D, T>> {
    using base = dense_sums_accumulator<real_accumulator<D, T>, real<D, T>>;

public:
    using vector_type = real<D, T>;
    /// The operations named in error messages.
    static constexpr const char* add_operation = "real_accumulator::add";
    static constexpr const char* merge_operation = "real_accumulator::merge";
    static constexpr const char* scale_operation = "real_accumulator::scale";

    real_accumulator() requires(D != dynamic) : real_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit real_accumulator(std::size_t dim) : base(dim) {}

    /// The sums rounded to T, unclipped: a bundle of M atoms has cosine ~ 1/sqrt(M) with each.
    /// Throws non_finite_value if a sum is too large for T (only possible for float, with huge
    /// weights).
    vector_type result() const {
        return detail::dense_real_rounded<vector_type>(this->sum_data(), this->dim(),
                                                       "real_accumulator::result", [](double x) { return x; });
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
        return detail::dense_real_rounded<vector_type>(this->sum_data(), this->dim(),
                                                       "real_accumulator::result_clipped",
                                                       [bound](double x) { return std::clamp(x, -bound, bound); });
    }
};

/// Real rows hold the components as they are; search computes the same cosine as similarity().
template <std::size_t D, class T>
struct row_traits<real<D, T>> : dense_real_rows<real<D, T>> {};

/// Saved states name the family "real".
template <std::size_t D, class T>
struct family_name<real<D, T>> {
    static constexpr std::string_view value = "real";  ///< the name
};

}  // namespace hdc
