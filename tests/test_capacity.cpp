// Tests of hdc/capacity/: the retrieval theory against the tables of ALGORITHMS.md section 2.1,
// the membership bounds against the worked numbers of section 2.2, the exact count models
// against enumeration, the dimension advisor against a small simulation with the library's own
// models, and bad input.
#include <hdc/capacity/bounds.hpp>
#include <hdc/capacity/normal.hpp>
#include <hdc/capacity/retrieval.hpp>
#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/mcr.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/sparse.hpp>
#include <hdc/models/sparse_binary.hpp>
#include <hdc/models/vtb.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cap = hdc::capacity;

TEST_CASE("capacity: normal quantile inverts the distribution function, in both tails", "[capacity]") {
    for (double p : {1e-12, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999}) {
        const double x = cap::normal_quantile(p);
        CHECK(std::abs(cap::normal_cdf(x) - p) <= 1e-12 * std::max(p, 1e-3));
    }
    CHECK(cap::normal_tail_quantile(1e-6) == Approx(4.753424).epsilon(1e-6));
    CHECK(cap::normal_quantile(0.975) == Approx(1.959964).epsilon(1e-6));
}

TEST_CASE("capacity: s* table of ALGORITHMS.md 2.1", "[capacity]") {
    struct row {
        std::size_t k;
        double s99, s999;
    };
    const row table[] = {{2, 3.290, 4.370},   {10, 4.246, 5.192},   {27, 4.634, 5.542},
                         {100, 5.072, 5.947}, {1000, 5.732, 6.572}, {10000, 6.302, 7.122}};
    for (const auto& r : table) {
        INFO("K = " << r.k);
        CHECK(std::abs(cap::snr_threshold(r.k, 0.99) - r.s99) < 6e-4);
        CHECK(std::abs(cap::snr_threshold(r.k, 0.999) - r.s999) < 6e-4);
        // the M_max / N column for MAP-I is 1 / s*^2
    }
    CHECK(1 / std::pow(cap::snr_threshold(27, 0.99), 2) == Approx(0.0466).margin(6e-5));
    CHECK(1 / std::pow(cap::snr_threshold(1000, 0.999), 2) == Approx(0.0232).margin(6e-5));
    // K = 2 in closed form: p = Phi(s / sqrt 2).
    CHECK(cap::snr_threshold(2, 0.99) == Approx(std::sqrt(2.0) * cap::normal_quantile(0.99)).epsilon(1e-9));
}

TEST_CASE("capacity: the MAP-I p_corr tables of ALGORITHMS.md 2.1", "[capacity]") {
    const std::size_t dims[] = {500, 1000, 2000, 5000, 10000};
    const std::size_t items[] = {10, 25, 50, 100, 200, 400};
    const double k27[5][6] = {{1.0000, 0.9857, 0.8540, 0.5928, 0.3625, 0.2209},
                              {1.0000, 0.9999, 0.9857, 0.8540, 0.5928, 0.3625},
                              {1.0000, 1.0000, 0.9999, 0.9857, 0.8540, 0.5928},
                              {1.0000, 1.0000, 1.0000, 1.0000, 0.9958, 0.9163},
                              {1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 0.9958}};
    const double k1000[5][6] = {{0.9998, 0.8771, 0.4721, 0.1714, 0.0578, 0.0219},
                                {1.0000, 0.9979, 0.8771, 0.4721, 0.1714, 0.0578},
                                {1.0000, 1.0000, 0.9979, 0.8771, 0.4721, 0.1714},
                                {1.0000, 1.0000, 1.0000, 0.9998, 0.9507, 0.6112},
                                {1.0000, 1.0000, 1.0000, 1.0000, 0.9998, 0.9507}};
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 6; ++j) {
            INFO("N = " << dims[i] << ", M = " << items[j]);
            const double s = cap::snr(cap::map_i, dims[i], items[j]);
            CHECK(s == Approx(std::sqrt(double(dims[i]) / double(items[j]))));
            CHECK(std::abs(cap::p_correct_snr(s, 27) - k27[i][j]) < 5.01e-5);
            CHECK(std::abs(cap::p_correct_snr(s, 1000) - k1000[i][j]) < 5.01e-5);
            // "the exact form differs by < 0.002 here"
            CHECK(std::abs(cap::p_correct(cap::map_i, dims[i], items[j], 27) - k27[i][j]) < 0.002);
        }
}

