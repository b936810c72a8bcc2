// Tests of hdc/models/bipolar.hpp: MAP-B vectors, their MAP-I accumulator, and the agreement of
// both with the binary (BSC) model they are isomorphic to.
#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>

#include "helpers.hpp"
#include "tie_reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace {

using hdc_test::random_atoms;

using fixed_vector = hdc::bipolar<1001>;
using dynamic_vector = hdc::bipolar<hdc::dynamic>;
constexpr std::size_t dim = 1001;  // not a multiple of 8 or 64 (kernel tails)

template <class A, class B>
bool same_values(const A& a, const B& b) {
    const auto x = a.values(), y = b.values();
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin());
}

}  // namespace

TEST_CASE("bipolar: construction gives the all +1 identity") {
    const fixed_vector f;
    CHECK(f.dim() == dim);
    for (auto x : f.values()) CHECK(x == 1);
    const dynamic_vector empty;
    CHECK(empty.dim() == 0);
    CHECK(permute(empty, 3) == empty);
    const dynamic_vector d(dim);
    CHECK(same_values(f, d));
    hdc::rng gen{1};
    CHECK_THROWS_AS(dynamic_vector::random(gen), hdc::invalid_dimension);  // dimension forgotten
}

TEMPLATE_TEST_CASE("bipolar: random and symbol are the bipolar images of binary's", "",
                   fixed_vector, dynamic_vector) {
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
    const auto a = hdc::symbol<TestType>("apple", 42, dim);
    const auto b = hdc::symbol<hdc::binary<dim>>("apple", 42);
    for (std::size_t i = 0; i < dim; ++i) REQUIRE(a[i] == (b[i] ? -1 : 1));
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

TEMPLATE_TEST_CASE("bipolar: an even bundle keeps agreeing components and resolves ties by partners",
                   "", fixed_vector, dynamic_vector) {
    hdc::rng gen{5};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim);
    const auto r = hdc::bundle({a, b});
    std::vector<std::int32_t> sums(dim);
    std::size_t ties = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        sums[i] = a[i] + b[i];
        if (a[i] == b[i])
            REQUIRE(r[i] == a[i]);
        else
            ++ties;
    }
    CHECK(ties > 0);
    CHECK(r == hdc_test::reference_majority_vector<TestType>(sums));
}

TEMPLATE_TEST_CASE("bipolar: binding is the elementwise product: self-inverse, commutative, associative",
                   "", fixed_vector, dynamic_vector) {
    hdc::rng gen{11};
    const auto a = hdc::random<TestType>(gen, dim), b = hdc::random<TestType>(gen, dim),
               c = hdc::random<TestType>(gen, dim);
    const TestType identity(dim);
    const auto ab = bind(a, b);
    CHECK(unbind(ab, b) == a);
    CHECK(ab == bind(b, a));
    CHECK(bind(a, a) == identity);
    CHECK(bind(a, identity) == a);
    CHECK(bind(bind(a, b), c) == bind(a, bind(b, c)));
    // Binding with the same key preserves similarity exactly.
    CHECK(similarity(bind(c, a), bind(c, b)) == similarity(a, b));
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
    // The accumulator's dot is the sum of the members' dots.
    const auto atoms = random_atoms<TestType>(gen, 10, dim);
    hdc::accumulator<TestType> acc(dim);
    for (const auto& x : atoms) acc.add(x);
    std::int64_t expected_dot = 0;
    for (const auto& x : atoms) expected_dot += dot(x, a);
    CHECK(dot(acc, a) == expected_dot);
    CHECK(similarity(acc, a) ==
          Approx(static_cast<double>(expected_dot) /
                 std::sqrt(static_cast<double>(dim) *
                           [&] {
                               const auto sums = acc.sums();
                               return std::inner_product(sums.begin(), sums.end(), sums.begin(), 0.0);
                           }())));
}

TEMPLATE_TEST_CASE("bipolar accumulator: integer weights, int32 overflow and the empty result", "",
                   fixed_vector, dynamic_vector) {
    hdc::rng gen{61};
    const auto atoms = random_atoms<TestType>(gen, 7, dim);
    using acc_type = hdc::accumulator<TestType>;

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
    SECTION("a cleared accumulator has dot 0 and the all-tied result") {
        acc_type acc(dim);
        acc.add(atoms[0]);
        acc.clear();
        CHECK(dot(acc, atoms[0]) == 0);
        // With every sum zero every component falls back to the fixed bits.
        CHECK(acc.result() ==
              hdc_test::reference_majority_vector<TestType>(std::vector<std::int32_t>(dim, 0)));
    }
}

TEST_CASE("bipolar: bad input to the bipolar-only API throws and names the problem") {
    hdc::rng gen{71};
    const auto a = dynamic_vector::random(gen, dim), b = dynamic_vector::random(gen, dim - 1);
    CHECK_THROWS_AS(dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hamming(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(cosine(a, b), hdc::dimension_mismatch);
    hdc::bipolar_accumulator<hdc::dynamic> acc(dim);
    acc.add(a);
    CHECK_THROWS_AS(dot(acc, b), hdc::dimension_mismatch);

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
