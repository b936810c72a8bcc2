// Tests of the word encoders (encoders/words.hpp) and topic segmentation (encoders/segment.hpp):
// Pk and WindowDiff on hand-computed cases, the boundary rules on hand-made curves, the
// tokenizer, the circular token set against its similarity formula, utterance bundles against
// their definition, a synthetic document with obvious topic changes, Choi-format parsing errors
// and determinism.
#include <hdc/encoders/segment.hpp>
#include <hdc/encoders/words.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

/// Gap flags of n sentences with boundaries at the given gaps.
hdc::gap_flags gaps(std::size_t n, std::initializer_list<std::size_t> at) {
    hdc::gap_flags g(n - 1, false);
    for (const std::size_t j : at) g[j] = true;
    return g;
}

/// A document of `topics` topics, `per_topic` sentences each, every sentence 8 words drawn from
/// its topic's own 12-word vocabulary, plus a few shared stop-words.
std::vector<std::string> synthetic_document(std::size_t topics, std::size_t per_topic, std::uint64_t seed) {
    hdc::rng gen(seed);
    std::vector<std::string> sentences;
    for (std::size_t t = 0; t < topics; ++t)
        for (std::size_t s = 0; s < per_topic; ++s) {
            std::string line = "The";
            for (int w = 0; w < 8; ++w)
                line += " topic" + std::to_string(t) + "word" + std::to_string(gen.below(12)) + (w % 3 == 0 ? " of" : "");
            sentences.push_back(line + " .");
        }
    return sentences;
}

}  // namespace

TEST_CASE("pk and window_diff: hand-computed cases", "[segment][metrics]") {
    // 10 sentences, segments 0-4 and 5-9: k = round(10 / (2 * 2)) = 3, 7 probes (i, i + 3).
    const hdc::gap_flags ref = gaps(10, {4});
    CHECK(hdc::default_probe_distance(ref) == 3);
    CHECK(hdc::pk(ref, ref) == 0.0);
    CHECK(hdc::window_diff(ref, ref) == 0.0);
    // No boundary: the probes i = 2, 3, 4 straddle gap 4.
    CHECK(hdc::pk(ref, gaps(10, {})) == Approx(3.0 / 7.0));
    CHECK(hdc::window_diff(ref, gaps(10, {})) == Approx(3.0 / 7.0));
    // One off: the reference sees gap 4 at i = 2..4, the hypothesis gap 5 at i = 3..5.
    CHECK(hdc::pk(ref, gaps(10, {5})) == Approx(2.0 / 7.0));
    CHECK(hdc::window_diff(ref, gaps(10, {5})) == Approx(2.0 / 7.0));
    // An extra boundary next to the right one: Pk errs once (i = 5); WindowDiff also counts the
    // windows i = 3 and 4 that hold two boundaries instead of one.
    CHECK(hdc::pk(ref, gaps(10, {4, 5})) == Approx(1.0 / 7.0));
    CHECK(hdc::window_diff(ref, gaps(10, {4, 5})) == Approx(3.0 / 7.0));
    // Explicit k = 1: adjacent pairs, 9 probes; a boundary at every gap errs at the 8 others.
    CHECK(hdc::pk(ref, gaps(10, {0, 1, 2, 3, 4, 5, 6, 7, 8}), 1) == Approx(8.0 / 9.0));
    // The probe distance rounds half up and is at least 1.
    CHECK(hdc::default_probe_distance(gaps(2, {0})) == 1);
    CHECK(hdc::default_probe_distance(gaps(12, {})) == 6);
}

TEST_CASE("pk and window_diff: bad input", "[segment][metrics]") {
    CHECK_THROWS_AS(hdc::pk(gaps(5, {1}), gaps(6, {1})), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::window_diff(gaps(5, {1}), gaps(4, {1})), hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::pk(hdc::gap_flags{}, hdc::gap_flags{}), hdc::empty_input);
}

