// hdc/distributed/sharded_item_memory.hpp - an item memory split over the ranks of an MPI
// communicator, answering exactly what one item_memory holding every row would answer.
//
// Rows get global ids 0, 1, 2, ... in the order they are added (the same counter on every rank).
// An id never changes and is never reused: removing a row leaves a gap, the other ids stay. Each
// rank keeps its rows in an ordinary item_memory (its shard, in id order) and searches it with
// the existing kernels; the k best of every rank (similarity, global id) are then all-gathered
// and merged by the order item_memory uses (higher similarity first, ties to the lower id), and
// the labels of the winners fetched from their ranks. So nearest, top_k and the batched forms
// return the same ids, similarities, labels and tie order as one item_memory holding the live
// rows in id order (its index i is the i-th live id; without removals, index == id), whatever
// the number of ranks. (For real and MBAT, 16 or more queries at once are scored by one matrix
// product per block of rows, which item_memory documents may differ from the one-query path in
// the last bits; the blocks then start at other rows than in one memory, so such similarities may
// differ in the last bits from one memory's too (the tests find them equal, but Eigen does not
// promise it); every other case is bit for bit.)
//
// Where a row lives is chosen by a sharding: by_range(n) gives rank r the ids [r n, (r + 1) n)
// (the last rank also every id beyond), by_label_hash() the rank FNV-1a(label) mod P, so all rows
// of one label share a rank. Every member is collective: all ranks call it in the same order with
// the same arguments (queries included, checked by a hash; top_k_from broadcasts them from one
// rank instead). A failure on any rank (a bad vector, a throwing generator, a shape mismatch)
// makes every rank throw hdc::mpi::rank_error naming the rank and the cause (see
// distributed/mpi.hpp), with the memory unchanged on every rank.
//
// Collectives: top_k (and nearest) makes five per call: an all-reduce agreeing the queries and
// k, the all-reduce of collective() after the local search, the all-gather of the k best of every
// rank (2 k P words per query) and the label exchange (an all-gather of the counts, then of the
// labels). top_k_from adds two broadcasts (root's k, then the query rows, count first) and two
// collective() all-reduces. add makes an agreement all-reduce and two collective() steps;
// remove(id) three all-reduces, remove(label) three, find one.
//
// Thread safety: NOT as item_memory. top_k, nearest and find are const but collective: they make
// MPI calls that must come in the same order on every rank, so never call them (or anything else
// on the same communicator) from two threads of one rank at once, an exception to the rule that
// const members may be called concurrently. The `threads` argument of top_k parallelises the
// local search safely (its workers make no MPI calls). One thread per rank calls MPI (mpi.hpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/storage.hpp"
#include "../memory/item_memory.hpp"
#include "../memory/search.hpp"
#include "mpi.hpp"

namespace hdc::mpi {

/// Which rank holds which row of a sharded_item_memory.
class sharding {
public:
    /// Contiguous id ranges: rank r holds ids [r * rows_per_rank, (r + 1) * rows_per_rank), the
    /// last rank also every id beyond. Throws invalid_parameter for 0.
    static sharding by_range(std::size_t rows_per_rank) {
        if (rows_per_rank == 0) throw invalid_parameter("sharding::by_range: rows_per_rank must be positive");
        return sharding(rows_per_rank);
    }
    /// By label: rank FNV-1a-64(label) mod P (the same on every platform), so the rows of one
    /// label share a rank.
    static sharding by_label_hash() noexcept { return sharding(0); }

