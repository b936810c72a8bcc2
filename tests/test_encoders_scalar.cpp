// Scalar encoders (encoders/scalar.hpp): similarity curves against the formulas of ALGORITHMS.md
// section 1.4 within 4 standard errors derived from the components' statistics, for every
// family each encoder supports; the out-of-range policies, NaN rejection and bad parameters.
#include "helpers.hpp"
#include "model_info.hpp"

#include <hdc/encoders/scalar.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using real_float = hdc::real<10000>;
using real_double = hdc::real<4096, double>;
using mbat_float = hdc::mbat<4096>;
using sparse_1024x64 = hdc::sparse<1024, 64>;
#define HDC_GRADED_TYPES \
    hdc::binary<10048>, hdc::bipolar<10000>, real_float, real_double, hdc::phasor<10000>, mbat_float, sparse_1024x64
#define HDC_GRADED_TYPES_FLOAT \
    hdc::binary<10048>, hdc::bipolar<10000>, real_float, hdc::phasor<10000>, mbat_float, sparse_1024x64
#define HDC_NEGATE_TYPES \
    hdc::binary<10048>, hdc::bipolar<10000>, real_float, hdc::phasor<10000>, mbat_float
#define HDC_FPE_TYPES \
    hdc::phasor<10000>, real_float, real_double, mbat_float, hdc::binary<10048>, hdc::bipolar<10000>

/// Kurtosis E a^4 / (E a^2)^2 of an atom's components: what makes the similarity after flipping
/// a fixed number of components random (1: every component weighs the same).
template <class V>
constexpr double flip_kurtosis = 1.0;
template <std::size_t D, class T>
constexpr double flip_kurtosis<hdc::real<D, T>> = 9.0 / 5.0;  // uniform on [-1, 1]
template <std::size_t D, class T>
constexpr double flip_kurtosis<hdc::mbat<D, T>> = 3.0;  // normal, then normalised

struct prediction {
    double mean, sd;
};

/// Similarity of an atom to itself with `changed` of its n components changed: negated (families
/// with negate: 1 - 2 R, R the changed share of the squared norm, variance q(1-q)(kappa-1)/n) or
/// replaced by those of an independent atom (sparse: each replaced block still matches with
/// probability 1/L, a binomial count).
template <class V>
prediction changed_prediction(const V& v, std::size_t changed) {
    const double n = double(hdc::component_count(v)), f = double(changed), q = f / n;
    if constexpr (hdc::detail::has_negate<V>) {
        return {1 - 2 * q, 2 * std::sqrt(q * (1 - q) * (flip_kurtosis<V> - 1) / n)};
    } else {
        const double p = 1.0 / double(v.block_length());
        return {1 - q + q * p, std::sqrt(f * p * (1 - p)) / n};
    }
}

/// Float rounding of a similarity that is exact in real arithmetic.
constexpr double rounding = 1e-5;

/// x = a / b rounded half up, as the encoders count components.
std::size_t scaled_round(std::size_t a, std::size_t b, std::size_t c) { return (a * b + c / 2) / c; }

/// The shape of fixed V.
template <class V>
typename V::shape_type shape_of() {
    return V{}.shape();
}

}  // namespace

TEMPLATE_TEST_CASE("level encoder: similarity falls linearly with the level distance",
                   "[encoders][level]", HDC_GRADED_TYPES) {
    using V = TestType;
    const std::size_t m = 11;
    const hdc::level_encoder<V> enc({-1.0, 4.0}, m, hdc::out_of_range::clamp, 31);
    const std::size_t n = hdc::component_count(enc.level(0));
    CHECK(enc.span_components() == (hdc::detail::has_negate<V> ? n / 2 : n));
    std::vector<V> levels = enc.levels_codebook();
    REQUIRE(levels.size() == m);
    for (std::size_t i = 0; i < m; ++i) {
        CHECK(enc.changed(i) == scaled_round(i, enc.span_components(), m - 1));
        for (std::size_t j = i; j < m; ++j) {
            CAPTURE(i, j);
            const std::size_t f = enc.changed(j) - enc.changed(i);
            // Linear in the level distance: the changed count is (j - i) P / (m - 1) up to one
            // rounding at each end.
            CHECK(std::abs(double(f) - double(j - i) * double(enc.span_components()) / double(m - 1)) <= 1.0);
            const prediction p = changed_prediction(levels[i], f);
            CHECK(std::abs(hdc::similarity(levels[i], levels[j]) - p.mean) <= 4 * p.sd + rounding);
        }
    }
    // The ends are quasi-orthogonal: as far apart as unrelated vectors.
    const double unrelated = hdc_test::model_info<V>::random_pair_mean(levels[0].dim());
    CHECK(std::abs(hdc::similarity(levels[0], levels[m - 1]) - unrelated) < 0.05);
    // Values map to the nearest level and back.
    CHECK(enc.level_of(-1.0) == 0);
    CHECK(enc.level_of(4.0) == m - 1);
    CHECK(enc.level_of(1.24) == 4);  // (1.24 + 1) / 5 * 10 = 4.48
    CHECK(enc.level_of(1.26) == 5);
    CHECK(enc.encode(1.26) == levels[5]);
    CHECK(enc.value_of(5) == Approx(1.5));
    for (std::size_t k = 0; k < m; ++k) CHECK(enc.decode(levels[k]) == Approx(enc.value_of(k)));
}

