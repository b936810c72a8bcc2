// hdc/io/ts.hpp - reading time-series classification data in the sktime / UEA `.ts` text format
// (the format of the UCR and UEA archives) into a series_set and class labels.
//
// Format. Blank lines and lines starting with '#' (comments) are ignored anywhere. Before the
// line `@data` every line is a header tag (names case-insensitive, each at most once):
//   @problemName NAME         the data set's name
//   @timeStamps true|false    true (values written "(t,v)") is refused: not supported
//   @missing true|false       informative only: '?' is accepted either way
//   @univariate true|false    true means one dimension
//   @dimensions N             channels per series (also spelled @dimension)
//   @equalLength true|false   true: every series must have the same length
//   @seriesLength N           with @equalLength true, that length (checked)
//   @classLabel true A B ...  the class names, in order (their index is the label); or false
//   @targetLabel true|false   true: the last field is a numeric regression target
// One of @classLabel / @targetLabel must come before @data. After `@data`, one series per line:
// the dimensions separated by ':', the values of a dimension by ',', then (with labels or
// targets) ':' and the label after the last ':'. Spaces around a value or label are ignored;
// a value is a decimal or scientific number (read with std::from_chars, independent of the
// locale, an optional leading '+'), or '?' (also NaN) for a missing value. The channels of one
// series must have the same length; series may differ in length unless @equalLength is true.
// Without @dimensions and @univariate the first series sets the number of dimensions.
//
// Missing values (ts_options::missing): by default each channel's gaps are filled by linear
// interpolation between the nearest known values on either side, and leading or trailing gaps
// take the nearest known value (constant extension); never silently zero. A channel with no
// known value at all is a format_error unless ts_options::all_missing_value gives its constant.
// With ts_missing::reject any missing value is a format_error.
//
// Errors: any malformed input throws format_error "<source>: line L, column C: <what was found
// and what was expected>" (1-based line and byte column): an unknown or repeated tag, a bad
// header value, a header line after @data or data before it, a missing @data, an empty input,
// a non-numeric or non-finite value, the wrong number of dimensions, channels of different
// lengths, a class label that was not declared, a missing label, a length that breaks
// @equalLength / @seriesLength. Parsing builds everything locally: on an error nothing is
// returned (nothing half-loaded).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ios>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../encoders/series.hpp"

namespace hdc {

/// What to do with missing values ('?') in a .ts file.
enum class ts_missing {
    interpolate,  ///< linear interpolation between known neighbours, constant extension at the ends
    reject,       ///< any missing value is a format_error
};

/// How to read a .ts file.
struct ts_options {
    /// Missing-value policy (see the header comment).
    ts_missing missing = ts_missing::interpolate;
    /// With ts_missing::interpolate: the constant given to a channel whose values are all missing;
    /// unset (the default) makes such a channel a format_error.
    std::optional<float> all_missing_value;
};

/// A labelled set of time series read from a .ts file.
struct ts_data {
    std::string problem;                   ///< @problemName ("" if absent)
    std::vector<std::string> class_names;  ///< @classLabel list, in declared order (empty without class labels)
    series_set series;                     ///< the series, missing values filled as documented
    std::vector<std::int32_t> labels;      ///< index into class_names, one per series (empty without class labels)
    std::vector<double> targets;           ///< @targetLabel true: one regression target per series, else empty
};

namespace detail::ts {

/// Spaces and tabs around a token (a line's '\r' is removed before).
inline bool blank(char c) noexcept { return c == ' ' || c == '\t'; }

/// The token without surrounding spaces and tabs.
inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

/// Lower-case ASCII copy (tag names and true/false are case-insensitive).
inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// The text of a token for an error message: quoted, shortened when long.
inline std::string quote(std::string_view s) {
    // Appended piece by piece: GCC 12 reports a false -Wrestrict for "'" + std::string(...) at -O3.
    const bool shortened = s.size() > 40;
    std::string out;
    out.reserve(46);
    out.push_back('\'');
    out.append(s.substr(0, 40));
    if (shortened) out.append("...");
    out.push_back('\'');
    return out;
}

/// Parses one line after another and throws format_error with the position.
class parser {
public:
    parser(std::string_view text, const ts_options& options, std::string_view source)
        : text_(text), options_(options), source_(source) {}

