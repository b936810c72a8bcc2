// bench_bitwise - Google Benchmark of the binary (BSC) kernels at D = 1,024 and 10,048 bits.
//
// bytes_per_second counts the bytes of vector data each kernel reads (for xor: both inputs;
// for bundling: the bundled vectors; for random: the generated vectors). BM_read_bandwidth, a
// plain sum of the same 128 MB that the one-to-many search streams at D = 10,048, is the
// memory-bandwidth reference for the memory-bound kernels. Kernels run on one thread with the
// architecture of this build (reported in the context as hdc_arch); the scalar variants are
// the reference kernels, for comparison.
#include <hdc/models/binary.hpp>
#include <hdc/simd/bitwise.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using u64 = std::uint64_t;
using hdc::simd::scalar;

constexpr std::size_t words_of(std::size_t bits) { return (bits + 63) / 64; }
constexpr std::size_t stride_of(std::size_t bits) { return (words_of(bits) + 7) / 8 * 8; }

/// n rows of random bits at a stride of whole 64-byte lines.
hdc::aligned_buffer<u64> random_rows(std::size_t n, std::size_t bits, std::uint64_t seed) {
    hdc::rng gen{seed};
    const std::size_t words = words_of(bits), stride = stride_of(bits);
    hdc::aligned_buffer<u64> rows(n * stride);
    for (std::size_t r = 0; r < n; ++r) gen.fill({rows.data() + r * stride, words});
    if (bits % 64)
        for (std::size_t r = 0; r < n; ++r) rows[r * stride + words - 1] &= (u64{1} << (bits % 64)) - 1;
    return rows;
}

std::int64_t vector_bytes(std::size_t bits) { return static_cast<std::int64_t>(words_of(bits) * 8); }

template <class Arch>
void BM_xor_bind(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const auto in = random_rows(2, bits, 1);
    hdc::aligned_buffer<u64> out(stride_of(bits));
    for (auto _ : state) {
        hdc::simd::detail::xor_words(in.data(), in.data() + stride_of(bits), out.data(),
                                     words_of(bits), Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * 2 * vector_bytes(bits));
}

void BM_xor_bind_1000_pairs(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const std::size_t n = 1000;
    const auto a = random_rows(n, bits, 2), b = random_rows(n, bits, 3);
    hdc::aligned_buffer<u64> out(n * stride_of(bits));
    for (auto _ : state) {
        // Rows back to back with zero padding: one xor over the whole block.
        hdc::simd::xor_words(a.data(), b.data(), out.data(), n * stride_of(bits));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(2 * n) *
                            vector_bytes(bits));
}

template <class Arch>
void BM_hamming(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const auto in = random_rows(2, bits, 4);
    const u64* p = in.data();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p);  // the inputs may have changed: no hoisting
        auto h = hdc::simd::detail::hamming_words(p, p + stride_of(bits), words_of(bits), Arch{});
        benchmark::DoNotOptimize(h);
    }
    state.SetBytesProcessed(state.iterations() * 2 * vector_bytes(bits));
}

template <class Arch>
void BM_hamming_one_to_many(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const std::size_t n = 100000;
    const auto rows = random_rows(n, bits, 5);
    const auto query = random_rows(1, bits, 6);
    std::vector<std::uint32_t> out(n);
    for (auto _ : state) {
        hdc::simd::detail::hamming_one_to_many(query.data(), rows.data(), n, words_of(bits),
                                               stride_of(bits), out.data(), Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * stride_of(bits) * 8));
}

void BM_hamming_many_to_many(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const std::size_t n = 100000, queries = 100;
    const auto rows = random_rows(n, bits, 7);
    const auto q = random_rows(queries, bits, 8);
    std::vector<std::uint32_t> out(n * queries);
    for (auto _ : state) {
        hdc::simd::hamming_many_to_many(q.data(), queries, rows.data(), n, words_of(bits),
                                        stride_of(bits), out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    // Bytes of vector pairs compared (each pair reads a query and a row).
    state.SetBytesProcessed(state.iterations() *
                            static_cast<std::int64_t>(queries * n * 2) * vector_bytes(bits));
    state.counters["pairs_per_second"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(queries * n),
        benchmark::Counter::kIsRate);
}

template <class Arch>
void BM_rotate(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    const auto in = random_rows(1, bits, 9);
    hdc::aligned_buffer<u64> out(stride_of(bits));
    for (auto _ : state) {
        hdc::simd::detail::rotate_bits(in.data(), out.data(), bits, 333, Arch{});
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * vector_bytes(bits));
}

void BM_majority_1000(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{10};
    std::vector<hdc::binary<>> vs;
    for (int i = 0; i < 1000; ++i) vs.push_back(hdc::binary<>::random(gen, bits));
    for (auto _ : state) {
        auto b = hdc::bundle(vs);
        benchmark::DoNotOptimize(b.data());
    }
    state.SetBytesProcessed(state.iterations() * 1000 * vector_bytes(bits));
}

// An even pair: every tied component is resolved, the worst case of the tie rule's cost.
void BM_majority_2(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{12};
    const std::vector<hdc::binary<>> vs{hdc::binary<>::random(gen, bits),
                                        hdc::binary<>::random(gen, bits)};
    for (auto _ : state) {
        auto b = hdc::bundle(vs);
        benchmark::DoNotOptimize(b.data());
    }
    state.SetBytesProcessed(state.iterations() * 2 * vector_bytes(bits));
}

void BM_random_1000(benchmark::State& state) {
    const auto bits = static_cast<std::size_t>(state.range(0));
    hdc::rng gen{11};
    std::vector<hdc::binary<>> vs(1000);
    for (auto _ : state) {
        for (auto& v : vs) v = hdc::binary<>::random(gen, bits);
        benchmark::DoNotOptimize(vs.data());
    }
    state.SetBytesProcessed(state.iterations() * 1000 * vector_bytes(bits));
}

void BM_read_bandwidth(benchmark::State& state) {
    // The bytes one query of BM_hamming_one_to_many streams at D = 10,048: 100,000 x 1,280.
    const std::size_t n = 100000 * stride_of(10048);
    hdc::aligned_buffer<u64> data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = i;
    for (auto _ : state) {
        u64 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (std::size_t i = 0; i < n; i += 4) {
            s0 += data[i];
            s1 += data[i + 1];
            s2 += data[i + 2];
            s3 += data[i + 3];
        }
        benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * 8));
}

using best = hdc::simd::default_arch;

BENCHMARK_TEMPLATE(BM_xor_bind, best)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_xor_bind, scalar)->Arg(1024)->Arg(10048);
BENCHMARK(BM_xor_bind_1000_pairs)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_hamming, best)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_hamming, scalar)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_hamming_one_to_many, best)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_hamming_one_to_many, scalar)->Arg(1024)->Arg(10048);
BENCHMARK(BM_hamming_many_to_many)->Arg(1024)->Arg(10048)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_rotate, best)->Arg(1024)->Arg(10048);
BENCHMARK_TEMPLATE(BM_rotate, scalar)->Arg(1024)->Arg(10048);
BENCHMARK(BM_majority_1000)->Arg(1024)->Arg(10048)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_majority_2)->Arg(1024)->Arg(10048)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_random_1000)->Arg(1024)->Arg(10048)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_read_bandwidth)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::AddCustomContext("hdc_arch", hdc::simd::default_arch::name());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
