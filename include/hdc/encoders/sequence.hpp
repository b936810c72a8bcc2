// hdc/encoders/sequence.hpp - sequences by permutation and binding (ALGORITHMS.md section 1.7):
// bundled positions, bound sequences (n-grams), position keys (random or graded by FPE) and the
// recurrent trajectory with forgetting.
//
// rho is permute(., 1), the cyclic shift of the model. Families supported:
//   bundle_sequence, bind_sequence, bind_positions, sequence_accumulator   every family.
//   sequence_accumulator with forgetting < 1   the families whose accumulators take real
//       weights (real, mbat, phasor: their accumulators scale()); binary, bipolar and sparse
//       accumulators count integer votes, so they refuse a forgetting factor.
// Items are decoded by undoing their position (sequence_item, or unbind with the position key)
// and cleaning up against a codebook (item_memory::nearest).
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "scalar.hpp"

namespace hdc {

namespace detail {

/// Number of items of a forward range, empty_input naming `who` if there are none.
template <std::ranges::forward_range R>
std::size_t sequence_length(const char* who, R& items) {
    const auto n = static_cast<std::size_t>(std::ranges::distance(items));
    if (n == 0) throw empty_input(std::string(who) + ": an empty sequence has no vector");
    return n;
}

/// Whether v has the shape of the vectors acc takes.
template <class A, class V>
bool takes_shape(const A& acc, const V& v) {
    if constexpr (requires { acc.shape() == v.shape(); })
        return acc.shape() == v.shape();
    else
        return acc.dim() == v.dim();
}

/// Accumulators that can be multiplied by a real factor (the floating-point families).
template <class A>
concept scalable_accumulator = requires(A& acc, double factor) { acc.scale(factor); };

}  // namespace detail

/// A forward range of vectors of one model.
template <class R>
concept vector_sequence =
    std::ranges::forward_range<R> && hypervector<std::ranges::range_value_t<R>>;

/// The bundled positions of x_0 .. x_{n-1} as the family's accumulator:
///   sum_i rho^(n-1-i)(x_i)      (the last item unpermuted, torchhd's bundle_sequence)
/// An order-aware set: item i is recovered by cleaning up rho^-(n-1-i) of the bundle. Throws
/// empty_input for no items, dimension_mismatch for items of different shapes.
template <vector_sequence R>
accumulator<std::ranges::range_value_t<R>> bundle_sequence_accumulator(R&& items) {
    using V = std::ranges::range_value_t<R>;
    const std::size_t n = detail::sequence_length("bundle_sequence", items);
    auto it = std::ranges::begin(items);
    accumulator<V> acc((*it).shape());
    for (std::size_t i = 0; i < n; ++i, ++it)
        acc.add(permute(*it, static_cast<std::ptrdiff_t>(n - 1 - i)));
    return acc;
}

/// The bundled positions as a vector: bundle_sequence_accumulator(items).result().
template <vector_sequence R>
std::ranges::range_value_t<R> bundle_sequence(R&& items) {
    return bundle_sequence_accumulator(std::forward<R>(items)).result();
}

/// The vector to clean up for item i of a bundled sequence of n items: rho^-(n-1-i)(seq).
/// Throws invalid_parameter unless i < n.
template <hypervector V>
V sequence_item(const V& seq, std::size_t n, std::size_t i) {
    if (i >= n)
        throw invalid_parameter("sequence_item: position " + std::to_string(i) +
                                " is not below the length " + std::to_string(n));
    return permute(seq, -static_cast<std::ptrdiff_t>(n - 1 - i));
}

/// The bound sequence (n-gram) of x_0 .. x_{n-1}:
///   gram = rho^(n-1)(x_0) (x) rho^(n-2)(x_1) (x) ... (x) x_{n-1}     (torchhd's bind_sequence)
/// Order-sensitive and dissimilar to every item. Computed left to right as
/// g <- bind(rho^(n-1-i)(x_i), g), so for MBAT (non-commutative) each later item binds the gram
/// of the earlier ones, and for every family unbind(gram, x_{n-1}) gives back that product of the
/// earlier items at their positions (exactly, or approximately for real; where permutation
/// distributes over binding it is the gram of x_0 .. x_{n-2} shifted once). Throws empty_input for no items, dimension_mismatch for items of different shapes.
template <vector_sequence R>
std::ranges::range_value_t<R> bind_sequence(R&& items) {
    const std::size_t n = detail::sequence_length("bind_sequence", items);
    auto it = std::ranges::begin(items);
    auto gram = permute(*it, static_cast<std::ptrdiff_t>(n - 1));
    ++it;
    for (std::size_t i = 1; i < n; ++i, ++it)
        gram = bind(permute(*it, static_cast<std::ptrdiff_t>(n - 1 - i)), gram);
    return gram;
}

/// Independent random position keys: key i is symbol<V>(i, seed, shape), so any number of
/// positions needs no storage. Thread safety: const members may be called concurrently.
template <hypervector V>
class random_positions {
public:
    using shape_type = typename V::shape_type;
    /// Keys of the given shape under seed.
    random_positions(std::uint64_t seed, const shape_type& shape) : seed_(seed), shape_(shape) {
        (void)(*this)(0);  // validates the shape (invalid_dimension)
    }
    /// Keys of fixed-dimension V under seed.
    explicit random_positions(std::uint64_t seed) requires(V::extent != dynamic)
        : random_positions(seed, detail::default_shape<V>()) {}
    /// The key of position i.
    V operator()(std::size_t i) const { return symbol<V>(i, seed_, shape_); }

private:
    std::uint64_t seed_;
    shape_type shape_;
};

/// Graded position keys by fractional power encoding (HDC-MiniROCKET's timestamps, ALGORITHMS.md
/// section 5.2): key t is fpe_encoder over positions [0, length - 1] with bandwidth s, so with
/// the sinc kernel E similarity(key t1, key t2) = sinc(s |t1 - t2| / (length - 1)): s = 1 makes
/// the first and last positions orthogonal, larger s resolves finer. Positions past the end are
/// clamped. Supports the families of fpe_encoder. Thread safety: const members may be called
/// concurrently.
template <fpe_family V>
class graded_positions {
public:
    /// Keys for `length` positions (at least 2) of dimension dim. Throws as fpe_encoder, and
    /// invalid_parameter for a length below 2.
    graded_positions(std::size_t length, double bandwidth, fpe_kernel kernel, std::uint64_t seed,
                     std::size_t dim)
        : encoder_(positions_range(length), bandwidth, kernel, out_of_range::clamp, seed, dim) {}
    /// As above, for fixed-dimension V.
    graded_positions(std::size_t length, double bandwidth, fpe_kernel kernel, std::uint64_t seed)
        requires(V::extent != dynamic)
        : graded_positions(length, bandwidth, kernel, seed, V::extent) {}
    /// The key of position t.
    V operator()(std::size_t t) const { return encoder_.encode(static_cast<double>(t)); }
    /// The encoder behind the keys (e.g. for expected_similarity).
    const fpe_encoder<V>& encoder() const noexcept { return encoder_; }

private:
    static value_range positions_range(std::size_t length) {
        if (length < 2)
            throw invalid_parameter("graded_positions: length " + std::to_string(length) +
                                    " given, at least 2 positions are needed");
        return {0.0, static_cast<double>(length - 1)};
    }
    fpe_encoder<V> encoder_;
};

/// sum_i key(i) (x) x_i as the family's accumulator: items bound to position keys (key is any
/// callable from a position to a vector: random_positions, graded_positions, a lambda). Item i
/// is recovered by cleaning up unbind(bundle, key(i)). Throws empty_input for no items,
/// dimension_mismatch for shapes that differ.
template <vector_sequence R, class Keys>
    requires std::same_as<std::invoke_result_t<const Keys&, std::size_t>,
                          std::ranges::range_value_t<R>>
accumulator<std::ranges::range_value_t<R>> bind_positions_accumulator(R&& items,
                                                                       const Keys& key) {
    using V = std::ranges::range_value_t<R>;
    const std::size_t n = detail::sequence_length("bind_positions", items);
    auto it = std::ranges::begin(items);
    accumulator<V> acc((*it).shape());
    for (std::size_t i = 0; i < n; ++i, ++it) acc.add(bind(key(i), *it));
    return acc;
}

/// The position-keyed bundle as a vector: bind_positions_accumulator(items, key).result().
template <vector_sequence R, class Keys>
    requires std::same_as<std::invoke_result_t<const Keys&, std::size_t>,
                          std::ranges::range_value_t<R>>
std::ranges::range_value_t<R> bind_positions(R&& items, const Keys& key) {
    return bind_positions_accumulator(std::forward<R>(items), key).result();
}

/// A sequence bundled item by item (shift-compatible append) with optional forgetting:
///   h_t = lambda rho(h_{t-1}) + x_t,   so   h_n = sum_i lambda^(n-1-i) rho^(n-1-i)(x_i).
/// With lambda = 1 it is bundle_sequence_accumulator of the items pushed, whatever the family.
/// The item k steps back is read by cleaning up rho^-k(h) (item(k)), and scored directly
/// against the accumulator by similarity_to. lambda < 1 needs a family whose accumulator takes
/// real weights (real, mbat, phasor). Thread safety: const members may be called concurrently;
/// push_back and clear need exclusive access.
template <hypervector V>
class sequence_accumulator {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// The smallest forgetting factor accepted: push_back adds x / lambda, and below ~1e-140
    /// that passes the accumulators' sum limit on the second item (denormal lambda even gives
    /// inf). lambda = 1e-100 already forgets an item after one step for any practical purpose.
    static constexpr double min_forgetting = 1e-100;

