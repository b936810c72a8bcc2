// hdc/models/dense_real.hpp - what the dense real families share: D finite components of type
// float or double, compared by the cosine, permuted by a cyclic shift, summed in double.
//
// MAP-C (models/real.hpp) and the Normal-atom families HRR and VTB (models/normal_atoms.hpp)
// differ in their atoms, their binding and the dimensions they accept, not in how they store,
// compare, permute or round their vectors. dense_real_vector<Derived, D, T> holds that part once,
// as a base of each family's vector class (Derived, which adds its constructors, atoms and
// binding); the free functions below take any of them. dense_real_rounded() is the accumulators'
// shared read-out of their double sums, dense_real_rows the item-memory row layout.
// Components are always finite: every entry point that takes values from the caller rejects NaN
// and infinity.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "../core/algebra.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../simd/floating.hpp"
#include "common.hpp"
#include "cosine_rows.hpp"
#include "element_wise.hpp"

namespace hdc {

/// The shared base of the dense real families (hdc::real, hdc::hrr, hdc::vtb): D components of
/// type T (float or double; D may be hdc::dynamic) in one 64-byte aligned, zero-padded array.
/// Derived is the family's vector class (CRTP); it adds constructors, atoms and binding, and
/// keeps the invariant that every component is finite.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <class Derived, std::size_t D, class T>
class dense_real_vector : public vector_storage<D, T> {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "hdc: the component type of a dense real vector must be float or double");
    using base = vector_storage<D, T>;

public:
    using value_type = T;

    /// The dimension (number of components).
    std::size_t dim() const noexcept { return base::dim(); }
    /// The components.
    std::span<const T> values() const noexcept { return base::part_span(); }
    /// Pointer to the components (64-byte aligned, readable up to padded_size(), padding zero).
    const T* data() const noexcept { return base::part(); }
    /// Component i. No bounds check.
    T operator[](std::size_t i) const noexcept { return data()[i]; }

    /// Same dimension and equal components, compared exactly (no tolerance: vectors equal in
    /// exact arithmetic may differ by rounding; compare those by similarity).
    friend bool operator==(const Derived& a, const Derived& b) noexcept { return a.same_as(b); }

protected:
    /// dim zero components (dim already validated by Derived).
    explicit dense_real_vector(std::size_t dim) : base(dim, dim) {}
    /// A copy of a vector of the same family with another extent (invalid_dimension if it does
    /// not fit D).
    template <class E_derived, std::size_t E>
    explicit dense_real_vector(const dense_real_vector<E_derived, E, T>& other) : base(other) {}

    /// Copies values (exactly dim() of them: the caller checks the count), rejecting NaN and
    /// infinity with non_finite_value naming "<name>::from_values" and the component.
    void assign_finite(std::span<const T> values, std::string_view name) {
        T* out = base::mutable_part();
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!std::isfinite(values[i]))
                throw non_finite_value(std::string(name) + "::from_values: component " + std::to_string(i) +
                                       " is " + std::to_string(values[i]) + ", must be finite");
            out[i] = values[i];
        }
    }
};

/// Cyclic shift right by k components (component i moves to i + k); negative k shifts left.
template <class V, std::size_t D, class T>
V permute(const dense_real_vector<V, D, T>& v, std::ptrdiff_t k) {
    const V& a = static_cast<const V&>(v);
    if (a.dim() == 0) return a;  // an empty dynamic vector has nothing to rotate
    auto out = detail::storage_access::for_overwrite<V>(a.dim());
    detail::rotate_elements(a.data(), detail::storage_access::data(out), a.dim(),
                            detail::shift_amount(k, a.dim()));
    return out;
}

/// Dot product, accumulated in double.
template <class V, std::size_t D, class T>
double dot(const dense_real_vector<V, D, T>& a, const dense_real_vector<V, D, T>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return simd::real_dot(a.data(), b.data(), a.dim());
}

/// Euclidean norm, accumulated in double.
template <class V, std::size_t D, class T>
double norm(const dense_real_vector<V, D, T>& a) {
    return std::sqrt(simd::real_sum_squares(a.data(), a.dim()));
}

/// Cosine of the angle between a and b (0 if either is the zero vector).
template <class V, std::size_t D, class T>
double cosine(const dense_real_vector<V, D, T>& a, const dense_real_vector<V, D, T>& b) {
    const double d = dot(a, b);
    const double na = norm(a), nb = norm(b);
    if (na == 0 || nb == 0) return 0.0;
    return d / (na * nb);
}

/// Normalised similarity: the cosine.
template <class V, std::size_t D, class T>
double similarity(const dense_real_vector<V, D, T>& a, const dense_real_vector<V, D, T>& b) {
    return cosine(a, b);
}

namespace detail {

/// The vector of f(s_i) rounded to V's component type, for the accumulators' read-outs; throws
/// non_finite_value naming the operation if a value does not fit the type (only possible for
/// float, with huge weights).
template <class V, class F>
V dense_real_rounded(const double* s, std::size_t dim, const char* operation, F f) {
    using T = typename V::value_type;
    auto out = storage_access::for_overwrite<V>(dim);
    T* o = storage_access::data(out);
    for (std::size_t i = 0; i < dim; ++i) {
        o[i] = static_cast<T>(f(s[i]));
        if (!std::isfinite(o[i]))
            throw non_finite_value(std::string(operation) + ": component " + std::to_string(i) + " (" +
                                   std::to_string(f(s[i])) + ") does not fit the component type");
    }
    return out;
}

}  // namespace detail

/// Item-memory rows of a dense real family V: the components as they are; search computes the
/// same cosine as similarity(). A family's row_traits derives from it.
template <class V>
struct dense_real_rows {
    using element_type = typename V::value_type;  ///< one row element per component
    /// One element per component.
    static std::size_t row_size(std::size_t dim) { return dim; }
    /// Copies the components into the row.
    static void store(const V& v, element_type* row) { std::copy(v.data(), v.data() + v.dim(), row); }
    /// The vector of a row (validated as by V::from_values).
    static V load(const element_type* row, std::size_t dim) {
        return V::from_values(std::span<const element_type>(row, dim), dim);
    }
    /// Rows are dense components: searched by cosine with cached row norms.
    using kernel = row_kernels::cosine<element_type>;
};

}  // namespace hdc
