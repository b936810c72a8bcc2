// hdc/capacity/bounds.hpp - sufficient dimensions for set membership and intersection estimation
// (ALGORITHMS.md section 2.2, after Clarkson, Ubaru & Yang 2023, "Capacity Analysis of Vector
// Symbolic Architectures").
//
// Setting: a universe of n symbols with independent random atoms, a set S of k of them bundled
// into one vector of dimension d, and the question "is symbol i in S?" asked for every symbol.
// Each function returns a d at which all n answers are right with probability >= 1 - delta (or,
// for the *_gaussian forms, the Gaussian estimate of that d). Derivations (union bound over the n
// queries, Hoeffding / Chernoff per query; constants are ALGORITHMS.md's, not the paper's):
//
//   MAP-I  (sum, threshold 1/2 on <a_i, s>/d):     member mean 1, non-member mean 0, each a mean
//          of d bounded terms of range ~2 sqrt(k)   ->  d >= 8 k ln(n / delta).
//          Gaussian: per-query error Q(sqrt(d / (4k)))  ->  d = 4 k Q^-1(delta / n)^2.
//   MAP-B  (sign bundle, threshold mu_k / 2):       member mean mu_k (bundle_hit_mean, the
//          library's tie rule for even k), non-member 0, +-1 terms  ->  d >= (8 / mu_k^2) ln(n / delta);
//          Gaussian: d = 4 Q^-1(delta / n)^2 / mu_k^2.
//   Bloom  (OR of atoms with w ones, w = (d/k) ln 2): no false negatives, false positive 2^-w
//          ->  d >= k log2(n / delta) / ln 2. A counting Bloom filter (sum, test min count > 0)
//          answers exactly as the Bloom filter, so it needs the same d.
//   Hopfield variant (outer-product memory, d x d): Gaussian guide d = 2 sqrt(2k) Q^-1(delta / n).
//
// Intersection size t = |X ∩ Y| from two bundles, to absolute error Delta with probability
// >= 1 - delta (two-sided Gaussian, z = Q^-1(delta / 2)):
//   MAP-I  estimator <s_X, s_Y> / d, unbiased, variance (|X||Y| + t^2 - 2t) / d (exact).
//   MAP-B  estimator sqrt(|X||Y|) sin(pi/2 <b_X, b_Y> / d) (large sets: signs of correlated
//          Gaussians, E<b_X, b_Y>/d = (2/pi) arcsin r, r = t / sqrt(|X||Y|)); delta method.
//   Counting Bloom (atoms: w distinct positions of d, counts C = sum of atoms) estimator
//          (<C_X, C_Y> - |X||Y| w^2/d) / (w - w^2/d), unbiased. <C_X, C_Y> = t w + the overlaps
//          O_xy of |X||Y| - t pairs of distinct atoms, hypergeometric with variance
//          v = w (w/d)(1 - w/d)^2 d/(d-1); overlaps sharing one atom are uncorrelated (given the
//          shared atom the other is uniform), and the t(t-1) ordered pairs inside X ∩ Y come
//          twice (O_xy = O_yx). So Var = v (|X||Y| + t^2 - 2t) / (w - w^2/d)^2
//          = (|X||Y| + t^2 - 2t) / (d - 1), whatever w: MAP-I's variance with d - 1.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <string>

#include "normal.hpp"
#include "retrieval.hpp"

