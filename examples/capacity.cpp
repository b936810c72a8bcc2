// capacity - measured retrieval accuracy from a superposition against the capacity theory, for
// every hypervector family the theory covers (hdc/capacity/retrieval.hpp, ALGORITHMS.md 2.1).
//
// One trial: a codebook of K random atoms; M symbols a_m drawn uniformly; a memory
// S = sum_m bind(key_m, C[a_m]) with a fresh random key per item, kept as the family's
// accumulator (MAP-I, FHRR, HRR, VTB, MCR with Q = 16: hdc::accumulator, read by similarity) or
// bundled in its own form (MAP-B, BSC, sparse block codes, sparse binary codes: the
// accumulator's result(), which is what hdc::bundle returns);
// one item r read back: unbind(S, key_r) and the nearest atom of an hdc::item_memory (for an
// accumulator, similarity(S, bind(key_r, C_j)) for each j, the same score). A trial is correct
// when the answer is a_r. Each trial has its own seed, derived from (family, dimension, M, K,
// trial number), so the results do not depend on the thread count.
//
// For each family and dimension the bundle sizes M are chosen around the theory's M_max at
// p = 0.99 (a fixed set of multiples of it), so every sweep crosses the interesting range.
// VTB needs a perfect square dimension: it runs at the largest square <= N (961 for N = 1,000),
// which the table prints and its theory uses; the plot and max_deviation_se group it under N.
//
// Standard error. A measured accuracy over T trials has standard error sqrt(p (1 - p) / T) with p
// the predicted accuracy; near p = 1 that goes to 0 and one unlucky trial would count as a huge
// deviation, so p (1 - p) is floored at 1 / (2T): the variance of a count whose expected number
// of misses is one half. The floor only acts where fewer than about half a miss is expected; one
// miss there counts about 1.4 SE, three misses about 4 SE.
//
// Output: a table (family, dimension, M, trials, measured, predicted, the Gaussian model's value,
// the difference in standard errors), a CSV, a gnuplot script with the data inline and, when
// gnuplot is installed, the PNG it draws; the last line is max_deviation_se over the points
// with dimension >= 1,000.
//
// Usage: capacity [--quick] [--threads N] [--trials T] [--dims N1,N2,...] [--codebook K] [--seed S]
//                 [--out PREFIX]
#include <hdc/capacity/bounds.hpp>
#include <hdc/core/algebra.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/mcr.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/sparse.hpp>
#include <hdc/models/sparse_binary.hpp>
#include <hdc/models/vtb.hpp>

#include "threads.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace cap = hdc::capacity;

