// hdc/memory/hopfield.hpp - Hopfield networks over a codebook: the classic sign rule and the
// modern (log-sum-exp energy, softmax) rule.
//
// Classic: the Hebbian weights W = sum_j m_j m_j^T (zero diagonal) are never formed. W x is
// computed through the codebook as sum_j m_j (m_j . x) - M x: the overlaps m_j . x come from the
// packed-bit Hamming kernels (D - 2 hamming), so memory is M x D bits instead of D^2 weights and
// a synchronous sweep costs O(M D). Patterns are binary or bipolar (the families whose rows are
// packed sign bits; bit 1 stands for -1). Capacity is about 0.14 D patterns (Amit, Gutfreund and
// Sompolinsky 1985): beyond it the stored patterns stop being (near) fixed points.
//
// Modern (Ramsauer et al. 2020): energy E(x) = -(1/beta) log sum_j exp(beta s_j) + const, with
// s_j = similarity(m_j, x) from the memory's search kernels (cosine-like, in [-1, 1], so beta is
// in units of similarity and does not depend on D); one update is x <- bundle of the m_j weighted
// by softmax(beta s). Any family with row storage works: the bundle is the family's own weighted
// bundle (sign of the weighted sum for binary/bipolar, phase for phasor, the winning index per
// block for sparse, the unit-norm sum for MBAT), and for real vectors, whose bundle is the plain
// sum, the sum divided by the total weight: Ramsauer's convex combination X softmax(beta X^T x),
// so a stored pattern is a fixed point. Its capacity grows exponentially with D.
//
// Determinism: the classic asynchronous order comes from a seeded hdc::rng; softmax uses a
// portable exp (explicit fma), and the softmax weights enter the bundle as integers
// round(2^20 p_j / max p) (the vote accumulators of binary/bipolar need integer weights; the
// largest weight is exactly 2^20, never 0), so results are bit-identical on every machine.
//
// Thread safety: const member functions may be called concurrently; add/clear need exclusive
// access.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/batch.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../models/common.hpp"
#include "../models/row_kernels.hpp"
#include "../models/sums.hpp"
#include "../simd/bitwise.hpp"
#include "associative.hpp"
#include "item_memory.hpp"
#include "state.hpp"

