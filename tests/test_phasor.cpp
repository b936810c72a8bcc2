// Tests of hdc/models/phasor.hpp: FHRR phasor vectors, their kernels and their accumulator.
#include <hdc/models/phasor.hpp>
#include <hdc/simd/complex.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <type_traits>
#include <vector>

namespace {

template <class V>
constexpr std::size_t test_dim() {
    return V::extent == hdc::dynamic ? 10000 : V::extent;
}

template <class V>
double max_modulus_error(const V& v) {
    double worst = 0;
    for (std::size_t i = 0; i < v.dim(); ++i)
        worst = std::fmax(worst, std::fabs(std::abs(std::complex<double>(v[i])) - 1.0));
    return worst;
}

template <class V>
double max_component_error(const V& a, const V& b) {
    double worst = 0;
    for (std::size_t i = 0; i < a.dim(); ++i)
        worst = std::fmax(worst, std::abs(std::complex<double>(a[i]) - std::complex<double>(b[i])));
    return worst;
}

}  // namespace

static_assert(std::is_same_v<hdc::phasor<>, hdc::phasor<hdc::dynamic>>);

#define PHASOR_TYPES hdc::phasor<10000>, hdc::phasor<hdc::dynamic>

TEMPLATE_TEST_CASE("phasor: random components follow the documented integer-disc recipe",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{2024}, ref{2024};
    const auto v = TestType::random(gen, d);
    REQUIRE(v.dim() == d);
    for (std::size_t i = 0; i < d; ++i) {
        std::int64_t x = 0, y = 0, r2 = 0;
        do {
            x = static_cast<std::int64_t>(ref() >> 38) - (std::int64_t{1} << 25);
            y = static_cast<std::int64_t>(ref() >> 38) - (std::int64_t{1} << 25);
            r2 = x * x + y * y;
        } while (r2 == 0 || r2 >= (std::int64_t{1} << 50));
        const double r = std::sqrt(static_cast<double>(r2));
        REQUIRE(v.re()[i] == static_cast<float>(static_cast<double>(x) / r));
        REQUIRE(v.im()[i] == static_cast<float>(static_cast<double>(y) / r));
    }
    CHECK(gen == ref);
    CHECK(max_modulus_error(v) < 1e-6);
}

TEMPLATE_TEST_CASE("phasor: random angles are uniform (circular moments within 4 SE)",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{7};
    double c1 = 0, s1 = 0, c2 = 0, s2 = 0;
    std::size_t n = 0;
    for (int k = 0; k < 10; ++k) {
        const auto v = TestType::random(gen, d);
        for (std::size_t i = 0; i < d; ++i) {
            const std::complex<double> z(v[i]);
            const std::complex<double> z2 = z * z;
            c1 += z.real();
            s1 += z.imag();
            c2 += z2.real();
            s2 += z2.imag();
            ++n;
        }
    }
    // For a uniform angle, cos(m theta) and sin(m theta) have mean 0 and variance 1/2.
    const double se = std::sqrt(0.5 / static_cast<double>(n));
    const double dn = static_cast<double>(n);
    CHECK(std::abs(c1 / dn) < 4 * se);
    CHECK(std::abs(s1 / dn) < 4 * se);
    CHECK(std::abs(c2 / dn) < 4 * se);
    CHECK(std::abs(s2 / dn) < 4 * se);
}

TEMPLATE_TEST_CASE("phasor: unbind recovers every component, binding commutes, the identity is all ones",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{1};
    const auto a = TestType::random(gen, d);
    const auto b = TestType::random(gen, d);
    const auto c = bind(a, b);
    const auto back = unbind(c, a);
    CHECK(max_component_error(back, b) < 1e-5);
    CHECK(max_component_error(unbind(c, b), a) < 1e-5);
    CHECK(bind(a, b) == bind(b, a));
    // (1, 0) is the exact identity; a * conj(a) is 1.
    const TestType one(d);
    CHECK(bind(a, one) == a);
    CHECK(unbind(a, one) == a);
    CHECK(max_component_error(unbind(a, a), one) < 1e-6);
    CHECK(cosine(a, b) == similarity(a, b));
}

