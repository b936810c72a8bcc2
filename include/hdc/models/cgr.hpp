// hdc/models/cgr.hpp - cyclic group representation (CGR): integer phases modulo Q bundled by the
// per-component mode.
//
// Yu, Kleyko et al., "Understanding hyperdimensional computing for parallel single-pass
// learning", NeurIPS 2022 (after Snaider and Franklin's MCR, Cognitive Computation 6(3), 2014).
// The vector algebra (binding by addition mod Q, exact unbinding, cyclic-shift permutation,
// similarity = mean cosine of the phase differences) is shared with MCR in modular.hpp. CGR's
// bundle, as in torchhd's CGRTensor.multibundle (torch.mode over the members): per component
// the most frequent value among the members. torchhd leaves ties to torch.mode (in practice the
// lowest tied value wins, which favours phase 0); this library breaks them by the fair cyclic
// rule of the sparse block codes (detail::fair_argmax, start index from the fixed tie-break
// vector), so every tied value is equally likely and the bundle does not depend on the order
// of the members.
//
// The accumulator keeps, per component, the integer weight of each of the Q values (D x Q int32
// counts, 4 D Q bytes: mind it for large Q; result() scans them, O(D Q)). It also keeps the
// phasor sums S_i = sum_j C_ij e^{2 pi i j / Q} the counts determine (in double, updated on
// every add), so similarity(acc, v) is MCR's readout, Re<S, v> / (|S| sqrt(D)), in O(D).
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "../core/algebra.hpp"
#include "../core/error.hpp"
#include "../core/storage.hpp"
#include "../simd/modular.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"
#include "modular.hpp"

namespace hdc {

/// A cyclic group representation: D phases modulo Q (D may be hdc::dynamic), bundled by the
/// per-component mode. See modular.hpp for the shared algebra.
template <std::size_t D, std::size_t Q>
using cgr = modular_vector<D, Q, modular_rule::cgr>;

/// The un-normalised CGR bundle: D x Q integer counts, count (i, j) being the total weight of
/// added vectors whose component i is j. result() keeps the most frequent value of each
/// component (fair ties, see the header comment). Weights must be integers; the total absolute
/// weight is limited so that no count can overflow. Thread safety: const members may be called
/// concurrently, non-const ones need exclusive access.
template <std::size_t D, std::size_t Q>
class cgr_accumulator : public accumulator_facade<cgr_accumulator<D, Q>, cgr<D, Q>> {
public:
    using vector_type = cgr<D, Q>;

    /// Largest total absolute weight an accumulator takes: every count stays within int32.
    static constexpr std::int64_t max_total_weight = std::numeric_limits<std::int32_t>::max();

    cgr_accumulator() requires(D != dynamic) : cgr_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim (D x Q counts).
    explicit cgr_accumulator(std::size_t dim)
        : dim_(detail::resolve_dim<D>(dim)), counts_(dim_.get() * Q), re_(dim_.get()), im_(dim_.get()) {}

    /// The dimension of the vectors it takes.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// Same as dim().
    std::size_t shape() const noexcept { return dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return static_cast<double>(count_); }
    /// The counts, component after component: count (i, j) at i * Q + j.
    std::span<const std::int32_t> counts() const noexcept { return counts_.span(); }

    /// Adds the counts of another accumulator: equal to adding its vectors here.
    void merge(const cgr_accumulator& other) {
        detail::check_same_dim("cgr_accumulator::merge", dim(), other.dim());
        reserve_weight(other.magnitude_, "cgr_accumulator::merge");
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
        for (std::size_t i = 0; i < dim(); ++i) {
            re_[i] += other.re_[i];
            im_[i] += other.im_[i];
        }
        count_ += other.count_;
        magnitude_ += other.magnitude_;
    }
    /// Cyclic shift of the bundle right by k (negative k shifts left): afterwards it holds the
    /// counts of permute(v, k) over the vectors v added. May throw std::bad_alloc, before any
    /// change.
    void permute(std::ptrdiff_t k) {
        const std::size_t shift = detail::shift_amount(k, dim());
        if (shift == 0) return;
        aligned_buffer<std::int32_t> moved(counts_.size());
        aligned_buffer<double> re(dim()), im(dim());
        detail::rotate_elements(counts_.data(), moved.data(), counts_.size(), shift * Q);
        detail::rotate_elements(re_.data(), re.data(), dim(), shift);
        detail::rotate_elements(im_.data(), im.data(), dim(), shift);
        counts_ = std::move(moved);
        re_ = std::move(re);
        im_ = std::move(im);
    }
    /// Forgets every vector.
    void clear() noexcept {
        for (auto& c : counts_) c = 0;
        for (auto& x : re_) x = 0;
        for (auto& x : im_) x = 0;
        count_ = 0;
        magnitude_ = 0;
    }