TEMPLATE_TEST_CASE("level encoder: noisy levels still decode to the nearest level",
                   "[encoders][level]", hdc::binary<10048>, real_float, sparse_1024x64) {
    using V = TestType;
    const hdc::level_encoder<V> enc({0.0, 100.0}, 21, hdc::out_of_range::reject, 5);
    hdc::rng gen{77};
    for (double x : {0.0, 12.0, 50.0, 77.7, 100.0}) {
        const V clean = enc(x);
        // Replace a random 1/16 of the components by those of an unrelated vector.
        const std::size_t n = hdc::component_count(clean);
        std::vector<std::uint64_t> mask((n + 63) / 64);
        for (auto& w : mask) w = gen() & gen() & gen() & gen();
        const V noisy = hdc::blend(clean, hdc::random<V>(gen), std::span<const std::uint64_t>(mask));
        CHECK(enc.nearest_level(noisy) == enc.level_of(x));
    }
}

TEMPLATE_TEST_CASE("thermometer encoder: from a vector to its opposite, linearly",
                   "[encoders][thermometer]", HDC_NEGATE_TYPES) {
    using V = TestType;
    const std::size_t m = 9;
    const hdc::thermometer_encoder<V> enc({0.0, 8.0}, m, hdc::out_of_range::clamp, 41);
    const V first = enc.level(0);
    const std::size_t n = hdc::component_count(first);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = i; j < m; ++j) {
            CAPTURE(i, j);
            const std::size_t f = scaled_round(j, n, m - 1) - scaled_round(i, n, m - 1);
            const prediction p = changed_prediction(first, f);
            CHECK(std::abs(hdc::similarity(enc.level(i), enc.level(j)) - p.mean) <= 4 * p.sd + rounding);
        }
    CHECK(hdc::similarity(enc(0.0), enc(8.0)) == Approx(-1).margin(rounding));
    CHECK(enc(3.0) == enc.level(3));
}

TEMPLATE_TEST_CASE("circular encoder: similarity follows the circular distance and wraps",
                   "[encoders][circular]", HDC_GRADED_TYPES) {
    using V = TestType;
    const std::size_t m = 12;
    const hdc::circular_encoder<V> enc({0.0, 360.0}, m, hdc::out_of_range::wrap, 43);
    const V first = enc.point(0);
    const std::size_t n = hdc::component_count(first);
    const std::size_t budget = hdc::detail::has_negate<V> ? n / 2 : n;
    // The changed ranks of point k: an interval of [0, budget) (see circular_encoder::point).
    const auto interval = [&](std::size_t k) -> std::pair<std::size_t, std::size_t> {
        if (2 * k <= m) return {0, scaled_round(2 * k, budget, m)};
        return {scaled_round(2 * k - m, budget, m), budget};
    };
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = i; j < m; ++j) {
            CAPTURE(i, j);
            const auto [a0, a1] = interval(i);
            const auto [b0, b1] = interval(j);
            std::size_t f = 0;  // size of the symmetric difference of the two intervals
            for (std::size_t r = 0; r < budget; ++r) f += (r >= a0 && r < a1) != (r >= b0 && r < b1);
            const std::size_t d = std::min(j - i, m - (j - i));
            // 1 - 2 d / m up to the rounding of the interval ends.
            CHECK(std::abs(double(f) - 2.0 * double(d) * double(budget) / double(m)) <= 2.0);
            const prediction p = changed_prediction(first, f);
            CHECK(std::abs(hdc::similarity(enc.point(i), enc.point(j)) - p.mean) <= 4 * p.sd + rounding);
        }
    // Periodic: a whole turn later is the same point; the policy wraps any value.
    CHECK(enc(30.0) == enc(390.0));
    CHECK(enc(-30.0) == enc(330.0));
    CHECK(enc(360.0) == enc(0.0));
    CHECK(enc.point_of(359.0) == 0);
    CHECK(enc.decode(enc(90.0)) == Approx(90.0));
    CHECK(enc.nearest_point(enc.point(7)) == 7);
}

