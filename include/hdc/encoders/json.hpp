// hdc/encoders/json.hpp - MBAT "soft" JSON vectors (ALGORITHMS.md section 1.6): any JSON value
// becomes one fixed-length unit MBAT vector, similar documents get similar vectors, and the value
// at a path is read back approximately by unbinding.
//
//   null, true, false   fixed random atoms
//   string s            atom(s) (exact match), or the normalised bag of its tokens' atoms
//                       (json_options::soft_strings: strings sharing words are similar)
//   number x            fractional power encoding (Gaussian kernels) of the signed decimal
//                       logarithm u = sign(x) log10(1 + |x|), a fine kernel (number_width,
//                       default 0.005 decades ~ 1 %) plus a coarse one (0.25 decades): equal
//                       numbers match, close numbers stay similar (up to 1/2 within a factor
//                       of ~2); works for any unit without a fitted range
//   array [v0, v1, ..]  normalise(sum_k Q_seq^(k+1) enc(v_k)), or normalise(Q_seq sum_k enc(v_k))
//                       when ordered_arrays is false (an order-free bag)
//   object {k: v, ..}   normalise(sum_i Q_{k_i} enc(v_i)), Q_k the orthogonal role of the key's
//                       name (mbat_role::from_symbol: structured O(D log D) by default, dense Haar
//                       as an option), made on first use and kept in a bounded cache
//   {} and []           atoms of their own
// Every composite is scaled to unit norm, so a value weighs the same at any depth; the roles are
// orthogonal, so similarities survive any nesting. Non-commutative roles keep {"a":{"b":1}} and
// {"b":{"a":1}} apart (Q_a Q_b x vs Q_b Q_a x), which a commutative binding cannot.
//
// Queries: value_at(vec, "/a/0/b") applies Q_a^T, Q_seq^T (once per position + 1) and Q_b^T, giving
// the value's vector plus the noise of its siblings; best_match() cleans it up against candidate
// values.
//
// Input: an already-parsed nlohmann::json, a text, or a stream of records (a top-level JSON
// array, or JSON Lines / concatenated values) read record by record without loading the file.
// Malformed text throws format_error with the byte offset (and the record number in a stream)
// before anything is encoded; nesting deeper than json_options::max_depth throws format_error
// (checked before parsing, so no deep tree is ever built and no recursion runs deep); numbers
// beyond the range of double are a parse error of nlohmann-json (format_error), finite numbers
// of any size encode.
//
// Thread safety: encode, value_at and the other const members may be called concurrently (the
// role cache is guarded by a mutex); copies share the cache.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "../models/mbat.hpp"
#include "../simd/floating.hpp"
#include "scalar.hpp"
#include "words.hpp"

