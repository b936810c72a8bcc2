// Tests of include/hdc/distributed/: run by mpiexec with 2 and 3 ranks (tests/distributed/
// CMakeLists.txt). Every rank runs every test case; assertions come after the collectives they
// check (CHECK, not REQUIRE, between collectives), so a failing rank never leaves the others
// waiting.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <hdc/distributed/allreduce.hpp>
#include <hdc/distributed/classifier.hpp>
#include <hdc/distributed/mpi.hpp>
#include <hdc/distributed/sharded_item_memory.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/cgr.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/mcr.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using hdc::mpi::communicator;
using hdc::mpi::sharded_item_memory;
using hdc::mpi::sharding;

template <class V>
typename V::shape_type test_shape() {
    if constexpr (std::is_same_v<typename V::shape_type, hdc::sparse_shape>)
        return hdc::sparse_shape{64, 16};
    else
        return 1000;
}

/// Row i of the test set: rows i and i + 150 are the same vector (exact ties, on different ranks
/// for most splits), under labels that repeat every 37 rows.
template <class V>
V row_vector(std::size_t i) {
    return hdc::symbol<V>(static_cast<std::uint64_t>(i % 150), 7, test_shape<V>());
}
inline std::string row_label(std::size_t i) { return "w" + std::to_string(i % 37); }

/// The queries: stored rows (ties), bundles of rows (near several) and unrelated vectors; 20 of
/// them, so the batched path (16 or more queries) is used.
template <class V>
std::vector<V> make_queries() {
    std::vector<V> q;
    for (std::size_t i : {0u, 3u, 149u, 151u, 77u, 20u}) q.push_back(row_vector<V>(i));
    for (std::size_t i = 0; i < 8; ++i)
        q.push_back(hdc::bundle({row_vector<V>(i), row_vector<V>(i + 40), row_vector<V>(i + 90)}));
    while (q.size() < 20) q.push_back(hdc::symbol<V>(static_cast<std::uint64_t>(1000 + q.size()), 9, test_shape<V>()));
    return q;
}

/// Same ids (through id_of: union index -> global id), labels and similarities, bit for bit.
void check_same(const std::vector<std::vector<hdc::match>>& got, const std::vector<std::vector<hdc::match>>& want,
                const std::vector<std::uint64_t>& id_of) {
    REQUIRE(got.size() == want.size());
    for (std::size_t q = 0; q < got.size(); ++q) {
        REQUIRE(got[q].size() == want[q].size());
        for (std::size_t j = 0; j < got[q].size(); ++j) {
            INFO("query " << q << " rank " << j);
            CHECK(got[q][j].index == id_of[want[q][j].index]);
            CHECK(got[q][j].label == want[q][j].label);
            CHECK(std::memcmp(&got[q][j].similarity, &want[q][j].similarity, sizeof(double)) == 0);
        }
    }
}

template <class V>
void check_searches(const sharded_item_memory<V>& sharded, const hdc::item_memory<V>& one,
                    const std::vector<std::uint64_t>& id_of) {
    const auto queries = make_queries<V>();
    const std::span<const V> all(queries);
    const std::span<const V> few = all.first(5);  // below the batched matrix-product threshold
    // Every call is collective: run them all before checking.
    const auto batched = sharded.top_k(all, 7);
    const auto few_batched = sharded.top_k(few, 4);
    const auto nearest = sharded.nearest(all);
    std::vector<std::vector<hdc::match>> singles;
    for (const V& q : queries) singles.push_back(sharded.top_k(q, 5));
    const hdc::match one_nearest = sharded.nearest(queries[1]);
    const int root = sharded.comm().size() - 1;
    const auto from_root = sharded.top_k_from(root, sharded.comm().rank() == root ? all : std::span<const V>{}, 6);
    const auto big_k = sharded.top_k(few, 1000);

    check_same(batched, one.top_k(all, 7), id_of);
    check_same(few_batched, one.top_k(few, 4), id_of);
    check_same(from_root, one.top_k(all, 6), id_of);
    check_same(big_k, one.top_k(few, 1000), id_of);
    std::vector<std::vector<hdc::match>> want_singles, got_nearest{nearest}, want_nearest{one.nearest(all)};
    for (const V& q : queries) want_singles.push_back(one.top_k(q, 5));
    check_same(singles, want_singles, id_of);
    check_same(got_nearest, want_nearest, id_of);
    const std::vector<std::vector<hdc::match>> got_one{std::vector<hdc::match>{one_nearest}},
        want_one{std::vector<hdc::match>{one.nearest(queries[1])}};
    check_same(got_one, want_one, id_of);
}

