// hdc/core/algebra.hpp - the generic entry points of the model concept.
//
// hdc::random<V>, hdc::symbol<V>, hdc::accumulator<V> and hdc::bundle are written once here
// against hdc::hypervector; each model supplies only its primitive operations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <ranges>
#include <string_view>
#include <type_traits>

#include "concepts.hpp"
#include "error.hpp"
#include "extent.hpp"
#include "rng.hpp"

namespace hdc {

/// The un-normalised bundle of model V (counts or sums): add, subtract, merge, result.
template <hypervector V>
using accumulator = typename V::accumulator_type;

namespace detail {

/// The shape of a fixed-dimension model, without constructing a vector when it is the dimension.
template <class V>
typename V::shape_type fixed_shape() {
    if constexpr (std::is_same_v<typename V::shape_type, std::size_t>)
        return V::extent;
    else
        return V{}.shape();
}

}  // namespace detail

/// An atomic random vector of fixed-dimension model V.
template <hypervector V>
    requires(V::extent != dynamic)
V random(rng& gen) {
    return V::random(gen, detail::fixed_shape<V>());
}

/// An atomic random vector of model V with the given shape: the dimension for dense models
/// (must equal V::extent if fixed).
template <hypervector V>
V random(rng& gen, const typename V::shape_type& shape) {
    return V::random(gen, shape);
}

namespace detail {

inline constexpr std::uint64_t symbol_domain = 0x73796D626F6C2D31ull;  // "symbol-1"
inline constexpr std::uint64_t id_domain = 0x69642D73796D626Full;      // "id-symbo"

/// Key of the stream that generates symbol `h` (hashed name or id) under `seed`.
constexpr std::uint64_t symbol_key(std::uint64_t h, std::uint64_t seed) noexcept {
    return make_key(seed ^ symbol_domain, h);
}

}  // namespace detail

/// The atom of a name under a seed: same name + seed -> same vector, on any machine.
/// Codebooks built this way need no storage.
template <hypervector V>
V symbol(std::string_view name, std::uint64_t seed, const typename V::shape_type& shape) {
    rng gen = rng::from_key(detail::symbol_key(detail::hash_name(name), seed));
    return V::random(gen, shape);
}

/// The atom of a name under a seed, for fixed-dimension V.
template <hypervector V>
    requires(V::extent != dynamic)
V symbol(std::string_view name, std::uint64_t seed) {
    return symbol<V>(name, seed, detail::fixed_shape<V>());
}

/// The atom of an integer id under a seed (ids and names never share a stream).
template <hypervector V, std::integral Id>
V symbol(Id id, std::uint64_t seed, const typename V::shape_type& shape) {
    const std::uint64_t h = detail::mix64(static_cast<std::uint64_t>(id) ^ detail::id_domain);
    rng gen = rng::from_key(detail::symbol_key(h, seed));
    return V::random(gen, shape);
}

/// The atom of an integer id under a seed, for fixed-dimension V.
template <hypervector V, std::integral Id>
    requires(V::extent != dynamic)
V symbol(Id id, std::uint64_t seed) {
    return symbol<V>(id, seed, detail::fixed_shape<V>());
}

/// Superposition of a non-empty range of vectors, in the model's own form (majority, sign,
/// normalised sum, ...). Throws empty_input for an empty range and dimension_mismatch for
/// vectors of different dimensions.
template <std::ranges::input_range R>
    requires hypervector<std::ranges::range_value_t<R>>
std::ranges::range_value_t<R> bundle(R&& vectors) {
    using V = std::ranges::range_value_t<R>;
    auto it = std::ranges::begin(vectors);
    const auto last = std::ranges::end(vectors);
    if (it == last) throw empty_input("bundle: no vectors to bundle");
    accumulator<V> acc((*it).shape());
    for (; it != last; ++it) acc.add(*it);
    return acc.result();
}

/// Superposition of a braced list: hdc::bundle({a, b, c}).
template <hypervector V>
V bundle(std::initializer_list<V> vectors) {
    return bundle(std::ranges::subrange(vectors.begin(), vectors.end()));
}

}  // namespace hdc