namespace {

/// The characteristic function psi of the phase distribution at k times the scaled
/// difference d (ALGORITHMS.md section 1.4): uniform -> product of sincs, normal -> Gaussian,
/// Cauchy -> exp(-|d|_1).
double psi(hdc::fpe_kernel kernel, const std::vector<double>& d, double k = 1.0) {
    double out = 1;
    for (double dk : d) {
        const double x = k * dk;
        switch (kernel) {
            case hdc::fpe_kernel::sinc:
                out *= x == 0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
                break;
            case hdc::fpe_kernel::gaussian:
                out *= std::exp(-x * x / 2);
                break;
            case hdc::fpe_kernel::laplace:
                out *= std::exp(-std::abs(x));
                break;
        }
    }
    return out;
}

/// The sign form's kernel by direct numerical integration, independent of the encoder's series:
/// E_theta[(2/pi) asin(cos(c theta))] (the triangle wave of the random offset) for one
/// coordinate, by the midpoint rule: over [-pi, pi] (uniform), over [-12, 12] with the normal
/// density (Gaussian), over u in (0, 1) with theta = tan(pi (u - 1/2)) (Cauchy).
double sign_kernel(hdc::fpe_kernel kernel, double c) {
    const int steps = 200000;
    const auto tri = [c](double theta) {
        return 2 / std::numbers::pi * std::asin(std::cos(std::fmod(c * theta, 2 * std::numbers::pi)));
    };
    double sum = 0;
    for (int s = 0; s < steps; ++s) {
        const double u = (s + 0.5) / steps;  // in (0, 1)
        switch (kernel) {
            case hdc::fpe_kernel::sinc:
                sum += tri(std::numbers::pi * (2 * u - 1));
                break;
            case hdc::fpe_kernel::gaussian: {
                const double theta = 24 * u - 12;
                sum += tri(theta) * 24 * std::exp(-theta * theta / 2) / std::sqrt(2 * std::numbers::pi);
                break;
            }
            case hdc::fpe_kernel::laplace:
                sum += tri(std::tan(std::numbers::pi * (u - 0.5)));
                break;
        }
    }
    return sum / steps;
}

/// Expected similarity and its standard error for an FPE family at scaled difference d.
template <class V>
prediction fpe_prediction(hdc::fpe_kernel kernel, const std::vector<double>& d, std::size_t dim) {
    const double n = double(dim), k1 = psi(kernel, d), k2 = psi(kernel, d, 2.0);
    constexpr auto form = hdc::detail::phase_form_of<V>;
    if constexpr (form == hdc::detail::phase_form::complex) {
        // Mean of cos(theta . c): variance E cos^2 - psi^2 = (1 + psi(2c)) / 2 - psi^2.
        return {k1, std::sqrt(std::max(0.0, (1 + k2) / 2 - k1 * k1) / n)};
    } else if constexpr (form == hdc::detail::phase_form::cosine) {
        // 2 cos(u + phi) cos(v + phi) = cos(u - v) + cos(u + v + 2 phi): the second term adds
        // variance 1/2; the norms add at most psi^2 (conservative).
        return {k1, std::sqrt(((1 + k2) / 2 + 0.5) / n)};
    } else {
        REQUIRE(d.size() == 1);
        const double kappa = sign_kernel(kernel, d[0]);
        return {kappa, std::sqrt((1 - kappa * kappa) / n)};  // mean of i.i.d. +-1 products
    }
}

}  // namespace