template <class V>
void check_sharding(sharding how) {
    const communicator comm;
    const std::size_t n = 203;
    sharded_item_memory<V> sharded(comm, test_shape<V>(), how);
    // Two calls, so ids continue across adds.
    const std::uint64_t first = sharded.add(120, [](std::size_t i) { return row_label(i); },
                                            [](std::size_t i) { return row_vector<V>(i); });
    const std::uint64_t second = sharded.add(n - 120, [](std::size_t i) { return row_label(120 + i); },
                                             [](std::size_t i) { return row_vector<V>(120 + i); });
    CHECK(first == 0);
    CHECK(second == 120);
    CHECK(sharded.size() == n);
    const auto local = comm.allreduce(static_cast<std::uint64_t>(sharded.local().size()), MPI_SUM);
    CHECK(local == n);

    hdc::item_memory<V> one(test_shape<V>());
    std::vector<std::uint64_t> id_of;
    for (std::size_t i = 0; i < n; ++i) {
        one.add(row_label(i), row_vector<V>(i));
        id_of.push_back(i);
    }
    check_searches(sharded, one, id_of);

    // Removals leave the other ids as they were; the union memory shifts, id_of follows.
    const bool removed_5 = sharded.remove(std::uint64_t{5});
    const bool removed_again = sharded.remove(std::uint64_t{5});
    const std::size_t removed_label = sharded.remove("w11");
    const std::uint64_t added = sharded.add("late", row_vector<V>(3));  // ties with rows 3 and 153
    const auto found = sharded.find("w12");
    const auto missing = sharded.find("w11");
    CHECK(removed_5);
    CHECK_FALSE(removed_again);
    CHECK(added == n);
    hdc::item_memory<V> after(test_shape<V>());
    std::vector<std::uint64_t> live;
    std::size_t label_count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i == 5) continue;
        if (row_label(i) == "w11") {
            ++label_count;
            continue;
        }
        after.add(row_label(i), row_vector<V>(i));
        live.push_back(i);
    }
    after.add("late", row_vector<V>(3));
    live.push_back(added);
    CHECK(removed_label == label_count);
    CHECK(sharded.size() == live.size());
    REQUIRE(found.has_value());
    CHECK(*found == 12);
    CHECK_FALSE(missing.has_value());
    check_searches(sharded, after, live);
}

}  // namespace

TEMPLATE_TEST_CASE("sharded_item_memory answers as one item_memory holding every row", "[distributed][search]",
                   hdc::binary<hdc::dynamic>, hdc::bipolar<hdc::dynamic>, hdc::real<hdc::dynamic>,
                   (hdc::sparse<hdc::dynamic, hdc::dynamic>), hdc::phasor<hdc::dynamic>) {
    const communicator comm;
    SECTION("by even id ranges") { check_sharding<TestType>(sharding::by_range((203 + comm.size() - 1) / comm.size())); }
    SECTION("by uneven id ranges (the last rank takes the rest)") { check_sharding<TestType>(sharding::by_range(40)); }
    SECTION("by label hash") { check_sharding<TestType>(sharding::by_label_hash()); }
}

