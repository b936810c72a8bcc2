// hdc/models/sparse_binary.hpp - sparse binary distributed codes (BSDC) with context-dependent
// thinning: packed bits of low density, shift binding, OR bundling thinned back to the density.
//
// Following D. A. Rachkovskij and E. M. Kussul, "Binding and normalization of binary sparse
// distributed representations by context-dependent thinning", Neural Computation 13(2):411-452,
// 2001 (CDT), and the BSDC families of HoloVec and vsapy (shift binding).
//
// Layout. As hdc::binary: bit i in bit i % 64 of word i / 64, bits past the dimension zero (the
// same storage base and popcount kernels). The shape is the dimension D.
//
// Density. An atom (random(), symbol()) has exactly w = sparse_binary_ones(D) = round(sqrt(D))
// ones at uniformly random positions: p = w / D ~ 1/sqrt(D) (HoloVec's default; w = 100 at D = 10,048,
// w = 32 at D = 1,024). It makes the expected overlap of two random atoms w^2 / D ~ 1 bit, the
// sparsest code whose random pairs still share about one position, and it is a property of the
// dimension alone, so V::random(gen, dim) of the hypervector concept draws atoms of the usual
// density with no second shape parameter. Vectors of any other number of ones (bundles, blends,
// from_words) are valid too; only the atoms have exactly w.
//
// Similarity is the cosine of the indicator vectors, overlap / sqrt(|a| |b|): 1 for identical
// vectors, overlap / w = Hypergeometric(D, w, w) / w for two atoms, mean p (~1/sqrt(D)), and 0 if
// either vector is empty. overlap(a, b) is the raw count |a AND b|.
//
// Binding. The concept's bind(a, b) is shift binding: b cyclically shifted by s(a), a hash of a's
// words mapped to [1, D - 1]; unbind(c, a) shifts back by s(a), so unbind(bind(a, b), a) == b
// exactly. It keeps the density, is dissimilar to both operands, preserves similarity in b
// (similarity(bind(a, x), bind(a, y)) == similarity(x, y)), is not commutative, and any change of
// the key gives an unrelated shift (each key word is mixed before the words are summed, so
// structured pairs of keys, e.g. differing in the same bit of two words, collide no more often
// than random ones). CDT is offered as cdt_bind(a, b) / cdt_bind(range) instead:
// in Rachkovskij & Kussul's scheme it is a binding that keeps the result *similar* to its inputs
// (each input keeps about 1/M of its ones) and it has no inverse, so it cannot be the concept's
// bind / unbind pair (unbind must recover b, and generic code relies on bound pairs being
// dissimilar to their parts); its "unbinding" is a similarity search over candidates
// (item_memory), which cdt_bind's results support directly.
//
// Bundling (bundle(), accumulator result()) is the OR of the members (of the positions with a
// positive count) thinned back to about w ones by CDT (thin()), with cyclic shifts as the fixed
// permutations (shifts s_1, s_2, ... drawn once from a library constant stream; the paper notes
// that shifts serve as the permutations). With Z the superposition, p_Z = |Z| / D and
// f = w / |Z| the fraction of Z to keep:
//   additive CDT    (f >= p_Z):  Z AND (OR_k shift(Z, s_k)),     kept fraction 1 - (1 - p_Z)^K,
//   subtractive CDT (f <  p_Z):  Z AND NOT(OR_k shift(Z, s_k)),  kept fraction (1 - p_Z)^K,
// with K the paper's formula solved for the target, K = round(ln(1 - f) / ln(1 - p_Z)) or
// round(ln f / ln(1 - p_Z)), at least 1 and at most D - 1 (models/cdt.hpp holds this arithmetic).
// A one i of Z is covered by the copies iff some other one j has (i - j) mod D among the K
// shifts, so where K is large (|Z| barely above w, or large D: K ~ 6,900 for two atoms at
// D = 10^6) thinning tests the pairs of ones instead of rotating K copies: the same bits at
// O(|Z|^2) cost. The additive form (the one
// Rachkovskij & Kussul use for a few components) reaches the target only while p_Z^2 <= p, i.e.
// up to about 1/sqrt(p) members; the subtractive form thins denser superpositions. A
// superposition of at most w ones is returned unchanged (a single member is its own bundle), and
// so is a saturated one (every bit set: no shift-invariant rule can choose among its bits).
// The rule sees only Z: bundles are deterministic, independent of the members' order, and
// permute() commutes with them exactly (shifts commute with shifts).
// A member keeps about the same fraction of its ones as Z does, so the thinned bundle of M atoms
// has similarity sqrt(w |B|) / |Z| ~ w / |Z| ~ p / (1 - (1 - p)^M) ~ 1/M to each member (and
// 1/sqrt(M) before thinning): the price of keeping the density.
//
// Limits of the thinned bundle (where generic code that bundles many vectors breaks down):
//   * An OR bundle saturates and keeps only ~1/M of each member's ones: one item of M keyed
//     items is read back from it with error <= 0.01 (codebook 27) only up to M = 8 at
//     D = 10,000 (capacity::max_items; MAP-I: 466).
//   * Past about 460 members at D = 10,048, Z is ~99% full, the formula asks for K < 1 and K = 1
//     keeps n (1 - p_Z) < w ones: the bundle thins below the density, to a few ones (about 9 at
//     M = 700) and then none. A fully saturated Z (every bit set) is returned with all D ones.
//   * So bundles of hundreds of vectors (e.g. text profiles: bundles of hundreds of n-grams)
//     carry little or nothing of their members; result() also ignores weights except their
//     sign (a position is in Z iff its count is positive).
// For large bundles read the accumulator instead: similarity(acc, v) is the cosine of the counts
// (~1/sqrt(M) to a member, as MAP-I), with no thinning.
//
// The accumulator is a counting Bloom filter: one int32 count per bit. similarity(acc, v) is the
// cosine of the counts with v's indicator (~1/sqrt(M) to a member, as MAP-I).
//
// Where the algebra does not allow generic use: resonator factorisation needs unbind(c, x) with
// x a superposition of candidate keys to recover a superposition of the matching factors; a
// shift selected by a hash of the key maps a superposition of keys to an unrelated shift, so the
// resonator does not apply (the key must be known exactly, or found by search over the keys).
// There is no negate() (the complement of a sparse vector is dense).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <ranges>
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
#include "cdt.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"
#include "packed_bits.hpp"
#include "element_wise.hpp"
#include "row_kernels.hpp"
#include "votes.hpp"

