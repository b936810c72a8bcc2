// hdc/encoders/text.hpp - letter n-gram text encoding and a class-prototype text classifier.
//
// A text_alphabet turns text into symbol ids: bytes, or UTF-8 code points when asked (malformed
// UTF-8 is rejected with its byte offset); ASCII upper case folds to lower case; a user table maps
// further code points (transliteration); anything else is mapped to a replacement symbol, skipped
// or rejected, as chosen. A text_encoder<V> gives the n-gram statistics of a text: the sum of its
// n-gram vectors in V's accumulator (ALGORITHMS.md section 6.1 steps 3-4). The
// prototype_classifier keeps one accumulator per class and predicts the most similar one; the
// text_classifier puts both together, with several n-gram orders whose scores are summed and
// perceptron retraining (OnlineHD / AdaptHD style). Works with every family; binary and bipolar
// use the packed-bit fast paths of ngram.hpp.
//
// Thread safety: all classes here are values; const members may be called concurrently.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/storage.hpp"
#include "../simd/bitslice.hpp"
#include "ngram.hpp"

namespace hdc {

/// What a text_alphabet does with input that is not one of its symbols (nor mapped to one).
enum class unknown_symbols {
    map,     ///< replaced by the alphabet's replacement symbol (space for the default alphabet)
    skip,    ///< dropped, as if absent from the text
    reject,  ///< format_error naming the byte offset and the value
};

namespace detail {

/// "U+00E9" or "byte 0xE9".
inline std::string describe_code(char32_t c, bool code_point) {
    char buf[32];
    if (code_point)
        std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    else
        std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(c));
    return buf;
}

/// Decodes the UTF-8 code point at text[i], advancing i; throws format_error naming the byte
/// offset for a truncated sequence, a stray continuation byte, an overlong form, a surrogate or
/// a value above U+10FFFF.
inline char32_t decode_utf8(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const std::size_t start = i;
    const unsigned b0 = byte(i);
    const auto fail = [&](const char* why) -> char32_t {
        throw format_error("text: malformed UTF-8 at byte offset " + std::to_string(start) + " (" +
                           why + ")");
    };
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t len;
    char32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
    } else if (b0 >= 0x80 && b0 <= 0xBF) {
        return fail("continuation byte without a lead byte");
    } else {
        return fail("invalid lead byte");
    }
    if (start + len > text.size()) return fail("truncated sequence");
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned b = byte(start + k);
        if ((b & 0xC0) != 0x80) return fail("missing continuation byte");
        cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return fail("overlong encoding");
    if (cp >= 0xD800 && cp <= 0xDFFF) return fail("surrogate code point");
    if (cp > 0x10FFFF) return fail("code point above U+10FFFF");
    i = start + len;
    return cp;
}

}  // namespace detail

/// Maps text to symbol ids 0 .. size() - 1. See the file comment.
class text_alphabet {
public:
    /// The default alphabet: 'a'-'z' then space (ids 0-26), bytes, 'A'-'Z' folded to lower case,
    /// every other byte (digits, punctuation, newline, bytes >= 0x80) handled by `policy`, with
    /// space as the replacement.
    static text_alphabet latin(unknown_symbols policy = unknown_symbols::map) {
        return text_alphabet("abcdefghijklmnopqrstuvwxyz ", false, policy, U' ');
    }

    /// An alphabet whose symbols are the characters of `symbols`, in order: bytes, or UTF-8 code
    /// points when `utf8` is set. `replacement` (one of the symbols) stands for unknown input
    /// under unknown_symbols::map. ASCII upper-case letters fold to their lower case when that is
    /// a symbol and they are not. Throws empty_input for no symbols, invalid_parameter for a
    /// repeated symbol or a replacement that is not a symbol, format_error for malformed UTF-8.
    text_alphabet(std::string_view symbols, bool utf8, unknown_symbols policy,
                  char32_t replacement = U' ')
        : utf8_(utf8), policy_(policy) {
        std::size_t i = 0;
        while (i < symbols.size()) {
            const char32_t c = utf8 ? detail::decode_utf8(symbols, i)
                                    : static_cast<unsigned char>(symbols[i++]);
            if (codes_.contains(c))
                throw invalid_parameter("text_alphabet: symbol " + detail::describe_code(c, utf8) +
                                        " given twice");
            codes_.emplace(c, static_cast<symbol_id>(symbols_.size()));
            symbols_.push_back(c);
        }
        if (symbols_.empty()) throw empty_input("text_alphabet: no symbols");
        if (policy == unknown_symbols::map) {
            const auto it = codes_.find(replacement);
            if (it == codes_.end())
                throw invalid_parameter("text_alphabet: the replacement " +
                                        detail::describe_code(replacement, utf8) +
                                        " is not a symbol");
            replacement_ = static_cast<std::int32_t>(it->second);
        }
        for (char32_t c = U'A'; c <= U'Z'; ++c) {
            const auto lower = codes_.find(c + 32);
            if (!codes_.contains(c) && lower != codes_.end()) codes_.emplace(c, lower->second);
        }
        rebuild_table();
    }

