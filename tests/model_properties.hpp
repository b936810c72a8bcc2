// The generic property tests of the hypervector families: the algebra of DESIGN.md and the
// statistics of ALGORITHMS.md section 1.8, written once against hdc::hypervector. A test program
// defines three type lists and includes this file once:
//   HDC_MODEL_TYPES       every shape under test (fixed dimensions; model_info names the dynamic
//                         counterpart),
//   HDC_STATISTICS_TYPES  the shapes for the statistical tests (usually HDC_MODEL_TYPES),
//   HDC_GOLDEN_TYPES      the shapes whose generated streams model_info pins by checksums.
// test_models.cpp instantiates them for the first six families; a family's own test file may
// instantiate them for its shapes, so that each family compiles in its own program.
// The per-family facts the assertions need live in model_info.hpp, the theory in stats.hpp.
#pragma once

#include "helpers.hpp"
#include "model_info.hpp"
#include "stats.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#if !defined(HDC_MODEL_TYPES) || !defined(HDC_STATISTICS_TYPES) || !defined(HDC_GOLDEN_TYPES)
#error "define HDC_MODEL_TYPES, HDC_STATISTICS_TYPES and HDC_GOLDEN_TYPES before including model_properties.hpp"
#endif

namespace model_properties {

using hdc_test::model_info;

using hdc_test::max_abs_diff;
using hdc_test::measure;

/// Expected shape of a fixed-dimension model (its default-constructed vector's).
template <class V>
typename V::shape_type shape_of() {
    return V{}.shape();
}

/// Standard deviation of the similarity between a bound (or wrongly unbound) vector and one of
/// its operands: that of a random pair unless the family states otherwise.
template <class I>
double bind_operand_std(std::size_t dim) {
    if constexpr (requires { I::bind_operand_std(dim); })
        return I::bind_operand_std(dim);
    else
        return I::random_pair_std(dim);
}

/// Standard deviation of the similarity between permute(bind(a, b), k) and
/// bind(permute(a, k), permute(b, k)) where permutation does not distribute over binding: that of
/// a random pair unless the family states otherwise.
template <class I>
double permuted_bind_std(std::size_t dim) {
    if constexpr (requires { I::permuted_bind_std(dim); })
        return I::permuted_bind_std(dim);
    else
        return I::random_pair_std(dim);
}

/// Shifts that cover small, register-sized, whole-turn and multi-turn moves of n positions.
inline std::vector<std::ptrdiff_t> test_shifts(std::size_t positions) {
    const auto n = static_cast<std::ptrdiff_t>(positions);
    return {0, 1, -1, 3, 7, 17, -40, 64, 65, -123, n - 1, n, n + 5, n + 7, -(3 * n + 2)};
}

/// Checks that f throws dimension_mismatch naming the two sizes.
template <class F>
void check_mismatch(F&& f, std::size_t left, std::size_t right) {
    try {
        f();
        FAIL("no hdc::dimension_mismatch thrown");
    } catch (const hdc::dimension_mismatch& e) {
        CHECK(e.left() == left);
        CHECK(e.right() == right);
        CHECK_THAT(e.what(), Catch::Contains("dimension mismatch") &&
                                 Catch::Contains(std::to_string(left)) &&
                                 Catch::Contains(std::to_string(right)));
    }
}

}  // namespace model_properties

using namespace model_properties;

TEMPLATE_TEST_CASE("models satisfy the hypervector concept", "[models]", HDC_MODEL_TYPES) {
    using W = typename model_info<TestType>::dynamic_type;
    STATIC_REQUIRE(hdc::hypervector<TestType>);
    STATIC_REQUIRE(hdc::hypervector<W>);
    // hdc::accumulator<V> names the family's own accumulator class.
    STATIC_REQUIRE(std::is_same_v<hdc::accumulator<TestType>, typename model_info<TestType>::accumulator_type>);
    STATIC_REQUIRE(std::is_same_v<hdc::accumulator<W>, typename model_info<W>::accumulator_type>);
}