TEST_CASE("sharded_item_memory refuses bad searches on every rank", "[distributed][search]") {
    using V = hdc::binary<hdc::dynamic>;
    const communicator comm;
    sharded_item_memory<V> sharded(comm, 256, sharding::by_label_hash());
    CHECK_THROWS_AS(sharded.nearest(V(256)), hdc::empty_input);
    sharded.add("a", hdc::symbol<V>("a", 1, 256));
    CHECK_THROWS_AS(sharded.top_k(V(256), 0), hdc::invalid_parameter);
    // Only the holder of the row can see the mismatch; every rank hears of it.
    CHECK_THROWS_AS(sharded.nearest(V(128)), hdc::mpi::rank_error);
    // Different queries on different ranks would merge unrelated answers: refused everywhere.
    CHECK_THROWS_AS(sharded.nearest(hdc::symbol<V>(static_cast<std::uint64_t>(comm.rank()), 2, 256)),
                    hdc::invalid_parameter);
    // k sizes the all-gather: a k that differs on one rank (or is 0 there only) is refused on
    // every rank before any rank uses it.
    const V q = hdc::symbol<V>("a", 1, 256);
    CHECK_THROWS_AS(sharded.top_k(q, comm.rank() == 0 ? 2 : 1), hdc::invalid_parameter);
    CHECK_THROWS_AS(sharded.top_k(q, comm.rank() == 0 ? 0 : 1), hdc::invalid_parameter);
    // top_k_from uses root's k: the others' k does not matter.
    const auto from_root = sharded.top_k_from(0, comm.rank() == 0 ? std::span<const V>(&q, 1) : std::span<const V>{},
                                              comm.rank() == 0 ? 1 : 5);
    CHECK(from_root.size() == 1);
    CHECK(from_root.at(0).size() == 1);
    CHECK(sharded.nearest(hdc::symbol<V>("a", 1, 256)).label == "a");
}

TEST_CASE("top_k_each answers every rank's own queries as one item_memory would", "[distributed][search]") {
    // MBAT here (the other families are in the test above; a full MBAT instantiation there costs
    // too much compile time), with 16 or more queries in all, so the batched path is used.
    using V = hdc::mbat<hdc::dynamic>;
    const communicator comm;
    const std::size_t n = 203;
    sharded_item_memory<V> sharded(comm, test_shape<V>(), sharding::by_range(40));
    sharded.add(n, [](std::size_t i) { return row_label(i); }, [](std::size_t i) { return row_vector<V>(i); });
    hdc::item_memory<V> one(test_shape<V>());
    std::vector<std::uint64_t> id_of;
    for (std::size_t i = 0; i < n; ++i) {
        one.add(row_label(i), row_vector<V>(i));
        id_of.push_back(i);
    }
    // Rank r asks the 10 + r queries from r on (different counts and rows per rank).
    const auto queries = make_queries<V>();
    const auto share = [&](std::size_t r) { return std::span<const V>(queries).subspan(r, 10 + r); };
    const auto r = static_cast<std::size_t>(comm.rank());
    const auto got = sharded.top_k_each(share(r), 4);
    // k must agree.
    CHECK_THROWS_AS(sharded.top_k_each(share(r), comm.rank() == 0 ? 3 : 4), hdc::invalid_parameter);
    // A query of another shape on one rank: every rank hears of it.
    const V wrong(test_shape<V>() / 2);
    CHECK_THROWS_AS(sharded.top_k_each(comm.rank() == 0 ? std::span<const V>(&wrong, 1) : std::span<const V>{}, 4),
                    hdc::mpi::rank_error);
    // One item_memory answering every rank's queries in one batch, in rank order; this rank's part.
    std::vector<V> every;
    std::size_t first = 0;
    for (std::size_t p = 0; p < static_cast<std::size_t>(comm.size()); ++p) {
        if (p == r) first = every.size();
        for (const V& q : share(p)) every.push_back(q);
    }
    const auto all_answers = one.top_k(std::span<const V>(every), 4);
    const std::vector<std::vector<hdc::match>> want(all_answers.begin() + static_cast<std::ptrdiff_t>(first),
                                                    all_answers.begin() + static_cast<std::ptrdiff_t>(first + 10 + r));
    check_same(got, want, id_of);
}

