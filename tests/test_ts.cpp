// Tests of io/ts.hpp (the .ts time-series loader) and encoders/series.hpp (series_set).
#include <hdc/io/ts.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// The values of channel c of series i as a vector.
std::vector<float> values(const hdc::series_set& s, std::size_t i, std::size_t c = 0) {
    const auto v = s.channel(i, c);
    return {v.begin(), v.end()};
}

/// The message of the format_error that parsing `text` throws ("" if it does not throw one).
std::string error_of(const std::string& text, const hdc::ts_options& options = {}) {
    try {
        (void)hdc::parse_ts(text, options, "t.ts");
    } catch (const hdc::format_error& e) {
        return e.what();
    }
    return "";
}

const std::string header = "@problemName Toy\n@univariate true\n@classLabel true a b\n@data\n";

/// The UCR data directory: $HDC_UCR_DIR, else ../shared/datasets/ucr beside the repository.
std::filesystem::path ucr_dir() {
    if (const char* env = std::getenv("HDC_UCR_DIR")) return env;
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shared" / "datasets" / "ucr";
}

}  // namespace

TEST_CASE("ts: a univariate labelled file with comments, blank lines and CRLF", "[ts]") {
    const std::string text =
        "# a comment\r\n@problemName  Toy Set \r\n@timeStamps false\n@missing false\n@univariate true\n"
        "@equalLength true\n@seriesLength 3\n@classLabel true a b\n\n@data\n"
        "1,2,3:b\r\n# between series\n  -1.5e1 , +2 ,0.25 : a \n\n4,5,6:b";
    const hdc::ts_data d = hdc::parse_ts(text);
    CHECK(d.problem == "Toy Set");
    CHECK(d.class_names == std::vector<std::string>{"a", "b"});
    REQUIRE(d.series.size() == 3);
    CHECK(d.series.channels() == 1);
    CHECK(d.labels == std::vector<std::int32_t>{1, 0, 1});
    CHECK(values(d.series, 0) == std::vector<float>{1, 2, 3});
    CHECK(values(d.series, 1) == std::vector<float>{-15.0f, 2.0f, 0.25f});
    CHECK(values(d.series, 2) == std::vector<float>{4, 5, 6});
    CHECK(d.targets.empty());
}

TEST_CASE("ts: a UTF-8 byte order mark and tag names in any case", "[ts]") {
    const hdc::ts_data d = hdc::parse_ts("\xEF\xBB\xBF@PROBLEMNAME x\n@ClassLabel TRUE a\n@DATA\n1:a\n");
    CHECK(d.problem == "x");
    CHECK(d.series.size() == 1);
}

TEST_CASE("ts: values are read exactly as std::from_chars rounds them to float", "[ts]") {
    const hdc::ts_data d = hdc::parse_ts(header + "-0.6478854,0.1,3.4028234e38,1e-45:a\n");
    CHECK(values(d.series, 0) == std::vector<float>{-0.6478854f, 0.1f, 3.4028234e38f, 1e-45f});
}

TEST_CASE("ts: values below the float range underflow to zero or a subnormal, values above it are refused", "[ts]") {
    const hdc::ts_data d = hdc::parse_ts(header + "1e-50,-1e-60,1e-40:a\n");
    CHECK(values(d.series, 0) == std::vector<float>{0.0f, -0.0f, static_cast<float>(1e-40)});
    CHECK_THROWS_WITH(hdc::parse_ts(header + "1,1e39:a\n"), Catch::Contains("column 3") && Catch::Contains("outside the float range"));
}

TEST_CASE("ts: multivariate series of unequal lengths, dimensions inferred or declared", "[ts]") {
    const std::string body = "@data\n1,2,3:4,5,6:x\n7:8:y\n";
    for (const std::string head : {"@classLabel true x y\n", "@univariate false\n@dimensions 2\n@classLabel true x y\n",
                                   "@equalLength false\n@dimension 2\n@classLabel true x y\n"}) {
        const hdc::ts_data d = hdc::parse_ts(head + body);
        REQUIRE(d.series.size() == 2);
        CHECK(d.series.channels() == 2);
        CHECK(d.series.length(0) == 3);
        CHECK(d.series.length(1) == 1);
        CHECK_FALSE(d.series.equal_length());
        CHECK(values(d.series, 0, 1) == std::vector<float>{4, 5, 6});
        CHECK(values(d.series, 1, 0) == std::vector<float>{7});
        CHECK(d.labels == std::vector<std::int32_t>{0, 1});
    }
}

