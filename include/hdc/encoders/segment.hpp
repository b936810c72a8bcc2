// hdc/encoders/segment.hpp - unsupervised topic segmentation of a sequence of sentences
// (HyperSeg, ALGORITHMS.md section 6.2, and window and C99-style variants) and the Pk and
// WindowDiff error metrics.
//
// It lives with the encoders because it is their consumer for text: the word encoders of
// words.hpp turn sentences into un-normalised bundles, and what is left is numerical work on
// those bundles' sums (cosines, minima, a rank-transformed similarity matrix), which needs no
// memory structure. The pipeline is generic over every model whose accumulator exposes its sums.
//
// A segmentation of n sentences is a 0/1 list over the n - 1 gaps: gap j (between sentence j and
// j + 1) is true when a new segment starts at sentence j + 1.
//
// Methods (segment_options::method):
//   adjacent  sigma_j = cos(u_j, u_{j+1}) of adjacent sentence bundles (HyperSeg).
//   window    sigma_j = cos of the bundles of the w sentences before and after gap j.
//   c99       Choi's C99 on the sentence bundles: cosine matrix (cosines within the noise of
//             random vectors, 3 / sqrt(D), set to 0), each cell replaced by its rank in a
//             mask x mask neighbourhood, then divisive clustering that maximises the inside
//             density sum(s_k) / sum(a_k).
// Boundaries for adjacent and window with the number unknown: the strict local minima of sigma
// that pass the threshold tau = mean(sigma) - std(sigma), either sigma_j > tau (as HyperSeg's
// released code compares) or sigma_j < tau (the rule the paper describes), optionally damped
// to the floor((ln #minima)^2) deepest. With the number known: the deepest minima.
//
// Every function here is pure (no shared state), so any of them may run concurrently.
#pragma once

#include "../models/eigen_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "words.hpp"

