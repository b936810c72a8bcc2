// hdc/memory/resonator/resonator.hpp - factorization of s = x1 (*) x2 (*) ... (*) xF by a
// resonator network, written once for every supported family (see families.hpp).
//
// Each factor f has a codebook X_f (its D_f codevectors as the columns of an N x D_f Eigen
// matrix, built once). One sweep updates every factor:
//     u   = s unbound by the current estimates of the other factors
//     a   = S_f^H u                  similarity to every codevector (S_f = X_f; X_f (X^H X)^-1
//                                    with OLS; a perturbed copy of X_f for asymmetric codebooks)
//     w   = rule(a)                  classic: a; attention: softmax(beta a); stochastic: noisy,
//                                    thresholded, top-a sparse
//     x_f = project(X_f w)           the family's cleanup (sign, phase, block L1 normalisation)
// so a sweep is 2F matrix-vector products (the stochastic rule's projection touches only its
// top-a columns). Where the family has a packed backend and the states stay +-1 (bipolar with
// the classic rule without OLS, or the stochastic rule), S^H u and the classic X w run on packed
// sign bits instead (popcount similarities, int32 projections; options.packed_bits), with the
// same results; the stochastic rule's projection of its few float weights stays on the float
// columns, in the same order, so its rounding is unchanged. Estimates start as project(X_f 1),
// the superposition of all codevectors.
// The run stops at a fixed point, a stable arg-max, a confident match, a limit cycle (periods
// 2..20 by default, found by hashing the estimates after every sweep), or the iteration cap;
// limit cycles (and, optionally, slow attempts) restart from a fresh random state. The decoded
// index of a factor is the arg-max of |<x_f, X_j>| (a bipolar estimate that matches a negated
// codevector is read as that codevector: the sign degeneracy of the product).
//
// Determinism: every random choice comes from hdc::rng keyed by (options.seed, problem index), so
// factor(composites, threads) gives the same results for any thread count. With bipolar codebooks
// and the classic or stochastic rule every similarity and projection is an exact integer (or a
// sum of at most top-a floats in column order), so results are bit-identical on every SIMD path;
// phasor and attention runs use float matrix products and std::exp, whose last bits may differ
// between instruction sets.
//
// Thread safety: const members may be called concurrently.
#pragma once

#include "../../models/eigen_core.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../../core/concepts.hpp"
#include "../../core/error.hpp"
#include "../../core/normal.hpp"
#include "../../core/rng.hpp"
#include "../item_memory.hpp"
#include "families.hpp"
#include "options.hpp"

namespace hdc {

/// A resonator network over F codebooks of model V (bipolar, phasor or sparse block codes).
template <hypervector V>
class resonator {
    static_assert(resonator_family<V>::supported,
                  "hdc::resonator: no resonator for this family (see memory/resonator/families.hpp)");

public:
    using family = resonator_family<V>;
    using scalar = typename family::scalar;
    using shape_type = typename V::shape_type;
    /// A dense column vector of the working type.
    using vec = Eigen::Matrix<scalar, Eigen::Dynamic, 1>;
    /// Codevectors as columns.
    using mat = Eigen::Matrix<scalar, Eigen::Dynamic, Eigen::Dynamic>;

private:
    template <class F>
    struct packed_of {
        using type = int;  // no packed backend: a placeholder that is never used
        static constexpr bool value = false;
    };
    template <class F>
        requires requires { typename F::packed_backend; }
    struct packed_of<F> {
        using type = typename F::packed_backend;
        static constexpr bool value = true;
    };
    /// Whether the family has a packed-bit backend at all.
    static constexpr bool has_packed = packed_of<family>::value;
    using packed_type = typename packed_of<family>::type;

public:
    /// A network over the given codebooks (sizes may differ). Throws empty_input for F = 0 or an
    /// empty codebook, dimension_mismatch for codevectors of different shapes, invalid_parameter
    /// for bad options.
    explicit resonator(std::vector<std::vector<V>> codebooks, resonator_options options = {})
        : options_(options), codebooks_(std::move(codebooks)) {
        detail::check_resonator_options(options_);
        if (codebooks_.empty()) throw empty_input("resonator: no codebooks (F = 0)");
        for (std::size_t f = 0; f < codebooks_.size(); ++f)
            if (codebooks_[f].empty())
                throw empty_input("resonator: codebook " + std::to_string(f) + " is empty");
        shape_ = codebooks_[0][0].shape();
        for (std::size_t f = 0; f < codebooks_.size(); ++f)
            for (const V& v : codebooks_[f])
                if (!(v.shape() == shape_))
                    throw dimension_mismatch(
                        ("resonator: codebook " + std::to_string(f) + " vs codebook 0").c_str(),
                        v.dim(), codebooks_[0][0].dim());
        build();
    }