    /// Input `from` is read as symbol `to` (e.g. U'é' -> U'e', or a transliteration table entry
    /// by entry). Throws invalid_parameter if `to` is not a symbol, or (byte alphabets) `from`
    /// is not a byte.
    text_alphabet& map(char32_t from, char32_t to) {
        const auto it = codes_.find(to);
        if (it == codes_.end())
            throw invalid_parameter("text_alphabet::map: target " + detail::describe_code(to, utf8_) +
                                    " is not a symbol");
        if (!utf8_ && from > 0xFF)
            throw invalid_parameter("text_alphabet::map: " + detail::describe_code(from, true) +
                                    " is not a byte (a byte alphabet reads bytes)");
        codes_[from] = it->second;
        rebuild_table();
        return *this;
    }

    /// Number of symbols.
    std::size_t size() const noexcept { return symbols_.size(); }
    /// The character (byte or code point) of symbol id s. No bounds check.
    char32_t symbol(symbol_id s) const noexcept { return symbols_[s]; }
    /// Whether input is decoded as UTF-8.
    bool utf8() const noexcept { return utf8_; }
    /// The policy for unknown input.
    unknown_symbols policy() const noexcept { return policy_; }

    /// Appends the symbol ids of `text` to `out`. Throws format_error for malformed UTF-8 or a
    /// rejected unknown character, naming the byte offset; `out` is then unchanged.
    void translate(std::string_view text, std::vector<symbol_id>& out) const {
        const std::size_t before = out.size();
        try {
            if (!utf8_) {
                for (std::size_t i = 0; i < text.size(); ++i)
                    put(table_[static_cast<unsigned char>(text[i])],
                        static_cast<unsigned char>(text[i]), i, out);
            } else {
                std::size_t i = 0;
                while (i < text.size()) {
                    const std::size_t at = i;
                    const auto b = static_cast<unsigned char>(text[i]);
                    if (b < 0x80) {
                        put(table_[b], b, at, out);
                        ++i;
                        continue;
                    }
                    const char32_t c = detail::decode_utf8(text, i);
                    const auto it = codes_.find(c);
                    put(it == codes_.end() ? -1 : static_cast<std::int32_t>(it->second), c, at, out);
                }
            }
        } catch (...) {
            out.resize(before);
            throw;
        }
    }
    /// The symbol ids of `text` (see the other overload).
    std::vector<symbol_id> translate(std::string_view text) const {
        std::vector<symbol_id> out;
        out.reserve(text.size());
        translate(text, out);
        return out;
    }

private:
    void put(std::int32_t id, char32_t c, std::size_t offset, std::vector<symbol_id>& out) const {
        if (id >= 0) {
            out.push_back(static_cast<symbol_id>(id));
            return;
        }
        switch (policy_) {
            case unknown_symbols::map: out.push_back(static_cast<symbol_id>(replacement_)); return;
            case unknown_symbols::skip: return;
            case unknown_symbols::reject:
                throw format_error("text: " + detail::describe_code(c, utf8_ && c >= 0x80) +
                                   " at byte offset " + std::to_string(offset) +
                                   " is not in the alphabet");
        }
    }

    void rebuild_table() {
        for (std::size_t b = 0; b < 256; ++b) {
            const auto it = codes_.find(static_cast<char32_t>(b));
            table_[b] = it == codes_.end() ? -1 : static_cast<std::int32_t>(it->second);
        }
    }