namespace hdc {

// ---------------------------------------------------------------------------------------------
// Metrics

/// A segmentation: one flag per gap between adjacent sentences (true: a boundary).
using gap_flags = std::vector<bool>;

namespace detail {

/// Throws unless reference and hypothesis are non-empty and of equal length.
inline void check_metric_input(const char* name, const gap_flags& reference, const gap_flags& hypothesis) {
    if (reference.size() != hypothesis.size())
        throw invalid_parameter(std::string(name) + ": reference has " + std::to_string(reference.size()) +
                                 " gaps, hypothesis " + std::to_string(hypothesis.size()));
    if (reference.empty())
        throw empty_input(std::string(name) + ": a segmentation of at least two sentences is needed");
}

}  // namespace detail

/// The conventional probe distance for Pk and WindowDiff: half the mean reference segment
/// length in sentences, rounded half up, at least 1. reference has n - 1 gaps for n sentences.
inline std::size_t default_probe_distance(const gap_flags& reference) {
    const std::size_t n = reference.size() + 1;
    const auto segments = static_cast<std::size_t>(std::count(reference.begin(), reference.end(), true)) + 1;
    const auto k = static_cast<std::size_t>(std::floor(static_cast<double>(n) / (2.0 * static_cast<double>(segments)) + 0.5));
    return std::max<std::size_t>(1, k);
}

/// Beeferman's Pk: over the n - k probes (i, i + k), the fraction where reference and
/// hypothesis disagree on whether sentences i and i + k are in the same segment. k = 0 takes
/// default_probe_distance(reference); a k of n or more is clamped to n - 1. Throws
/// invalid_parameter for lists of different length and empty_input for empty ones.
inline double pk(const gap_flags& reference, const gap_flags& hypothesis, std::size_t k = 0) {
    detail::check_metric_input("pk", reference, hypothesis);
    const std::size_t n = reference.size() + 1;
    if (k == 0) k = default_probe_distance(reference);
    k = std::min(k, n - 1);
    std::size_t errors = 0;
    for (std::size_t i = 0; i + k < n; ++i) {
        bool r = false, h = false;
        for (std::size_t g = i; g < i + k; ++g) {
            r = r || reference[g];
            h = h || hypothesis[g];
        }
        errors += r != h;
    }
    return static_cast<double>(errors) / static_cast<double>(n - k);
}

/// Pevzner and Hearst's WindowDiff: over the n - k probes (i, i + k), the fraction where the
/// number of boundaries between sentences i and i + k differs. k as for pk(); same errors.
inline double window_diff(const gap_flags& reference, const gap_flags& hypothesis, std::size_t k = 0) {
    detail::check_metric_input("window_diff", reference, hypothesis);
    const std::size_t n = reference.size() + 1;
    if (k == 0) k = default_probe_distance(reference);
    k = std::min(k, n - 1);
    std::size_t errors = 0;
    for (std::size_t i = 0; i + k < n; ++i) {
        std::size_t r = 0, h = 0;
        for (std::size_t g = i; g < i + k; ++g) {
            r += reference[g];
            h += hypothesis[g];
        }
        errors += r != h;
    }
    return static_cast<double>(errors) / static_cast<double>(n - k);
}

// ---------------------------------------------------------------------------------------------
// Similarity curves and boundary rules (model-free)

/// Sentence bundles as rows of a matrix (the sums of each sentence's accumulator).
using sentence_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace detail {

/// Dot product of two float rows in a fixed order (64 lanes within blocks of 1024 components,
/// block totals in double), so it does not depend on the SIMD path. Integer-valued rows (the
/// sums of binary and bipolar bundles) give the exact value while a block's partial sums stay
/// below 2^24.
inline double dot_rows(const float* a, const float* b, std::size_t n) noexcept {
    constexpr std::size_t lanes = 64, block = 1024;
    double total = 0;
    for (std::size_t start = 0; start < n; start += block) {
        const std::size_t end = std::min(n, start + block);
        float acc[lanes] = {};
        std::size_t i = start;
        for (; i + lanes <= end; i += lanes)
            for (std::size_t l = 0; l < lanes; ++l) acc[l] += a[i + l] * b[i + l];
        for (std::size_t l = 0; i < end; ++i, ++l) acc[l] += a[i] * b[i];
        for (std::size_t l = 0; l < lanes; ++l) total += static_cast<double>(acc[l]);
    }
    return total;
}

}  // namespace detail

/// The Gram matrix of the rows of u, g(a, b) = <u_a, u_b>, for |a - b| <= band (other cells 0).
/// A band covering the whole matrix is one matrix product: in float when the rows hold integers
/// and every |<u_a, u_b>| <= max_a |u_a|^2 stays below 2^24, so every partial sum is exact and
/// the result does not depend on the summation order; in double otherwise.
inline Eigen::MatrixXd row_gram(const sentence_matrix& u, std::size_t band) {
    const Eigen::Index n = u.rows();
    const auto d = static_cast<std::size_t>(u.cols());
    if (n > 0 && band + 1 >= static_cast<std::size_t>(n)) {
        // The bound needs no exactness: a margin of 1/64 covers the rounding of the float norms.
        const double max_norm2 = static_cast<double>(u.rowwise().squaredNorm().maxCoeff());
        bool integral = true;
        const float* values = u.data();
        for (std::size_t i = 0, size = static_cast<std::size_t>(u.size()); i < size; ++i)
            integral &= std::abs(values[i]) < 16777216.0f &&
                        values[i] == static_cast<float>(static_cast<std::int32_t>(values[i]));
        if (integral && max_norm2 < 16777216.0 * (1.0 - 1.0 / 64)) {
            const Eigen::MatrixXf g = u * u.transpose();
            return g.cast<double>();
        }
        const Eigen::MatrixXd x = u.cast<double>();
        return x * x.transpose();
    }
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index a = 0; a < n; ++a)
        for (Eigen::Index b = a; b < n && static_cast<std::size_t>(b - a) <= band; ++b)
            g(a, b) = g(b, a) = detail::dot_rows(u.row(a).data(), u.row(b).data(), d);
    return g;
}