    /// An empty sequence of vectors of the given shape. Throws invalid_parameter unless
    /// min_forgetting <= forgetting <= 1, or if forgetting < 1 for a family with integer
    /// accumulators; non_finite_value for NaN.
    explicit sequence_accumulator(const shape_type& shape, double forgetting = 1.0)
        : acc_(shape), forgetting_(checked(forgetting)) {}
    /// An empty sequence of fixed-dimension V.
    explicit sequence_accumulator(double forgetting = 1.0) requires(V::extent != dynamic)
        : sequence_accumulator(detail::default_shape<V>(), forgetting) {}

    /// Appends x: h <- lambda rho(h) + x. Throws dimension_mismatch for a vector of another
    /// shape, invalid_parameter for a sum beyond the accumulator's limit, std::bad_alloc; in
    /// every case nothing changed.
    void push_back(const V& x) {
        if (!detail::takes_shape(acc_, x))
            throw dimension_mismatch("sequence_accumulator::push_back", x.dim(), acc_.dim());
        if (size_ == 0) {
            acc_.add(x);  // all or nothing
        } else {
            // lambda rho(h) + x = lambda rho(h + rho^-1(x) / lambda), built in a copy: the add may
            // refuse and the shift may throw std::bad_alloc after the add, so h is replaced only
            // when every step succeeded.
            accumulator<V> next(acc_);
            next.add(permute(x, -1), 1.0 / forgetting_);
            next.permute(1);
            if constexpr (detail::scalable_accumulator<accumulator<V>>)
                if (forgetting_ != 1.0) next.scale(forgetting_);
            acc_ = std::move(next);
        }
        ++size_;
    }
    /// Number of items pushed.
    std::size_t size() const noexcept { return size_; }
    /// The forgetting factor lambda.
    double forgetting() const noexcept { return forgetting_; }
    /// The family's accumulator h (un-normalised).
    const accumulator<V>& bundle() const noexcept { return acc_; }
    /// h in the family's own form (majority, sign, normalised sum, ...).
    V result() const { return acc_.result(); }
    /// The vector to clean up for the item `back` steps before the last (0: the last):
    /// rho^-back(result()). Throws invalid_parameter unless back < size().
    V item(std::size_t back) const {
        check_back(back);
        return permute(acc_.result(), -static_cast<std::ptrdiff_t>(back));
    }
    /// Similarity of candidate, put `back` steps before the last, to the accumulator:
    /// similarity(h, rho^back(candidate)) (no thresholding of h). Throws invalid_parameter
    /// unless back < size().
    double similarity_to(const V& candidate, std::size_t back) const {
        check_back(back);
        return similarity(acc_, permute(candidate, static_cast<std::ptrdiff_t>(back)));
    }
    /// Forgets every item.
    void clear() noexcept {
        acc_.clear();
        size_ = 0;
    }

private:
    static double checked(double forgetting) {
        if (std::isnan(forgetting))
            throw non_finite_value("sequence_accumulator: forgetting factor is NaN");
        if (!(forgetting >= min_forgetting && forgetting <= 1)) {
            std::ostringstream text;
            text << "sequence_accumulator: forgetting factor " << forgetting << " must be in ["
                 << min_forgetting << ", 1]";
            throw invalid_parameter(text.str());
        }
        if constexpr (!detail::scalable_accumulator<accumulator<V>>)
            if (forgetting != 1.0)
                throw invalid_parameter(
                    "sequence_accumulator: forgetting factor " + std::to_string(forgetting) +
                    " needs real weights; this family's accumulator counts integer votes (use "
                    "real, mbat or phasor, or forgetting 1)");
        return forgetting;
    }
    void check_back(std::size_t back) const {
        if (back >= size_)
            throw invalid_parameter("sequence_accumulator: " + std::to_string(back) +
                                    " steps back, but only " + std::to_string(size_) +
                                    " items were pushed");
    }

    accumulator<V> acc_;
    double forgetting_;
    std::size_t size_ = 0;
};

}  // namespace hdc
