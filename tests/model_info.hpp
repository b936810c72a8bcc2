// What the generic model tests need to know about each family: a test shape, the dynamic
// counterpart of a fixed type, the raw bytes of a vector (for fixed/dynamic comparison and
// golden checksums), the sums of an accumulator, and the statistics the theory predicts
// (ALGORITHMS.md section 1.8; the formulas are in stats.hpp).
#pragma once

#include "stats.hpp"

// The model headers only, not hdc/hdc.hpp: the umbrella header costs about three times the
// CPU to compile, in every test program that includes this file.
#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>
#include <hdc/models/cgr.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/mcr.hpp>
#include <hdc/models/sparse_binary.hpp>
#include <hdc/models/vtb.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace hdc_test {

template <class V>
struct model_info;

/// Appends the raw bytes of n objects to out.
template <class T>
void append_bytes(std::vector<unsigned char>& out, const T* p, std::size_t n) {
    const std::size_t old = out.size();
    out.resize(old + n * sizeof(T));
    if (n != 0) std::memcpy(out.data() + old, p, n * sizeof(T));
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

/// Defaults, which fit the dense families: the shape is the dimension, permutation shifts the
/// components, the accumulator keeps one sum per component, and a random pair's similarity has
/// mean 0. A family states what differs; the members below are hidden by its own.
struct model_defaults {
    /// Distinct small shapes for error tests; k = 0 gives the invalid zero shape.
    static std::size_t small_shape(std::size_t k) { return k == 0 ? 0 : 64 * k + 3; }
    /// The positions permute() shifts cyclically.
    template <class V>
    static std::size_t positions(const V& v) {
        return v.dim();
    }
    template <class V>
    static std::vector<unsigned char> bytes(const V& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.dim());
        return out;
    }
    /// An accumulator's sums, position by position.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        const auto s = acc.sums();
        return {s.begin(), s.end()};
    }
    /// Inputs whose bundle involves no tie-break (odd majority, or sums that never vanish).
    template <class V>
    static std::vector<V> tie_free_bundle_inputs(const V& a, const V& b, const V& c) {
        return {a, b, c};
    }
    static double random_pair_mean(std::size_t) { return 0.0; }
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    /// The typical magnitude of what one vector adds to an accumulator's sums per unit weight:
    /// 1 for components (or votes, counts, unit phasors) of order 1; 1/sqrt(D) for unit-norm
    /// Gaussian atoms (MBAT, HRR, VTB).
    static double component_scale(std::size_t) { return 1.0; }
    /// How far rounding may move a similarity that is 1 in exact arithmetic (0: exact).
    static constexpr double rounding = 1e-6;
    static constexpr bool majority_bundle = false;  // bundle() is the majority of the members
    static constexpr bool bundle_is_sum = false;    // bundle() is the (scaled) accumulator sum
    static constexpr bool result_is_positionwise = true;  // result()[i] depends on sums at i only
};

/// Binary (BSC) and bipolar (MAP-B) vectors are isomorphic: a bundle is the majority (mu_M to each
/// member), the accumulator's similarity is the cosine of the vote sums (MAP-I: fixed-norm
/// atoms, kappa = 1), and the similarity of a random pair is (D - 2 Binomial(D, 1/2)) / D.
struct majority_model : model_defaults {
    static constexpr double rounding = 0;
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = true;
    static constexpr bool majority_bundle = true;
    static double random_pair_kurtosis(std::size_t dim) { return binomial_kurtosis(double(dim), 0.5); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) { return sum_member_cos_sd(m, 1.0, double(dim)); }
};

template <std::size_t D>
struct model_info<hdc::binary<D>> : majority_model {
    using dynamic_type = hdc::binary<hdc::dynamic>;
    using accumulator_type = hdc::binary_accumulator<D>;
    static std::vector<unsigned char> bytes(const hdc::binary<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.word_count());
        return out;
    }
    // Golden values are recorded for the shapes of HDC_GOLDEN_TYPES (test_models.cpp).
    // golden_symbol was also reproduced by an independent Python model of the rng and hashing.
    static constexpr std::uint64_t golden_symbol = 0x47B920FA2CF05B73ull;
    static constexpr std::uint64_t golden_bind = 0x9D42BE08AF56DFCAull;
    static constexpr std::uint64_t golden_bundle = 0x2687146BD9423BCDull;
};