TEST_CASE("boundaries_from_curve: released and paper rules, damping, known count", "[segment]") {
    // Minima at 1, 3, 5, 7, 9 (0.5, 0.6, 0.7, 0.55, 0); mean 0.7591, std 0.3110, tau 0.4481.
    const std::vector<double> sigma = {1, 0.5, 1, 0.6, 1, 0.7, 1, 0.55, 1, 0.0, 1};
    CHECK(hdc::local_minima(sigma) == std::vector<std::size_t>{1, 3, 5, 7, 9});
    using hdc::threshold_rule;
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::above, false) == gaps(12, {1, 3, 5, 7}));
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::below, false) == gaps(12, {9}));
    // Damping keeps floor((ln 4)^2) = 1 of the four: the deepest, 0.5 at gap 1.
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::above, true) == gaps(12, {1}));
    // One candidate: floor((ln 1)^2) = 0 kept.
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::below, true) == gaps(12, {}));
    // Known count: the deepest minima, then the lowest other gaps.
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::above, true, 2) == gaps(12, {1, 9}));
    CHECK(hdc::boundaries_from_curve(sigma, threshold_rule::above, true, 6) == gaps(12, {0, 1, 3, 5, 7, 9}));
    CHECK(hdc::boundaries_from_curve(std::vector<double>{}, threshold_rule::above, true).empty());
}

TEST_CASE("row_gram: the matrix product equals the fixed-order dot products", "[segment]") {
    // Integer rows (bipolar sums): the float product is exact, so it equals the band path's
    // fixed-order dot products bit for bit; other rows go through double, equal to rounding.
    hdc::rng gen(4);
    hdc::sentence_matrix u(9, 3000);
    for (Eigen::Index i = 0; i < u.rows(); ++i)
        for (Eigen::Index j = 0; j < u.cols(); ++j) u(i, j) = static_cast<float>(static_cast<int>(gen.below(21)) - 10);
    const Eigen::MatrixXd full = hdc::row_gram(u, 8), band = hdc::row_gram(u, 7);
    for (Eigen::Index i = 0; i < 9; ++i)
        for (Eigen::Index j = 0; j < 9; ++j)
            if (std::abs(i - j) <= 7) CHECK(full(i, j) == band(i, j));
    CHECK(band(0, 8) == 0.0);
    u(0, 0) = 0.5f;
    const Eigen::MatrixXd full2 = hdc::row_gram(u, 8), band2 = hdc::row_gram(u, 7);
    CHECK(full2(0, 1) == Approx(band2(0, 1)).epsilon(1e-12));
}

TEST_CASE("rank_transform: hand-computed ranks", "[segment]") {
    Eigen::MatrixXd s(3, 3);
    s << 1, 0.2, 0.1, 0.2, 1, 0.3, 0.1, 0.3, 1;
    const Eigen::MatrixXd r = hdc::rank_transform(s, 3);
    CHECK(r(0, 0) == Approx(2.0 / 3.0));  // neighbours 0.2, 0.2, 1: two lower
    CHECK(r(0, 1) == Approx(1.0 / 5.0));  // neighbours 1, 0.1, 1, 0.3, 0.2: one lower
    CHECK(r(1, 1) == Approx(6.0 / 8.0));  // all but the other two diagonal cells
    CHECK_THROWS_AS(hdc::rank_transform(s, 4), hdc::invalid_parameter);
}

TEST_CASE("tokenize: case, punctuation, stop-words, n-grams, stemming", "[segment][words]") {
    using V = std::vector<std::string>;
    CHECK(hdc::tokenize("Hello, World!  The U.S. don't\tstop -- ok") ==
          V{"hello", "world", "the", "us", "dont", "stop", "ok"});
    hdc::tokenizer_options no_stop{.drop_stop_words = true};
    CHECK(hdc::tokenize("Hello, World!  The U.S. don't\tstop -- ok", no_stop) == V{"hello", "world", "us", "stop", "ok"});
    hdc::tokenizer_options grams{.drop_stop_words = true, .char_ngram = 3};
    CHECK(hdc::tokenize("Hello the", grams) == V{"hel", "ell", "llo", "the"});  // stop-words kept
    CHECK(hdc::tokenize("Caf\xC3\xA9 ``quoted''") == V{"caf\xC3\xA9", "quoted"});  // UTF-8 kept
    CHECK(hdc::tokenize(" ,, ;; ").empty());
    CHECK(hdc::tokenize("").empty());
    CHECK(hdc::light_stem("banks") == "bank");
    CHECK(hdc::light_stem("studies") == "studi");
    CHECK(hdc::light_stem("walked") == "walk");
    CHECK(hdc::light_stem("glass") == "glass");
    CHECK(hdc::light_stem("bus") == "bus");
    hdc::tokenizer_options stem{.drop_stop_words = true, .char_ngram = 0, .stem = true};
    CHECK(hdc::tokenize("Banks walked", stem) == V{"bank", "walk"});
    const auto words = hdc::english_stop_words();
    CHECK(std::is_sorted(words.begin(), words.end()));
    CHECK(hdc::is_english_stop_word("the"));
    CHECK_FALSE(hdc::is_english_stop_word("bank"));
}

