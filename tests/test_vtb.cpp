// Tests of hdc/models/vtb.hpp: the generic model properties for VTB, then what is particular to
// it: the block-diagonal product against its definition, the transpose's unbinding loss,
// non-commutativity, the dimension rule, and VTB in memories and encoders.
#include <hdc/encoders/sequence.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/vtb.hpp>

using vtb_double_1089 = hdc::vtb<1089, double>;  // 33^2: rows of 33, every SIMD tail
#define HDC_GOLDEN_TYPES hdc::vtb<10000>
#define HDC_MODEL_TYPES HDC_GOLDEN_TYPES, vtb_double_1089
#define HDC_STATISTICS_TYPES HDC_MODEL_TYPES

#include "dense_checks.hpp"
#include "model_properties.hpp"

namespace {

using vtb_float_dynamic = hdc::vtb<hdc::dynamic>;
using vtb_double_dynamic = hdc::vtb<hdc::dynamic, double>;

/// V_a b by the definition: the D x D block-diagonal matrix with n copies of sqrt(n) reshape(a),
/// built in full (long double), times b.
template <class V>
std::vector<long double> naive_bind(const V& a, const V& b, bool transpose) {
    const std::size_t d = a.dim(), n = hdc::vtb_family::root(d);
    std::vector<long double> m(d * d, 0.0L);
    const long double s = std::sqrt(static_cast<long double>(n));
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                m[(k * n + i) * d + (k * n + j)] = s * static_cast<long double>(a[i * n + j]);
    std::vector<long double> out(d, 0.0L);
    for (std::size_t r = 0; r < d; ++r)
        for (std::size_t c = 0; c < d; ++c)
            out[r] += (transpose ? m[c * d + r] : m[r * d + c]) * static_cast<long double>(b[c]);
    return out;
}

using hdc_test::eps;
using hdc_test::relative_error;

}  // namespace

TEMPLATE_TEST_CASE("VTB binds by the block-diagonal matrix of the key and unbinds by its transpose",
                   "[vtb]", vtb_float_dynamic, vtb_double_dynamic) {
    using V = TestType;
    hdc::rng gen{401};
    for (std::size_t n : {1u, 2u, 5u, 8u, 11u}) {
        CAPTURE(n);
        const V a = hdc::random<V>(gen, n * n), b = hdc::random<V>(gen, n * n);
        CHECK(relative_error(hdc::bind(a, b), naive_bind(a, b, false)) < 4 * eps<V>());
        CHECK(relative_error(hdc::unbind(b, a), naive_bind(a, b, true)) < 4 * eps<V>());
        CHECK(hdc::unbind(b, a) == hdc::bind(hdc::vtb_transpose(a), b));  // the paper's a~
        CHECK(hdc::vtb_transpose(hdc::vtb_transpose(a)) == a);
    }
}

TEMPLATE_TEST_CASE("VTB is bilinear but neither commutative nor shift-equivariant", "[vtb]",
                   hdc::vtb<10000>, vtb_double_1089) {
    using V = TestType;
    hdc::rng gen{402};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen);
    // Spread sqrt(2/D) as for the bound operands (model_info<vtb>); V_a b and V_b a share the
    // terms n (a_k . b_k)^2 of the matching slices, a mean of 1/d' (their sum n^3 / D^2).
    const double sigma = std::sqrt(2.0 / double(a.dim()));
    const double shared = 1.0 / double(hdc::vtb_family::root(a.dim()));
    // bind(a, b) and bind(b, a) are unrelated vectors up to that 1/d' (V_a b vs V_b a) ...
    CHECK(std::abs(hdc::similarity(hdc::bind(a, b), hdc::bind(b, a)) - shared) < 4 * sigma);
    // ... and unbinding with the wrong side gives noise.
    CHECK(std::abs(hdc::similarity(hdc::unbind(hdc::bind(a, b), b), a) - shared) < 4 * sigma);
    // Linear in the bound vector: a bind (2b - c) = 2 (a bind b) - a bind c, and in the key.
    hdc::accumulator<V> inner, outer, keys, by_key;
    inner.add(b, 2.0);
    inner.subtract(c);
    outer.add(hdc::bind(a, b), 2.0);
    outer.subtract(hdc::bind(a, c));
    CHECK(relative_error(hdc::bind(a, inner.result()), outer.result()) < 8 * eps<V>());
    keys.add(a);
    keys.add(c);
    by_key.add(hdc::bind(a, b));
    by_key.add(hdc::bind(c, b));
    CHECK(relative_error(hdc::bind(keys.result(), b), by_key.result()) < 8 * eps<V>());
    // A shift of one operand is no shift of the binding (HRR's convolution would be).
    CHECK(std::abs(hdc::similarity(hdc::permute(hdc::bind(a, b), 1), hdc::bind(a, hdc::permute(b, 1)))) < 4 * sigma);
}

