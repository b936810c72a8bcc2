// compare_real - cosine search of real-valued hypervectors against the memory-bandwidth limit,
// measured in the same run on the same memory.
//
// Builds N random vectors of D float components (real, MAP-C) or MBAT unit vectors, then times
// on one thread (median of --repeats runs):
//   read       a plain streaming read of the stored rows (the bandwidth limit for one query)
//   q1         item_memory::nearest of one query (cached row norms, one pass over the rows)
//   q1_view    the same search over the memory's batch_view with no cached norms (each row's
//              norm recomputed, as item_memory did before it cached them)
//   qQ         item_memory::nearest of Q queries (one Eigen matrix product per block of rows)
// checks that the one-query and Q-query paths find the same neighbours, and prints `name: value`
// lines, among them ratio_q1_vs_read (median of the per-repeat ratios; <= 1.2 is the target),
// ratio_q1_vs_read_of_medians (the ratio of the two medians, more exposed to load changes) and
// speedup_per_query_qQ (time of one query / time per query of the Q-query pass).
//
// Usage: compare_real [--model real|mbat] [--dim 10000] [--n 100000] [--queries 100] [--repeats 5] [--seed 1]
#include <hdc/core/algebra.hpp>
#include <hdc/memory/item_memory.hpp>
#include <hdc/memory/search.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/real.hpp>

#include "timing.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using bench::median;
using bench::median_seconds;
using bench::options;

options parse(int argc, char** argv) {
    options defaults;
    defaults.model = "real";
    const options o = bench::parse_options(
        argc, argv, defaults,
        "compare_real [--model real|mbat] [--dim D] [--n N] [--queries Q] [--repeats R] [--seed S]");
    if ((o.model != "real" && o.model != "mbat") || o.dim == 0 || o.n == 0 || o.queries < 2 || o.repeats == 0) {
        std::fprintf(stderr, "--model is real or mbat; dim, n, repeats positive; queries at least 2\n");
        std::exit(2);
    }
    return o;
}

template <class V>
int run(const options& opt) {
    hdc::rng gen{opt.seed};
    std::printf("model: %s\ndim: %zu\nn: %zu\nqueries: %zu\nrepeats: %zu\n", opt.model.c_str(), opt.dim, opt.n,
                opt.queries, opt.repeats);
    hdc::item_memory<V> memory(opt.dim);
    memory.reserve(opt.n);
    for (std::size_t i = 0; i < opt.n; ++i) memory.add(hdc::random<V>(gen, opt.dim));
    // Queries: stored vectors plus noise of the same size, so each has one clear neighbour.
    std::vector<V> queries;
    std::vector<std::size_t> truth;
    for (std::size_t q = 0; q < opt.queries; ++q) {
        truth.push_back(gen.below(opt.n));
        queries.push_back(hdc::bundle({memory.vector(truth.back()), hdc::random<V>(gen, opt.dim)}));
    }

    // Agreement: the one-query and many-query paths find the same (correct) neighbours.
    const auto many = memory.nearest(queries);
    std::size_t agree = 0, correct = 0;
    for (std::size_t q = 0; q < opt.queries; ++q) {
        if (memory.nearest(queries[q]).index == many[q].index) ++agree;
        if (many[q].index == truth[q]) ++correct;
    }
    std::printf("same_neighbours_q1_vs_qQ: %zu/%zu\ncorrect_cleanup: %zu/%zu\n", agree, opt.queries, correct,
                opt.queries);

    const auto view = memory.view();
    const hdc::batch_searcher<V> uncached(view);
    volatile std::uint64_t sink = 0;
    const std::size_t bytes = view.size() * view.stride() * sizeof(typename hdc::row_traits<V>::element_type);
    // read, q1 and q1_view are timed in turn within each repeat, so all three see the same
    // machine load; the ratios are medians of the per-repeat ratios.
    std::vector<double> reads, q1s, views, ratios, view_ratios;
    for (std::size_t r = 0; r < opt.repeats; ++r) {
        reads.push_back(bench::seconds([&] {
            bench::plain_read(reinterpret_cast<const std::uint64_t*>(view.data()), bytes / 8, sink);
        }));
        q1s.push_back(bench::seconds([&] { sink = sink + memory.nearest(queries[r % opt.queries]).index; }));
        views.push_back(bench::seconds([&] { sink = sink + uncached.nearest(queries[r % opt.queries]).index; }));
        ratios.push_back(q1s.back() / reads.back());
        view_ratios.push_back(views.back() / reads.back());
    }
    const double t_read = median(reads), t_q1 = median(q1s), t_q1_view = median(views);
    const double t_qq = median_seconds(opt.repeats, [&] { sink = sink + memory.nearest(queries).size(); });

    const double gib = static_cast<double>(bytes) / (1u << 30);
    const double per_query = t_qq / static_cast<double>(opt.queries);
    std::printf("bandwidth_read_ms: %.3f\nbandwidth_GiB_per_s: %.2f\n", t_read * 1e3, gib / t_read);
    std::printf("hdc_q1_ms: %.3f\nhdc_q1_uncached_norms_ms: %.3f\n", t_q1 * 1e3, t_q1_view * 1e3);
    std::printf("hdc_q%zu_ms: %.3f\nhdc_q%zu_per_query_ms: %.3f\n", opt.queries, t_qq * 1e3, opt.queries, per_query * 1e3);
    std::printf("ratio_q1_vs_read: %.3f\n", median(ratios));
    std::printf("ratio_q1_vs_read_of_medians: %.3f\n", t_q1 / t_read);
    std::printf("ratio_q1_uncached_vs_read: %.3f\n", median(view_ratios));
    std::printf("speedup_per_query_q%zu: %.2f\n", opt.queries, t_q1 / per_query);
    return agree == opt.queries ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const options opt = parse(argc, argv);
    if (opt.model == "mbat") return run<hdc::mbat<hdc::dynamic>>(opt);
    return run<hdc::real<hdc::dynamic>>(opt);
}
