// hdc/io/table.hpp - reading labelled feature tables: CSV with a header line, or a JSON array of
// flat records, into a feature matrix and class labels (for encoders/record.hpp and the
// classifiers).
//
// CSV: the first non-blank line names the columns (a UTF-8 byte order mark before it is
// skipped); every other non-blank line is one sample
// with exactly as many comma-separated cells. Cells may be quoted ("..." with "" for a quote,
// no line breaks inside); spaces around a cell are ignored. One column is the label (by name,
// or "last"); every other cell must be a number (decimal or scientific notation, read
// independently of the locale) or a missing value: empty, NA, N/A, NaN (any case) or ?, read as
// NaN. Anything else throws format_error naming the source, the line, the column number and
// its name, and the cell; so does a row with the wrong number of cells, a missing label, a
// duplicate column name or an infinite value.
//
// JSON (nlohmann-json, header-only: Debian's nlohmann-json3-dev): an array of objects whose
// values are numbers, strings, booleans or null. A field is a feature if at least one record
// holds a number there and every other record a number, null, a missing-value string (as in CSV)
// or nothing; null and absent values are NaN. Fields with no numbers (text, booleans, only null)
// are not features and are listed in table::ignored. The label field is named (or "last": the
// last field of the first record); a string label is its class name, a number or boolean its
// JSON text. Malformed JSON, a nested value, a record that is not an object, a field mixing
// numbers with other text, or a record without a label throw format_error naming the record.
//
// Class indices follow table_options::classes (e.g. a training table's label_names, so a test
// table gets the same indices), then new names in order of first appearance.
#pragma once

#include "../models/eigen_core.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/error.hpp"

namespace hdc {

/// Raw or standardised features, one row per sample (row-major double; NaN marks a missing
/// value). The same type as encoders/record.hpp's feature matrix.
using feature_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A labelled feature table.
struct table {
    std::vector<std::string> feature_names;  ///< one per feature column, in file order
    feature_matrix features;                 ///< samples x features, NaN where missing
    std::vector<std::int32_t> labels;        ///< class index of each sample
    std::vector<std::string> label_names;    ///< class index -> class name
    std::string label_column;                ///< the label column's (field's) name
    std::vector<std::string> ignored;        ///< JSON fields that are not features (no numbers)

    /// Number of samples.
    std::size_t rows() const noexcept { return labels.size(); }
    /// Number of classes named (including any from table_options::classes).
    std::size_t classes() const noexcept { return label_names.size(); }
};

/// How to read a table.
struct table_options {
    std::string label = "last";         ///< the label column's name, or "last"
    std::vector<std::string> classes;   ///< known class names first (index = position)
};

namespace detail {

/// Class names -> indices, starting from the known ones.
class class_index {
public:
    explicit class_index(const std::vector<std::string>& known) {
        for (const auto& name : known) of(name);
    }
    /// The index of name, added if new.
    std::int32_t of(const std::string& name) {
        const auto [it, added] = index_.try_emplace(name, static_cast<std::int32_t>(names_.size()));
        if (added) names_.push_back(name);
        return it->second;
    }
    std::vector<std::string> names() && { return std::move(names_); }

private:
    std::map<std::string, std::int32_t> index_;
    std::vector<std::string> names_;
};

/// s without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/// True for the spellings of a missing value: empty, NA, N/A, NaN (any case), ?.
inline bool is_missing(std::string_view cell) noexcept {
    auto lower_equals = [cell](std::string_view word) {
        if (cell.size() != word.size()) return false;
        for (std::size_t i = 0; i < cell.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(cell[i])) != word[i]) return false;
        return true;
    };
    return cell.empty() || cell == "?" || lower_equals("na") || lower_equals("n/a") ||
           lower_equals("nan");
}

/// The number in a whole cell (an optional leading '+'), or NaN for a missing value; false if
/// the cell is neither. Infinities are not numbers here.
inline bool parse_number(std::string_view cell, double& out) noexcept {
    if (is_missing(cell)) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (cell.size() > 1 && cell.front() == '+' && cell[1] != '-') cell.remove_prefix(1);
    const char* last = cell.data() + cell.size();
    const auto [ptr, ec] = std::from_chars(cell.data(), last, out, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) return false;  // beyond the double range
    return ec == std::errc() && ptr == last && std::isfinite(out);
}

/// Splits one CSV line into cells (quotes removed, spaces trimmed); throws format_error naming
/// the line for a stray or unterminated quote.
inline std::vector<std::string> split_csv_line(std::string_view line, const std::string& where) {
    std::vector<std::string> cells;
    std::size_t i = 0;
    for (;;) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::string cell;
        if (i < line.size() && line[i] == '"') {
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                cell += line[i++];
            }
            if (!closed)
                throw format_error(where + ", column " + std::to_string(cells.size() + 1) +
                                   ": unterminated quote (quoted cells cannot span lines)");
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
            if (i < line.size() && line[i] != ',')
                throw format_error(where + ", column " + std::to_string(cells.size() + 1) +
                                   ": text after a closing quote");
        } else {
            const std::size_t end = std::min(line.find(',', i), line.size());
            const std::string_view raw = line.substr(i, end - i);
            if (raw.find('"') != std::string_view::npos)
                throw format_error(where + ", column " + std::to_string(cells.size() + 1) +
                                   ": a quote inside an unquoted cell");
            cell = std::string(trim(raw));
            i = end;
        }
        cells.push_back(std::move(cell));
        if (i >= line.size()) break;
        ++i;  // the comma
        if (i == line.size()) {  // a trailing comma: one more, empty cell
            cells.emplace_back();
            break;
        }
    }
    return cells;
}

