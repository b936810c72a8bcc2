// hdc/memory/classifier/quanthd.hpp - QuantHD (Imani et al., "QuantHD: A Quantization Framework
// for Hyperdimensional Computing", IEEE TCAD 2019): binary or ternary prototypes trained
// quantisation-aware.
//
// A full-precision model C (the class sums to begin with) is kept for training; the model that
// predicts is its quantisation Q:
//   binary    Q_cj = +1 if C_cj >= 0, else -1;
//   ternary   Q_cj = sign(C_cj) where |C_cj| > t_c, else 0, with t_c = ternary_threshold times the
//             mean |C_cj| of the class (the threshold rule of ternary weight networks, 0.7 by
//             default; the paper leaves the threshold open).
// Retraining is quantisation-aware: every sample is scored against Q (cosine, which for binary
// prototypes orders classes as the Hamming distance to the sample's signs would for binary
// samples), and a misclassified one (label y, prediction p) moves the full-precision model,
// C_y += lr h and C_p -= lr h, after which the touched rows of Q are requantised. Passes repeat
// until one has no mistakes or `epochs` have run. prototypes() returns Q.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// The quantisation of QuantHD's prototypes.
enum class quantization {
    binary,   ///< +-1
    ternary,  ///< -1, 0, +1
};

/// Options of quanthd_classifier.
struct quanthd_options {
    quantization levels = quantization::binary;  ///< binary or ternary prototypes
    double ternary_threshold = 0.7;  ///< ternary: zero where |C| <= this times the class's mean |C|
    float lr = 1.0f;                 ///< retraining rate, in samples
    std::size_t epochs = 30;         ///< maximum retraining passes
    std::size_t batch = 16;          ///< samples scored together against the same prototypes
    std::uint64_t seed = 0;          ///< unused (QuantHD draws nothing); kept for a uniform interface
    std::size_t threads = 1;         ///< threads (0 = all); never changes results
};

/// QuantHD classifier: binary or ternary prototypes, retrained quantisation-aware.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class quanthd_classifier : public detail::predicts_from_scores<quanthd_classifier> {
public:
    /// Training options.
    using options = quanthd_options;

    /// An untrained classifier for samples of `dim` columns. Throws invalid_dimension for dim 0,
    /// invalid_parameter for no classes or options out of range.
    quanthd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("quanthd_classifier", dim, classes);
        detail::check_option("quanthd_classifier", "lr", opts.lr, 1e-30, 1e30);
        detail::check_option("quanthd_classifier", "ternary_threshold", opts.ternary_threshold, 0, 1e6);
        if (opts.levels != quantization::binary && opts.levels != quantization::ternary)
            throw invalid_parameter("quanthd_classifier: unknown quantization");
        if (opts.batch == 0) throw invalid_parameter("quanthd_classifier: option batch must be positive");
        weights_ = sample_matrix::Zero(static_cast<Eigen::Index>(classes), static_cast<Eigen::Index>(dim));
        table_ = detail::prototype_table(classes, dim);
        requantize_all();
    }

    /// Forgets everything, then trains the class sums and retrains them on (x, y). Bad input
    /// throws and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("quanthd_classifier::fit", x, y, dim_, classes_);
        weights_.setZero();
        train(x, y);
    }

    /// Adds (x, y) to the full-precision model, then retrains on them.
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("quanthd_classifier::partial_fit", x, y, dim_, classes_);
        train(x, y);
    }

    /// Cosine of every sample with every quantised prototype (samples x classes).
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("quanthd_classifier::scores", x, dim_);
        return detail::cosine_scores(x, table_, opts_.threads);
    }

    /// The quantised prototypes (classes x D), as scored.
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// The full-precision model the training moves (classes x D).
    const sample_matrix& full_precision() const noexcept { return weights_; }
    /// The sample width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "quanthd").
    memory_state state() const {
        memory_state s;
        s.kind = "quanthd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("ternary", opts_.levels == quantization::ternary ? 1.0 : 0.0);
        s.set("ternary_threshold", opts_.ternary_threshold);
        s.set("lr", opts_.lr);
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("threads", static_cast<double>(opts_.threads));
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "weights", weights_);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static quanthd_classifier from_state(const memory_state& s) {
        s.expect("quanthd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.levels = detail::load_count(s, "ternary", 0, 1) == 1 ? quantization::ternary : quantization::binary;
        o.ternary_threshold = detail::load_real(s, "ternary_threshold", 0, 1e6);
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        sample_matrix weights = detail::load_matrix(s, "weights", classes, dim);  // before allocating
        quanthd_classifier out(dim, classes, o);
        out.weights_ = std::move(weights);
        out.requantize_all();
        return out;
    }

private:
    void train(sample_view x, label_view y) {
        detail::add_class_sums(weights_, x, y, opts_.threads);
        requantize_all();
        const detail::retrain_step step{detail::update_rule::perceptron, opts_.lr, opts_.batch, opts_.threads};
        detail::retrain_epochs(weights_, table_, x, y, step, opts_.epochs, [this](std::span<const std::int32_t> touched) {
            for (std::int32_t c : touched) requantize(c);
        });
    }

    /// Q_c from C_c, and its norm.
    void requantize(Eigen::Index c) {
        const auto w = weights_.row(c);
        if (opts_.levels == quantization::binary) {
            table_.weights.row(c) = w.unaryExpr([](float v) { return v >= 0 ? 1.0f : -1.0f; });
        } else {
            const float t = static_cast<float>(opts_.ternary_threshold) * w.cwiseAbs().mean();
            table_.weights.row(c) = w.unaryExpr([t](float v) { return v > t ? 1.0f : v < -t ? -1.0f : 0.0f; });
        }
        table_.refresh(c);
    }
    void requantize_all() {
        for (Eigen::Index c = 0; c < weights_.rows(); ++c) requantize(c);
    }

    std::size_t dim_, classes_;
    options opts_;
    sample_matrix weights_;          ///< the full-precision model
    detail::prototype_table table_;  ///< its quantisation, as scored
};

}  // namespace hdc
