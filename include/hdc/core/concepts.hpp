// hdc/core/concepts.hpp - the hypervector concept every model satisfies.
//
// Generic code (bundling, encoders, memories, resonators, capacity runs) is written once against
// hdc::hypervector. A model V provides, as members:
//   V::extent                      its compile-time dimension or hdc::dynamic
//   v.dim()                        its dimension (number of real components it stands for)
//   V::shape_type, v.shape()       what fixes a vector's layout at run time: the dimension
//                                  (std::size_t) for dense models, blocks x block length for
//                                  sparse block codes
//   V::random(rng&, shape)         an atomic vector with i.i.d. components
//   V::accumulator_type            its un-normalised bundle, constructed from a shape
// and, found by argument-dependent lookup, bind, unbind, permute and similarity.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "rng.hpp"

namespace hdc {

/// The operations an accumulator (un-normalised bundle) of model V offers.
template <class A, class V>
concept accumulator_of =
    std::copyable<A> &&
    requires(A& acc, const A& other, const V& v, double weight, typename V::shape_type shape) {
        A(shape);
        { acc.dim() } -> std::same_as<std::size_t>;
        { acc.count() } -> std::convertible_to<double>;
        acc.add(v);
        acc.add(v, weight);
        acc.subtract(v);
        acc.merge(other);
        acc.clear();
        { other.result() } -> std::same_as<V>;
        { similarity(other, v) } -> std::convertible_to<double>;
    };

/// A hypervector family: value type with bind/unbind/bundle/permute/similarity.
template <class V>
concept hypervector =
    std::copyable<V> && std::equality_comparable<V> &&
    requires(const V& a, const V& b, std::ptrdiff_t shift, rng& gen) {
        { V::extent } -> std::convertible_to<std::size_t>;
        { a.dim() } -> std::same_as<std::size_t>;
        typename V::shape_type;
        { a.shape() } -> std::same_as<typename V::shape_type>;
        { V::random(gen, a.shape()) } -> std::same_as<V>;
        typename V::accumulator_type;
        { bind(a, b) } -> std::same_as<V>;
        { unbind(a, b) } -> std::same_as<V>;
        { permute(a, shift) } -> std::same_as<V>;
        { similarity(a, b) } -> std::convertible_to<double>;
    } && accumulator_of<typename V::accumulator_type, V>;

}  // namespace hdc