TEST_CASE("capacity: M_max table of ALGORITHMS.md 2.1 (p = 0.99)", "[capacity]") {
    struct row {
        std::size_t n, map_b_27, map_i_27, map_b_1000, map_i_1000;
    };
    const row table[] = {{1000, 29, 46, 19, 30},
                         {2000, 59, 93, 39, 60},
                         {5000, 147, 232, 97, 152},
                         {10000, 297, 465, 193, 304}};
    for (const auto& r : table) {
        INFO("N = " << r.n);
        CHECK(cap::max_items_snr(cap::map_b, r.n, 27, 0.99) == r.map_b_27);
        CHECK(cap::max_items_snr(cap::map_i, r.n, 27, 0.99) == r.map_i_27);
        CHECK(cap::max_items_snr(cap::map_b, r.n, 1000, 0.99) == r.map_b_1000);
        CHECK(cap::max_items_snr(cap::map_i, r.n, 1000, 0.99) == r.map_i_1000);
        CHECK(cap::max_items_snr(cap::bsc, r.n, 27, 0.99) == r.map_b_27);  // isomorphic families
        // The exact models agree with the SNR rule to within one item here.
        CHECK(std::abs(double(cap::max_items(cap::map_b, r.n, 27, 0.01)) - double(r.map_b_27)) <= 1);
        CHECK(std::abs(double(cap::max_items(cap::map_i, r.n, 27, 0.01)) - double(r.map_i_27)) <= 1);
    }
}

TEST_CASE("capacity: the validation points of ALGORITHMS.md 2.1 (theory column)", "[capacity]") {
    const std::pair<std::size_t, double> map_i[] = {{50, 0.986}, {100, 0.855}, {150, 0.707}, {200, 0.593}, {300, 0.447}};
    for (auto [m, p] : map_i) CHECK(cap::p_correct(cap::map_i, 1000, m, 27) == Approx(p).margin(6e-4));
    const std::pair<std::size_t, double> map_b[] = {{31, 0.988}, {51, 0.918}, {101, 0.686}};
    for (auto [m, p] : map_b) CHECK(cap::p_correct(cap::map_b, 1000, m, 27) == Approx(p).margin(1.6e-3));
    CHECK(cap::p_correct(cap::fhrr, 500, 50, 27) == Approx(0.986).margin(6e-4));
    CHECK(cap::p_correct(cap::fhrr, 500, 100, 27) == Approx(0.854).margin(1.6e-3));
    // The SNRs of the 2.1 table.
    CHECK(cap::snr(cap::fhrr, 1000, 10) == Approx(std::sqrt(200.0)));
    CHECK(cap::snr(cap::map_b, 1000, 31) == Approx(std::sqrt(1000.0) * cap::bundle_hit_mean(31)));
}

TEST_CASE("capacity: mu_M follows the library's tie rule (even M acts as M + 1)", "[capacity]") {
    CHECK(cap::bundle_hit_mean(1) == 1.0);
    CHECK(cap::bundle_hit_mean(2) == Approx(0.5));
    CHECK(cap::bundle_hit_mean(3) == Approx(0.5));
    CHECK(cap::bundle_hit_mean(4) == Approx(0.375));
    CHECK(cap::bundle_hit_mean(5) == Approx(0.375));
    CHECK(cap::bundle_hit_mean(1001) == Approx(std::sqrt(2 / (3.141592653589793 * 1000))).epsilon(1e-3));
    // Measured with hdc::bundle of 4 bipolar atoms: E[b x_1] = 3/8 (4 SE).
    hdc::rng gen{7};
    const std::size_t n = 4096;
    double sum = 0;
    const int reps = 20;
    for (int rep = 0; rep < reps; ++rep) {
        std::vector<hdc::bipolar<>> xs;
        for (int i = 0; i < 4; ++i) xs.push_back(hdc::random<hdc::bipolar<>>(gen, n));
        sum += hdc::similarity(hdc::bundle(xs), xs[0]);
    }
    const double mean = sum / reps, mu = 0.375;
    CHECK(std::abs(mean - mu) < 4 * std::sqrt((1 - mu * mu) / (n * reps)));
}