namespace hdc {

template <std::size_t D>
class sparse_binary_accumulator;

namespace detail {

/// Key of the binding hash ("bsdc-key").
inline constexpr std::uint64_t bind_hash_seed = 0x627364632D6B6579ull;

/// CDT of the superposition z (words of a dim-bit vector, tail zero) into out (same size), by
/// the shifted copies: out = z AND (OR_k rotate(z, s_k)) (additive) or z AND NOT(...)
/// (subtractive). Costs K rotations of the words.
inline void thin_words_shifted(const std::uint64_t* z, std::uint64_t* out, std::size_t dim, const cdt_plan& plan) {
    const std::size_t words = (dim + 63) / 64;
    aligned_buffer<std::uint64_t> copies(words), shifted(words);
    for (std::size_t s : cdt_shifts(dim, plan.shifts)) {
        simd::rotate_bits(z, shifted.data(), dim, s);
        for (std::size_t w = 0; w < words; ++w) copies[w] |= shifted[w];
    }
    if (plan.additive)
        for (std::size_t w = 0; w < words; ++w) out[w] = z[w] & copies[w];
    else
        for (std::size_t w = 0; w < words; ++w) out[w] = z[w] & ~copies[w];
}

/// The same thinning, pairwise: bit i of OR_k rotate(z, s_k) is set iff some one j of z has
/// (i - j) mod dim among the first K shifts, so a one i of z is tested against the other ones
/// (a table marks the K shifts). Costs |z|^2 look-ups: cheaper than K rotations when K is large
/// (|z| barely above the target, or large dimensions), and bit-identical to thin_words_shifted.
inline void thin_words_pairwise(const std::uint64_t* z, std::uint64_t* out, std::size_t dim, const cdt_plan& plan) {
    const std::size_t words = (dim + 63) / 64;
    std::vector<unsigned char> is_shift(dim, 0);
    for (std::size_t s : cdt_shifts(dim, plan.shifts)) is_shift[s] = 1;
    std::vector<std::size_t> ones;
    for (std::size_t w = 0; w < words; ++w)
        for (std::uint64_t bits = z[w]; bits != 0; bits &= bits - 1)
            ones.push_back(64 * w + static_cast<std::size_t>(std::countr_zero(bits)));
    std::fill(out, out + words, std::uint64_t{0});
    for (std::size_t i : ones) {
        bool covered = false;
        for (std::size_t j : ones)
            if (is_shift[i >= j ? i - j : i + dim - j]) {  // i == j looks at 0, never a shift
                covered = true;
                break;
            }
        if (covered == plan.additive) out[i / 64] |= std::uint64_t{1} << (i % 64);
    }
}

/// CDT of the superposition z (words of a dim-bit vector, tail zero) into out (same size): the
/// plan for its number of ones, applied by whichever of the two equivalent forms is cheaper.
inline void thin_words(const std::uint64_t* z, std::uint64_t* out, std::size_t dim) {
    const std::size_t words = (dim + 63) / 64;
    const auto ones = static_cast<std::size_t>(simd::popcount_words(z, words));
    const cdt_plan plan = plan_cdt(ones, dim);
    if (plan.shifts == 0)
        std::memcpy(out, z, words * sizeof(std::uint64_t));
    else if (plan.shifts * words > ones * ones)
        thin_words_pairwise(z, out, dim, plan);
    else
        thin_words_shifted(z, out, dim, plan);
}

}  // namespace detail

/// A sparse binary hypervector of D bits (D may be hdc::dynamic); atoms have
/// sparse_binary_ones(D) ones.
/// Invariant: the bits past the dimension (tail of the last word, padding) are zero.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic>
class sparse_binary : public packed_bits<D> {
    using base = packed_bits<D>;

public:
    using word_type = std::uint64_t;
    using accumulator_type = sparse_binary_accumulator<D>;

