// Tests of the classifiers (memory/classifier/) and the projection encoder on small synthetic
// data: every learner learns separable classes, retraining beats the centroid on overlapping
// ones, results do not depend on the thread count, saved states restore identical predictions,
// and every bad input is refused without changing the model.
#include <hdc/encoders/projection.hpp>
#include <hdc/memory/classifiers.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace {

/// Samples with their labels.
struct dataset {
    hdc::sample_matrix x;
    std::vector<std::int32_t> y;
};

/// n samples of `classes` Gaussian clusters in dim dimensions: class c has a random +-1 mean
/// pattern, a sample is its mean plus noise * Normal(0, 1) per component; labels cycle 0, 1, ...
dataset clusters(std::size_t n, std::size_t classes, std::size_t dim, double noise, std::uint64_t seed) {
    hdc::rng gen(seed);
    hdc::sample_matrix means(static_cast<Eigen::Index>(classes), static_cast<Eigen::Index>(dim));
    for (Eigen::Index i = 0; i < means.size(); ++i) means.data()[i] = gen() >> 63 ? 1.0f : -1.0f;
    dataset d{hdc::sample_matrix(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim)), {}};
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::int32_t>(i % classes);
        d.y.push_back(c);
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(dim); ++j)
            d.x(static_cast<Eigen::Index>(i), j) = means(c, j) + static_cast<float>(noise * gen.normal());
    }
    return d;
}

/// Fraction of predictions equal to the labels.
double accuracy(const std::vector<std::int32_t>& predicted, const std::vector<std::int32_t>& y) {
    std::size_t right = 0;
    for (std::size_t i = 0; i < y.size(); ++i) right += predicted[i] == y[i];
    return static_cast<double>(right) / static_cast<double>(y.size());
}

/// True if two matrices hold the same bits.
template <class A, class B>
bool same_bits(const A& a, const B& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            const float x = a(i, j), y = b(i, j);
            if (std::memcmp(&x, &y, sizeof(float)) != 0) return false;
        }
    return true;
}

}  // namespace

// ---- samples ----------------------------------------------------------------------------------

TEST_CASE("to_samples: the cosine of two rows is the family's similarity", "[classifier][samples]") {
    hdc::rng gen(1);
    auto check = [](const auto& a, const auto& b) {
        using V = std::remove_cvref_t<decltype(a)>;
        const std::vector<V> v{a, b};
        const hdc::sample_matrix rows = hdc::to_samples(std::span<const V>(v));
        const double cos = rows.row(0).cast<double>().dot(rows.row(1).cast<double>()) /
                           (rows.row(0).cast<double>().norm() * rows.row(1).cast<double>().norm());
        CHECK(cos == Approx(hdc::similarity(a, b)).margin(1e-6));
    };
    check(hdc::binary<>::random(gen, 300), hdc::binary<>::random(gen, 300));
    check(hdc::bipolar<>::random(gen, 300), hdc::bipolar<>::random(gen, 300));
    check(hdc::real<>::random(gen, 300), hdc::real<>::random(gen, 300));
    check(hdc::phasor<>::random(gen, 300), hdc::phasor<>::random(gen, 300));
    check(hdc::sparse<>::random(gen, {20, 8}), hdc::sparse<>::random(gen, {20, 8}));
    const auto a = hdc::bipolar<>::random(gen, 300);
    check(a, a);

    const std::vector<hdc::real<>> none;
    CHECK_THROWS_AS(hdc::to_samples(std::span<const hdc::real<>>(none)), hdc::empty_input);
    const std::vector<hdc::real<>> mixed{hdc::real<>::random(gen, 10), hdc::real<>::random(gen, 11)};
    CHECK_THROWS_AS(hdc::to_samples(std::span<const hdc::real<>>(mixed)), hdc::dimension_mismatch);
}

// ---- projection encoder ---------------------------------------------------------------------

