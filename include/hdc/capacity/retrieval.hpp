// hdc/capacity/retrieval.hpp - predicted accuracy of reading one item back from a superposition,
// and the dimension advisor built on it (ALGORITHMS.md section 2.1, Frady, Kleyko & Sommer 2018).
//
// The experiment the predictions are for (examples/capacity measures exactly this): a codebook of
// K random atoms C_1..C_K of dimension N; M symbols a_1..a_M drawn uniformly; a memory that binds
// each to its own random key, S = sum_m bind(key_m, C[a_m]), kept as the family's accumulator
// (MAP-I, FHRR) or bundled in the family's own form (MAP-B sign, BSC majority, sparse block
// winner-take-all); one item r read back by unbinding its key and taking the nearest atom, ties
// going to the lower index (item_memory's rule). For an accumulator, unbinding is applied to the
// candidate instead: <S, key_r (x) C_j> = <unbind(S, key_r), C_j>.
//
// Why keys: w_m = bind(key_m, C[a_m]) are i.i.d. uniform vectors independent of the codebook
// (a fresh key hides its atom), so after unbinding key_r the query is C[a_r] plus independent
// noise, and every distractor C_j (j != a_r) is independent of the query. The score of the right
// atom is then independent of the K - 1 distractor scores, and those are i.i.d. given the query:
//
//   p_correct = P(hit beats the K - 1 distractors)
//             = integral phi(z) Phi((mu + sigma_c z) / sigma)^(K-1) dz      (Gaussian model)
//
// with each family's hit mean mu (over a distractor's mean), hit sd sigma_c and distractor sd
// sigma, derived per family (dot-product units, N components):
//
//   MAP-I (integer sums, dot):   hit N + sum of (M-1)N fair +-1 terms -> mu = N,
//                                sigma_c^2 = (M-1)N; distractor <q, C_j>, E|q|^2 = MN -> sigma^2 = MN.
//                                s = mu / sigma = sqrt(N/M); exact form Phi(sqrt((M-1)/M) z + s).
//   FHRR (complex sums, Re<,>):  as MAP-I with every noise term Re(e^{i theta}) of variance 1/2:
//                                mu = N, sigma_c^2 = (M-1)N/2, sigma^2 = MN/2, s = sqrt(2N/M).
//   MAP-B / BSC (sign/majority): per component the query agrees with the atom with probability
//                                (1 + mu_M)/2, independently (a tied component copies a partner
//                                component or a fixed bit, both independent of this atom's
//                                component and fair); distractors agree with probability 1/2.
//                                mu_M = C(M-1, (M-1)/2) / 2^(M-1) for odd M; for even M the
//                                library's tie rule gives mu_M = C(M-1, M/2) / 2^(M-1) = mu_{M+1}
//                                (a tie acts like one more random member). In dot units
//                                mu = N mu_M, sigma_c^2 = N(1 - mu_M^2), sigma^2 = N.
//   Sparse block code (B blocks of length L, N = B L; count bundle, winner-take-all):
//                                per block the query matches the atom with probability
//                                P_hit = E[max block count] / M (below) and a distractor with
//                                probability 1/L, independently over blocks. In overlap units
//                                mu = B (P_hit - 1/L), sigma_c^2 = B P_hit (1 - P_hit),
//                                sigma^2 = B (1/L)(1 - 1/L).
//   MCR (Q-th roots of unity, complex sums, Re<,>): as FHRR with every noise term Re(w), w a
//                                uniform Q-th root (the difference of two uniform phases mod Q):
//                                E[Re w] = 0 and E[(Re w)^2] = v = 1/2 for Q >= 3 (the mean of
//                                cos(4 pi k / Q) vanishes unless Q divides 2), v = 1 for Q = 2
//                                (the phases are +-1: MAP-I). mu = N, sigma_c^2 = (M-1) N v,
//                                sigma^2 = M N v, s = sqrt(N / (v M)).
//
//   Sparse binary codes (hdc::sparse_binary, w = round(sqrt(N)) ones; OR bundle thinned by CDT,
//   shift binding, overlap readout):
//                                bound items are uniformly random w-sets (a shifted atom), so the
//                                superposition Z of M of them has n = |Z| ones with the occupancy
//                                law (P(a bit is 0) = (1 - w/N)^M; mean and variance below), and,
//                                given n, Z is a uniformly random n-set. CDT keeps each of Z's
//                                ones with probability q(n) = cdt_plan::kept_fraction (same for
//                                every one); the model takes the survivals as independent, so
//                                the bundle has b ~ Bin(n, q) ones. Given Z, the right atom (after
//                                unbinding key_r) is a uniformly random w-subset of Z (the joint
//                                law of Z and one member is invariant under relabelling the
//                                positions) and CDT's survivors are a function of Z alone, so
//                                given b its overlap with the bundle is H ~ Hypergeometric(n, b, w)
//                                (marginally Bin(w, q)); each distractor is a random w-set against
//                                the same b ones, Hypergeometric(N, b, w), i.i.d. given b. Every
//                                atom has w ones, so the cosine ranks as the overlap. p_correct()
//                                sums this exact count model over b and over n (normal weights
//                                from the occupancy mean and variance; K depends on n through the
//                                rounding of CDT's formula). The Gaussian summary, at the mean n
//                                and b = n q, in overlap units: mu = w (q - b/N), sigma_c^2 =
//                                w q (1 - q), sigma^2 = w (b/N)(1 - b/N). Thinning keeps the
//                                density but costs signal: q ~ w/n ~ 1/M, so M_max is far below
//                                the dense families'. p_correct is not monotone in M or N here
//                                (w = round(sqrt(N)) and K are rounded): see max_items and
//                                min_dimension. Against an independent simulation (N = 1,024,
//                                K = 27, 4,000 trials; se ~0.005-0.008): M = 5, 8, 12 measured
//                                0.910, 0.664, 0.439, predicted 0.907, 0.669, 0.442. A binomial
//                                distractor Bin(w, b/N) with b fixed at n q (an earlier form)
//                                gave 0.891, 0.649, 0.430: the binomial overstates a distractor's
//                                spread, and a fixed b ignores that the hit and the distractors
//                                rise and fall together with b.
// P_hit = E[max]/M for any tie rule that looks only at the counts: given the counts, item r is
// any of the M items with equal probability, so it sits at the winning index with probability
// (winner's count) / M = max / M. The multinomial maximum comes from Poissonisation (exact).
//
// Exact forms. For MAP-B, BSC and sparse block codes the scores are binomial counts (agreements
// or equal blocks), so p_correct() sums the exact count model instead of integrating the Gaussian:
// with H ~ Bin(n, p_hit), D ~ Bin(n, p_distractor) i.i.d. for K - 1 distractors and a tie among
// t + 1 equal best scores won by the right atom with probability 1 / (t + 1) (its index is uniform
// and the lower index wins), p = sum_h P(H = h) [F(h)^K - F(h-1)^K] / (K P(D = h)). This matters
// at small dimension and for sparse codes, whose counts are coarse (ties are common). For MAP-I
// and FHRR the Gaussian is the model (sums of many bounded terms; MAP-I lattice ties are rare).
//
//   HRR (Normal atoms, double sums, cosine readout): with Parseval, in units of 1/N per term and
//                                spectra K_f, C_f of unit mean power (|.|^2 ~ Exp(1), E|.|^4 = 2):
//                                the hit's own term is |q|^2 = (1/N) sum |K_r|^2 |C|^2 (mean 1,
//                                variance 6/N), and the cosine divides by |q|, leaving |q| =
//                                sqrt(1 + eps) of variance 1.5/N; each other item adds a term
//                                Re(K_m C_m conj(K_r C)) of variance 1/N. A distractor C_j gets
//                                those M - 1 terms plus the key's own Re(|K_r|^2 C_ar conj(C_j)),
//                                of variance E|K|^4 / N = 2/N. Scaled by N: mu = N,
//                                sigma_c^2 = N (M - 1 + 1.5), sigma^2 = N (M + 1), s ~ sqrt(N/(M+1)).
//                                Neglected: an item m != r whose atom is the candidate doubles its
//                                term's variance (E|C|^4 = 2), about (M-1)/K such items: relative
//                                O(1/K). The 1/N-relative corrections to mu are dropped too.
//   VTB (Normal atoms, D = n^2):  the same terms with the Wishart matrix W = M_r^T M_r of the key
//                                (E W^2 = (2 + 1/n) I) in place of |K_r|^2: |q|^2 has variance
//                                (6 + 2/n)/N, the key's own distractor term (2 + 1/n)/N, others
//                                1/N: mu = N, sigma_c^2 = N (M + 0.5 + 0.5/n), sigma^2 =
//                                N (M + 1 + 1/n). The dimension advisor treats N as continuous;
//                                a VTB vector needs a perfect square.
//
// CGR's mode bundle is not covered: the bundle shows the item's phase with probability
// P_hit = E[max count] / M (as for sparse blocks with L = Q), but where it shows another phase the
// difference is not uniform on the other residues: most bundles of few items in many phases are
// ties among distinct values, decided by the tied value nearest the members' phasor sum (then by
// partner components), so the winner leans toward the phases of the other items and the law of
// its difference to the item's phase depends on the geometry of the tied values; it has no
// closed form here.
// CGR read through its accumulator's phasor sums is MCR's model.
// MAP-C (real, uniform atoms) and MBAT are not covered: their atoms are not unit-modulus, so the
// hit variance gains terms from the atom's own norm and the cosine normalisation; the MAP-I
// curve is only an approximation for them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../models/cdt.hpp"
#include "normal.hpp"

