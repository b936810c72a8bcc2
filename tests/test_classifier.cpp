// Tests of the classifiers (memory/classifier/) and the projection encoder on small synthetic
// data: every learner learns separable classes, retraining beats the centroid on overlapping
// ones, results do not depend on the thread count, saved states restore identical predictions,
// and every bad input is refused without changing the model.
#include <hdc/encoders/projection.hpp>
#include <hdc/io/serialize.hpp>
#include <hdc/memory/classifiers.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
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
    const dataset wide = clusters(600, 3, f, 1.0, 3);  // three blocks of rows, enough work for threads
    const hdc::projection_encoder big(f, 3000, 7);
    CHECK(same_bits(big.encode(wide.x, 3), big.encode(wide.x, 1)));

    // Regeneration redraws only the chosen dimensions, and generations rebuild the encoder.
    hdc::projection_encoder regen = enc;
    const std::vector<std::size_t> dims{3, 400};
    regen.regenerate(dims, 1);
    const hdc::sample_matrix h2 = regen.encode(d.x);
    for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(dim); ++j) {
        const bool redrawn = j == 3 || j == 400;
        CHECK(same_bits(h2.col(j), h.col(j)) == !redrawn);
    }
    hdc::sample_matrix patched = h;  // only the regenerated columns recomputed
    regen.encode_columns(d.x, dims, patched, 2);
    CHECK((patched - h2).cwiseAbs().maxCoeff() < 1e-5f);
    CHECK(same_bits(patched.col(4), h.col(4)));
    hdc::sample_matrix wrong_rows = h.topRows(10);
    CHECK_THROWS_AS(regen.encode_columns(d.x, dims, wrong_rows), hdc::dimension_mismatch);
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

