// hdc/models/cosine_rows.hpp - the row-search kernel of the real-valued models (real, MBAT).
//
// Kept apart from row_kernels.hpp because its many-query path is an Eigen matrix product: only
// the families that need it include Eigen for it. The kernel interface is described in
// row_kernels.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "eigen_core.hpp"
#include "row_kernels.hpp"

namespace hdc::row_kernels {

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

}  // namespace hdc::row_kernels