TEST_CASE("capacity: the exact count model equals enumeration, ties to the lower index", "[capacity]") {
    // n = 3 trials per score, K = 3: enumerate the hit count and both distractor counts.
    const std::size_t n = 3;
    const double ph = 0.7, pd = 0.4;
    auto pmf = [&](double q, std::size_t k) { return std::exp(cap::log_binomial_pmf(n, q, k)); };
    double expected = 0;
    for (std::size_t h = 0; h <= n; ++h)
        for (std::size_t d1 = 0; d1 <= n; ++d1)
            for (std::size_t d2 = 0; d2 <= n; ++d2) {
                if (d1 > h || d2 > h) continue;
                const int ties = (d1 == h) + (d2 == h);
                expected += pmf(ph, h) * pmf(pd, d1) * pmf(pd, d2) / (1 + ties);
            }
    CHECK(cap::p_correct_counts(n, ph, pd, 3) == Approx(expected).epsilon(1e-12));
    // Equal distributions: the right one wins 1 / K of the time.
    CHECK(cap::p_correct_counts(40, 0.3, 0.3, 7) == Approx(1.0 / 7).epsilon(1e-9));
}

TEST_CASE("capacity: block hit probability equals enumeration with the library's winner-take-all", "[capacity]") {
    // Every configuration of M = 4 one-block vectors with L = 3: the fraction of (configuration,
    // member) pairs where the bundle shows the member's index.
    const std::size_t m = 4, l = 3;
    const hdc::sparse_shape shape{1, l};
    std::size_t wins = 0, total = 0;
    using index = hdc::sparse<>::index_type;
    std::vector<index> idx(m, 0);
    for (std::size_t code = 0; code < 81; ++code) {
        std::size_t c = code;
        hdc::accumulator<hdc::sparse<>> acc(shape);
        for (std::size_t i = 0; i < m; ++i) {
            idx[i] = static_cast<index>(c % l);
            c /= l;
            const index one[1] = {idx[i]};
            acc.add(hdc::sparse<>::from_indices(std::span<const index>(one), shape));
        }
        const auto winner = acc.result()[0];
        for (std::size_t i = 0; i < m; ++i) {
            wins += winner == idx[i];
            ++total;
        }
    }
    CHECK(cap::block_hit_probability(m, l) == Approx(double(wins) / double(total)).epsilon(1e-12));
    CHECK(cap::block_hit_probability(2, 20) == Approx(0.525).epsilon(1e-12));
    CHECK(cap::block_hit_probability(1, 20) == 1.0);
}

TEST_CASE("capacity: block hit probability at large M stops at the rounding floor and meets the Gaussian limit", "[capacity]") {
    // At M ~ 3,500 and more (L = 20) the computed tail P(max > k) levels off near 1e-12 from
    // rounding; the sum used to run every k up to M (minutes). Now it takes well under a second.
    const std::size_t l = 20, m = 5000;
    const double lambda = double(m) / double(l);
    const double e_max = cap::block_hit_probability(m, l) * double(m);
    // Gaussian limit: the counts are lambda + sqrt(lambda) (Z_j - mean Z), Z_j iid N(0, 1), and
    // E[max of 20 standard normals] = 1.867475; the integer count adds about 1/2 (continuity)
    // and the skew of a count (1/sqrt(lambda) = 0.06) moves the maximum by a fraction of a count:
    // the exact value lies within 1 count of lambda + sqrt(lambda) e_20 + 1/2.
    CHECK(std::abs(e_max - (lambda + std::sqrt(lambda) * 1.867475 + 0.5)) < 1.0);
    // One more item raises the maximum by 0 or 1 in every draw.
    const double e_next = cap::block_hit_probability(m + 1, l) * double(m + 1);
    CHECK(e_next - e_max >= 0.0);
    CHECK(e_next - e_max <= 1.0);
}

