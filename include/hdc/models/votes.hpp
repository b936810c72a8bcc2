// hdc/models/votes.hpp - signed vote sums over bit vectors, unit votes in bit-sliced counters.
//
// The state shared by the binary accumulator and the bipolar one: per position i the sum
// s_i = sum of w * (1 - 2 bit_i) over the bit vectors voted for with weight w. A binary vector
// votes with its bits; a bipolar vector with its sign bits (component = 1 - 2 bit).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "../core/storage.hpp"
#include "../simd/bitslice.hpp"
#include "../simd/bitwise.hpp"
#include "../simd/integer.hpp"

namespace hdc::detail {

/// Signed vote sums of dim positions. Unit votes (weight 1) are counted in bit-sliced counters:
/// each is a ripple carry into 4 low bit planes, and every 15 votes the low planes are added
/// into the high planes, so a bundle costs a few word operations per 64 positions and vector.
/// majority() compares the counts with the threshold directly on the planes. Other weights,
/// and merged votes that do not fit the planes, go to one int32 sum per position (wrapping on
/// overflow: callers bound the weights if they must); the two parts are combined where needed,
/// and the planes are folded into the sums by sums() and before the high planes would overflow.
///
/// Bit vectors passed in are (dim + 63) / 64 words long with the bits past dim zero, stored in
/// whole 64-byte lines whose padding is zero (an aligned_buffer, as the models' storage).
class bitsliced_votes {
public:
    /// No votes, for dim positions.
    explicit bitsliced_votes(std::size_t dim) : dim_(dim), sums_(dim) {}

    std::size_t dim() const noexcept { return dim_; }
    /// Words of a bit vector of dim bits.
    std::size_t words() const noexcept { return (dim_ + 63) / 64; }
    /// Total weight voted (adds minus subtracts).
    std::int64_t count() const noexcept { return count_; }

    /// The vote sums. Folds the pending unit votes into the sums, so like a non-const call it
    /// must not run concurrently with other calls on this object.
    std::span<const std::int32_t> sums() const noexcept {
        flush();
        return sums_.span();
    }

    /// Adds w votes for bit vector v (a negative w votes against it; 0 changes nothing). A unit
    /// vote may allocate the planes and throw std::bad_alloc, before any change.
    void add(const std::uint64_t* v, std::int32_t w) {
        if (w == 1)
            add_unit(v);
        else
            add_weighted(v, w);
    }

    /// Adds the votes of another object of the same dimension: equal to voting its vectors here.
    void merge(const bitsliced_votes& other) {
        if (&other == this) {
            const bitsliced_votes copy(other);
            merge(copy);
            return;
        }
        const std::uint64_t other_votes = other.pending_votes();
        const bool into_planes = other_votes != 0 && high_votes_ + other_votes <= max_high_votes;
        if (into_planes) allocate_planes();  // may throw: before any change
        if (other.sums_used_) {
            simd::int32_add(other.sums_.data(), sums_.data(), dim());
            sums_used_ = true;
        }
        if (into_planes) {
            const std::size_t n = plane_count(high_votes_ + other_votes);
            simd::bitslice_add(high_planes(), n, other.low_planes(), plane_count(other.low_votes_),
                               stride(), words());
            simd::bitslice_add(high_planes(), n, other.high_planes(),
                               plane_count(other.high_votes_), stride(), words());
            high_votes_ += static_cast<std::uint32_t>(other_votes);
        } else if (other_votes != 0) {
            other.add_pending_to(sums_.data());
            sums_used_ = true;
        }
        count_ += other.count_;
    }

    /// Forgets every vote.
    void clear() noexcept {
        for (auto& s : sums_) s = 0;
        clear_planes();
        sums_used_ = false;
        count_ = 0;
    }

    /// out bit i = 1 where s_i < 0, 0 where s_i > 0, tie bit i where s_i = 0. tie and out are
    /// bit vectors as described above (out's padding is written, with zeros).
    void majority(const std::uint64_t* tie, std::uint64_t* out) const {
        const std::uint64_t n = pending_votes();
        if (!sums_used_ && n == 0) {  // every sum is zero
            std::memcpy(out, tie, words() * sizeof(std::uint64_t));
        } else if (!sums_used_) {
            // s_i = n - 2 c_i: bit 1 where c_i > n / 2, the tie bit where c_i == n / 2.
            simd::bitslice_majority(low_planes(), plane_count(low_votes_), high_planes(),
                                    plane_count(high_votes_), stride(), n / 2,
                                    n % 2 == 0 ? tie : nullptr, out, words());
        } else if (n == 0) {
            simd::majority_from_sums(sums_.data(), tie, out, dim());
        } else {
            simd::majority_from_sums(total_sums().data(), tie, out, dim());
        }
    }

