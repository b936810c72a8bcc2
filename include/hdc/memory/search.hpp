// hdc/memory/search.hpp - nearest-neighbour search over rows of one model: the code item_memory
// uses, also usable on a caller's own batch_view without copying it into a memory.
//
// One query is one streaming pass over the rows; many queries are a blocked pass: a block of
// rows (its size fixed by the row kernel from the row size alone) is compared with every query
// before the next block is read. Work is split over an optional number of threads in whole
// blocks, every score is computed by the same kernel call whatever the split, and ties are
// ordered by index, so results never depend on the thread count. An exception thrown while
// searching (in any thread) reaches the caller; the searched rows are never changed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../core/batch.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/parallel.hpp"
#include "../core/storage.hpp"

namespace hdc {

/// One search result: the row's index, its label (empty when searching a batch_view) and its
/// similarity to the query.
struct match {
    std::size_t index = 0;
    std::string label;
    double similarity = 0.0;
    friend bool operator==(const match&, const match&) = default;
};

namespace detail {

/// (similarity, index) ordered best first: higher similarity, then lower index. A NaN score
/// (possible only from rows of a caller's batch_view that hold non-finite values) ranks below
/// every number, so the order stays a strict weak order and sorting stays defined.
struct scored {
    double similarity;
    std::size_t index;
    friend bool operator<(const scored& a, const scored& b) noexcept {  // "a is better than b"
        const bool a_nan = a.similarity != a.similarity, b_nan = b.similarity != b.similarity;
        if (a_nan != b_nan) return b_nan;      // a number beats NaN
        if (a_nan) return a.index < b.index;  // two NaNs: by index
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.index < b.index);
    }
};

/// The k best of a stream of scores (a heap whose top is the worst kept). The kept set is the
/// k best by (similarity, index), so it does not depend on the order of offers.
class top_k_heap {
public:
    explicit top_k_heap(std::size_t k) : k_(k) { items_.reserve(k); }
    /// Keeps (similarity, index) if it is among the k best seen.
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
    /// Offers every score another heap kept.
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

}  // namespace detail

template <row_storable V>
class item_memory;

/// The one-query and nearest-only forms of a search, written once over Derived's
/// top_k(std::span<const V> queries, k, threads) (batch_searcher and item_memory share them;
/// Derived brings them into scope with using-declarations, next to its own top_k).
template <class Derived, class V>
class search_shortcuts {
public:
    /// The row most similar to q (ties: lowest index). Throws empty_input if there are none.
    match nearest(const V& q, unsigned threads = 1) const {
        return std::move(self().top_k(std::span<const V>(&q, 1), 1, threads).front().front());
    }
    /// The k rows most similar to q, best first (fewer if there are fewer); ties by index.
    std::vector<match> top_k(const V& q, std::size_t k, unsigned threads = 1) const {
        return std::move(self().top_k(std::span<const V>(&q, 1), k, threads).front());
    }
    /// nearest() for each query, in one blocked pass over the rows.
    std::vector<match> nearest(std::span<const V> queries, unsigned threads = 1) const {
        auto all = self().top_k(queries, 1, threads);
        std::vector<match> out;
        out.reserve(all.size());
        for (auto& m : all) out.push_back(std::move(m.front()));
        return out;
    }

private:
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

/// Search over rows of model V that the caller owns (a batch_view: a memory's view(), or the
/// caller's own buffer laid out as core/batch.hpp describes, padding zero). Nothing is copied;
/// the viewed rows must outlive the searcher. Norm-based kernels (real, MBAT) compute row norms
/// block by block; an item_memory searches with the norms it cached. Const: safe to use from
/// several threads at once.
template <row_storable V>
class batch_searcher : public search_shortcuts<batch_searcher<V>, V> {
public:
    using search_shortcuts<batch_searcher<V>, V>::nearest;
    using search_shortcuts<batch_searcher<V>, V>::top_k;
    using vector_type = V;
    using element_type = typename row_traits<V>::element_type;
    using shape_type = typename V::shape_type;
    using kernel = typename row_traits<V>::kernel;

