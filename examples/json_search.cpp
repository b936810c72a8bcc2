// examples/json_search.cpp - nearest-neighbour search over MBAT soft JSON vectors.
//
//   json_search FILE.json [--dim D] [--key-field F] [--threads T] [--haar] [--bag] [--soft-strings]
//                         [--seed S] [--path-records N] [--number-width W] [--query JSON [--k K]]
//
// Reads the records of FILE (a top-level array or JSON Lines) one at a time, encodes each into
// one vector and prints the encode throughput (records/s and MB/s, parse included, median of
// at least five passes and half a second). Then, for every record, a perturbed copy (one top-level field dropped, one
// number changed by 2-5 %, one string changed by one character) is encoded and searched among
// the originals: top1 is how often the nearest original is the record itself (or a record with
// identical content). --key-field F: leave-one-out nearest-neighbour accuracy of the label F,
// with F removed from every record before encoding. Path queries: for up to N records (default
// 200), every scalar leaf is read back and cleaned up against the distinct values found at that
// path in the file, hierarchically (json_path_memory::query: one key at a time, each
// intermediate cleaned up against the values seen at its prefix) and, for comparison, flat
// (value_at over the whole path, then one cleanup). --query JSON: prints the k nearest records to the document
// instead. The last line is "top1: 0.xxxx".
#include <hdc/encoders/json.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "threads.hpp"

namespace {

using vec = hdc::mbat<>;
using json = nlohmann::json;

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "json_search: %s\n"
                 "usage: json_search FILE.json [--dim D] [--key-field F] [--threads T] [--haar] [--bag]\n"
                 "                   [--soft-strings] [--seed S] [--path-records N] [--number-width W] [--query JSON [--k K]]\n",
                 problem.c_str());
    std::exit(2);
}

std::size_t to_count(const std::string& flag, const std::string& value, std::size_t min) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || value[0] == '-' || v < min)
        usage(flag + " needs an integer >= " + std::to_string(min) + ", got '" + value + "'");
    return static_cast<std::size_t>(v);
}

/// Rows of unit vectors, one per record, as a float matrix (records x D).
Eigen::MatrixXf to_matrix(const std::vector<vec>& v, std::size_t dim) {
    Eigen::MatrixXf m(static_cast<Eigen::Index>(v.size()), static_cast<Eigen::Index>(dim));
    for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = 0; j < dim; ++j)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v[i][j];
    return m;
}

/// Encodes docs on threads (results independent of the thread count).
std::vector<vec> encode_all(const hdc::json_encoder<>& enc, const std::vector<json>& docs, std::size_t threads) {
    std::vector<vec> out(docs.size());
    examples::run_threads(threads, [&](std::size_t t) {
        for (std::size_t i = t; i < docs.size(); i += threads) out[i] = enc.encode(docs[i]);
    });
    return out;
}

/// Index of the largest entry of row i of scores, skipping column skip.
Eigen::Index argmax_row(const Eigen::MatrixXf& scores, Eigen::Index i, Eigen::Index skip) {
    Eigen::Index best = -1;
    float value = -2;
    for (Eigen::Index j = 0; j < scores.cols(); ++j)
        if (j != skip && scores(i, j) > value) {
            value = scores(i, j);
            best = j;
        }
    return best;
}

/// Every scalar leaf of doc with its pointer (object keys made only of digits are skipped: a
/// pointer reads them as array positions).
void leaves(const json& doc, const std::string& path, std::vector<std::pair<std::string, const json*>>& out) {
    if (doc.is_object()) {
        for (const auto& [k, v] : doc.items()) {
            if (!k.empty() && k.find_first_not_of("0123456789") == std::string::npos) continue;
            leaves(v, path + "/" + hdc::json_pointer_escape(k), out);
        }
    } else if (doc.is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i) leaves(doc[i], path + "/" + std::to_string(i), out);
    } else if (!path.empty()) {
        out.emplace_back(path, &doc);
    }
}

