// hdc/encoders/json.hpp - MBAT "soft" JSON vectors (ALGORITHMS.md section 1.6): any JSON value
// becomes one fixed-length unit MBAT vector, similar documents get similar vectors, and the value
// at a path is read back approximately by unbinding.
//
//   null, true, false   fixed random atoms
//   string s            atom(s) (exact match), or the normalised bag of its tokens' atoms
//                       (json_options::soft_strings: strings sharing words are similar)
//   number x            fractional power encoding (Gaussian kernels) of the signed decimal
//                       logarithm u = sign(x) log10(1 + |x|), a fine kernel (number_width,
//                       default 0.005 decades ~ 1 %) plus a coarse one (0.25 decades), plus the
//                       atom of the exact value (number_exact_weight, default 1): equal numbers
//                       match, distinct numbers closer than the fine width stay apart (about
//                       2/3), close numbers stay similar (up to 1/3 within a factor of ~2);
//                       works for any unit without a fitted range
//   array [v0, v1, ..]  normalise(sum_k Q_seq^(k+1) enc(v_k)), or normalise(Q_seq sum_k enc(v_k))
//                       when ordered_arrays is false (an order-free bag)
//   object {k: v, ..}   normalise(sum_i Q_{k_i} enc(v_i)), Q_k the orthogonal role of the key's
//                       name, made on first use and kept in a bounded cache: structured by
//                       default, Q_k = M S_k with S_k a random +-1 diagonal drawn from the name and
//                       M = H E3 H E2 H E1 (normalised Walsh-Hadamard transforms and random +-1
//                       diagonals, ALGORITHMS.md 1.6 item 3), one M per object: O(D) storage per
//                       key, O(D) per member plus O(D log D) per object, all in SIMD kernels
//                       (simd/transform.hpp; detail::structured_mix of models/mbat.hpp, shared
//                       with mbat_role) without gathers; or dense Haar matrices
//                       (mbat_role::from_symbol(.., haar)) as an option: O(D^2) per member,
//                       D^2 floats per key
//   {} and []           atoms of their own
// Every composite is scaled to unit norm, so a value weighs the same at any depth; the roles are
// orthogonal, so similarities survive any nesting. Non-commutative roles keep {"a":{"b":1}} and
// {"b":{"a":1}} apart (Q_a Q_b x vs Q_b Q_a x), which a commutative binding cannot.
//
// Queries: value_at(vec, "/a/0/b") applies Q_a^T, Q_seq^T (once per position + 1) and Q_b^T, giving
// the value's vector plus the noise of its siblings; best_match() cleans it up against candidate
// values. json_path_memory cleans up hierarchically, one key at a time, against the values seen
// at each prefix in a corpus, so the noise does not accumulate with depth.
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
// role cache is guarded by a mutex; the scratch of an encode call is the calling thread's own, so
// encoding allocates only the result); copies share the cache. Results do not depend on the
// thread or on the SIMD path (every kernel matches its scalar reference bit for bit).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
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
#include "../memory/item_memory.hpp"
#include "../simd/transform.hpp"
#include "scalar.hpp"
#include "words.hpp"

