// hdc/memory/classifier/timeseries.hpp - time-series classification: MiniROCKET or
// HDC-MiniROCKET features, then a ridge classifier with cross-validated regularisation, with the
// timestamp scale chosen by cross-validation on the training set (ALGORITHMS.md section 5.2).
//
// fit(series, labels):
//   1. the MiniROCKET transform is fitted once on all training series (its biases do not depend
//      on the scale; they use no label);
//   2. with one candidate scale, that scale is used. With several, the training set is split
//      into k = min(max_folds, smallest class count) stratified folds (at least 2; a seeded
//      shuffle within each class, then round robin), and for every fold and candidate a
//      ridge_classifier_cv is fitted on the other folds' features and scored on the fold's; each
//      fold votes for its most accurate scale (ties to the earlier candidate) and the majority
//      wins (ties to the earlier candidate). The scales are the outer loop: only one scale's
//      training features are held at a time (n x 9,996 floats, not 7 times that);
//   3. the training features at that scale are fitted by ridge_classifier_cv (scikit-learn's
//      RidgeClassifierCV with the old normalize=True by default: every feature centred and scaled
//      to unit norm, as the reference code; this also makes the PPV and the s = 0
//      HDC-MiniROCKET features give the same classifier, up to rounding).
// Scale 0 uses the PPV features of MiniROCKET itself (HDC-MiniROCKET at s = 0 is an affine map of
// them per feature, so the normalised ridge sees the same thing, and PPV is cheaper).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../../core/error.hpp"
#include "../../core/rng.hpp"
#include "../../encoders/timeseries.hpp"
#include "ridge.hpp"

namespace hdc {

/// HDC-MiniROCKET's scale grid, 2^(j/2) - 1 for j = 0..6 (rounded as the paper does).
inline std::vector<double> hdc_minirocket_scales() { return {0.0, 0.414, 1.0, 1.83, 3.0, 4.66, 7.0}; }

/// Options of timeseries_classifier.
struct timeseries_options {
    minirocket_options transform{};                  ///< the MiniROCKET part (seed, threads, ...)
    std::vector<double> scales = hdc_minirocket_scales();  ///< candidates; one value = that scale
    std::size_t max_folds = 10;                      ///< most cross-validation folds (>= 2)
    ridge_options ridge{};                           ///< the classifier (normalize by default)
};

/// Time-series classifier: (HDC-)MiniROCKET features and ridge_classifier_cv, the scale chosen by
/// stratified cross-validation (see the header comment). Const members are safe to call
/// concurrently. fit, decision_function and predict are templates on the ridge solver's scalar
/// (double, as ridge_classifier_cv's) only so that Eigen's solvers are compiled where they are
/// called, not in every translation unit that includes this header (~20 s of CPU each).
class timeseries_classifier {
public:
    /// An unfitted classifier. Throws invalid_parameter for no scale, a negative or non-finite
    /// scale, max_folds < 2, or bad transform options.
    explicit timeseries_classifier(timeseries_options options = {}) : options_(std::move(options)) {
        if (options_.scales.empty()) throw invalid_parameter("timeseries_classifier: no candidate scale");
        for (const double s : options_.scales)
            if (!(s >= 0) || !std::isfinite(s))
                throw invalid_parameter("timeseries_classifier: scales must be finite and >= 0, got " + std::to_string(s));
        if (options_.max_folds < 2) throw invalid_parameter("timeseries_classifier: max_folds must be at least 2");
        minirocket check(options_.transform);  // validates the transform options now
        ridge_classifier_cv ridge_check(options_.ridge);
    }

