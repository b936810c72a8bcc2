// Checks shared by the tests of the dense real families whose bindings are computed in floating
// point (tests/test_hrr.cpp, tests/test_vtb.cpp): errors relative to the largest component, and
// the rounding unit of the component type.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

namespace hdc_test {

/// Largest |x_i - y_i| relative to the largest |y_i| (y computed in long double).
template <class V>
double relative_error(const V& x, const std::vector<long double>& y) {
    long double diff = 0, scale = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        diff = std::max(diff, std::fabs(static_cast<long double>(x[i]) - y[i]));
        scale = std::max(scale, std::fabs(y[i]));
    }
    return static_cast<double>(diff / scale);
}

/// Largest |x_i - y_i| relative to the largest |y_i|.
template <class V>
double relative_error(const V& x, const V& y) {
    std::vector<long double> yl(y.dim());
    for (std::size_t i = 0; i < y.dim(); ++i) yl[i] = y[i];
    return relative_error(x, yl);
}

/// About the rounding unit of V's component type, a little above it: errors are bounded by
/// small multiples of it.
template <class V>
constexpr double eps() {
    return std::is_same_v<typename V::value_type, float> ? 1e-6 : 1e-13;
}

}  // namespace hdc_test
