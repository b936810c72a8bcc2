// hdc/encoders/scalar.hpp - encoders of real numbers: level, thermometer, circular and fractional
// power encoding (FPE) with its random-Fourier-feature forms (ALGORITHMS.md section 1.4).
//
// Every encoder is built from a value range, an explicit out-of-range policy and a seed; the same
// seed gives bit-identical vectors on every machine. encode() is const and keeps no mutable state,
// so one encoder may be shared by any number of threads. NaN and infinite values always throw
// non_finite_value; bad parameters throw invalid_parameter (or non_finite_value) naming the
// encoder and the value.
//
// Families supported, and why:
//   level_encoder, circular_encoder   every family. A level takes a fresh set of components from a
//       second vector b: b = negate(a) over half the components where the family has an exact
//       opposite (binary, bipolar, real, phasor, mbat: then L_0 and L_{m-1} are orthogonal, and
//       exactly linear for binary, bipolar and phasor), an independent random b over all of them
//       otherwise (sparse block codes: the ends then share 1/L of their blocks, as unrelated
//       sparse vectors do).
//   thermometer_encoder   the families with negate() (all but sparse): its ends are opposite
//       (similarity -1), and no sparse vector is opposite to another.
//   fpe_encoder   phasor (exact FPE: binding adds values), real and mbat (random Fourier features
//       sqrt(2) cos(phase + offset)), binary and bipolar (the signs of those features). Sparse
//       block codes have no continuous phase, so they have no FPE here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../models/binary.hpp"
#include "../models/bipolar.hpp"
#include "../models/mbat.hpp"
#include "../models/phasor.hpp"
#include "../models/real.hpp"
#include "../simd/rotation.hpp"

namespace hdc {

/// The declared range [lo, hi] of an encoder's values (both finite, lo < hi). For a circular
/// encoder it is one period: lo and hi are the same point.
struct value_range {
    double lo = 0.0;
    double hi = 1.0;
    /// hi - lo.
    double width() const noexcept { return hi - lo; }
    friend bool operator==(const value_range&, const value_range&) = default;
};

/// What an encoder does with a finite value outside its range (NaN and infinities always throw
/// non_finite_value).
enum class out_of_range {
    clamp,   ///< the nearest end of the range
    reject,  ///< throw invalid_parameter naming the value and the range
    wrap,    ///< lo + ((x - lo) mod (hi - lo)): periodic values (the natural choice for circular)
};

/// The phase distribution of fractional power encoding, named by the similarity kernel it gives
/// (the characteristic function of the distribution, ALGORITHMS.md section 1.4).
enum class fpe_kernel {
    sinc,      ///< phases uniform on [-pi, pi): sin(pi d) / (pi d), first zero at d = 1
    gaussian,  ///< standard normal phases: exp(-d^2 / 2)
    laplace,   ///< standard Cauchy phases: exp(-|d|)
};

namespace detail {

inline constexpr std::uint64_t level_domain = 0x6C6576656C2D3031ull;        // "level-01"
inline constexpr std::uint64_t thermometer_domain = 0x746865726D2D3031ull;  // "therm-01"
inline constexpr std::uint64_t circular_domain = 0x636972632D2D3031ull;     // "circ--01"
inline constexpr std::uint64_t fpe_domain = 0x6670652D2D2D3031ull;          // "fpe---01"

/// Throws unless r is a valid range: both ends finite (non_finite_value), lo < hi
/// (invalid_parameter), and a finite width.
inline void check_range(const char* who, const value_range& r) {
    if (!std::isfinite(r.lo) || !std::isfinite(r.hi))
        throw non_finite_value(std::string(who) + ": the range ends must be finite, got [" +
                               std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]");
    if (!(r.lo < r.hi))
        throw invalid_parameter(std::string(who) + ": empty range [" + std::to_string(r.lo) +
                                ", " + std::to_string(r.hi) + "] (lo must be below hi)");
    if (!std::isfinite(r.hi - r.lo))
        throw invalid_parameter(std::string(who) + ": the range [" + std::to_string(r.lo) + ", " +
                                std::to_string(r.hi) + "] is too wide for double");
}

/// Throws invalid_parameter unless p is one of the three policies.
inline void check_policy(const char* who, out_of_range p) {
    if (p != out_of_range::clamp && p != out_of_range::reject && p != out_of_range::wrap)
        throw invalid_parameter(std::string(who) + ": unknown out_of_range policy " +
                                std::to_string(static_cast<int>(p)));
}

/// x placed in [lo, hi] by the policy: unchanged inside, clamped, wrapped or rejected outside;
/// non_finite_value for NaN or infinity.
inline double place(const char* who, double x, const value_range& r, out_of_range p) {
    if (!std::isfinite(x))
        throw non_finite_value(std::string(who) + ": value " + std::to_string(x) +
                               " is not finite");
    if (x >= r.lo && x <= r.hi) return x;
    switch (p) {
        case out_of_range::clamp:
            return std::clamp(x, r.lo, r.hi);
        case out_of_range::wrap: {
            double t = std::fmod(x - r.lo, r.width());  // exact
            if (t < 0) t += r.width();
            return std::min(r.lo + t, r.hi);
        }
        case out_of_range::reject:
        default:
            throw invalid_parameter(std::string(who) + ": value " + std::to_string(x) +
                                    " is outside the range [" + std::to_string(r.lo) + ", " +
                                    std::to_string(r.hi) + "]");
    }
}

/// floor(t * scale + 1/2), t in [0, 1]: the nearest of scale + 1 grid points, halves rounded
/// up. One explicit fma, so the result does not depend on floating-point contraction.
inline std::size_t nearest_index(double t, std::size_t scale) noexcept {
    return static_cast<std::size_t>(std::floor(std::fma(t, static_cast<double>(scale), 0.5)));
}

/// (a * b + c / 2) / c in exact integer arithmetic: a * b / c rounded half up.
inline std::size_t scaled_round(std::size_t a, std::size_t b, std::size_t c) noexcept {
    __extension__ using u128 = unsigned __int128;
    return static_cast<std::size_t>((static_cast<u128>(a) * b + c / 2) / c);
}

/// Families with an exact opposite vector (negate).
template <class V>
concept has_negate = requires(const V& v) {
    { negate(v) } -> std::same_as<V>;
};

/// The machinery of the graded encoders: two vectors a and b, and a random order (rank) of the
/// components; code(first, last) is a with the components whose rank lies in [first, last)
/// taken from b (via the family's blend()).
template <hypervector V>
class graded_code {
public:
    using shape_type = typename V::shape_type;