namespace hdc::capacity {

/// The hypervector families the retrieval theory covers.
enum class family {
    map_i,        ///< bipolar atoms, integer sums (hdc::accumulator<hdc::bipolar<>>), dot readout
    map_b,        ///< bipolar atoms, sign of the sum (hdc::bundle of hdc::bipolar)
    bsc,          ///< binary atoms, majority (hdc::bundle of hdc::binary)
    fhrr,         ///< phasor atoms, complex sums (hdc::accumulator<hdc::phasor<>>), Re<,> readout
    sparse_block, ///< sparse block code, count bundle with winner-take-all (hdc::bundle of hdc::sparse)
    bsdc,         ///< sparse binary codes, OR + CDT bundle, shift binding (hdc::bundle of hdc::sparse_binary)
    hrr,          ///< HRR, Normal atoms bound by convolution, double sums, cosine readout
    vtb,          ///< VTB, Normal atoms bound by the key's block matrix, double sums, cosine readout
    mcr,          ///< MCR (sums): Q-th-root atoms kept as complex sums (hdc::accumulator<hdc::mcr<>>), Re<,>
                  ///< readout; not the quantised bundle hdc::bundle returns
};

/// Short display name of a family ("MAP-I", "MAP-B", "BSC", "FHRR", "SBC", "BSDC", "HRR", "VTB", "MCR").
inline const char* family_name(family f) noexcept {
    switch (f) {
        case family::map_i: return "MAP-I";
        case family::map_b: return "MAP-B";
        case family::bsc: return "BSC";
        case family::fhrr: return "FHRR";
        case family::sparse_block: return "SBC";
        case family::bsdc: return "BSDC";
        case family::hrr: return "HRR";
        case family::vtb: return "VTB";
        case family::mcr: return "MCR";
    }
    return "?";
}

/// A family and, for sparse block codes, the block length L (the dimension is blocks x L); for
/// MCR the modulus Q.
struct code {
    family kind = family::map_i;  ///< the family
    std::size_t block_length = 0; ///< L for sparse block codes, Q for MCR; ignored otherwise
};

/// MAP-I: bipolar atoms kept as integer sums.
inline constexpr code map_i{family::map_i, 0};
/// MAP-B: bipolar atoms, sign-of-sum bundle.
inline constexpr code map_b{family::map_b, 0};
/// BSC: binary atoms, majority bundle.
inline constexpr code bsc{family::bsc, 0};
/// FHRR: phasor atoms kept as complex sums.
inline constexpr code fhrr{family::fhrr, 0};
/// Sparse binary codes (hdc::sparse_binary): w = round(sqrt(N)) ones, OR + CDT bundle.
inline constexpr code bsdc{family::bsdc, 0};
/// HRR: Normal atoms bound by circular convolution, kept as sums.
inline constexpr code hrr{family::hrr, 0};
/// VTB: Normal atoms bound by vector-derived transformations, kept as sums.
inline constexpr code vtb{family::vtb, 0};
/// Sparse block code with blocks of length L (L >= 2).
constexpr code sparse_block(std::size_t block_length) noexcept {
    return {family::sparse_block, block_length};
}

/// MCR with modulus Q (2 <= Q <= 65536), kept as complex sums.
constexpr code mcr_sums(std::size_t modulus) noexcept {
    return {family::mcr, modulus};
}
/// Gaussian model of the scores in one read-out (units: dot products or overlaps).
struct score_model {
    double hit_mean = 0;       ///< mean of the right atom's score minus a distractor's mean
    double hit_sd = 0;         ///< standard deviation of the right atom's score
    double distractor_sd = 1;  ///< standard deviation of each distractor's score
};

namespace detail {

/// Throws unless the code is valid and dim fits it (a positive multiple of L for sparse codes).
inline void check_code(const char* function, const code& c, std::size_t dim) {
    check_dimension(function, dim);
    if (c.kind == family::sparse_block) {
        if (c.block_length < 2)
            throw invalid_parameter(std::string(function) +
                                    ": a sparse block code needs block length L >= 2, got " +
                                    std::to_string(c.block_length));
        if (dim % c.block_length != 0)
            throw invalid_dimension(std::string(function) + ": dimension " + std::to_string(dim) +
                                    " is not a multiple of the block length " +
                                    std::to_string(c.block_length));
    }
    if (c.kind == family::mcr) {
        if (c.block_length < 2 || c.block_length > 65536)
            throw invalid_parameter(std::string(function) + ": " + family_name(c.kind) +
                                    " needs a modulus Q between 2 and 65536, got " +
                                    std::to_string(c.block_length));
    }
}

/// E[cos^2] of a uniform phase difference modulo Q: 1 for Q = 2, 1/2 for Q >= 3.
inline double phase_variance(std::size_t modulus) noexcept { return modulus == 2 ? 1.0 : 0.5; }

}  // namespace detail

/// mu_M: expected agreement (+-1 product) of a member with the sign / majority bundle of M
/// random bipolar or binary atoms, with the library's tie rule: C(M-1, (M-1)/2) / 2^(M-1) for
/// odd M, mu_{M+1} for even M (a tied component is decided independently of the member).
inline double bundle_hit_mean(std::size_t items) {
    detail::check_items("bundle_hit_mean", items);
    const std::size_t odd = items % 2 == 1 ? items : items + 1;
    const double k = static_cast<double>(odd - 1) / 2;  // C(2k, k) / 4^k
    return std::exp(std::lgamma(2 * k + 1) - 2 * std::lgamma(k + 1) - 2 * k * std::log(2.0));
}

/// P_hit for a sparse block code: the probability that a block of the winner-take-all bundle of
/// M random blocks of length L shows a given member's index, E[max count] / M (see the file
/// comment). Exact to ~1e-12 relative: E[max] = ceil(M/L) + sum over k of P(max > k), summed
/// until the tail falls below 1e-12 or stops falling (rounding of the normaliser leaves the
/// computed tail at ~1e-12 instead of 0 for large M, so waiting for 0 would run every k to M),
/// and at most to mean + 40 sd of one block's count. Costs O(L^2 (k - M/L) k) per level k.
inline double block_hit_probability(std::size_t items, std::size_t block_length) {
    detail::check_items("block_hit_probability", items);
    if (block_length < 2)
        throw invalid_parameter("block_hit_probability: block length L must be at least 2, got " +
                                std::to_string(block_length));
    const std::size_t m = items, l = block_length;
    const double lambda = static_cast<double>(m) / static_cast<double>(l);
    const std::size_t k0 = (m + l - 1) / l;  // the maximum is at least ceil(M / L)
    // One block's count is Binomial(M, 1/L); P(max > mean + 40 sd) < L e^-800: nothing left.
    const double sd = std::sqrt(lambda * (1 - 1 / static_cast<double>(l)));
    const std::size_t k_end =
        std::min(m, static_cast<std::size_t>(std::ceil(lambda + 40 * sd)) + 1);
    double expected_max = static_cast<double>(k0);
    // log Poisson(M; M): the normaliser of Poissonisation.
    const double md = static_cast<double>(m);
    const double log_pois_mm = md * std::log(md) - md - std::lgamma(md + 1);
    std::vector<double> f(m + 1), g(m + 1), t;
    double previous_tail = 1;
    for (std::size_t k = k0; k < k_end; ++k) {
        // P(max <= k) = P(Y <= k)^L P(sum of L truncated Y = M) / Poisson(M; M), Y ~ Poisson(lambda).
        t.assign(k + 1, 0.0);
        double cdf = 0;
        for (std::size_t i = 0; i <= k; ++i) {
            const double di = static_cast<double>(i);
            t[i] = std::exp(-lambda + di * std::log(lambda) - std::lgamma(di + 1));
            cdf += t[i];
        }
        for (auto& x : t) x /= cdf;
        // After b bins only totals in [M - (L - b) k, b k] can still reach M at the end: the
        // window is at most L (k - M/L) wide, which keeps each level cheap.
        std::fill(f.begin(), f.end(), 0.0);
        f[0] = 1;
        std::size_t f_lo = 0, f_hi = 0;  // f is zero outside [f_lo, f_hi]
        for (std::size_t bin = 0; bin < l; ++bin) {
            const std::size_t hi = std::min(m, (bin + 1) * k);
            const std::size_t rest = (l - bin - 1) * k;
            const std::size_t lo = m > rest ? m - rest : 0;
            std::fill(g.begin() + static_cast<std::ptrdiff_t>(lo),
                      g.begin() + static_cast<std::ptrdiff_t>(hi) + 1, 0.0);
            for (std::size_t i = 0; i <= k; ++i) {  // g[total] += t[i] f[total - i]; vectorises
                const std::size_t from = std::max(lo, f_lo + i), to = std::min(hi, f_hi + i);
                const double ti = t[i];
                for (std::size_t total = from; total <= to; ++total) g[total] += ti * f[total - i];
            }
            for (std::size_t total = f_lo; total <= f_hi; ++total) f[total] = 0;
            std::swap(f, g);
            f_lo = lo;
            f_hi = hi;
        }
        const double p_le =
            f[m] > 0 ? std::exp(static_cast<double>(l) * std::log(cdf) + std::log(f[m]) - log_pois_mm)
                     : 0.0;
        const double tail = 1 - std::min(1.0, p_le);  // P(max > k)
        expected_max += tail;
        // Stop when the tail is negligible or has stopped falling (what is left is rounding).
        if (tail < 1e-12 || (tail < 1e-8 && previous_tail - tail < 1e-12)) break;
        previous_tail = tail;
    }
    return expected_max / md;
}

/// One read-out of a sparse binary bundle whose superposition has n ones (see the file comment):
/// the atoms' w ones, the right atom's survival probability q(n) and a distractor's per-one hit
/// probability b / N = n q / N.
struct bsdc_readout {
    std::size_t ones = 0;    ///< w
    double p_hit = 0;        ///< q(n)
    double p_distractor = 0; ///< n q(n) / N
};
/// The read-out of a sparse binary bundle of dimension dim whose superposition has
/// superposition_ones ones.
inline bsdc_readout bsdc_scores_given(std::size_t dim, std::size_t superposition_ones) {
    const std::size_t w = sparse_binary_ones(dim);
    const double q = plan_cdt(superposition_ones, dim).kept_fraction(superposition_ones, dim);
    return {w, q, static_cast<double>(superposition_ones) * q / static_cast<double>(dim)};
}

/// Mean and variance of the number of ones of the OR of M independent atoms of w ones in N bits
/// (occupancy): with e1 = (1 - w/N)^M and e2 = ((N-w)(N-w-1) / (N(N-1)))^M the probabilities
/// that one bit, and that two given bits, stay 0: mean N (1 - e1), variance
/// N e1 + N (N-1) e2 - N^2 e1^2.
inline std::pair<double, double> superposition_ones(std::size_t dim, std::size_t items) {
    const double n = static_cast<double>(dim), w = static_cast<double>(sparse_binary_ones(dim));
    const double m = static_cast<double>(items);
    const double e1 = std::pow(1 - w / n, m);
    const double e2 = dim < 2 ? e1 : std::pow((n - w) * (n - w - 1) / (n * (n - 1)), m);
    const double var = n * e1 + n * (n - 1) * e2 - n * n * e1 * e1;
    return {n * (1 - e1), std::max(0.0, var)};
}

/// The Gaussian score model of one read-out for family c at dimension dim with M = items (see
/// the file comment for each family's derivation).
inline score_model gaussian_scores(const code& c, std::size_t dim, std::size_t items) {
    detail::check_code("gaussian_scores", c, dim);
    detail::check_items("gaussian_scores", items);
    const double n = static_cast<double>(dim), m = static_cast<double>(items);
    switch (c.kind) {
        case family::map_i: return {n, std::sqrt((m - 1) * n), std::sqrt(m * n)};
        case family::fhrr: return {n, std::sqrt((m - 1) * n / 2), std::sqrt(m * n / 2)};
        case family::hrr: return {n, std::sqrt(n * (m + 0.5)), std::sqrt(n * (m + 1))};
        case family::vtb: {
            const double root = std::sqrt(n);  // d' (N treated as continuous)
            return {n, std::sqrt(n * (m + 0.5 + 0.5 / root)), std::sqrt(n * (m + 1 + 1 / root))};
        }
        case family::map_b:
        case family::bsc: {
            const double mu = bundle_hit_mean(items);
            return {n * mu, std::sqrt(n * (1 - mu * mu)), std::sqrt(n)};
        }
        case family::sparse_block: {
            const double l = static_cast<double>(c.block_length), b = n / l;
            const double ph = block_hit_probability(items, c.block_length), pd = 1 / l;
            return {b * (ph - pd), std::sqrt(b * ph * (1 - ph)), std::sqrt(b * pd * (1 - pd))};
        }
        case family::bsdc: {
            const auto mean_ones = static_cast<std::size_t>(std::llround(superposition_ones(dim, items).first));
            const bsdc_readout r = bsdc_scores_given(dim, mean_ones);
            const double w = static_cast<double>(r.ones);
            return {w * (r.p_hit - r.p_distractor), std::sqrt(w * r.p_hit * (1 - r.p_hit)),
                    std::sqrt(w * r.p_distractor * (1 - r.p_distractor))};
        }
        case family::mcr: {
            const double v = detail::phase_variance(c.block_length);
            return {n, std::sqrt((m - 1) * n * v), std::sqrt(m * n * v)};
        }
    }
    return {};
}

/// The signal-to-noise ratio s = hit mean / distractor sd of family c (ALGORITHMS.md 2.1 table:
/// sqrt(N/M) for MAP-I, sqrt(N) mu_M for MAP-B and BSC, sqrt(2N/M) for FHRR).
inline double snr(const code& c, std::size_t dim, std::size_t items) {
    const score_model s = gaussian_scores(c, dim, items);
    return s.hit_mean / s.distractor_sd;
}

/// p = integral phi(z) Phi((mu + sigma_c z) / sigma)^(K-1) dz for the given score model and
/// codebook size K: the probability that the right atom scores above all K - 1 distractors.
/// Simpson's rule on z in [-12, 12] (step 0.005).
inline double p_correct_gaussian(const score_model& s, std::size_t codebook) {
    detail::check_codebook("p_correct_gaussian", codebook);
    detail::check_finite("p_correct_gaussian", "hit mean", s.hit_mean);
    detail::check_finite("p_correct_gaussian", "hit sd", s.hit_sd);
    detail::check_finite("p_correct_gaussian", "distractor sd", s.distractor_sd);
    if (!(s.hit_sd >= 0) || !(s.distractor_sd > 0))
        throw invalid_parameter("p_correct_gaussian: the hit sd must be >= 0 and the distractor sd > 0");
    const double k1 = static_cast<double>(codebook - 1);
    const auto power = [&](double x) { return std::exp(k1 * detail::log_normal_cdf(x)); };
    if (s.hit_sd == 0) return power(s.hit_mean / s.distractor_sd);
    const int steps = 4800;
    const double lo = -12, hi = 12, h = (hi - lo) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; ++i) {
        const double z = lo + h * i;
        const double w = (i == 0 || i == steps) ? 1 : (i % 2 == 1 ? 4 : 2);
        sum += w * normal_pdf(z) * power((s.hit_mean + s.hit_sd * z) / s.distractor_sd);
    }
    return std::clamp(sum * h / 3, 0.0, 1.0);
}

