// Tests of hdc/models/bipolar.hpp: MAP-B vectors, their MAP-I accumulator, and the agreement of
// both with the binary (BSC) model they are isomorphic to.
#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

using fixed_vector = hdc::bipolar<1001>;
using dynamic_vector = hdc::bipolar<hdc::dynamic>;
constexpr std::size_t dim = 1001;        // general tests: not a multiple of 8 or 64 (kernel tails)
constexpr std::size_t stat_dim = 10000;  // statistical tests

/// mu_M = C(M-1, (M-1)/2) / 2^(M-1), as prod_{j=1}^{k} (k + j) / (4 j) with k = (M-1)/2.
double majority_mu(int m) {
    double mu = 1.0;
    const int k = (m - 1) / 2;
    for (int j = 1; j <= k; ++j) mu *= static_cast<double>(k + j) / (4.0 * j);
    return mu;
}

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

}  // namespace

TEST_CASE("bipolar: models the hypervector concept") {
    STATIC_REQUIRE(hdc::hypervector<hdc::bipolar<1001>>);
    STATIC_REQUIRE(hdc::hypervector<hdc::bipolar<hdc::dynamic>>);
    STATIC_REQUIRE(hdc::accumulator_of<hdc::bipolar_accumulator<64>, hdc::bipolar<64>>);
    STATIC_REQUIRE(
        std::is_same_v<hdc::accumulator<hdc::bipolar<64>>, hdc::bipolar_accumulator<64>>);
}

TEST_CASE("bipolar: construction gives the all +1 identity, dimensions are validated") {
    const fixed_vector f;
    CHECK(f.dim() == dim);
    for (auto x : f.values()) CHECK(x == 1);
    const dynamic_vector empty;
    CHECK(empty.dim() == 0);
    CHECK(permute(empty, 3) == empty);
    const dynamic_vector d(dim);
    CHECK(same_values(f, d));
    CHECK_THROWS_AS(fixed_vector(1000), hdc::invalid_dimension);
    CHECK_THROWS_AS(dynamic_vector(0), hdc::invalid_dimension);
    hdc::rng gen{1};
    CHECK_THROWS_AS(dynamic_vector::random(gen), hdc::invalid_dimension);  // dimension forgotten
    CHECK_THROWS_AS(hdc::bipolar_accumulator<hdc::dynamic>(0), hdc::invalid_dimension);
}

TEMPLATE_TEST_CASE("bipolar: random is the bipolar image of binary::random for the same generator",
                   "", fixed_vector, dynamic_vector) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        hdc::rng g_bipolar{seed}, g_binary{seed};
        const auto v = TestType::random(g_bipolar, dim);
        const auto b = hdc::binary<hdc::dynamic>::random(g_binary, dim);
        CHECK(g_bipolar == g_binary);  // the generator was consumed identically
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(v[i] == (b[i] ? -1 : 1));
        for (std::size_t i = dim; i < v.padded_size(); ++i) REQUIRE(v.data()[i] == 0);
    }
    for (std::size_t n : {1u, 63u, 64u, 65u, 128u}) {
        hdc::rng g1{7}, g2{7};
        const auto v = dynamic_vector::random(g1, n);
        const auto b = hdc::binary<hdc::dynamic>::random(g2, n);
        CHECK(g1 == g2);
        for (std::size_t i = 0; i < n; ++i) REQUIRE(v[i] == (b[i] ? -1 : 1));
    }
}

TEMPLATE_TEST_CASE("bipolar: bundles are the images of binary bundles, ties included", "",
                   fixed_vector, dynamic_vector) {
    for (int m : {1, 2, 3, 4, 7}) {
        hdc::rng g1{100 + static_cast<std::uint64_t>(m)}, g2 = g1;
        const auto atoms = random_atoms<TestType>(g1, m, dim);
        const auto bits = random_atoms<hdc::binary<hdc::dynamic>>(g2, m, dim);
        const auto v = hdc::bundle(atoms);
        const auto b = hdc::bundle(bits);
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(v[i] == (b[i] ? -1 : 1));
    }
}

