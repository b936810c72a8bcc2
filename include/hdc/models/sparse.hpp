// hdc/models/sparse.hpp - sparse block codes (SBC): B blocks of length L, one active index each.
//
// The dense image is a binary vector of N = B * L components with exactly one 1 per block; it is
// stored as B 16-bit indices (so L <= 65536). Binding adds indices modulo L block by block (a
// cyclic shift of each block of one operand by the other's active index), unbinding subtracts
// them; the identity has every index 0. Similarity is the fraction of blocks whose indices agree
// (~1/L for unrelated vectors). Permutation rotates the order of the blocks. The accumulator
// keeps B x L integer counts; its result() is the per-block winner-take-all.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../simd/modular.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"
#include "row_kernels.hpp"

namespace hdc {

/// The layout of a sparse block code: number of blocks and length of each block.
struct sparse_shape {
    std::size_t blocks = 0;
    std::size_t length = 0;
    friend bool operator==(const sparse_shape&, const sparse_shape&) = default;
};

template <std::size_t B, std::size_t L>
class sparse_accumulator;

namespace detail {

/// Largest block length: indices are stored in 16 bits.
inline constexpr std::size_t max_block_length = std::size_t{1} << 16;

/// The shape s, checked against the fixed parts B and L and against the storage limits.
template <std::size_t B, std::size_t L>
sparse_shape resolve_sparse_shape(sparse_shape s) {
    if (s.blocks == 0)
        throw invalid_dimension("sparse: 0 blocks (the number of blocks must be positive)");
    if (s.length == 0)
        throw invalid_dimension("sparse: block length 0 (must be between 1 and 65536)");
    if (s.length > max_block_length)
        throw invalid_dimension("sparse: block length " + std::to_string(s.length) +
                                " exceeds 65536 (indices are 16-bit)");
    if (B != dynamic && s.blocks != B)
        throw invalid_dimension("sparse: " + std::to_string(s.blocks) +
                                " blocks given to a vector of fixed block count " +
                                std::to_string(B));
    if (L != dynamic && s.length != L)
        throw invalid_dimension("sparse: block length " + std::to_string(s.length) +
                                " given to a vector of fixed block length " + std::to_string(L));
    if (s.blocks > std::numeric_limits<std::size_t>::max() / s.length)
        throw invalid_dimension("sparse: " + std::to_string(s.blocks) + " blocks of length " +
                                std::to_string(s.length) + " overflow the dimension");
    return s;
}

/// Throws dimension_mismatch naming the operation and the part of the shape that differs.
inline void check_same_shape(const char* operation, sparse_shape a, sparse_shape b) {
    if (a.blocks != b.blocks)
        throw dimension_mismatch((std::string(operation) + ": block count").c_str(), a.blocks,
                                 b.blocks);
    if (a.length != b.length)
        throw dimension_mismatch((std::string(operation) + ": block length").c_str(), a.length,
                                 b.length);
}

}  // namespace detail

/// A sparse block code of B blocks of length L (each may be hdc::dynamic). Invariant: every
/// index is below the block length.
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t B = dynamic, std::size_t L = dynamic>
class sparse {
    static_assert(B > 0, "hdc::sparse: the number of blocks must be positive");
    static_assert(L > 0, "hdc::sparse: the block length must be positive");
    static_assert(L == dynamic || L <= detail::max_block_length,
                  "hdc::sparse: the block length must be at most 65536 (16-bit indices)");

public:
    /// The compile-time dense dimension B * L, or hdc::dynamic if either part is dynamic.
    static constexpr std::size_t extent = (B == dynamic || L == dynamic) ? dynamic : B * L;
    /// Number of blocks and block length.
    using shape_type = sparse_shape;
    using index_type = std::uint16_t;
    using accumulator_type = sparse_accumulator<B, L>;

