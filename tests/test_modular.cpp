// Tests of the modular phase codes: MCR (models/mcr.hpp) and CGR (models/cgr.hpp). The generic
// property tests (model_properties.hpp) for a golden shape and an odd shape of each family, then
// what is particular to them: exact modular algebra, the kernels against scalar references on odd
// lengths, the exact random-pair statistics of small Q, each family's own bundle against its
// expectation computed exactly by enumeration, item_memory search, a sequence encoder and a
// resonator factorisation.
#include <hdc/encoders/sequence.hpp>
#include <hdc/io/serialize.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/memory/resonator/resonator.hpp>
#include <hdc/models/cgr.hpp>
#include <hdc/models/mcr.hpp>

// Aliases keep commas out of the Catch macros.
using cgr_10000_16 = hdc::cgr<10000, 16>;
using cgr_1001_5 = hdc::cgr<1001, 5>;
using cgr_100_2 = hdc::cgr<100, 2>;
using cgr_2000_3 = hdc::cgr<2000, 3>;
using cgr_4096_16 = hdc::cgr<4096, 16>;
using cgr_512_65536 = hdc::cgr<512, 65536>;
using cgr_dyn_256 = hdc::cgr<hdc::dynamic, 256>;
using mcr_10000_16 = hdc::mcr<10000, 16>;
using mcr_1001_7 = hdc::mcr<1001, 7>;
using mcr_1024_65536 = hdc::mcr<1024, 65536>;
using mcr_2000_2 = hdc::mcr<2000, 2>;
using mcr_2000_4 = hdc::mcr<2000, 4>;
using mcr_257_65536 = hdc::mcr<257, 65536>;
using mcr_4096_16 = hdc::mcr<4096, 16>;
using mcr_dyn_16 = hdc::mcr<hdc::dynamic, 16>;

// Golden shapes, and odd sizes whose kernels run their tails, with an odd prime modulus.
#define HDC_GOLDEN_TYPES mcr_10000_16, cgr_10000_16
#define HDC_MODEL_TYPES HDC_GOLDEN_TYPES, mcr_1001_7, cgr_1001_5
// The largest modulus, in the statistical tests only.
#define HDC_STATISTICS_TYPES HDC_MODEL_TYPES, mcr_1024_65536

#include "model_properties.hpp"

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <optional>
#include <type_traits>
#include <vector>