TEMPLATE_TEST_CASE("unbind inverts bind, bound and wrongly unbound vectors are noise", "[models]",
                   HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{101};
    const std::size_t dim = V{}.dim();
    const double mu = I::random_pair_mean(dim), sigma = bind_operand_std<I>(dim);
    const int trials = 10;
    std::vector<double> recovered;
    for (int trial = 0; trial < trials; ++trial) {
        const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), wrong = hdc::random<V>(gen);
        const V c = hdc::bind(a, b);
        const V back = hdc::unbind(c, a);
        // The binding is as dissimilar to its inputs as a random vector (within 4 sigma), and so
        // is what the wrong key recovers.
        CHECK(std::abs(hdc::similarity(c, a) - mu) < 4 * sigma);
        CHECK(std::abs(hdc::similarity(c, b) - mu) < 4 * sigma);
        CHECK(std::abs(hdc::similarity(hdc::unbind(c, wrong), b) - mu) < 4 * sigma);
        if constexpr (I::exact_unbind) {
            CHECK(back == b);
        } else {
            CHECK(hdc::similarity(back, b) > I::unbind_min_similarity);
        }
        recovered.push_back(hdc::similarity(back, b));
    }
    if constexpr (requires { I::unbind_similarity_mean(); }) {
        // An approximate inverse: the recovered similarity has a predicted mean and spread.
        const auto got = measure(recovered);
        const double expected = I::unbind_similarity_mean();
        INFO("mean " << got.mean << " expected " << expected);
        CHECK(std::abs(got.mean - expected) < 4 * I::unbind_similarity_std(dim) / std::sqrt(double(trials)));
    }
}

TEMPLATE_TEST_CASE("permute(k) shifts the positions cyclically by k, permute(-k) inverts it",
                   "[models]", HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{102};
    const V a = hdc::random<V>(gen);
    const std::size_t positions = I::positions(a);
    const double mu = I::random_pair_mean(a.dim()), sigma = I::random_pair_std(a.dim());
    for (std::ptrdiff_t k : test_shifts(positions)) {
        CAPTURE(k);
        const V p = hdc::permute(a, k);
        CHECK(hdc::permute(p, -k) == a);
        const std::size_t s = hdc::detail::shift_amount(k, positions);
        bool shifted = true;
        for (std::size_t i = 0; i < positions; ++i) shifted = shifted && p[(i + s) % positions] == a[i];
        CHECK(shifted);
        if (s == 0) {
            CHECK(p == a);
        } else {
            CHECK(std::abs(hdc::similarity(p, a) - mu) < 4 * sigma);
        }
    }
    CHECK(hdc::permute(hdc::permute(a, 5), 7) == hdc::permute(a, 12));
}

TEMPLATE_TEST_CASE("permutation distributes over bind, bundle and accumulation", "[models]",
                   HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{103};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen);
    const std::size_t positions = I::positions(a);
    const double mu = I::random_pair_mean(a.dim()), sigma = permuted_bind_std<I>(a.dim());
    for (std::ptrdiff_t k : test_shifts(positions)) {
        CAPTURE(k);
        const std::size_t s = hdc::detail::shift_amount(k, positions);
        const V bound = hdc::permute(hdc::bind(a, b), k);
        const V bound_permuted = hdc::bind(hdc::permute(a, k), hdc::permute(b, k));
        if (I::permute_distributes_over_bind || s == 0) {
            CHECK(bound == bound_permuted);
        } else {  // the two are unrelated vectors
            CHECK(std::abs(hdc::similarity(bound, bound_permuted) - mu) < 4 * sigma);
        }
        const std::vector<V> inputs = I::tie_free_bundle_inputs(a, b, c);
        std::vector<V> permuted;
        for (const V& x : inputs) permuted.push_back(hdc::permute(x, k));
        const V lhs = hdc::permute(hdc::bundle(inputs), k), rhs = hdc::bundle(permuted);
        if constexpr (I::result_is_positionwise) {
            CHECK(lhs == rhs);
        } else {  // a normalising norm sums in another order: equal up to rounding
            CHECK(hdc::similarity(lhs, rhs) > 1 - 1e-12);
        }
        // The accumulated sums move with their positions, exactly.
        hdc::accumulator<V> acc(shape_of<V>()), acc_permuted(shape_of<V>());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            acc.add(inputs[i], double(i + 1));
            acc_permuted.add(permuted[i], double(i + 1));
        }
        const auto sums = I::sums(acc), sums_permuted = I::sums(acc_permuted);
        REQUIRE(sums.size() % positions == 0);
        const std::size_t width = sums.size() / positions;
        bool moved = sums_permuted.size() == sums.size();
        for (std::size_t i = 0; i < positions && moved; ++i)
            for (std::size_t j = 0; j < width; ++j)
                moved = moved && sums_permuted[((i + s) % positions) * width + j] == sums[i * width + j];
        CHECK(moved);
    }
}