    bool utf8_;
    unknown_symbols policy_;
    std::int32_t replacement_ = -1;
    std::vector<char32_t> symbols_;
    std::unordered_map<char32_t, symbol_id> codes_;  // input character -> symbol id
    std::int32_t table_[256];                       // codes_ for bytes / ASCII, -1 if unknown
};

/// Seed of the text encoders' atoms unless the caller gives one.
inline constexpr std::uint64_t default_text_seed = 0x6E6772616D2D3031ull;  // "ngram-01"

/// The n-gram statistics of texts over an alphabet: the accumulator of the sum of all n-gram
/// vectors (section 6.1). Symbol atoms are hdc::symbol<V>(character, seed), so a letter has the
/// same atom in every alphabet that contains it.
template <hypervector V>
class text_encoder {
public:
    using vector_type = V;                      ///< the family encoded into
    using shape_type = typename V::shape_type;  ///< the family's shape (dimension)

    /// Texts of counting_threshold symbols or more are encoded by counting distinct n-grams
    /// first (the same sums, fewer vector additions); shorter ones streaming.
    static constexpr std::size_t counting_threshold = 8192;

    /// An encoder of order n. Throws invalid_parameter for n = 0.
    text_encoder(text_alphabet alphabet, std::size_t n, const shape_type& shape,
                 std::uint64_t seed = default_text_seed)
        : alphabet_(std::move(alphabet)), ngrams_(make_atoms(alphabet_, shape, seed), n) {}

    /// The alphabet that translates text into symbol ids.
    const text_alphabet& alphabet() const noexcept { return alphabet_; }
    /// The n-gram encoder over the symbols' atoms.
    const ngram_encoder<V>& ngrams() const noexcept { return ngrams_; }
    /// The n-gram order n.
    std::size_t order() const noexcept { return ngrams_.order(); }
    /// The shape of the encoded vectors.
    const shape_type& shape() const noexcept { return ngrams_.shape(); }

    /// Adds the n-grams of `text` to acc (nothing if it has fewer than n symbols). Throws
    /// format_error for malformed UTF-8 or a rejected character (byte offset in the message),
    /// before any change.
    void encode_into(std::string_view text, accumulator<V>& acc) const {
        const std::vector<symbol_id> symbols = alphabet_.translate(text);
        encode_symbols_into(symbols, acc);
    }
    /// Adds the n-grams of already translated symbols to acc.
    void encode_symbols_into(std::span<const symbol_id> symbols, accumulator<V>& acc) const {
        if (symbols.size() >= counting_threshold)
            ngrams_.accumulate_counted(symbols, acc);
        else
            ngrams_.accumulate(symbols, acc);
    }
    /// Adds the n-grams of several texts laid out one after the other, text i ending at ends[i]
    /// (no window crosses from one text to the next; see ngram_encoder::accumulate_counted).
    void encode_symbols_into(std::span<const symbol_id> symbols, std::span<const std::size_t> ends,
                             accumulator<V>& acc) const {
        ngrams_.accumulate_counted(symbols, ends, acc);
    }
    /// The n-gram statistics of `text`: an accumulator whose count() is the number of n-grams
    /// (0 for a text of fewer than n symbols).
    accumulator<V> encode(std::string_view text) const {
        accumulator<V> acc(shape());
        encode_into(text, acc);
        return acc;
    }
    /// The bundle (acc.result()) of the n-grams of `text`. Throws empty_input for a text of
    /// fewer than n symbols.
    V encode_vector(std::string_view text) const {
        const accumulator<V> acc = encode(text);
        if (acc.count() == 0)
            throw empty_input("text_encoder: text has fewer than " + std::to_string(order()) +
                              " symbols");
        return acc.result();
    }

private:
    static std::vector<V> make_atoms(const text_alphabet& a, const shape_type& shape,
                                     std::uint64_t seed) {
        std::vector<V> atoms;
        atoms.reserve(a.size());
        for (std::size_t s = 0; s < a.size(); ++s)
            atoms.push_back(
                symbol<V>(static_cast<std::uint64_t>(a.symbol(static_cast<symbol_id>(s))), seed, shape));
        return atoms;
    }

