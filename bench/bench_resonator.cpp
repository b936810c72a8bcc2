// bench_resonator - one classic resonator iteration (sweep) for F = 3, N = 1500, 205 bipolar
// codevectors per factor, against naive baselines of the same loop in the same run.
//
//   library          resonator<bipolar>::step: per factor one unbinding, S^T u and X a as Eigen
//                    matrix-vector products over the contiguous float codebook, sign
//   batch16          16 problems stepped together (step(span)): S^T U and X A as matrix-matrix
//                    products; the counter us_per_problem is the time per problem-sweep
//   naive_dot        the same sweep with every similarity a separate dot product and the
//                    projection a separate scaled add per codevector (vectorised, no matrix product)
//   naive_scalar     the same as naive_dot with plain scalar loops
// All three compute the same integers (bipolar dot products are exact in float), which the
// benchmark checks once before timing. The problem lies above the classic network's capacity
// (D = 205 > 79 at N = 1500), so sweeps keep changing the estimates; a run that nevertheless
// stops is restarted outside the timed region.
#include <hdc/hdc.hpp>
#include <hdc/memory/resonator/resonator.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using V = hdc::bipolar<hdc::dynamic>;
constexpr std::size_t n = 1500, d = 205, factors = 3;

struct problem {
    std::vector<std::vector<V>> books;
    V s;
    problem() {
        hdc::rng gen(7);
        books.resize(factors);
        for (auto& b : books)
            for (std::size_t j = 0; j < d; ++j) b.push_back(V::random(gen, n));
        s = hdc::bind(hdc::bind(books[0][3], books[1][5]), books[2][7]);
    }
};

const problem& shared() {
    static const problem p;
    return p;
}

hdc::resonator_options never_stop() {
    hdc::resonator_options o;
    o.max_iterations = 1u << 30;
    o.max_cycle_period = 0;
    o.detect_fixed_point = false;
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

/// Checks once that the library and both naive sweeps produce the same estimates.
void check_same() {
    const auto& p = shared();
    const hdc::resonator<V> net(p.books, never_stop());
    auto run = net.start(p.s);
    naive a(p), b(p);
    for (int t = 0; t < 5; ++t) {
        net.step(run);
        a.sweep<true>();
        b.sweep<false>();
        for (std::size_t f = 0; f < factors; ++f)
            if (run.estimate(f) != a.est[f] || a.est[f] != b.est[f]) {
                std::fprintf(stderr, "bench_resonator: naive and library sweeps differ\n");
                std::exit(1);
            }
    }
}

void BM_resonator_sweep_library(benchmark::State& state) {
    check_same();
    const auto& p = shared();
    const hdc::resonator<V> net(p.books, never_stop());
    auto run = net.start(p.s);
    for (auto _ : state) {
        if (net.step(run)) {
            state.PauseTiming();
            run = net.start(p.s);
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(run.estimate(0).data());
    }
}

/// 16 problems stepped together (step(span)): the time is per sweep of the whole batch; the
/// counter us_per_problem divides it by 16.
void BM_resonator_sweep_batch16(benchmark::State& state) {
    const auto& p = shared();
    const hdc::resonator<V> net(p.books, never_stop());
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

BENCHMARK(BM_resonator_sweep_library)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_resonator_sweep_batch16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_sweep_naive, true)->Name("BM_resonator_sweep_naive_dot")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_resonator_sweep_naive, false)->Name("BM_resonator_sweep_naive_scalar")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