namespace hdc {

/// How the classic network updates its units.
enum class hopfield_update {
    synchronous,   ///< every unit at once from the same field (may end in a 2-cycle)
    asynchronous,  ///< one unit at a time in a seeded random order per sweep (always converges)
};

/// Options of classic_hopfield::recall.
struct hopfield_options {
    hopfield_update update = hopfield_update::asynchronous;  ///< update schedule
    std::size_t max_iterations = 100;  ///< sweeps at most (one sweep = every unit once)
    std::uint64_t seed = 0;            ///< seeds the asynchronous update order
};

namespace detail {

/// Throws invalid_parameter unless beta is finite and positive.
inline double check_beta(double beta, const char* what) {
    if (!(std::isfinite(beta) && beta > 0))
        throw invalid_parameter(std::string(what) + ": beta must be finite and positive, got " + std::to_string(beta));
    return beta;
}

/// Row element types a memory_state holds: 16-bit indices are widened to int32.
template <class E>
using state_element_t = std::conditional_t<std::is_same_v<E, std::uint16_t>, std::int32_t, E>;

/// Writes a shape into a memory_state as parameters ("dimension", or "blocks" and "block_length").
template <class Shape>
void put_shape(memory_state& s, const Shape& shape) {
    if constexpr (std::is_same_v<Shape, std::size_t>) {
        s.set("dimension", static_cast<double>(shape));
    } else {
        s.set("blocks", static_cast<double>(shape.blocks));
        s.set("block_length", static_cast<double>(shape.length));
    }
}

/// Reads back a shape written by put_shape (validated by the family when vectors are built).
template <class Shape>
Shape get_shape(const memory_state& s) {
    if constexpr (std::is_same_v<Shape, std::size_t>) {
        return static_cast<std::size_t>(s.integer("dimension", 1, max_dimension));
    } else {
        Shape shape;
        shape.blocks = static_cast<std::size_t>(s.integer("blocks", 1, max_dimension));
        shape.length = static_cast<std::size_t>(s.integer("block_length", 1, 65536));
        return shape;
    }
}

/// The codebook as a memory_state array "patterns" (rows without padding).
template <class V>
void put_patterns(memory_state& s, const item_memory<V>& codebook) {
    using E = typename row_traits<V>::element_type;
    using S = state_element_t<E>;
    const std::size_t width = row_traits<V>::row_size(codebook.shape());
    std::vector<S> values;
    values.reserve(codebook.size() * width);
    for (std::size_t i = 0; i < codebook.size(); ++i)
        for (E e : codebook.row(i)) values.push_back(static_cast<S>(e));
    s.add_array("patterns", {codebook.size(), width}, std::move(values));
}

/// The codebook saved by put_patterns, every row validated by the family (and tail bits for
/// packed sign bits); throws format_error naming the problem.
template <class V>
item_memory<V> get_patterns(const memory_state& s, const typename V::shape_type& shape, std::size_t count) {
    using E = typename row_traits<V>::element_type;
    using S = state_element_t<E>;
    const std::size_t width = row_traits<V>::row_size(shape);
    if (V::extent != dynamic && dim_of(shape) != V::extent)
        throw format_error("saved " + s.kind + " state has dimension " + std::to_string(dim_of(shape)) + ", not " +
                           std::to_string(V::extent));
    const auto& values = s.array<S>("patterns", {count, width});
    if constexpr (sign_bit_vector<V>) check_tail_bits(s, "patterns", values.data(), count, width, shape);
    item_memory<V> out(shape);
    if (count == 0) return out;  // nothing allocated for a shape no pattern vouches for
    try {
        (void)V(shape);  // the shape is one the family accepts (its size is vouched for by the values)
    } catch (const error& e) {
        throw format_error("saved " + s.kind + " state: " + e.what());
    }
    out.reserve(count);
    const std::size_t stride = row_stride<V>(shape);
    aligned_buffer<E> row(stride);
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t k = 0; k < width; ++k) {
            const S v = values[i * width + k];
            if constexpr (!std::is_same_v<S, E>)
                if (v < 0 || v > static_cast<S>(std::numeric_limits<E>::max()))
                    throw format_error("saved " + s.kind + " state: value " + std::to_string(v) + " in row " +
                                       std::to_string(i) + " of 'patterns' is out of range");
            row[k] = static_cast<E>(v);
        }
        try {
            out.add(row_traits<V>::load(row.data(), shape));
        } catch (const format_error&) {
            throw;
        } catch (const error& e) {
            throw format_error("saved " + s.kind + " state: row " + std::to_string(i) + " of 'patterns': " + e.what());
        }
    }
    return out;
}

}  // namespace detail

/// Classic Hopfield network over binary or bipolar patterns: Hebbian weights W = sum m m^T with
/// zero diagonal, applied through the codebook (never stored). A unit whose field is zero keeps
/// its value.
template <sign_bit_vector V>
class classic_hopfield {
public:
    using vector_type = V;

    /// An empty network of fixed dimension D.
    classic_hopfield() requires(V::extent != dynamic) : patterns_(V::extent) {}
    /// An empty network for patterns of dimension dim.
    explicit classic_hopfield(std::size_t dim) : patterns_(V(dim).shape()) {}
    /// A network storing the given patterns (at least one; they fix the dimension).
    explicit classic_hopfield(std::span<const V> patterns) : patterns_(first_shape(patterns)) {
        for (const V& p : patterns) add(p);
    }

    /// Stores a pattern; returns its index. Throws dimension_mismatch for a wrong dimension.
    std::size_t add(const V& pattern) { return patterns_.add(pattern); }
    /// Forgets every pattern.
    void clear() noexcept { patterns_.clear(); }
    /// Number of stored patterns M.
    std::size_t size() const noexcept { return patterns_.size(); }
    /// Dimension D (number of units).
    std::size_t dim() const noexcept { return patterns_.shape(); }
    /// Stored pattern i.
    V pattern(std::size_t i) const { return patterns_.vector(i); }

    /// The local fields h = W x (zero diagonal), one per unit: sum_j m_j (m_j . x) - M x.
    std::vector<std::int64_t> field(const V& x) const {
        const auto bits = packed(x, "classic_hopfield::field");
        const auto overlaps = overlaps_with(bits.data());
        std::vector<std::int64_t> h(dim(), 0);
        add_field(overlaps, h);
        const auto m = static_cast<std::int64_t>(size());
        for (std::size_t i = 0; i < dim(); ++i) h[i] -= m * detail::sign_of_bit(bits.data(), i);
        return h;
    }