    text_alphabet alphabet_;
    ngram_encoder<V> ngrams_;
};

/// One accumulator (prototype) per class; predicts the class whose prototype is most similar to
/// a query: similarity(prototype, q) (cosine against the integer sums for MAP-I), or, with
/// binarized prototypes, similarity(prototype.result(), q). Per-class norms or binarized vectors
/// are cached at each change, so scoring reads each prototype once.
template <hypervector V>
class prototype_classifier {
public:
    using shape_type = typename V::shape_type;

    /// No classes yet, for vectors of the given shape.
    explicit prototype_classifier(const shape_type& shape, bool binarized = false)
        : shape_(shape), binarized_(binarized) {}

    /// Adds a class with an empty prototype; returns its index. Throws invalid_parameter for a
    /// label already present.
    std::size_t add_class(std::string label) {
        if (find(label)) throw invalid_parameter("prototype_classifier: class '" + label + "' added twice");
        labels_.push_back(std::move(label));
        profiles_.emplace_back(shape_);
        norms_.push_back(0.0);
        if (binarized_) vectors_.push_back(profiles_.back().result());
        refresh(labels_.size() - 1);
        return labels_.size() - 1;
    }
    /// Number of classes.
    std::size_t classes() const noexcept { return labels_.size(); }
    /// Label of class c. No bounds check.
    const std::string& label(std::size_t c) const noexcept { return labels_[c]; }
    /// Index of a label, if present.
    std::optional<std::size_t> find(std::string_view label) const {
        for (std::size_t c = 0; c < labels_.size(); ++c)
            if (labels_[c] == label) return c;
        return std::nullopt;
    }
    /// Whether prototypes are binarized for scoring.
    bool binarized() const noexcept { return binarized_; }
    /// The prototype (un-normalised bundle) of class c.
    const accumulator<V>& profile(std::size_t c) const {
        check_class(c);
        return profiles_[c];
    }

    /// Adds encoded examples (an accumulator, e.g. a text's n-gram statistics) to class c.
    void add(std::size_t c, const accumulator<V>& encoded) {
        check_class(c);
        profiles_[c].merge(encoded);
        refresh(c);
    }
    /// Adds weight * v to class c (negative weights move it away from v).
    void add(std::size_t c, const V& v, double weight = 1.0) {
        check_class(c);
        profiles_[c].add(v, weight);
        refresh(c);
    }

    /// Similarity of q to the prototype of class c.
    double score(std::size_t c, const V& q) const {
        check_class(c);
        if (binarized_) return similarity(vectors_[c], q);
        if constexpr (vote_family<V>) {
            detail::check_same_dim("prototype_classifier::score", profiles_[c].dim(), q.dim());
            aligned_buffer<std::uint64_t> scratch(profiles_[c].words());
            return vote_score(c, accumulator<V>::sign_bits(q, scratch.data()));
        } else {
            return similarity(profiles_[c], q);
        }
    }
    /// The scores of every class.
    std::vector<double> scores(const V& q) const {
        std::vector<double> out(classes());
        if constexpr (vote_family<V>) {
            if (!binarized_ && classes() != 0) {
                detail::check_same_dim("prototype_classifier::scores", profiles_[0].dim(), q.dim());
                aligned_buffer<std::uint64_t> scratch(profiles_[0].words());
                const std::uint64_t* bits = accumulator<V>::sign_bits(q, scratch.data());
                for (std::size_t c = 0; c < classes(); ++c) out[c] = vote_score(c, bits);
                return out;
            }
        }
        for (std::size_t c = 0; c < classes(); ++c) out[c] = score(c, q);
        return out;
    }
    /// The class of highest score (the lowest index among equal scores). Throws empty_input
    /// without classes.
    std::size_t predict(const V& q) const { return best(scores(q)); }

    /// Index of the largest score, the lowest among equals. Throws empty_input for no scores.
    static std::size_t best(const std::vector<double>& s) {
        if (s.empty()) throw empty_input("prototype_classifier: no classes");
        return static_cast<std::size_t>(std::max_element(s.begin(), s.end()) - s.begin());
    }

private:
    template <hypervector>
    friend class text_classifier;

