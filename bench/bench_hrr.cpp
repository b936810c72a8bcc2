// bench_hrr - Google Benchmark of the HRR and VTB families at D = 1,024 and 10,000 (VTB needs a
// perfect square: 1,024 = 32^2 and 10,000 = 100^2), float components.
//
//   hrr_bind / hrr_unbind       circular convolution / correlation through the library's FFT
//                               (simd/fft.hpp, thread-local plans); also at the prime D = 10,007,
//                               which goes through Bluestein's algorithm
//   hrr_bind_fresh_plan         the same with a workspace (FFT plans) built for every call (what
//                               the thread-local plan saves: the twiddle factors' sines and cosines)
//   hrr_bind_naive              circular convolution by its O(D^2) definition, in double (the
//                               reference the FFT path is measured against)
//   hrr_unbind_exact            division by the key's spectrum with the near-zero guard
//   vtb_bind / vtb_unbind       d' products of d' x d' blocks (O(D^1.5))
//   *_similarity, *_bundle      cosine of two vectors; accumulating 16 vectors and result()
#include <hdc/core/algebra.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/vtb.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using hrr_v = hdc::hrr<hdc::dynamic>;
using vtb_v = hdc::vtb<hdc::dynamic>;

template <class V>
std::vector<V> atoms(std::size_t n, std::size_t dim) {
    hdc::rng gen{2026};
    std::vector<V> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(hdc::random<V>(gen, dim));
    return out;
}

template <class V>
void BM_bind(benchmark::State& state) {
    const auto v = atoms<V>(2, static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(bind(v[0], v[1]));
    state.SetItemsProcessed(state.iterations());
}

template <class V>
void BM_unbind(benchmark::State& state) {
    const auto v = atoms<V>(2, static_cast<std::size_t>(state.range(0)));
    const V c = bind(v[0], v[1]);
    for (auto _ : state) benchmark::DoNotOptimize(unbind(c, v[0]));
    state.SetItemsProcessed(state.iterations());
}

template <class V>
void BM_similarity(benchmark::State& state) {
    const auto v = atoms<V>(2, static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(similarity(v[0], v[1]));
    state.SetItemsProcessed(state.iterations());
}

template <class V>
void BM_bundle(benchmark::State& state) {
    const auto v = atoms<V>(16, static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bundle(v));
    state.SetItemsProcessed(state.iterations() * 16);
}

void BM_hrr_unbind_exact(benchmark::State& state) {
    const auto v = atoms<hrr_v>(2, static_cast<std::size_t>(state.range(0)));
    const hrr_v c = bind(v[0], v[1]);
    for (auto _ : state) benchmark::DoNotOptimize(unbind_exact(c, v[0]));
    state.SetItemsProcessed(state.iterations());
}

/// The library's convolution with a workspace (and so FFT plans) made for every call.
void BM_hrr_bind_fresh_plan(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto v = atoms<hrr_v>(2, dim);
    std::vector<float> out(dim);
    for (auto _ : state) {
        hdc::detail::hrr_fft fresh;
        hdc::detail::hrr_spectral(v[0].data(), v[1].data(), out.data(), dim,
                                  hdc::detail::hrr_spectral_op::convolve, fresh, "bind");
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}

/// c_j = sum_k a_k b_(j-k mod D) in double, written out: D^2 multiply-adds, the inner loop split
/// at the wrap so that it vectorises.
void BM_hrr_bind_naive(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto v = atoms<hrr_v>(2, dim);
    std::vector<double> a(v[0].values().begin(), v[0].values().end());
    std::vector<double> b2(2 * dim);  // b twice, so b_(j-k mod D) = b2[j - k + D]
    for (std::size_t i = 0; i < 2 * dim; ++i) b2[i] = v[1][i % dim];
    std::vector<float> out(dim);
    for (auto _ : state) {
        for (std::size_t j = 0; j < dim; ++j) {
            double s = 0;
            const double* bj = b2.data() + j + dim;  // bj[-k] = b_(j-k mod D)
            for (std::size_t k = 0; k < dim; ++k) s += a[k] * *(bj - k);
            out[j] = static_cast<float>(s);
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_bind<hrr_v>)->Name("hrr_bind")->Arg(1024)->Arg(10000)->Arg(10007);  // 10,007 is prime: Bluestein
BENCHMARK(BM_hrr_bind_fresh_plan)->Name("hrr_bind_fresh_plan")->Arg(1024)->Arg(10000);
BENCHMARK(BM_hrr_bind_naive)->Name("hrr_bind_naive")->Arg(1024)->Arg(10000);
BENCHMARK(BM_unbind<hrr_v>)->Name("hrr_unbind")->Arg(1024)->Arg(10000);
BENCHMARK(BM_hrr_unbind_exact)->Name("hrr_unbind_exact")->Arg(1024)->Arg(10000);
BENCHMARK(BM_similarity<hrr_v>)->Name("hrr_similarity")->Arg(1024)->Arg(10000);
BENCHMARK(BM_bundle<hrr_v>)->Name("hrr_bundle16")->Arg(1024)->Arg(10000);
BENCHMARK(BM_bind<vtb_v>)->Name("vtb_bind")->Arg(1024)->Arg(10000);
BENCHMARK(BM_unbind<vtb_v>)->Name("vtb_unbind")->Arg(1024)->Arg(10000);
BENCHMARK(BM_similarity<vtb_v>)->Name("vtb_similarity")->Arg(1024)->Arg(10000);
BENCHMARK(BM_bundle<vtb_v>)->Name("vtb_bundle16")->Arg(1024)->Arg(10000);

BENCHMARK_MAIN();
