// Tests of hdc/models/sparse.hpp: sparse block codes, their kernels and their accumulator.
#include <hdc/models/sparse.hpp>
#include <hdc/simd/modular.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace {

constexpr hdc::sparse_shape default_shape{1024, 64};

}  // namespace

static_assert(hdc::hypervector<hdc::sparse<1024, hdc::dynamic>>);
static_assert(hdc::hypervector<hdc::sparse<hdc::dynamic, 64>>);
static_assert(std::is_same_v<hdc::sparse<>, hdc::sparse<hdc::dynamic, hdc::dynamic>>);
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

TEMPLATE_TEST_CASE("sparse: bind adds indices modulo L, all-zero is the identity, overlap counts agreement",
                   "[sparse]", SPARSE_TYPES) {
    hdc::rng gen{2};
    const auto a = TestType::random(gen, default_shape);
    const auto b = TestType::random(gen, default_shape);
    const auto c = bind(a, b);
    CHECK(unbind(c, b) == a);
    CHECK(bind(a, b) == bind(b, a));
    for (std::size_t k = 0; k < a.blocks(); ++k) REQUIRE(c[k] == (a[k] + b[k]) % 64);
    const TestType one(default_shape);
    CHECK(bind(a, one) == a);
    CHECK(unbind(a, a) == one);
    // similarity is the fraction of blocks whose indices agree.
    for (const auto& x : {a, b, c, permute(a, 1)}) {
        std::size_t agree = 0;
        for (std::size_t k = 0; k < a.blocks(); ++k) agree += a[k] == x[k];
        CHECK(overlap(a, x) == agree);
        CHECK(similarity(a, x) == static_cast<double>(agree) / 1024);
    }
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
    // Block 0: unique maximum at tie + 3.
    // Block 1: tie among {tie, tie + 5}: the gap before tie + 5 (5) beats the one before tie (3).
    // Block 2: tie among {tie + 2, tie + 6}: equal gaps (4), the first from the tie-break index.
    // Block 3: tie among {tie + 7, tie + 4}: the gap before tie + 4 is 5, before tie + 7 it is 3.
    const std::vector<std::uint16_t> v1 = {at(0, 3), at(1, 0), at(2, 2), at(3, 7)};
    const std::vector<std::uint16_t> v2 = {at(0, 3), at(1, 5), at(2, 6), at(3, 4)};
    const std::vector<std::uint16_t> v3 = {at(0, 1), at(1, 1), at(2, 1), at(3, 1)};
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> acc(shape);
    acc.add(V::from_indices(v1, shape), 2);
    acc.add(V::from_indices(v2, shape), 2);
    acc.add(V::from_indices(v3, shape), 1);
    const auto r = acc.result();
    CHECK(r[0] == at(0, 3));
    CHECK(r[1] == at(1, 5));
    CHECK(r[2] == at(2, 2));
    CHECK(r[3] == at(3, 4));
    // The order of the members does not matter.
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> reversed(shape);
    reversed.add(V::from_indices(v3, shape), 1);
    reversed.add(V::from_indices(v2, shape), 2);
    reversed.add(V::from_indices(v1, shape), 2);
    CHECK(reversed.result() == r);
    // dot(acc, v) sums the counts at v's indices: v1 gets 4 + 2 + 2 + 2 votes.
    CHECK(dot(acc, V::from_indices(v1, shape)) == 10);
    // An empty accumulator (all counts tied at 0, all gaps 1) gives the tie-break vector.
    CHECK(hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic>(shape).result() == tie);
    // Negative weights vote against an index: the maxima are the 7 others, and tie + 1 follows
    // the only gap of 2.
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> neg(shape);
    neg.add(tie, -1);
    for (std::size_t b = 0; b < 4; ++b) CHECK(neg.result()[b] == at(b, 1));
}

TEST_CASE("sparse: unrelated even bundles stay unrelated, members get their fair share",
          "[sparse][statistics]") {
    // With a fixed preferred index per block, the winners of two unrelated pair bundles agree
    // with probability 4 / (3 L) instead of 1 / L. The gap rule is rotation invariant, so each
    // index wins a tie equally often. A member of a pair bundle keeps its block with probability
    // 1/2 + 1/(2L).
    using V = hdc::sparse<1024, 64>;
    const double length = 64, blocks = 1024;
    hdc::rng gen{2024};
    const int trials = 200;
    double unrelated = 0, member = 0;
    for (int t = 0; t < trials; ++t) {
        const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen),
                d = hdc::random<V>(gen);
        const V ab = hdc::bundle({a, b}), cd = hdc::bundle({c, d});
        unrelated += hdc::similarity(ab, cd);
        member += hdc::similarity(ab, a);
    }
    unrelated /= trials;
    member /= trials;
    const double p = 1 / length, sigma_p = std::sqrt(p * (1 - p) / (blocks * trials));
    CHECK(std::abs(unrelated - p) < 4 * sigma_p);
    const double q = 0.5 + 0.5 / length, sigma_q = std::sqrt(q * (1 - q) / (blocks * trials));
    CHECK(std::abs(member - q) < 4 * sigma_q);
}

TEMPLATE_TEST_CASE("sparse: half-fixed shapes give the vectors of the fixed shape", "[sparse]",
                   sparse_fixed_blocks, sparse_fixed_length) {
    const auto a1 = hdc::symbol<TestType>("apple", 42, default_shape);
    const auto reference = hdc::symbol<hdc::sparse<1024, 64>>("apple", 42, default_shape);
    CHECK(std::equal(a1.indices().begin(), a1.indices().end(), reference.indices().begin()));
    hdc::rng g1{77}, g2{77};
    const auto r1 = hdc::random<TestType>(g1, default_shape);
    const auto r2 = hdc::sparse<1024, 64>::random(g2);
    CHECK(std::equal(r1.indices().begin(), r1.indices().end(), r2.indices().begin()));
}

TEST_CASE("sparse: bad layouts, indices and weights are rejected with a named error") {
    using V = hdc::sparse<hdc::dynamic, hdc::dynamic>;
    hdc::rng gen{9};
    const auto a = V::random(gen, {16, 8});
    const auto b = V::random(gen, {32, 8});
    const auto c = V::random(gen, {16, 4});
    const auto d = V::random(gen, {32, 4});  // same dense dimension as a, different layout
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
    CHECK_THROWS_AS((hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic>({4, 0})),
                    hdc::invalid_dimension);
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