    /// Installs a prototype built from a copy of profile(c) (all-or-nothing updates of several
    /// classes and orders: build every new prototype first, then install them).
    void replace(std::size_t c, accumulator<V>&& p) {
        profiles_[c] = std::move(p);
        refresh(c);
    }

    void check_class(std::size_t c) const {
        if (c >= classes())
            throw invalid_parameter("prototype_classifier: class index " + std::to_string(c) +
                                    " out of range (" + std::to_string(classes()) + " classes)");
    }
    /// Vote families: cosine of the sums with the query's bipolar image, as similarity(acc, q),
    /// from the cached int32 sums (one streaming pass).
    double vote_score(std::size_t c, const std::uint64_t* bits) const {
        const double norm2 = norms_[c];
        if (norm2 == 0) return 0.0;
        const std::size_t dim = profiles_[c].dim();
        const std::int64_t d = simd::signed_sum(sums_[c].data(), bits, dim);
        return static_cast<double>(d) / std::sqrt(norm2 * static_cast<double>(dim));
    }
    void refresh(std::size_t c) {
        if constexpr (vote_family<V>) {
            norms_[c] = profiles_[c].sum_squares();
            const std::vector<std::int32_t> s = profiles_[c].sums();
            if (sums_.size() <= c) sums_.resize(c + 1);
            sums_[c] = aligned_buffer<std::int32_t>(s.size());
            std::copy(s.begin(), s.end(), sums_[c].data());
        }
        if (binarized_) vectors_[c] = profiles_[c].result();
    }

    shape_type shape_;
    bool binarized_;
    std::vector<std::string> labels_;
    std::vector<accumulator<V>> profiles_;
    std::vector<double> norms_;  // vote families: sum of squares of each prototype
    std::vector<aligned_buffer<std::int32_t>> sums_;  // vote families: each prototype's sums
    std::vector<V> vectors_;     // binarized prototypes
};

/// Options of a text_classifier.
struct text_classifier_options {
    /// n-gram orders; each has its own prototypes, and the class scores of all orders are summed.
    std::vector<std::size_t> orders{4};
    /// Score against binarized prototypes (the hardware variant of section 6.1).
    bool binarize_profiles = false;
    /// Seed of the symbol atoms.
    std::uint64_t seed = default_text_seed;
};

/// A letter n-gram language / text classifier: text_encoder + prototype_classifier per order.
template <hypervector V>
class text_classifier {
public:
    using shape_type = typename V::shape_type;
    /// A text encoded for every order: its bundled n-gram vectors.
    using query = std::vector<V>;

