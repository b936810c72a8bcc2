// Tests of memory/classifier/ridge.hpp: ridge_classifier_cv (efficient leave-one-out) against
// brute-force refits and closed-form solutions.
#include <hdc/io/serialize.hpp>
#include <hdc/memory/classifier/ridge.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <hdc/core/rng.hpp>

namespace {

using matrix = Eigen::MatrixXd;

/// Uniform floats in [-1, 1) from the library's generator (deterministic).
hdc::sample_matrix random_features(std::uint64_t seed, Eigen::Index n, Eigen::Index d) {
    hdc::rng gen(seed);
    hdc::sample_matrix x(n, d);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < d; ++j)
            x(i, j) = static_cast<float>(static_cast<double>(gen() >> 11) * 0x1.0p-52 - 1.0);
    return x;
}

/// Labels 0..classes-1 in turn (every class present).
std::vector<std::int32_t> cyclic_labels(Eigen::Index n, int classes) {
    std::vector<std::int32_t> y(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::int32_t>(i % static_cast<std::size_t>(classes));
    return y;
}

/// The +1/-1 targets as sklearn codes them (one column for two classes).
matrix targets(const std::vector<std::int32_t>& y, int classes) {
    const Eigen::Index k = classes == 2 ? 1 : classes;
    matrix t = matrix::Constant(static_cast<Eigen::Index>(y.size()), k, -1.0);
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (classes == 2) t(static_cast<Eigen::Index>(i), 0) = y[i] == 1 ? 1.0 : -1.0;
        else t(static_cast<Eigen::Index>(i), y[i]) = 1.0;
    }
    return t;
}

/// Column scales of the centred features, computed independently of the classifier.
Eigen::RowVectorXd scales(const matrix& x, hdc::ridge_scaling scaling) {
    const matrix c = x.rowwise() - x.colwise().mean();
    Eigen::RowVectorXd s = Eigen::RowVectorXd::Ones(x.cols());
    if (scaling == hdc::ridge_scaling::none) return s;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        double norm = 0;
        for (Eigen::Index i = 0; i < x.rows(); ++i) norm += c(i, j) * c(i, j);
        norm = std::sqrt(norm);
        if (scaling == hdc::ridge_scaling::standardize) norm /= std::sqrt(static_cast<double>(x.rows()));
        if (norm > 0) s(j) = norm;
    }
    return s;
}

/// Ridge with an unpenalised intercept on rows xs (already scaled): (W, b) by the normal equations.
std::pair<matrix, Eigen::RowVectorXd> ridge_solve(const matrix& xs, const matrix& t, double alpha) {
    const Eigen::RowVectorXd xm = xs.colwise().mean(), tm = t.colwise().mean();
    const matrix xc = xs.rowwise() - xm, tc = t.rowwise() - tm;
    matrix a = xc.transpose() * xc;
    a.diagonal().array() += alpha;
    const matrix w = a.llt().solve(xc.transpose() * tc);
    return {w, tm - xm * w};
}

/// Mean squared leave-one-out error by n refits on n - 1 rows (the scaling fixed from all rows,
/// as in sklearn's GCV).
double brute_force_loo(const matrix& xs, const matrix& t, double alpha) {
    const Eigen::Index n = xs.rows();
    double sum = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        matrix xr(n - 1, xs.cols()), tr(n - 1, t.cols());
        for (Eigen::Index j = 0, r = 0; j < n; ++j)
            if (j != i) {
                xr.row(r) = xs.row(j);
                tr.row(r++) = t.row(j);
            }
        const auto [w, b] = ridge_solve(xr, tr, alpha);
        const Eigen::RowVectorXd e = t.row(i) - (xs.row(i) * w + b);
        sum += e.squaredNorm();
    }
    return sum / static_cast<double>(n * t.cols());
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

}  // namespace