TEST_CASE("capacity: membership and intersection dimensions, worked numbers of ALGORITHMS.md 2.2", "[capacity]") {
    const std::size_t n = 10000;
    const double delta = 0.01;
    struct row {
        std::size_t k;
        double map_i, map_i_g, map_b, map_b_g, bloom, hopfield, hopfield2;
    };
    const row table[] = {{10, 1105, 904, 1825, 1492, 288, 43, 1808},
                         {100, 11052, 9037, 17448, 14268, 2876, 134, 18076},
                         {1000, 110524, 90371, 173698, 142040, 28755, 425, 180760}};
    for (const auto& r : table) {
        INFO("k = " << r.k);
        CHECK(std::abs(cap::membership_dimension_map_i(r.k, n, delta) - r.map_i) < 1);
        // the table's 9,037 and 90,371 are 1e-4 below 4 k z^2 (its rounding of z); 904 is exact
        CHECK(std::abs(cap::membership_dimension_map_i_gaussian(r.k, n, delta) - r.map_i_g) <
              std::max(1.0, 2e-4 * r.map_i_g));
        CHECK(std::abs(cap::membership_dimension_map_b(r.k, n, delta) - r.map_b) < 1);
        CHECK(std::abs(cap::membership_dimension_map_b_gaussian(r.k, n, delta) - r.map_b_g) < 1);
        CHECK(std::abs(cap::membership_dimension_bloom(r.k, n, delta) - r.bloom) < 1);
        CHECK(cap::membership_dimension_counting_bloom(r.k, n, delta) ==
              cap::membership_dimension_bloom(r.k, n, delta));
        const double h = cap::membership_dimension_hopfield_gaussian(r.k, n, delta);
        CHECK(std::abs(h - r.hopfield) < 1);
        CHECK(h * h == Approx(r.hopfield2).epsilon(1e-3));
    }
    // Bloom filter: w = (d/k) ln 2 ~ 20 ones at the bound, false positives 2^-w.
    const double d = cap::membership_dimension_bloom(100, n, delta);
    const double w = cap::bloom_ones(static_cast<std::size_t>(std::ceil(d)), 100);
    CHECK(w == Approx(std::log2(n / delta)).epsilon(1e-3));
    CHECK(cap::bloom_false_positive(static_cast<std::size_t>(std::ceil(d)), 100, w) ==
          Approx(std::pow(2.0, -w)).epsilon(1e-3));
    // MAP-I per-query errors: d = 256, k = 16 -> FP 0.0228, FN 0.0194; d = 1024, k = 32 -> FP 0.0023.
    CHECK(cap::membership_errors_map_i(256, 16).false_positive == Approx(0.0228).margin(5e-5));
    CHECK(cap::membership_errors_map_i(256, 16).false_negative == Approx(0.0194).margin(5e-5));
    CHECK(cap::membership_errors_map_i(1024, 32).false_positive == Approx(0.0023).margin(5e-5));
    // Intersections: the MAP-I dimension makes z * sd equal the error; MAP-B needs more (signs).
    const double di = cap::intersection_dimension_map_i(100, 100, 30, 5, 0.05);
    const double z = cap::normal_tail_quantile(0.025);
    CHECK(z * std::sqrt(cap::intersection_variance_map_i(100, 100, 30, 1) / di) == Approx(5.0));
    CHECK(cap::intersection_dimension_map_b(100, 100, 30, 5, 0.05) > di);
    CHECK(cap::intersection_dimension_map_b(100, 100, 0, 5, 0.05) ==
          Approx(z * z * 1e4 * std::pow(3.141592653589793 / 2, 2) / 25));
}

