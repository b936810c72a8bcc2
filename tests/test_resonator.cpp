// Tests of memory/resonator: convergence with known factors for every supported family and rule,
// limit-cycle detection on a constructed cycle, verify(), determinism and thread-count
// independence, and rejection of bad input.
#include <catch2/catch.hpp>

#include <hdc/memory/resonator/resonator.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/sparse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using bip = hdc::bipolar<hdc::dynamic>;
using pha = hdc::phasor<hdc::dynamic>;
using spa = hdc::sparse<hdc::dynamic, hdc::dynamic>;

/// F random codebooks of the given sizes.
template <class V>
std::vector<std::vector<V>> books(hdc::rng& gen, const typename V::shape_type& shape,
                                  std::vector<std::size_t> sizes) {
    std::vector<std::vector<V>> out(sizes.size());
    for (std::size_t f = 0; f < sizes.size(); ++f)
        for (std::size_t j = 0; j < sizes[f]; ++j) out[f].push_back(hdc::random<V>(gen, shape));
    return out;
}

/// Factors `problems` random composites; returns how many were decoded exactly, and checks that
/// each exact one verifies at similarity 1 and reports convergence.
template <class V>
std::size_t solve_many(const hdc::resonator<V>& net, hdc::rng& gen, std::size_t problems) {
    std::size_t correct = 0;
    for (std::size_t p = 0; p < problems; ++p) {
        std::vector<std::size_t> truth(net.factors());
        for (std::size_t f = 0; f < net.factors(); ++f) truth[f] = gen.below(net.codebook_size(f));
        const V s = net.compose(truth);
        const auto r = net.factor(s, p);
        if (r.indices == truth) {
            ++correct;
            CHECK(r.converged);
            CHECK(net.verify(r, s) == Approx(1.0).margin(1e-5));
            for (double sim : r.similarities) CHECK(sim > 0.9);
        }
    }
    return correct;
}

}  // namespace

TEST_CASE("classic bipolar resonator factors small problems with codebooks of different sizes",
          "[resonator]") {
    hdc::rng gen(11);
    const hdc::resonator<bip> net(books<bip>(gen, 1000, {8, 12, 10}));
    // Far below capacity (N = 1000, M = 960): every problem must be exact.
    CHECK(solve_many(net, gen, 10) == 10);
}

TEST_CASE("classic bipolar resonator with OLS weights and synchronous updates", "[resonator]") {
    hdc::rng gen(12);
    hdc::resonator_options o;
    o.ols = true;
    const hdc::resonator<bip> ols(books<bip>(gen, 1000, {10, 10, 10}), o);
    CHECK(solve_many(ols, gen, 10) == 10);
    o.ols = false;
    o.order = hdc::resonator_order::synchronous;
    o.restarts = 20;  // synchronous updates are prone to 2-cycles: restart out of them
    const hdc::resonator<bip> sync(books<bip>(gen, 1000, {6, 6, 6}), o);
    CHECK(solve_many(sync, gen, 10) == 10);
}

TEST_CASE("complex (FHRR) resonator factors small problems", "[resonator]") {
    hdc::rng gen(13);
    hdc::resonator_options o;
    o.tolerance = 1e-4;     // float states: a fixed point up to rounding
    o.stable_sweeps = 5;    // or indices unchanged for 5 sweeps
    const hdc::resonator<pha> net(books<pha>(gen, 512, {8, 10, 9}), o);
    CHECK(solve_many(net, gen, 10) == 10);
}

TEST_CASE("block-code factorizer factors small sparse block code problems", "[resonator]") {
    hdc::rng gen(14);
    hdc::resonator_options o;
    o.tolerance = 1e-5;
    o.stable_sweeps = 5;
    const hdc::resonator<spa> net(books<spa>(gen, hdc::sparse_shape{256, 16}, {8, 10, 9}), o);
    CHECK(solve_many(net, gen, 10) == 10);
}

TEST_CASE("stochastic and attention rules factor small problems", "[resonator]") {
    hdc::rng gen(15);
    hdc::resonator_options o;
    o.rule = hdc::resonator_rule::stochastic;
    o.max_cycle_period = 0;
    o.max_iterations = 2000;
    o.stochastic.threshold_from_top_a = true;  // a fixed 0.05 freezes codebooks of 20
    o.stop_similarity = 0.5;                   // spurious fixed points restart
    o.restarts = 100;
    o.seed = 3;
    const hdc::resonator<bip> stochastic(books<bip>(gen, 1000, {20, 20, 20}), o);
    CHECK(solve_many(stochastic, gen, 10) == 10);

    hdc::resonator_options a;
    a.rule = hdc::resonator_rule::attention;
    a.attention.beta = 1;
    a.attention.beta_times_sqrt_n = true;
    a.attention.state = hdc::state_normalization::sign;
    a.stop_similarity = 0.5;  // spurious fixed points restart
    a.restarts = 200;
    a.max_iterations = 2000;
    const hdc::resonator<bip> attention(books<bip>(gen, 1000, {8, 8, 8}), a);
    CHECK(solve_many(attention, gen, 10) == 10);
}