namespace {

constexpr double two_pi = 2 * std::numbers::pi;

/// cos(2 pi k / q) in long double: the references below do not use the library's table.
double cos_turn(long long k, std::size_t q) {
    return static_cast<double>(std::cos(2.0L * std::numbers::pi_v<long double> * static_cast<long double>(k) /
                                        static_cast<long double>(q)));
}

/// sin(2 pi k / q) in long double.
double sin_turn(long long k, std::size_t q) {
    return static_cast<double>(std::sin(2.0L * std::numbers::pi_v<long double> * static_cast<long double>(k) /
                                        static_cast<long double>(q)));
}

/// Calls f(values) for every assignment of m - 1 values in [0, q) (member 0 fixed at phase 0).
template <class F>
void for_each_config(std::size_t q, int m, F&& f) {
    std::vector<std::size_t> x(static_cast<std::size_t>(m), 0);
    for (;;) {
        f(x);
        std::size_t j = 1;
        while (j < x.size() && ++x[j] == q) x[j++] = 0;
        if (j == x.size()) return;
    }
}

/// Mean and per-component variance of cos(2 pi (b_i - a_i) / Q) for b the bundle of M members
/// and a the first member. Binding by a rotation commutes with both rules (the tie-break vector
/// being uniform and independent of the members), so member 0 may be fixed at phase 0.
struct expectation {
    double mean = 0, variance = 0;
};

/// The probability that the partner rule picks candidate r of k: the partner's value p is
/// uniform on {0..Q-1} and independent of the component's members, and candidate p mod k wins.
double partner_choice(std::size_t q, std::size_t k, std::size_t r) {
    return static_cast<double>(q / k + (r < q % k ? 1 : 0)) / static_cast<double>(q);
}

/// MCR: b = the phase nearest to the angle of sum_j e^{2 pi i a_j / Q}, from an independent
/// reference (the best score x cos + y sin over all Q phases, no atan2). Ties follow the
/// documented partner rule: a vanishing sum takes the partner's (uniform) phase, a half-way
/// angle the counter-clockwise phase when the partner's phase is odd. (For Q a power of two and
/// M odd there are no ties: a vanishing sum or a symmetric configuration needs an even count.)
expectation mcr_bundle_expectation(std::size_t q, int m) {
    std::vector<double> c(q), s(q);
    double uniform1 = 0, uniform2 = 0;
    for (std::size_t k = 0; k < q; ++k) {
        c[k] = cos_turn(static_cast<long long>(k), q);
        s[k] = sin_turn(static_cast<long long>(k), q);
        uniform1 += c[k] / double(q);
        uniform2 += c[k] * c[k] / double(q);
    }
    double s1 = 0, s2 = 0, n = 0;
    for_each_config(q, m, [&](const std::vector<std::size_t>& x) {
        double re = 0, im = 0;
        for (std::size_t v : x) {
            re += c[v];
            im += s[v];
        }
        n += 1;
        if (std::abs(re) < 1e-9 && std::abs(im) < 1e-9) {
            s1 += uniform1;
            s2 += uniform2;
            return;
        }
        double best_score = -1e300;
        for (std::size_t k = 0; k < q; ++k) best_score = std::max(best_score, re * c[k] + im * s[k]);
        std::vector<std::size_t> best;
        for (std::size_t k = 0; k < q; ++k)
            if (re * c[k] + im * s[k] > best_score - 1e-9) best.push_back(k);
        if (best.size() == 1) {
            s1 += c[best[0]];
            s2 += c[best[0]] * c[best[0]];
            return;
        }
        REQUIRE(best.size() == 2);
        // The counter-clockwise one is one step after the other (either, for Q = 2).
        const std::size_t upper = (best[0] + 1) % q == best[1] ? best[1] : best[0];
        const std::size_t lower = upper == best[1] ? best[0] : best[1];
        const double p_upper = partner_choice(q, 2, 1);
        s1 += p_upper * c[upper] + (1 - p_upper) * c[lower];
        s2 += p_upper * c[upper] * c[upper] + (1 - p_upper) * c[lower] * c[lower];
    });
    return {s1 / n, s2 / n - (s1 / n) * (s1 / n)};
}

/// CGR: b = the mode of the members' values; among tied values those nearest the phasor sum;
/// among those still tied, ascending, candidate (partner's value mod their number). That last
/// choice does not commute with rotations for odd Q (the ascending order wraps), so every
/// rotation r of each configuration is enumerated (member 0 at phase r).
expectation cgr_bundle_expectation(std::size_t q, int m) {
    std::vector<double> c(q), s(q);
    for (std::size_t k = 0; k < q; ++k) {
        c[k] = cos_turn(static_cast<long long>(k), q);
        s[k] = sin_turn(static_cast<long long>(k), q);
    }
    double s1 = 0, s2 = 0, n = 0;
    std::vector<int> counts(q);
    for_each_config(q, m, [&](const std::vector<std::size_t>& x0) {
        for (std::size_t r = 0; r < q; ++r) {
            std::fill(counts.begin(), counts.end(), 0);
            double re = 0, im = 0;
            for (std::size_t v0 : x0) {
                const std::size_t v = (v0 + r) % q;
                ++counts[v];
                re += c[v];
                im += s[v];
            }
            const int top = *std::max_element(counts.begin(), counts.end());
            double best_score = -1e300;
            for (std::size_t k = 0; k < q; ++k)
                if (counts[k] == top) best_score = std::max(best_score, re * c[k] + im * s[k]);
            std::vector<std::size_t> kept;
            for (std::size_t k = 0; k < q; ++k)
                if (counts[k] == top && re * c[k] + im * s[k] > best_score - 1e-9) kept.push_back(k);
            for (std::size_t j = 0; j < kept.size(); ++j) {
                const double p = partner_choice(q, kept.size(), j), v = c[(kept[j] + q - r) % q];
                s1 += p * v;
                s2 += p * v * v;
            }
            n += 1;
        }
    });
    return {s1 / n, s2 / n - (s1 / n) * (s1 / n)};
}

/// The documented partner rule, written out: component i's first untied partner along
/// pi(i), pi(pi(i)), ... within tie_steps steps, or none.
template <class Tied>
std::optional<std::size_t> untied_partner(std::size_t i, std::size_t dim, Tied&& tied) {
    const hdc::detail::tie_partners pi(dim);
    std::size_t j = i;
    for (std::size_t step = 0; step < hdc::detail::tie_steps; ++step) {
        j = pi(j);
        if (!tied(j)) return j;
    }
    return std::nullopt;
}

/// Checks that the mean similarity of bundle(M members) to one member over `trials` bundles of
/// dimension V::extent is the expectation within 4 standard errors (components independent).
template <class V>
void check_bundle_rule(int m, int trials, const expectation& e, std::uint64_t seed) {
    hdc::rng gen{seed};
    std::vector<double> sims;
    for (int t = 0; t < trials; ++t) {
        std::vector<V> members;
        for (int i = 0; i < m; ++i) members.push_back(hdc::random<V>(gen));
        sims.push_back(hdc::similarity(hdc::bundle(members), members[static_cast<std::size_t>(t % m)]));
    }
    const auto got = hdc_test::measure(sims);
    const double se = std::sqrt(e.variance / double(V::extent) / double(trials));
    INFO("M = " << m << ": mean " << got.mean << " expected " << e.mean << " se " << se);
    CHECK(std::abs(got.mean - e.mean) < 4 * se);
    CHECK(e.mean > 0.1);  // the bundle stays recognisably similar to its members
}

}  // namespace