namespace hdc {

/// How json_encoder turns JSON values into vectors.
struct json_options {
    /// Seed of every atom and role.
    std::uint64_t seed = 0;
    /// Kind of the key and sequence roles: structured (Q_k = M S_k, see the file comment: O(D)
    /// storage, O(D) per member and O(D log D) per object) or haar (D^2 values per key, O(D^3)
    /// to make, O(D^2) per product). keyed is not allowed.
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
    /// within a few coarse widths keep a graded similarity beyond the fine resolution: up to 1/2
    /// of the two graded components, 1/3 of the whole code with the exact component at weight 1
    /// (below); 0 for the fine kernel alone. Otherwise positive, at most 310.
    double number_coarse_width = 0.25;
    /// Weight of a third component of a number's code: the random atom of its exact value
    /// (relative to the unit fine and coarse codes). Distinct numbers closer than the fine width
    /// would otherwise be nearly the same vector and swap in a cleanup; with weight 1 equal
    /// numbers match fully, numbers closer than the fine width keep a similarity of about 2/3,
    /// and farther ones are graded as before (scaled by 2/3). 0: graded components only.
    /// Numbers are read as doubles: integers beyond 2^53 that round to the same double share one
    /// exact atom.
    /// At least 0, finite, at most 100.
    double number_exact_weight = 1.0;
    /// Deepest nesting accepted (a scalar at the top is depth 0); deeper throws format_error.
    std::size_t max_depth = 200;
    /// Bytes of key operators kept in the cache (at D = 2,048: a structured key ~0.3 KB, a Haar
    /// key 16 MB); beyond the budget they are rebuilt at each use.
    std::size_t role_cache_bytes = std::size_t{256} << 20;
    /// Bytes of number codes kept in a cache of their own (8 KB each at D = 2,048, keyed by the
    /// exact value, so a corpus of many distinct numbers fills it: 64 MB hold ~8,000), so that
    /// numbers never crowd out the key operators; beyond the budget a code is rebuilt at each use.
    std::size_t number_cache_bytes = std::size_t{64} << 20;
};

/// One object key as a JSON Pointer reference token (RFC 6901): '~' becomes "~0" and '/' "~1".
inline std::string json_pointer_escape(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (const char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out.push_back(c);
    }
    return out;
}

namespace detail {

inline constexpr std::uint64_t json_string_domain = 0x6A736F6E2D737472ull;   // "json-str"
inline constexpr std::uint64_t json_token_domain = 0x6A736F6E2D746F6Bull;    // "json-tok"
inline constexpr std::uint64_t json_literal_domain = 0x6A736F6E2D6C6974ull;  // "json-lit"
inline constexpr std::uint64_t json_key_domain = 0x6A736F6E2D6B6579ull;      // "json-key"
inline constexpr std::uint64_t json_seq_domain = 0x6A736F6E2D736571ull;      // "json-seq"
inline constexpr std::uint64_t json_number_domain = 0x6A736F6E2D6E756Dull;   // "json-num"
inline constexpr std::uint64_t json_mix_domain = 0x6A736F6E2D6D6978ull;      // "json-mix"
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
          mixing_ops_(std::make_shared<const mixing_factors>(make_mixing(options.seed, dim_))),
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
        T* o = detail::storage_access::data(out);
        workspace& ws = local_workspace();
        const struct trim_on_exit {
            workspace& w;
            ~trim_on_exit() { w.trim(); }
        } trim{ws};
        const T* v = node_into(doc, 0, o, ws);
        if (v != o) std::copy(v, v + dim_, o);
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
        std::vector<T> v(vec.data(), vec.data() + dim_);
        for (const auto& [key, index] : steps) {
            if (index) {
                for (std::size_t k = 0; k <= *index; ++k) unbind_op(*sequence_, v);
            } else {
                std::shared_ptr<const op> keep;
                unbind_op(*key_op(key, keep), v);
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
        std::shared_ptr<const op> keep;
        const auto& o = *key_op(key, keep);
        if (o.dense) return o.dense->matrix();
        const auto n = static_cast<Eigen::Index>(dim_);
        typename role_type::matrix_type m(n, n);
        std::vector<T> unit(dim_, T(0));
        for (std::size_t j = 0; j < dim_; ++j) {
            unit[j] = T(1);
            T* col = m.data() + j * dim_;
            std::fill(col, col + dim_, T(0));
            add_bound(o, unit.data(), col);
            mix_in_place(col);
            unit[j] = T(0);
        }
        return m;
    }

private:
    /// A key's operator: Q_k = M S_k (structured: S_k the key's random +-1 diagonal, M the
    /// shared mixing operator, so the terms of an object are sign-flipped and summed and M is
    /// applied once per object), or a dense Haar matrix.
    struct op {
        std::shared_ptr<const role_type> dense;
        std::vector<std::uint64_t> negate;  // S_k: packed sign bits (a sign flip: exact)
    };
    /// The factors of the shared mixing operator M = R3 R2 R1, R_r = H E_r (D a power of two)
    /// or C H2 F_r H1 E_r (C the cyclic rotation by D/4, H1 / H2 the normalised Walsh-Hadamard
    /// transforms of the first / last P components, P the largest power of two <= D, which
    /// overlap and cover every component), E_r and F_r random +-1 diagonals: the structured
    /// fast orthogonal transform of ALGORITHMS.md 1.6 (H D3 H D2 H D1), O(D log D) with vector
    /// kernels only (no gathers).
    struct mixing_factors {
        std::array<std::vector<std::uint64_t>, 3> signs;  // E_1..E_3
        std::array<std::vector<std::uint64_t>, 3> flips;  // F_1..F_3 (D no power of two only)
        std::size_t block = 0;
    };
    /// Scratch of one thread's encode calls: per nesting level, a block of three vectors of dim
    /// values (sums, item, accumulator), kept between calls so that encoding a record allocates
    /// only its result. Levels are separate blocks, so growing never moves a block in use by an
    /// outer level. A block is reused by any dimension it holds (encoders of different D may
    /// alternate on a thread), and levels beyond kept_levels are freed after each top-level
    /// encode, so one deep document does not pin its scratch for the thread's lifetime.
    struct workspace {
        static constexpr std::size_t kept_levels = 8;
        struct block {
            std::unique_ptr<T[]> data;
            std::size_t capacity = 0;  // values
        };
        std::vector<block> levels;
        T* level(std::size_t depth, std::size_t d) {
            if (levels.size() <= depth) levels.resize(depth + 1);
            block& b = levels[depth];
            if (b.capacity < 3 * d) {
                b.data = std::make_unique<T[]>(3 * d);
                b.capacity = 3 * d;
            }
            return b.data.get();
        }
        void trim() {
            if (levels.size() > kept_levels) levels.resize(kept_levels);
        }
    };
    /// This thread's workspace (const members stay safe to call concurrently: each thread has
    /// its own, and an encode call never runs inside another on the same thread).
    static workspace& local_workspace() {
        thread_local workspace w;
        return w;
    }
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
        std::size_t bytes = 0;         // of ops
        std::size_t number_bytes = 0;  // of numbers
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
        if (!std::isfinite(o.number_exact_weight))
            throw non_finite_value("json_encoder: number_exact_weight must be finite");
        if (o.number_exact_weight < 0 || o.number_exact_weight > 100)
            throw invalid_parameter("json_encoder: number_exact_weight must be in [0, 100], got " +
                                    std::to_string(o.number_exact_weight));
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
        o->negate = random_signs(gen, dim_);
        return o;
    }

