// hdc/encoders/record.hpp - encoders of feature vectors (table rows) for classification
// (ALGORITHMS.md section 7.2): feature standardisation and the record (key-value) encoder.
//
// Pipeline: fit a standardizer on the training features (mean and standard deviation per
// feature), transform training and test features with it, then encode every standardised row:
//   record_encoder<V>  H = sum_i K_i (x) L(z_i): a key atom per feature bound to the level (or
//                      thermometer) code of the feature's standardised value z_i, bundled.
//                      Generic over the families (thermometer codes need negate()).
//   feature_rows       the standardised values themselves as float rows, for the learners that
//                      take features (encoders/projection.hpp's OnlineHD projection, IntRVFL).
// Batches come as row-major float rows (sample_matrix, what the classifiers take) with
// an optional thread count that never changes a result (rows are independent and each is
// computed by the same code whatever the split).
//
// Missing and extreme values (value_limits): NaN marks a missing value (the table reader turns
// empty, "NA" and null cells into NaN). The standardizer ignores NaN when fitting and keeps it
// when transforming; the encoders then apply an explicit policy: missing_policy::skip (default;
// the feature is left out of the bundle, and is 0 - the training mean - in feature_rows) or
// missing_policy::reject (invalid_parameter naming the row and feature). A standardised value
// beyond +-span standard deviations (infinities included) follows range_policy: clamp (default;
// the nearest end), skip (as for a missing value) or reject. Never silent garbage.
#pragma once

#include "../models/eigen_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/parallel.hpp"
#include "../models/samples.hpp"
#include "scalar.hpp"

namespace hdc {

/// Raw or standardised features, one row per sample (row-major double; NaN marks a missing
/// value). The same type as io/table.hpp's feature matrix.
using feature_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A read-only view of features (a feature_matrix, a block of one, or a Map of caller data).
using feature_view = Eigen::Ref<const feature_matrix>;

/// What an encoder does with a missing value (NaN).
enum class missing_policy {
    skip,    ///< leave the feature out of this sample's encoding
    reject,  ///< throw invalid_parameter naming the sample and the feature
};

/// What an encoder does with a standardised value beyond +-span standard deviations (an
/// infinity included).
enum class range_policy {
    clamp,   ///< encode it as the nearest end of the range
    skip,    ///< leave the feature out of this sample's encoding
    reject,  ///< throw invalid_parameter naming the sample, the feature and the value
};

/// The policies of the standardised values an encoder takes.
struct value_limits {
    double span = 3.0;                              ///< values are limited to +-span standard deviations
    missing_policy missing = missing_policy::skip;  ///< NaN values
    range_policy outside = range_policy::clamp;     ///< values beyond +-span (infinities included)
};

namespace detail {

inline constexpr std::uint64_t record_key_domain = 0x7265636B65792D31ull;  // "reckey-1"

/// The contiguous row r of a row-major view.
inline std::span<const double> row_of(const feature_view& x, Eigen::Index r) {
    return {x.data() + r * x.outerStride(), static_cast<std::size_t>(x.cols())};
}

/// Throws invalid_parameter unless both policies are known and span is positive and finite.
inline void check_limits(const char* who, const value_limits& limits) {
    const auto [span, missing, outside] = limits;
    if (missing != missing_policy::skip && missing != missing_policy::reject)
        throw invalid_parameter(std::string(who) + ": unknown missing_policy " +
                                std::to_string(static_cast<int>(missing)));
    if (outside != range_policy::clamp && outside != range_policy::skip &&
        outside != range_policy::reject)
        throw invalid_parameter(std::string(who) + ": unknown range_policy " +
                                std::to_string(static_cast<int>(outside)));
    if (!std::isfinite(span) || !(span > 0))
        throw invalid_parameter(std::string(who) + ": span must be a positive number of standard "
                                "deviations, got " + std::to_string(span));
}

/// Standardised value z of feature `feature` of sample `sample` after the policies: nullopt to
/// leave the feature out, z clamped to [-span, span] otherwise; throws for reject.
inline std::optional<double> limit(const char* who, double z, const value_limits& limits,
                                   std::size_t sample, std::size_t feature) {
    const auto [span, missing, outside] = limits;
    if (std::isnan(z)) {
        if (missing == missing_policy::skip) return std::nullopt;
        throw invalid_parameter(std::string(who) + ": sample " + std::to_string(sample) +
                                ", feature " + std::to_string(feature) +
                                ": missing value (NaN) and missing_policy::reject");
    }
    if (z >= -span && z <= span) return z;
    switch (outside) {
        case range_policy::clamp:
            return std::clamp(z, -span, span);
        case range_policy::skip:
            return std::nullopt;
        case range_policy::reject:
        default:
            throw invalid_parameter(std::string(who) + ": sample " + std::to_string(sample) +
                                    ", feature " + std::to_string(feature) + ": value " +
                                    std::to_string(z) + " lies beyond +-" + std::to_string(span) +
                                    " standard deviations (range_policy::reject)");
    }
}

/// thermometer_encoder<V> where the family has negate(), else a stand-in never constructed
/// (naming thermometer_encoder<V> for such a family would be ill-formed).
template <class V, bool = has_negate<V>>
struct thermometer_if_any {
    using type = level_encoder<V>;
};
template <class V>
struct thermometer_if_any<V, true> {
    using type = thermometer_encoder<V>;
};

/// Throws dimension_mismatch unless n == expected.
inline void check_features(const char* who, std::size_t n, std::size_t expected) {
    if (n != expected) throw dimension_mismatch(who, n, expected);
}

}  // namespace detail

/// Per-feature standardisation z = (x - mean) / scale, fitted on training features. The fit
/// ignores NaN (missing values); a feature with fewer than two distinct present values
/// (constant, or all missing) gets scale 1 and its mean (0 if all are missing), so it
/// standardises to 0 for every sample and carries no information rather than dividing by zero.
/// scale is the population standard deviation (divisor n). transform keeps NaN as NaN and
/// infinities as infinities (the encoders' policies decide). Thread safety: const members may
/// be called concurrently.
class standardizer {
public:
    /// The fitted values, as a plain struct (what a file stores; io/ serializes it).
    struct parameters {
        std::vector<double> means;   ///< per feature
        std::vector<double> scales;  ///< per feature, positive
        friend bool operator==(const parameters&, const parameters&) = default;
    };