TEST_CASE("sharded_item_memory refuses adds and removes that differ between ranks", "[distributed][search]") {
    using V = hdc::binary<hdc::dynamic>;
    const communicator comm;
    sharded_item_memory<V> sharded(comm, 256, sharding::by_label_hash());
    sharded.add("a", hdc::symbol<V>("a", 1, 256));
    const std::size_t local_before = sharded.local().size();
    // A label that differs would store the row on two ranks or none.
    CHECK_THROWS_AS(sharded.add(comm.rank() == 0 ? "b" : "c", hdc::symbol<V>("b", 1, 256)), hdc::invalid_parameter);
    // So would a vector that differs.
    CHECK_THROWS_AS(sharded.add("b", hdc::symbol<V>(static_cast<std::uint64_t>(comm.rank()), 1, 256)),
                    hdc::invalid_parameter);
    // A count that differs would give the ranks different ids.
    CHECK_THROWS_AS(sharded.add(comm.rank() == 0 ? 2 : 3, [](std::size_t i) { return std::to_string(i); },
                                [](std::size_t i) { return hdc::symbol<V>(static_cast<std::uint64_t>(i), 1, 256); }),
                    hdc::invalid_parameter);
    CHECK_THROWS_AS(sharded.remove(static_cast<std::uint64_t>(comm.rank())), hdc::invalid_parameter);
    CHECK_THROWS_AS(sharded.remove(comm.rank() == 0 ? "a" : "z"), hdc::invalid_parameter);
    CHECK_THROWS_AS(sharded.find(comm.rank() == 0 ? "a" : "z"), hdc::invalid_parameter);
    CHECK(sharded.size() == 1);
    CHECK(sharded.next_id() == 1);
    CHECK(sharded.local().size() == local_before);
    CHECK(sharded.remove(std::uint64_t{0}));
    CHECK(sharded.empty());
}

TEST_CASE("by_range shards call label_of and make only for their own rows", "[distributed][search]") {
    using V = hdc::binary<hdc::dynamic>;
    const communicator comm;
    const auto ranks = static_cast<std::size_t>(comm.size()), r = static_cast<std::size_t>(comm.rank());
    sharded_item_memory<V> sharded(comm, 256, sharding::by_range(5));
    sharded.add(3, [](std::size_t i) { return std::to_string(i); },
                [](std::size_t i) { return hdc::symbol<V>(static_cast<std::uint64_t>(i), 1, 256); });
    // Ids 3 .. 3 + 5 P + 1: rank r owns [5 r, 5 r + 5), the last rank everything beyond.
    const std::size_t count = 5 * ranks + 2;
    std::vector<std::uint64_t> labelled, made;
    sharded.add(
        count,
        [&](std::size_t i) {
            labelled.push_back(3 + i);
            return std::to_string(3 + i);
        },
        [&](std::size_t i) {
            made.push_back(3 + i);
            return hdc::symbol<V>(static_cast<std::uint64_t>(3 + i), 1, 256);
        });
    std::vector<std::uint64_t> want;
    for (std::uint64_t g = 3; g < 3 + count; ++g)
        if (std::min<std::uint64_t>(g / 5, ranks - 1) == r) want.push_back(g);
    CHECK(labelled == want);
    CHECK(made == want);
    CHECK(sharded.size() == 3 + count);
}

