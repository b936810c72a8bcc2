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

// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when they are
// inlined into Eigen's product kernels (the _mm256_undefined_pd idiom, GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Core>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

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

/// Dense real rows (real, MBAT) of T: the cosine dot / (|q| |r|), 0 if a norm is zero, with the
/// operations the models' own cosine uses (simd::real_dot, sqrt of simd::real_sum_squares), so
/// one() equals similarity(q, v) to the last bit. Row norms are cached by memories, so a search
/// reads each row once.
///
/// many() with at least gemm_min_queries queries is one double-precision Eigen matrix product per
/// block of block_rows() rows (every block, the last one zero-padded, has the same shape, so
/// results do not depend on how rows are split over threads). Its sums are in Eigen's order, not
/// the reference lane order: a score may differ from one()'s in the last bits (relative error of
/// order 1e-15). With fewer queries, many() equals one() to the last bit.
template <class T>
struct cosine {
    static constexpr bool uses_norms = true;

    /// Euclidean norm of a row, as the models' norm() computes it.
    static double norm(const T* row, std::size_t dim) noexcept { return std::sqrt(simd::real_sum_squares(row, dim)); }

    /// Queries from which many() uses the matrix product (below, it runs one() per query).
    static constexpr std::size_t gemm_min_queries = 16;

    /// Rows per many() call: about 16 MiB of rows in double, between 16 and 256, a multiple of 8.
    static constexpr std::size_t block_rows(std::size_t row_bytes) noexcept {
        const std::size_t dim = row_bytes / sizeof(T);
        std::size_t rows = (std::size_t{16} << 20) / ((dim == 0 ? 1 : dim) * sizeof(double));
        rows = rows < 16 ? 16 : rows > 256 ? 256 : rows;
        return rows / 8 * 8;
    }

    /// One query against n rows whose norms are row_norms[0, n): the dots of several rows at
    /// once (simd::real_dot_rows, each equal to simd::real_dot to the last bit).
    static void one(const T* query, double query_norm, const T* rows, std::size_t stride, std::size_t n,
                    std::size_t dim, const double* row_norms, double* out) {
        simd::real_dot_rows(query, rows, stride, n, dim, out);
        for (std::size_t i = 0; i < n; ++i) out[i] = combine(out[i], query_norm, row_norms[i]);
    }

    /// Many queries against n <= block_rows rows: one GEMM of the (padded) block of rows, in
    /// double, times the queries.
    static void many(const T* queries, std::size_t n_queries, const double* query_norms, const T* rows,
                     std::size_t stride, std::size_t n, std::size_t dim, const double* row_norms, double* out) {
        if (n_queries < gemm_min_queries) {
            // Few queries: one() per query over sub-blocks small enough to stay in L2, so the
            // rows are read from memory once; scores equal one()'s to the last bit.
            const std::size_t sub = std::max<std::size_t>(4, (std::size_t{256} << 10) / (stride * sizeof(T)));
            for (std::size_t first = 0; first < n; first += sub) {
                const std::size_t count = std::min(sub, n - first);
                for (std::size_t j = 0; j < n_queries; ++j)
                    one(queries + j * stride, query_norms[j], rows + first * stride, stride, count, dim,
                        row_norms + first, out + j * n + first);
            }
            return;
        }
        using matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const auto d = static_cast<Eigen::Index>(dim);
        const std::size_t block = block_rows(stride * sizeof(T));
        const auto nb = static_cast<Eigen::Index>(block);
        const auto nq = static_cast<Eigen::Index>(n_queries);
        // The rows (zero-padded to a whole block) and queries in double: float x float products
        // are exact in double. Per-thread buffers: a block is megabytes, allocated once.
        thread_local matrix r, q;
        r.resize(nb, d);
        q.resize(nq, d);
        const std::size_t used = std::min(n, block);
        for (std::size_t i = 0; i < used; ++i)
            for (std::size_t k = 0; k < dim; ++k) r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = rows[i * stride + k];
        r.bottomRows(nb - static_cast<Eigen::Index>(used)).setZero();
        for (std::size_t j = 0; j < n_queries; ++j)
            for (std::size_t k = 0; k < dim; ++k) q(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) = queries[j * stride + k];
        thread_local matrix dots;
        dots.resize(nq, nb);
        dots.noalias() = q * r.transpose();
        for (std::size_t j = 0; j < n_queries; ++j)
            for (std::size_t i = 0; i < used; ++i)
                out[j * n + i] = combine(dots(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)),
                                         query_norms[j], row_norms[i]);
    }

private:
    static double combine(double dot, double query_norm, double row_norm) noexcept {
        return (query_norm == 0 || row_norm == 0) ? 0.0 : dot / (query_norm * row_norm);
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

}  // namespace hdc::row_kernels
