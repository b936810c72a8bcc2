// hdc/models/samples.hpp - encoded samples as rows of a float matrix, the common input of the
// classifiers (memory/classifier/) and the output of the batch encoders (encoders/projection.hpp).
//
// A learner scores samples against class prototypes with matrix products, so it takes a batch
// of samples as one row-major float matrix, whatever produced them. to_samples turns vectors of
// any family into such rows, chosen so that the cosine of two rows is the family's own
// similarity (up to float rounding):
//   binary           bit 0 -> +1, bit 1 -> -1 (the bipolar image; cosine = 1 - 2 hamming / D)
//   bipolar          the components (+-1)
//   real, MBAT       the components (cosine is their similarity)
//   phasor           the D real parts, then the D imaginary parts (2 D columns: the dot of two
//                    rows is Re(sum a conj b) and every row has norm sqrt(D), so the cosine is the
//                    mean phase agreement, the phasor similarity)
//   sparse (SBC)     the one-hot dense image, blocks x block length columns (the dot counts the
//                    agreeing blocks, every row has norm sqrt(blocks): the cosine is the fraction
//                    of agreeing blocks, the SBC similarity)
// Every family the library has therefore converts. A family none of these rules describes is
// refused at compile time rather than given a meaning its similarity does not have.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "eigen_core.hpp"

#include "../core/concepts.hpp"
#include "../core/error.hpp"

namespace hdc {

/// Encoded samples, one row per sample (row-major float, D columns).
using sample_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A read-only view of encoded samples (accepts sample_matrix, Eigen::Map of user data, blocks).
using sample_view = Eigen::Ref<const sample_matrix>;
/// Class labels 0..classes-1, one per sample row.
using label_view = std::span<const std::int32_t>;

namespace detail {

/// Phasor-like: unit complex components stored as real and imaginary parts.
template <class V>
concept sample_phasor = requires(const V& v) {
    { v.re_data() } -> std::same_as<const float*>;
    { v.im_data() } -> std::same_as<const float*>;
};
/// Sparse block code: one active index per block.
template <class V>
concept sample_block_code = requires(const V& v) {
    v.indices();
    { v.blocks() } -> std::same_as<std::size_t>;
    { v.block_length() } -> std::same_as<std::size_t>;
};
/// Packed bits (the binary family): 64-bit words.
template <class V>
concept sample_bits = requires(const V& v) { v.words(); } && !sample_block_code<V>;
/// Dense arithmetic components (bipolar, real, MBAT).
template <class V>
concept sample_dense = requires(const V& v) {
    { v.data() } -> std::convertible_to<const void*>;
    requires std::is_arithmetic_v<std::remove_cvref_t<decltype(*v.data())>>;
} && !sample_bits<V> && !sample_block_code<V> && !sample_phasor<V>;

/// Columns of the row that represents v.
template <class V>
std::size_t sample_width(const V& v) {
    if constexpr (sample_phasor<V>) return 2 * v.dim();
    else return v.dim();
}

/// Work (multiply-adds or comparable steps) that pays for one more thread: about a tenth of a
/// millisecond, against tens of microseconds to start a thread. Batch loops give a thread at
/// least this much.
inline constexpr std::size_t parallel_work_unit = std::size_t{1} << 19;

/// The index of the first row of x holding a NaN or an infinity, or -1. One vectorised pass:
/// v - v is 0 for every finite v and NaN otherwise, and a sum with a NaN term is NaN (Eigen's
/// allFinite is many times slower on large batches).
template <class Matrix>
Eigen::Index first_non_finite_row(const Matrix& x) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto row = x.row(i).array();
        if (!((row - row).sum() == 0)) return i;
    }
    return -1;
}

/// Writes v's row (sample_width(v) floats, zero-initialised by the caller).
template <class V>
void write_sample(const V& v, float* row) {
    if constexpr (sample_phasor<V>) {
        const std::size_t d = v.dim();
        for (std::size_t i = 0; i < d; ++i) row[i] = v.re_data()[i];
        for (std::size_t i = 0; i < d; ++i) row[d + i] = v.im_data()[i];
    } else if constexpr (sample_block_code<V>) {
        const std::size_t length = v.block_length();
        const auto idx = v.indices();
        for (std::size_t b = 0; b < v.blocks(); ++b) row[b * length + idx[b]] = 1.0f;
    } else if constexpr (sample_bits<V>) {
        const auto words = v.words();
        for (std::size_t i = 0; i < v.dim(); ++i) row[i] = (words[i / 64] >> (i % 64)) & 1u ? -1.0f : 1.0f;
    } else {
        const auto* data = v.data();
        for (std::size_t i = 0; i < v.dim(); ++i) row[i] = static_cast<float>(data[i]);
    }
}

}  // namespace detail

/// A family to_samples knows how to lay out as rows (see the header comment).
template <class V>
concept sample_convertible = hypervector<V> && (detail::sample_phasor<V> || detail::sample_block_code<V> ||
                                                detail::sample_bits<V> || detail::sample_dense<V>);

/// Encoded rows from hypervectors of any family (binary/bipolar -> +-1, real/MBAT -> values,
/// phasor -> real then imaginary parts, SBC -> one-hot), one row per vector, so that the cosine of
/// two rows is the family's similarity. Throws empty_input for no vectors and dimension_mismatch
/// if the vectors differ in width.
template <sample_convertible V>
sample_matrix to_samples(std::span<const V> vectors) {
    if (vectors.empty()) throw empty_input("to_samples: no vectors");
    const std::size_t width = detail::sample_width(vectors[0]);
    for (const V& v : vectors) detail::check_same_dim("to_samples", width, detail::sample_width(v));
    sample_matrix out = sample_matrix::Zero(static_cast<Eigen::Index>(vectors.size()), static_cast<Eigen::Index>(width));
    for (std::size_t i = 0; i < vectors.size(); ++i) detail::write_sample(vectors[i], out.row(static_cast<Eigen::Index>(i)).data());
    return out;
}

}  // namespace hdc
