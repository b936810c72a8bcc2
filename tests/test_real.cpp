// Tests of hdc/models/real.hpp: MAP-C vectors (float and double) and their summing accumulator.
#include <hdc/core/algebra.hpp>
#include <hdc/models/real.hpp>

#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

using hdc_test::max_abs_diff;
using hdc_test::random_atoms;

constexpr std::size_t dim = 1001;        // general tests: not a multiple of 8 or 64 (kernel tails)
constexpr std::size_t stat_dim = 10000;  // statistics of the components
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// Moments of the atoms' components, uniform on [-1, 1]: E[a^2] = 1/3, E[a^4] = 1/5.
constexpr double second_moment = 1.0 / 3.0;
constexpr double fourth_moment = 1.0 / 5.0;

}  // namespace

#define HDC_REAL_TYPES                                                                      \
    (hdc::real<dim, float>), (hdc::real<hdc::dynamic, float>), (hdc::real<dim, double>), \
        (hdc::real<hdc::dynamic, double>)
#define HDC_REAL_STAT_TYPES                                                                       \
    (hdc::real<stat_dim, float>), (hdc::real<hdc::dynamic, float>), (hdc::real<stat_dim, double>), \
        (hdc::real<hdc::dynamic, double>)

TEST_CASE("real: construction gives the zero vector, the default is real<dynamic, float>") {
    STATIC_REQUIRE(std::is_same_v<hdc::real<>, hdc::real<hdc::dynamic, float>>);
    const hdc::real<dim> f;
    CHECK(f.dim() == dim);
    for (auto x : f.values()) CHECK(x == 0.0f);
    CHECK(norm(f) == 0.0);
    const hdc::real<> empty;
    CHECK(empty.dim() == 0);
    CHECK(permute(empty, 3) == empty);
    hdc::rng gen{1};
    CHECK_THROWS_AS(hdc::real<>::random(gen), hdc::invalid_dimension);  // dimension forgotten
}

TEMPLATE_TEST_CASE("real: random components are uniform_signed draws rounded to T", "",
                   HDC_REAL_STAT_TYPES) {
    using T = typename TestType::value_type;
    hdc::rng gen{3}, ref{3};
    const auto v = hdc::random<TestType>(gen, stat_dim);
    ref.discard(stat_dim);
    CHECK(gen == ref);  // one draw per component
    hdc::rng replay{3};
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < stat_dim; ++i) {
        REQUIRE(v[i] == static_cast<T>(replay.uniform_signed()));
        REQUIRE(v[i] >= T(-1));
        REQUIRE(v[i] <= T(1));
        sum += v[i];
        sum2 += static_cast<double>(v[i]) * v[i];
    }
    for (std::size_t i = stat_dim; i < v.padded_size(); ++i) REQUIRE(v.data()[i] == T(0));
    const double n = static_cast<double>(stat_dim);
    CHECK(std::abs(sum / n) < 4 * std::sqrt(second_moment / n));
    CHECK(std::abs(sum2 / n - second_moment) <
          4 * std::sqrt((fourth_moment - second_moment * second_moment) / n));
}

TEST_CASE("real: float and double atoms from the same generator agree up to rounding") {
    hdc::rng g1{4}, g2{4};
    const auto f = hdc::random<hdc::real<dim, float>>(g1);
    const auto d = hdc::random<hdc::real<dim, double>>(g2);
    for (std::size_t i = 0; i < dim; ++i) REQUIRE(f[i] == static_cast<float>(d[i]));
}

TEMPLATE_TEST_CASE("real: binding is commutative, associative with the ones vector as identity",
                   "", HDC_REAL_TYPES) {
    using T = typename TestType::value_type;
    hdc::rng gen{11};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim);
    const auto ones = TestType::from_values(std::vector<T>(dim, T(1)), dim);
    const auto ab = bind(a, b);
    CHECK(ab == bind(b, a));
    CHECK(bind(a, ones) == a);
    for (std::size_t i = 0; i < dim; ++i) REQUIRE(ab[i] == a[i] * b[i]);
    // unbind is the product again (approximate inverse): exactly a * a * b.
    CHECK(unbind(ab, a) == bind(ab, a));
}

TEMPLATE_TEST_CASE("real: raw measures agree with each other", "", HDC_REAL_TYPES) {
    using T = typename TestType::value_type;
    const auto a = TestType::from_values(std::vector<T>(dim, T(0.5)), dim);
    const auto b = TestType::from_values(std::vector<T>(dim, T(-2)), dim);
    CHECK(dot(a, b) == -1.0 * static_cast<double>(dim));
    CHECK(norm(a) == Approx(0.5 * std::sqrt(static_cast<double>(dim))));
    CHECK(cosine(a, b) == Approx(-1.0));
    CHECK(similarity(a, a) == Approx(1.0));
    CHECK(cosine(a, TestType(dim)) == 0.0);  // zero vector: defined as 0
    hdc::rng gen{13};
    const auto x = hdc::random<TestType>(gen, dim), y = hdc::random<TestType>(gen, dim);
    double d = 0, nx = 0, ny = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        d += static_cast<double>(x[i]) * y[i];
        nx += static_cast<double>(x[i]) * x[i];
        ny += static_cast<double>(y[i]) * y[i];
    }
    CHECK(dot(x, y) == Approx(d).epsilon(1e-12));
    CHECK(norm(x) == Approx(std::sqrt(nx)).epsilon(1e-12));
    CHECK(similarity(x, y) == Approx(d / std::sqrt(nx * ny)).epsilon(1e-12));
    CHECK(similarity(x, y) == cosine(x, y));
}

