// bench_memories - capacities of the associative memories against the theory, and their speed.
//
//   classic   classic_hopfield (bipolar, asynchronous updates): capacity = the largest M at which
//             recall started from each stored pattern ends, on average over the M patterns, with
//             overlap >= 0.967 (>= 98.4% of the bits right: the retrieval state of Amit, Gutfreund
//             and Sompolinsky, which exists up to alpha_c = 0.138). Found by bisection on M per
//             trial; the median over trials is printed with M / D.
//   modern    modern_hopfield (bipolar, beta = 1000: nearest-pattern retrieval) with queries at
//             Hamming distance k from a stored pattern: measured success rate against the
//             binomial prediction (no other of the M - 1 patterns as close; ties shared), for M
//             far above the classic capacity at the same D, and the predicted M at 99% success.
//   sdm       sparse_distributed_memory, n = 256 address and data bits, N locations: bit error
//             of a read at a written address after T random heteroassociative writes, against
//             Kanerva's prediction (sdm_bit_error_prediction), and write / read throughput.
//
// Usage: bench_memories [--part classic|modern|sdm|all] [--trials 5] [--seed 1]
#include <hdc/core/normal.hpp>
#include <hdc/memory/hopfield.hpp>
#include <hdc/memory/sdm.hpp>
#include <hdc/models/bipolar.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using bip = hdc::bipolar<>;

std::vector<bip> random_patterns(hdc::rng& gen, std::size_t m, std::size_t d) {
    std::vector<bip> out;
    out.reserve(m);
    for (std::size_t i = 0; i < m; ++i) out.push_back(bip::random(gen, d));
    return out;
}

