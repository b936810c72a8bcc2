// hdc/models/normal_atoms.hpp - the part HRR and VTB share: dense real vectors with Normal atoms.
//
// Holographic reduced representations (models/hrr.hpp) and vector-derived transformation binding
// (models/vtb.hpp) differ only in their binding. Both draw atoms with i.i.d. Normal(0, 1/D)
// components (expected norm 1), bundle by summing (kept in double by the accumulator), compare by
// the cosine and permute by a cyclic shift. normal_vector<Family, D, T> holds that once; a family
// is a tag type naming itself (for error messages and saved states) and saying which dimensions
// it accepts (VTB needs a perfect square), and its header adds bind and unbind. Storage,
// comparison, permutation, dot, norm, cosine, the accumulator's rounding and the item-memory rows
// are those of every dense real family (models/dense_real.hpp, shared with hdc::real).
// Components are always finite: every entry point that takes values from the caller rejects NaN
// and infinity.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
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
#include "dense_real.hpp"
#include "sums.hpp"

namespace hdc {

template <class Family, std::size_t D, class T>
class normal_accumulator;

/// A dense real vector of a Normal-atom family (hdc::hrr, hdc::vtb: use those aliases) with D
/// components of type T (float or double; D may be hdc::dynamic). Family is the tag type of the
/// family: `name` ("hrr"), `accepts(dim)` and `rule` (the dimensions it allows, in words).
/// Invariant: every component is finite.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <class Family, std::size_t D = dynamic, class T = float>
class normal_vector : public dense_real_vector<normal_vector<Family, D, T>, D, T> {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc: the component type of hrr and vtb must be float or double");
    static_assert(D == dynamic || Family::accepts(D), "hdc: this family does not accept the dimension D");
    using base = dense_real_vector<normal_vector<Family, D, T>, D, T>;

public:
    using value_type = T;
    using family_type = Family;
    using accumulator_type = normal_accumulator<Family, D, T>;

    /// All-zero vector (the identity of bundling); for hdc::dynamic, an empty vector.
    normal_vector() : normal_vector(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive
    /// and of the family's form: invalid_dimension otherwise).
    explicit normal_vector(std::size_t dim) : normal_vector(checked_dim(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) normal_vector(const normal_vector<Family, E, T>& other) : base(other) {}

    // dim(), values(), data(), operator[] and == come from dense_real_vector.

    /// dim, validated: positive, equal to D when D is fixed, and of the family's form; throws
    /// invalid_dimension naming the dimension and the rule.
    static std::size_t checked_dim(std::size_t dim) {
        const std::size_t n = detail::resolve_dim<D>(dim);
        if (!Family::accepts(n))
            throw invalid_dimension(std::string(Family::name) + ": dimension " + std::to_string(n) +
                                    " refused: " + Family::rule);
        return n;
    }

    /// A vector with the given components; throws invalid_parameter if the count differs from
    /// dim, invalid_dimension for a dimension the family refuses, non_finite_value for NaN or
    /// infinity. With hdc::dynamic, dim defaults to values.size().
    static normal_vector from_values(std::span<const T> values, std::size_t dim = D) {
        normal_vector v(checked_dim(D == dynamic && dim == dynamic ? values.size() : dim), nocheck{});
        if (values.size() != v.dim())
            throw invalid_parameter(std::string(Family::name) + "::from_values: " +
                                    std::to_string(values.size()) + " values given for dimension " +
                                    std::to_string(v.dim()));
        v.assign_finite(values, Family::name);
        return v;
    }

    /// i.i.d. Normal(0, 1/dim) components (Plate's atoms; expected norm 1): rng::normal() divided
    /// by sqrt(dim) in double, then rounded to T. Every step is correctly rounded, so the result
    /// is bit-identical on every platform and for fixed or dynamic D.
    static normal_vector random(rng& gen, std::size_t dim = D) {
        normal_vector v(checked_dim(dim), nocheck{});
        const double scale = std::sqrt(static_cast<double>(v.dim()));
        T* out = v.mutable_part();
        for (std::size_t i = 0; i < v.dim(); ++i) out[i] = static_cast<T>(gen.normal() / scale);
        return v;
    }

private:
    friend struct detail::storage_access;
    template <class, std::size_t, class>
    friend class normal_vector;

    struct nocheck {};
    normal_vector(std::size_t dim, nocheck) : base(dim) {}
};

// permute, dot, norm, cosine and similarity: models/dense_real.hpp.

/// The un-normalised bundle of a Normal-atom family: per position the weighted sum, kept in
/// double (dense_sums_accumulator). result() rounds the plain sums to T: a bundle of M atoms has
/// cosine ~ 1/sqrt(M) with each. Weights may be any finite number.
template <class Family, std::size_t D, class T>
class normal_accumulator
    : public dense_sums_accumulator<normal_accumulator<Family, D, T>, normal_vector<Family, D, T>> {
    using base = dense_sums_accumulator<normal_accumulator<Family, D, T>, normal_vector<Family, D, T>>;

public:
    using vector_type = normal_vector<Family, D, T>;
    /// The operations named in error messages.
    static constexpr const char* add_operation = Family::add_operation;
    static constexpr const char* merge_operation = Family::merge_operation;
    static constexpr const char* scale_operation = Family::scale_operation;

    normal_accumulator() requires(D != dynamic) : normal_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim (invalid_dimension as for the vectors).
    explicit normal_accumulator(std::size_t dim) : base(vector_type::checked_dim(dim)) {}

    /// The sums rounded to T. Throws non_finite_value if a sum is too large for T (only possible
    /// for float, with huge weights).
    vector_type result() const {
        return detail::dense_real_rounded<vector_type>(this->sum_data(), this->dim(), Family::result_operation,
                                                       [](double x) { return x; });
    }
};

/// Rows hold the components as they are; search computes the same cosine as similarity().
template <class F, std::size_t D, class T>
struct row_traits<normal_vector<F, D, T>> : dense_real_rows<normal_vector<F, D, T>> {};

/// Saved states name the family by its tag's name ("hrr", "vtb").
template <class F, std::size_t D, class T>
struct family_name<normal_vector<F, D, T>> {
    static constexpr std::string_view value = F::name;  ///< the name
};

}  // namespace hdc