TEST_CASE("projection encoder: the formula, determinism, threads, regeneration", "[classifier][projection]") {
    const std::size_t f = 5, dim = 600;
    const dataset d = clusters(300, 3, f, 1.0, 2);
    const hdc::projection_encoder enc(f, dim, 7);
    const hdc::sample_matrix h = enc.encode(d.x);
    REQUIRE(h.rows() == 300);
    REQUIRE(h.cols() == static_cast<Eigen::Index>(dim));

    // H_j = cos(x.B_j + b_j) sin(x.B_j), B scaled by 1/sqrt(f): x.B_j is standard normal.
    for (Eigen::Index i : {0, 123, 299})
        for (Eigen::Index j : {0, 17, 599}) {
            double z = 0;
            for (Eigen::Index k = 0; k < static_cast<Eigen::Index>(f); ++k)
                z += static_cast<double>(d.x(i, k)) * enc.basis()(k, j);
            CHECK(h(i, j) == Approx(std::cos(z + enc.phases()[j]) * std::sin(z)).margin(1e-4));
        }
    const Eigen::ArrayXf column = enc.basis().row(0).transpose().array() * std::sqrt(static_cast<float>(f));
    const double mean = column.mean(), var = (column - static_cast<float>(mean)).square().mean();
    CHECK(std::abs(mean) < 4 / std::sqrt(double(dim)));  // 4 standard errors
    CHECK(std::abs(var - 1) < 4 * std::sqrt(2.0 / double(dim)));

    // Same seed, same encoding; another seed, another one; threads change nothing.
    CHECK(same_bits(hdc::projection_encoder(f, dim, 7).encode(d.x), h));
    CHECK(!same_bits(hdc::projection_encoder(f, dim, 8).encode(d.x), h));
    CHECK(same_bits(enc.encode(d.x, 3), h));

    // Regeneration redraws only the chosen dimensions, and generations rebuild the encoder.
    hdc::projection_encoder regen = enc;
    const std::vector<std::size_t> dims{3, 400};
    regen.regenerate(dims, 1);
    const hdc::sample_matrix h2 = regen.encode(d.x);
    for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(dim); ++j) {
        const bool redrawn = j == 3 || j == 400;
        CHECK(same_bits(h2.col(j), h.col(j)) == !redrawn);
    }
    const auto rebuilt = hdc::projection_encoder::from_generations(f, dim, 7, 1.0, regen.generations());
    CHECK(same_bits(rebuilt.encode(d.x), h2));

    // Bad input.
    hdc::sample_matrix bad = d.x.topRows(4);
    bad(2, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(enc.encode(bad), hdc::non_finite_value);
    bad(2, 1) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(enc.encode(bad), hdc::non_finite_value);
    CHECK_THROWS_AS(enc.encode(hdc::sample_matrix::Zero(2, f + 1)), hdc::dimension_mismatch);
    const std::vector<std::size_t> out_of_range{1, dim};
    CHECK_THROWS_AS(regen.regenerate(out_of_range, 2), hdc::invalid_parameter);
    CHECK(same_bits(regen.encode(d.x), h2));  // unchanged
    CHECK_THROWS_AS(hdc::projection_encoder(0, dim), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::projection_encoder(f, 0), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::projection_encoder(f, dim, 0, -1.0), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::projection_encoder::from_generations(f, dim, 7, 1.0, std::vector<std::uint64_t>(3)),
                    hdc::invalid_parameter);
}

// ---- centroid ---------------------------------------------------------------------------------

TEST_CASE("centroid: class sums, binarised signs, partial_fit continues them", "[classifier][centroid]") {
    const dataset d = clusters(90, 3, 64, 0.5, 3);
    hdc::centroid_classifier c(64, 3);
    c.fit(d.x, d.y);
    hdc::sample_matrix sums = hdc::sample_matrix::Zero(3, 64);
    for (std::size_t i = 0; i < d.y.size(); ++i) sums.row(d.y[i]) += d.x.row(static_cast<Eigen::Index>(i));
    CHECK((c.prototypes() - sums).cwiseAbs().maxCoeff() < 1e-4f);
    CHECK(c.counts() == std::vector<std::int64_t>{30, 30, 30});

    hdc::centroid_classifier halves(64, 3);
    halves.fit(d.x.topRows(40), std::span(d.y).first(40));
    halves.partial_fit(d.x.bottomRows(50), std::span(d.y).last(50));
    CHECK((halves.prototypes() - c.prototypes()).cwiseAbs().maxCoeff() < 1e-4f);

    hdc::centroid_options o;
    o.binarize = true;
    hdc::centroid_classifier b(64, 3, o);
    b.fit(d.x, d.y);
    CHECK(b.prototypes().cwiseAbs().minCoeff() == 1.0f);
    CHECK((b.prototypes().array() == sums.array().sign()).all());
    CHECK(accuracy(b.predict(d.x), d.y) == 1.0);

    // Scores are cosines; the top k is ordered by them.
    const Eigen::MatrixXf s = c.scores(d.x.topRows(5));
    const auto top = c.predict_top_k(d.x.topRows(5), 3);
    for (Eigen::Index i = 0; i < 5; ++i) {
        const double expected = d.x.row(i).dot(sums.row(1)) / (d.x.row(i).norm() * sums.row(1).norm());
        CHECK(s(i, 1) == Approx(expected).margin(1e-5));
        REQUIRE(top[static_cast<std::size_t>(i)].size() == 3);
        CHECK(top[static_cast<std::size_t>(i)][0] == c.predict(d.x.topRows(5))[static_cast<std::size_t>(i)]);
        CHECK(s(i, top[static_cast<std::size_t>(i)][0]) >= s(i, top[static_cast<std::size_t>(i)][1]));
        CHECK(s(i, top[static_cast<std::size_t>(i)][1]) >= s(i, top[static_cast<std::size_t>(i)][2]));
    }
    CHECK(c.predict_top_k(d.x.topRows(2), 10)[0].size() == 3);  // k capped at the class count
}