    /// An empty standardizer (no features); fit one with standardizer::fit.
    standardizer() = default;

    /// Fits means and scales on training features (rows = samples). Throws empty_input for no
    /// rows or no columns, non_finite_value (naming row and column) for an infinite value.
    static standardizer fit(const feature_view& x) {
        if (x.rows() == 0 || x.cols() == 0)
            throw empty_input("standardizer::fit: no training samples or no features (" +
                              std::to_string(x.rows()) + " x " + std::to_string(x.cols()) + ")");
        const auto cols = static_cast<std::size_t>(x.cols());
        std::vector<double> sum(cols, 0.0), mean(cols, 0.0), scale(cols, 1.0);
        std::vector<double> low(cols, std::numeric_limits<double>::infinity());
        std::vector<double> high(cols, -std::numeric_limits<double>::infinity());
        std::vector<std::size_t> present(cols, 0);
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const auto row = detail::row_of(x, r);
            for (std::size_t c = 0; c < cols; ++c) {
                const double v = row[c];
                if (std::isnan(v)) continue;
                if (!std::isfinite(v))
                    throw non_finite_value("standardizer::fit: row " + std::to_string(r) +
                                           ", column " + std::to_string(c) + " is infinite");
                sum[c] += v;
                low[c] = std::min(low[c], v);
                high[c] = std::max(high[c], v);
                ++present[c];
            }
        }
        for (std::size_t c = 0; c < cols; ++c) {
            if (present[c] > 0) mean[c] = sum[c] / static_cast<double>(present[c]);
            if (!std::isfinite(mean[c]))
                throw non_finite_value("standardizer::fit: column " + std::to_string(c) +
                                       " sums beyond the double range");
        }
        // Second pass about the mean: no cancellation of large, nearly equal sums.
        std::vector<double> squares(cols, 0.0);
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const auto row = detail::row_of(x, r);
            for (std::size_t c = 0; c < cols; ++c)
                if (!std::isnan(row[c])) squares[c] += (row[c] - mean[c]) * (row[c] - mean[c]);
        }
        for (std::size_t c = 0; c < cols; ++c) {
            // Equal values may leave a rounding residue in the mean, hence the test on the range
            // rather than on the deviation.
            const double sd = std::sqrt(squares[c] / static_cast<double>(std::max<std::size_t>(1, present[c])));
            if (low[c] < high[c] && sd > 0 && std::isfinite(sd)) scale[c] = sd;
        }
        standardizer s;
        s.params_ = {std::move(mean), std::move(scale)};
        return s;
    }

    /// A standardizer from saved parameters. Throws empty_input for no features,
    /// invalid_parameter if the counts differ or a scale is not positive, non_finite_value for
    /// a NaN or infinite mean or scale.
    static standardizer from_parameters(parameters p) {
        if (p.means.empty()) throw empty_input("standardizer: no features");
        if (p.means.size() != p.scales.size())
            throw invalid_parameter("standardizer: " + std::to_string(p.means.size()) +
                                    " means but " + std::to_string(p.scales.size()) + " scales");
        for (std::size_t c = 0; c < p.means.size(); ++c) {
            if (!std::isfinite(p.means[c]) || !std::isfinite(p.scales[c]))
                throw non_finite_value("standardizer: feature " + std::to_string(c) +
                                       " has a non-finite mean or scale");
            if (!(p.scales[c] > 0))
                throw invalid_parameter("standardizer: feature " + std::to_string(c) +
                                        " has scale " + std::to_string(p.scales[c]) +
                                        " (must be positive)");
        }
        standardizer s;
        s.params_ = std::move(p);
        return s;
    }

    /// (x - mean) / scale for every row; throws dimension_mismatch if the column count differs.
    feature_matrix transform(const feature_view& x) const {
        detail::check_features("standardizer::transform: features", static_cast<std::size_t>(x.cols()),
                               features());
        feature_matrix out(x.rows(), x.cols());
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const auto row = detail::row_of(x, r);
            for (std::size_t c = 0; c < features(); ++c)
                out(r, static_cast<Eigen::Index>(c)) = (row[c] - params_.means[c]) / params_.scales[c];
        }
        return out;
    }

    /// Number of features.
    std::size_t features() const noexcept { return params_.means.size(); }
    /// Per-feature means.
    std::span<const double> means() const noexcept { return params_.means; }
    /// Per-feature scales (1 for constant features).
    std::span<const double> scales() const noexcept { return params_.scales; }
    /// The fitted values (for saving).
    const parameters& params() const noexcept { return params_; }