    /// a random; b = negate(a) if opposite, else random; ranks a Fisher-Yates shuffle. Three
    /// independent streams of (seed, domain).
    graded_code(std::uint64_t seed, std::uint64_t domain, const shape_type& shape, bool opposite) {
        rng gen_a = rng::from_key(make_key(seed ^ domain, 0));
        a_ = V::random(gen_a, shape);
        if constexpr (has_negate<V>) {
            if (opposite) {
                b_ = negate(a_);
            } else {
                rng gen_b = rng::from_key(make_key(seed ^ domain, 1));
                b_ = V::random(gen_b, shape);
            }
        } else {
            (void)opposite;
            rng gen_b = rng::from_key(make_key(seed ^ domain, 1));
            b_ = V::random(gen_b, shape);
        }
        const std::size_t n = component_count(a_);
        std::vector<std::uint32_t> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
        rng gen_order = rng::from_key(make_key(seed ^ domain, 2));
        for (std::size_t i = n; i-- > 1;)
            std::swap(order[i], order[static_cast<std::size_t>(gen_order.below(i + 1))]);
        order_ = std::move(order);
    }

    /// Number of components that can be taken from b.
    std::size_t count() const noexcept { return order_.size(); }
    /// The first vector (code(0, 0)).
    const V& first() const noexcept { return a_; }

    /// a with the components of rank in [first, last) taken from b (O(last - first) to build
    /// the mask, then one blend).
    V code(std::size_t first, std::size_t last) const {
        std::vector<std::uint64_t> mask((count() + 63) / 64, 0);
        mark(mask, first, last);
        return blend(a_, b_, std::span<const std::uint64_t>(mask));
    }

    /// code(first1, last1) from prev == code(first0, last0): only the components whose rank
    /// enters or leaves the interval are taken (from b or back from a), so a walk through a
    /// codebook costs one copy per vector plus the components that change.
    V step(const V& prev, std::size_t first0, std::size_t last0, std::size_t first1,
           std::size_t last1) const {
        std::vector<std::uint64_t> to_b((count() + 63) / 64, 0), to_a(to_b.size(), 0);
        const bool any_b = mark(to_b, first1, std::min(last1, first0)) |
                           mark(to_b, std::max(first1, last0), last1);
        const bool any_a = mark(to_a, first0, std::min(last0, first1)) |
                           mark(to_a, std::max(first0, last1), last0);
        const std::span<const std::uint64_t> from_b(to_b), from_a(to_a);
        if (!any_a) return any_b ? blend(prev, b_, from_b) : prev;
        if (!any_b) return blend(prev, a_, from_a);  // one copy, not two, on the way back
        return blend(blend(prev, b_, from_b), a_, from_a);
    }

private:
    /// Sets the mask bits of the components of rank in [first, last); true if there are any.
    bool mark(std::vector<std::uint64_t>& mask, std::size_t first, std::size_t last) const {
        for (std::size_t r = first; r < last; ++r)
            mask[order_[r] / 64] |= std::uint64_t{1} << (order_[r] % 64);
        return first < last;
    }

