// Tests of hdc::item_memory with every family: search agrees with a brute-force reference built
// from similarity(a, b), results do not depend on the thread count, and the bookkeeping (labels,
// removal, views, errors) behaves.
#include <hdc/core/algebra.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/memory/search.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace {

using real_float = hdc::real<256>;
using real_double = hdc::real<100, double>;
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
        const auto single = memory.top_k(queries[q], 5);
        if constexpr (hdc::row_traits<V>::kernel::uses_norms) {
            // One matrix product per block: the same neighbours, scores equal to rounding.
            REQUIRE(batched[q].size() == single.size());
            for (std::size_t j = 0; j < single.size(); ++j) {
                CHECK(batched[q][j].index == single[j].index);
                CHECK(batched[q][j].label == single[j].label);
                CHECK(batched[q][j].similarity == Approx(single[j].similarity).margin(1e-12));
            }
            CHECK(nearest[q].index == single.front().index);
        } else {
            CHECK(batched[q] == single);
            CHECK(nearest[q] == memory.nearest(queries[q]));
        }
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

// A row kernel that fails on marked rows, to provoke exceptions inside search threads: rows whose
// first component is exactly 0.5 throw hdc::invalid_parameter, exactly 0.25 std::bad_alloc.
struct fragile_kernel : hdc::row_kernels::cosine<double> {
    using base = hdc::row_kernels::cosine<double>;
    static void check(const double* rows, std::size_t stride, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            if (rows[i * stride] == 0.5) throw hdc::invalid_parameter("fragile row reached");
            if (rows[i * stride] == 0.25) throw std::bad_alloc();
        }
    }
    static void one(const double* q, double qn, const double* rows, std::size_t stride, std::size_t n,
                    std::size_t dim, const double* norms, double* out) {
        check(rows, stride, n);
        base::one(q, qn, rows, stride, n, dim, norms, out);
    }
    static void many(const double* qs, std::size_t nq, const double* qn, const double* rows, std::size_t stride,
                     std::size_t n, std::size_t dim, const double* norms, double* out) {
        check(rows, stride, n);
        base::many(qs, nq, qn, rows, stride, n, dim, norms, out);
    }
};
using fragile_model = hdc::real<96, double>;
template <>
struct hdc::row_traits<fragile_model> {
    using element_type = double;
    static std::size_t row_size(std::size_t dim) { return dim; }
    static void store(const fragile_model& v, double* row) { std::copy(v.data(), v.data() + v.dim(), row); }
    static fragile_model load(const double* row, std::size_t dim) {
        return fragile_model::from_values(std::span<const double>(row, dim), dim);
    }
    using kernel = fragile_kernel;
};

namespace {

/// v with its first component replaced by x.
fragile_model with_first(const fragile_model& v, double x) {
    std::vector<double> values(v.data(), v.data() + v.dim());
    values[0] = x;
    return fragile_model::from_values(values);
}

}  // namespace

namespace {

/// A memory of the given vectors labelled "v<i>", except "marked" at the listed indices.
hdc::item_memory<fragile_model> fragile_memory(const std::vector<fragile_model>& vs, std::vector<std::size_t> marked) {
    hdc::item_memory<fragile_model> memory;
    for (std::size_t i = 0; i < vs.size(); ++i)
        memory.add(std::count(marked.begin(), marked.end(), i) ? "marked" : "v" + std::to_string(i), vs[i]);
    return memory;
}

}  // namespace

