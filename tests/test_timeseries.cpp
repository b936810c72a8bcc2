// Tests of the MiniROCKET and HDC-MiniROCKET transforms (encoders/timeseries.hpp) and of their
// kernels (simd/rocket.hpp): construction against hand-computed cases, features against a naive
// convolution written here, s = 0 against PPV, SIMD paths against the reference bit for bit,
// thread and seed determinism, multivariate and unequal-length input, bad input.
#include <hdc/encoders/timeseries.hpp>
#include <hdc/memory/classifier/timeseries.hpp>
#include <hdc/simd/rocket.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

namespace {

using hdc::series_set;

/// Series of small integers (exact in float sums), lengths as given.
series_set integer_series(std::uint64_t seed, const std::vector<std::size_t>& lengths, std::size_t channels = 1) {
    hdc::rng gen(seed);
    series_set s(channels);
    for (const std::size_t n : lengths) {
        std::vector<float> v(n * channels);
        for (auto& a : v) a = static_cast<float>(static_cast<int>(gen.below(9)) - 4);
        s.add(v, n);
    }
    return s;
}

/// Index of the (dilation, kernel) pair of feature f.
std::size_t combo_of(const hdc::minirocket& m, std::size_t f) {
    const auto per = m.features_per_dilation();
    std::size_t start = 0;
    for (std::size_t di = 0; di < per.size(); ++di)
        for (std::size_t k = 0; k < hdc::rocket::kernel_count; ++k) {
            if (f < start + per[di]) return di * hdc::rocket::kernel_count + k;
            start += per[di];
        }
    FAIL("feature out of range");
    return 0;
}

/// The naive response of kernel k at dilation d on one channel: sum_j w_j x[t + (j - 4) d].
std::vector<double> naive_response(std::span<const float> x, std::size_t d, std::size_t k) {
    const auto& p = hdc::rocket::kernel_positions()[k];
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    std::vector<double> c(x.size(), 0.0);
    for (std::ptrdiff_t t = 0; t < n; ++t)
        for (std::size_t j = 0; j < 9; ++j) {
            const std::ptrdiff_t at = t + (static_cast<std::ptrdiff_t>(j) - 4) * static_cast<std::ptrdiff_t>(d);
            if (at < 0 || at >= n) continue;
            const double w = (j == p[0] || j == p[1] || j == p[2]) ? 2.0 : -1.0;
            c[static_cast<std::size_t>(t)] += w * x[static_cast<std::size_t>(at)];
        }
    return c;
}

/// The naive response of feature f's pair on series i (channels of its combination summed).
std::vector<double> naive_pair_response(const hdc::minirocket& m, const series_set& s, std::size_t i,
                                        std::size_t combo) {
    const std::size_t di = combo / hdc::rocket::kernel_count, k = combo % hdc::rocket::kernel_count;
    const std::size_t d = m.dilations()[di];
    std::vector<double> c(s.length(i), 0.0);
    for (const auto ch : m.combination_channels(di, k)) {
        const auto r = naive_response(s.channel(i, ch), d, k);
        for (std::size_t t = 0; t < c.size(); ++t) c[t] += r[t];
    }
    return c;
}

/// [begin, end) of the time steps feature f pools on a series of length n (documented rule).
std::pair<std::size_t, std::size_t> pooled_range(const hdc::minirocket& m, std::size_t f, std::size_t n) {
    const std::size_t combo = combo_of(m, f), di = combo / hdc::rocket::kernel_count;
    const std::size_t d = m.dilations()[di];
    const bool full = (di + combo % hdc::rocket::kernel_count) % 2 == 0 || n <= 8 * d;
    return full ? std::pair{std::size_t{0}, n} : std::pair{4 * d, n - 4 * d};
}

hdc::minirocket_options raw_options(std::uint64_t seed = 3) {
    hdc::minirocket_options o;
    o.normalize = false;  // integer series stay integers: every sum exact
    o.seed = seed;
    return o;
}

bool same_bits(const hdc::sample_matrix& a, const hdc::sample_matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("rocket: the 84 kernels are the C(9,3) placements of the +2 weights", "[timeseries]") {
    const auto& p = hdc::rocket::kernel_positions();
    std::set<std::array<std::uint8_t, 3>> seen;
    for (const auto& k : p) {
        CHECK(k[0] < k[1]);
        CHECK(k[1] < k[2]);
        CHECK(k[2] < 9);
        seen.insert(k);
    }
    CHECK(seen.size() == 84);
    CHECK(p.front() == std::array<std::uint8_t, 3>{0, 1, 2});
    CHECK(p[1] == std::array<std::uint8_t, 3>{0, 1, 3});
    CHECK(p[7] == std::array<std::uint8_t, 3>{0, 2, 3});
    CHECK(p.back() == std::array<std::uint8_t, 3>{6, 7, 8});
    CHECK(std::is_sorted(p.begin(), p.end()));
}

TEST_CASE("rocket: dilations and features per dilation of hand-computed lengths", "[timeseries]") {
    // T = 9: log2((9 - 1) / 8) = 0, every exponent 0: dilation 1 takes all 119 features.
    auto plan = hdc::rocket::plan_dilations(9, 119, 32);
    CHECK(plan.dilations == std::vector<std::size_t>{1});
    CHECK(plan.features_per_dilation == std::vector<std::size_t>{119});
    // Shorter than 9: the exponent is clamped at 0.
    CHECK(hdc::rocket::plan_dilations(5, 119, 32).dilations == std::vector<std::size_t>{1});
    // T = 24: exponents i * log2(23/8) / 31; floor(2^e) = 1 for i < 21 (21 values), 2 after (11):
    // floor(21 * 119/32) = 78, floor(11 * 119/32) = 40, remainder 1 to the smallest dilation.
    plan = hdc::rocket::plan_dilations(24, 119, 32);
    CHECK(plan.dilations == std::vector<std::size_t>{1, 2});
    CHECK(plan.features_per_dilation == std::vector<std::size_t>{79, 40});
    // T = 150: log2(149 / 8) = 4.219; 16 distinct dilations up to floor(18.625) = 18.
    plan = hdc::rocket::plan_dilations(150, 119, 32);
    CHECK(plan.dilations == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18});
    CHECK(plan.features_per_dilation ==
          std::vector<std::size_t>{30, 15, 12, 12, 4, 8, 8, 4, 4, 4, 3, 3, 3, 3, 3, 3});
    // Fewer features per kernel than dilations: one exponent per feature.
    plan = hdc::rocket::plan_dilations(150, 4, 32);
    // Exponents 0, 1.41, 2.81, 4.22: dilations 1, 2, 7, 18, one feature each.
    CHECK(plan.dilations == std::vector<std::size_t>{1, 2, 7, 18});
    CHECK(plan.features_per_dilation == std::vector<std::size_t>{1, 1, 1, 1});
    CHECK_THROWS_AS(hdc::rocket::plan_dilations(0, 119, 32), hdc::invalid_parameter);
}

TEST_CASE("rocket: the dilation grid rounds log2 and 2^x correctly, whatever the libm", "[timeseries]") {
    // Checked with 60-digit arithmetic: log2(5) rounds to a double just below it and 2^that is
    // 4.999999999999999, so T = 41 ends at dilation 4 (as numpy); log2(64) = 6 exactly.
    CHECK(hdc::rocket::dilation_at(41, 31, 32) == 4);
    CHECK(hdc::rocket::dilation_at(513, 31, 32) == 64);
    // log2(1621) rounds to 10.66266837551754 (glibc's log2 gives one ulp more), 2^that is
    // 1620.999999999999; log2(104703) to 16.6759432540801, 2^that 104703.00000000013.
    CHECK(hdc::rocket::detail::portable_log2(1621.0) == 10.66266837551754);
    CHECK(hdc::rocket::dilation_at(12969, 31, 32) == 1620);
    CHECK(hdc::rocket::detail::portable_log2(104703.0) == 16.6759432540801);
    CHECK(hdc::rocket::dilation_at(837625, 31, 32) == 104703);
    // Powers of two are exact both ways; elsewhere within an ulp of libm's.
    for (int k = 0; k < 60; ++k) {
        CHECK(hdc::rocket::detail::portable_log2(std::ldexp(1.0, k)) == k);
        CHECK(hdc::rocket::detail::portable_exp2(k) == std::ldexp(1.0, k));
    }
    for (const double x : {1.5, 3.0, 7.25, 1e-3, 123456.789}) {
        CHECK(hdc::rocket::detail::portable_log2(x) == Approx(std::log2(x)).epsilon(1e-15));
        CHECK(hdc::rocket::detail::portable_exp2(std::log2(x)) == Approx(x).epsilon(1e-15));
    }
}

TEST_CASE("rocket: quantile levels and numpy's linear quantile", "[timeseries]") {
    CHECK(hdc::rocket::quantile_level(0) == Approx(0.6180339887).margin(1e-7));
    CHECK(hdc::rocket::quantile_level(1) == Approx(0.2360679775).margin(1e-7));  // 2g - 3
    CHECK(hdc::rocket::quantile_level(2) == Approx(0.8541019662).margin(1e-7));  // 3g - 4
    const std::vector<float> v = {1, 2, 3, 4};
    CHECK(hdc::rocket::quantile_sorted(v, 0.5) == 2.5f);   // position 1.5
    CHECK(hdc::rocket::quantile_sorted(v, 0.1) == Approx(1.3f));  // position 0.3
    CHECK(hdc::rocket::quantile_sorted(v, 0.0) == 1.0f);
    CHECK(hdc::rocket::quantile_sorted(v, 1.0) == 4.0f);
    const std::vector<float> w = {-2, 0, 10};
    CHECK(hdc::rocket::quantile_sorted(w, 0.75) == 5.0f);  // position 1.5 between 0 and 10
    CHECK_THROWS_AS(hdc::rocket::quantile_sorted(std::vector<float>{}, 0.5), hdc::empty_input);
}

TEST_CASE("rocket: padding alternates between the full and the valid response", "[timeseries]") {
    hdc::minirocket m(raw_options());
    m.fit(integer_series(1, {40, 40, 40}));
    const auto per = m.features_per_dilation();
    REQUIRE(per.size() >= 2);
    const std::size_t k1 = per[0], d1 = 84 * per[0];
    CHECK(m.full_range(0));             // (0, 0): even
    CHECK(!m.full_range(k1));           // (0, 1)
    CHECK(m.full_range(2 * k1));        // (0, 2)
    CHECK(!m.full_range(d1));           // (1, 0)
    CHECK(m.full_range(d1 + per[1]));   // (1, 1)
    CHECK(m.features() == 9996);
}

TEST_CASE("rocket: biases are quantiles of one training series' response per pair", "[timeseries]") {
    const auto train = integer_series(2, {30, 17, 30, 25});
    hdc::minirocket m(raw_options());
    m.fit(train);
    const auto biases = m.biases();
    std::size_t f = 0;
    for (std::size_t combo = 0; f < m.features(); ++combo) {
        std::size_t end = f;
        while (end < m.features() && combo_of(m, end) == combo) ++end;
        bool some = false;
        for (std::size_t i = 0; i < train.size() && !some; ++i) {
            const auto c = naive_pair_response(m, train, i, combo);
            std::vector<float> sorted(c.begin(), c.end());
            std::sort(sorted.begin(), sorted.end());
            bool all = true;
            for (std::size_t g = f; g < end; ++g)
                all = all && biases[g] == hdc::rocket::quantile_sorted(sorted, hdc::rocket::quantile_level(g));
            some = all;
        }
        INFO("pair " << combo);
        CHECK(some);
        f = end;
    }
}

TEST_CASE("rocket: PPV features equal a naive convolution (unequal and short lengths)", "[timeseries]") {
    // Lengths 40 (the reference), 23, 9 and 5: dilations up to 4, so the valid part of some
    // pairs is empty for the short series and the full response is pooled instead.
    const auto train = integer_series(4, {40, 23, 40, 31});
    const auto test = integer_series(5, {40, 23, 9, 5, 1});
    hdc::minirocket m(raw_options());
    m.fit(train);
    REQUIRE(m.reference_length() == 40);
    const auto x = m.transform(test);
    REQUIRE(x.rows() == 5);
    REQUIRE(x.cols() == 9996);
    const auto biases = m.biases();
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
        const std::size_t n = test.length(i);
        std::vector<std::vector<double>> responses(84 * m.dilations().size());
        for (std::size_t f = 0; f < m.features(); ++f) {
            const std::size_t combo = combo_of(m, f);
            if (responses[combo].empty()) responses[combo] = naive_pair_response(m, test, i, combo);
            const auto [begin, end] = pooled_range(m, f, n);
            std::size_t count = 0;
            for (std::size_t t = begin; t < end; ++t) count += responses[combo][t] > biases[f];
            const float expected = static_cast<float>(count) / static_cast<float>(end - begin);
            mismatches += x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) != expected;
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("rocket: multivariate pairs sum the responses of their drawn channels", "[timeseries]") {
    const std::size_t channels = 12;
    const auto train = integer_series(6, {20, 20, 20}, channels);
    const auto test = integer_series(7, {20, 14}, channels);
    hdc::minirocket m(raw_options());
    m.fit(train);
    std::size_t most = 0, least = 99;
    for (std::size_t di = 0; di < m.dilations().size(); ++di)
        for (std::size_t k = 0; k < 84; ++k) {
            auto ch = m.combination_channels(di, k);
            most = std::max(most, ch.size());
            least = std::min(least, ch.size());
            for (auto c : ch) CHECK(c < channels);
            std::sort(ch.begin(), ch.end());
            CHECK(std::adjacent_find(ch.begin(), ch.end()) == ch.end());  // distinct
        }
    CHECK(least == 1);
    CHECK(most <= 9);
    CHECK(most >= 5);  // 168 draws of floor(10^u): values up to 9 appear
    const auto x = m.transform(test);
    const auto biases = m.biases();
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < test.size(); ++i)
        for (std::size_t f = 0; f < m.features(); f += 7) {
            const auto c = naive_pair_response(m, test, i, combo_of(m, f));
            const auto [begin, end] = pooled_range(m, f, test.length(i));
            std::size_t count = 0;
            for (std::size_t t = begin; t < end; ++t) count += c[t] > biases[f];
            mismatches += x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) !=
                          static_cast<float>(count) / static_cast<float>(end - begin);
        }
    CHECK(mismatches == 0);
    CHECK_THROWS_AS(m.transform(integer_series(7, {20}, 3)), hdc::dimension_mismatch);
}