namespace hdc {

/// How json_encoder turns JSON values into vectors.
struct json_options {
    /// Seed of every atom and role.
    std::uint64_t seed = 0;
    /// Kind of the key and sequence roles: structured (O(D) storage, O(D log D) per product) or
    /// haar (D^2 values per key, O(D^3) to make, O(D^2) per product). keyed is not allowed.
    role_kind roles = role_kind::structured;
    /// Array positions by powers of the sequence role (true) or an order-free bag (false).
    bool ordered_arrays = true;
    /// Strings as bags of their tokens (tokenize(), options below) instead of exact atoms; a
    /// string without tokens stays an exact atom.
    bool soft_strings = false;
    /// Tokenizer of soft strings.
    tokenizer_options tokens = {};
    /// Numbers: width in decades of |x| of the fine Gaussian kernel (its standard deviation on
    /// the signed log10(1 + |x|) scale): numbers closer than this are nearly equal, and a
    /// cleanup tells apart numbers a few widths apart. Positive, at most 310.
    double number_width = 0.005;
    /// Width in decades of a second, coarse kernel added with equal weight, so that numbers
    /// within a few coarse widths keep a similarity up to 1/2 (graded similarity beyond the fine
    /// resolution); 0 for the fine kernel alone. Otherwise positive, at most 310.
    double number_coarse_width = 0.25;
    /// Deepest nesting accepted (a scalar at the top is depth 0); deeper throws format_error.
    std::size_t max_depth = 200;
    /// Bytes of key operators and number codes kept in the cache (at D = 2,048: a structured
    /// key ~16 KB, a Haar key 16 MB, a number code 8 KB); beyond the budget they are rebuilt at
    /// each use.
    std::size_t role_cache_bytes = std::size_t{256} << 20;
};

namespace detail {

inline constexpr std::uint64_t json_string_domain = 0x6A736F6E2D737472ull;   // "json-str"
inline constexpr std::uint64_t json_token_domain = 0x6A736F6E2D746F6Bull;    // "json-tok"
inline constexpr std::uint64_t json_literal_domain = 0x6A736F6E2D6C6974ull;  // "json-lit"
inline constexpr std::uint64_t json_key_domain = 0x6A736F6E2D6B6579ull;      // "json-key"
inline constexpr std::uint64_t json_seq_domain = 0x6A736F6E2D736571ull;      // "json-seq"
inline constexpr std::uint64_t json_number_domain = 0x6A736F6E2D6E756Dull;   // "json-num"
/// Half-width of the signed log10 scale of numbers: |x| <= DBL_MAX gives |u| <= 308.3.
inline constexpr double json_log_range = 310.0;

/// Throws format_error if text nests deeper than max_depth (offsets reported from base), or if
/// its brackets close more than they open. Strings (with escapes) are skipped, so brackets
/// inside them do not count. Other errors are left to the parser.
inline void json_check_depth(std::string_view text, std::size_t max_depth, std::size_t base,
                             const std::string& where) {
    std::size_t depth = 0;
    bool in_string = false, escape = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escape) escape = false;
            else if (c == '\\') escape = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw format_error("json: nesting deeper than " + std::to_string(max_depth) +
                                   " at byte " + std::to_string(base + i) + where);
        } else if (c == ']' || c == '}') {
            if (depth == 0)
                throw format_error("json: unbalanced '" + std::string(1, c) + "' at byte " +
                                   std::to_string(base + i) + where);
            --depth;
        }
    }
}

/// text parsed by nlohmann-json after the depth check; every parse failure becomes format_error
/// naming the byte offset (base + the parser's position) and where.
inline nlohmann::json json_parse(std::string_view text, std::size_t max_depth, std::size_t base = 0,
                                 const std::string& where = "") {
    json_check_depth(text, max_depth, base, where);
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes from 1; offsets here count from 0, like the stream's.
        throw format_error("json: malformed input at byte " +
                           std::to_string(base + (e.byte > 0 ? e.byte - 1 : 0)) + where +
                           ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
        throw format_error("json: malformed input near byte " + std::to_string(base) + where + ": " +
                           e.what());
    }
}

}  // namespace detail

/// Parses a JSON text with nlohmann-json, refusing nesting deeper than max_depth before parsing.
/// Every failure is a format_error naming the byte offset, counted from base (the text's offset
/// in its file) and followed by where (e.g. " (record 7)").
inline nlohmann::json parse_json(std::string_view text, std::size_t max_depth = 200, std::size_t base = 0,
                                 const std::string& where = "") {
    return detail::json_parse(text, max_depth, base, where);
}

/// Reads JSON records one at a time from a stream: the elements of a top-level array, or the
/// successive top-level values of JSON Lines (or any whitespace-separated values). Only one
/// record's text is held at a time. next() throws format_error with the record number (from 0)
/// and the byte offset when the framing is broken (an unterminated array or string, text after
/// the closing bracket, a missing comma); the record's own syntax is checked by the parser.
class json_record_reader {
public:
    /// Reads from in (which must outlive the reader).
    explicit json_record_reader(std::istream& in) : in_(in) {}

