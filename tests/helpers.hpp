// Small helpers shared by the test programs.
#pragma once

#include <hdc/core/algebra.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <ranges>
#include <vector>

namespace hdc_test {

/// count random vectors of dimension n.
template <class V>
std::vector<V> random_atoms(hdc::rng& gen, int count, std::size_t n) {
    std::vector<V> atoms;
    for (int i = 0; i < count; ++i) atoms.push_back(hdc::random<V>(gen, n));
    return atoms;
}

/// Largest |x_i - y_i| over two ranges of numbers (infinite if their sizes differ).
template <std::ranges::sized_range X, std::ranges::sized_range Y>
double max_abs_diff(const X& x, const Y& y) {
    if (std::ranges::size(x) != std::ranges::size(y)) return std::numeric_limits<double>::infinity();
    double m = 0;
    auto j = std::ranges::begin(y);
    for (auto i = std::ranges::begin(x); i != std::ranges::end(x); ++i, ++j)
        m = std::max(m, std::abs(static_cast<double>(*i) - static_cast<double>(*j)));
    return m;
}

}  // namespace hdc_test
