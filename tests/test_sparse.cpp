// Tests of hdc/models/sparse.hpp: sparse block codes, their kernels and their accumulator.
#include <hdc/models/sparse.hpp>
#include <hdc/simd/modular.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr hdc::sparse_shape default_shape{1024, 64};

/// Delta-method mean and standard deviation of similarity(count bundle of M atoms, member) for
/// B blocks of length L. Per block, with p = 1/L: the member's count is x = 1 + K,
/// K ~ Binomial(M-1, p); the squared norm is y = M + 2P, P the number of colliding pairs.
/// Collision indicators are pairwise independent, so Var K = (M-1) p (1-p),
/// Var P = C(M,2) p (1-p), Cov(K, P) = (M-1) p (1-p). sim = X / sqrt(B Y) over the B blocks.
struct bundle_prediction {
    double mean, sd;
};
bundle_prediction predict_count_bundle(double b, double l, double m) {
    const double p = 1 / l, q = p * (1 - p);
    const double ex = b * (1 + (m - 1) * p), vx = b * (m - 1) * q;
    const double ey = b * (m + m * (m - 1) * p), vy = 4 * b * (m * (m - 1) / 2) * q;
    const double cxy = 2 * b * (m - 1) * q;
    const double mean = ex / std::sqrt(b * ey);
    const double rel = vx / (ex * ex) + vy / (4 * ey * ey) - cxy / (ex * ey);
    return {mean, mean * std::sqrt(rel)};
}

}  // namespace

static_assert(hdc::hypervector<hdc::sparse<1024, 64>>);
static_assert(hdc::hypervector<hdc::sparse<hdc::dynamic, hdc::dynamic>>);
static_assert(hdc::hypervector<hdc::sparse<1024, hdc::dynamic>>);
static_assert(hdc::hypervector<hdc::sparse<hdc::dynamic, 64>>);
static_assert(hdc::hypervector<hdc::sparse<>>);
static_assert(hdc::accumulator_of<hdc::sparse_accumulator<8, 4>, hdc::sparse<8, 4>>);
static_assert(hdc::sparse<1024, 64>::extent == 65536);
static_assert(hdc::sparse<1024, hdc::dynamic>::extent == hdc::dynamic);

// Aliases: the test macros split their type list at commas.
using sparse_fixed = hdc::sparse<1024, 64>;
using sparse_dynamic = hdc::sparse<hdc::dynamic, hdc::dynamic>;
using sparse_fixed_blocks = hdc::sparse<1024, hdc::dynamic>;
using sparse_fixed_length = hdc::sparse<hdc::dynamic, 64>;
#define SPARSE_TYPES sparse_fixed, sparse_dynamic, sparse_fixed_blocks, sparse_fixed_length

TEMPLATE_TEST_CASE("sparse: shape, identity and random indices", "[sparse]", SPARSE_TYPES) {
    const TestType zero(default_shape);
    CHECK(zero.blocks() == 1024);
    CHECK(zero.block_length() == 64);
    CHECK(zero.dim() == 65536);
    CHECK(zero.shape() == default_shape);
    for (auto i : zero.indices()) REQUIRE(i == 0);
    CHECK(TestType(1024, 64) == zero);

    hdc::rng gen{1}, ref{1};
    const auto v = TestType::random(gen, default_shape);
    for (std::size_t b = 0; b < v.blocks(); ++b) REQUIRE(v[b] == ref.below(64));
    CHECK(gen == ref);

    // Index frequencies: each of the L values has probability 1/L (4 SE per value).
    std::vector<int> freq(64, 0);
    const int vectors = 50;
    for (int k = 0; k < vectors; ++k) {
        const auto r = TestType::random(gen, default_shape);
        for (auto i : r.indices()) ++freq[i];
    }
    const double n = 1024.0 * vectors, p = 1 / 64.0, se = std::sqrt(p * (1 - p) / n);
    for (int f : freq) CHECK(std::abs(f / n - p) < 4 * se);
}