/// The simplified form of ALGORITHMS.md 2.1, p = integral phi(z) Phi(z + s)^(K-1) dz (hit and
/// distractor sd taken equal), used for its s* and M_max tables.
inline double p_correct_snr(double s, std::size_t codebook) {
    detail::check_finite("p_correct_snr", "s", s);
    return p_correct_gaussian(score_model{s, 1, 1}, codebook);
}

namespace detail {

/// A probability mass function on the integers lo, lo + 1, ... (the mass outside is negligible).
struct count_pmf {
    std::size_t lo = 0;
    std::vector<double> p;
};

/// Bin(n, q) on [lo, hi] holding all but ~e^-800 of its mass.
inline count_pmf binomial_pmf(std::size_t n, double q) {
    const double nn = static_cast<double>(n), mean = nn * q, sd = std::sqrt(nn * q * (1 - q));
    const auto lo = static_cast<std::size_t>(std::max(0.0, std::floor(mean - 40 * sd - 1)));
    const auto hi = static_cast<std::size_t>(std::min(nn, std::ceil(mean + 40 * sd + 1)));
    count_pmf out{lo, std::vector<double>(hi - lo + 1)};
    for (std::size_t k = lo; k <= hi; ++k) out.p[k - lo] = std::exp(log_binomial_pmf(n, q, k));
    return out;
}

/// Hypergeometric(population, marked, draws): the number of marked items among `draws` drawn
/// without replacement, on its whole support (the mode from logarithms, the rest by the ratio
/// P(k + 1) / P(k) = (marked - k)(draws - k) / ((k + 1)(population - marked - draws + k + 1)),
/// then normalised).
inline count_pmf hypergeometric_pmf(std::size_t population, std::size_t marked, std::size_t draws) {
    const std::size_t lo = draws + marked > population ? draws + marked - population : 0;
    const std::size_t hi = std::min(marked, draws);
    const double n = static_cast<double>(population), m = static_cast<double>(marked), d = static_cast<double>(draws);
    const auto log_choose = [](double a, double b) {
        return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1);
    };
    const auto ratio = [&](double k) { return (m - k) * (d - k) / ((k + 1) * (n - m - d + k + 1)); };
    const auto mode = std::clamp(static_cast<std::size_t>(std::floor((d + 1) * (m + 1) / (n + 2))), lo, hi);
    count_pmf out{lo, std::vector<double>(hi - lo + 1, 0.0)};
    const double km = static_cast<double>(mode);
    out.p[mode - lo] = std::exp(log_choose(m, km) + log_choose(n - m, d - km) - log_choose(n, d));
    for (std::size_t k = mode; k < hi && out.p[k - lo] > 1e-300; ++k)
        out.p[k + 1 - lo] = out.p[k - lo] * ratio(static_cast<double>(k));
    for (std::size_t k = mode; k > lo && out.p[k - lo] > 1e-300; --k)
        out.p[k - 1 - lo] = out.p[k - lo] / ratio(static_cast<double>(k - 1));
    double total = 0;  // the mode's lgamma terms carry ~1e-9 relative error at large N: rescale
    for (double x : out.p) total += x;
    for (double& x : out.p) x /= total;
    return out;
}

