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