TEMPLATE_TEST_CASE("phasor: components stay on the unit circle through random, bind and bundle",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{3};
    std::vector<TestType> xs;
    for (int i = 0; i < 5; ++i) xs.push_back(TestType::random(gen, d));
    CHECK(max_modulus_error(xs[0]) < 1e-6);
    auto chain = xs[0];
    for (int i = 1; i < 5; ++i) chain = bind(chain, xs[i]);
    CHECK(max_modulus_error(chain) < 1e-6);
    CHECK(max_modulus_error(unbind(chain, xs[2])) < 1e-6);
    CHECK(max_modulus_error(hdc::bundle(xs)) < 1e-6);
    CHECK(max_modulus_error(permute(chain, 17)) < 1e-6);
}

TEMPLATE_TEST_CASE("phasor: the phase-normalised bundle is closer to every member than to random "
                   "vectors",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{8};
    std::vector<TestType> members;
    for (int k = 0; k < 10; ++k) members.push_back(TestType::random(gen, d));
    const auto b = hdc::bundle(members);
    double weakest_member = 1, strongest_other = -1;
    for (const auto& v : members) weakest_member = std::fmin(weakest_member, similarity(b, v));
    for (int k = 0; k < 100; ++k)
        strongest_other = std::fmax(strongest_other, similarity(b, TestType::random(gen, d)));
    CHECK(weakest_member > 0.2);  // about sqrt(pi / (4 M)) = 0.28 for M = 10
    // The largest of 100 unrelated similarities (std 1/sqrt(2D)) stays below 5 standard deviations.
    CHECK(strongest_other < 5 / std::sqrt(2.0 * static_cast<double>(d)));
    CHECK(weakest_member > strongest_other);
}

TEMPLATE_TEST_CASE("phasor accumulator: dot, similarity and the zero-sum tie-break", "[phasor]",
                   PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{10};
    const auto a = TestType::random(gen, d);
    const auto b = TestType::random(gen, d);
    hdc::accumulator<TestType> acc(d);
    acc.add(a, 2.0);
    acc.add(b, -0.5);
    // dot(acc, v) = 2 <a, v> - 0.5 <b, v>.
    const auto expect = 2.0 * dot(a, a) - 0.5 * dot(b, a);
    CHECK(std::abs(dot(acc, a) - expect) < 1e-9 * static_cast<double>(d));
    // A single added vector: the accumulator's similarity is the vector's own.
    hdc::accumulator<TestType> one(d);
    one.add(a, 3.0);
    CHECK(similarity(one, a) == Approx(1.0).epsilon(1e-9));
    CHECK(similarity(one, b) == Approx(similarity(a, b)).margin(1e-9));
    one.add(a, -3.0);  // every sum is exactly zero: the result is the tie-break vector
    CHECK(one.result() ==
          hdc::symbol<TestType>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, d));
    CHECK(dot(one, a) == std::complex<double>(0, 0));
}

TEMPLATE_TEST_CASE("phasor: angles and values round-trip", "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{11};
    const auto a = TestType::random(gen, d);
    const auto theta = a.angles();
    REQUIRE(theta.size() == d);
    for (double t : theta) {
        REQUIRE(t > -std::numbers::pi - 1e-12);
        REQUIRE(t <= std::numbers::pi);
    }
    const auto back = TestType::from_angles(theta, d);
    CHECK(max_component_error(back, a) < 1e-6);

    std::vector<double> re(d), im(d);
    for (std::size_t i = 0; i < d; ++i) {
        re[i] = 3.5 * a.re()[i];  // any positive scale
        im[i] = 3.5 * a.im()[i];
    }
    const auto v =
        TestType::from_values(std::span<const double>(re), std::span<const double>(im), d);
    CHECK(max_component_error(v, a) < 1e-6);
    CHECK(max_modulus_error(v) < 1e-6);
    std::vector<float> fre(a.re().begin(), a.re().end()), fim(a.im().begin(), a.im().end());
    fre[0] = 1e30f;  // huge and tiny parts normalise without overflow
    fim[0] = 1e30f;
    fre[1] = -1e-40f;
    fim[1] = 0.0f;
    const auto w =
        TestType::from_values(std::span<const float>(fre), std::span<const float>(fim), d);
    CHECK(w[0].real() == Approx(std::sqrt(0.5)).epsilon(1e-6));
    CHECK(w[0].imag() == Approx(std::sqrt(0.5)).epsilon(1e-6));
    CHECK(w[1] == std::complex<float>(-1.0f, 0.0f));
}

