// bench_text - Google Benchmark of letter n-gram encoding (encoders/ngram.hpp) for the binary
// family at D = 10,000, n = 4 (ALGORITHMS.md section 6.1), in MB of text per second on one core.
//
//   BM_stream_bits         the raw n-gram stream: one fused rotate-and-XOR pass per symbol
//   BM_stream_accumulate   stream and add every n-gram to the accumulator (bit-sliced votes)
//   BM_counted_accumulate  the counting tip: distinct n-grams counted, each added with its count
//   BM_stream_generic      the generic streaming path (permute, unbind, bind on vectors)
//   BM_naive_window        the naive recomputation: each window permuted and bound from scratch
//
// The text is the file named by the environment variable HDC_TEXT_FILE (e.g. a langrec training
// file; read with the default a-z + space alphabet), else 1 MB of synthetic text drawn from
// English letter frequencies. The naive and generic paths run on its first 20,000 symbols.
#include <hdc/encoders/ngram.hpp>
#include <hdc/encoders/text.hpp>
#include <hdc/models/binary.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using V = hdc::binary<hdc::dynamic>;
constexpr std::size_t dim = 10000;
constexpr std::size_t order = 4;

std::string load_text() {
    if (const char* path = std::getenv("HDC_TEXT_FILE")) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        if (in && !ss.str().empty()) return ss.str();
    }
    // Letter frequencies of English text (per mille, 'a'..'z', then space).
    static const int freq[27] = {65, 12, 22, 34, 102, 18, 16, 49, 56, 1, 6, 33, 20,
                                 57, 60, 15, 1,  50, 53, 75, 23, 8,  19, 1, 16, 1, 182};
    int total = 0;
    for (int f : freq) total += f;
    hdc::rng gen(7);
    std::string text(1 << 20, ' ');
    for (auto& c : text) {
        int r = static_cast<int>(gen() % static_cast<std::uint64_t>(total));
        int s = 0;
        while (r >= freq[s]) r -= freq[s++];
        c = s == 26 ? ' ' : static_cast<char>('a' + s);
    }
    return text;
}

struct fixture {
    std::vector<hdc::symbol_id> symbols;
    hdc::text_encoder<V> encoder;
    fixture()
        : symbols(hdc::text_alphabet::latin().translate(load_text())),
          encoder(hdc::text_alphabet::latin(), order, dim) {}
};

const fixture& data() {
    static const fixture f;
    return f;
}

void set_bytes(benchmark::State& state, std::size_t symbols) {
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(symbols));
    state.counters["symbols"] = static_cast<double>(symbols);
}

void BM_stream_bits(benchmark::State& state) {
    const auto& f = data();
    for (auto _ : state) {
        std::uint64_t x = 0;
        f.encoder.ngrams().for_each_sign_bits(f.symbols, [&](const std::uint64_t* bits) { x ^= bits[0]; });
        benchmark::DoNotOptimize(x);
    }
    set_bytes(state, f.symbols.size());
}

void BM_stream_accumulate(benchmark::State& state) {
    const auto& f = data();
    for (auto _ : state) {
        hdc::accumulator<V> acc(dim);
        f.encoder.ngrams().accumulate(f.symbols, acc);
        benchmark::DoNotOptimize(acc);
    }
    set_bytes(state, f.symbols.size());
}

void BM_counted_accumulate(benchmark::State& state) {
    const auto& f = data();
    for (auto _ : state) {
        hdc::accumulator<V> acc(dim);
        f.encoder.ngrams().accumulate_counted(f.symbols, acc);
        benchmark::DoNotOptimize(acc);
    }
    set_bytes(state, f.symbols.size());
}

std::span<const hdc::symbol_id> head(const fixture& f) {
    return {f.symbols.data(), std::min<std::size_t>(f.symbols.size(), 20000)};
}

void BM_stream_generic(benchmark::State& state) {
    const auto& f = data();
    const auto text = head(f);
    for (auto _ : state) {
        std::uint64_t x = 0;
        f.encoder.ngrams().for_each(text, [&](const V& g) { x ^= g.data()[0]; });
        benchmark::DoNotOptimize(x);
    }
    set_bytes(state, text.size());
}

void BM_naive_window(benchmark::State& state) {
    const auto& f = data();
    const auto text = head(f);
    const auto& ng = f.encoder.ngrams();
    std::vector<V> window(order);
    for (auto _ : state) {
        std::uint64_t x = 0;
        for (std::size_t t = 0; t + order <= text.size(); ++t) {
            for (std::size_t i = 0; i < order; ++i) window[i] = ng.rotated(0, text[t + i]);
            x ^= hdc::ngram_naive<V>(window).data()[0];
        }
        benchmark::DoNotOptimize(x);
    }
    set_bytes(state, text.size());
}

BENCHMARK(BM_stream_bits)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_stream_accumulate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_counted_accumulate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_stream_generic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_naive_window)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::AddCustomContext("hdc_arch", hdc::simd::default_arch::name());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