    /// ceil(dim / 64) words of gen (bits past dim cleared): a random +-1 diagonal.
    static std::vector<std::uint64_t> random_signs(rng& gen, std::size_t dim) {
        std::vector<std::uint64_t> bits((dim + 63) / 64);
        gen.fill(bits);
        if (dim % 64) bits.back() &= (std::uint64_t{1} << (dim % 64)) - 1;
        return bits;
    }

    /// M's factors, drawn from the stream of ("{}", seed ^ key domain): E_1..E_3, then F_1..F_3
    /// when dim is no power of two.
    static mixing_factors make_mixing(std::uint64_t seed, std::size_t dim) {
        rng gen = rng::from_key(detail::make_key(seed ^ detail::json_key_domain ^ detail::json_mix_domain,
                                                 detail::hash_name("{}")));
        mixing_factors m;
        m.block = std::size_t{1} << (std::bit_width(dim) - 1);
        for (auto& e : m.signs) e = random_signs(gen, dim);
        if (m.block != dim)
            for (auto& f : m.flips) f = random_signs(gen, dim);
        return m;
    }

    /// Round r of M in place: x = R_r x, or x = R_r^T x (every factor is symmetric, so the
    /// transpose applies them in reverse order).
    void mix_round(T* x, std::size_t r, bool transpose) const {
        const mixing_factors& m = *mixing_ops_;
        const bool aligned = m.block == dim_;
        // D no power of two: the two transforms of a round share only 2P - D components (one at
        // D = 2P - 1), so the components outside the overlap would stay in their half round after
        // round. A cyclic rotation by D/4 (exact: moves only) sends half of each half under the
        // other transform of the next round; a rotation by D/2 would not do at D = 2P - 1, where
        // it maps each half onto the other's block whole.
        if (transpose) {
            if (!aligned) std::rotate(x, x + (dim_ - dim_ / 4), x + dim_);
            detail::structured_mix(x, dim_, m.block, aligned ? nullptr : m.flips[r].data(), true);
            simd::flip_signs(x, m.signs[r].data(), dim_);
            return;
        }
        simd::flip_signs(x, m.signs[r].data(), dim_);
        detail::structured_mix(x, dim_, m.block, aligned ? nullptr : m.flips[r].data(), false);
        if (!aligned) std::rotate(x, x + dim_ / 4, x + dim_);
    }

