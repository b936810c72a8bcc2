// hdc/memory/classifier/onlinehd.hpp - OnlineHD (Hernandez-Cano et al., "OnlineHD: Robust,
// Efficient, and Single-Pass Online Learning Using Hyperdimensional System"), exactly as
// ALGORITHMS.md section 7.3:
//   bootstrap     the first `bootstrap` fraction of the training samples (in a seeded random
//                 order) is added to the prototypes: C_y += lr h;
//   single pass   every other sample, one at a time in that order: C_y += lr (1 - d_y) h and
//                 C_p -= lr (1 - d_p) h, with d the cosines and p the prediction (the two cancel
//                 when p = y, so only mistakes change the model);
//   epochs        up to `epochs` passes in mini-batches of `batch` samples (in the given order),
//                 each batch scored against the prototypes as they were at its start, correcting
//                 its misclassified samples the same way; stops early after a pass without mistakes.
// Prototypes start at zero; prediction is argmax of the cosines. Every update is lr times a
// function of cosines, so from zero prototypes the result does not depend on lr (beyond float
// rounding); lr matters only for partial_fit's relative weight of new samples, as in the original.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Options of onlinehd_classifier (defaults: OnlineHD's).
struct onlinehd_options {
    float lr = 0.035f;          ///< learning rate eta
    std::size_t epochs = 120;   ///< maximum iterative epochs (0 = single pass only)
    std::size_t batch = 1024;   ///< mini-batch of the iterative epochs
    double bootstrap = 0.01;    ///< fraction of a first training batch simply accumulated
    bool single_pass = true;    ///< run the single pass before the epochs
    std::uint64_t seed = 0;     ///< order of the bootstrap and single pass
    std::size_t threads = 1;    ///< threads (0 = all); never changes results
};

/// OnlineHD classifier: bootstrap, single pass, iterative mini-batch epochs, cosine prediction.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class onlinehd_classifier : public detail::predicts_from_scores<onlinehd_classifier> {
public:
    /// Training options.
    using options = onlinehd_options;

    /// An untrained classifier (prototypes zero) for samples of `dim` columns. Throws
    /// invalid_dimension for dim 0, invalid_parameter for no classes or options out of range.
    onlinehd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("onlinehd_classifier", dim, classes);
        check_options(opts);
        table_ = detail::prototype_table(classes, dim);
    }

    /// Forgets everything, then bootstraps, runs the single pass and the epochs on (x, y). Bad
    /// input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("onlinehd_classifier::fit", x, y, dim_, classes_);
        table_ = detail::prototype_table(classes_, dim_);
        calls_ = 0;
        train(x, y);
    }

    /// Continues training with more samples: the single pass and the epochs over them, from the
    /// current prototypes (the bootstrap only if nothing was learned yet).
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("onlinehd_classifier::partial_fit", x, y, dim_, classes_);
        train(x, y);
    }

    /// Cosine of every sample with every prototype (samples x classes).
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("onlinehd_classifier::scores", x, dim_);
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
    /// Iterative epochs run by the last fit or partial_fit (fewer than the maximum if one had no mistakes).
    std::size_t epochs_run() const noexcept { return epochs_run_; }

    /// Everything needed to rebuild this classifier (kind "onlinehd").
    memory_state state() const {
        memory_state s;
        s.kind = "onlinehd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("lr", opts_.lr);
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("bootstrap", opts_.bootstrap);
        s.set("single_pass", opts_.single_pass ? 1.0 : 0.0);
        s.set("threads", static_cast<double>(opts_.threads));
        s.set("calls", static_cast<double>(calls_));
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "prototypes", table_.weights);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static onlinehd_classifier from_state(const memory_state& s) {
        s.expect("onlinehd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.bootstrap = detail::load_real(s, "bootstrap", 0, 1);
        o.single_pass = detail::load_count(s, "single_pass", 0, 1) == 1;
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        const std::size_t calls = detail::load_count(s, "calls", 0, 1e15);
        sample_matrix prototypes = detail::load_matrix(s, "prototypes", classes, dim);  // before allocating
        onlinehd_classifier out(dim, classes, o);
        out.calls_ = calls;
        out.table_.weights = std::move(prototypes);
        out.table_.refresh();
        return out;
    }

private:
    static void check_options(const options& o) {
        detail::check_option("onlinehd_classifier", "lr", o.lr, 1e-30, 1e30);
        detail::check_option("onlinehd_classifier", "bootstrap", o.bootstrap, 0, 1);
        if (o.batch == 0) throw invalid_parameter("onlinehd_classifier: option batch must be positive");
    }

    void train(sample_view x, label_view y) {
        const auto n = static_cast<std::size_t>(x.rows());
        const std::vector<std::size_t> order = detail::permutation(n, opts_.seed, calls_);
        std::size_t first = 0;
        if (!trained_once()) {
            // Bootstrap: a first small part simply accumulated.
            first = static_cast<std::size_t>(std::ceil(opts_.bootstrap * static_cast<double>(n)));
            for (std::size_t k = 0; k < first; ++k) {
                const auto i = static_cast<Eigen::Index>(order[k]);
                table_.weights.row(y[order[k]]) += opts_.lr * x.row(i);
            }
            table_.refresh();
        }
        auto sync = detail::refresh_touched(table_);
        if (opts_.single_pass) {
            const detail::retrain_step one{detail::update_rule::online, opts_.lr, 1, opts_.threads};
            for (std::size_t k = first; k < n; ++k)
                detail::retrain_pass(table_.weights, table_, x.middleRows(static_cast<Eigen::Index>(order[k]), 1),
                                     y.subspan(order[k], 1), one, sync);
        }
        const detail::retrain_step step{detail::update_rule::online, opts_.lr, opts_.batch, opts_.threads};
        epochs_run_ = detail::retrain_epochs(table_.weights, table_, x, y, step, opts_.epochs, sync);
        ++calls_;
    }

    bool trained_once() const noexcept { return calls_ > 0; }

    std::size_t dim_, classes_;
    options opts_;
    detail::prototype_table table_;
    std::size_t calls_ = 0;       ///< fit/partial_fit calls since the last fit (seeds each call's order)
    std::size_t epochs_run_ = 0;
};

}  // namespace hdc