    /// Throws invalid_parameter for no orders, an order 0 or one given twice.
    text_classifier(text_alphabet alphabet, const shape_type& shape, text_classifier_options options = {})
        : alphabet_(std::move(alphabet)), options_(std::move(options)) {
        if (options_.orders.empty()) throw invalid_parameter("text_classifier: no n-gram order");
        for (std::size_t i = 0; i < options_.orders.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j)
                if (options_.orders[i] == options_.orders[j])
                    throw invalid_parameter("text_classifier: order " +
                                            std::to_string(options_.orders[i]) + " given twice");
            encoders_.emplace_back(alphabet_, options_.orders[i], shape, options_.seed);
            models_.emplace_back(shape, options_.binarize_profiles);
        }
    }

    /// The alphabet shared by every order's encoder.
    const text_alphabet& alphabet() const noexcept { return alphabet_; }
    /// The options the classifier was built with.
    const text_classifier_options& options() const noexcept { return options_; }
    /// The encoder and the prototypes of the i-th order.
    const text_encoder<V>& encoder(std::size_t i) const { return encoders_.at(i); }
    const prototype_classifier<V>& model(std::size_t i) const { return models_.at(i); }
    /// Number of classes (the same in every order).
    std::size_t classes() const noexcept { return models_[0].classes(); }
    /// Label of class c. No bounds check.
    const std::string& label(std::size_t c) const noexcept { return models_[0].label(c); }
    /// Index of a label, if present.
    std::optional<std::size_t> find(std::string_view label) const { return models_[0].find(label); }

    /// Adds a class; returns its index. Throws invalid_parameter for a label given twice.
    std::size_t add_class(const std::string& label) {
        if (find(label)) throw invalid_parameter("text_classifier: class '" + label + "' added twice");
        std::size_t c = 0;
        for (auto& m : models_) c = m.add_class(label);
        return c;
    }

    /// The n-gram statistics of a text for each order (translated once).
    std::vector<accumulator<V>> statistics(std::span<const symbol_id> symbols) const {
        std::vector<accumulator<V>> out;
        for (const auto& e : encoders_) {
            out.emplace_back(e.shape());
            e.encode_symbols_into(symbols, out.back());
        }
        return out;
    }
    /// The n-gram statistics of several texts laid out one after the other (text i ends at
    /// ends[i]; no n-gram crosses from one to the next), e.g. the sentences of a training file.
    std::vector<accumulator<V>> statistics(std::span<const symbol_id> symbols,
                                           std::span<const std::size_t> ends) const {
        std::vector<accumulator<V>> out;
        for (const auto& e : encoders_) {
            out.emplace_back(e.shape());
            e.encode_symbols_into(symbols, ends, out.back());
        }
        return out;
    }
    /// Adds the statistics of a training text (see statistics) to class c. Throws empty_input if
    /// the text is too short for the largest order, invalid_parameter for a bad class or a sum
    /// that would leave an integer range, all before any change (every order or none).
    void train(std::size_t c, const std::vector<accumulator<V>>& stats) {
        if (stats.size() != models_.size())
            throw invalid_parameter("text_classifier::train: statistics of " +
                                    std::to_string(stats.size()) + " orders, expected " +
                                    std::to_string(models_.size()));
        check_class("train", c);
        for (const auto& s : stats)
            if (s.count() == 0) throw empty_input("text_classifier::train: training text too short");
        std::vector<accumulator<V>> updated;
        updated.reserve(models_.size());
        for (std::size_t i = 0; i < models_.size(); ++i) {
            updated.push_back(models_[i].profile(c));
            updated.back().merge(stats[i]);  // may refuse: nothing installed yet
        }
        for (std::size_t i = 0; i < models_.size(); ++i) models_[i].replace(c, std::move(updated[i]));
    }
    /// Trains class c on a text (translated by the alphabet: format_error on bad input).
    void train(std::size_t c, std::string_view text) {
        train(c, statistics(alphabet_.translate(text)));
    }

    /// The query of a symbol sequence: one bundled n-gram vector per order. Throws empty_input if
    /// it has fewer symbols than the largest order.
    query encode(std::span<const symbol_id> symbols) const {
        query q;
        for (const auto& e : encoders_) {
            accumulator<V> acc(e.shape());
            e.encode_symbols_into(symbols, acc);
            if (acc.count() == 0)
                throw empty_input("text_classifier: text has fewer than " +
                                  std::to_string(e.order()) + " symbols");
            q.push_back(acc.result());
        }
        return q;
    }
    /// The query of a text (format_error on bad input, empty_input when too short).
    query encode(std::string_view text) const { return encode(alphabet_.translate(text)); }

    /// Class scores: the sum over orders of similarity to each prototype.
    std::vector<double> scores(const query& q) const {
        check_query(q);
        std::vector<double> total(classes(), 0.0);
        for (std::size_t i = 0; i < models_.size(); ++i) {
            const auto s = models_[i].scores(q[i]);
            for (std::size_t c = 0; c < total.size(); ++c) total[c] += s[c];
        }
        return total;
    }
    /// The best class of a query (lowest index among equal scores).
    std::size_t predict(const query& q) const { return prototype_classifier<V>::best(scores(q)); }
    /// The best class of a text.
    std::size_t predict(std::string_view text) const { return predict(encode(text)); }

    /// One perceptron correction (OnlineHD / AdaptHD style): when `predicted` differs from
    /// `truth`, adds w * q to the true class and subtracts it from the predicted one, order by
    /// order, w = weights[order index]. Returns whether anything changed. Throws (hdc::error)
    /// for a query or weights of the wrong number of orders, a class index out of range, a
    /// non-finite weight, or a weight or sum the accumulator refuses (fractional weights on
    /// integer families, for instance), all before any change: every prototype or none moves.
    bool correct(const query& q, std::size_t truth, std::size_t predicted,
                 const std::vector<double>& weights) {
        check_query(q);
        check_class("correct", truth);
        check_class("correct", predicted);
        if (weights.size() != models_.size())
            throw invalid_parameter("text_classifier::correct: " + std::to_string(weights.size()) +
                                    " weights, expected one per order (" +
                                    std::to_string(models_.size()) + ")");
        for (const double w : weights)
            if (!std::isfinite(w))
                throw non_finite_value("text_classifier::correct: weight must be finite, got " +
                                       std::to_string(w));
        if (truth == predicted) return false;
        // Build the new prototypes of both classes in every order, then install them.
        std::vector<accumulator<V>> plus, minus;
        plus.reserve(models_.size());
        minus.reserve(models_.size());
        for (std::size_t i = 0; i < models_.size(); ++i) {
            plus.push_back(models_[i].profile(truth));
            plus.back().add(q[i], weights[i]);
            minus.push_back(models_[i].profile(predicted));
            minus.back().add(q[i], -weights[i]);
        }
        for (std::size_t i = 0; i < models_.size(); ++i) {
            models_[i].replace(truth, std::move(plus[i]));
            models_[i].replace(predicted, std::move(minus[i]));
        }
        return true;
    }
    /// Retraining weights proportional to the prototypes' scale: per order, `rate` times the
    /// mean over classes of the root mean square of the prototype (rounded, at least 1), so a
    /// correction moves a prototype by a fixed fraction whatever the training size.
    std::vector<double> retrain_weights(double rate) const {
        if (!(rate > 0) || !std::isfinite(rate))
            throw invalid_parameter("text_classifier: retraining rate must be positive");
        std::vector<double> w;
        for (const auto& m : models_) {
            double sum = 0;
            for (std::size_t c = 0; c < m.classes(); ++c) {
                const auto& p = m.profile(c);
                double rms;
                if constexpr (vote_family<V>) {
                    rms = std::sqrt(p.sum_squares() / static_cast<double>(p.dim()));
                } else if constexpr (requires { p.sums(); }) {
                    double squares = 0;
                    std::size_t size = 0;
                    for (const auto x : p.sums()) {
                        squares += static_cast<double>(x) * static_cast<double>(x);
                        ++size;
                    }
                    rms = size ? std::sqrt(squares / static_cast<double>(size)) : 0.0;
                } else {
                    rms = std::sqrt(std::max(1.0, p.count()));  // a random walk's scale
                }
                sum += rms;
            }
            const double mean = m.classes() ? sum / static_cast<double>(m.classes()) : 1.0;
            w.push_back(std::max(1.0, std::round(rate * mean)));
        }
        return w;
    }