TEMPLATE_TEST_CASE("sparse: unbind inverts bind exactly; all-zero is the identity", "[sparse]",
                   SPARSE_TYPES) {
    hdc::rng gen{2};
    const auto a = TestType::random(gen, default_shape);
    const auto b = TestType::random(gen, default_shape);
    const auto c = bind(a, b);
    CHECK(unbind(c, a) == b);
    CHECK(unbind(c, b) == a);
    CHECK(bind(a, b) == bind(b, a));
    for (std::size_t k = 0; k < a.blocks(); ++k) REQUIRE(c[k] == (a[k] + b[k]) % 64);
    const TestType one(default_shape);
    CHECK(bind(a, one) == a);
    CHECK(unbind(a, a) == one);
    CHECK(similarity(a, a) == 1.0);
    // A bound pair is as unrelated to its operands as a random vector (~1/L).
    const double p = 1 / 64.0, sigma = std::sqrt(p * (1 - p) / 1024);
    CHECK(std::abs(similarity(c, a) - p) < 4 * sigma);
    CHECK(std::abs(similarity(c, b) - p) < 4 * sigma);
}

TEMPLATE_TEST_CASE("sparse: permute(-k) inverts permute(k) and it distributes over bind and bundle",
                   "[sparse]", SPARSE_TYPES) {
    hdc::rng gen{3};
    const auto a = TestType::random(gen, default_shape);
    const auto b = TestType::random(gen, default_shape);
    const auto c = TestType::random(gen, default_shape);
    for (std::ptrdiff_t k : {std::ptrdiff_t{1}, std::ptrdiff_t{-5}, std::ptrdiff_t{1000},
                             std::ptrdiff_t{3000}}) {
        CHECK(permute(permute(a, k), -k) == a);
        CHECK(permute(bind(a, b), k) == bind(permute(a, k), permute(b, k)));

        // Bundling commutes with permutation at the level of the counts: block b of the
        // permuted bundle is block b - k of the original one.
        hdc::accumulator<TestType> acc(default_shape), acc_p(default_shape);
        for (const auto* v : {&a, &b, &c}) {
            acc.add(*v);
            acc_p.add(permute(*v, k));
        }
        const std::size_t blocks = 1024, length = 64;
        const std::size_t s = hdc::detail::shift_amount(k, blocks);
        bool same = true;
        for (std::size_t blk = 0; blk < blocks; ++blk)
            for (std::size_t j = 0; j < length; ++j)
                same = same && acc_p.counts()[((blk + s) % blocks) * length + j] ==
                                   acc.counts()[blk * length + j];
        CHECK(same);
        CHECK(dot(acc_p, permute(a, k)) == dot(acc, a));
        // With a strict majority there are no ties, so the thresholded bundles agree too.
        CHECK(permute(hdc::bundle({a, a, b, c, a}), k) ==
              hdc::bundle({permute(a, k), permute(a, k), permute(b, k), permute(c, k),
                           permute(a, k)}));
    }
    CHECK(permute(a, 0) == a);
    CHECK(permute(a, 1024) == a);
    const auto p = permute(a, 1);
    CHECK(p[1] == a[0]);
    CHECK(p[0] == a[1023]);
}

TEMPLATE_TEST_CASE("sparse: random pairs share ~1/L of their blocks (mean and std within 4 SE)",
                   "[sparse][statistics]", SPARSE_TYPES) {
    const int pairs = 200;
    hdc::rng gen{4};
    std::vector<double> sims;
    for (int k = 0; k < pairs; ++k) {
        const auto a = TestType::random(gen, default_shape);
        const auto b = TestType::random(gen, default_shape);
        sims.push_back(similarity(a, b));
        REQUIRE(overlap(a, b) == static_cast<std::size_t>(std::lround(sims.back() * 1024)));
    }
    double mean = 0;
    for (double s : sims) mean += s;
    mean /= pairs;
    double var = 0;
    for (double s : sims) var += (s - mean) * (s - mean);
    const double sd = std::sqrt(var / (pairs - 1));
    // overlap ~ Binomial(B, p): similarity has mean p, std sigma = sqrt(p (1-p) / B); the sample
    // std has standard error sigma * sqrt((kurtosis - 1) / (4 n)).
    const double b = 1024, p = 1 / 64.0, q = p * (1 - p), sigma = std::sqrt(q / b);
    const double kurtosis = 3 + (1 - 6 * q) / (b * q);
    CHECK(std::abs(mean - p) < 4 * sigma / std::sqrt(double(pairs)));
    CHECK(std::abs(sd - sigma) < 4 * sigma * std::sqrt((kurtosis - 1) / (4.0 * pairs)));
}

