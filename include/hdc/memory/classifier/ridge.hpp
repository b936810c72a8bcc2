// hdc/memory/classifier/ridge.hpp - ridge regression classifier with the regularisation chosen by
// efficient leave-one-out cross-validation: scikit-learn's RidgeClassifierCV (its "GCV" mode),
// the classifier of MiniROCKET and HDC-MiniROCKET (ALGORITHMS.md section 5).
//
// Model. Targets are the labels coded +1 / -1 (sklearn's LabelBinarizer): one column per class,
// or for two classes a single column (+1 for the higher class), as sklearn does; the two-class
// LOO errors are then sklearn's, and decision_function shows (-s, s) so that the predicted class
// (s > 0: the higher class) is sklearn's. Features are centred (the intercept is fitted, not
// penalised) and scaled per column (ridge_scaling): normalize = the old sklearn normalize=True
// (unit L2 norm of each centred column), standardize = unit standard deviation, none = centring
// only; a constant column keeps scale 1. For each alpha, W = argmin |Xs W - Yc|^2 + alpha |W|^2.
//
// Leave-one-out for every alpha from one decomposition. With n samples and d features:
//   n <= d: the Gram matrix K = Xs Xs^T (one symmetric rank-k product, the dominant cost) is
//     restricted to the complement of the constant vector 1 (a Householder reflection mapping 1
//     to e_1; K 1 = 0 because the columns are centred), and that (n-1) x (n-1) block is reduced
//     once to tridiagonal form, Q T Q^T with Q orthogonal to 1 (the first, cheaper half of an
//     eigendecomposition). Then for each alpha G = Q (T + alpha I)^-1 Q^T, c = G Yc and the LOO
//     residual of sample i is c_i / G_ii: sklearn's formula (its G is the same matrix written
//     with eigenvectors, its intercept eigenvector cancelled), here with the intercept direction
//     removed exactly, and c and diag(G) from the LDL^T factors of the tridiagonal T + alpha I.
//   n > d: the covariance Xs^T Xs = V diag(s) V^T is eigendecomposed once; with M = Xs V the
//     hat matrix diagonal is h_i = 1/n + sum_j M_ij^2 / (s_j + alpha) and the LOO residual is
//     (y_i - yhat_i) / (1 - h_i).
// Each alpha then costs O(n^2 k) or O(n d k), never an O(n^3) factorisation. alpha() is the
// one with the smallest mean squared LOO error (over samples and target columns; ties to the
// first in the list); the weights are folded back to raw feature units, so decision_function(x)
// = x W + b. All linear algebra is in double (Eigen). An alpha below the rounding level of the
// Gram matrix (only possible with huge unscaled features) is refused rather than guessed.
//
// Classes: classes() is options.classes, or the largest label + 1. A class with no training
// sample is left out of the fit (sklearn never sees it) and scores -infinity; at least two
// classes must be present.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <type_traits>
#include <vector>

#include "classifier.hpp"

namespace hdc {

/// Feature scaling before the ridge fit (features are always centred: the intercept is fitted).
enum class ridge_scaling {
    normalize,    ///< centre, divide each column by its L2 norm (sklearn's old normalize=True)
    standardize,  ///< centre, divide each column by its standard deviation (1/n)
    none,         ///< centre only
};

/// sklearn's default grid: numpy.logspace(-3, 3, 10), i.e. 10^(-3 + i * (6 / 9)), written out
/// (shortest round-trip decimals of the correctly rounded powers) so that no platform's pow can
/// move a bit.
inline std::vector<double> ridge_default_alphas() {
    return {0.001, 0.004641588833612777, 0.021544346900318832, 0.1, 0.46415888336127775,
            2.154434690031882, 10.0, 46.41588833612773, 215.44346900318823, 1000.0};
}

/// Options of ridge_classifier_cv.
struct ridge_options {
    std::vector<double> alphas = ridge_default_alphas();  ///< candidate regularisations (each > 0)
    ridge_scaling scaling = ridge_scaling::normalize;     ///< feature scaling
    std::size_t classes = 0;                              ///< class count (0 = largest label + 1)
};

/// Ridge classifier with alpha chosen by efficient leave-one-out (see the header comment).
/// Thread safety: const members may be called concurrently; fit needs exclusive access.
class ridge_classifier_cv {
public:
    /// Training options.
    using options = ridge_options;
    /// Dense matrices and vectors of the solver's scalar (double). fit, decision_function and
    /// predict are templates on it only so that Eigen's solvers are compiled where they are
    /// called, not in every translation unit that includes this header (~15 s of CPU each).
    template <class Real>
    using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
    /// See matrix.
    template <class Real>
    using row_vector = Eigen::Matrix<Real, 1, Eigen::Dynamic>;
    /// See matrix.
    template <class Real>
    using vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
    /// Bound on classes() (the scores are a samples x classes() matrix; labels are below it).
    static constexpr std::size_t max_classes = std::size_t{1} << 24;