/// The probability that a score of law `hit` beats K - 1 i.i.d. scores of law `distractor`, a tie
/// among t + 1 equal best scores won with probability 1 / (t + 1) (the right atom's index is
/// uniform and the lower index wins): sum_h P(H = h) [F(h)^K - F(h-1)^K] / (K P(D = h)).
inline double p_beats(const count_pmf& hit, const count_pmf& distractor, std::size_t codebook) {
    const std::size_t dlo = distractor.lo, dhi = distractor.lo + distractor.p.size() - 1;
    std::vector<double> below(distractor.p.size() + 1);  // P(D < dlo + i)
    below[0] = 0;
    for (std::size_t i = 0; i < distractor.p.size(); ++i) below[i + 1] = std::min(1.0, below[i] + distractor.p[i]);
    const double k = static_cast<double>(codebook);
    double p = 0;
    for (std::size_t i = 0; i < hit.p.size(); ++i) {
        const std::size_t h = hit.lo + i;
        const double ph = hit.p[i];
        if (ph == 0) continue;
        double g;
        if (h < dlo) {
            g = 0;
        } else if (h > dhi) {
            g = 1;
        } else {
            const double a = distractor.p[h - dlo], b = below[h - dlo];
            if (a == 0)
                g = std::pow(b, k - 1);
            else if (b == 0)
                g = std::pow(a, k - 1) / k;
            else {
                // [(a + b)^K - b^K] / (K a) = b^(K-1) expm1(K log1p(r)) / (K r), r = a / b, in
                // logarithms: no cancellation, no overflow when b is tiny.
                const double r = a / b, x = k * std::log1p(r);
                const double log_expm1 = x > 30 ? x + std::log1p(-std::exp(-x)) : std::log(std::expm1(x));
                g = std::exp((k - 1) * std::log(b) + log_expm1 - std::log(k * r));
            }
        }
        p += ph * g;
    }
    return std::clamp(p, 0.0, 1.0);
}