template <std::size_t D>
struct model_info<hdc::bipolar<D>> : majority_model {
    using dynamic_type = hdc::bipolar<hdc::dynamic>;
    using accumulator_type = hdc::bipolar_accumulator<D>;
    static constexpr std::uint64_t golden_symbol = 0x2625540101D433C9ull;
    static constexpr std::uint64_t golden_bind = 0x2E1876BB037A742Dull;
    static constexpr std::uint64_t golden_bundle = 0x5BCD0BDFEC72FEBBull;
};

template <std::size_t D, class T>
struct model_info<hdc::real<D, T>> : model_defaults {
    using dynamic_type = hdc::real<hdc::dynamic, T>;
    using accumulator_type = hdc::real_accumulator<D, T>;
    // Components uniform on [-1, 1]: E[a^2] = 1/3, E[a^4] = 1/5, kurtosis 9/5.
    static constexpr double kurtosis = 9.0 / 5.0;
    // MAP-C unbinding multiplies again: cos(a^2 b, b) = X / sqrt(Y Z) with per-component terms
    // x = a^2 b^2, y = a^4 b^2, z = b^2. Its limit is E[a^2] / sqrt(E[a^4]) = sqrt(5)/3, and by
    // the delta method (moments E[a^2k] = 1/(2k+1)) its variance is (32/315) / D.
    static constexpr bool exact_unbind = false;
    static constexpr double unbind_min_similarity = 0.7;
    static double unbind_similarity_mean() { return (1.0 / 3.0) / std::sqrt(1.0 / 5.0); }
    static double unbind_similarity_std(std::size_t dim) { return std::sqrt(32.0 / 315.0 / double(dim)); }
    // cos(a b, a) (and cos(a b c, b)) has mean 0 and variance
    // E[a^4 b^2] / (E[a^2 b^2] E[a^2]) / D = (1/15) / (1/27) / D = 1.8 / D.
    static double bind_operand_std(std::size_t dim) { return std::sqrt(1.8 / double(dim)); }
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = false;
    static constexpr bool bundle_is_sum = true;
    static double random_pair_kurtosis(std::size_t) { return 3.0; }  // normal up to O(1/D)
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) { return sum_member_cos_sd(m, kurtosis, double(dim)); }
    static constexpr bool is_float = std::is_same_v<T, float>;
    static constexpr double rounding = is_float ? 1e-6 : 1e-12;
    static constexpr std::uint64_t golden_symbol = is_float ? 0x9C00E470A3BDCE22ull : 0x815FFDCEC52E2FAAull;
    static constexpr std::uint64_t golden_bind = is_float ? 0x894380AA3643A575ull : 0xC37D75D0F7B61441ull;
    static constexpr std::uint64_t golden_bundle = is_float ? 0xB1FB75FEB36D65DEull : 0x7180BA2A48E6CED0ull;
};

template <std::size_t D>
struct model_info<hdc::phasor<D>> : model_defaults {
    using dynamic_type = hdc::phasor<hdc::dynamic>;
    using accumulator_type = hdc::phasor_accumulator<D>;
    static std::vector<unsigned char> bytes(const hdc::phasor<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.re_data(), v.dim());
        append_bytes(out, v.im_data(), v.dim());
        return out;
    }
    /// Real and imaginary part of each complex sum.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        std::vector<double> out;
        for (std::size_t i = 0; i < acc.dim(); ++i) {
            out.push_back(acc[i].real());
            out.push_back(acc[i].imag());
        }
        return out;
    }
    static constexpr bool exact_unbind = false;  // exact up to float rounding
    static constexpr double unbind_min_similarity = 1 - 1e-6;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = false;
    // Re<a, b>/D averages cos of uniform phase differences: variance 1/2 per component, kurtosis
    // E[cos^4] / E[cos^2]^2 = 3/2 per component.
    static double random_pair_std(std::size_t dim) { return 1.0 / std::sqrt(2.0 * double(dim)); }
    static double random_pair_kurtosis(std::size_t dim) { return 3.0 - 1.5 / double(dim); }
    // Fixed-modulus atoms whose real part carries the similarity: kappa = 1 over 2D terms.
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) { return sum_member_cos_sd(m, 1.0, 2.0 * double(dim)); }
    static constexpr std::uint64_t golden_symbol = 0x95BAA1315EB38596ull;
    static constexpr std::uint64_t golden_bind = 0x951F605E64BBA031ull;
    static constexpr std::uint64_t golden_bundle = 0x807C776CDBDC3564ull;
};

