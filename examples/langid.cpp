// langid - letter n-gram language identification (ALGORITHMS.md section 6.1).
//
//   langid TRAIN_DIR TEST_TSV [--dim D] [--n N] [--orders 3,4,5] [--model binary|bipolar|real]
//          [--threads T] [--retrain E] [--retrain-lines L] [--rate R] [--binarize]
//          [--join-lines] [--utf8] [--unknown map|skip|reject] [--seed S]
//
// Trains one prototype per TRAIN_DIR/<lang>.txt (every such file, with or without test lines),
// classifies every `label<TAB>text` line of TEST_TSV, and prints the per-language accuracy with
// the most frequent confusion, the training and test throughput and, last, `accuracy: 0.xxxx`.
// Texts are read with the default alphabet (a-z and space, upper case folded, every other byte
// read as a space; --unknown skip drops such bytes, --unknown reject stops with the file, line
// and byte offset; --utf8 decodes UTF-8 first, so a non-ASCII letter counts once, and malformed
// UTF-8 stops with the file, line and byte offset). The lines of a training file are its sentences, encoded as separate texts
// (no n-gram crosses a line end, as in the test sentences); --join-lines reads the whole file
// as one text, lines joined by a space (the reference code's whole-file reading).
//
// Retraining (--retrain E, default 1; 0 keeps the plain centroid prototypes of the published
// algorithm): E perceptron passes over the first L training lines of each language
// (--retrain-lines, default 1000, or all), taken round-robin over the languages; lines are
// predicted in fixed batches with the model of the batch start and the corrections applied in
// order, so the result does not depend on --threads.
//
// Errors (exit 1, message naming the file and line): unreadable directory or file, no .txt in
// TRAIN_DIR, an empty (or too short) training file, a TSV line without a tab, a test label
// without a training file. A test sentence shorter than the largest order cannot be classified:
// it counts as an error (reported as "unclassified").
#include <hdc/encoders/text.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/real.hpp>

#include "threads.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

struct options {
    std::string train_dir, test_tsv;
    std::size_t dim = 10000;
    std::vector<std::size_t> orders{4};
    std::string model = "binary";
    unsigned threads = 0;  // 0: hardware concurrency
    std::size_t retrain = 1;
    std::size_t retrain_lines = 1000;  // per language; "all": every line
    double rate = 0.02;
    bool binarize = false;
    bool join_lines = false;
    bool utf8 = false;
    hdc::unknown_symbols unknown = hdc::unknown_symbols::map;
    std::uint64_t seed = hdc::default_text_seed;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "langid: %s\n"
                 "usage: langid TRAIN_DIR TEST_TSV [--dim D] [--n N | --orders 3,4,5]\n"
                 "              [--model binary|bipolar|real] [--threads T] [--retrain E]\n"
                 "              [--retrain-lines L] [--rate R] [--binarize] [--join-lines]\n"
                 "              [--utf8] [--unknown map|skip|reject] [--seed S]\n"
                 "  TRAIN_DIR  one training text per language, <lang>.txt\n"
                 "  TEST_TSV   one sentence per line: label<TAB>text\n"
                 "  --dim D        dimension (default 10000)\n"
                 "  --n N          n-gram order (default 4); --orders sums the scores of several\n"
                 "  --model M      hypervector family (default binary; bipolar gives the same result)\n"
                 "  --threads T    threads (default: all cores); results do not depend on it\n"
                 "  --retrain E    perceptron passes over the training lines (default 1; 0: the\n"
                 "                 plain centroid prototypes of the published algorithm)\n"
                 "  --rate R       retraining step, a fraction of the prototypes' scale (default 0.02)\n"
                 "  --retrain-lines L  retrain on the first L lines of each file (default 1000; all)\n"
                 "  --binarize     score against binarized prototypes\n"
                 "  --join-lines   train on each file as one text (default: line by line)\n"
                 "  --utf8         decode UTF-8 (malformed input is an error naming file and line)\n"
                 "  --unknown P    characters outside a-z, A-Z and space: map (to a space,\n"
                 "                 default), skip, or reject (an error naming file and line)\n"
                 "  --seed S       seed of the letter atoms\n",
                 why);
    std::exit(2);
}