    /// The next record's text in text and its first byte's offset in offset; false at the end.
    bool next(std::string& text, std::size_t& offset) {
        text.clear();
        if (!started_) start();
        if (done_) return false;
        skip_space();
        int c = peek();
        if (array_ && c == eof) fail("unterminated top-level array (missing ']')");
        if (array_) {
            if (records_ > 0) {  // after a record: ',' or ']'
                if (c == ']') return finish();
                if (c != ',') fail("expected ',' or ']' between records");
                get();
                skip_space();
                c = peek();
            } else if (c == ']') {
                return finish();
            }
            if (c == ',' || c == ']') fail("empty record");
        }
        if (c == eof) {
            if (array_) fail("unterminated top-level array (missing ']')");
            done_ = true;
            return false;
        }
        offset = position_;
        read_value(text);
        ++records_;
        return true;
    }

    /// Records returned so far.
    std::size_t records() const noexcept { return records_; }
    /// Bytes consumed so far.
    std::size_t bytes() const noexcept { return position_; }

private:
    static constexpr int eof = std::char_traits<char>::eof();

    int peek() { return in_.rdbuf() ? in_.rdbuf()->sgetc() : eof; }
    int get() {
        const int c = in_.rdbuf() ? in_.rdbuf()->sbumpc() : eof;
        if (c != eof) ++position_;
        return c;
    }
    void skip_space() {
        for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek()) get();
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw format_error("json stream: " + what + " at byte " + std::to_string(position_) +
                           " (record " + std::to_string(records_) + ")");
    }

    void start() {
        started_ = true;
        skip_space();
        if (peek() == 0xEF) {  // UTF-8 byte order mark
            get();
            get();
            get();
            skip_space();
        }
        if (peek() == '[') {
            // A top-level array holds the records. (JSON Lines whose records are arrays cannot
            // be told apart from it: the second line is then reported as text after the array.)
            array_ = true;
            get();
        }
    }

    bool finish() {
        get();  // ']'
        skip_space();
        if (peek() != eof) fail("text after the closing ']' of the top-level array");
        done_ = true;
        return false;
    }

    /// One value: a container up to its matching bracket, a string, or a bare scalar up to a
    /// delimiter.
    void read_value(std::string& text) {
        std::size_t depth = 0;
        bool in_string = false, escape = false;
        for (;;) {
            const int c = peek();
            if (c == eof) {
                if (in_string) fail("unterminated string");
                if (depth > 0) fail("unterminated record");
                return;
            }
            const char ch = static_cast<char>(c);
            if (in_string) {
                text.push_back(ch);
                get();
                if (escape) escape = false;
                else if (ch == '\\') escape = true;
                else if (ch == '"') {
                    in_string = false;
                    if (depth == 0) return;
                }
                continue;
            }
            if (depth == 0 && !text.empty() &&
                (ch == ',' || ch == ']' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' ||
                 ch == '[' || ch == '{' || ch == '"'))
                return;  // end of a bare scalar
            if (depth == 0 && (ch == '}' || ch == ']')) fail("unexpected '" + std::string(1, ch) + "'");
            text.push_back(ch);
            get();
            if (ch == '"') in_string = true;
            else if (ch == '[' || ch == '{') ++depth;
            else if (ch == ']' || ch == '}') {
                if (--depth == 0) return;
            }
        }
    }

    std::istream& in_;
    std::size_t position_ = 0, records_ = 0;
    bool started_ = false, array_ = false, done_ = false;
};

/// The MBAT soft JSON encoder (see the file comment). D and T are those of the mbat vectors.
template <std::size_t D = dynamic, class T = float>
class json_encoder {
public:
    using vector_type = mbat<D, T>;
    using role_type = mbat_role<D, T>;