    /// True for by_range.
    bool by_range() const noexcept { return rows_per_rank_ != 0; }
    /// The range length of by_range (0 for by_label_hash).
    std::size_t rows_per_rank() const noexcept { return rows_per_rank_; }
    /// The rank, of `ranks`, that holds row `id` stored under `label`.
    int owner(std::uint64_t id, std::string_view label, int ranks) const noexcept {
        const auto p = static_cast<std::uint64_t>(ranks);
        if (rows_per_rank_ != 0) return static_cast<int>(std::min<std::uint64_t>(id / rows_per_rank_, p - 1));
        std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
        for (const char c : label) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
        return static_cast<int>(h % p);
    }

private:
    explicit sharding(std::size_t rows_per_rank) noexcept : rows_per_rank_(rows_per_rank) {}
    std::size_t rows_per_rank_;
};

/// Labelled vectors of model V spread over the ranks of a communicator, with nearest-neighbour
/// search equal to one item_memory's (see the file comment). Every member is collective, the
/// const ones too: never call two of them at once on one rank (file comment, thread safety).
template <row_storable V>
class sharded_item_memory : public search_shortcuts<sharded_item_memory<V>, V> {
public:
    using search_shortcuts<sharded_item_memory<V>, V>::nearest;
    using search_shortcuts<sharded_item_memory<V>, V>::top_k;
    /// The model of the stored vectors.
    using vector_type = V;
    /// The model's shape (a dimension, or blocks and block length for sparse models).
    using shape_type = typename V::shape_type;

    /// An empty memory for vectors of `shape` over the ranks of comm, rows placed by `how`.
    sharded_item_memory(communicator comm, const shape_type& shape, sharding how)
        : comm_(comm), how_(how), local_(shape), shape_(shape) {}
    /// An empty memory of a fixed-dimension model.
    sharded_item_memory(communicator comm, sharding how) requires(V::extent != dynamic)
        : sharded_item_memory(comm, V{}.shape(), how) {}

    /// Live rows over all ranks.
    std::size_t size() const noexcept { return size_; }
    /// True if no rank holds a row.
    bool empty() const noexcept { return size_ == 0; }
    /// The id the next row added will get (ids are never reused).
    std::uint64_t next_id() const noexcept { return next_id_; }
    /// Shape of the stored vectors.
    const shape_type& shape() const noexcept { return shape_; }
    /// The communicator.
    const communicator& comm() const noexcept { return comm_; }
    /// The placement rule.
    const sharding& placement() const noexcept { return how_; }
    /// This rank's shard: an ordinary item_memory of its rows, in id order (local, not collective).
    const item_memory<V>& local() const noexcept { return local_; }
    /// The global id of this rank's local row i (local, not collective).
    std::uint64_t id(std::size_t local_index) const {
        if (local_index >= ids_.size())
            throw invalid_parameter("sharded_item_memory::id: local index " + std::to_string(local_index) +
                                    " out of range for a shard of " + std::to_string(ids_.size()));
        return ids_[local_index];
    }

    /// Adds `count` rows with ids next_id() to next_id() + count - 1 and returns the first id.
    /// Row i is labelled label_of(i) and holds make(i), both called only for the rows a rank
    /// may hold: with by_range each rank computes its id range first and calls them for its own
    /// rows alone; with by_label_hash every rank calls label_of for every row (it decides the
    /// owner: keep it cheap and the same everywhere) and make only for its own. Every rank must
    /// pass the same count (checked: invalid_parameter on every rank otherwise). All or nothing:
    /// if anything throws on any rank, nothing is added anywhere and every rank throws
    /// rank_error. The rows of one call are staged before they are stored, so add large sets in
    /// chunks to bound the extra memory.
    template <class LabelOf, class Make>
    std::uint64_t add(std::size_t count, LabelOf&& label_of, Make&& make) {
        return add_rows(count, label_of, make, 0);
    }
    /// Adds one row (every rank passes the same label and vector, checked by a hash:
    /// invalid_parameter on every rank otherwise; only its holder stores it); returns its id.
    std::uint64_t add(std::string label, const V& v) {
        std::uint64_t h = fnv(fnv_basis, label.data(), label.size());
        h = hash_queries(std::span<const V>(&v, 1), h);
        const auto label_of = [&](std::size_t) { return label; };
        const auto make = [&](std::size_t) { return v; };
        return add_rows(1, label_of, make, h);
    }