    /// Fits the transform, chooses the scale and fits the ridge classifier. Throws empty_input for
    /// no series, invalid_parameter for a label count other than the series count or a negative
    /// label, and whatever the transform or ridge_classifier_cv throw; unchanged on a throw.
    template <class Real = double>
    void fit(const series_set& x, label_view y) {
        const char* who = "timeseries_classifier::fit";
        if (x.empty()) throw empty_input(std::string(who) + ": no training series");
        if (y.size() != x.size())
            throw invalid_parameter(std::string(who) + ": " + std::to_string(y.size()) + " labels for " +
                                    std::to_string(x.size()) + " series");
        check_labels(who, y);  // before the transform runs
        auto base = std::make_shared<minirocket>(options_.transform);
        base->fit(x);
        std::vector<std::size_t> votes(options_.scales.size(), 0);
        std::size_t chosen = 0;
        if (options_.scales.size() > 1) {
            // Scale outer, folds inner: one scale's training features live at a time. correct[f][c]
            // is fold f's score at candidate c (folds that cannot be scored hold no vote).
            const auto folds = stratified_folds(y);
            const std::size_t k = *std::max_element(folds.begin(), folds.end()) + 1;
            std::vector<std::vector<Eigen::Index>> train(k), test(k);
            std::vector<std::vector<std::int32_t>> y_train(k), y_test(k);
            for (std::size_t i = 0; i < folds.size(); ++i)
                for (std::size_t f = 0; f < k; ++f) {
                    (folds[i] == f ? test : train)[f].push_back(static_cast<Eigen::Index>(i));
                    (folds[i] == f ? y_test : y_train)[f].push_back(y[i]);
                }
            std::vector<bool> scored(k);
            for (std::size_t f = 0; f < k; ++f) scored[f] = distinct(y_train[f]) >= 2 && !test[f].empty();
            std::vector<std::vector<std::size_t>> correct(k, std::vector<std::size_t>(options_.scales.size(), 0));
            for (std::size_t c = 0; c < options_.scales.size(); ++c) {
                const sample_matrix features = transform_at(*base, options_.scales[c], x);
                for (std::size_t f = 0; f < k; ++f) {
                    if (!scored[f]) continue;
                    const sample_matrix a = gather_rows(features, train[f]), b = gather_rows(features, test[f]);
                    ridge_classifier_cv ridge(fold_ridge_options(y));
                    ridge.template fit<Real>(a, y_train[f]);
                    const auto predicted = ridge.template predict<Real>(b);
                    for (std::size_t i = 0; i < predicted.size(); ++i) correct[f][c] += predicted[i] == y_test[f][i];
                }
            }
            for (std::size_t f = 0; f < k; ++f) {
                if (!scored[f]) continue;
                std::size_t best = 0;  // ties to the earlier candidate
                for (std::size_t c = 1; c < options_.scales.size(); ++c)
                    if (correct[f][c] > correct[f][best]) best = c;
                ++votes[best];
            }
            chosen = static_cast<std::size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
        }
        // The chosen scale's features once more (transform is deterministic: the same bits as in
        // the cross-validation), rather than keeping every scale's.
        ridge_classifier_cv ridge(options_.ridge);
        ridge.template fit<Real>(transform_at(*base, options_.scales[chosen], x), y);
        commit(std::move(base), chosen, std::move(votes), std::move(ridge));
    }

    /// Features of the series at the chosen scale (the ridge classifier's input).
    sample_matrix transform(const series_set& x) const {
        check_fitted("timeseries_classifier::transform");
        return hdc_ ? hdc_->transform(x) : base_->transform(x);
    }

    /// Scores (series x classes) of already transformed features.
    template <class Real = double>
    ridge_classifier_cv::matrix<Real> decision_function(sample_view features) const {
        check_fitted("timeseries_classifier::decision_function");
        return ridge_.decision_function<Real>(features);
    }
    /// Scores (series x classes) of series.
    template <class Real = double>
    ridge_classifier_cv::matrix<Real> decision_function(const series_set& x) const {
        return decision_function<Real>(transform(x));
    }

    /// Predicted classes of already transformed features.
    template <class Real = double>
    std::vector<std::int32_t> predict(sample_view features) const {
        check_fitted("timeseries_classifier::predict");
        return ridge_.predict<Real>(features);
    }
    /// Predicted classes of series.
    template <class Real = double>
    std::vector<std::int32_t> predict(const series_set& x) const {
        return predict<Real>(transform(x));
    }

    /// True once fit has succeeded.
    bool fitted() const noexcept { return base_ != nullptr; }
    /// The chosen timestamp scale (0 before fit).
    double scale() const noexcept { return fitted() ? options_.scales[chosen_] : 0.0; }
    /// Folds that voted for each candidate scale (all zero with a single candidate).
    const std::vector<std::size_t>& votes() const noexcept { return votes_; }
    /// The fitted ridge classifier.
    const ridge_classifier_cv& ridge() const noexcept { return ridge_; }
    /// The fitted MiniROCKET transform (null before fit).
    const minirocket* transform_part() const noexcept { return base_.get(); }
    /// The options in force.
    const timeseries_options& options() const noexcept { return options_; }