TEST_CASE("projection encoder: the branch-free sin/cos agrees with the C library", "[classifier][projection]") {
    hdc::rng gen(4);
    double worst = 0;
    auto compare = [&worst](double x) {
        double s = 0, c = 0;
        hdc::detail::projection_sin_cos(x, s, c);
        worst = std::max({worst, std::abs(s - std::sin(x)), std::abs(c - std::cos(x))});
    };
    for (int i = 0; i < 20000; ++i) compare((i < 10000 ? 10.0 : 5e5) * gen.uniform_signed());
    for (double x : {0.0, -0.0, 0.7853981633974483, 1.5707963267948966, 3.141592653589793, -4.71238898038469})
        compare(x);
    CHECK(worst < 1e-12);  // far below the float result's rounding (6e-8)
    // Beyond the reduction's range a row falls back to the C library.
    std::vector<float> row{1e7f, 2.0f};
    const std::vector<float> phase{0.5f, 0.25f};
    const std::vector<double> cb{std::cos(0.5), std::cos(0.25)}, sb{std::sin(0.5), std::sin(0.25)};
    hdc::detail::projection_activate(row.data(), phase.data(), cb.data(), sb.data(), 2);
    CHECK(row[0] == std::cos(1e7f + 0.5f) * std::sin(1e7f));
    CHECK(row[1] == Approx(std::cos(2.25) * std::sin(2.0)).margin(1e-6));
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
C make_learner(std::size_t classes, std::size_t threads = 1, std::size_t dim = width) {
    typename C::options o;
    o.seed = 5;
    o.threads = threads;
    if constexpr (std::is_same_v<C, hdc::comphd_classifier>) o.chunks = 3;  // 16 dimensions left
    if constexpr (hdc::classifier_takes_features<C>) {
        o.features = width;
        return C(std::max<std::size_t>(dim, 512), classes, o);
    } else {
        return C(dim, classes, o);
    }
}

/// Input width of a learner made by make_learner(classes, threads, dim).
template <class C>
std::size_t input_width(std::size_t dim) {
    return hdc::classifier_takes_features<C> ? width : dim;
}

/// Overwrites the named parameter of a state (which must hold it).
void set_parameter(hdc::memory_state& s, const char* name, double value) {
    for (auto& [key, v] : s.parameters)
        if (key == name) {
            v = value;
            return;
        }
    FAIL("no parameter " << name);
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
    // More rows than a score block, and wide enough for the batch loops to use several threads.
    // (Learners that encode features do enough work per row at a smaller width.)
    constexpr std::size_t dim = hdc::classifier_takes_features<TestType> ? 600 : 2048;
    const dataset d = clusters(700, 3, input_width<TestType>(dim), 12.0, 11);
    TestType one = make_learner<TestType>(3, 1, dim), three = make_learner<TestType>(3, 3, dim);
    one.fit(d.x, d.y);
    three.fit(d.x, d.y);
    CHECK(same_bits(one.prototypes(), three.prototypes()));
    CHECK(same_bits(one.scores(d.x), three.scores(d.x)));
    one.partial_fit(d.x.topRows(300), std::span(d.y).first(300));
    three.partial_fit(d.x.topRows(300), std::span(d.y).first(300));
    CHECK(same_bits(one.prototypes(), three.prototypes()));
    // Same seed, same model.
    TestType again = make_learner<TestType>(3, 1, dim);
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

    // Through the file format: in memory and through a file.
    const TestType from_bytes = hdc::from_bytes<TestType>(hdc::to_bytes(c));
    CHECK(same_bits(from_bytes.prototypes(), c.prototypes()));
    const auto dir = std::filesystem::temp_directory_path() / ("hdc_test_classifier_" + s.kind);
    std::filesystem::create_directories(dir);
    const auto path = dir / "learner.hdc";
    hdc::save(path, c);
    const TestType from_file = hdc::load<TestType>(path);
    std::filesystem::remove_all(dir);
    CHECK(same_bits(from_file.prototypes(), c.prototypes()));
    CHECK(same_bits(from_file.scores(d.x), c.scores(d.x)));

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
    // A state that declares a huge shape without the arrays to back it is refused before any
    // allocation of that shape (2^27 x 8 floats would be 4 GiB).
    hdc::memory_state huge = s;
    set_parameter(huge, "dim", 1u << 27);
    set_parameter(huge, "classes", 8);
    CHECK_THROWS_AS(TestType::from_state(huge), hdc::format_error);
}

TEST_CASE("tables a loader regenerates from the seed are bounded", "[classifier][state]") {
    // NeuralHD's projection basis (features x dim) is not in the file.
    hdc::neuralhd_options n;
    n.features = 4;
    const hdc::memory_state ns = hdc::neuralhd_classifier<>(1, 2, n).state();
    CHECK(hdc::neuralhd_classifier<>::from_state(ns).features() == 4);
    hdc::memory_state nbig = ns;
    set_parameter(nbig, "features", 1u << 30);
    set_parameter(nbig, "fixed_features", 1u << 30);
    CHECK_THROWS_AS(hdc::neuralhd_classifier<>::from_state(nbig), hdc::format_error);
    // Neither are IntRVFL's permutations (features x dim) when no samples were saved.
    hdc::intrvfl_options r;
    r.features = 4;
    const hdc::memory_state rs = hdc::intrvfl_classifier(1, 2, r).state();
    CHECK(hdc::intrvfl_classifier::from_state(rs).features() == 4);
    hdc::memory_state rbig = rs;
    set_parameter(rbig, "features", 1u << 30);
    set_parameter(rbig, "fixed_features", 1u << 30);
    CHECK_THROWS_AS(hdc::intrvfl_classifier::from_state(rbig), hdc::format_error);
    // Nor CompHD's chunk keys (dim floats): one chunk per dimension keeps the prototypes 1 x 1.
    hdc::comphd_options k;
    k.chunks = 1;
    const hdc::memory_state ks = hdc::comphd_classifier(1, 1, k).state();
    CHECK(hdc::comphd_classifier::from_state(ks).dim() == 1);
    hdc::memory_state kbig = ks;
    set_parameter(kbig, "dim", 1u << 29);
    set_parameter(kbig, "chunks", 1u << 29);
    CHECK_THROWS_AS(hdc::comphd_classifier::from_state(kbig), hdc::format_error);
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

TEST_CASE("corrections split over columns give the same bits with any thread count", "[classifier][threads]") {
    const hdc::sample_matrix x = clusters(400, 4, 3000, 1.0, 14).x;
    hdc::rng gen(15);
    std::vector<hdc::detail::correction> corrections;
    for (Eigen::Index i = 0; i < 400; ++i)
        corrections.push_back({i, static_cast<std::int32_t>(gen.below(4)), static_cast<std::int32_t>(gen.below(4)),
                               static_cast<float>(gen.uniform()), -static_cast<float>(gen.uniform())});
    hdc::sample_matrix one = hdc::sample_matrix::Constant(4, 3000, 0.1f), three = one;
    hdc::detail::apply_corrections(one, x, corrections, 1);
    hdc::detail::apply_corrections(three, x, corrections, 3);
    CHECK(same_bits(one, three));
    CHECK(!same_bits(one, hdc::sample_matrix::Constant(4, 3000, 0.1f)));
}

// ---- retraining against the centroid --------------------------------------------------------

namespace {

/// Overlapping classes the centroid handles badly: random +-0.4 means in 32 dimensions,
/// isotropic unit noise plus a large shared noise component (standard deviation 10) along a
/// direction half aligned with the difference of two means. A linear rule that discounts that
/// direction does far better than the nearest mean; retraining can find one.
dataset overlapping(std::size_t n, std::uint64_t stream) {
    constexpr std::size_t classes = 3, dim = 32;
    hdc::rng shape(21);
    hdc::sample_matrix means(classes, dim);
    for (Eigen::Index i = 0; i < means.size(); ++i) means.data()[i] = shape() >> 63 ? 0.4f : -0.4f;
    Eigen::RowVectorXf u(dim);
    for (Eigen::Index j = 0; j < u.size(); ++j) u[j] = static_cast<float>(shape.normal());
    const Eigen::RowVectorXf v = ((means.row(0) - means.row(1)).normalized() + u.normalized()).normalized();
    hdc::rng gen(21, stream);
    dataset d{hdc::sample_matrix(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim)), {}};
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::int32_t>(i % classes);
        d.y.push_back(c);
        const auto z = static_cast<float>(10.0 * gen.normal());
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(dim); ++j)
            d.x(static_cast<Eigen::Index>(i), j) = means(c, j) + static_cast<float>(gen.normal()) + z * v[j];
    }
    return d;
}

}  // namespace

