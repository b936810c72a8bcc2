// Tests of hdc/models/real.hpp: MAP-C vectors (float and double) and their summing accumulator.
#include <hdc/core/algebra.hpp>
#include <hdc/models/real.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

constexpr std::size_t dim = 1001;        // general tests: not a multiple of 8 or 64 (kernel tails)
constexpr std::size_t stat_dim = 10000;  // statistical tests
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// Moments of the atoms' components, uniform on [-1, 1]: E[a^2] = 1/3, E[a^4] = 1/5.
constexpr double second_moment = 1.0 / 3.0;
constexpr double fourth_moment = 1.0 / 5.0;
constexpr double kurtosis = fourth_moment / (second_moment * second_moment);  // 9/5

/// Standard deviation of cos(sum of M i.i.d. atoms, one of them) at dimension n, by the delta
/// method on the per-component terms u = a^2, v = a r, w = r^2 (r = sum of the other M - 1,
/// all uncorrelated), for atoms with kurtosis kappa = E[a^4] / E[a^2]^2:
/// n Var = (M-1) / (4 M^3) * ((M-1)(kappa-1) + 4 (M-1)^2 + kappa + 2M - 5).
double sum_member_cos_sd(int m, double kappa, std::size_t n) {
    const double mm = m;
    const double var = (mm - 1) / (4 * mm * mm * mm) *
                       ((mm - 1) * (kappa - 1) + 4 * (mm - 1) * (mm - 1) + kappa + 2 * mm - 5);
    return std::sqrt(var / static_cast<double>(n));
}

/// cos(unbind(bind(a, b), a), b) = cos(a^2 b, b) = X / sqrt(Y Z) with per-component terms
/// x = a^2 b^2, y = a^4 b^2, z = b^2. Its limit is E[a^2] / sqrt(E[a^4]) = sqrt(5)/3, and by the
/// delta method (moments E[a^2k] = 1/(2k+1)) its variance is (32/315) / n.
const double unbind_cos_mean = second_moment / std::sqrt(fourth_moment);
double unbind_cos_sd(std::size_t n) { return std::sqrt(32.0 / 315.0 / static_cast<double>(n)); }

template <class V>
std::vector<V> random_atoms(hdc::rng& gen, int count, std::size_t n) {
    std::vector<V> atoms;
    for (int i = 0; i < count; ++i) atoms.push_back(hdc::random<V>(gen, n));
    return atoms;
}

template <class A, class B>
bool same_values(const A& a, const B& b) {
    const auto x = a.values(), y = b.values();
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin());
}

/// Largest |x_i - y_i| over two equally long ranges.
template <class X, class Y>
double max_abs_diff(const X& x, const Y& y) {
    REQUIRE(x.size() == y.size());
    double m = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        m = std::max(m, std::abs(static_cast<double>(x[i]) - static_cast<double>(y[i])));
    return m;
}

template <class V>
using dynamic_of = hdc::real<hdc::dynamic, typename V::value_type>;

}  // namespace

#define HDC_REAL_TYPES                                                                      \
    (hdc::real<dim, float>), (hdc::real<hdc::dynamic, float>), (hdc::real<dim, double>), \
        (hdc::real<hdc::dynamic, double>)
#define HDC_REAL_STAT_TYPES                                                                       \
    (hdc::real<stat_dim, float>), (hdc::real<hdc::dynamic, float>), (hdc::real<stat_dim, double>), \
        (hdc::real<hdc::dynamic, double>)

TEST_CASE("real: models the hypervector concept") {
    STATIC_REQUIRE(hdc::hypervector<hdc::real<1001>>);
    STATIC_REQUIRE(hdc::hypervector<hdc::real<hdc::dynamic>>);
    STATIC_REQUIRE(hdc::hypervector<hdc::real<1001, double>>);
    STATIC_REQUIRE(hdc::hypervector<hdc::real<hdc::dynamic, double>>);
    STATIC_REQUIRE(std::is_same_v<hdc::real<>, hdc::real<hdc::dynamic, float>>);
    STATIC_REQUIRE(std::is_same_v<hdc::accumulator<hdc::real<64, double>>,
                                  hdc::real_accumulator<64, double>>);
}

