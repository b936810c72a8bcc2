// hdc/memory/associative.hpp - pieces shared by the associative memories (classic and modern
// Hopfield networks, sparse distributed memory): the sign-bit family concept, the recall result
// and the checks on packed sign-bit rows of a saved state.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>

#include "../core/batch.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../models/row_kernels.hpp"
#include "state.hpp"

namespace hdc {

/// A family whose rows are packed sign bits of a dense dimension (binary, bipolar): the classic
/// Hopfield rule and the sparse distributed memory work on those bits directly.
template <class V>
concept sign_bit_vector = row_storable<V> && std::same_as<typename V::shape_type, std::size_t> &&
                          std::same_as<typename row_traits<V>::element_type, std::uint64_t> &&
                          std::same_as<typename row_traits<V>::kernel, row_kernels::hamming>;

/// What a recall ended with.
template <class V>
struct hopfield_result {
    V state;                    ///< the final state
    std::size_t iterations = 0; ///< sweeps (classic), updates (modern) or reads (SDM) performed
    bool converged = false;     ///< a fixed point was reached within the cap
    bool cycled = false;        ///< classic synchronous only: stopped in a 2-cycle
};

namespace detail {

/// The words' bit i (0 or 1) as +1 / -1 (bit 1 stands for -1).
inline int sign_of_bit(const std::uint64_t* words, std::size_t i) noexcept {
    return 1 - 2 * static_cast<int>((words[i / 64] >> (i % 64)) & 1u);
}

/// Throws format_error unless the bits of packed rows past dim are zero.
inline void check_tail_bits(const memory_state& s, const char* array, const std::uint64_t* words,
                            std::size_t rows, std::size_t words_per_row, std::size_t dim) {
    if (dim % 64 == 0) return;
    const std::uint64_t tail = ~((std::uint64_t{1} << (dim % 64)) - 1);
    for (std::size_t r = 0; r < rows; ++r)
        if (words[r * words_per_row + words_per_row - 1] & tail)
            throw format_error("saved " + s.kind + " state: row " + std::to_string(r) + " of '" + array +
                               "' has bits set beyond dimension " + std::to_string(dim));
}

}  // namespace detail
}  // namespace hdc
