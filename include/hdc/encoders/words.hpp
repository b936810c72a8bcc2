// hdc/encoders/words.hpp - word-level text encoders: tokenizer, token codebook, bag of words
// with or without positions, and the sliding window of utterances around a gap.
//
// This is the representation HyperSeg (ALGORITHMS.md section 6.2) segments dialogues with:
// tokens get ids in order of first appearance, each id a hypervector (random, or from a circular
// set so that tokens first seen close together are similar), and an utterance of m tokens is
// the un-normalised bundle u = sum_i rho^(m-1-i)(tok_i) (section 1.7, bundled positions) or the
// plain bag sum_i tok_i. Utterances stay accumulators (MAP-I for bipolar): HyperSeg compares the
// integer sums, not their signs, and windows of utterances are merged accumulators.
//
// Everything is written against the hypervector concept; circular token vectors are the points
// of the shared circular_encoder (encoders/scalar.hpp), so every family has them.
//
// The free functions are pure; vocabulary is a value type (const members may run concurrently,
// add needs exclusive access).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "scalar.hpp"

namespace hdc {

// ---------------------------------------------------------------------------------------------
// Tokenizer

/// How text becomes tokens.
struct tokenizer_options {
    /// Drop English stop-words (english_stop_words()); ignored with character n-grams, which
    /// keep every word (as HyperSeg's released code does).
    bool drop_stop_words = false;
    /// 0: word tokens. n > 0: each word becomes its character n-grams (a word of at most n
    /// characters is one token).
    std::size_t char_ngram = 0;
    /// Strip common English inflections from word tokens (light_stem()).
    bool stem = false;
};

/// A light English stemmer: strips the inflections -ies/-es/-s (plurals, third person), -ed,
/// -ing and -ly when at least three characters remain ("studies" -> "studi", "banks" ->
/// "bank", "walked" -> "walk", "running" -> "runn"). Cheaper and cruder than Porter's; enough
/// to let "bank" and "banks" meet in a bag of words. Words of three characters or fewer and
/// words ending in -ss are kept as they are.
inline std::string light_stem(std::string word) {
    const auto ends = [&](std::string_view suffix) {
        return word.size() >= suffix.size() + 3 && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (word.size() <= 3) return word;
    if (ends("ies")) {
        word.resize(word.size() - 2);  // "ies" -> "i"
        word.back() = 'i';
    }
    else if (ends("sses")) word.resize(word.size() - 2);
    else if (ends("ss")) return word;
    else if (ends("s") && !ends("us") && !ends("is")) word.pop_back();
    if (ends("ing")) word.resize(word.size() - 3);
    else if (ends("ed")) word.resize(word.size() - 2);
    else if (ends("ly")) word.resize(word.size() - 2);
    return word;
}

/// The English stop-word list (NLTK's, which HyperSeg uses), lower case, sorted, with the
/// apostrophes removed as the tokenizer removes them ("don't" -> "dont").
inline std::span<const std::string_view> english_stop_words() noexcept {
    static constexpr std::array<std::string_view, 178> words = {
        "a",         "about",    "above",   "after",   "again",     "against",  "ain",
        "all",       "am",       "an",      "and",     "any",       "are",      "aren",
        "arent",     "as",       "at",      "be",      "because",   "been",     "before",
        "being",     "below",    "between", "both",    "but",       "by",       "can",
        "couldn",    "couldnt",  "d",       "did",     "didn",      "didnt",    "do",
        "does",      "doesn",    "doesnt",  "doing",   "don",       "dont",     "down",
        "during",    "each",     "few",     "for",     "from",      "further",  "had",
        "hadn",      "hadnt",    "has",     "hasn",    "hasnt",     "have",     "haven",
        "havent",    "having",   "he",      "her",     "here",      "hers",     "herself",
        "him",       "himself",  "his",     "how",     "i",         "if",       "in",
        "into",      "is",       "isn",     "isnt",    "it",        "its",      "itself",
        "just",      "ll",       "m",       "ma",      "me",        "mightn",   "mightnt",
        "more",      "most",     "mustn",   "mustnt",  "my",        "myself",   "needn",
        "neednt",    "no",       "nor",     "not",     "now",       "o",        "of",
        "off",       "on",       "once",    "only",    "or",        "other",    "our",
        "ours",      "ourselves", "out",    "over",    "own",       "re",       "s",
        "same",      "shan",     "shant",   "she",     "shes",      "should",   "shouldn",
        "shouldnt",  "shouldve", "so",      "some",    "such",      "t",        "than",
        "that",      "thatll",   "the",     "their",   "theirs",    "them",     "themselves",
        "then",      "there",    "these",   "they",    "this",      "those",    "through",
        "to",        "too",      "under",   "until",   "up",        "ve",       "very",
        "was",       "wasn",     "wasnt",   "we",      "were",      "weren",    "werent",
        "what",      "when",     "where",   "which",   "while",     "who",      "whom",
        "why",       "will",     "with",    "won",     "wont",      "wouldn",   "wouldnt",
        "y",         "you",      "youd",    "youll",   "your",      "youre",    "yours",
        "yourself",  "yourselves", "youve"};
    return words;
}

/// True if word (lower case, apostrophes removed) is an English stop-word.
inline bool is_english_stop_word(std::string_view word) noexcept {
    const auto words = english_stop_words();
    return std::binary_search(words.begin(), words.end(), word);
}

/// Tokens of a text: ASCII letters lower-cased, split at whitespace, ASCII punctuation removed
/// from each word (so "U.S." -> "us", "don't" -> "dont"; other bytes, such as UTF-8, are kept),
/// empty words dropped, then stop-words dropped or words cut into character n-grams as options
/// ask. Never throws on any byte string.
inline std::vector<std::string> tokenize(std::string_view text, const tokenizer_options& options = {}) {
    std::vector<std::string> tokens;
    std::string word;
    const auto flush = [&] {
        if (word.empty()) return;
        if (options.char_ngram > 0) {
            const std::size_t n = options.char_ngram;
            if (word.size() <= n)
                tokens.push_back(word);
            else
                for (std::size_t i = 0; i + n <= word.size(); ++i) tokens.push_back(word.substr(i, n));
        } else if (!options.drop_stop_words || !is_english_stop_word(word)) {
            tokens.push_back(options.stem ? light_stem(word) : word);
        }
        word.clear();
    };
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            flush();
        else if (c >= 'A' && c <= 'Z')
            word.push_back(static_cast<char>(c - 'A' + 'a'));
        else if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
                 (c >= '{' && c <= '~'))
            continue;  // ASCII punctuation
        else if (c >= 0x20)  // letters, digits, bytes of UTF-8 sequences
            word.push_back(ch);
    }
    flush();
    return tokens;
}

