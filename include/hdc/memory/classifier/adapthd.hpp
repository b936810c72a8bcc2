// hdc/memory/classifier/adapthd.hpp - AdaptHD (Imani et al., "AdaptHD: Adaptive Efficient
// Training for Brain-Inspired Hyperdimensional Computing", BioCAS 2019): centroid training, then
// perceptron-style retraining with an adaptive learning rate.
//
// Initial training: C_c = sum of the samples of class c (the centroid). Retraining: passes over
// the training set in mini-batches; a misclassified sample (label y, prediction p) does
// C_y += a h and C_p -= a h. The paper proposes two ways to adapt a; both are here:
//   iteration-dependent (always on): a large rate first for speed, reduced when the training
//     error stops falling. Implemented: a starts at lr (in units of one sample: 1 adds the sample
//     once); after every pass whose error rate did not fall by at least `min_improvement`, a is
//     halved, down to lr * min_lr_ratio. Training stops after a pass without mistakes, after
//     `patience` consecutive passes at the smallest rate without improvement (the paper's
//     convergence test: a few iterations changing the accuracy by less than 0.1 %), or after
//     `epochs` passes.
//   data-dependent (option): each misclassified sample's rate is proportional to how far off it
//     was, its gap d_p - d_y between the cosines, scaled so that the batch's mistakes average a
//     (update_rule::gap).
// The paper fixes the idea (a large rate, reduced on the slope of the error rate; a per-sample
// rate growing with the misclassification distance), not these constants: halving on a plateau
// of 0.1 %, 3 patient passes and a floor of 1/64 are this library's choices, documented here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Options of adapthd_classifier.
struct adapthd_options {
    float lr = 1.0f;                ///< initial (largest) rate, in samples
    double min_lr_ratio = 1.0 / 64; ///< the rate never falls below lr * min_lr_ratio
    double min_improvement = 0.001; ///< a pass must lower the error rate by this much, or the rate halves
    std::size_t patience = 3;       ///< passes at the smallest rate without improvement before stopping
    std::size_t epochs = 50;        ///< maximum retraining passes
    std::size_t batch = 16;         ///< samples scored together against the same prototypes
    bool data_dependent = false;    ///< per-sample rates proportional to the misclassification gap
    std::uint64_t seed = 0;         ///< unused (AdaptHD draws nothing); kept for a uniform interface
    std::size_t threads = 1;        ///< threads (0 = all); never changes results
};

/// AdaptHD classifier: centroid, then retraining with an iteration- (and optionally data-)
/// dependent learning rate; cosine prediction.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class adapthd_classifier : public detail::predicts_from_scores<adapthd_classifier> {
public:
    /// Training options.
    using options = adapthd_options;

    /// An untrained classifier (prototypes zero) for samples of `dim` columns. Throws
    /// invalid_dimension for dim 0, invalid_parameter for no classes or options out of range.
    adapthd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("adapthd_classifier", dim, classes);
        detail::check_option("adapthd_classifier", "lr", opts.lr, 1e-30, 1e30);
        detail::check_option("adapthd_classifier", "min_lr_ratio", opts.min_lr_ratio, 1e-30, 1);
        detail::check_option("adapthd_classifier", "min_improvement", opts.min_improvement, 0, 1);
        if (opts.batch == 0) throw invalid_parameter("adapthd_classifier: option batch must be positive");
        table_ = detail::prototype_table(classes, dim);
    }

    /// Forgets everything, then trains the centroid and retrains it on (x, y). Bad input throws
    /// and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("adapthd_classifier::fit", x, y, dim_, classes_);
        table_ = detail::prototype_table(classes_, dim_);
        train(x, y);
    }

    /// Adds (x, y) to the class sums, then retrains on them (the rate schedule starts afresh).
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("adapthd_classifier::partial_fit", x, y, dim_, classes_);
        train(x, y);
    }

    /// Cosine of every sample with every prototype (samples x classes).
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("adapthd_classifier::scores", x, dim_);
        return detail::cosine_scores(x, table_, opts_.threads);
    }

    /// The prototypes (classes x D).
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// The sample width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }
    /// The learning rate of each retraining pass of the last fit or partial_fit, in order.
    const std::vector<float>& rate_history() const noexcept { return rates_; }

    /// Everything needed to rebuild this classifier (kind "adapthd").
    memory_state state() const {
        memory_state s;
        s.kind = "adapthd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("lr", opts_.lr);
        s.set("min_lr_ratio", opts_.min_lr_ratio);
        s.set("min_improvement", opts_.min_improvement);
        s.set("patience", static_cast<double>(opts_.patience));
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("data_dependent", opts_.data_dependent ? 1.0 : 0.0);
        s.set("threads", static_cast<double>(opts_.threads));
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "prototypes", table_.weights);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static adapthd_classifier from_state(const memory_state& s) {
        s.expect("adapthd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.min_lr_ratio = detail::load_real(s, "min_lr_ratio", 1e-30, 1);
        o.min_improvement = detail::load_real(s, "min_improvement", 0, 1);
        o.patience = detail::load_count(s, "patience", 0, 1e9);
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.data_dependent = detail::load_count(s, "data_dependent", 0, 1) == 1;
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        sample_matrix prototypes = detail::load_matrix(s, "prototypes", classes, dim);  // before allocating
        adapthd_classifier out(dim, classes, o);
        out.table_.weights = std::move(prototypes);
        out.table_.refresh();
        return out;
    }

private:
    void train(sample_view x, label_view y) {
        // Centroid: every sample added once to its class.
        detail::add_class_sums(table_.weights, x, y, opts_.threads);
        table_.refresh();
        // Retraining with the iteration-dependent schedule.
        auto sync = detail::refresh_touched(table_);
        detail::retrain_step step{opts_.data_dependent ? detail::update_rule::gap : detail::update_rule::perceptron,
                                  opts_.lr, opts_.batch, opts_.threads};
        const float floor = static_cast<float>(opts_.lr * opts_.min_lr_ratio);
        const double n = static_cast<double>(x.rows());
        double previous = 2.0;  // error rate of the previous pass (none yet)
        std::size_t stalled = 0;
        rates_.clear();
        for (std::size_t epoch = 0; epoch < opts_.epochs; ++epoch) {
            rates_.push_back(step.lr);
            const double error = static_cast<double>(detail::retrain_pass(table_.weights, table_, x, y, step, sync)) / n;
            if (error == 0) break;
            if (error > previous - opts_.min_improvement) {
                if (step.lr <= floor && ++stalled >= opts_.patience) break;
                step.lr = std::max(floor, step.lr * 0.5f);
            } else {
                stalled = 0;
            }
            previous = error;
        }
    }

    std::size_t dim_, classes_;
    options opts_;
    detail::prototype_table table_;
    std::vector<float> rates_;
};

}  // namespace hdc