/// The perturbed copy of record i: one top-level field dropped, one number scaled by 1 +- (2..5) %,
/// one string changed in one character (each when the record has one), drawn from (seed, i).
json perturb(const json& doc, std::uint64_t seed, std::size_t i) {
    hdc::rng gen(seed ^ 0x7065727475726Bull, i);
    json copy = doc;
    if (!copy.is_object() || copy.empty()) return copy;
    std::vector<std::string> keys;
    for (const auto& [k, v] : copy.items()) keys.push_back(k);
    const std::string dropped = keys[gen.below(keys.size())];
    copy.erase(dropped);
    std::vector<std::pair<std::string, const json*>> all;
    leaves(copy, "", all);
    std::vector<std::string> numbers, strings;
    for (const auto& [p, v] : all) {
        if (v->is_number()) numbers.push_back(p);
        else if (v->is_string() && !v->get<std::string>().empty()) strings.push_back(p);
    }
    if (!numbers.empty()) {
        const json::json_pointer p(numbers[gen.below(numbers.size())]);
        const double x = copy.at(p).get<double>();
        const double change = 0.02 + 0.03 * gen.uniform();
        copy.at(p) = x * (gen.below(2) ? 1 + change : 1 - change);
    }
    if (!strings.empty()) {
        const json::json_pointer p(strings[gen.below(strings.size())]);
        std::string s = copy.at(p).get<std::string>();
        const std::size_t at = gen.below(s.size());
        s[at] = s[at] == 'x' ? 'y' : 'x';
        copy.at(p) = s;
    }
    return copy;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string file, key_field, query;
    std::size_t dim = 2048, threads = 1, k = 5, path_records = 200;
    hdc::json_options options;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--dim") dim = to_count(a, value(), 16);
        else if (a == "--key-field") key_field = value();
        else if (a == "--threads") threads = to_count(a, value(), 1);
        else if (a == "--k") k = to_count(a, value(), 1);
        else if (a == "--seed") options.seed = to_count(a, value(), 0);
        else if (a == "--path-records") path_records = to_count(a, value(), 0);
        else if (a == "--query") query = value();
        else if (a == "--number-width") {
            const std::string w = value();
            char* end = nullptr;
            options.number_width = std::strtod(w.c_str(), &end);
            if (w.empty() || *end != '\0') usage("--number-width needs a number of decades, got '" + w + "'");
        }
        else if (a == "--haar") options.roles = hdc::role_kind::haar;
        else if (a == "--bag") options.ordered_arrays = false;
        else if (a == "--soft-strings") options.soft_strings = true;
        else if (a == "-h" || a == "--help") usage("nearest-neighbour search over soft JSON vectors");
        else if (a.rfind("--", 0) == 0) usage("unknown option " + a);
        else if (file.empty()) file = a;
        else usage("more than one input file");
    }
    if (file.empty()) usage("no input file");

    try {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw hdc::format_error("cannot open " + file);
        // Record texts, read one at a time (the timing below parses and encodes them).
        std::vector<std::string> texts;
        std::vector<std::size_t> offsets;
        hdc::json_record_reader reader(in);
        std::string text;
        std::size_t offset = 0, bytes = 0;
        while (reader.next(text, offset)) {
            bytes += text.size();
            texts.push_back(text);
            offsets.push_back(offset);
        }
        if (texts.empty()) throw hdc::empty_input("no records in " + file);
        const hdc::json_encoder<> enc(options, dim);
        const std::size_t n = texts.size();
        std::vector<json> docs(n);
        for (std::size_t i = 0; i < n; ++i)
            docs[i] = hdc::parse_json(texts[i], options.max_depth, offsets[i],
                                      " (record " + std::to_string(i) + ")");
        enc.encode(docs[0]);  // roles of the first record made outside the timing

        std::vector<vec> vectors(n);
        std::vector<double> times, cpu;
        // At least five passes and half a second: the median pass is robust on a busy machine.
        const auto start = std::chrono::steady_clock::now();
        for (int pass = 0; pass < 5 || (seconds_since(start) < 0.5 && pass < 1000); ++pass) {
            const std::clock_t c0 = std::clock();
            const auto t0 = std::chrono::steady_clock::now();
            examples::run_threads(threads, [&](std::size_t t) {
                for (std::size_t i = t; i < n; i += threads) vectors[i] = enc.encode(std::string_view(texts[i]));
            });
            times.push_back(seconds_since(t0));
            cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        }
        std::sort(times.begin(), times.end());
        std::sort(cpu.begin(), cpu.end());
        std::printf("%s: %zu records, %.2f MB, D = %zu, %s roles, %zu thread(s)\n", file.c_str(), n,
                    static_cast<double>(bytes) / 1e6, dim,
                    options.roles == hdc::role_kind::haar ? "haar" : "structured", threads);
        const std::size_t mid = times.size() / 2;
        std::printf("encode (parse included, median of %zu passes): %.0f records/s, %.2f MB/s\n", times.size(),
                    static_cast<double>(n) / times[mid], static_cast<double>(bytes) / 1e6 / times[mid]);
        // Per CPU second (all threads): the cost on a machine shared with other work.
        std::printf("encode per CPU second: %.0f records, %.2f MB\n", static_cast<double>(n) / cpu[mid],
                    static_cast<double>(bytes) / 1e6 / cpu[mid]);
        const Eigen::MatrixXf originals = to_matrix(vectors, dim);

        if (!query.empty()) {
            const vec q = enc.encode(std::string_view(query));
            std::vector<std::pair<double, std::size_t>> sims;
            for (std::size_t i = 0; i < n; ++i) sims.emplace_back(hdc::cosine(q, vectors[i]), i);
            std::partial_sort(sims.begin(), sims.begin() + static_cast<std::ptrdiff_t>(std::min(k, n)), sims.end(),
                              [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
            for (std::size_t r = 0; r < std::min(k, n); ++r) {
                std::string shown = docs[sims[r].second].dump();
                if (shown.size() > 160) shown = shown.substr(0, 157) + "...";
                std::printf("%zu. record %zu  cosine %.4f  %s\n", r + 1, sims[r].second, sims[r].first, shown.c_str());
            }
            return 0;
        }

        // Perturbed copies against the originals.
        std::vector<json> perturbed(n);
        for (std::size_t i = 0; i < n; ++i) perturbed[i] = perturb(docs[i], options.seed, i);
        const Eigen::MatrixXf queries = to_matrix(encode_all(enc, perturbed, threads), dim);
        const Eigen::MatrixXf scores = queries * originals.transpose();
        std::size_t hits = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto j = static_cast<std::size_t>(argmax_row(scores, static_cast<Eigen::Index>(i), -1));
            if (j == i || docs[j] == docs[i]) ++hits;
        }
        const double top1 = static_cast<double>(hits) / static_cast<double>(n);

        if (!key_field.empty()) {
            std::vector<json> stripped = docs;
            std::vector<std::string> labels(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (stripped[i].is_object() && stripped[i].contains(key_field)) {
                    const json& l = stripped[i][key_field];
                    labels[i] = l.is_string() ? l.get<std::string>() : l.dump();
                    stripped[i].erase(key_field);
                }
            }
            const Eigen::MatrixXf m = to_matrix(encode_all(enc, stripped, threads), dim);
            const Eigen::MatrixXf self = m * m.transpose();
            std::size_t right = 0;
            std::set<std::string> classes(labels.begin(), labels.end());
            for (std::size_t i = 0; i < n; ++i) {
                const auto j = argmax_row(self, static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
                if (labels[static_cast<std::size_t>(j)] == labels[i]) ++right;
            }
            std::printf("leave-one-out 1-NN accuracy of '%s' (%zu classes, field removed before encoding): %.4f\n",
                        key_field.c_str(), classes.size(), static_cast<double>(right) / static_cast<double>(n));
        }

        if (path_records > 0) {
            // Every value at every path of the file: the cleanup candidates of a leaf are the
            // distinct values found at its path, and the composite values at its prefixes are
            // the codebooks of the hierarchical query's intermediate cleanups.
            const auto m0 = std::chrono::steady_clock::now();
            hdc::json_path_memory<> memory(enc);
            for (const auto& d : docs) memory.add(d);
            std::fprintf(stderr, "json_search: path memory of %zu values at %zu paths in %.1f s\n", memory.size(),
                         memory.paths(), seconds_since(m0));
            constexpr std::size_t depths = 5;  // 1, 2, 3, 4, 5+ keys
            struct tally {
                std::size_t asked = 0, right = 0, right_flat = 0, asked_num = 0, right_num = 0, near_num = 0;
                std::size_t asked_depth[depths] = {}, right_depth[depths] = {}, flat_depth[depths] = {};
            } t;
            const std::size_t every = std::max<std::size_t>(1, n / path_records);
            for (std::size_t i = 0; i < n; i += every) {
                std::vector<std::pair<std::string, const json*>> all;
                leaves(docs[i], "", all);
                for (const auto& [p, v] : all) {
                    const auto* c = memory.values(p);
                    if (c == nullptr || c->size() < 2) continue;
                    const std::size_t got = memory.query(vectors[i], p).first;
                    const std::size_t flat = memory.cleanup(enc.value_at(vectors[i], p), p).first;
                    const bool ok = (*c)[got] == *v;
                    const bool ok_flat = (*c)[flat] == *v;
                    ++t.asked;
                    t.right += ok;
                    t.right_flat += ok_flat;
                    const std::size_t depth = std::min<std::size_t>(
                        static_cast<std::size_t>(std::count(p.begin(), p.end(), '/')), depths);
                    ++t.asked_depth[depth - 1];
                    t.right_depth[depth - 1] += ok;
                    t.flat_depth[depth - 1] += ok_flat;
                    if (v->is_number()) {
                        ++t.asked_num;
                        t.right_num += ok;
                        const double x = v->get<double>(), y = (*c)[got].is_number() ? (*c)[got].get<double>() : HUGE_VAL;
                        t.near_num += std::fabs(x - y) <= 0.01 * std::fabs(x);
                    }
                }
            }
            const auto share = [](std::size_t a, std::size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
            std::printf("path queries (hierarchical cleanup; candidates: the distinct values at the path, %zu records): "
                        "%.4f of %zu (strings and literals %.4f, numbers %.4f; flat value_at + cleanup %.4f)\n",
                        (n + every - 1) / every, share(t.right, t.asked), t.asked,
                        share(t.right - t.right_num, t.asked - t.asked_num), share(t.right_num, t.asked_num),
                        share(t.right_flat, t.asked));
            std::printf("path queries by depth (hierarchical / flat):");
            for (std::size_t d = 0; d < depths; ++d)
                if (t.asked_depth[d])
                    std::printf(" %zu%s key%s %.4f / %.4f of %zu;", d + 1, d + 1 == depths ? "+" : "", d ? "s" : "",
                                share(t.right_depth[d], t.asked_depth[d]), share(t.flat_depth[d], t.asked_depth[d]),
                                t.asked_depth[d]);
            std::printf(" numbers within 1 %%: %.4f\n", share(t.near_num, t.asked_num));
        }
        std::printf("top1: %.4f\n", top1);
    } catch (const hdc::error& e) {
        std::fprintf(stderr, "json_search: %s\n", e.what());
        return 1;
    }
    return 0;
}