    /// A searcher over rows. Throws invalid_parameter if the stride is not the padded row layout
    /// (a whole number of 64-byte lines, at least the row size).
    explicit batch_searcher(batch_view<V> rows) : batch_searcher(rows, {}) {}

    /// The searched rows.
    const batch_view<V>& rows() const noexcept { return rows_; }

    /// Similarity of q to every row, in row order (equal to similarity(q, row) to the last bit).
    std::vector<double> similarities(const V& q, unsigned threads = 1) const {
        std::vector<double> out(rows_.size());
        const auto query = pack({&q, 1}, "similarities");
        const double query_norm = norm_of(query.data());
        const std::size_t block = one_block_rows();
        const unsigned t = detail::resolve_threads(threads, rows_.size() / min_rows_per_thread + 1);
        detail::parallel_ranges(rows_.size(), t, block, [&](unsigned, std::size_t first, std::size_t last) {
            std::vector<double> norms;
            for (std::size_t b = first; b < last; b += block) {
                const std::size_t n = std::min(block, last - b);
                kernel::one(query.data(), query_norm, rows_.row(b), rows_.stride(), n, rows_.shape(),
                            row_norms(b, n, norms), out.data() + b);
            }
        });
        return out;
    }

    /// top_k() for each query, in one blocked pass over the rows.
    std::vector<std::vector<match>> top_k(std::span<const V> queries, std::size_t k, unsigned threads = 1) const {
        const auto ranked = rank(queries, k, threads, "top_k");
        std::vector<std::vector<match>> out(ranked.size());
        for (std::size_t q = 0; q < ranked.size(); ++q)
            for (const auto& s : ranked[q]) out[q].push_back({s.index, std::string{}, s.similarity});
        return out;
    }

private:
    friend class item_memory<V>;

    /// A searcher using cached row norms (norms[i] = kernel::norm of row i), or computing them
    /// if norms is empty.
    batch_searcher(batch_view<V> rows, std::span<const double> norms) : rows_(rows), norms_(norms) {
        if (!rows_.empty() && rows_.stride() != padded_count<element_type>(rows_.stride()))
            throw invalid_parameter("batch_searcher: the row stride must be a whole number of 64-byte lines");
        if (!rows_.empty() && rows_.stride() < row_traits<V>::row_size(rows_.shape()))
            throw invalid_parameter("batch_searcher: the row stride is smaller than a row");
    }

    /// The k best (similarity, index) per query, best first. With one query, the scores are
    /// kernel::one's; with several, kernel::many's.
    std::vector<std::vector<detail::scored>> rank(std::span<const V> queries, std::size_t k, unsigned threads,
                                                  const char* what) const {
        if (rows_.empty()) throw empty_input(std::string("search in an empty memory or batch (") + what + ")");
        if (k == 0) throw invalid_parameter(std::string(what) + ": k must be positive");
        k = std::min(k, rows_.size());
        const auto packed = pack(queries, what);
        const std::size_t nq = queries.size();
        std::vector<double> query_norms(nq);
        for (std::size_t q = 0; q < nq; ++q) query_norms[q] = norm_of(packed.data() + q * rows_.stride());
        const std::size_t block = nq > 1 ? many_block_rows() : one_block_rows();
        const unsigned t = detail::resolve_threads(threads, rows_.size() / min_rows_per_thread + 1);
        // heaps[part * nq + q]: the best k of one thread's rows for query q.
        std::vector<detail::top_k_heap> heaps(static_cast<std::size_t>(t) * nq, detail::top_k_heap(k));
        detail::parallel_ranges(rows_.size(), t, block, [&](unsigned part, std::size_t first, std::size_t last) {
            std::vector<double> sims(block * nq), norms;
            for (std::size_t b = first; b < last; b += block) {
                const std::size_t n = std::min(block, last - b);
                const double* rn = row_norms(b, n, norms);
                if (nq == 1)
                    kernel::one(packed.data(), query_norms[0], rows_.row(b), rows_.stride(), n, rows_.shape(), rn,
                                sims.data());
                else
                    kernel::many(packed.data(), nq, query_norms.data(), rows_.row(b), rows_.stride(), n,
                                 rows_.shape(), rn, sims.data());
                for (std::size_t q = 0; q < nq; ++q) {
                    auto& heap = heaps[part * nq + q];
                    const double* s = sims.data() + q * n;
                    for (std::size_t i = 0; i < n; ++i) heap.offer(s[i], b + i);
                }
            }
        });
        std::vector<std::vector<detail::scored>> out(nq);
        for (std::size_t q = 0; q < nq; ++q) {
            for (unsigned part = 1; part < t; ++part) heaps[q].merge(heaps[part * nq + q]);
            out[q] = heaps[q].sorted();
        }
        return out;
    }