    /// An unfitted classifier. Throws invalid_parameter for an empty alpha list or an alpha that
    /// is not finite and positive.
    explicit ridge_classifier_cv(options opts = {}) : opts_(std::move(opts)) {
        if (opts_.alphas.empty()) throw invalid_parameter("ridge_classifier_cv: the alpha list is empty");
        for (const double a : opts_.alphas)
            if (!(a > 0) || !std::isfinite(a))
                throw invalid_parameter("ridge_classifier_cv: alpha " + std::to_string(a) + " is not finite and positive");
        if (opts_.classes > max_classes)
            throw invalid_parameter("ridge_classifier_cv: option classes = " + std::to_string(opts_.classes) + " is above " +
                                    std::to_string(max_classes));
    }

    /// Fits on feature rows x (samples x features) with labels y, choosing alpha by leave-one-out.
    /// Throws empty_input for no samples or features, invalid_parameter for a label count that
    /// differs from the rows, a label outside 0..classes-1 or fewer than two classes present,
    /// non_finite_value for a NaN or infinite feature; on a throw the classifier is unchanged.
    template <class Real = double>
    void fit(sample_view x, label_view y) {
        static_assert(std::is_same_v<Real, double>, "ridge_classifier_cv solves in double");
        const char* who = "ridge_classifier_cv::fit";
        if (x.rows() == 0) throw empty_input(std::string(who) + ": no training samples");
        if (x.cols() == 0) throw empty_input(std::string(who) + ": no features");
        std::int32_t largest = 0;
        for (const std::int32_t label : y) largest = std::max(largest, label);
        const std::size_t classes = opts_.classes > 0 ? opts_.classes : static_cast<std::size_t>(largest) + 1;
        if (classes > max_classes)
            throw invalid_parameter(std::string(who) + ": label " + std::to_string(largest) + " is too large (at most " +
                                    std::to_string(max_classes - 1) + ")");
        detail::check_training(who, x, y, static_cast<std::size_t>(x.cols()), classes);
        std::vector<std::int32_t> present(y.begin(), y.end());
        std::sort(present.begin(), present.end());
        present.erase(std::unique(present.begin(), present.end()), present.end());
        if (present.size() < 2)
            throw invalid_parameter(std::string(who) + ": every sample has class " + std::to_string(present[0]) +
                                    "; at least two classes are needed");

        const Eigen::Index n = x.rows(), d = x.cols();
        const auto k = static_cast<Eigen::Index>(present.size() == 2 ? 1 : present.size());
        // Targets +1 / -1 (one column for two classes: +1 for the higher one), centred.
        matrix<Real> yc = matrix<Real>::Constant(n, k, -1.0);
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto j = std::lower_bound(present.begin(), present.end(), y[static_cast<std::size_t>(i)]) - present.begin();
            if (k == 1) yc(i, 0) = j == 1 ? 1.0 : -1.0;
            else yc(i, j) = 1.0;
        }
        const row_vector<Real> y_mean = yc.colwise().mean();
        yc.rowwise() -= y_mean;

