// hdc/models/common.hpp - small pieces shared by the model headers.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../core/error.hpp"
#include "../simd/bitwise.hpp"

namespace hdc::detail {

/// k reduced to [0, n): the right shift equivalent to a shift by k (negative k shifts left).
constexpr std::size_t shift_amount(std::ptrdiff_t k, std::size_t n) noexcept {
    const auto m = static_cast<std::ptrdiff_t>(n);
    return static_cast<std::size_t>(((k % m) + m) % m);
}

/// out[(i + k) % n] = a[i]: cyclic shift of n trivially copyable elements toward higher
/// indices (0 <= k < n); a and out must not overlap.
template <class T>
void rotate_elements(const T* a, T* out, std::size_t n, std::size_t k) noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(out + k, a, (n - k) * sizeof(T));
    std::memcpy(out, a + (n - k), k * sizeof(T));
}

/// The integer value of an accumulator weight; integer accumulators (MAP-I, bit counts) refuse
/// fractional or out-of-range weights instead of silently truncating them.
inline std::int32_t integer_weight(double w, const char* model) {
    if (!std::isfinite(w) || std::fabs(w) > 1e9 || w != std::trunc(w))
        throw invalid_parameter(std::string(model) +
                                " accumulator: weight must be an integer within +-1e9, got " +
                                std::to_string(w));
    return static_cast<std::int32_t>(w);
}

/// Throws invalid_parameter unless a blend mask of `words` 64-bit words covers exactly `count`
/// components (one bit each, component i in bit i % 64 of word i / 64).
inline void check_blend_mask(std::size_t words, std::size_t count) {
    if (words != (count + 63) / 64)
        throw invalid_parameter("blend: the mask has " + std::to_string(words) +
                                " words, but " + std::to_string(count) + " components need " +
                                std::to_string((count + 63) / 64));
}

/// Bit i of a packed mask.
inline bool mask_bit(const std::uint64_t* mask, std::size_t i) noexcept {
    return (mask[i / 64] >> (i % 64)) & 1u;
}

/// out[i] = mask bit i ? b[i] : a[i] for n elements (mask bits past n ignored): the body of
/// blend() for the element-wise families. A copy of a, then b's elements at the set bits only,
/// so sparse masks cost little more than the copy.
template <class T>
void blend_elements(const T* a, const T* b, const std::uint64_t* mask, T* out,
                    std::size_t n) noexcept {
    std::copy(a, a + n, out);
    for (std::size_t w = 0; w < (n + 63) / 64; ++w)
        for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
            const std::size_t i = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            if (i >= n) break;
            out[i] = b[i];
        }
}

/// Seed of the fixed vectors that break ties (zero sums of the sparse, phasor and MBAT
/// accumulators; the fallback bits of binary and bipolar majorities, after partner components,
/// see votes.hpp): a library constant, so every bundle is deterministic.
inline constexpr std::uint64_t tie_break_seed = 0x7469652D627265ull;  // "tie-bre"
inline constexpr const char* tie_break_name = "hdc::tie-break";

/// The index of the largest of counts[0..length), ties broken fairly: among tied maxima the one
/// that follows the longest cyclic gap free of other maxima (for two tied indices x and y: x
/// when (x - y) mod length > length / 2); equal gaps go to the first candidate at or after
/// start. The rule sees only the counts and commutes with rotating them (start rotating along),
/// so with a uniform start every index is equally likely to win over the rotations of a tie;
/// within one tie the winner depends on the gaps (not every tied index is equally likely).
/// Used by the sparse block codes' bundle.
inline std::size_t fair_argmax(const std::int32_t* counts, std::size_t length,
                               std::size_t start) noexcept {
    // Pass 1: the maximum and the last position holding it, scanning from start.
    std::int32_t best = counts[start];
    std::size_t last = 0;  // offset from start
    for (std::size_t k = 0, j = start; k < length; ++k, j = j + 1 == length ? 0 : j + 1) {
        if (counts[j] > best) {
            best = counts[j];
            last = k;
        } else if (counts[j] == best) {
            last = k;
        }
    }
    // Pass 2: the maximum after the longest gap (cyclic distance from the previous one).
    std::size_t prev = last, winner = start, widest = 0;
    for (std::size_t k = 0, j = start; k < length; ++k, j = j + 1 == length ? 0 : j + 1) {
        if (counts[j] != best) continue;
        const std::size_t gap = k > prev ? k - prev : k + length - prev;
        if (gap > widest) {
            widest = gap;
            winner = j;
        }
        prev = k;
    }
    return winner;
}

}  // namespace hdc::detail

namespace hdc {

/// The family's name as saved memory states record it ("binary", "bipolar", "real", "mbat",
/// "phasor", "sparse"; the same names the file format gives its family ids). Rows of different
/// families can share a layout (binary and bipolar rows are both sign words, real and mbat rows
/// both floats), so a state names its family to be refused when loaded as another. Each family
/// header specialises it with a `static constexpr std::string_view value`.
template <class V>
struct family_name;

/// family_name<V>::value.
template <class V>
inline constexpr std::string_view family_name_v = family_name<V>::value;

}  // namespace hdc