    ts_data run() {
        bool any_content = false;
        std::size_t pos = 0;
        while (pos < text_.size()) {
            std::size_t end = text_.find('\n', pos);
            if (end == std::string_view::npos) end = text_.size();
            line_ = text_.substr(pos, end - pos);
            if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
            pos = end + 1;
            ++line_number_;
            if (line_number_ == 1 && line_.starts_with("\xEF\xBB\xBF")) line_.remove_prefix(3);  // UTF-8 BOM
            const std::string_view content = trim(line_);
            if (content.empty() || content.front() == '#') continue;
            any_content = true;
            if (in_data_) {
                if (content.front() == '@')
                    fail(content, "a header tag after @data (tags must come before @data)");
                data_line();
            } else {
                if (content.front() != '@')
                    fail(content, "data before @data (expected a header tag starting with '@', a comment "
                                  "starting with '#', or @data)");
                header_line(content);
            }
        }
        if (!any_content) throw format_error(std::string(source_) + ": the input is empty (no header, no @data)");
        if (!in_data_)
            throw format_error(std::string(source_) + ": line " + std::to_string(line_number_) +
                               ": missing @data (the header is not followed by any data)");
        if (series_.empty())
            throw format_error(std::string(source_) + ": line " + std::to_string(data_line_) +
                               ": no series after @data");
        out_.series = std::move(series_);
        return std::move(out_);
    }

private:
    /// Throws format_error at the column where `at` (a view into the current line) starts.
    [[noreturn]] void fail(std::string_view at, const std::string& what) const {
        fail_at(static_cast<std::size_t>(at.data() - line_.data()), what);
    }
    /// Throws format_error at the 0-based byte offset `offset` of the current line.
    [[noreturn]] void fail_at(std::size_t offset, const std::string& what) const {
        throw format_error(std::string(source_) + ": line " + std::to_string(line_number_) + ", column " +
                           std::to_string(offset + 1) + ": " + what);
    }

    /// The whitespace-separated words of a header line.
    static std::vector<std::string_view> words(std::string_view s) {
        std::vector<std::string_view> out;
        std::size_t i = 0;
        while (i < s.size()) {
            while (i < s.size() && blank(s[i])) ++i;
            std::size_t j = i;
            while (j < s.size() && !blank(s[j])) ++j;
            if (j > i) out.push_back(s.substr(i, j - i));
            i = j;
        }
        return out;
    }

    /// A header value that must be true or false.
    bool boolean(const std::vector<std::string_view>& w, std::size_t count, std::string_view tag) const {
        if (w.size() < 2) fail_at(line_.size(), "expected true or false after " + std::string(tag));
        const std::string v = lower(w[1]);
        if (v != "true" && v != "false") fail(w[1], "expected true or false after " + std::string(tag) + ", found " + quote(w[1]));
        if (w.size() > count) fail(w[count], "unexpected " + quote(w[count]) + " after " + std::string(tag) + " " + std::string(w[1]));
        return v == "true";
    }

    /// A header value that must be a positive whole number.
    std::size_t count_value(const std::vector<std::string_view>& w, std::string_view tag) const {
        if (w.size() < 2) fail_at(line_.size(), "expected a positive whole number after " + std::string(tag));
        std::size_t v = 0;
        const auto [ptr, ec] = std::from_chars(w[1].data(), w[1].data() + w[1].size(), v);
        if (ec != std::errc() || ptr != w[1].data() + w[1].size() || v == 0 || v > (std::size_t{1} << 40))
            fail(w[1], "expected a positive whole number after " + std::string(tag) + ", found " + quote(w[1]));
        if (w.size() > 2) fail(w[2], "unexpected " + quote(w[2]) + " after " + std::string(tag) + " " + std::string(w[1]));
        return v;
    }

