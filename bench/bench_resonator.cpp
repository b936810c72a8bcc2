// bench_resonator - one classic resonator iteration (sweep) for F = 3, N = 1500, 205 bipolar
// codevectors per factor, against naive baselines of the same loop in the same run, and one
// stochastic sweep (top-a = 7) at 800 codevectors per factor.
//
//   packed           resonator<bipolar>::step (the default): per factor one unbinding, S^T u as
//                    hamming distances to packed sign-bit rows, X a as int32 signed adds of the
//                    packed rows, sign
//   float            the same with options.packed_bits = false: S^T u and X a as Eigen
//                    matrix-vector products over the contiguous float codebook
//   batch16_float    16 problems stepped together on the float path (step(span)): S^T U and X A
//                    as matrix-matrix products; the counter us_per_problem is the time per
//                    problem-sweep
//   naive_dot        the same sweep with every similarity a separate dot product and the
//                    projection a separate scaled add per codevector (vectorised, no matrix product)
//   naive_scalar     the same as naive_dot with plain scalar loops
// All of them compute the same integers (bipolar dot products are exact in float), which the
// benchmark checks once before timing. The problem lies above the classic network's capacity
// (D = 205 > 79 at N = 1500), so sweeps keep changing the estimates; a run that nevertheless
// stops is restarted outside the timed region.
#include <hdc/core/algebra.hpp>
#include <hdc/memory/resonator/resonator.hpp>
#include <hdc/models/bipolar.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using V = hdc::bipolar<hdc::dynamic>;
constexpr std::size_t n = 1500, d = 205, factors = 3;
constexpr std::size_t d_stochastic = 800;

struct problem {
    std::vector<std::vector<V>> books;
    V s;
    explicit problem(std::size_t size = d) {
        hdc::rng gen(7);
        books.resize(factors);
        for (auto& b : books)
            for (std::size_t j = 0; j < size; ++j) b.push_back(V::random(gen, n));
        s = hdc::bind(hdc::bind(books[0][3], books[1][5]), books[2][7]);
    }
};

const problem& shared() {
    static const problem p;
    return p;
}

const problem& shared_stochastic() {
    static const problem p(d_stochastic);
    return p;
}

hdc::resonator_options never_stop(bool packed = true) {
    hdc::resonator_options o;
    o.max_iterations = 1u << 30;
    o.max_cycle_period = 0;
    o.detect_fixed_point = false;
    o.packed_bits = packed;
    return o;
}

/// The stochastic rule as examples/resonator runs it (threshold from top-a, default noise and
/// asymmetry), never stopping.
hdc::resonator_options stochastic_never_stop(bool packed) {
    hdc::resonator_options o = never_stop(packed);
    o.rule = hdc::resonator_rule::stochastic;
    o.stochastic.threshold_from_top_a = true;
    return o;
}

/// The naive sweep: same data layout (column-major float codebooks), no matrix products.
struct naive {
    using vec = Eigen::VectorXf;
    std::vector<Eigen::MatrixXf> x;
    vec s;
    std::vector<vec> est;
    vec u, a, raw;
    explicit naive(const problem& p) {
        for (const auto& b : p.books) {
            Eigen::MatrixXf m(n, d);
            for (std::size_t j = 0; j < d; ++j)
                for (std::size_t i = 0; i < n; ++i)
                    m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = b[j][i];
            x.push_back(std::move(m));
        }
        s.resize(n);
        for (std::size_t i = 0; i < n; ++i) s[static_cast<Eigen::Index>(i)] = p.s[i];
        for (std::size_t f = 0; f < factors; ++f) {
            vec init = x[f].rowwise().sum();
            for (auto& c : init) c = c < 0 ? -1.0f : 1.0f;
            est.push_back(init);
        }
        u.resize(n);
        a.resize(d);
        raw.resize(n);
    }
    template <bool Vectorised>
    void sweep() {
        const auto nn = static_cast<Eigen::Index>(n), dd = static_cast<Eigen::Index>(d);
        for (std::size_t f = 0; f < factors; ++f) {
            u = s;
            for (std::size_t g = 0; g < factors; ++g)
                if (g != f) u.array() *= est[g].array();
            const Eigen::MatrixXf& m = x[f];
            for (Eigen::Index j = 0; j < dd; ++j) {
                if constexpr (Vectorised) {
                    a[j] = m.col(j).dot(u);
                } else {
                    float acc = 0;
                    const float* col = m.col(j).data();
                    for (Eigen::Index i = 0; i < nn; ++i) acc += col[i] * u[i];
                    a[j] = acc;
                }
            }
            raw.setZero();
            for (Eigen::Index j = 0; j < dd; ++j) {
                if constexpr (Vectorised) {
                    raw += a[j] * m.col(j);
                } else {
                    const float* col = m.col(j).data();
                    for (Eigen::Index i = 0; i < nn; ++i) raw[i] += a[j] * col[i];
                }
            }
            for (Eigen::Index i = 0; i < nn; ++i) est[f][i] = raw[i] < 0 ? -1.0f : 1.0f;
        }
    }
};

