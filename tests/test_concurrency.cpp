// Const member functions are safe to call concurrently (the standard library's rule): several
// threads call the const members of one shared accumulator (merge it into their own, result,
// similarity, sums) and must all see what one thread sees. Tagged [concurrency]: CI runs this
// program under ThreadSanitizer, which reports any write a const member would make.
#include <hdc/hdc.hpp>

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
