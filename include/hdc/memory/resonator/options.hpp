// hdc/memory/resonator/options.hpp - the knobs and the result of a resonator network.
//
// One options struct drives every variant: the classic network (Frady et al. 2020), the attention
// resonator (softmax over codebook similarities) and the stochastic, sparsely activated one (the
// in-memory factorizer of Langenegger et al. 2023). Each variant's parameters are explicit; the
// defaults are the classic network's (see ../shared/reference/ALGORITHMS.md §3.7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../../core/error.hpp"

namespace hdc {

/// How the similarity vector of a factor becomes the weights of its projection.
enum class resonator_rule {
    classic,     ///< weights = similarities (outer-product cleanup, OLS optional)
    attention,   ///< weights = softmax(beta * similarities)
    stochastic,  ///< noisy similarities, threshold, top-a sparse activation, asymmetric codebooks
};

/// Order of the factor updates within one iteration (sweep).
enum class resonator_order {
    sequential,   ///< each factor uses the newest estimates of the others (the reference order)
    synchronous,  ///< every factor uses the estimates of the previous sweep
};

/// Why a factorization stopped.
enum class resonator_stop {
    fixed_point,    ///< a full sweep changed no estimate
    stable_argmax,  ///< the decoded indices did not change for `stable_sweeps` sweeps
    confident,      ///< every factor's best normalised similarity reached `stop_similarity`
    limit_cycle,    ///< the estimates repeated with a period in 2..max_cycle_period
    iteration_cap,  ///< max_iterations sweeps without any of the above
};

/// Name of a stop reason, for printing.
inline const char* to_string(resonator_stop r) noexcept {
    switch (r) {
        case resonator_stop::fixed_point: return "fixed_point";
        case resonator_stop::stable_argmax: return "stable_argmax";
        case resonator_stop::confident: return "confident";
        case resonator_stop::limit_cycle: return "limit_cycle";
        case resonator_stop::iteration_cap: return "iteration_cap";
    }
    return "unknown";
}

/// How similarities are scaled before the softmax of the attention rule.
enum class similarity_scale {
    raw,     ///< the dot product divided by the family's scale (N dense, B blocks): ~cosine for
             ///< unit-modulus states, grows with the state's norm otherwise
    cosine,  ///< the dot product divided by both norms, in [-1, 1]
};

/// What the attention rule does to X * w before it becomes the next estimate.
enum class state_normalization {
    none,    ///< keep the convex combination (continuous, norm-bounded state)
    sign,    ///< threshold to +-1 (bipolar) / the family's own projection
    phasor,  ///< divide every component by its modulus (complex), sign for real values
};

/// How beta changes over the sweeps of the attention rule.
enum class beta_schedule {
    constant,   ///< beta every sweep
    linear,     ///< beta + (beta_end - beta) * min(t / anneal_sweeps, 1)
    geometric,  ///< beta * (beta_end / beta)^min(t / anneal_sweeps, 1)
};

/// Parameters of the attention rule (no published default is validated; see §3.6).
struct attention_options {
    double beta = 10.0;                              ///< inverse temperature (> 0)
    bool beta_times_sqrt_n = false;                  ///< multiply beta by sqrt(N) (N dense width)
    similarity_scale similarity = similarity_scale::cosine;
    state_normalization state = state_normalization::none;
    beta_schedule schedule = beta_schedule::constant;
    double beta_end = 100.0;                         ///< final beta of an annealed schedule (> 0)
    std::size_t anneal_sweeps = 100;                 ///< sweeps over which beta anneals (> 0)
    /// Subtract the mean weight (1/D_f) before projecting: a softmax always carries the uniform
    /// superposition of the whole codebook, which dominates X * w for small beta; without it,
    /// beta -> 0 tends to the classic linear rule and large beta to winner-take-all.
    bool centered = false;
    /// Softmax over |similarity|, each weight taking its similarity's sign: respects the sign
    /// symmetry of bipolar products (negating two factors leaves s unchanged), which a plain
    /// softmax breaks by giving a negated match almost no weight.
    bool symmetric = false;
};

/// Parameters of the stochastic, sparsely activated rule (the in-memory factorizer, §3.9).
struct stochastic_options {
    std::size_t top_a = 7;      ///< at most this many similarities pass to the projection (> 0)
    double threshold = 0.05;    ///< normalised similarities below this do not pass (>= 0)
    /// Replace threshold by the reference code's rule for when none is given: per factor the
    /// value that chance similarities (std. dev. 1/sqrt(scale), exact for bipolar) exceed with
    /// probability top_a / D_f, i.e. Phi^-1(1 - top_a / D_f) / sqrt(N), at least 0 (0.0475 for
    /// N = 1500, D_f = 214, top_a = 7). Small codebooks need it: with a fixed 0.05 and D_f = 20
    /// almost nothing passes and the network freezes in spurious fixed points.
    bool threshold_from_top_a = false;
    double noise = 0.0005;      ///< std. dev. of Gaussian noise added to normalised similarities
    /// Asymmetric codebooks: the fraction of a factor's similarity-codebook entries that differ
    /// from its projection codebook, at positions drawn at random per factor from the seed
    /// (the reference code perturbs 5%). 0 makes the codebooks symmetric.
    double asymmetry = 0.05;
};

/// Everything that controls one resonator network.
struct resonator_options {
    resonator_rule rule = resonator_rule::classic;
    resonator_order order = resonator_order::sequential;
    /// Total sweeps allowed over all restarts (> 0). One sweep updates every factor once.
    std::size_t max_iterations = 1000;
    /// Stop when the decoded indices stay the same for this many sweeps (0: off).
    std::size_t stable_sweeps = 0;
    /// Stop when every factor's best normalised similarity reaches this value (0: off). When
    /// set, a fixed point below it is spurious: it restarts while restarts remain.
    double stop_similarity = 0.0;
    /// Detect limit cycles of period 2..max_cycle_period (0 or 1: off).
    std::size_t max_cycle_period = 20;
    /// Continuous states count as unchanged when no component moves by more than this.
    double tolerance = 1e-6;
    /// Stop at a fixed point (off: only the other tests or the cap stop a run, e.g. to time
    /// sweeps).
    bool detect_fixed_point = true;
    /// Fresh random starts allowed after a limit cycle, or after restart_after sweeps of an
    /// attempt without convergence (deterministic from the problem's seed).
    std::size_t restarts = 0;
    /// Sweeps after which an unconverged attempt restarts (0: only limit cycles restart).
    std::size_t restart_after = 0;
    /// Ordinary least squares weights X (X^H X)^-1 in the similarity step instead of X.
    bool ols = false;
    /// Use the family's packed-bit backend where it has one and the rule keeps states +-1
    /// (bipolar, classic without OLS or stochastic): exact integer similarities and
    /// projections, the same results as the float matrix path (bit for bit while N * D_f <
    /// 2^24, where the float products are exact). false forces the float path.
    bool packed_bits = true;
    /// Seed of every random choice (asymmetric codebooks, noise, restarts); a problem solved
    /// with seed s and index i always gives the same result, whatever the thread count.
    std::uint64_t seed = 0;
    attention_options attention{};
    stochastic_options stochastic{};
};

/// What a factorization found.
struct resonator_result {
    std::vector<std::size_t> indices;   ///< decoded index per factor
    std::vector<double> similarities;   ///< |similarity| of each final estimate to its codevector
    std::size_t iterations = 0;         ///< sweeps used (all attempts together)
    std::size_t restarts = 0;           ///< fresh starts taken
    bool converged = false;             ///< stopped by a convergence test, not by a cycle or the cap
    resonator_stop reason = resonator_stop::iteration_cap;
};

namespace detail {

/// Throws invalid_parameter unless the options are usable (checked before any work).
inline void check_resonator_options(const resonator_options& o) {
    auto fail = [](const std::string& what) { throw invalid_parameter("resonator: " + what); };
    if (o.max_iterations == 0) fail("max_iterations must be positive");
    if (!(o.tolerance >= 0)) fail("tolerance must be non-negative");
    if (!(o.stop_similarity >= 0 && o.stop_similarity <= 1)) fail("stop_similarity must be in [0, 1]");
    if (o.rule == resonator_rule::attention) {
        const auto& a = o.attention;
        if (!(a.beta > 0)) fail("attention beta must be positive, got " + std::to_string(a.beta));
        if (a.schedule != beta_schedule::constant) {
            if (!(a.beta_end > 0))
                fail("attention beta_end must be positive, got " + std::to_string(a.beta_end));
            if (a.anneal_sweeps == 0) fail("attention anneal_sweeps must be positive");
        }
    }
    if (o.rule == resonator_rule::stochastic) {
        const auto& s = o.stochastic;
        if (s.top_a == 0) fail("stochastic top_a must be positive");
        if (!(s.threshold >= 0)) fail("stochastic threshold must be non-negative");
        if (!(s.noise >= 0)) fail("stochastic noise must be non-negative");
        if (!(s.asymmetry >= 0 && s.asymmetry <= 1)) fail("stochastic asymmetry must be in [0, 1]");
    }
}

}  // namespace detail
}  // namespace hdc