    V a_, b_;
    std::vector<std::uint32_t> order_;  // order_[r]: the component of rank r
};

/// Throws invalid_parameter unless 2 <= levels <= max_levels.
inline void check_levels(const char* who, std::size_t levels, std::size_t max_levels,
                         const char* why) {
    if (levels < 2)
        throw invalid_parameter(std::string(who) + ": " + std::to_string(levels) +
                                " levels given, at least 2 are needed");
    if (levels > max_levels)
        throw invalid_parameter(std::string(who) + ": " + std::to_string(levels) +
                                " levels exceed the " + std::to_string(max_levels) +
                                " distinct ones this shape allows (" + why + ")");
}

/// The shape of fixed-dimension V (as hdc::random<V>(gen) uses).
template <hypervector V>
typename V::shape_type default_shape() {
    return fixed_shape<V>();
}

/// What distinguishes the level, thermometer and circular encoders: their name and the name of
/// their items in messages, the seed domain, whether the items lie on a circle (periodic) and
/// whether the two ends of the code are opposite vectors (b = negate(a) over every component).
struct level_kind {
    static constexpr const char* name = "level_encoder";
    static constexpr const char* item = "level";
    static constexpr const char* why = "each level must change at least one component";
    static constexpr std::uint64_t domain = level_domain;
    static constexpr bool periodic = false;
    static constexpr bool opposite_ends = false;
};
/// See level_kind.
struct thermometer_kind {
    static constexpr const char* name = "thermometer_encoder";
    static constexpr const char* item = "level";
    static constexpr const char* why = "each level must negate at least one component";
    static constexpr std::uint64_t domain = thermometer_domain;
    static constexpr bool periodic = false;
    static constexpr bool opposite_ends = true;
};
/// See level_kind.
struct circular_kind {
    static constexpr const char* name = "circular_encoder";
    static constexpr const char* item = "point";
    static constexpr const char* why = "each step must change at least one component";
    static constexpr std::uint64_t domain = circular_domain;
    static constexpr bool periodic = true;
    static constexpr bool opposite_ends = false;
};

/// The body shared by level_encoder, thermometer_encoder and circular_encoder: a range
/// quantized to m items (levels, or points of a circle), the policy, a graded_code, and
/// everything computed from them. The public encoders name their items (level(k), point(k),
/// ...) and add what only they have. Item k changes the components of rank below
/// round(k P / (m - 1)) (P = budget(): N for opposite ends, N / 2 where the family has
/// negate(), N otherwise); on a circle the first half changes them at twice that pace and the
/// second half restores them in the same order.
template <hypervector V, class Kind>
class graded_encoder {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// The vector of x's item (x placed in the range by the policy first).
    V encode(double x) const { return code_at(index_of(x)); }
    /// Same as encode(x).
    V operator()(double x) const { return encode(x); }
    /// The value item k stands for: lo + k (hi - lo) / (m - 1), or lo + k (hi - lo) / m on a
    /// circle; invalid_parameter unless k < m.
    double value_of(std::size_t k) const {
        check_index(k);
        return range_.lo + range_.width() * static_cast<double>(k) / static_cast<double>(steps());
    }
    /// The value of the item most similar to v.
    double decode(const V& v) const { return value_of(nearest(v)); }
    /// The declared range (one period on a circle).
    const value_range& range() const noexcept { return range_; }
    /// What becomes of values outside the range.
    out_of_range policy() const noexcept { return policy_; }

    /// An encoder of `count` items over range (one period on a circle), inherited by each
    /// encoder. Throws invalid_parameter for an empty range (lo >= hi), an unknown policy,
    /// fewer than 2 items or more than the shape allows (P + 1 levels, 2 P points: every step
    /// must change a component); non_finite_value for an infinite or NaN end.
    graded_encoder(value_range range, std::size_t count, out_of_range policy, std::uint64_t seed,
                   const shape_type& shape)
        : range_(checked(range, policy)), count_(count), policy_(policy),
          code_(seed, Kind::domain, shape, Kind::opposite_ends || has_negate<V>) {
        budget_ = budget_for(code_.count());
        check_levels(Kind::name, count, max_count(budget_), Kind::why);
    }
    /// As above, for fixed-dimension V.
    graded_encoder(value_range range, std::size_t count, out_of_range policy, std::uint64_t seed)
        requires(V::extent != dynamic)
        : graded_encoder(range, count, policy, seed, default_shape<V>()) {}

protected:

    /// P for n components: all of them when the ends are opposite or the family has no
    /// negate(), half of them otherwise.
    static constexpr std::size_t budget_for(std::size_t n) noexcept {
        return Kind::opposite_ends || !has_negate<V> ? n : n / 2;
    }
    /// The most items a budget of P components allows: every step changes at least one.
    static constexpr std::size_t max_count(std::size_t budget) noexcept {
        return Kind::periodic ? 2 * budget : budget + 1;
    }