template <std::size_t D, class T>
struct model_info<hdc::mbat<D, T>> : model_defaults {
    using dynamic_type = hdc::mbat<hdc::dynamic, T>;
    using accumulator_type = hdc::mbat_accumulator<D, T>;
    static constexpr bool exact_unbind = false;  // orthogonal operators: exact up to rounding
    static constexpr double unbind_min_similarity = 1 - 1e-6;
    // bind(a, b) applies rotations by angles from a between fixed permutations: it does not
    // commute with the cyclic shift.
    static constexpr bool permute_distributes_over_bind = false;
    static constexpr bool integer_accumulator = false;
    static constexpr bool bundle_is_sum = true;
    static constexpr bool result_is_positionwise = false;  // scaled by the norm of all the sums
    static constexpr double rounding = std::is_same_v<T, float> ? 1e-6 : 1e-12;
    /// Unit-norm atoms: components of order 1/sqrt(D).
    static double component_scale(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    // Isotropic unit atoms: a coordinate of a uniform point on the sphere has kurtosis 3D/(D+2).
    static double random_pair_kurtosis(std::size_t dim) { return 3.0 * double(dim) / (double(dim) + 2); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) { return sum_member_cos_sd(m, 1.0, double(dim)); }
    // Recorded for float (HDC_GOLDEN_TYPES).
    static constexpr std::uint64_t golden_symbol = 0x48BBEA8D389DCC96ull;
    static constexpr std::uint64_t golden_bind = 0x3E582183A69A52E7ull;
    static constexpr std::uint64_t golden_bundle = 0xE5DC7C48CB26E689ull;
};

template <std::size_t B, std::size_t L>
struct model_info<hdc::sparse<B, L>> : model_defaults {
    using dynamic_type = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    using accumulator_type = hdc::sparse_accumulator<B, L>;
    static hdc::sparse_shape small_shape(std::size_t k) { return {8 * k, 16}; }
    /// permute() shifts whole blocks.
    template <class V>
    static std::size_t positions(const V& v) {
        return v.blocks();
    }
    template <class V>
    static std::vector<unsigned char> bytes(const V& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.blocks());
        return out;
    }
    /// The B x L counts, block by block.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        const auto c = acc.counts();
        return {c.begin(), c.end()};
    }
    static constexpr double rounding = 0;
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    static constexpr bool integer_accumulator = true;
    // Fraction of B blocks whose indices agree by chance: Binomial(B, 1/L) / B.
    static double random_pair_mean(std::size_t) { return 1.0 / double(L); }
    static double random_pair_std(std::size_t) { return std::sqrt((1.0 / L) * (1.0 - 1.0 / L) / double(B)); }
    static double random_pair_kurtosis(std::size_t) { return binomial_kurtosis(double(B), 1.0 / L); }
    // Cosine between the B x L count matrix of M atoms and one member's one-hot blocks.
    static double sum_bundle_similarity(int m) { return count_bundle_prediction(double(B), double(L), m).mean; }
    static double sum_bundle_std(int m, std::size_t) { return count_bundle_prediction(double(B), double(L), m).sd; }
    // Winner-take-all ties are broken by a fixed vector that permutation does not move, so the
    // distributivity check uses a bundle without ties: a appears twice.
    static std::vector<hdc::sparse<B, L>> tie_free_bundle_inputs(const hdc::sparse<B, L>& a,
                                                                 const hdc::sparse<B, L>& b,
                                                                 const hdc::sparse<B, L>&) {
        return {a, a, b};
    }
    static constexpr std::uint64_t golden_symbol = 0x97A2FD3F844F1799ull;
    static constexpr std::uint64_t golden_bind = 0x10540D72140577B9ull;
    static constexpr std::uint64_t golden_bundle = 0x60C979D8305BC257ull;
};

// ---------------------------------------------------------------------------------------------
// Sparse binary codes (models/sparse_binary.hpp): atoms of w = sparse_binary_ones(D) ones, similarity
// overlap / sqrt(|a| |b|), a counting Bloom filter as the accumulator.