TEST_CASE("item_memory: an exception in a search thread reaches the caller", "[memory][threads]") {
    hdc::rng gen{207};
    std::vector<fragile_model> stored;
    for (int i = 0; i < 8192; ++i) stored.push_back(hdc::random<fragile_model>(gen));
    const auto q = hdc::random<fragile_model>(gen);
    const std::vector<fragile_model> qs{q, stored[5], hdc::random<fragile_model>(gen)};
    // With 4 threads the parts are [0, 2048), [2048, 4096), [4096, 6144), [6144, 8192); with 2,
    // [0, 4096) and [4096, 8192): row 7000 is always searched by a thread other than the caller's.
    auto marked = stored;
    marked[7000] = with_first(stored[7000], 0.5);
    auto memory = fragile_memory(marked, {7000});
    for (unsigned threads : {2u, 4u}) {
        CHECK_THROWS_WITH(memory.nearest(q, threads), Catch::Contains("fragile row reached"));
        CHECK_THROWS_AS(memory.top_k(std::span<const fragile_model>(qs), 3, threads), hdc::invalid_parameter);
        CHECK_THROWS_AS(memory.similarities(q, threads), hdc::invalid_parameter);
    }
    // The memory is unchanged and usable: without the marked row, searches succeed and agree.
    REQUIRE(memory.size() == 8192);
    for (std::size_t i : {0u, 100u, 6999u, 7000u, 8191u}) CHECK(memory.vector(i) == marked[i]);
    CHECK(memory.find("marked") == std::optional<std::size_t>(7000));
    CHECK(memory.remove("marked") == 1);
    CHECK(memory.nearest(stored[5], 4) == memory.nearest(stored[5], 1));
    CHECK(memory.nearest(stored[5], 2).index == 5);
    CHECK(memory.top_k(std::span<const fragile_model>(qs), 3, 4) ==
          memory.top_k(std::span<const fragile_model>(qs), 3, 1));
    memory.add("v7000", stored[7000]);
    CHECK(memory.nearest(stored[7000], 4).index == 8191);

    // Two failing parts: the caller gets the exception of the lower part (row 3000: part 1 of 4,
    // std::bad_alloc), not the higher one's (row 7000: part 3, invalid_parameter).
    marked[3000] = with_first(stored[3000], 0.25);
    const auto two = fragile_memory(marked, {3000, 7000});
    for (unsigned threads : {1u, 2u, 4u}) {
        CHECK_THROWS_AS(two.nearest(q, threads), std::bad_alloc);
        CHECK_THROWS_AS(two.top_k(std::span<const fragile_model>(qs), 2, threads), std::bad_alloc);
    }
    CHECK(two.size() == 8192);
}

TEST_CASE("item_memory: find(label) follows additions, removals and duplicates", "[memory]") {
    using V = hdc::binary<64>;
    hdc::rng gen{208};
    hdc::item_memory<V> memory;
    // Reference: the first index holding the label, by a linear scan.
    auto scan = [&](const std::string& label) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < memory.size(); ++i)
            if (memory.label(i) == label) return i;
        return std::nullopt;
    };
    const std::vector<std::string> names{"a", "b", "c", "d", "e", ""};
    for (int step = 0; step < 600; ++step) {
        const auto op = gen.below(10);
        const std::string& name = names[gen.below(names.size())];
        if (op < 6 || memory.empty()) {
            memory.add(name, hdc::random<V>(gen));
        } else if (op < 9) {
            memory.remove(gen.below(memory.size()));
        } else {
            const auto before = memory.size();
            std::size_t expected = 0;
            for (std::size_t i = 0; i < before; ++i) expected += memory.label(i) == name;
            CHECK(memory.remove(name) == expected);
            CHECK(memory.size() == before - expected);
        }
        for (const auto& n : names) REQUIRE(memory.find(n) == scan(n));
    }
    // Duplicates: find gives the first; removing it exposes the next.
    memory.clear();
    CHECK_FALSE(memory.find("a").has_value());
    memory.add("x", hdc::random<V>(gen));
    memory.add("a", hdc::random<V>(gen));
    memory.add("a", hdc::random<V>(gen));
    CHECK(memory.find("a") == std::optional<std::size_t>(1));
    memory.remove(0);
    CHECK(memory.find("a") == std::optional<std::size_t>(0));
    memory.remove(0);
    CHECK(memory.find("a") == std::optional<std::size_t>(0));
    memory.remove(0);
    CHECK_FALSE(memory.find("a").has_value());
}

TEMPLATE_TEST_CASE("item_memory: cached norms stay right through removals", "[memory]", real_float,
                   hdc::mbat<128>, real_double) {
    using V = TestType;
    hdc::rng gen{209};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 300, stored);
    for (int i = 0; i < 50; ++i) memory.remove(gen.below(memory.size()));
    memory.remove("v7");
    memory.add("scaled", hdc::bundle(std::vector<V>{stored[3], stored[4], stored[5]}));
    const V q = hdc::random<V>(gen);
    const auto sims = memory.similarities(q, 2);
    for (std::size_t i = 0; i < memory.size(); ++i) REQUIRE(sims[i] == hdc::similarity(q, memory.vector(i)));
}

