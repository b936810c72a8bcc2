// hdc/core/extent.hpp - compile-time or run-time dimension.
//
// A model is parameterised by its dimension D, either a constant or hdc::dynamic (chosen at run
// time), in the manner of std::span and Eigen::Dynamic. hdc::extent<D> stores nothing for a
// constant and a std::size_t for hdc::dynamic, so fixed-size vectors carry no size field.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

#include "error.hpp"

namespace hdc {

/// Marks a dimension chosen at run time: hdc::binary<hdc::dynamic>{10048}.
inline constexpr std::size_t dynamic = std::numeric_limits<std::size_t>::max();

/// Largest dimension any model accepts (2^32 - 1). Far beyond HDC practice, it lets kernels use
/// 32-bit indices and keeps every padded buffer size from overflowing; a larger value is almost
/// always a forgotten dimension argument.
inline constexpr std::size_t max_dimension = 0xFFFFFFFFu;

/// The dimension of a vector: static for constant D, stored for hdc::dynamic.
template <std::size_t D>
class extent {
    static_assert(D > 0, "hdc: a dimension must be positive");
    static_assert(D <= max_dimension, "hdc: a dimension must not exceed hdc::max_dimension");

public:
    constexpr extent() noexcept = default;
    /// Accepts the run-time value only if it equals D.
    explicit constexpr extent(std::size_t n) {
        if (n != D)
            throw invalid_dimension("dimension " + std::to_string(n) +
                                    " given to a vector of fixed dimension " + std::to_string(D));
    }
    static constexpr std::size_t size() noexcept { return D; }
    static constexpr bool is_dynamic = false;
};

template <>
class extent<dynamic> {
public:
    /// A dynamic extent must be given its size; zero is rejected.
    explicit extent(std::size_t n) : n_(n) {
        if (n == 0) throw invalid_dimension("dimension must be positive, got 0");
        if (n == dynamic)
            throw invalid_dimension("a vector of run-time dimension needs its dimension (got hdc::dynamic)");
        if (n > max_dimension)
            throw invalid_dimension("dimension " + std::to_string(n) + " exceeds hdc::max_dimension (" +
                                    std::to_string(max_dimension) + ")");
    }
    constexpr std::size_t size() const noexcept { return n_; }
    static constexpr bool is_dynamic = true;

private:
    std::size_t n_;
};

namespace detail {

/// D itself for a constant extent; the given run-time value otherwise (validated by extent).
template <std::size_t D>
constexpr std::size_t resolve_dim(std::size_t requested) {
    return extent<D>(requested).size();
}

}  // namespace detail
}  // namespace hdc

namespace hdc::detail {

/// Holds a model's dimension: nothing for a constant D, a std::size_t for hdc::dynamic
/// (0 only in a default-constructed or moved-from dynamic vector).
template <std::size_t D>
struct dim_store {
    constexpr dim_store() noexcept = default;
    constexpr explicit dim_store(std::size_t) noexcept {}
    static constexpr std::size_t get() noexcept { return D; }
};

template <>
struct dim_store<dynamic> {
    constexpr dim_store() noexcept = default;
    constexpr explicit dim_store(std::size_t size) noexcept : n(size) {}
    constexpr std::size_t get() const noexcept { return n; }
    std::size_t n = 0;
};

}  // namespace hdc::detail
