// Tests of hdc/models/hrr.hpp: the generic model properties for HRR, then what is particular to
// it: convolution against the O(D^2) definition, the approximate inverse's 1/sqrt(2) loss, the
// exact inverse and its guard, unitary atoms, and HRR in memories, encoders and threads.
#include <hdc/encoders/sequence.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/io/serialize.hpp>
#include <hdc/memory/resonator/resonator.hpp>
#include <hdc/models/hrr.hpp>
#include <hdc/models/vtb.hpp>

using hrr_double_1001 = hdc::hrr<1001, double>;
using hrr_float_dynamic = hdc::hrr<hdc::dynamic>;
using hrr_double_dynamic = hdc::hrr<hdc::dynamic, double>;
#define HDC_GOLDEN_TYPES hdc::hrr<10000>
#define HDC_MODEL_TYPES HDC_GOLDEN_TYPES, hrr_double_1001
#define HDC_STATISTICS_TYPES HDC_MODEL_TYPES

#include "dense_checks.hpp"
#include "model_properties.hpp"

#include <thread>

namespace {

/// The definitions, in long double over the components: c_j = sum_k a_k b_(j-k), and the
/// correlation r_j = sum_k a_k c_(j+k).
template <class V>
std::vector<long double> naive_convolution(const V& a, const V& b, bool correlate) {
    const std::size_t n = a.dim();
    std::vector<long double> out(n, 0.0L);
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t k = 0; k < n; ++k)
            out[j] += static_cast<long double>(a[k]) *
                      static_cast<long double>(b[correlate ? (j + k) % n : (j + n - k) % n]);
    return out;
}

using hdc_test::eps;
using hdc_test::relative_error;

}  // namespace

TEMPLATE_TEST_CASE("HRR convolution and correlation equal their O(D^2) definitions", "[hrr]",
                   hrr_float_dynamic, hrr_double_dynamic) {
    using V = TestType;
    hdc::rng gen{301};
    // Every path of simd/fft.hpp under HRR: even D (half-length inverse) with radices 2, 4, 3, 5
    // (30, 64), D = 1, 2, odd D, and Bluestein's path for prime factors above 5 (105 = 3 5 7,
    // 1001, the primes 97 and 1009, 2 x 1013, 4 x 101).
    for (std::size_t n : {1u, 2u, 3u, 30u, 64u, 105u, 1001u, 97u, 1009u, 2026u, 404u}) {
        CAPTURE(n);
        const V a = hdc::random<V>(gen, n), b = hdc::random<V>(gen, n);
        CHECK(relative_error(hdc::bind(a, b), naive_convolution(a, b, false)) < 4 * eps<V>());
        const V c = hdc::bind(a, b);
        CHECK(relative_error(hdc::unbind(c, a), naive_convolution(a, c, true)) < 4 * eps<V>());
        // Correlation is convolution with the involution.
        CHECK(relative_error(hdc::unbind(c, a), hdc::bind(c, hdc::involution(a))) < 4 * eps<V>());
    }
}

TEMPLATE_TEST_CASE("HRR binding is commutative, associative, bilinear and shift-equivariant", "[hrr]",
                   hdc::hrr<10000>, hrr_double_1001) {
    using V = TestType;
    hdc::rng gen{302};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen), c = hdc::random<V>(gen);
    CHECK(relative_error(hdc::bind(a, b), hdc::bind(b, a)) < 4 * eps<V>());
    CHECK(relative_error(hdc::bind(hdc::bind(a, b), c), hdc::bind(a, hdc::bind(b, c))) < 8 * eps<V>());
    // Binding distributes over bundling: a (*) (2b - c) = 2 (a (*) b) - a (*) c.
    hdc::accumulator<V> inner, outer;
    inner.add(b, 2.0);
    inner.subtract(c);
    outer.add(hdc::bind(a, b), 2.0);
    outer.subtract(hdc::bind(a, c));
    CHECK(relative_error(hdc::bind(a, inner.result()), outer.result()) < 8 * eps<V>());
    // Convolution commutes with the cyclic shift (of either operand), unlike VTB.
    for (std::ptrdiff_t k : {1, 7, -40}) {
        CHECK(relative_error(hdc::permute(hdc::bind(a, b), k), hdc::bind(hdc::permute(a, k), b)) < 4 * eps<V>());
        CHECK(relative_error(hdc::permute(hdc::bind(a, b), k), hdc::bind(a, hdc::permute(b, k))) < 4 * eps<V>());
    }
}

