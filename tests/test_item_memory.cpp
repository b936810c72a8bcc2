// Tests of hdc::item_memory with every family: search agrees with a brute-force reference built
// from similarity(a, b), results do not depend on the thread count, and the bookkeeping (labels,
// removal, views, errors) behaves.
#include <hdc/hdc.hpp>
#include <hdc/memory/item_memory.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace {

using real_float = hdc::real<256>;
using sparse_64x16 = hdc::sparse<64, 16>;
using binary_odd = hdc::binary<1000>;  // not a multiple of 64: exercises the tail word

/// Memory of n random vectors labelled "v<i>".
template <class V>
hdc::item_memory<V> make_memory(hdc::rng& gen, std::size_t n, std::vector<V>& stored) {
    hdc::item_memory<V> memory;
    for (std::size_t i = 0; i < n; ++i) {
        stored.push_back(hdc::random<V>(gen));
        CHECK(memory.add("v" + std::to_string(i), stored.back()) == i);
    }
    return memory;
}

/// Brute-force top k by similarity(a, b), ties by index.
template <class V>
std::vector<std::size_t> reference_top_k(const std::vector<V>& stored, const V& q, std::size_t k) {
    std::vector<std::size_t> idx(stored.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::vector<double> sim;
    for (const V& v : stored) sim.push_back(hdc::similarity(q, v));
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return sim[a] > sim[b]; });
    idx.resize(std::min(k, idx.size()));
    return idx;
}

}  // namespace

#define HDC_MEMORY_TYPES                                                                       \
    hdc::binary<256>, binary_odd, hdc::bipolar<300>, real_float, hdc::phasor<200>, sparse_64x16, \
        hdc::mbat<128>

TEMPLATE_TEST_CASE("item_memory: search equals a brute-force reference", "[memory]", HDC_MEMORY_TYPES) {
    using V = TestType;
    hdc::rng gen{201};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 3000, stored);
    REQUIRE(memory.size() == 3000);
    std::vector<V> queries;
    for (int i = 0; i < 7; ++i) queries.push_back(hdc::random<V>(gen));
    queries.push_back(stored[1234]);  // an exact member

    for (const V& q : queries) {
        const auto sims = memory.similarities(q);
        REQUIRE(sims.size() == stored.size());
        for (std::size_t i = 0; i < stored.size(); ++i) REQUIRE(sims[i] == hdc::similarity(q, stored[i]));
        const auto ref = reference_top_k(stored, q, 10);
        const auto top = memory.top_k(q, 10);
        REQUIRE(top.size() == 10);
        for (std::size_t j = 0; j < 10; ++j) {
            CHECK(top[j].index == ref[j]);
            CHECK(top[j].label == "v" + std::to_string(ref[j]));
            CHECK(top[j].similarity == sims[ref[j]]);
        }
        CHECK(memory.nearest(q) == top.front());
    }
    CHECK(memory.nearest(stored[1234]).index == 1234);
    CHECK(memory.nearest(stored[1234]).similarity == Approx(1.0).margin(1e-6));

    // Many queries in one blocked pass give the same answers as one at a time.
    const auto batched = memory.top_k(std::span<const V>(queries), 5);
    const auto nearest = memory.nearest(std::span<const V>(queries));
    for (std::size_t q = 0; q < queries.size(); ++q) {
        CHECK(batched[q] == memory.top_k(queries[q], 5));
        CHECK(nearest[q] == memory.nearest(queries[q]));
    }
}

TEMPLATE_TEST_CASE("item_memory: results do not depend on the thread count", "[memory][threads]",
                   HDC_MEMORY_TYPES) {
    using V = TestType;
    hdc::rng gen{202};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 5000, stored);
    std::vector<V> queries;
    for (int i = 0; i < 5; ++i) queries.push_back(hdc::random<V>(gen));
    const auto one = memory.top_k(std::span<const V>(queries), 8, 1);
    for (unsigned threads : {2u, 3u, 0u}) {
        CHECK(memory.top_k(std::span<const V>(queries), 8, threads) == one);
        CHECK(memory.similarities(queries[0], threads) == memory.similarities(queries[0], 1));
    }
}