TEMPLATE_TEST_CASE("retraining beats the centroid on overlapping classes", "[classifier][retraining]",
                   hdc::adapthd_classifier, hdc::onlinehd_classifier) {
    const dataset train = overlapping(1500, 1), test = overlapping(1000, 2);
    hdc::centroid_classifier centroid(32, 3);
    centroid.fit(train.x, train.y);
    TestType retrained(32, 3, typename TestType::options{});
    retrained.fit(train.x, train.y);
    const auto pc = centroid.predict(test.x), pr = retrained.predict(test.x);
    // Paired comparison on the same test samples: with b samples only the retrained learner gets
    // right and c only the centroid does, the difference (b - c) / n has standard error at most
    // sqrt(b + c) / n under the hypothesis of no difference; require 4 of them.
    double b = 0, c = 0;
    for (std::size_t i = 0; i < test.y.size(); ++i) {
        b += pr[i] == test.y[i] && pc[i] != test.y[i];
        c += pc[i] == test.y[i] && pr[i] != test.y[i];
    }
    const double n = static_cast<double>(test.y.size());
    INFO("centroid " << accuracy(pc, test.y) << ", retrained " << accuracy(pr, test.y));
    CHECK((b - c) / n > 4 * std::sqrt(b + c) / n);
}

// ---- learner specifics ----------------------------------------------------------------------

TEST_CASE("OnlineHD: single pass alone learns, epochs stop when nothing is misclassified", "[classifier][onlinehd]") {
    const dataset d = clusters(300, 3, width, 1.0, 30);
    hdc::onlinehd_options o;
    o.epochs = 0;
    hdc::onlinehd_classifier single(width, 3, o);
    single.fit(d.x, d.y);
    CHECK(single.epochs_run() == 0);
    CHECK(accuracy(single.predict(d.x), d.y) >= 0.95);
    hdc::onlinehd_classifier full(width, 3);
    full.fit(d.x, d.y);
    CHECK(full.epochs_run() < full.get_options().epochs);
    CHECK(accuracy(full.predict(d.x), d.y) == 1.0);
    o.bootstrap = 1.5;
    CHECK_THROWS_AS(hdc::onlinehd_classifier(width, 3, o), hdc::invalid_parameter);
}