/// sigma_j for every gap j of the rows of u: the cosine of the sum of rows j-w+1..j and the sum
/// of rows j+1..j+w (cut at the ends); w = 1 is the adjacent-sentence curve. A zero window gives
/// cosine 0. Computed from the band of the Gram matrix, so a window costs O(w^2) once the
/// 2 w - 1 neighbours' dot products are known. Throws invalid_parameter for w == 0.
inline std::vector<double> window_similarities(const sentence_matrix& u, std::size_t w) {
    if (w == 0) throw invalid_parameter("window_similarities: the window must hold at least one sentence");
    const auto n = static_cast<std::size_t>(u.rows());
    std::vector<double> sigma;
    if (n < 2) return sigma;
    const Eigen::MatrixXd g = row_gram(u, 2 * w - 1);
    const auto block = [&](std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1) {
        double s = 0;
        for (std::size_t a = a0; a < a1; ++a)
            for (std::size_t b = b0; b < b1; ++b) s += g(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
        return s;
    };
    sigma.reserve(n - 1);
    for (std::size_t j = 0; j + 1 < n; ++j) {
        const std::size_t lo = j + 1 > w ? j + 1 - w : 0, mid = j + 1, hi = std::min(n, j + 1 + w);
        const double lr = block(lo, mid, mid, hi), ll = block(lo, mid, lo, mid), rr = block(mid, hi, mid, hi);
        sigma.push_back(ll <= 0 || rr <= 0 ? 0.0 : lr / std::sqrt(ll * rr));
    }
    return sigma;
}

/// Strict local minima of sigma (sigma[j-1] > sigma[j] < sigma[j+1]), in order.
inline std::vector<std::size_t> local_minima(std::span<const double> sigma) {
    std::vector<std::size_t> out;
    for (std::size_t j = 1; j + 1 < sigma.size(); ++j)
        if (sigma[j - 1] > sigma[j] && sigma[j] < sigma[j + 1]) out.push_back(j);
    return out;
}

/// How candidate minima are kept when the number of boundaries is unknown.
enum class threshold_rule {
    above,  ///< sigma_j > tau: the comparison of HyperSeg's released code
    below   ///< sigma_j < tau: the rule the paper describes
};

/// Boundaries from a similarity curve over the gaps. With `boundaries` given: that many gaps,
/// the local minima with the lowest sigma first, then (if there are too few minima) the lowest
/// other gaps. Without: the local minima passing `rule` against tau = mean - std (population
/// std), and with `damp` only the floor((ln #kept)^2) deepest of them. Ties in sigma go to the
/// earlier gap, so the result is deterministic.
inline gap_flags boundaries_from_curve(std::span<const double> sigma, threshold_rule rule, bool damp,
                                       std::optional<std::size_t> boundaries = std::nullopt) {
    gap_flags out(sigma.size(), false);
    if (sigma.empty()) return out;
    const auto deeper = [&](std::size_t a, std::size_t b) { return sigma[a] < sigma[b] || (sigma[a] == sigma[b] && a < b); };
    std::vector<std::size_t> minima = local_minima(sigma);
    if (boundaries) {
        const std::size_t want = std::min(*boundaries, sigma.size());
        std::sort(minima.begin(), minima.end(), deeper);
        if (minima.size() < want) {
            std::vector<bool> used(sigma.size(), false);
            for (const std::size_t j : minima) used[j] = true;
            std::vector<std::size_t> rest;
            for (std::size_t j = 0; j < sigma.size(); ++j)
                if (!used[j]) rest.push_back(j);
            std::sort(rest.begin(), rest.end(), deeper);
            minima.insert(minima.end(), rest.begin(), rest.end());
        }
        for (std::size_t i = 0; i < want; ++i) out[minima[i]] = true;
        return out;
    }
    double mean = 0;
    for (const double s : sigma) mean += s;
    mean /= static_cast<double>(sigma.size());
    double var = 0;
    for (const double s : sigma) var += (s - mean) * (s - mean);
    const double tau = mean - std::sqrt(var / static_cast<double>(sigma.size()));
    std::vector<std::size_t> kept;
    for (const std::size_t j : minima)
        if (rule == threshold_rule::above ? sigma[j] > tau : sigma[j] < tau) kept.push_back(j);
    if (damp && !kept.empty()) {
        const double l = std::log(static_cast<double>(kept.size()));
        const auto keep = static_cast<std::size_t>(std::floor(l * l));
        std::sort(kept.begin(), kept.end(), deeper);
        kept.resize(std::min(keep, kept.size()));
    }
    for (const std::size_t j : kept) out[j] = true;
    return out;
}

/// C99's rank transform: each cell of the symmetric matrix s replaced by the fraction of the
/// other cells of its mask x mask neighbourhood (cut at the borders) with a smaller value.
/// Throws invalid_parameter if mask is even or zero.
inline Eigen::MatrixXd rank_transform(const Eigen::MatrixXd& s, std::size_t mask = 11) {
    if (mask % 2 == 0) throw invalid_parameter("rank_transform: the mask size must be odd, got " + std::to_string(mask));
    const Eigen::Index n = s.rows(), r = static_cast<Eigen::Index>(mask / 2);
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            const Eigen::Index i0 = std::max<Eigen::Index>(0, i - r), i1 = std::min(n - 1, i + r);
            const Eigen::Index j0 = std::max<Eigen::Index>(0, j - r), j1 = std::min(n - 1, j + r);
            const double v = s(i, j);
            std::size_t lower = 0;
            for (Eigen::Index a = i0; a <= i1; ++a)
                for (Eigen::Index b = j0; b <= j1; ++b) lower += s(a, b) < v;
            const auto cells = static_cast<double>((i1 - i0 + 1) * (j1 - j0 + 1) - 1);
            out(i, j) = cells > 0 ? static_cast<double>(lower) / cells : 0.0;
        }
    return out;
}

