// Tabular classification (encoders/record.hpp, encoders/projection.hpp, memory/classifiers.hpp):
// the encoders' throughput on standardised records of 64 features at D = 10,000, and whole
// training passes including the encoding, on synthetic classes (Gaussian clusters).
#include <hdc/encoders/projection.hpp>
#include <hdc/encoders/record.hpp>
#include <hdc/memory/classifiers.hpp>
#include <hdc/models/bipolar.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t features = 64, dim = 10000, classes = 10;

/// n standardised samples of `classes` Gaussian clusters (centres and noise standard normal,
/// so the classes overlap) and their labels.
struct synthetic {
    hdc::feature_matrix z;
    std::vector<std::int32_t> y;
};

const synthetic& data(std::size_t n) {
    static std::vector<std::pair<std::size_t, synthetic>> cache;
    for (const auto& [size, d] : cache)
        if (size == n) return d;
    hdc::rng gen(7);
    hdc::feature_matrix centres(classes, features);
    for (Eigen::Index c = 0; c < centres.rows(); ++c)
        for (Eigen::Index k = 0; k < centres.cols(); ++k) centres(c, k) = gen.normal();
    synthetic d;
    d.z.resize(static_cast<Eigen::Index>(n), features);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::int32_t>(gen.below(classes));
        d.y.push_back(c);
        for (Eigen::Index k = 0; k < d.z.cols(); ++k)
            d.z(static_cast<Eigen::Index>(i), k) = (centres(c, k) + gen.normal()) / std::sqrt(2.0);
    }
    cache.emplace_back(n, std::move(d));
    return cache.back().second;
}

/// record_encoder<bipolar>::encode_rows: 1,000 records per iteration into the same buffer,
/// state.range(0) threads.
void BM_record_encode_rows(benchmark::State& state) {
    const auto& d = data(1000);
    const hdc::record_encoder<hdc::bipolar<>> enc(features, {}, dim);
    const auto threads = static_cast<unsigned>(state.range(0));
    hdc::sample_matrix out = hdc::sample_matrix::Zero(d.z.rows(), dim);
    for (auto _ : state) {
        enc.encode_rows(d.z, out, threads);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * d.z.rows());
}
BENCHMARK(BM_record_encode_rows)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// projection_encoder::encode of 1,000 standardised records (feature_rows included).
void BM_projection_encode(benchmark::State& state) {
    const auto& d = data(1000);
    const hdc::projection_encoder enc(features, dim, 1);
    const auto threads = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(enc.encode(hdc::feature_rows(d.z), threads));
    state.SetItemsProcessed(state.iterations() * d.z.rows());
}
BENCHMARK(BM_projection_encode)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Centroid training on 10,000 records including their record encoding, one thread.
void BM_centroid_fit_with_encoding(benchmark::State& state) {
    const auto& d = data(10000);
    const hdc::record_encoder<hdc::bipolar<>> enc(features, {}, dim);
    for (auto _ : state) {
        hdc::centroid_classifier model(dim, classes);
        model.fit(enc.encode_rows(d.z), d.y);
        benchmark::DoNotOptimize(model.prototypes().data());
    }
    state.SetItemsProcessed(state.iterations() * d.z.rows());
}
BENCHMARK(BM_centroid_fit_with_encoding)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

/// The projection of d's records into out (rows x dim, allocated and touched by the caller once),
/// 500 rows at a time, so each encoding's fresh result reuses the same heap memory rather than
/// mapping (and page-faulting) a new 400 MB matrix.
void project(const hdc::projection_encoder& enc, const synthetic& d, hdc::sample_matrix& out) {
    constexpr Eigen::Index chunk = 500;
    for (Eigen::Index r0 = 0; r0 < d.z.rows(); r0 += chunk) {
        const Eigen::Index rows = std::min(chunk, d.z.rows() - r0);
        out.middleRows(r0, rows) = enc.encode(hdc::feature_rows(d.z.middleRows(r0, rows)), 1);
    }
}

/// OnlineHD on 10,000 records, one thread, including their projection: state.range(0) = 0 is
/// the bootstrap and single pass (no iterative epoch), 1 is one iterative epoch alone (mini-batches
/// of 1,024 from zero prototypes).
void BM_onlinehd_with_encoding(benchmark::State& state) {
    const auto& d = data(10000);
    const hdc::projection_encoder enc(features, dim, 1);
    hdc::sample_matrix h = hdc::sample_matrix::Zero(d.z.rows(), dim);
    hdc::onlinehd_options opts;
    opts.single_pass = state.range(0) == 0;
    opts.epochs = state.range(0) == 0 ? 0 : 1;
    for (auto _ : state) {
        project(enc, d, h);
        hdc::onlinehd_classifier model(dim, classes, opts);
        model.fit(h, d.y);
        benchmark::DoNotOptimize(model.prototypes().data());
    }
    state.SetItemsProcessed(state.iterations() * d.z.rows());
}
BENCHMARK(BM_onlinehd_with_encoding)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

/// The projection alone of the same 10,000 records (the encoding part of the above).
void BM_projection_10000(benchmark::State& state) {
    const auto& d = data(10000);
    const hdc::projection_encoder enc(features, dim, 1);
    hdc::sample_matrix h = hdc::sample_matrix::Zero(d.z.rows(), dim);
    for (auto _ : state) {
        project(enc, d, h);
        benchmark::DoNotOptimize(h.data());
    }
    state.SetItemsProcessed(state.iterations() * d.z.rows());
}
BENCHMARK(BM_projection_10000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
