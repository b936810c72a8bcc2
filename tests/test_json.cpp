// Tests of hdc/encoders/json.hpp: MBAT soft JSON vectors, path queries, record streams and
// malformed input. Small D: chance similarities have standard deviation 1/sqrt(D) ~ 0.044 at
// D = 512, so "unrelated" is |cos| < 4/sqrt(D).
#include <hdc/encoders/json.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t dim = 512;
const double chance = 4.0 / std::sqrt(static_cast<double>(dim));

using json = nlohmann::json;
using encoder = hdc::json_encoder<>;

/// prefix followed by the decimal digits of i (appended, not operator+: GCC 12 reports a false
/// -Wrestrict on "literal" + std::string).
std::string named(const char* prefix, long long i) {
    std::string s(prefix);
    s += std::to_string(i);
    return s;
}

const encoder& shared_encoder() {
    static const encoder enc(hdc::json_options{}, dim);
    return enc;
}

}  // namespace

TEST_CASE("json: vectors are unit, deterministic and seed dependent", "[json]") {
    const auto& enc = shared_encoder();
    const char* doc = R"({"name":"ford pinto","hp":75,"tags":["a","b"],"ok":true,"x":null,"o":{}})";
    const auto a = enc.encode(doc);
    CHECK(hdc::norm(a) == Approx(1.0).epsilon(1e-5));
    CHECK(encoder(hdc::json_options{}, dim).encode(doc) == a);  // a fresh encoder, same bits
    hdc::json_options other;
    other.seed = 7;
    CHECK(std::fabs(hdc::cosine(encoder(other, dim).encode(doc), a)) < chance);
    // Text and parsed document agree; key order in the text does not matter.
    CHECK(enc.encode(json::parse(doc)) == a);
    CHECK(enc.encode(R"({"o":{},"x":null,"ok":true,"tags":["a","b"],"hp":75,"name":"ford pinto"})") == a);
}

TEST_CASE("json: non-commutative roles keep nested paths apart, a commutative binding cannot", "[json]") {
    const auto& enc = shared_encoder();
    const auto ab = enc.encode(R"({"a":{"b":1}})"), ba = enc.encode(R"({"b":{"a":1}})");
    CHECK(std::fabs(hdc::cosine(ab, ba)) < chance);
    // The same documents with a commutative binding (bipolar multiply): a * (b * one) and
    // b * (a * one) are the same vector.
    using B = hdc::bipolar<>;
    const B a = hdc::symbol<B>("a", 1, dim), b = hdc::symbol<B>("b", 1, dim), one = hdc::symbol<B>("1", 1, dim);
    CHECK(hdc::similarity(bind(a, bind(b, one)), bind(b, bind(a, one))) == 1.0);
}

TEST_CASE("json: similar documents are similar, values graded", "[json]") {
    const auto& enc = shared_encoder();
    const auto base = enc.encode(R"({"a":"x","b":"y","c":"z","d":10})");
    // One of four fields changed: cosine about 3/4 (within the chance of four terms).
    const double one_changed = hdc::cosine(base, enc.encode(R"({"a":"x","b":"y","c":"w","d":10})"));
    CHECK(one_changed == Approx(0.75).margin(chance));
    CHECK(std::fabs(hdc::cosine(base, enc.encode(R"({"p":"x","q":"y","r":"z","s":10})"))) < chance);
    // Numbers: equal match, close ones stay similar, far ones are unrelated.
    const auto n100 = enc.encode("100");
    CHECK(hdc::cosine(n100, enc.encode("100.0")) == Approx(1.0).epsilon(1e-6));
    const double close = hdc::cosine(n100, enc.encode("103")), mid = hdc::cosine(n100, enc.encode("200"));
    CHECK(close > 0.4);
    CHECK(close > mid);
    CHECK(std::fabs(hdc::cosine(n100, enc.encode("1e6"))) < chance);
    CHECK(std::fabs(hdc::cosine(n100, enc.encode("-100"))) < chance);
    // Arrays: order matters unless the bag option is on.
    // Only "b" keeps its position: cosine about 1/3.
    CHECK(hdc::cosine(enc.encode(R"(["a","b","c"])"), enc.encode(R"(["c","b","a"])")) ==
          Approx(1.0 / 3).margin(chance));
    hdc::json_options bag;
    bag.ordered_arrays = false;
    const encoder benc(bag, dim);
    CHECK(hdc::cosine(benc.encode("[1,2,3]"), benc.encode("[3,2,1]")) == Approx(1.0).epsilon(1e-5));
    // Soft strings share tokens; exact ones do not.
    hdc::json_options soft;
    soft.soft_strings = true;
    const encoder senc(soft, dim);
    CHECK(hdc::cosine(senc.encode(R"("big red car")"), senc.encode(R"("Red car, big")")) ==
          Approx(1.0).epsilon(1e-5));
    CHECK(hdc::cosine(senc.encode(R"("big red car")"), senc.encode(R"("red car")")) > 0.7);
    CHECK(std::fabs(hdc::cosine(enc.encode(R"("big red car")"), enc.encode(R"("red car")"))) < chance);
}