/// C99's divisive clustering of the rank matrix r (n x n): starting from one segment, split
/// repeatedly where the inside density D = sum_k s_k / sum_k a_k (s_k the sum of r over segment
/// k's square, a_k its area) grows most. With `boundaries` given, stops at that many boundaries.
/// Without, splits down to single sentences and keeps the number of segments m after which the
/// gain dD(m) last exceeds mean + c * std of the gains (Choi's rule, c = 1.2).
inline gap_flags c99_divisive(const Eigen::MatrixXd& r, std::optional<std::size_t> boundaries = std::nullopt,
                              double c = 1.2) {
    if (!std::isfinite(c) || c < 0)
        throw invalid_parameter("c99_divisive: c must be finite and >= 0, got " + std::to_string(c));
    const auto n = static_cast<std::size_t>(r.rows());
    gap_flags out(n > 0 ? n - 1 : 0, false);
    if (n < 2) return out;
    // 2-D prefix sums: region sums in O(1).
    Eigen::MatrixXd p = Eigen::MatrixXd::Zero(r.rows() + 1, r.cols() + 1);
    for (Eigen::Index i = 0; i < r.rows(); ++i)
        for (Eigen::Index j = 0; j < r.cols(); ++j) p(i + 1, j + 1) = r(i, j) + p(i, j + 1) + p(i + 1, j) - p(i, j);
    const auto square = [&](std::size_t a, std::size_t b) {  // sentences a..b-1
        const auto ia = static_cast<Eigen::Index>(a), ib = static_cast<Eigen::Index>(b);
        return p(ib, ib) - p(ia, ib) - p(ib, ia) + p(ia, ia);
    };
    const std::size_t target = boundaries ? std::min(*boundaries, n - 1) : n - 1;
    std::vector<std::size_t> cuts = {0, n};  // segment starts, and n
    double inside = square(0, n), area = static_cast<double>(n * n);
    std::vector<double> density = {inside / area};
    std::vector<std::size_t> order;  // gaps in the order they were cut
    while (order.size() < target) {
        double best = -1;
        std::size_t best_cut = 0;
        double best_inside = 0, best_area = 0;
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            const std::size_t a = cuts[k], b = cuts[k + 1];
            const double s_ab = square(a, b), a_ab = static_cast<double>((b - a) * (b - a));
            for (std::size_t m = a + 1; m < b; ++m) {
                const double s_new = inside - s_ab + square(a, m) + square(m, b);
                const double a_new = area - a_ab + static_cast<double>((m - a) * (m - a) + (b - m) * (b - m));
                const double d = s_new / a_new;
                if (d > best) {
                    best = d;
                    best_cut = m;
                    best_inside = s_new;
                    best_area = a_new;
                }
            }
        }
        if (best_cut == 0) break;  // no split left (cannot happen below n - 1 splits)
        cuts.insert(std::upper_bound(cuts.begin(), cuts.end(), best_cut), best_cut);
        inside = best_inside;
        area = best_area;
        density.push_back(best);
        order.push_back(best_cut - 1);
    }
    std::size_t take = order.size();
    if (!boundaries && density.size() > 2) {
        // Gains dD(m) for m = 2.. segments; keep the splits up to the last gain above threshold.
        std::vector<double> gain;
        for (std::size_t m = 1; m < density.size(); ++m) gain.push_back(density[m] - density[m - 1]);
        double mean = 0;
        for (const double g : gain) mean += g;
        mean /= static_cast<double>(gain.size());
        double var = 0;
        for (const double g : gain) var += (g - mean) * (g - mean);
        const double threshold = mean + c * std::sqrt(var / static_cast<double>(gain.size()));
        take = 0;
        for (std::size_t m = 0; m < gain.size(); ++m)
            if (gain[m] > threshold) take = m + 1;
    }
    for (std::size_t i = 0; i < take; ++i) out[order[i]] = true;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Choi-format documents