TEST_CASE("phasor: from_angles for hdc::dynamic takes the dimension from the input") {
    const std::vector<double> theta = {0.0, std::numbers::pi / 2, std::numbers::pi};
    const auto v = hdc::phasor<>::from_angles(theta);
    REQUIRE(v.dim() == 3);
    CHECK(v[0] == std::complex<float>(1.0f, 0.0f));
    CHECK(std::abs(std::complex<double>(v[1]) - std::complex<double>(0, 1)) < 1e-7);
    CHECK(std::abs(std::complex<double>(v[2]) - std::complex<double>(-1, 0)) < 1e-7);
}

TEST_CASE("phasor: bad input to the phasor-only API is rejected with a named error") {
    using V = hdc::phasor<hdc::dynamic>;
    hdc::rng gen{12};
    const auto a = V::random(gen, 100);
    const auto b = V::random(gen, 101);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    hdc::accumulator<V> acc(100);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);

    const std::vector<double> nan_angle = {0.0, std::numeric_limits<double>::quiet_NaN()};
    const std::vector<double> inf_angle = {std::numeric_limits<double>::infinity()};
    CHECK_THROWS_AS(V::from_angles(nan_angle), hdc::non_finite_value);
    CHECK_THROWS_WITH(V::from_angles(nan_angle), Catch::Contains("from_angles") &&
                                                     Catch::Contains("finite"));
    CHECK_THROWS_AS(V::from_angles(inf_angle), hdc::non_finite_value);
    CHECK_THROWS_AS(V::from_angles(nan_angle, 3), hdc::invalid_parameter);

    const std::vector<float> re = {1.0f, 0.0f}, im = {0.0f, 0.0f};
    const std::vector<float> nan_re = {1.0f, std::numeric_limits<float>::quiet_NaN()};
    CHECK_THROWS_AS(V::from_values(std::span<const float>(re), std::span<const float>(im)),
                    hdc::invalid_parameter);
    CHECK_THROWS_WITH(V::from_values(std::span<const float>(re), std::span<const float>(im)),
                      Catch::Contains("zero"));
    CHECK_THROWS_AS(V::from_values(std::span<const float>(nan_re), std::span<const float>(im)),
                    hdc::non_finite_value);
    const std::span<const float> short_im(im.data(), 1);
    CHECK_THROWS_AS(V::from_values(std::span<const float>(re), short_im), hdc::invalid_parameter);

    CHECK_THROWS_AS(a.at(100), hdc::invalid_parameter);
    CHECK(a.at(99) == a[99]);
}

TEST_CASE("phasor kernels: complex products and dots match std::complex") {
    hdc::rng gen{13};
    const std::size_t n = 37;  // not a multiple of the lane count
    const auto a = hdc::phasor<>::random(gen, n);
    const auto b = hdc::phasor<>::random(gen, n);
    std::vector<float> pr(n), pi(n), cr(n), ci(n);
    hdc::simd::complex_multiply(a.re_data(), a.im_data(), b.re_data(), b.im_data(), pr.data(),
                                pi.data(), n);
    hdc::simd::complex_multiply_conj(a.re_data(), a.im_data(), b.re_data(), b.im_data(), cr.data(),
                                     ci.data(), n);
    std::complex<double> ref_dot = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::complex<double> x(a[i]), y(b[i]);
        CHECK(std::abs(std::complex<double>(pr[i], pi[i]) - x * y) < 1e-7);
        CHECK(std::abs(std::complex<double>(cr[i], ci[i]) - x * std::conj(y)) < 1e-7);
        ref_dot += x * std::conj(y);
    }
    const auto d = hdc::simd::complex_dot(a.re_data(), a.im_data(), b.re_data(), b.im_data(), n);
    CHECK(std::abs(d - ref_dot) < 1e-12);
    CHECK(hdc::simd::complex_dot_real(a.re_data(), a.im_data(), b.re_data(), b.im_data(), n) ==
          d.real());
}
