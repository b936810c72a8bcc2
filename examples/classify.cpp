// classify - HDC classifiers on a labelled table (ALGORITHMS.md section 7).
//
//   classify DATA [--test TEST] [--label COLUMN] [--model NAME] [--dim D] [--folds K]
//            [--seed S] [--threads T]
//
// DATA (and TEST) is a CSV file with a header line, or a JSON array of flat records when the
// name ends in .json (io/table.hpp: missing cells, NA and null are missing values). The label is
// the column named by --label (default: the last one); every other column is a numeric feature.
// Features are standardised with the mean and deviation of the training part (missing values
// ignored), then encoded for each learner:
//   centroid, adapt, quant, sparse, comp   record encoding (encoders/record.hpp): bipolar key
//                 per feature bound to a level code (32 levels over +-3 standard deviations),
//                 summed (MAP-I rows); a missing value leaves its feature out, values beyond
//                 3 deviations are clamped;
//   online        OnlineHD's non-linear random projection (encoders/projection.hpp) of the
//                 clamped standardised features, missing values at the training mean;
//   neural, intrvfl  the clamped standardised features (missing values at the training mean):
//                 NeuralHD projects them itself (it regenerates dimensions of its projection),
//                 intRVFL expands them into its own --dim hidden neurons.
// A sample with no value at all (every feature missing) carries no information: a zero row in
// the record and projection encodings, which every class scores 0 against.
// Without --test, K-fold cross-validation (default 5): folds stratified by class, each class's
// samples shuffled with the seed and dealt round-robin, so every fold has the class mix of the
// whole table; the mean accuracy over the folds is reported with its standard deviation.
// With --test, one fit on DATA and one evaluation on TEST (its classes named as in DATA).
//
// Prints one table line per learner (--model all: every learner; default: online): accuracy,
// its deviation over the folds, fit and predict times (seconds, summed over the folds; the
// encoding of the samples included) and the fit and predict throughput in samples per second,
// and, last, `accuracy: 0.xxxx` (of the best learner with --model all). Progress goes to stderr.
// The same seed gives the same result whatever --threads (0: every hardware thread; default 1).
//
// Errors (exit 1, the library's message): unreadable or malformed table (naming the line and
// column, or the JSON record), fewer samples than folds. Bad arguments print the usage (exit 2).
#include <hdc/encoders/projection.hpp>
#include <hdc/encoders/record.hpp>
#include <hdc/io/table.hpp>
#include <hdc/memory/classifiers.hpp>
#include <hdc/models/bipolar.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
    std::string data, test, label = "last", model = "online";
    std::size_t dim = 10000, folds = 5, threads = 1;
    std::uint64_t seed = 0;
};

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr,
                 "classify: %s\n"
                 "usage: classify DATA [--test TEST] [--label COLUMN] [--model NAME] [--dim D]\n"
                 "                [--folds K] [--seed S] [--threads T]\n"
                 "  DATA, TEST     CSV with a header line, or a JSON array of flat records (.json)\n"
                 "  --test TEST    evaluate on TEST instead of cross-validating on DATA\n"
                 "  --label COLUMN the label column's name (default: last)\n"
                 "  --model NAME   centroid, adapt, online, neural, quant, sparse, comp, intrvfl\n"
                 "                 or all (default online)\n"
                 "  --dim D        hypervector dimension, the expansion width for intrvfl (default 10000)\n"
                 "  --folds K      cross-validation folds without --test (default 5)\n"
                 "  --seed S       seed of the folds, encoders and learners (default 0)\n"
                 "  --threads T    threads (default 1; 0: all cores); results do not depend on it\n",
                 why.c_str());
    std::exit(2);
}

std::uint64_t parse_number(const std::string& s, const char* what) {
    std::size_t pos = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(s, &pos);
    } catch (...) {
        pos = std::string::npos;
    }
    if (s.empty() || s[0] == '-' || pos != s.size()) usage(std::string("bad value for ") + what + ": '" + s + "'");
    return v;
}

