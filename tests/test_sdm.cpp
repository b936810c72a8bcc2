// Tests of Kanerva's sparse distributed memory: the radius from the activation probability
// (Kanerva's n = 1000, p = 0.001 -> r = 451), activation by the popcount kernels against a
// brute-force count, exact recall of few writes, read error against Kanerva's prediction, and
// the saved state.
#include <hdc/memory/sdm.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

namespace {
using bip = hdc::bipolar<>;
}

TEST_CASE("sdm: the radius comes from the binomial activation probability", "[sdm]") {
    CHECK(hdc::sdm_radius_for(1000, 0.001) == 451);  // Kanerva (1988), table 7.1
    for (double p : {0.001, 0.01, 0.1, 0.5}) {
        const std::size_t r = hdc::sdm_radius_for(256, p);
        CHECK(hdc::sdm_activation_probability(256, r) >= p);
        CHECK(hdc::sdm_activation_probability(256, r - 1) < p);
    }
    CHECK(hdc::sdm_activation_probability(10, 4) == Approx(386.0 / 1024).epsilon(1e-12));  // sum C(10, k), k <= 4
    CHECK(hdc::sdm_activation_probability(10, 10) == 1.0);
    CHECK_THROWS_AS(hdc::sdm_radius_for(100, 0.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::sparse_distributed_memory<bip>(64, hdc::sdm_options{0, 0.1, 0, 0}), hdc::invalid_parameter);
}

TEST_CASE("sdm: activation, write and read", "[sdm]") {
    hdc::rng gen(1);
    hdc::sdm_options options{500, 0.05, 0, 7};
    hdc::sparse_distributed_memory<bip> sdm(100, options);
    const auto x = bip::random(gen, 100);
    const auto on = sdm.active(x);
    std::size_t expected = 0;
    for (std::size_t l = 0; l < sdm.locations(); ++l) {
        const auto a = sdm.location_address(l);
        std::size_t distance = 0;
        for (std::size_t i = 0; i < 100; ++i) distance += a[i] != x[i];
        expected += distance <= sdm.radius();
    }
    CHECK(on.size() == expected);
    CHECK(sdm.write(x) == on.size());
    const auto r = sdm.read(x);
    CHECK(r.active == on.size());
    CHECK(r.data == x);
    for (std::uint32_t l : on) CHECK(sdm.counters(l)[0] == x[0]);

    // A few autoassociative writes are recalled exactly, also from a noisy address.
    for (int i = 0; i < 5; ++i) sdm.write(bip::random(gen, 100));
    std::vector<std::int8_t> noisy(x.values().begin(), x.values().end());
    for (std::size_t i = 0; i < 8; ++i) noisy[i * 11] = static_cast<std::int8_t>(-noisy[i * 11]);
    const auto recalled = sdm.recall(bip::from_values(noisy));
    CHECK(recalled.converged);
    CHECK(recalled.state == x);
    sdm.clear();
    CHECK(sdm.writes() == 0);
    CHECK(sdm.read(x).data == bip(100));  // nothing written: every sum is zero, read as +1

    // Heteroassociative, of another dimension.
    hdc::sparse_distributed_memory<hdc::binary<>> hetero(64, 200, options);
    const auto a = hdc::binary<>::random(gen, 64), data = hdc::binary<>::random(gen, 200);
    hetero.write(a, data);
    CHECK(hetero.read(a).data == data);
    CHECK_THROWS_AS(hetero.write(data, a), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hetero.recall(a), hdc::invalid_parameter);
}

TEST_CASE("sdm: read errors after T random writes follow Kanerva's prediction", "[sdm]") {
    // Heteroassociative writes of random data. Times the data bit, the read sum at address t is
    // X = |A_t| + sum_{s != t} c_s e_s, with A_t the active set, c_s = |A_t & A_s| and e_s
    // independent random signs (the data are random, independent of the addresses); a bit is
    // wrong if X < 0, or with probability 1/2 if X = 0 (a zero sum reads +1). Given the active
    // sets, the distribution of X is computed exactly by convolution; the bits of one read are
    // independent across positions (reads share the other writes' data bits, a weak correlation
    // taken as none), so the error count is checked within 4 standard errors.
    // Kanerva's normal approximation (sdm_bit_error_prediction), which ignores the spread of the
    // active counts, must agree with the exact figure within a factor of 2.
    hdc::rng gen(2);
    const std::size_t n = 256, locations = 2000;
    for (std::size_t writes : {60u, 124u}) {
        hdc::sparse_distributed_memory<bip> sdm(n, hdc::sdm_options{locations, 0.05, 0, 3});
        std::vector<bip> addresses, data;
        std::vector<std::vector<bool>> active;
        for (std::size_t t = 0; t < writes; ++t) {
            addresses.push_back(bip::random(gen, n));
            data.push_back(bip::random(gen, n));
            sdm.write(addresses.back(), data.back());
            std::vector<bool> on(locations, false);
            for (std::uint32_t l : sdm.active(addresses.back())) on[l] = true;
            active.push_back(std::move(on));
        }
        double observed = 0, expected = 0, variance = 0;
        for (std::size_t t = 0; t < writes; ++t) {
            observed += (1 - hdc::similarity(sdm.read(addresses[t]).data, data[t])) / 2 * static_cast<double>(n);
            // The distribution of sum_s c_s e_s, offset by the total reach.
            std::size_t signal = 0, reach = 0;
            std::vector<std::size_t> shared(writes, 0);
            for (std::size_t l = 0; l < locations; ++l) {
                if (!active[t][l]) continue;
                ++signal;
                for (std::size_t u = 0; u < writes; ++u) shared[u] += (u != t && active[u][l]);
            }
            for (std::size_t c : shared) reach += c;
            std::vector<double> dist(2 * reach + 1, 0.0);
            dist[reach] = 1;
            for (std::size_t c : shared) {
                if (c == 0) continue;
                std::vector<double> next(dist.size(), 0.0);
                for (std::size_t k = 0; k < dist.size(); ++k) {
                    if (dist[k] == 0) continue;
                    if (k >= c) next[k - c] += dist[k] / 2;
                    if (k + c < dist.size()) next[k + c] += dist[k] / 2;
                }
                dist = std::move(next);
            }
            double q = 0;  // P(bit wrong) for this read
            for (std::size_t k = 0; k < dist.size(); ++k) {
                const auto x = static_cast<std::ptrdiff_t>(signal) + static_cast<std::ptrdiff_t>(k) - static_cast<std::ptrdiff_t>(reach);
                q += x < 0 ? dist[k] : x == 0 ? dist[k] / 2 : 0.0;
            }
            expected += q * static_cast<double>(n);
            variance += q * (1 - q) * static_cast<double>(n);
        }
        const double bits = static_cast<double>(n * writes);
        const double kanerva = hdc::sdm_bit_error_prediction(locations, sdm.activation_probability(), writes);
        INFO("T = " << writes << ": bit error " << observed / bits << ", exact " << expected / bits << ", Kanerva " << kanerva);
        CHECK(std::fabs(observed - expected) <= 4 * std::sqrt(variance));
        CHECK(kanerva >= expected / bits / 2);
        CHECK(kanerva <= 2 * expected / bits);
    }
}

TEST_CASE("sdm: state round trip and rejection", "[sdm]") {
    hdc::rng gen(3);
    hdc::sparse_distributed_memory<bip> sdm(100, hdc::sdm_options{300, 0.1, 0, 9});
    for (int i = 0; i < 4; ++i) sdm.write(bip::random(gen, 100));
    const auto back = hdc::sparse_distributed_memory<bip>::from_state(sdm.state());
    CHECK(back.radius() == sdm.radius());
    CHECK(back.writes() == 4);
    for (std::size_t l = 0; l < sdm.locations(); l += 37) {
        CHECK(back.location_address(l) == sdm.location_address(l));
        CHECK(std::equal(back.counters(l).begin(), back.counters(l).end(), sdm.counters(l).begin()));
    }
    auto s = sdm.state();
    for (auto& a : s.arrays)
        if (a.name == "counters") std::get<std::vector<std::int32_t>>(a.values)[5] = 5;  // more than 4 writes
    CHECK_THROWS_WITH(hdc::sparse_distributed_memory<bip>::from_state(s), Catch::Contains("exceeds the write count"));
    s = sdm.state();
    s.kind = "hopfield/bipolar";
    CHECK_THROWS_AS(hdc::sparse_distributed_memory<bip>::from_state(s), hdc::format_error);
}