    /// Per component the value with the largest count (fair ties: detail::fair_argmax).
    vector_type result() const {
        const auto tie = symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed, dim());
        auto out = detail::storage_access::for_overwrite<vector_type>(dim());
        std::uint16_t* x = detail::storage_access::data(out);
        for (std::size_t i = 0; i < dim(); ++i)
            x[i] = static_cast<std::uint16_t>(detail::fair_argmax(counts_.data() + i * Q, Q, tie[i]));
        return out;
    }

    /// The phasor sum S_i = sum_j C_ij e^{2 pi i j / Q} of component i. No bounds check.
    std::complex<double> operator[](std::size_t i) const noexcept { return {re_[i], im_[i]}; }

    /// Hermitian inner product of the phasor sums with v: sum_i S_i e^{-2 pi i v_i / Q}.
    std::complex<double> dot_with(const vector_type& v) const {
        detail::check_same_dim("dot", dim(), v.dim());
        return dot_and_norm(v).first;
    }
    /// Re<S, v> / (|S| sqrt(D)) with the phasor sums S of the counts (0 when they vanish).
    double similarity_with(const vector_type& v) const {
        detail::check_same_dim("similarity", dim(), v.dim());
        const auto [d, norm2] = dot_and_norm(v);
        const double m = static_cast<double>(magnitude_);
        if (norm2 <= 1e-18 * m * m * static_cast<double>(dim())) return 0.0;
        return d.real() / std::sqrt(norm2 * static_cast<double>(dim()));
    }

private:
    /// Throws unless `extra` more absolute weight keeps every count within int32.
    void reserve_weight(std::int64_t extra, const char* operation) const {
        if (extra > max_total_weight - magnitude_)
            throw invalid_parameter(std::string(operation) + ": total absolute weight would exceed " +
                                    std::to_string(max_total_weight) + " (int32 counts)");
    }

    friend class accumulator_facade<cgr_accumulator, vector_type>;

    /// Adds an integer weight of votes for v (invalid_parameter for a fractional weight).
    void add_weighted(const vector_type& v, double weight) {
        const std::int32_t w = detail::integer_weight(weight, "cgr");
        detail::check_same_dim("cgr_accumulator::add", dim(), v.dim());
        const std::int64_t magnitude = w < 0 ? -std::int64_t{w} : std::int64_t{w};
        reserve_weight(magnitude, "cgr_accumulator::add");
        std::int32_t* c = counts_.data();
        const auto& t = detail::phases<Q>();
        const double wd = w;
        for (std::size_t i = 0; i < dim(); ++i) {
            const std::size_t x = v[i];
            c[i * Q + x] += w;
            re_[i] = std::fma(wd, t.cos[x], re_[i]);
            im_[i] = std::fma(wd, t.sin[x], im_[i]);
        }
        count_ += w;
        magnitude_ += magnitude;
    }

    /// sum_i S_i e^{-2 pi i v_i / Q} and sum_i |S_i|^2, in one pass over the counts.
    std::pair<std::complex<double>, double> dot_and_norm(const vector_type& v) const {
        const auto& t = detail::phases<Q>();
        double dr = 0, di = 0, norm2 = 0;
        for (std::size_t i = 0; i < dim(); ++i) {
            const double x = re_[i], y = im_[i], c = t.cos[v[i]], s = t.sin[v[i]];
            dr += x * c + y * s;
            di += y * c - x * s;
            norm2 += x * x + y * y;
        }
        return {{dr, di}, norm2};
    }

    [[no_unique_address]] detail::dim_store<D> dim_;
    aligned_buffer<std::int32_t> counts_;
    aligned_buffer<double> re_, im_;  // the phasor sums of the counts
    std::int64_t count_ = 0;
    std::int64_t magnitude_ = 0;  // sum of |weight| ever added: bounds every |count|
};

/// Saved states name the family "cgr".
template <std::size_t D, std::size_t Q>
struct family_name<cgr<D, Q>> {
    static constexpr std::string_view value = "cgr";  ///< the name
};

}  // namespace hdc