TEST_CASE("packed sign codebook computes exact similarities and projections", "[resonator]") {
    hdc::rng gen(31);
    const std::size_t n = 777, d = 13;  // n not a multiple of 64: padding must not count
    Eigen::MatrixXf x(n, d);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
        for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = (gen() >> 63) ? -1.0f : 1.0f;
    Eigen::VectorXf u(n);
    for (auto& c : u) c = (gen() >> 63) ? -1.0f : 1.0f;
    const hdc::packed_sign_codebook book(x.data(), n, d);
    REQUIRE(book.size() == d);
    hdc::aligned_buffer<std::uint64_t> bits(book.words());
    hdc::packed_sign_codebook::pack(u.data(), n, bits.data());
    std::vector<std::uint32_t> scratch(d);
    Eigen::VectorXf a(d);
    book.similarities(bits.data(), scratch.data(), a.data());
    const Eigen::VectorXf expected_a = x.transpose() * u;
    CHECK(a == expected_a);
    Eigen::VectorXf w(d);
    for (Eigen::Index j = 0; j < w.size(); ++j) w[j] = static_cast<float>(gen.below(41)) - 20.0f;
    hdc::aligned_buffer<std::int32_t> sums(n);
    std::vector<std::int32_t> weights(d);
    book.project(w.data(), weights.data(), sums.data());
    const Eigen::VectorXf expected_p = x * w;
    for (std::size_t i = 0; i < n; ++i)
        CHECK(static_cast<float>(sums.data()[i]) == expected_p[static_cast<Eigen::Index>(i)]);
}

TEST_CASE("packed-bit and float paths give identical results", "[resonator]") {
    // Bipolar classic and stochastic runs are exact integer arithmetic: the packed sign-bit
    // backend must reproduce the float matrix path's trajectories exactly, including runs that
    // fail, cycle and restart (codebooks above the classic network's capacity at this N).
    hdc::rng gen(37);
    const auto cb = books<bip>(gen, 700, {40, 33, 47});
    std::vector<bip> composites;
    for (std::size_t p = 0; p < 12; ++p)
        composites.push_back(hdc::bind(hdc::bind(cb[0][gen.below(40)], cb[1][gen.below(33)]),
                                       cb[2][gen.below(47)]));
    auto same = [&](hdc::resonator_options o) {
        o.packed_bits = true;
        const hdc::resonator<bip> packed(cb, o);
        o.packed_bits = false;
        const hdc::resonator<bip> plain(cb, o);
        REQUIRE(packed.packed());
        REQUIRE_FALSE(plain.packed());
        std::size_t correct = 0;
        for (std::size_t p = 0; p < composites.size(); ++p) {
            const auto a = packed.factor(composites[p], p);
            const auto b = plain.factor(composites[p], p);
            CHECK(a.indices == b.indices);
            CHECK(a.iterations == b.iterations);
            CHECK(a.similarities == b.similarities);
            CHECK(a.restarts == b.restarts);
            CHECK(a.reason == b.reason);
            correct += a.converged;
        }
        // Batched float products (step(span)) against the packed path, and step by step.
        const auto pa = packed.factor(std::span<const bip>(composites), 1, 5);
        const auto pb = plain.factor(std::span<const bip>(composites), 1, 5);
        for (std::size_t p = 0; p < composites.size(); ++p) {
            CHECK(pa[p].indices == pb[p].indices);
            CHECK(pa[p].iterations == pb[p].iterations);
            CHECK(pa[p].similarities == pb[p].similarities);
        }
        auto ra = packed.start(composites[0], 0), rb = plain.start(composites[0], 0);
        for (int t = 0; t < 5 && !packed.step(ra); ++t) {
            plain.step(rb);
            for (std::size_t f = 0; f < packed.factors(); ++f) CHECK(ra.estimate(f) == rb.estimate(f));
        }
        return correct;
    };
    hdc::resonator_options classic;
    classic.max_iterations = 60;
    classic.restarts = 2;
    classic.restart_after = 25;
    classic.seed = 9;
    const std::size_t classic_ok = same(classic);
    classic.order = hdc::resonator_order::synchronous;
    same(classic);
    hdc::resonator_options stochastic;
    stochastic.rule = hdc::resonator_rule::stochastic;
    stochastic.stochastic.threshold_from_top_a = true;
    stochastic.stochastic.noise = 0.01;
    stochastic.stop_similarity = 0.5;
    stochastic.restarts = 3;
    stochastic.max_iterations = 150;
    stochastic.seed = 4;
    const std::size_t stochastic_ok = same(stochastic);
    // Both outcomes occur, so the comparison covers converging and failing trajectories.
    CHECK(classic_ok < composites.size());
    CHECK(stochastic_ok > 0);
    // The rules whose states are not +-1 keep the float path.
    hdc::resonator_options ols = classic;
    ols.ols = true;
    CHECK_FALSE(hdc::resonator<bip>(cb, ols).packed());
    hdc::resonator_options attention;
    attention.rule = hdc::resonator_rule::attention;
    CHECK_FALSE(hdc::resonator<bip>(cb, attention).packed());
    CHECK_FALSE(hdc::resonator<pha>(books<pha>(gen, 64, {3, 3})).packed());
}