/// Hypergeometric overlap of two independent atoms of w ones in D positions: mean w^2 / D,
/// variance w (w/D) ((D-w)/D) ((D-w)/(D-1)), and its kurtosis (the hypergeometric law's).
struct overlap_law {
    double mean, variance, kurtosis;
};
inline overlap_law atom_overlap(double d, double w) {
    const double mean = w * w / d;
    const double variance = w * (w / d) * ((d - w) / d) * ((d - w) / (d - 1));
    // Excess kurtosis of Hypergeometric(N = d, K = w, n = w).
    const double n = w, k = w, nn = d;
    const double excess = ((nn - 1) * nn * nn * (nn * (nn + 1) - 6 * k * (nn - k) - 6 * n * (nn - n)) +
                           6 * n * k * (nn - k) * (nn - n) * (5 * nn - 6)) /
                          (n * k * (nn - k) * (nn - n) * (nn - 2) * (nn - 3));
    return {mean, variance, 3 + excess};
}

/// Delta-method mean and sd of similarity(counting Bloom filter of M atoms, one member): the
/// cosine X / sqrt(w Y) of the counts with the member's indicator. X = w + sum_j o_j (the member's
/// overlaps with the M - 1 others), Y = |counts|^2 = M w + 2 sum_{pairs} o_ij. Overlaps of distinct
/// pairs are uncorrelated (given one atom, another's overlap with it has the same law), so
/// Var X = (M-1) v, Var Y = 4 C(M,2) v, Cov(X, Y) = 2 (M-1) v, v the overlap variance. The
/// mean tends to 1/sqrt(M) (MAP-I) as w^2 / D -> 0.
inline prediction bloom_bundle_prediction(double d, double w, double m) {
    const overlap_law o = atom_overlap(d, w);
    const double ex = w + (m - 1) * o.mean, vx = (m - 1) * o.variance;
    const double ey = m * w + m * (m - 1) * o.mean, vy = 2 * m * (m - 1) * o.variance;
    const double cxy = 2 * (m - 1) * o.variance;
    const double mean = ex / std::sqrt(w * ey);
    const double rel = vx / (ex * ex) + vy / (4 * ey * ey) - cxy / (ex * ey);
    return {mean, mean * std::sqrt(rel)};
}

template <std::size_t D>
struct model_info<hdc::sparse_binary<D>> : model_defaults {
    using dynamic_type = hdc::sparse_binary<hdc::dynamic>;
    using accumulator_type = hdc::sparse_binary_accumulator<D>;
    static std::vector<unsigned char> bytes(const hdc::sparse_binary<D>& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.word_count());
        return out;
    }
    /// The per-bit counts.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        const auto c = acc.counts();
        return {c.begin(), c.end()};
    }
    static constexpr double rounding = 0;  // w / sqrt(w * w) is exact
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    // The shift is a hash of the key, and permuting the key changes it.
    static constexpr bool permute_distributes_over_bind = false;
    static constexpr bool integer_accumulator = true;
    // Thinning reads shifted copies of the superposition (it still commutes with permute exactly).
    static constexpr bool result_is_positionwise = false;
    static double w(std::size_t dim) { return double(hdc::sparse_binary_ones(dim)); }
    // Two atoms: similarity = overlap / w, overlap hypergeometric.
    static double random_pair_mean(std::size_t dim) { return atom_overlap(double(dim), w(dim)).mean / w(dim); }
    static double random_pair_std(std::size_t dim) { return std::sqrt(atom_overlap(double(dim), w(dim)).variance) / w(dim); }
    static double random_pair_kurtosis(std::size_t dim) { return atom_overlap(double(dim), w(dim)).kurtosis; }
    // A bound or wrongly unbound vector against an operand: an overlap count of mean w^2 / D ~ 1,
    // nearly Poisson, so 4 normal sd (overlap ~5) is exceeded with probability ~4e-3, not 3e-5.
    // The "sd" given makes 4 of it reach the Poisson quantile of the normal 4-sd tail: the least
    // count c with P(X >= c) < 3.2e-5 (c = 8 at mean 1), minus a half.
    static double bind_operand_std(std::size_t dim) {
        const double lambda = atom_overlap(double(dim), w(dim)).mean;
        double pmf = std::exp(-lambda), tail = 1;  // P(X = c), P(X >= c)
        int c = 0;
        for (; tail >= 3.2e-5; ++c) {
            tail -= pmf;
            pmf *= lambda / (c + 1);
        }
        return std::max((c - 0.5 - lambda) / (4 * w(dim)), random_pair_std(dim));
    }
    static double sum_bundle_similarity(int m) { return bloom_bundle_prediction(double(D), w(D), m).mean; }
    static double sum_bundle_std(int m, std::size_t dim) { return bloom_bundle_prediction(double(dim), w(dim), m).sd; }
    static constexpr std::uint64_t golden_symbol = 0x0C1089CBD7E26DACull;
    static constexpr std::uint64_t golden_bind = 0x51AEA09076084173ull;
    static constexpr std::uint64_t golden_bundle = 0x609DA04372EF7F81ull;
};

