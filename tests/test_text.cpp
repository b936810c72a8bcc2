// Tests of encoders/ngram.hpp and encoders/text.hpp: the streaming n-gram encoder against the
// naive window product for every family, the alphabet and UTF-8 handling, malformed input, and
// a small deterministic classification.
#include "helpers.hpp"
#include "model_info.hpp"

#include <hdc/encoders/ngram.hpp>
#include <hdc/encoders/text.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

using hdc::symbol_id;
using real_1001 = hdc::real<1001>;
using sparse_1001x61 = hdc::sparse<1001, 61>;
using mbat_64 = hdc::mbat<64, double>;

/// A deterministic symbol sequence over `symbols` ids.
std::vector<symbol_id> random_text(std::uint64_t seed, std::size_t length, std::size_t symbols) {
    hdc::rng gen(seed);
    std::vector<symbol_id> out(length);
    for (auto& s : out) s = static_cast<symbol_id>(gen() % symbols);
    return out;
}

template <class V>
std::vector<V> atoms_of(std::size_t count, std::uint64_t seed) {
    hdc::rng gen(seed);
    std::vector<V> atoms;
    for (std::size_t i = 0; i < count; ++i) atoms.push_back(hdc::random<V>(gen));
    return atoms;
}

/// The naive n-grams of a text: the window product of ngram_naive at every position.
template <class V>
std::vector<V> naive_grams(const std::vector<V>& atoms, const std::vector<symbol_id>& text,
                           std::size_t n) {
    std::vector<V> out;
    for (std::size_t t = 0; t + n <= text.size(); ++t) {
        std::vector<V> window;
        for (std::size_t i = 0; i < n; ++i) window.push_back(atoms[text[t + i]]);
        out.push_back(hdc::ngram_naive<V>(window));
    }
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("streaming n-grams equal the naive window product bit for bit", "[text][ngram]",
                   hdc::binary<1001>, hdc::binary<128>, hdc::bipolar<1001>, sparse_1001x61,
                   real_1001, hdc::phasor<1001>, mbat_64) {
    using V = TestType;
    const auto atoms = atoms_of<V>(7, 11);
    const auto text = random_text(5, 40, atoms.size());
    for (std::size_t n : {1u, 2u, 3u, 5u}) {
        CAPTURE(n);
        const hdc::ngram_encoder<V> enc(atoms, n);
        const auto expected = naive_grams(atoms, text, n);
        std::vector<V> got;
        enc.for_each(text, [&](const V& g) { got.push_back(g); });
        REQUIRE(got.size() == expected.size());
        for (std::size_t t = 0; t < got.size(); ++t) REQUIRE(got[t] == expected[t]);
        // gram() of one window, from the precomputed rotations.
        REQUIRE(enc.gram(std::span<const symbol_id>(text.data() + 3, n)) == expected[3]);

        if constexpr (hdc::vote_family<V>) {
            std::size_t t = 0;
            enc.for_each_sign_bits(text, [&](const std::uint64_t* bits) {
                REQUIRE(hdc::accumulator<V>::from_sign_bits(bits, atoms[0].dim()) == expected[t]);
                ++t;
            });
            REQUIRE(t == expected.size());
        }

        // accumulate() streams the same sums as adding the naive grams in order; the counting
        // path gives the same sums (exactly for integer sums).
        hdc::accumulator<V> naive(atoms[0].shape()), streamed(atoms[0].shape()),
            counted(atoms[0].shape());
        for (const V& g : expected) naive.add(g);
        enc.accumulate(text, streamed);
        enc.accumulate_counted(text, counted);
        using info = hdc_test::model_info<V>;
        REQUIRE(info::sums(streamed) == info::sums(naive));
        if constexpr (hdc::exact_ngram_update<V>)
            REQUIRE(info::sums(counted) == info::sums(naive));
        else
            REQUIRE(hdc_test::max_abs_diff(info::sums(counted), info::sums(naive)) < 1e-9 * 40);
        REQUIRE(streamed.count() == static_cast<double>(expected.size()));
    }
}

TEST_CASE("exact streaming families are the ones with an exact abelian binding", "[text][ngram]") {
    STATIC_REQUIRE(hdc::exact_ngram_update<hdc::binary<1001>>);
    STATIC_REQUIRE(hdc::exact_ngram_update<hdc::bipolar<hdc::dynamic>>);
    STATIC_REQUIRE(hdc::exact_ngram_update<sparse_1001x61>);
    STATIC_REQUIRE(!hdc::exact_ngram_update<real_1001>);
    STATIC_REQUIRE(!hdc::exact_ngram_update<hdc::phasor<1001>>);
    STATIC_REQUIRE(hdc::vote_family<hdc::binary<1001>>);
    STATIC_REQUIRE(hdc::vote_family<hdc::bipolar<1001>>);
    STATIC_REQUIRE(!hdc::vote_family<sparse_1001x61>);
}

TEST_CASE("counting the n-grams of a long text gives the streamed sums", "[text][ngram]") {
    using V = hdc::binary<hdc::dynamic>;
    hdc::rng gen(3);
    std::vector<V> atoms;
    for (int i = 0; i < 27; ++i) atoms.push_back(hdc::random<V>(gen, 1000));
    // 20,000 symbols over a skewed distribution: n-grams repeat, counts reach several bits.
    std::vector<symbol_id> text(20000);
    for (auto& s : text) s = static_cast<symbol_id>((gen() % 27) * (gen() % 27) / 27);
    for (std::size_t n : {3u, 4u, 6u}) {  // 27^6 exceeds the dense table: hashed counting
        const hdc::ngram_encoder<V> enc(atoms, n);
        hdc::accumulator<V> streamed(1000), counted(1000);
        enc.accumulate(text, streamed);
        enc.accumulate_counted(text, counted);
        REQUIRE(streamed.sums() == counted.sums());
        std::size_t windows = 0;
        for (const auto& kc : enc.count(text)) windows += kc.second;
        REQUIRE(windows == text.size() - n + 1);
    }
}

TEST_CASE("counting several texts at once: no window crosses from one to the next", "[text][ngram]") {
    using V = hdc::bipolar<hdc::dynamic>;
    hdc::rng gen(8);
    std::vector<V> atoms;
    for (int i = 0; i < 5; ++i) atoms.push_back(hdc::random<V>(gen, 300));
    const hdc::ngram_encoder<V> enc(atoms, 3);
    const auto text = random_text(12, 60, atoms.size());
    const std::vector<std::size_t> ends{10, 11, 11, 40, 60};  // includes texts shorter than n
    hdc::accumulator<V> together(300), apart(300);
    enc.accumulate_counted(text, ends, together);
    std::size_t begin = 0, windows = 0;
    for (std::size_t e : ends) {
        const std::span<const symbol_id> part(text.data() + begin, e - begin);
        enc.accumulate(part, apart);
        windows += part.size() >= 3 ? part.size() - 2 : 0;
        begin = e;
    }
    REQUIRE(together.sums() == apart.sums());
    REQUIRE(together.count() == static_cast<double>(windows));
    const std::vector<std::size_t> unordered{10, 5, 60}, short_end{10, 50};
    REQUIRE_THROWS_AS(enc.accumulate_counted(text, unordered, together), hdc::invalid_parameter);
    REQUIRE_THROWS_AS(enc.count(text, short_end), hdc::invalid_parameter);
    REQUIRE(together.sums() == apart.sums());  // unchanged
}

TEST_CASE("the n-gram encoder rejects bad parameters and symbols", "[text][ngram]") {
    using V = hdc::binary<hdc::dynamic>;
    hdc::rng gen(1);
    std::vector<V> atoms{hdc::random<V>(gen, 100), hdc::random<V>(gen, 100)};
    REQUIRE_THROWS_AS(hdc::ngram_encoder<V>(atoms, 0), hdc::invalid_parameter);
    REQUIRE_THROWS_AS(hdc::ngram_encoder<V>({}, 3), hdc::empty_input);
    std::vector<V> mixed{hdc::random<V>(gen, 100), hdc::random<V>(gen, 128)};
    REQUIRE_THROWS_AS(hdc::ngram_encoder<V>(mixed, 2), hdc::dimension_mismatch);
    const hdc::ngram_encoder<V> enc(atoms, 2);
    const std::vector<symbol_id> bad{0, 1, 2};
    hdc::accumulator<V> acc(100);
    REQUIRE_THROWS_WITH(enc.accumulate(bad, acc), Catch::Contains("symbol id 2 at position 2"));
    REQUIRE(acc.count() == 0);
    hdc::accumulator<V> other(128);
    REQUIRE_THROWS_AS(enc.accumulate(std::vector<symbol_id>{0, 1}, other), hdc::dimension_mismatch);
    const std::vector<symbol_id> shortw{0};
    REQUIRE_THROWS_AS(enc.gram(shortw), hdc::invalid_parameter);
    // Fewer symbols than n: no n-gram, no change.
    enc.accumulate(shortw, acc);
    REQUIRE(acc.count() == 0);
}

TEST_CASE("the default alphabet folds case and maps, skips or rejects other bytes", "[text]") {
    const auto latin = hdc::text_alphabet::latin();
    REQUIRE(latin.size() == 27);
    REQUIRE(latin.translate("aZ z") == std::vector<symbol_id>{0, 25, 26, 25});
    // Digits, punctuation, newline and non-ASCII bytes become the space (id 26).
    REQUIRE(latin.translate("a1\n\xC3\xA9") == std::vector<symbol_id>{0, 26, 26, 26, 26});

    const auto skip = hdc::text_alphabet::latin(hdc::unknown_symbols::skip);
    REQUIRE(skip.translate("a1,B\n") == std::vector<symbol_id>{0, 1});

    const auto reject = hdc::text_alphabet::latin(hdc::unknown_symbols::reject);
    REQUIRE(reject.translate("Ab c") == std::vector<symbol_id>{0, 1, 26, 2});
    REQUIRE_THROWS_AS(reject.translate("ab!"), hdc::format_error);
    REQUIRE_THROWS_WITH(reject.translate("ab!"), Catch::Contains("byte 0x21 at byte offset 2"));
    std::vector<symbol_id> out{7};
    REQUIRE_THROWS(reject.translate("a?", out));
    REQUIRE(out == std::vector<symbol_id>{7});  // unchanged on error

    REQUIRE_THROWS_AS(hdc::text_alphabet("aba", false, hdc::unknown_symbols::skip), hdc::invalid_parameter);
    REQUIRE_THROWS_AS(hdc::text_alphabet("", false, hdc::unknown_symbols::skip), hdc::empty_input);
    REQUIRE_THROWS_AS(hdc::text_alphabet("ab", false, hdc::unknown_symbols::map, U' '),
                      hdc::invalid_parameter);  // the replacement must be a symbol
}

TEST_CASE("UTF-8 alphabets decode code points, map them by table and reject malformed input",
          "[text]") {
    // Symbols: a, b, é, space, and the Greek alpha; 'É' and 'á' are mapped by the user's table.
    hdc::text_alphabet a("ab\xC3\xA9 \xCE\xB1", true, hdc::unknown_symbols::reject, U' ');
    REQUIRE(a.size() == 5);
    a.map(U'\u00C9', U'\u00E9').map(U'\u00E1', U'a');
    REQUIRE(a.translate("b\xC3\xA9 \xCE\xB1\xC3\x89\xC3\xA1") ==
            std::vector<symbol_id>{1, 2, 3, 4, 2, 0});
    REQUIRE(a.translate("AB") == std::vector<symbol_id>{0, 1});  // ASCII case folded
    REQUIRE_THROWS_WITH(a.translate("ab\xE2\x82\xAC"), Catch::Contains("U+20AC at byte offset 2"));
    REQUIRE_THROWS_AS(a.map(U'x', U'z'), hdc::invalid_parameter);

    const auto malformed = [&](const std::string& text, const char* why, std::size_t offset) {
        CAPTURE(text);
        REQUIRE_THROWS_AS(a.translate(text), hdc::format_error);
        REQUIRE_THROWS_WITH(a.translate(text),
                            Catch::Contains("malformed UTF-8 at byte offset " + std::to_string(offset)) &&
                                Catch::Contains(why));
    };
    malformed("ab\x80", "continuation byte without a lead byte", 2);
    malformed("a\xC3", "truncated", 1);
    malformed("a\xC3 b", "missing continuation", 1);
    malformed("\xC0\xAF", "invalid lead byte", 0);
    malformed("a\xE0\x80\xAF", "overlong", 1);
    malformed("\xED\xA0\x80", "surrogate", 0);
    malformed("\xF4\x90\x80\x80", "above U+10FFFF", 0);

    // Under the map policy unknown code points become the replacement; malformed input is still
    // an error.
    const hdc::text_alphabet m("ab ", true, hdc::unknown_symbols::map, U' ');
    REQUIRE(m.translate("a\xE2\x82\xAC" "b") == std::vector<symbol_id>{0, 2, 1});
    REQUIRE_THROWS_AS(m.translate("a\xFF"), hdc::format_error);
}

TEST_CASE("text encoding: empty and short texts, counting and streaming agree", "[text]") {
    using V = hdc::bipolar<hdc::dynamic>;
    const hdc::text_encoder<V> enc(hdc::text_alphabet::latin(), 3, 512);
    REQUIRE(enc.encode("").count() == 0);
    REQUIRE(enc.encode("ab").count() == 0);
    REQUIRE_THROWS_AS(enc.encode_vector("ab"), hdc::empty_input);
    REQUIRE(enc.encode("abc").count() == 1);
    REQUIRE(enc.encode_vector("abc") == enc.ngrams().gram(std::vector<symbol_id>{0, 1, 2}));
    // Upper case and other bytes: the same statistics as the normalised text.
    REQUIRE(enc.encode("The Cat, sat.").sums() == enc.encode("the cat  sat ").sums());
    // A text above the counting threshold: same sums as streaming.
    std::string text;
    hdc::rng gen(9);
    while (text.size() < hdc::text_encoder<V>::counting_threshold + 100)
        text.push_back(static_cast<char>('a' + gen() % 5));
    const auto symbols = enc.alphabet().translate(text);
    hdc::accumulator<V> streamed(512);
    enc.ngrams().accumulate(symbols, streamed);
    REQUIRE(enc.encode(text).sums() == streamed.sums());
}

TEST_CASE("the labelled-line reader names the source and line of a malformed line", "[text]") {
    std::istringstream good("eng\tthe cat\r\n\nfra\tle chat\tnoir\n");
    const auto lines = hdc::read_labelled_lines(good, "good.tsv");
    REQUIRE(lines.size() == 2);
    REQUIRE(lines[0].label == "eng");
    REQUIRE(lines[0].text == "the cat");
    REQUIRE(lines[1].text == "le chat\tnoir");
    REQUIRE(lines[1].line == 3);
    std::istringstream bad("eng\tthe cat\nno tab here\n");
    REQUIRE_THROWS_WITH(hdc::read_labelled_lines(bad, "dev.tsv"),
                        Catch::Contains("dev.tsv:2: no tab between label and text"));
    std::istringstream empty_label("\tthe cat\n");
    REQUIRE_THROWS_AS(hdc::read_labelled_lines(empty_label, "x.tsv"), hdc::format_error);
}

namespace {

/// A sentence of a synthetic language: words made of the language's syllables.
std::string sentence(const std::vector<std::string>& syllables, hdc::rng& gen, std::size_t words) {
    std::string s;
    for (std::size_t w = 0; w < words; ++w) {
        if (w) s += ' ';
        const std::size_t k = 1 + gen() % 3;
        for (std::size_t i = 0; i < k; ++i) s += syllables[gen() % syllables.size()];
    }
    return s;
}

}  // namespace

TEMPLATE_TEST_CASE("a small text classifier separates synthetic languages", "[text][classifier]",
                   hdc::binary<hdc::dynamic>, hdc::bipolar<hdc::dynamic>, hdc::real<hdc::dynamic>) {
    using V = TestType;
    // Same letters, in the same proportions; only their order differs, so unigrams cannot tell
    // the languages apart and bigrams or longer must.
    const std::vector<std::vector<std::string>> languages{
        {"ka", "to", "ri", "mu"}, {"ak", "ot", "ir", "um"}, {"kt", "ao", "rm", "iu"}};
    hdc::rng gen(2024);
    hdc::text_classifier_options opt;
    opt.orders = {3};
    hdc::text_classifier<V> model(hdc::text_alphabet::latin(), 2000, opt);
    for (std::size_t l = 0; l < languages.size(); ++l) {
        const std::size_t c = model.add_class("lang" + std::to_string(l));
        REQUIRE(c == l);
        std::string train;
        for (int i = 0; i < 40; ++i) train += sentence(languages[l], gen, 8) + ' ';
        model.train(c, train);
    }
    REQUIRE_THROWS_AS(model.add_class("lang0"), hdc::invalid_parameter);
    REQUIRE_THROWS_AS(model.train(0, std::string_view("ab")), hdc::empty_input);  // too short

    // 60 test sentences of 4 words (9 trigrams each). The three languages share letters but no
    // word, so 6 of a sentence's trigrams (a word and a space) occur in its own profile only and
    // the other 3 (letter, space, letter) partly in others: the true class's cosine is ~0.5,
    // the others' ~0.05 (measured: 0.48 and 0.04 on average, smallest gap 0.25 over the three
    // families). Cosine noise at D = 2000 is ~1/sqrt(D) = 0.022, so the gap is > 10 standard
    // deviations and a working encoder misses a sentence with probability far below 1e-9:
    // every sentence must be right. (A broken encoder, e.g. unigram statistics, scores ~1/3.)
    std::size_t right = 0, total = 0;
    for (int i = 0; i < 20; ++i)
        for (std::size_t l = 0; l < languages.size(); ++l) {
            const std::size_t p = model.predict(std::string_view(sentence(languages[l], gen, 4)));
            right += p == l;
            ++total;
        }
    CHECK(right == total);
    REQUIRE_THROWS_AS(model.predict(std::string_view("ka")), hdc::empty_input);

    // Fast vote-family scores equal the generic similarity(prototype, q).
    const auto q = model.encode(std::string_view("kato rimu"));
    const auto s = model.scores(q);
    for (std::size_t c = 0; c < model.classes(); ++c)
        REQUIRE(s[c] == similarity(model.model(0).profile(c), q[0]));

    // A perceptron correction moves the query toward the true class.
    const std::size_t wrong = (model.predict(q) + 1) % model.classes();
    const double before = model.scores(q)[wrong];
    REQUIRE(model.correct(q, wrong, model.predict(q), model.retrain_weights(0.5)));
    REQUIRE(model.scores(q)[wrong] > before);
}

TEST_CASE("binarized prototypes score against the majority vectors", "[text][classifier]") {
    using V = hdc::binary<hdc::dynamic>;
    hdc::prototype_classifier<V> m(500, true);
    const std::size_t a = m.add_class("a");
    const std::size_t b = m.add_class("b");
    hdc::rng gen(4);
    const V x = hdc::random<V>(gen, 500), y = hdc::random<V>(gen, 500);
    m.add(a, x, 3);
    m.add(b, y, 2);
    REQUIRE(m.score(a, x) == 1.0);
    REQUIRE(m.score(b, x) == similarity(y, x));
    REQUIRE(m.predict(y) == b);
    REQUIRE_THROWS_AS(m.score(2, x), hdc::invalid_parameter);
    REQUIRE_THROWS_AS(m.add_class("a"), hdc::invalid_parameter);
}

TEST_CASE("binary and bipolar text classifiers score identically, orders' scores add up",
          "[text][classifier]") {
    const std::vector<std::vector<std::string>> languages{{"ka", "to", "ri"}, {"ak", "ot", "ir"}};
    hdc::text_classifier_options opt;
    opt.orders = {2, 3};
    hdc::text_classifier<hdc::binary<hdc::dynamic>> bin(hdc::text_alphabet::latin(), 640, opt);
    hdc::text_classifier<hdc::bipolar<hdc::dynamic>> bip(hdc::text_alphabet::latin(), 640, opt);
    hdc::rng gen(31);
    for (std::size_t l = 0; l < languages.size(); ++l) {
        std::string train;
        for (int i = 0; i < 10; ++i) train += sentence(languages[l], gen, 6) + ' ';
        bin.train(bin.add_class(std::to_string(l)), train);
        bip.train(bip.add_class(std::to_string(l)), train);
    }
    const std::string text = sentence(languages[1], gen, 5);
    const auto qb = bin.encode(std::string_view(text));
    const auto qp = bip.encode(std::string_view(text));
    REQUIRE(bin.scores(qb) == bip.scores(qp));
    const auto total = bin.scores(qb);
    for (std::size_t c = 0; c < 2; ++c)
        REQUIRE(total[c] == bin.model(0).scores(qb[0])[c] + bin.model(1).scores(qb[1])[c]);
    REQUIRE_THROWS_AS(bin.scores({qb[0]}), hdc::invalid_parameter);
    hdc::text_classifier_options twice;
    twice.orders = {3, 3};
    REQUIRE_THROWS_AS(hdc::text_classifier<hdc::binary<hdc::dynamic>>(hdc::text_alphabet::latin(), 64, twice),
                      hdc::invalid_parameter);
}

TEST_CASE("text classifier: a refused correction or training changes no prototype",
          "[text][classifier]") {
    using V = hdc::bipolar<hdc::dynamic>;  // integer sums: integer weights, int32 range
    hdc::text_classifier_options opt;
    opt.orders = {2, 3};
    hdc::text_classifier<V> model(hdc::text_alphabet::latin(), 320, opt);
    model.train(model.add_class("a"), std::string_view("kato rimu kato"));
    model.train(model.add_class("b"), std::string_view("akot irum akot"));
    const auto q = model.encode(std::string_view("rimu kato"));
    // Order 1 of class 0 near the int32 limit: two corrections of weight 1e9 (the largest the
    // integer accumulators take); a third would overflow in order 1 after order 0 was done.
    REQUIRE(model.correct(q, 0, 1, {1.0, 1e9}));
    REQUIRE(model.correct(q, 0, 1, {1.0, 1e9}));
    auto snapshot = [&] {
        std::vector<std::vector<std::int32_t>> s;
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t c = 0; c < 2; ++c) s.push_back(model.model(i).profile(c).sums());
        return s;
    };
    const auto before = snapshot();
    CHECK_THROWS_AS(model.correct(q, 0, 1, {1.0}), hdc::invalid_parameter);       // too few weights
    CHECK_THROWS_AS(model.correct(q, 0, 2, {1.0, 1.0}), hdc::invalid_parameter);  // bad predicted
    CHECK_THROWS_AS(model.correct(q, 2, 0, {1.0, 1.0}), hdc::invalid_parameter);  // bad truth
    CHECK_THROWS_AS(model.correct(q, 0, 1, {1.0, 0.5}), hdc::invalid_parameter);  // fractional
    CHECK_THROWS_AS(model.correct(q, 0, 1, {1.0, 2e9}), hdc::invalid_parameter);  // > 1e9
    CHECK_THROWS_AS(model.correct(q, 0, 1, {1.0, std::nan("")}), hdc::non_finite_value);
    CHECK_THROWS_AS(model.correct(q, 0, 1, {1.0, 1e9}), hdc::invalid_parameter);  // overflow
    CHECK(snapshot() == before);
    // Training: order 1's merge overflows after order 0's would have succeeded.
    auto stats = model.statistics(model.alphabet().translate("kato rimu"));
    stats[1].add(q[1], 1e9);
    CHECK_THROWS_AS(model.train(0, stats), hdc::invalid_parameter);
    CHECK_THROWS_AS(model.train(2, model.statistics(model.alphabet().translate("kato"))),
                    hdc::invalid_parameter);
    CHECK(snapshot() == before);
}