    /// sum_i s_i (1 - 2 bit_i of v): the dot product of the sums with v's bipolar image.
    std::int64_t signed_dot(const std::uint64_t* v) const noexcept {
        std::int64_t d = sums_used_ ? simd::signed_sum(sums_.data(), v, dim()) : 0;
        const std::uint64_t n = pending_votes();
        if (n == 0) return d;
        // Pending votes give s_i = n - 2 c_i; with sign_i = 1 - 2 v_i,
        // sum sign_i s_i = n (D - 2 |v|) - 2 sum_p 2^p (|plane_p| - 2 |plane_p & v|).
        const auto ones = static_cast<std::int64_t>(simd::popcount_words(v, words()));
        std::int64_t weighted = 0;
        const auto planes_term = [&](const std::uint64_t* planes, std::size_t count) {
            for (std::size_t p = 0; p < count; ++p) {
                const std::uint64_t* plane = planes + p * stride();
                const auto all = static_cast<std::int64_t>(simd::popcount_words(plane, words()));
                const auto both =
                    static_cast<std::int64_t>(simd::and_popcount_words(plane, v, words()));
                weighted += (all - 2 * both) << p;
            }
        };
        planes_term(low_planes(), plane_count(low_votes_));
        planes_term(high_planes(), plane_count(high_votes_));
        return d + static_cast<std::int64_t>(n) * (static_cast<std::int64_t>(dim()) - 2 * ones) -
               2 * weighted;
    }

    /// sum_i s_i^2, computed exactly and rounded once.
    double sum_squares() const {
        if (pending_votes() == 0) return simd::int32_sum_squares(sums_.data(), dim());
        return simd::int32_sum_squares(total_sums().data(), dim());
    }

private:
    /// Bit planes of the low counter: unit votes ripple through them.
    static constexpr std::size_t low_plane_count = 4;
    /// Votes the low counter takes before it is added into the high counter.
    static constexpr std::uint32_t low_capacity = 15;
    /// Bit planes of the high counter; beyond max_high_votes the planes go to the int32 sums.
    static constexpr std::size_t high_plane_count = 16;
    static constexpr std::uint32_t max_high_votes = (1u << high_plane_count) - 1;

    /// Words from one bit plane to the next: whole 64-byte lines.
    std::size_t stride() const noexcept { return padded_count<std::uint64_t>(words()); }
    static std::size_t plane_count(std::uint64_t votes) noexcept {
        return static_cast<std::size_t>(std::bit_width(votes));
    }
    std::uint64_t pending_votes() const noexcept {
        return std::uint64_t{low_votes_} + std::uint64_t{high_votes_};
    }
    const std::uint64_t* low_planes() const noexcept { return planes_.data(); }
    std::uint64_t* low_planes() noexcept { return planes_.data(); }
    const std::uint64_t* high_planes() const noexcept {
        return planes_.data() + low_plane_count * stride();
    }
    std::uint64_t* high_planes() noexcept { return planes_.data() + low_plane_count * stride(); }

    void allocate_planes() {
        if (planes_.size() == 0)
            planes_ = aligned_buffer<std::uint64_t>((low_plane_count + high_plane_count) * stride());
    }

    void add_unit(const std::uint64_t* v) {
        allocate_planes();
        simd::bitslice_increment(low_planes(), low_plane_count, stride(), v, words());
        ++count_;
        if (++low_votes_ == low_capacity) fold_low();
    }

    void add_weighted(const std::uint64_t* v, std::int32_t w) noexcept {
        if (w == 0) return;
        simd::add_signed_bits(sums_.data(), v, dim(), w);
        sums_used_ = true;
        count_ += w;
    }

    /// Adds the low counter into the high one (or everything into the sums when the high
    /// counter is full).
    void fold_low() noexcept {
        if (high_votes_ + low_votes_ > max_high_votes) {
            flush();
            return;
        }
        simd::bitslice_add(high_planes(), plane_count(high_votes_ + low_votes_), low_planes(),
                           plane_count(low_votes_), stride(), words());
        std::memset(low_planes(), 0, low_plane_count * stride() * sizeof(std::uint64_t));
        high_votes_ += low_votes_;
        low_votes_ = 0;
    }

    /// sums[i] += the vote sum of the pending unit votes at position i.
    void add_pending_to(std::int32_t* sums) const noexcept {
        if (low_votes_ != 0)
            simd::add_unit_votes(sums, low_planes(), plane_count(low_votes_), stride(), low_votes_,
                                 dim());
        if (high_votes_ != 0)
            simd::add_unit_votes(sums, high_planes(), plane_count(high_votes_), stride(),
                                 high_votes_, dim());
    }

    /// The sums with the pending votes added, in a new buffer (this object is unchanged).
    aligned_buffer<std::int32_t> total_sums() const {
        aligned_buffer<std::int32_t> total(sums_);
        add_pending_to(total.data());
        return total;
    }

    /// Moves the pending unit votes into the int32 sums.
    void flush() const noexcept {
        if (pending_votes() == 0) return;
        add_pending_to(sums_.data());
        sums_used_ = true;
        clear_planes();
    }

    void clear_planes() const noexcept {
        if (planes_.size() != 0)
            std::memset(planes_.data(), 0, planes_.size() * sizeof(std::uint64_t));
        low_votes_ = 0;
        high_votes_ = 0;
    }

    std::size_t dim_;
    // mutable: sums() (const) folds the pending planes into the sums.
    mutable aligned_buffer<std::int32_t> sums_;
    mutable aligned_buffer<std::uint64_t> planes_;  // low planes, then high planes
    mutable std::uint32_t low_votes_ = 0;           // unit votes in the low planes
    mutable std::uint32_t high_votes_ = 0;          // unit votes in the high planes
    mutable bool sums_used_ = false;                // whether any sum may be non-zero
    std::int64_t count_ = 0;
};

}  // namespace hdc::detail