    /// Number of items m.
    std::size_t count() const noexcept { return count_; }
    /// Components changed between item 0 and the farthest item (P).
    std::size_t budget() const noexcept { return budget_; }
    /// The item of x after the policy: round((x - lo) / (hi - lo) * (m - 1)), or on a circle
    /// round((x - lo) / (hi - lo) * m) mod m.
    std::size_t index_of(double x) const {
        const double p = place(Kind::name, x, range_, policy_);
        const double t = (p - range_.lo) / range_.width();
        if constexpr (Kind::periodic)
            return nearest_index(t, count_) % count_;
        else
            return std::min(count_ - 1, nearest_index(t, count_ - 1));
    }
    /// Item k; invalid_parameter unless k < m.
    V item(std::size_t k) const {
        check_index(k);
        return code_at(k);
    }
    /// Components changed between item 0 and item k of a non-periodic code.
    std::size_t changed_at(std::size_t k) const noexcept {
        return scaled_round(k, budget_, count_ - 1);
    }
    /// Every item, item 0 first, each built from the one before (equal to item(k) for every k).
    std::vector<V> codebook() const {
        std::vector<V> out;
        out.reserve(count_);
        auto [first, last] = interval(0);
        out.push_back(code_.code(first, last));
        for (std::size_t k = 1; k < count_; ++k) {
            const auto [next_first, next_last] = interval(k);
            out.push_back(code_.step(out.back(), first, last, next_first, next_last));
            first = next_first;
            last = next_last;
        }
        return out;
    }
    /// The item most similar to v (the lowest one among equals): O(m D).
    std::size_t nearest(const V& v) const {
        std::size_t best = 0;
        double best_sim = -2.0;
        for (std::size_t k = 0; k < count_; ++k) {
            const double s = similarity(code_at(k), v);
            if (s > best_sim) {
                best_sim = s;
                best = k;
            }
        }
        return best;
    }

private:
    /// The spacing divisor of the values: m - 1 steps from lo to hi, m round a circle.
    std::size_t steps() const noexcept { return Kind::periodic ? count_ : count_ - 1; }

    /// The ranks of the components item k takes from b (k < m).
    std::pair<std::size_t, std::size_t> interval(std::size_t k) const noexcept {
        if constexpr (Kind::periodic) {
            // Ranks [0, 2kP/m) on the way out, [(2k - m)P/m, P) on the way back.
            if (2 * k <= count_) return {0, scaled_round(2 * k, budget_, count_)};
            return {scaled_round(2 * k - count_, budget_, count_), budget_};
        } else {
            return {0, changed_at(k)};
        }
    }
    /// Item k (k < m, unchecked).
    V code_at(std::size_t k) const {
        const auto [first, last] = interval(k);
        return code_.code(first, last);
    }

    static value_range checked(value_range r, out_of_range p) {
        check_range(Kind::name, r);
        check_policy(Kind::name, p);
        return r;
    }
    void check_index(std::size_t k) const {
        if (k >= count_)
            throw invalid_parameter(std::string(Kind::name) + ": " + Kind::item + " " +
                                    std::to_string(k) + " out of range (" +
                                    std::to_string(count_) + " " + Kind::item + "s)");
    }

    value_range range_;
    std::size_t count_;
    out_of_range policy_;
    graded_code<V> code_;
    std::size_t budget_ = 0;
};

}  // namespace detail

/// Level (linear-decay) encoding of a number quantized to m levels over [lo, hi]: level k of
/// value lo + k (hi - lo) / (m - 1). L_0 is random; L_{k+1} is L_k with a fresh set of
/// components changed, never one twice, so the expected similarity falls linearly with the
/// level distance and L_0 and L_{m-1} are quasi-orthogonal:
///   E similarity(L_i, L_j) = 1 - |i - j| / (m - 1)          (families with negate(): a fresh
///                                                             set of P/(m-1) components
///                                                             flipped, P = components / 2)
///   E similarity(L_i, L_j) = s0 + (1 - s0)(1 - |i-j|/(m-1))  (sparse: blocks replaced from an
///                                                             independent atom, s0 = 1/L)
/// (with the counts rounded to whole components). For binary, bipolar and phasor the first
/// formula holds exactly. The changed components are chosen in a random order (not a prefix),
/// so levels of independently seeded encoders bound together give the product kernel.
/// encode, operator(), value_of, decode, range and policy come from detail::graded_encoder.
/// Supports every family. Thread safety: const members may be called concurrently.
template <hypervector V>
class level_encoder : public detail::graded_encoder<V, detail::level_kind> {
    using base = detail::graded_encoder<V, detail::level_kind>;

public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// level_encoder(range, levels, policy, seed[, shape]): at most P + 1 levels (one per
    /// changed component); see graded_encoder's constructor.
    using base::base;

    /// The level of x: round((x - lo) / (hi - lo) * (m - 1)) after the policy.
    std::size_t level_of(double x) const { return this->index_of(x); }
    /// Level k (0 <= k < levels()); throws invalid_parameter otherwise.
    V level(std::size_t k) const { return this->item(k); }
    /// The level most similar to v (the lowest one among equals): O(m D).
    std::size_t nearest_level(const V& v) const { return this->nearest(v); }
    /// Every level, L_0 first (e.g. to fill an item_memory); each built from the one before.
    std::vector<V> levels_codebook() const { return this->codebook(); }

