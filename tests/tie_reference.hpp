// The majority of signed vote sums with the tie rule of hdc/models/votes.hpp, computed
// component by component from its definition: the reference the word-parallel resolution
// (detail::resolve_ties) is compared with, bit for bit.
#pragma once

#include <hdc/models/votes.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace hdc_test {

/// Bit i of the majority of sums: 1 where s_i < 0, 0 where s_i > 0; where s_i = 0 the sign of
/// the first non-zero sum along pi(i), pi(pi(i)), ... within tie_steps steps, else the
/// fallback bit at the last partner.
inline std::vector<bool> reference_majority(const std::vector<std::int32_t>& sums) {
    const std::size_t dim = sums.size();
    const hdc::detail::tie_partners pi(dim);
    std::vector<bool> out(dim);
    for (std::size_t i = 0; i < dim; ++i) {
        if (sums[i] != 0) {
            out[i] = sums[i] < 0;
            continue;
        }
        std::size_t j = i;
        bool resolved = false;
        for (std::size_t k = 0; k < hdc::detail::tie_steps && !resolved; ++k) {
            j = pi(j);
            if (sums[j] != 0) {
                out[i] = sums[j] < 0;
                resolved = true;
            }
        }
        if (!resolved) out[i] = (hdc::detail::tie_partners::fallback_word(j / 64) >> (j % 64)) & 1u;
    }
    return out;
}

/// reference_majority as a vector of model V (binary: the bits; bipolar: 1 - 2 bit).
template <class V>
V reference_majority_vector(const std::vector<std::int32_t>& sums) {
    const std::vector<bool> bits = reference_majority(sums);
    V out(sums.size());
    for (std::size_t i = 0; i < sums.size(); ++i) {
        if constexpr (std::is_same_v<decltype(out[i]), bool>)
            out.set(i, bits[i]);
        else
            out.set(i, static_cast<typename V::value_type>(bits[i] ? -1 : 1));
    }
    return out;
}

}  // namespace hdc_test