    /// Removes the row with global id `id` (the same on every rank: invalid_parameter on every
    /// rank otherwise); the other ids do not change. Returns whether it was there.
    bool remove(std::uint64_t id) {
        const std::uint64_t agreed[1] = {id};
        require_same("sharded_item_memory::remove: the ranks passed different ids", agreed);
        const std::uint64_t mine = collective(comm_, [&]() -> std::uint64_t {
            const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
            if (it == ids_.end() || *it != id) return 0;
            local_.remove(static_cast<std::size_t>(it - ids_.begin()));  // may throw: then nothing changed
            ids_.erase(it);
            return 1;
        });
        const std::uint64_t removed = comm_.allreduce(mine, MPI_SUM);
        size_ -= static_cast<std::size_t>(removed);
        return removed != 0;
    }
    /// Removes every row stored under label; returns how many (over all ranks). Other ids do not
    /// change.
    std::size_t remove(std::string_view label) {
        const std::uint64_t agreed[1] = {fnv(fnv_basis, label.data(), label.size())};
        require_same("sharded_item_memory::remove: the ranks passed different labels", agreed);
        const std::uint64_t mine = collective(comm_, [&] {
            std::vector<std::uint64_t> kept;
            kept.reserve(ids_.size());
            for (std::size_t i = 0; i < ids_.size(); ++i)
                if (local_.label(i) != label) kept.push_back(ids_[i]);
            const std::size_t removed = local_.remove(label);
            ids_.swap(kept);
            return static_cast<std::uint64_t>(removed);
        });
        const std::uint64_t removed = comm_.allreduce(mine, MPI_SUM);
        size_ -= static_cast<std::size_t>(removed);
        return static_cast<std::size_t>(removed);
    }

    /// The lowest id stored under label, if any. The label must be the same on every rank
    /// (invalid_parameter on every rank otherwise; checked in the same all-reduce).
    std::optional<std::uint64_t> find(std::string_view label) const {
        const std::uint64_t h = fnv(fnv_basis, label.data(), label.size());
        std::uint64_t v[3] = {h, ~h, no_id};
        if (const auto i = local_.find(label)) v[2] = ids_[*i];
        comm_.allreduce(std::span<std::uint64_t>(v, 3), MPI_MIN);
        if (v[0] != ~v[1]) throw invalid_parameter("sharded_item_memory::find: the ranks passed different labels");
        if (v[2] == no_id) return std::nullopt;
        return v[2];
    }

