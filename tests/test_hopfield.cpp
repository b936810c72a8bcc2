// Tests of the Hopfield memories: the classic field equals an explicit W x, stored patterns are
// recalled, the one-step error and the capacity follow the theory (about 0.14 D), and the modern
// rule stores far more patterns at the same D, with its success rate predicted from the binomial.
#include <hdc/memory/hopfield.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/real.hpp>
#include <hdc/core/normal.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using bip = hdc::bipolar<>;

std::vector<bip> random_patterns(hdc::rng& gen, std::size_t m, std::size_t d) {
    std::vector<bip> out;
    for (std::size_t i = 0; i < m; ++i) out.push_back(bip::random(gen, d));
    return out;
}

/// v with exactly k distinct components negated (chosen by gen).
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

/// P(Binomial(n, 1/2) <= k), exactly.
double binomial_half_cdf(std::size_t n, std::size_t k) {
    // Terms C(n, i) 2^-n summed in log space relative to the largest, so large n do not underflow.
    if (k >= n) return 1.0;
    std::vector<double> logs(k + 1);
    logs[0] = -static_cast<double>(n) * std::log(2.0);
    for (std::size_t i = 0; i < k; ++i) logs[i + 1] = logs[i] + std::log(static_cast<double>(n - i) / static_cast<double>(i + 1));
    const double top = *std::max_element(logs.begin(), logs.end());
    double sum = 0;
    for (double l : logs) sum += std::exp(l - top);
    return std::min(1.0, std::exp(top + std::log(sum)));
}

}  // namespace