std::size_t parse_size(const std::string& s, const char* what) {
    std::size_t pos = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(s, &pos);
    } catch (...) {
        pos = std::string::npos;
    }
    if (pos != s.size() || s.empty() || s[0] == '-')
        usage((std::string("bad value for ") + what + ": '" + s + "'").c_str());
    return static_cast<std::size_t>(v);
}

options parse(int argc, char** argv) {
    options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&](const char* what) -> std::string {
            if (i + 1 >= argc) usage((std::string("missing value after ") + what).c_str());
            return argv[++i];
        };
        if (a == "--dim") o.dim = parse_size(value("--dim"), "--dim");
        else if (a == "--n") o.orders = {parse_size(value("--n"), "--n")};
        else if (a == "--orders") {
            o.orders.clear();
            std::stringstream ss(value("--orders"));
            std::string item;
            while (std::getline(ss, item, ',')) o.orders.push_back(parse_size(item, "--orders"));
            if (o.orders.empty()) usage("--orders needs at least one order");
        } else if (a == "--model") o.model = value("--model");
        else if (a == "--threads") o.threads = static_cast<unsigned>(parse_size(value("--threads"), "--threads"));
        else if (a == "--retrain") o.retrain = parse_size(value("--retrain"), "--retrain");
        else if (a == "--retrain-lines") {
            const std::string v = value("--retrain-lines");
            o.retrain_lines = v == "all" ? static_cast<std::size_t>(-1) : parse_size(v, "--retrain-lines");
            if (o.retrain_lines == 0) usage("--retrain-lines must be positive (or all)");
        }
        else if (a == "--rate") {
            const std::string v = value("--rate");
            char* end = nullptr;
            o.rate = std::strtod(v.c_str(), &end);
            if (end == v.c_str() || *end != '\0' || !(o.rate > 0)) usage("--rate must be a positive number");
        } else if (a == "--binarize") o.binarize = true;
        else if (a == "--join-lines") o.join_lines = true;
        else if (a == "--utf8") o.utf8 = true;
        else if (a == "--unknown") {
            const std::string v = value("--unknown");
            if (v == "map") o.unknown = hdc::unknown_symbols::map;
            else if (v == "skip") o.unknown = hdc::unknown_symbols::skip;
            else if (v == "reject") o.unknown = hdc::unknown_symbols::reject;
            else usage("--unknown must be map, skip or reject");
        }
        else if (a == "--seed") o.seed = parse_size(value("--seed"), "--seed");
        else if (a == "-h" || a == "--help") usage("help");
        else if (a.size() > 1 && a[0] == '-') usage(("unknown option " + a).c_str());
        else positional.push_back(a);
    }
    if (positional.size() != 2) usage("expected TRAIN_DIR and TEST_TSV");
    o.train_dir = positional[0];
    o.test_tsv = positional[1];
    if (o.dim == 0) usage("--dim must be positive");
    for (std::size_t n : o.orders)
        if (n == 0 || n > 16) usage("n-gram orders must be 1 to 16");
    if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
    return o;
}

/// Runs f(i) for i in [0, count) on `threads` threads (contiguous chunks); the first exception
/// is rethrown.
template <class F>
void parallel_for(std::size_t count, unsigned threads, F&& f) {
    const std::size_t t = std::min<std::size_t>(threads, std::max<std::size_t>(count, 1));
    if (t <= 1) {
        for (std::size_t i = 0; i < count; ++i) f(i);
        return;
    }
    std::vector<std::exception_ptr> errors(t);
    examples::run_threads(t, [&](std::size_t k) {
        try {
            for (std::size_t i = count * k / t; i < count * (k + 1) / t; ++i) f(i);
        } catch (...) {
            errors[k] = std::current_exception();
        }
    });
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary | std::ios::ate);
    if (!in) throw hdc::format_error(p.string() + ": cannot open");
    std::string text(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in) throw hdc::format_error(p.string() + ": read error");
    return text;
}