TEMPLATE_TEST_CASE("modular: bind adds and unbind subtracts modulo Q, exactly", "[modular]",
                   mcr_1001_7, cgr_10000_16, mcr_257_65536, cgr_100_2) {
    using V = TestType;
    constexpr std::size_t q = V::modulus;
    hdc::rng gen{301};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen);
    const V ab = hdc::bind(a, b);
    for (std::size_t i = 0; i < a.dim(); ++i) {
        REQUIRE(a[i] < q);
        REQUIRE(ab[i] == (std::size_t{a[i]} + b[i]) % q);
    }
    CHECK(hdc::unbind(ab, a) == b);
    CHECK(hdc::unbind(ab, b) == a);
    CHECK(ab == hdc::bind(b, a));
    CHECK(hdc::bind(hdc::bind(a, b), c) == hdc::bind(a, hdc::bind(b, c)));
    CHECK(hdc::bind(a, V{}) == a);  // all zeros: the identity
    CHECK(hdc::bind(a, hdc::inverse(a)) == V{});
    CHECK(hdc::similarity(a, a) == 1.0);
    // A constant shift by s rotates every phase alike: similarity cos(2 pi s / Q), exactly the
    // table's value for every component.
    std::vector<std::uint16_t> ones(a.dim(), 1);
    const V shifted = hdc::bind(a, V::from_values(ones));
    CHECK(hdc::similarity(a, shifted) == Approx(std::cos(two_pi / double(q))).margin(1e-12));
    // Random atoms are uniform on {0..Q-1}: component i is gen.below(Q), in order.
    hdc::rng g1{7}, g2{7};
    const V r = hdc::random<V>(g1);
    for (std::size_t i = 0; i < r.dim(); ++i) REQUIRE(r[i] == g2.below(q));
}

TEST_CASE("modular: the SIMD kernels agree with the scalar references on odd lengths", "[modular][simd]") {
    hdc::rng gen{302};
    for (std::uint32_t q : {2u, 5u, 7u, 16u, 1000u, 65535u, 65536u}) {
        for (std::size_t n : {1u, 7u, 15u, 31u, 33u, 63u, 1001u}) {
            std::vector<std::uint16_t> a(n), b(n), fast(n), ref(n);
            for (std::size_t i = 0; i < n; ++i) {
                a[i] = static_cast<std::uint16_t>(gen.below(q));
                b[i] = static_cast<std::uint16_t>(gen.below(q));
            }
            hdc::simd::add_mod(a.data(), b.data(), fast.data(), n, q);
            hdc::simd::detail::add_mod(a.data(), b.data(), ref.data(), n, q, hdc::simd::scalar{});
            CHECK(fast == ref);
            hdc::simd::sub_mod(a.data(), b.data(), fast.data(), n, q);
            hdc::simd::detail::sub_mod(a.data(), b.data(), ref.data(), n, q, hdc::simd::scalar{});
            CHECK(fast == ref);
        }
    }
    // The similarity kernel (sub_mod differences, a cos-table sum) against a direct sum of long
    // double cosines.
    const auto check_similarity = [&](auto tag) {
        using V = decltype(tag);
        for (std::size_t n : {1u, 7u, 33u, 1001u, 3001u}) {
            const auto a = V::random(gen, n), b = V::random(gen, n);
            long double ref = 0;
            for (std::size_t i = 0; i < n; ++i)
                ref += cos_turn(static_cast<long long>((a[i] + V::modulus - b[i]) % V::modulus), V::modulus);
            CHECK(hdc::similarity(a, b) == Approx(static_cast<double>(ref / static_cast<long double>(n))).margin(1e-13));
        }
    };
    check_similarity(hdc::mcr<hdc::dynamic, 3>{});
    check_similarity(hdc::mcr<hdc::dynamic, 16>{});
    check_similarity(hdc::cgr<hdc::dynamic, 256>{});
    check_similarity(hdc::cgr<hdc::dynamic, 257>{});
    check_similarity(hdc::mcr<hdc::dynamic, 65536>{});
    // The phase table: exact symmetries, so antipodal phases cancel exactly in a sum.
    const auto& t = hdc::detail::phases<16>();
    for (std::size_t k = 0; k < 16; ++k) {
        CHECK(t.cos[k] == t.cos[(16 - k) % 16]);
        CHECK(t.sin[k] == -t.sin[(16 - k) % 16]);
        CHECK(t.cos[k] == -t.cos[(k + 8) % 16]);
        CHECK(t.sin[k] == -t.sin[(k + 8) % 16]);
    }
}