    /// All-zero vector; for hdc::dynamic, an empty vector.
    sparse_binary() : sparse_binary(D == dynamic ? 0 : D, nocheck{}) {}
    /// All-zero vector of the given dimension (must equal D when D is fixed; must be positive).
    explicit sparse_binary(std::size_t dim) : sparse_binary(detail::resolve_dim<D>(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) sparse_binary(const sparse_binary<E>& other) : base(other) {}

    /// Number of ones (sparse_binary_ones(dim()) for an atom).
    std::size_t ones() const noexcept {
        return static_cast<std::size_t>(simd::popcount_words(this->data(), this->word_count()));
    }
    /// Sets bit i. Throws invalid_parameter if i is out of range.
    void set(std::size_t i, bool value) { base::set_bit(i, value, "sparse_binary"); }

    /// A vector built from packed words; throws if the count is wrong or tail bits are set.
    static sparse_binary from_words(std::span<const word_type> w, std::size_t dim = D) {
        sparse_binary v(dim);
        v.assign_words(w, "sparse_binary");
        return v;
    }

    /// An atom: exactly sparse_binary_ones(dim) ones at uniformly random distinct positions
    /// (positions drawn by gen.below(dim) in turn, a repeated position drawn again).
    static sparse_binary random(rng& gen, std::size_t dim = D) {
        sparse_binary v(dim);
        word_type* w = v.mutable_part();
        const std::size_t n = v.dim(), target = sparse_binary_ones(n);
        for (std::size_t placed = 0; placed < target;) {
            const auto i = static_cast<std::size_t>(gen.below(n));
            const word_type bit = word_type{1} << (i % 64);
            if (w[i / 64] & bit) continue;
            w[i / 64] |= bit;
            ++placed;
        }
        return v;
    }

    friend bool operator==(const sparse_binary& a, const sparse_binary& b) noexcept {
        return a.same_as(b);
    }

private:
    friend struct detail::storage_access;
    struct nocheck {};
    sparse_binary(std::size_t dim, nocheck) : base(dim) {}
};

namespace detail {
/// sparse_binary packs 64 components in a word: it keeps its own blend() (and has no negate()).
template <std::size_t D>
inline constexpr bool packed_components<sparse_binary<D>> = true;

/// The shift bind(a, .) applies: a hash of a's words mapped to [1, dim - 1] (0 for dim 1): the
/// sum over words of mix64(word + (w + 1) * golden_gamma), finalised by mix64. Each word is
/// mixed with its index before the sum, so a change of any bits of any words changes the sum by
/// a difference of pseudo-random values (a plain weighted sum of the words with odd multipliers
/// c_w would not: bit j of words u and v add the same amount whenever 2^j (c_u - c_v) = 0 mod
/// 2^64, e.g. bit 63 of every word). Two keys then get the same shift with probability about
/// 1 / (dim - 1), as for any map to dim - 1 shifts. The terms are independent (no serial
/// dependency): a few multiplies per word.
template <std::size_t D>
std::size_t bind_shift(const sparse_binary<D>& a) noexcept {
    if (a.dim() < 2) return 0;
    std::uint64_t h = bind_hash_seed;
    const std::uint64_t* x = a.data();
    for (std::size_t w = 0; w < a.word_count(); ++w)
        h += mix64(x[w] + (static_cast<std::uint64_t>(w) + 1) * golden_gamma);
    return 1 + static_cast<std::size_t>(mix64(h) % (a.dim() - 1));
}

/// out = a cyclically shifted right by k (0 <= k < dim).
template <std::size_t D>
sparse_binary<D> rotated(const sparse_binary<D>& a, std::size_t k) {
    sparse_binary<D> out(a.dim());
    simd::rotate_bits(a.data(), storage_access::data(out), a.dim(), k);
    return out;
}
}  // namespace detail

/// Shift binding: b cyclically shifted right by a hash of a, in [1, D - 1] (see the header
/// comment). Keeps b's density; not commutative.
template <std::size_t D>
sparse_binary<D> bind(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    return detail::rotated(b, detail::bind_shift(a));
}

/// Inverse of bind: c shifted back by the hash of a, so unbind(bind(a, b), a) == b exactly.
template <std::size_t D>
sparse_binary<D> unbind(const sparse_binary<D>& c, const sparse_binary<D>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    const std::size_t s = detail::bind_shift(a);
    return detail::rotated(c, s == 0 ? 0 : c.dim() - s);
}

/// Cyclic shift right by k bits (bit i moves to i + k); negative k shifts left.
template <std::size_t D>
sparse_binary<D> permute(const sparse_binary<D>& a, std::ptrdiff_t k) {
    return detail::rotated(a, detail::shift_amount(k, a.dim()));
}

/// The superposition a OR b (no thinning; denser than either).
template <std::size_t D>
sparse_binary<D> superpose(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    detail::check_same_dim("superpose", a.dim(), b.dim());
    sparse_binary<D> out(a.dim());
    std::uint64_t* o = detail::storage_access::data(out);
    for (std::size_t w = 0; w < a.word_count(); ++w) o[w] = a.data()[w] | b.data()[w];
    return out;
}

/// Context-dependent thinning of z back to about sparse_binary_ones(dim) ones (additive or
/// subtractive, plan_cdt(z.ones(), z.dim()); see the header comment). A subset of z; z itself if
/// it has at most that many ones or every bit set.
template <std::size_t D>
sparse_binary<D> thin(const sparse_binary<D>& z) {
    sparse_binary<D> out(z.dim());
    detail::thin_words(z.data(), detail::storage_access::data(out), z.dim());
    return out;
}

/// CDT binding of a non-empty range (Rachkovskij & Kussul): the OR of the inputs, thinned back
/// to about sparse_binary_ones(dim) ones. Each input keeps about the same fraction of its ones,
/// so the result is similar to every input and similar inputs give similar results; it has no
/// inverse (recover the inputs by similarity search). Throws empty_input or dimension_mismatch.
template <std::ranges::input_range R>
    requires std::same_as<std::ranges::range_value_t<R>,
                          sparse_binary<std::ranges::range_value_t<R>::extent>>
std::ranges::range_value_t<R> cdt_bind(R&& inputs) {
    auto it = std::ranges::begin(inputs);
    const auto last = std::ranges::end(inputs);
    if (it == last) throw empty_input("cdt_bind: no vectors to bind");
    std::ranges::range_value_t<R> z = *it;
    for (++it; it != last; ++it) {
        const auto& v = *it;
        detail::check_same_dim("cdt_bind", z.dim(), v.dim());
        z = superpose(z, v);
    }
    return thin(z);
}

/// CDT binding of two vectors: thin(a OR b).
template <std::size_t D>
sparse_binary<D> cdt_bind(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    detail::check_same_dim("cdt_bind", a.dim(), b.dim());
    return thin(superpose(a, b));
}

/// Bit i from b where bit i of mask is set, from a elsewhere. mask holds component_count(a) =
/// dim bits packed as the vectors' words (bits past the dimension are ignored). Throws
/// dimension_mismatch or invalid_parameter.
template <std::size_t D>
sparse_binary<D> blend(const sparse_binary<D>& a, const sparse_binary<D>& b,
                       std::span<const std::uint64_t> mask) {
    return detail::packed_blend(a, b, mask);
}

/// Number of positions where both vectors have a 1.
template <std::size_t D>
std::size_t overlap(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    detail::check_same_dim("overlap", a.dim(), b.dim());
    return static_cast<std::size_t>(simd::and_popcount_words(a.data(), b.data(), a.word_count()));
}

/// Number of differing bits.
template <std::size_t D>
std::size_t hamming(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    detail::check_same_dim("hamming", a.dim(), b.dim());
    return static_cast<std::size_t>(simd::hamming_words(a.data(), b.data(), a.word_count()));
}

/// The cosine of the indicator vectors, overlap / sqrt(|a| |b|): 1 identical,
/// ~sparse_binary_ones(D) / D for two atoms, 0 disjoint or empty.
template <std::size_t D>
double similarity(const sparse_binary<D>& a, const sparse_binary<D>& b) {
    const std::size_t common = overlap(a, b);
    return row_kernels::overlap_cosine::score(common, static_cast<double>(a.ones()),
                                              static_cast<double>(b.ones()));
}

/// The counting Bloom filter of sparse binary vectors: one int32 count per bit, the total weight
/// of the added vectors that have a 1 there. result() is the bundle: the positions with a
/// positive count, thinned by CDT (thin()). Weights must be integers; the total absolute weight
/// is limited so that no count can overflow. Thread safety: const members may be called
/// concurrently, non-const ones need exclusive access.
template <std::size_t D>
class sparse_binary_accumulator
    : public accumulator_facade<sparse_binary_accumulator<D>, sparse_binary<D>> {
public:
    using vector_type = sparse_binary<D>;

    /// Largest total absolute weight an accumulator takes: every count stays within int32.
    static constexpr std::int64_t max_total_weight = std::numeric_limits<std::int32_t>::max();

    sparse_binary_accumulator() requires(D != dynamic) : sparse_binary_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim (invalid_dimension if 0 or not D).
    explicit sparse_binary_accumulator(std::size_t dim)
        : dim_(detail::resolve_dim<D>(dim)), counts_(dim_.get()) {}

    /// The dimension.
    std::size_t dim() const noexcept { return dim_.get(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return static_cast<double>(count_); }
    /// The per-bit counts.
    std::span<const std::int32_t> counts() const noexcept { return counts_.span(); }

    /// Adds the counts of another accumulator: equal to adding its vectors here.
    void merge(const sparse_binary_accumulator& other) {
        detail::check_same_dim("sparse_binary_accumulator::merge", dim(), other.dim());
        reserve_weight(other.magnitude_, "sparse_binary_accumulator::merge");
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
        count_ += other.count_;
        magnitude_ += other.magnitude_;
    }
    /// Shifts the counts right by k (negative k left), as permute() shifts a vector: afterwards
    /// it holds the counts of permute(v, k) over the vectors v added. May throw std::bad_alloc,
    /// before any change.
    void permute(std::ptrdiff_t k) {
        const std::size_t shift = detail::shift_amount(k, dim());
        if (shift == 0) return;
        aligned_buffer<std::int32_t> moved(counts_.size());
        detail::rotate_elements(counts_.data(), moved.data(), counts_.size(), shift);
        counts_ = std::move(moved);
    }
    /// Forgets every vote.
    void clear() noexcept {
        for (auto& c : counts_) c = 0;
        count_ = 0;
        magnitude_ = 0;
    }

    /// The superposition: a 1 where the count is positive (no thinning).
    vector_type superposition() const {
        vector_type out(dim());
        std::uint64_t* o = detail::storage_access::data(out);
        const std::int32_t* c = counts_.data();
        const std::size_t full = dim() / 64;
        for (std::size_t w = 0; w < full; ++w, c += 64) {
            // 64 compares into bytes (vectorised), then each 8 bytes of 0/1 packed into 8 bits by
            // one multiply: byte j times 2^(8(7-j) + j) lands on bit 56 + j, no carries.
            unsigned char flags[64];
            for (unsigned j = 0; j < 64; ++j) flags[j] = c[j] > 0;
            std::uint64_t bits = 0;
            for (unsigned k = 0; k < 8; ++k) {
                std::uint64_t x;
                std::memcpy(&x, flags + 8 * k, 8);
                if constexpr (std::endian::native == std::endian::big) x = detail::tie_partners::byteswap(x);
                bits |= ((x * 0x0102040810204080ull) >> 56) << (8 * k);
            }
            o[w] = bits;
        }
        for (std::size_t i = full * 64; i < dim(); ++i)
            if (counts_[i] > 0) o[i / 64] |= std::uint64_t{1} << (i % 64);
        return out;
    }
    /// The bundle: thin(superposition()).
    vector_type result() const { return thin(superposition()); }

    /// Sum of the counts at v's ones: the dot product of the counts with v's indicator.
    std::int64_t dot_with(const vector_type& v) const {
        detail::check_same_dim("dot", dim(), v.dim());
        std::int64_t d = 0;
        for (std::size_t w = 0; w < v.word_count(); ++w)
            for (std::uint64_t bits = v.data()[w]; bits != 0; bits &= bits - 1)
                d += counts_[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))];
        return d;
    }
    /// dot / (||counts|| sqrt(|v|)): the cosine of the counts with v's indicator (0 if either
    /// is zero).
    double similarity_with(const vector_type& v) const {
        const std::int64_t d = dot_with(v);
        double norm2 = 0;
        for (auto c : counts_) norm2 += static_cast<double>(c) * c;
        const double product = norm2 * static_cast<double>(v.ones());
        return product == 0 ? 0.0 : static_cast<double>(d) / std::sqrt(product);
    }

private:
    /// Throws unless `extra` more absolute weight keeps every count within int32.
    void reserve_weight(std::int64_t extra, const char* operation) const {
        if (extra > max_total_weight - magnitude_)
            throw invalid_parameter(std::string(operation) + ": total absolute weight would exceed " +
                                    std::to_string(max_total_weight) + " (int32 counts)");
    }

