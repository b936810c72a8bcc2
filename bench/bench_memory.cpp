// bench_memory - hdc::item_memory search over N = 100,000 stored vectors (one thread unless the
// benchmark's name says otherwise): binary and bipolar at D = 10,000 (binary 10,048) and 1,024,
// real (float) and MBAT at D = 10,000. Bytes/s counts the stored rows read per query pass.
// compare_real measures the real-valued search against a plain read in one self-timing run.
#include <hdc/memory/item_memory.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/real.hpp>

#include <benchmark/benchmark.h>

#include <span>
#include <vector>

namespace {

constexpr std::size_t rows = 100000;

/// A memory of `rows` random vectors and `queries` random queries, built once per type.
template <class V>
struct fixture {
    hdc::item_memory<V> memory;
    std::vector<V> queries;
    fixture() {
        hdc::rng gen{7};
        memory.reserve(rows);
        for (std::size_t i = 0; i < rows; ++i) memory.add(hdc::random<V>(gen));
        for (int q = 0; q < 100; ++q) queries.push_back(hdc::random<V>(gen));
    }
    static fixture& get() {
        static fixture f;
        return f;
    }
    std::int64_t bytes() const {
        const auto v = memory.view();
        return static_cast<std::int64_t>(v.size() * v.stride() * sizeof(typename hdc::row_traits<V>::element_type));
    }
};

template <class V>
void nearest_one(benchmark::State& state) {
    auto& f = fixture<V>::get();
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(f.memory.nearest(f.queries[0], threads));
    state.SetBytesProcessed(state.iterations() * f.bytes());
}

template <class V>
void nearest_hundred(benchmark::State& state) {
    auto& f = fixture<V>::get();
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(f.memory.nearest(std::span<const V>(f.queries), threads));
    state.SetBytesProcessed(state.iterations() * f.bytes());
    state.counters["queries/s"] = benchmark::Counter(100.0 * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}

using binary_10k = hdc::binary<10048>;
using binary_1k = hdc::binary<1024>;
using bipolar_10k = hdc::bipolar<10000>;
using bipolar_1k = hdc::bipolar<1024>;
using real_10k = hdc::real<10000>;
using mbat_10k = hdc::mbat<10000>;

}  // namespace

BENCHMARK_TEMPLATE(nearest_one, binary_10k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_one, binary_1k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_one, bipolar_10k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_one, bipolar_1k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_one, real_10k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_one, mbat_10k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_hundred, binary_10k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_hundred, binary_1k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_hundred, bipolar_10k)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(nearest_hundred, real_10k)->Arg(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