TEST_CASE("rocket: HDC-MiniROCKET features equal the naive bound and bundled responses", "[timeseries]") {
    const auto train = integer_series(8, {32, 32, 32});
    const auto test = integer_series(9, {32, 20});
    hdc::minirocket m(raw_options());
    m.fit(train);
    const hdc::hdc_minirocket h(m, 1.83);
    const auto y = h.transform(test);
    const auto biases = m.biases();
    double worst = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
        const std::size_t n = test.length(i);
        const auto poses = h.timestamps(n);
        for (std::size_t f = 0; f < m.features(); f += 5) {
            const auto c = naive_pair_response(m, test, i, combo_of(m, f));
            const auto [begin, end] = pooled_range(m, f, n);
            double sum = 0;
            for (std::size_t t = begin; t < end; ++t) sum += (c[t] > biases[f] ? -1.0 : 1.0) * poses[f * n + t];
            const double expected = sum / static_cast<double>(end - begin);
            worst = std::max(worst, std::abs(expected - y(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f))));
        }
    }
    CHECK(worst < 1e-5);  // float sums of at most 32 terms of magnitude <= sqrt 2
}

TEST_CASE("rocket: at s = 0 HDC-MiniROCKET is an affine map of PPV per feature", "[timeseries]") {
    const auto train = integer_series(10, {50, 50, 50, 50});
    const auto test = integer_series(11, {50, 50, 50});
    hdc::minirocket_options o;
    o.seed = 5;
    hdc::minirocket m(o);
    m.fit(train);
    const auto ppv = m.transform(test);
    const hdc::hdc_minirocket h(m, 0.0);
    const auto y = h.transform(test);
    const auto p = h.timestamps(50);
    double worst = 0;
    for (std::size_t f = 0; f < m.features(); ++f) {
        const float c = p[f * 50];
        for (std::size_t t = 1; t < 50; ++t) REQUIRE(p[f * 50 + t] == c);  // one timestamp vector
        for (Eigen::Index i = 0; i < y.rows(); ++i) {
            const double expected = c * (1.0 - 2.0 * ppv(i, static_cast<Eigen::Index>(f)));
            worst = std::max(worst, std::abs(expected - y(i, static_cast<Eigen::Index>(f))));
        }
    }
    CHECK(worst < 1e-5);
}