TEST_CASE("ridge: the default alphas are numpy.logspace(-3, 3, 10)", "[ridge]") {
    const std::vector<double> a = hdc::ridge_default_alphas();
    REQUIRE(a.size() == 10);
    CHECK(a.front() == 1e-3);
    CHECK(a.back() == 1e3);
    for (std::size_t i = 1; i < a.size(); ++i) CHECK(relative(a[i] / a[i - 1], std::pow(10.0, 6.0 / 9.0)) < 1e-14);
    // Written out: each is 10^(-3 + i * 2/3) to within libm's rounding (the table removes libm).
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK(relative(a[i], std::pow(10.0, -3.0 + static_cast<double>(i) * (6.0 / 9.0))) < 3e-16);
}

TEST_CASE("ridge: leave-one-out errors equal brute-force refits, coefficients the closed form", "[ridge]") {
    struct shape {
        Eigen::Index n, d;
        int classes;
    };
    // Gram mode (n <= d) and covariance mode (n > d), two and several classes.
    for (const shape s : {shape{12, 30, 3}, shape{13, 13, 2}, shape{40, 6, 3}, shape{25, 4, 2}}) {
        for (const auto scaling : {hdc::ridge_scaling::normalize, hdc::ridge_scaling::standardize, hdc::ridge_scaling::none}) {
            INFO("n " << s.n << " d " << s.d << " classes " << s.classes << " scaling " << static_cast<int>(scaling));
            hdc::sample_matrix x = random_features(static_cast<std::uint64_t>(s.n * 100 + s.d), s.n, s.d);
            x.col(1) *= 40.0f;  // uneven column scales, so the scaling matters
            x.col(2).array() += 5.0f;
            const std::vector<std::int32_t> y = cyclic_labels(s.n, s.classes);
            hdc::ridge_options o;
            o.scaling = scaling;
            hdc::ridge_classifier_cv model(o);
            model.fit(x, y);

            const matrix xd = x.cast<double>();
            const Eigen::RowVectorXd sc = scales(xd, scaling);
            const matrix xs = xd.array().rowwise() / sc.array();
            const matrix t = targets(y, s.classes);
            REQUIRE(model.loo_errors().size() == o.alphas.size());
            std::size_t best = 0;
            for (std::size_t a = 0; a < o.alphas.size(); ++a) {
                INFO("alpha " << o.alphas[a]);
                CHECK(relative(model.loo_errors()[a], brute_force_loo(xs, t, o.alphas[a])) < 1e-8);
                if (model.loo_errors()[a] < model.loo_errors()[best]) best = a;
            }
            CHECK(model.alpha() == o.alphas[best]);

            // Coefficients in raw units against the closed-form solve at the chosen alpha.
            const auto [w, b] = ridge_solve(xs, t, model.alpha());
            const matrix raw = w.array().colwise() / sc.transpose().array();
            const Eigen::RowVectorXd intercept = b;  // xs W + b = x (W / scale) + b
            REQUIRE(model.coefficients().rows() == s.d);
            CHECK((model.coefficients() - raw).norm() <= 1e-9 * raw.norm());
            CHECK((model.intercept() - intercept).norm() <= 1e-9 * (intercept.norm() + 1.0));
        }
    }
}

TEST_CASE("ridge: standardize equals normalize with every alpha multiplied by n, none differs", "[ridge]") {
    const Eigen::Index n = 15;
    hdc::sample_matrix x = random_features(7, n, 20);
    x.col(0) *= 30.0f;
    const std::vector<std::int32_t> y = cyclic_labels(n, 3);
    hdc::ridge_options norm_opts, std_opts, none_opts;
    std_opts.scaling = hdc::ridge_scaling::standardize;
    none_opts.scaling = hdc::ridge_scaling::none;
    for (double& a : std_opts.alphas) a *= static_cast<double>(n);
    hdc::ridge_classifier_cv a(norm_opts), b(std_opts), c(none_opts);
    a.fit(x, y);
    b.fit(x, y);
    c.fit(x, y);
    for (std::size_t i = 0; i < a.loo_errors().size(); ++i) CHECK(relative(b.loo_errors()[i], a.loo_errors()[i]) < 1e-9);
    CHECK(b.alpha() == a.alpha() * static_cast<double>(n));
    CHECK((a.coefficients() - b.coefficients()).norm() <= 1e-9 * a.coefficients().norm());
    // Without scaling the wide column dominates: different errors.
    CHECK(relative(c.loo_errors()[3], a.loo_errors()[3]) > 1e-3);
}