    /// A network over the vectors of F item memories (one per factor, in index order).
    template <class Memory>
        requires std::same_as<Memory, item_memory<V>>
    explicit resonator(std::span<const Memory> memories, resonator_options options = {})
        : resonator(load(memories), options) {}

    /// Number of factors F.
    std::size_t factors() const noexcept { return codebooks_.size(); }
    /// Number of codevectors of factor f.
    std::size_t codebook_size(std::size_t f) const { return codebooks_.at(f).size(); }
    /// Codevector j of factor f.
    const V& codevector(std::size_t f, std::size_t j) const { return codebooks_.at(f).at(j); }
    /// The options the network was built with.
    const resonator_options& options() const noexcept { return options_; }
    /// Length N of the dense working vectors.
    std::size_t width() const noexcept { return n_; }
    /// Whether similarities (and classic projections) run on packed sign bits
    /// (options.packed_bits, for the families and rules that allow it).
    bool packed() const noexcept { return packed_; }

    /// The product of the codevectors with the given indices (one per factor).
    V compose(std::span<const std::size_t> indices) const {
        if (indices.size() != factors())
            throw invalid_parameter("resonator::compose: " + std::to_string(indices.size()) +
                                    " indices for " + std::to_string(factors()) + " factors");
        for (std::size_t f = 0; f < factors(); ++f)
            if (indices[f] >= codebook_size(f))
                throw invalid_parameter("resonator::compose: index " + std::to_string(indices[f]) +
                                        " out of range for codebook " + std::to_string(f) +
                                        " of " + std::to_string(codebook_size(f)));
        V out = codevector(0, indices[0]);
        for (std::size_t f = 1; f < factors(); ++f) out = bind(out, codevector(f, indices[f]));
        return out;
    }

    /// Rebuilds the product of the decoded codevectors and returns its similarity to s
    /// (1 for a correct factorization of a noise-free composite).
    double verify(const resonator_result& result, const V& s) const {
        check_shape(s, "resonator::verify");
        return similarity(compose(result.indices), s);
    }

    /// The state of one factorization in progress: start(), then step() until it returns
    /// true, then finish(). factor() does exactly this; the pieces are public so that a caller
    /// (or a benchmark) can time or watch single sweeps.
    class run {
    public:
        /// Iterations (sweeps) done so far.
        std::size_t iterations() const noexcept { return iterations_; }
        /// The current estimate of factor f (dense image).
        const vec& estimate(std::size_t f) const { return x_.at(f); }

    private:
        friend class resonator;
        vec s_, u_, raw_;
        std::vector<vec> x_, prev_;
        std::vector<Eigen::Matrix<scalar, Eigen::Dynamic, 1>> a_;
        Eigen::VectorXd scores_, signs_;
        std::vector<std::size_t> idx_, prev_idx_;
        std::vector<std::uint64_t> hashes_;  // ring of the last max_cycle_period state hashes
        std::vector<const vec*> others_;
        std::vector<std::size_t> order_;
        aligned_buffer<std::uint64_t> bits_;  // the packed path: u as sign bits
        aligned_buffer<std::int32_t> sums_;   // the packed path: X w
        std::vector<std::uint32_t> hamming_;
        std::vector<std::int32_t> weights_;
        rng gen_;
        std::size_t iterations_ = 0, attempt_sweeps_ = 0, stable_ = 0, restarts_ = 0;
        bool done_ = false, converged_ = false;
        resonator_stop reason_ = resonator_stop::iteration_cap;
    };