namespace hdc::capacity {

namespace detail {

/// Checks the common arguments of the membership bounds.
inline void check_membership(const char* function, std::size_t set_size, std::size_t universe,
                             double delta) {
    if (set_size == 0)
        throw invalid_parameter(std::string(function) + ": the set size k must be at least 1, got 0");
    if (universe == 0)
        throw invalid_parameter(std::string(function) + ": the universe size n must be at least 1, got 0");
    check_probability(function, "failure probability delta", delta);
}

}  // namespace detail

/// MAP-I membership: d >= 8 k ln(n / delta) suffices for all n answers to be right w.p. 1 - delta.
inline double membership_dimension_map_i(std::size_t set_size, std::size_t universe, double delta) {
    detail::check_membership("membership_dimension_map_i", set_size, universe, delta);
    return 8 * static_cast<double>(set_size) * std::log(static_cast<double>(universe) / delta);
}

/// MAP-I membership, Gaussian estimate: d = 4 k Q^-1(delta / n)^2.
inline double membership_dimension_map_i_gaussian(std::size_t set_size, std::size_t universe,
                                                  double delta) {
    detail::check_membership("membership_dimension_map_i_gaussian", set_size, universe, delta);
    const double z = normal_tail_quantile(delta / static_cast<double>(universe));
    return 4 * static_cast<double>(set_size) * z * z;
}

/// MAP-I per-query error rates at dimension d for a set of k: {false positive Q(sqrt(d/(4k))),
/// false negative Q(sqrt(d/(4(k-1))))} (Gaussian; the false negative is 0 for k = 1).
struct membership_errors {
    double false_positive = 0;  ///< a non-member scored >= 1/2
    double false_negative = 0;  ///< a member scored < 1/2
};

/// The MAP-I per-query error rates (threshold 1/2) at dimension d for a set of k.
inline membership_errors membership_errors_map_i(std::size_t dim, std::size_t set_size) {
    detail::check_dimension("membership_errors_map_i", dim);
    if (set_size == 0) throw invalid_parameter("membership_errors_map_i: the set size k must be at least 1");
    const double d = static_cast<double>(dim), k = static_cast<double>(set_size);
    return {normal_tail(std::sqrt(d / (4 * k))),
            set_size == 1 ? 0.0 : normal_tail(std::sqrt(d / (4 * (k - 1))))};
}

/// MAP-B membership: d >= (8 / mu_k^2) ln(n / delta), mu_k = bundle_hit_mean(k).
inline double membership_dimension_map_b(std::size_t set_size, std::size_t universe, double delta) {
    detail::check_membership("membership_dimension_map_b", set_size, universe, delta);
    const double mu = bundle_hit_mean(set_size);
    return 8 / (mu * mu) * std::log(static_cast<double>(universe) / delta);
}

/// MAP-B membership, Gaussian estimate: d = 4 Q^-1(delta / n)^2 / mu_k^2.
inline double membership_dimension_map_b_gaussian(std::size_t set_size, std::size_t universe,
                                                  double delta) {
    detail::check_membership("membership_dimension_map_b_gaussian", set_size, universe, delta);
    const double mu = bundle_hit_mean(set_size);
    const double z = normal_tail_quantile(delta / static_cast<double>(universe));
    return 4 * z * z / (mu * mu);
}

/// Bloom filter membership (OR of sparse atoms with the optimal w = (d/k) ln 2 ones):
/// d >= k log2(n / delta) / ln 2.
inline double membership_dimension_bloom(std::size_t set_size, std::size_t universe, double delta) {
    detail::check_membership("membership_dimension_bloom", set_size, universe, delta);
    return static_cast<double>(set_size) * std::log2(static_cast<double>(universe) / delta) /
           std::numbers::ln2;
}

/// Counting Bloom filter membership (sum of sparse atoms, test min count > 0): answers as the
/// Bloom filter, so the same d.
inline double membership_dimension_counting_bloom(std::size_t set_size, std::size_t universe,
                                                  double delta) {
    detail::check_membership("membership_dimension_counting_bloom", set_size, universe, delta);
    return membership_dimension_bloom(set_size, universe, delta);
}

/// The number of ones per Bloom atom that minimises false positives: w = (d/k) ln 2.
inline double bloom_ones(std::size_t dim, std::size_t set_size) {
    detail::check_dimension("bloom_ones", dim);
    if (set_size == 0) throw invalid_parameter("bloom_ones: the set size k must be at least 1");
    return static_cast<double>(dim) / static_cast<double>(set_size) * std::numbers::ln2;
}

/// Bloom false-positive probability (1 - e^{-wk/d})^w with w ones per atom.
inline double bloom_false_positive(std::size_t dim, std::size_t set_size, double ones) {
    detail::check_dimension("bloom_false_positive", dim);
    detail::check_finite("bloom_false_positive", "ones w", ones);
    if (set_size == 0 || !(ones > 0))
        throw invalid_parameter("bloom_false_positive: need k >= 1 and w > 0");
    return std::pow(-std::expm1(-ones * static_cast<double>(set_size) / static_cast<double>(dim)),
                    ones);
}

/// Hopfield-variant membership, Gaussian guide: d = 2 sqrt(2k) Q^-1(delta / n) (storage d^2).
inline double membership_dimension_hopfield_gaussian(std::size_t set_size, std::size_t universe,
                                                     double delta) {
    detail::check_membership("membership_dimension_hopfield_gaussian", set_size, universe, delta);
    return 2 * std::sqrt(2 * static_cast<double>(set_size)) *
           normal_tail_quantile(delta / static_cast<double>(universe));
}

namespace detail {

/// Checks the arguments of the intersection bounds.
inline void check_intersection(const char* function, std::size_t x, std::size_t y, std::size_t t,
                               double error, double delta) {
    if (x == 0 || y == 0)
        throw invalid_parameter(std::string(function) + ": set sizes must be at least 1");
    if (t > x || t > y)
        throw invalid_parameter(std::string(function) + ": the intersection " + std::to_string(t) +
                                " exceeds a set size");
    check_finite(function, "error", error);
    if (!(error > 0)) throw invalid_parameter(std::string(function) + ": the error must be positive");
    check_probability(function, "failure probability delta", delta);
}

}  // namespace detail

/// Variance of the MAP-I intersection estimate <s_X, s_Y>/d: (|X||Y| + t^2 - 2t) / d (exact).
inline double intersection_variance_map_i(std::size_t x, std::size_t y, std::size_t t, std::size_t dim) {
    detail::check_dimension("intersection_variance_map_i", dim);
    detail::check_intersection("intersection_variance_map_i", x, y, t, 1, 0.5);
    const double xy = static_cast<double>(x) * static_cast<double>(y), tt = static_cast<double>(t);
    return (xy + tt * tt - 2 * tt) / static_cast<double>(dim);
}

/// MAP-I: the d at which |estimate - t| <= error with probability 1 - delta (Gaussian, two-sided):
/// z^2 (|X||Y| + t^2 - 2t) / error^2, z = Q^-1(delta / 2).
inline double intersection_dimension_map_i(std::size_t x, std::size_t y, std::size_t t, double error,
                                           double delta) {
    detail::check_intersection("intersection_dimension_map_i", x, y, t, error, delta);
    const double z = normal_tail_quantile(delta / 2);
    const double xy = static_cast<double>(x) * static_cast<double>(y), tt = static_cast<double>(t);
    return z * z * (xy + tt * tt - 2 * tt) / (error * error);
}

/// MAP-B: the d at which the arcsine estimator is within error of t with probability 1 - delta
/// (large sets, delta method): z^2 |X||Y| (pi/2)^2 (1 - r^2)(1 - rho^2) / error^2 with
/// r = t / sqrt(|X||Y|), rho = (2/pi) arcsin r, z = Q^-1(delta / 2).
inline double intersection_dimension_map_b(std::size_t x, std::size_t y, std::size_t t, double error,
                                           double delta) {
    detail::check_intersection("intersection_dimension_map_b", x, y, t, error, delta);
    const double z = normal_tail_quantile(delta / 2);
    const double xy = static_cast<double>(x) * static_cast<double>(y);
    const double r = static_cast<double>(t) / std::sqrt(xy);
    const double rho = 2 / std::numbers::pi * std::asin(std::min(1.0, r));
    const double half_pi = std::numbers::pi / 2;
    return z * z * xy * half_pi * half_pi * (1 - r * r) * (1 - rho * rho) / (error * error);
}

/// Variance of the counting-Bloom intersection estimate (<C_X, C_Y> - |X||Y| w^2/d) / (w - w^2/d)
/// with atoms of w distinct positions out of d (0 < w < d): (|X||Y| + t^2 - 2t) / (d - 1), exact
/// and independent of w (see the file comment).
inline double intersection_variance_counting_bloom(std::size_t x, std::size_t y, std::size_t t,
                                                   std::size_t dim) {
    if (dim < 2) throw invalid_dimension("intersection_variance_counting_bloom: the dimension must be at least 2");
    detail::check_intersection("intersection_variance_counting_bloom", x, y, t, 1, 0.5);
    const double xy = static_cast<double>(x) * static_cast<double>(y), tt = static_cast<double>(t);
    return (xy + tt * tt - 2 * tt) / static_cast<double>(dim - 1);
}

/// Counting Bloom: the d at which the intersection estimate is within error of t with probability
/// 1 - delta (Gaussian, two-sided): 1 + z^2 (|X||Y| + t^2 - 2t) / error^2, z = Q^-1(delta / 2).
inline double intersection_dimension_counting_bloom(std::size_t x, std::size_t y, std::size_t t,
                                                    double error, double delta) {
    detail::check_intersection("intersection_dimension_counting_bloom", x, y, t, error, delta);
    const double z = normal_tail_quantile(delta / 2);
    const double xy = static_cast<double>(x) * static_cast<double>(y), tt = static_cast<double>(t);
    return 1 + z * z * (xy + tt * tt - 2 * tt) / (error * error);
}

}  // namespace hdc::capacity
