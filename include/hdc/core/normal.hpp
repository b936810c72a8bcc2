// hdc/core/normal.hpp - the standard normal distribution: density, distribution function, tails
// and quantiles, accurate in both tails.
//
// Shared by the capacity theory (predicted accuracies, dimension advisors) and by the resonator's
// chance thresholds, so that both use one quantile.
#pragma once

#include <cmath>

#include "error.hpp"

namespace hdc {

/// Standard normal density phi(x).
inline double normal_pdf(double x) noexcept {
    return 0.3989422804014327 * std::exp(-0.5 * x * x);
}

/// Standard normal distribution function Phi(x), accurate in both tails (erfc, not 1 - erf).
inline double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Upper tail Q(x) = 1 - Phi(x), accurate for large x.
inline double normal_tail(double x) noexcept { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

/// The p-quantile of the standard normal: Phi(normal_quantile(p)) = p, for 0 < p < 1.
/// Acklam's rational approximation refined by two Newton steps (relative error ~1e-15).
inline double normal_quantile(double p) {
    if (!(p > 0 && p < 1))  // also refuses NaN
        throw invalid_parameter("normal_quantile: p must lie in (0, 1)");
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00, 2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    const double lo = 0.02425;
    double x;
    if (p < lo) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - lo) {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    for (int step = 0; step < 2; ++step) {  // Newton on the tail that keeps precision
        const double err = x < 0 ? normal_cdf(x) - p : (1 - p) - normal_tail(x);
        x -= err / normal_pdf(x);
    }
    return x;
}

/// Q^{-1}(t): the x with upper tail Q(x) = t, for 0 < t < 1 (precise for tiny t).
inline double normal_tail_quantile(double t) { return -normal_quantile(t); }

}  // namespace hdc