    void header_line(std::string_view content) {
        const std::vector<std::string_view> w = words(content);
        const std::string tag = lower(w[0].substr(1));
        static constexpr std::string_view known[] = {"problemname", "timestamps",  "missing",     "univariate",
                                                     "dimensions",  "dimension",   "equallength", "serieslength",
                                                     "classlabel",  "targetlabel", "data"};
        if (std::find(std::begin(known), std::end(known), tag) == std::end(known))
            fail(w[0], "unknown header tag " + quote(w[0]) +
                           " (expected @problemName, @timeStamps, @missing, @univariate, @dimensions, "
                           "@equalLength, @seriesLength, @classLabel, @targetLabel or @data)");
        const std::string key = tag == "dimension" ? "dimensions" : tag;
        if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) fail(w[0], "repeated header tag " + quote(w[0]));
        seen_.push_back(key);
        if (key == "problemname") {
            if (w.size() < 2) fail_at(line_.size(), "expected a name after @problemName");
            out_.problem = std::string(trim(content.substr(static_cast<std::size_t>(w[1].data() - content.data()))));
        } else if (key == "timestamps") {
            if (boolean(w, 2, w[0]))
                fail(w[1], "@timeStamps true: timestamped values \"(t,v)\" are not supported (expected false)");
        } else if (key == "missing") {
            (void)boolean(w, 2, w[0]);
        } else if (key == "univariate") {
            const bool univariate = boolean(w, 2, w[0]);
            if (univariate) set_dimensions(1, w[1], "@univariate true");
            else if (dimensions_ == 1 && dims_from_ == "@dimensions")
                fail(w[1], "@univariate false contradicts @dimensions 1");
            univariate_false_ = !univariate;
        } else if (key == "dimensions") {
            const std::size_t d = count_value(w, w[0]);
            if (univariate_false_ && d == 1) fail(w[1], "@dimensions 1 contradicts @univariate false");
            set_dimensions(d, w[1], "@dimensions");
        } else if (key == "equallength") {
            equal_length_ = boolean(w, 2, w[0]);
        } else if (key == "serieslength") {
            series_length_ = count_value(w, w[0]);
        } else if (key == "classlabel") {
            // Only two true values conflict, in either order: "@classLabel false" beside
            // "@targetLabel true" (or the reverse) is a regression file declared in full.
            has_labels_ = boolean(w, std::max<std::size_t>(w.size(), 2), w[0]);  // names may follow
            if (has_labels_ && has_target_)
                fail(w[1], "@classLabel true after @targetLabel true (a file has labels or targets, not both)");
            if (has_labels_) {
                if (w.size() < 3) fail_at(line_.size(), "expected the class names after @classLabel true");
                for (std::size_t i = 2; i < w.size(); ++i) {
                    if (std::find(out_.class_names.begin(), out_.class_names.end(), w[i]) != out_.class_names.end())
                        fail(w[i], "class " + quote(w[i]) + " declared twice");
                    out_.class_names.emplace_back(w[i]);
                }
                if (out_.class_names.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
                    fail(w[0], "too many classes");
            } else if (w.size() > 2) {
                fail(w[2], "unexpected " + quote(w[2]) + " after @classLabel false");
            }
            label_declared_ = true;
        } else if (key == "targetlabel") {
            const bool target = boolean(w, 2, w[0]);
            if (target && has_labels_) fail(w[1], "@targetLabel true after @classLabel true (a file has labels or targets, not both)");
            has_target_ = target;
            label_declared_ = true;
        } else {  // data
            if (w.size() > 1) fail(w[1], "unexpected " + quote(w[1]) + " after @data");
            if (!label_declared_)
                fail(w[0], "@data before @classLabel (declare \"@classLabel true <names>\" or \"@classLabel false\")");
            if (series_length_ > 0 && !equal_length_) series_length_ = 0;  // meaningful only with equal lengths
            in_data_ = true;
            data_line_ = line_number_;
        }
    }

