// hdc/memory/classifier/intrvfl.hpp - intRVFL (Kleyko, Kheffache, Frady, Wiklund, Osipov,
// "Density Encoding Enables Resource-Efficient Randomly Connected Neural Networks", IEEE TNNLS
// 2021): a random-vector functional-link network whose hidden layer is a density-based
// hyperdimensional encoding with small integer activations, and whose readout is solved by ridge
// regression.
//
// Hidden layer (D neurons) for f standardised features:
//   1. each feature z_i is clamped to [-range, range] and mapped linearly to u_i in [0, 1];
//   2. density (thermometer) code: T(u)_j = +1 for j < round(u D), else -1 (j = 0..D-1), so
//      close values get similar codes and the code's density of +1 grows with the value;
//   3. feature i's code is permuted by its own random permutation rho_i (from the seed), so the
//      features' codes are unrelated, and the codes are added: s = sum_i rho_i(T(u_i));
//   4. clipping to [-kappa, kappa] (the "int" of intRVFL: activations are small integers).
// Readout: W = argmin |H W - Y|^2 + lambda |W|^2 with Y the one-hot labels, solved in closed form
// through Eigen (LDLT of the n x n Gram matrix H H^T + lambda I when there are fewer samples
// than neurons, of the D x D one otherwise). H holds integers, so the Gram matrix is exact (in
// float while D kappa^2 < 2^24, in double otherwise) whatever the thread split. Scores are the
// readout's outputs H W (not cosines); prototypes() is W transposed (classes x D).
//
// A ridge readout is a function of all the samples at once: partial_fit keeps the feature rows
// it has seen (n x f floats, far smaller than their encodings) and solves again over all of them,
// so fit on everything and fit then partial_fit give the same model.
//
// The class is a template on the solve's scalar (intrvfl_classifier solves in double): besides
// offering a float solve, this keeps Eigen's LDLT and products from being compiled in every
// translation unit that includes the header without using the classifier.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <concepts>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Options of intrvfl_classifier.
struct intrvfl_options {
    std::size_t features = 0;  ///< input features (0 = taken from the first fit)
    int kappa = 3;             ///< clipping threshold of the hidden activations (positive)
    double lambda = 1.0;       ///< ridge regularisation (positive)
    double range = 3.0;        ///< standardised values are clamped to [-range, range] before the code
    std::uint64_t seed = 0;    ///< the features' permutations
    std::size_t threads = 1;   ///< threads (0 = all); never changes results
};

/// intRVFL classifier: density-encoded, clipped random hidden layer, ridge-regression readout.
/// Takes feature rows, not encodings; dim() is the hidden layer's width. Real is the scalar of
/// the readout's solve: double (intrvfl_classifier), or float for half the solve's memory at a
/// relative accuracy of about cond(H^T H + lambda I) * 2^-24.
/// Thread safety: const members may be called concurrently; fit and partial_fit need exclusive
/// access.
template <std::floating_point Real>
class basic_intrvfl_classifier : public detail::predicts_from_scores<basic_intrvfl_classifier<Real>> {
public:
    /// Training options.
    using options = intrvfl_options;
    /// Inputs are feature rows, which the classifier encodes itself.
    static constexpr bool takes_features = true;