TEST_CASE("an item_memory per factor builds the same network", "[resonator]") {
    hdc::rng gen(16);
    const auto b = books<bip>(gen, 800, {6, 7});
    std::vector<hdc::item_memory<bip>> memories(2);
    for (std::size_t f = 0; f < 2; ++f)
        for (const auto& v : b[f]) memories[f].add(v);
    const hdc::resonator<bip> from_memories{std::span<const hdc::item_memory<bip>>(memories)};
    const hdc::resonator<bip> from_vectors(b);
    const std::vector<std::size_t> truth{4, 2};
    const bip s = from_vectors.compose(truth);
    CHECK(from_memories.factor(s).indices == truth);
    CHECK(from_vectors.factor(s).indices == truth);
}

TEST_CASE("a constructed two-cycle is detected as a limit cycle", "[resonator]") {
    // Both codebooks are {1, b} (1 = all +1) and s = b. The start is sgn(1 + b) = 1 for both
    // factors; synchronous updates then alternate (1, 1) -> (b, b) -> (1, 1): a 2-cycle, while
    // sequential updates reach the factorization (b, 1) at once.
    hdc::rng gen(17);
    const std::size_t n = 256;
    const bip one(n);
    const bip b = bip::random(gen, n);
    const std::vector<std::vector<bip>> cb{{one, b}, {one, b}};
    hdc::resonator_options o;
    o.order = hdc::resonator_order::synchronous;
    o.max_iterations = 100;
    const hdc::resonator<bip> sync(cb, o);
    const auto r = sync.factor(b);
    CHECK(r.reason == hdc::resonator_stop::limit_cycle);
    CHECK_FALSE(r.converged);
    CHECK(r.iterations == 3);  // states after sweeps 1, 2, 3: (b,b), (1,1), (b,b)

    o.max_cycle_period = 0;  // detection off: the cycle runs into the cap
    const auto capped = hdc::resonator<bip>(cb, o).factor(b);
    CHECK(capped.reason == hdc::resonator_stop::iteration_cap);
    CHECK(capped.iterations == 100);

    o.order = hdc::resonator_order::sequential;
    const hdc::resonator<bip> seq(cb, o);
    const auto ok = seq.factor(b);
    CHECK(ok.converged);
    CHECK(seq.verify(ok, b) == 1.0);
}

TEST_CASE("verify rebuilds the product", "[resonator]") {
    hdc::rng gen(18);
    const hdc::resonator<bip> net(books<bip>(gen, 2000, {5, 5, 5}));
    const std::vector<std::size_t> truth{1, 3, 4};
    const bip s = net.compose(truth);
    hdc::resonator_result wrong;
    wrong.indices = {1, 3, 2};
    // An unrelated product: similarity ~ N(0, 1/N); 6 standard deviations.
    CHECK(std::abs(net.verify(wrong, s)) < 6.0 / std::sqrt(2000.0));
    wrong.indices = truth;
    CHECK(net.verify(wrong, s) == 1.0);
}