TEST_CASE("n-gram accumulation refused mid-text leaves the accumulator unchanged", "[text][ngram]") {
    using V = hdc::bipolar<hdc::dynamic>;
    hdc::rng gen(11);
    std::vector<V> atoms;
    for (int i = 0; i < 5; ++i) atoms.push_back(hdc::random<V>(gen, 256));
    const hdc::ngram_encoder<V> enc(atoms, 3);
    const std::vector<symbol_id> text = random_text(7, 2000, 5);
    // Every sum of acc at +-(2^31 - 8): 7 votes of headroom. Among 1,998 windows some component
    // gets 7 more agreeing votes than disagreeing ones, so the accumulation is refused partway.
    hdc::accumulator<V> acc(256);
    const V v = hdc::random<V>(gen, 256);
    acc.add(v, 1e9);
    acc.add(v, 1e9);
    acc.add(v, 147483640.0);
    const auto sums = acc.sums();
    const double count = acc.count();
    CHECK_THROWS_AS(enc.accumulate(text, acc), hdc::invalid_parameter);
    CHECK(acc.sums() == sums);
    CHECK(acc.count() == count);
    CHECK_THROWS_AS(enc.accumulate_counted(text, acc), hdc::invalid_parameter);
    CHECK(acc.sums() == sums);
    CHECK(acc.count() == count);
}
