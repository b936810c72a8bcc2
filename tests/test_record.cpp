// Tabular data (encoders/record.hpp, io/table.hpp): the standardizer's fit (NaN ignored,
// constant features), the record encoder's similarity against the level code's within 4
// standard errors, unrelated features, the NaN and out-of-range policies, thread independence,
// and the table readers on good and malformed CSV and JSON (line and column in the message).
#include <hdc/encoders/record.hpp>
#include <hdc/io/table.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
constexpr double missing = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

/// Cosine of two rows.
double row_cosine(const hdc::sample_matrix& a, Eigen::Index i, const hdc::sample_matrix& b, Eigen::Index j) {
    const Eigen::VectorXd x = a.row(i).cast<double>(), y = b.row(j).cast<double>();
    return x.dot(y) / (x.norm() * y.norm());
}

/// One record of values as a 1-row feature matrix.
hdc::feature_matrix one_row(std::vector<double> values) {
    return Eigen::Map<const hdc::feature_matrix>(values.data(), 1, static_cast<Eigen::Index>(values.size()));
}

hdc::table csv(const std::string& text, hdc::table_options options = {}) {
    std::istringstream in(text);
    return hdc::read_csv(in, options, "t.csv");
}

}  // namespace

TEST_CASE("standardizer: means and population deviations, NaN ignored, constant features", "[record][standardizer]") {
    hdc::feature_matrix x(4, 4);
    x << 1, 5, 7, missing,  //
        2, 5, missing, missing,  //
        3, 5, 9, missing,    //
        6, 5, 8, missing;
    const auto s = hdc::standardizer::fit(x);
    REQUIRE(s.features() == 4);
    CHECK(s.means()[0] == Approx(3.0));
    CHECK(s.scales()[0] == Approx(std::sqrt(14.0 / 4)));
    CHECK(s.means()[1] == 5.0);     // constant: its value, scale 1
    CHECK(s.scales()[1] == 1.0);
    CHECK(s.means()[2] == Approx(8.0));  // NaN left out of both passes
    CHECK(s.scales()[2] == Approx(std::sqrt(2.0 / 3)));
    CHECK(s.means()[3] == 0.0);     // all missing
    CHECK(s.scales()[3] == 1.0);

    const auto z = s.transform(x);
    CHECK(z(3, 0) == Approx(3.0 / std::sqrt(3.5)));
    for (Eigen::Index r = 0; r < 4; ++r) CHECK(z(r, 1) == 0.0);
    CHECK(std::isnan(z(1, 2)));
    CHECK(std::isnan(z(0, 3)));
    // A constant of 0.1 repeated: the mean may keep a rounding residue, the scale stays 1.
    hdc::feature_matrix tenths = hdc::feature_matrix::Constant(3, 1, 0.1);
    CHECK(hdc::standardizer::fit(tenths).scales()[0] == 1.0);

    const auto again = hdc::standardizer::from_parameters(s.params());
    CHECK(again.params() == s.params());
    CHECK(again.transform(x).block(0, 0, 4, 2) == z.block(0, 0, 4, 2));
}

