// bench_modular - Google Benchmark of the modular phase codes (MCR, CGR; models/modular.hpp,
// mcr.hpp, cgr.hpp) at D = 1,024 and 10,000, for Q = 16 and Q = 1,024.
//
// bind and unbind are simd::add_mod / sub_mod on 16-bit components (the same for both
// families); the scalar variants are the reference kernels. similarity is the library's
// (sub_mod per block, then a cos-table sum); for comparison, the same mean cosine with a plain
// table sum with the differences formed inline ("table") and with a std::cos call per component
// ("cos"). bundle is M = 10 vectors through the family's accumulator: MCR's complex
// sums and angle quantisation, CGR's D x Q counts and per-component mode.
// bytes_per_second counts the 2-byte components read: both operands of a bind or a similarity,
// the M members of a bundle.
#include <hdc/core/algebra.hpp>
#include <hdc/models/cgr.hpp>
#include <hdc/models/mcr.hpp>
#include <hdc/simd/modular.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace {

using hdc::simd::scalar;
using best = hdc::simd::default_arch;

template <std::size_t Q>
using mcr_v = hdc::mcr<hdc::dynamic, Q>;
template <std::size_t Q>
using cgr_v = hdc::cgr<hdc::dynamic, Q>;

std::int64_t component_bytes(std::size_t n) { return static_cast<std::int64_t>(2 * n); }

/// bind(a, b): (a + b) mod Q with the given kernel architecture.
template <std::size_t Q, class Arch>
void BM_modular_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{1};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    hdc::aligned_buffer<std::uint16_t> out(dim);
    for (auto _ : state) {
        hdc::simd::detail::add_mod(a.data(), b.data(), out.data(), dim, static_cast<std::uint32_t>(Q), Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// unbind(c, a): (c - a) mod Q.
template <std::size_t Q, class Arch>
void BM_modular_unbind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{2};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    hdc::aligned_buffer<std::uint16_t> out(dim);
    for (auto _ : state) {
        hdc::simd::detail::sub_mod(a.data(), b.data(), out.data(), dim, static_cast<std::uint32_t>(Q), Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// The public bind, allocation of the result included.
template <std::size_t Q>
void BM_mcr_bind_vector(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{3};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bind(a, b));
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// The library's similarity.
template <std::size_t Q>
void BM_modular_similarity(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{4};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    for (auto _ : state) benchmark::DoNotOptimize(hdc::similarity(a, b));
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// The mean cosine by a table sum, the differences formed inline (no sub_mod pass).
template <std::size_t Q>
void BM_modular_similarity_table(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{4};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    const double* cos = hdc::detail::phases<Q>().cos.data();
    for (auto _ : state) {
        double s0 = 0, s1 = 0;
        std::size_t i = 0;
        for (; i + 2 <= dim; i += 2) {
            s0 += cos[(a[i] + Q - b[i]) % Q];
            s1 += cos[(a[i + 1] + Q - b[i + 1]) % Q];
        }
        if (i < dim) s0 += cos[(a[i] + Q - b[i]) % Q];
        benchmark::DoNotOptimize((s0 + s1) / static_cast<double>(dim));
    }
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// The mean cosine with std::cos per component.
template <std::size_t Q>
void BM_modular_similarity_cos(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{4};
    const auto a = mcr_v<Q>::random(gen, dim), b = mcr_v<Q>::random(gen, dim);
    const double step = 2 * std::numbers::pi / static_cast<double>(Q);
    for (auto _ : state) {
        double s = 0;
        for (std::size_t i = 0; i < dim; ++i)
            s += std::cos(step * (static_cast<double>(a[i]) - static_cast<double>(b[i])));
        benchmark::DoNotOptimize(s / static_cast<double>(dim));
    }
    state.SetBytesProcessed(state.iterations() * 2 * component_bytes(dim));
}

/// bundle of M = 10 vectors through the family's accumulator (a new accumulator each time).
template <class V>
void BM_bundle10(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{5};
    std::vector<V> members;
    for (int i = 0; i < 10; ++i) members.push_back(V::random(gen, dim));
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bundle(members));
    state.SetBytesProcessed(state.iterations() * 10 * component_bytes(dim));
}

/// similarity(accumulator of M = 10, member): the un-normalised bundle's readout.
template <class V>
void BM_accumulator_similarity(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{6};
    typename V::accumulator_type acc(dim);
    std::vector<V> members;
    for (int i = 0; i < 10; ++i) {
        members.push_back(V::random(gen, dim));
        acc.add(members.back());
    }
    for (auto _ : state) benchmark::DoNotOptimize(similarity(acc, members[3]));
    state.SetBytesProcessed(state.iterations() * component_bytes(dim));
}

void dims(benchmark::internal::Benchmark* b) {
    b->Arg(1024)->Arg(10000);
}

}  // namespace

BENCHMARK_TEMPLATE(BM_modular_bind, 16, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_bind, 16, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_bind, 1024, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_unbind, 16, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_unbind, 16, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_unbind, 1024, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_mcr_bind_vector, 16)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_similarity, 16)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_similarity_table, 16)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_similarity_cos, 16)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_similarity, 1024)->Apply(dims);
BENCHMARK_TEMPLATE(BM_modular_similarity_cos, 1024)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bundle10, mcr_v<16>)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bundle10, cgr_v<16>)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bundle10, mcr_v<1024>)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bundle10, cgr_v<1024>)->Apply(dims);
BENCHMARK_TEMPLATE(BM_accumulator_similarity, mcr_v<16>)->Apply(dims);
BENCHMARK_TEMPLATE(BM_accumulator_similarity, cgr_v<16>)->Apply(dims);

BENCHMARK_MAIN();