    /// The k best rows for each query (the same queries on every rank), best first, on every
    /// rank: match::index is the global id. Equal to one item_memory's top_k (file comment).
    /// Throws empty_input for an empty memory, invalid_parameter for k = 0 (on every rank).
    std::vector<std::vector<match>> top_k(std::span<const V> queries, std::size_t k, unsigned threads = 1) const {
        if (empty()) throw empty_input("sharded_item_memory: search in an empty memory");  // size_ is agreed
        const std::size_t nq = queries.size();
        // Every rank must pass the same queries and k: compare the count, a hash of the rows and
        // k in one all-reduce (k sizes the all-gather below, so it must agree before any use).
        const std::uint64_t agreed[3] = {nq, hash_queries(queries, fnv_basis), k};
        require_same("sharded_item_memory::top_k: the ranks passed different queries or k (use top_k_from to "
                     "search the queries of one rank)",
                     agreed);
        if (k == 0) throw invalid_parameter("sharded_item_memory::top_k: k must be positive");  // on every rank
        const std::size_t kk = std::min<std::size_t>(k, size_);
        // Per query kk slots: (similarity bits, id), id no_id where this rank has fewer rows.
        std::vector<std::uint64_t> mine(2 * nq * kk, no_id);
        std::vector<std::string> mine_labels(nq * kk);
        collective(comm_, [&] {
            if (local_.empty()) {
                for (const V& q : queries)
                    if (!(q.shape() == shape_)) throw dimension_mismatch("sharded_item_memory::top_k", q.dim(), dim_of(shape_));
                return;
            }
            auto found = local_.top_k(queries, kk, threads);
            for (std::size_t q = 0; q < nq; ++q)
                for (std::size_t j = 0; j < found[q].size(); ++j) {
                    const std::size_t slot = q * kk + j;
                    mine[2 * slot] = std::bit_cast<std::uint64_t>(found[q][j].similarity);
                    mine[2 * slot + 1] = ids_[found[q][j].index];
                    mine_labels[slot] = std::move(found[q][j].label);
                }
        });
        const std::vector<std::uint64_t> all = comm_.allgather(std::span<const std::uint64_t>(mine));
        // The same merge on every rank, so each knows which of its own rows won.
        struct winner {
            int rank;
            std::size_t slot;
        };
        const auto ranks = static_cast<std::size_t>(comm_.size());
        std::vector<std::vector<match>> out(nq);
        std::vector<std::vector<winner>> won(nq);
        std::vector<std::pair<detail::scored, winner>> pool;
        for (std::size_t q = 0; q < nq; ++q) {
            pool.clear();
            for (std::size_t r = 0; r < ranks; ++r)
                for (std::size_t j = 0; j < kk; ++j) {
                    const std::size_t at = 2 * (r * nq * kk + q * kk + j);
                    if (all[at + 1] == no_id) break;
                    pool.push_back({detail::scored{std::bit_cast<double>(all[at]), static_cast<std::size_t>(all[at + 1])},
                                    winner{static_cast<int>(r), q * kk + j}});
                }
            const std::size_t take = std::min(kk, pool.size());
            std::partial_sort(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(take), pool.end(),
                              [](const auto& a, const auto& b) { return a.first < b.first; });
            for (std::size_t j = 0; j < take; ++j) {
                out[q].push_back({pool[j].first.index, std::string{}, pool[j].first.similarity});
                won[q].push_back(pool[j].second);
            }
        }
        // Labels: each rank sends those of its winners, in (query, rank) order.
        std::vector<char> blob;
        for (std::size_t q = 0; q < nq; ++q)
            for (const winner& w : won[q])
                if (w.rank == comm_.rank()) append_label(blob, mine_labels[w.slot]);
        std::vector<int> sizes;
        const std::vector<char> labels = comm_.allgatherv(std::span<const char>(blob), sizes);
        std::vector<std::size_t> cursor(ranks, 0);
        for (std::size_t r = 1; r < ranks; ++r)
            cursor[r] = cursor[r - 1] + static_cast<std::size_t>(sizes[r - 1]);
        for (std::size_t q = 0; q < nq; ++q)
            for (std::size_t j = 0; j < won[q].size(); ++j)
                out[q][j].label = read_label(labels, cursor[static_cast<std::size_t>(won[q][j].rank)]);
        return out;
    }

    /// top_k for queries that only rank `root` passes (the others pass none): they are broadcast
    /// first. Results on every rank.
    std::vector<std::vector<match>> top_k_from(int root, std::span<const V> queries, std::size_t k,
                                               unsigned threads = 1) const {
        if (root < 0 || root >= comm_.size())
            throw invalid_parameter("sharded_item_memory::top_k_from: root " + std::to_string(root) +
                                    " is not a rank of " + std::to_string(comm_.size()));
        std::vector<unsigned char> bytes = collective(comm_, [&] {
            return comm_.rank() == root ? encode("sharded_item_memory::top_k_from", queries)
                                        : std::vector<unsigned char>{};
        });
        // Root's k travels with its queries (the others' k is not used).
        std::uint64_t root_k = k;
        comm_.broadcast(std::span<std::uint64_t>(&root_k, 1), root);
        comm_.broadcast(bytes, root);
        const std::vector<V> received = collective(comm_, [&] { return decode(bytes); });
        return top_k(std::span<const V>(received), static_cast<std::size_t>(root_k), threads);
    }

