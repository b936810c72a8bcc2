// bench_sparse_binary - Google Benchmark of the sparse binary codes (models/sparse_binary.hpp) at
// D = 1,024 and 10,048 (the word-aligned neighbour of 10,000, 157 words, as for hdc::binary):
// shift bind and unbind, overlap similarity, bundles of M = 3 and 11 atoms (OR, then CDT: the
// additive and the subtractive form), CDT binding of two atoms, and random atoms.
//
// The operations are the model's public functions on hdc::sparse_binary<> (run-time dimension),
// so the figures include the result's allocation, as a user sees them. bytes_per_second counts
// the packed words read: both operands of a bind or a similarity, the members of a bundle.
#include <hdc/core/algebra.hpp>
#include <hdc/models/sparse_binary.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using V = hdc::sparse_binary<>;

std::int64_t words_bytes(std::size_t dim) { return static_cast<std::int64_t>((dim + 63) / 64 * 8); }

std::vector<V> atoms(std::size_t n, std::size_t dim, std::uint64_t seed) {
    hdc::rng gen{seed};
    std::vector<V> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(hdc::random<V>(gen, dim));
    return out;
}

/// bind(a, b): b rotated by a hash of a.
void BM_sparse_binary_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto x = atoms(2, dim, 1);
    for (auto _ : state) {
        V c = hdc::bind(x[0], x[1]);
        benchmark::DoNotOptimize(c.data());
    }
    state.SetBytesProcessed(state.iterations() * 2 * words_bytes(dim));
}

/// unbind(c, a): c rotated back.
void BM_sparse_binary_unbind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto x = atoms(2, dim, 2);
    const V c = hdc::bind(x[0], x[1]);
    for (auto _ : state) {
        V b = hdc::unbind(c, x[0]);
        benchmark::DoNotOptimize(b.data());
    }
    state.SetBytesProcessed(state.iterations() * 2 * words_bytes(dim));
}

/// similarity(a, b): AND-popcount and the two popcounts.
void BM_sparse_binary_similarity(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto x = atoms(2, dim, 3);
    for (auto _ : state) benchmark::DoNotOptimize(hdc::similarity(x[0], x[1]));
    state.SetBytesProcessed(state.iterations() * 2 * words_bytes(dim));
}

/// bundle of M atoms: counting-Bloom accumulation, OR, CDT (additive for M = 3, subtractive
/// for M = 11, at both dimensions: K = 6 at D = 1,024).
void BM_sparse_binary_bundle(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto m = static_cast<std::size_t>(state.range(1));
    const auto x = atoms(m, dim, 4);
    for (auto _ : state) {
        V b = hdc::bundle(x);
        benchmark::DoNotOptimize(b.data());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(m) * words_bytes(dim));
}

/// cdt_bind(a, b): OR and additive CDT (about 35 shifted copies at D = 10,048).
void BM_sparse_binary_cdt_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto x = atoms(2, dim, 5);
    for (auto _ : state) {
        V c = hdc::cdt_bind(x[0], x[1]);
        benchmark::DoNotOptimize(c.data());
    }
    state.SetBytesProcessed(state.iterations() * 2 * words_bytes(dim));
}

/// random(): round(sqrt(D)) distinct positions.
void BM_sparse_binary_random(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{6};
    for (auto _ : state) {
        V a = hdc::random<V>(gen, dim);
        benchmark::DoNotOptimize(a.data());
    }
}

}  // namespace

BENCHMARK(BM_sparse_binary_bind)->Arg(1024)->Arg(10048);
BENCHMARK(BM_sparse_binary_unbind)->Arg(1024)->Arg(10048);
BENCHMARK(BM_sparse_binary_similarity)->Arg(1024)->Arg(10048);
BENCHMARK(BM_sparse_binary_bundle)->Args({1024, 3})->Args({1024, 11})->Args({10048, 3})->Args({10048, 11});
BENCHMARK(BM_sparse_binary_cdt_bind)->Arg(1024)->Arg(10048);
BENCHMARK(BM_sparse_binary_random)->Arg(1024)->Arg(10048);

BENCHMARK_MAIN();
