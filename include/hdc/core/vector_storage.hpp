// hdc/core/vector_storage.hpp - the storage base of the dense models.
//
// binary, bipolar, real, mbat and phasor are all "a dimension plus one or two aligned arrays":
// vector_storage holds that skeleton once (dimension, arrays, equality, fixed <-> dynamic
// conversion), and a model adds only its algebra and its invariant (tail bits zero, components
// +-1, finite, unit modulus). Writable access is protected: a model's own constructors keep its
// invariant, and the library's kernels, accumulators and memories, which write whole vectors
// that satisfy it by construction, reach the components through detail::storage_access. No
// public member lets a caller store a value that breaks the invariant.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include "extent.hpp"
#include "storage.hpp"

namespace hdc {
namespace detail {

/// The one door to a model's writable components, for the library's own kernels, accumulators
/// and memories (each writes whole vectors that satisfy the model's invariant). Models befriend
/// it; user code has no reason to name it.
struct storage_access {
    /// Writable pointer to array `part` of v (64-byte aligned, padded to whole lines).
    template <class V>
    static auto* data(V& v, std::size_t part = 0) noexcept {
        return v.mutable_part(part);
    }
    /// Read-only pointer to array `part` of v, for the generic primitives of the dense models.
    template <class V>
    static const auto* part(const V& v, std::size_t k = 0) noexcept {
        return v.part(k);
    }
    /// A vector of model V and dimension dim (already validated) whose components the caller
    /// writes in full, so no identity fill is spent on them.
    template <class V>
    static V for_overwrite(std::size_t dim) {
        return V(dim, typename V::nocheck{});
    }
};

}  // namespace detail

/// The storage of a dense model: the dimension (stored only for hdc::dynamic) and Parts arrays
/// of T, each 64-byte aligned and zero-padded to whole 64-byte lines (aligned_buffer). Models
/// derive from it; see the header comment.
template <std::size_t D, class T, std::size_t Parts = 1>
class vector_storage {
    static_assert(Parts >= 1, "hdc: a vector has at least one array");

public:
    /// The compile-time dimension, or hdc::dynamic.
    static constexpr std::size_t extent = D;
    /// A dense vector's layout is fixed by its dimension alone.
    using shape_type = std::size_t;

    /// The dimension (0 only for a default-constructed hdc::dynamic vector).
    std::size_t dim() const noexcept { return dim_.get(); }
    /// Same as dim(): what random() and the accumulator are constructed from.
    std::size_t shape() const noexcept { return dim(); }
    /// Allocated elements per array: the used ones rounded up to a whole 64-byte line.
    std::size_t padded_size() const noexcept { return parts_[0].padded_size(); }

protected:
    /// dim and `elements` zero elements per array (dim already validated by the model).
    vector_storage(std::size_t dim, std::size_t elements) : dim_(dim) {
        for (auto& p : parts_) p = aligned_buffer<T>(elements);
    }

    /// A copy of a vector of another extent (fixed <-> dynamic); throws invalid_dimension if
    /// other's dimension does not fit D.
    template <std::size_t E>
    explicit vector_storage(const vector_storage<E, T, Parts>& other)
        : dim_(detail::resolve_dim<D>(other.dim())), parts_(other.parts_) {}

    /// Read-only array k.
    const T* part(std::size_t k = 0) const noexcept { return parts_[k].data(); }
    /// Writable array k: for the model itself and detail::storage_access only.
    T* mutable_part(std::size_t k = 0) noexcept { return parts_[k].data(); }
    /// The used elements of array k.
    std::span<const T> part_span(std::size_t k = 0) const noexcept { return parts_[k].span(); }

    /// Same dimension and every array element-wise equal.
    bool same_as(const vector_storage& other) const noexcept {
        return dim() == other.dim() && parts_ == other.parts_;
    }

private:
    template <std::size_t, class, std::size_t>
    friend class vector_storage;
    friend struct detail::storage_access;

    [[no_unique_address]] detail::dim_store<D> dim_;
    std::array<aligned_buffer<T>, Parts> parts_;
};

}  // namespace hdc