TEMPLATE_TEST_CASE("real: result is the rounded sum, result_clipped the MAP-C clipped sum", "",
                   HDC_REAL_TYPES) {
    using T = typename TestType::value_type;
    hdc::rng gen{32};
    const auto atoms = random_atoms<TestType>(gen, 5, dim);
    hdc::accumulator<TestType> acc(dim);
    for (const auto& x : atoms) acc.add(x);
    const auto sums = acc.sums();
    const auto r = acc.result(), c = acc.result_clipped(), c2 = acc.result_clipped(0.25);
    std::size_t clipped = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        REQUIRE(r[i] == static_cast<T>(sums[i]));
        REQUIRE(c[i] == static_cast<T>(std::clamp(sums[i], -1.0, 1.0)));
        REQUIRE(c2[i] == static_cast<T>(std::clamp(sums[i], -0.25, 0.25)));
        clipped += std::abs(sums[i]) > 1.0;
    }
    CHECK(clipped > 0);
    CHECK(r == hdc::bundle(atoms));
    // Clipping acts position by position, so it commutes with permutation.
    hdc::accumulator<TestType> permuted(dim);
    for (const auto& x : atoms) permuted.add(permute(x, -123));
    CHECK(permute(c2, -123) == permuted.result_clipped(0.25));
    CHECK_THROWS_AS(acc.result_clipped(0.0), hdc::invalid_parameter);
    CHECK_THROWS_WITH(acc.result_clipped(-1.0), Catch::Contains("bound"));
    CHECK_THROWS_AS(acc.result_clipped(not_a_number), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.result_clipped(infinity), hdc::non_finite_value);
}

TEMPLATE_TEST_CASE("real accumulator: any finite weight, the empty result is the zero vector", "",
                   HDC_REAL_TYPES) {
    hdc::rng gen{61};
    const auto atoms = random_atoms<TestType>(gen, 7, dim);
    using acc_type = hdc::accumulator<TestType>;
    // Sums of a few numbers of magnitude <= 1 in another order differ by a few ulp at most.
    const double tolerance = 1e-12;

    SECTION("a weight of 3 equals three adds; any finite weight is allowed") {
        acc_type weighted(dim), repeated(dim);
        weighted.add(atoms[0], 3);
        for (int i = 0; i < 3; ++i) repeated.add(atoms[0]);
        CHECK(max_abs_diff(weighted.sums(), repeated.sums()) < tolerance);
        CHECK(weighted.count() == 3.0);
        acc_type half(dim);
        half.add(atoms[1], 0.5);
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(half.sums()[i] == 0.5 * atoms[1][i]);
        CHECK(half.count() == 0.5);
        CHECK_THROWS_WITH(weighted.add(atoms[2], -infinity), Catch::Contains("weight"));
    }
    SECTION("a cleared accumulator has dot 0 and the zero vector as result") {
        acc_type acc(dim);
        acc.add(atoms[0]);
        acc.clear();
        CHECK(dot(acc, atoms[0]) == 0.0);
        CHECK(acc.result() == TestType(dim));
    }
}

TEST_CASE("real: bad input to the real-only API throws and names the problem") {
    using V = hdc::real<>;
    hdc::rng gen{71};
    const auto a = V::random(gen, dim), b = V::random(gen, dim - 1);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(cosine(a, b), hdc::dimension_mismatch);
    hdc::real_accumulator<hdc::dynamic, float> acc(dim);
    acc.add(a);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);

    const std::vector<float> good{0.5f, -1.5f, 3.0f};
    const auto v = V::from_values(good);
    CHECK(v.dim() == 3);
    CHECK(std::ranges::equal(v.values(), good));
    CHECK_THROWS_AS(V::from_values(std::vector<float>{1.0f, std::nanf(""), 0.0f}),
                    hdc::non_finite_value);
    CHECK_THROWS_WITH(V::from_values(std::vector<float>{std::numeric_limits<float>::infinity()}),
                      Catch::Contains("from_values") && Catch::Contains("finite"));
    CHECK_THROWS_AS((hdc::real<2, double>::from_values(std::vector<double>{1.0, not_a_number})),
                    hdc::non_finite_value);
    CHECK_THROWS_AS(V::from_values(good, 4), hdc::invalid_parameter);
    CHECK_THROWS_AS(V::from_values(std::vector<float>{}), hdc::invalid_dimension);

    auto w = v;
    w.set(1, 2.0f);
    CHECK(w[1] == 2.0f);
    CHECK_THROWS_AS(w.set(3, 1.0f), hdc::invalid_parameter);
    CHECK_THROWS_AS(w.set(0, std::nanf("")), hdc::non_finite_value);
    CHECK(w[0] == 0.5f);
}
