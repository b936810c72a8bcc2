// What the generic model tests need to know about each family: a test shape, the dynamic
// counterpart of a fixed type, the raw bytes of a vector (for fixed/dynamic comparison and
// golden checksums), and the statistics the theory predicts (ALGORITHMS.md section 1.8).
#pragma once

#include <hdc/hdc.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
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


/// Facts shared by the dense families whose shape is the dimension.
struct dense_shapes {
    static std::size_t small_shape(std::size_t k) { return k == 0 ? 0 : 64 * k + 3; }
};

/// Inputs whose bundle involves no tie-break (odd majority, or sums that never vanish).
template <class V>
std::vector<V> three(const V& a, const V& b, const V& c) {
    return {a, b, c};
}

template <std::size_t D>
struct model_info<hdc::bipolar<D>> : dense_shapes {
    using dynamic_type = hdc::bipolar<hdc::dynamic>;
    static std::vector<unsigned char> bytes(const hdc::bipolar<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.dim());
        return out;
    }
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = true;
    static constexpr bundle_law law = bundle_law::majority;
    static double random_pair_mean(std::size_t) { return 0.0; }
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    static constexpr auto tie_free_bundle_inputs = three<hdc::bipolar<D>>;
    static constexpr std::uint64_t golden_symbol = 0x2625540101D433C9ull;
    static constexpr std::uint64_t golden_bind = 0x2E1876BB037A742Dull;
    static constexpr std::uint64_t golden_bundle = 0xE858831A4E1E2209ull;
};

template <std::size_t D, class T>
struct model_info<hdc::real<D, T>> : dense_shapes {
    using dynamic_type = hdc::real<hdc::dynamic, T>;
    static std::vector<unsigned char> bytes(const hdc::real<D, T>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.dim());
        return out;
    }
    // MAP-C unbinding multiplies again: cos(b * a * a, b) ~ E[a^2] / sqrt(E[a^4]) = sqrt(5)/3.
    static constexpr bool exact_unbind = false;
    static constexpr double unbind_min_similarity = 0.7;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = false;
    static constexpr bundle_law law = bundle_law::sum;
    static double random_pair_mean(std::size_t) { return 0.0; }
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int) { return 1.0 / std::sqrt(double(D)); }
    static constexpr auto tie_free_bundle_inputs = three<hdc::real<D, T>>;
    static constexpr bool is_float = std::is_same_v<T, float>;
    static constexpr std::uint64_t golden_symbol = is_float ? 0x9C00E470A3BDCE22ull : 0x815FFDCEC52E2FAAull;
    static constexpr std::uint64_t golden_bind = is_float ? 0x894380AA3643A575ull : 0xC37D75D0F7B61441ull;
    static constexpr std::uint64_t golden_bundle = is_float ? 0xB1FB75FEB36D65DEull : 0x7180BA2A48E6CED0ull;
};

template <std::size_t D>
struct model_info<hdc::phasor<D>> : dense_shapes {
    using dynamic_type = hdc::phasor<hdc::dynamic>;
    static std::vector<unsigned char> bytes(const hdc::phasor<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.re_data(), v.dim());
        append_bytes(out, v.im_data(), v.dim());
        return out;
    }
    static constexpr bool exact_unbind = false;  // exact up to float rounding
    static constexpr double unbind_min_similarity = 0.9999;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = false;
    static constexpr bundle_law law = bundle_law::sum;
    static double random_pair_mean(std::size_t) { return 0.0; }
    // Re<a, b>/D averages cos of uniform phase differences: variance 1/2 per component.
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(2.0 * double(dim)); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int) { return 1.0 / std::sqrt(2.0 * double(D)); }
    static constexpr auto tie_free_bundle_inputs = three<hdc::phasor<D>>;
    static constexpr std::uint64_t golden_symbol = 0x95BAA1315EB38596ull;
    static constexpr std::uint64_t golden_bind = 0x951F605E64BBA031ull;
    static constexpr std::uint64_t golden_bundle = 0x807C776CDBDC3564ull;
};

template <std::size_t D, class T>
struct model_info<hdc::mbat<D, T>> : dense_shapes {
    using dynamic_type = hdc::mbat<hdc::dynamic, T>;
    static std::vector<unsigned char> bytes(const hdc::mbat<D, T>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.dim());
        return out;
    }
    static constexpr bool exact_unbind = false;  // orthogonal operators: exact up to rounding
    static constexpr double unbind_min_similarity = 0.9999;
    // bind(a, b) applies an operator chosen by hashing a: it does not commute with permutation.
    static constexpr bool permute_distributes_over_bind = false;
    static constexpr bool integer_accumulator = false;
    static constexpr bundle_law law = bundle_law::sum;
    static double random_pair_mean(std::size_t) { return 0.0; }
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int) { return 1.0 / std::sqrt(double(D)); }
    static constexpr auto tie_free_bundle_inputs = three<hdc::mbat<D, T>>;
    static_assert(std::is_same_v<T, float>, "golden values are recorded for float");
    static constexpr std::uint64_t golden_symbol = 0x48BBEA8D389DCC96ull;
    static constexpr std::uint64_t golden_bind = 0xD3E4E2DAE5ACA39Eull;
    static constexpr std::uint64_t golden_bundle = 0xE5DC7C48CB26E689ull;
};

template <std::size_t B, std::size_t L>
struct model_info<hdc::sparse<B, L>> {
    using dynamic_type = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    static std::vector<unsigned char> bytes(const hdc::sparse<B, L>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.blocks());
        return out;
    }
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = true;
    static constexpr bundle_law law = bundle_law::sum;
    // Fraction of B blocks whose indices agree by chance (probability 1/L each).
    static double random_pair_mean(std::size_t) { return 1.0 / double(L); }
    static double random_pair_std(std::size_t) {
        return std::sqrt((1.0 / L) * (1.0 - 1.0 / L) / double(B));
    }
    // Cosine between the B x L count matrix of M atoms and one member's one-hot blocks.
    static double sum_bundle_similarity(int m) { return std::sqrt((1.0 + (m - 1.0) / L) / m); }
    static double sum_bundle_std(int m) {
        return std::sqrt((m - 1.0) / L) / std::sqrt(double(B) * m * (1.0 + (m - 1.0) / L));
    }
    // Winner-take-all ties are broken by a fixed vector that permutation does not move, so the
    // distributivity check uses a bundle without ties: a appears twice.
    static std::vector<hdc::sparse<B, L>> tie_free_bundle_inputs(const hdc::sparse<B, L>& a,
                                                                 const hdc::sparse<B, L>& b,
                                                                 const hdc::sparse<B, L>&) {
        return {a, a, b};
    }
    static hdc::sparse_shape small_shape(std::size_t k) { return {8 * k, 16}; }
    static constexpr std::uint64_t golden_symbol = 0x97A2FD3F844F1799ull;
    static constexpr std::uint64_t golden_bind = 0x10540D72140577B9ull;
    static constexpr std::uint64_t golden_bundle = 0x6580246FF591D58Aull;
};

}  // namespace hdc_test