TEST_CASE("HRR approximate unbinding loses signal as the spectrum predicts (1/sqrt 2)", "[hrr][statistics]") {
    // cos(a# (*) (a (*) b), b) has mean (1 + 3.5/D) / sqrt(2) and standard deviation
    // sqrt(1 / (2D)) (model_info<hrr>: delta method over the D/2 frequency pairs, to second order
    // for the mean); its kurtosis is above 3 (heavy-tailed spectra), which widens the standard
    // error of the measured sd.
    using V = hrr_double_1001;
    using I = model_info<V>;
    hdc::rng gen{303};
    const int trials = 300;
    std::vector<double> sims;
    for (int t = 0; t < trials; ++t) {
        const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
        sims.push_back(hdc::similarity(hdc::unbind(hdc::bind(a, b), a), b));
    }
    const auto got = measure(sims);
    const double sd = I::unbind_similarity_std(V{}.dim());
    INFO("mean " << got.mean << " expected " << I::unbind_similarity_mean() << "; sd " << got.std << " expected " << sd);
    CHECK(std::abs(got.mean - I::unbind_similarity_mean()) < 4 * sd / std::sqrt(double(trials)));
    CHECK(std::abs(got.std - sd) <
          4 * hdc_test::std_standard_error(sd, I::unbind_similarity_kurtosis(V{}.dim()), trials));
}

TEMPLATE_TEST_CASE("unitary HRR atoms: unit spectrum, and unbind is exact up to rounding", "[hrr]",
                   hdc::hrr<10000>, hrr_double_1001) {
    using V = TestType;
    hdc::rng gen{304};
    const V a = hdc::random_unitary<V>(gen), b = hdc::random<V>(gen), u = hdc::random_unitary<V>(gen);
    CHECK(hdc::min_spectrum_modulus(a) == Approx(1.0).epsilon(1e-5));
    CHECK(hdc::norm(a) == Approx(1.0).epsilon(1e-6));
    CHECK(std::abs(hdc::similarity(a, u)) < 4 / std::sqrt(double(a.dim())));  // independent atoms
    const V back = hdc::unbind(hdc::bind(a, b), a);
    CHECK(hdc::similarity(back, b) >= 0.999);
    CHECK(hdc::similarity(back, b) > 1 - 1e-9);
    CHECK(relative_error(back, b) < 20 * eps<V>());
    // Binding unitary atoms keeps them unitary, so deep chains unbind exactly too.
    const V chain = hdc::bind(hdc::bind(a, u), b);
    CHECK(hdc::similarity(hdc::unbind(hdc::unbind(chain, a), u), b) > 1 - 1e-9);
    // The same stream gives the same atom; symbol_unitary is random_unitary on the symbol stream.
    hdc::rng again{304};
    CHECK(hdc::random_unitary<V>(again) == a);
    hdc::rng stream = hdc::rng::from_key(hdc::detail::symbol_key(hdc::detail::hash_name("role"), 9));
    CHECK(hdc::symbol_unitary<V>("role", 9) == hdc::random_unitary<V>(stream));
    using W = typename model_info<V>::dynamic_type;
    hdc::rng g2{304};
    CHECK(model_info<V>::bytes(a) == model_info<W>::bytes(hdc::random_unitary<W>(g2, a.dim())));
    CHECK_THROWS_AS(hdc::random_unitary<W>(g2), hdc::invalid_dimension);  // no dimension given
}