    /// Starts factoring s as problem number `problem` (its random choices use the stream
    /// (options.seed, problem)). Throws dimension_mismatch if s has another shape.
    run start(const V& s, std::uint64_t problem = 0) const {
        check_shape(s, "resonator::factor");
        run r;
        const auto n = static_cast<Eigen::Index>(n_);
        r.s_.resize(n);
        family::dense(s, r.s_.data());
        r.u_.resize(n);
        r.raw_.resize(n);
        r.x_ = initial_;
        r.a_.resize(factors());
        for (std::size_t f = 0; f < factors(); ++f)
            r.a_[f].resize(static_cast<Eigen::Index>(codebook_size(f)));
        r.scores_.resize(static_cast<Eigen::Index>(max_codebook_));
        r.signs_.resize(static_cast<Eigen::Index>(max_codebook_));
        r.idx_.assign(factors(), max_codebook_);
        r.prev_idx_ = r.idx_;
        r.hashes_.assign(options_.max_cycle_period > 1 ? options_.max_cycle_period : 0, 0);
        r.others_.reserve(factors());
        r.order_.resize(max_codebook_);
        if (packed_) {
            r.bits_ = aligned_buffer<std::uint64_t>((n_ + 63) / 64);
            r.sums_ = aligned_buffer<std::int32_t>(n_);
            r.hamming_.resize(max_codebook_);
            r.weights_.resize(max_codebook_);
        }
        r.gen_ = rng(options_.seed, problem);
        return r;
    }

    /// One sweep over every factor; returns true when the run has stopped.
    bool step(run& r) const {
        if (r.done_) return true;
        const bool sync = options_.order == resonator_order::synchronous;
        r.prev_ = r.x_;
        for (std::size_t f = 0; f < factors(); ++f) {
            r.others_.clear();
            for (std::size_t g = 0; g < factors(); ++g)
                if (g != f) r.others_.push_back(sync ? &r.prev_[g] : &r.x_[g]);
            family::unbind(r.s_, r.others_, r.u_, shape_);
            update_factor(r, f);
        }
        ++r.iterations_;
        ++r.attempt_sweeps_;
        check_stop(r);
        return r.done_;
    }

    /// One sweep of every run in `runs` that has not stopped, together: per factor the
    /// similarities of all runs are one matrix product S^H U (and, for the classic rule, the
    /// projections one product X A), so the codebook is read once for the whole batch. Each run
    /// ends exactly as if stepped alone when the arithmetic is exact (bipolar, classic or
    /// stochastic rule); with float rounding (phasor, OLS, attention) the last bits may differ.
    /// On the packed path (packed()) the runs are stepped one by one: the packed codebooks stay
    /// in cache, so a batch would save nothing. Returns true when every run has stopped.
    bool step(std::span<run> runs) const {
        std::vector<run*> active;
        for (run& r : runs)
            if (!r.done_) active.push_back(&r);
        if (active.empty()) return true;
        if (active.size() == 1 || packed_) {
            // Packed codebooks are small enough to stay in cache: one run at a time.
            for (run* r : active) step(*r);
            return std::ranges::all_of(runs, [](const run& r) { return r.done_; });
        }
        const bool sync = options_.order == resonator_order::synchronous;
        const auto n = static_cast<Eigen::Index>(n_);
        const auto p = static_cast<Eigen::Index>(active.size());
        for (run* r : active) r->prev_ = r->x_;
        mat u(n, p), a, raw;
        for (std::size_t f = 0; f < factors(); ++f) {
            for (Eigen::Index q = 0; q < p; ++q) {
                run& r = *active[static_cast<std::size_t>(q)];
                r.others_.clear();
                for (std::size_t g = 0; g < factors(); ++g)
                    if (g != f) r.others_.push_back(sync ? &r.prev_[g] : &r.x_[g]);
                family::unbind(r.s_, r.others_, r.u_, shape_);
                u.col(q) = r.u_;
            }
            a.noalias() = similarity_matrix(f).adjoint() * u;
            if (options_.rule == resonator_rule::classic) raw.noalias() = proj_[f] * a;
            for (Eigen::Index q = 0; q < p; ++q) {
                run& r = *active[static_cast<std::size_t>(q)];
                r.a_[f] = a.col(q);
                if (options_.rule == resonator_rule::classic) {
                    r.raw_ = raw.col(q);
                    family::project(r.raw_, shape_);
                    r.x_[f] = r.raw_;
                    note_best(r, f);
                } else {
                    r.u_ = u.col(q);
                    apply_rule(r, f);
                }
            }
        }
        bool all = true;
        for (run* r : active) {
            ++r->iterations_;
            ++r->attempt_sweeps_;
            check_stop(*r);
            all = all && r->done_;
        }
        return all && std::ranges::all_of(runs, [](const run& r) { return r.done_; });
    }

