// hdc/models/sums.hpp - the weighted double sums behind the real-valued accumulators.
//
// real_accumulator, mbat_accumulator and phasor_accumulator all keep, per component, a weighted
// sum in double plus the total weight added; they differ only in how a vector is added (one array
// or a real and an imaginary one) and in what they make of the sums. weighted_sums holds the
// shared part: the dimension, the count, Parts aligned arrays of sums, the checks on a weight and
// a dimension, merge and clear.
//
// Finiteness: every sum stays within +-max_sum_magnitude (1e140), so sums, their squares, dot
// products and norms are finite in double for any dimension. The accumulator keeps an upper
// bound of |s_i| (the sum over adds of |w| times a bound of the added vector's components) and
// refuses, before any change, an add or merge that could pass the limit: an accumulator never
// holds an infinity or a NaN, whatever the weights.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <cstddef>
#include <span>
#include <string>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/storage.hpp"
#include "../simd/floating.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"

namespace hdc::detail {

/// Parts arrays of dim weighted sums in double (64-byte aligned, padding zero) and the total
/// weight added. The dimension must already be checked by the owning accumulator.
/// Largest |sum| a floating-point accumulator holds (see the header comment).
inline constexpr double max_sum_magnitude = 1e140;

/// A bound of |x| for every finite component x of an array of T, without reading it: the largest
/// finite float for float arrays; for double arrays the largest |x| actually present.
template <class T>
double component_bound(const T* x, std::size_t n) noexcept {
    if constexpr (sizeof(T) == sizeof(float)) {
        (void)x;
        (void)n;
        return static_cast<double>(std::numeric_limits<float>::max());
    } else {
        double m = 0;
        for (std::size_t i = 0; i < n; ++i) m = std::fabs(x[i]) > m ? std::fabs(x[i]) : m;
        return m;
    }
}

template <std::size_t D, std::size_t Parts = 1>
class weighted_sums {
    static_assert(Parts >= 1);

public:
    explicit weighted_sums(std::size_t dim) : dim_(dim) {
        for (auto& p : parts_) p = aligned_buffer<double>(dim);
    }

    std::size_t dim() const noexcept { return dim_.get(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return count_; }
    /// The sums of one part.
    std::span<const double> sums(std::size_t part = 0) const noexcept { return parts_[part].span(); }
    const double* data(std::size_t part = 0) const noexcept { return parts_[part].data(); }
    double* data(std::size_t part = 0) noexcept { return parts_[part].data(); }

    /// Checks the weight (non_finite_value for NaN or infinity, "<operation>: weight must be
    /// finite, got w"), the dimension of the vector added (dimension_mismatch) and that the sums
    /// stay within max_sum_magnitude when every |component| of the vector is at most
    /// `component_max` (invalid_parameter), then calls kernel() to add w times the vector to
    /// the sums and adds w to the count. Nothing changes if a check fails.
    template <class Kernel>
    void add_with(const char* operation, std::size_t values_dim, double w, double component_max,
                  Kernel&& kernel) {
        if (!std::isfinite(w))
            throw non_finite_value(std::string(operation) + ": weight must be finite, got " +
                                   std::to_string(w));
        check_same_dim(operation, dim(), values_dim);
        const double bound = reserve(std::fabs(w) * component_max, operation);
        kernel();
        count_ += w;
        bound_ = bound;
    }

    /// add_with for a single array: sums[i] += w * values[i] (simd::real_axpy, one rounding per
    /// component).
    template <class T>
    void add_scaled(const T* values, std::size_t values_dim, double w, const char* operation)
        requires(Parts == 1)
    {
        add_with(operation, values_dim, w, component_bound(values, values_dim),
                 [&] { simd::real_axpy(w, values, data(), dim()); });
    }

    /// Adds the sums and the count of other: equal to adding its vectors here (up to rounding).
    /// Refuses (invalid_parameter, nothing changed) a merge that could pass max_sum_magnitude.
    void merge(const weighted_sums& other, const char* operation) {
        check_same_dim(operation, dim(), other.dim());
        const double bound = reserve(other.bound_, operation);
        for (std::size_t k = 0; k < Parts; ++k)
            simd::real_axpy(1.0, other.parts_[k].data(), parts_[k].data(), dim());
        count_ += other.count_;
        bound_ = bound;
    }

    /// Shifts the sums of every part cyclically toward higher indices by k (0 <= k < dim): sum
    /// i moves to i + k. May throw std::bad_alloc, before any change.
    void rotate(std::size_t k) {
        if (k == 0) return;
        std::array<aligned_buffer<double>, Parts> moved;
        for (std::size_t p = 0; p < Parts; ++p) {
            moved[p] = aligned_buffer<double>(dim());
            rotate_elements(parts_[p].data(), moved[p].data(), dim(), k);
        }
        parts_ = std::move(moved);
    }

    /// Multiplies every sum and the count by factor. Throws non_finite_value for NaN or
    /// infinity and invalid_parameter if the sums could pass max_sum_magnitude, before any
    /// change.
    void scale(double factor, const char* operation) {
        if (!std::isfinite(factor))
            throw non_finite_value(std::string(operation) + ": factor must be finite, got " +
                                   std::to_string(factor));
        const double bound = bound_ * std::fabs(factor);
        if (!(bound <= max_sum_magnitude))
            throw invalid_parameter(std::string(operation) +
                                    ": the sums could exceed 1e140 in magnitude (factor too large)");
        for (auto& p : parts_)
            for (auto& s : p) s *= factor;
        count_ *= factor;
        bound_ = bound;
    }

    /// Forgets everything added.
    void clear() noexcept {
        for (auto& p : parts_)
            for (auto& s : p) s = 0;
        count_ = 0;
        bound_ = 0;
    }

private:
    /// The bound of every |sum| after adding up to `extra` to each; invalid_parameter if it
    /// could pass max_sum_magnitude.
    double reserve(double extra, const char* operation) const {
        const double bound = bound_ + extra;
        if (!(bound <= max_sum_magnitude))
            throw invalid_parameter(std::string(operation) +
                                    ": the sums could exceed 1e140 in magnitude (weight too large"
                                    " for the values added)");
        return bound;
    }

    [[no_unique_address]] dim_store<D> dim_;
    std::array<aligned_buffer<double>, Parts> parts_;
    double count_ = 0;
    double bound_ = 0;  // an upper bound of every |sum|
    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
};

}  // namespace hdc::detail

namespace hdc {

/// The accumulator of a dense real-valued family (real, MBAT; the families to come that bundle
/// by plain summation): per component the weighted sum in double, merge, clear, and the dot
/// product and cosine of the sums with a vector. Derived adds only result() (what the family
/// makes of its sums) and names the operations in its error messages (static constexpr const
/// char* add_operation and merge_operation, e.g. "real_accumulator::add").
/// Any finite weight is accepted. Thread safety: const members may be called concurrently,
/// non-const ones need exclusive access.
template <class Derived, class V>
class dense_sums_accumulator : public accumulator_facade<Derived, V> {
public:
    /// An empty accumulator for vectors of dimension dim.
    explicit dense_sums_accumulator(std::size_t dim)
        : sums_(detail::resolve_dim<V::extent>(dim)) {}