bip flip(const bip& v, hdc::rng& gen, std::size_t k) {
    std::vector<std::int8_t> x(v.values().begin(), v.values().end());
    std::vector<std::size_t> idx(x.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    for (std::size_t i = 0; i < k; ++i) {
        std::swap(idx[i], idx[i + gen.below(idx.size() - i)]);
        x[idx[i]] = static_cast<std::int8_t>(-x[idx[i]]);
    }
    return bip::from_values(x);
}

double binomial_half_cdf(std::size_t n, std::size_t k) {  // in log space: n up to thousands
    if (k >= n) return 1.0;
    double log_term = -static_cast<double>(n) * std::log(2.0), sum = 0;
    for (std::size_t i = 0; i <= k; ++i) {
        sum += std::exp(log_term);
        log_term += std::log(static_cast<double>(n - i) / static_cast<double>(i + 1));
    }
    return sum;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// Mean final overlap of recall from each of m random stored patterns.
double mean_overlap(hdc::rng& gen, std::size_t d, std::size_t m) {
    const auto patterns = random_patterns(gen, m, d);
    const hdc::classic_hopfield<bip> net{std::span<const bip>(patterns)};
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) sum += hdc::similarity(net.recall(patterns[j], {hdc::hopfield_update::asynchronous, 100, j}).state, patterns[j]);
    return sum / static_cast<double>(m);
}

void classic(std::size_t trials, std::uint64_t seed) {
    std::printf("# classic Hopfield capacity: largest M with mean recall overlap >= 0.967 (theory: 0.138 D)\n");
    std::printf("%6s %8s %8s %10s %10s\n", "D", "M", "M/D", "min M/D", "max M/D");
    for (std::size_t d : {256u, 512u, 1024u, 2048u}) {
        std::vector<double> caps;
        for (std::size_t t = 0; t < trials; ++t) {
            hdc::rng gen(seed, 1000 * d + t);
            std::size_t lo = d / 20, hi = d / 2;  // overlap(lo) passes, overlap(hi) fails
            while (hi - lo > 1) {
                const std::size_t mid = (lo + hi) / 2;
                (mean_overlap(gen, d, mid) >= 0.967 ? lo : hi) = mid;
            }
            caps.push_back(static_cast<double>(lo));
        }
        const double m = median(caps);
        std::printf("%6zu %8.0f %8.3f %10.3f %10.3f\n", d, m, m / static_cast<double>(d),
                    *std::min_element(caps.begin(), caps.end()) / static_cast<double>(d),
                    *std::max_element(caps.begin(), caps.end()) / static_cast<double>(d));
    }
}

void modern(std::uint64_t seed) {
    std::printf("\n# modern Hopfield (beta = 1000), queries at Hamming distance k: success vs binomial prediction\n");
    std::printf("%5s %4s %8s %8s %9s %10s %10s %14s\n", "D", "k", "M", "M/D", "success", "pred_lo", "pred_hi", "M at 99% (pred)");
    struct row { std::size_t d, k; std::vector<std::size_t> ms; };
    for (const row& r : {row{64, 16, {100, 300, 3000, 30000}}, row{128, 36, {3000, 30000, 300000}}}) {
        hdc::rng gen(seed, r.d);
        const double below = binomial_half_cdf(r.d, r.k - 1), at = binomial_half_cdf(r.d, r.k) - below;
        const double m99 = std::log(0.99) / std::log(1 - below - at);  // ties counted as failures
        for (std::size_t m : r.ms) {
            const auto patterns = random_patterns(gen, m, r.d);
            const hdc::modern_hopfield<bip> net{std::span<const bip>(patterns), {1000.0, 10}};
            const std::size_t queries = 300;
            double ok = 0;
            for (std::size_t q = 0; q < queries; ++q) ok += net.recall(flip(patterns[q % m], gen, r.k)).state == patterns[q % m];
            const double p_lo = std::pow(1 - below - at, static_cast<double>(m - 1));
            const double lambda = static_cast<double>(m - 1) * at / (1 - below);
            const double p_hi = std::pow(1 - below, static_cast<double>(m - 1)) * (1 - std::exp(-lambda)) / lambda;
            std::printf("%5zu %4zu %8zu %8.1f %9.3f %10.3f %10.3f %14.0f\n", r.d, r.k, m,
                        static_cast<double>(m) / static_cast<double>(r.d), ok / queries, p_lo, p_hi, m99);
        }
    }
    // At the classic table's dimensions, 25% of the bits flipped: prediction only (too many to store).
    for (std::size_t d : {256u, 512u}) {
        const double b = binomial_half_cdf(d, d / 4);
        std::printf("%5zu %4zu %8s %8s %9s %10s %10s %14.3g\n", d, d / 4, "-", "-", "-", "-", "-", -std::log(0.99) / b);
    }
}

void sdm(std::size_t trials, std::uint64_t seed) {
    const std::size_t n = 256, locations = 10000;
    std::printf("\n# SDM, n = %zu, N = %zu locations, p = 0.01: bit error after T writes vs Kanerva's prediction\n", n, locations);
    std::printf("%6s %8s %10s %10s %12s %12s\n", "T", "radius", "measured", "predicted", "writes/s", "reads/s");
    for (std::size_t writes : {100u, 200u, 400u, 800u, 1600u}) {
        std::vector<double> errors, write_rate, read_rate;
        std::size_t radius = 0;
        double predicted = 0;
        for (std::size_t t = 0; t < trials; ++t) {
            hdc::rng gen(seed, 7 * writes + t);
            hdc::sparse_distributed_memory<bip> memory(n, hdc::sdm_options{locations, 0.01, 0, seed + t});
            radius = memory.radius();
            predicted = hdc::sdm_bit_error_prediction(locations, memory.activation_probability(), writes);
            std::vector<bip> addresses = random_patterns(gen, writes, n), data = random_patterns(gen, writes, n);
            auto t0 = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < writes; ++i) memory.write(addresses[i], data[i]);
            write_rate.push_back(static_cast<double>(writes) / seconds_since(t0));
            double wrong = 0;
            t0 = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < writes; ++i) wrong += (1 - hdc::similarity(memory.read(addresses[i]).data, data[i])) / 2;
            read_rate.push_back(static_cast<double>(writes) / seconds_since(t0));
            errors.push_back(wrong / static_cast<double>(writes));
        }
        std::printf("%6zu %8zu %10.4f %10.4f %12.0f %12.0f\n", writes, radius, median(errors), predicted, median(write_rate),
                    median(read_rate));
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string part = "all";
    std::size_t trials = 5;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; i += 2) {
        const std::string a = argv[i];
        if (i + 1 >= argc || (a != "--part" && a != "--trials" && a != "--seed")) {
            std::fprintf(stderr, "usage: bench_memories [--part classic|modern|sdm|all] [--trials T] [--seed S]\n");
            return 2;
        }
        if (a == "--part") part = argv[i + 1];
        else if (a == "--trials") trials = std::strtoull(argv[i + 1], nullptr, 10);
        else seed = std::strtoull(argv[i + 1], nullptr, 10);
    }
    if ((part != "all" && part != "classic" && part != "modern" && part != "sdm") || trials == 0) {
        std::fprintf(stderr, "usage: bench_memories [--part classic|modern|sdm|all] [--trials T] [--seed S]\n");
        return 2;
    }
    try {
        if (part == "all" || part == "classic") classic(trials, seed);
        if (part == "all" || part == "modern") modern(seed);
        if (part == "all" || part == "sdm") sdm(trials, seed);
    } catch (const hdc::error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