    /// Norms of rows [first, first + n): the cached ones, or computed into scratch.
    const double* row_norms(std::size_t first, std::size_t n, std::vector<double>& scratch) const {
        if constexpr (!kernel::uses_norms) {
            return nullptr;
        } else {
            if (!norms_.empty()) return norms_.data() + first;
            scratch.resize(n);
            for (std::size_t i = 0; i < n; ++i) scratch[i] = kernel::norm(rows_.row(first + i), rows_.shape());
            return scratch.data();
        }
    }
    double norm_of(const element_type* row) const {
        if constexpr (kernel::uses_norms)
            return kernel::norm(row, rows_.shape());
        else
            return 0.0;
    }

    std::size_t row_bytes() const noexcept { return rows_.stride() * sizeof(element_type); }
    // One query: 256 rows per block; without cached norms, blocks of at most 512 KiB (a multiple
    // of 8 rows), so the rows whose norms were just computed are still in L2 for the scores.
    std::size_t one_block_rows() const noexcept {
        if (!(norms_.empty() && kernel::uses_norms)) return 256;
        return std::max<std::size_t>(8, (std::size_t{512} << 10) / std::max<std::size_t>(1, row_bytes()) / 8 * 8);
    }
    std::size_t many_block_rows() const noexcept { return std::max<std::size_t>(1, kernel::block_rows(row_bytes())); }
    static constexpr std::size_t min_rows_per_thread = 1024;

    /// Queries packed as rows of this stride, after checking their shapes.
    aligned_buffer<element_type> pack(std::span<const V> queries, const char* what) const {
        aligned_buffer<element_type> packed(queries.size() * rows_.stride());
        for (std::size_t q = 0; q < queries.size(); ++q) {
            if (!(queries[q].shape() == rows_.shape()))
                throw dimension_mismatch(what, queries[q].dim(), dim_of(rows_.shape()));
            row_traits<V>::store(queries[q], packed.data() + q * rows_.stride());
        }
        return packed;
    }

    batch_view<V> rows_;
    std::span<const double> norms_;
};

/// Similarity of q to every row of a caller's batch (see batch_searcher).
template <row_storable V>
std::vector<double> similarities(batch_view<V> rows, const V& q, unsigned threads = 1) {
    return batch_searcher<V>(rows).similarities(q, threads);
}
/// The row of a caller's batch most similar to q (ties: lowest index; label empty).
template <row_storable V>
match nearest(batch_view<V> rows, const V& q, unsigned threads = 1) {
    return batch_searcher<V>(rows).nearest(q, threads);
}
/// The k rows of a caller's batch most similar to q, best first.
template <row_storable V>
std::vector<match> top_k(batch_view<V> rows, const V& q, std::size_t k, unsigned threads = 1) {
    return batch_searcher<V>(rows).top_k(q, k, threads);
}

}  // namespace hdc
