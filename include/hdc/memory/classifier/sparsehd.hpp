// hdc/memory/classifier/sparsehd.hpp - SparseHD (Imani et al., "SparseHD: Algorithm-Hardware
// Co-optimization for Efficient High-Dimensional Computing", FCCM 2019): prototypes sparsified,
// then retrained.
//
// The class sums are computed, then a fraction `sparsity` of the prototype components is set to
// zero, in one of the paper's two ways:
//   dimension-wise  the same dimensions for every class: those whose values vary least across
//                   the (unit-normalised) prototypes, which tell the classes apart least;
//   class-wise      per class, the components of smallest magnitude.
// The zeroed components stay zero (a fixed mask): retraining, in passes over the training set,
// moves only the kept ones (a misclassified sample: C_y += lr h, C_p -= lr h, then the mask),
// recovering the accuracy the sparsification lost. The mask is chosen by the first training
// and kept by partial_fit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// How SparseHD chooses the components to drop.
enum class sparsity_kind {
    dimension,  ///< the same low-variance dimensions for every class
    per_class,  ///< each class's smallest-magnitude components
};

/// Options of sparsehd_classifier.
struct sparsehd_options {
    double sparsity = 0.5;                        ///< fraction of components set to zero, in [0, 1)
    sparsity_kind kind = sparsity_kind::dimension; ///< which components
    float lr = 1.0f;                              ///< retraining rate, in samples
    std::size_t epochs = 30;                      ///< maximum retraining passes
    std::size_t batch = 16;                       ///< samples scored together against the same prototypes
    std::uint64_t seed = 0;                       ///< unused (SparseHD draws nothing); kept for a uniform interface
    std::size_t threads = 1;                      ///< threads (0 = all); never changes results
};

/// SparseHD classifier: sparsified class prototypes, retrained with their sparsity mask.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class sparsehd_classifier : public detail::predicts_from_scores<sparsehd_classifier> {
public:
    /// Training options.
    using options = sparsehd_options;

    /// An untrained classifier for samples of `dim` columns. Throws invalid_dimension for dim 0,
    /// invalid_parameter for no classes or options out of range.
    sparsehd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("sparsehd_classifier", dim, classes);
        detail::check_option("sparsehd_classifier", "lr", opts.lr, 1e-30, 1e30);
        if (!(opts.sparsity >= 0 && opts.sparsity < 1))
            throw invalid_parameter("sparsehd_classifier: option sparsity must lie in [0, 1)");
        if (opts.kind != sparsity_kind::dimension && opts.kind != sparsity_kind::per_class)
            throw invalid_parameter("sparsehd_classifier: unknown sparsity kind");
        if (opts.batch == 0) throw invalid_parameter("sparsehd_classifier: option batch must be positive");
        reset();
    }

    /// Forgets everything, then trains the class sums, sparsifies and retrains them on (x, y).
    /// Bad input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("sparsehd_classifier::fit", x, y, dim_, classes_);
        reset();
        train(x, y);
    }

    /// Adds (x, y) to the kept components, then retrains on them (the mask stays).
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("sparsehd_classifier::partial_fit", x, y, dim_, classes_);
        train(x, y);
    }

    /// Cosine of every sample with every sparse prototype (samples x classes).
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("sparsehd_classifier::scores", x, dim_);
        return detail::cosine_scores(x, table_, opts_.threads);
    }

    /// The sparse prototypes (classes x D), as scored.
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// 1 where a component is kept, 0 where it was dropped (classes x D; all 1 before training).
    const sample_matrix& mask() const noexcept { return mask_; }
    /// The sample width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "sparsehd").
    memory_state state() const {
        memory_state s;
        s.kind = "sparsehd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("sparsity", opts_.sparsity);
        s.set("per_class", opts_.kind == sparsity_kind::per_class ? 1.0 : 0.0);
        s.set("lr", opts_.lr);
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("threads", static_cast<double>(opts_.threads));
        s.set("masked", masked_ ? 1.0 : 0.0);
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "prototypes", table_.weights);
        detail::save_matrix(s, "mask", mask_);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static sparsehd_classifier from_state(const memory_state& s) {
        s.expect("sparsehd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.sparsity = detail::load_real(s, "sparsity", 0, 0.999999999);
        o.kind = detail::load_count(s, "per_class", 0, 1) == 1 ? sparsity_kind::per_class : sparsity_kind::dimension;
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        const bool masked = detail::load_count(s, "masked", 0, 1) == 1;
        // The arrays first: their sizes are backed by the file, the constructor's are not.
        sample_matrix mask = detail::load_matrix(s, "mask", classes, dim);
        if (!(mask.array() == 0.0f || mask.array() == 1.0f).all())
            throw format_error("saved sparsehd state: array 'mask' holds values other than 0 and 1");
        sample_matrix prototypes = detail::load_matrix(s, "prototypes", classes, dim);
        if ((prototypes.array() != 0.0f && mask.array() == 0.0f).any())
            throw format_error("saved sparsehd state: a prototype component outside the mask is not zero");
        sparsehd_classifier out(dim, classes, o);
        out.masked_ = masked;
        out.mask_ = std::move(mask);
        out.table_.weights = std::move(prototypes);
        out.table_.refresh();
        return out;
    }

private:
    void reset() {
        table_ = detail::prototype_table(classes_, dim_);
        mask_ = sample_matrix::Ones(static_cast<Eigen::Index>(classes_), static_cast<Eigen::Index>(dim_));
        masked_ = false;
    }

    void train(sample_view x, label_view y) {
        detail::add_class_sums(table_.weights, x, y, opts_.threads);
        if (!masked_) {
            choose_mask();
            masked_ = true;
        }
        table_.weights.array() *= mask_.array();
        table_.refresh();
        const detail::retrain_step step{detail::update_rule::perceptron, opts_.lr, opts_.batch, opts_.threads};
        detail::retrain_epochs(table_.weights, table_, x, y, step, opts_.epochs, [this](std::span<const std::int32_t> touched) {
            for (std::int32_t c : touched) {
                table_.weights.row(c).array() *= mask_.row(c).array();
                table_.refresh(c);
            }
        });
    }

    /// Drops round(sparsity * D) components per class, as the kind says.
    void choose_mask() {
        const auto drop = static_cast<std::size_t>(opts_.sparsity * static_cast<double>(dim_) + 0.5);
        if (opts_.kind == sparsity_kind::dimension) {
            for (std::size_t j : detail::smallest_indices(detail::dimension_variance(table_.weights), drop))
                mask_.col(static_cast<Eigen::Index>(j)).setZero();
        } else {
            for (Eigen::Index c = 0; c < mask_.rows(); ++c) {
                const Eigen::VectorXf magnitude = table_.weights.row(c).cwiseAbs().transpose();
                for (std::size_t j : detail::smallest_indices(magnitude, drop))
                    mask_(c, static_cast<Eigen::Index>(j)) = 0.0f;
            }
        }
    }

    std::size_t dim_, classes_;
    options opts_;
    detail::prototype_table table_;
    sample_matrix mask_;
    bool masked_ = false;
};

}  // namespace hdc
