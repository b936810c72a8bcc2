// hdc/models/cgr.hpp - cyclic group representation (CGR): integer phases modulo Q bundled by the
// per-component mode.
//
// Yu, Kleyko et al., "Understanding hyperdimensional computing for parallel single-pass
// learning", NeurIPS 2022 (after Snaider and Franklin's MCR, Cognitive Computation 6(3), 2014).
// The vector algebra (binding by addition mod Q, exact unbinding, cyclic-shift permutation,
// similarity = mean cosine of the phase differences) is shared with MCR in modular.hpp. CGR's
// bundle, as in torchhd's CGRTensor.multibundle (torch.mode over the members): per component
// the most frequent value among the members. torchhd leaves ties to torch.mode (in practice the
// lowest tied value wins, which favours phase 0). This library keeps, among tied values, those
// nearest the members' phasor sum (largest score Re(S e^{-2 pi i j / Q}), equal within 1e-12 of
// the total weight: the closest to MCR's bundle, and independent of the members' order); values
// still tied (e.g. the two values of a pair of members, symmetric about the sum) are decided
// by the partner rule of the binary and bipolar majorities (votes.hpp, ALGORITHMS.md 1.1): the
// k remaining candidates, ascending, are indexed by the partner component's value mod k, and a
// chain of tied partners longer than detail::tie_steps ends at the fixed tie-break vector. So
// the bundle does not depend on the members' order, and unrelated bundles do not correlate.
//
// The accumulator keeps, per component, the integer weight of each of the Q values (D x Q int32
// counts, 4 D Q bytes: mind it for large Q; result() scans them, O(D Q)). It also keeps the
// phasor sums S_i = sum_j C_ij e^{2 pi i j / Q} the counts determine (in double, updated on
// every add), so similarity(acc, v) is MCR's readout, Re<S, v> / (|S| sqrt(D)), in O(D).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
/// component (ties: see the header comment). Memory: 4 D Q bytes of counts plus 16 D of phasor
/// sums; D Q is limited to max_counts (2^28 counts, 1 GiB; invalid_parameter beyond, e.g.
/// D = 10,000 allows Q <= 26,843), and result() scans all D Q counts. Weights must be integers;
/// the total absolute weight ever added (subtracting adds to it too: a lifetime bound that
/// clear() resets) is limited to max_total_weight so that no count can overflow. Thread
/// safety: const members may be called concurrently, non-const ones need exclusive access.
template <std::size_t D, std::size_t Q>
class cgr_accumulator : public accumulator_facade<cgr_accumulator<D, Q>, cgr<D, Q>> {
public:
    using vector_type = cgr<D, Q>;

    /// Largest total absolute weight an accumulator takes: every count stays within int32.
    static constexpr std::int64_t max_total_weight = std::numeric_limits<std::int32_t>::max();
    /// Largest number of counts (D Q) an accumulator holds: 2^28, 1 GiB of int32.
    static constexpr std::size_t max_counts = std::size_t{1} << 28;

    /// An empty accumulator of dimension D (fixed D only).
    cgr_accumulator() requires(D != dynamic) : cgr_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim (D x Q counts). Throws
    /// invalid_parameter if D Q exceeds max_counts.
    explicit cgr_accumulator(std::size_t dim)
        : dim_(detail::resolve_dim<D>(dim)), counts_(checked_counts(dim_.get())), re_(dim_.get()), im_(dim_.get()) {}

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
    void permute(std::ptrdiff_t k) noexcept {
        const std::size_t shift = detail::shift_amount(k, dim());
        if (shift == 0) return;
        // In place (no second D x Q buffer): a right shift by k is a left rotation by n - k.
        std::rotate(counts_.data(), counts_.data() + (dim() - shift) * Q, counts_.data() + dim() * Q);
        std::rotate(re_.data(), re_.data() + (dim() - shift), re_.data() + dim());
        std::rotate(im_.data(), im_.data() + (dim() - shift), im_.data() + dim());
    }
    /// Forgets every vector.
    void clear() noexcept {
        for (auto& c : counts_) c = 0;
        for (auto& x : re_) x = 0;
        for (auto& x : im_) x = 0;
        count_ = 0;
        magnitude_ = 0;
    }