    /// The result of a stopped (or abandoned) run: read-out, similarities, counts.
    resonator_result finish(run& r) const {
        resonator_result out;
        out.indices.resize(factors());
        out.similarities.resize(factors());
        for (std::size_t f = 0; f < factors(); ++f) {
            const auto d = static_cast<Eigen::Index>(codebook_size(f));
            vec b(d);
            b.noalias() = proj_[f].adjoint() * r.x_[f];
            const double xnorm = static_cast<double>(r.x_[f].norm());
            std::size_t best = 0;
            double best_abs = -1, best_val = 0;
            for (Eigen::Index j = 0; j < d; ++j) {
                const double v = family::readout(b[j]);
                if (std::abs(v) > best_abs) {
                    best_abs = std::abs(v);
                    best_val = v;
                    best = static_cast<std::size_t>(j);
                }
            }
            out.indices[f] = best;
            const double denom = xnorm * col_norm_[f][best];
            out.similarities[f] = denom > 0 ? std::abs(best_val) / denom : 0.0;
        }
        out.iterations = r.iterations_;
        out.restarts = r.restarts_;
        out.converged = r.converged_;
        out.reason = r.reason_;
        return out;
    }

    /// Factors s (problem number `problem`, which keys its random choices).
    resonator_result factor(const V& s, std::uint64_t problem = 0) const {
        run r = start(s, problem);
        while (!step(r)) {
        }
        return finish(r);
    }

    /// Factors every composite; composite i is problem i. Problems are solved in fixed batches
    /// of `batch` consecutive indices (stepped together, see step(span)); whole batches are
    /// spread over `threads` threads (0: hardware concurrency), so the results do not depend on
    /// the thread count. An exception in any thread reaches the caller.
    std::vector<resonator_result> factor(std::span<const V> composites, unsigned threads = 1,
                                         std::size_t batch = 16) const {
        if (batch == 0) throw invalid_parameter("resonator::factor: batch must be positive");
        for (const V& s : composites) check_shape(s, "resonator::factor");
        std::vector<resonator_result> out(composites.size());
        if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
        const std::size_t chunks = (composites.size() + batch - 1) / batch;
        threads = static_cast<unsigned>(std::min<std::size_t>(threads, chunks));
        std::atomic<std::size_t> next{0};
        std::exception_ptr failure;
        std::mutex failure_mutex;
        auto work = [&] {
            for (;;) {
                const std::size_t c = next.fetch_add(1);
                if (c >= chunks) return;
                try {
                    const std::size_t first = c * batch;
                    const std::size_t last = std::min(composites.size(), first + batch);
                    std::vector<run> runs;
                    runs.reserve(last - first);
                    for (std::size_t i = first; i < last; ++i) runs.push_back(start(composites[i], i));
                    while (!step(std::span<run>(runs))) {
                    }
                    for (std::size_t i = first; i < last; ++i) out[i] = finish(runs[i - first]);
                } catch (...) {
                    std::lock_guard lock(failure_mutex);
                    if (!failure) failure = std::current_exception();
                    next = chunks;
                    return;
                }
            }
        };
        if (threads <= 1) {
            work();
        } else {
            std::vector<std::jthread> pool;
            for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
        }
        if (failure) std::rethrow_exception(failure);
        return out;
    }

private:
    static std::vector<std::vector<V>> load(std::span<const item_memory<V>> memories) {
        std::vector<std::vector<V>> books;
        for (const auto& m : memories) {
            std::vector<V> book;
            book.reserve(m.size());
            for (std::size_t i = 0; i < m.size(); ++i) book.push_back(m.vector(i));
            books.push_back(std::move(book));
        }
        return books;
    }

    void check_shape(const V& s, const char* what) const {
        if (!(s.shape() == shape_)) throw dimension_mismatch(what, s.dim(), codebooks_[0][0].dim());
    }