/// A document with its reference segmentation.
struct segmented_document {
    std::vector<std::string> sentences;  ///< one per line, markers removed
    gap_flags reference;  ///< one flag per gap between sentences: true where a segment starts
};

/// Parses a document in Choi's format: one sentence per line, segments separated by lines
/// `==========` (optionally also at the start and the end; trailing spaces and a CR are
/// ignored on every line). Throws format_error, naming `name` and the line, for an empty text,
/// a text without a boundary line, an empty line, an empty segment (two boundary lines with no
/// sentence between), or fewer than two sentences.
inline segmented_document parse_choi(std::string_view text, std::string_view name) {
    const std::string where(name);
    if (text.empty()) throw format_error(where + ": empty file");
    segmented_document doc;
    std::size_t line_no = 0, markers = 0;
    bool last_was_marker = false, pending = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        if (line == "==========") {
            if (last_was_marker)
                throw format_error(where + ":" + std::to_string(line_no) +
                                   ": empty segment (two boundary lines in a row)");
            last_was_marker = true;
            pending = !doc.sentences.empty();
            ++markers;
            continue;
        }
        if (line.empty())
            throw format_error(where + ":" + std::to_string(line_no) +
                               ": empty line (expected a sentence or ==========)");
        if (!doc.sentences.empty()) doc.reference.push_back(pending);
        doc.sentences.emplace_back(line);
        pending = false;
        last_was_marker = false;
    }
    if (markers == 0) throw format_error(where + ": no boundary line ========== (not a Choi-format file)");
    if (doc.sentences.size() < 2)
        throw format_error(where + ": " + std::to_string(doc.sentences.size()) +
                           " sentence(s); at least two are needed");
    return doc;
}

// ---------------------------------------------------------------------------------------------
// The pipeline