TEMPLATE_TEST_CASE("fractional power encoding: sinc, Gaussian and Laplace kernels",
                   "[encoders][fpe]", HDC_FPE_TYPES) {
    using V = TestType;
    for (auto kernel : {hdc::fpe_kernel::sinc, hdc::fpe_kernel::gaussian, hdc::fpe_kernel::laplace}) {
        // Range width 4 and bandwidth 4: the scaled difference is x - y itself.
        const hdc::fpe_encoder<V> enc({-2.0, 2.0}, 4.0, kernel, hdc::out_of_range::reject, 53);
        const double x = -0.8;
        const V zx = enc(x);
        CHECK(hdc::similarity(zx, zx) == Approx(1).margin(rounding));
        for (double delta : {0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5}) {
            CAPTURE(int(kernel), delta);
            const prediction p = fpe_prediction<V>(kernel, {delta}, zx.dim());
            CHECK(enc.expected_similarity(x, x + delta) == Approx(p.mean).margin(1e-3));
            CHECK(std::abs(hdc::similarity(zx, enc(x + delta)) - p.mean) <= 4 * p.sd + rounding);
        }
    }
    // ALGORITHMS.md section 1.8: sinc is 0 at 1 and -0.212 at 1.5; the sign form's closed forms
    // and series agree with direct integration near 0 too.
    CHECK(psi(hdc::fpe_kernel::sinc, {1.5}) == Approx(-0.2122).margin(1e-4));
    CHECK(psi(hdc::fpe_kernel::sinc, {1.0}) == Approx(0).margin(1e-15));
    if constexpr (hdc::detail::phase_form_of<V> == hdc::detail::phase_form::sign) {
        for (auto kernel : {hdc::fpe_kernel::sinc, hdc::fpe_kernel::gaussian, hdc::fpe_kernel::laplace}) {
            const hdc::fpe_encoder<V> near_zero({-10.0, 10.0}, 20.0, kernel, hdc::out_of_range::reject, 53);
            for (double delta : {1e-5, 1e-3, 0.03, 7.3})
                CHECK(near_zero.expected_similarity(0.0, delta) ==
                      Approx(sign_kernel(kernel, delta)).margin(kernel == hdc::fpe_kernel::laplace ? 1e-3 : 1e-4));
        }
    }
    // The sinc kernel's first zero is one range width over the bandwidth away.
    const hdc::fpe_encoder<V> enc({0.0, 10.0}, 2.0, hdc::fpe_kernel::sinc, hdc::out_of_range::clamp, 59);
    CHECK(enc.expected_similarity(1.0, 6.0) == Approx(0).margin(1e-4));
}

TEMPLATE_TEST_CASE("multivariate FPE: radial Gaussian and product sinc kernels",
                   "[encoders][fpe]", hdc::phasor<10000>, real_float, hdc::bipolar<10000>) {
    using V = TestType;
    const std::vector<hdc::value_range> ranges{{0.0, 1.0}, {-5.0, 5.0}, {0.0, 100.0}};
    const double beta = 1.5;
    const std::vector<double> x{0.2, -1.0, 30.0};
    const std::vector<std::vector<double>> ys{{0.2, -1.0, 30.0}, {0.4, -1.0, 30.0}, {0.3, 1.0, 20.0},
                                              {0.9, 2.0, 60.0}, {0.0, -4.0, 35.0}};
    for (auto kernel : {hdc::fpe_kernel::gaussian, hdc::fpe_kernel::sinc}) {
        const hdc::fpe_encoder<V> enc(ranges, beta, kernel, hdc::out_of_range::reject, 61);
        CHECK(enc.arity() == 3);
        const V zx = enc(x);
        for (const auto& y : ys) {
            std::vector<double> d(3);
            for (std::size_t k = 0; k < 3; ++k) d[k] = beta * (y[k] - x[k]) / ranges[k].width();
            if constexpr (hdc::detail::phase_form_of<V> != hdc::detail::phase_form::sign) {
                const prediction p = fpe_prediction<V>(kernel, d, zx.dim());
                CHECK(enc.expected_similarity(x, y) == Approx(p.mean).margin(1e-12));
                CHECK(std::abs(hdc::similarity(zx, enc(y)) - p.mean) <= 4 * p.sd + rounding);
            } else {  // the sign form of a product kernel: check against the encoder's series
                const double kappa = enc.expected_similarity(x, y);
                const double sd = std::sqrt((1 - kappa * kappa) / double(zx.dim()));
                CHECK(std::abs(hdc::similarity(zx, enc(y)) - kappa) <= 4 * sd + rounding);
            }
        }
    }
    // A point has arity() coordinates; a scalar is refused by a multivariate encoder.
    const hdc::fpe_encoder<V> enc(ranges, beta, hdc::fpe_kernel::gaussian, hdc::out_of_range::reject, 61);
    CHECK_THROWS_AS(enc(std::vector<double>{1.0, 2.0}), hdc::dimension_mismatch);
    CHECK_THROWS_AS(enc(0.5), hdc::invalid_parameter);
}