TEST_CASE("rocket: timestamp vectors have the sinc similarity of their relative distance", "[timeseries]") {
    const auto train = integer_series(12, {101, 101});
    hdc::minirocket m;
    m.fit(train);
    const double s = 2.0;
    const hdc::hdc_minirocket h(m, s);
    const auto p = h.timestamps(101);
    const std::size_t nf = m.features();
    for (std::size_t dt : {0, 10, 25, 50, 75, 100}) {
        double dot = 0;
        for (std::size_t f = 0; f < nf; ++f) dot += double{p[f * 101]} * p[f * 101 + dt];
        const double x = s * static_cast<double>(dt) / 100.0;
        const double sinc = dt == 0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
        // E[P P'] = sinc; each product has variance <= 4: 4 standard errors 8 / sqrt(nf).
        INFO("dt " << dt);
        CHECK(std::abs(dot / static_cast<double>(nf) - sinc) < 8.0 / std::sqrt(static_cast<double>(nf)));
    }
}

// The kernels of every other architecture are compared with the reference by test_dispatch,
// which forces each one in turn: here only the architecture the transform uses, so that this
// program does not compile the unrolled kernels five more times (most of its compile time under
// the sanitizers).
TEMPLATE_LIST_TEST_CASE("rocket kernels: the transform's architecture equals the reference bit for bit",
                        "[timeseries][simd]", hdc::simd::arch_list<hdc::simd::default_arch>) {
    using hdc::simd::scalar;
    namespace k = hdc::simd::kernels;
    hdc::rng gen(31);
    for (std::size_t n : {1, 7, 15, 16, 17, 40, 100, 257}) {
        for (std::size_t m : {1, 3, 8, 9, 17, 40}) {
            std::vector<float> a(n), g0(n), g1(n), g2(n), b(m), poses(m * (n + 3));
            for (auto* v : {&a, &g0, &g1, &g2, &b, &poses})
                for (auto& e : *v) e = static_cast<float>(gen.normal());
            std::vector<std::uint32_t> c1(m), c2(m);
            hdc::simd::detail::rocket_counts(a.data(), g0.data(), g1.data(), g2.data(), n, b.data(), m, c1.data(),
                                             scalar{});
            k::rocket_counts::run<TestType>(a.data(), g0.data(), g1.data(), g2.data(), n, b.data(), m, c2.data());
            INFO("n " << n << " m " << m);
            CHECK(c1 == c2);
            std::vector<float> s1(m), s2(m);
            hdc::simd::detail::rocket_pose_sums(a.data(), g0.data(), g1.data(), g2.data(), n, b.data(), m,
                                                poses.data(), n + 3, s1.data(), scalar{});
            k::rocket_pose_sums::run<TestType>(a.data(), g0.data(), g1.data(), g2.data(), n, b.data(), m,
                                               poses.data(), n + 3, s2.data());
            CHECK(std::memcmp(s1.data(), s2.data(), m * sizeof(float)) == 0);
            // Two series at once: each one's sums are the single-series reference's.
            std::vector<float> b2(n), h0(n), h1(n), h2(n), pair(2 * m), second(m);
            for (auto* v : {&b2, &h0, &h1, &h2})
                for (auto& e : *v) e = static_cast<float>(gen.normal());
            const float* in[8] = {a.data(), g0.data(), g1.data(), g2.data(), b2.data(), h0.data(), h1.data(), h2.data()};
            k::rocket_pose_sums_pair::run<TestType>(in, n, b.data(), m, poses.data(), n + 3, pair.data());
            hdc::simd::detail::rocket_pose_sums(b2.data(), h0.data(), h1.data(), h2.data(), n, b.data(), m,
                                                poses.data(), n + 3, second.data(), scalar{});
            CHECK(std::memcmp(pair.data(), s1.data(), m * sizeof(float)) == 0);
            CHECK(std::memcmp(pair.data() + m, second.data(), m * sizeof(float)) == 0);
        }
    }
}