TEST_CASE("ridge: equal leave-one-out errors choose the first alpha", "[ridge]") {
    // Constant features: every alpha predicts the mean, with the same error (powers of two keep
    // the arithmetic exact, so the errors tie exactly).
    const hdc::sample_matrix x = hdc::sample_matrix::Constant(8, 10, 0.5f);
    hdc::ridge_options o;
    o.alphas = {0.5, 1.0, 2.0, 4.0};
    hdc::ridge_classifier_cv model(o);
    model.fit(x, cyclic_labels(8, 2));
    CHECK(model.loo_errors()[0] == model.loo_errors()[3]);
    CHECK(model.alpha() == 0.5);
    CHECK(model.coefficients().norm() == 0.0);
}

TEST_CASE("ridge: two samples, one per class: each left out is predicted as the other", "[ridge]") {
    const hdc::sample_matrix x = random_features(4, 2, 5);
    hdc::ridge_classifier_cv model;
    model.fit(x, std::vector<std::int32_t>{0, 1});
    for (const double e : model.loo_errors()) CHECK(relative(e, 4.0) < 1e-12);  // (1 - (-1))^2
    CHECK(model.predict(x) == std::vector<std::int32_t>{0, 1});
}

TEST_CASE("ridge: predictions on separable classes, two-class scores are (-s, s)", "[ridge]") {
    const Eigen::Index per = 10, d = 50;
    for (const int classes : {2, 4}) {
        hdc::sample_matrix x = random_features(11, per * classes, d) * 0.3f;
        std::vector<std::int32_t> y(static_cast<std::size_t>(per * classes));
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const int c = static_cast<int>(i % classes);
            y[static_cast<std::size_t>(i)] = c;
            for (Eigen::Index j = c; j < d; j += classes) x(i, j) += 1.0f;  // class c lifts features c mod classes
        }
        hdc::ridge_classifier_cv model;
        model.fit(x, y);
        CHECK(model.classes() == static_cast<std::size_t>(classes));
        hdc::sample_matrix q = random_features(12, 40, d) * 0.3f;
        std::vector<std::int32_t> truth(40);
        for (Eigen::Index i = 0; i < 40; ++i) {
            truth[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i % classes);
            for (Eigen::Index j = i % classes; j < d; j += classes) q(i, j) += 1.0f;
        }
        CHECK(model.predict(q) == truth);
        const Eigen::MatrixXd s = model.decision_function(q);
        REQUIRE(s.cols() == classes);
        if (classes == 2) {
            CHECK((s.col(0) + s.col(1)).norm() == 0.0);
            CHECK(model.coefficients().cols() == 1);
        }
    }
}

TEST_CASE("ridge: a class absent from training scores -infinity, errors as without it", "[ridge]") {
    const hdc::sample_matrix x = random_features(3, 12, 20);
    std::vector<std::int32_t> y = cyclic_labels(12, 3), gap = y;
    for (auto& v : gap) v = v == 2 ? 3 : v;  // classes 0, 1, 3
    hdc::ridge_classifier_cv a, b;
    a.fit(x, y);
    b.fit(x, gap);
    CHECK(b.classes() == 4);
    CHECK(b.fitted_classes() == std::vector<std::int32_t>{0, 1, 3});
    for (std::size_t i = 0; i < a.loo_errors().size(); ++i) CHECK(b.loo_errors()[i] == a.loo_errors()[i]);
    const Eigen::MatrixXd s = b.decision_function(x);
    CHECK(std::isinf(s(0, 2)));
    CHECK(s(0, 2) < 0);
    for (const std::int32_t p : b.predict(x)) CHECK(p != 2);
}