TEMPLATE_TEST_CASE("random vectors are quasi-orthogonal (section 1.8, within 4 standard errors)",
                   "[models][statistics]", HDC_STATISTICS_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{104};
    const int pairs = 300;
    std::vector<double> sims;
    for (int i = 0; i < pairs; ++i) {
        const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
        sims.push_back(hdc::similarity(a, b));
        if (i == 0) CHECK(std::abs(hdc::similarity(a, a) - 1.0) <= I::rounding);
    }
    const auto m = measure(sims);
    const std::size_t dim = V{}.dim();
    const double mu = I::random_pair_mean(dim);
    const double sigma = I::random_pair_std(dim);
    INFO("mean " << m.mean << " expected " << mu << "; std " << m.std << " expected " << sigma);
    CHECK(std::abs(m.mean - mu) < 4 * sigma / std::sqrt(double(pairs)));
    CHECK(std::abs(m.std - sigma) < 4 * hdc_test::std_standard_error(sigma, I::random_pair_kurtosis(dim), pairs));
}

TEMPLATE_TEST_CASE("a bundle stays similar to its members as the theory predicts",
                   "[models][statistics]", HDC_STATISTICS_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{105};
    const std::size_t dim = V{}.dim();
    for (int m : {3, 11, 31, 101}) {
        const int trials = m < 30 ? 200 : m < 100 ? 50 : 20;
        std::vector<double> member_sims, majority_means;
        double sum_mismatch = 0;  // |similarity(bundle) - similarity(accumulator)| for bundle_is_sum
        for (int t = 0; t < trials; ++t) {
            std::vector<V> members;
            hdc::accumulator<V> acc(shape_of<V>());
            for (int i = 0; i < m; ++i) {
                members.push_back(hdc::random<V>(gen));
                acc.add(members.back());
            }
            // One member per trial: the samples are independent.
            const V& member = members[static_cast<std::size_t>(t % m)];
            member_sims.push_back(similarity(acc, member));
            if constexpr (I::majority_bundle) {
                const V b = hdc::bundle(members);
                double total = 0;
                for (const V& x : members) total += hdc::similarity(b, x);
                majority_means.push_back(total / m);
            }
            if constexpr (I::bundle_is_sum) {
                const double d = std::abs(hdc::similarity(hdc::bundle(members), member) - member_sims.back());
                sum_mismatch = std::max(sum_mismatch, d);
            }
        }
        // The accumulator: the (un-normalised) sum of the members, MAP-I for the majority families.
        const auto got = measure(member_sims);
        const double expected = I::sum_bundle_similarity(m);
        const double se = I::sum_bundle_std(m, dim) / std::sqrt(double(trials));
        INFO("M = " << m << ": accumulator mean " << got.mean << " expected " << expected << " se " << se);
        CHECK(std::abs(got.mean - expected) < 4 * se);
        if constexpr (I::majority_bundle) {
            const auto maj = measure(majority_means);
            const double mu = hdc_test::majority_mu(m);
            const double maj_se = hdc_test::majority_member_mean_sd(m, double(dim)) / std::sqrt(double(trials));
            INFO("majority mean " << maj.mean << " expected mu_M = " << mu << " se " << maj_se);
            CHECK(std::abs(maj.mean - mu) < 4 * maj_se);
        }
        if constexpr (I::bundle_is_sum) CHECK(sum_mismatch < 1e-5);  // float rounding of result()
    }
}

TEMPLATE_TEST_CASE("symbols are deterministic and distinct", "[models]", HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    const double mu = I::random_pair_mean(V{}.dim()), sigma = I::random_pair_std(V{}.dim());
    const auto unrelated = [&](const V& x, const V& y) { return std::abs(hdc::similarity(x, y) - mu) < 4 * sigma; };
    const V apple = hdc::symbol<V>("apple", 42);
    CHECK(apple == hdc::symbol<V>("apple", 42));
    // A symbol is the random vector drawn from the stream keyed by its name and seed.
    hdc::rng stream = hdc::rng::from_key(hdc::detail::symbol_key(hdc::detail::hash_name("apple"), 42));
    CHECK(apple == hdc::random<V>(stream));
    CHECK(unrelated(apple, hdc::symbol<V>("apples", 42)));
    CHECK(unrelated(apple, hdc::symbol<V>("apple", 43)));
    CHECK(hdc::symbol<V>(7, 42) == hdc::symbol<V>(7u, 42));
    CHECK(unrelated(hdc::symbol<V>(7, 42), hdc::symbol<V>(8, 42)));
    CHECK(unrelated(hdc::symbol<V>(7, 42), hdc::symbol<V>("7", 42)));
}

