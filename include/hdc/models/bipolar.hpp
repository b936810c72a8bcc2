// hdc/models/bipolar.hpp - MAP-B: +1/-1 components, multiplicative binding, sign-of-sum bundling.
//
// Components are stored one per int8_t (padding zero). The accumulator keeps the integer sums
// (MAP-I), so bundles can grow incrementally and be compared before thresholding. random() reads
// the generator exactly as binary::random does and maps bit 0 -> +1, bit 1 -> -1, so for the same
// generator state a bipolar atom is the image of the binary atom (and the tie-break vectors
// correspond too): BSC and MAP-B are isomorphic, and the library keeps them so bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
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
#include "../simd/bitwise.hpp"
#include "../simd/integer.hpp"
#include "binary.hpp"
#include "common.hpp"
#include "element_wise.hpp"
#include "row_kernels.hpp"
#include "votes.hpp"

namespace hdc {

template <std::size_t D>
class bipolar_accumulator;

/// A bipolar (MAP-B) hypervector of D components, each +1 or -1 (D may be hdc::dynamic).
/// Invariant: every component is +1 or -1 (padding zero).
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic>
class bipolar : public vector_storage<D, std::int8_t> {
    using base = vector_storage<D, std::int8_t>;

public:
    using value_type = std::int8_t;
    using accumulator_type = bipolar_accumulator<D>;

    /// All +1 (the identity of binding); for hdc::dynamic, an empty vector.
    bipolar() : bipolar(D == dynamic ? 0 : D, nocheck{}) { fill_ones(); }
    /// All +1 vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit bipolar(std::size_t dim) : bipolar(detail::resolve_dim<D>(dim), nocheck{}) { fill_ones(); }
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) bipolar(const bipolar<E>& other) : base(other) {}

    /// The dimension (number of components; bits for binary).
    std::size_t dim() const noexcept { return base::dim(); }
    /// The components, each +1 or -1.
    std::span<const value_type> values() const noexcept { return base::part_span(); }
    /// Pointer to the components (64-byte aligned, readable up to padded_size(), padding zero).
    const value_type* data() const noexcept { return base::part(); }

    /// Component i (+1 or -1). No bounds check.
    value_type operator[](std::size_t i) const noexcept { return data()[i]; }
    /// Sets component i; throws invalid_parameter if i is out of range or value is not +-1.
    void set(std::size_t i, value_type value) {
        if (i >= dim())
            throw invalid_parameter("bipolar::set: index " + std::to_string(i) +
                                    " out of range for dimension " + std::to_string(dim()));
        if (value != 1 && value != -1)
            throw invalid_parameter("bipolar::set: component must be +1 or -1, got " +
                                    std::to_string(value));
        base::mutable_part()[i] = value;
    }

    /// A vector with the given components; throws invalid_parameter if the count differs from
    /// dim or a value is not +1 or -1. With hdc::dynamic, dim defaults to values.size().
    static bipolar from_values(std::span<const value_type> values, std::size_t dim = D) {
        bipolar v(detail::resolve_dim<D>(D == dynamic && dim == dynamic ? values.size() : dim), nocheck{});
        if (values.size() != v.dim())
            throw invalid_parameter("bipolar::from_values: " + std::to_string(values.size()) +
                                    " values given for dimension " + std::to_string(v.dim()));
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] != 1 && values[i] != -1)
                throw invalid_parameter("bipolar::from_values: component " + std::to_string(i) +
                                        " is " + std::to_string(values[i]) +
                                        ", must be +1 or -1");
            v.mutable_part()[i] = values[i];
        }
        return v;
    }

    /// i.i.d. fair signs from gen, drawn exactly as binary::random draws its bits (one 64-bit
    /// draw per 64 components): component i is -1 where bit i is 1, +1 where it is 0.
    static bipolar random(rng& gen, std::size_t dim = D) {
        bipolar v(detail::resolve_dim<D>(dim), nocheck{});
        std::vector<std::uint64_t> bits((v.dim() + 63) / 64);
        simd::random_words(gen.key(), gen.counter(), bits.data(), bits.size());  // = gen.fill
        gen.discard(bits.size());
        simd::int8_from_sign_bits(bits.data(), v.mutable_part(), v.dim());
        return v;
    }

    friend bool operator==(const bipolar& a, const bipolar& b) noexcept { return a.same_as(b); }

private:
    friend struct detail::storage_access;

    /// Storage for dim components, all zero: the caller writes every component.
    struct nocheck {};
    bipolar(std::size_t dim, nocheck) : base(dim, dim) {}
    void fill_ones() noexcept {
        value_type* x = base::mutable_part();
        for (std::size_t i = 0; i < dim(); ++i) x[i] = 1;
    }
};

/// The bipolar image of a binary vector (bit 0 -> +1, bit 1 -> -1): BSC and MAP-B are
/// isomorphic, and bind, bundle, permute and similarity commute with this map.
template <std::size_t D>
bipolar<D> to_bipolar(const binary<D>& b) {
    auto out = detail::storage_access::for_overwrite<bipolar<D>>(b.dim());
    simd::int8_from_sign_bits(b.data(), detail::storage_access::data(out), b.dim());
    return out;
}

/// The binary preimage of a bipolar vector (+1 -> bit 0, -1 -> bit 1); inverse of to_bipolar.
template <std::size_t D>
binary<D> to_binary(const bipolar<D>& v) {
    binary<D> out(v.dim());
    simd::int8_sign_bits(v.data(), detail::storage_access::data(out), v.dim());
    return out;
}

