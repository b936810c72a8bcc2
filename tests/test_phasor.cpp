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

static_assert(hdc::hypervector<hdc::phasor<10000>>);
static_assert(hdc::hypervector<hdc::phasor<hdc::dynamic>>);
static_assert(hdc::hypervector<hdc::phasor<7>>);
static_assert(hdc::hypervector<hdc::phasor<>>);
static_assert(hdc::accumulator_of<hdc::phasor_accumulator<64>, hdc::phasor<64>>);

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

TEMPLATE_TEST_CASE("phasor: unbind inverts bind; the identity is all ones", "[phasor]",
                   PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{1};
    const auto a = TestType::random(gen, d);
    const auto b = TestType::random(gen, d);
    const auto c = bind(a, b);
    const auto back = unbind(c, a);
    CHECK(max_component_error(back, b) < 1e-5);
    CHECK(similarity(back, b) > 0.9999);
    CHECK(max_component_error(unbind(c, b), a) < 1e-5);
    CHECK(bind(a, b) == bind(b, a));
    // Binding is dissimilar to its operands.
    const double sigma = 1 / std::sqrt(2.0 * static_cast<double>(d));
    CHECK(std::abs(similarity(c, a)) < 4 * sigma);
    CHECK(std::abs(similarity(c, b)) < 4 * sigma);
    // (1, 0) is the exact identity; a * conj(a) is 1.
    const TestType one(d);
    CHECK(bind(a, one) == a);
    CHECK(unbind(a, one) == a);
    CHECK(max_component_error(unbind(a, a), one) < 1e-6);
    CHECK(similarity(a, a) == Approx(1.0).epsilon(1e-6));
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

TEMPLATE_TEST_CASE("phasor: permute(-k) inverts permute(k) and it distributes over bind and bundle",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{4};
    const auto a = TestType::random(gen, d);
    const auto b = TestType::random(gen, d);
    const auto c = TestType::random(gen, d);
    for (std::ptrdiff_t k : {std::ptrdiff_t{1}, std::ptrdiff_t{-3}, std::ptrdiff_t{777},
                             static_cast<std::ptrdiff_t>(d) + 5}) {
        CHECK(permute(permute(a, k), -k) == a);
        CHECK(permute(bind(a, b), k) == bind(permute(a, k), permute(b, k)));
        CHECK(permute(hdc::bundle({a, b, c}), k) ==
              hdc::bundle({permute(a, k), permute(b, k), permute(c, k)}));
    }
    CHECK(permute(a, 0) == a);
    CHECK(permute(a, static_cast<std::ptrdiff_t>(d)) == a);
    const auto p = permute(a, 1);
    CHECK(p[1] == a[0]);
    CHECK(p[0] == a[d - 1]);
    CHECK(std::abs(similarity(p, a)) < 4 / std::sqrt(2.0 * static_cast<double>(d)));
}

TEMPLATE_TEST_CASE("phasor: random pairs are quasi-orthogonal (mean 0, std 1/sqrt(2D))",
                   "[phasor][statistics]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    const int pairs = 200;
    hdc::rng gen{5};
    std::vector<double> sims;
    for (int k = 0; k < pairs; ++k) {
        const auto a = TestType::random(gen, d);
        const auto b = TestType::random(gen, d);
        sims.push_back(similarity(a, b));
    }
    double mean = 0;
    for (double s : sims) mean += s;
    mean /= pairs;
    double var = 0;
    for (double s : sims) var += (s - mean) * (s - mean);
    const double sd = std::sqrt(var / (pairs - 1));
    // similarity = mean of D i.i.d. cos(uniform angle): E = 0, Var = E[cos^2] / D = 1 / (2D);
    // nearly normal, so the sample std has standard error sigma / sqrt(2 n).
    const double sigma = 1 / std::sqrt(2.0 * static_cast<double>(d));
    CHECK(std::abs(mean) < 4 * sigma / std::sqrt(double(pairs)));
    CHECK(std::abs(sd - sigma) < 4 * sigma / std::sqrt(2.0 * pairs));
}

TEMPLATE_TEST_CASE("phasor: similarity of a sum of M items to a member is about 1/sqrt(M)",
                   "[phasor][statistics]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    const int m = 10, trials = 20;
    hdc::rng gen{6};
    double mean = 0;
    for (int t = 0; t < trials; ++t) {
        hdc::accumulator<TestType> acc(d);
        TestType first;
        for (int k = 0; k < m; ++k) {
            const auto v = TestType::random(gen, d);
            if (k == 0) first = v;
            acc.add(v);
        }
        mean += similarity(acc, first);
    }
    mean /= trials;
    // sim = X / sqrt(D Y), X = Re<S, a> = D + sum of M-1 terms of variance D/2,
    // Y = ||S||^2 = M D + 2 sum_{k<l} Re<a_k, a_l>: Var Y = M (M-1) D, Cov(X, Y) = (M-1) D.
    // Delta method: Var(sim) / sim^2 = (M-1)/D * (1/2 - 3/(4M)).
    const double md = m, dd = static_cast<double>(d);
    const double expected = 1 / std::sqrt(md);
    const double sd = expected * std::sqrt((md - 1) / dd * (0.5 - 0.75 / md));
    CHECK(std::abs(mean - expected) < 4 * sd / std::sqrt(double(trials)));
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

TEMPLATE_TEST_CASE("phasor: symbols are deterministic and fixed / dynamic dimensions agree",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    const auto a1 = hdc::symbol<TestType>("apple", 42, d);
    const auto a2 = hdc::symbol<TestType>("apple", 42, d);
    CHECK(a1 == a2);
    CHECK_FALSE(a1 == hdc::symbol<TestType>("apples", 42, d));
    CHECK_FALSE(a1 == hdc::symbol<TestType>("apple", 43, d));
    hdc::rng symbol_stream =
        hdc::rng::from_key(hdc::detail::symbol_key(hdc::detail::hash_name("apple"), 42));
    CHECK(hdc::symbol<hdc::phasor<10000>>("apple", 42) ==
          hdc::phasor<10000>::random(symbol_stream));
    const auto fixed = hdc::symbol<hdc::phasor<10000>>("pear", 9);
    const auto dyn = hdc::symbol<hdc::phasor<hdc::dynamic>>("pear", 9, 10000);
    for (std::size_t i = 0; i < d; ++i) {
        REQUIRE(fixed.re()[i] == dyn.re()[i]);
        REQUIRE(fixed.im()[i] == dyn.im()[i]);
    }
    hdc::rng g1{77}, g2{77};
    const auto r1 = hdc::random<hdc::phasor<10000>>(g1);
    const auto r2 = hdc::random<hdc::phasor<hdc::dynamic>>(g2, 10000);
    CHECK(std::equal(r1.re().begin(), r1.re().end(), r2.re().begin()));
    CHECK(std::equal(r1.im().begin(), r1.im().end(), r2.im().begin()));
}

TEMPLATE_TEST_CASE("phasor accumulator: merge equals adding everything to one, subtract undoes add",
                   "[phasor]", PHASOR_TYPES) {
    const std::size_t d = test_dim<TestType>();
    hdc::rng gen{9};
    std::vector<TestType> xs;
    for (int k = 0; k < 6; ++k) xs.push_back(TestType::random(gen, d));

    hdc::accumulator<TestType> all(d), left(d), right(d);
    for (int k = 0; k < 6; ++k) {
        all.add(xs[k], 0.5 + k);
        (k < 3 ? left : right).add(xs[k], 0.5 + k);
    }
    left.merge(right);
    CHECK(left.count() == all.count());
    double worst = 0;
    for (std::size_t i = 0; i < d; ++i) worst = std::fmax(worst, std::abs(left[i] - all[i]));
    CHECK(worst < 1e-12);
    CHECK(max_component_error(left.result(), all.result()) < 1e-6);

    hdc::accumulator<TestType> acc(d), ref(d);
    acc.add(xs[0]);
    acc.add(xs[1]);
    ref.add(xs[0]);
    acc.add(xs[2]);
    acc.subtract(xs[2]);
    acc.subtract(xs[1]);
    CHECK(acc.count() == 1.0);
    worst = 0;
    for (std::size_t i = 0; i < d; ++i) worst = std::fmax(worst, std::abs(acc[i] - ref[i]));
    CHECK(worst < 1e-12);
    CHECK(max_component_error(acc.result(), xs[0]) < 1e-6);

    acc.clear();
    CHECK(acc.count() == 0.0);
    CHECK(similarity(acc, xs[0]) == 0.0);
    CHECK(dot(acc, xs[0]) == std::complex<double>(0, 0));
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

TEST_CASE("phasor: bad input is rejected with a named error") {
    using V = hdc::phasor<hdc::dynamic>;
    hdc::rng gen{12};
    const auto a = V::random(gen, 100);
    const auto b = V::random(gen, 101);
    CHECK_THROWS_AS(bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(bind(a, b), Catch::Contains("bind") && Catch::Contains("100") &&
                                      Catch::Contains("101"));
    CHECK_THROWS_AS(unbind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    hdc::accumulator<V> acc(100), other(101);
    CHECK_THROWS_AS(acc.add(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.merge(other), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);

    CHECK_THROWS_AS(V(0), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::phasor<64>(65), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::accumulator<V>(0), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::bundle(std::vector<V>{}), hdc::empty_input);

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

    CHECK_THROWS_AS(acc.add(a, std::numeric_limits<double>::quiet_NaN()), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.add(a, std::numeric_limits<double>::infinity()), hdc::non_finite_value);
    CHECK(acc.count() == 0.0);  // state untouched by the failed calls
    CHECK(similarity(acc, a) == 0.0);
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
