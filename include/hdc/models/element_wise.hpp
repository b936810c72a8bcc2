// hdc/models/element_wise.hpp - the primitives written once for every model on the storage base.
//
// bipolar, real, mbat, phasor and the modular phase codes (mcr, cgr) store one element per
// component in each of their arrays (phasor: the real parts, then the imaginary parts), so
// choosing components from two vectors (blend) is the same loop over every array for all of
// them, and so is negating them for those whose elements are signed numbers (not the modular
// phases: modular.hpp turns them by a half turn). binary packs 64 components in a word and
// keeps its own blend and negate (detail::packed_components marks it); sparse block codes are
// not on the storage base and keep theirs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/error.hpp"
#include "../core/vector_storage.hpp"
#include "common.hpp"

namespace hdc {
namespace detail {

/// The storage base of a dense model, found by derived-to-base conversion (declared only, for
/// decltype and requires-expressions).
template <std::size_t D, class T, std::size_t Parts>
vector_storage<D, T, Parts> storage_base_of(const vector_storage<D, T, Parts>&);

/// The number of arrays of a storage base.
template <std::size_t D, class T, std::size_t Parts>
constexpr std::size_t parts_of(const vector_storage<D, T, Parts>*) noexcept {
    return Parts;
}

/// True for the models whose storage elements each hold several components (binary's words).
template <class V>
inline constexpr bool packed_components = false;

/// False for the models on the storage base whose elements are no signed numbers, so that -x is
/// no negation and they keep their own primitives (the modular phase codes, modular.hpp).
template <class V>
inline constexpr bool signed_elements = true;

}  // namespace detail

/// A model on the storage base (binary, bipolar, real, mbat, phasor, mcr, cgr).
template <class V>
concept dense_model = requires(const V& v) { detail::storage_base_of(v); };

/// A dense model with one element per component in each array: bipolar, real, mbat, phasor,
/// mcr, cgr (blend's loop applies).
template <class V>
concept unpacked_model = dense_model<V> && !detail::packed_components<V>;

/// An unpacked model whose elements are signed numbers, so -x negates a component: bipolar,
/// real, mbat, phasor.
template <class V>
concept element_wise_model = unpacked_model<V> && detail::signed_elements<V>;

/// Number of components blend() chooses between and a blend mask covers: the dimension.
template <dense_model V>
std::size_t component_count(const V& a) noexcept {
    return a.dim();
}

/// Component i from b where bit i of mask is set, from a elsewhere (mask: component_count(a)
/// bits, component i in bit i % 64 of word i / 64; phasor takes both parts of a component).
/// The primitive of graded encoders (levels, thermometers, circles). Throws dimension_mismatch
/// or invalid_parameter.
template <unpacked_model V>
V blend(const V& a, const V& b, std::span<const std::uint64_t> mask) {
    detail::check_same_dim("blend", a.dim(), b.dim());
    detail::check_blend_mask(mask.size(), a.dim());
    auto out = detail::storage_access::for_overwrite<V>(a.dim());
    for (std::size_t p = 0; p < detail::parts_of(&a); ++p)
        detail::blend_elements(detail::storage_access::part(a, p), detail::storage_access::part(b, p),
                               mask.data(), detail::storage_access::data(out, p), a.dim());
    return out;
}

/// -a, every element of every array negated (exact; for phasor every phase turned by pi):
/// similarity(a, negate(a)) == -1.
template <element_wise_model V>
V negate(const V& a) {
    auto out = detail::storage_access::for_overwrite<V>(a.dim());
    for (std::size_t p = 0; p < detail::parts_of(&a); ++p) {
        const auto* x = detail::storage_access::part(a, p);
        auto* o = detail::storage_access::data(out, p);
        using T = std::remove_cvref_t<decltype(*x)>;
        for (std::size_t i = 0; i < a.dim(); ++i) o[i] = static_cast<T>(-x[i]);
    }
    return out;
}

}  // namespace hdc