TEST_CASE("results depend on the seed only, not on the thread count", "[resonator]") {
    hdc::rng gen(19);
    hdc::resonator_options o;
    o.rule = hdc::resonator_rule::stochastic;
    o.stochastic.noise = 0.01;  // noise large enough to change trajectories
    o.max_cycle_period = 0;
    o.max_iterations = 500;
    o.seed = 5;
    const auto cb = books<bip>(gen, 600, {25, 25, 25});
    const hdc::resonator<bip> net(cb, o);
    std::vector<bip> composites;
    for (std::size_t p = 0; p < 8; ++p)
        composites.push_back(net.compose(std::vector<std::size_t>{gen.below(25), gen.below(25), gen.below(25)}));
    const auto one = net.factor(std::span<const bip>(composites), 1);
    const auto three = net.factor(std::span<const bip>(composites), 3);
    const auto again = hdc::resonator<bip>(cb, o).factor(std::span<const bip>(composites), 2);
    REQUIRE(one.size() == composites.size());
    std::size_t differs = 0;
    for (std::size_t p = 0; p < one.size(); ++p) {
        CHECK(one[p].indices == three[p].indices);
        CHECK(one[p].iterations == three[p].iterations);
        CHECK(one[p].similarities == three[p].similarities);
        CHECK(one[p].indices == again[p].indices);
        CHECK(one[p].iterations == again[p].iterations);
        // Batched stepping is exact for bipolar: the same as solving the problem alone.
        const auto alone = net.factor(composites[p], p);
        CHECK(alone.indices == one[p].indices);
        CHECK(alone.iterations == one[p].iterations);
        // The same problem under another problem number draws other noise.
        differs += net.factor(composites[p], 1000 + p).iterations != one[p].iterations;
    }
    CHECK(differs > 0);

    // The classic rule in batches of 3 (a partial last batch) equals the one-by-one path.
    const hdc::resonator<bip> classic(cb);
    const auto batched = classic.factor(std::span<const bip>(composites), 2, 3);
    for (std::size_t p = 0; p < composites.size(); ++p) {
        const auto alone = classic.factor(composites[p], p);
        CHECK(batched[p].indices == alone.indices);
        CHECK(batched[p].iterations == alone.iterations);
        CHECK(batched[p].reason == alone.reason);
    }
    CHECK_THROWS_AS(classic.factor(std::span<const bip>(composites), 1, 0), hdc::invalid_parameter);
}

TEST_CASE("bad input is rejected with a clear hdc::error", "[resonator]") {
    hdc::rng gen(20);
    const auto good = books<bip>(gen, 100, {3, 3});
    CHECK_THROWS_AS(hdc::resonator<bip>(std::vector<std::vector<bip>>{}), hdc::empty_input);
    CHECK_THROWS_WITH(hdc::resonator<bip>(std::vector<std::vector<bip>>{}),
                      Catch::Contains("F = 0"));
    CHECK_THROWS_AS(hdc::resonator<bip>({good[0], {}}), hdc::empty_input);
    CHECK_THROWS_WITH(hdc::resonator<bip>({good[0], {}}), Catch::Contains("codebook 1 is empty"));
    CHECK_THROWS_AS(hdc::resonator<bip>({good[0], {bip::random(gen, 101)}}), hdc::dimension_mismatch);

    const hdc::resonator<bip> net(good);
    CHECK_THROWS_AS(net.factor(bip::random(gen, 99)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(net.compose(std::vector<std::size_t>{0}), hdc::invalid_parameter);
    CHECK_THROWS_AS(net.compose(std::vector<std::size_t>{3, 0}), hdc::invalid_parameter);

    hdc::resonator_options o;
    o.rule = hdc::resonator_rule::attention;
    o.attention.beta = 0;
    CHECK_THROWS_AS(hdc::resonator<bip>(good, o), hdc::invalid_parameter);
    CHECK_THROWS_WITH(hdc::resonator<bip>(good, o), Catch::Contains("beta must be positive"));
    o.attention.beta = -1;
    CHECK_THROWS_AS(hdc::resonator<bip>(good, o), hdc::invalid_parameter);
    o.attention.beta = 1;
    o.attention.schedule = hdc::beta_schedule::geometric;
    o.attention.beta_end = 0;
    CHECK_THROWS_AS(hdc::resonator<bip>(good, o), hdc::invalid_parameter);

    hdc::resonator_options s;
    s.rule = hdc::resonator_rule::stochastic;
    s.stochastic.top_a = 0;
    CHECK_THROWS_AS(hdc::resonator<bip>(good, s), hdc::invalid_parameter);
    CHECK_THROWS_WITH(hdc::resonator<bip>(good, s), Catch::Contains("top_a must be positive"));

    hdc::resonator_options cap;
    cap.max_iterations = 0;
    CHECK_THROWS_AS(hdc::resonator<bip>(good, cap), hdc::invalid_parameter);
}