    /// The dimension of the vectors it takes.
    std::size_t dim() const noexcept { return sums_.dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return sums_.count(); }
    /// The weighted sums, one per component.
    std::span<const double> sums() const noexcept { return sums_.sums(); }

    /// Adds the sums of another accumulator: equal to adding its vectors here (up to rounding).
    void merge(const Derived& other) {
        sums_.merge(other.sums_, Derived::merge_operation);
    }
    /// Forgets everything added.
    void clear() noexcept { sums_.clear(); }

    /// Cyclic shift of the bundle right by k (negative k shifts left): afterwards it holds the
    /// sum of permute(v, k) over the vectors v added, since permutation distributes over
    /// bundling. May throw std::bad_alloc, before any change.
    void permute(std::ptrdiff_t k) { sums_.rotate(detail::shift_amount(k, dim())); }
    /// Multiplies the bundle (every sum, and the count) by a finite factor, e.g. a forgetting
    /// factor. Throws non_finite_value or invalid_parameter (sums beyond 1e140), before any
    /// change.
    void scale(double factor) { sums_.scale(factor, Derived::scale_operation); }

    /// Dot product of the sums with v, in double.
    double dot_with(const V& v) const {
        detail::check_same_dim("dot", dim(), v.dim());
        return simd::real_dot(sums_.data(), v.data(), dim());
    }
    /// Cosine between the sums and v (0 if either is zero).
    double similarity_with(const V& v) const {
        const double d = dot_with(v);
        const double ns = norm_of_sums();
        const double nv = std::sqrt(simd::real_sum_squares(v.data(), v.dim()));
        if (ns == 0 || nv == 0) return 0.0;
        return d / (ns * nv);
    }

protected:
    /// The sums (dim() of them, 64-byte aligned).
    const double* sum_data() const noexcept { return sums_.data(); }
    /// L2 norm of the sums.
    double norm_of_sums() const noexcept {
        return std::sqrt(simd::real_sum_squares(sums_.data(), dim()));
    }

private:
    friend class accumulator_facade<Derived, V>;
    template <class, class>
    friend class dense_sums_accumulator;

    /// sums[i] = fma(w, v[i], sums[i]) (simd::real_axpy: one rounding per component).
    void add_weighted(const V& v, double w) {
        sums_.add_scaled(v.data(), v.dim(), w, Derived::add_operation);
    }

    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
    detail::weighted_sums<V::extent> sums_;
};

}  // namespace hdc