TEST_CASE("ts: unlabelled data and regression targets", "[ts]") {
    const hdc::ts_data u = hdc::parse_ts("@classLabel false\n@data\n1,2\n3,4,5\n");
    CHECK(u.series.size() == 2);
    CHECK(u.labels.empty());
    CHECK(u.class_names.empty());
    const hdc::ts_data r = hdc::parse_ts("@targetLabel true\n@data\n1,2:0.5\n3,4:-2e3\n");
    CHECK(r.targets == std::vector<double>{0.5, -2000.0});
    CHECK(r.labels.empty());
    // A "false" beside the other tag is no conflict, in either order.
    for (const std::string head : {"@targetLabel true\n@classLabel false\n", "@classLabel false\n@targetLabel true\n"}) {
        INFO(head);
        const hdc::ts_data t = hdc::parse_ts(head + "@data\n1,2:0.5\n");
        CHECK(t.targets == std::vector<double>{0.5});
        CHECK(t.class_names.empty());
    }
    for (const std::string head : {"@targetLabel false\n@classLabel true a\n", "@classLabel true a\n@targetLabel false\n"}) {
        INFO(head);
        const hdc::ts_data t = hdc::parse_ts(head + "@data\n1,2:a\n");
        CHECK(t.labels == std::vector<std::int32_t>{0});
        CHECK(t.targets.empty());
    }
}

TEST_CASE("ts: missing values are interpolated, extended at the ends, or refused", "[ts]") {
    const hdc::ts_data d = hdc::parse_ts(header + "?,1,?,?,4,?:a\n", {}, "t");
    CHECK(values(d.series, 0) == std::vector<float>{1, 1, 2, 3, 4, 4});
    // NaN is a missing value too; the second file is bivariate.
    const hdc::ts_data n = hdc::parse_ts("@classLabel true a\n@data\n0,NaN,2,?:5,?,?,8:a\n", {}, "t");
    CHECK(values(n.series, 0, 0) == std::vector<float>{0, 1, 2, 2});
    CHECK(values(n.series, 0, 1) == std::vector<float>{5, 6, 7, 8});
    // Interpolation is in double, then rounded once.
    const hdc::ts_data third = hdc::parse_ts(header + "0,?,?,1:a\n");
    CHECK(values(third.series, 0)[1] == static_cast<float>(1.0 / 3.0));

    // A channel with no known value: an error naming its dimension, or the constant of the options.
    CHECK_THAT(error_of("@classLabel true a\n@data\n1,2:?,?:a\n"),
               Catch::Contains("t.ts: line 3, column 5: dimension 2 has no known value"));
    hdc::ts_options fill;
    fill.all_missing_value = -1.0f;
    const hdc::ts_data f = hdc::parse_ts("@classLabel true a\n@data\n1,2:?,?:a\n", fill);
    CHECK(values(f.series, 0, 1) == std::vector<float>{-1, -1});

    hdc::ts_options reject;
    reject.missing = hdc::ts_missing::reject;
    CHECK_THAT(error_of(header + "1,2, ?,4:a\n", reject), Catch::Contains("t.ts: line 5, column 6: a missing value"));
    CHECK_THAT(error_of("@classLabel true a\n@data\n1,2:3,?:a\n", reject), Catch::Contains("line 3, column 7: a missing value"));
    CHECK_NOTHROW(hdc::parse_ts(header + "1,2:a\n", reject));
}