TEST_CASE("mcr: the angle quantiser picks the phase of the best score, without atan2", "[modular]") {
    // The polynomial guess is far inside half a phase step of Q = 65536 (4.8e-5 rad).
    double worst = 0;
    for (int i = 0; i <= 100000; ++i) {
        const double a = i / 100000.0;
        worst = std::max(worst, std::abs(hdc::detail::atan_unit(a) - std::atan(a)));
    }
    CHECK(worst < 1e-7);
    // Against the best of all Q scores (long double) at random points, near-ties excluded.
    hdc::rng gen{314};
    const auto check = [&](auto q_tag) {
        constexpr std::size_t q = decltype(q_tag)::value;
        const auto& t = hdc::detail::phases<q>();
        std::vector<long double> c(q), s(q);
        for (std::size_t k = 0; k < q; ++k) {
            c[k] = cos_turn(static_cast<long long>(k), q);
            s[k] = sin_turn(static_cast<long long>(k), q);
        }
        for (int trial = 0; trial < 2000; ++trial) {
            const double x = gen.uniform() * 2 - 1, y = gen.uniform() * 2 - 1;
            std::size_t best = 0, second = 0;
            long double best_score = -1e300L, second_score = -1e300L;
            for (std::size_t k = 0; k < q; ++k) {
                const long double sc = x * c[k] + y * s[k];
                if (sc > best_score) {
                    second_score = best_score, second = best;
                    best_score = sc, best = k;
                } else if (sc > second_score) {
                    second_score = sc, second = k;
                }
            }
            (void)second;
            if (best_score - second_score < 1e-12L) continue;
            REQUIRE(hdc::detail::nearest_phase(x, y, q, t) == best);
        }
        // Exactly on a phase, and half-way between two (the next one, counter-clockwise).
        CHECK(hdc::detail::nearest_phase(t.cos[1], t.sin[1], q, t) == 1 % q);
        CHECK(hdc::detail::nearest_phase(-1.0, 0.0, q, t) == (q % 2 == 0 ? q / 2 : (q + 1) / 2));
    };
    check(std::integral_constant<std::size_t, 2>{});
    check(std::integral_constant<std::size_t, 3>{});
    check(std::integral_constant<std::size_t, 7>{});
    check(std::integral_constant<std::size_t, 16>{});
    check(std::integral_constant<std::size_t, 1000>{});
}

TEMPLATE_TEST_CASE("modular: random pairs of small Q follow the exact discrete law", "[modular][statistics]",
                   mcr_2000_2, cgr_2000_3, mcr_2000_4) {
    // cos of a uniform difference takes few values: Q = 2 gives +-1 (variance 1, kurtosis 1),
    // Q = 4 gives 1, 0, -1, 0 (variance 1/2, kurtosis 2), Q = 3 gives 1, -1/2, -1/2 (variance
    // 1/2, kurtosis 3/2). The mean over D components has variance E[cos^2] / D.
    using V = TestType;
    constexpr std::size_t q = V::modulus;
    const double v = q == 2 ? 1.0 : 0.5;
    const double k1 = q == 2 ? 1.0 : q == 4 ? 2.0 : 1.5;
    CHECK(hdc_test::phase_cos_moment(q, 2) == Approx(v).margin(1e-12));
    CHECK(hdc_test::phase_cos_moment(q, 4) / (v * v) == Approx(k1).margin(1e-12));
    hdc::rng gen{303};
    std::vector<double> sims;
    const int pairs = 400;
    for (int i = 0; i < pairs; ++i) sims.push_back(hdc::similarity(hdc::random<V>(gen), hdc::random<V>(gen)));
    const auto m = hdc_test::measure(sims);
    const double sigma = std::sqrt(v / double(V::extent));
    const double kurtosis = 3 + (k1 - 3) / double(V::extent);
    CHECK(std::abs(m.mean) < 4 * sigma / std::sqrt(double(pairs)));
    CHECK(std::abs(m.std - sigma) < 4 * hdc_test::std_standard_error(sigma, kurtosis, pairs));
}

TEST_CASE("mcr: the quantised phasor bundle matches its exact expectation", "[modular][statistics]") {
    // Exact by enumeration of the other members' phases; the per-component variance sets the
    // standard error of the measured mean.
    const auto e3 = mcr_bundle_expectation(16, 3), e5 = mcr_bundle_expectation(16, 5);
    CHECK(e3.mean > e5.mean);
    check_bundle_rule<hdc::mcr<10000, 16>>(3, 30, e3, 304);
    check_bundle_rule<hdc::mcr<10000, 16>>(5, 30, e5, 305);
    // Even M: half-way angles and vanishing sums, decided by the partner rule.
    check_bundle_rule<hdc::mcr<10000, 16>>(4, 30, mcr_bundle_expectation(16, 4), 310);
    check_bundle_rule<hdc::mcr<4096, 12>>(2, 30, mcr_bundle_expectation(12, 2), 311);
    // Approximate: Q = 65536 against the enumeration at Q = 256, whose quantisation differs by
    // O(1/Q^2) (about 1e-5), far below the 4 standard errors (8e-3) of this check.
    check_bundle_rule<hdc::mcr<4096, 65536>>(3, 20, mcr_bundle_expectation(256, 3), 306);
}