TEMPLATE_TEST_CASE("item_memory: cleanup of noisy members (ALGORITHMS.md 7.4)", "[memory]",
                   hdc::binary<10048>, hdc::bipolar<10000>) {
    // 1,000 atoms at D = 10,000; flipping 40% of a member's components leaves similarity ~0.2
    // against noise of std 0.01, so cleanup must always succeed.
    using V = TestType;
    hdc::rng gen{203};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 1000, stored);
    for (std::size_t t = 0; t < 20; ++t) {
        const std::size_t target = gen.below(stored.size());
        hdc::binary<V::extent == 10048 ? 10048 : 10000> mask;
        for (std::size_t i = 0; i < mask.dim(); ++i) mask.set(i, gen.below(10) < 4);
        V noisy = stored[target];
        if constexpr (std::is_same_v<V, hdc::binary<10048>>) {
            noisy = hdc::bind(noisy, mask);
        } else {
            for (std::size_t i = 0; i < noisy.dim(); ++i)
                if (mask[i]) noisy.set(i, static_cast<std::int8_t>(-noisy[i]));
        }
        const auto hit = memory.nearest(noisy);
        CHECK(hit.index == target);
        CHECK(hit.similarity == Approx(0.2).margin(4 * 0.0092));  // std of 1 - 2h/D at p = 0.4
    }
}

TEST_CASE("item_memory: labels, removal, views and growth") {
    using V = hdc::binary<128>;
    hdc::rng gen{204};
    hdc::item_memory<V> memory;
    CHECK(memory.empty());
    std::vector<V> vs;
    for (int i = 0; i < 40; ++i) {
        vs.push_back(hdc::random<V>(gen));
        memory.add(i % 2 ? "odd" : "even" + std::to_string(i), vs.back());
    }
    CHECK(memory.find("even4") == std::optional<std::size_t>(4));
    CHECK(memory.find("odd") == std::optional<std::size_t>(1));
    CHECK_FALSE(memory.find("missing").has_value());
    CHECK(memory.vector(7) == vs[7]);

    // A view reads the stored rows in place.
    const auto view = memory.view();
    CHECK(view.size() == 40);
    CHECK(view.row(3) == memory.row(3).data());
    CHECK(view[5] == vs[5]);
    CHECK(reinterpret_cast<std::uintptr_t>(view.row(1)) % 64 == 0);

    memory.remove(4);
    CHECK(memory.size() == 39);
    CHECK(memory.vector(4) == vs[5]);
    CHECK(memory.label(4) == "odd");
    CHECK(memory.remove("odd") == 20);
    CHECK(memory.size() == 19);
    for (std::size_t i = 0; i < memory.size(); ++i) CHECK(memory.label(i).rfind("even", 0) == 0);
    CHECK(memory.nearest(vs[10]).label == "even10");
    memory.clear();
    CHECK(memory.empty());
}

TEST_CASE("item_memory: a run-time dimension is taken from the first vector") {
    using W = hdc::bipolar<hdc::dynamic>;
    hdc::rng gen{205};
    hdc::item_memory<W> memory;
    const W a = hdc::random<W>(gen, 500);
    memory.add("a", a);
    CHECK(memory.shape() == 500);
    CHECK(memory.nearest(a).label == "a");
    CHECK_THROWS_AS(memory.add("b", hdc::random<W>(gen, 501)), hdc::dimension_mismatch);
    CHECK(memory.size() == 1);
    CHECK_THROWS_AS(memory.nearest(hdc::random<W>(gen, 64)), hdc::dimension_mismatch);
}

TEST_CASE("item_memory: bad input throws named errors and changes nothing") {
    using V = hdc::real<64>;
    hdc::rng gen{206};
    hdc::item_memory<V> memory;
    CHECK_THROWS_AS(memory.nearest(hdc::random<V>(gen)), hdc::empty_input);
    CHECK_THROWS_WITH(memory.nearest(hdc::random<V>(gen)), Catch::Contains("empty memory"));
    memory.add("x", hdc::random<V>(gen));
    CHECK_THROWS_AS(memory.top_k(hdc::random<V>(gen), 0), hdc::invalid_parameter);
    CHECK(memory.top_k(hdc::random<V>(gen), 5).size() == 1);
    CHECK_THROWS_AS(memory.remove(3), hdc::invalid_parameter);
    CHECK_THROWS_WITH(memory.vector(9), Catch::Contains("out of range"));
    CHECK(memory.size() == 1);
}