TEST_CASE("capacity: the intersection variances hold in simulation (MAP-I, counting Bloom)", "[capacity][simulation]") {
    // |X| = |Y| = 20, t = 5 shared: estimate t from two bundles, 3,000 repetitions; the sample
    // mean within 4 SE of t and the sample variance within 4 SE of the formula.
    const std::size_t x = 20, t = 5, d = 256, w = 12, reps = 3000;
    hdc::rng gen{21};
    auto check = [&](const std::vector<double>& est, double variance) {
        double mean = 0, m2 = 0, m4 = 0;
        for (double e : est) mean += e;
        mean /= double(est.size());
        for (double e : est) {
            const double d2 = (e - mean) * (e - mean);
            m2 += d2;
            m4 += d2 * d2;
        }
        const double n = double(est.size()), var = m2 / (n - 1);
        m4 /= n;
        CHECK(std::abs(mean - double(t)) < 4 * std::sqrt(variance / n));
        // SE of a sample variance: sqrt((mu4 - sigma^4 (n - 3) / (n - 1)) / n), i.e.
        // sigma^2 sqrt((kurtosis - 1) / n); the estimates are products of sums, not Gaussian
        // (kurtosis above 3), so the fourth moment is taken from the sample itself.
        const double se_var = std::sqrt((m4 - var * var * (n - 3) / (n - 1)) / n);
        INFO("variance " << var << " vs " << variance << ", SE " << se_var << ", Gaussian SE "
                         << variance * std::sqrt(2 / n));
        CHECK(std::abs(var - variance) < 4 * se_var);
    };
    std::vector<double> map_i, bloom;
    for (std::size_t rep = 0; rep < reps; ++rep) {
        // MAP-I: bipolar atoms, integer sums; X = atoms 0..19, Y = atoms 15..34.
        std::vector<hdc::bipolar<>> atoms;
        for (std::size_t i = 0; i < 2 * x - t; ++i) atoms.push_back(hdc::random<hdc::bipolar<>>(gen, d));
        std::vector<long> sx(d, 0), sy(d, 0);
        for (std::size_t i = 0; i < x; ++i)
            for (std::size_t c = 0; c < d; ++c) sx[c] += atoms[i][c], sy[c] += atoms[i + x - t][c];
        long dot = 0;
        for (std::size_t c = 0; c < d; ++c) dot += sx[c] * sy[c];
        map_i.push_back(double(dot) / double(d));
        // Counting Bloom: atoms of w distinct positions.
        std::vector<long> cx(d, 0), cy(d, 0);
        for (std::size_t i = 0; i < 2 * x - t; ++i) {
            std::vector<std::size_t> pos;
            while (pos.size() < w) {
                const std::size_t p = gen.below(d);
                if (std::find(pos.begin(), pos.end(), p) == pos.end()) pos.push_back(p);
            }
            for (std::size_t p : pos) {
                if (i < x) ++cx[p];
                if (i >= x - t) ++cy[p];
            }
        }
        long cdot = 0;
        for (std::size_t c = 0; c < d; ++c) cdot += cx[c] * cy[c];
        const double ww = double(w), dd = double(d);
        bloom.push_back((double(cdot) - double(x * x) * ww * ww / dd) / (ww - ww * ww / dd));
    }
    check(map_i, cap::intersection_variance_map_i(x, x, t, d));
    check(bloom, cap::intersection_variance_counting_bloom(x, x, t, d));
    CHECK(cap::intersection_dimension_counting_bloom(x, x, t, 2, 0.05) ==
          Approx(1 + cap::intersection_dimension_map_i(x, x, t, 2, 0.05)));
}

namespace {

/// One retrieval trial with the library's models, exactly as the theory assumes (see
/// hdc/capacity/retrieval.hpp): keyed items, bundle or sums, nearest atom, ties to the lower index.
template <class V, bool Sums>
bool retrieve(const typename V::shape_type& shape, std::size_t m, std::size_t k, hdc::rng gen) {
    std::vector<V> atoms;
    for (std::size_t j = 0; j < k; ++j) atoms.push_back(hdc::random<V>(gen, shape));
    const std::size_t r = gen.below(m);
    hdc::accumulator<V> acc(shape);
    std::optional<V> key_r;
    std::size_t answer = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const std::size_t a = gen.below(k);
        const V key = hdc::random<V>(gen, shape);
        acc.add(bind(key, atoms[a]));
        if (i == r) key_r = key, answer = a;
    }
    std::size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    if constexpr (Sums) {
        for (std::size_t j = 0; j < k; ++j) {
            const double s = similarity(acc, bind(*key_r, atoms[j]));
            if (s > best_score) best_score = s, best = j;
        }
    } else {
        const V q = unbind(acc.result(), *key_r);
        for (std::size_t j = 0; j < k; ++j) {
            const double s = similarity(q, atoms[j]);
            if (s > best_score) best_score = s, best = j;
        }
    }
    return best == answer;
}

/// Measured accuracy over `trials` and whether it is within 4 SE of `predicted`.
template <class Trial>
void check_measured(Trial trial, double predicted, std::size_t trials, std::uint64_t seed) {
    std::size_t hits = 0;
    for (std::size_t t = 0; t < trials; ++t) hits += trial(hdc::rng(seed, t)) ? 1 : 0;
    const double measured = double(hits) / double(trials);
    const double se = std::sqrt(predicted * (1 - predicted) / double(trials));
    INFO("measured " << measured << ", predicted " << predicted << ", SE " << se);
    CHECK(std::abs(measured - predicted) < 4 * se);
}

}  // namespace