TEST_CASE("vocabulary: ids by first appearance", "[segment][words]") {
    hdc::vocabulary vocab;
    const std::vector<std::string> a = {"b", "a", "b", "c"};
    CHECK(vocab.add(a) == std::vector<std::size_t>{0, 1, 0, 2});
    CHECK(vocab.add("a") == 1);
    CHECK(vocab.size() == 3);
    CHECK(vocab.token(2) == "c");
    CHECK_THROWS_AS(vocab.token(3), hdc::invalid_parameter);
}

TEMPLATE_TEST_CASE("circular token set: similarity 1 - 2 d over circular distance d", "[segment][words]",
                   hdc::bipolar<hdc::dynamic>, hdc::binary<hdc::dynamic>, hdc::real<hdc::dynamic>) {
    // Vectors at circular distance d (fraction of the circle) have a fraction d of their
    // components negated relative to each other: similarity 1 - 2 d, exactly for binary and
    // bipolar, for real up to the components' spread (standard error below 1 / sqrt(D)); 4
    // standard errors allowed.
    const std::size_t dim = 8192, count = 8;
    hdc::vocabulary vocab;
    for (std::size_t i = 0; i < count; ++i) vocab.add(std::to_string(i) + "t");
    const auto set = hdc::token_codebook<TestType>(vocab, hdc::token_vectors::circular, 7, dim);
    REQUIRE(set.size() == count);
    const double tol = 4.0 / std::sqrt(static_cast<double>(dim));
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t j = 0; j < count; ++j) {
            const std::size_t steps = std::min((i + count - j) % count, (j + count - i) % count);
            const double expected = 1.0 - 2.0 * static_cast<double>(steps) / static_cast<double>(count);
            CHECK(hdc::similarity(set[i], set[j]) == Approx(expected).margin(tol));
        }
    // Deterministic: the same seed gives the same set, another seed another one.
    CHECK(hdc::token_codebook<TestType>(vocab, hdc::token_vectors::circular, 7, dim) == set);
    CHECK(hdc::similarity(hdc::token_codebook<TestType>(vocab, hdc::token_vectors::circular, 8, dim)[0], set[0]) <
          tol);
}

TEST_CASE("circular token set of a sparse block code: switched blocks", "[segment][words]") {
    // Blocks switched between two random atoms agree by chance with probability 1/L:
    // similarity 1 - 2 d (1 - 1/L), standard error below 1 / sqrt(B); 4 standard errors allowed.
    using V = hdc::sparse<4096, 16>;
    hdc::vocabulary vocab;
    for (std::size_t i = 0; i < 6; ++i) vocab.add(std::to_string(i) + "t");
    const auto set = hdc::token_codebook<V>(vocab, hdc::token_vectors::circular, 5, V{}.shape());
    for (std::size_t k = 0; k < 6; ++k) {
        const double d = static_cast<double>(std::min(k, 6 - k)) / 6.0;
        CHECK(hdc::similarity(set[0], set[k]) == Approx(1.0 - 2.0 * d * (1.0 - 1.0 / 16)).margin(4.0 / 64));
    }
    // Every family has circular vectors (the circular scalar encoder's points): phasor's are
    // exact, 1 - 2 d, opposite points orthogonal, up to the rounding of 2 k P / m to whole
    // components (P = 32 of 64: within 1/64). Random ones work too.
    const auto phasors = hdc::token_codebook<hdc::phasor<64>>(vocab, hdc::token_vectors::circular, 5, 64);
    REQUIRE(phasors.size() == 6);
    for (std::size_t k = 0; k < 6; ++k) {
        const double d = static_cast<double>(std::min(k, 6 - k)) / 6.0;
        CHECK(hdc::similarity(phasors[0], phasors[k]) == Approx(1.0 - 2.0 * d).margin(1.0 / 64 + 1e-6));
    }
    CHECK(hdc::token_codebook<hdc::phasor<64>>(vocab, hdc::token_vectors::random, 5, 64).size() == 6);
}