    void set_dimensions(std::size_t d, std::string_view at, std::string_view from) {
        if (dimensions_ != 0 && dimensions_ != d)
            fail(at, std::string(from) + " contradicts " + dims_from_ + " (" + std::to_string(dimensions_) + " dimensions)");
        dimensions_ = d;
        dims_from_ = std::string(from);
    }

    /// One series: dimensions separated by ':', values by ',', then the label or target.
    void data_line() {
        // Split at ':' (no quoting in the format).
        fields_.clear();
        std::size_t start = 0;
        for (;;) {
            const std::size_t colon = line_.find(':', start);
            if (colon == std::string_view::npos) {
                fields_.push_back(line_.substr(start));
                break;
            }
            fields_.push_back(line_.substr(start, colon - start));
            start = colon + 1;
        }
        const std::size_t labelled = (has_labels_ || has_target_) ? 1 : 0;
        if (labelled == 1 && fields_.size() < 2)
            fail_at(line_.size(), std::string("expected ':' and the ") + (has_labels_ ? "class label" : "target") +
                                      " after the values");
        const std::size_t dims = fields_.size() - labelled;
        if (dimensions_ == 0) {
            dimensions_ = dims;
            dims_from_ = "the first series";
        }
        if (dims != dimensions_) {
            const std::string expected = "expected " + std::to_string(dimensions_) + " dimension" +
                                         (dimensions_ == 1 ? "" : "s") + " (from " + dims_from_ + ")" +
                                         (labelled ? std::string(" then ':' and the ") + (has_labels_ ? "class label" : "target") : "") +
                                         ", found " + std::to_string(dims);
            if (dims > dimensions_) fail_at(static_cast<std::size_t>(fields_[dimensions_].data() - line_.data()) - 1, expected);
            fail_at(line_.size(), expected);
        }
        if (series_.empty() && series_.channels() != dimensions_) series_ = series_set(dimensions_);
        if (timestamps_hint(fields_[0])) fail(fields_[0], "a timestamped value \"(t,v)\": not supported (expected a number or '?')");

        values_.clear();
        std::size_t length = 0;
        for (std::size_t d = 0; d < dims; ++d) {
            const std::size_t first = values_.size();
            read_values(fields_[d]);
            const std::size_t n = values_.size() - first;
            if (d == 0) length = n;
            else if (n != length)
                fail(fields_[d], "dimension " + std::to_string(d + 1) + " has " + std::to_string(n) + " value" +
                                     (n == 1 ? "" : "s") + " but dimension 1 has " + std::to_string(length) +
                                     " (the channels of one series must have the same length)");
        }
        if (equal_length_) {
            const std::size_t expected = series_length_ > 0 ? series_length_ : (series_.empty() ? length : series_.length(0));
            if (length != expected)
                fail(fields_[0], "a series of length " + std::to_string(length) + ", expected " + std::to_string(expected) +
                                     (series_length_ > 0 ? " (@seriesLength with @equalLength true)" : " (@equalLength true)"));
        }
        fill_missing(length);

        if (has_labels_) {
            const std::string_view name = trim(fields_.back());
            if (name.empty()) fail(fields_.back(), "expected a class label after the last ':'");
            const auto it = std::find(out_.class_names.begin(), out_.class_names.end(), name);
            if (it == out_.class_names.end()) {
                std::string declared;
                for (const auto& c : out_.class_names) declared += (declared.empty() ? "" : " ") + c;
                fail(name, "class label " + quote(name) + " was not declared by @classLabel (declared: " + declared + ")");
            }
            out_.labels.push_back(static_cast<std::int32_t>(it - out_.class_names.begin()));
        } else if (has_target_) {
            const std::string_view t = trim(fields_.back());
            double v = 0;
            const char* b = t.data();
            if (!t.empty() && *b == '+') ++b;
            const auto [ptr, ec] = std::from_chars(b, t.data() + t.size(), v);
            if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v))
                fail(t.empty() ? fields_.back() : t, "expected a finite number as the target, found " + quote(t));
            out_.targets.push_back(v);
        }
        series_.add(values_, length);
    }

