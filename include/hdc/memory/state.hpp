// hdc/memory/state.hpp - the saved state of a learned memory (classifier, Hopfield, SDM, ...).
//
// A memory describes what it has learned as a memory_state: a kind name, a format version of its
// own, named scalar parameters and named arrays. One serializer in io/ writes and reads every
// memory_state, so each memory only says what its state is (state()) and how to rebuild itself from
// one (from_state(), which validates everything and throws format_error naming what is wrong).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../core/error.hpp"

namespace hdc {

/// A named array of numbers in a memory_state: row-major values with their shape.
struct state_array {
    /// The element types a state array may hold.
    using values_type = std::variant<std::vector<float>, std::vector<double>, std::vector<std::int32_t>,
                                     std::vector<std::int64_t>, std::vector<std::uint64_t>>;

    std::string name;                ///< what the array is ("prototypes", "weights", ...)
    std::vector<std::size_t> shape;  ///< extents, outermost first; their product is the value count
    values_type values;              ///< the numbers, row-major

    /// The number of elements the shape describes; throws invalid_parameter if the product of the
    /// extents overflows std::size_t (checked multiplication, so a huge shape never wraps to a
    /// small count).
    [[nodiscard]] std::size_t element_count() const {
        for (std::size_t extent : shape)
            if (extent == 0) return 0;
        std::size_t n = 1;
        for (std::size_t extent : shape) {
            if (n > std::numeric_limits<std::size_t>::max() / extent)
                throw invalid_parameter("memory_state: array '" + name + "' has a shape whose element count overflows");
            n *= extent;
        }
        return n;
    }
};

/// Everything a learned memory needs to be rebuilt: kind, its own version, parameters and arrays.
struct memory_state {
    std::string kind;                                         ///< the memory's type ("onlinehd", "hopfield", ...)
    std::uint32_t version = 1;                                ///< the kind's own state layout version
    std::vector<std::pair<std::string, double>> parameters;   ///< named scalars (dimension, rates, seeds, ...)
    std::vector<state_array> arrays;                          ///< named arrays (prototypes, counters, ...)

    /// Adds a named scalar parameter.
    void set(std::string name, double value) { parameters.emplace_back(std::move(name), value); }

    /// Adds a named array of the given shape; throws invalid_parameter if the sizes disagree.
    template <class T>
    void add_array(std::string name, std::vector<std::size_t> shape, std::vector<T> values) {
        state_array array{std::move(name), std::move(shape), std::move(values)};
        if (array.element_count() != std::get<std::vector<T>>(array.values).size())
            throw invalid_parameter("memory_state: array '" + array.name + "' has " +
                                    std::to_string(std::get<std::vector<T>>(array.values).size()) +
                                    " values for its shape");
        arrays.push_back(std::move(array));
    }

    /// The named parameter; throws format_error if the state has none of that name.
    [[nodiscard]] double parameter(std::string_view name) const {
        for (const auto& [key, value] : parameters)
            if (key == name) return value;
        throw format_error("saved " + kind + " state: missing parameter '" + std::string(name) + "'");
    }

    /// The named parameter, checked to be a whole number in [lo, hi] (hi at most 2^53, where
    /// doubles stop holding every integer); throws format_error naming it otherwise.
    [[nodiscard]] std::uint64_t integer(std::string_view name, std::uint64_t lo, std::uint64_t hi) const {
        const double v = parameter(name);
        const auto dlo = static_cast<double>(lo), dhi = static_cast<double>(hi);
        if (!(v >= dlo && v <= dhi) || v != std::floor(v))
            throw format_error("saved " + kind + " state: parameter '" + std::string(name) + "' is " + std::to_string(v) +
                               ", not a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return static_cast<std::uint64_t>(v);
    }

    /// The named parameter, checked to lie in [lo, hi] (so never NaN); throws format_error
    /// naming it otherwise.
    [[nodiscard]] double real(std::string_view name, double lo, double hi) const {
        const double v = parameter(name);
        if (!(v >= lo && v <= hi))
            throw format_error("saved " + kind + " state: parameter '" + std::string(name) + "' is " + std::to_string(v) +
                               ", outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return v;
    }

    /// Adds a 64-bit seed, stored exactly as a one-element u64 array (a double parameter cannot
    /// hold every seed).
    void set_seed(std::string name, std::uint64_t seed) {
        add_array(std::move(name), {1}, std::vector<std::uint64_t>{seed});
    }
    /// The seed stored by set_seed; throws format_error if it is missing or malformed.
    [[nodiscard]] std::uint64_t seed(std::string_view name) const { return array<std::uint64_t>(name, {1})[0]; }

    /// The named array's values, checked to hold element type T and exactly the expected shape;
    /// throws format_error naming the mismatch otherwise.
    template <class T>
    [[nodiscard]] const std::vector<T>& array(std::string_view name, const std::vector<std::size_t>& expected_shape) const {
        for (const auto& a : arrays) {
            if (a.name != name) continue;
            const auto* values = std::get_if<std::vector<T>>(&a.values);
            if (values == nullptr)
                throw format_error("saved " + kind + " state: array '" + a.name + "' has the wrong element type");
            if (a.shape != expected_shape || values->size() != checked_count(a))
                throw format_error("saved " + kind + " state: array '" + a.name + "' has the wrong shape");
            return *values;
        }
        throw format_error("saved " + kind + " state: missing array '" + std::string(name) + "'");
    }

    /// The array's element count; an overflowing shape is a format_error when loading.
    [[nodiscard]] std::size_t checked_count(const state_array& a) const {
        try {
            return a.element_count();
        } catch (const invalid_parameter&) {
            throw format_error("saved " + kind + " state: array '" + a.name + "' has a shape whose element count overflows");
        }
    }

    /// Throws format_error unless this is a state of the given kind at a version this code reads.
    void expect(std::string_view expected_kind, std::uint32_t max_version) const {
        if (kind != expected_kind)
            throw format_error("saved state is a '" + kind + "', not a '" + std::string(expected_kind) + "'");
        if (version == 0 || version > max_version)
            throw format_error("saved " + kind + " state has version " + std::to_string(version) +
                               "; this build reads versions 1 to " + std::to_string(max_version));
    }
};

}  // namespace hdc