TEMPLATE_TEST_CASE("fixed and dynamic dimensions give identical results", "[models]", HDC_MODEL_TYPES) {
    using V = TestType;
    using W = typename model_info<V>::dynamic_type;
    const auto shape = shape_of<V>();
    hdc::rng g1{106}, g2{106};
    const V a = hdc::random<V>(g1), b = hdc::random<V>(g1), c = hdc::random<V>(g1);
    const W x = hdc::random<W>(g2, shape), y = hdc::random<W>(g2, shape), z = hdc::random<W>(g2, shape);
    const auto bytes = [](const auto& v) { return model_info<std::decay_t<decltype(v)>>::bytes(v); };
    CHECK(bytes(a) == bytes(x));
    CHECK(bytes(hdc::bind(a, b)) == bytes(hdc::bind(x, y)));
    CHECK(bytes(hdc::unbind(a, b)) == bytes(hdc::unbind(x, y)));
    CHECK(bytes(hdc::bundle({a, b, c})) == bytes(hdc::bundle({x, y, z})));
    CHECK(bytes(hdc::bundle({a, b})) == bytes(hdc::bundle({x, y})));  // tie-break path
    CHECK(bytes(hdc::permute(a, 5)) == bytes(hdc::permute(x, 5)));
    CHECK(bytes(hdc::permute(a, -17)) == bytes(hdc::permute(x, -17)));
    CHECK(bytes(hdc::symbol<V>("k", 3)) == bytes(hdc::symbol<W>("k", 3, shape)));
    CHECK(hdc::similarity(a, b) == hdc::similarity(x, y));
    hdc::accumulator<V> acc_fixed(shape);
    hdc::accumulator<W> acc_dynamic(shape);
    acc_fixed.add(a, 3);
    acc_fixed.add(b);
    acc_fixed.subtract(c);
    acc_dynamic.add(x, 3);
    acc_dynamic.add(y);
    acc_dynamic.subtract(z);
    CHECK(model_info<V>::sums(acc_fixed) == model_info<W>::sums(acc_dynamic));
    CHECK(bytes(acc_fixed.result()) == bytes(acc_dynamic.result()));
    CHECK(similarity(acc_fixed, c) == similarity(acc_dynamic, z));
}