private:
    parameters params_;
};

/// How a record encoder codes a feature's value.
enum class value_code {
    level,        ///< level_encoder: the ends quasi-orthogonal, similarity linear in between
    thermometer,  ///< thermometer_encoder: the ends opposite (families with negate() only)
};

/// Parameters of a record_encoder.
struct record_options {
    std::size_t levels = 32;              ///< quantisation levels, spread over [-span, span]
    value_limits limits = {};             ///< span (3 standard deviations) and the NaN/range policies
    value_code code = value_code::level;  ///< level or thermometer codes
    std::uint64_t seed = 0;               ///< keys and levels derive from it
};

/// The standardised features z as float rows after the value limits: a left-out value (missing
/// or out of range with policy skip) becomes 0, the training mean, which adds nothing to a
/// linear projection; out-of-range values are clamped to +-span or rejected (invalid_parameter
/// naming the sample and feature). The input of the learners that take features rather than
/// hypervectors (the OnlineHD projection, IntRVFL).
inline sample_matrix feature_rows(const feature_view& z, const value_limits& limits = {}) {
    detail::check_limits("feature_rows", limits);
    sample_matrix out(z.rows(), z.cols());
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
        const auto row = detail::row_of(z, r);
        for (std::size_t c = 0; c < row.size(); ++c) {
            const auto v = detail::limit("feature_rows", row[c], limits, static_cast<std::size_t>(r), c);
            out(r, static_cast<Eigen::Index>(c)) = v ? static_cast<float>(*v) : 0.0f;
        }
    }
    return out;
}

/// A model whose accumulator exposes its raw per-component sums (binary and bipolar vote sums,
/// real and MBAT sums): record_encoder::encode_rows turns those sums into float rows.
template <class V>
concept summed_family = hypervector<V> && requires(const accumulator<V>& acc) {
    { acc.sums()[std::size_t{0}] } -> std::convertible_to<double>;
    { acc.sums().size() } -> std::convertible_to<std::size_t>;
};