/// The index of the label among the column names; throws format_error naming the source.
inline std::size_t label_position(const std::vector<std::string>& names, const std::string& label,
                                  const std::string& source) {
    if (label == "last") return names.size() - 1;
    const auto it = std::find(names.begin(), names.end(), label);
    if (it == names.end()) {
        std::string known;
        for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
        throw format_error(source + ": no label column '" + label + "' (columns: " + known + ")");
    }
    return static_cast<std::size_t>(it - names.begin());
}

}  // namespace detail

/// Reads a CSV table from `in` (see the file comment); `source` names it in error messages.
/// Throws format_error for malformed input (with line and column), as described above.
inline table read_csv(std::istream& in, const table_options& options = {},
                      const std::string& source = "CSV") {
    std::string line;
    std::size_t line_number = 0;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
        ++line_number;
        if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte order mark
        if (!detail::trim(line).empty()) {
            header = detail::split_csv_line(line, source + ": line " + std::to_string(line_number));
            break;
        }
    }
    if (header.empty()) throw format_error(source + ": no header line (the input is empty)");
    if (header.size() < 2)
        throw format_error(source + ": line " + std::to_string(line_number) +
                           ": the header names one column; a table needs a label and at least one feature");
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (header[c].empty())
            throw format_error(source + ": line " + std::to_string(line_number) + ", column " +
                               std::to_string(c + 1) + ": empty column name");
        for (std::size_t d = 0; d < c; ++d)
            if (header[d] == header[c])
                throw format_error(source + ": line " + std::to_string(line_number) + ": column name '" +
                                   header[c] + "' appears twice (columns " + std::to_string(d + 1) +
                                   " and " + std::to_string(c + 1) + ")");
    }
    const std::size_t label_at = detail::label_position(header, options.label, source);

    table t;
    t.label_column = header[label_at];
    for (std::size_t c = 0; c < header.size(); ++c)
        if (c != label_at) t.feature_names.push_back(header[c]);
    detail::class_index classes(options.classes);
    std::vector<double> values;
    while (std::getline(in, line)) {
        ++line_number;
        if (detail::trim(line).empty()) continue;
        const std::string where = source + ": line " + std::to_string(line_number);
        const auto cells = detail::split_csv_line(line, where);
        if (cells.size() != header.size())
            throw format_error(where + ": " + std::to_string(cells.size()) + " cells, but the header has " +
                               std::to_string(header.size()) + " columns");
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c == label_at) continue;
            double v = 0;
            if (!detail::parse_number(cells[c], v))
                throw format_error(where + ", column " + std::to_string(c + 1) + " (" + header[c] +
                                   "): '" + cells[c] + "' is not a finite number or a missing value");
            values.push_back(v);
        }
        if (detail::is_missing(cells[label_at]))
            throw format_error(where + ", column " + std::to_string(label_at + 1) + " (" + header[label_at] +
                               "): missing label");
        t.labels.push_back(classes.of(cells[label_at]));
    }
    if (t.labels.empty()) throw format_error(source + ": a header but no data rows");
    const auto rows = static_cast<Eigen::Index>(t.labels.size());
    const auto cols = static_cast<Eigen::Index>(t.feature_names.size());
    t.features = Eigen::Map<const feature_matrix>(values.data(), rows, cols);
    t.label_names = std::move(classes).names();
    return t;
}

/// Reads a CSV table from a file; throws format_error if the file cannot be opened.
inline table read_csv_file(const std::string& path, const table_options& options = {}) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw format_error(path + ": cannot open the file");
    return read_csv(in, options, path);
}

