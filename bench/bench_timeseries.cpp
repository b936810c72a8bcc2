// bench_timeseries - MiniROCKET and HDC-MiniROCKET speed on the UCR data sets (self-timing).
//
//   bench_timeseries UCR_DIR [--repeats 5] [--threads 2] [--scale 1]
//
// Reads every UCR_DIR/<Name>/<Name>_{TRAIN,TEST}.ts and prints `name: value` lines, each the
// median of --repeats runs:
//   transform_ppv_<T>t_values_per_s   MiniROCKET transform of every series of every set (the
//                                     transform fitted on each training set), in series x length
//                                     values per second, with 1 and T threads
//   transform_hdc_<T>t_values_per_s   the same for HDC-MiniROCKET at --scale
//   inference_ppv_s, inference_hdc_s  test sets only: features and ridge prediction (1 thread),
//   inference_ratio                   HDC over MiniROCKET
//   threads_speedup_ppv, _hdc         transform time with 1 thread over T threads
//   cpu_time_*_<T>t_over_1t            process CPU time of the T-thread transform over the
//                                     1-thread one (1.00: the split adds no work; a wall-clock
//                                     speedup below T then means the cores were busy elsewhere)
//   total_s0_s                        every set at s = 0 end to end, loading excluded: MiniROCKET
//                                     fit, training features, ridge fit, test features, prediction
//                                     (one thread), the figure of the reference's 9.2 s
//   threads_identical                 yes if T threads gave the 1-thread features bit for bit
//   unequal_lengths_hdc_over_ppv      HDC-MiniROCKET over MiniROCKET transform time (1 thread) on
//                                     100 series of 100 distinct lengths (300..399)
#include <hdc/io/ts.hpp>
#include <hdc/memory/classifier/timeseries.hpp>

#include "timing.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

struct data_set {
    std::string name;
    hdc::ts_data train, test;
    std::vector<std::int32_t> test_labels;
    std::size_t values = 0;  // series x length over train and test
};