    /// An encoder of dimension dim. Throws invalid_parameter for role_kind::keyed, a zero
    /// max_depth or a number_width that is not positive; non_finite_value for a non-finite width;
    /// invalid_dimension for a bad dim.
    explicit json_encoder(const json_options& options = {}, std::size_t dim = D)
        : options_(checked(options)), dim_(vector_type(dim).dim()),
          numbers_({-detail::json_log_range, detail::json_log_range},
                   2 * detail::json_log_range / options.number_width, fpe_kernel::gaussian,
                   out_of_range::clamp, options.seed ^ detail::json_number_domain, dim_),
          coarse_({-detail::json_log_range, detail::json_log_range},
                  2 * detail::json_log_range /
                      (options.number_coarse_width > 0 ? options.number_coarse_width : 1.0),
                  fpe_kernel::gaussian, out_of_range::clamp,
                  options.seed ^ detail::json_number_domain ^ 1, dim_),
          mixing_(std::make_shared<const role_type>(role_type::from_symbol(
              "{}", options.seed ^ detail::json_key_domain, dim_, role_kind::structured))),
          cache_(std::make_shared<cache>()) {
        sequence_ = make_op("[]", detail::json_seq_domain);
    }

    /// The options.
    const json_options& options() const noexcept { return options_; }
    /// The dimension of the vectors.
    std::size_t dim() const noexcept { return dim_; }

    /// The vector of an already-parsed document. Throws format_error if it nests deeper than
    /// max_depth or holds a binary value, non_finite_value for a NaN or infinite number (which
    /// JSON text cannot hold).
    vector_type encode(const nlohmann::json& doc) const {
        vector_type out(dim_);
        node_into(doc, 0, detail::storage_access::data(out));
        return out;
    }
    /// The vector of a JSON text (parsed first: format_error with the byte offset if malformed).
    vector_type encode(std::string_view text) const { return encode(parse(text)); }
    /// The vector of a C string (a JSON text).
    vector_type encode(const char* text) const { return encode(std::string_view(text)); }

    /// text parsed under this encoder's depth limit (format_error with the byte offset).
    nlohmann::json parse(std::string_view text) const {
        return detail::json_parse(text, options_.max_depth);
    }

    /// Encodes every record of a stream (see json_record_reader) in order, calling
    /// on_record(index, doc, vector) for each; returns the number of records. A malformed record
    /// throws format_error naming its number and byte offset; the records before it have been
    /// delivered, it has not.
    template <class F>
    std::size_t encode_stream(std::istream& in, F&& on_record) const {
        json_record_reader reader(in);
        std::string text;
        std::size_t offset = 0;
        while (reader.next(text, offset)) {
            const std::size_t index = reader.records() - 1;
            const nlohmann::json doc = detail::json_parse(text, options_.max_depth, offset,
                                                          " (record " + std::to_string(index) + ")");
            on_record(index, doc, encode(doc));
        }
        return reader.records();
    }

    /// The approximate vector of the value at a JSON Pointer (RFC 6901: "" is the whole
    /// document, "/a/0/b" key a, position 0, key b; "~1" is '/', "~0" is '~'). A segment of
    /// decimal digits (no leading zero) is an array position; with order-free arrays it stands
    /// for the whole bag (one unbinding of the sequence role), so any position gives the bag of
    /// the items. Throws invalid_parameter for a malformed pointer, dimension_mismatch for a
    /// vector of another dimension.
    vector_type value_at(const vector_type& vec, std::string_view pointer) const {
        detail::check_same_dim("json_encoder::value_at", dim_, vec.dim());
        const auto steps = parse_pointer(pointer, options_.ordered_arrays);
        std::vector<T> v(vec.data(), vec.data() + dim_), work(dim_);
        for (const auto& [key, index] : steps) {
            if (index) {
                for (std::size_t k = 0; k <= *index; ++k) unbind_op(*sequence_, v, work);
            } else {
                unbind_op(*key_op(key), v, work);
            }
        }
        return vector_type::from_values(v, dim_);
    }