// ---- HRR and VTB (models/hrr.hpp, models/vtb.hpp): Normal(0, 1/D) atoms, sum bundles ----

/// What HRR and VTB share: Normal components (kurtosis 3), cosine, summing accumulator.
struct normal_atom_model : model_defaults {
    static constexpr bool exact_unbind = false;
    static constexpr bool integer_accumulator = false;
    static constexpr bool bundle_is_sum = true;
    static constexpr bool permute_distributes_over_bind = false;
    static double random_pair_kurtosis(std::size_t) { return 3.0; }  // normal up to O(1/D)
    /// Components ~ Normal(0, 1/D).
    static double component_scale(std::size_t dim) { return 1.0 / std::sqrt(double(dim)); }
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) { return sum_member_cos_sd(m, 3.0, double(dim)); }
};

// HRR in the Fourier domain: for a Normal atom a the bins A_f (f != 0, D/2) are complex normal
// with E|A_f|^2 = 1, so alpha = |A_f|^2 is Exp(1) (moments E alpha^k = k!), independent across
// the D/2 conjugate pairs; Parseval turns every dot product into a sum over bins.
// - unbind(bind(a, b), a) has spectrum alpha B_f: its cosine with b is X / sqrt(Y Z) with
//   per-bin terms x = alpha beta, y = alpha^2 beta, z = beta (beta = |B_f|^2 ~ Exp(1)), limit
//   E[x] / sqrt(E[y] E[z]) = 1 / sqrt(2). Delta method: u = x - y/4 - z/2 (means 1, 2, 1) has
//   E u = 0, E u^2 = 4 + 48/16 + 2/4 - 12/2 - 2 + 8/8 = 1/2, so over N = D/2 pairs
//   Var(cos) = cos^2 * (1/2) / N = 1 / (2 D).
//   Finite D, mean: the second-order term (1/2) sum f_ij Cov_ij / N of f = x / sqrt(y z) at
//   (1, 2, 1), with f_yy = 3/16, f_zz = 3/4, f_xy = -1/4, f_xz = -1/2, f_yz = 1/8 (times
//   1/sqrt 2) and the per-pair covariances Var x = 3, Var y = 44, Var z = 1, Cov(x, y) = 10,
//   Cov(x, z) = 1, Cov(y, z) = 2, is (1/sqrt 2) (1/2) (33/4 + 3/4 - 5 - 1 + 1/2) / N
//   = (1/sqrt 2) 3.5 / D (the real bins A_0, A_(D/2) change it by O(1/D^2)). Measured (numpy,
//   40,000 trials): 0.70931 +- 0.00011 at D = 1,001 against 0.70958 predicted and 0.70711 in
//   the limit; the rest is the O(1/D^2) term of the heavy-tailed y = alpha^2 beta.
//   Finite D, shape: the first-order sd sqrt(1 / (2 D)) is 4 % high at D = 1,001 (measured
//   0.02140; 0.6 +- 0.8 % off at D = 10,000), and the distribution has a left tail (skewness
//   -0.44, kurtosis 3.70 at D = 1,001; 3.08 at D = 10,000: excess ~ 700 / D). The delta method
//   does not give these: to first order the excess kurtosis is k4(u) / (E u^2)^2 / N = 1779 / N
//   (6.6 at D = 1,001), but the normalisation by sqrt(Y) cuts the tail of y that makes k4(u)
//   large, and the Hessian terms of the same order are not small. So unbind_similarity_kurtosis
//   is the measured value, rounded up (a larger kurtosis widens the standard error of a
//   measured sd, so rounding up keeps a test that uses it from failing on a true model).
// - cos(bind(a, b), a) = sum_k b_k R_a(k) / (|c| |a|) with R_a the autocorrelation of a: the lag-0
//   term (R_a(0) = |a|^2 ~ 1) adds 1/D to the 1/D of the others, variance 2 / D; the same holds
//   for cos(unbind(bind(a, b), w), b) with an unrelated key w (bins conj(W) A |B|^2: 4 * (D/2) *
//   (1/2) * 2 / D^2 = 2 / D).
// - permute(bind(a, b), k) against bind(permute(a, k), permute(b, k)) = permute(bind(a, b), 2k):
//   the autocorrelation of c = a (*) b at lag k, R(k) = (1/D) sum_f |C_f|^2 cos(2 pi f k / D).
//   The bins |C_f|^2 = alpha beta have mean 1, but sum_f cos(2 pi f k / D) = 0 for k != 0, so
//   only their fluctuation counts: Var(alpha beta) = E[(alpha beta)^2] - 1 = 4 - 1 = 3, and
//   sum_f cos^2 = D/2 over the D bins with conjugate pairs counted twice gives variance 3 / D.
//   (Measured sd 0.0539 at D = 1,001: sqrt(3/D) = 0.0547.)
template <std::size_t D, class T>
struct model_info<hdc::hrr<D, T>> : normal_atom_model {
    using dynamic_type = hdc::hrr<hdc::dynamic, T>;
    using accumulator_type = hdc::hrr_accumulator<D, T>;
    static constexpr double unbind_min_similarity = 0.6;  // mean 0.71, 4.8 sd below at D = 1,001
    static double unbind_similarity_mean() { return (1.0 + 3.5 / double(D)) / std::sqrt(2.0); }
    static double unbind_similarity_std(std::size_t dim) { return std::sqrt(0.5 / double(dim)); }
    /// Measured (see above), rounded up; only used for the standard error of a measured sd.
    static double unbind_similarity_kurtosis(std::size_t dim) { return 3.0 + 800.0 / double(dim); }
    static double bind_operand_std(std::size_t dim) { return std::sqrt(2.0 / double(dim)); }
    static double permuted_bind_std(std::size_t dim) { return std::sqrt(3.0 / double(dim)); }
    static constexpr bool is_float = std::is_same_v<T, float>;
    static constexpr double rounding = is_float ? 1e-6 : 1e-12;
    // Recorded for float at D = 10,000 (HDC_GOLDEN_TYPES of test_hrr.cpp). The binding goes
    // through the FFT in double and is rounded once to float.
    static constexpr std::uint64_t golden_symbol = 0xFB517BD02D66055Bull;
    static constexpr std::uint64_t golden_bind = 0xF064105C29806C23ull;
    static constexpr std::uint64_t golden_bundle = 0x2A26D08EEB2B0ECCull;
};

