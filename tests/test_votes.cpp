// Tests of hdc/models/votes.hpp through the binary and bipolar accumulators: the tie rule of
// even majorities (partner components; ALGORITHMS.md section 1.1) against its per-component
// reference and against the four properties it is chosen for (fair, uncorrelated, free of
// artefacts of the members' algebra, continuous), and the int32 overflow policy.
#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>

#include "helpers.hpp"
#include "stats.hpp"
#include "tie_reference.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

using binary_dyn = hdc::binary<hdc::dynamic>;
using bipolar_dyn = hdc::bipolar<hdc::dynamic>;

/// Component i of v as a vote sum term: +1 or -1 (binary: bit 0 -> +1).
template <class V>
int sign_at(const V& v, std::size_t i) {
    if constexpr (std::is_same_v<decltype(v[i]), bool>)
        return v[i] ? -1 : 1;
    else
        return v[i];
}

/// v with component i negated.
template <class V>
void negate_at(V& v, std::size_t i) {
    if constexpr (std::is_same_v<decltype(v[i]), bool>)
        v.set(i, !v[i]);
    else
        v.set(i, static_cast<typename V::value_type>(-v[i]));
}

/// The vote sums of weighted vectors, computed directly.
template <class V>
std::vector<std::int32_t> direct_sums(const std::vector<V>& vs, const std::vector<int>& weights,
                                      std::size_t dim) {
    std::vector<std::int32_t> s(dim, 0);
    for (std::size_t k = 0; k < vs.size(); ++k)
        for (std::size_t i = 0; i < dim; ++i) s[i] += weights[k] * sign_at(vs[k], i);
    return s;
}

/// P(tie) of the majority of m fair votes, m even: C(m, m/2) / 2^m.
double tie_probability(int m) {
    double p = 1;
    for (int j = 1; j <= m / 2; ++j) p *= static_cast<double>(m / 2 + j) / (4.0 * j);
    return p;
}

/// Variance factor of a similarity between two even bundles from the components that copy their
/// partner's value: pairs (i, pi(i)) tied in both bundles are correlated.
double copy_inflation(int m) {
    const double both = tie_probability(m) * tie_probability(m);
    return 1 + 2 * both / (1 - both);
}

}  // namespace

TEMPLATE_TEST_CASE("tie rule: the word-parallel resolution equals the per-component reference",
                   "[votes]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    hdc::rng gen{2024};
    for (std::size_t dim : {1u, 2u, 5u, 63u, 64u, 65u, 127u, 128u, 130u, 200u, 640u, 1001u, 10048u}) {
        CAPTURE(dim);
        const auto atoms = hdc_test::random_atoms<V>(gen, 8, dim);
        const auto check = [&](const hdc::accumulator<V>& acc, const std::vector<V>& vs,
                               const std::vector<int>& weights) {
            const auto sums = direct_sums(vs, weights, dim);
            const auto got = acc.sums();
            REQUIRE(std::vector<std::int32_t>(got.begin(), got.end()) == sums);
            REQUIRE(acc.result() == hdc_test::reference_majority_vector<V>(sums));
        };
        for (int m : {2, 4, 6}) {  // unit votes: the bit-sliced counters
            hdc::accumulator<V> acc(dim);
            std::vector<V> vs(atoms.begin(), atoms.begin() + m);
            for (const auto& v : vs) acc.add(v);
            check(acc, vs, std::vector<int>(vs.size(), 1));
            CHECK(hdc::bundle(vs) == acc.result());
        }
        {  // weights other than 1: the int32 sums, and a mix of both
            hdc::accumulator<V> acc(dim);
            acc.add(atoms[0], 3);
            acc.add(atoms[1], -3);
            acc.add(atoms[2], 2);
            acc.add(atoms[3], 2);
            check(acc, {atoms[0], atoms[1], atoms[2], atoms[3]}, {3, -3, 2, 2});
            acc.add(atoms[4]);
            acc.add(atoms[5]);
            check(acc, {atoms[0], atoms[1], atoms[2], atoms[3], atoms[4], atoms[5]},
                  {3, -3, 2, 2, 1, 1});
        }
        {  // every sum zero: every component falls back
            hdc::accumulator<V> acc(dim);
            check(acc, {}, {});
            acc.add(atoms[0]);
            acc.subtract(atoms[0]);
            check(acc, {atoms[0]}, {0});
        }
    }
}