TEST_CASE("json: value_at and cleanup read values back by path", "[json]") {
    const auto& enc = shared_encoder();
    const json doc = json::parse(
        R"({"name":"x","origin":"USA","cyl":8,"tags":["p","q","r"],"engine":{"hp":130,"fuel":"gas"}})");
    const auto v = enc.encode(doc);
    const std::vector<json> strings = {"x", "USA", "Japan", "p", "q", "r", "gas", "diesel", nullptr, true};
    const std::vector<json> numbers = {4, 6, 8, 130, 165};
    const auto at = [&](const char* path, const std::vector<json>& c) {
        return c[enc.best_match(v, path, c).first];
    };
    CHECK(at("/name", strings) == "x");
    CHECK(at("/origin", strings) == "USA");
    CHECK(at("/cyl", numbers) == 8);
    CHECK(at("/tags/0", strings) == "p");
    CHECK(at("/tags/2", strings) == "r");
    CHECK(at("/engine/hp", numbers) == 130);
    CHECK(at("/engine/fuel", strings) == "gas");
    // The unbound vector carries the value with weight 1/sqrt(fields): 1/sqrt(5) at the top.
    CHECK(hdc::cosine(enc.value_at(v, "/origin"), enc.encode(R"("USA")")) ==
          Approx(1 / std::sqrt(5.0)).margin(chance));
    CHECK(enc.value_at(v, "") == v);
    CHECK_THROWS_AS(enc.value_at(v, "name"), hdc::invalid_parameter);
    CHECK_THROWS_AS(enc.value_at(v, "/a~2"), hdc::invalid_parameter);
    CHECK_THROWS_AS(enc.best_match(v, "/name", {}), hdc::empty_input);
    // Escapes: the key "a/b~" is "/a~1b~0".
    const auto e = enc.encode(R"({"a/b~":"gas","z":"x"})");
    CHECK(e.dim() == dim);
    CHECK(strings[enc.best_match(e, "/a~1b~0", strings).first] == "gas");
}

TEST_CASE("json: Haar roles encode and unbind like structured ones", "[json]") {
    hdc::json_options o;
    o.roles = hdc::role_kind::haar;
    const encoder enc(o, 64);
    const auto ab = enc.encode(R"({"a":{"b":"c"},"d":[1,"e"]})");
    CHECK(hdc::norm(ab) == Approx(1.0).epsilon(1e-5));
    const std::vector<json> c = {"c", "e", 1, "f"};
    CHECK(c[enc.best_match(ab, "/a/b", c).first] == "c");
    CHECK(c[enc.best_match(ab, "/d/1", c).first] == "e");
    // The key operators are orthogonal.
    const auto q = enc.key_matrix("a");
    CHECK((q.transpose() * q - decltype(q)::Identity(64, 64)).cwiseAbs().maxCoeff() < 1e-5);
    const encoder s(hdc::json_options{}, 64);
    const auto m = s.key_matrix("a");
    CHECK((m.transpose() * m - decltype(m)::Identity(64, 64)).cwiseAbs().maxCoeff() < 1e-5);
}

