// bench_dense - Google Benchmark of the dense kernels (bipolar, real, phasor, sparse, MBAT) at
// D = 1,024 and 10,000 (sparse codes: B = 1,024 and 128 blocks of length L = 64).
//
// bytes_per_second counts the bytes of vector data each operation reads: both operands of a
// bind or a similarity (phasor operands are two float arrays each, sparse operands one uint16
// index per block), the bundled vectors of a bundle, and the generated vectors of random().
// Operands are 64-byte aligned, as the models store them. Kernels run on one thread with the
// architecture of this build (the context's hdc_arch); the scalar variants are the reference
// kernels, for comparison (the compiler auto-vectorises some of them).
#include <hdc/core/algebra.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>
#include <hdc/simd/complex.hpp>
#include <hdc/simd/floating.hpp>
#include <hdc/simd/integer.hpp>
#include <hdc/simd/modular.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using hdc::simd::scalar;
using best = hdc::simd::default_arch;

std::int64_t as_bytes(std::size_t n) { return static_cast<std::int64_t>(n); }

/// Components per row of n: whole 64-byte lines, as the models store their vectors.
std::size_t stride_of(std::size_t n) { return hdc::padded_count<std::int8_t>(n); }

/// n bipolar rows of dim components each, stride_of(dim) apart (64-byte aligned).
hdc::aligned_buffer<std::int8_t> bipolar_rows(std::size_t n, std::size_t dim, std::uint64_t seed) {
    hdc::rng gen{seed};
    hdc::aligned_buffer<std::int8_t> rows(n * stride_of(dim));
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < dim; ++i)
            rows[r * stride_of(dim) + i] = gen() & 1u ? std::int8_t{-1} : std::int8_t{1};
    return rows;
}

hdc::aligned_buffer<float> normal_floats(std::size_t n, std::uint64_t seed) {
    hdc::rng gen{seed};
    hdc::aligned_buffer<float> v(n);
    for (auto& x : v) x = static_cast<float>(gen.normal());
    return v;
}

/// bind(a, b) of bipolar vectors: the +-1 product kernel.
template <class Arch>
void BM_bipolar_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto in = bipolar_rows(2, dim, 1);
    hdc::aligned_buffer<std::int8_t> out(dim);
    for (auto _ : state) {
        hdc::simd::detail::int8_multiply_signs(in.data(), in.data() + stride_of(dim), out.data(),
                                               dim, Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * 2 * as_bytes(dim));
}

/// The general int8 product (wrapping), for comparison with the +-1 kernel.
void BM_bipolar_bind_1000_pairs(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const std::size_t n = 1000;
    const auto a = bipolar_rows(n, dim, 2), b = bipolar_rows(n, dim, 3);
    hdc::aligned_buffer<std::int8_t> out(n * stride_of(dim));
    for (auto _ : state) {
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t at = r * stride_of(dim);
            hdc::simd::int8_multiply_signs(a.data() + at, b.data() + at, out.data() + at, dim);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * n * dim));
}

template <class Arch>
void BM_bipolar_dot(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto in = bipolar_rows(2, dim, 4);
    const std::int8_t* p = in.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p);  // the inputs may have changed: no hoisting
        auto d = hdc::simd::detail::int8_dot(p, p + stride_of(dim), dim, Arch{});
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(state.iterations() * 2 * as_bytes(dim));
}

template <class Arch>
void BM_real_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto a = normal_floats(dim, 5), b = normal_floats(dim, 6);
    hdc::aligned_buffer<float> out(dim);
    for (auto _ : state) {
        hdc::simd::detail::real_multiply(a.data(), b.data(), out.data(), dim, Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * dim * sizeof(float)));
}

template <class Arch>
void BM_real_dot(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    const auto a = normal_floats(dim, 7), b = normal_floats(dim, 8);
    const float *pa = a.data(), *pb = b.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(pa);
        benchmark::DoNotOptimize(pb);
        auto d = hdc::simd::detail::real_dot(pa, pb, dim, Arch{});
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * dim * sizeof(float)));
}

template <class Arch>
void BM_phasor_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{9};
    const auto a = hdc::phasor<>::random(gen, dim), b = hdc::phasor<>::random(gen, dim);
    hdc::aligned_buffer<float> re(dim), im(dim);
    for (auto _ : state) {
        hdc::simd::detail::complex_multiply(a.re_data(), a.im_data(), b.re_data(), b.im_data(),
                                            re.data(), im.data(), dim, Arch{});
        benchmark::DoNotOptimize(re.data());
        benchmark::DoNotOptimize(im.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(4 * dim * sizeof(float)));
}

template <class Arch>
void BM_phasor_similarity(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{10};
    const auto a = hdc::phasor<>::random(gen, dim), b = hdc::phasor<>::random(gen, dim);
    const hdc::phasor<>* pa = &a;
    for (auto _ : state) {
        benchmark::DoNotOptimize(pa);
        // similarity(a, b) = Re(sum a_i conj(b_i)) / D.
        auto s = hdc::simd::detail::complex_dot_real(pa->re_data(), pa->im_data(), b.re_data(),
                                                     b.im_data(), dim, Arch{}) /
                 static_cast<double>(dim);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(4 * dim * sizeof(float)));
}