    /// Every index 0 (the identity of binding). With a run-time part the vector is empty:
    /// dim() == 0 until a shape is assigned.
    sparse() : sparse(sparse_shape{B == dynamic ? 0 : B, L == dynamic ? 0 : L}, nocheck{}) {}
    /// Every index 0 in the given shape; throws invalid_dimension for 0 blocks, block length 0
    /// or above 65536, or a shape that contradicts a fixed B or L.
    explicit sparse(sparse_shape shape)
        : sparse(detail::resolve_sparse_shape<B, L>(shape), nocheck{}) {}
    /// Every index 0, blocks x length. (Write sparse(16, 8) or sparse(sparse_shape{16, 8}):
    /// sparse({16, 8}) is ambiguous between this constructor and the shape one.)
    sparse(std::size_t blocks, std::size_t length) : sparse(sparse_shape{blocks, length}) {}

    /// The dense dimension N = blocks() * block_length().
    std::size_t dim() const noexcept { return blocks() * block_length(); }
    /// Blocks and block length: what random() and the accumulator are constructed from.
    sparse_shape shape() const noexcept { return {blocks(), block_length()}; }
    /// Number of blocks B.
    std::size_t blocks() const noexcept { return blocks_.get(); }
    /// Length L of each block.
    std::size_t block_length() const noexcept { return length_.get(); }

    /// The active index of every block.
    std::span<const index_type> indices() const noexcept { return idx_.span(); }
    /// Pointer to the indices (64-byte aligned, readable up to padded_size(), padding zero).
    const index_type* data() const noexcept { return idx_.data(); }
    /// Allocated indices: blocks() rounded up to a whole 64-byte line.
    std::size_t padded_size() const noexcept { return idx_.padded_size(); }

    /// The active index of block b. No bounds check.
    index_type operator[](std::size_t b) const noexcept { return idx_[b]; }
    /// Sets the active index of block b; throws invalid_parameter if b or index is out of range.
    void set(std::size_t b, std::size_t index) {
        if (b >= blocks())
            throw invalid_parameter("sparse::set: block " + std::to_string(b) +
                                    " out of range for " + std::to_string(blocks()) + " blocks");
        if (index >= block_length())
            throw invalid_parameter("sparse::set: index " + std::to_string(index) +
                                    " is not below the block length " +
                                    std::to_string(block_length()));
        idx_[b] = static_cast<index_type>(index);
    }

    /// Independent indices, each uniform on [0, L) (gen.below(L), block 0 first).
    static sparse random(rng& gen, sparse_shape shape) {
        sparse v(shape);
        const std::uint64_t length = v.block_length();
        for (auto& i : v.idx_) i = static_cast<index_type>(gen.below(length));
        return v;
    }
    /// Independent uniform indices, for fully fixed B and L.
    static sparse random(rng& gen) requires(B != dynamic && L != dynamic) {
        return random(gen, sparse_shape{B, L});
    }

    /// A vector with the given indices; throws invalid_parameter if their count is not the
    /// number of blocks or an index is not below the block length.
    static sparse from_indices(std::span<const index_type> indices, sparse_shape shape) {
        sparse v(shape);
        if (indices.size() != v.blocks())
            throw invalid_parameter("sparse::from_indices: " + std::to_string(indices.size()) +
                                    " indices given for " + std::to_string(v.blocks()) +
                                    " blocks");
        for (std::size_t b = 0; b < v.blocks(); ++b) {
            if (indices[b] >= v.block_length())
                throw invalid_parameter("sparse::from_indices: index " +
                                        std::to_string(indices[b]) + " in block " +
                                        std::to_string(b) + " is not below the block length " +
                                        std::to_string(v.block_length()));
            v.idx_[b] = indices[b];
        }
        return v;
    }
    /// A vector with the given indices, for fully fixed B and L.
    static sparse from_indices(std::span<const index_type> indices)
        requires(B != dynamic && L != dynamic) {
        return from_indices(indices, sparse_shape{B, L});
    }