TEST_CASE("mcr: the bundle is the phase nearest to the phasor sum, ties follow the partner rule", "[modular]") {
    using V = hdc::mcr<hdc::dynamic, 8>;
    const std::vector<std::uint16_t> x{0, 0, 0, 1, 3}, y{1, 2, 4, 7, 7}, z{1, 4, 0, 2, 7};
    const V a = V::from_values(x), b = V::from_values(y), c = V::from_values(z);
    const V m = hdc::bundle({a, b, c});
    // Component 0: 1 + 2 e^{i pi/4}, angle 0.54 rad = 0.69 of a phase step: phase 1.
    CHECK(m[0] == 1);
    CHECK(m[1] == 2);  // 1 + i - 1 = i: a quarter turn
    hdc::mcr_accumulator<hdc::dynamic, 8> acc(5);
    acc.add(a);
    acc.add(b);
    acc.add(c);
    for (std::size_t i = 0; i < 5; ++i) {
        const double angle = std::atan2(acc[i].imag(), acc[i].real());
        long k = std::lround(angle / two_pi * 8);
        CHECK(m[i] == static_cast<std::uint16_t>(((k % 8) + 8) % 8));
    }
    // Opposite phases cancel exactly everywhere: no untied partner, so the fixed vector decides.
    hdc::mcr_accumulator<hdc::dynamic, 8> opposite(5);
    opposite.add(V::from_values(std::vector<std::uint16_t>{0, 1, 2, 3, 4}));
    opposite.add(V::from_values(std::vector<std::uint16_t>{4, 5, 6, 7, 0}));
    const V tie = hdc::symbol<V>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, std::size_t{5});
    CHECK(opposite.result() == tie);
    CHECK(similarity(opposite, a) == 0.0);
    // Pairs at Q = 16: an odd difference d puts the sum exactly half-way between two phases, the
    // antipode d = 8 cancels it, an even d puts it on a phase. A half-way component takes the
    // counter-clockwise phase if its first untied partner's phase is odd, else the clockwise
    // one; a cancelled one takes the partner's phase.
    using W = hdc::mcr<hdc::dynamic, 16>;
    hdc::rng gen{312};
    const std::size_t dim = 1000;
    const W p = hdc::random<W>(gen, dim), q = hdc::random<W>(gen, dim);
    const W pair = hdc::bundle({p, q});
    const W fallback = hdc::symbol<W>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, dim);
    const auto diff = [&](std::size_t i) { return (q[i] + 16 - p[i]) % 16; };
    const auto tied = [&](std::size_t i) { return diff(i) % 2 == 1 || diff(i) == 8; };
    std::size_t halfway = 0, cancelled = 0, even = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        const std::size_t d = diff(i);
        if (!tied(i)) {  // the sum points at the mean phase of the shorter arc
            CHECK(pair[i] == (d < 8 ? p[i] + d / 2 : q[i] + (16 - d) / 2) % 16);
            continue;
        }
        const auto j = untied_partner(i, dim, tied);
        const std::size_t partner = j ? pair[*j] : fallback[i];
        if (d == 8) {
            CHECK(pair[i] == partner);
            ++cancelled;
        } else {
            const std::size_t lower = d < 8 ? p[i] + (d - 1) / 2 : q[i] + (16 - d - 1) / 2;
            CHECK(pair[i] == (lower + partner % 2) % 16);
            ++halfway;
        }
    }
    for (std::size_t i = 0; i < dim; ++i) even += tied(i) ? 0 : 1;
    CHECK(halfway > 400);  // 8 of 16 differences are odd
    CHECK(cancelled > 30);  // 1 of 16
    CHECK(even > 350);
}

TEMPLATE_TEST_CASE("modular: the accumulator readout of a cancelled bundle is 0, not rounding noise", "[modular]",
                   (hdc::mcr<hdc::dynamic, 7>), (hdc::cgr<hdc::dynamic, 7>)) {
    // Adding a, b and subtracting them again leaves residues of order 1e-16 in double sums
    // (Q = 7 has no exactly opposite phases): they have no direction, the readout is 0.
    using V = TestType;
    hdc::rng gen{316};
    const V a = hdc::random<V>(gen, 1000), b = hdc::random<V>(gen, 1000);
    hdc::accumulator<V> acc(1000);
    acc.add(a, 3);
    acc.add(b, 5);
    acc.add(a, -3);
    acc.add(b, -5);
    CHECK(hdc::similarity(acc, a) == 0.0);
    CHECK(hdc::similarity(acc, b) == 0.0);
}