TEST_CASE("FPE phasors: binding adds values, unbinding subtracts them", "[encoders][fpe]") {
    using V = hdc::phasor<10000>;
    for (auto kernel : {hdc::fpe_kernel::sinc, hdc::fpe_kernel::gaussian}) {
        const hdc::fpe_encoder<V> enc({-10.0, 10.0}, 3.0, kernel, hdc::out_of_range::reject, 67);
        for (auto [x, y] : {std::pair{1.5, -3.25}, std::pair{0.1, 0.2}, std::pair{-4.0, -5.5}}) {
            CAPTURE(x, y);
            const V sum = hdc::bind(enc(x), enc(y)), difference = hdc::unbind(enc(x), enc(y));
            CHECK(hdc::similarity(sum, enc(x + y)) > 1 - 1e-9);
            CHECK(hdc::similarity(difference, enc(x - y)) > 1 - 1e-9);
            CHECK(hdc_test::max_abs_diff(sum.re(), enc(x + y).re()) < 1e-5);
            // ... and not some other value: a shift of 0.3 kernel widths is visible.
            CHECK(hdc::similarity(sum, enc(x + y + 2.0)) < 0.99);
        }
    }
    // The real form shares the phasor's frequencies (same seed).
    const hdc::fpe_encoder<V> zp({0.0, 1.0}, 2.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 71);
    const hdc::fpe_encoder<real_float> zr({0.0, 1.0}, 2.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 71);
    CHECK(std::vector<double>(zp.frequencies().begin(), zp.frequencies().end()) ==
          std::vector<double>(zr.frequencies().begin(), zr.frequencies().end()));
}

TEMPLATE_TEST_CASE("codebooks built step by step equal the items built one by one",
                   "[encoders][level][circular]", HDC_GRADED_TYPES) {
    // levels_codebook and points_codebook build each item from the one before; every item must
    // be bit for bit the one level(k) or point(k) builds from scratch (odd and even counts:
    // the circle turns at a point or between two).
    using V = TestType;
    for (const std::size_t m : {std::size_t{2}, std::size_t{7}, std::size_t{12}}) {
        CAPTURE(m);
        const hdc::level_encoder<V> levels({0.0, 1.0}, m, hdc::out_of_range::clamp, 5);
        const std::vector<V> lbook = levels.levels_codebook();
        REQUIRE(lbook.size() == m);
        for (std::size_t k = 0; k < m; ++k) CHECK(lbook[k] == levels.level(k));
        const hdc::circular_encoder<V> circle({0.0, 1.0}, m, hdc::out_of_range::wrap, 5);
        const std::vector<V> cbook = circle.points_codebook();
        REQUIRE(cbook.size() == m);
        for (std::size_t k = 0; k < m; ++k) CHECK(cbook[k] == circle.point(k));
    }
}

TEMPLATE_TEST_CASE("scalar encoders are deterministic, equal for fixed and run-time dimensions, and "
                   "safe to share between threads", "[encoders][determinism]",
                   hdc::binary<1001>, hdc::phasor<1001>, hdc::real<1001>) {
    using V = TestType;
    using Dyn = typename hdc_test::model_info<V>::dynamic_type;
    const hdc::level_encoder<V> level({0.0, 1.0}, 16, hdc::out_of_range::clamp, 7);
    const hdc::level_encoder<Dyn> level_dyn({0.0, 1.0}, 16, hdc::out_of_range::clamp, 7, 1001);
    const hdc::circular_encoder<V> circle({0.0, 1.0}, 16, hdc::out_of_range::wrap, 7);
    const hdc::circular_encoder<Dyn> circle_dyn({0.0, 1.0}, 16, hdc::out_of_range::wrap, 7, 1001);
    const hdc::fpe_encoder<V> fpe({0.0, 1.0}, 3.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 7);
    const hdc::fpe_encoder<Dyn> fpe_dyn({0.0, 1.0}, 3.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 7, 1001);
    const hdc::fpe_encoder<V> other_seed({0.0, 1.0}, 3.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 8);
    for (double x : {0.0, 0.3, 0.77, 1.0}) {
        CHECK(Dyn(level(x)) == level_dyn(x));
        CHECK(Dyn(circle(x)) == circle_dyn(x));
        CHECK(Dyn(fpe(x)) == fpe_dyn(x));
        CHECK(fpe(x) == fpe(x));
        if (x != 0) CHECK_FALSE(fpe(x) == other_seed(x));  // a phasor's z(0) is the identity
    }
    // Level, circular and FPE encoders with one seed are unrelated (separate streams).
    CHECK(std::abs(hdc::similarity(level(0.0), circle(0.0))) < 0.2);

    std::vector<double> xs;
    for (int i = 0; i < 64; ++i) xs.push_back(i / 63.0);
    std::vector<V> serial;
    for (double x : xs) serial.push_back(fpe(x));
    std::vector<std::vector<V>> parallel(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (double x : xs) parallel[t].push_back(fpe(x));
        });
    for (auto& th : threads) th.join();
    for (const auto& p : parallel) CHECK(p == serial);
}

