// hdc/memory/classifier/neuralhd.hpp - NeuralHD (Zou et al., "Scalable Edge-Based
// Hyperdimensional Learning System with Brain-Like Neural Adaptation", SC 2021): a classifier that
// periodically regenerates the dimensions of its encoder that its prototypes find useless.
//
// NeuralHD owns its encoder, so it takes standardised features (not encodings): the encoder is
// built by the first fit (or from options.features) and must satisfy regenerable_encoder;
// projection_encoder (OnlineHD's non-linear projection) is the standard one. Training:
//   start         the encodings' class sums, times lr (OnlineHD's bootstrap over every sample);
//   epochs        OnlineHD's mini-batch retraining (C_y += lr (1 - d_y) h, C_p -= lr (1 - d_p) h
//                 for the misclassified samples), stopping early after a pass without mistakes;
//   regeneration  after every `regen_every` epochs (but the last): the regen_rate * D dimensions
//                 whose unit-normalised prototype values vary least across classes are redrawn in
//                 the encoder (generation = the regeneration count), those columns of the
//                 training encodings recomputed (encode_columns when the encoder has it),
//                 and those prototype columns restarted from the new encodings' class sums times
//                 lr (torchhd zeroes them instead; with few mistakes left they would then stay
//                 nearly empty, which is why this library restarts them as the model started).
// The encoder is a pure function of its seed and the generation of every dimension, so a saved
// state holds those generations rather than the basis.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../../encoders/projection.hpp"
#include "classifier.hpp"

namespace hdc {

/// An encoder NeuralHD can use: built from (features, dim, seed, bandwidth), encodes a batch of
/// feature rows (with a thread count that does not change results), redraws chosen dimensions as
/// a numbered generation, and is rebuilt exactly from its seed and every dimension's generation.
template <class E>
concept regenerable_encoder =
    std::copyable<E> && requires(E& e, const E& ce, sample_view x, std::span<const std::size_t> dims,
                                 std::uint64_t round, std::size_t n, double bandwidth,
                                 std::span<const std::uint64_t> generations) {
        E(n, n, round, bandwidth);
        { ce.encode(x, n) } -> std::same_as<sample_matrix>;
        e.regenerate(dims, round);
        { ce.dim() } -> std::same_as<std::size_t>;
        { ce.features() } -> std::same_as<std::size_t>;
        { ce.generations() } -> std::convertible_to<std::span<const std::uint64_t>>;
        { E::from_generations(n, n, round, bandwidth, generations) } -> std::same_as<E>;
    };

/// Options of neuralhd_classifier.
struct neuralhd_options {
    std::size_t features = 0;   ///< input features (0 = taken from the first fit)
    double bandwidth = 1.0;     ///< the encoder's bandwidth (see projection_encoder)
    float lr = 0.035f;          ///< learning rate eta (OnlineHD's update)
    std::size_t epochs = 40;    ///< maximum retraining epochs
    std::size_t regen_every = 8;  ///< epochs between regenerations (0 = never)
    double regen_rate = 0.04;   ///< fraction of the dimensions regenerated each time
    std::size_t batch = 1024;   ///< mini-batch of the epochs
    std::uint64_t seed = 0;     ///< the encoder's seed
    std::size_t threads = 1;    ///< threads (0 = all); never changes results
};

/// NeuralHD classifier over encoder E (projection_encoder by default): OnlineHD retraining with
/// periodic regeneration of the least useful dimensions. Takes feature rows, not encodings.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
template <regenerable_encoder E = projection_encoder>
class neuralhd_classifier : public detail::predicts_from_scores<neuralhd_classifier<E>> {
public:
    /// Training options.
    using options = neuralhd_options;
    /// Inputs are feature rows, which the classifier encodes itself.
    static constexpr bool takes_features = true;