TEST_CASE("ts: every malformed input names the line and column", "[ts]") {
    struct bad {
        std::string text;
        std::string expected;
    };
    const std::vector<bad> cases = {
        {"", "t.ts: the input is empty"},
        {"# only a comment\n\n", "t.ts: the input is empty"},
        {"@problemName X\n@classLabel true a\n", "t.ts: line 2: missing @data"},
        {"@classLabel true a\n@data\n", "t.ts: line 2: no series after @data"},
        {"@classLabel true a\n1,2:a\n@data\n", "line 2, column 1: data before @data"},
        {"@classLabel true a\n@data\n1:a\n@missing false\n", "line 4, column 1: a header tag after @data"},
        {"@bogus 1\n@data\n", "line 1, column 1: unknown header tag '@bogus'"},
        {"@missing false\n@MISSING false\n", "line 2, column 1: repeated header tag"},
        {"@missing maybe\n", "line 1, column 10: expected true or false after @missing, found 'maybe'"},
        {"@missing\n", "line 1, column 9: expected true or false"},
        {"@missing false extra\n", "line 1, column 16: unexpected 'extra'"},
        {"@seriesLength -3\n", "line 1, column 15: expected a positive whole number"},
        {"@dimensions 0\n", "line 1, column 13: expected a positive whole number"},
        {"@univariate true\n@dimensions 2\n", "line 2, column 13: @dimensions contradicts @univariate true"},
        {"@univariate false\n@dimensions 1\n", "line 2, column 13: @dimensions 1 contradicts @univariate false"},
        {"@timeStamps true\n", "line 1, column 13: @timeStamps true: timestamped values"},
        {"@classLabel true\n", "line 1, column 17: expected the class names"},
        {"@classLabel true a b a\n", "line 1, column 22: class 'a' declared twice"},
        {"@classLabel false a\n", "line 1, column 19: unexpected 'a' after @classLabel false"},
        {"@problemName X\n@data\n1,2\n", "line 2, column 1: @data before @classLabel"},
        {"@classLabel true a\n@data extra\n", "line 2, column 7: unexpected 'extra' after @data"},
        {header + "1,2,3:c\n", "line 5, column 7: class label 'c' was not declared by @classLabel (declared: a b)"},
        {header + "1,2,3: \n", "line 5, column 7: expected a class label after the last ':'"},
        {header + "1,2,3\n", "line 5, column 6: expected ':' and the class label"},
        {header + "1,x2,3:a\n", "line 5, column 3: expected a number or '?', found 'x2'"},
        {header + "1,2,,3:a\n", "line 5, column 5: expected a number or '?', found nothing"},
        {header + "1,2,3,:a\n", "line 5, column 7: expected a number or '?', found nothing"},
        {header + "1,2.5.1:a\n", "line 5, column 3: expected a number or '?', found '2.5.1'"},
        {header + "1,inf:a\n", "line 5, column 3: the value 'inf' is not finite"},
        {header + "1,1e39:a\n", "line 5, column 3: the value '1e39' is outside the float range"},
        {header + "1,2:3,4:a\n", "line 5, column 4: expected 1 dimension (from @univariate true) then ':' and the class label, found 2"},
        {"@dimensions 3\n@classLabel true a\n@data\n1:2:a\n", "line 4, column 6: expected 3 dimensions (from @dimensions) then ':' and the class label, found 2"},
        {"@classLabel true a\n@data\n1:2:a\n1:a\n", "line 4, column 4: expected 2 dimensions (from the first series)"},
        {"@classLabel true a\n@data\n1,2:3:a\n", "line 3, column 5: dimension 2 has 1 value but dimension 1 has 2"},
        {"@equalLength true\n@seriesLength 3\n@classLabel true a\n@data\n1,2:a\n", "line 5, column 1: a series of length 2, expected 3"},
        {"@equalLength true\n@classLabel true a\n@data\n1,2:a\n1,2,3:a\n", "line 5, column 1: a series of length 3, expected 2"},
        {"@classLabel true a\n@data\n(1,2),(2,3):a\n", "line 3, column 1: a timestamped value"},
        {"@targetLabel true\n@data\n1,2:abc\n", "line 3, column 5: expected a finite number as the target"},
        {"@targetLabel true\n@classLabel true a\n", "line 2, column 13: @classLabel true after @targetLabel true"},
        {"@classLabel true a\n@targetLabel true\n", "line 2, column 14: @targetLabel true after @classLabel true"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK_THAT(error_of(c.text), Catch::Contains(c.expected));
    }
    // Relaxed header values: equal lengths are only checked when declared.
    CHECK_NOTHROW(hdc::parse_ts("@seriesLength 9\n@classLabel true a\n@data\n1,2:a\n1:a\n"));
}

TEST_CASE("ts: the loader names the file, a missing file is a format_error", "[ts]") {
    const auto path = std::filesystem::temp_directory_path() / "hdc_test_ts_bad.ts";
    {
        std::ofstream out(path, std::ios::binary);
        out << header << "1,2:z\n";
    }
    CHECK_THROWS_WITH(hdc::load_ts(path), Catch::Contains(path.string() + ": line 5, column 5: class label 'z'"));
    std::filesystem::remove(path);
    CHECK_THROWS_AS(hdc::load_ts(path), hdc::format_error);
}

TEST_CASE("ts: align_labels maps a test set onto the training classes by name", "[ts]") {
    const hdc::ts_data train = hdc::parse_ts("@classLabel true a b c\n@data\n1:a\n2:b\n3:c\n");
    hdc::ts_data test = hdc::parse_ts("@classLabel true c a d\n@data\n1:a\n2:c\n3:a\n");
    hdc::align_labels(test, train);
    CHECK(test.class_names == train.class_names);
    CHECK(test.labels == std::vector<std::int32_t>{0, 2, 0});

    hdc::ts_data other = hdc::parse_ts("@classLabel true a d\n@data\n1:d\n");
    const auto before = other.labels;
    CHECK_THROWS_WITH(hdc::align_labels(other, train), Catch::Contains("series 0 has class 'd'"));
    CHECK(other.labels == before);  // unchanged
    CHECK(other.class_names == std::vector<std::string>{"a", "d"});
}

TEST_CASE("ts: a real UCR file (GunPoint) and all the shared UCR files load", "[ts][data]") {
    const auto dir = ucr_dir();
    if (!std::filesystem::exists(dir / "GunPoint" / "GunPoint_TRAIN.ts")) {
        WARN("UCR data not found under " << dir.string() << " (set HDC_UCR_DIR); skipped");
        return;
    }
    const hdc::ts_data d = hdc::load_ts(dir / "GunPoint" / "GunPoint_TRAIN.ts");
    CHECK(d.problem == "GunPoint");
    CHECK(d.series.size() == 50);
    CHECK(d.series.channels() == 1);
    CHECK(d.series.min_length() == 150);
    CHECK(d.series.max_length() == 150);
    CHECK(d.class_names == std::vector<std::string>{"1", "2"});
    CHECK(d.labels.size() == 50);
    CHECK(values(d.series, 0)[0] == -0.6478854f);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.path().extension() != ".ts") continue;
        INFO(entry.path().string());
        const hdc::ts_data t = hdc::load_ts(entry.path());
        CHECK(t.labels.size() == t.series.size());
        CHECK(t.series.size() > 0);
        ++files;
    }
    CHECK(files >= 2);
}