TEMPLATE_TEST_CASE("out-of-range values are clamped, wrapped or rejected as chosen, NaN always throws",
                   "[encoders][errors]", hdc::binary<1001>, hdc::phasor<1001>) {
    using V = TestType;
    const hdc::value_range r{2.0, 12.0};
    const hdc::level_encoder<V> clamp(r, 11, hdc::out_of_range::clamp, 3);
    const hdc::level_encoder<V> wrap(r, 11, hdc::out_of_range::wrap, 3);
    const hdc::level_encoder<V> reject(r, 11, hdc::out_of_range::reject, 3);
    CHECK(clamp(-100.0) == clamp(2.0));
    CHECK(clamp(1e300) == clamp(12.0));
    CHECK(wrap(15.0) == clamp(5.0));
    CHECK(wrap(-1.0) == clamp(9.0));
    CHECK(reject(12.0) == clamp(12.0));  // the ends are inside
    CHECK_THROWS_AS(reject(12.5), hdc::invalid_parameter);
    CHECK_THROWS_WITH(reject(1.0), Catch::Contains("outside the range"));
    const hdc::fpe_encoder<V> fpe(r, 1.0, hdc::fpe_kernel::sinc, hdc::out_of_range::clamp, 3);
    const hdc::fpe_encoder<V> fpe_reject(r, 1.0, hdc::fpe_kernel::sinc, hdc::out_of_range::reject, 3);
    CHECK(fpe(0.0) == fpe(2.0));
    CHECK_THROWS_AS(fpe_reject(0.0), hdc::invalid_parameter);
    const hdc::circular_encoder<V> circle(r, 10, hdc::out_of_range::clamp, 3);
    CHECK(circle(20.0) == circle(12.0));
    const hdc::thermometer_encoder<V> thermometer(r, 11, hdc::out_of_range::clamp, 3);
    CHECK(thermometer(20.0) == thermometer.level(10));
    CHECK(thermometer.decode(thermometer(7.0)) == Approx(7.0));
    CHECK_THROWS_AS(thermometer.level(11), hdc::invalid_parameter);
    CHECK_THROWS_AS(thermometer.value_of(11), hdc::invalid_parameter);
    CHECK_THROWS_AS(circle.point(10), hdc::invalid_parameter);
    CHECK_THROWS_AS(clamp.level(11), hdc::invalid_parameter);

    for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity()}) {
        for (const auto* enc : {&clamp, &wrap, &reject})
            CHECK_THROWS_AS((*enc)(bad), hdc::non_finite_value);
        CHECK_THROWS_AS(fpe(bad), hdc::non_finite_value);
        CHECK_THROWS_AS(circle(bad), hdc::non_finite_value);
        CHECK_THROWS_AS(thermometer(bad), hdc::non_finite_value);
        CHECK_THROWS_AS(fpe.expected_similarity(bad, 3.0), hdc::non_finite_value);
    }
    CHECK_THROWS_WITH(clamp(std::nan("")), Catch::Contains("not finite"));
}