TEST_CASE("capacity: the advisor's dimensions and bundle sizes hold in simulation", "[capacity][simulation]") {
    const std::size_t m = 12, k = 27, trials = 1500;
    const double delta = 0.1;
    struct family_case {
        cap::code code;
        std::uint64_t seed;
    };
    for (const auto& fc : {family_case{cap::map_i, 11}, family_case{cap::map_b, 12}, family_case{cap::bsc, 13},
                           family_case{cap::fhrr, 14}, family_case{cap::sparse_block(16), 15},
                           family_case{cap::mcr_sums(16), 16}, family_case{cap::mcr_sums(2), 17}}) {
        const auto c = fc.code;
        INFO(cap::family_name(c.kind) << " " << c.block_length);
        const std::size_t n = cap::min_dimension(c, m, k, delta);
        const std::size_t unit = c.kind == cap::family::sparse_block ? c.block_length : 1;
        const double p = cap::p_correct(c, n, m, k);
        CHECK(p >= 1 - delta);
        CHECK(cap::p_correct(c, n - unit, m, k) < 1 - delta);
        // The inverse: at that dimension at least M items fit, and one more than the answer does not.
        const std::size_t most = cap::max_items(c, n, k, delta);
        CHECK(most >= m);
        CHECK(cap::p_correct(c, n, most + 1, k) < 1 - delta);
        switch (c.kind) {
            case cap::family::map_i:
                check_measured([&](hdc::rng g) { return retrieve<hdc::bipolar<>, true>(n, m, k, g); }, p, trials, fc.seed);
                break;
            case cap::family::map_b:
                check_measured([&](hdc::rng g) { return retrieve<hdc::bipolar<>, false>(n, m, k, g); }, p, trials, fc.seed);
                break;
            case cap::family::bsc:
                check_measured([&](hdc::rng g) { return retrieve<hdc::binary<>, false>(n, m, k, g); }, p, trials, fc.seed);
                break;
            case cap::family::fhrr:
                check_measured([&](hdc::rng g) { return retrieve<hdc::phasor<>, true>(n, m, k, g); }, p, trials, fc.seed);
                break;
            case cap::family::sparse_block:
                check_measured(
                    [&](hdc::rng g) {
                        return retrieve<hdc::sparse<>, false>(hdc::sparse_shape{n / unit, unit}, m, k, g);
                    },
                    p, trials, fc.seed);
                break;
            case cap::family::bsdc: break;  // checked at fixed points below (no sharp threshold)
            case cap::family::hrr:
            case cap::family::vtb: break;  // their own tests below (VTB needs a square dimension)
            case cap::family::mcr:
                if (c.block_length == 16)
                    check_measured([&](hdc::rng g) { return retrieve<hdc::mcr<hdc::dynamic, 16>, true>(n, m, k, g); }, p, trials, fc.seed);
                else
                    check_measured([&](hdc::rng g) { return retrieve<hdc::mcr<hdc::dynamic, 2>, true>(n, m, k, g); }, p, trials, fc.seed);
                break;
        }
    }
}

TEST_CASE("capacity: the sparse binary (OR + CDT) prediction holds in simulation", "[capacity][simulation]") {
    // Sparse binary codes are checked at fixed points rather than through the advisor: w =
    // round(sqrt(N)) and CDT's rounded K make p_correct wiggle with N, so the smallest dimension
    // has no sharp threshold. M spans the additive (5) and subtractive (8, 12) CDT forms at N =
    // 1,024, where p_correct runs from ~0.9 to ~0.4.
    const std::size_t k = 27, trials = 1000;
    std::uint64_t seed = 21;
    for (std::size_t m : {5, 8, 12}) {
        CAPTURE(m);
        const double p = cap::p_correct(cap::bsdc, 1024, m, k);
        CHECK(p > 0.3);
        CHECK(p < 0.95);
        check_measured([&](hdc::rng g) { return retrieve<hdc::sparse_binary<>, false>(1024, m, k, g); }, p, trials,
                       seed++);
    }
    // Thinning keeps about w ones whatever M, so the right atom keeps ~1/M of its ones: the
    // accuracy falls with M, and one item is always found.
    CHECK(cap::p_correct(cap::bsdc, 1024, 1, k) == Approx(1.0));
    CHECK(cap::p_correct(cap::bsdc, 1024, 20, k) < cap::p_correct(cap::bsdc, 1024, 10, k));
    CHECK(std::string(cap::family_name(cap::family::bsdc)) == "BSDC");
}