TEST_CASE("item_memory::truncate undoes adds without allocating", "[distributed][search]") {
    using V = hdc::real<hdc::dynamic>;
    hdc::item_memory<V> memory(64), want(64);
    for (std::size_t i = 0; i < 5; ++i) {
        memory.add("l" + std::to_string(i % 3), hdc::symbol<V>(static_cast<std::uint64_t>(i), 2, 64));
        if (i < 2) want.add("l" + std::to_string(i % 3), hdc::symbol<V>(static_cast<std::uint64_t>(i), 2, 64));
    }
    static_assert(noexcept(memory.truncate(2)));
    memory.truncate(2);
    REQUIRE(memory.size() == 2);
    CHECK(memory.find("l0") == std::optional<std::size_t>(0));
    CHECK(memory.find("l1") == std::optional<std::size_t>(1));
    CHECK_FALSE(memory.find("l2").has_value());  // only rows 2 .. 4 had it
    const auto q = hdc::symbol<V>(std::uint64_t{1}, 2, 64);
    CHECK(memory.similarities(q) == want.similarities(q));
    memory.add("l2", hdc::symbol<V>(std::uint64_t{9}, 2, 64));
    CHECK(memory.find("l2") == std::optional<std::size_t>(2));
    memory.truncate(7);  // beyond the end: nothing
    CHECK(memory.size() == 3);
}

TEST_CASE("variable-count collectives check MPI's int counts alike on every rank", "[distributed][errors]") {
    using layout = hdc::mpi::communicator;
    const std::uint64_t small[3] = {3, 4, 2};
    const auto ok = layout::layout_of(std::span<const std::uint64_t>(small), 9);
    CHECK(ok.counts == std::vector<int>{3, 4, 2});
    CHECK(ok.displs == std::vector<int>{0, 3, 7});
    CHECK(ok.total == 9);
    // One count beyond the limit, or a total beyond it: refused, by a function of the counts alone
    // (every rank holds all of them after the 64-bit exchange, so every rank throws).
    const std::uint64_t big[3] = {3, 10, 2}, sum[3] = {5, 4, 2};
    CHECK_THROWS_AS(layout::layout_of(std::span<const std::uint64_t>(big), 9), hdc::invalid_parameter);
    CHECK_THROWS_AS(layout::layout_of(std::span<const std::uint64_t>(sum), 9), hdc::invalid_parameter);
    const std::uint64_t huge[2] = {std::uint64_t{1} << 40, 1};
    CHECK_THROWS_AS(layout::layout_of(std::span<const std::uint64_t>(huge)), hdc::invalid_parameter);
    // And the real exchange: every rank sees every count.
    const communicator comm;
    std::vector<char> mine(static_cast<std::size_t>(comm.rank()) + 1, static_cast<char>('a' + comm.rank()));
    std::vector<int> counts;
    const auto all = comm.allgatherv(std::span<const char>(mine), counts);
    const auto on_root = comm.gatherv(std::span<const char>(mine), 0, counts);
    const auto p = static_cast<std::size_t>(comm.size());
    CHECK(all.size() == p * (p + 1) / 2);
    CHECK(counts.size() == p);
    CHECK(counts.back() == comm.size());
    CHECK(on_root.size() == (comm.rank() == 0 ? all.size() : 0));
}