TEMPLATE_TEST_CASE("sparse: count bundle of M atoms vs a member matches the collision theory",
                   "[sparse][statistics]", SPARSE_TYPES) {
    const int m = 10, trials = 20;
    hdc::rng gen{5};
    double mean = 0;
    for (int t = 0; t < trials; ++t) {
        hdc::accumulator<TestType> acc(default_shape);
        const auto first = TestType::random(gen, default_shape);
        acc.add(first);
        for (int k = 1; k < m; ++k) acc.add(TestType::random(gen, default_shape));
        CHECK(acc.count() == m);
        mean += similarity(acc, first);
    }
    mean /= trials;
    const auto pred = predict_count_bundle(1024, 64, m);
    // sqrt((1 + (M-1)/L) / M): slightly above 1/sqrt(M) because of index collisions.
    CHECK(pred.mean == Approx(std::sqrt((1 + 9 / 64.0) / 10)).epsilon(1e-12));
    CHECK(std::abs(mean - pred.mean) < 4 * pred.sd / std::sqrt(double(trials)));
}

TEST_CASE("sparse: for long blocks the count bundle's similarity to a member tends to 1/sqrt(M)",
          "[sparse][statistics]") {
    const hdc::sparse_shape shape{1024, 4096};
    const int m = 10, trials = 20;
    hdc::rng gen{6};
    double mean = 0;
    for (int t = 0; t < trials; ++t) {
        hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> acc(shape);
        const auto first = hdc::random<hdc::sparse<>>(gen, shape);
        acc.add(first);
        for (int k = 1; k < m; ++k) acc.add(hdc::random<hdc::sparse<>>(gen, shape));
        mean += similarity(acc, first);
    }
    mean /= trials;
    const auto pred = predict_count_bundle(1024, 4096, m);
    const double bias = pred.mean - 1 / std::sqrt(double(m));  // collision excess, ~3e-4
    CHECK(bias < 1e-3);
    CHECK(std::abs(mean - 1 / std::sqrt(double(m))) <
          bias + 4 * pred.sd / std::sqrt(double(trials)));
}

TEMPLATE_TEST_CASE("sparse: the winner-take-all bundle is closer to every member than to random "
                   "vectors",
                   "[sparse]", SPARSE_TYPES) {
    hdc::rng gen{7};
    std::vector<TestType> members;
    for (int k = 0; k < 5; ++k) members.push_back(TestType::random(gen, default_shape));
    const auto b = hdc::bundle(members);
    double weakest_member = 1, strongest_other = 0;
    for (const auto& v : members) weakest_member = std::fmin(weakest_member, similarity(b, v));
    for (int k = 0; k < 100; ++k)
        strongest_other =
            std::fmax(strongest_other, similarity(b, TestType::random(gen, default_shape)));
    CHECK(weakest_member > 0.15);  // about 1/M = 0.2 (every block is a tie among distinct members)
    // 5 standard deviations above 1/L bound the largest of 100 unrelated similarities.
    CHECK(strongest_other < 1 / 64.0 + 5 * std::sqrt((1 / 64.0) * (63 / 64.0) / 1024));
    CHECK(weakest_member > strongest_other);
}

TEST_CASE("sparse accumulator: winner-take-all with the documented tie-break") {
    using V = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    const hdc::sparse_shape shape{4, 8};
    const auto tie =
        hdc::symbol<V>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, shape);
    auto at = [&](std::size_t b, std::size_t offset) {
        return static_cast<std::uint16_t>((tie[b] + offset) % 8);
    };
    // Block 0: unique maximum at tie + 3.   Block 1: tie among {tie, tie + 5} -> tie.
    // Block 2: tie among {tie + 2, tie + 6} -> tie + 2.   Block 3: tie among {tie + 7, tie + 4}
    // -> tie + 4 (the first maximum at or after the tie-break index, cyclically).
    const std::vector<std::uint16_t> v1 = {at(0, 3), at(1, 0), at(2, 2), at(3, 7)};
    const std::vector<std::uint16_t> v2 = {at(0, 3), at(1, 5), at(2, 6), at(3, 4)};
    const std::vector<std::uint16_t> v3 = {at(0, 1), at(1, 1), at(2, 1), at(3, 1)};
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> acc(shape);
    acc.add(V::from_indices(v1, shape), 2);
    acc.add(V::from_indices(v2, shape), 2);
    acc.add(V::from_indices(v3, shape), 1);
    const auto r = acc.result();
    CHECK(r[0] == at(0, 3));
    CHECK(r[1] == at(1, 0));
    CHECK(r[2] == at(2, 2));
    CHECK(r[3] == at(3, 4));
    // An empty accumulator (all counts tied at 0) gives the tie-break vector.
    CHECK(hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic>(shape).result() == tie);
    // Negative weights vote against an index.
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> neg(shape);
    neg.add(tie, -1);
    for (std::size_t b = 0; b < 4; ++b) CHECK(neg.result()[b] == at(b, 1));
}