        // Column means and scales in double, streaming the row-major float rows; the centred,
        // scaled features are then made a block of columns at a time (never a double copy of x).
        row_vector<Real> x_mean = row_vector<Real>::Zero(d);
        for (Eigen::Index i = 0; i < n; ++i) x_mean += x.row(i).cast<double>();
        x_mean /= static_cast<double>(n);
        row_vector<Real> scale = row_vector<Real>::Ones(d);
        if (opts_.scaling != ridge_scaling::none) {
            row_vector<Real> squares = row_vector<Real>::Zero(d);
            for (Eigen::Index i = 0; i < n; ++i) squares.array() += (x.row(i).cast<double>() - x_mean).array().square();
            const double per = opts_.scaling == ridge_scaling::standardize ? static_cast<double>(n) : 1.0;
            for (Eigen::Index j = 0; j < d; ++j)
                if (squares(j) > 0) scale(j) = std::sqrt(squares(j) / per);
        }
        const row_vector<Real> inverse_scale = scale.cwiseInverse();
        // Columns [j0, j0 + width) of the centred, scaled features.
        const auto scaled = [&](Eigen::Index j0, Eigen::Index width, matrix<Real>& out) {
            out = ((x.middleCols(j0, width).cast<double>().rowwise() - x_mean.segment(j0, width)).array().rowwise() *
                   inverse_scale.segment(j0, width).array())
                      .matrix();
        };

        const std::size_t m = opts_.alphas.size();
        std::vector<double> errors(m);
        matrix<Real> coef;  // d x k, scaled feature units
        double best_alpha = 0;
        if (n <= d) {
            // Gram mode. K = Xs Xs^T (lower triangle, summed over blocks of columns).
            matrix<Real> gram = matrix<Real>::Zero(n, n), block;
            const Eigen::Index step = std::min(d, std::max(min_column_block, block_values / n));
            for (Eigen::Index j0 = 0; j0 < d; j0 += step) {
                scaled(j0, std::min(step, d - j0), block);
                gram.template selfadjointView<Eigen::Lower>().rankUpdate(block);
            }
            gram.template triangularView<Eigen::StrictlyUpper>() = gram.transpose();
            // The complement of 1: Householder w with (I - 2 w w^T) 1/sqrt(n) = e_1, and
            // H K H = K - 2 w p^T - 2 p w^T + 4 (w.p) w w^T (p = K w), rows/columns 1.. kept.
            vector<Real> w = vector<Real>::Constant(n, 1.0 / std::sqrt(static_cast<double>(n)));
            w(0) -= 1.0;
            w.normalize();
            const vector<Real> p = gram * w;
            const double wp = w.dot(p);
            const vector<Real> w1 = w.tail(n - 1), p1 = p.tail(n - 1);
            auto b = gram.bottomRightCorner(n - 1, n - 1);
            b.noalias() -= 2.0 * w1 * p1.transpose();
            b.noalias() -= 2.0 * p1 * w1.transpose();
            b.noalias() += (4.0 * wp) * w1 * w1.transpose();
            // B = P T P^T with T tridiagonal (Householder tridiagonalisation, the first half of an
            // eigendecomposition and the cheaper one); Q = H [0; P]: n x (n-1), orthonormal and
            // orthogonal to 1 (in gram's storage). For each alpha, G = Q (T + alpha I)^-1 Q^T
            // through the LDL^T factors of the tridiagonal T + alpha I, in O(n^2).
            const Eigen::Tridiagonalization<matrix<Real>> tri(b);
            const vector<Real> diagonal = tri.diagonal(), off = tri.subDiagonal();
            auto q = gram.leftCols(n - 1);
            q.row(0).setZero();
            q.bottomRows(n - 1) = tri.matrixQ();
            const row_vector<Real> r = w1.transpose() * q.bottomRows(n - 1);
            q.noalias() -= 2.0 * w * r;
            const matrix<Real> qty = q.transpose() * yc;  // (n-1) x k
            const Eigen::Index t = n - 1;
            vector<Real> pivot(t), factor(t);  // T + alpha I = L diag(pivot) L^T, L_{j,j-1} = factor_j
            matrix<Real> solution, c, best_c;
            vector<Real> g(n), u(n);
            for (std::size_t a = 0; a < m; ++a) {
                const double alpha = opts_.alphas[a];
                pivot(0) = diagonal(0) + alpha;
                factor(0) = 0;
                for (Eigen::Index j = 1; j < t; ++j) {
                    factor(j) = off(j - 1) / pivot(j - 1);
                    pivot(j) = diagonal(j) + alpha - factor(j) * off(j - 1);
                }
                if (!(pivot.minCoeff() > 0))
                    throw invalid_parameter(std::string(who) + ": alpha " + std::to_string(alpha) +
                                            " is too small for the scale of the features (the regularised Gram "
                                            "matrix is not numerically positive definite); scale the features");
                // c = Q (T + alpha I)^-1 Q^T Yc: forward, diagonal and backward substitution.
                solution = qty;
                for (Eigen::Index j = 1; j < t; ++j) solution.row(j) -= factor(j) * solution.row(j - 1);
                solution.array().colwise() /= pivot.array();
                for (Eigen::Index j = t - 2; j >= 0; --j) solution.row(j) -= factor(j + 1) * solution.row(j + 1);
                c.noalias() = q * solution;
                // g_i = |diag(pivot)^-1/2 L^-1 q_i|^2 for every row q_i of Q, one column of Q at a time.
                u = q.col(0);
                g = u.array().square() / pivot(0);
                for (Eigen::Index j = 1; j < t; ++j) {
                    u = q.col(j) - factor(j) * u;
                    g.array() += u.array().square() / pivot(j);
                }
                errors[a] = (c.array().colwise() / g.array()).square().mean();
                if (a == 0 || errors[a] < errors[best_index(errors, a)]) best_c = c;
            }
            const std::size_t best = best_index(errors, m);
            best_alpha = opts_.alphas[best];
            coef.resize(d, k);
            for (Eigen::Index j0 = 0; j0 < d; j0 += step) {
                const Eigen::Index width = std::min(step, d - j0);
                scaled(j0, width, block);
                coef.middleRows(j0, width).noalias() = block.transpose() * best_c;
            }
        } else {
            // Covariance mode: Xs^T Xs = V diag(s) V^T.
            matrix<Real> xs;
            scaled(0, d, xs);
            matrix<Real> cov = matrix<Real>::Zero(d, d);
            cov.template selfadjointView<Eigen::Lower>().rankUpdate(xs.transpose());
            const Eigen::SelfAdjointEigenSolver<matrix<Real>> eig(cov);
            if (eig.info() != Eigen::Success) throw invalid_parameter(std::string(who) + ": the eigendecomposition failed");
            const vector<Real> s = eig.eigenvalues().cwiseMax(0.0);
            const matrix<Real> mv = xs * eig.eigenvectors();  // n x d
            const matrix<Real> mty = mv.transpose() * yc;     // d x k
            const matrix<Real> m2 = mv.array().square().matrix();
            const double inv_n = 1.0 / static_cast<double>(n);
            for (std::size_t a = 0; a < m; ++a) {
                const vector<Real> inv = (s.array() + opts_.alphas[a]).inverse().matrix();
                const matrix<Real> residual = yc - mv * (inv.asDiagonal() * mty);
                const Eigen::Array<Real, Eigen::Dynamic, 1> keep = 1.0 - inv_n - (m2 * inv).array();  // 1 - h_i
                errors[a] = (residual.array().colwise() / keep).square().mean();
            }
            const std::size_t best = best_index(errors, m);
            best_alpha = opts_.alphas[best];
            const vector<Real> inv = (s.array() + best_alpha).inverse().matrix();
            coef.noalias() = eig.eigenvectors() * (inv.asDiagonal() * mty);
        }
        for (const double e : errors)
            if (!std::isfinite(e))
                throw non_finite_value(std::string(who) + ": a leave-one-out error is not finite (features too large or too collinear)");