namespace {

/// Vector i of the accumulator stream.
template <class V>
V stream_vector(std::size_t i) {
    return hdc::symbol<V>(static_cast<std::uint64_t>(i), 11, test_shape<V>());
}
/// Its weight: integers (some negative) for the integer families, fractions for the others.
template <class A>
double stream_weight(std::size_t i, bool integral) {
    const double w = static_cast<double>(static_cast<int>(i % 5) - 1);
    return integral ? w : w + 0.1 * static_cast<double>(i % 3);
}

template <class A>
auto state_of(const A& a) {
    if constexpr (requires { a.counts(); })
        return std::vector<double>(a.counts().begin(), a.counts().end());
    else if constexpr (requires { a.re(); }) {
        std::vector<double> s(a.re().begin(), a.re().end());
        s.insert(s.end(), a.im().begin(), a.im().end());
        return s;
    } else {
        const auto sums = a.sums();
        return std::vector<double>(sums.begin(), sums.end());
    }
}

template <class V>
void check_accumulator_allreduce(bool integral) {
    using A = hdc::accumulator<V>;
    const communicator comm;
    const std::size_t n = 61;
    const auto ranks = static_cast<std::size_t>(comm.size());
    A whole(test_shape<V>());
    // Every rank's part, rebuilt locally: the fixed rank-order merge is then computable here.
    std::vector<A> parts(ranks, A(test_shape<V>()));
    for (std::size_t i = 0; i < n; ++i) {
        const double w = stream_weight<A>(i, integral);
        whole.add(stream_vector<V>(i), w);
        parts[i % ranks].add(stream_vector<V>(i), w);
    }
    A part = parts[static_cast<std::size_t>(comm.rank())];
    hdc::mpi::allreduce(part, comm);
    A in_order = parts[0];
    for (std::size_t r = 1; r < ranks; ++r) in_order.merge(parts[r]);
    const auto mine = state_of(part);
    // The same bits on every rank and run to run.
    std::vector<std::uint64_t> bits(mine.size());
    std::memcpy(bits.data(), mine.data(), mine.size() * sizeof(double));
    const auto all = comm.allgather(std::span<const std::uint64_t>(bits));
    for (int r = 1; r < comm.size(); ++r)
        CHECK(std::equal(bits.begin(), bits.end(), all.begin() + static_cast<std::ptrdiff_t>(r * bits.size())));
    // Bit for bit ((part 0 + part 1) + part 2 ...), whatever the timing.
    const auto want_order = state_of(in_order);
    REQUIRE(want_order.size() == mine.size());
    CHECK(std::memcmp(want_order.data(), mine.data(), mine.size() * sizeof(double)) == 0);
    CHECK(part.count() == in_order.count());
    CHECK(part.count() == Approx(whole.count()).margin(1e-12));
    const auto want = state_of(whole);
    REQUIRE(want.size() == mine.size());
    if (integral) {
        CHECK(mine == want);  // integer sums: exactly one process's
        CHECK(part.count() == whole.count());
        CHECK(part.result() == whole.result());
    } else {
        // Regrouped double sums of at most n terms of magnitude <= 4.2: within n ulps of 4.2 n.
        double worst = 0;
        for (std::size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::fabs(mine[i] - want[i]));
        CHECK(worst <= static_cast<double>(n) * 4.2 * static_cast<double>(n) * 1.2e-16);
        CHECK(hdc::similarity(part.result(), whole.result()) > 0.999999);
    }
}

}  // namespace

TEST_CASE("allreduce of accumulators: integer families exact, floating point deterministic", "[distributed][allreduce]") {
    SECTION("binary") { check_accumulator_allreduce<hdc::binary<hdc::dynamic>>(true); }
    SECTION("bipolar") { check_accumulator_allreduce<hdc::bipolar<hdc::dynamic>>(true); }
    SECTION("sparse") { check_accumulator_allreduce<hdc::sparse<hdc::dynamic, hdc::dynamic>>(true); }
    SECTION("real") { check_accumulator_allreduce<hdc::real<hdc::dynamic>>(false); }
    SECTION("phasor") { check_accumulator_allreduce<hdc::phasor<hdc::dynamic>>(false); }
    // MCR moves its complex sums and their magnitude (which scales its tie tolerance); CGR its
    // counts, magnitude and phasor sums, so result() and similarity() agree with one process.
    SECTION("mcr") { check_accumulator_allreduce<hdc::mcr<hdc::dynamic, 16>>(false); }
    SECTION("cgr") { check_accumulator_allreduce<hdc::cgr<hdc::dynamic, 16>>(true); }
}