TEST_CASE("classic_hopfield: the field is W x with W = sum m m^T, zero diagonal", "[hopfield]") {
    hdc::rng gen(1);
    const std::size_t d = 70, m = 5;  // 70: a partial last word
    const auto patterns = random_patterns(gen, m, d);
    const hdc::classic_hopfield<bip> net{std::span<const bip>(patterns)};
    const auto x = bip::random(gen, d);
    const auto h = net.field(x);
    double quadratic = 0;
    for (std::size_t i = 0; i < d; ++i) {
        std::int64_t expected = 0;
        for (std::size_t k = 0; k < d; ++k) {
            if (k == i) continue;
            std::int64_t w = 0;
            for (const auto& p : patterns) w += p[i] * p[k];
            expected += w * x[k];
        }
        CHECK(h[i] == expected);
        quadratic += static_cast<double>(x[i]) * static_cast<double>(expected);
    }
    CHECK(net.energy(x) == -0.5 * quadratic);
    CHECK_THROWS_AS(net.field(bip::random(gen, 71)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(net.recall(x, {hdc::hopfield_update::synchronous, 0, 0}), hdc::invalid_parameter);
}

TEST_CASE("classic_hopfield: few patterns are fixed points and attract noisy versions", "[hopfield]") {
    hdc::rng gen(2);
    const std::size_t d = 400, m = 8;  // alpha = 0.02: one-step error Q(sqrt(1/alpha)) ~ 1e-12
    const auto patterns = random_patterns(gen, m, d);
    const hdc::classic_hopfield<bip> net{std::span<const bip>(patterns)};
    for (auto update : {hdc::hopfield_update::synchronous, hdc::hopfield_update::asynchronous}) {
        for (std::size_t j = 0; j < m; ++j) {
            const auto fixed = net.recall(patterns[j], {update, 10, 3});
            CHECK(fixed.converged);
            CHECK(fixed.iterations == 1);
            CHECK(fixed.state == patterns[j]);
            const auto noisy = net.recall(flip(patterns[j], gen, d / 10), {update, 10, 3});
            CHECK(noisy.converged);
            CHECK(noisy.state == patterns[j]);
        }
    }
    // Asynchronous updates never raise the energy; the cap is honoured.
    const auto start = flip(patterns[0], gen, d / 3);
    const auto one = net.recall(start, {hdc::hopfield_update::asynchronous, 1, 0});
    CHECK(one.iterations == 1);
    CHECK(net.energy(one.state) <= net.energy(start));

    // binary and bipolar are isomorphic: the same network on the binary images gives the images.
    std::vector<hdc::binary<>> images;
    for (const auto& p : patterns) {
        hdc::binary<> b(d);
        for (std::size_t i = 0; i < d; ++i) b.set(i, p[i] < 0);
        images.push_back(b);
    }
    const hdc::classic_hopfield<hdc::binary<>> bnet{std::span<const hdc::binary<>>(images)};
    hdc::binary<> bstart(d);
    for (std::size_t i = 0; i < d; ++i) bstart.set(i, start[i] < 0);
    const auto bres = bnet.recall(bstart, {hdc::hopfield_update::asynchronous, 1, 0});
    for (std::size_t i = 0; i < d; ++i) CHECK(bres.state[i] == (one.state[i] < 0));
}

TEST_CASE("classic_hopfield: one-step errors and capacity follow the theory (~0.14 D)", "[hopfield]") {
    hdc::rng gen(3);
    const std::size_t d = 500;
    // One step from a stored pattern: x_i h_i = (D - 1) + S, S a sum of n = (M-1)(D-1) random
    // signs, so a unit flips (h_i x_i < 0) with probability P(S < -(D-1)) ~ Q(D / sqrt(n)) (with
    // the continuity correction). S = 2B - n with B ~ Binomial(n, 1/2), so the flip probability is
    // exactly P(B <= ceil((n - D + 1) / 2) - 1); checked over all M D units within 4 binomial
    // standard errors (units treated as independent; their correlation through shared patterns
    // is O(1/D)).
    for (std::size_t m : {60u, 100u}) {
        const auto patterns = random_patterns(gen, m, d);
        const hdc::classic_hopfield<bip> net{std::span<const bip>(patterns)};
        double flips = 0;
        for (const auto& p : patterns) {
            const auto h = net.field(p);
            for (std::size_t i = 0; i < d; ++i) flips += (h[i] * p[i] < 0);
        }
        const std::size_t n = (m - 1) * (d - 1);
        const double units = static_cast<double>(m * d);
        const double p_flip = binomial_half_cdf(n, (n - d + 2) / 2 - 1);  // ceil((n-D+1)/2) - 1
        const double predicted = p_flip * units;
        INFO("M = " << m << ": " << flips << " flips, predicted " << predicted << " (normal approximation "
                    << hdc::normal_tail(static_cast<double>(d) / std::sqrt(static_cast<double>(n))) * units << ")");
        CHECK(std::fabs(flips - predicted) <= 4 * std::sqrt(units * p_flip * (1 - p_flip)));
    }
    // Capacity (Amit, Gutfreund, Sompolinsky): below alpha_c = 0.138 a retrieval state with at
    // least 98.4% of the bits right (overlap >= 0.967) surrounds each pattern; above it there is
    // none and recall from the pattern itself drifts far away.
    const auto final_overlap = [&](std::size_t m) {
        const auto patterns = random_patterns(gen, m, d);
        const hdc::classic_hopfield<bip> net{std::span<const bip>(patterns)};
        double sum = 0;
        for (const auto& p : patterns) sum += hdc::similarity(net.recall(p).state, p);
        return sum / static_cast<double>(m);
    };
    CHECK(final_overlap(35) >= 0.967);  // alpha = 0.07
    CHECK(final_overlap(100) < 0.9);    // alpha = 0.2
}

TEST_CASE("modern_hopfield: far beyond the classic capacity, success as the binomial predicts", "[hopfield]") {
    hdc::rng gen(4);
    const std::size_t d = 64, m = 2000;  // 31 D; the classic rule holds about 0.14 D = 9
    const auto patterns = random_patterns(gen, m, d);
    const hdc::modern_hopfield<bip> net{std::span<const bip>(patterns), {1000.0, 10}};
    // 8 flipped bits: another pattern as close has probability < M P(Bin(64, 1/2) <= 8) ~ 1e-6.
    for (std::size_t q = 0; q < 50; ++q) {
        const auto r = net.recall(flip(patterns[q], gen, 8));
        CHECK(r.converged);
        CHECK(r.state == patterns[q]);
    }
    // 18 flipped bits: with beta this large recall is nearest-pattern. It surely succeeds when
    // no other pattern is as close, P_lo = (1 - P(Bin(64, 1/2) <= 18))^(M-1); a tie with k others
    // at distance 18 leaves a mixture that the next update resolves, at best fairly (1/(k+1)),
    // so P_hi = (1 - P(Bin <= 17))^(M-1) (1 - e^-l) / l, l = (M-1) P(Bin = 18) / (1 - P(Bin <= 17)).
    const std::size_t k = 18, trials = 300;
    const double below = binomial_half_cdf(d, k - 1), at = binomial_half_cdf(d, k) - below;
    const double p_lo = std::pow(1 - below - at, static_cast<double>(m - 1));
    const double lambda = static_cast<double>(m - 1) * at / (1 - below);
    const double p_hi = std::pow(1 - below, static_cast<double>(m - 1)) * (1 - std::exp(-lambda)) / lambda;
    double success = 0;
    for (std::size_t q = 0; q < trials; ++q) success += net.recall(flip(patterns[q], gen, k)).state == patterns[q];
    success /= static_cast<double>(trials);
    const double se = std::sqrt(p_hi * (1 - p_lo) / trials);
    INFO("success " << success << ", predicted between " << p_lo << " and " << p_hi);
    CHECK(success >= p_lo - 4 * se);
    CHECK(success <= p_hi + 4 * se);

    // The energy -(1/beta) lse(beta s) is about -1 at a stored pattern, higher elsewhere.
    CHECK(net.energy(patterns[0]) == Approx(-1.0).margin(1e-9));
    CHECK(net.energy(bip::random(gen, d)) > -0.8);
    const auto a = net.attention(patterns[5]);
    CHECK(a[5] > 0.999);
    CHECK(net.nearest(patterns[5]) == 5);
    CHECK_THROWS_AS(hdc::modern_hopfield<bip>(std::size_t{8}, {0.0, 1}), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::modern_hopfield<bip>(std::size_t{8}).attention(bip(8)), hdc::empty_input);
}

TEST_CASE("modern_hopfield: real vectors, and state round trips", "[hopfield]") {
    hdc::rng gen(5);
    std::vector<hdc::real<>> patterns;
    for (int i = 0; i < 200; ++i) patterns.push_back(hdc::real<>::random(gen, 32));
    const hdc::modern_hopfield<hdc::real<>> net{std::span<const hdc::real<>>(patterns), {200.0, 5}};
    auto noisy = patterns[7];
    std::vector<float> x(noisy.values().begin(), noisy.values().end());
    for (auto& v : x) v += static_cast<float>(0.2 * gen.uniform_signed());
    const auto r = net.recall(hdc::real<>::from_values(x));
    CHECK(hdc::similarity(r.state, patterns[7]) > 0.9999);

    // The update is a convex combination of the patterns (Ramsauer et al.), not a scaled sum: a
    // stored pattern that takes all the attention is a fixed point, value for value, and a state
    // between two patterns is their softmax-weighted mean.
    const auto fixed = net.recall(patterns[7]);
    CHECK(fixed.converged);
    CHECK(fixed.iterations == 1);
    CHECK(fixed.state == patterns[7]);
    const hdc::modern_hopfield<hdc::real<>> pair{std::span<const hdc::real<>>(patterns.data(), 2), {1.0, 1}};
    const auto p = pair.attention(patterns[0]);
    const auto mixed = pair.update(patterns[0]);
    const auto a = patterns[0].values(), b = patterns[1].values();
    const auto m = mixed.values();
    CHECK(p[1] > 0.1);  // both patterns weigh in
    double norm = 0, expected_norm = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        const double expected = p[0] * a[i] + p[1] * b[i];
        // Each weight w_j / sum(w) is within 2^-20 of p_j (rounding of integers >= 2^20 in
        // total), and the float result adds a relative 2^-24.
        CHECK(std::abs(m[i] - expected) <= std::ldexp(std::abs(a[i]) + std::abs(b[i]), -20) + std::ldexp(std::abs(expected), -23));
        norm += double(m[i]) * m[i];
        expected_norm += expected * expected;
    }
    CHECK(std::sqrt(norm) == Approx(std::sqrt(expected_norm)).epsilon(1e-5));
    // A convex combination is no longer than its longest part (a plain sum would be 2^20 times it).
    CHECK(std::sqrt(norm) <= std::max(std::sqrt(hdc::dot(patterns[0], patterns[0])), std::sqrt(hdc::dot(patterns[1], patterns[1]))));

    const auto back = hdc::modern_hopfield<hdc::real<>>::from_state(net.state());
    CHECK(back.size() == net.size());
    CHECK(back.pattern(199) == net.pattern(199));
    auto s = net.state();
    s.parameters[0].second = 31;  // dimension no longer matches the patterns
    CHECK_THROWS_AS(hdc::modern_hopfield<hdc::real<>>::from_state(s), hdc::format_error);

    hdc::classic_hopfield<bip> classic(std::size_t{100});
    classic.add(bip::random(gen, 100));
    auto cs = classic.state();
    std::get<std::vector<std::uint64_t>>(cs.arrays[0].values)[1] |= std::uint64_t{1} << 40;  // bit 104
    CHECK_THROWS_WITH(hdc::classic_hopfield<bip>::from_state(cs), Catch::Contains("beyond dimension"));
    CHECK_THROWS_AS(hdc::classic_hopfield<hdc::bipolar<64>>::from_state(classic.state()), hdc::format_error);
}