    /// Number of levels m.
    std::size_t levels() const noexcept { return this->count(); }
    /// Components changed between L_0 and L_{m-1} (P).
    std::size_t span_components() const noexcept { return this->budget(); }
    /// Components changed between L_0 and L_k.
    std::size_t changed(std::size_t k) const noexcept { return this->changed_at(k); }
};

/// Thermometer encoding over m levels: T_0 is a random atom a, T_{m-1} is its opposite
/// negate(a), and T_k has the first round(k N / (m - 1)) components of a random order negated,
/// so E similarity(T_i, T_j) = 1 - 2 |i - j| / (m - 1), exactly for binary, bipolar and phasor
/// (N = component count). Needs a family with negate(): binary, bipolar, real, phasor, mbat (no
/// sparse vector is opposite to another). encode, operator(), value_of, decode, range and
/// policy come from detail::graded_encoder. Thread safety: const members may be called
/// concurrently.
template <hypervector V>
    requires detail::has_negate<V>
class thermometer_encoder : public detail::graded_encoder<V, detail::thermometer_kind> {
    using base = detail::graded_encoder<V, detail::thermometer_kind>;

public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// thermometer_encoder(range, levels, policy, seed[, shape]): at most N + 1 levels (each
    /// negates at least one component); see graded_encoder's constructor.
    using base::base;

    /// The level of x: round((x - lo) / (hi - lo) * (m - 1)) after the policy.
    std::size_t level_of(double x) const { return this->index_of(x); }
    /// Level k (0 <= k < levels()); throws invalid_parameter otherwise.
    V level(std::size_t k) const { return this->item(k); }
    /// The level most similar to v (the lowest one among equals): O(m D).
    std::size_t nearest_level(const V& v) const { return this->nearest(v); }
    /// Number of levels m.
    std::size_t levels() const noexcept { return this->count(); }
};

/// Circular (periodic) encoding: m points equally spaced on a circle of period [lo, hi) (lo and
/// hi are the same point). Going once round, the first half changes a fresh set of P/(m/2)
/// components per step (as level_encoder: P = N/2 flipped components where the family has
/// negate(), all N replaced from an independent atom otherwise), the second half restores them
/// in the same order, so
///   E similarity(C_i, C_j) = 1 - 2 d / m      (d = circular distance min(|i-j|, m-|i-j|))
/// for families with negate() (exact for binary, bipolar, phasor): 1 for the same point, 0 for
/// opposite points; for sparse codes s0 + (1 - s0)(1 - 2 d / m), s0 = 1/L. Supports every
/// family. The natural policy is out_of_range::wrap. encode, operator(), value_of, decode,
/// range and policy come from detail::graded_encoder. Thread safety: const members may be
/// called concurrently.
template <hypervector V>
class circular_encoder : public detail::graded_encoder<V, detail::circular_kind> {
    using base = detail::graded_encoder<V, detail::circular_kind>;

public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// circular_encoder(period, points, policy, seed[, shape]): at most 2 P points (every step
    /// changes a component); see graded_encoder's constructor.
    using base::base;

    /// The point of x: round((x - lo) / (hi - lo) * m) mod m after the policy.
    std::size_t point_of(double x) const { return this->index_of(x); }
    /// Point k (0 <= k < points()); throws invalid_parameter otherwise.
    V point(std::size_t k) const { return this->item(k); }
    /// The point most similar to v (the lowest one among equals): O(m D).
    std::size_t nearest_point(const V& v) const { return this->nearest(v); }
    /// Every point, C_0 first (e.g. to fill an item_memory); each built from the one before.
    std::vector<V> points_codebook() const { return this->codebook(); }
    /// Number of points m.
    std::size_t points() const noexcept { return this->count(); }

