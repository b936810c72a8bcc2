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
#include "../core/normal.hpp"

namespace hdc::capacity {

// The standard normal distribution (core/normal.hpp), under the names the theory uses.
using hdc::normal_cdf;
using hdc::normal_pdf;
using hdc::normal_quantile;
using hdc::normal_tail;
using hdc::normal_tail_quantile;

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
