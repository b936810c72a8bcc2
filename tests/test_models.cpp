// The generic property tests (model_properties.hpp) for the first six families: binary,
// bipolar, real, phasor, sparse block codes and MBAT. The per-family test files keep only what is
// particular to one family; a family added later may instantiate the generic tests in its own
// file instead of here, so that the families compile in parallel.
#include "model_info.hpp"

// Aliases keep commas out of the Catch macros.
using real_float = hdc::real<10000>;
using real_double = hdc::real<10000, double>;
using sparse_1024x64 = hdc::sparse<1024, 64>;
// The shapes whose generated streams are pinned by golden checksums.
#define HDC_GOLDEN_TYPES \
    hdc::binary<10048>, hdc::bipolar<10000>, real_float, real_double, hdc::phasor<10000>, sparse_1024x64, hdc::mbat<4096>

// Odd sizes, no multiple of any register width, so every kernel also runs its tail (and a block
// length that is no power of two); MBAT in double precision.
using real_float_1001 = hdc::real<1001>;
using real_double_1001 = hdc::real<1001, double>;
using mbat_double_1001 = hdc::mbat<1001, double>;
using sparse_1001x61 = hdc::sparse<1001, 61>;
#define HDC_MODEL_TYPES                                                                            \
    HDC_GOLDEN_TYPES, hdc::binary<1001>, hdc::bipolar<1001>, real_float_1001, real_double_1001, \
        hdc::phasor<1001>, mbat_double_1001, sparse_1001x61

// Long blocks: index collisions are rare and the count bundle's similarity to a member tends to
// 1/sqrt(M). Only in the statistical tests: a random pair then shares 0.25 blocks on average, too
// skewed a count for single-pair 4-sigma bounds.
using sparse_1024x4096 = hdc::sparse<1024, 4096>;
#define HDC_STATISTICS_TYPES HDC_MODEL_TYPES, sparse_1024x4096

#include "model_properties.hpp"

TEST_CASE("mu_M, the similarity of a majority bundle to a member, matches tabulated values",
          "[models][statistics]") {
    CHECK(hdc_test::majority_mu(1) == 1.0);
    CHECK(hdc_test::majority_mu(3) == Approx(0.5));
    CHECK(hdc_test::majority_mu(11) == Approx(0.2461).margin(1e-4));
    CHECK(hdc_test::majority_mu(31) == Approx(0.1445).margin(1e-4));
    CHECK(hdc_test::majority_mu(101) == Approx(0.0796).margin(1e-4));
    CHECK(model_info<real_float>::unbind_similarity_mean() == Approx(0.745356).margin(1e-6));
}

TEMPLATE_TEST_CASE("floating accumulators scale their sums and refuse bad factors unchanged",
                   "[models][primitives]", real_float, real_double, hdc::phasor<1001>, mbat_double_1001) {
    using V = TestType;
    using I = model_info<V>;
    hdc::rng gen{227};
    hdc::accumulator<V> acc(shape_of<V>());
    acc.add(hdc::random<V>(gen), 3.0);
    acc.add(hdc::random<V>(gen), -1.5);
    const auto before = I::sums(acc);
    hdc::accumulator<V> half = acc;
    half.scale(0.5);
    const auto after = I::sums(half);
    bool halved = after.size() == before.size();
    for (std::size_t i = 0; i < before.size() && halved; ++i) halved = after[i] == before[i] * 0.5;
    CHECK(halved);
    CHECK(half.count() == acc.count() * 0.5);
    CHECK_THROWS_AS(acc.scale(std::nan("")), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.scale(1e200), hdc::invalid_parameter);
    CHECK(I::sums(acc) == before);
}