    /// Builds the projection, similarity and initial matrices once.
    void build() {
        n_ = family::width(shape_);
        const auto n = static_cast<Eigen::Index>(n_);
        // The packed path needs +-1 states and int32 sums: |X w| <= N * D_f.
        packed_ = has_packed && options_.packed_bits && !options_.ols &&
                  options_.rule != resonator_rule::attention;
        for (std::size_t f = 0; f < factors(); ++f)
            packed_ = packed_ && n_ * codebook_size(f) <= 0x7FFFFFFFu;
        rng gen(options_.seed, 0xA5F0A5F0A5F0A5F0ull);  // the asymmetric codebooks' own stream
        for (std::size_t f = 0; f < factors(); ++f) {
            const auto d = static_cast<Eigen::Index>(codebook_size(f));
            max_codebook_ = std::max(max_codebook_, codebook_size(f));
            mat x(n, d);
            for (Eigen::Index j = 0; j < d; ++j)
                family::dense(codebooks_[f][static_cast<std::size_t>(j)], x.col(j).data());
            std::vector<double> norms(static_cast<std::size_t>(d));
            for (Eigen::Index j = 0; j < d; ++j)
                norms[static_cast<std::size_t>(j)] = static_cast<double>(x.col(j).norm());
            col_norm_.push_back(std::move(norms));
            vec init = x * vec::Ones(d);
            if (options_.rule == resonator_rule::attention &&
                options_.attention.state == state_normalization::none)
                init /= static_cast<scalar>(static_cast<float>(d));  // the mean codevector
            else
                family::project(init, shape_);
            initial_.push_back(std::move(init));
            if constexpr (has_packed)
                if (packed_) packed_proj_.emplace_back(x.data(), n_, codebook_size(f));
            bool own_sim = false;
            mat sim;
            if (options_.ols) {
                // S = X (X^H X)^-1, so S^H u are the least-squares coefficients of u.
                const mat gram = x.adjoint() * x;
                sim = gram.ldlt().solve(x.adjoint()).adjoint();
                own_sim = true;
            }
            if (options_.rule == resonator_rule::stochastic && options_.stochastic.asymmetry > 0) {
                if (!own_sim) sim = x;
                own_sim = true;
                const double rho = options_.stochastic.asymmetry;
                for (Eigen::Index j = 0; j < d; ++j)
                    for (Eigen::Index i = 0; i < n; ++i)
                        if (gen.uniform() < rho) sim(i, j) = -sim(i, j);
            }
            threshold_.push_back(options_.stochastic.threshold_from_top_a
                                     ? chance_threshold(options_.stochastic.top_a, codebook_size(f))
                                     : options_.stochastic.threshold);
            if constexpr (has_packed) {
                if (packed_)
                    packed_sim_.push_back(own_sim ? packed_type(sim.data(), n_, codebook_size(f))
                                                  : packed_type{});
            }
            proj_.push_back(std::move(x));
            sim_.push_back(own_sim ? std::move(sim) : mat{});
        }
    }

    /// Phi^-1(1 - a / d) / sqrt(scale), at least 0: the similarity that about a of d chance
    /// similarities exceed.
    double chance_threshold(std::size_t a, std::size_t d) const {
        const double p = 1.0 - static_cast<double>(a) / static_cast<double>(d);
        if (p <= 0.5) return 0.0;
        return std::max(0.0, normal_quantile(p) / std::sqrt(family::scale(shape_)));
    }

    const mat& similarity_matrix(std::size_t f) const {
        return sim_[f].size() != 0 ? sim_[f] : proj_[f];
    }

    double beta_at(std::size_t sweep) const {
        const auto& a = options_.attention;
        double b = a.beta;
        if (a.schedule != beta_schedule::constant) {
            const double t = std::min(1.0, static_cast<double>(sweep) /
                                               static_cast<double>(a.anneal_sweeps));
            b = a.schedule == beta_schedule::linear ? a.beta + (a.beta_end - a.beta) * t
                                                    : a.beta * std::pow(a.beta_end / a.beta, t);
        }
        if (a.beta_times_sqrt_n) b *= std::sqrt(static_cast<double>(n_));
        return b;
    }

    /// Similarity, activation and projection of factor f from r.u_.
    void update_factor(run& r, std::size_t f) const {
        if constexpr (has_packed) {
            if (packed_) {
                const packed_type& book =
                    packed_sim_[f].size() != 0 ? packed_sim_[f] : packed_proj_[f];
                packed_type::pack(r.u_.data(), n_, r.bits_.data());
                book.similarities(r.bits_.data(), r.hamming_.data(), r.a_[f].data());
                return apply_rule(r, f);
            }
        }
        r.a_[f].noalias() = similarity_matrix(f).adjoint() * r.u_;
        apply_rule(r, f);
    }