    /// x = M x in place.
    void mix_in_place(T* x) const {
        for (std::size_t r = 0; r < 3; ++r) mix_round(x, r, false);
    }

    /// x = M^T x in place.
    void unmix_in_place(T* x) const {
        for (std::size_t r = 3; r-- > 0;) mix_round(x, r, true);
    }

    std::size_t op_bytes() const noexcept {
        return options_.roles == role_kind::haar ? dim_ * dim_ * sizeof(T) + 64 : dim_ / 8 + 64;
    }

    /// The operator of a key: from the cache (made on first use; entries are never removed, so
    /// the pointer lives as long as the encoder), or, when the cache is full, made into keep.
    const op* key_op(std::string_view key, std::shared_ptr<const op>& keep) const {
        auto& c = *cache_;
        {
            const std::lock_guard<std::mutex> guard(c.lock);
            const auto it = c.ops.find(key);
            if (it != c.ops.end()) return it->second.get();
        }
        auto made = make_op(key, detail::json_key_domain);
        const std::lock_guard<std::mutex> guard(c.lock);
        if (c.bytes + op_bytes() <= options_.role_cache_bytes) {
            const auto [it, inserted] = c.ops.try_emplace(std::string(key), std::move(made));
            if (inserted) c.bytes += op_bytes();
            return it->second.get();
        }
        keep = std::move(made);
        return keep.get();
    }

    /// sums += S x (structured: the key's sign flips; M comes once per composite), or sums += Q x
    /// (Haar).
    void add_bound(const op& o, const T* x, T* sums) const {
        if (o.dense) {
            const vector_type bound = o.dense->apply(vector_type::from_values(std::span<const T>(x, dim_), dim_));
            const T* b = bound.data();
            for (std::size_t i = 0; i < dim_; ++i) sums[i] += b[i];
            return;
        }
        simd::signed_add(x, sums, o.negate.data(), dim_);
    }

    /// v = Q^T v.
    void unbind_op(const op& o, std::vector<T>& v) const {
        if (o.dense) {
            const vector_type u = o.dense->apply_transpose(vector_type::from_values(v, dim_));
            std::copy(u.data(), u.data() + dim_, v.begin());
            return;
        }
        unmix_in_place(v.data());                       // M^T
        simd::flip_signs(v.data(), o.negate.data(), dim_);  // S^T = S
    }

    /// out = M sums (structured) or sums (Haar), scaled to unit norm; the "zero" atom if the
    /// sums vanish.
    void finish(const T* sums, T* out) const {
        const double n = std::sqrt(simd::real_dot(sums, sums, dim_));
        if (!(n > 0) || !std::isfinite(n)) {
            literal_into("zero", out);
            return;
        }
        if (options_.roles == role_kind::haar) {
            for (std::size_t i = 0; i < dim_; ++i) out[i] = static_cast<T>(static_cast<double>(sums[i]) / n);
            return;
        }
        const T inv = static_cast<T>(1.0 / n);
        for (std::size_t i = 0; i < dim_; ++i) out[i] = sums[i] * inv;
        mix_in_place(out);
    }

