// hdc/models/sums.hpp - the weighted double sums behind the real-valued accumulators.
//
// real_accumulator, mbat_accumulator and phasor_accumulator all keep, per component, a weighted
// sum in double plus the total weight added; they differ only in how a vector is added (one array
// or a real and an imaginary one) and in what they make of the sums. weighted_sums holds the
// shared part: the dimension, the count, Parts aligned arrays of sums, the checks on a weight and
// a dimension, merge and clear.
#pragma once

#include <array>
#include <cmath>
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
    /// finite, got w") and then the dimension of the vector added (dimension_mismatch), calls
    /// kernel() to add w times the vector to the sums, and adds w to the count.
    template <class Kernel>
    void add_with(const char* operation, std::size_t values_dim, double w, Kernel&& kernel) {
        if (!std::isfinite(w))
            throw non_finite_value(std::string(operation) + ": weight must be finite, got " +
                                   std::to_string(w));
        check_same_dim(operation, dim(), values_dim);
        kernel();
        count_ += w;
    }

    /// add_with for a single array: sums[i] += w * values[i] (simd::real_axpy, one rounding per
    /// component).
    template <class T>
    void add_scaled(const T* values, std::size_t values_dim, double w, const char* operation)
        requires(Parts == 1)
    {
        add_with(operation, values_dim, w, [&] { simd::real_axpy(w, values, data(), dim()); });
    }

    /// Adds the sums and the count of other: equal to adding its vectors here (up to rounding).
    void merge(const weighted_sums& other, const char* operation) {
        check_same_dim(operation, dim(), other.dim());
        for (std::size_t k = 0; k < Parts; ++k)
            simd::real_axpy(1.0, other.parts_[k].data(), parts_[k].data(), dim());
        count_ += other.count_;
    }

    /// Forgets everything added.
    void clear() noexcept {
        for (auto& p : parts_)
            for (auto& s : p) s = 0;
        count_ = 0;
    }

private:
    [[no_unique_address]] dim_store<D> dim_;
    std::array<aligned_buffer<double>, Parts> parts_;
    double count_ = 0;
};

}  // namespace hdc::detail