    /// The same vector with other fixed or run-time parts: implicit when every fixed part of
    /// the source stays fixed or becomes run-time; explicit (and checked: invalid_dimension)
    /// when a run-time part becomes fixed.
    template <std::size_t B2, std::size_t L2>
        requires(B2 != B || L2 != L)
    explicit((B != dynamic && B2 == dynamic) || (L != dynamic && L2 == dynamic))
        sparse(const sparse<B2, L2>& other)
        : sparse(detail::resolve_sparse_shape<B, L>(other.shape()), nocheck{}) {
        std::copy(other.data(), other.data() + other.blocks(), idx_.data());
    }

    friend bool operator==(const sparse& a, const sparse& b) noexcept {
        return a.shape() == b.shape() && a.idx_ == b.idx_;
    }

private:
    friend struct detail::storage_access;
    index_type* mutable_part(std::size_t) noexcept { return idx_.data(); }
    struct nocheck {};
    sparse(sparse_shape s, nocheck) : blocks_(s.blocks), length_(s.length), idx_(s.blocks) {}

    [[no_unique_address]] detail::dim_store<B> blocks_;
    [[no_unique_address]] detail::dim_store<L> length_;
    aligned_buffer<index_type> idx_;
};

/// Blockwise (i + j) mod L; commutative, associative, identity all indices 0.
template <std::size_t B, std::size_t L>
sparse<B, L> bind(const sparse<B, L>& a, const sparse<B, L>& b) {
    detail::check_same_shape("bind", a.shape(), b.shape());
    sparse<B, L> out(a.shape());
    simd::add_mod(a.data(), b.data(), detail::storage_access::data(out), a.blocks(),
                  static_cast<std::uint32_t>(a.block_length()));
    return out;
}

/// Inverse of bind, blockwise (c - a) mod L: unbind(bind(a, b), a) == b exactly.
template <std::size_t B, std::size_t L>
sparse<B, L> unbind(const sparse<B, L>& c, const sparse<B, L>& a) {
    detail::check_same_shape("unbind", c.shape(), a.shape());
    sparse<B, L> out(c.shape());
    simd::sub_mod(c.data(), a.data(), detail::storage_access::data(out), c.blocks(),
                  static_cast<std::uint32_t>(c.block_length()));
    return out;
}

/// Rotates the order of the blocks right by k (block b moves to b + k); negative k rotates left.
template <std::size_t B, std::size_t L>
sparse<B, L> permute(const sparse<B, L>& a, std::ptrdiff_t k) {
    sparse<B, L> out(a.shape());
    detail::rotate_elements(a.data(), detail::storage_access::data(out), a.blocks(),
                            detail::shift_amount(k, a.blocks()));
    return out;
}

/// Number of components blend() chooses between and a blend mask covers: the blocks (a block's
/// one-hot pattern is what a sparse code can take from one vector or the other).
template <std::size_t B, std::size_t L>
std::size_t component_count(const sparse<B, L>& a) noexcept {
    return a.blocks();
}

/// Block b from y where bit b of mask is set, from x elsewhere (mask: component_count(x) =
/// blocks() bits, block b in bit b % 64 of word b / 64). Sparse codes have no negate(): no
/// sparse vector is opposite to another (similarity is never below 0). Throws
/// dimension_mismatch or invalid_parameter.
template <std::size_t B, std::size_t L>
sparse<B, L> blend(const sparse<B, L>& x, const sparse<B, L>& y, std::span<const std::uint64_t> mask) {
    detail::check_same_shape("blend", x.shape(), y.shape());
    detail::check_blend_mask(mask.size(), x.blocks());
    sparse<B, L> out(x.shape());
    detail::blend_elements(x.data(), y.data(), mask.data(), detail::storage_access::data(out),
                           x.blocks());
    return out;
}

/// Number of blocks whose active indices coincide (the dot product of the dense images).
template <std::size_t B, std::size_t L>
std::size_t overlap(const sparse<B, L>& a, const sparse<B, L>& b) {
    detail::check_same_shape("overlap", a.shape(), b.shape());
    return static_cast<std::size_t>(simd::count_equal(a.data(), b.data(), a.blocks()));
}

/// overlap / B, the fraction of equal blocks: 1 identical, ~1/L unrelated, 0 disjoint.
template <std::size_t B, std::size_t L>
double similarity(const sparse<B, L>& a, const sparse<B, L>& b) {
    return static_cast<double>(overlap(a, b)) / static_cast<double>(a.blocks());
}

/// The un-normalised bundle of sparse block codes: B x L integer counts, count (b, j) being the
/// total weight of added vectors whose block b has index j. result() keeps the winner of each
/// block, ties broken fairly (see result()). Weights must be integers; the total absolute weight
/// is limited so that no count can overflow. Thread safety: const members may be called
/// concurrently, non-const ones need exclusive access.
template <std::size_t B, std::size_t L>
class sparse_accumulator : public accumulator_facade<sparse_accumulator<B, L>, sparse<B, L>> {
public:
    using vector_type = sparse<B, L>;