    /// The fold of each training sample for labels y: k = min(max_folds, smallest class count),
    /// at least 2; within each class a seeded shuffle, then folds in turn.
    /// Throws invalid_parameter for a negative label or one above ridge_classifier_cv's limit.
    std::vector<std::size_t> stratified_folds(label_view y) const {
        check_labels("timeseries_classifier::stratified_folds", y);
        // Members of each class, classes in ascending label order (only the labels present).
        std::vector<std::int32_t> present(y.begin(), y.end());
        std::sort(present.begin(), present.end());
        present.erase(std::unique(present.begin(), present.end()), present.end());
        std::vector<std::vector<std::size_t>> members(present.size());
        for (std::size_t i = 0; i < y.size(); ++i)
            members[static_cast<std::size_t>(std::lower_bound(present.begin(), present.end(), y[i]) - present.begin())]
                .push_back(i);
        std::size_t smallest = y.size();
        for (const auto& m : members)
            if (!m.empty()) smallest = std::min(smallest, m.size());
        const std::size_t k = std::max<std::size_t>(2, std::min(options_.max_folds, smallest));
        rng gen(options_.transform.seed, fold_stream);
        std::vector<std::size_t> fold(y.size(), 0);
        std::size_t next = 0;  // continue the round robin across classes so folds stay balanced
        for (auto& m : members) {
            for (std::size_t i = m.size(); i > 1; --i) std::swap(m[i - 1], m[static_cast<std::size_t>(gen.below(i))]);
            for (const std::size_t i : m) fold[i] = next++ % k;
        }
        return fold;
    }

private:
    static constexpr std::uint64_t fold_stream = 4;

    static void check_labels(const char* who, label_view y) {
        for (const std::int32_t label : y)
            if (label < 0 || static_cast<std::size_t>(label) >= ridge_classifier_cv::max_classes)
                throw invalid_parameter(std::string(who) + ": label " + std::to_string(label) + " is outside 0.." +
                                        std::to_string(ridge_classifier_cv::max_classes - 1));
    }

    /// The given rows of m, in order (a fold's samples). A plain row copy: Eigen's indexed views
    /// cost far more to compile, for the same bits.
    static sample_matrix gather_rows(const sample_matrix& m, const std::vector<Eigen::Index>& rows) {
        sample_matrix out(static_cast<Eigen::Index>(rows.size()), m.cols());
        for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(rows[i]);
        return out;
    }

    static std::size_t distinct(const std::vector<std::int32_t>& y) {
        std::vector<std::int32_t> s = y;
        std::sort(s.begin(), s.end());
        return static_cast<std::size_t>(std::unique(s.begin(), s.end()) - s.begin());
    }

    /// The ridge options of a fold fit: the class count of the whole training set, so that the
    /// scores of every fold have the same columns.
    ridge_options fold_ridge_options(label_view y) const {
        ridge_options o = options_.ridge;
        std::int32_t largest = 0;
        for (const auto label : y) largest = std::max(largest, label);
        if (o.classes == 0) o.classes = static_cast<std::size_t>(largest) + 1;
        return o;
    }

    static sample_matrix transform_at(const minirocket& base, double scale, const series_set& x) {
        if (scale == 0.0) return base.transform(x);
        return hdc_minirocket(base, scale).transform(x);
    }

    void commit(std::shared_ptr<minirocket> base, std::size_t chosen, std::vector<std::size_t> votes,
                ridge_classifier_cv ridge) {
        const double s = options_.scales[chosen];
        std::shared_ptr<const hdc_minirocket> h;
        if (s != 0.0) h = std::make_shared<const hdc_minirocket>(*base, s);
        base_ = std::move(base);
        hdc_ = std::move(h);
        chosen_ = chosen;
        votes_ = std::move(votes);
        ridge_ = std::move(ridge);
    }

    void check_fitted(const char* who) const {
        if (!fitted()) throw invalid_parameter(std::string(who) + ": used before fit");
    }

    timeseries_options options_;
    std::shared_ptr<const minirocket> base_;
    std::shared_ptr<const hdc_minirocket> hdc_;
    std::size_t chosen_ = 0;
    std::vector<std::size_t> votes_;
    ridge_classifier_cv ridge_{};
};

}  // namespace hdc
