// hdc/models/binary.hpp - Binary Spatter Codes (BSC): packed bits, XOR binding, majority bundling.
//
// Bit i lives in bit i % 64 of word i / 64; bits past the dimension (in the last word and in the
// zero padding up to a 64-byte line) are always zero. Similarity is 1 - 2 * hamming / D, i.e. the
// cosine of the bipolar images (bit 0 -> +1, bit 1 -> -1), which makes BSC and MAP-B isomorphic.
// The storage and word accessors are packed_bits (models/packed_bits.hpp), shared with
// hdc::sparse_binary.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../simd/bitslice.hpp"
#include "../simd/bitwise.hpp"
#include "common.hpp"
#include "packed_bits.hpp"
#include "element_wise.hpp"
#include "row_kernels.hpp"
#include "votes.hpp"

namespace hdc {

template <std::size_t D>
class binary_accumulator;

/// A binary hypervector of D bits (D may be hdc::dynamic). Invariant: the bits past the
/// dimension (tail of the last word, padding) are zero.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic>
class binary : public packed_bits<D> {
    using base = packed_bits<D>;

public:
    using word_type = std::uint64_t;
    using accumulator_type = binary_accumulator<D>;

    /// All-zero vector (the identity of XOR binding); for hdc::dynamic, an empty vector.
    binary() : binary(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit binary(std::size_t dim) : binary(detail::resolve_dim<D>(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) binary(const binary<E>& other) : base(other) {}

    /// Sets bit i. Throws invalid_parameter if i is out of range.
    void set(std::size_t i, bool value) { base::set_bit(i, value, "binary"); }

    /// A vector built from packed words; throws if the count is wrong or tail bits are set.
    static binary from_words(std::span<const word_type> w, std::size_t dim = D) {
        binary v(dim);
        v.assign_words(w, "binary");
        return v;
    }

    /// i.i.d. fair bits from gen: one 64-bit draw per word, the last word masked.
    static binary random(rng& gen, std::size_t dim = D) {
        binary v(dim);
        word_type* w = v.mutable_part();
        simd::random_words(gen.key(), gen.counter(), w, v.word_count());  // = gen.fill
        gen.discard(v.word_count());
        w[v.word_count() - 1] &= ~v.tail_mask();
        return v;
    }

    friend bool operator==(const binary& a, const binary& b) noexcept { return a.same_as(b); }

private:
    friend struct detail::storage_access;
    struct nocheck {};
    binary(std::size_t dim, nocheck) : base(dim) {}
};

namespace detail {
/// binary packs 64 components in a word: it keeps its own blend() and negate().
template <std::size_t D>
inline constexpr bool packed_components<binary<D>> = true;
}  // namespace detail

/// XOR binding; self-inverse and commutative.
template <std::size_t D>
binary<D> bind(const binary<D>& a, const binary<D>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    binary<D> out(a.dim());
    simd::xor_words(a.data(), b.data(), detail::storage_access::data(out), a.word_count());
    return out;
}

/// Inverse of bind: unbind(bind(a, b), a) == b. XOR is its own inverse.
template <std::size_t D>
binary<D> unbind(const binary<D>& c, const binary<D>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    binary<D> out(c.dim());
    simd::xor_words(c.data(), a.data(), detail::storage_access::data(out), c.word_count());
    return out;
}

/// Cyclic shift right by k bits (bit i moves to i + k); negative k shifts left.
template <std::size_t D>
binary<D> permute(const binary<D>& a, std::ptrdiff_t k) {
    binary<D> out(a.dim());
    simd::rotate_bits(a.data(), detail::storage_access::data(out), a.dim(),
                      detail::shift_amount(k, a.dim()));
    return out;
}

/// Bit i from b where bit i of mask is set, from a elsewhere. mask holds component_count(a) bits
/// packed as binary's words (bits past the dimension are ignored). The primitive of graded
/// encoders (levels, thermometers, circles). Throws dimension_mismatch or invalid_parameter.
template <std::size_t D>
binary<D> blend(const binary<D>& a, const binary<D>& b, std::span<const std::uint64_t> mask) {
    return detail::packed_blend(a, b, mask);
}

/// The complement (every bit flipped): the negation of the bipolar image, so
/// similarity(a, negate(a)) == -1 and bind(a, negate(b)) == negate(bind(a, b)).
template <std::size_t D>
binary<D> negate(const binary<D>& a) {
    binary<D> out(a.dim());
    std::uint64_t* o = detail::storage_access::data(out);
    for (std::size_t w = 0; w < a.word_count(); ++w) o[w] = ~a.data()[w];
    if (a.dim() % 64) o[a.word_count() - 1] &= (std::uint64_t{1} << (a.dim() % 64)) - 1;
    return out;
}

/// Number of differing bits.
template <std::size_t D>
std::size_t hamming(const binary<D>& a, const binary<D>& b) {
    detail::check_same_dim("hamming", a.dim(), b.dim());
    return static_cast<std::size_t>(simd::hamming_words(a.data(), b.data(), a.word_count()));
}

/// Dot product of the bipolar images (bit 0 -> +1, bit 1 -> -1): D - 2 * hamming.
template <std::size_t D>
std::int64_t dot(const binary<D>& a, const binary<D>& b) {
    return static_cast<std::int64_t>(a.dim()) - 2 * static_cast<std::int64_t>(hamming(a, b));
}

/// Cosine of the bipolar images; equal to similarity.
template <std::size_t D>
double cosine(const binary<D>& a, const binary<D>& b) {
    return static_cast<double>(dot(a, b)) / static_cast<double>(a.dim());
}

/// Normalised similarity 1 - 2 * hamming / D: 1 identical, ~0 unrelated, -1 complementary.
template <std::size_t D>
double similarity(const binary<D>& a, const binary<D>& b) {
    return cosine(a, b);
}

/// Number of positions where both vectors have a 1.
template <std::size_t D>
std::size_t overlap(const binary<D>& a, const binary<D>& b) {
    detail::check_same_dim("overlap", a.dim(), b.dim());
    return static_cast<std::size_t>(simd::and_popcount_words(a.data(), b.data(), a.word_count()));
}

/// The un-normalised bundle of binary vectors (the BSC counterpart of MAP-I): per position the
/// signed vote sum s_i = sum of w * (1 - 2 bit_i). result() is the majority: bit 1 where s_i < 0,
/// 0 where s_i > 0; where s_i = 0 (even bundles, cancelling weights) the majority at a fixed
/// pseudo-random partner position, followed while it is tied too (detail::resolve_ties), so
/// even bundles are fair and unrelated ones uncorrelated. The result depends on the sums alone:
/// bundle() equals the accumulator's result, whatever the order of the members. Weights must be
/// integers, and an add or merge that could take a sum beyond the int32 range is refused
/// (invalid_parameter, nothing changed). Unit votes are counted in bit-sliced counters
/// (detail::bitsliced_votes), so a bundle costs a few word operations per 64 positions and
/// vector (vote_accumulator, shared with bipolar).
///
/// Thread safety: const members may be called concurrently; non-const need exclusive access.
template <std::size_t D>
class binary_accumulator : public vote_accumulator<binary_accumulator<D>, binary<D>> {
    using base = vote_accumulator<binary_accumulator<D>, binary<D>>;

public:
    using vector_type = binary<D>;
    /// The operations and model named in error messages.
    static constexpr const char* add_operation = "binary_accumulator::add";
    static constexpr const char* merge_operation = "binary_accumulator::merge";
    static constexpr const char* model = "binary";

    binary_accumulator() requires(D != dynamic) : binary_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit binary_accumulator(std::size_t dim) : base(dim) {}

    /// A binary vector's words are its sign bits.
    static const std::uint64_t* sign_bits(const vector_type& v, std::uint64_t*) noexcept {
        return v.data();
    }
    /// The vector whose words are bits (tail bits zero).
    static vector_type from_sign_bits(const std::uint64_t* bits, std::size_t dim) {
        vector_type out(dim);
        std::memcpy(detail::storage_access::data(out), bits, out.word_count() * sizeof(std::uint64_t));
        return out;
    }
};

/// Binary rows are the packed words themselves; search uses the popcount kernels.
template <std::size_t D>
struct row_traits<binary<D>> : detail::packed_rows<binary<D>> {
    /// Rows are packed bits: searched by Hamming distance.
    using kernel = row_kernels::hamming;
};

/// Saved states name the family "binary".
template <std::size_t D>
struct family_name<binary<D>> {
    static constexpr std::string_view value = "binary";  ///< the name
};

}  // namespace hdc