options parse(int argc, char** argv) {
    options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&](const char* what) -> std::string {
            if (i + 1 >= argc) usage(std::string("missing value after ") + what);
            return argv[++i];
        };
        if (a == "--test") o.test = value("--test");
        else if (a == "--label") o.label = value("--label");
        else if (a == "--model") o.model = value("--model");
        else if (a == "--dim") o.dim = parse_number(value("--dim"), "--dim");
        else if (a == "--folds") o.folds = parse_number(value("--folds"), "--folds");
        else if (a == "--seed") o.seed = parse_number(value("--seed"), "--seed");
        else if (a == "--threads") o.threads = parse_number(value("--threads"), "--threads");
        else if (a.size() > 1 && a[0] == '-') usage("unknown option '" + a + "'");
        else positional.push_back(a);
    }
    if (positional.size() != 1) usage(positional.empty() ? "no DATA file" : "more than one DATA file");
    o.data = positional[0];
    if (o.dim == 0) usage("--dim must be positive");
    if (o.test.empty() && o.folds < 2) usage("--folds must be at least 2");
    return o;
}

/// The input a learner takes.
enum class input { record, projection, features };

const char* input_name(input in) {
    switch (in) {
        case input::record: return "record";
        case input::projection: return "projection";
        default: return "features";
    }
}

/// One train/test split, its standardised features and their encodings (made on first use).
struct split {
    hdc::feature_matrix train_z, test_z;
    std::vector<std::int32_t> train_y, test_y;
    std::optional<hdc::sample_matrix> train_rows[3], test_rows[3];
    double encode_train_s[3] = {0, 0, 0}, encode_test_s[3] = {0, 0, 0};
};

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// The encoded rows of a split for one input kind (encoded once, timed).
class encoders {
public:
    encoders(std::size_t features, const options& o) : features_(features), o_(o) {}

    void prepare(split& s, input in) const {
        const auto k = static_cast<std::size_t>(in);
        if (s.train_rows[k]) return;
        auto t0 = clock_type::now();
        s.train_rows[k] = encode(s.train_z, in);
        s.encode_train_s[k] = seconds_since(t0);
        t0 = clock_type::now();
        s.test_rows[k] = encode(s.test_z, in);
        s.encode_test_s[k] = seconds_since(t0);
    }

private:
    hdc::sample_matrix encode(const hdc::feature_matrix& z, input in) const {
        const auto threads = static_cast<unsigned>(std::min<std::size_t>(o_.threads, 1024));
        switch (in) {
            case input::record:
                if (!record_) record_.emplace(features_, hdc::record_options{.seed = o_.seed}, o_.dim);
                return record_->encode_rows(z, threads);
            case input::projection:
                if (!projection_) projection_.emplace(features_, o_.dim, o_.seed);
                return projection_->encode(hdc::feature_rows(z), o_.threads);
            default:
                return hdc::feature_rows(z);
        }
    }

    std::size_t features_;
    const options& o_;
    mutable std::optional<hdc::record_encoder<hdc::bipolar<>>> record_;
    mutable std::optional<hdc::projection_encoder> projection_;
};

/// What one learner achieved on one split.
struct outcome {
    std::size_t correct = 0, tested = 0, trained = 0;
    double fit_s = 0, predict_s = 0;
};

/// A learner: its name, its input, and how to fit and evaluate it on encoded rows.
struct learner {
    std::string name;
    input in;
    std::function<outcome(const hdc::sample_matrix&, const std::vector<std::int32_t>&,
                          const hdc::sample_matrix&, const std::vector<std::int32_t>&, std::size_t classes)>
        run;
};

