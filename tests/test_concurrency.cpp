// Const member functions are safe to call concurrently (the standard library's rule): several
// threads call the const members of one shared accumulator (merge it into their own, result,
// similarity, sums) and must all see what one thread sees. Tagged [concurrency]: CI runs this
// program under ThreadSanitizer, which reports any write a const member would make.
#include <hdc/core/algebra.hpp>
#include <hdc/encoders/scalar.hpp>
#include <hdc/encoders/sequence.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include "model_info.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 4;
constexpr int repeats = 3;

/// Nine unit adds (pending in the binary and bipolar accumulators' bit-sliced counters, which a
/// const call must not fold) and one weighted add, then concurrent const calls.
template <class V>
void check_concurrent_const_calls(const typename V::shape_type& shape) {
    using info = hdc_test::model_info<V>;
    hdc::rng gen{4242};
    std::vector<V> atoms;
    for (int i = 0; i < 10; ++i) atoms.push_back(hdc::random<V>(gen, shape));
    hdc::accumulator<V> acc(shape);
    for (int i = 0; i < 9; ++i) acc.add(atoms[static_cast<std::size_t>(i)]);
    acc.add(atoms[9], 2);
    const hdc::accumulator<V>& shared = acc;

    // What one thread sees.
    hdc::accumulator<V> serial(shape);
    serial.merge(shared);
    serial.merge(shared);
    const V expected_merged = serial.result();
    const auto expected_merged_sums = info::sums(serial);
    const V expected_result = shared.result();
    const double expected_similarity = similarity(shared, atoms[0]);
    // From a copy: shared must start the threads with its unit votes still pending.
    const auto expected_sums = info::sums(hdc::accumulator<V>(shared));

    std::array<bool, thread_count> ok{};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            bool good = true;
            for (int r = 0; r < repeats; ++r) {
                hdc::accumulator<V> mine(shape);
                mine.merge(shared);
                mine.merge(shared);
                good = good && shared.result() == expected_result;
                good = good && similarity(shared, atoms[0]) == expected_similarity;
                good = good && info::sums(shared) == expected_sums;
                good = good && mine.result() == expected_merged;
                good = good && info::sums(mine) == expected_merged_sums;
                good = good && mine.count() == 2 * shared.count();
            }
            ok[static_cast<std::size_t>(t)] = good;
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < thread_count; ++t) CHECK(ok[static_cast<std::size_t>(t)]);
    CHECK(info::sums(shared) == expected_sums);
}

}  // namespace

TEST_CASE("concurrency: const calls on one shared accumulator from several threads",
          "[concurrency]") {
    SECTION("binary") { check_concurrent_const_calls<hdc::binary<>>(1001); }
    SECTION("bipolar") { check_concurrent_const_calls<hdc::bipolar<>>(1001); }
    SECTION("real") { check_concurrent_const_calls<hdc::real<>>(1001); }
    SECTION("phasor") { check_concurrent_const_calls<hdc::phasor<>>(1001); }
    SECTION("mbat") { check_concurrent_const_calls<hdc::mbat<>>(256); }
    SECTION("sparse") {
        check_concurrent_const_calls<hdc::sparse<>>(hdc::sparse_shape{128, 16});
    }
}

namespace {

/// Runs body(t) on thread_count threads and checks that each returned true.
template <class Body>
void on_threads(Body body) {
    std::array<bool, thread_count> ok{};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t)
        threads.emplace_back([&, t] { ok[static_cast<std::size_t>(t)] = body(t); });
    for (auto& th : threads) th.join();
    for (int t = 0; t < thread_count; ++t) CHECK(ok[static_cast<std::size_t>(t)]);
}

/// Concurrent searches of one shared memory (one query, many queries, with and without worker
/// threads of its own) give what one thread gets.
template <class V>
void check_concurrent_search(std::size_t dim) {
    hdc::rng gen{77};
    hdc::item_memory<V> memory(dim);
    std::vector<V> queries;
    for (int i = 0; i < 300; ++i) memory.add(std::to_string(i), hdc::random<V>(gen, dim));
    for (int i = 0; i < 20; ++i) queries.push_back(memory.vector(static_cast<std::size_t>(7 * i)));
    const auto& shared = memory;
    const auto one = shared.nearest(queries[3]);
    const auto many = shared.nearest(std::span<const V>(queries));
    on_threads([&](int t) {
        bool good = true;
        for (int r = 0; r < repeats; ++r) {
            good = good && shared.nearest(queries[3], 1 + static_cast<unsigned>(t % 2)) == one;
            good = good && shared.nearest(std::span<const V>(queries), 2) == many;
            good = good && shared.find(std::to_string(21)) == std::optional<std::size_t>(21);
        }
        return good;
    });
}

}  // namespace

TEST_CASE("concurrency: one shared item memory searched from several threads", "[concurrency]") {
    SECTION("binary") { check_concurrent_search<hdc::binary<>>(1001); }
    SECTION("real") { check_concurrent_search<hdc::real<>>(1001); }
    SECTION("mbat") { check_concurrent_search<hdc::mbat<>>(256); }
}

TEST_CASE("concurrency: first MBAT key bindings of a new dimension from several threads",
          "[concurrency]") {
    // The keyed operator's fixed permutations are made once per dimension and shared: threads
    // that bind at a dimension nobody used yet must all get the operator one thread gets.
    using V = hdc::mbat<>;
    const std::size_t dim = 1237;
    hdc::rng gen{5};
    const V key = hdc::random<V>(gen, dim), x = hdc::random<V>(gen, dim);
    std::array<V, thread_count> bound;
    on_threads([&](int t) {
        bound[static_cast<std::size_t>(t)] = hdc::bind(key, x);
        return true;
    });
    for (const V& b : bound) CHECK(b == hdc::bind(key, x));
    CHECK(hdc::similarity(hdc::unbind(bound[0], key), x) > 0.999);
}

TEST_CASE("concurrency: one shared scalar encoder per kind, encoding from several threads",
          "[concurrency]") {
    using V = hdc::bipolar<1000>;
    using P = hdc::phasor<1000>;
    const hdc::level_encoder<V> level({0.0, 1.0}, 32, hdc::out_of_range::clamp, 1);
    const hdc::circular_encoder<V> circle({0.0, 1.0}, 32, hdc::out_of_range::wrap, 1);
    const hdc::fpe_encoder<P> fpe({0.0, 1.0}, 3.0, hdc::fpe_kernel::sinc, hdc::out_of_range::clamp, 1);
    const hdc::random_positions<V> keys(1);
    std::vector<double> xs;
    for (int i = 0; i < 40; ++i) xs.push_back(i / 39.0);
    const auto run = [&] {
        std::vector<double> out;
        for (double x : xs) {
            out.push_back(hdc::similarity(level(x), circle(x)));
            out.push_back(hdc::similarity(fpe(x), fpe(0.5)));
            out.push_back(hdc::similarity(keys(static_cast<std::size_t>(x * 39)), level(x)));
        }
        return out;
    };
    const std::vector<double> expected = run();
    std::array<std::vector<double>, thread_count> seen;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < seen.size(); ++t) threads.emplace_back([&, t] { seen[t] = run(); });
    for (auto& th : threads) th.join();
    for (const auto& s : seen) CHECK(s == expected);
}