TEMPLATE_TEST_CASE("sparse: symbols are deterministic and fixed / dynamic shapes agree", "[sparse]",
                   SPARSE_TYPES) {
    const auto a1 = hdc::symbol<TestType>("apple", 42, default_shape);
    CHECK(a1 == hdc::symbol<TestType>("apple", 42, default_shape));
    CHECK_FALSE(a1 == hdc::symbol<TestType>("apples", 42, default_shape));
    CHECK_FALSE(a1 == hdc::symbol<TestType>("apple", 43, default_shape));
    CHECK(hdc::symbol<TestType>(7, 42, default_shape) ==
          hdc::symbol<TestType>(7, 42, default_shape));
    CHECK_FALSE(hdc::symbol<TestType>(7, 42, default_shape) ==
                hdc::symbol<TestType>(8, 42, default_shape));
    const auto reference = hdc::symbol<hdc::sparse<1024, 64>>("apple", 42, default_shape);
    CHECK(std::equal(a1.indices().begin(), a1.indices().end(), reference.indices().begin()));
    hdc::rng g1{77}, g2{77};
    const auto r1 = hdc::random<TestType>(g1, default_shape);
    const auto r2 = hdc::sparse<1024, 64>::random(g2);
    CHECK(std::equal(r1.indices().begin(), r1.indices().end(), r2.indices().begin()));
}

TEMPLATE_TEST_CASE("sparse accumulator: merge equals adding everything to one, subtract undoes add",
                   "[sparse]", SPARSE_TYPES) {
    hdc::rng gen{8};
    std::vector<TestType> xs;
    for (int k = 0; k < 7; ++k) xs.push_back(TestType::random(gen, default_shape));
    hdc::accumulator<TestType> all(default_shape), left(default_shape), right(default_shape);
    for (int k = 0; k < 7; ++k) {
        all.add(xs[k], k + 1);
        (k % 2 ? left : right).add(xs[k], k + 1);
    }
    left.merge(right);
    CHECK(std::equal(left.counts().begin(), left.counts().end(), all.counts().begin()));
    CHECK(left.count() == all.count());
    CHECK(left.result() == all.result());

    hdc::accumulator<TestType> acc(default_shape), ref(default_shape);
    for (int k = 0; k < 3; ++k) {
        acc.add(xs[k]);
        ref.add(xs[k]);
    }
    acc.add(xs[5]);
    acc.add(xs[6], 3);
    acc.subtract(xs[5]);
    acc.add(xs[6], -3);
    CHECK(std::equal(acc.counts().begin(), acc.counts().end(), ref.counts().begin()));
    CHECK(acc.count() == 3);
    CHECK(acc.result() == ref.result());
    CHECK(dot(acc, xs[0]) >= 1024);

    acc.clear();
    CHECK(acc.count() == 0);
    CHECK(similarity(acc, xs[0]) == 0.0);
    CHECK(dot(acc, xs[0]) == 0);
    acc.add(xs[0], 4);
    CHECK(similarity(acc, xs[0]) == Approx(1.0));
    CHECK(dot(acc, xs[0]) == 4 * 1024);
}