TEST_CASE("series_set: add, views, lengths, subset and errors", "[ts][series]") {
    hdc::series_set s(2);
    CHECK(s.empty());
    CHECK(s.min_length() == 0);
    CHECK(s.equal_length());
    const std::vector<float> a = {1, 2, 3, 4, 5, 6};  // two channels of length 3
    s.add(a, 3);
    s.add(std::vector<float>{7, 8}, 1);
    CHECK(s.size() == 2);
    CHECK(s.length(0) == 3);
    CHECK(values(s, 0, 1) == std::vector<float>{4, 5, 6});
    CHECK(values(s, 1, 1) == std::vector<float>{8});
    CHECK(s.min_length() == 1);
    CHECK(s.max_length() == 3);
    CHECK_FALSE(s.equal_length());

    const std::vector<std::size_t> pick = {1, 0, 1};
    const hdc::series_set sub = s.subset(pick);
    CHECK(sub.size() == 3);
    CHECK(values(sub, 0, 0) == std::vector<float>{7});
    CHECK(values(sub, 1, 1) == std::vector<float>{4, 5, 6});
    const std::vector<std::size_t> past = {2};
    CHECK_THROWS_AS(s.subset(past), std::out_of_range);

    CHECK_THROWS_AS(hdc::series_set(0), hdc::invalid_parameter);
    CHECK_THROWS_AS(s.add(std::vector<float>{}, 0), hdc::empty_input);
    CHECK_THROWS_AS(s.add(std::vector<float>{1, 2, 3}, 2), hdc::invalid_parameter);
    CHECK_THROWS_AS(s.add(std::vector<float>{1, NAN}, 1), hdc::non_finite_value);
    CHECK_THROWS_AS(s.add({1.0f, 2.0f}), hdc::invalid_parameter);  // univariate add on two channels
    CHECK_THROWS_AS(s.channel(0, 2), hdc::invalid_parameter);
    CHECK(s.size() == 2);  // nothing added by the failed calls

    hdc::series_set u;
    u.add({1.0f, 2.0f});
    CHECK(u.channels() == 1);
    CHECK(values(u, 0) == std::vector<float>{1, 2});
}