TEMPLATE_TEST_CASE("tie rule: deterministic, independent of order and scale, bundle == result",
                   "[votes]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    const std::size_t dim = 1001;
    hdc::rng gen{77};
    const auto x = hdc_test::random_atoms<V>(gen, 4, dim);
    const V forward = hdc::bundle(x);
    CHECK(hdc::bundle({x[3], x[1], x[0], x[2]}) == forward);
    hdc::accumulator<V> acc(dim), scaled(dim), merged(dim), part(dim);
    for (const auto& v : x) acc.add(v);
    for (const auto& v : x) scaled.add(v, 5);  // the same signs and zeros as unit votes
    merged.add(x[0]);
    merged.add(x[1]);
    part.add(x[2]);
    part.add(x[3]);
    merged.merge(part);
    CHECK(acc.result() == forward);
    CHECK(scaled.result() == forward);
    CHECK(merged.result() == forward);
}

TEST_CASE("tie rule: binary and bipolar even bundles are images of each other", "[votes]") {
    for (std::size_t dim : {100u, 1001u, 10048u}) {
        hdc::rng g1{dim}, g2 = g1;
        for (int m : {2, 4, 6}) {
            const auto bits = hdc_test::random_atoms<binary_dyn>(g1, m, dim);
            const auto signs = hdc_test::random_atoms<bipolar_dyn>(g2, m, dim);
            const auto b = hdc::bundle(bits);
            const auto s = hdc::bundle(signs);
            for (std::size_t i = 0; i < dim; ++i) REQUIRE(s[i] == sign_at(b, i));
        }
    }
}

// The four properties, at D = 10,048 and an odd D. Each mean is over T independent trials;
// a similarity at dimension D has a standard deviation about sqrt(v / D) with v the variance of
// one component's product, so the mean's tolerance is 4 sqrt(v / (T D)).
TEMPLATE_TEST_CASE("tie rule: even bundles are fair and uncorrelated (4 standard errors)",
                   "[votes][statistics]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    const int trials = 60;
    for (std::size_t dim : {10048u, 1001u}) {
        hdc::rng gen{dim + 3};
        for (int m : {2, 4, 6}) {
            CAPTURE(dim, m);
            double unrelated = 0, member = 0;
            for (int t = 0; t < trials; ++t) {
                const auto x = hdc_test::random_atoms<V>(gen, m, dim);
                const auto y = hdc_test::random_atoms<V>(gen, m, dim);
                const V bx = hdc::bundle(x);
                unrelated += similarity(bx, hdc::bundle(y)) / trials;
                for (const auto& v : x) member += similarity(v, bx) / (m * trials);
            }
            const double n = static_cast<double>(trials) * static_cast<double>(dim);
            // Unrelated bundles: products of fair signs, inflated by the copied components.
            CHECK(std::abs(unrelated) <= 4 * std::sqrt(copy_inflation(m) / n));
            if (dim == 10048) CHECK(std::abs(unrelated) <= 0.01);
            // A member agrees with probability (1 + mu_{m+1}) / 2 per component; the mean over
            // the members has at most one member's variance (1 - mu^2) / D.
            const double mu = hdc_test::majority_mu(m + 1);
            CHECK(std::abs(member - mu) <= 4 * std::sqrt((1 - mu * mu) / n));
        }
    }
}

