// The statistics the tests compare against theory (ALGORITHMS.md section 1.8): sample moments,
// and the predicted means and standard deviations of similarities. Every statistical test checks
// a sample statistic against its prediction within 4 standard errors.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace hdc_test {

/// Mean and sample standard deviation.
struct moments {
    double mean = 0, std = 0;
};
inline moments measure(const std::vector<double>& xs) {
    double s = 0, s2 = 0;
    for (double x : xs) s += x;
    const double mean = s / static_cast<double>(xs.size());
    for (double x : xs) s2 += (x - mean) * (x - mean);
    return {mean, std::sqrt(s2 / static_cast<double>(xs.size() - 1))};
}

/// Standard error of the sample standard deviation of n draws from a distribution with standard
/// deviation sigma and kurtosis kappa (3 for a normal one: sigma / sqrt(2 n)).
inline double std_standard_error(double sigma, double kappa, double n) {
    return sigma * std::sqrt((kappa - 1) / (4 * n));
}

/// Kurtosis of a Binomial(n, p) count.
inline double binomial_kurtosis(double n, double p) {
    const double q = p * (1 - p);
    return 3 + (1 - 6 * q) / (n * q);
}

/// mu_M = C(M-1, (M-1)/2) / 2^(M-1): expected similarity of a member to the majority of M atoms.
inline double majority_mu(int m) {
    double mu = 1.0;  // product form avoids overflow: prod_{j=1}^{k} (k + j) / (4 j), k = (M-1)/2
    const int k = (m - 1) / 2;
    for (int j = 1; j <= k; ++j) mu *= static_cast<double>(k + j) / (4.0 * j);
    return mu;
}

/// Standard deviation of the mean similarity of a majority bundle to its M members: that mean is
/// the mean over positions of |S_i| / M (S_i = sum of M signs), and E[(|S| / M)^2] = 1 / M, so
/// its variance is (1/M - mu_M^2) / D.
inline double majority_member_mean_sd(int m, double dim) {
    const double mu = majority_mu(m);
    return std::sqrt((1.0 / m - mu * mu) / dim);
}

/// Standard deviation of cos(sum of M i.i.d. atoms, one of them) over n i.i.d. real components,
/// by the delta method on the per-component terms u = a^2, v = a r, w = r^2 (r = sum of the
/// other M - 1, all uncorrelated), for atoms with kurtosis kappa = E[a^4] / E[a^2]^2:
/// n Var = (M-1) / (4 M^3) * ((M-1)(kappa-1) + 4 (M-1)^2 + kappa + 2M - 5).
/// kappa = 1 also covers atoms of fixed norm (bipolar, unit vectors); a complex component whose
/// real part carries the similarity counts as n = 2 D.
inline double sum_member_cos_sd(int m, double kappa, double n) {
    const double mm = m;
    const double var = (mm - 1) / (4 * mm * mm * mm) *
                       ((mm - 1) * (kappa - 1) + 4 * (mm - 1) * (mm - 1) + kappa + 2 * mm - 5);
    return std::sqrt(var / n);
}

/// Delta-method mean and standard deviation of similarity(count bundle of M sparse atoms, member)
/// for B blocks of length L. Per block, with p = 1/L: the member's count is x = 1 + K,
/// K ~ Binomial(M-1, p); the squared norm is y = M + 2P, P the number of colliding pairs.
/// Collision indicators are pairwise independent, so Var K = (M-1) p (1-p),
/// Var P = C(M,2) p (1-p), Cov(K, P) = (M-1) p (1-p). sim = X / sqrt(B Y) over the B blocks.
/// The mean, sqrt((1 + (M-1)/L) / M), tends to 1/sqrt(M) as L grows.
struct prediction {
    double mean, sd;
};
inline prediction count_bundle_prediction(double b, double l, double m) {
    const double p = 1 / l, q = p * (1 - p);
    const double ex = b * (1 + (m - 1) * p), vx = b * (m - 1) * q;
    const double ey = b * (m + m * (m - 1) * p), vy = 4 * b * (m * (m - 1) / 2) * q;
    const double cxy = 2 * b * (m - 1) * q;
    const double mean = ex / std::sqrt(b * ey);
    const double rel = vx / (ex * ex) + vy / (4 * ey * ey) - cxy / (ex * ey);
    return {mean, mean * std::sqrt(rel)};
}

}  // namespace hdc_test