TEMPLATE_TEST_CASE("modular: the bundle does not depend on the members' order", "[modular]",
                   (hdc::mcr<hdc::dynamic, 16>), (hdc::mcr<hdc::dynamic, 12>), (hdc::mcr<hdc::dynamic, 7>),
                   (hdc::cgr<hdc::dynamic, 16>), (hdc::cgr<hdc::dynamic, 5>)) {
    // Four members: many half-way angles, cancelled sums and tied modes, decided by the sums'
    // values (within rounding), never by the rounding of one order of additions.
    using V = TestType;
    hdc::rng gen{313};
    std::vector<V> members;
    for (int i = 0; i < 4; ++i) members.push_back(hdc::random<V>(gen, 1000));
    const V first = hdc::bundle(members);
    std::array<std::size_t, 4> order{0, 1, 2, 3};
    int orders = 0;
    while (std::next_permutation(order.begin(), order.end())) {
        std::vector<V> shuffled;
        for (std::size_t k : order) shuffled.push_back(members[k]);
        CHECK(hdc::bundle(shuffled) == first);
        ++orders;
    }
    CHECK(orders == 23);
}

TEMPLATE_TEST_CASE("modular: unrelated even bundles are unrelated", "[modular][statistics]",
                   (hdc::mcr<10000, 2>), (hdc::mcr<10000, 4>), (hdc::cgr<10000, 2>), (hdc::cgr<10000, 4>)) {
    // Bundles of two members tie at many components (Q = 2: half of them). Decided by each
    // bundle's own partner components, two unrelated bundles stay independent: similarity mean 0,
    // per-component variance E[cos^2]; a component copies at most one partner's value, so
    // duplicated terms at most double the variance of the mean. A shared tie vector would give
    // a mean of 0.25 (Q = 2), 0.03-0.06 (Q = 4; MCR: both half-way angles and cancelled sums).
    using V = TestType;
    constexpr std::size_t q = V::modulus;
    hdc::rng gen{314};
    const int pairs = 50;  // 4 SE: 0.008 (Q = 2), 0.0057 (Q = 4)
    std::vector<double> sims;
    for (int t = 0; t < pairs; ++t) {
        const V x = hdc::bundle({hdc::random<V>(gen), hdc::random<V>(gen)});
        const V y = hdc::bundle({hdc::random<V>(gen), hdc::random<V>(gen)});
        sims.push_back(hdc::similarity(x, y));
    }
    const double se = std::sqrt(2 * hdc_test::phase_cos_moment(q, 2) / double(V::extent) / double(pairs));
    const auto m = hdc_test::measure(sims);
    INFO("mean " << m.mean << " se " << se);
    CHECK(std::abs(m.mean) < 4 * se);
}

TEST_CASE("cgr: the mode bundle matches its exact expectation", "[modular][statistics]") {
    const auto e3 = cgr_bundle_expectation(16, 3), e4 = cgr_bundle_expectation(16, 4),
               e5 = cgr_bundle_expectation(5, 5);
    check_bundle_rule<hdc::cgr<10000, 16>>(3, 30, e3, 307);
    check_bundle_rule<hdc::cgr<10000, 16>>(4, 30, e4, 308);
    check_bundle_rule<hdc::cgr<1001, 5>>(5, 60, e5, 309);
}

