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
};

}  // namespace hdc::detail
