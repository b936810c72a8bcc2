// Sequence encoders (encoders/sequence.hpp): every family decodes the items of bundled and
// position-keyed sequences against an item memory; bound sequences are order-sensitive and
// unlike their items; the appendable trajectory equals the batch bundle and forgets at the rate
// it is given; bad input throws.
#include "helpers.hpp"
#include "model_info.hpp"

#include <hdc/encoders/sequence.hpp>
#include <hdc/memory/item_memory.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

namespace {

using real_float = hdc::real<10000>;
using mbat_float = hdc::mbat<4096>;
using sparse_1024x64 = hdc::sparse<1024, 64>;
#define HDC_SEQUENCE_TYPES \
    hdc::binary<10048>, hdc::bipolar<10000>, real_float, hdc::phasor<10000>, mbat_float, sparse_1024x64

/// A codebook of `size` symbols in an item memory, and the sequence of codebook entries `picks`.
template <class V>
struct fixture {
    hdc::item_memory<V> memory;
    std::vector<V> items;
    std::vector<std::string> labels;
    fixture(std::size_t size, const std::vector<std::size_t>& picks) {
        for (std::size_t i = 0; i < size; ++i)
            memory.add("s" + std::to_string(i), hdc::symbol<V>(i, 1234, V{}.shape()));
        for (std::size_t p : picks) {
            items.push_back(memory.vector(p));
            labels.push_back(memory.label(p));
        }
    }
};

const std::vector<std::size_t> picks{3, 17, 3, 42, 8, 29, 11};  // a repeated item included

}  // namespace

TEMPLATE_TEST_CASE("bundled positions: every item decodes from its position, vector and accumulator",
                   "[encoders][sequence]", HDC_SEQUENCE_TYPES) {
    using V = TestType;
    const fixture<V> f(64, picks);
    const std::size_t n = f.items.size();
    const hdc::accumulator<V> acc = hdc::bundle_sequence_accumulator(f.items);
    const V seq = hdc::bundle_sequence(f.items);
    CHECK(seq == acc.result());
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i);
        CHECK(f.memory.nearest(hdc::sequence_item(seq, n, i)).label == f.labels[i]);
        // Against the accumulator: the item, moved to its position, scores above every other
        // codebook entry moved there.
        std::size_t best = 0;
        double best_sim = -2;
        for (std::size_t c = 0; c < f.memory.size(); ++c) {
            const double s = hdc::similarity(acc, hdc::permute(f.memory.vector(c), std::ptrdiff_t(n - 1 - i)));
            if (s > best_sim) {
                best_sim = s;
                best = c;
            }
        }
        CHECK(f.memory.label(best) == f.labels[i]);
    }
    // Order-aware: the reversed sequence is a different vector.
    std::vector<V> reversed(f.items.rbegin(), f.items.rend());
    CHECK(hdc::similarity(hdc::bundle_sequence(reversed), seq) < 0.6);
    CHECK_THROWS_AS(hdc::sequence_item(seq, n, n), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::bundle_sequence(std::vector<V>{}), hdc::empty_input);
}

