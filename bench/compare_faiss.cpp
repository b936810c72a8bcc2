// compare_faiss - nearest-neighbour search of binary hypervectors: hdc::item_memory against
// FAISS IndexBinaryFlat, measured in the same run on the same random memory.
//
// Builds N random binary vectors of D bits, makes queries by flipping 30% of the bits of random
// stored vectors (so each query has one clear nearest neighbour), checks that both libraries
// return the same neighbours with the same distances, and times 1 query and Q queries on one
// thread (median of --repeats runs). A plain streaming read of the same bytes gives the
// memory-bandwidth limit for one query. Prints `name: value` lines, among them
//   ratio_vs_faiss_q1, ratio_vs_faiss_q100   (FAISS time / hdc time; > 1 means hdc is faster)
//
// Usage: compare_faiss [--dim 10000] [--n 100000] [--queries 100] [--repeats 5] [--seed 1]
#include <hdc/memory/item_memory.hpp>
#include <hdc/models/binary.hpp>

#include "timing.hpp"

#include <faiss/IndexBinaryFlat.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using V = hdc::binary<hdc::dynamic>;
using faiss_idx = faiss::Index::idx_t;  // FAISS 1.7's label type

using bench::median_seconds;
using bench::options;

options parse(int argc, char** argv) {
    const options o = bench::parse_options(
        argc, argv, options{},
        "compare_faiss [--dim D] [--n N] [--queries Q] [--repeats R] [--seed S]");
    if (o.dim == 0 || o.dim % 8 != 0 || o.n == 0 || o.queries == 0 || o.repeats == 0) {
        std::fprintf(stderr, "--dim must be a positive multiple of 8 (FAISS packs bytes); n, queries, repeats positive\n");
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const options opt = parse(argc, argv);
    omp_set_num_threads(1);  // the comparison is one thread against one thread
    hdc::rng gen{opt.seed};

    std::printf("dim: %zu\nn: %zu\nqueries: %zu\n", opt.dim, opt.n, opt.queries);
    hdc::item_memory<V> memory(opt.dim);
    memory.reserve(opt.n);
    const std::size_t code_bytes = opt.dim / 8;
    std::vector<std::uint8_t> codes(opt.n * code_bytes);
    for (std::size_t i = 0; i < opt.n; ++i) {
        const V v = hdc::random<V>(gen, opt.dim);
        memory.add(std::to_string(i), v);
        std::memcpy(codes.data() + i * code_bytes, v.data(), code_bytes);  // same bits, little-endian
    }
    faiss::IndexBinaryFlat index(static_cast<int>(opt.dim));
    index.add(static_cast<faiss_idx>(opt.n), codes.data());

    std::vector<V> queries;
    std::vector<std::size_t> truth;
    std::vector<std::uint8_t> query_codes(opt.queries * code_bytes);
    for (std::size_t q = 0; q < opt.queries; ++q) {
        const std::size_t target = gen.below(opt.n);
        V noisy = memory.vector(target);
        for (std::size_t b = 0; b < opt.dim; ++b)
            if (gen.below(10) < 3) noisy.set(b, !noisy[b]);
        std::memcpy(query_codes.data() + q * code_bytes, noisy.data(), code_bytes);
        queries.push_back(std::move(noisy));
        truth.push_back(target);
    }

    // Agreement: same neighbour and same distance for every query.
    std::vector<std::int32_t> dist(opt.queries);  // FAISS binary distances are int32
    std::vector<faiss_idx> label(opt.queries);
    index.search(static_cast<faiss_idx>(opt.queries), query_codes.data(), 1, dist.data(), label.data());
    const auto ours = memory.nearest(queries);
    std::size_t agree = 0, correct = 0;
    for (std::size_t q = 0; q < opt.queries; ++q) {
        const auto our_distance = std::llround((1.0 - ours[q].similarity) * static_cast<double>(opt.dim) / 2);
        if (static_cast<std::size_t>(label[q]) == ours[q].index && our_distance == dist[q]) ++agree;
        if (ours[q].index == truth[q]) ++correct;
    }
    std::printf("same_neighbours: %zu/%zu\ncorrect_cleanup: %zu/%zu\n", agree, opt.queries, correct, opt.queries);

    // Memory-bandwidth reference: one streaming read of the stored rows.
    const auto view = memory.view();
    volatile std::uint64_t sink = 0;
    const double t_read = median_seconds(
        opt.repeats, [&] { bench::plain_read(view.data(), view.size() * view.stride(), sink); });

    const double t_faiss_1 = median_seconds(opt.repeats, [&] {
        index.search(1, query_codes.data(), 1, dist.data(), label.data());
    });
    const double t_ours_1 = median_seconds(opt.repeats, [&] { sink = sink + memory.nearest(queries[0]).index; });
    const double t_faiss_q = median_seconds(opt.repeats, [&] {
        index.search(static_cast<faiss_idx>(opt.queries), query_codes.data(), 1, dist.data(), label.data());
    });
    const double t_ours_q = median_seconds(opt.repeats, [&] { sink = sink + memory.nearest(queries).size(); });
    const double t_ours_q_2t = median_seconds(opt.repeats, [&] { sink = sink + memory.nearest(queries, 2).size(); });

    const double gib = static_cast<double>(view.size() * view.stride() * 8) / (1u << 30);
    std::printf("bandwidth_read_ms: %.3f\nbandwidth_GiB_per_s: %.2f\n", t_read * 1e3, gib / t_read);
    std::printf("faiss_q1_ms: %.3f\nhdc_q1_ms: %.3f\n", t_faiss_1 * 1e3, t_ours_1 * 1e3);
    std::printf("faiss_q%zu_ms: %.3f\nhdc_q%zu_ms: %.3f\nhdc_q%zu_2threads_ms: %.3f\n", opt.queries,
                t_faiss_q * 1e3, opt.queries, t_ours_q * 1e3, opt.queries, t_ours_q_2t * 1e3);
    std::printf("ratio_vs_bandwidth_q1: %.3f\n", t_ours_1 / t_read);
    std::printf("ratio_vs_faiss_q1: %.2f\n", t_faiss_1 / t_ours_1);
    std::printf("ratio_vs_faiss_q%zu: %.2f\n", opt.queries, t_faiss_q / t_ours_q);
    std::printf("speedup_2threads_q%zu: %.2f\n", opt.queries, t_ours_q / t_ours_q_2t);
    return agree == opt.queries ? 0 : 1;
}