    /// Activation and projection of factor f from its similarities r.a_[f] (and r.u_).
    void apply_rule(run& r, std::size_t f) const {
        const mat& x = proj_[f];
        auto& a = r.a_[f];
        const auto d = a.size();
        const double scale = family::scale(shape_);
        switch (options_.rule) {
            case resonator_rule::classic:
                if constexpr (has_packed) {
                    if (packed_) {
                        packed_proj_[f].project(a.data(), r.weights_.data(), r.sums_.data());
                        const std::int32_t* sums = r.sums_.data();
                        for (std::size_t i = 0; i < n_; ++i)
                            r.raw_[static_cast<Eigen::Index>(i)] = static_cast<scalar>(sums[i]);
                    } else {
                        r.raw_.noalias() = x * a;
                    }
                } else {
                    r.raw_.noalias() = x * a;
                }
                family::project(r.raw_, shape_);
                r.x_[f] = r.raw_;
                break;
            case resonator_rule::attention: {
                const auto& o = options_.attention;
                double denom = scale;
                if (o.similarity == similarity_scale::cosine)
                    denom = static_cast<double>(r.u_.norm());
                const double beta = beta_at(r.attempt_sweeps_);
                double top = -HUGE_VAL;
                for (Eigen::Index j = 0; j < d; ++j) {
                    double v = family::real_part(a[j]);
                    if (o.similarity == similarity_scale::cosine)
                        v = denom > 0 ? v / (denom * col_norm_[f][static_cast<std::size_t>(j)]) : 0.0;
                    else
                        v /= denom;
                    r.signs_[j] = o.symmetric && v < 0 ? -1.0 : 1.0;
                    r.scores_[j] = beta * (o.symmetric ? std::abs(v) : v);
                    top = std::max(top, r.scores_[j]);
                }
                double sum = 0;
                for (Eigen::Index j = 0; j < d; ++j) sum += (r.scores_[j] = std::exp(r.scores_[j] - top));
                vec w(d);
                const double mean = o.centered ? 1.0 / static_cast<double>(d) : 0.0;
                for (Eigen::Index j = 0; j < d; ++j)
                    w[j] = scalar(static_cast<float>(r.signs_[j] * (r.scores_[j] / sum - mean)));
                r.raw_.noalias() = x * w;
                if (o.state != state_normalization::none) family::project(r.raw_, shape_);
                r.x_[f] = r.raw_;
                break;
            }
            case resonator_rule::stochastic: {
                const auto& o = options_.stochastic;
                std::size_t kept = 0;
                for (Eigen::Index j = 0; j < d; ++j) {
                    double v = family::real_part(a[j]) / scale;
                    if (o.noise > 0) v += o.noise * r.gen_.normal();
                    r.scores_[j] = v;
                    if (v >= threshold_[f]) r.order_[kept++] = static_cast<std::size_t>(j);
                }
                // The top-a of those above the threshold (ties by index: deterministic).
                auto better = [&](std::size_t p, std::size_t q) {
                    const double sp = r.scores_[static_cast<Eigen::Index>(p)];
                    const double sq = r.scores_[static_cast<Eigen::Index>(q)];
                    return sp > sq || (sp == sq && p < q);
                };
                if (kept > o.top_a) {
                    std::nth_element(r.order_.begin(), r.order_.begin() + static_cast<std::ptrdiff_t>(o.top_a),
                                     r.order_.begin() + static_cast<std::ptrdiff_t>(kept), better);
                    kept = o.top_a;
                }
                std::sort(r.order_.begin(), r.order_.begin() + static_cast<std::ptrdiff_t>(kept));
                r.raw_.setZero();
                for (std::size_t k = 0; k < kept; ++k) {
                    const auto j = static_cast<Eigen::Index>(r.order_[k]);
                    r.raw_ += scalar(static_cast<float>(r.scores_[j])) * x.col(j);
                }
                family::project(r.raw_, shape_);  // nothing passed: the projection of zero
                r.x_[f] = r.raw_;
                break;
            }
        }
        note_best(r, f);
    }

    /// The factor's current best candidate, from this sweep's similarities.
    void note_best(run& r, std::size_t f) const {
        const auto& a = r.a_[f];
        const auto d = a.size();
        std::size_t best = 0;
        double best_abs = -1;
        for (Eigen::Index j = 0; j < d; ++j) {
            const double v = std::abs(family::readout(a[j]));
            if (v > best_abs) best_abs = v, best = static_cast<std::size_t>(j);
        }
        r.idx_[f] = best;
    }