TEST_CASE("json: malformed text, deep nesting and huge numbers", "[json]") {
    const auto& enc = shared_encoder();
    const auto message = [&](const std::string& text) {
        try {
            enc.encode(std::string_view(text));
        } catch (const hdc::format_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(R"({"a":})").find("byte 5") != std::string::npos);
    CHECK(message(R"({"a":1)").find("byte") != std::string::npos);
    CHECK(message("").find("malformed") != std::string::npos);
    CHECK(message("[1,2]]").find("unbalanced") != std::string::npos);
    CHECK(message("\"\xff\"").find("malformed") != std::string::npos);
    // Deep nesting: refused before parsing, at any depth, without recursion.
    CHECK(message(std::string(100000, '[')).find("nesting deeper than 200") != std::string::npos);
    CHECK(message(std::string(150, '[') + std::string(150, ']')) == "no error");
    // Numbers beyond double are a parse error; the largest doubles and long integers encode.
    CHECK(message("1e999").find("malformed") != std::string::npos);
    CHECK(hdc::norm(enc.encode("[1.7976931348623157e308,-1.7976931348623157e308,4.9e-324]")) ==
          Approx(1.0).epsilon(1e-5));
    CHECK(hdc::norm(enc.encode("123456789012345678901234567890")) == Approx(1.0).epsilon(1e-5));
    // An already-parsed document deeper than the limit.
    json deep = 1;
    for (int i = 0; i < 250; ++i) deep = json::array({deep});
    CHECK_THROWS_AS(enc.encode(deep), hdc::format_error);
    // Bad options.
    hdc::json_options o;
    o.roles = hdc::role_kind::keyed;
    CHECK_THROWS_AS(encoder(o, dim), hdc::invalid_parameter);
    o = {};
    o.number_width = 0;
    CHECK_THROWS_AS(encoder(o, dim), hdc::invalid_parameter);
    o.number_width = NAN;
    CHECK_THROWS_AS(encoder(o, dim), hdc::non_finite_value);
}

TEST_CASE("json: record streams (top-level array, JSON Lines) and their errors", "[json]") {
    const auto& enc = shared_encoder();
    const auto run = [&](const std::string& text, std::vector<hdc::mbat<>>& out) {
        std::istringstream in(text);
        return enc.encode_stream(in, [&](std::size_t i, const json&, hdc::mbat<>&& v) {
            CHECK(i == out.size());
            out.push_back(std::move(v));
        });
    };
    std::vector<hdc::mbat<>> a, b;
    CHECK(run(R"( [ {"a":1}, "s", 2.5, [1,{"b":"]"}], null ] )", a) == 5);
    CHECK(run("{\"a\":1}\n\"s\"\n2.5\n[1,{\"b\":\"]\"}]\nnull\n", b) == 5);
    REQUIRE(a.size() == 5);
    REQUIRE(b.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) CHECK(a[i] == b[i]);
    CHECK(a[3] == enc.encode(R"([1,{"b":"]"}])"));
    std::vector<hdc::mbat<>> c;
    CHECK(run("[]", c) == 0);
    CHECK(run("", c) == 0);

    const auto error = [&](const std::string& text, std::size_t delivered) {
        std::vector<hdc::mbat<>> out;
        std::string what = "no error";
        try {
            run(text, out);
        } catch (const hdc::format_error& e) {
            what = e.what();
        }
        CHECK(out.size() == delivered);
        return what;
    };
    const std::string bad_record = error("[{\"a\":1},{\"a\":2},{\"a\":}]", 2);
    CHECK(bad_record.find("record 2") != std::string::npos);
    CHECK(bad_record.find("byte 22") != std::string::npos);  // the '}' after "a": at byte 22
    CHECK(error("[{\"a\":1},{\"a\":2}", 2).find("missing ']'") != std::string::npos);
    CHECK(error("[{\"a\":1} {\"a\":2}]", 1).find("record 1") != std::string::npos);
    CHECK(error("[1,2] x", 2).find("after the closing") != std::string::npos);
    CHECK(error("{\"a\":1}\n{\"a\":\"open", 1).find("unterminated string") != std::string::npos);
}

TEST_CASE("json: concurrent encoding gives the same vectors", "[json]") {
    const encoder enc(hdc::json_options{}, dim);
    const std::vector<std::string> docs = {R"({"k1":1,"k2":"a"})", R"({"k3":[1,2],"k4":{"k5":null}})",
                                           R"({"k1":2,"k6":true})"};
    std::vector<hdc::mbat<>> first(docs.size()), second(docs.size());
    std::thread t([&] {
        for (std::size_t i = 0; i < docs.size(); ++i) first[i] = enc.encode(std::string_view(docs[i]));
    });
    for (std::size_t i = 0; i < docs.size(); ++i) second[i] = enc.encode(std::string_view(docs[i]));
    t.join();
    for (std::size_t i = 0; i < docs.size(); ++i) CHECK(first[i] == second[i]);
}

