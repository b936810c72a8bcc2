// resonator - operational capacity of resonator networks (classic, attention, stochastic).
//
// For every variant it factors random composites s = x1 * x2 * ... * xF of bipolar codevectors
// on the grid of ALGORITHMS.md §3.5/§3.8 (F = 3 at N = 1500, 2000, 3000 with per-factor
// codebooks of 79, 128, 205; F = 4 at N = 2000 with 41; iteration cap max(100, 0.001 * D^F)), then
// searches the largest per-factor codebook decoded at accuracy >= 0.99 for N = 1500, F = 3.
// One line per variant and point on stdout:
//   variant=... N=... F=... M=... accuracy=... median_iterations=... ms_per_problem=...
// (M is the per-factor codebook size; ms_per_problem is the mean single-thread time of one
// problem). Progress goes to stderr.
//
// Usage: resonator [--trials T] [--threads K] [--seed S] [--variant classic|attention|stochastic|all]
//                  [--mode grid|search|both] [--point N,F,D] [--restarts R] [--stop-similarity C]
//                  attention: [--beta B] [--beta-end B] [--schedule constant|linear|geometric]
//                             [--anneal K] [--similarity raw|cosine] [--state none|sign|phasor]
//                             [--sqrt-n|--no-sqrt-n] [--centered]
//                             [--symmetric]
//   defaults: attention --beta 1 --sqrt-n --state sign (the best found); stochastic --auto-threshold
//   (a fixed --threshold turns it off); attention and stochastic restart spurious fixed points
//   (--stop-similarity 0.5) until the cap; classic follows the published protocol (no restarts).
//                  stochastic: [--top-a A] [--threshold T] [--noise S] [--asymmetry R]
#include <hdc/memory/resonator/resonator.hpp>
#include <hdc/models/bipolar.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using V = hdc::bipolar<hdc::dynamic>;

struct config {
    std::size_t trials = 100;
    unsigned threads = 1;
    std::uint64_t seed = 1;
    std::string variant = "all";
    std::string mode = "both";
    bool has_point = false;
    std::size_t point_n = 0, point_f = 0, point_d = 0;
    hdc::attention_options attention{};
    hdc::stochastic_options stochastic{};
    std::optional<std::size_t> restarts;
    std::optional<double> stop_similarity;
};

struct outcome {
    double accuracy = 0;
    double median_iterations = 0;
    double ms_per_problem = 0;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "resonator: %s\n"
                 "usage: resonator [--trials T] [--threads K] [--seed S]\n"
                 "                 [--variant classic|attention|stochastic|all] [--mode grid|search|both]\n"
                 "                 [--point N,F,D] [--restarts R] [--stop-similarity C]\n"
                 "  attention:  [--beta B] [--beta-end B] [--schedule constant|linear|geometric]\n"
                 "              [--anneal K] [--similarity raw|cosine] [--state none|sign|phasor] [--sqrt-n|--no-sqrt-n] [--centered]\n"
                 "              [--symmetric]\n"
                 "  stochastic: [--top-a A] [--threshold T] [--noise S] [--asymmetry R] [--auto-threshold]\n"
                 "defaults: attention --beta 1 --sqrt-n --state sign; stochastic --auto-threshold\n"
                 "          (a fixed --threshold turns it off); attention and stochastic restart\n"
                 "          spurious fixed points (--stop-similarity 0.5) until the cap\n",
                 why);
    std::exit(2);
}

double number(const char* text, const char* name) {
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0' || !std::isfinite(v))
        usage((std::string(name) + " needs a number, got '" + text + "'").c_str());
    return v;
}

std::size_t count(const char* text, const char* name) {
    const double v = number(text, name);
    if (v < 0 || v != std::floor(v)) usage((std::string(name) + " needs a non-negative integer").c_str());
    return static_cast<std::size_t>(v);
}

