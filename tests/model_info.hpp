// What the generic model tests need to know about each family: a test shape, the dynamic
// counterpart of a fixed type, the raw bytes of a vector (for fixed/dynamic comparison and
// golden checksums), and the statistics the theory predicts (ALGORITHMS.md section 1.8).
#pragma once

#include <hdc/hdc.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace hdc_test {

/// How a bundle's similarity to a member behaves: majority (mu_M) or sum (1/sqrt(M)).
enum class bundle_law { majority, sum };

template <class V>
struct model_info;

/// Appends the raw bytes of n objects to out.
template <class T>
void append_bytes(std::vector<unsigned char>& out, const T* p, std::size_t n) {
    const std::size_t old = out.size();
    out.resize(old + n * sizeof(T));
    if (n != 0) std::memcpy(out.data() + old, p, n * sizeof(T));
}

/// mu_M = C(M-1, (M-1)/2) / 2^(M-1): expected similarity of a member to the majority of M atoms.
inline double majority_mu(int m) {
    double mu = 1.0;  // product form avoids overflow: prod_{j=1}^{k} (k + j) / (4 j), k = (M-1)/2
    const int k = (m - 1) / 2;
    for (int j = 1; j <= k; ++j) mu *= static_cast<double>(k + j) / (4.0 * j);
    return mu;
}

/// 64-bit FNV-1a, for golden checksums of generated vectors.
inline std::uint64_t fnv1a(const std::vector<unsigned char>& bytes) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

template <std::size_t D>
struct model_info<hdc::binary<D>> {
    using dynamic_type = hdc::binary<hdc::dynamic>;
    static constexpr const char* name = "binary";
    static std::size_t shape(std::size_t dim) { return dim; }
    static std::vector<unsigned char> bytes(const hdc::binary<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.word_count());
        return out;
    }
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = true;
    static constexpr bundle_law law = bundle_law::majority;
    static double random_pair_mean(std::size_t) { return 0.0; }
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(static_cast<double>(dim)); }
    /// An odd number of inputs: majority has no ties, so no tie-break vector is involved.
    static std::vector<hdc::binary<D>> tie_free_bundle_inputs(const hdc::binary<D>& a, const hdc::binary<D>& b,
                                                              const hdc::binary<D>& c) {
        return {a, b, c};
    }
    /// Distinct small shapes for error tests; k = 0 gives the invalid zero shape.
    static std::size_t small_shape(std::size_t k) { return k == 0 ? 0 : 64 * k + 3; }
    // golden_symbol was also reproduced by an independent Python model of the rng and hashing.
    static constexpr std::uint64_t golden_symbol = 0x47B920FA2CF05B73ull;
    static constexpr std::uint64_t golden_bind = 0x9D42BE08AF56DFCAull;
    static constexpr std::uint64_t golden_bundle = 0xAEA122CE9D33ABD5ull;
};

}  // namespace hdc_test