// ---------------------------------------------------------------------------------------------
// Token ids and codebook

/// Token ids in order of first appearance: the first new token is 0, the next new one 1, ...
class vocabulary {
public:
    /// The id of token, adding it if it is new.
    std::size_t add(const std::string& token) {
        const auto [it, inserted] = ids_.try_emplace(token, tokens_.size());
        if (inserted) tokens_.push_back(token);
        return it->second;
    }
    /// Ids of a token sequence, adding new tokens in order.
    std::vector<std::size_t> add(std::span<const std::string> tokens) {
        std::vector<std::size_t> out;
        out.reserve(tokens.size());
        for (const std::string& t : tokens) out.push_back(add(t));
        return out;
    }
    /// Number of distinct tokens.
    std::size_t size() const noexcept { return tokens_.size(); }
    /// The token of id (throws invalid_parameter if id is not below size()).
    const std::string& token(std::size_t id) const {
        if (id >= tokens_.size())
            throw invalid_parameter("vocabulary::token: id " + std::to_string(id) + " of " +
                                    std::to_string(tokens_.size()));
        return tokens_[id];
    }

private:
    std::unordered_map<std::string, std::size_t> ids_;
    std::vector<std::string> tokens_;
};

/// How token vectors are chosen.
enum class token_vectors {
    random,   ///< independent atoms, hdc::symbol of the token under the seed
    circular  ///< id k of V gets point k of a circular set of V vectors (HyperSeg's code)
};

namespace detail {

/// count vectors on a circle (HyperSeg's circular set, MAP form): vector k is the point at angle
/// k / count of circular_encoder, so vectors at circular distance d (a fraction of the circle,
/// 0 to 1/2) have expected similarity 1 - 2 d (exactly, for binary and bipolar), 0 opposite each
/// other; for sparse codes 1 - 2 d (1 - 1/L). A circle holds at most
/// circular_encoder<V>::max_points(shape) points (every step changes a component): a larger
/// vocabulary shares them, token k taking the point nearest to its angle. A single token gets
/// point 0 of a two-point circle.
template <hypervector V>
std::vector<V> circular_set(std::size_t count, std::uint64_t seed, const typename V::shape_type& shape) {
    if (count == 0) return {};
    const std::size_t points = std::min(std::max<std::size_t>(count, 2), circular_encoder<V>::max_points(shape));
    const circular_encoder<V> circle({0.0, static_cast<double>(count)}, points, out_of_range::reject, seed, shape);
    std::vector<V> book = circle.points_codebook();
    if (points == count) return book;
    std::vector<V> out;
    out.reserve(count);
    for (std::size_t k = 0; k < count; ++k) out.push_back(book[circle.point_of(static_cast<double>(k))]);
    return out;
}

}  // namespace detail