    /// Largest total absolute weight an accumulator takes: every count stays within int32.
    static constexpr std::int64_t max_total_weight = std::numeric_limits<std::int32_t>::max();

    sparse_accumulator() requires(B != dynamic && L != dynamic)
        : sparse_accumulator(sparse_shape{B, L}) {}
    /// An empty accumulator for vectors of the given shape (validated as by sparse).
    explicit sparse_accumulator(sparse_shape shape)
        : shape_(detail::resolve_sparse_shape<B, L>(shape)),
          counts_(shape_.blocks * shape_.length) {}

    /// The dense dimension B * L.
    std::size_t dim() const noexcept { return shape_.blocks * shape_.length; }
    /// Blocks and block length of the vectors it takes.
    sparse_shape shape() const noexcept { return shape_; }
    /// Number of blocks B.
    std::size_t blocks() const noexcept { return shape_.blocks; }
    /// Length L of each block.
    std::size_t block_length() const noexcept { return shape_.length; }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return static_cast<double>(count_); }
    /// The counts, block after block: count (b, j) at b * block_length() + j.
    std::span<const std::int32_t> counts() const noexcept { return counts_.span(); }

    /// Adds the counts of another accumulator: equal to adding its vectors here.
    void merge(const sparse_accumulator& other) {
        detail::check_same_shape("sparse_accumulator::merge", shape(), other.shape());
        reserve_weight(other.magnitude_, "sparse_accumulator::merge");
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
        count_ += other.count_;
        magnitude_ += other.magnitude_;
    }
    /// Rotates the bundle's blocks right by k (negative k rotates left), as permute() rotates a
    /// vector's: afterwards it holds the counts of permute(v, k) over the vectors v added. May
    /// throw std::bad_alloc, before any change.
    void permute(std::ptrdiff_t k) {
        const std::size_t shift = detail::shift_amount(k, blocks());
        if (shift == 0) return;
        aligned_buffer<std::int32_t> moved(counts_.size());
        detail::rotate_elements(counts_.data(), moved.data(), counts_.size(),
                                shift * block_length());
        counts_ = std::move(moved);
    }

    /// Forgets every vote.
    void clear() noexcept {
        for (auto& c : counts_) c = 0;
        count_ = 0;
        magnitude_ = 0;
    }