private:
    void check_class(const char* operation, std::size_t c) const {
        if (c >= classes())
            throw invalid_parameter(std::string("text_classifier::") + operation + ": class index " +
                                    std::to_string(c) + " out of range (" +
                                    std::to_string(classes()) + " classes)");
    }
    void check_query(const query& q) const {
        if (q.size() != models_.size())
            throw invalid_parameter("text_classifier: query of " + std::to_string(q.size()) +
                                    " orders, expected " + std::to_string(models_.size()));
    }

    text_alphabet alphabet_;
    text_classifier_options options_;
    std::vector<text_encoder<V>> encoders_;
    std::vector<prototype_classifier<V>> models_;
};

/// A labelled line of a `label<TAB>text` file.
struct labelled_text {
    std::string label;     ///< the class label (before the first tab, not empty)
    std::string text;      ///< everything after the first tab
    std::size_t line = 0;  ///< 1-based line number in its source
};

/// Reads `label<TAB>text` lines (the text is everything after the first tab; a trailing '\r' is
/// dropped; empty lines are skipped). Throws format_error naming `source` and the line for a
/// line without a tab or with an empty label.
inline std::vector<labelled_text> read_labelled_lines(std::istream& in, const std::string& source) {
    std::vector<labelled_text> out;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos)
            throw format_error(source + ":" + std::to_string(number) +
                               ": no tab between label and text");
        if (tab == 0) throw format_error(source + ":" + std::to_string(number) + ": empty label");
        out.push_back({line.substr(0, tab), line.substr(tab + 1), number});
    }
    if (in.bad()) throw format_error(source + ": read error after line " + std::to_string(number));
    return out;
}

}  // namespace hdc