TEMPLATE_TEST_CASE("accumulator: merge equals adding everything, subtract undoes add, clear forgets",
                   "[models]", HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{107};
    std::vector<V> xs;
    for (int i = 0; i < 9; ++i) xs.push_back(hdc::random<V>(gen));
    // Integer accumulators take integer weights only; the others any finite weight.
    const double integer_weights[] = {1, 2, -1, 3, 1, 1, -2, 1, 2};
    const double real_weights[] = {1, 2.5, -0.75, 3, 1, 0.5, -2, 1, 1.5};
    const double* weights = I::integer_accumulator ? integer_weights : real_weights;
    // Sums of a few numbers of magnitude <= 3 in another order differ by a few ulp at most.
    const double tolerance = I::integer_accumulator ? 0.0 : 1e-12;
    hdc::accumulator<V> all(shape_of<V>()), left(shape_of<V>()), right(shape_of<V>());
    double total = 0;
    for (int i = 0; i < 9; ++i) {
        all.add(xs[i], weights[i]);
        (i < 4 ? left : right).add(xs[i], weights[i]);
        total += weights[i];
    }
    left.merge(right);
    CHECK(all.count() == Approx(total));
    CHECK(left.count() == Approx(total));
    CHECK(max_abs_diff(I::sums(left), I::sums(all)) <= tolerance);
    CHECK(hdc::similarity(left.result(), all.result()) >= 1 - I::rounding);
    if constexpr (I::integer_accumulator) CHECK(left.result() == all.result());

    hdc::accumulator<V> unit(shape_of<V>());
    for (const V& x : xs) unit.add(x);
    CHECK(unit.count() == 9);
    CHECK(unit.result() == hdc::bundle(xs));

    const V extra = hdc::random<V>(gen);
    hdc::accumulator<V> grown = all;
    grown.add(extra, 2.0);
    // The sums move by 2 extra (or the family's image of it: votes, counts, phasor parts), whose
    // largest entry over the D positions is above the family's component scale unless every
    // |component| is under half the scale (about 0.38^D for Normal components, 0.5^D for uniform
    // ones, never for votes, counts or unit phasors).
    CHECK(max_abs_diff(I::sums(grown), I::sums(all)) > I::component_scale(extra.dim()));
    grown.subtract(extra);
    grown.subtract(extra);
    CHECK(grown.count() == Approx(all.count()));
    CHECK(max_abs_diff(I::sums(grown), I::sums(all)) <= tolerance);
    if constexpr (I::integer_accumulator) CHECK(grown.result() == all.result());

    // A single vector, with any positive weight, is its own bundle.
    hdc::accumulator<V> one(shape_of<V>());
    one.add(xs[0], 3);
    CHECK(std::abs(similarity(one, xs[0]) - 1.0) <= I::rounding);
    if constexpr (I::integer_accumulator) {
        CHECK(one.result() == xs[0]);
    } else {
        CHECK(hdc::similarity(one.result(), xs[0]) >= 1 - I::rounding);
    }

    all.clear();
    CHECK(all.count() == 0);
    const auto cleared = I::sums(all);
    CHECK(std::all_of(cleared.begin(), cleared.end(), [](double s) { return s == 0; }));
    CHECK(similarity(all, xs[0]) == 0.0);  // an empty accumulator is similar to nothing
}

TEMPLATE_TEST_CASE("golden checksums pin the generated streams", "[models][golden]", HDC_GOLDEN_TYPES) {
    // A failure here means vectors generated from the same seed changed: every stored codebook
    // and published result would change with them. Update only for a deliberate, noted change.
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{2026};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen);
    CHECK(hdc_test::fnv1a(I::bytes(hdc::symbol<V>("golden", 7))) == I::golden_symbol);
    CHECK(hdc_test::fnv1a(I::bytes(hdc::bind(a, b))) == I::golden_bind);
    CHECK(hdc_test::fnv1a(I::bytes(hdc::bundle({a, b, c, hdc::permute(a, 3)}))) == I::golden_bundle);
}

TEMPLATE_TEST_CASE("bad input throws a specific hdc::error naming the problem and changes nothing",
                   "[models][errors]", HDC_MODEL_TYPES) {
    using V = TestType;
    using W = typename model_info<V>::dynamic_type;
    using I = model_info<V>;
    using J = model_info<W>;
    hdc::rng gen{108};
    const W a = hdc::random<W>(gen, I::small_shape(1)), b = hdc::random<W>(gen, I::small_shape(2));
    const std::size_t pa = I::positions(a), pb = I::positions(b);
    check_mismatch([&] { (void)hdc::bind(a, b); }, pa, pb);
    CHECK_THROWS_WITH(hdc::bind(a, b), Catch::Contains("bind"));
    check_mismatch([&] { (void)hdc::unbind(a, b); }, pa, pb);
    CHECK_THROWS_WITH(hdc::unbind(a, b), Catch::Contains("unbind"));
    check_mismatch([&] { (void)hdc::similarity(a, b); }, pa, pb);
    CHECK_THROWS_AS(hdc::bundle({a, b}), hdc::dimension_mismatch);

    hdc::accumulator<W> acc(a.shape());
    acc.add(a);
    const auto before = J::sums(acc);
    check_mismatch([&] { acc.add(b); }, pa, pb);
    CHECK_THROWS_AS(acc.add(b, 2.0), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.subtract(b), hdc::dimension_mismatch);
    hdc::accumulator<W> other(b.shape());
    CHECK_THROWS_AS(acc.merge(other), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, b), hdc::dimension_mismatch);
    // A weight that is no number (or, for integer accumulators, no integer) is refused.
    using weight_error = std::conditional_t<I::integer_accumulator, hdc::invalid_parameter, hdc::non_finite_value>;
    CHECK_THROWS_AS(acc.add(a, std::nan("")), weight_error);
    CHECK_THROWS_AS(acc.add(a, std::numeric_limits<double>::infinity()), weight_error);
    CHECK_THROWS_AS(acc.add(a, -std::numeric_limits<double>::infinity()), weight_error);
    CHECK(J::sums(acc) == before);  // the failed calls left the accumulator untouched
    CHECK(acc.count() == 1);

    CHECK_THROWS_AS(hdc::bundle(std::vector<W>{}), hdc::empty_input);
    CHECK_THROWS_WITH(hdc::bundle(std::vector<W>{}), Catch::Contains("bundle"));
    CHECK_THROWS_AS(hdc::bundle(std::vector<V>{}), hdc::empty_input);
    CHECK_THROWS_AS(W(I::small_shape(0)), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::random<W>(gen, I::small_shape(0)), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::accumulator<W>(I::small_shape(0)), hdc::invalid_dimension);
    // A fixed-dimension type refuses any other shape.
    CHECK_THROWS_AS(V(I::small_shape(1)), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::random<V>(gen, I::small_shape(1)), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::accumulator<V>(I::small_shape(1)), hdc::invalid_dimension);
}