/// Fits a C on the training rows and counts its correct predictions on the test rows.
template <hdc::classifier C>
learner make_learner(std::string name, input in, const options& o) {
    return {std::move(name), in,
            [&o](const hdc::sample_matrix& train, const std::vector<std::int32_t>& train_y,
                 const hdc::sample_matrix& test, const std::vector<std::int32_t>& test_y, std::size_t classes) {
                typename C::options opts{};
                opts.seed = o.seed;
                opts.threads = o.threads;
                // Learners that take features encode them into o.dim dimensions themselves.
                const std::size_t width = hdc::classifier_takes_features<C> ? o.dim : static_cast<std::size_t>(train.cols());
                C model(width, classes, opts);
                outcome out;
                auto t0 = clock_type::now();
                model.fit(train, train_y);
                out.fit_s = seconds_since(t0);
                t0 = clock_type::now();
                const auto predicted = model.predict(test);
                out.predict_s = seconds_since(t0);
                for (std::size_t i = 0; i < predicted.size(); ++i) out.correct += predicted[i] == test_y[i];
                out.tested = test_y.size();
                out.trained = train_y.size();
                return out;
            }};
}

std::vector<learner> all_learners(const options& o) {
    std::vector<learner> l;
    l.push_back(make_learner<hdc::centroid_classifier>("centroid", input::record, o));
    l.push_back(make_learner<hdc::adapthd_classifier>("adapt", input::record, o));
    l.push_back(make_learner<hdc::onlinehd_classifier>("online", input::projection, o));
    l.push_back(make_learner<hdc::neuralhd_classifier<>>("neural", input::features, o));
    l.push_back(make_learner<hdc::quanthd_classifier>("quant", input::record, o));
    l.push_back(make_learner<hdc::sparsehd_classifier>("sparse", input::record, o));
    l.push_back(make_learner<hdc::comphd_classifier>("comp", input::record, o));
    l.push_back(make_learner<hdc::intrvfl_classifier>("intrvfl", input::features, o));
    return l;
}

/// Stratified folds: each class's samples shuffled with the seed, dealt round-robin (continuing
/// from one class to the next, so fold sizes differ by at most one).
std::vector<std::size_t> stratified_folds(const std::vector<std::int32_t>& labels, std::size_t classes,
                                          std::size_t folds, std::uint64_t seed) {
    std::vector<std::vector<std::size_t>> members(classes);
    for (std::size_t i = 0; i < labels.size(); ++i) members[static_cast<std::size_t>(labels[i])].push_back(i);
    hdc::rng gen(seed, 0x666F6C6473ull);  // "folds"
    std::vector<std::size_t> fold(labels.size());
    std::size_t next = 0;
    for (auto& m : members) {
        for (std::size_t i = m.size(); i-- > 1;) std::swap(m[i], m[static_cast<std::size_t>(gen.below(i + 1))]);
        for (std::size_t i : m) fold[i] = next++ % folds;
    }
    return fold;
}