/// Which similarity the boundaries are found on.
enum class segment_method {
    adjacent,  ///< cosine of adjacent sentence bundles (HyperSeg)
    window,    ///< cosine of the bundles of `window` sentences each side of a gap
    c99        ///< C99: rank-transformed cosine matrix, divisive clustering
};

/// Everything a segmentation depends on. The presets are the two options of ALGORITHMS.md
/// section 6.2 and the two improvements.
struct segment_options {
    /// The similarity boundaries are found on.
    segment_method method = segment_method::adjacent;
    /// How sentences become tokens (default: words, English stop-words dropped).
    tokenizer_options tokenizer{.drop_stop_words = true, .char_ngram = 0};
    /// Token vectors: circular by first appearance (HyperSeg's code) or random.
    token_vectors tokens = token_vectors::circular;
    /// Utterance = sum_i rho^(m-1-i)(tok_i) (true) or the plain bag sum_i tok_i (false).
    bool positions = true;
    /// Which minima are kept when the number of boundaries is unknown (adjacent, window).
    threshold_rule rule = threshold_rule::above;
    /// Keep only the floor((ln #kept)^2) deepest of them.
    bool damp = true;
    /// Sentences on each side of a gap (method window).
    std::size_t window = 4;
    /// C99's rank mask (odd) and its stopping constant.
    std::size_t c99_mask = 11;
    double c99_c = 1.2;
    /// C99: cosines of magnitude below c99_noise_floor / sqrt(D) count as 0 before ranking.
    /// Two bags that share no token have cosine ~ N(0, 1/D) rather than exactly 0, and the rank
    /// transform would turn that noise into a random order of all the unrelated pairs.
    double c99_noise_floor = 3.0;
    /// Seed of the token vectors.
    std::uint64_t seed = 0;

    /// HyperSeg as released: circular token vectors, positions, minima above tau, damping.
    static segment_options released() { return {}; }
    /// HyperSeg as the paper describes it: random token vectors, minima below tau, no damping.
    static segment_options paper() {
        segment_options o;
        o.tokens = token_vectors::random;
        o.rule = threshold_rule::below;
        o.damp = false;
        return o;
    }
    /// Bags of light-stemmed words (random tokens, no positions) compared over windows of w
    /// sentences each side.
    static segment_options windowed(std::size_t w = 4) {
        segment_options o = paper();
        o.method = segment_method::window;
        o.positions = false;
        o.tokenizer.stem = true;
        o.window = w;
        return o;
    }
    /// C99 on bags of light-stemmed words (random tokens, no positions).
    static segment_options c99() {
        segment_options o = paper();
        o.method = segment_method::c99;
        o.positions = false;
        o.tokenizer.stem = true;
        return o;
    }
};

/// The sentence bundles of a document as matrix rows, for the sentences that have tokens
/// (their indices in `kept`). Tokens get ids by first appearance over the whole document.
template <hypervector V>
    requires summing_accumulator<typename V::accumulator_type>
sentence_matrix encode_sentences(std::span<const std::string> sentences, const segment_options& options,
                                 const typename V::shape_type& shape, std::vector<std::size_t>& kept) {
    vocabulary vocab;
    std::vector<std::vector<std::size_t>> ids;
    kept.clear();
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        const std::vector<std::string> tokens = tokenize(sentences[i], options.tokenizer);
        if (tokens.empty()) continue;
        ids.push_back(vocab.add(tokens));
        kept.push_back(i);
    }
    const std::vector<V> codebook = token_codebook<V>(vocab, options.tokens, options.seed, shape);
    sentence_matrix u;
    typename V::accumulator_type acc(shape);
    for (std::size_t r = 0; r < ids.size(); ++r) {
        acc.clear();
        add_utterance<V>(acc, ids[r], codebook, options.positions);
        const auto sums = acc.sums();
        if (r == 0) u.resize(static_cast<Eigen::Index>(ids.size()), static_cast<Eigen::Index>(std::ranges::size(sums)));
        for (std::size_t c = 0; c < std::ranges::size(sums); ++c)
            u(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<float>(sums[c]);
    }
    return u;
}