    static std::uint64_t hash_states(const std::vector<vec>& xs) noexcept {
        std::uint64_t h = 0xCBF29CE484222325ull;
        for (const vec& x : xs) {
            const auto* bytes = reinterpret_cast<const unsigned char*>(x.data());
            const std::size_t count = static_cast<std::size_t>(x.size()) * sizeof(scalar);
            for (std::size_t i = 0; i < count; i += 8) {
                std::uint64_t word = 0;
                std::memcpy(&word, bytes + i, std::min<std::size_t>(8, count - i));
                h = detail::mix64(h ^ word);
            }
        }
        return h;
    }

    void stop(run& r, resonator_stop why, bool converged) const {
        r.done_ = true;
        r.reason_ = why;
        r.converged_ = converged;
    }

    void restart(run& r) const {
        ++r.restarts_;
        r.attempt_sweeps_ = 0;
        r.stable_ = 0;
        std::fill(r.hashes_.begin(), r.hashes_.end(), 0);
        for (auto& x : r.x_) family::random_state(r.gen_, x, shape_);
    }

    /// Whether every factor's best normalised similarity in the last sweep reached
    /// stop_similarity.
    bool confident(const run& r) const {
        const double scale = family::scale(shape_);
        for (std::size_t f = 0; f < factors(); ++f)
            if (std::abs(family::readout(r.a_[f][static_cast<Eigen::Index>(r.idx_[f])])) / scale <
                options_.stop_similarity)
                return false;
        return true;
    }

    void check_stop(run& r) const {
        // Fixed point: no estimate moved.
        bool moved = !options_.detect_fixed_point;
        for (std::size_t f = 0; f < factors() && !moved; ++f)
            moved = static_cast<double>((r.x_[f] - r.prev_[f]).cwiseAbs().maxCoeff()) >
                    options_.tolerance;
        if (!moved) {
            // With stop_similarity set, a fixed point must also be a confident match; a spurious
            // one (low similarities) restarts while restarts remain.
            if (options_.stop_similarity > 0 && !confident(r)) {
                if (r.restarts_ < options_.restarts && r.iterations_ < options_.max_iterations)
                    return restart(r);
                return stop(r, resonator_stop::fixed_point, false);
            }
            return stop(r, resonator_stop::fixed_point, true);
        }
        // Stable arg-max.
        r.stable_ = (r.idx_ == r.prev_idx_) ? r.stable_ + 1 : 0;
        r.prev_idx_ = r.idx_;
        if (options_.stable_sweeps > 0 && r.stable_ >= options_.stable_sweeps)
            return stop(r, resonator_stop::stable_argmax, true);
        // Confident match on every factor.
        if (options_.stop_similarity > 0 && confident(r))
            return stop(r, resonator_stop::confident, true);
        if (r.iterations_ >= options_.max_iterations)
            return stop(r, resonator_stop::iteration_cap, false);
        // Limit cycle: the joint state equals the one k sweeps ago, 2 <= k <= period.
        bool cycled = false;
        if (!r.hashes_.empty()) {
            const std::uint64_t h = hash_states(r.x_) | 1u;  // 0 marks an empty slot
            const std::size_t p = r.hashes_.size();
            for (std::size_t k = 2; k <= p && !cycled; ++k)
                cycled = r.hashes_[(r.attempt_sweeps_ + p - k) % p] == h;
            r.hashes_[r.attempt_sweeps_ % p] = h;
        }
        const bool slow = options_.restart_after > 0 && r.attempt_sweeps_ >= options_.restart_after;
        if (cycled || slow) {
            if (r.restarts_ < options_.restarts) return restart(r);
            if (cycled) return stop(r, resonator_stop::limit_cycle, false);
        }
    }

    resonator_options options_;
    std::vector<std::vector<V>> codebooks_;
    shape_type shape_{};
    std::size_t n_ = 0, max_codebook_ = 0;
    std::vector<mat> proj_;  // X_f: codevectors as columns
    std::vector<mat> sim_;   // S_f when it differs from X_f (OLS, asymmetric), else empty
    bool packed_ = false;    // similarities and classic projections on packed_proj_/packed_sim_
    std::vector<packed_type> packed_proj_;  // X_f packed (has_packed only)
    std::vector<packed_type> packed_sim_;   // S_f packed when it differs from X_f, else empty
    std::vector<std::vector<double>> col_norm_;
    std::vector<double> threshold_;  // the stochastic rule's threshold per factor
    std::vector<vec> initial_;
};

}  // namespace hdc
