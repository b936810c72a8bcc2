// ucr - MiniROCKET and HDC-MiniROCKET on UCR data sets (ALGORITHMS.md section 5).
//
//   ucr DATASET_DIR... [--scale s|auto|all] [--seed k] [--threads T]
//   ucr --synthetic [--scale s|auto|all] [--seed k] [--threads T]
//
// Each DATASET_DIR holds <Name>_TRAIN.ts and <Name>_TEST.ts (Name = the directory's name). For
// every data set and scale the program fits hdc::timeseries_classifier on the training set
// (MiniROCKET fitted on the training series, features at the timestamp scale s, ridge with
// leave-one-out regularisation and normalize scaling) and prints
//   accuracy scale=<s>: 0.xxxx  (fit F s, transform T s, predict P s)
// where fit covers the transform's fit, the training features and the ridge fit (and, for auto,
// the cross-validation), transform is the test set's features and predict the ridge scores.
// --scale: a number (0 is plain MiniROCKET), auto (chosen among 0, 0.414, 1, 1.83, 3, 4.66, 7 by
// stratified cross-validation on the training set; the line then says which) or all (one line
// per scale of that grid); default 0. With several directories every line starts with the data
// set's name and the mean accuracy of each scale follows, then the total time (loading excluded).
// --synthetic: the peak data set of ALGORITHMS.md section 5.3 generated here (500 series of
// length 500, a narrow peak in the first half = class 1 or the second half = class 0, standard
// normal noise, 400 training / 100 test series drawn with --seed); default --scale all.
// Progress goes to stderr. Bad arguments: usage and exit 2; bad input (unreadable or malformed
// file, a test class the training set does not have): the error message and exit 1.
#include <hdc/io/ts.hpp>
#include <hdc/memory/classifier/timeseries.hpp>

#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

const char* const usage =
    "usage: ucr DATASET_DIR... [--scale s|auto|all] [--seed k] [--threads T]\n"
    "       ucr --synthetic [--scale s|auto|all] [--seed k] [--threads T]\n"
    "  DATASET_DIR holds <Name>_TRAIN.ts and <Name>_TEST.ts (Name = the directory name)\n"
    "  --scale    timestamp scale s >= 0 (0 = MiniROCKET), auto (cross-validated) or all (default 0;\n"
    "             --synthetic: all)\n"
    "  --seed     seed of the transform, the folds and the synthetic data (default 0)\n"
    "  --threads  transform threads, 0 = all, at most 256 (default 1); results do not depend on it\n";

[[noreturn]] void bad_usage(const std::string& message) {
    std::fprintf(stderr, "ucr: %s\n%s", message.c_str(), usage);
    std::exit(2);
}

struct options {
    std::vector<std::string> dirs;
    bool synthetic = false;
    std::string scale;  // number, "auto" or "all"; empty = the default
    std::uint64_t seed = 0;
    unsigned threads = 1;
};

/// Most threads --threads accepts.
constexpr std::uint64_t max_threads = 256;

std::uint64_t parse_count(const std::string& flag, const std::string& value) {
    char* end = nullptr;
    if (value.empty() || value[0] == '-') bad_usage(flag + " needs a non-negative integer, got '" + value + "'");
    errno = 0;
    const unsigned long long v = std::strtoull(value.c_str(), &end, 10);
    if (*end != '\0') bad_usage(flag + " needs a non-negative integer, got '" + value + "'");
    if (errno == ERANGE) bad_usage(flag + " is out of range: '" + value + "'");
    return v;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) bad_usage("missing value after " + a);
            return argv[++i];
        };
        if (a == "--scale") o.scale = value();
        else if (a == "--seed") o.seed = parse_count(a, value());
        else if (a == "--threads") {
            // A thread count past the limit is a typo, not a request: refuse it rather than
            // truncate it to unsigned or start thousands of threads.
            const std::uint64_t t = parse_count(a, value());
            if (t > max_threads)
                bad_usage("--threads must be between 0 and " + std::to_string(max_threads) + ", got " + std::to_string(t));
            o.threads = static_cast<unsigned>(t);
        }
        else if (a == "--synthetic") o.synthetic = true;
        else if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (a.starts_with("--")) bad_usage("unknown option " + a);
        else o.dirs.push_back(a);
    }
    if (o.synthetic && !o.dirs.empty()) bad_usage("--synthetic takes no DATASET_DIR");
    if (!o.synthetic && o.dirs.empty()) bad_usage("no DATASET_DIR given");
    if (o.scale.empty()) o.scale = o.synthetic ? "all" : "0";
    if (o.scale != "auto" && o.scale != "all") {
        char* end = nullptr;
        const double s = std::strtod(o.scale.c_str(), &end);
        if (o.scale.empty() || *end != '\0' || !(s >= 0) || !std::isfinite(s))
            bad_usage("--scale needs a number >= 0, auto or all, got '" + o.scale + "'");
    }
    return o;
}

/// One labelled train/test split.
struct problem {
    std::string name;
    hdc::series_set train, test;
    std::vector<std::int32_t> train_labels, test_labels;
    std::size_t classes = 0;
};

problem load_dir(const std::string& dir) {
    const fs::path path(dir);
    std::string name = path.filename().string();
    if (name.empty()) name = path.parent_path().filename().string();
    const auto train = hdc::load_ts(path / (name + "_TRAIN.ts"));
    auto test = hdc::load_ts(path / (name + "_TEST.ts"));
    if (train.labels.empty() || test.labels.empty())
        throw hdc::format_error(dir + ": the training and test files need class labels");
    hdc::align_labels(test, train);  // the test labels as indices into the training file's classes
    problem p{name, train.series, test.series, train.labels, test.labels, train.class_names.size()};
    return p;
}