TEST_CASE("ridge: bad input is refused and leaves the model unchanged", "[ridge]") {
    hdc::ridge_options bad;
    bad.alphas = {};
    CHECK_THROWS_AS(hdc::ridge_classifier_cv(bad), hdc::invalid_parameter);
    for (const double a : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        bad.alphas = {1.0, a};
        CHECK_THROWS_AS(hdc::ridge_classifier_cv(bad), hdc::invalid_parameter);
    }

    hdc::ridge_classifier_cv model;
    const hdc::sample_matrix x = random_features(5, 6, 4);
    CHECK_THROWS_AS(model.predict(x), hdc::invalid_parameter);  // not fitted
    CHECK_THROWS_AS(model.fit(hdc::sample_matrix(0, 4), {}), hdc::empty_input);
    CHECK_THROWS_AS(model.fit(hdc::sample_matrix(3, 0), std::vector<std::int32_t>{0, 1, 0}), hdc::empty_input);
    CHECK_THROWS_AS(model.fit(x, std::vector<std::int32_t>{0, 1}), hdc::invalid_parameter);
    CHECK_THROWS_AS(model.fit(x, std::vector<std::int32_t>{0, 1, 0, 1, 0, -1}), hdc::invalid_parameter);
    CHECK_THROWS_WITH(model.fit(x, std::vector<std::int32_t>(6, 1)), Catch::Contains("at least two classes"));
    CHECK_THROWS_AS(model.fit(x, std::vector<std::int32_t>{0, 1, 0, 1, 0, 1 << 30}), hdc::invalid_parameter);
    hdc::sample_matrix nan = x;
    nan(2, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(model.fit(nan, cyclic_labels(6, 2)), hdc::non_finite_value);
    CHECK_FALSE(model.fitted());
    hdc::ridge_options fixed;
    fixed.classes = 2;
    hdc::ridge_classifier_cv two(fixed);
    CHECK_THROWS_WITH(two.fit(x, cyclic_labels(6, 3)), Catch::Contains("outside 0..1"));

    model.fit(x, cyclic_labels(6, 2));
    const double alpha = model.alpha();
    const Eigen::MatrixXd coef = model.coefficients();
    CHECK_THROWS_AS(model.fit(nan, cyclic_labels(6, 2)), hdc::non_finite_value);
    CHECK(model.alpha() == alpha);
    CHECK(model.coefficients() == coef);
    CHECK_THROWS_AS(model.predict(hdc::sample_matrix(2, 5)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(model.predict(nan), hdc::non_finite_value);
}

TEST_CASE("ridge: state and file round trips reproduce the model exactly", "[ridge]") {
    const hdc::sample_matrix x = random_features(9, 14, 9);
    hdc::ridge_options o;
    o.scaling = hdc::ridge_scaling::standardize;
    hdc::ridge_classifier_cv model(o);
    model.fit(x, cyclic_labels(14, 3));
    const auto copy = hdc::ridge_classifier_cv::from_state(model.state());
    CHECK(copy.decision_function(x) == model.decision_function(x));
    CHECK(copy.alpha() == model.alpha());
    CHECK(copy.loo_errors() == model.loo_errors());
    CHECK(copy.get_options().scaling == hdc::ridge_scaling::standardize);
    const auto bytes = hdc::to_bytes(model);
    const auto loaded = hdc::from_bytes<hdc::ridge_classifier_cv>(bytes);
    CHECK(loaded.predict(x) == model.predict(x));
    CHECK(loaded.coefficients() == model.coefficients());

    // An unfitted classifier round-trips too; a damaged state is a format_error.
    CHECK_FALSE(hdc::ridge_classifier_cv::from_state(hdc::ridge_classifier_cv().state()).fitted());
    hdc::memory_state s = model.state();
    for (auto& p : s.parameters)
        if (p.first == "alpha") p.second = 0.123;
    CHECK_THROWS_AS(hdc::ridge_classifier_cv::from_state(s), hdc::format_error);
    s = model.state();
    for (auto& a : s.arrays)
        if (a.name == "fitted_classes") std::get<std::vector<std::int32_t>>(a.values)[1] = 0;
    CHECK_THROWS_AS(hdc::ridge_classifier_cv::from_state(s), hdc::format_error);
    s = model.state();
    s.kind = "centroid";
    CHECK_THROWS_AS(hdc::ridge_classifier_cv::from_state(s), hdc::format_error);
}
