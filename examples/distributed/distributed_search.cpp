// distributed_search - nearest-neighbour search in an item memory split over MPI ranks.
//
//   mpirun -np P distributed_search --n N --dim D --queries Q [--k K] [--seed S] [--repeat R]
//                                   [--no-check]
//
// Builds N random binary vectors of dimension D (row i from hdc::rng(S, i), label "item<i>"),
// each rank generating only the rows it holds (contiguous id ranges, N / P per rank), and asks Q
// queries at once (each the majority of two stored rows and a random vector, so near both, with
// exact ties now and then), keeping the K best (default 1). Then, unless --no-check, rank 0 builds
// one ordinary item_memory of all N rows, answers the same queries alone with one thread (the
// other ranks wait polling, without spinning, so the one-rank time has the machine) and
// compares: same ids, labels, similarities and order. Prints the build time, the median time of R
// (default 3) searches of the Q queries on P ranks and on one, queries per second, the speed-up
// over one rank and `identical: yes|no` (exit 1 for no). Progress goes to stderr.
//
// Errors (exit 1, the library's message, e.g. a zero dimension). Bad arguments print the usage
// (exit 2).
#include <hdc/distributed/sharded_item_memory.hpp>
#include <hdc/models/binary.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace {

using V = hdc::binary<hdc::dynamic>;
using clock_type = std::chrono::steady_clock;

struct options {
    std::size_t n = 0, dim = 0, queries = 0, k = 1, repeat = 3;
    std::uint64_t seed = 1;
    bool check = true;
};

void usage() {
    std::fprintf(stderr,
                 "usage: mpirun -np P distributed_search --n N --dim D --queries Q [--k K] [--seed S]\n"
                 "                                       [--repeat R] [--no-check]\n"
                 "  N random binary rows of dimension D split over the P ranks, Q queries at once, the K best\n"
                 "  each (default 1); R timed repeats (default 3); --no-check skips the one-process search.\n");
}

bool parse_count(const char* text, std::size_t& out) {
    char* end = nullptr;
    if (!text || *text == '\0' || *text == '-') return false;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (*end != '\0') return false;
    out = static_cast<std::size_t>(v);
    return true;
}