TEST_CASE("standardizer: bad input is refused", "[record][standardizer]") {
    CHECK_THROWS_AS(hdc::standardizer::fit(hdc::feature_matrix(0, 3)), hdc::empty_input);
    hdc::feature_matrix x(2, 2);
    x << 1, 2, inf, 3;
    CHECK_THROWS_WITH(hdc::standardizer::fit(x), Contains("row 1, column 0"));
    x(1, 0) = 1;
    const auto s = hdc::standardizer::fit(x);
    CHECK_THROWS_AS(s.transform(hdc::feature_matrix(2, 3)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::standardizer::from_parameters({{1, 2}, {1}}), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::standardizer::from_parameters({{1}, {0}}), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::standardizer::from_parameters({{missing}, {1}}), hdc::non_finite_value);
}

TEST_CASE("record_encoder: similarity follows the level code, unrelated features do not correlate", "[record]") {
    // f keys bound to levels, summed (MAP-I). The cosine of two records whose features all lie d
    // levels apart is 1 - d / (m - 1) plus the keys' cross terms: f (f - 1) products of
    // independent +-1 vectors over D components in the dot and in each norm, about
    // sqrt(3 (f - 1) / (f D)) in all; 4 of those is the tolerance.
    constexpr std::size_t f = 8, dim = 4096;
    const hdc::record_options options{};  // 32 levels over +-3
    const hdc::record_encoder<hdc::bipolar<>> enc(f, options, dim);
    const double step = 6.0 / 31;  // one level
    const double tolerance = 4 * std::sqrt(3.0 * (f - 1) / (f * dim));
    std::vector<double> base(f);
    for (std::size_t i = 0; i < f; ++i) base[i] = -3.0 + step * double(i % 3);
    const auto h = enc.encode_rows(one_row(base));
    for (int d : {0, 4, 12, 28}) {
        std::vector<double> shifted = base;
        for (auto& v : shifted) v += step * d;
        CHECK(enc.level_of(shifted[0]).value() == enc.level_of(base[0]).value() + std::size_t(d));
        const auto g = enc.encode_rows(one_row(shifted));
        CHECK(std::abs(row_cosine(h, 0, g, 0) - (1.0 - d / 31.0)) < (d == 0 ? 1e-12 : tolerance));
    }
    // The same value under two different keys: as unrelated as two atoms (4 / sqrt(D)).
    std::vector<double> only0(f, missing), only1(f, missing);
    only0[0] = only1[1] = 0.5;
    const auto a = enc.encode_rows(one_row(only0)), b = enc.encode_rows(one_row(only1));
    CHECK(std::abs(row_cosine(a, 0, b, 0)) < 4 / std::sqrt(double(dim)));
    // The level index is the scalar encoder's.
    const hdc::level_encoder<hdc::bipolar<>> levels({-3, 3}, 32, hdc::out_of_range::clamp, 0, dim);
    for (double z : {-3.0, -1.1, 0.0, 0.04, 2.99})
        CHECK(enc.level_of(z).value() == levels.level_of(z));
}

TEST_CASE("record_encoder: thermometer codes put the ends opposite", "[record]") {
    hdc::record_options options;
    options.code = hdc::value_code::thermometer;
    const hdc::record_encoder<hdc::bipolar<>> enc(1, options, 2048);
    const double low[] = {-3.0}, high[] = {3.0};
    CHECK(hdc::similarity(enc.encode(low), enc.encode(high)) == -1.0);
    // Sparse block codes have no opposite vectors.
    CHECK_THROWS_AS(hdc::record_encoder<hdc::sparse<>>(2, options, {64, 16}), hdc::invalid_parameter);
}

TEST_CASE("record_encoder: NaN and out-of-range policies", "[record]") {
    constexpr std::size_t dim = 1024;
    const std::vector<double> z = {0.2, missing, -1.0, 7.5};
    auto expected = [&](const hdc::record_encoder<hdc::bipolar<>>& enc, std::vector<double> values) {
        hdc::accumulator<hdc::bipolar<>> acc(dim);  // the pairs of the features kept, by hand
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!std::isnan(values[i])) acc.add(hdc::bind(enc.key(i), enc.level(*enc.level_of(values[i]))));
        return acc.sums();
    };
    auto first_row = [](const hdc::sample_matrix& rows) {  // small integers, exact in float
        std::vector<std::int32_t> out(static_cast<std::size_t>(rows.cols()));
        for (Eigen::Index j = 0; j < rows.cols(); ++j) out[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(rows(0, j));
        return out;
    };
    SECTION("defaults: skip NaN, clamp beyond 3 standard deviations (infinities too)") {
        const hdc::record_encoder<hdc::bipolar<>> enc(4, {}, dim);
        const auto rows = enc.encode_rows(one_row(z));
        CHECK(first_row(rows) == expected(enc, {0.2, missing, -1.0, 3.0}));
        CHECK(enc.encode_rows(one_row({0.2, missing, -1.0, inf})) == rows);
        CHECK(enc.encode(z) == enc.encode(std::vector<double>{0.2, missing, -1.0, 3.0}));
        // Nothing left: a zero row, and no vector to return.
        const auto empty = enc.encode_rows(one_row({missing, missing, missing, missing}));
        CHECK(empty.isZero());
        CHECK_THROWS_AS(enc.encode(std::vector<double>{missing, missing, missing, missing}), hdc::empty_input);
        CHECK_THROWS_WITH(enc.encode_batch(one_row({missing, missing, missing, missing})), Contains("row 0"));
    }
    SECTION("skip out of range") {
        hdc::record_options options;
        options.limits.outside = hdc::range_policy::skip;
        const hdc::record_encoder<hdc::bipolar<>> enc(4, options, dim);
        CHECK(first_row(enc.encode_rows(one_row(z))) == expected(enc, {0.2, missing, -1.0, missing}));
    }
    SECTION("reject") {
        hdc::record_options options;
        options.limits.missing = hdc::missing_policy::reject;
        options.limits.outside = hdc::range_policy::reject;
        const hdc::record_encoder<hdc::bipolar<>> enc(4, options, dim);
        hdc::feature_matrix two(2, 4);
        two << 0, 0, 0, 0, 0.2, missing, -1.0, 1.0;
        CHECK_THROWS_WITH(enc.encode_rows(two), Contains("sample 1, feature 1") && Contains("NaN"));
        two(1, 1) = -3.5;
        CHECK_THROWS_WITH(enc.encode_rows(two), Contains("sample 1, feature 1") && Contains("-3.5"));
        two(1, 1) = 3.0;  // the range is closed
        CHECK_NOTHROW(enc.encode_rows(two));
    }
    SECTION("bad options and inputs") {
        hdc::record_options options;
        options.levels = 1;
        CHECK_THROWS_AS(hdc::record_encoder<hdc::bipolar<>>(4, options, dim), hdc::invalid_parameter);
        options = {};
        options.limits.span = 0;
        CHECK_THROWS_AS(hdc::record_encoder<hdc::bipolar<>>(4, options, dim), hdc::invalid_parameter);
        CHECK_THROWS_AS(hdc::record_encoder<hdc::bipolar<>>(0, {}, dim), hdc::empty_input);
        const hdc::record_encoder<hdc::bipolar<>> enc(4, {}, dim);
        CHECK_THROWS_AS(enc.encode_rows(hdc::feature_matrix::Zero(2, 3)), hdc::dimension_mismatch);
        CHECK_THROWS_AS(enc.key(4), hdc::invalid_parameter);
    }
}

TEST_CASE("record_encoder: threads never change a result, every family encodes", "[record][threads]") {
    hdc::feature_matrix z(37, 5);
    hdc::rng gen(11);
    for (Eigen::Index r = 0; r < z.rows(); ++r)
        for (Eigen::Index c = 0; c < z.cols(); ++c) z(r, c) = 4 * gen.uniform_signed();
    z(5, 2) = missing;
    const hdc::record_encoder<hdc::bipolar<>> enc(5, {}, 512);
    const auto one = enc.encode_rows(z, 1);
    CHECK(enc.encode_rows(z, 3) == one);
    CHECK(enc.encode_rows(z, 0) == one);
    CHECK(enc.encode_batch(z, 4) == enc.encode_batch(z, 1));
    // Into a caller's buffer: the same rows, in any block of it; a wrong shape writes nothing.
    hdc::sample_matrix buffer = hdc::sample_matrix::Constant(40, 512, 7.0f);
    enc.encode_rows(z, buffer.middleRows(2, 37), 2);
    CHECK(buffer.middleRows(2, 37) == one);
    CHECK(buffer.row(0).isConstant(7.0f));
    CHECK(buffer.row(39).isConstant(7.0f));
    CHECK_THROWS_AS(enc.encode_rows(z, buffer.middleRows(0, 36)), hdc::dimension_mismatch);
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
        const auto acc = enc.accumulate(std::span<const double>(z.row(r).data(), 5));
        const auto s = acc.sums();
        for (Eigen::Index j = 0; j < one.cols(); j += 97) CHECK(one(r, j) == float(s[j]));
    }
    // The same seed, the same vectors; real sums and sparse vectors through the same code.
    const hdc::record_encoder<hdc::real<>> real_enc(5, {}, 256);
    CHECK(real_enc.encode_rows(z, 2) == hdc::record_encoder<hdc::real<>>(5, {}, 256).encode_rows(z, 1));
    const hdc::record_encoder<hdc::sparse<>> sparse_enc(5, {}, {64, 16});
    const auto sparse_rows = sparse_enc.encode_batch(z, 2);
    CHECK(sparse_rows == sparse_enc.encode_batch(z, 1));
    CHECK(sparse_rows[0] == sparse_enc.encode(std::span<const double>(z.row(0).data(), 5)));
}