TEMPLATE_TEST_CASE("tie rule: a pair bundle is unrelated to its members' shifted binding",
                   "[votes][statistics]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    const int trials = 60;
    for (std::size_t dim : {10048u, 1001u}) {
        hdc::rng gen{dim + 5};
        for (int k = -3; k <= 3; ++k) {
            CAPTURE(dim, k);
            double mean = 0;
            for (int t = 0; t < trials; ++t) {
                const V a = hdc::random<V>(gen, dim), b = hdc::random<V>(gen, dim);
                mean += similarity(hdc::bundle({a, b}), hdc::permute(hdc::bind(a, b), k)) / trials;
            }
            const double n = static_cast<double>(trials) * static_cast<double>(dim);
            CHECK(std::abs(mean) <= 4 * std::sqrt(copy_inflation(2) / n));
            CHECK(std::abs(mean) <= 0.03);
        }
    }
}

TEMPLATE_TEST_CASE("tie rule: a bundle moves about as far as one member moves (continuity)",
                   "[votes][statistics]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    const int trials = 40;
    const double p = 0.005;  // each component of one member flips with p: similarity 0.99
    for (std::size_t dim : {10048u, 1001u}) {
        hdc::rng gen{dim + 7};
        for (int m : {2, 4, 6}) {
            CAPTURE(dim, m);
            double mean = 0;
            for (int t = 0; t < trials; ++t) {
                auto x = hdc_test::random_atoms<V>(gen, m, dim);
                const V before = hdc::bundle(x);
                for (std::size_t i = 0; i < dim; ++i)
                    if (gen.below(1000) < 5) negate_at(x[0], i);
                mean += similarity(before, hdc::bundle(x)) / trials;
            }
            // A flip changes the tie state of a component when the other m - 1 members sum to
            // +-1, and then its value with probability 1/2: P(tie) p in all. A changed
            // component changes each tied component that reads it, and so on along pi: q =
            // p P(tie) / (1 - P(tie)) of the components change (twice a fixed tie vector's p P(tie) for
            // pairs). Changes come in chains of mean 1 / (1 - P(tie)) and second moment
            // (1 + P(tie)) / (1 - P(tie))^2: the count's variance is about D q (1 + P(tie)) / (1 - P(tie)).
            const double pt = tie_probability(m);
            const double q = p * pt / (1 - pt);
            const double expected = 1 - 2 * q;
            const double sd = 2 * std::sqrt(q * (1 + pt) / (1 - pt) / (static_cast<double>(dim) * trials));
            CHECK(std::abs(mean - expected) <= 4 * sd);
            CHECK(mean >= 0.98);  // a rule re-drawn from the whole input would give about 0.5
        }
    }
}

