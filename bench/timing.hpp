// bench/timing.hpp - what the self-timing comparison programs (compare_faiss, compare_real)
// share: their command line, wall-clock medians and the plain streaming read that gives the
// memory-bandwidth limit of a search.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace bench {

/// The options every comparison program takes (--model only where the program names one).
struct options {
    std::string model;
    std::size_t dim = 10000, n = 100000, queries = 100, repeats = 5;
    std::uint64_t seed = 1;
};

/// Parses `--name value` pairs into o (its fields hold the defaults); on an unknown option or a
/// missing value prints `usage` and exits with status 2. --model is accepted only if
/// o.model is non-empty (its default).
inline options parse_options(int argc, char** argv, options o, const char* usage) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "missing value after %s\nusage: %s\n", a.c_str(), usage);
            std::exit(2);
        }
        const std::string value = argv[++i];
        const auto v = std::strtoull(value.c_str(), nullptr, 10);
        if (a == "--model" && !o.model.empty()) o.model = value;
        else if (a == "--dim") o.dim = v;
        else if (a == "--n") o.n = v;
        else if (a == "--queries") o.queries = v;
        else if (a == "--repeats") o.repeats = v;
        else if (a == "--seed") o.seed = v;
        else {
            std::fprintf(stderr, "unknown option %s\nusage: %s\n", a.c_str(), usage);
            std::exit(2);
        }
    }
    return o;
}

/// Median of values (the upper one of an even count).
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// Wall time in seconds of one call of f.
template <class F>
double seconds(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Median wall time in seconds of `repeats` calls of f.
template <class F>
double median_seconds(std::size_t repeats, F&& f) {
    std::vector<double> t;
    for (std::size_t r = 0; r < repeats; ++r) t.push_back(seconds(f));
    return median(std::move(t));
}

/// One plain streaming read of `words` 64-bit words (summed into sink so it is not optimised
/// away): the memory-bandwidth limit of one pass over the same bytes.
inline void plain_read(const std::uint64_t* p, std::size_t words, volatile std::uint64_t& sink) {
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < words; ++i) acc += p[i];
    sink = sink + acc;
}

}  // namespace bench