TEST_CASE("centroid classifier trained over ranks equals one process", "[distributed][classifier]") {
    const communicator comm;
    const std::size_t n = 90, dim = 300, classes = 4;
    // Integer-valued (MAP-I-like) samples: their double sums are exact, so bit for bit.
    hdc::sample_matrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim));
    std::vector<std::int32_t> y(n);
    hdc::rng gen(5);
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = static_cast<std::int32_t>(i % classes);
        for (std::size_t j = 0; j < dim; ++j)
            x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                static_cast<float>(static_cast<int>(gen() % 7) - 3 + (j % classes == i % classes ? 2 : 0));
    }
    hdc::centroid_classifier one(dim, classes);
    one.fit(x, y);
    // Rank r trains on its contiguous slice.
    const auto ranks = static_cast<std::size_t>(comm.size()), r = static_cast<std::size_t>(comm.rank());
    const std::size_t begin = n * r / ranks, end = n * (r + 1) / ranks;
    hdc::centroid_classifier mine(dim, classes);
    mine.partial_fit(x.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin)),
                     std::span<const std::int32_t>(y).subspan(begin, end - begin));
    hdc::mpi::allreduce(mine, comm);
    CHECK(mine.sums() == one.sums());
    CHECK(mine.counts() == one.counts());
    CHECK(mine.prototypes() == one.prototypes());
    CHECK(mine.predict(x) == one.predict(x));
}