TEST_CASE("bad encoder parameters are rejected with a clear hdc::error", "[encoders][errors]") {
    using V = hdc::bipolar<1000>;
    const auto policy = hdc::out_of_range::clamp;
    CHECK_THROWS_AS(hdc::level_encoder<V>({0, 1}, 1, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::level_encoder<V>({0, 1}, 0, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_WITH(hdc::level_encoder<V>({0, 1}, 1, policy, 0), Catch::Contains("at least 2"));
    CHECK_NOTHROW(hdc::level_encoder<V>({0, 1}, 501, policy, 0));  // one flip per level
    CHECK_THROWS_WITH(hdc::level_encoder<V>({0, 1}, 502, policy, 0), Catch::Contains("distinct"));
    CHECK_THROWS_AS(hdc::thermometer_encoder<V>({0, 1}, 1002, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::circular_encoder<V>({0, 1}, 1, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::circular_encoder<V>({0, 1}, 1001, policy, 0), hdc::invalid_parameter);
    using S = hdc::sparse<16, 8>;  // 16 blocks, no negate: at most 17 levels
    CHECK_NOTHROW(hdc::level_encoder<S>({0, 1}, 17, policy, 0));
    CHECK_THROWS_AS(hdc::level_encoder<S>({0, 1}, 18, policy, 0), hdc::invalid_parameter);
    // Empty, reversed and non-finite ranges.
    CHECK_THROWS_AS(hdc::level_encoder<V>({1, 1}, 4, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_WITH(hdc::level_encoder<V>({2, 1}, 4, policy, 0), Catch::Contains("empty range"));
    CHECK_THROWS_AS(hdc::circular_encoder<V>({0, std::nan("")}, 4, policy, 0), hdc::non_finite_value);
    CHECK_THROWS_AS(hdc::level_encoder<V>({-1e308, 1e308}, 4, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::level_encoder<V>({0, 1}, 4, static_cast<hdc::out_of_range>(7), 0), hdc::invalid_parameter);
    // Bandwidth, kernel, coordinates.
    using P = hdc::phasor<1000>;
    CHECK_THROWS_AS(hdc::fpe_encoder<P>({0, 1}, 0.0, hdc::fpe_kernel::sinc, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_WITH(hdc::fpe_encoder<P>({0, 1}, -2.0, hdc::fpe_kernel::sinc, policy, 0),
                      Catch::Contains("bandwidth must be positive"));
    CHECK_THROWS_AS(hdc::fpe_encoder<P>({0, 1}, std::nan(""), hdc::fpe_kernel::sinc, policy, 0), hdc::non_finite_value);
    CHECK_THROWS_AS(hdc::fpe_encoder<P>({1, 0}, 1.0, hdc::fpe_kernel::sinc, policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::fpe_encoder<P>({0, 1}, 1.0, static_cast<hdc::fpe_kernel>(9), policy, 0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::fpe_encoder<P>(std::vector<hdc::value_range>{}, 1.0, hdc::fpe_kernel::sinc, policy, 0),
                    hdc::empty_input);
    CHECK_THROWS_AS(hdc::fpe_encoder<hdc::phasor<>>({0, 1}, 1.0, hdc::fpe_kernel::sinc, policy, 0, 0),
                    hdc::invalid_dimension);
}

TEMPLATE_TEST_CASE("golden checksums pin the scalar encoders' streams", "[encoders][golden]",
                   HDC_GRADED_TYPES_FLOAT) {
    // A failure means the same seed now gives other vectors (on this machine or SIMD path):
    // every stored encoding would change. Update only for a deliberate, noted change.
    using V = TestType;
    using I = hdc_test::model_info<V>;
    using G = hdc_test::encoder_golden<V>;
    const hdc::level_encoder<V> level({0.0, 1.0}, 16, hdc::out_of_range::clamp, 2026);
    const hdc::circular_encoder<V> circle({0.0, 1.0}, 16, hdc::out_of_range::wrap, 2026);
    std::vector<unsigned char> graded = I::bytes(level(0.3));
    const auto more = I::bytes(circle(0.7));
    graded.insert(graded.end(), more.begin(), more.end());
    CHECK(hdc_test::fnv1a(graded) == G::graded);
    if constexpr (hdc::fpe_family<V>) {
        const hdc::fpe_encoder<V> fpe({0.0, 1.0}, 3.0, hdc::fpe_kernel::gaussian, hdc::out_of_range::clamp, 2026);
        const hdc::fpe_encoder<V> sinc({0.0, 1.0}, 3.0, hdc::fpe_kernel::sinc, hdc::out_of_range::clamp, 2026);
        std::vector<unsigned char> bytes = I::bytes(fpe(0.3));
        const auto second = I::bytes(sinc(123.25));  // clamped to 1
        bytes.insert(bytes.end(), second.begin(), second.end());
        CHECK(hdc_test::fnv1a(bytes) == G::fpe);
    }
}