    /// A random unit vector with components +-1/sqrt(D) from the stream (seed, key): cheap
    /// (D/64 draws), quasi-orthogonal to every other atom.
    void atom_into(std::uint64_t key, T* out) const {
        rng gen = rng::from_key(detail::make_key(options_.seed ^ key, 0x61746F6Dull));
        const T x = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dim_)));
        thread_local std::vector<std::uint64_t> bits;  // scratch: no allocation per atom
        bits.resize((dim_ + 63) / 64);
        for (auto& w : bits) w = gen();  // bit j of word i / 64: the sign of component i
        simd::sign_fill(x, bits.data(), out, dim_);
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
    /// (neighbours have similarity exp(-1/512) > 0.998); the fine and the coarse FPE codes of the
    /// grid point, each scaled to unit norm, plus number_exact_weight times the unit atom of the
    /// exact value, normalised. Codes are cached by the exact value (by the grid point when the
    /// exact weight is 0; integers are read as doubles, so integers beyond 2^53 that round to the
    /// same double share one exact atom) and returned from the cache without a copy: entries are
    /// never removed, so the pointer lives as long as the encoder; out receives the code only
    /// when the cache is full.
    const T* number_into(double x, T* out) const {
        if (!std::isfinite(x))
            throw non_finite_value("json_encoder: number " + std::to_string(x) + " is not finite");
        const double grid = options_.number_width / 16;
        const bool exact = options_.number_exact_weight > 0;
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(x == 0 ? 0.0 : x);  // -0 is 0
        const auto grid_point = [&] {  // only on a cache miss when keyed by the exact value
            const double u = detail::portable_log(1.0 + std::fabs(x)) / detail::portable_log(10.0);
            return static_cast<std::int64_t>(std::floor((x < 0 ? -u : u) / grid + 0.5));
        };
        auto& c = *cache_;
        const auto key = exact ? static_cast<std::int64_t>(bits) : grid_point();
        {
            const std::lock_guard<std::mutex> guard(c.lock);
            const auto it = c.numbers.find(key);
            if (it != c.numbers.end()) return it->second->data();
        }
        const std::int64_t q = grid_point();
        const double at = static_cast<double>(q) * grid;
        std::vector<double> sum(dim_, 0.0);
        const auto add_unit = [&](const T* v, double weight) {
            const double n = std::sqrt(simd::real_dot(v, v, dim_));
            for (std::size_t i = 0; i < dim_; ++i) sum[i] += weight * static_cast<double>(v[i]) / n;
        };
        add_unit(numbers_.encode(at).data(), 1.0);
        if (options_.number_coarse_width > 0) add_unit(coarse_.encode(at).data(), 1.0);
        if (exact) {
            atom_into(detail::mix64(bits) ^ detail::json_number_domain, out);
            add_unit(out, options_.number_exact_weight);
        }
        const double n = std::sqrt(simd::real_dot(sum.data(), sum.data(), dim_));
        auto made = std::make_shared<std::vector<T>>(dim_);
        for (std::size_t i = 0; i < dim_; ++i) (*made)[i] = static_cast<T>(sum[i] / n);
        const std::size_t bytes = dim_ * sizeof(T) + 64;
        const std::lock_guard<std::mutex> guard(c.lock);
        if (c.number_bytes + bytes <= options_.number_cache_bytes) {
            const auto [it, inserted] = c.numbers.try_emplace(key, std::move(made));
            if (inserted) c.number_bytes += bytes;
            return it->second->data();
        }
        std::copy(made->begin(), made->end(), out);
        return out;
    }

    void check_depth(std::size_t depth) const {
        if (depth > options_.max_depth)
            throw format_error("json_encoder: nesting deeper than " + std::to_string(options_.max_depth));
    }

    /// The unit vector of node: written to out (dim_ values) and returned, or (a number) returned
    /// from the cache without a copy; ws holds the scratch of every level.
    const T* node_into(const nlohmann::json& node, std::size_t depth, T* out, workspace& ws) const {
        using value_t = nlohmann::json::value_t;
        switch (node.type()) {
            case value_t::null:
                literal_into("null", out);
                return out;
            case value_t::boolean:
                literal_into(node.get<bool>() ? "true" : "false", out);
                return out;
            case value_t::string:
                string_into(node.get_ref<const std::string&>(), out);
                return out;
            case value_t::number_integer:
                return number_into(static_cast<double>(node.get<std::int64_t>()), out);
            case value_t::number_unsigned:
                return number_into(static_cast<double>(node.get<std::uint64_t>()), out);
            case value_t::number_float:
                return number_into(node.get<double>(), out);
            case value_t::array: {
                if (node.empty()) {
                    literal_into("[]", out);
                    return out;
                }
                check_depth(depth + 1);
                T* sums = ws.level(depth, dim_);
                T* const item = sums + dim_;
                T* acc = item + dim_;
                std::fill(sums, sums + dim_, T(0));
                if (!options_.ordered_arrays) {  // Q_seq (sum of the items)
                    for (const auto& x : node) {
                        const T* v = node_into(x, depth + 1, item, ws);
                        for (std::size_t i = 0; i < dim_; ++i) sums[i] += v[i];
                    }
                    std::fill(item, item + dim_, T(0));
                    add_bound(*sequence_, sums, item);
                    finish(item, out);
                    return out;
                }
                // Horner: sum_k Q^(k+1) e_k = Q(e_0 + Q(e_1 + ... Q(e_{n-1}))), Q = M S.
                std::fill(acc, acc + dim_, T(0));
                for (std::size_t k = node.size(); k-- > 0;) {
                    const T* v = node_into(node[k], depth + 1, item, ws);
                    for (std::size_t i = 0; i < dim_; ++i) acc[i] += v[i];
                    std::fill(sums, sums + dim_, T(0));
                    add_bound(*sequence_, acc, sums);
                    if (k == 0) break;
                    if (options_.roles != role_kind::haar) mix_in_place(sums);
                    std::swap(acc, sums);
                }
                finish(sums, out);  // the last M comes with the normalisation
                return out;
            }
            case value_t::object: {
                if (node.empty()) {
                    literal_into("{}", out);
                    return out;
                }
                check_depth(depth + 1);
                T* const sums = ws.level(depth, dim_);
                T* const item = sums + dim_;
                std::fill(sums, sums + dim_, T(0));
                std::shared_ptr<const op> keep;
                for (const auto& [key, value] : node.items())
                    add_bound(*key_op(key, keep), node_into(value, depth + 1, item, ws), sums);
                finish(sums, out);
                return out;
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
    std::shared_ptr<const mixing_factors> mixing_ops_;  // M (structured roles only)
    std::shared_ptr<const op> sequence_;
    std::shared_ptr<cache> cache_;
};

/// The cleanup memory of hierarchical path queries: for every JSON Pointer of a corpus, the
/// distinct values seen there (by their serialisation) and their vectors.
///
/// query(vec, "/a/b/c") unbinds one step at a time and, after each step but the last, replaces
/// the noisy intermediate by the most similar value seen at that prefix ("/a", then "/a/b"),
/// the cleanup-memory way of resonator networks: the next step starts from a clean vector, so
/// the noise of the siblings does not add up with depth (a flat value_at carries the siblings of
/// every level along). The last step is cleaned up against the values seen at the full pointer.
/// A wrong intermediate cleanup makes the answer wrong; it is rare while the value's share of
/// its parent is well above the noise of its siblings, about 1/sqrt(dim) per sibling.
///
/// Object keys made only of digits (which a pointer reads as array positions) are not recorded.
/// With ordered_arrays = false an array is an order-free bag: its items have no position to
/// unbind, so they are not recorded (the array itself is) and a query with an array index
/// step throws invalid_parameter.
/// Const members may be called concurrently; add() may not run concurrently with anything.
template <std::size_t D = dynamic, class T = float>
class json_path_memory {
public:
    /// The encoder of the stored values and of the queried vectors.
    using encoder_type = json_encoder<D, T>;
    /// The MBAT vector type of encoder_type (queries take it, cleanups compare against it).
    using vector_type = typename encoder_type::vector_type;

    /// A memory using encoder (copied; copies share the encoder's caches).
    explicit json_path_memory(const encoder_type& encoder) : encoder_(encoder) {}

    /// Records every value of doc below its root at its pointer (values already seen at a
    /// pointer are skipped). Every value is encoded before anything is stored, so a document
    /// that throws (what encoding throws) leaves the memory unchanged.
    void add(const nlohmann::json& doc) {
        std::vector<pending> todo;
        walk(doc, std::string(), todo);
        for (auto& p : todo) store(p);
    }

    /// Number of pointers with recorded values.
    std::size_t paths() const noexcept { return books_.size(); }
    /// Number of (pointer, distinct value) pairs, i.e. vectors stored.
    std::size_t size() const noexcept { return stored_; }

    /// The distinct values seen at pointer (in order of first appearance); nullptr if none. The
    /// pointer is invalidated by the next add().
    const std::vector<nlohmann::json>* values(std::string_view pointer) const {
        const auto it = books_.find(pointer);
        return it == books_.end() ? nullptr : &it->second.values;
    }

    /// Index (into values(pointer)) of the value most similar to v and its cosine. Throws
    /// empty_input if nothing was seen at pointer, dimension_mismatch for a wrong dimension.
    std::pair<std::size_t, double> cleanup(const vector_type& v, std::string_view pointer) const {
        const auto it = books_.find(pointer);
        if (it == books_.end())
            throw empty_input("json_path_memory::cleanup: no values seen at '" + std::string(pointer) + "'");
        detail::check_same_dim("json_path_memory::cleanup", encoder_.dim(), v.dim());
        return best(it->second, v);
    }

    /// Hierarchical query (see the class comment): index into values(pointer) and the cosine
    /// of the last cleanup. Throws empty_input if nothing was seen at pointer, invalid_parameter
    /// for a malformed or empty pointer, or for an array index step when arrays are bags.
    std::pair<std::size_t, double> query(const vector_type& vec, std::string_view pointer) const {
        if (pointer.empty() || pointer.front() != '/')
            throw invalid_parameter("json_path_memory::query: a non-empty JSON Pointer starting with '/' is needed, got '" +
                                    std::string(pointer) + "'");
        if (!encoder_.options().ordered_arrays)
            for (std::size_t at = 0; at < pointer.size();) {  // each reference token
                const std::size_t end = std::min(pointer.find('/', at + 1), pointer.size());
                const std::string_view token = pointer.substr(at + 1, end - at - 1);
                if (!token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos)
                    throw invalid_parameter("json_path_memory::query: '" + std::string(pointer) +
                                            "' has an array position, but arrays are order-free bags (ordered_arrays = false)");
                at = end;
            }
        if (books_.find(pointer) == books_.end())
            throw empty_input("json_path_memory::query: no values seen at '" + std::string(pointer) + "'");
        detail::check_same_dim("json_path_memory::query", encoder_.dim(), vec.dim());
        vector_type v = vec;
        std::size_t start = 0;
        for (;;) {
            const std::size_t end = std::min(pointer.find('/', start + 1), pointer.size());
            v = encoder_.value_at(v, pointer.substr(start, end - start));  // one step
            const std::string_view prefix = pointer.substr(0, end);
            const auto it = books_.find(prefix);
            if (end == pointer.size()) return best(it->second, v);
            if (it != books_.end() && !it->second.values.empty()) {  // continue from a clean vector
                v = it->second.rows.vector(best(it->second, v).first);
            }
            start = end;
        }
    }

private:
    struct book {
        std::vector<nlohmann::json> values;
        item_memory<vector_type> rows;  // row i the vector of values[i]
        std::unordered_map<std::string, std::size_t> seen;
    };

    /// A value of the document being added, encoded but not yet stored.
    struct pending {
        std::string pointer;
        const nlohmann::json* node;
        std::string text;
        vector_type vec;
    };

    void walk(const nlohmann::json& node, const std::string& pointer, std::vector<pending>& todo) const {
        if (!pointer.empty()) record(node, pointer, todo);
        if (node.is_object()) {
            for (const auto& [k, v] : node.items()) {
                if (!k.empty() && k.find_first_not_of("0123456789") == std::string::npos) continue;
                walk(v, pointer + "/" + json_pointer_escape(k), todo);
            }
        } else if (node.is_array() && encoder_.options().ordered_arrays) {
            for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], pointer + "/" + std::to_string(i), todo);
        }
    }

    /// Encodes node first: encoding checks the nesting depth (max_depth) before it recurses, so
    /// the serialisation below never runs deep; invalid UTF-8 in a string is serialised with
    /// U+FFFD (error_handler_t::replace) instead of throwing nlohmann's type_error, so such
    /// strings differing only in their invalid bytes count as one value of the pointer.
    void record(const nlohmann::json& node, const std::string& pointer, std::vector<pending>& todo) const {
        vector_type vec = encoder_.encode(node);
        std::string text = node.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        const auto it = books_.find(pointer);
        if (it != books_.end() && it->second.seen.count(text)) return;
        todo.push_back({pointer, &node, std::move(text), std::move(vec)});
    }

    /// Stores one encoded value (a pointer occurs once per document, so todo has no repeats).
    void store(pending& p) {
        auto it = books_.find(p.pointer);
        if (it == books_.end()) it = books_.emplace(std::move(p.pointer), book{}).first;
        book& b = it->second;
        if (!b.seen.emplace(std::move(p.text), b.values.size()).second) return;
        b.values.push_back(*p.node);
        b.rows.add(p.vec);
        ++stored_;
    }

    static std::pair<std::size_t, double> best(const book& b, const vector_type& v) {
        const match m = b.rows.nearest(v);
        return {m.index, m.similarity};
    }

    encoder_type encoder_;
    std::map<std::string, book, std::less<>> books_;
    std::size_t stored_ = 0;
};

}  // namespace hdc