/// Throws invalid_parameter, naming `operation`, for options no method can use: window 0, an
/// even C99 mask, a C99 constant c or noise floor that is negative or not finite (a NaN would
/// silently give no boundaries).
inline void check_segment_options(const segment_options& options, const char* operation) {
    const std::string name(operation);
    if (options.window == 0) throw invalid_parameter(name + ": the window must hold at least one sentence");
    if (options.c99_mask % 2 == 0)
        throw invalid_parameter(name + ": the C99 mask size must be odd, got " + std::to_string(options.c99_mask));
    if (!std::isfinite(options.c99_c) || options.c99_c < 0)
        throw invalid_parameter(name + ": the C99 constant c must be finite and >= 0, got " +
                                std::to_string(options.c99_c));
    if (!std::isfinite(options.c99_noise_floor) || options.c99_noise_floor < 0)
        throw invalid_parameter(name + ": the C99 noise floor must be finite and >= 0, got " +
                                std::to_string(options.c99_noise_floor));
}

/// Boundaries over the rows of u (see the file comment), `boundaries` of them if given.
/// Throws invalid_parameter for bad options (check_segment_options).
inline gap_flags segment_rows(const sentence_matrix& u, const segment_options& options,
                              std::optional<std::size_t> boundaries = std::nullopt) {
    check_segment_options(options, "segment_rows");
    const auto n = static_cast<std::size_t>(u.rows());
    if (n < 2) return gap_flags(n > 0 ? n - 1 : 0, false);
    if (options.method == segment_method::c99) {
        Eigen::MatrixXd s = row_gram(u, n);
        // Unrelated bags have cosine ~ N(0, 1/D): below the floor a cosine is noise, and ranking
        // noise would order the many pairs that share no word at random.
        const double floor = options.c99_noise_floor / std::sqrt(static_cast<double>(u.cols()));
        const Eigen::VectorXd norms = s.diagonal().cwiseSqrt();
        for (Eigen::Index i = 0; i < s.rows(); ++i)
            for (Eigen::Index j = 0; j < s.cols(); ++j) {
                const double nn = norms(i) * norms(j);
                s(i, j) = nn > 0 ? s(i, j) / nn : 0.0;
                if (std::abs(s(i, j)) < floor) s(i, j) = 0;
            }
        return c99_divisive(rank_transform(s, options.c99_mask), boundaries, options.c99_c);
    }
    const std::size_t w = options.method == segment_method::window ? options.window : 1;
    const std::vector<double> sigma = window_similarities(u, w);
    return boundaries_from_curve(sigma, options.rule, options.damp, boundaries);
}

/// Segments a document of sentences with model V (shape: its dimension). Sentences without
/// tokens are skipped and the boundaries mapped back: a boundary found before a kept sentence
/// is placed at the gap just before it. `boundaries` fixes the number of boundaries (known k);
/// fewer are placed only if the document has too few sentences with tokens.
/// Throws invalid_parameter for bad options (check_segment_options: window 0, even C99 mask,
/// negative or non-finite C99 constant or noise floor).
template <hypervector V>
    requires summing_accumulator<typename V::accumulator_type>
gap_flags segment(std::span<const std::string> sentences, const segment_options& options,
                  const typename V::shape_type& shape, std::optional<std::size_t> boundaries = std::nullopt) {
    check_segment_options(options, "segment");
    gap_flags out(sentences.empty() ? 0 : sentences.size() - 1, false);
    std::vector<std::size_t> kept;
    const sentence_matrix u = encode_sentences<V>(sentences, options, shape, kept);
    const gap_flags inner = segment_rows(u, options, boundaries);
    for (std::size_t j = 0; j < inner.size(); ++j)
        if (inner[j]) out[kept[j + 1] - 1] = true;
    return out;
}

}  // namespace hdc