TEST_CASE("feature_rows: the value limits applied to standardised features", "[record]") {
    hdc::feature_matrix z(2, 3);
    z << 0.5, missing, -9, inf, 1, 2;
    const auto rows = hdc::feature_rows(z);
    CHECK(rows(0, 0) == 0.5f);
    CHECK(rows(0, 1) == 0.0f);
    CHECK(rows(0, 2) == -3.0f);
    CHECK(rows(1, 0) == 3.0f);
    hdc::value_limits strict;
    strict.missing = hdc::missing_policy::reject;
    CHECK_THROWS_WITH(hdc::feature_rows(z, strict), Contains("sample 0, feature 1"));
}

TEST_CASE("read_csv: header, label by name or last, missing values, quotes, classes", "[table]") {
    const auto t = csv("a,b,label\n1,2.5,x\n\n-3e1, NA ,y\n\"4\",,x\r\n");
    REQUIRE(t.rows() == 3);
    CHECK(t.feature_names == std::vector<std::string>{"a", "b"});
    CHECK(t.label_column == "label");
    CHECK(t.label_names == std::vector<std::string>{"x", "y"});
    CHECK(t.labels == std::vector<std::int32_t>{0, 1, 0});
    CHECK(t.features(1, 0) == -30.0);
    CHECK(std::isnan(t.features(1, 1)));
    CHECK(t.features(2, 0) == 4.0);
    CHECK(std::isnan(t.features(2, 1)));

    hdc::table_options by_name;
    by_name.label = "kind";
    by_name.classes = {"z", "y"};
    const auto u = csv("\xEF\xBB\xBFkind,w\ny,1\n\"q, r\",?\n", by_name);
    CHECK(u.feature_names == std::vector<std::string>{"w"});
    CHECK(u.label_names == std::vector<std::string>{"z", "y", "q, r"});
    CHECK(u.labels == std::vector<std::int32_t>{1, 2});
}