TEMPLATE_TEST_CASE("the exact inverse recovers b to rounding, a near-zero spectrum is refused",
                   "[hrr]", hdc::hrr<10000>, hrr_double_1001) {
    using V = TestType;
    hdc::rng gen{305};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
    // A Normal atom's smallest |A_f| is of order sqrt(2/D) |a|, so the exact inverse amplifies
    // the rounding of c by at most ~1/that: relative error well within 1e3 eps.
    REQUIRE(hdc::min_spectrum_modulus(a) > 1e-4 * hdc::norm(a));
    const V c = hdc::bind(a, b);
    CHECK(relative_error(hdc::unbind_exact(c, a), b) < 1e3 * eps<V>());
    // bind(a, a^-1) is the identity (1, 0, ..., 0).
    const V identity = hdc::bind(a, hdc::exact_inverse(a));
    std::vector<long double> delta(a.dim(), 0.0L);
    delta[0] = 1;
    CHECK(relative_error(identity, delta) < 1e3 * eps<V>());

    // A zero-mean key has A_0 = 0 (up to rounding): refused, naming the smallest modulus, its
    // frequency and the threshold; nothing else changes.
    std::vector<typename V::value_type> values(a.values().begin(), a.values().end());
    long double mean = 0;
    for (auto x : values) mean += x;
    mean /= static_cast<long double>(values.size());
    for (auto& x : values) x = static_cast<typename V::value_type>(x - mean);
    const V flat = V::from_values(values);
    try {
        (void)hdc::unbind_exact(c, flat);
        FAIL("no hdc::invalid_parameter thrown");
    } catch (const hdc::invalid_parameter& e) {
        CHECK_THAT(e.what(), Catch::Contains("unbind_exact") && Catch::Contains("smallest |FFT(a)_f|") &&
                                 Catch::Contains("at f = 0") && Catch::Contains("threshold"));
    }
    CHECK_THROWS_AS(hdc::exact_inverse(flat), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::exact_inverse(V{}), hdc::invalid_parameter);  // the zero vector
    CHECK_THROWS_AS(hdc::unbind_exact(c, a, std::nan("")), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::unbind_exact(c, a, -1.0), hdc::invalid_parameter);
    // The threshold is the caller's: a strict one refuses even this well-conditioned key.
    CHECK_THROWS_AS(hdc::unbind_exact(c, a, 10.0), hdc::invalid_parameter);
    using W = typename model_info<V>::dynamic_type;
    check_mismatch([&] { (void)hdc::unbind_exact(W(c), W(hdc::random<W>(gen, 17))); }, a.dim(), 17);
}