TEST_CASE("cgr: the bundle is the most frequent value, ties broken by the documented rules", "[modular]") {
    using V = hdc::cgr<hdc::dynamic, 8>;
    const std::vector<std::uint16_t> x{0, 5, 2, 7}, y{0, 5, 3, 1}, z{4, 6, 2, 1};
    hdc::cgr_accumulator<hdc::dynamic, 8> acc(4);
    acc.add(V::from_values(x));
    acc.add(V::from_values(y));
    acc.add(V::from_values(z));
    const V m = acc.result();
    CHECK(m[0] == 0);
    CHECK(m[1] == 5);
    CHECK(m[2] == 2);
    CHECK(m[3] == 1);
    // Weights count as repeated votes; a negative weight votes against.
    acc.add(V::from_values(z), 2);
    CHECK(acc.result() == V::from_values(z));
    CHECK(acc.counts()[0 * 8 + 4] == 3);
    // Three-way ties go to the tied value nearest the phasor sum: {0, 1, 4} sums to e^{i pi/4}
    // (phase 1), {2, 3, 6} to e^{i 3 pi/4} (phase 3).
    hdc::cgr_accumulator<hdc::dynamic, 8> three(2);
    three.add(V::from_values(std::vector<std::uint16_t>{0, 2}));
    three.add(V::from_values(std::vector<std::uint16_t>{1, 3}));
    three.add(V::from_values(std::vector<std::uint16_t>{4, 6}));
    CHECK(three.result() == V::from_values(std::vector<std::uint16_t>{1, 3}));
    // A pair of distinct values is symmetric about its sum: the two candidates, ascending, are
    // chosen by the first untied partner's value mod 2.
    using W = hdc::cgr<hdc::dynamic, 16>;
    hdc::rng gen{315};
    const std::size_t dim = 1000;
    const W p = hdc::random<W>(gen, dim), q = hdc::random<W>(gen, dim);
    const W pair = hdc::bundle({p, q});
    const W fallback = hdc::symbol<W>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, dim);
    const auto tied = [&](std::size_t i) { return p[i] != q[i]; };
    std::size_t checked = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        if (!tied(i)) {
            CHECK(pair[i] == p[i]);
            continue;
        }
        const auto j = untied_partner(i, dim, tied);
        const std::size_t partner = j ? pair[*j] : fallback[i];
        CHECK(pair[i] == (partner % 2 == 0 ? std::min(p[i], q[i]) : std::max(p[i], q[i])));
        ++checked;
    }
    CHECK(checked > 900);
    CHECK_THROWS_AS(acc.add(V::from_values(x), 0.5), hdc::invalid_parameter);
    CHECK_THROWS_WITH(V::from_values(std::vector<std::uint16_t>{0, 8}), Catch::Contains("not below the modulus 8"));
}

TEMPLATE_TEST_CASE("modular: item_memory search scores rows exactly as similarity()", "[modular][memory]",
                   mcr_1001_7, cgr_512_65536) {
    using V = TestType;
    hdc::rng gen{310};
    hdc::item_memory<V> memory;
    std::vector<V> stored;
    for (int i = 0; i < 200; ++i) {
        stored.push_back(hdc::random<V>(gen));
        memory.add("v" + std::to_string(i), stored.back());
    }
    const V q = stored[77];
    const auto sims = memory.similarities(q);
    for (std::size_t i = 0; i < stored.size(); ++i) REQUIRE(sims[i] == hdc::similarity(q, stored[i]));
    CHECK(memory.nearest(q).index == 77);
    // A noisy copy (a quarter of the components replaced) is still found.
    std::vector<std::uint64_t> mask((V::extent + 63) / 64);
    for (auto& w : mask) w = gen() & gen();
    const V noisy = hdc::blend(stored[123], hdc::random<V>(gen), std::span<const std::uint64_t>(mask));
    const auto hit = memory.nearest(noisy);
    CHECK(hit.index == 123);
    CHECK(hit.label == "v123");
    CHECK(hit.similarity == Approx(0.75).margin(0.1));
}

TEMPLATE_TEST_CASE("modular: a bundled sequence decodes position by position", "[modular][encoders]",
                   mcr_4096_16, cgr_4096_16) {
    using V = TestType;
    hdc::rng gen{311};
    hdc::item_memory<V> letters;
    std::vector<V> alphabet;
    for (int i = 0; i < 26; ++i) {
        alphabet.push_back(hdc::random<V>(gen));
        letters.add(std::string(1, char('a' + i)), alphabet.back());
    }
    const std::string word = "modular";
    std::vector<V> items;
    for (char ch : word) items.push_back(alphabet[static_cast<std::size_t>(ch - 'a')]);
    const V seq = hdc::bundle_sequence(items);
    std::string decoded;
    for (std::size_t i = 0; i < word.size(); ++i)
        decoded += letters.nearest(hdc::sequence_item(seq, word.size(), i)).label;
    CHECK(decoded == word);
    // The bound sequence unbinds exactly: the last item comes back from the gram of the others.
    const V gram = hdc::bind_sequence(items);
    const std::vector<V> head(items.begin(), items.end() - 1);
    CHECK(hdc::unbind(gram, hdc::permute(hdc::bind_sequence(head), 1)) == items.back());
}

TEMPLATE_TEST_CASE("modular: a resonator factors composites of three codebooks", "[modular][resonator]",
                   mcr_dyn_16, cgr_dyn_256) {
    using V = TestType;
    hdc::rng gen{312};
    std::vector<std::vector<V>> books(3);
    for (std::size_t f = 0; f < 3; ++f)
        for (int j = 0; j < 8; ++j) books[f].push_back(hdc::random<V>(gen, std::size_t{512}));
    hdc::resonator_options o;
    o.tolerance = 1e-4;
    o.stable_sweeps = 5;
    const hdc::resonator<V> net(books, o);
    int correct = 0;
    for (std::size_t p = 0; p < 10; ++p) {
        std::vector<std::size_t> truth{gen.below(8), gen.below(8), gen.below(8)};
        const V s = net.compose(truth);
        const auto r = net.factor(s, p);
        if (r.indices == truth) {
            ++correct;
            CHECK(net.verify(r, s) == Approx(1.0).margin(1e-9));
        }
    }
    CHECK(correct == 10);
}