/// Averages f over the integers near a Normal(mean, sd) law (weights exp(-z^2 / 2) on the
/// integers within 6 sd, at most about `points` of them, clipped to [lo, hi]); f(round(mean))
/// when sd is negligible.
template <class F>
double average_near_normal(double mean, double sd, double lo, double hi, double points, F f) {
    if (sd < 0.05) return f(static_cast<std::size_t>(std::llround(std::clamp(mean, lo, hi))));
    const double step = std::max(1.0, std::floor(12 * sd / points));
    const double first = std::max(lo, std::floor(mean - 6 * sd)), last = std::min(hi, std::ceil(mean + 6 * sd));
    double total = 0, weight = 0;
    for (double x = first; x <= last; x += step) {
        const double z = (x - mean) / sd, g = std::exp(-0.5 * z * z);
        total += g * f(static_cast<std::size_t>(x));
        weight += g;
    }
    return weight > 0 ? total / weight : f(static_cast<std::size_t>(std::llround(std::clamp(mean, lo, hi))));
}

}  // namespace detail

/// Exact probability that a Bin(n, p_hit) score beats K - 1 i.i.d. Bin(n, p_distractor) scores,
/// a tie among t + 1 equal best scores won with probability 1 / (t + 1) (the right atom's index is
/// uniform and the lower index wins). The count model of MAP-B, BSC and sparse block codes.
inline double p_correct_counts(std::size_t n, double p_hit, double p_distractor, std::size_t codebook) {
    detail::check_codebook("p_correct_counts", codebook);
    detail::check_dimension("p_correct_counts", n);
    detail::check_finite("p_correct_counts", "p_hit", p_hit);
    detail::check_finite("p_correct_counts", "p_distractor", p_distractor);
    if (p_hit < 0 || p_hit > 1 || p_distractor < 0 || p_distractor > 1)
        throw invalid_parameter("p_correct_counts: probabilities must lie in [0, 1]");
    return detail::p_beats(detail::binomial_pmf(n, p_hit), detail::binomial_pmf(n, p_distractor), codebook);
}