    /// An untrained classifier (readout zero) with a hidden layer of `dim` neurons. Throws
    /// invalid_dimension for dim 0, invalid_parameter for no classes or options out of range.
    basic_intrvfl_classifier(std::size_t dim, std::size_t classes, options opts = {})
        : dim_(dim), classes_(classes), opts_(opts) {
        detail::check_classifier_shape("intrvfl_classifier", dim, classes);
        if (dim > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw invalid_dimension("intrvfl_classifier: at most 2^31 - 1 neurons");
        if (opts.kappa < 1) throw invalid_parameter("intrvfl_classifier: option kappa must be positive");
        detail::check_option("intrvfl_classifier", "lambda", opts.lambda, 1e-300, 1e300);
        detail::check_option("intrvfl_classifier", "range", opts.range, 1e-300, 1e300);
        readout_ = sample_matrix::Zero(static_cast<Eigen::Index>(classes), static_cast<Eigen::Index>(dim));
        if (opts.features > 0) draw_permutations(opts.features);
    }

    /// Forgets everything (the permutations too, unless options.features fixed the width), then
    /// solves the readout on (x, y). Bad input throws and changes nothing.
    void fit(sample_view x, label_view y) {
        const std::size_t width = opts_.features > 0 ? opts_.features : static_cast<std::size_t>(x.cols());
        detail::check_training("intrvfl_classifier::fit", x, y, width == 0 ? 1 : width, classes_);
        if (width != features_) draw_permutations(width);
        seen_x_ = x;
        seen_y_.assign(y.begin(), y.end());
        solve();
    }

    /// Adds (x, y) to the samples seen, then solves the readout over all of them.
    void partial_fit(sample_view x, label_view y) {
        if (seen_y_.empty()) {
            fit(x, y);
            return;
        }
        detail::check_training("intrvfl_classifier::partial_fit", x, y, features_, classes_);
        const Eigen::Index old = seen_x_.rows();
        seen_x_.conservativeResize(old + x.rows(), Eigen::NoChange);
        seen_x_.bottomRows(x.rows()) = x;
        seen_y_.insert(seen_y_.end(), y.begin(), y.end());
        solve();
    }

    /// The hidden layer's activations for feature rows x (rows x D, integers in [-kappa, kappa]).
    /// Throws invalid_parameter before the feature count is known, dimension_mismatch for rows of
    /// the wrong width, non_finite_value for NaN or infinite features.
    sample_matrix encode(sample_view x) const {
        if (features_ == 0)
            throw invalid_parameter("intrvfl_classifier: the feature count is not known before the first fit");
        detail::check_samples("intrvfl_classifier::encode", x, features_);
        const Eigen::Index n = x.rows();
        sample_matrix out(n, static_cast<Eigen::Index>(dim_));
        const auto f = static_cast<Eigen::Index>(features_);
        const auto blocks = static_cast<std::size_t>((n + detail::score_block_rows - 1) / detail::score_block_rows);
        const std::size_t work = static_cast<std::size_t>(n) * features_ * dim_ / detail::parallel_work_unit;
        const unsigned t = detail::classifier_threads(opts_.threads, std::min(blocks, work));
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            std::vector<std::int32_t> count(dim_);
            const auto kappa = static_cast<std::int32_t>(opts_.kappa);
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * detail::score_block_rows;
                const Eigen::Index r1 = std::min(n, r0 + detail::score_block_rows);
                for (Eigen::Index r = r0; r < r1; ++r) {
                    std::fill(count.begin(), count.end(), 0);
                    for (Eigen::Index i = 0; i < f; ++i) {
                        // Position p of rho_i(T) is +1 where T's index rank_i[p] is below the level.
                        const std::int32_t level = level_of(x(r, i));
                        const std::int32_t* rank = rank_.row(i).data();
                        for (std::size_t p = 0; p < dim_; ++p) count[p] += rank[p] < level ? 1 : 0;
                    }
                    float* row = out.row(r).data();
                    const auto features = static_cast<std::int32_t>(f);
                    for (std::size_t p = 0; p < dim_; ++p)
                        row[p] = static_cast<float>(std::clamp(2 * count[p] - features, -kappa, kappa));
                }
            }
        });
        return out;
    }

    /// The readout's outputs H W for feature rows x (samples x classes; higher is better).
    Eigen::MatrixXf scores(sample_view x) const {
        const sample_matrix h = encode(x);
        Eigen::MatrixXf out(h.rows(), static_cast<Eigen::Index>(classes_));
        const auto blocks = static_cast<std::size_t>((h.rows() + detail::score_block_rows - 1) / detail::score_block_rows);
        const std::size_t work = static_cast<std::size_t>(h.rows()) * dim_ * classes_ / detail::parallel_work_unit;
        const unsigned t = detail::classifier_threads(opts_.threads, std::min(blocks, work));
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * detail::score_block_rows;
                const Eigen::Index rows = std::min(detail::score_block_rows, h.rows() - r0);
                out.middleRows(r0, rows).noalias() = h.middleRows(r0, rows) * readout_.transpose();
            }
        });
        return out;
    }

    /// The readout weights, one row per class (classes x D): class c scores H . W_c.
    const sample_matrix& prototypes() const noexcept { return readout_; }
    /// The hidden layer's width D.
    std::size_t dim() const noexcept { return dim_; }
    /// The number of classes.
    std::size_t classes() const noexcept { return classes_; }
    /// The number of input features (0 before the first fit unless options.features set it).
    std::size_t features() const noexcept { return features_; }
    /// The number of samples the readout was solved over.
    std::size_t samples_seen() const noexcept { return seen_y_.size(); }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "intrvfl"; with the feature rows seen,
    /// which partial_fit needs).
    memory_state state() const {
        memory_state s;
        s.kind = "intrvfl";
        s.set("dim", static_cast<double>(dim_));
        s.set("classes", static_cast<double>(classes_));
        s.set("features", static_cast<double>(features_));
        s.set("fixed_features", static_cast<double>(opts_.features));
        s.set("kappa", static_cast<double>(opts_.kappa));
        s.set("lambda", opts_.lambda);
        s.set("range", opts_.range);
        s.set("threads", static_cast<double>(opts_.threads));
        s.set("samples", static_cast<double>(seen_y_.size()));
        detail::save_seed(s, opts_.seed);
        detail::save_matrix(s, "readout", readout_);
        if (!seen_y_.empty()) {
            detail::save_matrix(s, "seen_features", seen_x_);
            s.add_array("seen_labels", {seen_y_.size()}, seen_y_);
        }
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static basic_intrvfl_classifier from_state(const memory_state& s) {
        s.expect("intrvfl", 1);
        const auto [dim, classes] = detail::load_shape(s);
        options o;
        const std::size_t features = detail::load_count(s, "features", 0, detail::max_saved_extent);
        o.features = detail::load_count(s, "fixed_features", 0, detail::max_saved_extent);
        o.kappa = static_cast<int>(detail::load_count(s, "kappa", 1, 1 << 20));
        o.lambda = detail::load_real(s, "lambda", 1e-300, 1e300);
        o.range = detail::load_real(s, "range", 1e-300, 1e300);
        o.threads = detail::load_count(s, "threads", 0, 1024);
        o.seed = detail::load_seed(s);
        if (o.features != 0 && o.features != features)
            throw format_error("saved intrvfl state: parameters 'features' and 'fixed_features' disagree");
        const std::size_t samples = detail::load_count(s, "samples", 0, 1e12);
        if (samples > 0 && features == 0) throw format_error("saved intrvfl state: samples without features");
        // The arrays first (their sizes are backed by the file), then the permutations, which the
        // seed regenerates and nothing in the file bounds.
        sample_matrix readout = detail::load_matrix(s, "readout", classes, dim);
        sample_matrix seen_x;
        std::vector<std::int32_t> seen_y;
        if (samples > 0) {
            seen_x = detail::load_matrix(s, "seen_features", samples, features);
            const auto& labels = s.array<std::int32_t>("seen_labels", {samples});
            for (std::int32_t label : labels)
                if (label < 0 || static_cast<std::size_t>(label) >= classes)
                    throw format_error("saved intrvfl state: a seen label is outside 0.." + std::to_string(classes - 1));
            seen_y = labels;
        }
        detail::check_generated(s, "the permutations", features, dim);
        basic_intrvfl_classifier out(dim, classes, o);
        if (features > 0 && out.features_ != features) out.draw_permutations(features);
        out.readout_ = std::move(readout);
        out.seen_x_ = std::move(seen_x);
        out.seen_y_ = std::move(seen_y);
        return out;
    }

private:
    /// The matrices of the solve.
    using solve_matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;

    /// The thermometer level of a standardised value: round(u D), u the clamped value in [0, 1].
    std::int32_t level_of(float z) const noexcept {
        const double u = std::clamp((static_cast<double>(z) + opts_.range) / (2 * opts_.range), 0.0, 1.0);
        return static_cast<std::int32_t>(std::lround(u * static_cast<double>(dim_)));
    }

    /// rank_(i, p) = rho_i^{-1}(p): feature i's permutation, as the code index each position shows.
    void draw_permutations(std::size_t features) {
        features_ = features;
        rank_.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(dim_));
        for (std::size_t i = 0; i < features; ++i) {
            const std::vector<std::size_t> order = detail::permutation(dim_, opts_.seed ^ permutation_salt, i);
            for (std::size_t p = 0; p < dim_; ++p)
                rank_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(p)) = static_cast<std::int32_t>(order[p]);
        }
    }

    /// Solves the ridge readout over the samples seen.
    void solve() {
        const sample_matrix h = encode(seen_x_);
        const Eigen::Index n = h.rows(), d = h.cols(), k = static_cast<Eigen::Index>(classes_);
        solve_matrix y = solve_matrix::Zero(n, k);
        for (Eigen::Index i = 0; i < n; ++i) y(i, seen_y_[static_cast<std::size_t>(i)]) = 1;
        // Exact integer Gram products: in float while every partial sum stays below 2^24.
        const bool exact_in_float = static_cast<double>(std::max(n, d)) * opts_.kappa * opts_.kappa < 16777216.0;
        if (n <= d) {
            solve_matrix g = gram(h, exact_in_float);  // H H^T, n x n
            g.diagonal().array() += static_cast<Real>(opts_.lambda);
            // W^T = alpha^T H with alpha = (H H^T + lambda I)^-1 Y: the solve in Real, the
            // product (classes x D, well conditioned) in float, without a Real copy of H.
            const Eigen::MatrixXf alpha = g.ldlt().solve(y).template cast<float>();
            readout_.noalias() = alpha.transpose() * h;
        } else {
            const sample_matrix ht = h.transpose();
            solve_matrix g = gram(ht, exact_in_float);  // H^T H, D x D
            g.diagonal().array() += static_cast<Real>(opts_.lambda);
            const solve_matrix hty = (ht * y.template cast<float>()).template cast<Real>();  // integer sums, exact in float here
            readout_ = g.ldlt().solve(hty).transpose().template cast<float>();
        }
    }

    /// a a^T for a matrix of small integers: blocks of rows, spread over threads. Exact when
    /// in_float (every partial sum below 2^24) or when Real is double.
    solve_matrix gram(const sample_matrix& a, bool in_float) const {
        const Eigen::Index n = a.rows();
        solve_matrix g(n, n);
        const auto blocks = static_cast<std::size_t>((n + detail::score_block_rows - 1) / detail::score_block_rows);
        const std::size_t work = static_cast<std::size_t>(n) * static_cast<std::size_t>(n) *
                                 static_cast<std::size_t>(a.cols()) / detail::parallel_work_unit;
        const unsigned t = detail::classifier_threads(opts_.threads, std::min(blocks, work));
        solve_matrix ad;
        if (!in_float) ad = a.template cast<Real>();
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * detail::score_block_rows;
                const Eigen::Index rows = std::min(detail::score_block_rows, n - r0);
                if (in_float) {
                    const Eigen::MatrixXf part = a.middleRows(r0, rows) * a.transpose();
                    g.middleRows(r0, rows) = part.template cast<Real>();
                } else {
                    g.middleRows(r0, rows).noalias() = ad.middleRows(r0, rows) * ad.transpose();
                }
            }
        });
        return g;
    }

    /// Separates the permutations' streams from other users of the seed.
    static constexpr std::uint64_t permutation_salt = 0x696E7452564E4C00ull;  // "intRVFL"

    std::size_t dim_, classes_;
    options opts_;
    std::size_t features_ = 0;
    Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rank_;
    sample_matrix readout_;
    sample_matrix seen_x_;
    std::vector<std::int32_t> seen_y_;
};

/// intRVFL with its readout solved in double.
using intrvfl_classifier = basic_intrvfl_classifier<double>;

}  // namespace hdc