TEMPLATE_LIST_TEST_CASE("rocket kernels: counts are exact past 2^24 pooled steps", "[timeseries][simd]",
                        hdc::simd::compiled_archs) {
    // A float counter stops counting exactly at 2^24: an odd count above it must still come out
    // exact, on every architecture as in the reference.
    namespace k = hdc::simd::kernels;
    const std::size_t n = (std::size_t{1} << 24) + 5;
    const std::vector<float> ones(n, 1.0f);  // C = 4 everywhere
    const std::vector<float> b = {0.0f, 5.0f, 3.5f};
    std::vector<std::uint32_t> c(3);
    const float* x = ones.data();
    k::rocket_counts::run<TestType>(x, x, x, x, n, b.data(), 3, c.data());  // the scalar reference too
    const auto all = static_cast<std::uint32_t>(n);
    CHECK(c == std::vector<std::uint32_t>{all, 0, all});
}

TEST_CASE("rocket: thread count and batching never change a bit, the seed decides", "[timeseries]") {
    std::vector<std::size_t> lengths;
    for (std::size_t i = 0; i < 37; ++i) lengths.push_back(i % 3 == 0 ? 45 : 30 + i % 7);
    hdc::rng gen(13);
    series_set train, test;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
        std::vector<float> v(lengths[i]);
        for (auto& e : v) e = static_cast<float>(gen.normal());
        (i % 2 ? test : train).add(v);
    }
    hdc::minirocket_options o;
    o.seed = 21;
    hdc::minirocket m(o);
    m.fit(train);
    const auto one = m.transform(test, 1);
    CHECK(same_bits(one, m.transform(test, 2)));
    CHECK(same_bits(one, m.transform(test, 3)));
    CHECK(same_bits(one, m.transform(test, 0)));
    // Row i depends on series i only: a subset gives the same rows.
    const std::vector<std::size_t> pick = {5, 0, 11};
    const auto sub = m.transform(test.subset(pick));
    for (std::size_t r = 0; r < pick.size(); ++r)
        CHECK(sub.row(static_cast<Eigen::Index>(r)) == one.row(static_cast<Eigen::Index>(pick[r])));
    const hdc::hdc_minirocket h(m, 3.0);
    const auto hy = h.transform(test, 1);
    CHECK(same_bits(hy, h.transform(test, 2)));
    CHECK(same_bits(hy, h.transform(test, 3)));
    // Each series alone (timestamp rows generated at its own length, not the set's longest)
    // gives its row of the whole set, bit for bit.
    for (std::size_t r = 0; r < test.size(); r += 3) {
        INFO("series " << r << " of length " << test.length(r));
        CHECK(same_bits(h.transform(test.subset(std::vector<std::size_t>{r})), hdc::sample_matrix(hy.row(static_cast<Eigen::Index>(r)))));
    }

    hdc::minirocket again(o);
    again.fit(train);
    CHECK(again.biases() == m.biases());
    CHECK(same_bits(one, again.transform(test)));
    CHECK(same_bits(hy, hdc::hdc_minirocket(again, 3.0).transform(test)));
    o.seed = 22;
    hdc::minirocket other(o);
    other.fit(train);
    CHECK(other.biases() != m.biases());
}