config parse(int argc, char** argv) {
    config c;
    // The best attention settings found (bench/RESULTS.md) and the stochastic threshold rule
    // that also serves small codebooks; flags override them.
    c.attention.beta = 1;
    c.attention.beta_times_sqrt_n = true;
    c.attention.state = hdc::state_normalization::sign;
    c.stochastic.threshold_from_top_a = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage((a + " needs a value").c_str());
            return argv[++i];
        };
        if (a == "--trials") c.trials = count(value(), "--trials");
        else if (a == "--threads") c.threads = static_cast<unsigned>(count(value(), "--threads"));
        else if (a == "--seed") c.seed = count(value(), "--seed");
        else if (a == "--variant") c.variant = value();
        else if (a == "--mode") c.mode = value();
        else if (a == "--point") {
            const std::string p = value();
            if (std::sscanf(p.c_str(), "%zu,%zu,%zu", &c.point_n, &c.point_f, &c.point_d) != 3)
                usage("--point needs N,F,D");
            c.has_point = true;
        }
        else if (a == "--beta") c.attention.beta = number(value(), "--beta");
        else if (a == "--beta-end") c.attention.beta_end = number(value(), "--beta-end");
        else if (a == "--anneal") c.attention.anneal_sweeps = count(value(), "--anneal");
        else if (a == "--sqrt-n") c.attention.beta_times_sqrt_n = true;
        else if (a == "--no-sqrt-n") c.attention.beta_times_sqrt_n = false;
        else if (a == "--centered") c.attention.centered = true;
        else if (a == "--symmetric") c.attention.symmetric = true;
        else if (a == "--schedule") {
            const std::string s = value();
            if (s == "constant") c.attention.schedule = hdc::beta_schedule::constant;
            else if (s == "linear") c.attention.schedule = hdc::beta_schedule::linear;
            else if (s == "geometric") c.attention.schedule = hdc::beta_schedule::geometric;
            else usage("--schedule is constant, linear or geometric");
        } else if (a == "--similarity") {
            const std::string s = value();
            if (s == "raw") c.attention.similarity = hdc::similarity_scale::raw;
            else if (s == "cosine") c.attention.similarity = hdc::similarity_scale::cosine;
            else usage("--similarity is raw or cosine");
        } else if (a == "--state") {
            const std::string s = value();
            if (s == "none") c.attention.state = hdc::state_normalization::none;
            else if (s == "sign") c.attention.state = hdc::state_normalization::sign;
            else if (s == "phasor") c.attention.state = hdc::state_normalization::phasor;
            else usage("--state is none, sign or phasor");
        }
        else if (a == "--restarts") c.restarts = count(value(), "--restarts");
        else if (a == "--stop-similarity") c.stop_similarity = number(value(), "--stop-similarity");
        else if (a == "--top-a") c.stochastic.top_a = count(value(), "--top-a");
        else if (a == "--threshold") {
            c.stochastic.threshold = number(value(), "--threshold");
            c.stochastic.threshold_from_top_a = false;
        }
        else if (a == "--noise") c.stochastic.noise = number(value(), "--noise");
        else if (a == "--asymmetry") c.stochastic.asymmetry = number(value(), "--asymmetry");
        else if (a == "--auto-threshold") c.stochastic.threshold_from_top_a = true;
        else if (a == "--help" || a == "-h") usage("help");
        else usage(("unknown argument " + a).c_str());
    }
    if (c.trials == 0) usage("--trials must be positive");
    if (c.variant != "all" && c.variant != "classic" && c.variant != "attention" &&
        c.variant != "stochastic")
        usage("--variant is classic, attention, stochastic or all");
    if (c.mode != "grid" && c.mode != "search" && c.mode != "both")
        usage("--mode is grid, search or both");
    if (c.threads == 0) c.threads = std::max(1u, std::thread::hardware_concurrency());
    return c;
}

hdc::resonator_options options_for(const std::string& variant, const config& c, std::size_t cap) {
    hdc::resonator_options o;
    o.max_iterations = cap;
    o.seed = c.seed;
    // Classic: the published protocol (no restarts). Attention and stochastic: spurious fixed
    // points (best similarity below 0.5) restart until the cap.
    const bool restarting = variant != "classic";
    o.restarts = c.restarts.value_or(restarting ? cap : 0);
    o.stop_similarity = c.stop_similarity.value_or(restarting ? 0.5 : 0.0);
    if (variant == "attention") {
        o.rule = hdc::resonator_rule::attention;
        o.attention = c.attention;
        o.stable_sweeps = 0;
        o.tolerance = 1e-6;
    } else if (variant == "stochastic") {
        o.rule = hdc::resonator_rule::stochastic;
        o.stochastic = c.stochastic;
        o.max_cycle_period = 0;  // noise breaks cycles; a repeat is not a dead end
    }
    return o;
}