bool parse(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        std::size_t v = 0;
        if (a == "--no-check") {
            o.check = false;
            continue;
        }
        if (!parse_count(value, v)) return false;
        ++i;
        if (a == "--n") o.n = v;
        else if (a == "--dim") o.dim = v;
        else if (a == "--queries") o.queries = v;
        else if (a == "--k") o.k = v;
        else if (a == "--repeat") o.repeat = v;
        else if (a == "--seed") o.seed = v;
        else return false;
    }
    return o.n > 0 && o.queries > 0 && o.repeat > 0;  // a zero --dim or --k is the library's to refuse
}

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// A barrier that waits by polling every millisecond instead of spinning in MPI_Barrier (Open
/// MPI's default busy-wait would take a core from the rank still working).
void idle_barrier(const hdc::mpi::communicator& comm) {
    MPI_Request request;
    hdc::mpi::check(MPI_Ibarrier(comm.get(), &request), "MPI_Ibarrier");
    for (int done = 0;;) {
        hdc::mpi::check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

V row(const options& o, std::size_t i) {
    hdc::rng gen(o.seed, i);
    return hdc::random<V>(gen, o.dim);
}

int run(const options& o, const hdc::mpi::communicator& comm) {
    const bool root = comm.rank() == 0;
    const auto ranks = static_cast<std::size_t>(comm.size());
    const auto t_build = clock_type::now();
    hdc::mpi::sharded_item_memory<V> memory(comm, o.dim,
                                            hdc::mpi::sharding::by_range((o.n + ranks - 1) / ranks));
    // In chunks, so the staging of each add stays small.
    for (std::size_t first = 0; first < o.n; first += 16384) {
        const std::size_t count = std::min<std::size_t>(16384, o.n - first);
        memory.add(count, [&](std::size_t i) { return "item" + std::to_string(first + i); },
                   [&](std::size_t i) { return row(o, first + i); });
    }
    std::vector<V> queries;
    hdc::rng noise(o.seed ^ 0x9e3779b97f4a7c15ull, 0);
    for (std::size_t q = 0; q < o.queries; ++q) {
        const std::size_t a = (q * 7919) % o.n, b = (q * 104729 + 13) % o.n;
        queries.push_back(hdc::bundle({row(o, a), row(o, b), hdc::random<V>(noise, o.dim)}));
    }
    comm.barrier();
    const double build = seconds_since(t_build);
    if (root) std::fprintf(stderr, "built %zu rows over %d ranks in %.2f s\n", o.n, comm.size(), build);

    std::vector<std::vector<hdc::match>> got;
    std::vector<double> times;
    for (std::size_t r = 0; r < o.repeat; ++r) {
        comm.barrier();
        const auto t0 = clock_type::now();
        got = memory.top_k(std::span<const V>(queries), o.k);
        times.push_back(seconds_since(t0));
    }
    // Rank 0's time is the time to the merged answer on every rank.
    const double t_ranks = median(times);

    int identical = -1;  // -1: not checked
    double t_one = 0;
    if (o.check) {
        // Only rank 0 works here; a failure there (e.g. out of memory) must reach the others,
        // which wait without spinning (idle_barrier) so the one-rank time has the cores to itself.
        std::string failure;
        if (root) try {
            hdc::item_memory<V> one(o.dim);
            one.reserve(o.n);
            for (std::size_t i = 0; i < o.n; ++i) one.add("item" + std::to_string(i), row(o, i));
            std::vector<std::vector<hdc::match>> want;
            std::vector<double> one_times;
            for (std::size_t r = 0; r < o.repeat; ++r) {
                const auto t0 = clock_type::now();
                want = one.top_k(std::span<const V>(queries), o.k, 1);
                one_times.push_back(seconds_since(t0));
            }
            t_one = median(one_times);
            identical = want == got ? 1 : 0;
        } catch (const std::exception& e) {
            failure = e.what();
        }
        idle_barrier(comm);
        hdc::mpi::agree(comm, failure.empty() ? nullptr : &failure);
    }
    if (root) {
        const double q = static_cast<double>(o.queries);
        std::printf("distributed_search: %d ranks, %zu binary rows of dimension %zu (%.1f MB per rank), %zu queries, k %zu\n",
                    comm.size(), o.n, o.dim,
                    static_cast<double>(o.n * hdc::row_stride<V>(o.dim) * 8) / static_cast<double>(ranks) / 1e6,
                    o.queries, o.k);
        std::printf("build: %.2f s\n", build);
        std::printf("%d ranks: %.4f s per batch (median of %zu), %.1f queries/s\n", comm.size(), t_ranks, o.repeat,
                    q / t_ranks);
        if (identical >= 0) {
            std::printf("one rank: %.4f s per batch (median of %zu), %.1f queries/s\n", t_one, o.repeat, q / t_one);
            std::printf("speed-up: %.2fx\n", t_one / t_ranks);
            std::printf("identical: %s\n", identical ? "yes" : "no");
        } else {
            std::printf("identical: not checked (--no-check)\n");
        }
    }
    int failed = identical == 0 ? 1 : 0;
    comm.broadcast(std::span<int>(&failed, 1), 0);
    return failed;
}

}  // namespace

int main(int argc, char** argv) {
    hdc::mpi::environment mpi(&argc, &argv);
    const hdc::mpi::communicator comm;
    options o;
    if (!parse(argc, argv, o)) {
        if (comm.rank() == 0) usage();
        return 2;
    }
    try {
        return run(o, comm);
    } catch (const std::exception& e) {
        // Every rank gets the same error (collective errors); one reports it.
        if (comm.rank() == 0) std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
