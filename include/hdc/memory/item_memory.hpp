// hdc/memory/item_memory.hpp - item / cleanup memory: labelled vectors stored contiguously,
// searched by similarity.
//
// N vectors of one model live as N padded rows of a single aligned buffer (see core/batch.hpp),
// so one query is one streaming pass over memory and many queries are a blocked pass (see
// memory/search.hpp, whose batch_searcher does the searching). Models searched by cosine (real,
// MBAT) have their row norms cached at add, so a query reads each row once. Results never depend
// on the thread count; an exception in a search thread reaches the caller and leaves the memory
// unchanged. Labels are indexed by a hash map, so find(label) is O(1).
//
// Thread safety: const member functions may be called concurrently; a mutation (add, remove,
// clear, reserve) must not overlap any other call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/batch.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/storage.hpp"
#include "search.hpp"

namespace hdc {

/// Labelled vectors of model V, stored contiguously, with nearest-neighbour search.
template <row_storable V>
class item_memory : public search_shortcuts<item_memory<V>, V> {
public:
    using search_shortcuts<item_memory<V>, V>::nearest;
    using search_shortcuts<item_memory<V>, V>::top_k;
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

    /// Stores v under label; returns its index. Labels need not be unique (find() returns the
    /// first index stored under a label). If it throws, the memory is unchanged.
    std::size_t add(std::string label, const V& v) {
        if (!has_shape_) {  // the first vector fixes the shape, once room for it is allocated
            item_memory shaped(v.shape());
            shaped.grow_to(16);
            *this = std::move(shaped);  // this memory was empty: nothing is lost
        }
        if (!(v.shape() == shape_))
            throw dimension_mismatch("item_memory::add", v.dim(), dim_of_shape());
        if (size() == capacity_) grow_to(std::max<std::size_t>(16, capacity_ * 2));
        const std::size_t index = size();
        element_type* row = rows_.data() + index * stride_;
        std::memset(static_cast<void*>(row), 0, stride_ * sizeof(element_type));
        row_traits<V>::store(v, row);
        // The only step that may throw now is the map insertion; the label and norm vectors
        // have room for capacity_ entries (grow_to), so their push_back cannot throw.
        if (labels_.capacity() < capacity_) labels_.reserve(capacity_);  // e.g. after a copy
        if constexpr (kernel::uses_norms)
            if (norms_.capacity() < capacity_) norms_.reserve(capacity_);
        index_.try_emplace(label, index);
        if constexpr (kernel::uses_norms) norms_.push_back(kernel::norm(row, shape_));
        labels_.push_back(std::move(label));
        return index;
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
    /// Index of the first (lowest-index) vector stored under label, if any; O(1) on average.
    std::optional<std::size_t> find(std::string_view label) const {
        const auto it = index_.find(label);
        if (it == index_.end()) return std::nullopt;
        return it->second;
    }
    /// Row i as raw storage (a view, no copy).
    std::span<const element_type> row(std::size_t i) const {
        check_index("item_memory::row", i);
        return {row_ptr(i), row_traits<V>::row_size(shape_)};
    }
    /// All rows as a view, for searching or exporting without copies.
    batch_view<V> view() const { return {rows_.data(), size(), stride_, shape_}; }

    /// Removes the vector at index i; later vectors move down by one (order is kept), so their
    /// indices drop by one. find() then returns the next vector stored under the removed label,
    /// if any. O(size).
    void remove(std::size_t i) {
        check_index("item_memory::remove", i);
        erase_if([i](std::size_t j, const std::string&) { return j == i; });
    }
    /// Removes every vector stored under label (later vectors move down, order is kept);
    /// returns how many were removed. O(size), whatever the count.
    std::size_t remove(std::string_view label) {
        return erase_if([label](std::size_t, const std::string& l) { return l == label; });
    }
    /// Removes the vectors at index n and beyond (nothing if n >= size()); O(size() - n), no
    /// allocation, never throws: undoes a run of add() calls, e.g. when a larger operation that
    /// added them fails.
    void truncate(std::size_t n) noexcept {
        if (n >= size()) return;
        for (std::size_t j = size(); j-- > n;) {
            // The index maps a label to its first row; a first row at j >= n has no earlier twin.
            const auto it = index_.find(std::string_view(labels_[j]));
            if (it != index_.end() && it->second == j) index_.erase(it);
        }
        std::memset(static_cast<void*>(rows_.data() + n * stride_), 0, (size() - n) * stride_ * sizeof(element_type));
        labels_.erase(labels_.begin() + static_cast<std::ptrdiff_t>(n), labels_.end());
        if constexpr (kernel::uses_norms) norms_.erase(norms_.begin() + static_cast<std::ptrdiff_t>(n), norms_.end());
    }
    /// Removes everything (the shape is kept).
    void clear() noexcept {
        labels_.clear();
        norms_.clear();
        index_.clear();
        if (rows_.data()) std::memset(static_cast<void*>(rows_.data()), 0, rows_.padded_size() * sizeof(element_type));
    }

    /// A searcher over the stored rows with the cached norms (valid until the memory changes).
    batch_searcher<V> searcher() const { return batch_searcher<V>(view(), norms_); }

    /// Similarity of q to every stored vector, in index order (equal to similarity(q, v) to the
    /// last bit).
    std::vector<double> similarities(const V& q, unsigned threads = 1) const {
        return searcher().similarities(q, threads);
    }

    // nearest(q), top_k(q, k) and nearest(queries) come from search_shortcuts: one-query
    // similarities equal similarity(q, v) to the last bit; for real and MBAT, 16 or more queries
    // at once are scored by one matrix product per block and may differ from the one-query path
    // in the last bits (see row_kernels::cosine); results are still deterministic.
    /// top_k() for each query, in one blocked pass over the memory (see nearest(queries)).
    std::vector<std::vector<match>> top_k(std::span<const V> queries, std::size_t k,
                                          unsigned threads = 1) const {
        if (empty()) throw empty_input("item_memory: search in an empty memory");
        if (k == 0) throw invalid_parameter("item_memory::top_k: k must be positive");
        const auto ranked = searcher().rank(queries, k, threads, "item_memory::top_k");
        std::vector<std::vector<match>> out(ranked.size());
        for (std::size_t q = 0; q < ranked.size(); ++q)
            for (const auto& s : ranked[q]) out[q].push_back({s.index, labels_[s.index], s.similarity});
        return out;
    }

private:
    using kernel = typename row_traits<V>::kernel;

    /// Heterogeneous hashing, so find(string_view) builds no string.
    struct label_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

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
        labels_.reserve(capacity);
        if constexpr (kernel::uses_norms) norms_.reserve(capacity);
        if (size() != 0)
            std::memcpy(static_cast<void*>(bigger.data()), rows_.data(), size() * stride_ * sizeof(element_type));
        rows_.swap(bigger);
        capacity_ = capacity;
    }