TEMPLATE_TEST_CASE("search over a caller's own batch_view, without a memory", "[memory][batch]", HDC_MEMORY_TYPES) {
    using V = TestType;
    using E = typename hdc::row_traits<V>::element_type;
    hdc::rng gen{210};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 2500, stored);
    // The caller's buffer, laid out as core/batch.hpp describes.
    const auto shape = stored[0].shape();
    const std::size_t stride = hdc::row_stride<V>(shape);
    hdc::aligned_buffer<E> buffer(stored.size() * stride);
    std::fill(buffer.data(), buffer.data() + stored.size() * stride, E{});
    for (std::size_t i = 0; i < stored.size(); ++i) hdc::row_traits<V>::store(stored[i], buffer.data() + i * stride);
    const hdc::batch_view<V> rows(buffer.data(), stored.size(), stride, shape);

    std::vector<V> queries{hdc::random<V>(gen), stored[77], hdc::random<V>(gen)};
    for (const V& q : queries) {
        const auto sims = hdc::similarities(rows, q, 2);
        REQUIRE(sims.size() == stored.size());
        for (std::size_t i = 0; i < stored.size(); ++i) REQUIRE(sims[i] == hdc::similarity(q, stored[i]));
        const auto top = hdc::top_k(rows, q, 6, 3);
        const auto ref = memory.top_k(q, 6);
        REQUIRE(top.size() == ref.size());
        for (std::size_t j = 0; j < top.size(); ++j) {
            CHECK(top[j].index == ref[j].index);
            CHECK(top[j].similarity == ref[j].similarity);
            CHECK(top[j].label.empty());
        }
        CHECK(hdc::nearest(rows, q).index == ref.front().index);
    }
    CHECK(hdc::nearest(rows, stored[77]).index == 77);
    // Many queries through the searcher match the memory's many-query path exactly.
    const hdc::batch_searcher<V> searcher(rows);
    const auto many = searcher.top_k(std::span<const V>(queries), 4, 2);
    const auto many_ref = memory.top_k(std::span<const V>(queries), 4, 1);
    for (std::size_t q = 0; q < queries.size(); ++q)
        for (std::size_t j = 0; j < 4; ++j) {
            CHECK(many[q][j].index == many_ref[q][j].index);
            CHECK(many[q][j].similarity == many_ref[q][j].similarity);
        }
    // A sub-range is searched in place too; indices are relative to it.
    CHECK(hdc::nearest(rows.subview(50, 100), stored[77]).index == 27);
    // A stride that is not the padded layout is refused; an empty batch has no nearest.
    if (stride > 1) CHECK_THROWS_AS(hdc::batch_searcher<V>(hdc::batch_view<V>(buffer.data(), 2, stride - 1, shape)),
                                    hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::nearest(hdc::batch_view<V>(buffer.data(), 0, stride, shape), stored[0]), hdc::empty_input);
}

TEMPLATE_TEST_CASE("item_memory: many cosine queries through one matrix product per block", "[memory][threads]",
                   real_float, hdc::mbat<128>, real_double) {
    using V = TestType;
    using kernel = typename hdc::row_traits<V>::kernel;
    hdc::rng gen{211};
    std::vector<V> stored;
    auto memory = make_memory<V>(gen, 2600, stored);  // not a whole number of blocks
    memory.add("copy of v5", stored[5]);              // an exact tie with row 5, at index 2600
    std::vector<V> queries;
    for (std::size_t i = 0; i < kernel::gemm_min_queries + 4; ++i) queries.push_back(hdc::random<V>(gen));
    queries[3] = stored[5];
    const std::span<const V> qs(queries);
    const auto one_thread = memory.top_k(qs, 4, 1);
    for (unsigned threads : {2u, 3u, 4u, 0u}) CHECK(memory.top_k(qs, 4, threads) == one_thread);
    for (std::size_t q = 0; q < queries.size(); ++q) {
        const auto single = memory.top_k(queries[q], 4);
        for (std::size_t j = 0; j < 4; ++j) {
            CHECK(one_thread[q][j].index == single[j].index);
            CHECK(one_thread[q][j].similarity == Approx(single[j].similarity).margin(1e-12));
        }
    }
    // The tie: both copies first, the lower index first.
    CHECK(one_thread[3][0].index == 5);
    CHECK(one_thread[3][1].index == 2600);
    CHECK(one_thread[3][0].similarity == one_thread[3][1].similarity);
    CHECK(memory.nearest(qs, 2)[3].index == 5);
    // Fewer queries than the product threshold: exactly the one-query scores.
    const auto few = memory.top_k(qs.first(kernel::gemm_min_queries - 1), 4, 2);
    for (std::size_t q = 0; q < few.size(); ++q) CHECK(few[q] == memory.top_k(queries[q], 4));
}