/// The lines of a text (without '\n' and a trailing '\r').
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

/// Translates a line, naming the file and line in any error.
std::vector<hdc::symbol_id> translate_line(const hdc::text_alphabet& a, std::string_view line,
                                           const std::string& file, std::size_t number) {
    try {
        return a.translate(line);
    } catch (const hdc::error& e) {
        throw hdc::format_error(file + ":" + std::to_string(number) + ": " + e.what());
    }
}

/// A percentage bar on stderr when it is a terminal. update() may be called from several
/// threads: the last percentage shown is atomic and only a thread that raises it prints.
class progress {
public:
    progress(const char* what, std::size_t total)
        : what_(what), total_(total), on_(isatty(2) != 0 && total > 0) {}
    void update(std::size_t done) {
        if (!on_) return;
        const std::size_t pct = done * 100 / total_;
        std::size_t shown = last_.load();
        do {
            if (shown != unset && pct <= shown) return;
        } while (!last_.compare_exchange_weak(shown, pct));
        const std::size_t bar = pct / 4;
        std::fprintf(stderr, "\r%s [%s%s] %3zu%%", what_, std::string(bar, '#').c_str(),
                     std::string(25 - bar, ' ').c_str(), pct);
        std::fflush(stderr);
    }
    ~progress() {
        if (on_) std::fprintf(stderr, "\r%*s\r", 50, "");
    }

private:
    const char* what_;
    std::size_t total_;
    bool on_;
    static constexpr std::size_t unset = 1000;
    std::atomic<std::size_t> last_{unset};
};

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

