// hdc/models/row_kernels.hpp - the row-search kernels of every model, in one place.
//
// A memory (or a search over a caller's batch_view) compares queries with rows laid out as
// core/batch.hpp describes. Each model's row_traits names one kernel below (`using kernel =
// ...`); the kernel knows how to score rows of that layout:
//   uses_norms                 true if a row's score needs its norm; a memory then caches
//                              norm(row, shape) per row (computed once, at add) and passes the
//                              cached values, a batch search computes them block by block
//   norm(row, shape)           that norm (only if uses_norms)
//   block_rows(row_bytes)      rows per call of many(): fixed by the row size only, never by the
//                              thread count, so every call has the same shape
//   one(q, q_norm, rows, stride, n, shape, row_norms, out)
//                              out[i] = score of row i, equal to the last bit to similarity(q, v)
//   many(qs, nq, q_norms, rows, stride, n, shape, row_norms, out)
//                              out[j * n + i] = score of row i for query j (queries packed as
//                              rows with the same stride); may differ from one() in the last
//                              bits where it says so
// q_norm / q_norms / row_norms are ignored by kernels that do not use norms (they may be null).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/storage.hpp"
#include "../simd/bitwise.hpp"
#include "../simd/complex.hpp"
#include "../simd/floating.hpp"
#include "../simd/modular.hpp"

namespace hdc::row_kernels {

/// Rows per many() call for kernels without a preference: about 256 KiB of rows, a block that
/// stays in L2 while every query is compared with it.
constexpr std::size_t cache_block_rows(std::size_t row_bytes) noexcept {
    const std::size_t rows = (std::size_t{256} << 10) / (row_bytes == 0 ? 1 : row_bytes);
    return rows < 8 ? 8 : rows;
}

/// Binary and bipolar rows: packed bits, similarity (D - 2 hamming) / D.
struct hamming {
    static constexpr bool uses_norms = false;
    /// Rows per many() call.
    static constexpr std::size_t block_rows(std::size_t row_bytes) noexcept { return cache_block_rows(row_bytes); }

    /// Rows of packed bits compared per chunk: hamming counts stay on the stack.
    static constexpr std::size_t chunk = 256;

    /// One query against n rows.
    static void one(const std::uint64_t* query, double, const std::uint64_t* rows, std::size_t stride,
                    std::size_t n, std::size_t dim, const double*, double* out) {
        std::uint32_t h[chunk];
        const std::size_t words = (dim + 63) / 64;
        for (std::size_t first = 0; first < n; first += chunk) {
            const std::size_t count = n - first < chunk ? n - first : chunk;
            simd::hamming_one_to_many(query, rows + first * stride, count, words, stride, h);
            for (std::size_t i = 0; i < count; ++i) out[first + i] = score(h[i], dim);
        }
    }
    /// Many queries against n rows, register- and cache-blocked; equal to one() for each query.
    static void many(const std::uint64_t* queries, std::size_t n_queries, const double*,
                     const std::uint64_t* rows, std::size_t stride, std::size_t n, std::size_t dim,
                     const double*, double* out) {
        std::vector<std::uint32_t> h(n_queries * n);
        simd::hamming_many_to_many(queries, n_queries, rows, n, (dim + 63) / 64, stride, h.data());
        for (std::size_t i = 0; i < h.size(); ++i) out[i] = score(h[i], dim);
    }

private:
    static double score(std::uint32_t h, std::size_t dim) noexcept {
        const auto d = static_cast<std::int64_t>(dim);
        return static_cast<double>(d - 2 * static_cast<std::int64_t>(h)) / static_cast<double>(dim);
    }
};

/// Phasor rows: dim real parts, then the imaginary parts at im_offset(dim); similarity is the
/// mean of Re(q_i conj(r_i)).
struct split_complex {
    static constexpr bool uses_norms = false;
    /// Rows per many() call.
    static constexpr std::size_t block_rows(std::size_t row_bytes) noexcept { return cache_block_rows(row_bytes); }
    /// Where the imaginary parts start in a row (the real parts padded to whole lines).
    static constexpr std::size_t im_offset(std::size_t dim) noexcept { return padded_count<float>(dim); }