TEST_CASE("AdaptHD: the rate starts at lr and only halves", "[classifier][adapthd]") {
    const dataset d = overlapping(600, 3);
    for (bool data_dependent : {false, true}) {
        hdc::adapthd_options o;
        o.data_dependent = data_dependent;
        o.epochs = 40;
        hdc::adapthd_classifier c(32, 3, o);
        c.fit(d.x, d.y);
        const auto& rates = c.rate_history();
        REQUIRE(!rates.empty());
        CHECK(rates.front() == o.lr);
        bool halved = false;
        for (std::size_t i = 1; i < rates.size(); ++i) {
            CHECK((rates[i] == rates[i - 1] || rates[i] == rates[i - 1] / 2));
            halved = halved || rates[i] < rates[i - 1];
            CHECK(rates[i] >= o.lr * static_cast<float>(o.min_lr_ratio));
        }
        CHECK(halved);  // overlapping classes: the error plateaus before it vanishes
    }
}

TEST_CASE("QuantHD: binary and ternary prototypes, scored as they are", "[classifier][quanthd]") {
    const dataset d = clusters(300, 3, width, 1.5, 31);
    for (auto levels : {hdc::quantization::binary, hdc::quantization::ternary}) {
        hdc::quanthd_options o;
        o.levels = levels;
        hdc::quanthd_classifier c(width, 3, o);
        c.fit(d.x, d.y);
        const auto& q = c.prototypes();
        CHECK((q.array() == 1 || q.array() == -1 || q.array() == 0).all());
        if (levels == hdc::quantization::ternary)
            CHECK((q.array() == 0).any());
        else
            CHECK((q.array() != 0).all());
        const hdc::sample_matrix probe = d.x.topRows(3);
        const Eigen::MatrixXf s = c.scores(probe);
        for (Eigen::Index i = 0; i < 3; ++i)
            for (Eigen::Index k = 0; k < 3; ++k)
                CHECK(s(i, k) == Approx(probe.row(i).dot(q.row(k)) / (probe.row(i).norm() * q.row(k).norm())).margin(1e-5));
        CHECK(accuracy(c.predict(d.x), d.y) >= 0.95);
    }
}

TEST_CASE("SparseHD: the mask drops the asked fraction and survives retraining", "[classifier][sparsehd]") {
    const dataset d = clusters(300, 3, 100, 1.5, 32);
    for (auto kind : {hdc::sparsity_kind::dimension, hdc::sparsity_kind::per_class}) {
        hdc::sparsehd_options o;
        o.kind = kind;
        o.sparsity = 0.3;
        hdc::sparsehd_classifier c(100, 3, o);
        c.fit(d.x, d.y);
        for (Eigen::Index k = 0; k < 3; ++k) {
            CHECK((c.mask().row(k).array() == 0).count() == 30);
            CHECK(((c.mask().row(k).array() == 0) <= (c.prototypes().row(k).array() == 0)).all());
        }
        if (kind == hdc::sparsity_kind::dimension) CHECK(c.mask().row(0) == c.mask().row(2));
        const hdc::sample_matrix mask = c.mask();
        c.partial_fit(d.x.topRows(60), std::span(d.y).first(60));
        CHECK(c.mask() == mask);
        CHECK(((mask.array() == 0) <= (c.prototypes().array() == 0)).all());
        CHECK(accuracy(c.predict(d.x), d.y) >= 0.95);
    }
    hdc::sparsehd_options bad;
    bad.sparsity = 1.0;
    CHECK_THROWS_AS(hdc::sparsehd_classifier(100, 3, bad), hdc::invalid_parameter);
}

TEST_CASE("CompHD: folding is linear and keeps D / chunks dimensions", "[classifier][comphd]") {
    hdc::comphd_options o;
    o.chunks = 4;
    const hdc::comphd_classifier c(50, 2, o);
    CHECK(c.compressed_dim() == 13);
    const hdc::sample_matrix a = hdc::sample_matrix::Random(3, 50), b = hdc::sample_matrix::Random(3, 50);
    CHECK((c.fold(a + b) - c.fold(a) - c.fold(b)).cwiseAbs().maxCoeff() < 1e-5f);
    // A unit vector folds to one +-1 at its position within the chunk.
    hdc::sample_matrix e = hdc::sample_matrix::Zero(1, 50);
    e(0, 27) = 1;
    const hdc::sample_matrix fe = c.fold(e);
    CHECK(std::abs(fe(0, 27 % 13)) == 1.0f);
    CHECK(fe.cwiseAbs().sum() == 1.0f);
    o.chunks = 51;
    CHECK_THROWS_AS(hdc::comphd_classifier(50, 2, o), hdc::invalid_parameter);
    CHECK_THROWS_AS(c.fold(hdc::sample_matrix::Zero(1, 49)), hdc::dimension_mismatch);
}