    /// Index of the candidate whose vector is most similar to the value at pointer in vec (the
    /// cleanup of value_at) and that similarity. Throws empty_input for no candidates.
    std::pair<std::size_t, double> best_match(const vector_type& vec, std::string_view pointer,
                                              std::span<const nlohmann::json> candidates) const {
        if (candidates.empty()) throw empty_input("json_encoder::best_match: no candidates");
        const vector_type v = value_at(vec, pointer);
        std::pair<std::size_t, double> best{0, -2.0};
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            const double s = cosine(v, encode(candidates[i]));
            if (s > best.second) best = {i, s};
        }
        return best;
    }

    /// The operator Q_k of a key as a dense matrix (for tests; O(D^2 log D)).
    typename role_type::matrix_type key_matrix(std::string_view key) const {
        const auto& o = *key_op(key);
        if (o.dense) return o.dense->matrix();
        const auto n = static_cast<Eigen::Index>(dim_);
        typename role_type::matrix_type m(n, n);
        std::vector<T> unit(dim_, T(0)), col(dim_);
        for (std::size_t j = 0; j < dim_; ++j) {
            unit[j] = T(1);
            std::fill(col.begin(), col.end(), T(0));
            add_bound(o, unit.data(), col.data());
            const vector_type mixed = mixing_->apply(vector_type::from_values(col, dim_));
            std::copy(mixed.data(), mixed.data() + dim_, m.data() + j * dim_);
            unit[j] = T(0);
        }
        return m;
    }