TEST_CASE("modular: vectors and item memories round-trip through the file format", "[modular][io]") {
    using M = hdc::mcr<hdc::dynamic, 16>;
    using C = hdc::cgr<1001, 5>;
    hdc::rng gen{317};
    const M a = hdc::random<M>(gen, 1000);
    CHECK(hdc::from_bytes<M>(hdc::to_bytes(a)) == a);
    const C c = hdc::random<C>(gen);
    CHECK(hdc::from_bytes<C>(hdc::to_bytes(c)) == c);
    hdc::item_memory<M> memory(1000);
    for (int i = 0; i < 5; ++i) memory.add("row" + std::to_string(i), hdc::random<M>(gen, 1000));
    const auto back = hdc::from_bytes<hdc::item_memory<M>>(hdc::to_bytes(memory));
    REQUIRE(back.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(back.label(i) == memory.label(i));
        CHECK(back.vector(i) == memory.vector(i));
    }
    CHECK(hdc::from_bytes<hdc::item_memory<M>>(hdc::to_bytes(hdc::item_memory<M>())).size() == 0);
    // Another family, another modulus, and a phase not below Q are format errors.
    const auto expect_format_error = [](auto load, const std::string& needle) {
        try {
            load();
            FAIL("accepted a bad file");
        } catch (const hdc::format_error& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(needle) != std::string::npos);
        }
    };
    const auto file = hdc::to_bytes(a);
    expect_format_error([&] { (void)hdc::from_bytes<hdc::cgr<hdc::dynamic, 16>>(file); }, "mcr data, not cgr");
    expect_format_error([&] { (void)hdc::from_bytes<hdc::mcr<hdc::dynamic, 8>>(file); }, "modulus 16, expected 8");
    auto bad = file;
    bad[64 + 2 * 7] = 16;  // component 7 := 16 (little-endian uint16)
    bad[64 + 2 * 7 + 1] = 0;
    const std::uint32_t payload = hdc::crc32c(bad.data() + 64, bad.size() - 64);  // reseal
    for (int k = 0; k < 4; ++k) bad[56 + k] = static_cast<unsigned char>(payload >> (8 * k));
    const std::uint32_t head = hdc::crc32c(bad.data(), 60);
    for (int k = 0; k < 4; ++k) bad[60 + k] = static_cast<unsigned char>(head >> (8 * k));
    expect_format_error([&] { (void)hdc::from_bytes<M>(bad); }, "not below the modulus 16");
}

TEST_CASE("modular: bad input is refused with named errors", "[modular][errors]") {
    using V = hdc::mcr<hdc::dynamic, 16>;
    hdc::rng gen{313};
    CHECK_THROWS_WITH(V::from_values(std::vector<std::uint16_t>{1, 2}, 3), Catch::Contains("2 values given for dimension 3"));
    using fixed8 = hdc::mcr<8, 16>;
    CHECK_THROWS_AS(fixed8::from_values(std::vector<std::uint16_t>{1, 2}), hdc::invalid_parameter);
    const V a = hdc::random<V>(gen, std::size_t{8});
    hdc::accumulator<V> acc(8);
    acc.add(a, 2.5);
    CHECK_THROWS_AS(acc.scale(std::nan("")), hdc::non_finite_value);
    CHECK(acc.count() == 2.5);
    hdc::cgr_accumulator<hdc::dynamic, 4> votes(8);
    votes.add(hdc::random<hdc::cgr<hdc::dynamic, 4>>(gen, std::size_t{8}), 1'000'000'000);
    votes.add(hdc::random<hdc::cgr<hdc::dynamic, 4>>(gen, std::size_t{8}), 1'000'000'000);
    CHECK_THROWS_WITH(votes.add(hdc::random<hdc::cgr<hdc::dynamic, 4>>(gen, std::size_t{8}), 200'000'000),
                      Catch::Contains("total absolute weight"));
    CHECK(votes.count() == 2'000'000'000);
    // CGR's D x Q counts are bounded: 10,000 x 65,536 would take 2.6 GB.
    CHECK_THROWS_WITH((hdc::cgr_accumulator<hdc::dynamic, 65536>(10000)),
                      Catch::Contains("D = 10000 x Q = 65536") && Catch::Contains("2621440000 bytes"));
    CHECK_NOTHROW(hdc::cgr_accumulator<hdc::dynamic, 65536>(16));
    // family names for saved states
    CHECK(hdc::family_name_v<hdc::mcr<10, 16>> == "mcr");
    CHECK(hdc::family_name_v<hdc::cgr<hdc::dynamic, 16>> == "cgr");
}
