// bench_transform - Google Benchmark of the structured-operator kernels of simd/transform.hpp at
// D = 2,048 (the soft JSON encoder's default dimension): the in-place Walsh-Hadamard transform and
// the sign kernels (flip, signed add, sign fill), each with this build's architecture and with the
// scalar reference, and one mixing step of models/mbat.hpp (detail::structured_mix) at a power of
// two and at D = 2,000 (two overlapping transforms of 1,024 and a flip).
#include <hdc/core/rng.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/simd/transform.hpp>

#include <benchmark/benchmark.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using hdc::simd::scalar;
using best = hdc::simd::default_arch;

std::vector<float> floats(std::size_t n) {
    hdc::rng gen(1);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(gen.uniform() - 0.5);
    return v;
}

std::vector<std::uint64_t> bits(std::size_t n) {
    hdc::rng gen(2);
    std::vector<std::uint64_t> b((n + 63) / 64);
    gen.fill(b);
    return b;
}

template <class Arch>
void BM_walsh_hadamard(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    auto x = floats(n);
    // The normalised transform is its own inverse, so repeated runs keep the values bounded.
    const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(n)));
    for (auto _ : state) {
        hdc::simd::detail::walsh_hadamard(x.data(), n, scale, Arch{});
        benchmark::DoNotOptimize(x.data());
    }
}

template <class Arch>
void BM_flip_signs(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    auto x = floats(n);
    const auto b = bits(n);
    for (auto _ : state) {
        hdc::simd::detail::flip_signs(x.data(), b.data(), n, Arch{});
        benchmark::DoNotOptimize(x.data());
    }
}

template <class Arch>
void BM_signed_add(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto x = floats(n);
    auto acc = floats(n);
    const auto b = bits(n);
    for (auto _ : state) {
        hdc::simd::detail::signed_add(x.data(), acc.data(), b.data(), n, Arch{});
        benchmark::DoNotOptimize(acc.data());
    }
}

template <class Arch>
void BM_sign_fill(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<float> out(n);
    const auto b = bits(n);
    for (auto _ : state) {
        hdc::simd::detail::sign_fill(0.25f, b.data(), out.data(), n, Arch{});
        benchmark::DoNotOptimize(out.data());
    }
}

void BM_structured_mix(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::size_t p = std::size_t{1} << (std::bit_width(n) - 1);
    auto x = floats(n);
    const auto b = bits(n);
    bool transpose = false;
    for (auto _ : state) {
        hdc::detail::structured_mix(x.data(), n, p, b.data(), transpose);
        transpose = !transpose;  // alternate with the inverse: values stay bounded
        benchmark::DoNotOptimize(x.data());
    }
}

}  // namespace

BENCHMARK_TEMPLATE(BM_walsh_hadamard, best)->Arg(2048);
BENCHMARK_TEMPLATE(BM_walsh_hadamard, scalar)->Arg(2048);
BENCHMARK_TEMPLATE(BM_flip_signs, best)->Arg(2048);
BENCHMARK_TEMPLATE(BM_flip_signs, scalar)->Arg(2048);
BENCHMARK_TEMPLATE(BM_signed_add, best)->Arg(2048);
BENCHMARK_TEMPLATE(BM_signed_add, scalar)->Arg(2048);
BENCHMARK_TEMPLATE(BM_sign_fill, best)->Arg(2048);
BENCHMARK_TEMPLATE(BM_sign_fill, scalar)->Arg(2048);
BENCHMARK(BM_structured_mix)->Arg(2048)->Arg(2000);

BENCHMARK_MAIN();