// VTB with D = n^2 (n = d'): the block of a key, M = sqrt(n) reshape(a), has entries of variance
// 1/n, so W = M^T M = (1/n) X^T X for an n x n standard normal X, a Wishart matrix with E W = I
// and E W^2 = (2 + 1/n) I; its eigenvalues follow Marchenko-Pastur (ratio 1) with moments
// 1, 2, 5, 14 (Catalan numbers) for large n.
// - unbind(bind(a, b), a) = (I (x) W) b: cosine X / sqrt(Y Z) with X = sum_k b_k^T W b_k,
//   Y = sum_k b_k^T W^2 b_k, Z = |b|^2 over the n slices b_k: mean 1 / sqrt(2 + 1/n). Delta
//   method: Var(cos) = cos^2 Var(X - Y/4 - Z/2) = (1/2) Var((1/D) sum_k g_k^T Q g_k) with
//   Q = W - W^2/4 - I/2 and g_k standard normal. Given W it is 2 n tr(Q^2) / D^2, mean
//   (2/D) E[q(lambda)^2] = (2/D) (2 + 14/16 + 1/4 - 5/2 - 1 + 2/4) = 1 / (4 D); the spread of
//   W's spectrum adds Var(tr Q) / n^2 = (Var tr W - Cov(tr W, tr W^2)/2 + Var(tr W^2)/16) / D =
//   (2 - 8/2 + 36/16) / D = 1 / (4 D) (real Wishart, ratio 1: the Bai-Silverstein covariances
//   2, 8, 36). Together Var(cos) = (1/2)(1/(2D)) = 1 / (4 D).
// - cos(bind(a, b), b) = sum_k b_k^T M b_k = sum_ij M_ij S_ij with S = sum_k b_k b_k^T: the
//   n slices share M, so S's diagonal (each ~1/n) adds coherently: Var = (1/n)(n/n^2 + n^2/n^3)
//   = 2/D, as for an unrelated key (V_w^T V_a b against b) and for the shifted binding
//   (permute(bind(a, b), k) against bind(permute(a, k), permute(b, k))); cos(bind(a, b), a) has
//   the random pair's 1/D, within that bound. (A 2,000-trial simulation at D = 1,089 gave
//   1.47, 1.45, 1.32 and 0.99 times 1/sqrt(D).)
template <std::size_t D, class T>
struct model_info<hdc::vtb<D, T>> : normal_atom_model {
    using dynamic_type = hdc::vtb<hdc::dynamic, T>;
    using accumulator_type = hdc::vtb_accumulator<D, T>;
    /// Squares for the error tests (25, 36, ...); k = 0 gives the invalid zero shape.
    static std::size_t small_shape(std::size_t k) { return k == 0 ? 0 : (4 + k) * (4 + k); }
    static constexpr double unbind_min_similarity = 0.6;
    static double unbind_similarity_mean() {
        return 1.0 / std::sqrt(2.0 + 1.0 / double(hdc::vtb_family::root(D)));
    }
    static double unbind_similarity_std(std::size_t dim) { return 0.5 / std::sqrt(double(dim)); }
    static double bind_operand_std(std::size_t dim) { return std::sqrt(2.0 / double(dim)); }
    static double permuted_bind_std(std::size_t dim) { return std::sqrt(2.0 / double(dim)); }
    static constexpr bool is_float = std::is_same_v<T, float>;
    static constexpr double rounding = is_float ? 1e-6 : 1e-12;
    // Recorded for float at D = 10,000 (HDC_GOLDEN_TYPES of test_vtb.cpp); the atoms are HRR's
    // (same stream, same Normal atoms), so golden_symbol and golden_bundle equal HRR's.
    static constexpr std::uint64_t golden_symbol = 0xFB517BD02D66055Bull;
    static constexpr std::uint64_t golden_bind = 0x025B33727DE6CE3Full;
    static constexpr std::uint64_t golden_bundle = 0x2A26D08EEB2B0ECCull;
};