    /// Removes the vectors for which drop(index, label) holds, in one compacting pass, and
    /// rebuilds the label index; returns how many were removed. The new index is built before
    /// anything changes, so a failed allocation leaves the memory as it was.
    template <class Drop>
    std::size_t erase_if(Drop drop) {
        std::vector<char> dropped(size());
        std::size_t removed = 0;
        for (std::size_t j = 0; j < size(); ++j)
            if (drop(j, labels_[j])) dropped[j] = 1, ++removed;
        if (removed == 0) return 0;
        decltype(index_) index;
        index.reserve(index_.size());
        for (std::size_t j = 0, kept = 0; j < size(); ++j)
            if (!dropped[j]) index.try_emplace(labels_[j], kept++);
        // No more allocation from here on: moves within existing storage only.
        element_type* base = rows_.data();
        std::size_t kept = 0;
        for (std::size_t j = 0; j < size(); ++j) {
            if (dropped[j]) continue;
            if (kept != j) {
                std::memcpy(static_cast<void*>(base + kept * stride_), base + j * stride_, stride_ * sizeof(element_type));
                labels_[kept] = std::move(labels_[j]);
                if constexpr (kernel::uses_norms) norms_[kept] = norms_[j];
            }
            ++kept;
        }
        std::memset(static_cast<void*>(base + kept * stride_), 0, (size() - kept) * stride_ * sizeof(element_type));
        labels_.resize(kept);
        if constexpr (kernel::uses_norms) norms_.resize(kept);
        index_.swap(index);
        return removed;
    }

    shape_type shape_{};
    std::size_t stride_ = 0;
    bool has_shape_ = false;
    std::size_t capacity_ = 0;
    aligned_buffer<element_type> rows_;
    std::vector<std::string> labels_;
    std::vector<double> norms_;  // kernel::norm of each row (cosine kernels only), from add
    std::unordered_map<std::string, std::size_t, label_hash, std::equal_to<>> index_;  // label -> first index
};

}  // namespace hdc