TEST_CASE("json: structured roles are orthogonal at any dimension and unbind exactly", "[json]") {
    for (const std::size_t d : {std::size_t{64}, std::size_t{96}}) {  // a power of two, and not
        INFO("D = " << d);
        const encoder enc(hdc::json_options{}, d);
        const auto q = enc.key_matrix("a"), r = enc.key_matrix("b");
        const auto id = decltype(q)::Identity(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
        CHECK((q.transpose() * q - id).cwiseAbs().maxCoeff() < 1e-5);
        // Mixing: every entry of Q is small, as for a random orthogonal matrix (a +-1 diagonal
        // alone would have entries +-1).
        CHECK(q.cwiseAbs().maxCoeff() < 0.75);
        // Two keys' roles do not commute.
        CHECK((q * r - r * q).cwiseAbs().maxCoeff() > 0.1);
        // One member: value_at recovers the value's vector up to float rounding.
        const auto v = enc.encode(R"({"a":"x"})");
        CHECK(hdc::cosine(enc.value_at(v, "/a"), enc.encode(R"("x")")) > 0.9999);
    }
}

TEST_CASE("json: the mixing operator mixes both halves at any dimension", "[json]") {
    // D = 48 (the transforms fall back to the scalar reference), 100 (unaligned offsets) and
    // 127 = 2 * 64 - 1 (the two transforms of a round share one component). A key's matrix is
    // M S_k, its columns M's columns up to sign, so it shows how M mixes: each column's energy in
    // the first D/2 rows is about that of a random unit vector, Beta(D/4, D/4) with mean 1/2 and
    // standard deviation 1/(2 sqrt(D/2 + 1)); every column must lie within 5 standard
    // deviations of 1/2 (a near block-diagonal M puts almost all of a column in one half: at
    // D = 127 with a rotation by D/2 instead of D/4 the range was [0.015, 0.999]).
    for (const std::size_t d : {std::size_t{48}, std::size_t{100}, std::size_t{127}}) {
        INFO("D = " << d);
        const encoder enc(hdc::json_options{}, d);
        const auto q = enc.key_matrix("a");
        const auto n = static_cast<Eigen::Index>(d);
        const auto id = decltype(q)::Identity(n, n);
        CHECK((q.transpose() * q - id).cwiseAbs().maxCoeff() < 1e-5);
        const double sd = 0.5 / std::sqrt(static_cast<double>(d) / 2 + 1);
        double low = 1, high = 0;
        for (Eigen::Index j = 0; j < n; ++j) {
            const double top = static_cast<double>(q.col(j).head(n / 2).squaredNorm());
            low = std::min(low, top);
            high = std::max(high, top);
        }
        INFO("first-half energy of the columns in [" << low << ", " << high << "]");
        CHECK(low > 0.5 - 5 * sd);
        CHECK(high < 0.5 + 5 * sd);
    }
}

TEST_CASE("json: numbers keep exact values apart and close values close", "[json]") {
    const auto& enc = shared_encoder();
    const auto n100 = enc.encode("100"), n1003 = enc.encode("100.3"), n103 = enc.encode("103"), n200 = enc.encode("200");
    CHECK(enc.encode("100.0") == n100);  // the same number
    // 0.3 % apart, well inside the fine width: fine and coarse codes nearly equal, exact atoms
    // unrelated, so the cosine is about 2/3 (three unit components of weight 1).
    CHECK(hdc::cosine(n100, n1003) == Approx(2.0 / 3.0).margin(0.05 + chance / 3));
    // 3 %: beyond the fine width (the fine codes mostly apart), the coarse code still nearly
    // the same: at least about 1/3, clearly below the 0.3 % pair.
    CHECK(hdc::cosine(n100, n103) > 1.0 / 3.0 - chance);
    CHECK(hdc::cosine(n100, n103) < hdc::cosine(n100, n1003) - 0.1);
    CHECK(hdc::cosine(n100, n103) > hdc::cosine(n100, n200));
    // Cleanup among numbers 0.3 % apart picks the exact one.
    const auto doc = enc.encode(R"({"a":"x","b":"y","v":100.3,"c":[1,2]})");
    const std::vector<json> c = {100.0, 100.3, 100.6, 99.7};
    CHECK(c[enc.best_match(doc, "/v", c).first] == 100.3);
    // Without the exact component (weight 0) those numbers are nearly the same vector.
    hdc::json_options graded;
    graded.number_exact_weight = 0;
    const encoder g(graded, dim);
    CHECK(hdc::cosine(g.encode("100"), g.encode("100.3")) > 0.95);
    hdc::json_options bad;
    bad.number_exact_weight = -1;
    CHECK_THROWS_AS(encoder(bad, dim), hdc::invalid_parameter);
    bad.number_exact_weight = std::nan("");
    CHECK_THROWS_AS(encoder(bad, dim), hdc::non_finite_value);
}

TEST_CASE("json: hierarchical path queries clean up level by level", "[json]") {
    // A corpus of 30 records, each 3 levels deep with 8 members per level (512 leaves): at
    // D = 512 a flat unbinding of a leaf 3 keys deep keeps 1/8^(3/2) ~ 0.044 of the vector, about
    // one chance standard deviation, so a flat cleanup among 30 candidates mostly fails; one
    // level at a time, the child keeps 1/sqrt(8) ~ 0.35 (8 chance deviations), so every
    // intermediate cleanup and the answer are right.
    const encoder enc(hdc::json_options{}, dim);
    hdc::json_path_memory<> memory(enc);
    std::vector<json> docs;
    hdc::rng gen(3);
    const auto word = [&] { return named("w", static_cast<long long>(gen.below(1000000))); };
    for (int r = 0; r < 30; ++r) {
        json doc;
        for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 8; ++j)
                for (int k = 0; k < 8; ++k)
                    doc[named("k", i)][named("m", j)][named("n", k)] = word();
        docs.push_back(doc);
        memory.add(doc);
    }
    CHECK(memory.paths() == 8 + 64 + 512);
    CHECK(memory.values("/k1/m2/n3")->size() == 30);
    std::size_t right = 0, right_flat = 0, asked = 0;
    for (std::size_t r = 0; r < docs.size(); r += 3) {
        const auto v = enc.encode(docs[r]);
        for (const char* p : {"/k0/m0/n0", "/k3/m5/n7", "/k7/m1/n4", "/k2/m6/n2"}) {
            const auto* c = memory.values(p);
            const json truth = docs[r].at(json::json_pointer(p));
            right += (*c)[memory.query(v, p).first] == truth;
            right_flat += (*c)[memory.cleanup(enc.value_at(v, p), p).first] == truth;
            ++asked;
        }
    }
    CHECK(right == asked);
    CHECK(right_flat < asked / 2);
    // Errors: a pointer never seen, a pointer without its leading slash, a cleanup at an unseen pointer.
    CHECK_THROWS_AS(memory.query(enc.encode(docs[0]), "/nothing/here"), hdc::empty_input);
    CHECK_THROWS_AS(memory.query(enc.encode(docs[0]), "k0"), hdc::invalid_parameter);
    CHECK_THROWS_AS(memory.cleanup(enc.encode(docs[0]), "/k9"), hdc::empty_input);
    // Values seen twice are stored once.
    const std::size_t before = memory.size();
    memory.add(docs[0]);
    CHECK(memory.size() == before);
}