// Modular phase codes (models/mcr.hpp, models/cgr.hpp): D integer phases modulo Q.

/// Moments of cos(2 pi k / Q) for k uniform on {0..Q-1}: E[cos] = 0 for Q >= 2; E[cos^2] = 1 for
/// Q = 2 and 1/2 for Q >= 3 (cos^2 = (1 + cos 2x) / 2, and the mean of cos(4 pi k / Q) vanishes
/// unless Q divides 2); E[cos^4] = (3 + 4 E[cos 2x] + E[cos 4x]) / 8 = 1 (Q = 2), 1/2 (Q = 4),
/// 3/8 otherwise. The exact values for any Q, by summation.
inline double phase_cos_moment(std::size_t q, int power) {
    double total = 0;
    for (std::size_t k = 0; k < q; ++k)
        total += std::pow(std::cos(2 * 3.141592653589793238 * double(k) / double(q)), power);
    return total / double(q);
}

/// Shared facts of the two modular families (they differ in their bundle only).
template <std::size_t Q>
struct modular_model : model_defaults {
    static constexpr double rounding = 1e-12;
    static constexpr bool exact_unbind = true;
    static constexpr double unbind_min_similarity = 1.0;
    static constexpr bool permute_distributes_over_bind = true;
    // Ties (CGR: three distinct values; MCR: a sum half-way between two phases, which three
    // members can make at odd Q) are decided by partner components, which do not move with a
    // cyclic shift: the distributivity check uses a bundle without ties (a is the mode; 2a + b
    // never vanishes and, with these seeds, is never half-way).
    template <class V>
    static std::vector<V> tie_free_bundle_inputs(const V& a, const V& b, const V&) {
        return {a, a, b};
    }
    template <class V>
    static std::vector<unsigned char> bytes(const V& v) {
        std::vector<unsigned char> out;
        append_bytes(out, v.data(), v.dim());
        return out;
    }
    // A random pair's similarity is the mean of D i.i.d. cos(2 pi k / Q), k uniform: mean 0,
    // variance E[cos^2] / D (1/(2D) for Q >= 3, 1/D for Q = 2), kurtosis 3 + (k1 - 3) / D with
    // the per-component kurtosis k1 = E[cos^4] / E[cos^2]^2 (3/2 for Q >= 5 and Q = 3).
    static double random_pair_std(std::size_t dim) { return std::sqrt(phase_cos_moment(Q, 2) / double(dim)); }
    static double random_pair_kurtosis(std::size_t dim) {
        const double v = phase_cos_moment(Q, 2);
        return 3.0 + (phase_cos_moment(Q, 4) / (v * v) - 3.0) / double(dim);
    }
    // The accumulator's readout is FHRR's with Q-th roots of unity (fixed modulus: kappa = 1;
    // 2D real terms for Q >= 3, D for the real phases +-1 of Q = 2).
    static double sum_bundle_similarity(int m) { return 1.0 / std::sqrt(double(m)); }
    static double sum_bundle_std(int m, std::size_t dim) {
        return sum_member_cos_sd(m, 1.0, (Q == 2 ? 1.0 : 2.0) * double(dim));
    }
};