        // Back to raw feature units: decision = x W + b.
        coef.array().colwise() /= scale.transpose().array();
        row_vector<Real> intercept = y_mean - x_mean * coef;
        if (!coef.allFinite() || !intercept.allFinite())
            throw non_finite_value(std::string(who) + ": the weights are not finite (features too large?)");

        classes_ = classes;
        features_ = static_cast<std::size_t>(d);
        present_ = std::move(present);
        alpha_ = best_alpha;
        loo_errors_ = std::move(errors);
        coef_ = std::move(coef);
        intercept_ = std::move(intercept);
    }

    /// Scores of feature rows x: samples x classes() (higher is better; -infinity for a class
    /// absent from the training set; (-s, s) for the two classes of a two-class fit). Throws
    /// invalid_parameter before fit, dimension_mismatch for rows of another width,
    /// non_finite_value for NaN or infinite features.
    template <class Real = double>
    matrix<Real> decision_function(sample_view x) const {
        check_query("ridge_classifier_cv::decision_function", x);
        const Eigen::Index n = x.rows();
        matrix<Real> raw(n, coef_.cols());
        for (Eigen::Index r0 = 0; r0 < n; r0 += detail::score_block_rows) {
            const Eigen::Index rows = std::min(detail::score_block_rows, n - r0);
            const matrix<Real> block = x.middleRows(r0, rows).cast<double>();
            raw.middleRows(r0, rows).noalias() = block * coef_;
        }
        raw.rowwise() += intercept_;
        matrix<Real> out = matrix<Real>::Constant(n, static_cast<Eigen::Index>(classes_),
                                                        -std::numeric_limits<double>::infinity());
        if (coef_.cols() == 1) {
            out.col(present_[0]) = -raw.col(0);
            out.col(present_[1]) = raw.col(0);
        } else {
            for (std::size_t j = 0; j < present_.size(); ++j) out.col(present_[j]) = raw.col(static_cast<Eigen::Index>(j));
        }
        return out;
    }