TEMPLATE_TEST_CASE("an accumulator permutes in place like its members, pending votes included",
                   "[models][primitives]", HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{211};
    // 21 unit adds (bit-sliced counters of the vote families: low and high planes) and two
    // weighted ones (their int32 sums).
    std::vector<V> inputs;
    for (int i = 0; i < 23; ++i) inputs.push_back(hdc::random<V>(gen));
    const std::size_t positions = I::positions(inputs[0]);
    for (std::ptrdiff_t k : test_shifts(positions)) {
        CAPTURE(k);
        hdc::accumulator<V> acc(shape_of<V>()), expected(shape_of<V>());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const double w = i < 21 ? 1.0 : double(i) - 25.0;
            acc.add(inputs[i], w);
            expected.add(hdc::permute(inputs[i], k), w);
        }
        acc.permute(k);
        CHECK(I::sums(acc) == I::sums(expected));
        CHECK(acc.count() == expected.count());
        acc.permute(-k);
        acc.add(inputs[0]);  // still a working accumulator
        CHECK(acc.count() == expected.count() + 1);
    }
}

TEMPLATE_TEST_CASE("blend takes the masked components from the second vector, negate is exact",
                   "[models][primitives]", HDC_MODEL_TYPES) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{223};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
    const std::size_t n = hdc::component_count(a);
    CHECK(n == I::positions(a));
    const std::size_t words = (n + 63) / 64;
    std::vector<std::uint64_t> none(words, 0), all(words, ~std::uint64_t{0}), mask(words), inverse(words);
    for (std::size_t w = 0; w < words; ++w) {
        mask[w] = gen();
        inverse[w] = ~mask[w];
    }
    CHECK(hdc::blend(a, b, std::span<const std::uint64_t>(none)) == a);
    CHECK(hdc::blend(a, b, std::span<const std::uint64_t>(all)) == b);  // bits past n ignored
    const V mixed = hdc::blend(a, b, std::span<const std::uint64_t>(mask));
    CHECK(mixed == hdc::blend(b, a, std::span<const std::uint64_t>(inverse)));
    CHECK(hdc::blend(mixed, a, std::span<const std::uint64_t>(mask)) == a);
    CHECK(hdc::blend(b, mixed, std::span<const std::uint64_t>(inverse)) == mixed);
    // Half the components from each: similar to both by about 1/2 (+ the random-pair mean).
    const double mu = 0.5 + 0.5 * I::random_pair_mean(a.dim());
    CHECK(std::abs(hdc::similarity(mixed, a) - mu) < 0.1);
    CHECK(std::abs(hdc::similarity(mixed, b) - mu) < 0.1);
    std::vector<std::uint64_t> short_mask(words + 1, 0);
    CHECK_THROWS_AS(hdc::blend(a, b, std::span<const std::uint64_t>(short_mask)), hdc::invalid_parameter);
    if constexpr (requires { hdc::negate(a); }) {
        const V minus = hdc::negate(a);
        CHECK(hdc::negate(minus) == a);
        CHECK(hdc::similarity(a, minus) == Approx(-1).margin(I::rounding + 1e-12));
        CHECK(hdc::similarity(minus, b) == Approx(-hdc::similarity(a, b)).margin(1e-9));
    }
}