/// The sparse binary count model given the superposition's size n = |Z| (see the file comment):
/// b ~ Bin(n, q(n)) ones survive thinning; given b, the right atom's score is
/// Hypergeometric(n, b, w) and each distractor's Hypergeometric(N, b, w).
inline double bsdc_p_correct_given(std::size_t dim, std::size_t superposition_ones, std::size_t codebook) {
    const std::size_t w = sparse_binary_ones(dim), n = superposition_ones;
    if (n < w) return 1.0;  // cannot happen for a bundle of atoms; no read-out to model
    const double q = plan_cdt(n, dim).kept_fraction(n, dim);
    const double nn = static_cast<double>(n);
    return detail::average_near_normal(nn * q, std::sqrt(nn * q * (1 - q)), 0, nn, 40, [&](std::size_t b) {
        return detail::p_beats(detail::hypergeometric_pmf(n, b, w), detail::hypergeometric_pmf(dim, b, w),
                               codebook);
    });
}

/// The theory's predicted probability of retrieving one item correctly from M = items in a
/// codebook of K = codebook atoms at dimension dim: the exact count model for MAP-B, BSC and
/// sparse block codes, the Gaussian model (exact form) for MAP-I, FHRR and MCR.
inline double p_correct(const code& c, std::size_t dim, std::size_t items, std::size_t codebook) {
    detail::check_code("p_correct", c, dim);
    detail::check_items("p_correct", items);
    detail::check_codebook("p_correct", codebook);
    switch (c.kind) {
        case family::map_b:
        case family::bsc:
            return p_correct_counts(dim, (1 + bundle_hit_mean(items)) / 2, 0.5, codebook);
        case family::sparse_block: {
            const double l = static_cast<double>(c.block_length);
            return p_correct_counts(dim / c.block_length, block_hit_probability(items, c.block_length),
                                    1 / l, codebook);
        }
        case family::bsdc: {
            // The count model given n = |Z|, averaged over n ~ Normal(occupancy mean, sd).
            const auto [mean, var] = superposition_ones(dim, items);
            return detail::average_near_normal(mean, std::sqrt(var), 1, static_cast<double>(dim), 60,
                                               [&](std::size_t n) { return bsdc_p_correct_given(dim, n, codebook); });
        }
        case family::map_i:
        case family::fhrr:
        case family::hrr:
        case family::vtb:
        case family::mcr: break;
    }
    return p_correct_gaussian(gaussian_scores(c, dim, items), codebook);
}