/// The record (key-value) encoder of standardised feature vectors (ALGORITHMS.md section 7.2):
///   H(z) = sum over features i of K_i (x) L(z_i),
/// K_i = symbol<V>(i, seed ^ domain) a key atom per feature, L the level (or thermometer) code
/// of options.levels levels over [-span, span] from scalar.hpp, seeded with options.seed (all
/// features share one level codebook; the keys decorrelate them). Features left out by the
/// missing/range policies add nothing. encode() gives the bundle in the family's own form
/// (majority, sign, normalised sum...); accumulate() the un-normalised sum; encode_rows() a batch
/// as float rows of those sums (MAP-I counts for binary and bipolar), which keeps the graded
/// similarity a sign would coarsen. Similar records give similar vectors: the expected
/// similarity of two sums is the mean over features of the level similarities.
/// Thread safety: const members may be called concurrently.
template <hypervector V>
class record_encoder {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// An encoder of records of `features` values. Throws empty_input for no features,
    /// invalid_parameter for bad options (fewer than 2 levels or more than the shape allows, a
    /// span that is not positive and finite, unknown policy or code, a thermometer code for a
    /// family without negate()).
    record_encoder(std::size_t features, record_options options, const shape_type& shape)
        : options_(checked(features, options)) {
        const value_range range{-options_.limits.span, options_.limits.span};
        if (options_.code == value_code::level) {
            level_encoder<V> enc(range, options_.levels, out_of_range::clamp, options_.seed, shape);
            levels_ = enc.levels_codebook();
            level_.emplace(std::move(enc));
        } else if constexpr (detail::has_negate<V>) {
            thermometer_encoder<V> enc(range, options_.levels, out_of_range::clamp, options_.seed, shape);
            levels_.reserve(options_.levels);
            for (std::size_t k = 0; k < options_.levels; ++k) levels_.push_back(enc.level(k));
            thermometer_.emplace(std::move(enc));
        } else {
            throw invalid_parameter("record_encoder: thermometer codes need a family with "
                                    "opposite vectors (negate); use value_code::level");
        }
        keys_.reserve(features);
        for (std::size_t i = 0; i < features; ++i)
            keys_.push_back(symbol<V>(i, options_.seed ^ detail::record_key_domain, shape));
    }
    /// As above, for fixed-dimension V.
    record_encoder(std::size_t features, record_options options = {})
        requires(V::extent != dynamic)
        : record_encoder(features, options, detail::fixed_shape<V>()) {}

    /// The level of standardised value z after the policies (nullopt: the feature is left out);
    /// `sample` and `feature` only name the value in error messages.
    std::optional<std::size_t> level_of(double z, std::size_t sample = 0, std::size_t feature = 0) const {
        const auto placed = detail::limit("record_encoder", z, options_.limits, sample, feature);
        if (!placed) return std::nullopt;
        return level_ ? level_->level_of(*placed) : thermometer_->level_of(*placed);
    }

    /// The un-normalised bundle of the standardised record z (empty if every feature was left
    /// out). Throws dimension_mismatch unless z has features() values, invalid_parameter as the
    /// policies say.
    accumulator<V> accumulate(std::span<const double> z) const {
        accumulator<V> acc(keys_.front().shape());
        add_record(z, 0, acc);
        return acc;
    }

    /// The record's vector in the family's own form (the bundle's result). Throws as accumulate,
    /// and empty_input if every feature was left out.
    V encode(std::span<const double> z) const {
        accumulator<V> acc(keys_.front().shape());
        if (!add_record(z, 0, acc))
            throw empty_input("record_encoder::encode: every feature of the record was left out "
                              "(missing or out of range), nothing to bundle");
        return acc.result();
    }

    /// encode() of every row of z, on up to `threads` threads (0: all hardware threads); the
    /// result does not depend on the thread count. Throws as encode, naming the row.
    std::vector<V> encode_batch(const feature_view& z, unsigned threads = 1) const {
        check_batch(z);
        const auto n = static_cast<std::size_t>(z.rows());
        std::vector<std::optional<V>> parts(n);
        run(n, threads, [&](std::size_t r, accumulator<V>& acc) {
            if (!add_record(detail::row_of(z, static_cast<Eigen::Index>(r)), r, acc))
                throw empty_input("record_encoder::encode_batch: every feature of row " +
                                  std::to_string(r) + " was left out, nothing to bundle");
            parts[r].emplace(acc.result());
        });
        std::vector<V> out;
        out.reserve(n);
        for (auto& p : parts) out.push_back(std::move(*p));
        return out;
    }