TEST_CASE("json: a path memory is unchanged by a document that fails to encode", "[json]") {
    const encoder enc(hdc::json_options{}, dim);
    hdc::json_path_memory<> memory(enc);
    memory.add(json::parse(R"({"x":{"y":2},"z":"s"})"));
    const std::size_t size = memory.size(), paths = memory.paths();
    json bad;  // "/a" encodes, "/b" (after it in key order) throws
    bad["a"] = 1;
    bad["b"] = std::nan("");
    CHECK_THROWS_AS(memory.add(bad), hdc::non_finite_value);
    CHECK(memory.size() == size);
    CHECK(memory.paths() == paths);
    CHECK(memory.values("/a") == nullptr);
    // An already-parsed document far deeper than max_depth: encoding refuses it before any
    // serialisation could recurse that deep.
    json deep = 1;
    for (int i = 0; i < 100000; ++i) {
        json next = json::array();
        next.push_back(std::move(deep));
        deep = std::move(next);
    }
    json wrapped;
    wrapped["a"] = std::move(deep);
    CHECK_THROWS_AS(memory.add(wrapped), hdc::format_error);
    CHECK(memory.size() == size);
    // Invalid UTF-8 in a string: recorded (serialised with U+FFFD), not nlohmann's type_error.
    json text;
    text["s"] = std::string("ok\xff");
    CHECK_NOTHROW(memory.add(text));
    REQUIRE(memory.values("/s") != nullptr);
    CHECK(memory.values("/s")->size() == 1);
}