    /// Each rank's own queries (any number per rank, none too), answered for that rank alone:
    /// element i of the result is top_k of this rank's queries[i]. The queries of every rank are
    /// all-gathered and searched as one batch (top_k), then each rank keeps its own answers; k
    /// must be the same on every rank (invalid_parameter on every rank otherwise). Costs top_k's
    /// collectives plus an all-gather of the query rows and two collective() all-reduces.
    std::vector<std::vector<match>> top_k_each(std::span<const V> queries, std::size_t k,
                                               unsigned threads = 1) const {
        std::vector<unsigned char> bytes =
            collective(comm_, [&] { return encode("sharded_item_memory::top_k_each", queries); });
        std::vector<int> counts;
        const std::vector<unsigned char> all = comm_.allgatherv(std::span<const unsigned char>(bytes), counts);
        const std::vector<V> every = collective(comm_, [&] { return decode(all); });
        const std::size_t row_bytes = row_stride<V>(shape_) * sizeof(typename row_traits<V>::element_type);
        std::size_t first = 0;
        for (int r = 0; r < comm_.rank(); ++r) first += static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]);
        first /= row_bytes;
        std::vector<std::vector<match>> answers = top_k(std::span<const V>(every), k, threads);
        std::vector<std::vector<match>> mine;
        mine.reserve(queries.size());
        for (std::size_t q = 0; q < queries.size(); ++q) mine.push_back(std::move(answers[first + q]));
        return mine;
    }