private:
    /// A key's operator: Q_k = M P_k (structured: M the shared structured mixing role, P_k the
    /// key's signed permutation, so the terms of an object are permuted and summed and M is
    /// applied once per object), or a dense Haar matrix.
    struct op {
        std::shared_ptr<const role_type> dense;
        std::vector<std::uint32_t> index;  // gather form: (P x)_i = sign[i] x[index[i]]
        std::vector<T> sign;               // +1 or -1 (a multiply: exact, and it vectorises)
    };
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return static_cast<std::size_t>(detail::hash_name(s));
        }
    };
    struct cache {
        std::mutex lock;
        std::unordered_map<std::string, std::shared_ptr<const op>, string_hash, std::equal_to<>> ops;
        std::unordered_map<std::int64_t, std::shared_ptr<const std::vector<T>>> numbers;
        std::size_t bytes = 0;
    };
    struct step {
        std::string key;
        std::optional<std::size_t> index;
    };

    static const json_options& checked(const json_options& o) {
        if (o.roles == role_kind::keyed)
            throw invalid_parameter("json_encoder: keyed roles come from vectors; use structured or haar");
        if (o.roles != role_kind::structured && o.roles != role_kind::haar)
            throw invalid_parameter("json_encoder: unknown role kind");
        if (!std::isfinite(o.number_width))
            throw non_finite_value("json_encoder: number_width must be finite");
        if (!(o.number_width > 0) || o.number_width > detail::json_log_range)
            throw invalid_parameter("json_encoder: number_width must be in (0, 310] decades, got " +
                                    std::to_string(o.number_width));
        if (!std::isfinite(o.number_coarse_width))
            throw non_finite_value("json_encoder: number_coarse_width must be finite");
        if (o.number_coarse_width < 0 || o.number_coarse_width > detail::json_log_range)
            throw invalid_parameter("json_encoder: number_coarse_width must be 0 or in (0, 310] decades, got " +
                                    std::to_string(o.number_coarse_width));
        if (o.max_depth == 0) throw invalid_parameter("json_encoder: max_depth must be at least 1");
        return o;
    }

    std::shared_ptr<const op> make_op(std::string_view name, std::uint64_t domain) const {
        auto o = std::make_shared<op>();
        if (options_.roles == role_kind::haar) {
            o->dense = std::make_shared<const role_type>(
                role_type::from_symbol(name, options_.seed ^ domain, dim_, role_kind::haar));
            return o;
        }
        rng gen = rng::from_key(detail::make_key(options_.seed ^ domain, detail::hash_name(name)));
        o->index.resize(dim_);
        for (std::size_t i = 0; i < dim_; ++i) o->index[i] = static_cast<std::uint32_t>(i);
        for (std::size_t i = dim_ - 1; i > 0; --i)
            std::swap(o->index[i], o->index[static_cast<std::size_t>(gen.below(i + 1))]);
        o->sign.resize(dim_);
        for (std::size_t i = 0; i < dim_; i += 64) {
            const std::uint64_t bits = gen();
            for (std::size_t j = i; j < std::min(dim_, i + 64); ++j)
                o->sign[j] = (bits >> (j - i)) & 1u ? T(-1) : T(1);
        }
        return o;
    }

    std::size_t op_bytes() const noexcept {
        return options_.roles == role_kind::haar ? dim_ * dim_ * sizeof(T) + 64
                                                 : dim_ * (sizeof(std::uint32_t) + sizeof(T)) + 64;
    }

    /// The operator of a key (from the cache, made on first use).
    std::shared_ptr<const op> key_op(std::string_view key) const {
        auto& c = *cache_;
        {
            const std::lock_guard<std::mutex> guard(c.lock);
            const auto it = c.ops.find(key);
            if (it != c.ops.end()) return it->second;
        }
        auto made = make_op(key, detail::json_key_domain);
        const std::lock_guard<std::mutex> guard(c.lock);
        if (c.bytes + op_bytes() <= options_.role_cache_bytes) {
            const auto [it, inserted] = c.ops.try_emplace(std::string(key), made);
            if (inserted) c.bytes += op_bytes();
            return it->second;
        }
        return made;
    }

    /// sums += P x (structured: the key's signed permutation; M comes once per composite), or
    /// sums += Q x (Haar).
    void add_bound(const op& o, const T* x, T* sums) const {
        if (o.dense) {
            const vector_type bound = o.dense->apply(vector_type::from_values(std::span<const T>(x, dim_), dim_));
            const T* b = bound.data();
            for (std::size_t i = 0; i < dim_; ++i) sums[i] += b[i];
            return;
        }
        // x and sums never overlap (restrict lets the compiler use vector gathers).
        const std::uint32_t* __restrict index = o.index.data();
        const T* __restrict sign = o.sign.data();
        const T* __restrict from = x;
        T* __restrict to = sums;
        for (std::size_t i = 0; i < dim_; ++i) to[i] += sign[i] * from[index[i]];
    }

    /// v = Q^T v (work is scratch of dim_ values).
    void unbind_op(const op& o, std::vector<T>& v, std::vector<T>& work) const {
        if (o.dense) {
            const vector_type u = o.dense->apply_transpose(vector_type::from_values(v, dim_));
            std::copy(u.data(), u.data() + dim_, v.begin());
            return;
        }
        const vector_type u = mixing_->apply_transpose(vector_type::from_values(v, dim_));
        const T* x = u.data();
        for (std::size_t i = 0; i < dim_; ++i) work[o.index[i]] = o.sign[i] * x[i];  // P^T
        v.swap(work);
    }

    /// out = M sums (structured) or sums (Haar), scaled to unit norm; the "zero" atom if the
    /// sums vanish.
    void finish(std::vector<T>& sums, T* out) const {
        const double n = std::sqrt(simd::real_dot(sums.data(), sums.data(), dim_));
        if (!(n > 0) || !std::isfinite(n)) {
            literal_into("zero", out);
            return;
        }
        if (options_.roles == role_kind::haar) {
            for (std::size_t i = 0; i < dim_; ++i) out[i] = static_cast<T>(static_cast<double>(sums[i]) / n);
            return;
        }
        vector_type unit(dim_);  // finite by construction: no from_values check
        T* u = detail::storage_access::data(unit);
        for (std::size_t i = 0; i < dim_; ++i) u[i] = static_cast<T>(static_cast<double>(sums[i]) / n);
        const vector_type mixed = mixing_->apply(unit);
        std::copy(mixed.data(), mixed.data() + dim_, out);
    }

    /// A random unit vector with components +-1/sqrt(D) from the stream (seed, key): cheap
    /// (D/64 draws), quasi-orthogonal to every other atom.
    void atom_into(std::uint64_t key, T* out) const {
        rng gen = rng::from_key(detail::make_key(options_.seed ^ key, 0x61746F6Dull));
        const T x = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dim_)));
        for (std::size_t i = 0; i < dim_; i += 64) {
            const std::uint64_t bits = gen();
            const std::size_t end = std::min(dim_, i + 64);
            for (std::size_t j = i; j < end; ++j) out[j] = (bits >> (j - i)) & 1u ? -x : x;
        }
    }

    void literal_into(std::string_view name, T* out) const {
        atom_into(detail::hash_name(name) ^ detail::json_literal_domain, out);
    }

    void string_into(const std::string& s, T* out) const {
        if (options_.soft_strings) {
            const auto tokens = tokenize(s, options_.tokens);
            if (tokens.size() == 1) {
                atom_into(detail::hash_name(tokens[0]) ^ detail::json_token_domain, out);
                return;
            }
            if (!tokens.empty()) {
                std::vector<T> sums(dim_, T(0));
                for (const auto& t : tokens) {
                    atom_into(detail::hash_name(t) ^ detail::json_token_domain, out);
                    for (std::size_t i = 0; i < dim_; ++i) sums[i] += out[i];
                }
                const double n = std::sqrt(simd::real_dot(sums.data(), sums.data(), dim_));
                for (std::size_t i = 0; i < dim_; ++i) out[i] = static_cast<T>(static_cast<double>(sums[i]) / n);
                return;
            }
        }
        atom_into(detail::hash_name(s) ^ detail::json_string_domain, out);
    }

    /// Numbers: u = sign(x) log10(1 + |x|) rounded to a grid of number_width / 16 decades
    /// (neighbours have similarity exp(-1/512) > 0.998), then the normalised sum of the fine and
    /// coarse FPE codes; grid points are cached.
    void number_into(double x, T* out) const {
        if (!std::isfinite(x))
            throw non_finite_value("json_encoder: number " + std::to_string(x) + " is not finite");
        const double u = detail::portable_log(1.0 + std::fabs(x)) / detail::portable_log(10.0);
        const double grid = options_.number_width / 16;
        const auto q = static_cast<std::int64_t>(std::floor((x < 0 ? -u : u) / grid + 0.5));
        auto& c = *cache_;
        {
            const std::lock_guard<std::mutex> guard(c.lock);
            const auto it = c.numbers.find(q);
            if (it != c.numbers.end()) {
                std::copy(it->second->begin(), it->second->end(), out);
                return;
            }
        }
        const double at = static_cast<double>(q) * grid;
        const vector_type fine = numbers_.encode(at);
        std::vector<double> sum(fine.data(), fine.data() + dim_);
        if (options_.number_coarse_width > 0) {
            const vector_type coarse = coarse_.encode(at);
            for (std::size_t i = 0; i < dim_; ++i) sum[i] += static_cast<double>(coarse[i]);
        }
        const double n = std::sqrt(simd::real_dot(sum.data(), sum.data(), dim_));
        auto made = std::make_shared<std::vector<T>>(dim_);
        for (std::size_t i = 0; i < dim_; ++i) (*made)[i] = static_cast<T>(sum[i] / n);
        std::copy(made->begin(), made->end(), out);
        const std::size_t bytes = dim_ * sizeof(T) + 64;
        const std::lock_guard<std::mutex> guard(c.lock);
        if (c.bytes + bytes <= options_.role_cache_bytes && c.numbers.try_emplace(q, std::move(made)).second)
            c.bytes += bytes;
    }

    void check_depth(std::size_t depth) const {
        if (depth > options_.max_depth)
            throw format_error("json_encoder: nesting deeper than " + std::to_string(options_.max_depth));
    }

    /// The unit vector of node into out (dim_ values).
    void node_into(const nlohmann::json& node, std::size_t depth, T* out) const {
        using value_t = nlohmann::json::value_t;
        switch (node.type()) {
            case value_t::null:
                return literal_into("null", out);
            case value_t::boolean:
                return literal_into(node.get<bool>() ? "true" : "false", out);
            case value_t::string:
                return string_into(node.get_ref<const std::string&>(), out);
            case value_t::number_integer:
                return number_into(static_cast<double>(node.get<std::int64_t>()), out);
            case value_t::number_unsigned:
                return number_into(static_cast<double>(node.get<std::uint64_t>()), out);
            case value_t::number_float:
                return number_into(node.get<double>(), out);
            case value_t::array: {
                if (node.empty()) return literal_into("[]", out);
                check_depth(depth + 1);
                std::vector<T> sums(dim_, T(0)), item(dim_);
                if (!options_.ordered_arrays) {  // Q_seq (sum of the items)
                    for (const auto& x : node) {
                        node_into(x, depth + 1, item.data());
                        for (std::size_t i = 0; i < dim_; ++i) sums[i] += item[i];
                    }
                    std::fill(item.begin(), item.end(), T(0));
                    add_bound(*sequence_, sums.data(), item.data());
                    return finish(item, out);
                }
                // Horner: sum_k Q^(k+1) e_k = Q(e_0 + Q(e_1 + ... Q(e_{n-1}))), Q = M P.
                std::vector<T> acc(dim_, T(0));
                for (std::size_t k = node.size(); k-- > 0;) {
                    node_into(node[k], depth + 1, item.data());
                    for (std::size_t i = 0; i < dim_; ++i) acc[i] += item[i];
                    std::fill(sums.begin(), sums.end(), T(0));
                    add_bound(*sequence_, acc.data(), sums.data());
                    if (k == 0) break;
                    if (options_.roles == role_kind::haar) {
                        acc.swap(sums);
                    } else {
                        const vector_type mixed = mixing_->apply(vector_type::from_values(sums, dim_));
                        std::copy(mixed.data(), mixed.data() + dim_, acc.begin());
                    }
                }
                return finish(sums, out);  // the last M comes with the normalisation
            }
            case value_t::object: {
                if (node.empty()) return literal_into("{}", out);
                check_depth(depth + 1);
                std::vector<T> sums(dim_, T(0)), item(dim_);
                for (const auto& [key, value] : node.items()) {
                    node_into(value, depth + 1, item.data());
                    add_bound(*key_op(key), item.data(), sums.data());
                }
                return finish(sums, out);
            }
            case value_t::binary:
            case value_t::discarded:
            default:
                throw format_error("json_encoder: binary or discarded values have no JSON encoding");
        }
    }

    static std::vector<step> parse_pointer(std::string_view pointer, bool ordered) {
        std::vector<step> steps;
        if (pointer.empty()) return steps;
        if (pointer.front() != '/')
            throw invalid_parameter("json_encoder::value_at: a JSON Pointer starts with '/', got '" +
                                    std::string(pointer) + "'");
        std::size_t i = 1;
        for (;;) {
            const std::size_t end = std::min(pointer.find('/', i), pointer.size());
            std::string key;
            for (std::size_t j = i; j < end; ++j) {
                if (pointer[j] != '~') {
                    key.push_back(pointer[j]);
                    continue;
                }
                if (j + 1 < end && (pointer[j + 1] == '0' || pointer[j + 1] == '1')) {
                    key.push_back(pointer[j + 1] == '0' ? '~' : '/');
                    ++j;
                } else {
                    throw invalid_parameter("json_encoder::value_at: bad escape in pointer '" +
                                            std::string(pointer) + "'");
                }
            }
            const bool digits = !key.empty() && key.size() <= 18 &&
                                key.find_first_not_of("0123456789") == std::string::npos &&
                                (key.size() == 1 || key[0] != '0');
            if (digits && ordered)
                steps.push_back({std::string(), static_cast<std::size_t>(std::stoull(key))});
            else if (digits)
                steps.push_back({std::string(), std::size_t{0}});  // the bag: one unbinding
            else
                steps.push_back({std::move(key), std::nullopt});
            if (end == pointer.size()) break;
            i = end + 1;
        }
        return steps;
    }

    json_options options_;
    std::size_t dim_;
    fpe_encoder<vector_type> numbers_;
    fpe_encoder<vector_type> coarse_;  // unused when number_coarse_width is 0
    std::shared_ptr<const role_type> mixing_;  // M (structured roles only)
    std::shared_ptr<const op> sequence_;
    std::shared_ptr<cache> cache_;
};

}  // namespace hdc