TEST_CASE("json: path memory with order-free arrays refuses array positions", "[json]") {
    hdc::json_options bag;
    bag.ordered_arrays = false;
    const encoder enc(bag, dim);
    hdc::json_path_memory<> memory(enc);
    const json doc = json::parse(R"({"a":[{"x":1},{"x":2}],"b":"s"})");
    memory.add(doc);
    CHECK(memory.values("/a") != nullptr);
    CHECK(memory.values("/a/0") == nullptr);  // items of a bag have no position
    CHECK(memory.values("/a/0/x") == nullptr);
    CHECK_THROWS_AS(memory.query(enc.encode(doc), "/a/0/x"), hdc::invalid_parameter);
    CHECK(memory.query(enc.encode(doc), "/b").first == 0);
    CHECK(hdc::json_pointer_escape("a/b~c") == "a~1b~0c");
}

TEST_CASE("json: the key and number caches have their own budgets and do not change results", "[json]") {
    const encoder full(hdc::json_options{}, dim);
    hdc::json_options no_numbers;
    no_numbers.number_cache_bytes = 0;  // every number rebuilt, keys cached
    hdc::json_options no_cache = no_numbers;
    no_cache.role_cache_bytes = 0;
    const std::string doc = R"({"a":1.5,"b":[2,3,-4e10],"c":{"d":1.5,"e":"x"}})";
    const auto expected = full.encode(std::string_view(doc));
    CHECK(encoder(no_numbers, dim).encode(std::string_view(doc)) == expected);
    CHECK(encoder(no_cache, dim).encode(std::string_view(doc)) == expected);
}

TEST_CASE("json: encoders of different dimensions alternate on one thread", "[json]") {
    // The thread's scratch is shared by every encoder: blocks big enough for either dimension are
    // reused, and levels beyond a small cap are freed after a deep document.
    const encoder small(hdc::json_options{}, 64), large(hdc::json_options{}, 96);
    std::string deep = "1";
    for (int i = 0; i < 40; ++i) deep = R"({"k":[)" + deep + R"(,2]})";
    const std::string doc = R"({"a":[1,{"b":"x"}],"c":true})";
    const auto s0 = small.encode(std::string_view(doc)), l0 = large.encode(std::string_view(doc));
    const auto sd = small.encode(std::string_view(deep)), ld = large.encode(std::string_view(deep));
    for (int round = 0; round < 3; ++round) {
        CHECK(large.encode(std::string_view(doc)) == l0);
        CHECK(small.encode(std::string_view(deep)) == sd);
        CHECK(small.encode(std::string_view(doc)) == s0);
        CHECK(large.encode(std::string_view(deep)) == ld);
    }
    CHECK(encoder(hdc::json_options{}, 96).encode(std::string_view(deep)) == ld);
}

TEST_CASE("json: encodings do not depend on the number of threads", "[json]") {
    const encoder enc(hdc::json_options{}, dim);
    std::vector<std::string> docs;
    for (int i = 0; i < 24; ++i) {
        std::string d = named(R"({"id":)", i);
        d += named(R"(,"v":[)", 3 * i);
        d += named(R"(,{"deep":{"x":"s)", i % 5);
        d += R"("}}],"t":true})";
        docs.push_back(d);
    }
    std::vector<hdc::mbat<>> serial;
    for (const auto& d : docs) serial.push_back(encoder(hdc::json_options{}, dim).encode(std::string_view(d)));
    for (const std::size_t threads : {std::size_t{2}, std::size_t{3}}) {
        std::vector<hdc::mbat<>> out(docs.size());
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (std::size_t i = t; i < docs.size(); i += threads) out[i] = enc.encode(std::string_view(docs[i]));
            });
        for (auto& th : pool) th.join();
        for (std::size_t i = 0; i < docs.size(); ++i) CHECK(out[i] == serial[i]);
    }
}