TEST_CASE("real: construction gives the zero vector, dimensions are validated") {
    const hdc::real<dim> f;
    CHECK(f.dim() == dim);
    for (auto x : f.values()) CHECK(x == 0.0f);
    CHECK(norm(f) == 0.0);
    const hdc::real<> empty;
    CHECK(empty.dim() == 0);
    CHECK(permute(empty, 3) == empty);
    CHECK_THROWS_AS(hdc::real<dim>(1000), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::real<>(0), hdc::invalid_dimension);
    hdc::rng gen{1};
    CHECK_THROWS_AS(hdc::real<>::random(gen), hdc::invalid_dimension);  // dimension forgotten
    CHECK_THROWS_AS((hdc::real_accumulator<hdc::dynamic, float>(0)), hdc::invalid_dimension);
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
    // The bound pair is unrelated to its parts: cos(a b, a) has mean 0 and variance
    // E[a^4 b^2] / (E[a^2 b^2] E[a^2]) / D = (1/15) / (1/27) / D = 1.8 / D.
    const double bound = 4.0 * std::sqrt(1.8 / static_cast<double>(dim));
    CHECK(std::abs(similarity(ab, a)) < bound);
    CHECK(std::abs(similarity(ab, b)) < bound);
}

TEMPLATE_TEST_CASE("real: unbinding recovers a vector similar to the bound one", "",
                   HDC_REAL_STAT_TYPES) {
    hdc::rng gen{12};
    const int trials = 10;
    double total = 0;
    for (int t = 0; t < trials; ++t) {
        const auto a = hdc::random<TestType>(gen, stat_dim);
        const auto b = hdc::random<TestType>(gen, stat_dim);
        const double c = similarity(unbind(bind(a, b), a), b);
        REQUIRE(c > 0.6);
        total += c;
    }
    const double se = unbind_cos_sd(stat_dim) / std::sqrt(static_cast<double>(trials));
    CHECK(unbind_cos_mean == Approx(0.745356).margin(1e-6));
    CHECK(std::abs(total / trials - unbind_cos_mean) < 4 * se);
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

TEMPLATE_TEST_CASE("real: permute is invertible and distributes over bind and bundle", "",
                   HDC_REAL_TYPES) {
    hdc::rng gen{14};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim),
               c = hdc::random<TestType>(gen, dim);
    const auto n = static_cast<std::ptrdiff_t>(dim);
    const std::vector<std::ptrdiff_t> shifts{0, 1, -1, 7, -123, n - 1, n, n + 5, -3 * n - 2};
    for (const std::ptrdiff_t k : shifts) {
        const auto p = permute(a, k);
        CHECK(permute(p, -k) == a);
        const std::size_t s = hdc::detail::shift_amount(k, dim);
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(p[(i + s) % dim] == a[i]);
        CHECK(permute(bind(a, b), k) == bind(permute(a, k), permute(b, k)));
        CHECK(permute(hdc::bundle({a, b, c}), k) ==
              hdc::bundle({permute(a, k), permute(b, k), permute(c, k)}));
        hdc::accumulator<TestType> acc(dim), pacc(dim);
        for (const auto* v : {&a, &b, &c}) {
            acc.add(*v, 0.75);
            pacc.add(permute(*v, k), 0.75);
        }
        CHECK(permute(acc.result_clipped(0.8), k) == pacc.result_clipped(0.8));
    }
    CHECK(std::abs(similarity(permute(a, 1), a)) < 4.0 / std::sqrt(static_cast<double>(dim)));
}

