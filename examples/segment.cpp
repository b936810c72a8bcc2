// segment - unsupervised topic segmentation (HyperSeg and variants) of Choi-format documents.
//
// Reads every `.ref` file given (directories are searched recursively): one sentence per line,
// segments separated by `==========` lines. Each document is segmented from its sentences alone,
// and the result is scored against the reference with Pk and WindowDiff (lower is better).
//
// Usage: segment DIR_OR_FILE... [--known-k] [--mode released|paper|window|c99] [--window W]
//                [--dim D] [--seed S] [--threads T] [--tokens random|circular]
//                [--bag positions|plain] [--stem|--no-stem] [--mask M]
//   --known-k  the number of boundaries is given (the reference's); otherwise it is found
//   --mode     released: HyperSeg's code (circular tokens, positions, minima above tau, damping)
//              paper:    the paper's rule (random tokens, positions, minima below tau)
//              window:   plain bags of words compared over W sentences each side of a gap
//              c99:      plain bags of words, rank-transformed similarity matrix, divisive split
//   --tokens, --bag, --stem / --no-stem override the mode's token vectors, utterance form and
//              stemming (window and c99 stem by default); --mask sets C99's rank mask (odd).
// Prints per folder and overall mean Pk and WindowDiff, documents per second (segmentation,
// files already read), and last `pk: 0.xxx`.
#include <hdc/encoders/segment.hpp>
#include <hdc/models/bipolar.hpp>

#include "threads.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

namespace fs = std::filesystem;

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "segment: %s\n"
                 "usage: segment DIR_OR_FILE... [--known-k] [--mode released|paper|window|c99]\n"
                 "               [--window W] [--dim D] [--seed S] [--threads T]\n"
                 "               [--tokens random|circular] [--bag positions|plain]\n"
                 "               [--stem|--no-stem] [--mask M]\n",
                 problem.c_str());
    std::exit(2);
}

std::size_t parse_count(const std::string& flag, const std::string& value, std::size_t min) {
    try {
        std::size_t used = 0;
        const unsigned long long v = std::stoull(value, &used);
        if (used != value.size() || v < min) throw std::invalid_argument(value);
        return static_cast<std::size_t>(v);
    } catch (const std::exception&) {
        usage(flag + " needs an integer >= " + std::to_string(min) + ", got '" + value + "'");
    }
}

struct document {
    std::string path;
    std::string folder;
    hdc::segmented_document doc;
};

std::vector<std::string> collect(const std::vector<std::string>& inputs) {
    std::vector<std::string> files;
    for (const std::string& in : inputs) {
        const fs::path p(in);
        if (fs::is_directory(p)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file() && e.path().extension() == ".ref") found.push_back(e.path().string());
            if (found.empty()) throw hdc::empty_input(in + ": no .ref files in this directory");
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(p)) {
            files.push_back(in);
        } else {
            throw hdc::invalid_parameter(in + ": no such file or directory");
        }
    }
    return files;
}

document read_document(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw hdc::format_error(path + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    return {path, fs::path(path).parent_path().string(), hdc::parse_choi(text.str(), path)};
}

struct score {
    double pk = 0, wd = 0;
};

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> inputs;
    bool known_k = false;
    std::string mode = "released";
    std::optional<std::size_t> window;
    std::size_t dim = 10000, threads = 1;
    std::uint64_t seed = 0;
    std::optional<std::string> tokens, bag;
    std::optional<std::size_t> mask;
    std::optional<bool> stem;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--known-k") known_k = true;
        else if (a == "--mode") mode = value();
        else if (a == "--window") window = parse_count(a, value(), 1);
        else if (a == "--dim") dim = parse_count(a, value(), 1);
        else if (a == "--seed") seed = parse_count(a, value(), 0);
        else if (a == "--threads") threads = parse_count(a, value(), 1);
        else if (a == "--tokens") tokens = value();
        else if (a == "--mask") mask = parse_count(a, value(), 1);
        else if (a == "--stem") stem = true;
        else if (a == "--no-stem") stem = false;
        else if (a == "--bag") bag = value();
        else if (a == "-h" || a == "--help") usage("topic segmentation of Choi-format .ref files");
        else if (a.rfind("--", 0) == 0) usage("unknown option " + a);
        else inputs.push_back(a);
    }
    if (inputs.empty()) usage("no input files or directories");
