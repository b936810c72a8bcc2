// hdc/models/cdt.hpp - the arithmetic of context-dependent thinning (CDT) for sparse binary codes:
// the density of an atom, the thinning plan for a superposition and the fixed stream of shifts.
//
// Following D. A. Rachkovskij and E. M. Kussul, "Binding and normalization of binary sparse
// distributed representations by context-dependent thinning", Neural Computation 13(2):411-452,
// 2001. The vectors and the thinning itself are in models/sparse_binary.hpp; this header holds
// only the maths (no vectors, no SIMD), so the capacity model (capacity/retrieval.hpp) can use it
// without the model stack.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/rng.hpp"

namespace hdc {

/// The number of ones of a sparse binary atom of dimension dim: round(sqrt(dim)) (at least 1).
inline std::size_t sparse_binary_ones(std::size_t dim) noexcept {
    const auto w = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(dim))));
    return w == 0 ? 1 : w;
}

/// The thinning CDT applies to a superposition of `ones` ones in dimension dim: the number of
/// shifted copies K (0: no thinning) and whether they are OR-ed in (additive) or cut out
/// (subtractive), chosen by the paper's density formula with target sparse_binary_ones(dim).
struct cdt_plan {
    std::size_t shifts = 0;   ///< K, the number of shifted copies (0: returned unchanged)
    bool additive = true;     ///< Z AND (OR of copies) if true, Z AND NOT(OR of copies) if false
    /// The expected fraction of Z's ones that survive, for Z a uniformly random set of `ones`
    /// positions in dimension dim (a union of random atoms, given its size, is one): a one
    /// survives additive thinning iff one of the K distinct other positions its copies look at
    /// is in Z, so the fraction is 1 - m (additive) or m (subtractive) with
    /// m = prod_{j<K} (dim - ones - j) / (dim - 1 - j) ~ (1 - p_Z)^K; 1 without thinning.
    double kept_fraction(std::size_t ones, std::size_t dim) const noexcept {
        if (shifts == 0) return 1.0;
        double miss = 1.0;
        for (std::size_t j = 0; j < shifts && miss > 0; ++j)
            miss *= (static_cast<double>(dim) - static_cast<double>(ones) - static_cast<double>(j)) /
                    (static_cast<double>(dim) - 1.0 - static_cast<double>(j));
        if (miss < 0) miss = 0;
        return additive ? 1.0 - miss : miss;
    }
};

/// The CDT plan for a superposition of `ones` ones in dimension dim (see models/sparse_binary.hpp):
/// K = round(ln(1 - f) / ln(1 - p_Z)) (additive, f >= p_Z) or round(ln f / ln(1 - p_Z))
/// (subtractive), f = w / ones, p_Z = ones / dim, at least 1 and at most dim - 1 (no other cap:
/// the thinning switches to a pairwise form where K is large). Deterministic on every machine:
/// the logarithms are detail::portable_log.
inline cdt_plan plan_cdt(std::size_t ones, std::size_t dim) noexcept {
    const std::size_t target = sparse_binary_ones(dim);
    if (ones <= target || ones >= dim) return {0, true};
    const double pz = static_cast<double>(ones) / static_cast<double>(dim);
    const double f = static_cast<double>(target) / static_cast<double>(ones);
    const bool additive = f >= pz;
    const double k = (additive ? detail::portable_log(1.0 - f) : detail::portable_log(f)) /
                     detail::portable_log(1.0 - pz);
    const double rounded = std::floor(k + 0.5);
    const double most = static_cast<double>(dim - 1);
    const std::size_t shifts = rounded < 1 ? 1 : rounded >= most ? dim - 1 : static_cast<std::size_t>(rounded);
    return {shifts, additive};
}

namespace detail {

/// Key of the stream of CDT shifts ("cdt-shft").
inline constexpr std::uint64_t cdt_seed = 0x6364742D73686674ull;

/// The first n CDT shifts for dimension dim (2 <= dim, n < dim): distinct, each in [1, dim - 1],
/// from one fixed stream per dimension (a repeated draw is drawn again), so every thinning of
/// that dimension uses the same permutations, and a position's K shifted copies look at K
/// distinct other positions.
inline std::vector<std::size_t> cdt_shifts(std::size_t dim, std::size_t n) {
    rng gen = rng::from_key(make_key(cdt_seed, dim));
    std::vector<std::size_t> s;
    s.reserve(n);
    std::vector<bool> used(dim, false);
    while (s.size() < n) {
        const std::size_t x = 1 + static_cast<std::size_t>(gen.below(dim - 1));
        if (used[x]) continue;
        used[x] = true;
        s.push_back(x);
    }
    return s;
}

}  // namespace detail
}  // namespace hdc