/// ALGORITHMS.md 5.3: one series per shift of a narrow peak plus N(0, 1) noise, 80/20 split.
problem synthetic(std::uint64_t seed) {
    constexpr std::size_t T = 500;
    constexpr double a = 0.03, pi = 3.14159265358979323846;
    std::vector<double> peak(T);
    for (std::size_t t = 0; t < T; ++t) {
        const double x = -10.0 + 20.0 * static_cast<double>(t) / static_cast<double>(T - 1);
        peak[t] = static_cast<double>(T) / std::sqrt(pi) * a * std::exp(-x * x / (a * a));
    }
    hdc::rng gen(seed, 7);
    std::vector<std::size_t> order(T);
    for (std::size_t i = 0; i < T; ++i) order[i] = i;
    for (std::size_t i = T; i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(gen.below(i))]);
    problem p;
    p.name = "synthetic";
    p.classes = 2;
    std::vector<std::vector<float>> series(T);
    std::vector<std::int32_t> labels(T);
    for (std::size_t shift = 0; shift < T; ++shift) {
        // roll(peak, shift): the peak centre (between steps 249 and 250) moves to 249.5 + shift.
        series[shift].resize(T);
        for (std::size_t t = 0; t < T; ++t)
            series[shift][t] = static_cast<float>(peak[(t + T - shift) % T] + gen.normal());
        labels[shift] = (249 + shift) % T < T / 2 ? 1 : 0;
    }
    for (std::size_t i = 0; i < T; ++i) {
        const std::size_t s = order[i];
        if (i < 400) {
            p.train.add(series[s]);
            p.train_labels.push_back(labels[s]);
        } else {
            p.test.add(series[s]);
            p.test_labels.push_back(labels[s]);
        }
    }
    return p;
}

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct result {
    double accuracy = 0, chosen = 0, fit = 0, transform = 0, predict = 0;
};

result run(const problem& p, const std::vector<double>& scales, const options& o) {
    hdc::timeseries_options to;
    to.transform.seed = o.seed;
    to.transform.threads = o.threads;
    to.scales = scales;
    to.ridge.classes = p.classes;
    hdc::timeseries_classifier model(to);
    result r;
    auto start = clock_type::now();
    model.fit(p.train, p.train_labels);
    r.fit = seconds_since(start);
    start = clock_type::now();
    const hdc::sample_matrix features = model.transform(p.test);
    r.transform = seconds_since(start);
    start = clock_type::now();
    const auto predicted = model.predict(features);
    r.predict = seconds_since(start);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == p.test_labels[i];
    r.accuracy = static_cast<double>(correct) / static_cast<double>(predicted.size());
    r.chosen = model.scale();
    return r;
}

std::string scale_name(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    // The runs: one per grid scale (all), the grid (auto) or one scale.
    std::vector<std::vector<double>> runs;
    std::vector<std::string> labels;
    if (o.scale == "all") {
        for (const double s : hdc::hdc_minirocket_scales()) {
            runs.push_back({s});
            labels.push_back(scale_name(s));
        }
    } else if (o.scale == "auto") {
        runs.push_back(hdc::hdc_minirocket_scales());
        labels.push_back("auto");
    } else {
        runs.push_back({std::strtod(o.scale.c_str(), nullptr)});
        labels.push_back(scale_name(runs.back()[0]));
    }
    try {
        const bool several = o.dirs.size() > 1;
        std::vector<double> sum(runs.size(), 0.0);
        double total = 0;
        const std::size_t sets = o.synthetic ? 1 : o.dirs.size();
        for (std::size_t d = 0; d < sets; ++d) {
            std::fprintf(stderr, "ucr: %s\n", o.synthetic ? "generating the synthetic peak data set" : o.dirs[d].c_str());
            const problem p = o.synthetic ? synthetic(o.seed) : load_dir(o.dirs[d]);
            if (!several)
                std::printf("%s: %zu training and %zu test series, length %zu..%zu, %zu channel(s), %zu classes\n",
                            p.name.c_str(), p.train.size(), p.test.size(), p.train.min_length(), p.train.max_length(),
                            p.train.channels(), p.classes);
            for (std::size_t r = 0; r < runs.size(); ++r) {
                std::fprintf(stderr, "ucr: %s scale %s\n", p.name.c_str(), labels[r].c_str());
                const result res = run(p, runs[r], o);
                sum[r] += res.accuracy;
                total += res.fit + res.transform + res.predict;
                const std::string chosen = labels[r] == "auto" ? " (chose " + scale_name(res.chosen) + ")" : "";
                std::printf("%s%saccuracy scale=%s: %.4f%s  (fit %.3f s, transform %.3f s, predict %.3f s)\n",
                            several ? p.name.c_str() : "", several ? " " : "", labels[r].c_str(), res.accuracy,
                            chosen.c_str(), res.fit, res.transform, res.predict);
                std::fflush(stdout);
            }
        }
        if (several)
            for (std::size_t r = 0; r < runs.size(); ++r)
                std::printf("mean accuracy scale=%s: %.4f over %zu data sets\n", labels[r].c_str(),
                            sum[r] / static_cast<double>(sets), sets);
        std::printf("total time: %.3f s (fit, transform and predict; loading excluded)\n", total);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ucr: %s\n", e.what());
        return 1;
    }
    return 0;
}