template <std::size_t D, std::size_t Q>
struct model_info<hdc::mcr<D, Q>> : modular_model<Q> {
    using dynamic_type = hdc::mcr<hdc::dynamic, Q>;
    using accumulator_type = hdc::mcr_accumulator<D, Q>;
    static constexpr bool integer_accumulator = false;
    /// Real and imaginary part of each complex sum.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        std::vector<double> out;
        for (std::size_t i = 0; i < acc.dim(); ++i) {
            out.push_back(acc[i].real());
            out.push_back(acc[i].imag());
        }
        return out;
    }
    // Recorded for mcr<10000, 16> (HDC_GOLDEN_TYPES of test_modular.cpp).
    static constexpr std::uint64_t golden_symbol = 0xD07C4F20C5751FD4ull;
    static constexpr std::uint64_t golden_bind = 0x5442680314FB86E3ull;
    static constexpr std::uint64_t golden_bundle = 0x8E7F5D149F2D29B4ull;
};

template <std::size_t D, std::size_t Q>
struct model_info<hdc::cgr<D, Q>> : modular_model<Q> {
    using dynamic_type = hdc::cgr<hdc::dynamic, Q>;
    using accumulator_type = hdc::cgr_accumulator<D, Q>;
    static constexpr bool integer_accumulator = true;
    /// The D x Q counts, component by component.
    template <class A>
    static std::vector<double> sums(const A& acc) {
        const auto c = acc.counts();
        return {c.begin(), c.end()};
    }
    // Recorded for cgr<10000, 16> (HDC_GOLDEN_TYPES of test_modular.cpp); the symbol and bind
    // streams are MCR's (same vectors, same algebra).
    static constexpr std::uint64_t golden_symbol = 0xD07C4F20C5751FD4ull;
    static constexpr std::uint64_t golden_bind = 0x5442680314FB86E3ull;
    static constexpr std::uint64_t golden_bundle = 0x1FF4D9F0CBEB493Cull;
};

/// Golden checksums of the scalar encoders' streams (test_encoders_scalar.cpp): level, circular
/// and, where the family has one, fractional power encoding of fixed values under fixed seeds.
template <class V>
struct encoder_golden;
template <>
struct encoder_golden<hdc::binary<10048>> {
    static constexpr std::uint64_t graded = 0x6B9A2AF50C672C96ull, fpe = 0x33AC2148DFC9FF07ull;
};
template <>
struct encoder_golden<hdc::bipolar<10000>> {
    static constexpr std::uint64_t graded = 0x8C629465928D26EFull, fpe = 0x5AAF39A7E7E05323ull;
};
template <>
struct encoder_golden<hdc::real<10000>> {
    static constexpr std::uint64_t graded = 0xDD1A6C06A36A3E4Aull, fpe = 0x7152D100241E5BF8ull;
};
template <>
struct encoder_golden<hdc::phasor<10000>> {
    static constexpr std::uint64_t graded = 0x3A8B255409FC1F8Eull, fpe = 0x52FE6051B8A102DCull;
};
template <>
struct encoder_golden<hdc::mbat<4096>> {
    static constexpr std::uint64_t graded = 0x7B202D8F36B80CB8ull, fpe = 0xE3F6480A62226DE0ull;
};
template <>
struct encoder_golden<hdc::sparse<1024, 64>> {
    static constexpr std::uint64_t graded = 0x3CA3358033A39266ull;
};

}  // namespace hdc_test
