// hdc/core/batch.hpp - how many vectors of one model are stored contiguously.
//
// Memories keep N vectors as N rows of one aligned buffer, each row padded to whole 64-byte
// lines, so a search is one streaming pass over memory. A model opts in by specialising
// hdc::row_traits<V> (in its own header) with:
//   element_type                          scalar type of a row (e.g. 64-bit words, float)
//   row_size(shape)                       elements per row before padding
//   store(v, row)                         writes v into a row (padding is left zero)
//   load(row, shape)                      the vector held in a row
//   kernel                                the row-search kernel scoring such rows (one of
//                                         models/row_kernels.hpp): its one-query scores equal
//                                         similarity(V, V) to the last bit
// Queries are packed into rows too, so a kernel sees only aligned, padded arrays.
#pragma once

#include <concepts>
#include <cstddef>

#include "concepts.hpp"
#include "error.hpp"
#include "storage.hpp"

namespace hdc {

/// The dimension a dense shape stands for (models with other shapes overload dim_of).
constexpr std::size_t dim_of(std::size_t shape) noexcept { return shape; }

/// Row layout of model V; specialised by each model header.
template <class V>
struct row_traits;

/// A model whose vectors can be stored as rows of a contiguous batch.
template <class V>
concept row_storable =
    hypervector<V> &&
    requires(const V& v, typename row_traits<V>::element_type* row,
             const typename row_traits<V>::element_type* crow, const typename V::shape_type& shape,
             std::size_t n, double* out) {
        { row_traits<V>::row_size(shape) } -> std::same_as<std::size_t>;
        row_traits<V>::store(v, row);
        { row_traits<V>::load(crow, shape) } -> std::same_as<V>;
        typename row_traits<V>::kernel;
        { row_traits<V>::kernel::uses_norms } -> std::convertible_to<bool>;
        row_traits<V>::kernel::one(crow, 0.0, crow, n, n, shape, out, out);
        row_traits<V>::kernel::many(crow, n, out, crow, n, n, shape, out, out);
    };

/// Elements between consecutive rows: the row size rounded up to whole 64-byte lines.
template <row_storable V>
std::size_t row_stride(const typename V::shape_type& shape) {
    return padded_count<typename row_traits<V>::element_type>(row_traits<V>::row_size(shape));
}

/// A non-owning view of n rows of model V (from a memory, or over a caller's own buffer laid
/// out the same way: rows stride elements apart, stride a whole number of 64-byte lines of at
/// least row_size, padding zero; row_stride<V>(shape) is the smallest). Cheap to copy; valid
/// while the viewed storage is. memory/search.hpp searches it in place.
template <row_storable V>
class batch_view {
public:
    using element_type = typename row_traits<V>::element_type;
    using shape_type = typename V::shape_type;

    /// A view of `rows` rows starting at data, each `stride` elements apart.
    batch_view(const element_type* data, std::size_t rows, std::size_t stride, shape_type shape)
        : data_(data), rows_(rows), stride_(stride), shape_(shape) {}

    std::size_t size() const noexcept { return rows_; }
    bool empty() const noexcept { return rows_ == 0; }
    std::size_t stride() const noexcept { return stride_; }
    const shape_type& shape() const noexcept { return shape_; }
    const element_type* data() const noexcept { return data_; }
    /// Pointer to row i (no bounds check).
    const element_type* row(std::size_t i) const noexcept { return data_ + i * stride_; }
    /// The vector in row i, as a value (a copy).
    V operator[](std::size_t i) const { return row_traits<V>::load(row(i), shape_); }
    /// Rows [first, first + count) as a view.
    batch_view subview(std::size_t first, std::size_t count) const {
        if (first > rows_ || count > rows_ - first)
            throw invalid_parameter("batch_view::subview: rows out of range");
        return {row(first), count, stride_, shape_};
    }

private:
    const element_type* data_;
    std::size_t rows_;
    std::size_t stride_;
    shape_type shape_;
};

}  // namespace hdc