    static bool timestamps_hint(std::string_view field) {
        const std::string_view t = trim(field);
        return !t.empty() && t.front() == '(';
    }

    /// Appends the values of one dimension to values_ (NaN for a missing value).
    void read_values(std::string_view field) {
        std::size_t start = 0;
        for (;;) {
            std::size_t comma = field.find(',', start);
            if (comma == std::string_view::npos) comma = field.size();
            const std::string_view raw = field.substr(start, comma - start);
            const std::string_view v = trim(raw);
            if (v.empty()) fail(raw, "expected a number or '?', found nothing");
            if (v == "?") {
                values_.push_back(std::numeric_limits<float>::quiet_NaN());
            } else {
                float x = 0;
                const char* b = v.data();
                const char* e = v.data() + v.size();
                if (*b == '+' && v.size() > 1 && b[1] != '-') ++b;
                auto [ptr, ec] = std::from_chars(b, e, x);
                if (ec == std::errc::result_out_of_range) {
                    // libstdc++ also reports underflow (1e-50) as out of range: read it as a double
                    // and refuse only magnitudes a float cannot hold.
                    double wide = 0;
                    const auto [wide_ptr, wide_ec] = std::from_chars(b, e, wide);
                    if (wide_ec != std::errc() || std::fabs(wide) > static_cast<double>(std::numeric_limits<float>::max()))
                        fail(v, "the value " + quote(v) + " is outside the float range");
                    x = static_cast<float>(wide);
                    ptr = wide_ptr;
                    ec = std::errc();
                }
                if (ec != std::errc() || ptr != e)
                    fail(v, (v.front() == '(' ? "a timestamped value \"(t,v)\": not supported (expected a number or '?')"
                                              : "expected a number or '?', found " + quote(v)));
                if (std::isinf(x)) fail(v, "the value " + quote(v) + " is not finite");
                values_.push_back(std::isnan(x) ? std::numeric_limits<float>::quiet_NaN() : x);
            }
            if (comma == field.size()) break;
            start = comma + 1;
        }
    }

    /// Applies the missing-value policy to every channel of the series in values_.
    void fill_missing(std::size_t length) {
        for (std::size_t d = 0; d * length < values_.size(); ++d) {
            float* v = values_.data() + d * length;
            std::size_t known = 0, first_missing = length;
            for (std::size_t t = 0; t < length; ++t) {
                if (std::isnan(v[t])) first_missing = std::min(first_missing, t);
                else ++known;
            }
            if (known == length) continue;
            if (options_.missing == ts_missing::reject)
                fail_at(column_of_value(d, first_missing),
                        "a missing value '?' (missing values are rejected by the options)");
            if (known == 0) {
                if (!options_.all_missing_value || !std::isfinite(*options_.all_missing_value))
                    fail(fields_[d], "dimension " + std::to_string(d + 1) + " has no known value (every value is missing)");
                std::fill(v, v + length, *options_.all_missing_value);
                continue;
            }
            std::size_t prev = length;  // last known index seen, none yet
            for (std::size_t t = 0; t < length; ++t) {
                if (std::isnan(v[t])) continue;
                if (prev == length) {
                    std::fill(v, v + t, v[t]);  // constant extension before the first known value
                } else if (t > prev + 1) {
                    const double a = v[prev], b = v[t], span = static_cast<double>(t - prev);
                    for (std::size_t u = prev + 1; u < t; ++u)
                        v[u] = static_cast<float>(std::fma(b - a, static_cast<double>(u - prev) / span, a));  // explicit fma: the same bits whatever the compiler contracts
                }
                prev = t;
            }
            std::fill(v + prev + 1, v + length, v[prev]);  // constant extension after the last one
        }
    }