TEMPLATE_TEST_CASE("real: random pairs are quasi-orthogonal, cos ~ N(0, 1/D)", "",
                   HDC_REAL_STAT_TYPES) {
    hdc::rng gen{21};
    const int pairs = 200;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < pairs; ++i) {
        const auto a = hdc::random<TestType>(gen, stat_dim);
        const auto b = hdc::random<TestType>(gen, stat_dim);
        const double s = similarity(a, b);
        sum += s;
        sum2 += s * s;
    }
    const double sigma = 1.0 / std::sqrt(static_cast<double>(stat_dim));
    const double mean = sum / pairs;
    const double sd = std::sqrt((sum2 - pairs * mean * mean) / (pairs - 1));
    CHECK(std::abs(mean) < 4 * sigma / std::sqrt(static_cast<double>(pairs)));
    CHECK(std::abs(sd - sigma) < 4 * sigma / std::sqrt(2.0 * pairs));
}

TEMPLATE_TEST_CASE("real: the sum of M atoms has cosine 1/sqrt(M) with each member", "",
                   HDC_REAL_STAT_TYPES) {
    hdc::rng gen{31};
    const int m = 10, trials = 20;
    double total_result = 0, total_acc = 0;
    for (int t = 0; t < trials; ++t) {
        const auto atoms = random_atoms<TestType>(gen, m, stat_dim);
        hdc::accumulator<TestType> acc(stat_dim);
        for (const auto& x : atoms) acc.add(x);
        const auto& member = atoms[static_cast<std::size_t>(t % m)];
        total_result += similarity(hdc::bundle(atoms), member);
        total_acc += similarity(acc, member);
    }
    const double expected = 1.0 / std::sqrt(static_cast<double>(m));
    const double se =
        sum_member_cos_sd(m, kurtosis, stat_dim) / std::sqrt(static_cast<double>(trials));
    CHECK(std::abs(total_result / trials - expected) < 4 * se);
    CHECK(std::abs(total_acc / trials - expected) < 4 * se);
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
    CHECK_THROWS_AS(acc.result_clipped(0.0), hdc::invalid_parameter);
    CHECK_THROWS_WITH(acc.result_clipped(-1.0), Catch::Contains("bound"));
    CHECK_THROWS_AS(acc.result_clipped(not_a_number), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.result_clipped(infinity), hdc::non_finite_value);
}

TEST_CASE("real: symbols are deterministic and distinct") {
    using V = hdc::real<dim>;
    const auto a = hdc::symbol<V>("apple", 42);
    CHECK(a == hdc::symbol<V>("apple", 42));
    CHECK(same_values(a, hdc::symbol<hdc::real<>>("apple", 42, dim)));
    CHECK(a != hdc::symbol<V>("pear", 42));
    CHECK(a != hdc::symbol<V>("apple", 43));
    CHECK(hdc::symbol<V>(7, 42) == hdc::symbol<V>(7, 42));
    CHECK(hdc::symbol<V>(7, 42) != hdc::symbol<V>(8, 42));
}

TEMPLATE_TEST_CASE("real: fixed and dynamic dimensions give identical results", "",
                   (hdc::real<dim, float>), (hdc::real<dim, double>)) {
    using Dyn = dynamic_of<TestType>;
    hdc::rng gf{51}, gd{51};
    const auto af = hdc::random<TestType>(gf), bf = hdc::random<TestType>(gf),
               cf = hdc::random<TestType>(gf);
    const auto ad = hdc::random<Dyn>(gd, dim), bd = hdc::random<Dyn>(gd, dim),
               cd = hdc::random<Dyn>(gd, dim);
    CHECK(same_values(af, ad));
    CHECK(same_values(cf, cd));
    CHECK(same_values(bind(af, bf), bind(ad, bd)));
    CHECK(same_values(unbind(af, bf), unbind(ad, bd)));
    CHECK(same_values(permute(af, -17), permute(ad, -17)));
    CHECK(same_values(hdc::bundle({af, bf, cf}), hdc::bundle({ad, bd, cd})));
    CHECK(dot(af, bf) == dot(ad, bd));
    CHECK(similarity(af, bf) == similarity(ad, bd));
    hdc::accumulator<TestType> accf;
    hdc::accumulator<Dyn> accd(dim);
    accf.add(af, 0.3);
    accf.add(bf);
    accd.add(ad, 0.3);
    accd.add(bd);
    CHECK(std::ranges::equal(accf.sums(), accd.sums()));
    CHECK(same_values(accf.result_clipped(), accd.result_clipped()));
    CHECK(similarity(accf, cf) == similarity(accd, cd));
}