TEMPLATE_TEST_CASE("bipolar: an even bundle takes the tie-break vector where the votes tie", "",
                   fixed_vector, dynamic_vector) {
    hdc::rng gen{5};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim);
    const auto tie = hdc::symbol<TestType>(hdc::detail::tie_break_name,
                                           hdc::detail::tie_break_seed, dim);
    const auto r = hdc::bundle({a, b});
    std::size_t ties = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        if (a[i] == b[i]) {
            REQUIRE(r[i] == a[i]);
        } else {
            REQUIRE(r[i] == tie[i]);
            ++ties;
        }
    }
    CHECK(ties > 0);
}

TEMPLATE_TEST_CASE("bipolar: binding is exact, self-inverse, commutative and dissimilar", "",
                   fixed_vector, dynamic_vector) {
    hdc::rng gen{11};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim),
               c = hdc::random<TestType>(gen, dim);
    const TestType identity(dim);
    const auto ab = bind(a, b);
    CHECK(unbind(ab, a) == b);
    CHECK(unbind(ab, b) == a);
    CHECK(ab == bind(b, a));
    CHECK(bind(a, a) == identity);
    CHECK(bind(a, identity) == a);
    CHECK(bind(bind(a, b), c) == bind(a, bind(b, c)));
    // Binding with the same key preserves similarity exactly.
    CHECK(similarity(bind(c, a), bind(c, b)) == similarity(a, b));
    // The bound pair is unrelated to its parts: |cos| within 4 standard deviations (1/sqrt(D)).
    const double bound = 4.0 / std::sqrt(static_cast<double>(dim));
    CHECK(std::abs(similarity(ab, a)) < bound);
    CHECK(std::abs(similarity(ab, b)) < bound);
    for (std::size_t i = 0; i < dim; ++i) REQUIRE(ab[i] == a[i] * b[i]);
}

TEMPLATE_TEST_CASE("bipolar: raw measures agree with each other", "", fixed_vector,
                   dynamic_vector) {
    hdc::rng gen{12};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim);
    std::int64_t d = 0;
    std::size_t h = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        d += a[i] * b[i];
        h += a[i] != b[i];
    }
    CHECK(dot(a, b) == d);
    CHECK(hamming(a, b) == h);
    CHECK(dot(a, b) == static_cast<std::int64_t>(dim) - 2 * static_cast<std::int64_t>(h));
    CHECK(cosine(a, b) == Approx(static_cast<double>(d) / static_cast<double>(dim)));
    CHECK(similarity(a, b) == cosine(a, b));
    CHECK(similarity(a, a) == 1.0);
    CHECK(dot(a, a) == static_cast<std::int64_t>(dim));
    CHECK(similarity(a, bind(a, TestType::from_values(std::vector<std::int8_t>(dim, -1), dim))) ==
          -1.0);
}

TEMPLATE_TEST_CASE("bipolar: permute is invertible and distributes over bind and bundle", "",
                   fixed_vector, dynamic_vector) {
    hdc::rng gen{13};
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
        // Odd bundle: no ties, so the (unpermuted) tie-break vector plays no part.
        CHECK(permute(hdc::bundle({a, b, c}), k) ==
              hdc::bundle({permute(a, k), permute(b, k), permute(c, k)}));
    }
    CHECK(permute(permute(a, 3), 4) == permute(a, 7));
    CHECK(std::abs(similarity(permute(a, 1), a)) < 4.0 / std::sqrt(static_cast<double>(dim)));
}

