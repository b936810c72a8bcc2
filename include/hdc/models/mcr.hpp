// hdc/models/mcr.hpp - modular composite representation (MCR): integer phases modulo Q bundled
// by the phasor sum, quantised back to the nearest phase.
//
// Snaider and Franklin, "Modular composite representation", Cognitive Computation 6(3), 2014.
// The vector algebra (binding by addition mod Q, exact unbinding by subtraction, cyclic-shift
// permutation, similarity = mean cosine of the phase differences) is shared with CGR and lives in
// modular.hpp. MCR's bundle, as in torchhd's MCRTensor.multibundle: per component the sum of the
// members' phasors e^{2 pi i a / Q}, whose angle is rounded to the nearest of the Q phases
// (torchhd: round(Q * angle(sum) / 2 pi) mod Q). A sum that vanishes has no angle, and an
// angle half-way between two phases (common: two members whose phases differ by an odd number
// of steps) has two nearest ones: torchhd takes the rounded mean of the members' values or the
// rounding of the last bit there; this library decides both by partner components, as the
// binary and bipolar majorities do (mcr_accumulator), which keeps the bundle independent of the
// members' order and unrelated bundles unrelated.
//
// The angle is rounded without atan2 (detail::nearest_phase: a polynomial guess, then the exact
// scores of the two candidate phases): independent of libm, and faster (bench/RESULTS.md).
//
// The accumulator keeps the complex sums (in double, like phasor_accumulator), so
// similarity(acc, v) is FHRR's readout with Q-th roots of unity: Re<S, v> / (|S| sqrt(D)).
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/error.hpp"
#include "../simd/complex.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"
#include "modular.hpp"
#include "sums.hpp"

namespace hdc {

/// A modular composite representation: D phases modulo Q (D may be hdc::dynamic), bundled by
/// the quantised phasor sum. See modular.hpp for the shared algebra.
template <std::size_t D, std::size_t Q>
using mcr = modular_vector<D, Q, modular_rule::mcr>;

/// The un-normalised MCR bundle: per component the complex sum (in double) of the weighted
/// members' phasors e^{2 pi i a / Q}. result() rounds each sum's angle to the nearest phase.
/// Ties are decided by the partner rule of the binary and bipolar majorities (votes.hpp,
/// ALGORITHMS.md 1.1), from the bundle's own phases: an angle half-way between two phases
/// (their scores equal within 1e-12 of the total absolute weight added, so that rounding noise
/// and the members' order do not decide) takes the counter-clockwise one if the partner
/// component's phase is odd, else the clockwise one; a sum within 1e-9 of zero (relative to
/// the same weight) takes the partner's phase. A chain of tied partners longer than
/// detail::tie_steps ends at the fixed tie-break vector. So the bundle does not depend on the
/// members' order and unrelated even bundles do not correlate. Weights may be any finite
/// number. Thread safety: const members
/// may be called concurrently, non-const ones need exclusive access.
template <std::size_t D, std::size_t Q>
class mcr_accumulator : public accumulator_facade<mcr_accumulator<D, Q>, mcr<D, Q>> {
public:
    using vector_type = mcr<D, Q>;

    /// An empty accumulator of dimension D (fixed D only).
    mcr_accumulator() requires(D != dynamic) : mcr_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit mcr_accumulator(std::size_t dim) : sums_(detail::resolve_dim<D>(dim)) {}

    /// The dimension of the vectors it takes.
    std::size_t dim() const noexcept { return sums_.dim(); }
    /// Same as dim().
    std::size_t shape() const noexcept { return dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return sums_.count(); }
    /// Real parts of the sums.
    std::span<const double> re() const noexcept { return sums_.sums(0); }
    /// Imaginary parts of the sums.
    std::span<const double> im() const noexcept { return sums_.sums(1); }
    /// The sum of component i. No bounds check.
    std::complex<double> operator[](std::size_t i) const noexcept {
        return {sums_.data(0)[i], sums_.data(1)[i]};
    }

    /// Adds the sums of another accumulator.
    void merge(const mcr_accumulator& other) {
        sums_.merge(other.sums_, "mcr_accumulator::merge");
        magnitude_ += other.magnitude_;
    }
    /// Forgets every vector.
    void clear() noexcept {
        sums_.clear();
        magnitude_ = 0;
    }
    /// Cyclic shift of the bundle right by k (negative k shifts left): afterwards it holds the
    /// sums of permute(v, k) over the vectors v added. May throw std::bad_alloc, before any
    /// change.
    void permute(std::ptrdiff_t k) { sums_.rotate(detail::shift_amount(k, dim())); }
    /// Multiplies the bundle (every sum, and the count) by a finite real factor, e.g. a
    /// forgetting factor. Throws non_finite_value or invalid_parameter, before any change.
    void scale(double factor) {
        sums_.scale(factor, "mcr_accumulator::scale");
        magnitude_ *= std::fabs(factor);
    }