TEST_CASE("HRR float bindings are bit-identical across threads (one FFT plan per thread)", "[hrr]") {
    using V = hdc::hrr<10000>;
    hdc::rng gen{306};
    std::vector<V> keys, values;
    for (int i = 0; i < 8; ++i) {
        keys.push_back(hdc::random<V>(gen));
        values.push_back(hdc::random<V>(gen));
    }
    std::vector<V> expected;
    for (int i = 0; i < 8; ++i) expected.push_back(hdc::bind(keys[i], values[i]));
    std::vector<V> got(8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
        threads.emplace_back([&, t] {
            for (int r = 0; r < 20; ++r)
                for (int i = t; i < 8; i += 2) got[static_cast<std::size_t>(i)] = hdc::bind(keys[i], values[i]);
        });
    for (auto& th : threads) th.join();
    CHECK(got == expected);
}

TEST_CASE("HRR in an item memory and a sequence encoder", "[hrr]") {
    using V = hdc::hrr<1001, double>;
    hdc::item_memory<V> memory;
    std::vector<V> items;
    for (int i = 0; i < 100; ++i) {
        items.push_back(hdc::symbol<V>(i, 11));
        memory.add("item" + std::to_string(i), items.back());
    }
    // Cleanup after approximate unbinding: cosine ~0.71 against noise of sd ~0.03.
    const V key = hdc::symbol<V>("key", 11);
    for (int i : {0, 17, 99}) {
        const auto hit = memory.nearest(hdc::unbind(hdc::bind(key, items[static_cast<std::size_t>(i)]), key));
        CHECK(hit.label == "item" + std::to_string(i));
        CHECK(hit.similarity > 0.6);
    }
    // Bundled positions: item i is recovered by undoing its shift (cosine ~1/sqrt(5)).
    const std::vector<V> seq{items[3], items[1], items[4], items[1], items[5]};
    const V s = hdc::bundle_sequence(seq);
    for (std::size_t i = 0; i < seq.size(); ++i)
        CHECK(memory.nearest(hdc::sequence_item(s, seq.size(), i)).label == memory.nearest(seq[i]).label);
    // A bound sequence unbinds its last item to the product of the others at their positions
    // (permutation does not distribute over convolution, so not to the shifted shorter gram).
    // In the Fourier domain the result is lambda R_f against R_f, with lambda = |L_f|^2 ~ Exp(1)
    // for the last item and rho = |R_f|^2 a product of four independent Exp(1) (a shift only
    // turns phases): the cosine's limit is E[lambda rho] / sqrt(E[lambda^2 rho] E[rho]) =
    // 1/sqrt(2), as for atoms. The delta method of model_info<hrr> with u = rho g(lambda),
    // g = lambda - lambda^2/4 - 1/2, gives E u^2 = E[rho^2] E[g^2] = 16 / 4 = 4 and variance
    // (1/2) * 4 / (D/2) = 4 / D. The limit less 4 of these sd is the threshold. (numpy, 40,000
    // trials at D = 1,001: mean 0.717, sd 0.044 (the heavy-tailed rho makes the delta method an
    // overestimate here), smallest 0.464; threshold 0.454.)
    const V gram = hdc::bind_sequence(seq);
    V rest = hdc::permute(seq[0], 4);
    for (std::size_t i = 1; i + 1 < seq.size(); ++i)
        rest = hdc::bind(hdc::permute(seq[i], static_cast<std::ptrdiff_t>(4 - i)), rest);
    const double recovered = hdc::similarity(hdc::unbind(gram, seq.back()), rest);
    const double threshold = 1 / std::sqrt(2.0) - 4 * 2 / std::sqrt(double(V{}.dim()));
    INFO("recovered " << recovered << ", threshold " << threshold);
    CHECK(recovered > threshold);
}

TEST_CASE("a resonator factors HRR composites of unitary atoms", "[hrr][resonator]") {
    using V = hdc::hrr<hdc::dynamic>;
    hdc::rng gen(13);
    std::vector<std::vector<V>> books(3);
    const std::size_t sizes[] = {8, 10, 9};
    for (std::size_t f = 0; f < 3; ++f)
        for (std::size_t j = 0; j < sizes[f]; ++j) books[f].push_back(hdc::random_unitary<V>(gen, 512));
    hdc::resonator_options o;
    o.tolerance = 1e-4;   // float states: a fixed point up to rounding
    o.stable_sweeps = 5;  // or indices unchanged for 5 sweeps
    const hdc::resonator<V> net(books, o);
    std::size_t correct = 0;
    for (std::size_t p = 0; p < 10; ++p) {
        std::vector<std::size_t> truth(3);
        for (std::size_t f = 0; f < 3; ++f) truth[f] = gen.below(sizes[f]);
        const V s = net.compose(truth);
        const auto r = net.factor(s, p);
        if (r.indices == truth) {
            ++correct;
            CHECK(r.converged);
            CHECK(net.verify(r, s) == Approx(1.0).margin(1e-5));
        }
    }
    CHECK(correct == 10);
}

TEST_CASE("HRR vectors and memories round-trip through the file format, a VTB file is refused", "[hrr][io]") {
    using V = hdc::hrr<1001, double>;
    hdc::rng gen{307};
    const std::vector<V> vs{hdc::random<V>(gen), hdc::random_unitary<V>(gen)};
    CHECK(hdc::from_bytes<std::vector<V>>(hdc::to_bytes(vs)) == vs);
    hdc::item_memory<V> memory;
    memory.add("a", vs[0]);
    memory.add("b", vs[1]);
    const auto back = hdc::from_bytes<hdc::item_memory<V>>(hdc::to_bytes(memory));
    CHECK(back.nearest(vs[1]).label == "b");
    // Same components, other family: refused by the family id.
    using W = hdc::vtb<1089, double>;
    CHECK(hdc::from_bytes<W>(hdc::to_bytes(hdc::random<W>(gen))).dim() == 1089);
    using H = hdc::hrr<1089, double>;
    using VD = hdc::vtb<hdc::dynamic, double>;
    const auto vtb_file = hdc::to_bytes(hdc::random<W>(gen));
    const auto hrr_file = hdc::to_bytes(vs[0]);
    CHECK_THROWS_AS(hdc::from_bytes<H>(vtb_file), hdc::format_error);
    CHECK_THROWS_WITH(hdc::from_bytes<VD>(hrr_file), Catch::Contains("hrr") && Catch::Contains("vtb"));
}

// ---- The FFT (simd/fft.hpp) behind HRR: accuracy, portability of the bits, edge cases ----

namespace {

/// The DFT by its definition in long double, at the frequencies ks (all when empty): twiddles
/// from cosl/sinl of the exactly reduced angle 2 pi (jk mod n) / n.
std::vector<std::complex<long double>> naive_dft(const std::vector<std::complex<double>>& x,
                                                 const std::vector<std::size_t>& ks) {
    const std::size_t n = x.size();
    const long double two_pi = 6.283185307179586476925286766559005768L;
    std::vector<std::complex<long double>> w(n);
    for (std::size_t k = 0; k < n; ++k) {
        const long double angle = -two_pi * static_cast<long double>(k) / static_cast<long double>(n);
        w[k] = {std::cos(angle), std::sin(angle)};
    }
    std::vector<std::complex<long double>> out;
    for (std::size_t k = 0; k < n; ++k) {
        if (!ks.empty() && std::find(ks.begin(), ks.end(), k) == ks.end()) continue;
        long double re = 0, im = 0;
        std::size_t jk = 0;  // j k mod n
        for (std::size_t j = 0; j < n; ++j, jk = (jk + k) % n) {
            const long double xr = x[j].real(), xi = x[j].imag();
            re += xr * w[jk].real() - xi * w[jk].imag();
            im += xr * w[jk].imag() + xi * w[jk].real();
        }
        out.emplace_back(re, im);
    }
    return out;
}

/// Fixed complex inputs made of exact integer arithmetic and one correctly rounded division.
std::vector<std::complex<double>> fixed_signal(std::size_t n) {
    std::vector<std::complex<double>> x(n);
    for (std::size_t j = 0; j < n; ++j)
        x[j] = {static_cast<double>((j * 7919 + 13) % 1000) / 1000.0 - 0.5,
                static_cast<double>((j * 104729 + 7) % 997) / 997.0 - 0.5};
    return x;
}

/// Radix stages of a length without prime factors above 5, counted as base-2 logarithms (a
/// radix-r butterfly does the work of log2 r radix-2 stages).
double log2_length(std::size_t n) { return std::log2(static_cast<double>(std::max<std::size_t>(n, 2))); }

}  // namespace

TEST_CASE("the FFT equals the DFT's definition within its rounding bound, for every length", "[hrr][fft]") {
    // Higham (Accuracy and Stability of Numerical Algorithms, Thm 24.2): a radix-2 FFT with
    // twiddles accurate to mu has relative 2-norm error <= log2(n) eta / (1 - log2(n) eta),
    // eta = mu + gamma_4 (sqrt 2 + mu) ~ 7.2 eps for mu ~ 1.5 eps (the twiddles from rotation.hpp's
    // sine and cosine, about one ulp, of an angle rounded twice). Bound: 8 eps per log2 of the
    // length. Bluestein's path composes three transforms of length M (the 5-smooth length
    // >= 2n - 1) and three diagonal complex products (each <= 2 gamma_2): 8 eps (3 log2 M + 3).
    // Measured: 0.3 to 3.7 eps without Bluestein, 2 to 8 eps with (n = 7 ... 10,007).
    const double eps = std::numeric_limits<double>::epsilon() / 2;
    for (std::size_t n : {1u, 2u, 3u, 5u, 7u, 8u, 12u, 1001u, 1024u, 1009u, 10007u}) {
        CAPTURE(n);
        const hdc::simd::fft plan(n);
        const auto x = fixed_signal(n);
        std::vector<std::complex<double>> y(n), scratch(plan.scratch_size());
        plan.forward(x.data(), y.data(), scratch.data());
        // At 10,007 the definition costs n^2: 211 frequencies spread over the spectrum estimate
        // the same 2-norm ratio.
        std::vector<std::size_t> ks;
        if (n > 2000)
            for (std::size_t k = 0; k < n; k += 47) ks.push_back(k);
        const auto ref = naive_dft(x, ks);
        long double err = 0, scale = 0;
        for (std::size_t i = 0; i < ref.size(); ++i) {
            const std::size_t k = ks.empty() ? i : ks[i];
            err += std::norm(std::complex<long double>(y[k].real(), y[k].imag()) - ref[i]);
            scale += std::norm(ref[i]);
        }
        const double relative = std::sqrt(static_cast<double>(err / scale));
        const std::size_t m = plan.uses_bluestein() ? plan.scratch_size() / 2 : n;
        const double bound = plan.uses_bluestein() ? 8 * eps * (3 * log2_length(m) + 3) : 8 * eps * log2_length(n);
        CAPTURE(relative / eps, bound / eps);
        CHECK(plan.uses_bluestein() == (n == 7 || n == 1001 || n == 1009 || n == 10007));
        CHECK(relative <= bound);
    }
}

TEST_CASE("fixed inputs give fixed FFT and binding bits (portable: no libm, explicit fma)", "[hrr][fft][golden]") {
    // The bits pinned here are the same on every machine and under any -ffp-contract or -march
    // (simd/fft.hpp's header comment says why); a build that rounds any step differently fails.
    // Recorded 2026-12-02 with GCC 12 -O3 -march=native; the same five checksums came out of
    // GCC -O0, -O2 -ffp-contract=off, -O2 -march=x86-64 (no FMA unit: libm's fma), -O3
    // -ffp-contract=fast, and Clang 14 -O2 -march=native -ffp-contract=fast and -O3
    // -ffp-contract=on. Lengths: 1,024 and 10,000 (radix 4, 2, 5), 10,007 (Bluestein).
    auto fft_checksum = [](std::size_t n) {
        const hdc::simd::fft plan(n);
        const auto x = fixed_signal(n);
        std::vector<std::complex<double>> y(n), scratch(plan.scratch_size());
        plan.forward(x.data(), y.data(), scratch.data());
        std::vector<unsigned char> bytes;
        hdc_test::append_bytes(bytes, y.data(), n);
        return hdc_test::fnv1a(bytes);
    };
    CHECK(fft_checksum(1024) == 0x2FC0AEE1F6D9552Cull);
    CHECK(fft_checksum(10000) == 0xB3386B80488955BDull);
    CHECK(fft_checksum(10007) == 0x039465B44396590Aull);
    // Double HRR bindings keep every bit of the transform (float ones round most differences away).
    auto bind_checksum = [](std::size_t n) {
        using V = hrr_double_dynamic;
        const V a = hdc::symbol<V>("a", 5, n), b = hdc::symbol<V>("b", 5, n);
        const V c = hdc::bind(a, b), u = hdc::unbind(c, a);
        std::vector<unsigned char> bytes;
        hdc_test::append_bytes(bytes, c.data(), n);
        hdc_test::append_bytes(bytes, u.data(), n);
        return hdc_test::fnv1a(bytes);
    };
    CHECK(bind_checksum(10000) == 0xDE0C41F69F649D8Cull);
    CHECK(bind_checksum(1001) == 0x596FB604F864E185ull);
}

TEST_CASE("HRR binding of operands of very different scales keeps both spectra accurate", "[hrr][fft]") {
    // Both spectra come from one transform of a + i 2^e b; the exact power of two keeps b's
    // rounding relative to b. Unscaled, b's spectrum would carry errors of eps |a| ~ 1e-6 |b| here.
    using V = hrr_double_dynamic;
    hdc::rng gen{308};
    for (std::size_t n : {64u, 1009u}) {
        CAPTURE(n);
        const V a = hdc::random<V>(gen, n);
        const V unscaled = hdc::random<V>(gen, n);
        std::vector<double> small(unscaled.values().begin(), unscaled.values().end());
        for (auto& x : small) x *= 1e-10;
        const V b = V::from_values(small);
        CHECK(relative_error(hdc::bind(a, b), naive_convolution(a, b, false)) < 4 * eps<V>());
        CHECK(relative_error(hdc::bind(b, a), naive_convolution(a, b, false)) < 4 * eps<V>());
        CHECK(relative_error(hdc::unbind(a, b), naive_convolution(b, a, true)) < 4 * eps<V>());
    }
}

TEST_CASE("empty HRR vectors bind to empty vectors and have no spectrum", "[hrr]") {
    const hrr_float_dynamic e{};
    REQUIRE(e.dim() == 0);
    CHECK(hdc::bind(e, e).dim() == 0);
    CHECK(hdc::unbind(e, e).dim() == 0);
    CHECK(hdc::unbind_exact(e, e).dim() == 0);
    CHECK(hdc::exact_inverse(e).dim() == 0);
    CHECK(hdc::involution(e).dim() == 0);
    CHECK_THROWS_AS(hdc::min_spectrum_modulus(e), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::unbind_exact(e, e, -1.0), hdc::invalid_parameter);
}

TEST_CASE("the per-thread HRR workspace can be released, and plans of many lengths coexist", "[hrr]") {
    using V = hrr_double_dynamic;
    hdc::rng gen{309};
    std::vector<V> a, b, expected;
    // Six lengths cycle through a cache of four plans (smooth and Bluestein lengths).
    for (std::size_t n : {1000u, 1001u, 1024u, 97u, 30u, 7u}) {
        a.push_back(hdc::random<V>(gen, n));
        b.push_back(hdc::random<V>(gen, n));
        expected.push_back(hdc::bind(a.back(), b.back()));
    }
    for (int round = 0; round < 2; ++round)
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(hdc::bind(a[i], b[i]) == expected[i]);
    hdc::release_hrr_workspace();
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(hdc::bind(a[i], b[i]) == expected[i]);
    CHECK(hdc::hrr_family::accepts(hdc::max_dimension));
}