TEMPLATE_TEST_CASE("bipolar: random pairs are quasi-orthogonal, cos ~ N(0, 1/D)", "",
                   hdc::bipolar<stat_dim>, dynamic_vector) {
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

TEMPLATE_TEST_CASE("bipolar: the majority of M atoms has similarity mu_M to each member", "",
                   hdc::bipolar<stat_dim>, dynamic_vector) {
    hdc::rng gen{31};
    const int trials = 4;
    for (int m : {3, 11, 31, 101}) {
        const double mu = majority_mu(m);
        double total = 0;
        for (int t = 0; t < trials; ++t) {
            const auto atoms = random_atoms<TestType>(gen, m, stat_dim);
            const auto r = hdc::bundle(atoms);
            for (const auto& x : atoms) total += similarity(r, x);
        }
        // The mean over all members of one bundle is the mean over positions of |S_i| / M
        // (S_i = sum of M signs); E[(|S|/M)^2] = 1/M, so its variance is (1/M - mu^2) / D.
        const double se = std::sqrt((1.0 / m - mu * mu) / (static_cast<double>(stat_dim) * trials));
        INFO("M = " << m << ", mu_M = " << mu);
        CHECK(std::abs(total / (m * trials) - mu) < 4 * se);
    }
    CHECK(majority_mu(3) == Approx(0.5));
    CHECK(majority_mu(11) == Approx(0.2461).margin(1e-4));
    CHECK(majority_mu(31) == Approx(0.1445).margin(1e-4));
    CHECK(majority_mu(101) == Approx(0.0796).margin(1e-4));
}

TEMPLATE_TEST_CASE("bipolar: the MAP-I sum of M atoms has cosine 1/sqrt(M) with each member", "",
                   hdc::bipolar<stat_dim>, dynamic_vector) {
    hdc::rng gen{41};
    const int m = 10, trials = 20;
    double total = 0;
    for (int t = 0; t < trials; ++t) {
        const auto atoms = random_atoms<TestType>(gen, m, stat_dim);
        hdc::accumulator<TestType> acc(stat_dim);
        for (const auto& x : atoms) acc.add(x);
        const auto& member = atoms[static_cast<std::size_t>(t % m)];
        std::int64_t expected_dot = 0;
        for (const auto& x : atoms) expected_dot += dot(x, member);
        REQUIRE(dot(acc, member) == expected_dot);
        total += similarity(acc, member);
    }
    const double se = sum_member_cos_sd(m, 1.0, stat_dim) / std::sqrt(static_cast<double>(trials));
    CHECK(std::abs(total / trials - 1.0 / std::sqrt(static_cast<double>(m))) < 4 * se);
}

TEST_CASE("bipolar: symbols are deterministic and distinct") {
    const auto a = hdc::symbol<fixed_vector>("apple", 42);
    CHECK(a == hdc::symbol<fixed_vector>("apple", 42));
    CHECK(same_values(a, hdc::symbol<dynamic_vector>("apple", 42, dim)));
    CHECK(a != hdc::symbol<fixed_vector>("pear", 42));
    CHECK(a != hdc::symbol<fixed_vector>("apple", 43));
    CHECK(hdc::symbol<fixed_vector>(7, 42) == hdc::symbol<fixed_vector>(7, 42));
    CHECK(hdc::symbol<fixed_vector>(7, 42) != hdc::symbol<fixed_vector>(8, 42));
    // The symbol is the image of the binary symbol of the same name.
    const auto b = hdc::symbol<hdc::binary<dim>>("apple", 42);
    for (std::size_t i = 0; i < dim; ++i) REQUIRE(a[i] == (b[i] ? -1 : 1));
}

TEST_CASE("bipolar: fixed and dynamic dimensions give identical results") {
    hdc::rng gf{51}, gd{51};
    const auto af = hdc::random<fixed_vector>(gf), bf = hdc::random<fixed_vector>(gf),
               cf = hdc::random<fixed_vector>(gf), ef = hdc::random<fixed_vector>(gf);
    const auto ad = hdc::random<dynamic_vector>(gd, dim), bd = hdc::random<dynamic_vector>(gd, dim),
               cd = hdc::random<dynamic_vector>(gd, dim), ed = hdc::random<dynamic_vector>(gd, dim);
    CHECK(same_values(af, ad));
    CHECK(same_values(cf, cd));
    CHECK(same_values(bind(af, bf), bind(ad, bd)));
    CHECK(same_values(unbind(af, bf), unbind(ad, bd)));
    CHECK(same_values(permute(af, -17), permute(ad, -17)));
    CHECK(same_values(hdc::bundle({af, bf, cf}), hdc::bundle({ad, bd, cd})));
    CHECK(same_values(hdc::bundle({af, bf, cf, ef}), hdc::bundle({ad, bd, cd, ed})));
    CHECK(dot(af, bf) == dot(ad, bd));
    hdc::bipolar_accumulator<dim> accf;
    hdc::bipolar_accumulator<hdc::dynamic> accd(dim);
    accf.add(af, 3);
    accf.add(bf);
    accd.add(ad, 3);
    accd.add(bd);
    CHECK(std::ranges::equal(accf.sums(), accd.sums()));
    CHECK(similarity(accf, cf) == similarity(accd, cd));
}

TEMPLATE_TEST_CASE("bipolar accumulator: merge, subtract, weights and clear", "", fixed_vector,
                   dynamic_vector) {
    hdc::rng gen{61};
    const auto atoms = random_atoms<TestType>(gen, 7, dim);
    using acc_type = hdc::accumulator<TestType>;

    SECTION("merging equals adding everything to one accumulator") {
        acc_type all(dim), first(dim), second(dim);
        for (std::size_t i = 0; i < atoms.size(); ++i) {
            all.add(atoms[i]);
            (i < 3 ? first : second).add(atoms[i]);
        }
        first.merge(second);
        CHECK(std::ranges::equal(first.sums(), all.sums()));
        CHECK(first.count() == all.count());
        CHECK(first.count() == 7.0);
        CHECK(first.result() == all.result());
        CHECK(all.result() == hdc::bundle(atoms));
    }
    SECTION("subtract undoes add") {
        acc_type acc(dim);
        for (int i = 0; i < 3; ++i) acc.add(atoms[static_cast<std::size_t>(i)]);
        const acc_type before = acc;
        acc.add(atoms[5]);
        CHECK_FALSE(std::ranges::equal(acc.sums(), before.sums()));
        acc.subtract(atoms[5]);
        CHECK(std::ranges::equal(acc.sums(), before.sums()));
        CHECK(acc.count() == before.count());
    }
    SECTION("an integer weight equals repeated adds; fractional weights are refused") {
        acc_type weighted(dim), repeated(dim);
        weighted.add(atoms[0], 3);
        weighted.add(atoms[1], -2);
        for (int i = 0; i < 3; ++i) repeated.add(atoms[0]);
        for (int i = 0; i < 2; ++i) repeated.subtract(atoms[1]);
        CHECK(std::ranges::equal(weighted.sums(), repeated.sums()));
        CHECK(weighted.count() == 1.0);
        const acc_type before = weighted;
        CHECK_THROWS_AS(weighted.add(atoms[2], 0.5), hdc::invalid_parameter);
        CHECK_THROWS_WITH(weighted.add(atoms[2], 0.5), Catch::Contains("integer"));
        CHECK_THROWS_AS(weighted.add(atoms[2], std::numeric_limits<double>::quiet_NaN()),
                        hdc::invalid_parameter);
        CHECK(std::ranges::equal(weighted.sums(), before.sums()));
        CHECK(weighted.count() == before.count());
    }
    SECTION("adds that could overflow an int32 sum are refused, others are not") {
        acc_type acc(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[1], -1e9);  // |s_i| = 2e9 where the two atoms differ
        const acc_type before = acc;
        CHECK_THROWS_AS(acc.add(atoms[2], 1e9), hdc::invalid_parameter);
        CHECK_THROWS_WITH(acc.merge(before), Catch::Contains("int32"));
        CHECK(std::ranges::equal(acc.sums(), before.sums()));
        CHECK(acc.count() == 0.0);
        // A long add/subtract stream keeps small sums: it must never be refused.
        acc_type stream(dim);
        for (int i = 0; i < 10; ++i) {
            stream.add(atoms[2], 1e9);
            stream.add(atoms[2], -1e9);
        }
        stream.add(atoms[3], 1e9);
        stream.add(atoms[3], 1e9);
        acc_type other(dim);
        other.add(atoms[4], 1e8);
        other.subtract(atoms[4]);
        other.add(atoms[4], -1e8);
        other.add(atoms[4]);
        stream.merge(other);  // other's sums are all zero: nothing can overflow
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(stream.sums()[i] == 2000000000 * atoms[3][i]);
    }
    SECTION("clear forgets everything; an empty accumulator has similarity 0") {
        acc_type acc(dim);
        acc.add(atoms[0]);
        acc.clear();
        CHECK(acc.count() == 0.0);
        for (auto s : acc.sums()) CHECK(s == 0);
        CHECK(similarity(acc, atoms[0]) == 0.0);
        CHECK(dot(acc, atoms[0]) == 0);
        // With every sum zero the result is the tie-break vector.
        CHECK(acc.result() == hdc::symbol<TestType>(hdc::detail::tie_break_name,
                                                    hdc::detail::tie_break_seed, dim));
    }
}

TEST_CASE("bipolar: bad input throws and names the problem") {
    hdc::rng gen{71};
    const auto a = dynamic_vector::random(gen, dim), b = dynamic_vector::random(gen, dim - 1);
    CHECK_THROWS_AS(bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(bind(a, b), Catch::Contains("dimension mismatch") && Catch::Contains("bind"));
    CHECK_THROWS_AS(unbind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hamming(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(cosine(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(similarity(a, b), Catch::Contains("dimension mismatch"));
    CHECK_THROWS_AS(hdc::bundle({a, b}), hdc::dimension_mismatch);

    hdc::bipolar_accumulator<hdc::dynamic> acc(dim), other(dim - 1);
    acc.add(a);
    const auto before = acc;
    CHECK_THROWS_WITH(acc.add(b), Catch::Contains("dimension mismatch"));
    CHECK_THROWS_AS(acc.subtract(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.merge(other), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, b), hdc::dimension_mismatch);
    CHECK(std::ranges::equal(acc.sums(), before.sums()));
    CHECK(acc.count() == 1.0);

    CHECK_THROWS_AS(hdc::bundle(std::vector<dynamic_vector>{}), hdc::empty_input);
    CHECK_THROWS_AS(hdc::bundle(std::vector<fixed_vector>{}), hdc::empty_input);

    const std::vector<std::int8_t> good{1, -1, -1, 1};
    const auto v = dynamic_vector::from_values(good);
    CHECK(v.dim() == 4);
    CHECK(std::ranges::equal(v.values(), good));
    CHECK(hdc::bipolar<4>::from_values(good) == hdc::bipolar<4>::from_values(good, 4));
    CHECK_THROWS_AS(dynamic_vector::from_values(std::vector<std::int8_t>{1, 0, -1}),
                    hdc::invalid_parameter);
    CHECK_THROWS_WITH(dynamic_vector::from_values(std::vector<std::int8_t>{1, 2}),
                      Catch::Contains("from_values") && Catch::Contains("+1 or -1"));
    CHECK_THROWS_AS(dynamic_vector::from_values(good, 5), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::bipolar<5>::from_values(good), hdc::invalid_parameter);
    CHECK_THROWS_AS(dynamic_vector::from_values(std::vector<std::int8_t>{}),
                    hdc::invalid_dimension);

    auto w = v;
    w.set(1, 1);
    CHECK(w[1] == 1);
    CHECK_THROWS_AS(w.set(4, 1), hdc::invalid_parameter);
    CHECK_THROWS_AS(w.set(0, 0), hdc::invalid_parameter);
    CHECK(w[0] == 1);
}
