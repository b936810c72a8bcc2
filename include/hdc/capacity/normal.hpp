// hdc/capacity/normal.hpp - the normal and binomial distributions the capacity theory is made of,
// and the argument checks shared by the capacity functions.
//
// Everything here is closed form or a fixed quadrature: no random numbers, no simulation.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <string>

#include "../core/error.hpp"

namespace hdc::capacity {

/// Standard normal density phi(x).
inline double normal_pdf(double x) noexcept {
    return 0.3989422804014327 * std::exp(-0.5 * x * x);
}

/// Standard normal distribution function Phi(x), accurate in both tails (erfc, not 1 - erf).
inline double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Upper tail Q(x) = 1 - Phi(x), accurate for large x.
inline double normal_tail(double x) noexcept { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

namespace detail {

/// log Phi(x) without underflow for very negative x (asymptotic series below -37).
inline double log_normal_cdf(double x) noexcept {
    if (x > 0) return std::log1p(-normal_tail(x));
    if (x > -37) return std::log(normal_cdf(x));
    // Phi(x) ~ phi(x) / |x| * (1 - 1/x^2 + 3/x^4)
    const double x2 = x * x;
    return -0.5 * x2 - std::log(-x) - 0.9189385332046727 + std::log1p(-1 / x2 + 3 / (x2 * x2));
}

/// A number for an error message, in %g form (1e-09, not 0.000000).
inline std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// Throws non_finite_value unless v is finite (what names the argument).
inline void check_finite(const char* function, const char* what, double v) {
    if (!std::isfinite(v))
        throw non_finite_value(std::string(function) + ": " + what + " is not finite");
}

/// Throws invalid_parameter unless 0 < p < 1.
inline void check_probability(const char* function, const char* what, double p) {
    check_finite(function, what, p);
    if (!(p > 0 && p < 1))
        throw invalid_parameter(std::string(function) + ": " + what + " must lie in (0, 1), got " +
                                num(p));
}

/// Throws invalid_parameter unless the bundle holds at least one item.
inline void check_items(const char* function, std::size_t items) {
    if (items == 0)
        throw invalid_parameter(std::string(function) +
                                ": the number of items M must be at least 1, got 0");
}

/// Throws invalid_parameter unless the codebook has at least two entries (one can't be wrong).
inline void check_codebook(const char* function, std::size_t codebook) {
    if (codebook < 2)
        throw invalid_parameter(std::string(function) + ": the codebook size K must be at least 2, got " +
                                std::to_string(codebook));
}

/// Throws invalid_dimension unless dim > 0.
inline void check_dimension(const char* function, std::size_t dim) {
    if (dim == 0) throw invalid_dimension(std::string(function) + ": the dimension must be positive");
}

}  // namespace detail

/// The p-quantile of the standard normal: Phi(normal_quantile(p)) = p, for 0 < p < 1.
/// Acklam's rational approximation refined by two Newton steps (relative error ~1e-15).
inline double normal_quantile(double p) {
    detail::check_probability("normal_quantile", "p", p);
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

/// log of the Binomial(n, q) probability of k successes (-inf where it is zero).
inline double log_binomial_pmf(std::size_t n, double q, std::size_t k) noexcept {
    if (k > n) return -std::numeric_limits<double>::infinity();
    if (q <= 0) return k == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
    if (q >= 1) return k == n ? 0.0 : -std::numeric_limits<double>::infinity();
    const double nn = static_cast<double>(n), kk = static_cast<double>(k);
    return std::lgamma(nn + 1) - std::lgamma(kk + 1) - std::lgamma(nn - kk + 1) + kk * std::log(q) +
           (nn - kk) * std::log1p(-q);
}

}  // namespace hdc::capacity
