// hdc/memory/classifier/comphd.hpp - CompHD (Morris et al., "CompHD: Efficient Hyperdimensional
// Computing Using Model Compression", ISLPED 2019): prototypes compressed by chunk folding.
//
// A D-dimensional vector h is cut into `chunks` consecutive chunks of w = ceil(D / chunks)
// components (the last one zero-padded); chunk k is bound (multiplied component-wise) with its own
// random +-1 key P_k and the chunks are added: fold(h) = sum_k P_k * h[k w, (k + 1) w). The keys
// keep the chunks nearly orthogonal, so the folded vectors' dot products approximate the
// original ones (with crosstalk), and a model of D / chunks dimensions scores chunks times
// faster. Folding is linear, so the folded class sums are the class sums folded: the classifier
// folds every sample, trains the centroid in the folded space (the paper's compression of the
// trained model), then retrains the compressed model there (misclassified: C_y += lr h',
// C_p -= lr h') to recover the accuracy the crosstalk costs. Queries are folded the same way.
// prototypes() are the compressed prototypes (classes x w); dim() is still the input width D.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Options of comphd_classifier.
struct comphd_options {
    std::size_t chunks = 10;   ///< compression factor: the model has ceil(D / chunks) dimensions
    float lr = 1.0f;           ///< retraining rate, in samples
    std::size_t epochs = 30;   ///< maximum retraining passes in the compressed space
    std::size_t batch = 16;    ///< samples scored together against the same prototypes
    std::uint64_t seed = 0;    ///< the chunk keys
    std::size_t threads = 1;   ///< threads (0 = all); never changes results
};

/// CompHD classifier: class prototypes compressed by folding chunks bound to random keys, then
/// retrained in the compressed space.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
class comphd_classifier : public detail::predicts_from_scores<comphd_classifier> {
public:
    /// Training options.
    using options = comphd_options;

    /// An untrained classifier for samples of `dim` columns. Throws invalid_dimension for dim 0,
    /// invalid_parameter for no classes, chunks outside [1, dim] or other options out of range.
    comphd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("comphd_classifier", dim, classes);
        if (opts.chunks == 0 || opts.chunks > dim)
            throw invalid_parameter("comphd_classifier: option chunks must lie in [1, " + std::to_string(dim) + "]");
        detail::check_option("comphd_classifier", "lr", opts.lr, 1e-30, 1e30);
        if (opts.batch == 0) throw invalid_parameter("comphd_classifier: option batch must be positive");
        width_ = (dim + opts.chunks - 1) / opts.chunks;
        table_ = detail::prototype_table(classes, width_);
        rng gen(opts.seed, key_stream);
        keys_.resize(static_cast<Eigen::Index>(dim));
        for (Eigen::Index j = 0; j < keys_.size(); ++j) keys_[j] = gen() >> 63 ? -1.0f : 1.0f;
    }

    /// Forgets everything, then trains and retrains the compressed prototypes on (x, y). Bad
    /// input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        detail::check_training("comphd_classifier::fit", x, y, dim_, classes_);
        table_ = detail::prototype_table(classes_, width_);
        train(x, y);
    }

    /// Adds (x, y) to the compressed prototypes, then retrains on them.
    void partial_fit(sample_view x, label_view y) {
        detail::check_training("comphd_classifier::partial_fit", x, y, dim_, classes_);
        train(x, y);
    }

    /// Cosine of every folded sample with every compressed prototype (samples x classes).
    Eigen::MatrixXf scores(sample_view x) const {
        detail::check_samples("comphd_classifier::scores", x, dim_);
        return detail::cosine_scores(fold(x), table_, opts_.threads);
    }

    /// Folds samples of D columns into the compressed space (rows x compressed_dim()). Throws
    /// dimension_mismatch for rows of the wrong width.
    sample_matrix fold(sample_view x) const {
        detail::check_same_dim("comphd_classifier::fold", static_cast<std::size_t>(x.cols()), dim_);
        sample_matrix out = sample_matrix::Zero(x.rows(), static_cast<Eigen::Index>(width_));
        const auto w = static_cast<Eigen::Index>(width_), d = static_cast<Eigen::Index>(dim_);
        for (Eigen::Index c0 = 0; c0 < d; c0 += w) {
            const Eigen::Index len = std::min(w, d - c0);
            out.leftCols(len).array() +=
                x.middleCols(c0, len).array().rowwise() * keys_.segment(c0, len).array().transpose();
        }
        return out;
    }

    /// The compressed prototypes (classes x compressed_dim()), as scored.
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// The input width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The width of the compressed model, ceil(D / chunks).
    std::size_t compressed_dim() const noexcept { return width_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "comphd"; the keys come from the seed).
    memory_state state() const {
        memory_state s;
        s.kind = "comphd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("chunks", static_cast<double>(opts_.chunks));
        s.set("lr", opts_.lr);
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("threads", static_cast<double>(opts_.threads));
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "prototypes", table_.weights);
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static comphd_classifier from_state(const memory_state& s) {
        s.expect("comphd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        o.chunks = detail::load_count(s, "chunks", 1, static_cast<double>(dim));
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        sample_matrix prototypes = detail::load_matrix(s, "prototypes", classes, (dim + o.chunks - 1) / o.chunks);
        detail::check_generated(s, "the chunk keys", 1, dim);  // regenerated from the seed, not in the file
        comphd_classifier out(dim, classes, o);
        out.table_.weights = std::move(prototypes);
        out.table_.refresh();
        return out;
    }

private:
    void train(sample_view x, label_view y) {
        const sample_matrix folded = fold(x);
        detail::add_class_sums(table_.weights, folded, y, opts_.threads);
        table_.refresh();
        const detail::retrain_step step{detail::update_rule::perceptron, opts_.lr, opts_.batch, opts_.threads};
        detail::retrain_epochs(table_.weights, table_, folded, y, step, opts_.epochs, detail::refresh_touched(table_));
    }

    /// Separates the chunk keys' stream from other users of the seed.
    static constexpr std::uint64_t key_stream = 0x636F6D7068640000ull;  // "comphd"

    std::size_t dim_, classes_;
    options opts_;
    std::size_t width_ = 0;
    Eigen::VectorXf keys_;  ///< P_k for every chunk, laid end to end (D values)
    detail::prototype_table table_;
};

}  // namespace hdc