    /// The 0-based column of value t of dimension d in the current line (for an error message).
    std::size_t column_of_value(std::size_t d, std::size_t t) const {
        const std::string_view field = fields_[d];
        std::size_t start = 0;
        for (std::size_t i = 0; i < t; ++i) start = field.find(',', start) + 1;
        std::size_t offset = static_cast<std::size_t>(field.data() - line_.data()) + start;
        while (offset < line_.size() && blank(line_[offset])) ++offset;
        return offset;
    }

    std::string_view text_;
    const ts_options& options_;
    std::string_view source_;
    std::string_view line_;
    std::size_t line_number_ = 0, data_line_ = 0;
    bool in_data_ = false, has_labels_ = false, has_target_ = false, label_declared_ = false;
    bool equal_length_ = false, univariate_false_ = false;
    std::size_t dimensions_ = 0, series_length_ = 0;
    std::string dims_from_;
    std::vector<std::string> seen_;
    std::vector<std::string_view> fields_;
    std::vector<float> values_;
    series_set series_;
    ts_data out_;
};

}  // namespace detail::ts

/// Parses a .ts text (see the header comment). `source` names the text in error messages (e.g.
/// the file name). Throws format_error naming the source, line and column of malformed input.
inline ts_data parse_ts(std::string_view text, const ts_options& options = {}, std::string_view source = "<memory>") {
    return detail::ts::parser(text, options, source).run();
}

/// Reads and parses a .ts file; throws format_error if it cannot be read or is malformed.
inline ts_data load_ts(const std::filesystem::path& file, const ts_options& options = {}) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) throw format_error(file.string() + ": cannot open the file");
    const std::streamoff size = in.tellg();
    if (size < 0) throw format_error(file.string() + ": cannot read the file");
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(text.data(), static_cast<std::streamsize>(size)))
        throw format_error(file.string() + ": read error");
    return parse_ts(text, options, file.string());
}

/// Maps `data`'s labels onto the class list `classes` by name (e.g. a test set read with the
/// training set's classes, whose @classLabel may list them in another order): afterwards
/// data.class_names == classes and every label indexes it. Classes `data` declares but never
/// uses may be absent from `classes`; a used one that is absent throws format_error naming it
/// (and `data` is left unchanged).
inline void align_labels(ts_data& data, const std::vector<std::string>& classes) {
    if (data.labels.empty() && data.class_names.empty()) throw format_error("align_labels: the data has no class labels");
    std::vector<std::int32_t> to(data.class_names.size(), -1);
    for (std::size_t c = 0; c < data.class_names.size(); ++c) {
        const auto it = std::find(classes.begin(), classes.end(), data.class_names[c]);
        if (it != classes.end()) to[c] = static_cast<std::int32_t>(it - classes.begin());
    }
    std::vector<std::int32_t> labels(data.labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto c = static_cast<std::size_t>(data.labels[i]);
        if (c >= to.size()) throw format_error("align_labels: series " + std::to_string(i) + " has an invalid label");
        if (to[c] < 0)
            throw format_error("align_labels: series " + std::to_string(i) + " has class '" + data.class_names[c] +
                               "', which the reference classes do not have");
        labels[i] = to[c];
    }
    data.labels = std::move(labels);
    data.class_names = classes;
}

/// As above with the reference data's classes (align a test set on its training set).
inline void align_labels(ts_data& data, const ts_data& reference) { align_labels(data, reference.class_names); }

}  // namespace hdc