// ---- every learner ------------------------------------------------------------------------------

namespace {

/// Sample width of the generic tests' data.
constexpr std::size_t width = 48;

/// A learner for the generic tests with the given threads: D = width for those that take
/// encoded samples, a wider expansion for those that encode features themselves.
template <class C>
C make_learner(std::size_t classes, std::size_t threads = 1, std::uint64_t seed = 5) {
    typename C::options o;
    o.seed = seed;
    o.threads = threads;
    if constexpr (std::is_same_v<C, hdc::comphd_classifier>) o.chunks = 3;  // 16 dimensions left
    if constexpr (hdc::classifier_takes_features<C>) {
        o.features = width;
        return C(512, classes, o);
    } else {
        return C(width, classes, o);
    }
}

}  // namespace

#define HDC_LEARNERS                                                                              \
    hdc::centroid_classifier, hdc::onlinehd_classifier, hdc::adapthd_classifier, hdc::quanthd_classifier, \
        hdc::sparsehd_classifier, hdc::comphd_classifier, hdc::neuralhd_classifier<>, hdc::intrvfl_classifier

TEMPLATE_TEST_CASE("every learner satisfies the concept and learns separable classes", "[classifier][learn]",
                   HDC_LEARNERS) {
    STATIC_REQUIRE(hdc::classifier<TestType>);
    const dataset train = clusters(240, 4, width, 1.0, 10);
    TestType c = make_learner<TestType>(4);
    c.fit(train.x, train.y);
    CHECK(c.dim() >= 1);
    CHECK(c.classes() == 4);
    CHECK(c.prototypes().rows() == 4);
    CHECK(accuracy(c.predict(train.x), train.y) >= 0.95);
    const auto top = c.predict_top_k(train.x, 2);
    const auto best = c.predict(train.x);
    for (std::size_t i = 0; i < best.size(); ++i) CHECK(top[i][0] == best[i]);
    CHECK(c.predict(train.x.topRows(0)).empty());
}

TEMPLATE_TEST_CASE("a learner's results do not depend on the thread count", "[classifier][threads]", HDC_LEARNERS) {
    const dataset d = clusters(700, 3, width, 2.0, 11);  // more rows than a score block
    TestType one = make_learner<TestType>(3, 1), three = make_learner<TestType>(3, 3);
    one.fit(d.x, d.y);
    three.fit(d.x, d.y);
    CHECK(same_bits(one.prototypes(), three.prototypes()));
    CHECK(same_bits(one.scores(d.x), three.scores(d.x)));
    one.partial_fit(d.x.topRows(300), std::span(d.y).first(300));
    three.partial_fit(d.x.topRows(300), std::span(d.y).first(300));
    CHECK(same_bits(one.prototypes(), three.prototypes()));
    // Same seed, same model.
    TestType again = make_learner<TestType>(3, 1);
    again.fit(d.x, d.y);
    again.partial_fit(d.x.topRows(300), std::span(d.y).first(300));
    CHECK(same_bits(again.prototypes(), one.prototypes()));
}