    /// Every row of z as a float row of the record's sums (a zero row if every feature was left
    /// out), on up to `threads` threads; the result does not depend on the thread count. For the
    /// families whose accumulator exposes its sums (binary, bipolar, real, mbat). Throws as
    /// accumulate, naming the row.
    sample_matrix encode_rows(const feature_view& z, unsigned threads = 1) const
        requires summed_family<V>
    {
        sample_matrix out(z.rows(), static_cast<Eigen::Index>(dim()));
        encode_rows(z, out, threads);
        return out;
    }

    /// As above, into out (z.rows() x dim(), e.g. a block of a buffer reused batch after batch,
    /// which saves the allocation and first touch of a fresh matrix each time). Throws
    /// dimension_mismatch for a wrong shape, before writing anything; rows before a row that
    /// throws may have been written.
    void encode_rows(const feature_view& z, Eigen::Ref<sample_matrix> out, unsigned threads = 1) const
        requires summed_family<V>
    {
        check_batch(z);
        detail::check_features("record_encoder::encode_rows: output rows", static_cast<std::size_t>(out.rows()),
                               static_cast<std::size_t>(z.rows()));
        detail::check_features("record_encoder::encode_rows: output columns", static_cast<std::size_t>(out.cols()),
                               dim());
        run(static_cast<std::size_t>(z.rows()), threads, [&](std::size_t r, accumulator<V>& acc) {
            add_record(detail::row_of(z, static_cast<Eigen::Index>(r)), r, acc);
            const auto sums = acc.sums();
            float* row = out.data() + static_cast<Eigen::Index>(r) * out.outerStride();
            for (std::size_t j = 0; j < dim(); ++j) row[j] = static_cast<float>(sums[j]);
        });
    }

    /// Number of features of a record.
    std::size_t features() const noexcept { return keys_.size(); }
    /// Dimension of the vectors.
    std::size_t dim() const noexcept { return keys_.front().dim(); }
    /// The options it was built with.
    const record_options& options() const noexcept { return options_; }
    /// Key atom of feature i; invalid_parameter unless i < features().
    const V& key(std::size_t i) const {
        if (i >= features())
            throw invalid_parameter("record_encoder::key: feature " + std::to_string(i) +
                                    " out of range (" + std::to_string(features()) + " features)");
        return keys_[i];
    }
    /// Level code k; invalid_parameter unless k < options().levels.
    const V& level(std::size_t k) const {
        if (k >= levels_.size())
            throw invalid_parameter("record_encoder::level: level " + std::to_string(k) +
                                    " out of range (" + std::to_string(levels_.size()) + " levels)");
        return levels_[k];
    }

private:
    static record_options checked(std::size_t features, const record_options& o) {
        if (features == 0) throw empty_input("record_encoder: a record needs at least one feature");
        detail::check_limits("record_encoder", o.limits);
        if (o.code != value_code::level && o.code != value_code::thermometer)
            throw invalid_parameter("record_encoder: unknown value_code " +
                                    std::to_string(static_cast<int>(o.code)));
        return o;  // levels are checked by the level encoder
    }

    void check_batch(const feature_view& z) const {
        detail::check_features("record_encoder: features", static_cast<std::size_t>(z.cols()),
                               features());
    }

    /// Adds the record's bound pairs to acc; false if every feature was left out.
    bool add_record(std::span<const double> z, std::size_t sample, accumulator<V>& acc) const {
        detail::check_features("record_encoder: features", z.size(), features());
        bool any = false;
        for (std::size_t i = 0; i < z.size(); ++i) {
            const auto k = level_of(z[i], sample, i);
            if (!k) continue;
            acc.add(bind(keys_[i], levels_[*k]));
            any = true;
        }
        return any;
    }

    /// Calls f(r, acc) for every row r in [0, n), acc cleared before each row, rows split into
    /// contiguous parts over the threads.
    template <class F>
    void run(std::size_t n, unsigned threads, F&& f) const {
        const unsigned t = detail::resolve_threads(threads, n);
        detail::parallel_ranges(n, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            accumulator<V> acc(keys_.front().shape());
            for (std::size_t r = first; r < last; ++r) {
                acc.clear();
                f(r, acc);
            }
        });
    }

    record_options options_;
    std::optional<level_encoder<V>> level_;
    std::optional<typename detail::thermometer_if_any<V>::type> thermometer_;
    std::vector<V> levels_;  // the codebook, level 0 first
    std::vector<V> keys_;    // one per feature
};

}  // namespace hdc