private:
    static constexpr std::uint64_t no_id = std::numeric_limits<std::uint64_t>::max();

    static constexpr std::uint64_t fnv_basis = 0xcbf29ce484222325ull;

    /// The queries' stored rows, concatenated (for sending); throws dimension_mismatch (naming
    /// `what`) for a query of another shape.
    std::vector<unsigned char> encode(const char* what, std::span<const V> queries) const {
        using element = typename row_traits<V>::element_type;
        const std::size_t stride = row_stride<V>(shape_);
        std::vector<unsigned char> bytes(queries.size() * stride * sizeof(element), 0);
        aligned_buffer<element> row(stride);
        for (std::size_t q = 0; q < queries.size(); ++q) {
            if (!(queries[q].shape() == shape_)) throw dimension_mismatch(what, queries[q].dim(), dim_of(shape_));
            std::memset(static_cast<void*>(row.data()), 0, stride * sizeof(element));
            row_traits<V>::store(queries[q], row.data());
            std::memcpy(bytes.data() + q * stride * sizeof(element), row.data(), stride * sizeof(element));
        }
        return bytes;
    }
    /// The vectors of encode's bytes.
    std::vector<V> decode(const std::vector<unsigned char>& bytes) const {
        using element = typename row_traits<V>::element_type;
        const std::size_t stride = row_stride<V>(shape_);
        const std::size_t nq = bytes.size() / (stride * sizeof(element));
        std::vector<V> out;
        out.reserve(nq);
        aligned_buffer<element> row(stride);
        for (std::size_t q = 0; q < nq; ++q) {
            std::memcpy(static_cast<void*>(row.data()), bytes.data() + q * stride * sizeof(element),
                        stride * sizeof(element));
            out.push_back(row_traits<V>::load(row.data(), shape_));
        }
        return out;
    }

    /// FNV-1a-64 of `bytes` bytes at data, continuing from h.
    static std::uint64_t fnv(std::uint64_t h, const void* data, std::size_t bytes) noexcept {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
        return h;
    }

    /// Throws invalid_parameter(what) on every rank unless every rank passed the same values
    /// (at most 4). One all-reduce: the minima of x and of ~x over the ranks are complements
    /// only if every rank has the same x.
    void require_same(const char* what, std::span<const std::uint64_t> values) const {
        std::uint64_t both[8] = {};
        const std::size_t n = std::min<std::size_t>(values.size(), 4);
        for (std::size_t i = 0; i < n; ++i) {
            both[2 * i] = values[i];
            both[2 * i + 1] = ~values[i];
        }
        comm_.allreduce(std::span<std::uint64_t>(both, 2 * n), MPI_MIN);
        for (std::size_t i = 0; i < n; ++i)
            if (both[2 * i] != ~both[2 * i + 1]) throw invalid_parameter(what);
    }

    /// add(count, label_of, make); `hash` (0 for none) is a hash of the arguments that every
    /// rank must share, agreed together with count.
    template <class LabelOf, class Make>
    std::uint64_t add_rows(std::size_t count, LabelOf&& label_of, Make&& make, std::uint64_t hash) {
        const std::uint64_t agreed[2] = {count, hash};
        require_same("sharded_item_memory::add: the ranks passed different rows or counts", agreed);
        const std::uint64_t first = next_id_;
        // The rows this rank may hold, as offsets into the call: by_range knows them from the ids.
        std::size_t begin = 0, end = count;
        if (how_.by_range()) {
            const auto r = static_cast<std::uint64_t>(comm_.rank());
            const std::uint64_t n = how_.rows_per_rank();
            constexpr std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
            const std::uint64_t lo = r != 0 && n > top / r ? top : r * n;  // saturating: no id is that large
            const std::uint64_t hi = comm_.rank() == comm_.size() - 1 || n > top - lo ? top : lo + n;
            const std::uint64_t last = first + count;
            begin = static_cast<std::size_t>(std::clamp(lo, first, last) - first);
            end = static_cast<std::size_t>(std::clamp(hi, first, last) - first);
        }
        std::vector<std::string> labels;
        std::vector<V> rows;
        std::vector<std::uint64_t> ids;
        collective(comm_, [&] {
            for (std::size_t i = begin; i < end; ++i) {
                const std::uint64_t g = first + i;
                std::string label = label_of(i);
                if (how_.owner(g, label, comm_.size()) != comm_.rank()) continue;
                V v = make(i);
                if (!(v.shape() == shape_))
                    throw dimension_mismatch("sharded_item_memory::add", v.dim(), dim_of(shape_));
                labels.push_back(std::move(label));
                rows.push_back(std::move(v));
                ids.push_back(g);
            }
            // Geometric growth, so adding in many chunks copies the shard O(1) times per row.
            const std::size_t need = local_.size() + rows.size();
            if (need > reserved_) {
                local_.reserve(std::max(need, 2 * reserved_));
                reserved_ = std::max(need, 2 * reserved_);
            }
            ids_.reserve(reserved_);
        });
        const std::size_t before = local_.size();
        try {
            // After the reserves only the label map's allocation can fail.
            collective(comm_, [&] {
                for (std::size_t j = 0; j < rows.size(); ++j) {
                    local_.add(std::move(labels[j]), rows[j]);
                    ids_.push_back(ids[j]);
                }
            });
        } catch (const rank_error&) {
            local_.truncate(before);  // noexcept, O(rows staged)
            ids_.resize(before);
            throw;
        }
        next_id_ += count;
        size_ += count;
        return first;
    }

    /// FNV-1a over the queries' shapes and stored rows (what the search reads of them),
    /// continuing from h.
    std::uint64_t hash_queries(std::span<const V> queries, std::uint64_t h) const {
        using element = typename row_traits<V>::element_type;
        const auto mix = [&h](const void* data, std::size_t bytes) { h = fnv(h, data, bytes); };
        const std::size_t stride = row_stride<V>(shape_);
        aligned_buffer<element> row(stride);
        for (const V& q : queries) {
            const std::uint64_t dim = q.dim();
            mix(&dim, sizeof dim);
            if (!(q.shape() == shape_)) continue;  // the search refuses it, on every rank
            std::memset(static_cast<void*>(row.data()), 0, stride * sizeof(element));
            row_traits<V>::store(q, row.data());
            mix(row.data(), stride * sizeof(element));
        }
        return h;
    }

    static void append_label(std::vector<char>& blob, const std::string& label) {
        const std::uint64_t n = label.size();
        char length[sizeof n];
        std::memcpy(length, &n, sizeof n);
        blob.insert(blob.end(), length, length + sizeof n);
        blob.insert(blob.end(), label.begin(), label.end());
    }
    static std::string read_label(const std::vector<char>& blob, std::size_t& at) {
        std::uint64_t n = 0;
        std::memcpy(&n, blob.data() + at, sizeof n);
        at += sizeof n;
        std::string label(blob.data() + at, static_cast<std::size_t>(n));
        at += static_cast<std::size_t>(n);
        return label;
    }

    communicator comm_;
    sharding how_;
    item_memory<V> local_;
    std::vector<std::uint64_t> ids_;  // global id of each local row, ascending
    shape_type shape_;
    std::size_t size_ = 0;
    std::uint64_t next_id_ = 0;
    std::size_t reserved_ = 0;  // rows the shard has room for
};

}  // namespace hdc::mpi
