// Scalar and sequence encoders (encoders/scalar.hpp, encoders/sequence.hpp): the cost of one
// encode at the usual dimensions, so the encoders built on them (records, time series, JSON,
// functions) can budget it. Values sweep the range, so every level and phase is exercised.
#include <hdc/core/algebra.hpp>
#include <hdc/encoders/scalar.hpp>
#include <hdc/encoders/sequence.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace {

using real_float = hdc::real<10000>;
using sparse_1024x64 = hdc::sparse<1024, 64>;

/// The value of iteration i: 1,000 points across [0, 1).
double sweep(std::size_t i) { return static_cast<double>(i % 1000) / 1000.0; }

/// level_encoder::encode with 100 levels.
template <class V>
void BM_level_encode(benchmark::State& state) {
    const hdc::level_encoder<V> enc({0.0, 1.0}, 100, hdc::out_of_range::clamp, 1);
    std::size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(enc(sweep(i++)));
}

/// circular_encoder::encode with 360 points.
template <class V>
void BM_circular_encode(benchmark::State& state) {
    const hdc::circular_encoder<V> enc({0.0, 1.0}, 360, hdc::out_of_range::wrap, 1);
    std::size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(enc(sweep(i++)));
}

/// fpe_encoder::encode of a scalar (sinc kernel) or of a point of state.range(0) coordinates
/// (Gaussian kernel).
template <class V>
void BM_fpe_encode(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const hdc::fpe_encoder<V> enc(std::vector<hdc::value_range>(n, {0.0, 1.0}), 3.0,
                                  n == 1 ? hdc::fpe_kernel::sinc : hdc::fpe_kernel::gaussian,
                                  hdc::out_of_range::clamp, 1);
    std::vector<double> x(n);
    std::size_t i = 0;
    for (auto _ : state) {
        for (auto& xk : x) xk = sweep(i++);
        benchmark::DoNotOptimize(enc(x));
    }
}

/// sequence_accumulator::push_back (rotate the bundle, add one vector) after 1,000 items.
template <class V>
void BM_sequence_push_back(benchmark::State& state) {
    hdc::rng gen{2};
    std::vector<V> items;
    for (int k = 0; k < 64; ++k) items.push_back(hdc::random<V>(gen));
    hdc::sequence_accumulator<V> seq;
    for (int k = 0; k < 1000; ++k) seq.push_back(items[static_cast<std::size_t>(k) % 64]);
    std::size_t i = 0;
    for (auto _ : state) seq.push_back(items[i++ % 64]);
}

/// bind_sequence of 4 items (an n-gram from scratch, with its permutations).
template <class V>
void BM_bind_sequence_4(benchmark::State& state) {
    hdc::rng gen{3};
    std::vector<V> items;
    for (int k = 0; k < 4; ++k) items.push_back(hdc::random<V>(gen));
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bind_sequence(items));
}

}  // namespace

BENCHMARK_TEMPLATE(BM_level_encode, hdc::binary<10048>);
BENCHMARK_TEMPLATE(BM_level_encode, hdc::bipolar<10000>);
BENCHMARK_TEMPLATE(BM_level_encode, real_float);
BENCHMARK_TEMPLATE(BM_level_encode, sparse_1024x64);
BENCHMARK_TEMPLATE(BM_circular_encode, hdc::binary<10048>);
BENCHMARK_TEMPLATE(BM_fpe_encode, hdc::phasor<10000>)->Arg(1)->Arg(3);
BENCHMARK_TEMPLATE(BM_fpe_encode, real_float)->Arg(1)->Arg(3);
BENCHMARK_TEMPLATE(BM_fpe_encode, hdc::binary<10048>)->Arg(1);
BENCHMARK_TEMPLATE(BM_sequence_push_back, hdc::binary<10048>);
BENCHMARK_TEMPLATE(BM_sequence_push_back, real_float);
BENCHMARK_TEMPLATE(BM_bind_sequence_4, hdc::binary<10048>);
BENCHMARK_TEMPLATE(BM_bind_sequence_4, hdc::phasor<10000>);

BENCHMARK_MAIN();
