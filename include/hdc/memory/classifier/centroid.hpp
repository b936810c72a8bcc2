// hdc/memory/classifier/centroid.hpp - the centroid (one-shot) classifier: one accumulator per
// class, the sum of its samples; prediction by cosine (ALGORITHMS.md section 7.3).
//
// Sums are kept in double, so partial_fit continues them exactly and the order of long sums
// barely matters; the prototypes are their float image (or their signs, when binarised).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Options of centroid_classifier.
struct centroid_options {
    bool binarize = false;    ///< prototypes = sign(C_c) (+1, -1, or 0 where a sum is exactly 0)
    std::uint64_t seed = 0;   ///< unused (the centroid draws nothing); kept for a uniform interface
    std::size_t threads = 1;  ///< threads for training and scoring (0 = all); never changes results
};

/// Centroid classifier: C_c = sum of the samples of class c (optionally binarised with sign),
/// prediction argmax_c cos(h, C_c).
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class centroid_classifier : public detail::predicts_from_scores<centroid_classifier> {
public:
    /// Training options.
    using options = centroid_options;

    /// An untrained classifier (every prototype zero, every score 0) for samples of `dim` columns.
    /// Throws invalid_dimension for dim 0, invalid_parameter for no classes.
    centroid_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("centroid_classifier", dim, classes);
        sums_ = sums_type::Zero(static_cast<Eigen::Index>(classes), static_cast<Eigen::Index>(dim));
        counts_.assign(classes, 0);
        table_ = detail::prototype_table(classes, dim);
    }

    /// Forgets everything, then adds every sample to its class. Bad input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("centroid_classifier::fit", x, y, dim_, classes_);
        sums_.setZero();
        std::fill(counts_.begin(), counts_.end(), 0);
        accumulate(x, y);
    }

    /// Adds more samples to their classes (the same as fitting on all of them at once).
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("centroid_classifier::partial_fit", x, y, dim_, classes_);
        accumulate(x, y);
    }

    /// Cosine of every sample with every prototype (samples x classes). Throws dimension_mismatch
    /// for rows of the wrong width, non_finite_value for NaN or infinite values.
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("centroid_classifier::scores", x, dim_);
        return detail::cosine_scores(x, table_, opts_.threads);
    }

    /// The prototypes as scored (classes x D): the class sums, or their signs when binarised.
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// The un-binarised class sums, in double.
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& sums() const noexcept { return sums_; }
    /// Samples added to each class.
    const std::vector<std::int64_t>& counts() const noexcept { return counts_; }
    /// The sample width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "centroid").
    memory_state state() const {
        memory_state s;
        s.kind = "centroid";
        s.version = 1;
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("binarize", opts_.binarize ? 1.0 : 0.0);
        s.set("threads", static_cast<double>(opts_.threads));
        detail::save_seed(s, opts_.seed);
        s.add_array("sums", {classes_, dim_}, std::vector<double>(sums_.data(), sums_.data() + sums_.size()));
        s.add_array("counts", {classes_}, counts_);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static centroid_classifier from_state(const memory_state& s) {
        s.expect("centroid", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.binarize = detail::load_count(s, "binarize", 0, 1) == 1;
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        const auto& sums = s.array<double>("sums", {classes, dim});
        const auto& counts = s.array<std::int64_t>("counts", {classes});
        for (double v : sums)
            if (!std::isfinite(v)) throw format_error("saved centroid state: array 'sums' holds a non-finite value");
        for (std::int64_t c : counts)
            if (c < 0) throw format_error("saved centroid state: array 'counts' holds a negative count");
        centroid_classifier out(dim, classes, o);
        std::copy(sums.begin(), sums.end(), out.sums_.data());
        out.counts_ = counts;
        out.rebuild();
        return out;
    }

private:
    using sums_type = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    void accumulate(sample_view x, label_view y) {
        detail::add_class_sums(sums_, x, y, opts_.threads);
        for (std::int32_t label : y) ++counts_[static_cast<std::size_t>(label)];
        rebuild();
    }

    /// The scored prototypes from the sums.
    void rebuild() {
        if (opts_.binarize)
            table_.weights = sums_.unaryExpr([](double v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; });
        else
            table_.weights = sums_.cast<float>();
        table_.refresh();
    }

    std::size_t dim_, classes_;
    options opts_;
    sums_type sums_;
    std::vector<std::int64_t> counts_;
    detail::prototype_table table_;
};

}  // namespace hdc
