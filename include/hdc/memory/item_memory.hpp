// hdc/memory/item_memory.hpp - item / cleanup memory: labelled vectors stored contiguously,
// searched by similarity.
//
// N vectors of one model live as N padded rows of a single aligned buffer (see core/batch.hpp),
// so one query is one streaming pass over memory and many queries are a cache-blocked pass: a
// block of rows small enough for the L2 cache is compared with every query before the next
// block is read. Work is split over an optional number of threads by row ranges; every
// similarity is computed by the same kernel whatever the split and ties are ordered by index,
// so results never depend on the thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../core/batch.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/storage.hpp"

namespace hdc {

/// One search result: the row's index, its label and its similarity to the query.
struct match {
    std::size_t index = 0;
    std::string label;
    double similarity = 0.0;
    friend bool operator==(const match&, const match&) = default;
};

namespace detail {

/// (similarity, index) ordered best first: higher similarity, then lower index.
struct scored {
    double similarity;
    std::size_t index;
    friend bool operator<(const scored& a, const scored& b) noexcept {  // "a is better than b"
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.index < b.index);
    }
};

/// The k best of a stream of scores (a heap whose top is the worst kept).
class top_k_heap {
public:
    explicit top_k_heap(std::size_t k) : k_(k) { items_.reserve(k); }
    void offer(double similarity, std::size_t index) {
        const scored s{similarity, index};
        if (items_.size() < k_) {
            items_.push_back(s);
            std::push_heap(items_.begin(), items_.end());
        } else if (k_ != 0 && s < items_.front()) {
            std::pop_heap(items_.begin(), items_.end());
            items_.back() = s;
            std::push_heap(items_.begin(), items_.end());
        }
    }
    /// Lowest similarity still kept, or -infinity-like sentinel while not full.
    void merge(const top_k_heap& other) {
        for (const scored& s : other.items_) offer(s.similarity, s.index);
    }
    /// The kept scores, best first.
    std::vector<scored> sorted() const {
        std::vector<scored> out = items_;
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::size_t k_;
    std::vector<scored> items_;
};

/// Number of threads to use: 0 means all hardware threads; never more than there is work.
inline unsigned resolve_threads(unsigned requested, std::size_t work_items) {
    unsigned t = requested == 0 ? std::max(1u, std::thread::hardware_concurrency()) : requested;
    if (work_items < t) t = static_cast<unsigned>(std::max<std::size_t>(1, work_items));
    return t;
}

/// Runs body(part, first, last) over `threads` contiguous parts of [0, n), in parallel.
template <class Body>
void parallel_ranges(std::size_t n, unsigned threads, Body body) {
    if (threads <= 1) {
        body(0u, std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    const std::size_t chunk = (n + threads - 1) / threads;
    for (unsigned t = 1; t < threads; ++t) {
        const std::size_t first = std::min(n, t * chunk), last = std::min(n, first + chunk);
        pool.emplace_back([&body, t, first, last] { body(t, first, last); });
    }
    body(0u, std::size_t{0}, std::min(n, chunk));
    for (auto& th : pool) th.join();
}

}  // namespace detail

/// Labelled vectors of model V, stored contiguously, with nearest-neighbour search.
template <row_storable V>
class item_memory {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;
    using element_type = typename row_traits<V>::element_type;

    /// An empty memory. For a fixed-dimension model the shape is known; for a run-time one it is
    /// taken from the first vector added.
    item_memory() {
        if constexpr (V::extent != dynamic) set_shape(V{}.shape());
    }
    /// An empty memory for vectors of the given shape.
    explicit item_memory(const shape_type& shape) { set_shape(shape); }

    /// Number of stored vectors.
    std::size_t size() const noexcept { return labels_.size(); }
    bool empty() const noexcept { return labels_.empty(); }
    /// Shape of the stored vectors (meaningful once a shape is known).
    const shape_type& shape() const noexcept { return shape_; }

    /// Reserves room for n vectors (no reallocation until then).
    void reserve(std::size_t n) {
        require_shape("item_memory::reserve");
        if (n > capacity_) grow_to(n);
    }

    /// Stores v under label; returns its index. Labels need not be unique.
    std::size_t add(std::string label, const V& v) {
        if (!has_shape_) set_shape(v.shape());
        if (!(v.shape() == shape_))
            throw dimension_mismatch("item_memory::add", v.dim(), dim_of_shape());
        if (size() == capacity_) grow_to(std::max<std::size_t>(16, capacity_ * 2));
        element_type* row = rows_.data() + size() * stride_;
        std::memset(static_cast<void*>(row), 0, stride_ * sizeof(element_type));
        row_traits<V>::store(v, row);
        labels_.push_back(std::move(label));  // after the row: nothing changes if this throws
        return size() - 1;
    }
    /// Stores v with an empty label; returns its index.
    std::size_t add(const V& v) { return add(std::string{}, v); }

    /// A copy of the vector at index i.
    V vector(std::size_t i) const {
        check_index("item_memory::vector", i);
        return row_traits<V>::load(row_ptr(i), shape_);
    }
    /// The label at index i.
    const std::string& label(std::size_t i) const {
        check_index("item_memory::label", i);
        return labels_[i];
    }
    /// Index of the first vector stored under label, if any.
    std::optional<std::size_t> find(std::string_view label) const {
        for (std::size_t i = 0; i < labels_.size(); ++i)
            if (labels_[i] == label) return i;
        return std::nullopt;
    }
    /// Row i as raw storage (a view, no copy).
    std::span<const element_type> row(std::size_t i) const {
        check_index("item_memory::row", i);
        return {row_ptr(i), row_traits<V>::row_size(shape_)};
    }
    /// All rows as a view, for searching or exporting without copies.
    batch_view<V> view() const { return {rows_.data(), size(), stride_, shape_}; }

    /// Removes the vector at index i; later vectors move down by one (order is kept).
    void remove(std::size_t i) {
        check_index("item_memory::remove", i);
        element_type* base = rows_.data();
        std::memmove(static_cast<void*>(base + i * stride_), base + (i + 1) * stride_,
                     (size() - i - 1) * stride_ * sizeof(element_type));
        std::memset(static_cast<void*>(base + (size() - 1) * stride_), 0, stride_ * sizeof(element_type));
        labels_.erase(labels_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    /// Removes every vector stored under label; returns how many were removed.
    std::size_t remove(std::string_view label) {
        std::size_t removed = 0;
        for (std::size_t i = size(); i-- > 0;)
            if (labels_[i] == label) {
                remove(i);
                ++removed;
            }
        return removed;
    }
    /// Removes everything (the shape is kept).
    void clear() noexcept {
        labels_.clear();
        if (rows_.data()) std::memset(static_cast<void*>(rows_.data()), 0, rows_.padded_size() * sizeof(element_type));
    }

    /// Similarity of q to every stored vector, in index order.
    std::vector<double> similarities(const V& q, unsigned threads = 1) const {
        std::vector<double> out(size());
        const auto query = pack({&q, 1}, "item_memory::similarities");
        const unsigned t = detail::resolve_threads(threads, size() / min_rows_per_thread + 1);
        detail::parallel_ranges(size(), t, [&](unsigned, std::size_t first, std::size_t last) {
            if (first < last)
                row_traits<V>::similarities(query.data(), row_ptr(first), stride_, last - first, shape_,
                                            out.data() + first);
        });
        return out;
    }

    /// The stored vector most similar to q (ties: lowest index). Throws empty_input if empty.
    match nearest(const V& q, unsigned threads = 1) const {
        return std::move(top_k(std::span<const V>(&q, 1), 1, threads).front().front());
    }
    /// The k most similar stored vectors, best first (fewer if the memory holds fewer).
    std::vector<match> top_k(const V& q, std::size_t k, unsigned threads = 1) const {
        return std::move(top_k(std::span<const V>(&q, 1), k, threads).front());
    }
    /// nearest() for each query, in one cache-blocked pass over the memory.
    std::vector<match> nearest(std::span<const V> queries, unsigned threads = 1) const {
        auto all = top_k(queries, 1, threads);
        std::vector<match> out;
        out.reserve(all.size());
        for (auto& m : all) out.push_back(std::move(m.front()));
        return out;
    }
    /// top_k() for each query, in one cache-blocked pass over the memory.
    std::vector<std::vector<match>> top_k(std::span<const V> queries, std::size_t k,
                                          unsigned threads = 1) const {
        if (empty()) throw empty_input("item_memory: search in an empty memory");
        if (k == 0) throw invalid_parameter("item_memory::top_k: k must be positive");
        k = std::min(k, size());
        const auto packed = pack(queries, "item_memory::top_k");
        const std::size_t nq = queries.size();
        const unsigned t = detail::resolve_threads(threads, size() / min_rows_per_thread + 1);
        // heaps[part * nq + q]: the best k of one thread's rows for query q.
        std::vector<detail::top_k_heap> heaps(static_cast<std::size_t>(t) * nq, detail::top_k_heap(k));
        const std::size_t block = block_rows();
        detail::parallel_ranges(size(), t, [&](unsigned part, std::size_t first, std::size_t last) {
            std::vector<double> sims(block * nq);
            for (std::size_t b = first; b < last; b += block) {
                const std::size_t n = std::min(block, last - b);
                block_similarities(packed.data(), nq, b, n, sims.data());
                for (std::size_t q = 0; q < nq; ++q) {
                    auto& heap = heaps[part * nq + q];
                    const double* s = sims.data() + q * n;
                    for (std::size_t i = 0; i < n; ++i) heap.offer(s[i], b + i);
                }
            }
        });
        std::vector<std::vector<match>> out(nq);
        for (std::size_t q = 0; q < nq; ++q) {
            for (unsigned part = 1; part < t; ++part) heaps[q].merge(heaps[part * nq + q]);
            for (const auto& s : heaps[q].sorted()) out[q].push_back({s.index, labels_[s.index], s.similarity});
        }
        return out;
    }

private:
    /// out[q * n + i] = similarity of packed query q to row first + i, for i < n.
    void block_similarities(const element_type* queries, std::size_t nq, std::size_t first, std::size_t n,
                            double* out) const {
        if constexpr (requires {
                          row_traits<V>::similarities_many(queries, nq, row_ptr(first), stride_, n, shape_, out);
                      }) {
            if (nq > 1) {
                row_traits<V>::similarities_many(queries, nq, row_ptr(first), stride_, n, shape_, out);
                return;
            }
        }
        for (std::size_t q = 0; q < nq; ++q)
            row_traits<V>::similarities(queries + q * stride_, row_ptr(first), stride_, n, shape_, out + q * n);
    }

    // Rows per cache block: about 256 KiB of rows, compared with every query before moving on.
    std::size_t block_rows() const noexcept {
        const std::size_t bytes = stride_ * sizeof(element_type);
        return std::max<std::size_t>(8, (256u << 10) / std::max<std::size_t>(1, bytes));
    }
    static constexpr std::size_t min_rows_per_thread = 1024;

    void set_shape(const shape_type& shape) {
        shape_ = shape;
        stride_ = row_stride<V>(shape);
        has_shape_ = true;
    }
    void require_shape(const char* what) const {
        if (!has_shape_) throw invalid_parameter(std::string(what) + ": the memory has no shape yet");
    }
    std::size_t dim_of_shape() const { return dim_of(shape_); }
    void check_index(const char* what, std::size_t i) const {
        if (i >= size())
            throw invalid_parameter(std::string(what) + ": index " + std::to_string(i) +
                                    " out of range for a memory of " + std::to_string(size()));
    }
    const element_type* row_ptr(std::size_t i) const noexcept { return rows_.data() + i * stride_; }

    void grow_to(std::size_t capacity) {
        aligned_buffer<element_type> bigger(capacity * stride_);
        if (size() != 0)
            std::memcpy(static_cast<void*>(bigger.data()), rows_.data(), size() * stride_ * sizeof(element_type));
        rows_.swap(bigger);
        capacity_ = capacity;
    }

    /// Queries packed as rows, after checking their shapes.
    aligned_buffer<element_type> pack(std::span<const V> queries, const char* what) const {
        aligned_buffer<element_type> packed(queries.size() * stride_);
        for (std::size_t q = 0; q < queries.size(); ++q) {
            if (!has_shape_ || !(queries[q].shape() == shape_))
                throw dimension_mismatch(what, queries[q].dim(), has_shape_ ? dim_of_shape() : 0);
            row_traits<V>::store(queries[q], packed.data() + q * stride_);
        }
        return packed;
    }

    shape_type shape_{};
    std::size_t stride_ = 0;
    bool has_shape_ = false;
    std::size_t capacity_ = 0;
    aligned_buffer<element_type> rows_;
    std::vector<std::string> labels_;
};

}  // namespace hdc