template <class Arch>
void BM_sparse_bind(benchmark::State& state) {
    const auto blocks = static_cast<std::size_t>(state.range(0));
    const auto length = static_cast<std::size_t>(state.range(1));
    hdc::rng gen{11};
    const hdc::sparse_shape shape{blocks, length};
    const auto a = hdc::sparse<>::random(gen, shape), b = hdc::sparse<>::random(gen, shape);
    hdc::aligned_buffer<std::uint16_t> out(blocks);
    for (auto _ : state) {
        hdc::simd::detail::add_mod(a.data(), b.data(), out.data(), blocks,
                                   static_cast<std::uint32_t>(length), Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * blocks * sizeof(std::uint16_t)));
}

template <class Arch>
void BM_sparse_overlap(benchmark::State& state) {
    const auto blocks = static_cast<std::size_t>(state.range(0));
    const auto length = static_cast<std::size_t>(state.range(1));
    hdc::rng gen{12};
    const hdc::sparse_shape shape{blocks, length};
    const auto a = hdc::sparse<>::random(gen, shape), b = hdc::sparse<>::random(gen, shape);
    const std::uint16_t* p = a.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p);
        auto c = hdc::simd::detail::count_equal(p, b.data(), blocks, Arch{});
        benchmark::DoNotOptimize(c);
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * blocks * sizeof(std::uint16_t)));
}

void BM_bipolar_bundle_1000(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{13};
    std::vector<hdc::bipolar<>> vs;
    for (int i = 0; i < 1000; ++i) vs.push_back(hdc::bipolar<>::random(gen, dim));
    for (auto _ : state) {
        auto b = hdc::bundle(vs);
        benchmark::DoNotOptimize(b.data());
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(1000 * dim));
}

void BM_real_random_1000(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{14};
    std::vector<hdc::real<>> vs(1000);
    for (auto _ : state) {
        for (auto& v : vs) v = hdc::real<>::random(gen, dim);
        benchmark::DoNotOptimize(vs.data());
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(1000 * dim * sizeof(float)));
}

void BM_bipolar_random_1000(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{15};
    std::vector<hdc::bipolar<>> vs(1000);
    for (auto _ : state) {
        for (auto& v : vs) v = hdc::bipolar<>::random(gen, dim);
        benchmark::DoNotOptimize(vs.data());
    }
    state.SetBytesProcessed(state.iterations() * as_bytes(1000 * dim));
}

/// MBAT vector-vector bind (builds the keyed operator of the key, then applies it) and the same
/// with the operator computed once (mbat_role::for_key) and applied.
void BM_mbat_bind(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{16};
    const auto key = hdc::mbat<>::random(gen, dim), x = hdc::mbat<>::random(gen, dim);
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bind(key, x));
    state.SetBytesProcessed(state.iterations() * as_bytes(2 * dim * sizeof(float)));
}

void BM_mbat_bind_role(benchmark::State& state) {
    const auto dim = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{17};
    const auto key = hdc::mbat<>::random(gen, dim), x = hdc::mbat<>::random(gen, dim);
    const auto role = hdc::mbat_role<>::for_key(key);
    for (auto _ : state) benchmark::DoNotOptimize(hdc::bind(role, x));
    state.SetBytesProcessed(state.iterations() * as_bytes(dim * sizeof(float)));
}

void dims(benchmark::internal::Benchmark* b) { b->Arg(1024)->Arg(10000); }
void sparse_shapes(benchmark::internal::Benchmark* b) {
    b->Args({1024, 64})->Args({128, 64})->ArgNames({"B", "L"});
}

BENCHMARK_TEMPLATE(BM_bipolar_bind, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bipolar_bind, scalar)->Apply(dims);
BENCHMARK(BM_bipolar_bind_1000_pairs)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bipolar_dot, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_bipolar_dot, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_real_bind, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_real_bind, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_real_dot, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_real_dot, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_phasor_bind, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_phasor_bind, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_phasor_similarity, best)->Apply(dims);
BENCHMARK_TEMPLATE(BM_phasor_similarity, scalar)->Apply(dims);
BENCHMARK_TEMPLATE(BM_sparse_bind, best)->Apply(sparse_shapes);
BENCHMARK_TEMPLATE(BM_sparse_bind, scalar)->Apply(sparse_shapes);
BENCHMARK_TEMPLATE(BM_sparse_overlap, best)->Apply(sparse_shapes);
BENCHMARK_TEMPLATE(BM_sparse_overlap, scalar)->Apply(sparse_shapes);
BENCHMARK(BM_mbat_bind)->Apply(dims)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_mbat_bind_role)->Apply(dims)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_bipolar_bundle_1000)->Apply(dims)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_real_random_1000)->Apply(dims)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_bipolar_random_1000)->Apply(dims)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::AddCustomContext("hdc_arch", hdc::simd::default_arch::name());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