TEST_CASE("capacity: the sparse binary model's hypergeometric laws and its non-monotone M_max", "[capacity]") {
    // Hypergeometric(N, b, w) has mean w b / N and variance w (b/N)(1 - b/N)(N - w)/(N - 1), and
    // sums to 1 (the binomial Bin(w, b/N) the model used before has the larger variance).
    for (const auto& [n, b, w] : {std::array<std::size_t, 3>{1024, 40, 32}, {10000, 100, 100}, {150, 40, 32},
                                  {262144, 512, 512}, {60, 50, 32}}) {
        CAPTURE(n, b, w);
        const auto pmf = cap::detail::hypergeometric_pmf(n, b, w);
        double total = 0, mean = 0, square = 0;
        for (std::size_t i = 0; i < pmf.p.size(); ++i) {
            const double k = double(pmf.lo + i);
            total += pmf.p[i];
            mean += k * pmf.p[i];
            square += k * k * pmf.p[i];
        }
        const double nn = double(n), p = double(b) / nn, ww = double(w);
        CHECK(total == Approx(1).epsilon(1e-9));
        CHECK(mean == Approx(ww * p).epsilon(1e-9));
        CHECK(square - mean * mean == Approx(ww * p * (1 - p) * (nn - ww) / (nn - 1)).epsilon(1e-7));
    }
    // p_correct wiggles with M for sparse binary codes (CDT's K is rounded): the answer of
    // max_items is the largest M such that every M' <= M meets the target, even where a larger
    // M meets it again. At N = 10,000, K = 27 the model has p(7) < p(8); an error target between
    // them must stop below 7.
    const std::size_t n = 10000, k = 27;
    const double p7 = cap::p_correct(cap::bsdc, n, 7, k), p8 = cap::p_correct(cap::bsdc, n, 8, k);
    REQUIRE(p7 < p8);
    const double delta = 1 - (p7 + p8) / 2;
    const std::size_t most = cap::max_items(cap::bsdc, n, k, delta);
    CHECK(most < 7);
    for (std::size_t m = 1; m <= most; ++m) CHECK(cap::p_correct(cap::bsdc, n, m, k) >= 1 - delta);
    CHECK(cap::p_correct(cap::bsdc, n, most + 1, k) < 1 - delta);
}

TEST_CASE("capacity: the HRR and VTB score models hold in simulation", "[capacity][simulation]") {
    // N = 256 = 16^2, M = 30 items, K = 100 atoms: p = 0.64, where the model's variances matter.
    // (At 500 trials this point cannot tell HRR's distractor variance N (M + 1) from MAP-I's N M:
    // 0.636 against 0.653, under 1 SE apart.)
    const std::size_t n = 256, m = 30, k = 100, trials = 500;
    const double p_hrr = cap::p_correct(cap::hrr, n, m, k), p_vtb = cap::p_correct(cap::vtb, n, m, k);
    INFO("predicted HRR " << p_hrr << ", VTB " << p_vtb);
    CHECK(p_hrr > 0.6);
    CHECK(p_hrr < 0.95);
    check_measured([&](hdc::rng g) { return retrieve<hdc::hrr<>, true>(n, m, k, g); }, p_hrr, trials, 16);
    check_measured([&](hdc::rng g) { return retrieve<hdc::vtb<>, true>(n, m, k, g); }, p_vtb, trials, 17);
    // The distractor variance N (M + 1): the key's own term counts twice (E|K_f|^4 = 2).
    CHECK(cap::snr(cap::hrr, 1000, 10) == Approx(std::sqrt(1000.0 / 11)));
    CHECK(cap::snr(cap::vtb, 10000, 10) == Approx(std::sqrt(10000.0 / 11.01)));
    CHECK(std::string(cap::family_name(cap::family::hrr)) == "HRR");
    CHECK(std::string(cap::family_name(cap::family::vtb)) == "VTB");
}