    /// The energy -1/2 x^T W x = -1/2 (sum_j (m_j . x)^2 - M D).
    double energy(const V& x) const {
        const auto bits = packed(x, "classic_hopfield::energy");
        double sum = 0;
        for (std::int64_t d : overlaps_with(bits.data())) sum += static_cast<double>(d) * static_cast<double>(d);
        return -0.5 * (sum - static_cast<double>(size()) * static_cast<double>(dim()));
    }

    /// Runs the network from x until a fixed point (or a 2-cycle for synchronous updates, or the
    /// iteration cap). Throws dimension_mismatch, invalid_parameter for a zero cap.
    hopfield_result<V> recall(const V& x, const hopfield_options& options = {}) const {
        if (options.max_iterations == 0) throw invalid_parameter("classic_hopfield::recall: max_iterations must be positive");
        auto bits = packed(x, "classic_hopfield::recall");
        hopfield_result<V> result;
        if (options.update == hopfield_update::synchronous)
            run_synchronous(bits, options, result);
        else
            run_asynchronous(bits, options, result);
        result.state = row_traits<V>::load(bits.data(), dim());
        return result;
    }

    /// The state's kind: "hopfield/" and the family's name, so a binary network's state is not
    /// read as a bipolar one (their rows are the same sign words).
    static std::string state_kind() { return "hopfield/" + std::string(family_name_v<V>); }