TEST_CASE("rocket: timestamp rows generated per batch past the budget give the same features", "[timeseries]") {
    // One dilation and 200 features per kernel: a dilation's rows are 84 * 200 * length floats,
    // over the budget at length 1000, under it at 990.
    static_assert(84 * 200 * 990 <= hdc::detail::rocket_pose_row_budget);
    static_assert(84 * 200 * 1000 > hdc::detail::rocket_pose_row_budget);
    hdc::minirocket_options o;
    o.features = 84 * 200;
    o.max_dilations = 1;
    const auto x = integer_series(8, {1000, 990});
    hdc::minirocket m(o);
    m.fit(x);
    const hdc::hdc_minirocket h(m, 1.83);
    const auto both = h.transform(x);  // longest 1000: rows per batch
    const auto alone = h.transform(x.subset(std::vector<std::size_t>{1}));  // longest 990: rows once
    CHECK(same_bits(alone, hdc::sample_matrix(both.row(1))));
}

TEST_CASE("rocket: z-normalisation makes the features invariant to offset and scale", "[timeseries]") {
    const auto train = integer_series(14, {33, 33, 33});
    hdc::minirocket m;
    m.fit(train);
    series_set shifted;
    for (std::size_t i = 0; i < train.size(); ++i) {
        std::vector<float> v(train.channel(i, 0).begin(), train.channel(i, 0).end());
        for (auto& e : v) e = 4.0f * e + 100.0f;
        shifted.add(v);
    }
    const auto a = m.transform(train), b = m.transform(shifted);
    CHECK((a - b).cwiseAbs().maxCoeff() <= 0.05f);  // float rounding moves a few responses past a bias
    const auto p = m.prepared(shifted, 0);
    double mean = 0, sq = 0;
    for (float e : p) mean += e;
    mean /= static_cast<double>(p.size());
    for (float e : p) sq += (e - mean) * (e - mean);
    CHECK(mean == Approx(0.0).margin(1e-6));
    CHECK(sq / static_cast<double>(p.size()) == Approx(1.0).epsilon(1e-5));
    series_set flat;
    flat.add({2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f});
    for (float e : m.prepared(flat, 0)) CHECK(e == 0.0f);  // a constant series becomes zeros
}