    /// Per component the value with the largest count; ties as in the header comment.
    vector_type result() const {
        auto out = detail::storage_access::for_overwrite<vector_type>(dim());
        std::uint16_t* x = detail::storage_access::data(out);
        const auto& t = detail::phases<Q>();
        const double level = 1e-12 * static_cast<double>(magnitude_);
        // Components still tied after the phasor sum: their candidates, ascending, in `options`
        // from first[i], how_many[i] + 1 of them (how_many[i] == 0: decided).
        std::vector<std::uint16_t> options;
        std::vector<std::uint32_t> first;
        std::vector<std::uint16_t> how_many;
        std::vector<std::uint16_t> tied;
        std::vector<double> score;
        for (std::size_t i = 0; i < dim(); ++i) {
            const std::int32_t* c = counts_.data() + i * Q;
            std::int32_t best = c[0];
            std::size_t at = 0, ties = 1;  // the first maximum and how many hold it
            for (std::size_t j = 1; j < Q; ++j) {
                if (c[j] > best) {
                    best = c[j];
                    at = j;
                    ties = 1;
                } else if (c[j] == best) {
                    ++ties;
                }
            }
            x[i] = static_cast<std::uint16_t>(at);
            if (ties == 1) continue;  // one mode: decided
            tied.clear();
            for (std::size_t j = at; j < Q; ++j)
                if (c[j] == best) tied.push_back(static_cast<std::uint16_t>(j));
            {  // keep the tied values nearest the phasor sum
                double top = -std::numeric_limits<double>::infinity();
                score.resize(tied.size());
                for (std::size_t k = 0; k < tied.size(); ++k) {
                    score[k] = std::fma(re_[i], t.cos[tied[k]], im_[i] * t.sin[tied[k]]);
                    top = std::max(top, score[k]);
                }
                std::size_t kept = 0;
                for (std::size_t k = 0; k < tied.size(); ++k)
                    if (score[k] >= top - level) tied[kept++] = tied[k];
                tied.resize(kept);
            }
            x[i] = tied[0];
            if (tied.size() == 1) continue;
            if (first.empty()) {
                first.assign(dim(), 0);
                how_many.assign(dim(), 0);
            }
            first[i] = static_cast<std::uint32_t>(options.size());
            how_many[i] = static_cast<std::uint16_t>(tied.size() - 1);  // count - 1: Q fits 16 bits
            options.insert(options.end(), tied.begin(), tied.end());
        }
        if (first.empty()) return out;
        std::optional<vector_type> tie;  // the last fallback, built only if a chain runs out
        detail::resolve_ties_by_partners(
            x, dim(), [&](std::size_t i) { return how_many[i] != 0; },
            [&](std::size_t i, std::uint16_t p) {
                return options[first[i] + p % (std::size_t{how_many[i]} + 1)];
            },
            [&](std::size_t i) {
                if (!tie) tie = symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed, dim());
                return (*tie)[i];
            });
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
    /// dim * Q, checked against max_counts (invalid_parameter naming D, Q and the bytes).
    static std::size_t checked_counts(std::size_t dim) {
        if (dim > max_counts / Q)
            throw invalid_parameter("cgr_accumulator: D = " + std::to_string(dim) + " x Q = " + std::to_string(Q) +
                                    " counts would take " +
                                    std::to_string(static_cast<unsigned long long>(4.0 * static_cast<double>(dim) * Q)) +
                                    " bytes, above the limit of 2^28 counts (1 GiB)");
        return dim * Q;
    }

    /// Throws unless `extra` more absolute weight keeps every count within int32.
    void reserve_weight(std::int64_t extra, const char* operation) const {
        if (extra > max_total_weight - magnitude_)
            throw invalid_parameter(std::string(operation) + ": total absolute weight would exceed " +
                                    std::to_string(max_total_weight) + " (int32 counts)");
    }

    friend class accumulator_facade<cgr_accumulator, vector_type>;
    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)

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
            dr = std::fma(x, c, std::fma(y, s, dr));  // explicit fma: same bits on every build
            di = std::fma(y, c, std::fma(-x, s, di));
            norm2 = std::fma(x, x, std::fma(y, y, norm2));
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