#if defined(__GLIBC__)
    // A document's token codebook is a few MB of vectors freed when the document is done; by
    // default glibc hands that memory back to the kernel each time and takes page faults to get
    // it again for the next document, which costs more than the segmentation itself.
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif

    hdc::segment_options options;
    if (mode == "released") options = hdc::segment_options::released();
    else if (mode == "paper") options = hdc::segment_options::paper();
    else if (mode == "window") options = hdc::segment_options::windowed(window.value_or(4));
    else if (mode == "c99") options = hdc::segment_options::c99();
    else usage("unknown mode '" + mode + "'");
    if (window) options.window = *window;
    if (tokens) {
        if (*tokens == "random") options.tokens = hdc::token_vectors::random;
        else if (*tokens == "circular") options.tokens = hdc::token_vectors::circular;
        else usage("unknown token vectors '" + *tokens + "'");
    }
    if (bag) {
        if (*bag == "positions") options.positions = true;
        else if (*bag == "plain") options.positions = false;
        else usage("unknown bag '" + *bag + "'");
    }
    options.seed = seed;
    if (mask) options.c99_mask = *mask;
    if (stem) options.tokenizer.stem = *stem;

    try {
        const std::vector<std::string> files = collect(inputs);
        std::vector<document> docs;
        docs.reserve(files.size());
        for (const std::string& f : files) docs.push_back(read_document(f));

        using V = hdc::bipolar<hdc::dynamic>;
        std::vector<score> scores(docs.size());
        std::vector<std::exception_ptr> failures(threads);
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        const auto work = [&](std::size_t t) {
            try {
                for (std::size_t d = t; d < docs.size(); d += threads) {
                    const auto& doc = docs[d].doc;
                    std::optional<std::size_t> k;
                    if (known_k)
                        k = static_cast<std::size_t>(std::count(doc.reference.begin(), doc.reference.end(), true));
                    const hdc::gap_flags hyp = hdc::segment<V>(doc.sentences, options, dim, k);
                    scores[d] = {hdc::pk(doc.reference, hyp), hdc::window_diff(doc.reference, hyp)};
                }
            } catch (...) {
                failures[t] = std::current_exception();
            }
        };
        examples::run_threads(threads, work);
        for (const auto& f : failures)
            if (f) std::rethrow_exception(f);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

        std::map<std::string, std::pair<score, std::size_t>> by_folder;
        score total;
        for (std::size_t d = 0; d < docs.size(); ++d) {
            auto& [s, n] = by_folder[docs[d].folder];
            s.pk += scores[d].pk;
            s.wd += scores[d].wd;
            ++n;
            total.pk += scores[d].pk;
            total.wd += scores[d].wd;
        }
        const auto count = static_cast<double>(docs.size());
        std::printf("mode %s%s, window %zu, dim %zu, seed %llu, %s tokens, %s%s\n", mode.c_str(),
                    known_k ? ", known k" : ", k unknown", options.window, dim,
                    static_cast<unsigned long long>(seed),
                    options.tokens == hdc::token_vectors::circular ? "circular" : "random",
                    options.positions ? "positional bags" : "plain bags",
                    options.tokenizer.stem ? ", stemmed" : "");
        if (by_folder.size() > 1)
            for (const auto& [folder, entry] : by_folder)
                std::printf("  %-40s %4zu docs  Pk %.3f  WindowDiff %.3f\n", folder.c_str(), entry.second,
                            entry.first.pk / static_cast<double>(entry.second),
                            entry.first.wd / static_cast<double>(entry.second));
        std::printf("documents: %zu  mean Pk %.4f  mean WindowDiff %.4f\n", docs.size(), total.pk / count,
                    total.wd / count);
        std::printf("time: %.3f s on %zu thread(s) (%.3f s of CPU), %.0f documents/s\n", seconds, threads, cpu,
                    count / seconds);
        std::printf("pk: %.3f\n", total.pk / count);
    } catch (const hdc::error& e) {
        std::fprintf(stderr, "segment: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "segment: %s\n", e.what());
        return 1;
    }
    return 0;
}
