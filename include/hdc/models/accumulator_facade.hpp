// hdc/models/accumulator_facade.hpp - the part every accumulator shares, written once.
//
// An accumulator of model V (core/concepts.hpp: accumulator_of) offers add(v), add(v, weight),
// subtract(v) and the free functions dot(acc, v) and similarity(acc, v). Each family differs
// only in how a weighted vector is added (bit-sliced votes, integer counts, double sums), in what
// result() makes of its state and in how it measures a vector against that state; the entry
// points are this facade's, so a new family writes just those parts.
#pragma once

#include <concepts>

namespace hdc {

namespace detail {
/// Reads and restores an accumulator's raw state, to move it between processes; defined (with
/// its friends' layouts) by hdc/distributed/allreduce.hpp, unused elsewhere.
struct accumulator_state_access;
}  // namespace detail

/// CRTP base of the accumulators. Derived provides (and befriends this class for them)
///   void add_weighted(const V& v, double weight)    checks, then adds weight * v
///   dot_with(const V& v) const                      the raw dot product with the state (public)
///   double similarity_with(const V& v) const        the normalised similarity (public)
/// and the free functions dot(acc, v) and similarity(acc, v) below call the last two.
template <class Derived, class V>
class accumulator_facade {
public:
    /// The vectors it takes.
    using vector_type = V;

    /// Adds v once.
    void add(const V& v) { self().add_weighted(v, 1.0); }
    /// Adds weight * v (negative weights vote against v). Families with integer state refuse
    /// fractional weights (invalid_parameter); every family refuses NaN or infinity.
    void add(const V& v, double weight) { self().add_weighted(v, weight); }
    /// Removes v once (adds it with weight -1).
    void subtract(const V& v) { self().add_weighted(v, -1.0); }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

/// An accumulator built on accumulator_facade.
template <class A>
concept facade_accumulator = requires { typename A::vector_type; } &&
                             std::derived_from<A, accumulator_facade<A, typename A::vector_type>>;

/// Dot product of an accumulator's un-normalised bundle with v.
template <facade_accumulator A>
auto dot(const A& acc, const typename A::vector_type& v) {
    return acc.dot_with(v);
}

/// Similarity of v to an accumulator's un-normalised bundle (0 while it is empty).
template <facade_accumulator A>
double similarity(const A& acc, const typename A::vector_type& v) {
    return acc.similarity_with(v);
}

}  // namespace hdc