/// Rows `which` of x.
hdc::feature_matrix select_rows(const hdc::feature_matrix& x, const std::vector<Eigen::Index>& which) {
    hdc::feature_matrix out(static_cast<Eigen::Index>(which.size()), x.cols());
    for (std::size_t i = 0; i < which.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x.row(which[i]);
    return out;
}

/// Standardises a split's features with the training part's statistics.
void standardise(split& s, const hdc::feature_matrix& train_x, const hdc::feature_matrix& test_x) {
    const auto st = hdc::standardizer::fit(train_x);
    s.train_z = st.transform(train_x);
    s.test_z = st.transform(test_x);
}

int run(const options& o) {
    std::vector<learner> learners = all_learners(o);
    if (o.model != "all") {
        std::erase_if(learners, [&](const learner& l) { return l.name != o.model; });
        if (learners.empty()) usage("unknown model '" + o.model + "'");
    }

    hdc::table_options read;
    read.label = o.label;
    const hdc::table data = hdc::read_table_file(o.data, read);
    for (const auto& field : data.ignored)
        std::fprintf(stderr, "classify: %s: field '%s' is not numeric, not used\n", o.data.c_str(), field.c_str());

    std::vector<split> splits;
    std::vector<std::string> class_names;
    if (!o.test.empty()) {
        read.classes = data.label_names;
        const hdc::table test = hdc::read_table_file(o.test, read);
        if (test.feature_names != data.feature_names)
            throw hdc::format_error(o.test + ": its features differ from " + o.data + "'s");
        split s;
        standardise(s, data.features, test.features);
        s.train_y = data.labels;
        s.test_y = test.labels;
        splits.push_back(std::move(s));
        class_names = test.label_names;
        std::fprintf(stderr, "classify: %s: %zu samples, %zu features, %zu classes; test %s: %zu samples\n",
                     o.data.c_str(), data.rows(), data.feature_names.size(), data.classes(), o.test.c_str(),
                     test.rows());
    } else {
        if (data.rows() < o.folds)
            throw hdc::invalid_parameter(o.data + ": " + std::to_string(data.rows()) + " samples for " +
                                         std::to_string(o.folds) + " folds");
        class_names = data.label_names;
        const auto fold = stratified_folds(data.labels, data.classes(), o.folds, o.seed);
        for (std::size_t f = 0; f < o.folds; ++f) {
            std::vector<Eigen::Index> train, test;
            split s;
            for (std::size_t i = 0; i < data.rows(); ++i) {
                (fold[i] == f ? test : train).push_back(static_cast<Eigen::Index>(i));
                (fold[i] == f ? s.test_y : s.train_y).push_back(data.labels[i]);
            }
            standardise(s, select_rows(data.features, train), select_rows(data.features, test));
            splits.push_back(std::move(s));
        }
        std::fprintf(stderr, "classify: %s: %zu samples, %zu features, %zu classes; %zu-fold cross-validation\n",
                     o.data.c_str(), data.rows(), data.feature_names.size(), data.classes(), o.folds);
    }

    const encoders enc(data.feature_names.size(), o);
    std::printf("%-9s %-10s %8s %7s %9s %9s %12s %12s\n", "model", "input", "accuracy", "sd", "fit_s",
                "predict_s", "fit/s", "predict/s");
    double best = -1;
    std::string best_name;
    for (const auto& l : learners) {
        std::vector<double> accuracy;
        double fit_s = 0, predict_s = 0;
        std::size_t trained = 0, tested = 0;
        for (std::size_t f = 0; f < splits.size(); ++f) {
            std::fprintf(stderr, "classify: %s, %s %zu of %zu\n", l.name.c_str(), o.test.empty() ? "fold" : "split",
                         f + 1, splits.size());
            split& s = splits[f];
            enc.prepare(s, l.in);
            const auto k = static_cast<std::size_t>(l.in);
            const outcome r = l.run(*s.train_rows[k], s.train_y, *s.test_rows[k], s.test_y, class_names.size());
            accuracy.push_back(static_cast<double>(r.correct) / static_cast<double>(r.tested));
            fit_s += s.encode_train_s[k] + r.fit_s;
            predict_s += s.encode_test_s[k] + r.predict_s;
            trained += r.trained;
            tested += r.tested;
        }
        double mean = 0, sd = 0;
        for (double a : accuracy) mean += a / static_cast<double>(accuracy.size());
        for (double a : accuracy) sd += (a - mean) * (a - mean);
        sd = accuracy.size() > 1 ? std::sqrt(sd / static_cast<double>(accuracy.size() - 1)) : 0.0;
        char spread[32] = "-";
        if (accuracy.size() > 1) std::snprintf(spread, sizeof spread, "%.4f", sd);
        std::printf("%-9s %-10s %8.4f %7s %9.3f %9.3f %12.0f %12.0f\n", l.name.c_str(), input_name(l.in), mean,
                    spread, fit_s, predict_s, static_cast<double>(trained) / fit_s,
                    static_cast<double>(tested) / predict_s);
        std::fflush(stdout);
        if (mean > best) {
            best = mean;
            best_name = l.name;
        }
    }
    if (learners.size() > 1) std::printf("best: %s\n", best_name.c_str());
    std::printf("accuracy: %.4f\n", best);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    try {
        return run(o);
    } catch (const hdc::error& e) {
        std::fprintf(stderr, "classify: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "classify: %s\n", e.what());
        return 1;
    }
}