TEMPLATE_TEST_CASE("a saved state restores identical predictions", "[classifier][state]", HDC_LEARNERS) {
    const dataset d = clusters(300, 3, width, 2.0, 12);
    TestType c = make_learner<TestType>(3);
    c.fit(d.x, d.y);
    const hdc::memory_state s = c.state();
    TestType back = TestType::from_state(s);
    CHECK(same_bits(back.prototypes(), c.prototypes()));
    CHECK(same_bits(back.scores(d.x), c.scores(d.x)));
    CHECK(back.predict(d.x) == c.predict(d.x));
    // Training goes on identically.
    c.partial_fit(d.x.topRows(100), std::span(d.y).first(100));
    back.partial_fit(d.x.topRows(100), std::span(d.y).first(100));
    CHECK(same_bits(back.prototypes(), c.prototypes()));

    // Damaged states are refused.
    hdc::memory_state wrong_kind = s;
    wrong_kind.kind = "something-else";
    CHECK_THROWS_AS(TestType::from_state(wrong_kind), hdc::format_error);
    hdc::memory_state newer = s;
    newer.version = 99;
    CHECK_THROWS_AS(TestType::from_state(newer), hdc::format_error);
    hdc::memory_state no_arrays = s;
    no_arrays.arrays.clear();
    CHECK_THROWS_AS(TestType::from_state(no_arrays), hdc::format_error);
    hdc::memory_state no_parameters = s;
    no_parameters.parameters.clear();
    CHECK_THROWS_AS(TestType::from_state(no_parameters), hdc::format_error);
    for (std::size_t p = 0; p < s.parameters.size(); ++p) {
        hdc::memory_state bad = s;
        bad.parameters[p].second = std::numeric_limits<double>::quiet_NaN();
        CHECK_THROWS_AS(TestType::from_state(bad), hdc::format_error);
    }
    for (std::size_t a = 0; a < s.arrays.size(); ++a) {
        hdc::memory_state bad = s;
        bad.arrays[a].shape.push_back(1);
        bad.arrays[a].shape[0] += 1;
        CHECK_THROWS_AS(TestType::from_state(bad), hdc::format_error);
        if (auto* f = std::get_if<std::vector<float>>(&s.arrays[a].values)) {
            hdc::memory_state nan = s;
            std::get<std::vector<float>>(nan.arrays[a].values)[f->size() / 2] = std::numeric_limits<float>::infinity();
            CHECK_THROWS_AS(TestType::from_state(nan), hdc::format_error);
        }
    }
}

TEMPLATE_TEST_CASE("bad input is refused and leaves the learner unchanged", "[classifier][errors]", HDC_LEARNERS) {
    const dataset d = clusters(120, 3, width, 2.0, 13);
    TestType c = make_learner<TestType>(3);
    c.fit(d.x, d.y);
    const hdc::sample_matrix before = c.prototypes();
    const Eigen::MatrixXf scores_before = c.scores(d.x);

    std::vector<std::int32_t> labels = d.y;
    labels[7] = 3;  // out of range
    CHECK_THROWS_AS(c.partial_fit(d.x, labels), hdc::invalid_parameter);
    CHECK_THROWS_AS(c.fit(d.x, labels), hdc::invalid_parameter);
    labels[7] = -1;
    CHECK_THROWS_AS(c.fit(d.x, labels), hdc::invalid_parameter);
    CHECK_THROWS_AS(c.fit(d.x, std::span(d.y).first(50)), hdc::invalid_parameter);  // too few labels
    CHECK_THROWS_AS(c.fit(d.x.topRows(0), std::span(d.y).first(0)), hdc::empty_input);
    CHECK_THROWS_AS(c.partial_fit(d.x.topRows(0), std::span(d.y).first(0)), hdc::empty_input);
    const hdc::sample_matrix wide = hdc::sample_matrix::Ones(d.x.rows(), d.x.cols() + 1);
    CHECK_THROWS_AS(c.fit(wide, d.y), hdc::dimension_mismatch);
    CHECK_THROWS_AS(c.partial_fit(wide, d.y), hdc::dimension_mismatch);
    CHECK_THROWS_AS(c.predict(wide), hdc::dimension_mismatch);
    hdc::sample_matrix nan = d.x;
    nan(5, 3) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(c.fit(nan, d.y), hdc::non_finite_value);
    CHECK_THROWS_AS(c.partial_fit(nan, d.y), hdc::non_finite_value);
    CHECK_THROWS_AS(c.predict(nan), hdc::non_finite_value);
    CHECK_THROWS_AS(c.scores(nan), hdc::non_finite_value);
    nan(5, 3) = -std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(c.fit(nan, d.y), hdc::non_finite_value);
    CHECK_THROWS_AS(c.predict_top_k(d.x, 0), hdc::invalid_parameter);

    CHECK(same_bits(c.prototypes(), before));
    CHECK(same_bits(c.scores(d.x), scores_before));

    CHECK_THROWS_AS(TestType(0, 3, typename TestType::options{}), hdc::invalid_dimension);
    CHECK_THROWS_AS(TestType(width, 0, typename TestType::options{}), hdc::invalid_parameter);
}