TEST_CASE("errors are collective: every rank hears which rank failed and why", "[distributed][errors]") {
    const communicator comm;
    const int last = comm.size() - 1;
    SECTION("a local step that throws on one rank") {
        int failing = -1;
        std::string message;
        try {
            hdc::mpi::collective(comm, [&] {
                if (comm.rank() == last) throw std::runtime_error("cannot read shard.bin");
            });
        } catch (const hdc::mpi::rank_error& e) {
            failing = e.failing_rank();
            message = e.what();
        }
        CHECK(failing == last);
        CHECK(message == "rank " + std::to_string(last) + " failed: cannot read shard.bin");
    }
    SECTION("several failing ranks: the lowest is named, the count given") {
        int failing = -1, failures = 0;
        try {
            hdc::mpi::collective(comm, [&] { throw hdc::invalid_parameter("rank " + std::to_string(comm.rank())); });
        } catch (const hdc::mpi::rank_error& e) {
            failing = e.failing_rank();
            failures = e.failures();
        }
        CHECK(failing == 0);
        CHECK(failures == comm.size());
    }
    SECTION("a generator that throws on one rank adds nothing anywhere") {
        using V = hdc::binary<hdc::dynamic>;
        sharded_item_memory<V> memory(comm, 256, sharding::by_range(4));
        memory.add(4 * static_cast<std::size_t>(comm.size()), [](std::size_t i) { return std::to_string(i); },
                   [](std::size_t i) { return hdc::symbol<V>(static_cast<std::uint64_t>(i), 3, 256); });
        const std::size_t local_before = memory.local().size();
        std::string message;
        try {
            // Rows 4 P ... are new; rank `last` holds every row from 4 (P - 1) on, so it alone calls
            // make for them, and its make fails on one of them.
            memory.add(10, [](std::size_t i) { return std::to_string(100 + i); },
                       [&](std::size_t i) {
                           if (i == 7) throw hdc::format_error("row 7 is corrupt");
                           return hdc::symbol<V>(static_cast<std::uint64_t>(100 + i), 3, 256);
                       });
        } catch (const hdc::mpi::rank_error& e) {
            message = e.what();
        }
        CHECK(message == "rank " + std::to_string(last) + " failed: row 7 is corrupt");
        CHECK(memory.size() == 4 * static_cast<std::size_t>(comm.size()));
        CHECK(memory.next_id() == 4 * static_cast<std::uint64_t>(comm.size()));
        CHECK(memory.local().size() == local_before);
        // A vector of the wrong dimension on one rank: the same, naming the mismatch.
        try {
            memory.add(1, [](std::size_t) { return std::string("x"); }, [](std::size_t) { return V(128); });
            message.clear();
        } catch (const hdc::mpi::rank_error& e) {
            message = e.what();
        }
        CHECK(message.find("rank " + std::to_string(last) + " failed: sharded_item_memory::add: dimension mismatch") == 0);
        // The ranks are still in step: a search works.
        CHECK(memory.nearest(hdc::symbol<V>(std::uint64_t{2}, 3, 256)).index == 2);
    }
    SECTION("an accumulator of another dimension on one rank") {
        using V = hdc::bipolar<hdc::dynamic>;
        if (comm.size() < 2) return;  // needs a second rank
        hdc::accumulator<V> acc(comm.rank() == last ? 64 : 128);
        std::string message;
        try {
            hdc::mpi::allreduce(acc, comm);
        } catch (const hdc::mpi::rank_error& e) {
            message = e.what();
        }
        CHECK(message.find("rank " + std::to_string(last) + " failed: allreduce: the accumulator's shape 64 ") == 0);
    }
    SECTION("a sparse accumulator of another shape but the same size on one rank") {
        using V = hdc::sparse<hdc::dynamic, hdc::dynamic>;
        if (comm.size() < 2) return;
        hdc::accumulator<V> acc(comm.rank() == last ? hdc::sparse_shape{16, 64} : hdc::sparse_shape{64, 16});
        acc.add(hdc::symbol<V>(std::uint64_t{1}, 1, acc.shape()));
        const std::vector<std::int32_t> before(acc.counts().begin(), acc.counts().end());
        int failing = -1;
        try {
            hdc::mpi::allreduce(acc, comm);
        } catch (const hdc::mpi::rank_error& e) {
            failing = e.failing_rank();
        }
        CHECK(failing == last);
        CHECK(std::equal(before.begin(), before.end(), acc.counts().begin(), acc.counts().end()));
        CHECK_THROWS_AS(hdc::mpi::allreduce(acc, comm, comm.size()), hdc::invalid_parameter);
    }
    SECTION("state arrays: missing, of another type or shape, or overflowing: every state unchanged") {
        // Two arrays; the second fails, the first must not be summed either.
        const auto make = [&](bool missing, bool other_type, bool other_shape, std::int64_t big) {
            hdc::memory_state state;
            state.add_array<std::int64_t>("first", {2}, {1, 2});
            if (missing) return state;
            if (other_type)
                state.add_array<double>("second", {2, 3}, std::vector<double>(6, 1.0));
            else if (other_shape)
                state.add_array<std::int64_t>("second", {3, 2}, std::vector<std::int64_t>(6, 1));
            else
                state.add_array<std::int64_t>("second", {2, 3}, std::vector<std::int64_t>(6, big));
            return state;
        };
        static constexpr std::array<std::string_view, 2> names{"first", "second"};
        const bool on_last = comm.rank() == last;
        const std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 2 + 1;
        for (int kind = 0; kind < 4; ++kind) {
            INFO("kind " << kind);
            hdc::memory_state state = make(kind == 0 && on_last, kind == 1 && on_last, kind == 2 && on_last,
                                           kind == 3 ? huge : 1);
            const hdc::memory_state before = state;
            int failing = -1;
            try {
                hdc::mpi::allreduce(state, std::span<const std::string_view>(names), comm);
            } catch (const hdc::mpi::rank_error& e) {
                failing = e.failing_rank();
            }
            if (comm.size() < 2 && kind != 0) continue;  // one rank: nothing differs or overflows
            CHECK(failing == (kind == 3 ? 0 : last));  // the sum overflows on root
            REQUIRE(state.arrays.size() == before.arrays.size());
            for (std::size_t i = 0; i < state.arrays.size(); ++i) CHECK(state.arrays[i].values == before.arrays[i].values);
        }
        hdc::memory_state fine = make(false, false, false, 1);
        hdc::mpi::allreduce(fine, std::span<const std::string_view>(names), comm);
        CHECK(std::get<std::vector<std::int64_t>>(fine.arrays[0].values) ==
              std::vector<std::int64_t>{comm.size(), 2 * comm.size()});
    }
}

int main(int argc, char** argv) {
    hdc::mpi::environment mpi(&argc, &argv);
    return Catch::Session().run(argc, argv);
}