    /// An untrained classifier of `dim` encoding dimensions. Throws invalid_dimension for dim 0,
    /// invalid_parameter for no classes or options out of range.
    neuralhd_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("neuralhd_classifier", dim, classes);
        detail::check_option("neuralhd_classifier", "lr", opts.lr, 1e-30, 1e30);
        detail::check_option("neuralhd_classifier", "regen_rate", opts.regen_rate, 0, 1);
        detail::check_option("neuralhd_classifier", "bandwidth", opts.bandwidth, 1e-30, 1e30);
        if (opts.batch == 0) throw invalid_parameter("neuralhd_classifier: option batch must be positive");
        table_ = detail::prototype_table(classes, dim);
        if (opts.features > 0) encoder_.emplace(opts.features, dim, opts.seed, opts.bandwidth);
    }

    /// Forgets everything (the encoder too, unless options.features fixed the width), then
    /// trains on (x, y). Bad input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        const std::size_t width = opts_.features > 0 ? opts_.features : static_cast<std::size_t>(x.cols());
        detail::check_training("neuralhd_classifier::fit", x, y, width == 0 ? 1 : width, classes_);
        encoder_.emplace(width, dim_, opts_.seed, opts_.bandwidth);
        table_ = detail::prototype_table(classes_, dim_);
        round_ = 0;
        train(x, y, true);
    }

    /// Continues training on (x, y) from the current model (a first call starts as fit does).
    void partial_fit(sample_view x, label_view y) {
        if (!trained_) {
            fit(x, y);
            return;
        }
        detail::check_training("neuralhd_classifier::partial_fit", x, y, encoder_->features(), classes_);
        train(x, y, false);
    }

    /// Cosine of every encoded sample with every prototype (samples x classes). Throws
    /// invalid_parameter before the feature count is known (no fit and no options.features).
    Eigen::MatrixXf scores(sample_view x) const {
        if (!encoder_)
            throw invalid_parameter("neuralhd_classifier::scores: the feature count is not known before the first fit");
        detail::check_samples("neuralhd_classifier::scores", x, encoder_->features());
        return detail::cosine_scores(encoder_->encode(x, opts_.threads), table_, opts_.threads);
    }

    /// The prototypes (classes x D).
    const sample_matrix& prototypes() const noexcept { return table_.weights; }
    /// The encoding dimension D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The number of input features (0 before the first fit unless options.features set it).
    std::size_t features() const noexcept { return encoder_ ? encoder_->features() : 0; }
    /// The encoder (nullptr before the feature count is known).
    const E* encoder() const noexcept { return encoder_ ? &*encoder_ : nullptr; }
    /// Regenerations done since the last fit.
    std::uint64_t regenerations() const noexcept { return round_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "neuralhd"; the encoder as the
    /// generation of each dimension).
    memory_state state() const {
        memory_state s;
        s.kind = "neuralhd";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("features", static_cast<double>(features()));
        s.set("fixed_features", static_cast<double>(opts_.features));
        s.set("bandwidth", opts_.bandwidth);
        s.set("lr", opts_.lr);
        s.set("epochs", static_cast<double>(opts_.epochs));
        s.set("regen_every", static_cast<double>(opts_.regen_every));
        s.set("regen_rate", opts_.regen_rate);
        s.set("batch", static_cast<double>(opts_.batch));
        s.set("threads", static_cast<double>(opts_.threads));
        s.set("regenerations", static_cast<double>(round_));
        s.set("trained", trained_ ? 1.0 : 0.0);
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "prototypes", table_.weights);
        if (encoder_) {
            const auto g = encoder_->generations();
            s.add_array("generations", {dim_}, std::vector<std::uint64_t>(g.begin(), g.end()));
        }
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static neuralhd_classifier from_state(const memory_state& s) {
        s.expect("neuralhd", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        const std::size_t features = detail::load_count(s, "features", 0, detail::max_saved_extent);
        o.features = detail::load_count(s, "fixed_features", 0, detail::max_saved_extent);
        o.bandwidth = detail::load_real(s, "bandwidth", 1e-30, 1e30);
        o.lr = static_cast<float>(detail::load_real(s, "lr", 1e-30, 1e30));
        o.epochs = detail::load_count(s, "epochs", 0, 1e9);
        o.regen_every = detail::load_count(s, "regen_every", 0, 1e9);
        o.regen_rate = detail::load_real(s, "regen_rate", 0, 1);
        o.batch = detail::load_count(s, "batch", 1, 1e12);
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        const std::size_t fixed_features = o.features;
        if (o.features != 0 && o.features != features)
            throw format_error("saved neuralhd state: parameters 'features' and 'fixed_features' disagree");
        const std::size_t round = detail::load_count(s, "regenerations", 0, 1e15);
        const bool trained = detail::load_count(s, "trained", 0, 1) == 1;
        if (trained && features == 0) throw format_error("saved neuralhd state: a trained model without features");
        // The arrays first (their sizes are backed by the file), then the projection basis, which
        // the seed regenerates and nothing in the file bounds.
        sample_matrix prototypes = detail::load_matrix(s, "prototypes", classes, dim);
        std::vector<std::uint64_t> generations;
        if (features > 0) {
            generations = s.array<std::uint64_t>("generations", {dim});
            for (std::uint64_t v : generations)
                if (v > round)
                    throw format_error("saved neuralhd state: a dimension's generation exceeds the regeneration count");
        }
        detail::check_generated(s, "the projection basis", features, dim);
        o.features = 0;  // the encoder comes from the generations below, not from the constructor
        neuralhd_classifier out(dim, classes, o);
        out.opts_.features = fixed_features;
        out.round_ = round;
        out.trained_ = trained;
        out.table_.weights = std::move(prototypes);
        out.table_.refresh();
        if (features > 0) out.encoder_.emplace(E::from_generations(features, dim, o.seed, o.bandwidth, generations));
        return out;
    }

private:
    void train(sample_view x, label_view y, bool start) {
        sample_matrix h = encoder_->encode(x, opts_.threads);
        if (start) {
            detail::add_class_sums(table_.weights, h, y, opts_.threads);
            table_.weights *= opts_.lr;
            table_.refresh();
        }
        trained_ = true;
        const detail::retrain_step step{detail::update_rule::online, opts_.lr, opts_.batch, opts_.threads};
        for (std::size_t epoch = 1; epoch <= opts_.epochs; ++epoch) {
            if (detail::retrain_pass(table_.weights, table_, h, y, step, detail::refresh_touched(table_)) == 0) break;
            if (opts_.regen_every > 0 && epoch % opts_.regen_every == 0 && epoch < opts_.epochs) regenerate(x, y, h);
        }
    }

    /// Redraws the least useful dimensions, re-encodes, and restarts their prototype columns.
    void regenerate(sample_view x, label_view y, sample_matrix& h) {
        const auto count = static_cast<std::size_t>(std::lround(opts_.regen_rate * static_cast<double>(dim_)));
        if (count == 0) return;
        const std::vector<std::size_t> dims = detail::smallest_indices(detail::dimension_variance(table_.weights), count);
        ++round_;
        encoder_->regenerate(dims, round_);
        if constexpr (requires { encoder_->encode_columns(x, std::span<const std::size_t>(dims), h, opts_.threads); })
            encoder_->encode_columns(x, std::span<const std::size_t>(dims), h, opts_.threads);  // only what changed
        else
            h = encoder_->encode(x, opts_.threads);
        for (std::size_t j : dims) table_.weights.col(static_cast<Eigen::Index>(j)).setZero();
        for (Eigen::Index i = 0; i < h.rows(); ++i)  // the new columns' class sums, times lr
            for (std::size_t j : dims)
                table_.weights(y[static_cast<std::size_t>(i)], static_cast<Eigen::Index>(j)) +=
                    opts_.lr * h(i, static_cast<Eigen::Index>(j));
        table_.refresh();
    }

    std::size_t dim_, classes_;
    options opts_;
    std::optional<E> encoder_;
    detail::prototype_table table_;
    std::uint64_t round_ = 0;
    bool trained_ = false;
};

}  // namespace hdc
