// bench_classifier - the classifiers' speed on synthetic tabular data of the size.
//
// Draws n samples of 64 standardised features in 10 Gaussian classes (seeded), encodes them with
// projection_encoder into D dimensions, and times (median of --repeats runs, `name: value` lines):
//   encode_s         projection_encoder::encode of the n samples
//   encode_into_touched_s  the same values written by encode_columns (every column) into a
//                    matrix already in memory: the encoding without the result's page faults
//   onlinehd_epoch_s one OnlineHD mini-batch epoch over the n encoded samples (partial_fit with
//                    the single pass off and epochs = 1, from a model trained by one such fit)
//   single_pass_s    OnlineHD's bootstrap and single pass over the n samples
//   predict_s        onlinehd_classifier::predict of the n encoded samples
// with 1 and 2 threads (--threads T as the second count), and checks that both thread counts
// give the same prototypes bit for bit (threads_identical: yes).
//
// Usage: bench_classifier [--dim 10000] [--n 10000] [--repeats 5] [--seed 1] [--queries T]
//        (--queries is the second thread count, default 2)
#include <hdc/encoders/projection.hpp>
#include <hdc/memory/classifiers.hpp>

#include "timing.hpp"

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
    bench::options defaults;
    defaults.n = 10000;
    defaults.queries = 2;
    const bench::options o = bench::parse_options(
        argc, argv, defaults, "bench_classifier [--dim 10000] [--n 10000] [--repeats 5] [--seed 1] [--queries THREADS]");
    constexpr std::size_t features = 64, classes = 10;
    hdc::rng gen(o.seed);
    hdc::sample_matrix means(classes, features), x(static_cast<Eigen::Index>(o.n), features);
    for (Eigen::Index i = 0; i < means.size(); ++i) means.data()[i] = static_cast<float>(gen.normal());
    std::vector<std::int32_t> y(o.n);
    for (std::size_t i = 0; i < o.n; ++i) {
        y[i] = static_cast<std::int32_t>(i % classes);
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(features); ++j)
            x(static_cast<Eigen::Index>(i), j) = means(y[i], j) + 1.5f * static_cast<float>(gen.normal());
    }
    const hdc::projection_encoder encoder(features, o.dim, o.seed);
    std::printf("dim: %zu\nsamples: %zu\nfeatures: %zu\nclasses: %zu\n", o.dim, o.n, features, classes);

    std::vector<hdc::sample_matrix> prototypes;
    for (std::size_t threads : {std::size_t{1}, o.queries}) {
        hdc::sample_matrix h;
        const double encode = bench::median_seconds(o.repeats, [&] { h = encoder.encode(x, threads); });
        // The same work into memory already touched: every column through encode_columns.
        std::vector<std::size_t> all(o.dim);
        for (std::size_t j = 0; j < o.dim; ++j) all[j] = j;
        hdc::sample_matrix again = h;
        const double touched = bench::median_seconds(o.repeats, [&] { encoder.encode_columns(x, all, again, threads); });
        hdc::onlinehd_options epoch_only;
        epoch_only.epochs = 1;
        epoch_only.single_pass = false;
        epoch_only.threads = threads;
        hdc::onlinehd_classifier model(o.dim, classes, epoch_only);
        model.fit(h, y);
        const double epoch = bench::median_seconds(o.repeats, [&] { model.partial_fit(h, y); });
        hdc::onlinehd_options pass_only;
        pass_only.epochs = 0;
        pass_only.threads = threads;
        hdc::onlinehd_classifier single(o.dim, classes, pass_only);
        const double pass = bench::median_seconds(o.repeats, [&] { single.fit(h, y); });
        std::vector<std::int32_t> predicted;
        const double predict = bench::median_seconds(o.repeats, [&] { predicted = model.predict(h); });
        std::size_t right = 0;
        for (std::size_t i = 0; i < o.n; ++i) right += predicted[i] == y[i];
        std::printf("threads: %zu\nencode_s: %.4f\nencode_into_touched_s: %.4f\nonlinehd_epoch_s: %.4f\nsingle_pass_s: %.4f\npredict_s: %.4f\n"
                    "predict_samples_per_s: %.0f\ntrain_accuracy: %.4f\n",
                    threads, encode, touched, epoch, pass, predict, static_cast<double>(o.n) / predict,
                    static_cast<double>(right) / static_cast<double>(o.n));
        prototypes.push_back(model.prototypes());
    }
    const bool same = prototypes[0].size() == prototypes[1].size() &&
                      std::memcmp(prototypes[0].data(), prototypes[1].data(), prototypes[0].size() * sizeof(float)) == 0;
    std::printf("threads_identical: %s\n", same ? "yes" : "no");
    return same ? 0 : 1;
}