/// User plus system CPU seconds of the process so far.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: bench_timeseries UCR_DIR [--repeats 5] [--threads 2] [--scale 1]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') usage();
    const std::filesystem::path root = argv[1];
    std::size_t repeats = 5;
    unsigned threads = 2;
    double scale = 1.0;
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) usage();
        const std::string a = argv[i];
        if (a == "--repeats") repeats = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--threads") threads = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
        else if (a == "--scale") scale = std::strtod(argv[i + 1], nullptr);
        else usage();
    }
    if (repeats == 0 || threads == 0 || !(scale >= 0)) usage();
    try {
        std::vector<data_set> sets;
        std::vector<std::filesystem::path> dirs;
        for (const auto& e : std::filesystem::directory_iterator(root))
            if (e.is_directory()) dirs.push_back(e.path());
        std::sort(dirs.begin(), dirs.end());
        std::size_t values = 0, test_values = 0;
        for (const auto& d : dirs) {
            data_set s;
            s.name = d.filename().string();
            s.train = hdc::load_ts(d / (s.name + "_TRAIN.ts"));
            s.test = hdc::load_ts(d / (s.name + "_TEST.ts"));
            for (const auto label : s.test.labels) {
                const auto& cls = s.test.class_names[static_cast<std::size_t>(label)];
                const auto it = std::find(s.train.class_names.begin(), s.train.class_names.end(), cls);
                s.test_labels.push_back(static_cast<std::int32_t>(it - s.train.class_names.begin()));
            }
            for (std::size_t i = 0; i < s.train.series.size(); ++i) s.values += s.train.series.length(i);
            std::size_t tv = 0;
            for (std::size_t i = 0; i < s.test.series.size(); ++i) tv += s.test.series.length(i);
            s.values += tv;
            values += s.values;
            test_values += tv;
            sets.push_back(std::move(s));
        }
        std::printf("data_sets: %zu\nseries_x_length: %zu\nrepeats: %zu\nscale: %g\n", sets.size(), values, repeats, scale);

        std::vector<hdc::minirocket> fitted;
        std::vector<hdc::hdc_minirocket> bound;
        for (const auto& s : sets) {
            fitted.emplace_back();
            fitted.back().fit(s.train.series);
            bound.emplace_back(fitted.back(), scale);
        }
        // Transform throughput, every series of every set. The four configurations take turns
        // within each repetition, so that a change in the machine's load hits them alike.
        bool identical = true;
        const unsigned counts[2] = {1, threads};
        std::vector<double> times[2][2], cpu[2][2];  // [hdc][thread configuration]
        std::vector<hdc::sample_matrix> out[2][2];
        for (std::size_t r = 0; r < repeats; ++r)
            for (int t = 0; t < 2; ++t)
                for (int h = 0; h < 2; ++h) {
                    auto& o = out[h][t];
                    o.assign(2 * sets.size(), hdc::sample_matrix());
                    const double cpu0 = cpu_seconds();
                    times[h][t].push_back(bench::seconds([&] {
                        for (std::size_t i = 0; i < sets.size(); ++i) {
                            o[2 * i] = h ? bound[i].transform(sets[i].train.series, counts[t])
                                         : fitted[i].transform(sets[i].train.series, counts[t]);
                            o[2 * i + 1] = h ? bound[i].transform(sets[i].test.series, counts[t])
                                             : fitted[i].transform(sets[i].test.series, counts[t]);
                        }
                    }));
                    cpu[h][t].push_back(cpu_seconds() - cpu0);
                }
        for (int h = 0; h < 2; ++h)
            for (std::size_t i = 0; i < out[h][0].size(); ++i) identical = identical && out[h][0][i] == out[h][1][i];
        const double ppv_time[2] = {bench::median(times[0][0]), bench::median(times[0][1])};
        const double hdc_time[2] = {bench::median(times[1][0]), bench::median(times[1][1])};
        for (int t = 0; t < 2; ++t) {
            std::printf("transform_ppv_%ut_values_per_s: %.0f\n", counts[t], static_cast<double>(values) / ppv_time[t]);
            std::printf("transform_hdc_%ut_values_per_s: %.0f\n", counts[t], static_cast<double>(values) / hdc_time[t]);
        }
        std::printf("threads_speedup_ppv: %.2f\nthreads_speedup_hdc: %.2f\n", ppv_time[0] / ppv_time[1],
                    hdc_time[0] / hdc_time[1]);
        std::printf("transform_hdc_over_ppv_1t: %.2f\n", hdc_time[0] / ppv_time[0]);
        // On a loaded machine the threads queue for the cores: the CPU time says whether the
        // parallel run does more work than the serial one (ratio 1: none), whatever the load.
        std::printf("cpu_time_ppv_%ut_over_1t: %.2f\ncpu_time_hdc_%ut_over_1t: %.2f\n", threads,
                    bench::median(cpu[0][1]) / bench::median(cpu[0][0]), threads,
                    bench::median(cpu[1][1]) / bench::median(cpu[1][0]));

        // Inference on the test sets: features and ridge prediction, one thread.
        std::vector<hdc::ridge_classifier_cv> ppv_ridge(sets.size()), hdc_ridge(sets.size());
        for (std::size_t i = 0; i < sets.size(); ++i) {
            hdc::ridge_options ro;
            ro.classes = sets[i].train.class_names.size();
            ppv_ridge[i] = hdc::ridge_classifier_cv(ro);
            ppv_ridge[i].fit(fitted[i].transform(sets[i].train.series), sets[i].train.labels);
            hdc_ridge[i] = hdc::ridge_classifier_cv(ro);
            hdc_ridge[i].fit(bound[i].transform(sets[i].train.series), sets[i].train.labels);
        }
        std::size_t sink = 0;
        std::vector<double> inference[2];
        for (std::size_t r = 0; r < repeats; ++r) {
            inference[0].push_back(bench::seconds([&] {
                for (std::size_t i = 0; i < sets.size(); ++i)
                    sink += ppv_ridge[i].predict(fitted[i].transform(sets[i].test.series, 1)).size();
            }));
            inference[1].push_back(bench::seconds([&] {
                for (std::size_t i = 0; i < sets.size(); ++i)
                    sink += hdc_ridge[i].predict(bound[i].transform(sets[i].test.series, 1)).size();
            }));
        }
        const double inference_ppv = bench::median(inference[0]), inference_hdc = bench::median(inference[1]);
        std::printf("test_series_x_length: %zu\ninference_ppv_s: %.3f\ninference_hdc_s: %.3f\ninference_ratio: %.2f\n",
                    test_values, inference_ppv, inference_hdc, inference_hdc / inference_ppv);

        // Every set end to end at s = 0, one thread (loading excluded).
        std::size_t correct = 0, tested = 0;
        const double total = bench::median_seconds(repeats, [&] {
            correct = tested = 0;
            for (const auto& s : sets) {
                hdc::timeseries_options o;
                o.scales = {0.0};
                o.ridge.classes = s.train.class_names.size();
                hdc::timeseries_classifier model(o);
                model.fit(s.train.series, s.train.labels);
                const auto predicted = model.predict(s.test.series);
                for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == s.test_labels[i];
                tested += predicted.size();
            }
        });
        std::printf("total_s0_s: %.3f\ntest_accuracy_pooled: %.4f\nthreads_identical: %s\n", total,
                    static_cast<double>(correct) / static_cast<double>(tested), identical ? "yes" : "no");

        // Series that all differ in length (100 of lengths 300..399, N(0, 1) values, seed 9):
        // every batch holds one series, the case where timestamp rows per batch cost the most.
        hdc::rng gen(9);
        hdc::series_set uneven_train(1), uneven_test(1);
        for (std::size_t i = 0; i < 100; ++i)
            for (auto* set : {&uneven_train, &uneven_test}) {
                std::vector<float> v(300 + i);
                for (auto& e : v) e = static_cast<float>(gen.normal());
                set->add(v);
            }
        hdc::minirocket uneven;
        uneven.fit(uneven_train);
        const hdc::hdc_minirocket uneven_hdc(uneven, scale);
        std::vector<double> uneven_times[2];
        for (std::size_t r = 0; r < repeats; ++r) {
            uneven_times[0].push_back(bench::seconds([&] { sink += static_cast<std::size_t>(uneven.transform(uneven_test, 1).rows()); }));
            uneven_times[1].push_back(
                bench::seconds([&] { sink += static_cast<std::size_t>(uneven_hdc.transform(uneven_test, 1).rows()); }));
        }
        std::printf("unequal_lengths_hdc_over_ppv: %.2f\n", bench::median(uneven_times[1]) / bench::median(uneven_times[0]));
        if (sink == 0) std::printf("(nothing predicted)\n");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_timeseries: %s\n", e.what());
        return 1;
    }
    return 0;
}