TEST_CASE("rocket: bad input is refused and leaves the transform unchanged", "[timeseries]") {
    hdc::minirocket_options o;
    o.features = 83;
    CHECK_THROWS_AS(hdc::minirocket(o), hdc::invalid_parameter);
    o.features = std::size_t{1000000000000};  // would need terabytes: refused, not bad_alloc
    CHECK_THROWS_WITH(hdc::minirocket(o), Catch::Contains("between 84") && Catch::Contains("1000000"));
    CHECK_THROWS_AS(hdc::timeseries_classifier(hdc::timeseries_options{o}), hdc::invalid_parameter);
    o.features = hdc::minirocket::max_features;
    CHECK_NOTHROW(hdc::minirocket(o));
    o.features = 10000;
    o.max_dilations = 0;
    CHECK_THROWS_AS(hdc::minirocket(o), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::hdc_minirocket(-1.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::hdc_minirocket(std::nan("")), hdc::invalid_parameter);

    hdc::minirocket m;
    const auto data = integer_series(15, {20, 20});
    CHECK_THROWS_AS(m.transform(data), hdc::invalid_parameter);  // before fit
    CHECK_THROWS_AS(hdc::hdc_minirocket(m, 1.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(m.fit(series_set{}), hdc::empty_input);
    CHECK(!m.fitted());
    m.fit(data);
    const auto biases = m.biases();
    CHECK_THROWS_AS(m.fit(series_set{}), hdc::empty_input);
    CHECK(m.biases() == biases);
    CHECK_THROWS_AS(m.transform(series_set{}), hdc::empty_input);
    CHECK_THROWS_AS(m.transform(integer_series(15, {20}, 2)), hdc::dimension_mismatch);
    hdc::hdc_minirocket h(1.0);
    CHECK_THROWS_AS(h.transform(data), hdc::invalid_parameter);
    h.fit(data);
    CHECK(h.transform(data).cols() == 9996);
    CHECK_THROWS_AS(h.transform(integer_series(15, {20}, 2)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(h.timestamps(0), hdc::invalid_parameter);
}

TEST_CASE("rocket: without normalisation, values that could overflow are refused", "[timeseries]") {
    // 1e37 * 18 overflows a float: the responses would be infinite and the biases NaN.
    series_set big;
    big.add({0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f});
    big.add({0.0f, 1.0f, 2.0f, 3.0f, 1e37f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f});
    hdc::minirocket raw(raw_options());
    CHECK_THROWS_WITH(raw.fit(big), Catch::Contains("series 1 channel 0") && Catch::Contains("1e36"));
    CHECK(!raw.fitted());
    const auto small = integer_series(4, {10, 10});
    raw.fit(small);
    const auto biases = raw.biases();
    CHECK_THROWS_AS(raw.transform(big), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::hdc_minirocket(raw, 1.0).transform(big), hdc::invalid_parameter);
    CHECK(raw.biases() == biases);
    series_set limit;  // the bound itself is accepted, and every bias and feature stays finite
    limit.add({-1e36f, 1e36f, 0.0f, 1e36f, -1e36f, 1e36f, 0.0f, -1e36f, 1e36f, 1e36f});
    raw.fit(limit);
    const auto limit_biases = raw.biases();
    CHECK(std::all_of(limit_biases.begin(), limit_biases.end(), [](float b) { return std::isfinite(b); }));
    CHECK(raw.transform(limit).allFinite());
    // With normalisation (the default) the same values are fine: they are z-normalised first.
    hdc::minirocket normalised;
    normalised.fit(big);
    CHECK(normalised.transform(big).allFinite());
}

namespace {

/// Two classes of noisy sines (class 1 twice the frequency of class 0), n per class.
void sines(std::uint64_t seed, std::size_t n, series_set& x, std::vector<std::int32_t>& y) {
    hdc::rng gen(seed);
    for (std::size_t i = 0; i < 2 * n; ++i) {
        const std::int32_t label = static_cast<std::int32_t>(i % 2);
        std::vector<float> v(40);
        const double phase = 6.283185307179586 * gen.uniform();
        for (std::size_t t = 0; t < v.size(); ++t)
            v[t] = static_cast<float>(std::sin(phase + 0.3 * (1 + label) * static_cast<double>(t)) + 0.3 * gen.normal());
        x.add(v);
        y.push_back(label);
    }
}

}  // namespace

TEST_CASE("timeseries classifier: stratified folds", "[timeseries]") {
    std::vector<std::int32_t> y;
    for (int i = 0; i < 37; ++i) y.push_back(i < 25 ? 0 : (i < 33 ? 1 : 2));  // 25, 8 and 4 members
    const hdc::timeseries_classifier model;
    const auto folds = model.stratified_folds(y);
    REQUIRE(folds.size() == y.size());
    const std::size_t k = *std::max_element(folds.begin(), folds.end()) + 1;
    CHECK(k == 4);  // the smallest class has 4 members
    for (std::int32_t c = 0; c < 3; ++c) {
        std::vector<std::size_t> per(k, 0);
        for (std::size_t i = 0; i < y.size(); ++i)
            if (y[i] == c) ++per[folds[i]];
        CHECK(*std::max_element(per.begin(), per.end()) - *std::min_element(per.begin(), per.end()) <= 1);
    }
}

TEST_CASE("timeseries classifier: fits, chooses a scale by vote and predicts", "[timeseries]") {
    series_set train, test;
    std::vector<std::int32_t> y_train, y_test;
    sines(40, 10, train, y_train);
    sines(41, 10, test, y_test);
    hdc::timeseries_options o;
    o.scales = {0.0};
    hdc::timeseries_classifier plain(o);
    plain.fit(train, y_train);
    CHECK(plain.scale() == 0.0);
    CHECK(plain.predict(test) == y_test);  // two frequencies: separable

    hdc::timeseries_classifier automatic;
    automatic.fit(train, y_train);
    std::size_t votes = 0;
    for (const auto v : automatic.votes()) votes += v;
    CHECK(votes == 10);  // 10 folds (10 series per class), each voting once
    const auto& grid = automatic.options().scales;
    const auto best = std::max_element(automatic.votes().begin(), automatic.votes().end()) - automatic.votes().begin();
    CHECK(automatic.scale() == grid[static_cast<std::size_t>(best)]);
    CHECK(automatic.transform(test).cols() == 9996);
    std::size_t correct = 0;
    const auto predicted = automatic.predict(test);
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == y_test[i];
    CHECK(correct >= 18);
}

TEST_CASE("timeseries classifier: the scale choice equals all scales' features cross-validated at once", "[timeseries]") {
    // Classes differ by where a spike sits (first or second half, anywhere there): PPV barely
    // sees it, the timestamps do.
    series_set train, test;
    std::vector<std::int32_t> y_train, y_test;
    hdc::rng gen(77);
    for (std::size_t i = 0; i < 28; ++i) {
        const auto label = static_cast<std::int32_t>(i % 2);
        std::vector<float> v(48);
        for (auto& e : v) e = static_cast<float>(gen.normal());
        v[(label == 0 ? 2 : 26) + gen.below(20)] += 8.0f;
        (i < 20 ? train : test).add(v);
        (i < 20 ? y_train : y_test).push_back(label);
    }
    hdc::timeseries_options o;
    o.max_folds = 5;
    o.transform.features = 84 * 12;  // small and quick
    hdc::timeseries_classifier clf(o);
    clf.fit(train, y_train);

    // The same choice computed the other way round: every scale's features first, then per
    // fold every scale, each fold voting for its best (ties to the earlier scale).
    hdc::minirocket base(o.transform);
    base.fit(train);
    std::vector<hdc::sample_matrix> features;
    for (const double s : o.scales)
        features.push_back(s == 0.0 ? base.transform(train) : hdc::hdc_minirocket(base, s).transform(train));
    const auto folds = clf.stratified_folds(y_train);
    const std::size_t k = *std::max_element(folds.begin(), folds.end()) + 1;
    hdc::ridge_options fold_options = o.ridge;
    fold_options.classes = 2;
    std::vector<std::size_t> votes(o.scales.size(), 0);
    for (std::size_t f = 0; f < k; ++f) {
        std::vector<Eigen::Index> in, out;
        std::vector<std::int32_t> y_in, y_out;
        for (std::size_t i = 0; i < folds.size(); ++i) {
            (folds[i] == f ? out : in).push_back(static_cast<Eigen::Index>(i));
            (folds[i] == f ? y_out : y_in).push_back(y_train[i]);
        }
        std::size_t best = 0, best_correct = 0;
        for (std::size_t c = 0; c < o.scales.size(); ++c) {
            hdc::ridge_classifier_cv ridge(fold_options);
            hdc::sample_matrix a(static_cast<Eigen::Index>(in.size()), features[c].cols()),
                b(static_cast<Eigen::Index>(out.size()), features[c].cols());
            for (std::size_t i = 0; i < in.size(); ++i) a.row(static_cast<Eigen::Index>(i)) = features[c].row(in[i]);
            for (std::size_t i = 0; i < out.size(); ++i) b.row(static_cast<Eigen::Index>(i)) = features[c].row(out[i]);
            ridge.fit(a, y_in);
            const auto predicted = ridge.predict(b);
            std::size_t correct = 0;
            for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == y_out[i];
            if (c == 0 || correct > best_correct) {
                best = c;
                best_correct = correct;
            }
        }
        ++votes[best];
    }
    const auto chosen = static_cast<std::size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    INFO("votes " << ::Catch::Detail::stringify(votes));
    CHECK(clf.votes() == votes);
    CHECK(clf.scale() == o.scales[chosen]);
    CHECK(clf.scale() > 0.0);  // the bump's position needs the timestamps
    hdc::ridge_classifier_cv final_ridge(o.ridge);
    final_ridge.fit(features[chosen], y_train);
    const auto test_features =
        chosen == 0 ? base.transform(test) : hdc::hdc_minirocket(base, o.scales[chosen]).transform(test);
    CHECK(clf.predict(test) == final_ridge.predict(test_features));
    const Eigen::MatrixXd scores = clf.decision_function(test), expected = final_ridge.decision_function(test_features);
    CHECK(scores == expected);
}

TEST_CASE("timeseries classifier: bad input", "[timeseries]") {
    hdc::timeseries_options o;
    o.scales = {};
    CHECK_THROWS_AS(hdc::timeseries_classifier(o), hdc::invalid_parameter);
    o.scales = {1.0, -0.5};
    CHECK_THROWS_AS(hdc::timeseries_classifier(o), hdc::invalid_parameter);
    o.scales = {1.0};
    o.max_folds = 1;
    CHECK_THROWS_AS(hdc::timeseries_classifier(o), hdc::invalid_parameter);
    hdc::timeseries_classifier model;
    series_set x;
    std::vector<std::int32_t> y;
    sines(42, 3, x, y);
    CHECK_THROWS_AS(model.predict(x), hdc::invalid_parameter);
    CHECK_THROWS_AS(model.fit(series_set{}, {}), hdc::empty_input);
    CHECK_THROWS_AS(model.fit(x, std::vector<std::int32_t>(y.begin(), y.end() - 1)), hdc::invalid_parameter);
    auto negative = y;
    negative[0] = -1;
    CHECK_THROWS_AS(model.fit(x, negative), hdc::invalid_parameter);
    CHECK(!model.fitted());
}