    /// The saved state: kind state_kind(), the dimension and the patterns as sign-bit words.
    memory_state state() const {
        memory_state s;
        s.kind = state_kind();
        s.version = 1;
        s.set("dimension", static_cast<double>(dim()));
        s.set("count", static_cast<double>(size()));
        detail::put_patterns(s, patterns_);
        return s;
    }
    /// The network a state describes; throws format_error naming what is wrong.
    static classic_hopfield from_state(const memory_state& s) {
        s.expect(state_kind(), 1);
        const std::size_t d = detail::get_shape<std::size_t>(s);
        const auto count = static_cast<std::size_t>(s.integer("count", 0, 4'000'000'000));
        return classic_hopfield(detail::get_patterns<V>(s, d, count));
    }

private:
    explicit classic_hopfield(item_memory<V>&& patterns) noexcept : patterns_(std::move(patterns)) {}

    static std::size_t first_shape(std::span<const V> patterns) {
        if (patterns.empty()) throw empty_input("classic_hopfield: no patterns given");
        return patterns.front().dim();
    }

    std::size_t words() const noexcept { return (dim() + 63) / 64; }

    aligned_buffer<std::uint64_t> packed(const V& x, const char* what) const {
        detail::check_same_dim(what, x.dim(), dim());
        aligned_buffer<std::uint64_t> bits(row_stride<V>(dim()));
        row_traits<V>::store(x, bits.data());
        return bits;
    }

    /// m_j . x for every pattern, from the popcount kernel.
    std::vector<std::int64_t> overlaps_with(const std::uint64_t* bits) const {
        const auto view = patterns_.view();
        std::vector<std::uint32_t> h(size());
        if (!h.empty()) simd::hamming_one_to_many(bits, view.data(), size(), words(), view.stride(), h.data());
        std::vector<std::int64_t> d(size());
        const auto n = static_cast<std::int64_t>(dim());
        for (std::size_t j = 0; j < size(); ++j) d[j] = n - 2 * static_cast<std::int64_t>(h[j]);
        return d;
    }

    /// h += sum_j m_j d_j (sign bits: m_ji = 1 - 2 bit).
    void add_field(const std::vector<std::int64_t>& d, std::vector<std::int64_t>& h) const {
        const auto view = patterns_.view();
        std::int64_t total = 0;
        for (std::size_t j = 0; j < size(); ++j) {
            total += d[j];
            const std::uint64_t* row = view.row(j);
            for (std::size_t w = 0; w < words(); ++w)
                for (std::uint64_t bitsw = row[w]; bitsw; bitsw &= bitsw - 1)
                    h[w * 64 + static_cast<std::size_t>(std::countr_zero(bitsw))] -= 2 * d[j];
        }
        for (auto& hi : h) hi += total;
    }

    void run_synchronous(aligned_buffer<std::uint64_t>& bits, const hopfield_options& options,
                         hopfield_result<V>& result) const {
        aligned_buffer<std::uint64_t> before_previous;  // the state two sweeps back, to spot a 2-cycle
        const auto m = static_cast<std::int64_t>(size());
        std::vector<std::int64_t> h(dim());
        for (std::size_t it = 0; it < options.max_iterations; ++it) {
            std::fill(h.begin(), h.end(), 0);
            add_field(overlaps_with(bits.data()), h);
            aligned_buffer<std::uint64_t> next(bits.size());
            for (std::size_t i = 0; i < dim(); ++i) {
                const int s = detail::sign_of_bit(bits.data(), i);
                const std::int64_t f = h[i] - m * s;
                const bool negative = f < 0 || (f == 0 && s < 0);
                if (negative) next[i / 64] |= std::uint64_t{1} << (i % 64);
            }
            result.iterations = it + 1;
            if (next == bits) {
                result.converged = true;
                return;
            }
            if (it > 0 && next == before_previous) {
                bits = std::move(next);
                result.cycled = true;
                return;
            }
            before_previous = std::move(bits);
            bits = std::move(next);
        }
    }

    void run_asynchronous(aligned_buffer<std::uint64_t>& bits, const hopfield_options& options,
                          hopfield_result<V>& result) const {
        auto d = overlaps_with(bits.data());
        const auto view = patterns_.view();
        const auto m = static_cast<std::int64_t>(size());
        std::vector<std::uint32_t> order(dim());
        for (std::size_t i = 0; i < dim(); ++i) order[i] = static_cast<std::uint32_t>(i);
        rng gen(options.seed);
        for (std::size_t it = 0; it < options.max_iterations; ++it) {
            for (std::size_t i = dim() - 1; i > 0; --i)
                std::swap(order[i], order[static_cast<std::size_t>(gen.below(i + 1))]);
            bool changed = false;
            for (std::uint32_t unit : order) {
                const std::size_t i = unit;
                const int s = detail::sign_of_bit(bits.data(), i);
                std::int64_t f = -m * s;
                for (std::size_t j = 0; j < size(); ++j) f += detail::sign_of_bit(view.row(j), i) * d[j];
                if (f == 0 || (f > 0) == (s > 0)) continue;
                changed = true;
                bits[i / 64] ^= std::uint64_t{1} << (i % 64);  // s -> -s
                for (std::size_t j = 0; j < size(); ++j) d[j] -= 2 * s * detail::sign_of_bit(view.row(j), i);
            }
            result.iterations = it + 1;
            if (!changed) {
                result.converged = true;
                return;
            }
        }
    }

    item_memory<V> patterns_;
};

/// Options of modern_hopfield.
struct modern_hopfield_options {
    double beta = 32.0;               ///< inverse temperature, per unit of similarity
    std::size_t max_iterations = 10;  ///< updates at most
};

/// Modern (dense associative) Hopfield retrieval over a codebook of any row-storable family:
/// x <- bundle of the patterns weighted by softmax(beta * similarity(m_j, x)).
template <row_storable V>
class modern_hopfield {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// An empty memory for patterns of the given shape.
    explicit modern_hopfield(const shape_type& shape, modern_hopfield_options options = {})
        : patterns_(shape), options_(checked(options)) {}
    /// A memory storing the given patterns (at least one; they fix the shape).
    explicit modern_hopfield(std::span<const V> patterns, modern_hopfield_options options = {})
        : patterns_(first_shape(patterns)), options_(checked(options)) {
        for (const V& p : patterns) add(p);
    }

    /// Stores a pattern; returns its index. Throws dimension_mismatch for a wrong shape.
    std::size_t add(const V& pattern) { return patterns_.add(pattern); }
    /// Number of stored patterns.
    std::size_t size() const noexcept { return patterns_.size(); }
    /// Shape of the patterns.
    const shape_type& shape() const noexcept { return patterns_.shape(); }
    /// Stored pattern i.
    V pattern(std::size_t i) const { return patterns_.vector(i); }
    /// The options (beta, iteration cap).
    const modern_hopfield_options& options() const noexcept { return options_; }

    /// softmax(beta * s) over the patterns, s_j = similarity(m_j, x) (sums to 1). Throws
    /// empty_input for an empty memory, dimension_mismatch for a wrong shape.
    std::vector<double> attention(const V& x) const {
        require_patterns("modern_hopfield::attention");
        auto p = patterns_.similarities(x);
        const double top = *std::max_element(p.begin(), p.end());
        double sum = 0;
        for (double& v : p) sum += (v = detail::portable_exp_nonpositive(options_.beta * (v - top)));
        for (double& v : p) v /= sum;
        return p;
    }

    /// The energy -(1/beta) log sum_j exp(beta s_j). Ramsauer et al. use dot products and add
    /// 1/2 |x|^2 (plus constants) to keep the state bounded; the similarities here are
    /// scale-free (cosine-like), so that term is omitted. It is not constant in general (a real
    /// state's norm varies), so this is the log-sum-exp part only, comparable between states
    /// of equal norm.
    double energy(const V& x) const {
        require_patterns("modern_hopfield::energy");
        const auto s = patterns_.similarities(x);
        const double top = *std::max_element(s.begin(), s.end());
        double sum = 0;
        for (double v : s) sum += detail::portable_exp_nonpositive(options_.beta * (v - top));
        return -(top + detail::portable_log(sum) / options_.beta);
    }

    /// The index of the pattern with the largest attention on x (ties: lowest index).
    std::size_t nearest(const V& x) const { return patterns_.nearest(x).index; }

    /// One update: the patterns bundled with integer weights w_j = round(2^20 p_j / max p),
    /// p = attention(x) (zero weights skipped; the largest is 2^20). For a family whose bundle
    /// is the plain weighted sum (real) the sum is divided by sum_j w_j, so the result is the
    /// convex combination sum_j p_j m_j (up to the weights' rounding) and a stored pattern that
    /// takes all the attention is returned exactly.
    V update(const V& x) const {
        using accumulator = typename V::accumulator_type;
        const auto p = attention(x);
        const double top = *std::max_element(p.begin(), p.end());
        accumulator acc(shape());
        double total = 0;
        for (std::size_t j = 0; j < p.size(); ++j) {
            const double w = std::nearbyint(std::ldexp(p[j] / top, 20));
            if (w > 0) {
                acc.add(patterns_.vector(j), w);
                total += w;
            }
        }
        if constexpr (std::derived_from<accumulator, dense_sums_accumulator<accumulator, V>>) acc.scale(1.0 / total);
        return acc.result();
    }

    /// Updates from x until the state stops changing (or the cap).
    hopfield_result<V> recall(const V& x) const {
        hopfield_result<V> result{x, 0, false, false};
        for (std::size_t it = 0; it < options_.max_iterations; ++it) {
            V next = update(result.state);
            result.iterations = it + 1;
            if (next == result.state) {
                result.converged = true;
                return result;
            }
            result.state = std::move(next);
        }
        return result;
    }

    /// The state's kind: "modern_hopfield/" and the family's name, so a state is never read as
    /// another family's whose rows share the layout (real and mbat, binary and bipolar).
    static std::string state_kind() { return "modern_hopfield/" + std::string(family_name_v<V>); }

    /// The saved state: kind state_kind(), the shape, beta, the cap and the patterns.
    memory_state state() const {
        memory_state s;
        s.kind = state_kind();
        s.version = 1;
        detail::put_shape(s, shape());
        s.set("count", static_cast<double>(size()));
        s.set("beta", options_.beta);
        s.set("max_iterations", static_cast<double>(options_.max_iterations));
        detail::put_patterns(s, patterns_);
        return s;
    }
    /// The memory a state describes; throws format_error naming what is wrong.
    static modern_hopfield from_state(const memory_state& s) {
        s.expect(state_kind(), 1);
        const auto shape = detail::get_shape<shape_type>(s);
        modern_hopfield_options options;
        options.beta = s.real("beta", std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max());
        options.max_iterations = static_cast<std::size_t>(s.integer("max_iterations", 1, 1'000'000'000));
        const auto count = static_cast<std::size_t>(s.integer("count", 0, 4'000'000'000));
        try {
            modern_hopfield out(shape, options);
            out.patterns_ = detail::get_patterns<V>(s, shape, count);
            return out;
        } catch (const format_error&) {
            throw;
        } catch (const error& e) {
            throw format_error("saved " + s.kind + " state: " + e.what());
        }
    }

private:
    static modern_hopfield_options checked(modern_hopfield_options o) {
        detail::check_beta(o.beta, "modern_hopfield");
        if (o.max_iterations == 0) throw invalid_parameter("modern_hopfield: max_iterations must be positive");
        return o;
    }
    void require_patterns(const char* what) const {
        if (size() == 0) throw empty_input(std::string(what) + ": no patterns stored");
    }
    static shape_type first_shape(std::span<const V> patterns) {
        if (patterns.empty()) throw empty_input("modern_hopfield: no patterns given");
        return patterns.front().shape();
    }

    item_memory<V> patterns_;
    modern_hopfield_options options_;
};

}  // namespace hdc