    /// The most points a circle of this shape holds (2 P: every step changes a component).
    /// Builds one vector to count the components.
    static std::size_t max_points(const shape_type& shape) {
        rng probe(0, detail::circular_domain);
        return base::max_count(base::budget_for(component_count(V::random(probe, shape))));
    }
};

namespace detail {

/// How a family turns the phases of FPE into a vector.
enum class phase_form { none, complex, cosine, sign };

template <class V>
inline constexpr phase_form phase_form_of = phase_form::none;
template <std::size_t D>
inline constexpr phase_form phase_form_of<phasor<D>> = phase_form::complex;
template <std::size_t D, class T>
inline constexpr phase_form phase_form_of<real<D, T>> = phase_form::cosine;
template <std::size_t D, class T>
inline constexpr phase_form phase_form_of<mbat<D, T>> = phase_form::cosine;
template <std::size_t D>
inline constexpr phase_form phase_form_of<binary<D>> = phase_form::sign;
template <std::size_t D>
inline constexpr phase_form phase_form_of<bipolar<D>> = phase_form::sign;

/// sin(pi d) / (pi d), 1 at d = 0.
inline double sinc(double d) noexcept {
    if (d == 0) return 1.0;
    const double x = std::numbers::pi * d;
    return std::sin(x) / x;
}

}  // namespace detail

/// Families fpe_encoder supports: phasor, real, mbat, binary, bipolar.
template <class V>
concept fpe_family = hypervector<V> && detail::phase_form_of<V> != detail::phase_form::none;

/// Fractional power encoding of numbers or points of R^n (ALGORITHMS.md section 1.4). Each
/// component j has a phase linear in the input,
///   phase_j(x) = beta * sum_k theta_jk * (x_k / (hi_k - lo_k)),
/// theta_jk i.i.d. from the kernel's distribution (uniform on [-pi, pi), standard normal or
/// standard Cauchy), so beta is the bandwidth in units of the range width: with the sinc kernel,
/// values (hi - lo) / beta apart are orthogonal. The family decides the form:
///   phasor        z_j = exp(i phase_j): exact FPE. bind(z(x), z(y)) == z(x + y) (up to float
///                 rounding), unbind subtracts, z(0) is the binding identity, and E similarity = psi(beta d), d the difference
///                 in range widths and psi the kernel (sinc: product over coordinates of
///                 sinc(beta d_k); gaussian: exp(-beta^2 |d|^2 / 2); laplace:
///                 exp(-beta |d|_1)).
///   real, mbat    r_j = sqrt(2) cos(phase_j + phi_j), phi_j uniform on [0, 2 pi): random Fourier
///                 features with E r_j(x) r_j(y) = psi(beta d), so the cosine similarity tends to
///                 the same kernel. mbat vectors are scaled by 1/sqrt(D) (the family's unit-norm
///                 convention). Binding does not add values.
///   binary, bipolar  the signs of the real features (-1, i.e. bit 1, where the cosine is
///                 negative): E similarity = (8 / pi^2) sum over odd k of psi(k beta d) / k^2,
///                 a kernel of the same width with a cusp at 0 (expected_similarity computes it).
/// The same seed gives the same theta for every family, so a phasor encoder and its real form
/// share their frequencies. Values are placed in their range by the policy first (the shift lo
/// does not enter the phase, so the binding identity holds for any range). Phases are exact
/// doubles; sines and cosines are the portable simd::sin_cos, so vectors are bit-identical on
/// every machine. Thread safety: const members may be called concurrently.
template <fpe_family V>
class fpe_encoder {
public:
    using vector_type = V;

    /// A scalar encoder (arity 1) of dimension dim. Throws invalid_parameter for bandwidth <= 0,
    /// an empty range or an unknown kernel or policy; non_finite_value for a NaN or infinite
    /// bandwidth or range end; invalid_dimension for a bad dim.
    fpe_encoder(value_range range, double bandwidth, fpe_kernel kernel, out_of_range policy,
                std::uint64_t seed, std::size_t dim)
        : fpe_encoder(std::vector<value_range>{range}, bandwidth, kernel, policy, seed, dim) {}
    /// As above, for fixed-dimension V.
    fpe_encoder(value_range range, double bandwidth, fpe_kernel kernel, out_of_range policy,
                std::uint64_t seed)
        requires(V::extent != dynamic)
        : fpe_encoder(range, bandwidth, kernel, policy, seed, V::extent) {}

    /// A multivariate encoder of points with ranges.size() coordinates, coordinate k in
    /// ranges[k]. Throws as above, and empty_input for no ranges.
    fpe_encoder(std::vector<value_range> ranges, double bandwidth, fpe_kernel kernel,
                out_of_range policy, std::uint64_t seed, std::size_t dim)
        : ranges_(std::move(ranges)), bandwidth_(bandwidth), kernel_(kernel), policy_(policy),
          dim_(V(dim).dim()) {
        if (ranges_.empty())
            throw empty_input("fpe_encoder: no coordinate ranges (a point needs at least one)");
        for (const auto& r : ranges_) detail::check_range("fpe_encoder", r);
        detail::check_policy("fpe_encoder", policy);
        if (!std::isfinite(bandwidth))
            throw non_finite_value("fpe_encoder: bandwidth must be finite, got " +
                                   std::to_string(bandwidth));
        if (!(bandwidth > 0))
            throw invalid_parameter("fpe_encoder: bandwidth must be positive, got " +
                                    std::to_string(bandwidth));
        if (kernel != fpe_kernel::sinc && kernel != fpe_kernel::gaussian &&
            kernel != fpe_kernel::laplace)
            throw invalid_parameter("fpe_encoder: unknown kernel " +
                                    std::to_string(static_cast<int>(kernel)));
        const std::size_t n = arity();
        rng gen = rng::from_key(detail::make_key(seed ^ detail::fpe_domain, 0));
        frequencies_.resize(dim_ * n);
        for (std::size_t j = 0; j < dim_; ++j)
            for (std::size_t k = 0; k < n; ++k)
                frequencies_[j * n + k] = bandwidth * draw_phase(gen) / ranges_[k].width();
        if constexpr (detail::phase_form_of<V> != detail::phase_form::complex) {
            rng offsets = rng::from_key(detail::make_key(seed ^ detail::fpe_domain, 1));
            offsets_.resize(dim_);
            for (auto& o : offsets_) o = 2.0 * std::numbers::pi * offsets.uniform();
        }
    }
    /// As above, for fixed-dimension V.
    fpe_encoder(std::vector<value_range> ranges, double bandwidth, fpe_kernel kernel,
                out_of_range policy, std::uint64_t seed)
        requires(V::extent != dynamic)
        : fpe_encoder(std::move(ranges), bandwidth, kernel, policy, seed, V::extent) {}