TEST_CASE("NeuralHD: regenerates the least varying dimensions", "[classifier][neuralhd]") {
    const dataset d = overlapping(300, 4);
    hdc::neuralhd_options o;
    o.epochs = 9;
    o.regen_every = 3;
    o.regen_rate = 0.1;
    hdc::neuralhd_classifier<> c(200, 3, o);
    c.fit(d.x, d.y);
    CHECK(c.regenerations() == 2);  // after epochs 3 and 6 (never after the last)
    std::size_t redrawn = 0;
    for (std::uint64_t g : c.encoder()->generations()) redrawn += g > 0;
    CHECK(redrawn >= 20);
    CHECK(redrawn <= 40);
    const auto back = hdc::neuralhd_classifier<>::from_state(c.state());
    CHECK(same_bits(back.scores(d.x), c.scores(d.x)));
    hdc::neuralhd_classifier<> untrained(200, 3);
    CHECK_THROWS_AS(untrained.predict(d.x), hdc::invalid_parameter);
}

TEST_CASE("intRVFL: integer activations, the ridge solution, partial_fit as fit", "[classifier][intrvfl]") {
    const dataset d = clusters(90, 3, 6, 1.0, 33);
    for (std::size_t dim : {40, 200}) {  // more samples than neurons (primal), then fewer (dual)
        hdc::intrvfl_options o;
        o.kappa = 2;
        o.lambda = 0.5;
        hdc::intrvfl_classifier c(dim, 3, o);
        c.fit(d.x, d.y);
        const hdc::sample_matrix h = c.encode(d.x);
        CHECK((h.array() == h.array().round() && h.array().abs() <= 2).all());
        // W = (H^T H + lambda I)^-1 H^T Y, solved here directly in double.
        const Eigen::MatrixXd hd = h.cast<double>();
        Eigen::MatrixXd y = Eigen::MatrixXd::Zero(90, 3);
        for (std::size_t i = 0; i < 90; ++i) y(static_cast<Eigen::Index>(i), d.y[i]) = 1;
        const Eigen::MatrixXd a = hd.transpose() * hd + 0.5 * Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
        const Eigen::MatrixXd w = a.ldlt().solve(hd.transpose() * y);
        CHECK((c.prototypes().cast<double>() - w.transpose()).cwiseAbs().maxCoeff() < 1e-4);
        // A float solve: LDLT is backward stable, so its error is within a small multiple of
        // cond(A) 2^-24 |W| (4 cond eps here, A = H^T H + lambda I, symmetric positive definite).
        hdc::basic_intrvfl_classifier<float> single(dim, 3, o);
        single.fit(d.x, d.y);
        const Eigen::VectorXd eig = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(a).eigenvalues();
        const double tolerance = 4 * (eig.maxCoeff() / eig.minCoeff()) * 0x1p-24 * w.cwiseAbs().maxCoeff();
        const double error = (single.prototypes().cast<double>() - w.transpose()).cwiseAbs().maxCoeff();
        CHECK(error < tolerance);
        CHECK(tolerance < 0.05 * w.cwiseAbs().maxCoeff());  // a bound that says something
        hdc::intrvfl_classifier parts(dim, 3, o);
        parts.fit(d.x.topRows(50), std::span(d.y).first(50));
        parts.partial_fit(d.x.bottomRows(40), std::span(d.y).last(40));
        CHECK(same_bits(parts.prototypes(), c.prototypes()));
        CHECK(parts.samples_seen() == 90);
    }
    hdc::intrvfl_options bad;
    bad.kappa = 0;
    CHECK_THROWS_AS(hdc::intrvfl_classifier(40, 3, bad), hdc::invalid_parameter);
    bad.kappa = 3;
    bad.lambda = 0;
    CHECK_THROWS_AS(hdc::intrvfl_classifier(40, 3, bad), hdc::invalid_parameter);
}