/// The vectors of token ids 0..vocab.size()-1 under a seed. random: symbol<V>(token, seed), so
/// a token has the same vector in every document. circular: the circular set of vocab.size()
/// points (tokens first seen close together are similar, detail::circular_set).
template <hypervector V>
std::vector<V> token_codebook(const vocabulary& vocab, token_vectors kind, std::uint64_t seed,
                              const typename V::shape_type& shape) {
    if (kind == token_vectors::circular) return detail::circular_set<V>(vocab.size(), seed, shape);
    std::vector<V> out;
    out.reserve(vocab.size());
    for (std::size_t id = 0; id < vocab.size(); ++id) out.push_back(symbol<V>(vocab.token(id), seed, shape));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Utterances and windows

/// Adds the bag of an utterance's tokens to acc: with positions, sum_i rho^(m-1-i)(tok_i) over
/// its m tokens (the last token unpermuted, torchhd bundle_sequence); without, sum_i tok_i.
/// ids index codebook (invalid_parameter, before any change, if one does not).
template <hypervector V>
void add_utterance(typename V::accumulator_type& acc, std::span<const std::size_t> ids,
                   std::span<const V> codebook, bool positions) {
    for (const std::size_t id : ids)
        if (id >= codebook.size())
            throw invalid_parameter("encode_utterance: token id " + std::to_string(id) +
                                    " outside the codebook of " + std::to_string(codebook.size()));
    const std::size_t m = ids.size();
    for (std::size_t i = 0; i < m; ++i) {
        if (positions && i + 1 != m)
            acc.add(permute(codebook[ids[i]], static_cast<std::ptrdiff_t>(m - 1 - i)));
        else
            acc.add(codebook[ids[i]]);
    }
}

/// The un-normalised bag of an utterance's tokens (see add_utterance); an empty utterance gives
/// an empty accumulator.
template <hypervector V>
typename V::accumulator_type encode_utterance(std::span<const std::size_t> ids, std::span<const V> codebook,
                                              bool positions, const typename V::shape_type& shape) {
    typename V::accumulator_type acc(shape);
    add_utterance<V>(acc, ids, codebook, positions);
    return acc;
}

/// The two windows around gap j (between utterances j and j+1): the merged bundles of the w
/// utterances before it (j-w+1..j) and the w after it (j+1..j+w), cut at the ends. Throws
/// invalid_parameter if j + 1 >= utterances.size() or w == 0.
template <class A>
std::pair<A, A> window_bundles(std::span<const A> utterances, std::size_t j, std::size_t w) {
    if (w == 0) throw invalid_parameter("window_bundles: the window must hold at least one utterance");
    if (j + 1 >= utterances.size())
        throw invalid_parameter("window_bundles: gap " + std::to_string(j) + " of " +
                                std::to_string(utterances.size()) + " utterances");
    A before = utterances[j];
    for (std::size_t i = j > w - 1 ? j - (w - 1) : 0; i < j; ++i) before.merge(utterances[i]);
    A after = utterances[j + 1];
    for (std::size_t i = j + 2; i <= std::min(j + w, utterances.size() - 1); ++i) after.merge(utterances[i]);
    return {std::move(before), std::move(after)};
}

/// An accumulator that exposes its per-component sums (binary and bipolar vote sums, the real
/// families' weighted sums).
template <class A>
concept summing_accumulator = requires(const A& a) {
    { a.sums() } -> std::ranges::sized_range;
};

/// Cosine of two un-normalised bundles' sums (0 if either is zero); dimension_mismatch if their
/// dimensions differ. The MAP-I comparison HyperSeg makes (cos of the integer sums).
template <summing_accumulator A>
double bundle_cosine(const A& a, const A& b) {
    if (a.dim() != b.dim())
        throw dimension_mismatch("bundle_cosine", a.dim(), b.dim());
    const auto sa = a.sums();
    const auto sb = b.sums();
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.dim(); ++i) {
        const auto x = static_cast<double>(sa[i]), y = static_cast<double>(sb[i]);
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    return aa == 0 || bb == 0 ? 0.0 : ab / std::sqrt(aa * bb);
}

}  // namespace hdc
