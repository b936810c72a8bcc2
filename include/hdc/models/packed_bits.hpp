// hdc/models/packed_bits.hpp - the storage both packed-bit families share (hdc::binary, dense
// fair bits; hdc::sparse_binary, sparse codes): D bits in 64-bit words, bit i in bit i % 64 of
// word i / 64, the bits past the dimension (tail of the last word, padding) always zero.
//
// packed_bits holds the word accessors, the checked bit setter and the checked construction from
// words once; each family adds its own constructors, atoms and algebra. packed_rows is the
// row_traits part of both (a row is the packed words). Nothing here is on a hot path of either
// family: the kernels (popcount, XOR, rotations) are the shared simd/bitwise.hpp ones.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/vector_storage.hpp"
#include "common.hpp"

namespace hdc {

/// The storage of a vector of D packed bits (D may be hdc::dynamic). Invariant: the bits past
/// the dimension are zero. A base of hdc::binary and hdc::sparse_binary; not a model itself.
/// Thread safety: const members may be called concurrently.
template <std::size_t D>
class packed_bits : public vector_storage<D, std::uint64_t> {
    using base = vector_storage<D, std::uint64_t>;

public:
    using word_type = std::uint64_t;

    /// The dimension (number of bits).
    std::size_t dim() const noexcept { return base::dim(); }
    /// Number of 64-bit words that hold the bits (the last may be partly used).
    std::size_t word_count() const noexcept { return (dim() + 63) / 64; }
    /// The packed words, tail bits zero.
    std::span<const word_type> words() const noexcept { return {data(), word_count()}; }
    /// Pointer to the words (64-byte aligned, readable up to padded_word_count(), padding zero).
    const word_type* data() const noexcept { return base::part(); }
    /// Allocated words: word_count() rounded up to a whole 64-byte line, padding zero.
    std::size_t padded_word_count() const noexcept { return base::padded_size(); }
    /// Bit i (0 or 1). No bounds check.
    bool operator[](std::size_t i) const noexcept { return (data()[i / 64] >> (i % 64)) & 1u; }

protected:
    /// dim zero bits (dim already validated by the family).
    explicit packed_bits(std::size_t dim) : base(dim, (dim + 63) / 64) {}
    /// A copy of bits of another extent (fixed <-> dynamic; invalid_dimension if it does not fit).
    template <std::size_t E>
        requires(E != D)
    explicit packed_bits(const packed_bits<E>& other) : base(other) {}

    /// Sets bit i; throws invalid_parameter naming `model` if i is out of range.
    void set_bit(std::size_t i, bool value, const char* model) {
        if (i >= dim())
            throw invalid_parameter(std::string(model) + "::set: bit " + std::to_string(i) +
                                    " out of range for dimension " + std::to_string(dim()));
        const word_type mask = word_type{1} << (i % 64);
        word_type& w = base::mutable_part()[i / 64];
        w = value ? (w | mask) : (w & ~mask);
    }
    /// Copies the words w (this vector all zero); throws invalid_parameter naming `model` if the
    /// count is wrong or tail bits are set, before any change.
    void assign_words(std::span<const word_type> w, const char* model) {
        if (w.size() != word_count())
            throw invalid_parameter(std::string(model) + "::from_words: " + std::to_string(w.size()) +
                                    " words given for dimension " + std::to_string(dim()) +
                                    " (expected " + std::to_string(word_count()) + ")");
        if (tail_mask() & w[w.size() - 1])
            throw invalid_parameter(std::string(model) + "::from_words: bits set beyond dimension " +
                                    std::to_string(dim()));
        std::copy(w.begin(), w.end(), base::mutable_part());
    }
    /// Mask of the unused high bits of the last word (0 when the dimension is a multiple of 64).
    word_type tail_mask() const noexcept {
        return dim() % 64 ? ~((word_type{1} << (dim() % 64)) - 1) : 0;
    }
};

namespace detail {

/// Bit i from b where bit i of mask is set, from a elsewhere, for packed-bit vectors of one
/// family (the blend() of binary and sparse_binary). Throws dimension_mismatch or
/// invalid_parameter.
template <class V>
V packed_blend(const V& a, const V& b, std::span<const std::uint64_t> mask) {
    check_same_dim("blend", a.dim(), b.dim());
    check_blend_mask(mask.size(), a.dim());
    V out(a.dim());
    std::uint64_t* o = storage_access::data(out);
    for (std::size_t w = 0; w < a.word_count(); ++w)  // tail bits are zero in a and b
        o[w] = (a.data()[w] & ~mask[w]) | (b.data()[w] & mask[w]);
    return out;
}

/// The row_traits part of the packed-bit families: a row is the packed words.
template <class V>
struct packed_rows {
    using element_type = std::uint64_t;
    /// Words per row.
    static std::size_t row_size(std::size_t dim) { return (dim + 63) / 64; }
    /// Copies v's words into the row.
    static void store(const V& v, std::uint64_t* row) {
        std::memcpy(row, v.data(), v.word_count() * sizeof(std::uint64_t));
    }
    /// The vector whose words are the row's (rows hold valid vectors: tail bits zero).
    static V load(const std::uint64_t* row, std::size_t dim) {
        V v(dim);
        std::memcpy(storage_access::data(v), row, v.word_count() * sizeof(std::uint64_t));
        return v;
    }
};

}  // namespace detail
}  // namespace hdc