TEMPLATE_TEST_CASE("real accumulator: merge, subtract, weights and clear", "", HDC_REAL_TYPES) {
    using T = typename TestType::value_type;
    hdc::rng gen{61};
    const auto atoms = random_atoms<TestType>(gen, 7, dim);
    using acc_type = hdc::accumulator<TestType>;
    // Sums of a few numbers of magnitude <= 1 in another order differ by a few ulp at most.
    const double tolerance = 1e-12;

    SECTION("merging equals adding everything to one accumulator") {
        acc_type all(dim), first(dim), second(dim);
        for (std::size_t i = 0; i < atoms.size(); ++i) {
            all.add(atoms[i]);
            (i < 3 ? first : second).add(atoms[i]);
        }
        first.merge(second);
        CHECK(max_abs_diff(first.sums(), all.sums()) < tolerance);
        CHECK(first.count() == all.count());
        CHECK(first.count() == 7.0);
        CHECK(max_abs_diff(first.result().values(), all.result().values()) <
              (std::is_same_v<T, float> ? 1e-6 : tolerance));
    }
    SECTION("subtract undoes add") {
        acc_type acc(dim);
        for (int i = 0; i < 3; ++i) acc.add(atoms[static_cast<std::size_t>(i)]);
        const acc_type before = acc;
        acc.add(atoms[5]);
        CHECK(max_abs_diff(acc.sums(), before.sums()) > 0.1);
        acc.subtract(atoms[5]);
        CHECK(max_abs_diff(acc.sums(), before.sums()) < tolerance);
        CHECK(acc.count() == before.count());
    }
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
        const acc_type before = weighted;
        CHECK_THROWS_AS(weighted.add(atoms[2], not_a_number), hdc::non_finite_value);
        CHECK_THROWS_WITH(weighted.add(atoms[2], -infinity), Catch::Contains("weight"));
        CHECK(std::ranges::equal(weighted.sums(), before.sums()));
        CHECK(weighted.count() == before.count());
    }
    SECTION("clear forgets everything; an empty accumulator has similarity 0") {
        acc_type acc(dim);
        acc.add(atoms[0]);
        acc.clear();
        CHECK(acc.count() == 0.0);
        for (auto s : acc.sums()) CHECK(s == 0.0);
        CHECK(similarity(acc, atoms[0]) == 0.0);
        CHECK(dot(acc, atoms[0]) == 0.0);
        CHECK(acc.result() == TestType(dim));
    }
}

TEST_CASE("real: bad input throws and names the problem") {
    using V = hdc::real<>;
    hdc::rng gen{71};
    const auto a = V::random(gen, dim), b = V::random(gen, dim - 1);
    CHECK_THROWS_AS(bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(bind(a, b), Catch::Contains("dimension mismatch") && Catch::Contains("bind"));
    CHECK_THROWS_AS(unbind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(cosine(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(similarity(a, b), Catch::Contains("dimension mismatch"));
    CHECK_THROWS_AS(hdc::bundle({a, b}), hdc::dimension_mismatch);

    hdc::real_accumulator<hdc::dynamic, float> acc(dim), other(dim - 1);
    acc.add(a);
    const auto before = acc;
    CHECK_THROWS_WITH(acc.add(b), Catch::Contains("dimension mismatch"));
    CHECK_THROWS_AS(acc.add(b, 2.0), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.subtract(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.merge(other), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, b), hdc::dimension_mismatch);
    CHECK(std::ranges::equal(acc.sums(), before.sums()));
    CHECK(acc.count() == 1.0);

    CHECK_THROWS_AS(hdc::bundle(std::vector<V>{}), hdc::empty_input);
    CHECK_THROWS_AS(hdc::bundle(std::vector<hdc::real<dim, double>>{}), hdc::empty_input);

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