TEST_CASE("VTB unbinding by the transpose loses signal as the Wishart spectrum predicts", "[vtb][statistics]") {
    // cos(V_a^T V_a b, b) ~ 1/sqrt(2 + 1/d') with standard deviation 1/(2 sqrt(D)) (model_info<vtb>).
    using V = vtb_double_1089;
    using I = model_info<V>;
    hdc::rng gen{403};
    const int trials = 300;
    std::vector<double> sims;
    for (int t = 0; t < trials; ++t) {
        const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
        sims.push_back(hdc::similarity(hdc::unbind(hdc::bind(a, b), a), b));
    }
    const auto got = measure(sims);
    const double sd = I::unbind_similarity_std(V{}.dim());
    INFO("mean " << got.mean << " expected " << I::unbind_similarity_mean() << "; sd " << got.std << " expected " << sd);
    CHECK(std::abs(got.mean - I::unbind_similarity_mean()) < 4 * sd / std::sqrt(double(trials)));
    CHECK(std::abs(got.std - sd) < 4 * hdc_test::std_standard_error(sd, 3.0, trials));
}

TEST_CASE("VTB refuses dimensions that are no perfect square, naming the dimension and the rule", "[vtb][errors]") {
    CHECK(hdc::vtb_family::accepts(1));
    CHECK(hdc::vtb_family::accepts(10000));
    CHECK(hdc::vtb_family::accepts(std::size_t{4294967295u} * 4294967295u));  // (2^32 - 1)^2
    CHECK_FALSE(hdc::vtb_family::accepts(0));
    CHECK_FALSE(hdc::vtb_family::accepts(1000));
    CHECK_FALSE(hdc::vtb_family::accepts(1088));
    hdc::rng gen{404};
    CHECK_THROWS_AS(vtb_float_dynamic(1000), hdc::invalid_dimension);
    CHECK_THROWS_WITH(hdc::random<vtb_float_dynamic>(gen, 1000),
                      Catch::Contains("1000") && Catch::Contains("perfect square"));
    CHECK_THROWS_AS(hdc::accumulator<vtb_float_dynamic>(99), hdc::invalid_dimension);
    const std::vector<float> values(12, 0.5f);
    CHECK_THROWS_AS(vtb_float_dynamic::from_values(values), hdc::invalid_dimension);
    // HRR takes any dimension.
    CHECK(hdc::random<hdc::hrr<hdc::dynamic>>(gen, 1000).dim() == 1000);
}

TEST_CASE("VTB in an item memory and a sequence encoder", "[vtb]") {
    using V = vtb_double_1089;
    hdc::item_memory<V> memory;
    std::vector<V> items;
    for (int i = 0; i < 100; ++i) {
        items.push_back(hdc::symbol<V>(i, 12));
        memory.add("item" + std::to_string(i), items.back());
    }
    const V key = hdc::symbol<V>("key", 12);
    for (int i : {0, 42, 99}) {
        const auto hit = memory.nearest(hdc::unbind(hdc::bind(key, items[static_cast<std::size_t>(i)]), key));
        CHECK(hit.label == "item" + std::to_string(i));
        CHECK(hit.similarity > 0.6);
    }
    // Role-filler record: a sum of bound pairs, each filler cleaned up from its role.
    const V r1 = hdc::symbol<V>("colour", 12), r2 = hdc::symbol<V>("shape", 12), r3 = hdc::symbol<V>("size", 12);
    const V record = hdc::bundle({hdc::bind(r1, items[5]), hdc::bind(r2, items[6]), hdc::bind(r3, items[7])});
    CHECK(memory.nearest(hdc::unbind(record, r1)).label == "item5");
    CHECK(memory.nearest(hdc::unbind(record, r2)).label == "item6");
    CHECK(memory.nearest(hdc::unbind(record, r3)).label == "item7");
    // Bundled positions.
    const std::vector<V> seq{items[3], items[1], items[4], items[1], items[5]};
    const V s = hdc::bundle_sequence(seq);
    for (std::size_t i = 0; i < seq.size(); ++i)
        CHECK(memory.nearest(hdc::sequence_item(s, seq.size(), i)).label == memory.nearest(seq[i]).label);
}