    /// The predicted class of each row (the highest score; ties to the lower class, as sklearn).
    template <class Real = double>
    std::vector<std::int32_t> predict(sample_view x) const {
        const matrix<Real> scores = decision_function<Real>(x);
        std::vector<std::int32_t> out(static_cast<std::size_t>(scores.rows()));
        for (Eigen::Index i = 0; i < scores.rows(); ++i) {
            Eigen::Index best = 0;
            scores.row(i).maxCoeff(&best);
            out[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(best);
        }
        return out;
    }

    /// The alpha chosen by the last fit (0 before fit).
    double alpha() const noexcept { return alpha_; }
    /// The number of classes (0 before fit).
    std::size_t classes() const noexcept { return classes_; }
    /// The number of features (0 before fit).
    std::size_t features() const noexcept { return features_; }
    /// True once fit has succeeded.
    bool fitted() const noexcept { return features_ > 0; }
    /// Mean squared leave-one-out error for each of options().alphas (empty before fit).
    const std::vector<double>& loo_errors() const noexcept { return loo_errors_; }
    /// The weights in raw feature units: features x target columns (1 column for two classes).
    const Eigen::MatrixXd& coefficients() const noexcept { return coef_; }
    /// The intercepts, one per target column.
    const Eigen::RowVectorXd& intercept() const noexcept { return intercept_; }
    /// The classes present in the training set, ascending (the target columns' classes).
    const std::vector<std::int32_t>& fitted_classes() const noexcept { return present_; }
    /// The options in force.
    const options& get_options() const noexcept { return opts_; }

    /// Everything needed to rebuild this classifier (kind "ridge_classifier_cv").
    memory_state state() const {
        memory_state s;
        s.kind = "ridge_classifier_cv";
        s.set("scaling", static_cast<double>(static_cast<int>(opts_.scaling)));
        s.set("fixed_classes", static_cast<double>(opts_.classes));
        s.set("classes", static_cast<double>(classes_));
        s.set("features", static_cast<double>(features_));
        s.set("alpha", alpha_);
        s.add_array("alphas", {opts_.alphas.size()}, opts_.alphas);
        if (fitted()) {
            s.add_array("loo_errors", {loo_errors_.size()}, loo_errors_);
            s.add_array("fitted_classes", {present_.size()}, present_);
            std::vector<double> coef(coef_.size());
            Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                coef.data(), coef_.rows(), coef_.cols()) = coef_;
            s.add_array("coefficients", {static_cast<std::size_t>(coef_.rows()), static_cast<std::size_t>(coef_.cols())},
                        std::move(coef));
            s.add_array("intercept", {static_cast<std::size_t>(intercept_.size())},
                        std::vector<double>(intercept_.data(), intercept_.data() + intercept_.size()));
        }
        return s;
    }