TEMPLATE_TEST_CASE("appending to a sequence accumulator equals bundling the whole sequence",
                   "[encoders][sequence]", HDC_SEQUENCE_TYPES) {
    using V = TestType;
    const fixture<V> f(64, picks);
    hdc::sequence_accumulator<V> stream;
    for (const V& x : f.items) stream.push_back(x);
    CHECK(stream.size() == f.items.size());
    const auto batch = hdc::bundle_sequence_accumulator(f.items);
    CHECK(hdc_test::model_info<V>::sums(stream.bundle()) == hdc_test::model_info<V>::sums(batch));
    CHECK(stream.result() == hdc::bundle_sequence(f.items));
    const std::size_t n = f.items.size();
    for (std::size_t back = 0; back < n; ++back) {
        CAPTURE(back);
        CHECK(f.memory.nearest(stream.item(back)).label == f.labels[n - 1 - back]);
        CHECK(stream.similarity_to(f.items[n - 1 - back], back) ==
              Approx(hdc::similarity(batch, hdc::permute(f.items[n - 1 - back], std::ptrdiff_t(back)))));
    }
    CHECK_THROWS_AS(stream.item(n), hdc::invalid_parameter);
    stream.clear();
    CHECK(stream.size() == 0);
    // Forgetting needs real weights.
    if constexpr (hdc_test::model_info<V>::integer_accumulator) {
        CHECK_THROWS_WITH(hdc::sequence_accumulator<V>(0.9), Catch::Contains("integer votes"));
    } else {
        CHECK_NOTHROW(hdc::sequence_accumulator<V>(0.9));
    }
    CHECK_THROWS_AS(hdc::sequence_accumulator<V>(0.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::sequence_accumulator<V>(1.5), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::sequence_accumulator<V>(std::nan("")), hdc::non_finite_value);
}

TEMPLATE_TEST_CASE("trajectory with forgetting: h_t = lambda rho(h_t-1) + x_t",
                   "[encoders][sequence]", real_float, hdc::phasor<10000>, mbat_float) {
    using V = TestType;
    const fixture<V> f(64, picks);
    const double lambda = 0.7;
    hdc::sequence_accumulator<V> h(lambda);
    for (const V& x : f.items) h.push_back(x);
    // The closed form: sum_i lambda^(n-1-i) rho^(n-1-i)(x_i).
    const std::size_t n = f.items.size();
    hdc::accumulator<V> closed(f.items[0].shape());
    for (std::size_t i = 0; i < n; ++i)
        closed.add(hdc::permute(f.items[i], std::ptrdiff_t(n - 1 - i)), std::pow(lambda, double(n - 1 - i)));
    CHECK(hdc_test::max_abs_diff(hdc_test::model_info<V>::sums(h.bundle()),
                                 hdc_test::model_info<V>::sums(closed)) < 1e-9);
    // Recent items are stronger: the signal falls by lambda per step back; the last few decode.
    for (std::size_t back = 0; back + 1 < 4; ++back) {
        CHECK(h.similarity_to(f.items[n - 1 - back], back) > h.similarity_to(f.items[n - 2 - back], back + 1));
        CHECK(f.memory.nearest(h.item(back)).label == f.labels[n - 1 - back]);
    }
}

TEMPLATE_TEST_CASE("bound sequences are order-sensitive and unlike their items",
                   "[encoders][sequence]", HDC_SEQUENCE_TYPES) {
    using V = TestType;
    using I = hdc_test::model_info<V>;
    const fixture<V> f(64, {5, 9, 13, 21});
    const V gram = hdc::bind_sequence(f.items);
    const double mu = I::random_pair_mean(gram.dim()), sigma = I::random_pair_std(gram.dim());
    for (const V& x : f.items) CHECK(std::abs(hdc::similarity(gram, x) - mu) < 4 * sigma);
    std::vector<V> swapped = f.items;
    std::swap(swapped[1], swapped[2]);
    CHECK(std::abs(hdc::similarity(hdc::bind_sequence(swapped), gram) - mu) < 4 * sigma);
    CHECK(hdc::bind_sequence(f.items) == gram);  // deterministic
    // The last item unbinds to the gram of the others, shifted one step.
    // Unbinding the last item leaves the bound earlier items at their positions; where
    // permutation distributes over binding that is the gram of the earlier items shifted once.
    const std::size_t n = f.items.size();
    V inner = hdc::permute(f.items[0], std::ptrdiff_t(n - 1));
    for (std::size_t i = 1; i + 1 < n; ++i) inner = hdc::bind(hdc::permute(f.items[i], std::ptrdiff_t(n - 1 - i)), inner);
    const V rest = hdc::unbind(gram, f.items.back());
    CHECK(hdc::similarity(rest, inner) > I::unbind_min_similarity - 1e-6);
    if constexpr (I::permute_distributes_over_bind) {
        const std::vector<V> head(f.items.begin(), f.items.end() - 1);
        CHECK(hdc::similarity(hdc::permute(hdc::bind_sequence(head), 1), inner) > 1 - 1e-6);
    }
    // A one-item gram is the item itself.
    CHECK(hdc::bind_sequence(std::vector<V>{f.items[0]}) == f.items[0]);
    CHECK_THROWS_AS(hdc::bind_sequence(std::vector<V>{}), hdc::empty_input);
}

TEMPLATE_TEST_CASE("position keys: items bound to random keys decode by unbinding the key",
                   "[encoders][sequence]", HDC_SEQUENCE_TYPES) {
    using V = TestType;
    const fixture<V> f(64, picks);
    const hdc::random_positions<V> keys(99);
    CHECK(keys(4) == keys(4));
    const V record = hdc::bind_positions(f.items, keys);
    for (std::size_t i = 0; i < f.items.size(); ++i) {
        CAPTURE(i);
        CHECK(f.memory.nearest(hdc::unbind(record, keys(i))).label == f.labels[i]);
    }
    CHECK_THROWS_AS(hdc::bind_positions(std::vector<V>{}, keys), hdc::empty_input);
}

TEMPLATE_TEST_CASE("graded position keys: nearby positions are similar (sinc), items still decode",
                   "[encoders][sequence]", hdc::phasor<10000>, real_float) {
    using V = TestType;
    const std::size_t length = 101;
    const double s = 3.0;
    const hdc::graded_positions<V> keys(length, s, hdc::fpe_kernel::sinc, 7);
    for (std::size_t t : {0, 1, 5, 20, 33, 50, 100}) {
        CAPTURE(t);
        const double d = s * double(t) / double(length - 1);
        const double expected = t == 0 ? 1.0 : std::sin(std::numbers::pi * d) / (std::numbers::pi * d);
        CHECK(keys.encoder().expected_similarity(0.0, double(t)) == Approx(expected).margin(1e-12));
        // 4 standard errors of a mean of 10,000 terms of variance at most 1.5 (cos: at most 1;
        // the RFF product adds 1/2 for its offset term).
        CHECK(std::abs(hdc::similarity(keys(0), keys(t)) - expected) < 4 * std::sqrt(1.5 / 10000));
    }
    // With s = 3 positions 34 apart are nearly orthogonal, so items spread that far decode.
    const fixture<V> f(64, picks);
    hdc::accumulator<V> acc(V{}.shape());
    for (std::size_t i = 0; i < 3; ++i) acc.add(hdc::bind(keys(34 * i), f.items[i]));
    for (std::size_t i = 0; i < 3; ++i) CHECK(f.memory.nearest(hdc::unbind(acc.result(), keys(34 * i))).label == f.labels[i]);
    CHECK_THROWS_AS(hdc::graded_positions<V>(1, s, hdc::fpe_kernel::sinc, 7), hdc::invalid_parameter);
}

TEST_CASE("sequence encoders refuse items of different shapes", "[encoders][sequence]") {
    using V = hdc::bipolar<>;
    hdc::rng gen{3};
    const std::vector<V> mixed{hdc::random<V>(gen, 100), hdc::random<V>(gen, 101)};
    CHECK_THROWS_AS(hdc::bundle_sequence(mixed), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::bind_sequence(mixed), hdc::dimension_mismatch);
    hdc::sequence_accumulator<V> stream(100);
    stream.push_back(mixed[0]);
    CHECK_THROWS_AS(stream.push_back(mixed[1]), hdc::dimension_mismatch);
    CHECK(stream.size() == 1);
    using S = hdc::sparse<>;
    hdc::sequence_accumulator<S> blocks(hdc::sparse_shape{16, 8});
    CHECK_THROWS_AS(blocks.push_back(hdc::random<S>(gen, hdc::sparse_shape{8, 16})), hdc::dimension_mismatch);
}

TEST_CASE("sequence accumulator: forgetting factors below the floor are refused up front",
          "[encoders][sequence]") {
    using V = hdc::real<>;
    // 1e-200 used to fail on the second push_back (x / lambda beyond the sum limit), 1e-310
    // (denormal) to give inf.
    for (const double lambda : {1e-200, 1e-310, 0.0, -0.5, 1.5, std::numeric_limits<double>::infinity()})
        CHECK_THROWS_AS(hdc::sequence_accumulator<V>(64, lambda), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::sequence_accumulator<V>(64, std::nan("")), hdc::non_finite_value);
    hdc::rng gen{5};
    hdc::sequence_accumulator<V> h(64, hdc::sequence_accumulator<V>::min_forgetting);
    const V a = hdc::random<V>(gen, 64), b = hdc::random<V>(gen, 64), c = hdc::random<V>(gen, 64);
    h.push_back(a);
    h.push_back(b);
    h.push_back(c);
    REQUIRE(h.size() == 3);
    // At the floor the older items are scaled away: h = c + 1e-100 rho(b) + ...
    CHECK(h.similarity_to(c, 0) == Approx(1.0).epsilon(1e-12));
}