template <class V>
int run(const options& o) {
    const auto t_start = clock_type::now();
    // Training files.
    std::error_code ec;
    if (!fs::is_directory(o.train_dir, ec))
        throw hdc::format_error(o.train_dir + ": not a readable directory");
    std::vector<fs::path> files;
    for (fs::directory_iterator it(o.train_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".txt") files.push_back(it->path());
    if (ec) throw hdc::format_error(o.train_dir + ": cannot list: " + ec.message());
    if (files.empty()) throw hdc::format_error(o.train_dir + ": no <lang>.txt training files");
    std::sort(files.begin(), files.end());

    // Test lines.
    std::ifstream tsv(o.test_tsv, std::ios::binary);
    if (!tsv) throw hdc::format_error(o.test_tsv + ": cannot open");
    const std::vector<hdc::labelled_text> tests = hdc::read_labelled_lines(tsv, o.test_tsv);
    if (tests.empty()) throw hdc::empty_input(o.test_tsv + ": no test lines");

    const hdc::text_alphabet alphabet =
        o.utf8 ? hdc::text_alphabet("abcdefghijklmnopqrstuvwxyz ", true, o.unknown, U' ')
               : hdc::text_alphabet::latin(o.unknown);
    hdc::text_classifier_options copt;
    copt.orders = o.orders;
    copt.binarize_profiles = o.binarize;
    copt.seed = o.seed;
    hdc::text_classifier<V> model(alphabet, o.dim, copt);
    for (const auto& f : files) model.add_class(f.stem().string());
    for (const auto& t : tests)
        if (!model.find(t.label))
            throw hdc::format_error(o.test_tsv + ":" + std::to_string(t.line) + ": label '" +
                                    t.label + "' has no training file in " + o.train_dir);

    // Training: one prototype per file, languages in parallel (each independent).
    std::vector<std::string> contents(files.size());
    std::vector<std::vector<hdc::accumulator<V>>> stats(files.size());
    const std::vector<hdc::symbol_id> separator = [&] {
        try {
            return alphabet.translate(" ");
        } catch (const hdc::error&) {
            return std::vector<hdc::symbol_id>{};
        }
    }();
    const auto t_train = clock_type::now();
    parallel_for(files.size(), o.threads, [&](std::size_t i) {
        const std::string name = files[i].string();
        contents[i] = read_file(files[i]);
        std::vector<hdc::symbol_id> symbols;
        std::vector<std::size_t> ends;
        symbols.reserve(contents[i].size());
        std::size_t number = 0;
        for (std::string_view line : split_lines(contents[i])) {
            ++number;
            if (o.join_lines && !symbols.empty())
                symbols.insert(symbols.end(), separator.begin(), separator.end());
            const auto s = translate_line(alphabet, line, name, number);
            symbols.insert(symbols.end(), s.begin(), s.end());
            if (!o.join_lines) ends.push_back(symbols.size());
        }
        if (o.join_lines) ends.push_back(symbols.size());
        if (contents[i].empty()) throw hdc::format_error(name + ": empty training file");
        const std::size_t need = *std::max_element(o.orders.begin(), o.orders.end());
        if (symbols.size() < need)
            throw hdc::format_error(name + ": training text has fewer than " + std::to_string(need) +
                                    " symbols");
        stats[i] = model.statistics(symbols, ends);
        for (std::size_t k = 0; k < o.orders.size(); ++k)
            if (stats[i][k].count() == 0)  // every line shorter than the order
                throw hdc::empty_input(name + ": no training line has at least " + std::to_string(o.orders[k]) +
                                       " symbols (n-gram order " + std::to_string(o.orders[k]) + ")");
    });
    for (std::size_t i = 0; i < files.size(); ++i) model.train(i, stats[i]);
    stats.clear();
    const double train_seconds = seconds_since(t_train);
    std::size_t train_bytes = 0;
    for (const auto& c : contents) train_bytes += c.size();

    // Retraining: perceptron passes over the training lines, round-robin over languages.
    double retrain_seconds = 0;
    std::vector<std::size_t> retrain_errors;
    std::size_t retrain_examples = 0;
    if (o.retrain > 0) {
        const auto t_re = clock_type::now();
        struct example {
            std::string_view text;
            std::size_t cls, line;
        };
        std::vector<std::vector<std::string_view>> lines(files.size());
        for (std::size_t i = 0; i < files.size(); ++i) lines[i] = split_lines(contents[i]);
        std::vector<example> examples;
        for (std::size_t k = 0;; ++k) {
            bool any = false;
            if (k >= o.retrain_lines) break;
            for (std::size_t i = 0; i < files.size(); ++i)
                if (k < lines[i].size()) {
                    any = true;
                    examples.push_back({lines[i][k], i, k + 1});
                }
            if (!any) break;
        }
        retrain_examples = examples.size();
        const std::vector<double> weights = model.retrain_weights(o.rate);
        constexpr std::size_t batch = 256;
        std::vector<std::optional<typename hdc::text_classifier<V>::query>> queries(batch);
        std::vector<std::size_t> predicted(batch);
        progress bar("retraining", o.retrain * examples.size());
        for (std::size_t epoch = 0; epoch < o.retrain; ++epoch) {
            std::size_t errors = 0;
            for (std::size_t b0 = 0; b0 < examples.size(); b0 += batch) {
                const std::size_t b1 = std::min(examples.size(), b0 + batch);
                parallel_for(b1 - b0, o.threads, [&](std::size_t j) {
                    const example& e = examples[b0 + j];
                    queries[j].reset();
                    const auto s = translate_line(alphabet, e.text, files[e.cls].string(), e.line);
                    try {
                        queries[j] = model.encode(s);
                    } catch (const hdc::empty_input&) {
                        return;  // too short to classify: no correction
                    }
                    predicted[j] = model.predict(*queries[j]);
                });
                for (std::size_t j = 0; j < b1 - b0; ++j)
                    if (queries[j] && model.correct(*queries[j], examples[b0 + j].cls, predicted[j], weights))
                        ++errors;
                bar.update(epoch * examples.size() + b1);
            }
            retrain_errors.push_back(errors);
        }
        retrain_seconds = seconds_since(t_re);
    }

    // Test.
    const auto t_test = clock_type::now();
    constexpr std::size_t unclassified = static_cast<std::size_t>(-1);
    std::vector<std::size_t> predictions(tests.size(), unclassified);
    {
        progress bar("testing", tests.size());
        const std::size_t chunk = 64;
        const std::size_t chunks = (tests.size() + chunk - 1) / chunk;
        std::atomic<std::size_t> done{0};
        parallel_for(chunks, o.threads, [&](std::size_t c) {
            for (std::size_t i = c * chunk; i < std::min(tests.size(), (c + 1) * chunk); ++i) {
                const auto s = translate_line(alphabet, tests[i].text, o.test_tsv, tests[i].line);
                try {
                    predictions[i] = model.predict(model.encode(s));
                } catch (const hdc::empty_input&) {
                    predictions[i] = unclassified;
                }
            }
            const std::size_t d = done.fetch_add(1) + 1;
            if (o.threads == 1 || c % 8 == 0) bar.update(std::min(tests.size(), d * chunk));
        });
    }
    const double test_seconds = seconds_since(t_test);
    std::size_t test_bytes = 0;
    for (const auto& t : tests) test_bytes += t.text.size();

    // Report.
    const std::size_t classes = model.classes();
    std::vector<std::size_t> total(classes, 0), right(classes, 0);
    std::vector<std::map<std::string, std::size_t>> confusions(classes);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < tests.size(); ++i) {
        const std::size_t truth = *model.find(tests[i].label);
        ++total[truth];
        if (predictions[i] == truth) {
            ++right[truth];
            ++correct;
        } else {
            ++confusions[truth][predictions[i] == unclassified ? "unclassified" : model.label(predictions[i])];
        }
    }
    std::string orders;
    for (std::size_t n : o.orders) orders += (orders.empty() ? "" : ",") + std::to_string(n);
    std::printf("langid: %zu languages, D = %zu, model %s, n-gram orders %s, %s prototypes, %zu retraining pass%s, %u thread%s\n",
                classes, o.dim, o.model.c_str(), orders.c_str(), o.binarize ? "binarized" : "integer",
                o.retrain, o.retrain == 1 ? "" : "es", o.threads, o.threads == 1 ? "" : "s");
    std::printf("%-8s %9s %9s  %s\n", "language", "sentences", "accuracy", "most frequent confusion");
    for (std::size_t c = 0; c < classes; ++c) {
        std::string conf = "-";
        std::size_t best = 0;
        for (const auto& [label, count] : confusions[c])
            if (count > best) {
                best = count;
                conf = label + " (" + std::to_string(count) + ")";
            }
        if (total[c] == 0)
            std::printf("%-8s %9zu %9s  (no test sentences)\n", model.label(c).c_str(), total[c], "-");
        else
            std::printf("%-8s %9zu %9.4f  %s\n", model.label(c).c_str(), total[c],
                        static_cast<double>(right[c]) / static_cast<double>(total[c]), conf.c_str());
    }
    std::printf("training: %.1f MB in %.3f s (%.1f MB/s)\n", static_cast<double>(train_bytes) / 1e6,
                train_seconds, static_cast<double>(train_bytes) / 1e6 / train_seconds);
    if (o.retrain > 0) {
        std::printf("retraining: %zu pass%s over %zu lines in %.3f s, rate %.4g, corrections per pass:",
                    o.retrain, o.retrain == 1 ? "" : "es", retrain_examples, retrain_seconds, o.rate);
        for (std::size_t e : retrain_errors) std::printf(" %zu", e);
        std::printf("\n");
    }
    std::printf("test: %zu sentences, %.2f MB in %.3f s (%.0f sentences/s, %.2f MB/s)\n", tests.size(),
                static_cast<double>(test_bytes) / 1e6, test_seconds,
                static_cast<double>(tests.size()) / test_seconds,
                static_cast<double>(test_bytes) / 1e6 / test_seconds);
    std::printf("total: %.3f s\n", seconds_since(t_start));
    std::printf("accuracy: %.4f\n",
                tests.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(tests.size()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    try {
        if (o.model == "binary") return run<hdc::binary<hdc::dynamic>>(o);
        if (o.model == "bipolar") return run<hdc::bipolar<hdc::dynamic>>(o);
        if (o.model == "real") return run<hdc::real<hdc::dynamic>>(o);
        usage(("unknown model '" + o.model + "' (binary, bipolar or real)").c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "langid: %s\n", e.what());
        return 1;
    }
}