namespace {

/// How the memory is read: the raw sums, or the family's own bundle.
enum class readout { sums, bundle };

/// One retrieval trial of family V (see the file comment); true when the item comes back.
template <class V, readout R>
bool trial(const typename V::shape_type& shape, std::size_t items, std::size_t codebook, hdc::rng gen) {
    std::vector<V> atoms;
    atoms.reserve(codebook);
    for (std::size_t j = 0; j < codebook; ++j) atoms.push_back(hdc::random<V>(gen, shape));
    const std::size_t r = gen.below(items);
    hdc::accumulator<V> memory(shape);
    std::optional<V> key_r;
    std::size_t answer = 0;
    for (std::size_t m = 0; m < items; ++m) {
        const std::size_t a = gen.below(codebook);
        const V key = hdc::random<V>(gen, shape);
        memory.add(bind(key, atoms[a]));
        if (m == r) {
            key_r = key;
            answer = a;
        }
    }
    if constexpr (R == readout::sums) {
        std::size_t best = 0;
        double best_score = -1e300;
        for (std::size_t j = 0; j < codebook; ++j) {  // ties: the lower index, as item_memory
            const double s = similarity(memory, bind(*key_r, atoms[j]));
            if (s > best_score) {
                best_score = s;
                best = j;
            }
        }
        return best == answer;
    } else {
        hdc::item_memory<V> cleanup(shape);
        for (const V& atom : atoms) cleanup.add(atom);
        return cleanup.nearest(unbind(memory.result(), *key_r)).index == answer;
    }
}

/// A family: its theory code, the dimension -> shape map and its trial.
struct family_run {
    cap::code code;
    std::function<bool(std::size_t dim, std::size_t items, std::size_t codebook, hdc::rng gen)> run;
    bool square = false;  ///< runs at the largest perfect square <= N (VTB)
    /// The dimension the family runs at for a requested N.
    std::size_t dimension(std::size_t n) const {
        if (!square) return n;
        const std::size_t r = hdc::vtb_family::root(n);
        return r * r;
    }
};

constexpr std::size_t block_length = 20;  // sparse block codes: N = B x 20
constexpr std::size_t modulus = 16;       // MCR: phases modulo 16

std::vector<family_run> families() {
    return {
        {cap::map_i,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::bipolar<>, readout::sums>(n, m, k, g);
         }},
        {cap::map_b,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::bipolar<>, readout::bundle>(n, m, k, g);
         }},
        {cap::bsc,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::binary<>, readout::bundle>(n, m, k, g);
         }},
        {cap::fhrr,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::phasor<>, readout::sums>(n, m, k, g);
         }},
        {cap::hrr,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::hrr<>, readout::sums>(n, m, k, g);
         }},
        {cap::sparse_block(block_length),
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::sparse<>, readout::bundle>(hdc::sparse_shape{n / block_length, block_length},
                                                          m, k, g);
         }},
        {cap::bsdc,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::sparse_binary<>, readout::bundle>(n, m, k, g);
         }},
        {cap::mcr_sums(modulus),
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::mcr<hdc::dynamic, modulus>, readout::sums>(n, m, k, g);
         }},
        {cap::vtb,
         [](std::size_t n, std::size_t m, std::size_t k, hdc::rng g) {
             return trial<hdc::vtb<>, readout::sums>(n, m, k, g);
         },
         true},
    };
}

/// SplitMix64 finaliser: the stream of one measured point.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

struct point {
    std::size_t family_index, dim, items, codebook, trials;
    std::size_t nominal = dim;  // the requested N (dim is the family's: a square for VTB)
    std::size_t hits = 0;
    double predicted = 0, gaussian = 0;
    double measured() const { return static_cast<double>(hits) / static_cast<double>(trials); }
    /// sqrt(max(p(1-p), 1/(2T)) / T) with p the prediction (see the file comment).
    double se() const {
        const double t = static_cast<double>(trials);
        return std::sqrt(std::max(predicted * (1 - predicted), 1 / (2 * t)) / t);
    }
    double deviation_se() const { return (measured() - predicted) / se(); }
};

/// Runs the trials of one point on `threads` threads; the count does not depend on them.
void measure(point& p, const family_run& f, std::uint64_t seed, unsigned threads) {
    const std::uint64_t stream_base =
        mix(mix(mix(mix(seed ^ p.family_index) ^ p.dim) ^ p.items) ^ p.codebook);
    std::vector<unsigned char> ok(p.trials, 0);
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto work = [&] {
        try {
            for (;;) {
                const std::size_t begin = next.fetch_add(8);
                if (begin >= p.trials || failed) return;
                for (std::size_t t = begin; t < std::min(p.trials, begin + 8); ++t)
                    ok[t] = f.run(p.dim, p.items, p.codebook, hdc::rng(stream_base, t)) ? 1 : 0;
            }
        } catch (...) {
            if (!failed.exchange(true)) failure = std::current_exception();
        }
    };
    examples::run_threads(threads, [&](std::size_t) { work(); });
    if (failure) std::rethrow_exception(failure);
    p.hits = 0;
    for (auto v : ok) p.hits += v;
}