    friend class accumulator_facade<sparse_binary_accumulator, vector_type>;

    /// Adds an integer weight of votes for v (invalid_parameter for a fractional weight).
    void add_weighted(const vector_type& v, double weight) {
        const std::int32_t w = detail::integer_weight(weight, "sparse_binary");
        detail::check_same_dim("sparse_binary_accumulator::add", dim(), v.dim());
        const std::int64_t magnitude = w < 0 ? -std::int64_t{w} : std::int64_t{w};
        reserve_weight(magnitude, "sparse_binary_accumulator::add");
        for (std::size_t k = 0; k < v.word_count(); ++k)
            for (std::uint64_t bits = v.data()[k]; bits != 0; bits &= bits - 1)
                counts_[k * 64 + static_cast<std::size_t>(std::countr_zero(bits))] += w;
        count_ += w;
        magnitude_ += magnitude;
    }

    [[no_unique_address]] detail::dim_store<D> dim_;
    aligned_buffer<std::int32_t> counts_;
    std::int64_t count_ = 0;
    std::int64_t magnitude_ = 0;  // sum of |weight| ever added: bounds every |count|
};

/// Sparse binary rows are the packed words; search scores overlap / sqrt(|q| |r|) with the
/// popcount kernels, caching each row's number of ones.
template <std::size_t D>
struct row_traits<sparse_binary<D>> : detail::packed_rows<sparse_binary<D>> {
    /// Rows are packed sparse bits: searched by the overlap cosine.
    using kernel = row_kernels::overlap_cosine;
};

/// Saved states name the family "sparse_binary".
template <std::size_t D>
struct family_name<sparse_binary<D>> {
    static constexpr std::string_view value = "sparse_binary";  ///< the name
};

}  // namespace hdc