    /// Per block the index with the largest count. Among tied maxima it takes the one that
    /// follows the longest cyclic gap free of other maxima (for two tied indices x and y: x when
    /// (x - y) mod L > L / 2). The rule sees only the counts, so it is independent of the order
    /// of the members, and it commutes with rotating a block, so every index is equally likely
    /// to win a tie: unrelated even bundles stay unrelated (a fixed preferred index per block
    /// would make them agree more often than 1/L). Equal gaps, rarer still, go to the first
    /// candidate at or after the fixed tie-break index.
    vector_type result() const {
        const auto tie = symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed,
                                             shape());
        vector_type out(shape());
        const std::size_t length = block_length();
        for (std::size_t b = 0; b < blocks(); ++b)
            detail::storage_access::data(out)[b] = static_cast<typename vector_type::index_type>(
                detail::fair_argmax(counts_.data() + b * length, length, tie[b]));
        return out;
    }

    /// sum_b C_b[i_b]: the dot product of the counts with the dense image of v.
    std::int64_t dot_with(const vector_type& v) const {
        const sparse_accumulator& acc = *this;
        detail::check_same_shape("dot", acc.shape(), v.shape());
        std::int64_t d = 0;
        const std::size_t length = acc.block_length();
        for (std::size_t b = 0; b < acc.blocks(); ++b) d += acc.counts_[b * length + v[b]];
        return d;
    }
    /// dot / (||C|| * sqrt(B)): the cosine between the counts and the dense image of v
    /// (0 for an empty accumulator).
    double similarity_with(const vector_type& v) const {
        const sparse_accumulator& acc = *this;
        const std::int64_t d = dot(acc, v);
        double norm2 = 0;
        for (auto c : acc.counts_) norm2 += static_cast<double>(c) * c;
        if (norm2 == 0) return 0.0;
        return static_cast<double>(d) / std::sqrt(norm2 * static_cast<double>(acc.blocks()));
    }

private:
    /// Throws unless `extra` more absolute weight keeps every count within int32.
    void reserve_weight(std::int64_t extra, const char* operation) const {
        if (extra > max_total_weight - magnitude_)
            throw invalid_parameter(std::string(operation) +
                                    ": total absolute weight would exceed " +
                                    std::to_string(max_total_weight) + " (int32 counts)");
    }

    friend class accumulator_facade<sparse_accumulator, vector_type>;

    /// Adds an integer weight of votes for v (invalid_parameter for a fractional weight).
    void add_weighted(const vector_type& v, double weight) {
        const std::int32_t w = detail::integer_weight(weight, "sparse");
        detail::check_same_shape("sparse_accumulator::add", shape(), v.shape());
        const std::int64_t magnitude = w < 0 ? -std::int64_t{w} : std::int64_t{w};
        reserve_weight(magnitude, "sparse_accumulator::add");
        const std::size_t length = block_length();
        simd::add_block_votes(counts_.data(), v.data(), blocks(), length, w);
        count_ += w;
        magnitude_ += magnitude;
    }

    sparse_shape shape_;
    aligned_buffer<std::int32_t> counts_;
    std::int64_t count_ = 0;
    std::int64_t magnitude_ = 0;  // sum of |weight| ever added: bounds every |count|
    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
};

/// The dense dimension B * L of a sparse shape.
constexpr std::size_t dim_of(const sparse_shape& s) noexcept { return s.blocks * s.length; }

/// Sparse rows hold the block indices.
template <std::size_t B, std::size_t L>
struct row_traits<sparse<B, L>> {
    using element_type = std::uint16_t;
    static std::size_t row_size(const sparse_shape& s) { return s.blocks; }
    static void store(const sparse<B, L>& v, std::uint16_t* row) {
        std::copy(v.data(), v.data() + v.blocks(), row);
    }
    static sparse<B, L> load(const std::uint16_t* row, const sparse_shape& s) {
        return sparse<B, L>::from_indices(std::span<const std::uint16_t>(row, s.blocks), s);
    }
    /// Rows are block indices: searched by the fraction of equal blocks.
    using kernel = row_kernels::equal_blocks;
};

/// Saved states name the family "sparse".
template <std::size_t B, std::size_t L>
struct family_name<sparse<B, L>> {
    static constexpr std::string_view value = "sparse";  ///< the name
};

}  // namespace hdc