/// Elementwise product; self-inverse (x * x = 1) and commutative.
template <std::size_t D>
bipolar<D> bind(const bipolar<D>& a, const bipolar<D>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    auto out = detail::storage_access::for_overwrite<bipolar<D>>(a.dim());
    simd::int8_multiply_signs(a.data(), b.data(), detail::storage_access::data(out), a.dim());
    return out;
}

/// Inverse of bind, exact: unbind(bind(a, b), a) == b, since every component squares to 1.
template <std::size_t D>
bipolar<D> unbind(const bipolar<D>& c, const bipolar<D>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    auto out = detail::storage_access::for_overwrite<bipolar<D>>(c.dim());
    simd::int8_multiply_signs(c.data(), a.data(), detail::storage_access::data(out), c.dim());
    return out;
}

/// Cyclic shift right by k components (component i moves to i + k); negative k shifts left.
template <std::size_t D>
bipolar<D> permute(const bipolar<D>& a, std::ptrdiff_t k) {
    if (a.dim() == 0) return a;  // an empty dynamic vector has nothing to rotate
    auto out = detail::storage_access::for_overwrite<bipolar<D>>(a.dim());
    detail::rotate_elements(a.data(), detail::storage_access::data(out), a.dim(),
                            detail::shift_amount(k, a.dim()));
    return out;
}

/// Dot product: D - 2 * hamming.
template <std::size_t D>
std::int64_t dot(const bipolar<D>& a, const bipolar<D>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return simd::int8_dot(a.data(), b.data(), a.dim());
}

/// Number of differing components.
template <std::size_t D>
std::size_t hamming(const bipolar<D>& a, const bipolar<D>& b) {
    detail::check_same_dim("hamming", a.dim(), b.dim());
    return static_cast<std::size_t>(simd::int8_count_differing(a.data(), b.data(), a.dim()));
}

/// Cosine: dot / D (every bipolar vector has norm sqrt(D)).
template <std::size_t D>
double cosine(const bipolar<D>& a, const bipolar<D>& b) {
    return static_cast<double>(dot(a, b)) / static_cast<double>(a.dim());
}

/// Normalised similarity dot / D: 1 identical, ~0 unrelated, -1 opposite.
template <std::size_t D>
double similarity(const bipolar<D>& a, const bipolar<D>& b) {
    return cosine(a, b);
}

/// The MAP-I bundle of bipolar vectors: per position the integer sum s_i = sum of w * v_i.
/// result() is the MAP-B bundle sign(s_i); where s_i = 0 the sign at a fixed pseudo-random
/// partner position, followed while it is zero too: the image of binary_accumulator's rule
/// (detail::resolve_ties), so the two models bundle identically and even bundles are fair and
/// uncorrelated. Weights must be integers, and an add or merge that could take a sum beyond the
/// int32 range is refused (invalid_parameter, nothing changed). The sums are
/// binary_accumulator's vote sums of the sign bits (v_i = 1 - 2 bit_i): each added vector is
/// packed to sign bits, and unit adds are counted in bit-sliced counters
/// (detail::bitsliced_votes).
///
/// Thread safety: const members may be called concurrently; non-const need exclusive access.
template <std::size_t D>
class bipolar_accumulator : public vote_accumulator<bipolar_accumulator<D>, bipolar<D>> {
    using base = vote_accumulator<bipolar_accumulator<D>, bipolar<D>>;

public:
    using vector_type = bipolar<D>;
    /// The operations and model named in error messages.
    static constexpr const char* add_operation = "bipolar_accumulator::add";
    static constexpr const char* merge_operation = "bipolar_accumulator::merge";
    static constexpr const char* model = "bipolar";

    bipolar_accumulator() requires(D != dynamic) : bipolar_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit bipolar_accumulator(std::size_t dim) : base(dim) {}

    /// v's sign bits (bit 1 for -1), packed into scratch.
    static const std::uint64_t* sign_bits(const vector_type& v, std::uint64_t* scratch) noexcept {
        simd::int8_sign_bits(v.data(), scratch, v.dim());
        return scratch;
    }
    /// The vector with -1 where bits has a 1 and +1 elsewhere.
    static vector_type from_sign_bits(const std::uint64_t* bits, std::size_t dim) {
        auto out = detail::storage_access::for_overwrite<vector_type>(dim);
        simd::int8_from_sign_bits(bits, detail::storage_access::data(out), dim);
        return out;
    }
};

/// Bipolar rows are stored as packed sign bits (bit 1 for -1): 8x less memory traffic than
/// int8, and dot = D - 2 * hamming is exact, so search gives the same values as similarity().
template <std::size_t D>
struct row_traits<bipolar<D>> {
    using element_type = std::uint64_t;
    static std::size_t row_size(std::size_t dim) { return (dim + 63) / 64; }
    static void store(const bipolar<D>& v, std::uint64_t* row) {
        simd::int8_sign_bits(v.data(), row, v.dim());
    }
    static bipolar<D> load(const std::uint64_t* row, std::size_t dim) {
        return bipolar_accumulator<D>::from_sign_bits(row, dim);
    }
    /// Rows are packed bits: searched by Hamming distance.
    using kernel = row_kernels::hamming;
};

/// Saved states name the family "bipolar".
template <std::size_t D>
struct family_name<bipolar<D>> {
    static constexpr std::string_view value = "bipolar";  ///< the name
};

}  // namespace hdc
