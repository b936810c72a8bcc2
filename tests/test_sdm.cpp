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
    // Heteroassociative writes of random data: the read at a written address is the signal
    // (~ N p active locations) plus noise from the other writes (see sdm_bit_error_prediction).
    // Bits of one read share its active set, so the standard error is taken over reads; the
    // normal approximation (which ignores the spread of the active count) is allowed 10%.
    hdc::rng gen(2);
    const std::size_t n = 256, locations = 2000;
    for (std::size_t writes : {60u, 124u}) {
        hdc::sparse_distributed_memory<bip> sdm(n, hdc::sdm_options{locations, 0.05, 0, 3});
        std::vector<bip> addresses, data;
        for (std::size_t t = 0; t < writes; ++t) {
            addresses.push_back(bip::random(gen, n));
            data.push_back(bip::random(gen, n));
            sdm.write(addresses.back(), data.back());
        }
        std::vector<double> rates;
        for (std::size_t t = 0; t < writes; ++t) rates.push_back((1 - hdc::similarity(sdm.read(addresses[t]).data, data[t])) / 2);
        double mean = 0, var = 0;
        for (double r : rates) mean += r / static_cast<double>(writes);
        for (double r : rates) var += (r - mean) * (r - mean) / static_cast<double>(writes - 1);
        const double predicted = hdc::sdm_bit_error_prediction(locations, sdm.activation_probability(), writes);
        INFO("T = " << writes << ": bit error " << mean << ", predicted " << predicted);
        CHECK(std::fabs(mean - predicted) <= 4 * std::sqrt(var / static_cast<double>(writes)) + 0.1 * predicted);
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