TEST_CASE("read_csv: malformed input names the line and the column", "[table]") {
    CHECK_THROWS_WITH(csv("a,b,label\n1,2,x\n1,zz,y\n"), Contains("t.csv: line 3, column 2 (b)") && Contains("'zz'"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,2,x\n1,2\n"), Contains("line 3: 2 cells") && Contains("3 columns"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,inf,x\n"), Contains("line 2, column 2"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,1e999,x\n"), Contains("line 2, column 2"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,2,\n"), Contains("line 2, column 3 (label): missing label"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,\"2,x\n"), Contains("line 2, column 2: unterminated quote"));
    CHECK_THROWS_WITH(csv("a,b,label\n1,\"2\"3,x\n"), Contains("line 2, column 2"));
    CHECK_THROWS_WITH(csv("a,a,label\n"), Contains("'a' appears twice"));
    CHECK_THROWS_WITH(csv("a,b,label\n"), Contains("no data rows"));
    CHECK_THROWS_WITH(csv(""), Contains("no header"));
    hdc::table_options missing_label;
    missing_label.label = "class";
    CHECK_THROWS_WITH(csv("a,b,label\n1,2,x\n", missing_label), Contains("no label column 'class'"));
    CHECK_THROWS_AS(hdc::read_csv_file("/nonexistent/table.csv"), hdc::format_error);
}

TEST_CASE("read_json: numeric fields become features, null is missing, text fields are ignored", "[table]") {
    hdc::table_options options;
    options.label = "species";
    const auto t = hdc::read_json(R"([
        {"species": "a", "island": "x", "len": 1.5, "mass": 300, "flag": true},
        {"species": "b", "island": "y", "len": null, "mass": 280},
        {"species": "a", "len": 2, "mass": "NA", "extra": null}])", options, "t.json");
    CHECK(t.feature_names == std::vector<std::string>{"len", "mass"});
    CHECK(t.ignored == std::vector<std::string>{"island", "flag", "extra"});
    CHECK(t.labels == std::vector<std::int32_t>{0, 1, 0});
    CHECK(t.features(0, 1) == 300.0);
    CHECK(std::isnan(t.features(1, 0)));
    CHECK(std::isnan(t.features(2, 1)));
    // Numeric labels are class names by their JSON text; "last" is the first record's last field.
    const auto u = hdc::read_json(R"([{"v": 1, "k": 3}, {"v": 2, "k": 4}])");
    CHECK(u.label_column == "k");
    CHECK(u.label_names == std::vector<std::string>{"3", "4"});
}

TEST_CASE("read_json: malformed input names the record", "[table]") {
    auto read = [](const std::string& text) { return hdc::read_json(text, {}, "t.json"); };
    CHECK_THROWS_WITH(read(R"([{"a": 1, "l": "x"}, {"a": 2, "l": "y")"), Contains("t.json: malformed JSON") && Contains("line 1"));
    CHECK_THROWS_WITH(read(R"({"a": 1})"), Contains("not an array"));
    CHECK_THROWS_WITH(read(R"([{"a": 1, "l": "x"}, 3])"), Contains("record 1 is not an object"));
    CHECK_THROWS_WITH(read(R"([{"a": [1], "l": "x"}])"), Contains("record 0, field 'a': nested"));
    CHECK_THROWS_WITH(read(R"([{"a": 1, "l": "x"}, {"a": "q", "l": "y"}])"),
                      Contains("field 'a' holds a number in record 0 but \"q\" in record 1"));
    CHECK_THROWS_WITH(read(R"([{"a": 1, "l": "x"}, {"a": 2, "l": null}])"), Contains("record 1: missing label"));
    CHECK_THROWS_WITH(read(R"([{"a": "t", "l": "x"}])"), Contains("no numeric fields"));
    CHECK_THROWS_WITH(read("[]"), Contains("no records"));
}