TEST_CASE("circular token set: one token, and more tokens than a circle holds", "[segment][words]") {
    using V = hdc::bipolar<hdc::dynamic>;
    hdc::vocabulary vocab;
    vocab.add("only");
    const auto one = hdc::token_codebook<V>(vocab, hdc::token_vectors::circular, 3, 16);
    REQUIRE(one.size() == 1);
    // 40 tokens on a circle of at most 16 points (D = 16, 8 flippable components): tokens share
    // the point nearest to their angle, so the opposite token is still orthogonal to token 0.
    for (std::size_t i = 1; i < 40; ++i) vocab.add(std::to_string(i));
    REQUIRE(hdc::circular_encoder<V>::max_points(16) == 16);
    const auto many = hdc::token_codebook<V>(vocab, hdc::token_vectors::circular, 3, 16);
    REQUIRE(many.size() == 40);
    CHECK(many[0] == one[0]);
    CHECK(hdc::similarity(many[0], many[20]) == Approx(0.0).margin(1e-12));
    CHECK(hdc::similarity(many[0], many[39]) == Approx(1.0).margin(1e-12));
}

TEST_CASE("encode_utterance and window_bundles follow their definitions", "[segment][words]") {
    using V = hdc::bipolar<hdc::dynamic>;
    const std::size_t dim = 1000;
    hdc::vocabulary vocab;
    const std::vector<std::string> tokens = {"x", "y", "z", "x"};
    const std::vector<std::size_t> ids = vocab.add(tokens);
    const auto book = hdc::token_codebook<V>(vocab, hdc::token_vectors::random, 3, dim);
    CHECK(book[0] == hdc::symbol<V>("x", 3, dim));
    // Positions: rho^3(x) + rho^2(y) + rho(z) + x.
    hdc::bipolar_accumulator<hdc::dynamic> expected(dim);
    expected.add(hdc::permute(book[0], 3));
    expected.add(hdc::permute(book[1], 2));
    expected.add(hdc::permute(book[2], 1));
    expected.add(book[0]);
    const auto u = hdc::encode_utterance<V>(ids, book, true, dim);
    CHECK(u.sums() == expected.sums());
    // Plain bag: 2 x + y + z.
    const auto plain = hdc::encode_utterance<V>(ids, book, false, dim);
    const auto s = plain.sums();
    for (std::size_t i = 0; i < dim; ++i) CHECK(s[i] == 2 * book[0][i] + book[1][i] + book[2][i]);
    CHECK_THROWS_AS(hdc::encode_utterance<V>(std::vector<std::size_t>{5}, book, true, dim), hdc::invalid_parameter);

    // Windows: bundle_cosine of window_bundles equals window_similarities on the sums.
    std::vector<hdc::bipolar_accumulator<hdc::dynamic>> utterances;
    hdc::sentence_matrix rows(6, static_cast<Eigen::Index>(dim));
    for (std::size_t r = 0; r < 6; ++r) {
        const std::vector<std::size_t> one = {r % 3, (r + 1) % 3};
        utterances.push_back(hdc::encode_utterance<V>(one, book, false, dim));
        const auto sums = utterances.back().sums();
        for (std::size_t c = 0; c < dim; ++c)
            rows(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<float>(sums[c]);
    }
    const std::vector<double> sigma = hdc::window_similarities(rows, 2);
    REQUIRE(sigma.size() == 5);
    for (std::size_t j = 0; j < 5; ++j) {
        const auto [before, after] =
            hdc::window_bundles(std::span<const hdc::bipolar_accumulator<hdc::dynamic>>(utterances), j, 2);
        CHECK(before.count() == (j == 0 ? 2 : 4));
        CHECK(hdc::bundle_cosine(before, after) == Approx(sigma[j]).margin(1e-12));
    }
    CHECK_THROWS_AS(hdc::window_bundles(std::span<const hdc::bipolar_accumulator<hdc::dynamic>>(utterances), 5, 2),
                    hdc::invalid_parameter);
    CHECK_THROWS_AS(hdc::window_similarities(rows, 0), hdc::invalid_parameter);
}

TEMPLATE_TEST_CASE("segment: a synthetic document with obvious topic changes", "[segment]",
                   hdc::bipolar<hdc::dynamic>, hdc::binary<hdc::dynamic>, hdc::real<hdc::dynamic>) {
    // Three topics of 8 sentences with disjoint vocabularies: every method with the number of
    // boundaries known finds gaps 7 and 15 exactly; the window and C99 rules find them alone.
    const std::vector<std::string> doc = synthetic_document(3, 8, 11);
    const hdc::gap_flags truth = gaps(24, {7, 15});
    const std::size_t dim = 2048;
    for (const auto& options : {hdc::segment_options::released(), hdc::segment_options::paper(),
                                hdc::segment_options::windowed(4), hdc::segment_options::c99()}) {
        hdc::segment_options o = options;
        o.positions = false;  // position-bound bags of random words share nothing across sentences
        CHECK(hdc::segment<TestType>(doc, o, dim, 2) == truth);
    }
    CHECK(hdc::segment<TestType>(doc, hdc::segment_options::windowed(4), dim) == truth);
    CHECK(hdc::segment<TestType>(doc, hdc::segment_options::c99(), dim) == truth);
}

TEST_CASE("segment: empty sentences are skipped and boundaries mapped back", "[segment]") {
    std::vector<std::string> doc = synthetic_document(2, 6, 5);
    doc.insert(doc.begin() + 6, "-- , .");  // no tokens: sentence 6, the first of topic 2 moves to 7
    const auto found = hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, hdc::segment_options::windowed(3), 2048, 1);
    CHECK(found == gaps(13, {6}));
    // Too few sentences: no boundary, no error.
    const std::vector<std::string> one = {"a lonely sentence"};
    CHECK(hdc::segment<hdc::bipolar<hdc::dynamic>>(one, hdc::segment_options::released(), 256).empty());
    hdc::segment_options bad = hdc::segment_options::windowed(4);
    bad.window = 0;
    CHECK_THROWS_AS(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, bad, 256), hdc::invalid_parameter);
    bad = hdc::segment_options::c99();
    bad.c99_mask = 10;
    CHECK_THROWS_AS(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, bad, 256), hdc::invalid_parameter);
    // A NaN constant or noise floor used to give no boundaries silently.
    for (const double v : {std::nan(""), -1.0, std::numeric_limits<double>::infinity()}) {
        bad = hdc::segment_options::c99();
        bad.c99_c = v;
        CHECK_THROWS_AS(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, bad, 256), hdc::invalid_parameter);
        bad = hdc::segment_options::c99();
        bad.c99_noise_floor = v;
        CHECK_THROWS_AS(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, bad, 256), hdc::invalid_parameter);
        CHECK_THROWS_AS(hdc::c99_divisive(Eigen::MatrixXd::Zero(3, 3), std::nullopt, v), hdc::invalid_parameter);
    }
}