/// Reads a table from JSON text: an array of flat records (see the file comment); `source` names
/// it in error messages. Throws format_error for malformed input, naming the record.
inline table read_json(std::string_view text, const table_options& options = {},
                       const std::string& source = "JSON") {
    using json = nlohmann::ordered_json;
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw format_error(source + ": malformed JSON: " + e.what());
    }
    if (!doc.is_array()) throw format_error(source + ": the document is not an array of records");
    if (doc.empty()) throw format_error(source + ": no records");

    // Every field, in order of first appearance, and what its values are.
    struct field {
        std::string name;
        std::size_t numbers = 0;          // records holding a number
        std::ptrdiff_t text_record = -1;  // first record holding other text, or -1
    };
    std::vector<field> fields;
    std::map<std::string, std::size_t, std::less<>> field_at;
    for (std::size_t r = 0; r < doc.size(); ++r) {
        const json& record = doc[r];
        if (!record.is_object())
            throw format_error(source + ": record " + std::to_string(r) + " is not an object");
        for (const auto& [key, value] : record.items()) {
            if (value.is_structured())
                throw format_error(source + ": record " + std::to_string(r) + ", field '" + key +
                                   "': nested value (only flat records are tables)");
            auto [it, added] = field_at.try_emplace(key, fields.size());
            if (added) fields.push_back({key});
            field& f = fields[it->second];
            if (value.is_number()) {
                if (!std::isfinite(value.get<double>()))
                    throw format_error(source + ": record " + std::to_string(r) + ", field '" + key +
                                       "': " + value.dump() + " is beyond the double range");
                ++f.numbers;
            } else if (!value.is_null() &&
                       !(value.is_string() && detail::is_missing(detail::trim(value.get_ref<const std::string&>()))) &&
                       f.text_record < 0) {
                f.text_record = static_cast<std::ptrdiff_t>(r);
            }
        }
    }
    std::string label = options.label;
    if (label == "last") {
        if (doc[0].empty()) throw format_error(source + ": record 0 has no fields");
        label = std::prev(doc[0].end()).key();
    }
    if (field_at.find(label) == field_at.end())
        throw format_error(source + ": no record has a label field '" + label + "'");

    table t;
    t.label_column = label;
    std::vector<std::string> keys;
    for (const auto& f : fields) {
        if (f.name == label) continue;
        if (f.numbers > 0 && f.text_record >= 0) {
            // Find the first number to name both records.
            std::size_t number_record = 0;
            for (std::size_t r = 0; r < doc.size(); ++r) {
                const auto it = doc[r].find(f.name);
                if (it != doc[r].end() && it->is_number()) {
                    number_record = r;
                    break;
                }
            }
            throw format_error(source + ": field '" + f.name + "' holds a number in record " +
                               std::to_string(number_record) + " but " +
                               doc.at(static_cast<std::size_t>(f.text_record)).at(f.name).dump() +
                               " in record " + std::to_string(f.text_record));
        }
        if (f.numbers > 0)
            keys.push_back(f.name);
        else
            t.ignored.push_back(f.name);
    }
    if (keys.empty()) throw format_error(source + ": no numeric fields besides the label '" + label + "'");
    t.feature_names = keys;

    detail::class_index classes(options.classes);
    t.features.resize(static_cast<Eigen::Index>(doc.size()), static_cast<Eigen::Index>(keys.size()));
    for (std::size_t r = 0; r < doc.size(); ++r) {
        const json& record = doc[r];
        const auto l = record.find(label);
        if (l == record.end() || l->is_null() ||
            (l->is_string() && detail::is_missing(detail::trim(l->get_ref<const std::string&>()))))
            throw format_error(source + ": record " + std::to_string(r) + ": missing label '" + label + "'");
        t.labels.push_back(classes.of(l->is_string() ? l->get<std::string>() : l->dump()));
        for (std::size_t c = 0; c < keys.size(); ++c) {
            const auto v = record.find(keys[c]);
            t.features(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
                v != record.end() && v->is_number() ? v->get<double>()
                                                    : std::numeric_limits<double>::quiet_NaN();
        }
    }
    t.label_names = std::move(classes).names();
    return t;
}

/// Reads a JSON table from a file; throws format_error if the file cannot be opened.
inline table read_json_file(const std::string& path, const table_options& options = {}) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw format_error(path + ": cannot open the file");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return read_json(text, options, path);
}

/// Reads a table file: JSON if the name ends in ".json" (any case), CSV otherwise.
inline table read_table_file(const std::string& path, const table_options& options = {}) {
    std::string lower = path;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.size() >= 5 && lower.compare(lower.size() - 5, 5, ".json") == 0)
        return read_json_file(path, options);
    return read_csv_file(path, options);
}

}  // namespace hdc