TEMPLATE_TEST_CASE("integer accumulators refuse a sum beyond int32 before any change",
                   "[votes]", binary_dyn, bipolar_dyn) {
    using V = TestType;
    const std::size_t dim = 1001;
    constexpr std::int32_t max = std::numeric_limits<std::int32_t>::max();
    hdc::rng gen{91};
    const auto atoms = hdc_test::random_atoms<V>(gen, 4, dim);
    const auto expect_sums = [&](const hdc::accumulator<V>& acc, const V& v, std::int64_t w) {
        const auto s = acc.sums();
        for (std::size_t i = 0; i < dim; ++i) REQUIRE(s[i] == w * sign_at(v, i));
    };
    const auto expect_unchanged = [&](const hdc::accumulator<V>& acc, const hdc::accumulator<V>& before) {
        CHECK(acc.sums() == before.sums());
        CHECK(acc.count() == before.count());
        CHECK(acc.result() == before.result());
    };

    SECTION("three adds of 1e9 do not wrap: the third is refused") {
        hdc::accumulator<V> acc(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], 1e9);
        const auto before = acc;
        CHECK_THROWS_AS(acc.add(atoms[0], 1e9), hdc::invalid_parameter);
        CHECK_THROWS_WITH(acc.add(atoms[0], 1e9), Catch::Contains("int32"));
        expect_unchanged(acc, before);
        CHECK(acc.result() == atoms[0]);
    }
    SECTION("weighted adds: the largest accepted weight works, one more is refused") {
        hdc::accumulator<V> acc(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], max - 2000000000.0);  // every |s_i| = INT32_MAX exactly
        expect_sums(acc, atoms[0], max);
        const auto before = acc;
        CHECK_THROWS_AS(acc.add(atoms[1], 1.0), hdc::invalid_parameter);
        CHECK_THROWS_AS(acc.add(atoms[1], -1.0), hdc::invalid_parameter);
        CHECK_THROWS_AS(acc.subtract(atoms[1]), hdc::invalid_parameter);
        expect_unchanged(acc, before);
    }
    SECTION("unit votes count toward the bound") {
        hdc::accumulator<V> acc(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], max - 2000000001.0);
        acc.add(atoms[0]);  // INT32_MAX: accepted
        expect_sums(acc, atoms[0], max);
        const auto before = acc;
        CHECK_THROWS_AS(acc.add(atoms[1]), hdc::invalid_parameter);
        expect_unchanged(acc, before);
    }
    SECTION("pending unit votes and a tightened bound: stored sums never wrap") {
        // Weighted sums near the limit, then unit votes against them (pending in the bit-sliced
        // counters), then a weighted add that fits the totals exactly: the stored int32 sums
        // must not wrap, or dot and similarity (which read them) come out with the wrong sign.
        hdc::accumulator<V> acc(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], 1e9);
        hdc::accumulator<V> against(dim);
        against.add(atoms[0], -1);
        const V negated = against.result();  // the opposite of atoms[0]
        for (int i = 0; i < 1000; ++i) acc.add(negated);
        acc.add(atoms[0], 147484647.0);  // totals: 2e9 - 1000 + 147484647 = INT32_MAX
        expect_sums(acc, atoms[0], max);
        const std::int64_t expected_dot = static_cast<std::int64_t>(max) * static_cast<std::int64_t>(dim);
        CHECK(dot(acc, atoms[0]) == expected_dot);
        CHECK(hdc::similarity(acc, atoms[0]) == Approx(1.0).epsilon(1e-12));
        CHECK(acc.result() == atoms[0]);
        const auto before = acc;
        CHECK_THROWS_AS(acc.add(atoms[1], 1.0), hdc::invalid_parameter);
        expect_unchanged(acc, before);
        CHECK(dot(acc, atoms[0]) == expected_dot);
    }
    SECTION("merge: the largest accepted other works, one more is refused") {
        hdc::accumulator<V> acc(dim), fits(dim), too_much(dim);
        acc.add(atoms[0], 1e9);
        acc.add(atoms[0], 1e9);
        fits.add(atoms[0], max - 2000000000.0);
        too_much.add(atoms[0], max - 2000000000.0 - 1);
        too_much.add(atoms[2]);
        too_much.add(atoms[2]);  // |s_i| reaches max - 2e9 + 1 where atoms 0 and 2 agree
        auto merged = acc;
        merged.merge(fits);
        expect_sums(merged, atoms[0], max);
        const auto before = acc;
        CHECK_THROWS_AS(acc.merge(too_much), hdc::invalid_parameter);
        CHECK_THROWS_WITH(acc.merge(too_much), Catch::Contains("merge"));
        expect_unchanged(acc, before);
        // A loose bound is tightened before refusing: other's sums are all zero here.
        hdc::accumulator<V> cancelled(dim);
        cancelled.add(atoms[3], 1e9);
        cancelled.add(atoms[3], -1e9);
        cancelled.add(atoms[3], 5);
        cancelled.add(atoms[3], -5);
        merged.merge(cancelled);
        expect_sums(merged, atoms[0], max);
        CHECK_THROWS_AS(merged.merge(merged), hdc::invalid_parameter);  // self-merge doubles
    }
}