TEST_CASE("sparse: bad input is rejected with a named error") {
    using V = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    hdc::rng gen{9};
    const auto a = V::random(gen, {16, 8});
    const auto b = V::random(gen, {32, 8});
    const auto c = V::random(gen, {16, 4});
    const auto d = V::random(gen, {32, 4});  // same dense dimension as a, different layout
    CHECK_THROWS_AS(bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(bind(a, b), Catch::Contains("bind") && Catch::Contains("block count"));
    CHECK_THROWS_WITH(unbind(a, c), Catch::Contains("unbind") && Catch::Contains("block length"));
    CHECK_THROWS_AS(similarity(a, d), hdc::dimension_mismatch);
    CHECK_THROWS_AS(overlap(a, c), hdc::dimension_mismatch);
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> acc({16, 8}), other({16, 4});
    CHECK_THROWS_AS(acc.add(c), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.merge(other), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, d), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);

    CHECK_THROWS_AS(V(16, 0), hdc::invalid_dimension);
    CHECK_THROWS_WITH(V(16, 0), Catch::Contains("block length 0"));
    CHECK_THROWS_AS(V(0, 8), hdc::invalid_dimension);
    CHECK_THROWS_WITH(V(0, 8), Catch::Contains("0 blocks"));
    CHECK_THROWS_AS(V(16, 65537), hdc::invalid_dimension);
    CHECK_THROWS_WITH(V(16, 65537), Catch::Contains("65536"));
    CHECK_THROWS_AS(V::random(gen, {0, 8}), hdc::invalid_dimension);
    CHECK_THROWS_AS((hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic>({4, 0})),
                    hdc::invalid_dimension);
    CHECK_THROWS_AS((hdc::sparse<1024, 64>(hdc::sparse_shape{512, 64})), hdc::invalid_dimension);
    CHECK_THROWS_AS((hdc::sparse<1024, hdc::dynamic>(1024, 0)), hdc::invalid_dimension);
    CHECK_THROWS_AS((hdc::sparse<hdc::dynamic, 64>(1024, 32)), hdc::invalid_dimension);

    const std::vector<std::uint16_t> good = {1, 2, 7}, bad = {1, 8, 2}, short_list = {1, 2};
    CHECK(V::from_indices(good, {3, 8}).indices()[2] == 7);
    CHECK_THROWS_AS(V::from_indices(bad, {3, 8}), hdc::invalid_parameter);
    CHECK_THROWS_WITH(V::from_indices(bad, {3, 8}), Catch::Contains("index 8"));
    CHECK_THROWS_AS(V::from_indices(short_list, {3, 8}), hdc::invalid_parameter);
    V settable(3, 8);
    CHECK_THROWS_AS(settable.set(0, 8), hdc::invalid_parameter);
    CHECK_THROWS_AS(settable.set(3, 0), hdc::invalid_parameter);
    settable.set(2, 5);
    CHECK(settable[2] == 5);

    CHECK_THROWS_AS(hdc::bundle(std::vector<V>{}), hdc::empty_input);
    CHECK_THROWS_AS(acc.add(a, 0.5), hdc::invalid_parameter);
    // Counts are int32: the total absolute weight is bounded, checked before anything changes.
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> heavy({16, 8});
    heavy.add(a, 1e9);
    heavy.add(a, -1e9);
    CHECK_THROWS_AS(heavy.add(a, 1e9), hdc::invalid_parameter);
    CHECK_THROWS_WITH(heavy.add(a, 1e9), Catch::Contains("weight"));
    CHECK_THROWS_AS(heavy.merge(heavy), hdc::invalid_parameter);
    CHECK(heavy.count() == 0);
    for (auto n : heavy.counts()) REQUIRE(n == 0);
    CHECK(acc.count() == 0);  // state untouched by the failed calls
    for (auto n : acc.counts()) REQUIRE(n == 0);
}

TEST_CASE("sparse: the largest block length (65536) binds and unbinds with 16-bit indices") {
    using V = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    const std::vector<std::uint16_t> x = {65535, 0, 40000}, y = {65535, 65535, 30000};
    const auto a = V::from_indices(x, {3, 65536});
    const auto b = V::from_indices(y, {3, 65536});
    const auto c = bind(a, b);
    CHECK(c[0] == 65534);
    CHECK(c[1] == 65535);
    CHECK(c[2] == 4464);  // 70000 mod 65536
    CHECK(unbind(c, a) == b);
    CHECK(unbind(c, b) == a);
}

TEST_CASE("sparse kernels: modular add, subtract and equal count") {
    const std::vector<std::uint16_t> a = {0, 5, 6, 3, 6}, b = {6, 2, 6, 0, 1};
    std::vector<std::uint16_t> s(5), d(5);
    hdc::simd::add_mod(a.data(), b.data(), s.data(), 5, 7);
    hdc::simd::sub_mod(a.data(), b.data(), d.data(), 5, 7);
    CHECK(s == std::vector<std::uint16_t>{6, 0, 5, 3, 0});
    CHECK(d == std::vector<std::uint16_t>{1, 3, 0, 3, 5});
    CHECK(hdc::simd::count_equal(a.data(), b.data(), 5) == 1);
}