    /// Per component the phase nearest to the sum's angle; ties (an angle half-way between two
    /// phases, or a vanishing sum) follow the partner rule (see the class comment).
    vector_type result() const {
        auto out = detail::storage_access::for_overwrite<vector_type>(dim());
        std::uint16_t* x = detail::storage_access::data(out);
        // Per component: 0 decided, 1 half-way (x holds the lower candidate), 2 vanishing sum.
        std::vector<std::uint8_t> kind(dim(), 0);
        const double* re = sums_.data(0);
        const double* im = sums_.data(1);
        const double zero = 1e-9 * magnitude_, level = 1e-12 * magnitude_;
        const auto& t = detail::phases<Q>();
        bool any = false;
        for (std::size_t i = 0; i < dim(); ++i) {
            if (std::fabs(re[i]) <= zero && std::fabs(im[i]) <= zero) {
                kind[i] = 2;
                x[i] = 0;
            } else {
                const detail::phase_candidates c = detail::phase_neighbours(re[i], im[i], Q, t);
                if (std::fabs(c.upper_score - c.lower_score) <= level) {
                    kind[i] = 1;
                    x[i] = static_cast<std::uint16_t>(c.lower);
                } else {
                    x[i] = static_cast<std::uint16_t>(c.upper_score > c.lower_score ? c.upper : c.lower);
                    continue;
                }
            }
            any = true;
        }
        if (!any) return out;
        std::optional<vector_type> tie;  // the last fallback, built only if a chain runs out
        detail::resolve_ties_by_partners(
            x, dim(), [&](std::size_t i) { return kind[i] != 0; },
            [&](std::size_t i, std::uint16_t p) {
                if (kind[i] == 2) return p;
                return static_cast<std::uint16_t>(p % 2 == 1 ? (x[i] + 1 == Q ? 0 : x[i] + 1) : x[i]);
            },
            [&](std::size_t i) {
                if (!tie) tie = symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed, dim());
                return (*tie)[i];
            });
        return out;
    }

    /// Hermitian inner product of the sums with v's phasors: sum_i S_i e^{-2 pi i v_i / Q}.
    std::complex<double> dot_with(const vector_type& v) const {
        detail::check_same_dim("dot", dim(), v.dim());
        const auto& t = detail::phases<Q>();
        const double* re = sums_.data(0);
        const double* im = sums_.data(1);
        double dr = 0, di = 0;
        for (std::size_t i = 0; i < dim(); ++i) {
            const double c = t.cos[v[i]], s = t.sin[v[i]];
            dr = std::fma(re[i], c, std::fma(im[i], s, dr));  // explicit fma: same bits on every build
            di = std::fma(im[i], c, std::fma(-re[i], s, di));
        }
        return {dr, di};
    }
    /// Re<S, v> / (|S| sqrt(D)): the cosine between the sums and v's phasors (0 when empty).
    double similarity_with(const vector_type& v) const {
        const std::complex<double> d = dot_with(v);
        const double norm2 = simd::complex_norm2(sums_.data(0), sums_.data(1), dim());
        // Rounding residues (add a, b, subtract a, b) are no direction: treated as a zero sum.
        if (norm2 <= 1e-18 * magnitude_ * magnitude_ * static_cast<double>(dim())) return 0.0;
        return d.real() / std::sqrt(norm2 * static_cast<double>(dim()));
    }

private:
    friend class accumulator_facade<mcr_accumulator, vector_type>;
    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)

    void add_weighted(const vector_type& v, double w) {
        sums_.add_with("mcr_accumulator::add", v.dim(), w, 1.0, [&] {
            const auto& t = detail::phases<Q>();
            const double* c = t.cos.data();
            const double* s = t.sin.data();
            const std::uint16_t* x = v.data();
            double* re = sums_.data(0);
            double* im = sums_.data(1);
            const std::size_t n = dim();
            for (std::size_t i = 0; i < n; ++i) {  // explicit fma: one rounding on every build
                re[i] = std::fma(w, c[x[i]], re[i]);
                im[i] = std::fma(w, s[x[i]], im[i]);
            }
        });
        magnitude_ += std::fabs(w);
    }

    detail::weighted_sums<D, 2> sums_;  // real parts, imaginary parts
    double magnitude_ = 0;              // sum of |weight| added: the scale of a vanishing sum
};

/// Saved states name the family "mcr".
template <std::size_t D, std::size_t Q>
struct family_name<mcr<D, Q>> {
    static constexpr std::string_view value = "mcr";  ///< the name
};

}  // namespace hdc