    /// The classifier a state describes; throws format_error naming what is wrong or missing.
    static ridge_classifier_cv from_state(const memory_state& s) {
        s.expect("ridge_classifier_cv", 1);
        options o;
        o.scaling = static_cast<ridge_scaling>(s.integer("scaling", 0, 2));
        o.classes = static_cast<std::size_t>(s.integer("fixed_classes", 0, max_classes));
        const auto classes = static_cast<std::size_t>(s.integer("classes", 0, max_classes));
        const auto features = static_cast<std::size_t>(s.integer("features", 0, static_cast<std::uint64_t>(detail::max_saved_extent)));
        const double alpha = s.parameter("alpha");
        std::size_t count = 0;
        for (const auto& a : s.arrays)
            if (a.name == "alphas" && a.shape.size() == 1) count = a.shape[0];
        if (count == 0) throw format_error("saved ridge_classifier_cv state: missing or empty array 'alphas'");
        o.alphas = s.array<double>("alphas", {count});
        for (const double a : o.alphas)
            if (!(a > 0) || !std::isfinite(a)) throw format_error("saved ridge_classifier_cv state: an alpha is not finite and positive");
        ridge_classifier_cv out(o);
        if (features == 0) {
            if (classes != 0 || alpha != 0) throw format_error("saved ridge_classifier_cv state: an unfitted state with classes or alpha");
            return out;
        }
        if (std::find(o.alphas.begin(), o.alphas.end(), alpha) == o.alphas.end())
            throw format_error("saved ridge_classifier_cv state: parameter 'alpha' is not one of the alphas");
        if (o.classes != 0 && o.classes != classes)
            throw format_error("saved ridge_classifier_cv state: parameters 'classes' and 'fixed_classes' disagree");
        std::size_t present_count = 0;
        for (const auto& a : s.arrays)
            if (a.name == "fitted_classes" && a.shape.size() == 1) present_count = a.shape[0];
        if (present_count < 2 || present_count > classes)
            throw format_error("saved ridge_classifier_cv state: array 'fitted_classes' is missing or has the wrong size");
        const auto& present = s.array<std::int32_t>("fitted_classes", {present_count});
        for (std::size_t j = 0; j < present.size(); ++j)
            if (present[j] < 0 || static_cast<std::size_t>(present[j]) >= classes || (j > 0 && present[j] <= present[j - 1]))
                throw format_error("saved ridge_classifier_cv state: array 'fitted_classes' is not ascending in 0.." +
                                   std::to_string(classes - 1));
        const std::size_t k = present_count == 2 ? 1 : present_count;
        const auto& errors = s.array<double>("loo_errors", {count});
        for (const double e : errors)
            if (!(e >= 0) || !std::isfinite(e)) throw format_error("saved ridge_classifier_cv state: a leave-one-out error is not finite");
        const auto& coef = s.array<double>("coefficients", {features, k});
        const auto& intercept = s.array<double>("intercept", {k});
        for (const double v : coef)
            if (!std::isfinite(v)) throw format_error("saved ridge_classifier_cv state: a coefficient is not finite");
        for (const double v : intercept)
            if (!std::isfinite(v)) throw format_error("saved ridge_classifier_cv state: an intercept is not finite");
        out.classes_ = classes;
        out.features_ = features;
        out.present_ = present;
        out.alpha_ = alpha;
        out.loo_errors_ = errors;
        out.coef_ = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            coef.data(), static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(k));
        out.intercept_ = Eigen::Map<const Eigen::RowVectorXd>(intercept.data(), static_cast<Eigen::Index>(k));
        return out;
    }

private:
    /// The Gram matrix is summed over blocks of feature columns converted to double, of about
    /// block_values doubles (32 MB) and at least min_column_block columns: few enough products
    /// that their buffers are not allocated again and again (page faults cost more than the
    /// arithmetic on a fresh buffer), never a double copy of a large batch.
    static constexpr Eigen::Index block_values = Eigen::Index{1} << 22;
    /// See block_values.
    static constexpr Eigen::Index min_column_block = 256;

    /// The first index of the smallest of errors[0..count).
    static std::size_t best_index(const std::vector<double>& errors, std::size_t count) {
        std::size_t best = 0;
        for (std::size_t a = 1; a < count; ++a)
            if (errors[a] < errors[best]) best = a;
        return best;
    }

    void check_query(const char* who, sample_view x) const {
        if (!fitted()) throw invalid_parameter(std::string(who) + ": the classifier is not fitted");
        detail::check_samples(who, x, features_);
    }

    options opts_;
    std::size_t classes_ = 0, features_ = 0;
    std::vector<std::int32_t> present_;
    double alpha_ = 0;
    std::vector<double> loo_errors_;
    Eigen::MatrixXd coef_;
    Eigen::RowVectorXd intercept_;
};

}  // namespace hdc