/// Checks once that the packed and float library sweeps and both naive sweeps produce the same
/// estimates, and that both library paths agree on the stochastic problem.
void check_same() {
    static bool checked = false;
    if (checked) return;
    checked = true;
    auto fail = [](const char* what) {
        std::fprintf(stderr, "bench_resonator: %s sweeps differ\n", what);
        std::exit(1);
    };
    const auto& p = shared();
    const hdc::resonator<V> packed(p.books, never_stop(true)), plain(p.books, never_stop(false));
    if (!packed.packed() || plain.packed()) fail("packed flag");
    auto rp = packed.start(p.s), rf = plain.start(p.s);
    naive a(p), b(p);
    for (int t = 0; t < 5; ++t) {
        packed.step(rp);
        plain.step(rf);
        a.sweep<true>();
        b.sweep<false>();
        for (std::size_t f = 0; f < factors; ++f)
            if (rp.estimate(f) != rf.estimate(f) || rf.estimate(f) != a.est[f] ||
                a.est[f] != b.est[f])
                fail("naive and library");
    }
    const auto& q = shared_stochastic();
    const hdc::resonator<V> sp(q.books, stochastic_never_stop(true)),
        sf(q.books, stochastic_never_stop(false));
    auto rsp = sp.start(q.s), rsf = sf.start(q.s);
    for (int t = 0; t < 5; ++t) {
        sp.step(rsp);
        sf.step(rsf);
        for (std::size_t f = 0; f < factors; ++f)
            if (rsp.estimate(f) != rsf.estimate(f)) fail("stochastic packed and float");
    }
}

/// Times one sweep of `net` on composite `s`, restarting the run whenever it stops.
void time_sweeps(benchmark::State& state, const hdc::resonator<V>& net, const V& s) {
    auto run = net.start(s);
    for (auto _ : state) {
        if (net.step(run)) {
            state.PauseTiming();
            run = net.start(s);
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(run.estimate(0).data());
    }
}

template <bool Packed>
void BM_resonator_sweep_library(benchmark::State& state) {
    check_same();
    const auto& p = shared();
    time_sweeps(state, hdc::resonator<V>(p.books, never_stop(Packed)), p.s);
}

/// One stochastic sweep at 800 codevectors per factor (top-a = 7 sparse projections).
template <bool Packed>
void BM_resonator_stochastic_sweep(benchmark::State& state) {
    check_same();
    const auto& p = shared_stochastic();
    time_sweeps(state, hdc::resonator<V>(p.books, stochastic_never_stop(Packed)), p.s);
}

/// 16 problems stepped together on the float path (step(span)): the time is per sweep of the
/// whole batch; the counter us_per_problem divides it by 16.
void BM_resonator_sweep_batch16_float(benchmark::State& state) {
    const auto& p = shared();
    const hdc::resonator<V> net(p.books, never_stop(false));
    std::vector<hdc::resonator<V>::run> runs;
    for (std::size_t i = 0; i < 16; ++i) runs.push_back(net.start(p.s, i));
    for (auto _ : state) {
        net.step(std::span<hdc::resonator<V>::run>(runs));
        benchmark::DoNotOptimize(runs[0].estimate(0).data());
    }
    state.counters["us_per_problem"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * 16.0,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <bool Vectorised>
void BM_resonator_sweep_naive(benchmark::State& state) {
    naive nv(shared());
    for (auto _ : state) {
        nv.sweep<Vectorised>();
        benchmark::DoNotOptimize(nv.est[0].data());
    }
}

BENCHMARK_TEMPLATE(BM_resonator_sweep_library, true)->Name("BM_resonator_sweep_packed")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_sweep_library, false)->Name("BM_resonator_sweep_float")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_resonator_sweep_batch16_float)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_sweep_naive, true)->Name("BM_resonator_sweep_naive_dot")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_sweep_naive, false)->Name("BM_resonator_sweep_naive_scalar")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_stochastic_sweep, true)->Name("BM_resonator_stochastic800_sweep_packed")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_stochastic_sweep, false)->Name("BM_resonator_stochastic800_sweep_float")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