int usage(const char* msg) {
    if (msg) std::fprintf(stderr, "capacity: %s\n", msg);
    std::fprintf(stderr,
                 "usage: capacity [--quick] [--threads N] [--trials T] [--dims N1,N2,...] [--codebook K]\n"
                 "                [--seed S] [--out PREFIX]\n"
                 "  --quick      dimension 1,000, five bundle sizes per family, 300 trials (< 1 min, one core)\n"
                 "  (default)    dimensions 500, 1,000, 2,000, 5,000, six bundle sizes, 400 trials\n"
                 "  --dims       dimensions to sweep (multiples of 20, the sparse block length)\n"
                 "  --codebook K codebook size (default 27)\n"
                 "  --threads N  worker threads (default: all cores); results do not depend on N\n"
                 "  --trials T   trials per point (overrides the default)\n"
                 "  --seed S     base seed (default 2026)\n"
                 "  --out PREFIX writes PREFIX.csv, PREFIX.gp and PREFIX.png (default: capacity)\n");
    return 2;
}

bool parse_size(const char* s, std::size_t& out) {
    if (!s || !*s) return false;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (*end != '\0' || s[0] == '-') return false;
    out = static_cast<std::size_t>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
    std::size_t trials = 0, seed = 2026;
    std::size_t codebook = 27;
    std::vector<std::size_t> dims;
    std::string prefix = "capacity";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
        if (a == "--quick") {
            quick = true;
        } else if (a == "--threads") {
            if (!parse_size(next, threads) || threads == 0) return usage("--threads needs a positive integer");
            ++i;
        } else if (a == "--trials") {
            if (!parse_size(next, trials) || trials == 0) return usage("--trials needs a positive integer");
            ++i;
        } else if (a == "--codebook") {
            if (!parse_size(next, codebook) || codebook < 2) return usage("--codebook needs an integer >= 2");
            ++i;
        } else if (a == "--dims") {
            if (!next) return usage("--dims needs a comma-separated list of dimensions");
            std::string list = next;
            for (std::size_t pos = 0; pos <= list.size();) {
                const std::size_t comma = std::min(list.find(',', pos), list.size());
                std::size_t d = 0;
                if (!parse_size(list.substr(pos, comma - pos).c_str(), d)) return usage("--dims: bad dimension");
                dims.push_back(d);
                pos = comma + 1;
            }
            ++i;
        } else if (a == "--seed") {
            if (!parse_size(next, seed)) return usage("--seed needs a non-negative integer");
            ++i;
        } else if (a == "--out") {
            if (!next || !*next) return usage("--out needs a file prefix");
            prefix = next;
            ++i;
        } else if (a == "--help" || a == "-h") {
            usage(nullptr);
            return 0;
        } else {
            return usage(("unknown argument " + a).c_str());
        }
    }
    try {
        const auto start = std::chrono::steady_clock::now();
        const auto fams = families();
        if (dims.empty())
            dims = quick ? std::vector<std::size_t>{1000} : std::vector<std::size_t>{500, 1000, 2000, 5000};
        for (std::size_t d : dims)
            if (d == 0 || d % block_length != 0)
                throw hdc::invalid_dimension("dimension " + std::to_string(d) +
                                             " must be a positive multiple of 20 (the sparse block length)");
        const std::vector<double> factors =
            quick ? std::vector<double>{0.5, 1, 2, 4, 8} : std::vector<double>{0.25, 0.5, 1, 2, 4, 8};
        if (trials == 0) trials = quick ? 300 : 400;

        std::printf("capacity: retrieval of one item from a superposition of M, codebook K = %zu,\n"
                    "measured over %zu trials per point against the theory (hdc/capacity/retrieval.hpp)\n\n",
                    codebook, trials);
        std::printf("dimension advisor (K = %zu, error <= 0.01): smallest dimension for M = 50 / largest M at N = 10,000\n",
                    codebook);
        for (const auto& f : fams)
            std::printf("  %-6s %7zu / %5zu\n", cap::family_name(f.code.kind),
                        cap::min_dimension(f.code, 50, codebook, 0.01),
                        cap::max_items(f.code, 10000, codebook, 0.01));
        for (const auto& f : fams)
            if (f.square) {
                std::printf("%s needs a perfect square dimension; it runs at", cap::family_name(f.code.kind));
                for (std::size_t d : dims) std::printf(" %zu", f.dimension(d));
                std::printf(" for N =");
                for (std::size_t d : dims) std::printf(" %zu", d);
                std::printf("\n");
            }
        std::printf("\n");

        // The sweep: M = factor x M_max(p = 0.99) per family and dimension.
        std::vector<point> points;
        for (std::size_t fi = 0; fi < fams.size(); ++fi)
            for (std::size_t dim : dims) {
                const std::size_t n = fams[fi].dimension(dim);
                const std::size_t m99 = std::max<std::size_t>(1, cap::max_items(fams[fi].code, n, codebook, 0.01));
                std::vector<std::size_t> ms;
                for (double fac : factors)
                    ms.push_back(std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(fac * static_cast<double>(m99)))));
                std::sort(ms.begin(), ms.end());
                ms.erase(std::unique(ms.begin(), ms.end()), ms.end());
                for (std::size_t m : ms) points.push_back({fi, n, m, codebook, trials, dim});
            }

        std::printf("%-6s %6s %5s %6s %9s %9s %9s %8s\n", "family", "dim", "M", "trials", "measured",
                    "predicted", "gaussian", "diff_se");
        double max_dev = 0;
        std::size_t counted = 0;
        const bool tty = isatty(2) != 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            point& p = points[i];
            const auto& f = fams[p.family_index];
            std::fprintf(stderr, "%s[%zu/%zu] %s dim %zu M %zu ...%s", tty ? "\r\033[K" : "", i + 1,
                         points.size(), cap::family_name(f.code.kind), p.dim, p.items, tty ? "" : "\n");
            std::fflush(stderr);
            p.predicted = cap::p_correct(f.code, p.dim, p.items, codebook);
            p.gaussian = cap::p_correct_gaussian(cap::gaussian_scores(f.code, p.dim, p.items), codebook);
            measure(p, f, seed, static_cast<unsigned>(threads));
            if (tty) std::fprintf(stderr, "\r\033[K");
            std::printf("%-6s %6zu %5zu %6zu %9.4f %9.4f %9.4f %+8.2f\n", cap::family_name(f.code.kind), p.dim,
                        p.items, p.trials, p.measured(), p.predicted, p.gaussian, p.deviation_se());
            std::fflush(stdout);
            if (p.nominal >= 1000) {
                max_dev = std::max(max_dev, std::abs(p.deviation_se()));
                ++counted;
            }
        }

        // CSV.
        const std::string csv = prefix + ".csv";
        if (FILE* out = std::fopen(csv.c_str(), "w")) {
            std::fprintf(out, "family,dim,codebook,items,trials,hits,measured,predicted,gaussian,se,deviation_se\n");
            for (const auto& p : points)
                std::fprintf(out, "%s,%zu,%zu,%zu,%zu,%zu,%.6f,%.6f,%.6f,%.6f,%.3f\n",
                             cap::family_name(fams[p.family_index].code.kind), p.dim, p.codebook, p.items,
                             p.trials, p.hits, p.measured(), p.predicted, p.gaussian, p.se(), p.deviation_se());
            std::fclose(out);
        } else {
            throw hdc::format_error("cannot write " + csv);
        }

        // gnuplot script with the data inline: one panel per family, a theory curve per dimension
        // (M on a log axis) and the measured points with +-2 SE bars.
        const std::string gp = prefix + ".gp", png = prefix + ".png";
        if (FILE* out = std::fopen(gp.c_str(), "w")) {
            for (std::size_t fi = 0; fi < fams.size(); ++fi)
                for (std::size_t di = 0; di < dims.size(); ++di) {
                    std::size_t mmax = 1;
                    for (const auto& p : points)
                        if (p.family_index == fi && p.nominal == dims[di]) mmax = std::max(mmax, p.items);
                    std::fprintf(out, "$T%zu_%zu << EOD\n", fi, di);
                    const double top = 1.3 * static_cast<double>(mmax);
                    std::size_t last = 0;
                    for (int s = 0; s <= 60; ++s) {
                        const auto m = static_cast<std::size_t>(std::lround(std::pow(top, s / 60.0)));
                        if (m == last || m == 0) continue;
                        last = m;
                        const std::size_t n = fams[fi].dimension(dims[di]);
                        std::fprintf(out, "%zu %.6f %.6f\n", m, cap::p_correct(fams[fi].code, n, m, codebook),
                                     cap::p_correct_gaussian(cap::gaussian_scores(fams[fi].code, n, m), codebook));
                    }
                    std::fprintf(out, "EOD\n$P%zu_%zu << EOD\n", fi, di);
                    for (const auto& p : points)
                        if (p.family_index == fi && p.nominal == dims[di])
                            std::fprintf(out, "%zu %.6f %.6f\n", p.items, p.measured(), 2 * p.se());
                    std::fprintf(out, "EOD\n");
                }
            std::fprintf(out,
                         "set terminal pngcairo size 1500,900 font ',10'\nset output '%s'\n"
                         "set multiplot layout 3,3 title 'Retrieval from a superposition of M items, K = %zu: theory (lines) and measured (points, +-2 SE, %zu trials)'\n"
                         "set logscale x\nset yrange [0:1.05]\nset xlabel 'items M'\nset ylabel 'accuracy'\n"
                         "set key bottom left\n",
                         png.c_str(), codebook, trials);
            for (std::size_t fi = 0; fi < fams.size(); ++fi) {
                const auto kind = fams[fi].code.kind;
                std::fprintf(out, "set title '%s%s'\nplot ", cap::family_name(kind),
                             kind == cap::family::sparse_block                         ? " (L = 20, N = B L)"
                             : kind == cap::family::mcr ? " (Q = 16)"
                             : fams[fi].square          ? " (at the largest square <= N)"
                                                        : "");
                for (std::size_t di = 0; di < dims.size(); ++di)
                    std::fprintf(out,
                                 "%s$T%zu_%zu using 1:2 with lines lc %zu title 'N = %zu', "
                                 "$T%zu_%zu using 1:3 with lines dt 2 lc %zu %s, "
                                 "$P%zu_%zu with yerrorbars pt 7 ps 0.6 lc %zu notitle",
                                 di ? ", " : "", fi, di, di + 1, dims[di], fi, di, di + 1,
                                 di == 0 ? "title 'Gaussian model'" : "notitle", fi, di, di + 1);
                std::fprintf(out, "\n");
            }
            std::fprintf(out, "unset multiplot\n");
            std::fclose(out);
        } else {
            throw hdc::format_error("cannot write " + gp);
        }
        std::printf("\nwrote %s and %s", csv.c_str(), gp.c_str());
        if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
            const std::string cmd = "gnuplot '" + gp + "'";
            if (std::system(cmd.c_str()) == 0)
                std::printf(" and %s\n", png.c_str());
            else
                std::printf("; gnuplot failed to draw %s (run: %s)\n", png.c_str(), cmd.c_str());
        } else {
            std::printf("; no plot: gnuplot is not installed (Debian: apt-get install gnuplot-nox, then gnuplot %s)\n",
                        gp.c_str());
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("points: %zu (%zu with dimension >= 1,000), threads: %zu, time: %.1f s\n", points.size(),
                    counted, threads, secs);
        if (counted > 0)
            std::printf("max_deviation_se: %.2f\n", max_dev);
        else
            std::printf("max_deviation_se: n/a (no point with dimension >= 1,000)\n");
    } catch (const std::exception& e) {  // hdc::error, and std::bad_alloc for huge --trials
        std::fprintf(stderr, "capacity: %s\n", e.what());
        return 1;
    }
    return 0;
}