/// s*(K, p): the SNR at which p_correct_snr(s*, K) = p (ALGORITHMS.md 2.1: K = 27, p = 0.99 ->
/// 4.634). Bisection to 1e-12.
inline double snr_threshold(std::size_t codebook, double p) {
    detail::check_codebook("snr_threshold", codebook);
    detail::check_probability("snr_threshold", "target accuracy p", p);
    double lo = -40, hi = 60;
    for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
        const double mid = 0.5 * (lo + hi);
        (p_correct_snr(mid, codebook) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

namespace detail {

/// Largest x in [1, cap] with ok(x) for a predicate true at small x and false beyond some point
/// (0 if ok(1) fails, cap if it never fails).
template <class Ok>
std::size_t largest_ok(Ok ok, std::size_t cap) {
    if (!ok(1)) return 0;
    std::size_t good = 1, bad = 2;
    while (bad <= cap && ok(bad)) {
        good = bad;
        bad *= 2;
    }
    if (bad > cap) {
        if (ok(cap)) return cap;
        bad = cap;
    }
    while (bad - good > 1) {
        const std::size_t mid = good + (bad - good) / 2;
        (ok(mid) ? good : bad) = mid;
    }
    return good;
}

inline constexpr std::size_t search_cap = std::size_t{1} << 32;

}  // namespace detail

/// M_max by the SNR rule of ALGORITHMS.md 2.1: the largest M with snr(c, dim, M) >= s*(K, p)
/// (MAP-I at N = 10,000, K = 27, p = 0.99: 465; MAP-B: 297). 0 if even one item misses.
inline std::size_t max_items_snr(const code& c, std::size_t dim, std::size_t codebook, double p) {
    detail::check_code("max_items_snr", c, dim);
    const double target = snr_threshold(codebook, p);
    return detail::largest_ok([&](std::size_t m) { return snr(c, dim, m) >= target; },
                              detail::search_cap);
}

/// Dimension advisor, inverse form: the largest M such that one item of M from a codebook of K is
/// retrieved with error at most delta (p_correct >= 1 - delta) at dimension dim; 0 if none. For
/// BSDC p_correct is not monotone in M (CDT's K is rounded: at N = 10,000, p(7) < p(8)), so
/// after the bisection every smaller M is checked too: the answer is the largest M such that
/// every M' <= M meets the target.
inline std::size_t max_items(const code& c, std::size_t dim, std::size_t codebook, double delta) {
    detail::check_code("max_items", c, dim);
    detail::check_codebook("max_items", codebook);
    detail::check_probability("max_items", "error delta", delta);
    const auto ok = [&](std::size_t m) { return p_correct(c, dim, m, codebook) >= 1 - delta; };
    std::size_t m = detail::largest_ok(ok, detail::search_cap);
    if (c.kind == family::bsdc)
        for (std::size_t smaller = m; smaller > 1; --smaller)
            if (!ok(smaller - 1)) m = smaller - 2;
    return m;
}

/// Dimension advisor: the smallest dimension at which one item of M = items from a codebook of
/// K is retrieved with error at most delta (p_correct >= 1 - delta), among the dimensions the
/// family takes: for sparse block codes a multiple of the block length, for VTB a perfect square
/// d'^2 (hdc::vtb refuses others). p_correct grows with the dimension (the count models only up
/// to tiny lattice wiggles, which can move the answer by a unit or two); bisection over the
/// block count, or over d' for VTB. For BSDC it is not monotone in N (w = round(sqrt(N)) and
/// CDT's K are rounded): the answer meets the target, but some larger dimensions may narrowly
/// miss it and a slightly smaller one may meet it.
inline std::size_t min_dimension(const code& c, std::size_t items, std::size_t codebook, double delta) {
    detail::check_items("min_dimension", items);
    detail::check_codebook("min_dimension", codebook);
    detail::check_probability("min_dimension", "error delta", delta);
    const std::size_t unit = c.kind == family::sparse_block ? c.block_length : 1;
    detail::check_code("min_dimension", c, unit == 0 ? 1 : unit);
    const bool square = c.kind == family::vtb;
    const auto dim_of = [&](std::size_t x) { return square ? x * x : x * unit; };
    const auto ok = [&](std::size_t x) { return p_correct(c, dim_of(x), items, codebook) >= 1 - delta; };
    // Smallest x with ok: exponential then binary search.
    std::size_t hi = 1;
    while (!ok(hi)) {
        if (dim_of(hi) >= (std::size_t{1} << 36))
            throw invalid_parameter("min_dimension: no dimension below 2^36 reaches error " +
                                    detail::num(delta));
        hi *= 2;
    }
    std::size_t lo = hi / 2;  // !ok(lo) unless lo == 0
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        (ok(mid) ? hi : lo) = mid;
    }
    return dim_of(hi);
}

}  // namespace hdc::capacity