    /// One query against n rows.
    static void one(const float* query, double, const float* rows, std::size_t stride, std::size_t n,
                    std::size_t dim, const double*, double* out) {
        const std::size_t im = im_offset(dim);
        for (std::size_t i = 0; i < n; ++i) {
            const float* row = rows + i * stride;
            out[i] = simd::complex_dot_real(query, query + im, row, row + im, dim) / static_cast<double>(dim);
        }
    }
    /// Many queries: one() per query (the rows of a block stay in cache).
    static void many(const float* queries, std::size_t n_queries, const double*, const float* rows,
                     std::size_t stride, std::size_t n, std::size_t dim, const double*, double* out) {
        for (std::size_t j = 0; j < n_queries; ++j) one(queries + j * stride, 0.0, rows, stride, n, dim, nullptr, out + j * n);
    }
};

/// Sparse block-code rows: one 16-bit index per block, similarity = matching blocks / blocks.
/// Shape is any type with a `blocks` member (sparse_shape).
struct equal_blocks {
    static constexpr bool uses_norms = false;
    /// Rows per many() call.
    static constexpr std::size_t block_rows(std::size_t row_bytes) noexcept { return cache_block_rows(row_bytes); }

    /// One query against n rows.
    template <class Shape>
    static void one(const std::uint16_t* query, double, const std::uint16_t* rows, std::size_t stride,
                    std::size_t n, const Shape& s, const double*, double* out) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<double>(simd::count_equal(query, rows + i * stride, s.blocks)) /
                     static_cast<double>(s.blocks);
    }
    /// Many queries: one() per query (the rows of a block stay in cache).
    template <class Shape>
    static void many(const std::uint16_t* queries, std::size_t n_queries, const double*, const std::uint16_t* rows,
                     std::size_t stride, std::size_t n, const Shape& s, const double*, double* out) {
        for (std::size_t j = 0; j < n_queries; ++j) one(queries + j * stride, 0.0, rows, stride, n, s, nullptr, out + j * n);
    }
};

/// Sparse binary rows (packed bits, few ones): the cosine of the indicator vectors,
/// |q AND r| / sqrt(|q| |r|), 0 if either is empty. A row's norm is its number of ones, cached by
/// memories; one() equals sparse_binary's similarity to the last bit.
struct overlap_cosine {
    static constexpr bool uses_norms = true;
    /// Rows per many() call.
    static constexpr std::size_t block_rows(std::size_t row_bytes) noexcept { return cache_block_rows(row_bytes); }

    /// The number of ones of a row (the squared Euclidean norm of its indicator).
    static double norm(const std::uint64_t* row, std::size_t dim) noexcept {
        return static_cast<double>(simd::popcount_words(row, (dim + 63) / 64));
    }
    /// One query against n rows.
    static void one(const std::uint64_t* query, double query_ones, const std::uint64_t* rows, std::size_t stride,
                    std::size_t n, std::size_t dim, const double* row_ones, double* out) {
        const std::size_t words = (dim + 63) / 64;
        for (std::size_t i = 0; i < n; ++i)
            out[i] = score(simd::and_popcount_words(query, rows + i * stride, words), query_ones, row_ones[i]);
    }
    /// Many queries: one() per query (the rows of a block stay in cache).
    static void many(const std::uint64_t* queries, std::size_t n_queries, const double* query_ones,
                     const std::uint64_t* rows, std::size_t stride, std::size_t n, std::size_t dim,
                     const double* row_ones, double* out) {
        for (std::size_t j = 0; j < n_queries; ++j)
            one(queries + j * stride, query_ones[j], rows, stride, n, dim, row_ones, out + j * n);
    }
    /// overlap / sqrt(ones(q) ones(r)): the products are exact in double, so identical rows score 1.
    static double score(std::uint64_t overlap, double query_ones, double row_ones) noexcept {
        const double product = query_ones * row_ones;
        return product == 0 ? 0.0 : static_cast<double>(overlap) / std::sqrt(product);
    }
};

}  // namespace hdc::row_kernels