TEST_CASE("capacity: the advisor gives VTB perfect square dimensions, and they hold in simulation",
          "[capacity][simulation]") {
    // hdc::vtb takes D = d'^2 only: min_dimension searches over d'. M = 12, K = 27, error 0.1:
    // 13^2 = 169 (the unconstrained search would give 152, which hdc::vtb refuses).
    const std::size_t m = 12, k = 27, trials = 1500;
    const double delta = 0.1;
    for (double d : {delta, 0.01, 1e-4}) {
        CAPTURE(d);
        const std::size_t n = cap::min_dimension(cap::vtb, m, k, d);
        const std::size_t r = hdc::vtb_family::root(n);
        CHECK(r * r == n);
        CHECK(cap::p_correct(cap::vtb, n, m, k) >= 1 - d);
        CHECK(cap::p_correct(cap::vtb, (r - 1) * (r - 1), m, k) < 1 - d);
    }
    const std::size_t n = cap::min_dimension(cap::vtb, m, k, delta);
    const double p = cap::p_correct(cap::vtb, n, m, k);
    check_measured([&](hdc::rng g) { return retrieve<hdc::vtb<>, true>(n, m, k, g); }, p, trials, 19);
}

TEST_CASE("capacity: the MCR model is FHRR's for Q >= 3 and MAP-I's for Q = 2", "[capacity]") {
    for (std::size_t q : {3u, 16u, 65536u}) {
        const auto a = cap::gaussian_scores(cap::mcr_sums(q), 1000, 30), b = cap::gaussian_scores(cap::fhrr, 1000, 30);
        CHECK(a.hit_mean == b.hit_mean);
        CHECK(a.hit_sd == b.hit_sd);
        CHECK(a.distractor_sd == b.distractor_sd);
    }
    const auto a = cap::gaussian_scores(cap::mcr_sums(2), 1000, 30), b = cap::gaussian_scores(cap::map_i, 1000, 30);
    CHECK(a.hit_sd == b.hit_sd);
    CHECK(a.distractor_sd == b.distractor_sd);
    CHECK_THROWS_WITH(cap::p_correct(cap::mcr_sums(1), 100, 3, 10), Catch::Contains("modulus Q between 2 and 65536"));
    CHECK_THROWS_AS(cap::p_correct(cap::mcr_sums(70000), 100, 3, 10), hdc::invalid_parameter);
}

TEST_CASE("capacity: bad input is rejected with an hdc::error naming the problem", "[capacity]") {
    using Catch::Matchers::Contains;
    CHECK_THROWS_AS(cap::p_correct(cap::map_i, 1000, 0, 27), hdc::invalid_parameter);
    CHECK_THROWS_WITH(cap::p_correct(cap::map_i, 1000, 0, 27), Contains("number of items M"));
    CHECK_THROWS_WITH(cap::p_correct(cap::map_b, 1000, 10, 1), Contains("codebook size K"));
    CHECK_THROWS_AS(cap::p_correct(cap::bsc, 0, 10, 27), hdc::invalid_dimension);
    CHECK_THROWS_AS(cap::p_correct(cap::sparse_block(20), 1010, 10, 27), hdc::invalid_dimension);
    CHECK_THROWS_AS(cap::p_correct(cap::sparse_block(1), 1000, 10, 27), hdc::invalid_parameter);
    CHECK_THROWS_WITH(cap::min_dimension(cap::map_i, 10, 27, 0.0), Contains("error delta"));
    CHECK_THROWS_AS(cap::min_dimension(cap::map_i, 10, 27, 1.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::max_items(cap::map_i, 1000, 27, std::nan("")), hdc::non_finite_value);
    CHECK_THROWS_AS(cap::min_dimension(cap::fhrr, 0, 27, 0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::snr_threshold(27, 1.5), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::snr_threshold(1, 0.9), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::p_correct_snr(std::numeric_limits<double>::infinity(), 27), hdc::non_finite_value);
    CHECK_THROWS_AS(cap::p_correct_gaussian(cap::score_model{1, 1, 0}, 27), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::p_correct_counts(10, 1.5, 0.5, 27), hdc::invalid_parameter);
    CHECK_THROWS_WITH(cap::membership_dimension_map_i(0, 100, 0.01), Contains("set size k"));
    CHECK_THROWS_AS(cap::membership_dimension_bloom(10, 100, -0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::membership_dimension_map_b(10, 0, 0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::intersection_dimension_map_i(10, 10, 11, 1, 0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::intersection_dimension_map_b(10, 10, 1, 0, 0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::intersection_dimension_counting_bloom(0, 10, 0, 1, 0.1), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::intersection_variance_counting_bloom(10, 10, 1, 1), hdc::invalid_dimension);
    CHECK_THROWS_AS(cap::normal_quantile(0), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::block_hit_probability(0, 20), hdc::invalid_parameter);
    CHECK_THROWS_AS(cap::bundle_hit_mean(0), hdc::invalid_parameter);
}