    /// The vector of scalar x; throws invalid_parameter if the encoder has several coordinates.
    V encode(double x) const { return encode(std::span<const double>(&x, 1)); }
    /// The vector of point x; throws dimension_mismatch unless x has arity() coordinates.
    V encode(std::span<const double> x) const {
        check_arity(x.size());
        std::vector<double> placed(arity());
        for (std::size_t k = 0; k < arity(); ++k) placed[k] = place(x[k], k);
        return from_phases(placed);
    }
    /// Same as encode(x).
    V operator()(double x) const { return encode(x); }
    /// Same as encode(x).
    V operator()(std::span<const double> x) const { return encode(x); }

    /// The expected similarity of encode(x) and encode(y) for this family (the kernel; for
    /// binary and bipolar its sign form), after the policy placed both.
    double expected_similarity(double x, double y) const {
        return expected_similarity(std::span<const double>(&x, 1), std::span<const double>(&y, 1));
    }
    /// As above, for points.
    double expected_similarity(std::span<const double> x, std::span<const double> y) const {
        std::vector<double> d(arity());
        check_arity(x.size());
        check_arity(y.size());
        for (std::size_t k = 0; k < arity(); ++k)
            d[k] = (place(x[k], k) - place(y[k], k)) / ranges_[k].width() * bandwidth_;
        if constexpr (detail::phase_form_of<V> == detail::phase_form::sign)
            return sign_kernel(d);
        else
            return kernel_at(d, 1.0);
    }

    /// The phases of point x after the policy placed it: out[j] = phase_j(x) for j < dim(),
    /// including the random offsets of the real forms. For callers that add the phases of
    /// several encoders before one sine and cosine (encoders/function.hpp). Throws as encode.
    void phases(std::span<const double> x, std::span<double> out) const {
        check_arity(x.size());
        if (out.size() != dim_) throw dimension_mismatch("fpe_encoder::phases: output", out.size(), dim_);
        std::vector<double> placed(arity());
        for (std::size_t k = 0; k < arity(); ++k) placed[k] = place(x[k], k);
        phases(placed, 0, dim_, out.data());
    }

    /// Number of coordinates of a point.
    std::size_t arity() const noexcept { return ranges_.size(); }
    /// Dimension of the vectors.
    std::size_t dim() const noexcept { return dim_; }
    double bandwidth() const noexcept { return bandwidth_; }
    fpe_kernel kernel() const noexcept { return kernel_; }
    out_of_range policy() const noexcept { return policy_; }
    /// The range of coordinate k.
    const value_range& range(std::size_t k = 0) const { return ranges_.at(k); }
    /// The phase per unit of each coordinate: component j, coordinate k at j * arity() + k.
    std::span<const double> frequencies() const noexcept { return frequencies_; }

private:
    double draw_phase(rng& gen) const {
        switch (kernel_) {
            case fpe_kernel::sinc:
                return std::numbers::pi * gen.uniform_signed();
            case fpe_kernel::gaussian:
                return gen.normal();
            case fpe_kernel::laplace:
            default: {
                for (;;) {  // the ratio of two standard normals is standard Cauchy
                    const double num = gen.normal(), den = gen.normal();
                    if (den != 0) return num / den;
                }
            }
        }
    }

    /// The kernel psi at k times the scaled difference d.
    double kernel_at(const std::vector<double>& d, double k) const {
        switch (kernel_) {
            case fpe_kernel::sinc: {
                double p = 1;
                for (double dk : d) p *= detail::sinc(k * dk);
                return p;
            }
            case fpe_kernel::gaussian: {
                double s = 0;
                for (double dk : d) s += dk * dk;
                return std::exp(-k * k * s / 2);
            }
            case fpe_kernel::laplace:
            default: {
                double s = 0;
                for (double dk : d) s += std::fabs(dk);
                return std::exp(-k * s);
            }
        }
    }