TEST_CASE("segment: deterministic for a seed", "[segment]") {
    // A document without clear topics, so the result depends on the random vectors: the same
    // seed must give the same boundaries, bit for bit, in every mode.
    std::vector<std::string> doc;
    hdc::rng gen(99);
    for (int s = 0; s < 40; ++s) {
        std::string line;
        for (int w = 0; w < 6; ++w) line += " w" + std::to_string(gen.below(40));
        doc.push_back(line);
    }
    for (const auto& o : {hdc::segment_options::released(), hdc::segment_options::paper(),
                          hdc::segment_options::windowed(4), hdc::segment_options::c99()}) {
        const auto a = hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, o, 4096);
        CHECK(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, o, 4096) == a);
        CHECK(hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, o, 4096, 5) ==
              hdc::segment<hdc::bipolar<hdc::dynamic>>(doc, o, 4096, 5));
        CHECK(std::count(a.begin(), a.end(), true) <= 39);
    }
}

TEST_CASE("parse_choi: the format and its errors", "[segment][io]") {
    const auto doc = hdc::parse_choi("==========\nOne .\nTwo .\n==========\r\nThree .\n==========\n", "d.ref");
    CHECK(doc.sentences == std::vector<std::string>{"One .", "Two .", "Three ."});
    CHECK(doc.reference == gaps(3, {1}));
    // Without the outer markers the same.
    CHECK(hdc::parse_choi("One .\nTwo .\n==========\nThree .", "d.ref").reference == gaps(3, {1}));

    const auto message = [](std::string_view text) {
        try {
            hdc::parse_choi(text, "bad.ref");
        } catch (const hdc::format_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("") == "bad.ref: empty file");
    CHECK(message("One .\nTwo .\n").find("no boundary line") != std::string::npos);
    CHECK(message("==========\nOne .\n\nTwo .\n").find("bad.ref:3: empty line") != std::string::npos);
    CHECK(message("==========\nOne .\n==========\n==========\nTwo .\n").find("bad.ref:4: empty segment") !=
          std::string::npos);
    CHECK(message("==========\nOne .\n==========\n").find("1 sentence(s)") != std::string::npos);
}