/// Factors `trials` random composites at (N, F, D); codebooks are redrawn every 50 problems.
outcome measure(const std::string& variant, const config& c, std::size_t n, std::size_t f,
                std::size_t d) {
    const double m = std::pow(static_cast<double>(d), static_cast<double>(f));
    // max(100, 0.001 M) (§3.7): the capacity protocol's cap, with a floor so that small
    // codebooks are not cut off after a handful of sweeps.
    const auto cap = static_cast<std::size_t>(std::max(100.0, std::floor(0.001 * m)));
    const std::size_t group = 50;
    std::vector<std::size_t> iterations(c.trials);
    std::vector<double> seconds(c.trials);
    std::vector<char> correct(c.trials);
    for (std::size_t first = 0; first < c.trials; first += group) {
        const std::size_t count_here = std::min(group, c.trials - first);
        hdc::rng gen(c.seed, (n * 131 + f) * 100003 + d * 7 + first);
        std::vector<std::vector<V>> books(f);
        for (auto& book : books)
            for (std::size_t j = 0; j < d; ++j) book.push_back(V::random(gen, n));
        auto opts = options_for(variant, c, cap);
        opts.seed = c.seed + first;
        const hdc::resonator<V> net(books, opts);
        std::vector<std::vector<std::size_t>> truth(count_here, std::vector<std::size_t>(f));
        std::vector<V> composites;
        for (auto& t : truth) {
            for (auto& i : t) i = static_cast<std::size_t>(gen.below(d));
            composites.push_back(net.compose(t));
        }
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < count_here;) {
                const auto t0 = std::chrono::steady_clock::now();
                const auto r = net.factor(composites[i], first + i);
                const auto t1 = std::chrono::steady_clock::now();
                iterations[first + i] = r.iterations;
                seconds[first + i] = std::chrono::duration<double>(t1 - t0).count();
                correct[first + i] = r.indices == truth[i];
            }
        };
        {
            std::vector<std::jthread> pool;
            for (unsigned t = 1; t < c.threads; ++t) pool.emplace_back(work);
            work();
        }
        std::size_t ok = 0;
        for (std::size_t i = 0; i < first + count_here; ++i) ok += correct[i] != 0;
        std::fprintf(stderr, "\r  %s N=%zu F=%zu M=%zu: %zu/%zu problems, %zu correct   ",
                     variant.c_str(), n, f, d, first + count_here, c.trials, ok);
    }
    std::fprintf(stderr, "\n");
    outcome o;
    std::size_t ok = 0;
    double total = 0;
    for (std::size_t i = 0; i < c.trials; ++i) ok += correct[i] != 0, total += seconds[i];
    o.accuracy = static_cast<double>(ok) / static_cast<double>(c.trials);
    std::sort(iterations.begin(), iterations.end());
    const std::size_t h = c.trials / 2;
    o.median_iterations = c.trials % 2 ? static_cast<double>(iterations[h])
                                       : 0.5 * static_cast<double>(iterations[h - 1] + iterations[h]);
    o.ms_per_problem = 1000.0 * total / static_cast<double>(c.trials);
    return o;
}

void print(const std::string& variant, std::size_t n, std::size_t f, std::size_t d, const outcome& o) {
    std::printf("variant=%s N=%zu F=%zu M=%zu accuracy=%.3f median_iterations=%.1f ms_per_problem=%.2f\n",
                variant.c_str(), n, f, d, o.accuracy, o.median_iterations, o.ms_per_problem);
    std::fflush(stdout);
}

/// Largest D in [lo, hi] with accuracy >= 0.99 (bisection; assumes accuracy falls with D).
void search(const std::string& variant, const config& c, std::size_t lo, std::size_t hi) {
    const std::size_t n = 1500, f = 3;
    std::size_t best = 0;
    while (lo <= hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        const outcome o = measure(variant, c, n, f, mid);
        print(variant + "-search", n, f, mid, o);
        if (o.accuracy >= 0.99) best = mid, lo = mid + 1;
        else if (mid == 0) break;
        else hi = mid - 1;
    }
    std::printf("variant=%s N=%zu F=%zu largest_M_at_0.99=%zu trials=%zu\n", variant.c_str(), n, f,
                best, c.trials);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const config c = parse(argc, argv);
    try {
        std::vector<std::string> variants;
        if (c.variant == "all") variants = {"classic", "attention", "stochastic"};
        else variants = {c.variant};
        for (const auto& v : variants) {
            if (c.has_point) {
                print(v, c.point_n, c.point_f, c.point_d, measure(v, c, c.point_n, c.point_f, c.point_d));
                continue;
            }
            if (c.mode != "search") {
                const std::size_t grid[4][3] = {{1500, 3, 79}, {2000, 3, 128}, {3000, 3, 205}, {2000, 4, 41}};
                for (const auto& p : grid) print(v, p[0], p[1], p[2], measure(v, c, p[0], p[1], p[2]));
            }
            if (c.mode != "grid") {
                if (v == "stochastic") search(v, c, 200, 600);
                else search(v, c, 20, 120);
            }
        }
    } catch (const hdc::error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