    /// The sign form's kernel E[tri(theta . d)], tri the triangle wave E_phi[sgn cos(u + phi)
    /// sgn cos(v + phi)] of u - v = theta . d: (8/pi^2) sum over odd k of psi(k d) / k^2.
    double sign_kernel(const std::vector<double>& d) const {
        constexpr double pi = std::numbers::pi;
        if (kernel_ == fpe_kernel::sinc && d.size() == 1) {
            // theta uniform on [-pi, pi]: the mean of tri over [0, pi |d|] in closed form, from
            // its antiderivative (r - r^2/pi on [0, pi], then back down to 0 at 2 pi).
            const double u = pi * std::fabs(d[0]);
            if (u == 0) return 1.0;
            const double r = std::fmod(u, 2 * pi);
            const double integral = r <= pi ? r - r * r / pi : -(r - pi) + (r - pi) * (r - pi) / pi;
            return integral / u;
        }
        if (kernel_ == fpe_kernel::gaussian) {
            double s = 0;  // theta . d is normal with variance |d|^2
            for (double dk : d) s += dk * dk;
            if (s < 1e-8)  // |theta . d| < pi for all practical purposes: tri is 1 - 2|.|/pi
                return 1 - 2 / pi * std::sqrt(2 * s / pi);
            double sum = 0;
            for (double k = 1; k * k * s / 2 < 745; k += 2) sum += std::exp(-k * k * s / 2) / (k * k);
            return 8 / (pi * pi) * sum;
        }
        // Generic: the series to 200,000 terms; the rest weighs pi^2/8 - (weight so far), taken
        // at the kernel's value at the cut (below 1e-5 in total).
        double sum = 0, weight = 0;
        for (std::size_t k = 1; k < 400001; k += 2) {
            const double w = 1.0 / (static_cast<double>(k) * static_cast<double>(k));
            sum += w * kernel_at(d, static_cast<double>(k));
            weight += w;
        }
        return (sum + (pi * pi / 8 - weight) * kernel_at(d, 400001.0)) * 8 / (pi * pi);
    }

    void check_arity(std::size_t n) const {
        if (n != arity()) {
            if (arity() != 1 && n == 1)
                throw invalid_parameter("fpe_encoder: a scalar given to an encoder of " +
                                        std::to_string(arity()) + "-coordinate points");
            throw dimension_mismatch("fpe_encoder::encode: coordinates", n, arity());
        }
    }

    double place(double x, std::size_t k) const {
        return detail::place("fpe_encoder", x, ranges_[k], policy_);
    }

    /// Block of components the phases are computed in (on the stack: no scratch on the heap).
    static constexpr std::size_t block = 256;

    /// phase[i] = offset_j + sum_k frequency_jk x_k for j = first + i < first + count
    /// (explicit fma from the offset on: no contraction can change the bits), reduced exactly
    /// mod 2 pi when large (the portable sine is accurate to about 1e5).
    void phases(const std::vector<double>& x, std::size_t first, std::size_t count,
                double* phase) const {
        const std::size_t n = arity();
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t j = first + i;
            const double* f = frequencies_.data() + j * n;
            double p = offsets_.empty() ? 0.0 : offsets_[j];
            for (std::size_t k = 0; k < n; ++k) p = std::fma(f[k], x[k], p);
            if (std::fabs(p) > 65536.0) p = std::fmod(p, 2.0 * std::numbers::pi);  // exact
            phase[i] = p;
        }
    }

    /// The vector of the placed point x, block by block: phases, portable sine and cosine, the
    /// family's form.
    V from_phases(const std::vector<double>& x) const {
        constexpr auto form = detail::phase_form_of<V>;
        double phase[block], s[block], c[block];
        if constexpr (form == detail::phase_form::complex) {
            auto out = detail::storage_access::for_overwrite<V>(dim_);
            for (std::size_t j = 0; j < dim_; j += block) {
                const std::size_t count = std::min(block, dim_ - j);
                phases(x, j, count, phase);
                simd::sin_cos(phase, detail::storage_access::data(out, 1) + j,
                              detail::storage_access::data(out, 0) + j, count);
            }
            return out;
        } else if constexpr (form == detail::phase_form::cosine) {
            using T = typename V::value_type;
            constexpr bool unit = std::is_same_v<V, mbat<V::extent, T>>;
            const double scale = std::sqrt(2.0) / (unit ? std::sqrt(static_cast<double>(dim_)) : 1.0);
            auto out = detail::storage_access::for_overwrite<V>(dim_);
            T* o = detail::storage_access::data(out);
            for (std::size_t j = 0; j < dim_; j += block) {
                const std::size_t count = std::min(block, dim_ - j);
                phases(x, j, count, phase);
                simd::sin_cos(phase, s, c, count);
                for (std::size_t i = 0; i < count; ++i) o[j + i] = static_cast<T>(scale * c[i]);
            }
            return out;
        } else {
            static_assert(block % 64 == 0);
            binary<V::extent> bits(dim_);
            std::uint64_t* w = detail::storage_access::data(bits);
            for (std::size_t j = 0; j < dim_; j += block) {
                const std::size_t count = std::min(block, dim_ - j);
                phases(x, j, count, phase);
                simd::sin_cos(phase, s, c, count);
                for (std::size_t i = 0; i < count; ++i)
                    w[(j + i) / 64] |= std::uint64_t{c[i] < 0} << ((j + i) % 64);
            }
            if constexpr (std::is_same_v<V, binary<V::extent>>)
                return bits;
            else
                return to_bipolar(bits);
        }
    }

    std::vector<value_range> ranges_;
    double bandwidth_;
    fpe_kernel kernel_;
    out_of_range policy_;
    std::size_t dim_;
    std::vector<double> frequencies_;  // dim x arity, row-major
    std::vector<double> offsets_;      // real and sign forms only
};

}  // namespace hdc
