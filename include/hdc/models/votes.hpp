// hdc/models/votes.hpp - signed vote sums over bit vectors, unit votes in bit-sliced counters.
//
// The state shared by the binary accumulator and the bipolar one: per position i the sum
// s_i = sum of w * (1 - 2 bit_i) over the bit vectors voted for with weight w. A binary vector
// votes with its bits; a bipolar vector with its sign bits (component = 1 - 2 bit).
//
// Ties (s_i = 0) are resolved by partner components, so that even bundles are fair and
// unrelated ones do not correlate (ALGORITHMS.md section 1.1): a tied component takes the
// majority at its partner pi(i), following pi while the partner is tied too, for at most
// tie_steps steps, and only then a fixed pseudo-random bit. pi is fixed for each dimension and
// is not a cyclic shift: full words are read from the word c positions further on (c about
// 0.38 of the word count, coprime to it), byte-swapped or not and rotated by an odd amount
// chosen per word by a hash; the bits of a partial last word take hashed partners. So pi costs
// a few word operations per 64 components and step, and the rule depends on the sums alone
// (deterministic, independent of the order of the votes, the same for binary and bipolar).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../simd/bitslice.hpp"
#include "../simd/bitwise.hpp"
#include "../simd/integer.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"

namespace hdc::detail {

/// Partner steps a tie follows before it takes the fixed fallback bit: at most a fraction
/// P(tie)^(tie_steps + 1) of the components (2^-9 for pairs) falls back.
inline constexpr std::size_t tie_steps = 8;

/// The partner map pi of tie resolution for one dimension (see the file comment).
class tie_partners {
public:
    explicit tie_partners(std::size_t dim) noexcept
        : dim_(dim), full_(dim / 64), tail_(dim % 64), step_(word_step(dim / 64)) {}

    /// Words that hold 64 components.
    std::size_t full_words() const noexcept { return full_; }
    /// Components in the partial last word (0 to 63).
    std::size_t tail_bits() const noexcept { return tail_; }
    /// Full word w reads full word (w + step()) % full_words().
    std::size_t step() const noexcept { return step_; }

    /// The transform of full word w: bit 6 byte-swaps the source word, the low 6 bits are the
    /// (odd) left rotation applied after. Byte w % 8 of one hash per 8 words: the hashing is
    /// most of the set-up cost of a resolution.
    static unsigned word_code(std::size_t w) noexcept {
        return code_from_byte(static_cast<unsigned>(word_code_hash(w / 8) >> (8 * (w % 8))));
    }
    /// The hash whose 8 bytes give the codes of words 8 g to 8 g + 7.
    static std::uint64_t word_code_hash(std::size_t g) noexcept {
        return mix64(word_domain + (static_cast<std::uint64_t>(g) + 1) * golden_gamma);
    }
    /// A word's code from its byte of word_code_hash.
    static unsigned code_from_byte(unsigned byte) noexcept {
        return (byte & 0x40u) | ((byte & 31u) * 2u + 1u);
    }
    /// Full word w of pi applied to a bit vector whose full word (w + step()) % full_words()
    /// is `source`: component 64 w + b takes source bit pi(64 w + b) % 64.
    static std::uint64_t transform(std::uint64_t source, unsigned code) noexcept {
        // Branch-free: the byte swap is chosen at random per word, so a branch would mispredict.
        const std::uint64_t swap = std::uint64_t{0} - ((code >> 6) & 1u);
        source = (byteswap(source) & swap) | (source & ~swap);
        return std::rotl(source, static_cast<int>(code & 63u));
    }
    /// The partner of a component of the partial last word (dim() - tail_bits() <= i < dim).
    std::size_t tail_partner(std::size_t i) const noexcept {
        const std::uint64_t h = mix64(static_cast<std::uint64_t>(i) ^ tail_domain);
        if (full_ != 0) return static_cast<std::size_t>(h % (64 * full_));
        if (dim_ < 2) return i;  // no other component: the tie falls back
        return (i + 1 + static_cast<std::size_t>(h % (dim_ - 1))) % dim_;
    }

    /// pi(i), component by component (the reference the word-parallel resolution follows).
    std::size_t operator()(std::size_t i) const noexcept {
        if (i >= 64 * full_) return tail_partner(i);
        const std::size_t w = i / 64, b = i % 64;
        const unsigned code = word_code(w);
        const std::size_t bit = ((b - (code & 63u)) & 63u) ^ (code & 0x40u ? 56u : 0u);
        return 64 * ((w + step_) % full_) + bit;
    }

    /// The fixed fallback bits, word w (the caller masks bits past the dimension).
    static std::uint64_t fallback_word(std::size_t w) noexcept {
        return mix64(tie_break_seed + (static_cast<std::uint64_t>(w) + 1) * golden_gamma);
    }

    /// The bytes of x in reverse order (std::byteswap is C++23; compilers emit one bswap).
    static constexpr std::uint64_t byteswap(std::uint64_t x) noexcept {
        x = ((x & 0x00FF00FF00FF00FFull) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFull);
        x = ((x & 0x0000FFFF0000FFFFull) << 16) | ((x >> 16) & 0x0000FFFF0000FFFFull);
        return (x << 32) | (x >> 32);
    }

private:
    static constexpr std::uint64_t word_domain = 0x7469652D776F7264ull;  // "tie-word"
    static constexpr std::uint64_t tail_domain = 0x7469652D7461696Cull;  // "tie-tail"

    /// About 0.382 of the word count and coprime to it: a chain of partners visits
    /// min(words, tie_steps + 1) distinct words.
    static std::size_t word_step(std::size_t words) noexcept {
        if (words < 2) return 0;
        std::size_t c = std::max<std::size_t>(1, words * 382 / 1000);
        while (std::gcd(c, words) != 1) ++c;
        return c;
    }

    std::size_t dim_, full_, tail_, step_;
};

/// The partner rule of tie resolution (see the file comment) component by component, for
/// bundles with one value per component (the modular phase codes): each component i with
/// tied(i) follows j = pi(i), pi(j), ... while tied(j), for at most tie_steps steps, and sets
/// out[i] = decide(i, out[j]) from the first untied j, else decide(i, fallback(i)). Untied
/// components are read, never written, so the result does not depend on the order of the
/// components, and it depends on the bundle's own state only (unrelated bundles stay
/// unrelated). decide(i, p) sees out[i] as it was on entry (the caller's tied candidate).
template <class T, class Tied, class Decide, class Fallback>
void resolve_ties_by_partners(T* out, std::size_t dim, Tied&& tied, Decide&& decide, Fallback&& fallback) {
    const tie_partners pi(dim);
    for (std::size_t i = 0; i < dim; ++i) {
        if (!tied(i)) continue;
        std::size_t j = i;
        bool found = false;
        for (std::size_t step = 0; step < tie_steps && !found; ++step) {
            j = pi(j);
            found = !tied(j);
        }
        out[i] = decide(i, found ? out[j] : fallback(i));
    }
}

/// out (m on entry: the strict majority, 0 where tied) becomes the resolved majority: each
/// tied component (bit of tie) takes m at the first untied component of pi(i), pi(pi(i)), ...
/// within tie_steps steps, else the fallback bit at the last. Word-parallel: tie_steps rounds
/// of v <- m | (tie & pi(v)), starting from v = m | (tie & fallback).
inline void resolve_ties(const std::uint64_t* tie, std::uint64_t* out, std::size_t dim) {
    const std::size_t words = (dim + 63) / 64;
    std::uint64_t any = 0;
    for (std::size_t w = 0; w < words; ++w) any |= tie[w];
    if (any == 0) return;
    const tie_partners pi(dim);
    const std::size_t full = pi.full_words(), tail = pi.tail_bits(), step = pi.step();
    // One allocation for the scratch: per full word the left rotation and a mask that selects
    // the byte-swapped source, then the current and the next value of v.
    const std::size_t stride = padded_count<std::uint64_t>(words);
    aligned_buffer<std::uint64_t> scratch(4 * stride);
    std::uint64_t* const rotation = scratch.data();
    std::uint64_t* const swap = rotation + stride;
    std::uint64_t* v = swap + stride;
    std::uint64_t* next = v + stride;
    std::uint64_t hash = 0;
    for (std::size_t w = 0; w < full; ++w) {
        if (w % 8 == 0) hash = tie_partners::word_code_hash(w / 8);
        const unsigned code = tie_partners::code_from_byte(static_cast<unsigned>(hash >> (8 * (w % 8))));
        rotation[w] = code & 63u;
        swap[w] = std::uint64_t{0} - ((code >> 6) & 1u);
    }
    std::size_t tail_src[64] = {};
    for (std::size_t b = 0; b < tail; ++b) tail_src[b] = pi.tail_partner(64 * full + b);

    for (std::size_t w = 0; w < words; ++w)
        v[w] = out[w] | (tie[w] & tie_partners::fallback_word(w));
    // next[w] = out[w] | (tie[w] & transform(source[w - first])) for w in [first, last): the
    // source index wraps once, so a step is two contiguous runs, which vectorise.
    const auto run = [&](std::size_t first, std::size_t last, const std::uint64_t* source) {
        for (std::size_t w = first; w < last; ++w) {
            std::uint64_t x = source[w - first];
            x = (tie_partners::byteswap(x) & swap[w]) | (x & ~swap[w]);
            const std::uint64_t r = rotation[w];
            next[w] = out[w] | (tie[w] & ((x << r) | (x >> (64 - r))));  // r is odd: 1..63
        }
    };
    for (std::size_t k = 0; k < tie_steps; ++k) {
        if (full != 0) {
            run(0, full - step, v + step);
            run(full - step, full, v);
        }
        if (tail != 0) {
            std::uint64_t t = tie[full], bits = 0;
            while (t != 0) {
                const auto b = static_cast<std::size_t>(std::countr_zero(t));
                t &= t - 1;
                const std::size_t j = tail_src[b];
                bits |= ((v[j / 64] >> (j % 64)) & 1u) << b;
            }
            next[full] = out[full] | bits;
        }
        std::swap(v, next);
    }
    std::memcpy(out, v, words * sizeof(std::uint64_t));
}

/// Signed vote sums of dim positions. Unit votes (weight 1) are counted in bit-sliced counters:
/// each is a ripple carry into 4 low bit planes, and every 15 votes the low planes are added
/// into the high planes, so a bundle costs a few word operations per 64 positions and vector.
/// majority() compares the counts with the threshold directly on the planes. Other weights,
/// and merged votes that do not fit the planes, go to one int32 sum per position; the planes
/// are folded into the sums before the high planes would overflow.
///
/// Overflow: a bound on every |s_i| (the sum of the |weights| voted, tightened to the exact
/// maximum when it gets too loose) is kept, and an add of weight w (or a merge) is refused with
/// invalid_parameter, before any change, unless max |s_i| + |w| (or + the other's bound)
/// stays within INT32_MAX; the check ignores signs, so at the very edge even a vote that
/// would shrink the sums is refused.
///
/// Thread safety: const members change nothing (no mutable state), so they may be called
/// concurrently; non-const members need exclusive access.
///
/// Bit vectors passed in are (dim + 63) / 64 words long with the bits past dim zero, stored in
/// whole 64-byte lines whose padding is zero (an aligned_buffer, as the models' storage).
class bitsliced_votes {
public:
    /// The largest |s_i| accepted: the int32 range.
    static constexpr std::int64_t max_sum = std::numeric_limits<std::int32_t>::max();

    /// No votes, for dim positions.
    explicit bitsliced_votes(std::size_t dim) : dim_(dim), sums_(dim) {}

    std::size_t dim() const noexcept { return dim_; }
    /// Words of a bit vector of dim bits.
    std::size_t words() const noexcept { return (dim_ + 63) / 64; }
    /// Total weight voted (adds minus subtracts).
    std::int64_t count() const noexcept { return count_; }

    /// The vote sums, computed into a new vector (the pending unit votes included).
    std::vector<std::int32_t> sums() const {
        const aligned_buffer<std::int32_t> total = total_sums();
        return {total.data(), total.data() + dim()};
    }

    /// Adds w votes for bit vector v (a negative w votes against it; 0 changes nothing).
    /// Throws invalid_parameter, naming `operation`, if a sum could leave the int32 range; a
    /// unit vote may allocate the planes and throw std::bad_alloc. Both before any change.
    void add(const std::uint64_t* v, std::int32_t w, const char* operation) {
        const std::int64_t magnitude = std::abs(static_cast<std::int64_t>(w));
        reserve(magnitude, operation);
        if (w == 1)
            add_unit(v);
        else
            add_weighted(v, w);
        bound_ += magnitude;
    }

    /// Adds the votes of another object of the same dimension: equal to voting its vectors here.
    /// Throws as add() does, before any change.
    void merge(const bitsliced_votes& other, const char* operation) {
        if (&other == this) {
            const bitsliced_votes copy(other);
            merge(copy, operation);
            return;
        }
        std::int64_t extra = other.bound_;
        if (extra > max_sum - bound_) extra = other.max_abs_stored() + other.pending_votes();
        reserve(extra, operation);
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
        bound_ += extra;
    }

    /// Forgets every vote.
    void clear() noexcept {
        for (auto& s : sums_) s = 0;
        clear_planes();
        sums_used_ = false;
        count_ = 0;
        bound_ = 0;
    }

    /// Shifts every vote sum cyclically toward higher positions by k (0 <= k < dim): sum i
    /// moves to i + k, the pending unit votes included (each bit plane is rotated). May throw
    /// std::bad_alloc, before any change.
    void rotate(std::size_t k) {
        if (k == 0) return;
        aligned_buffer<std::int32_t> sums(sums_used_ ? dim() : 0);
        aligned_buffer<std::uint64_t> planes(planes_.size());
        if (sums_used_) rotate_elements(sums_.data(), sums.data(), dim(), k);
        for (std::size_t p = 0; planes_.size() != 0 && p < low_plane_count + high_plane_count; ++p)
            simd::rotate_bits(planes_.data() + p * stride(), planes.data() + p * stride(), dim(), k);
        if (sums_used_) sums_ = std::move(sums);
        planes_ = std::move(planes);
    }

    /// The majority: out bit i = 1 where s_i < 0, 0 where s_i > 0, and where s_i = 0 the bit
    /// resolve_ties() gives. out is a bit vector as described above (its padding is written,
    /// with zeros).
    void majority(std::uint64_t* out) const {
        aligned_buffer<std::uint64_t> tie(words());
        strict_majority(out, tie.data());
        resolve_ties(tie.data(), out, dim());
    }

    /// out bit i = 1 where s_i < 0 (0 elsewhere), tie bit i = 1 where s_i = 0. Both are bit
    /// vectors of words() words (whatever they held before is overwritten).
    void strict_majority(std::uint64_t* out, std::uint64_t* tie) const {
        const std::uint64_t n = pending_votes();
        std::memset(tie, 0, words() * sizeof(std::uint64_t));
        if (!sums_used_ && n == 0) {  // every sum is zero
            std::memset(out, 0, words() * sizeof(std::uint64_t));
            fill_ones(tie);
            return;
        }
        aligned_buffer<std::uint64_t> ones(words());
        fill_ones(ones.data());
        if (!sums_used_) {
            // s_i = n - 2 c_i: bit 1 where c_i > n / 2, tied where c_i == n / 2.
            const auto majority_with = [&](const std::uint64_t* t, std::uint64_t* o) {
                simd::bitslice_majority(low_planes(), plane_count(low_votes_), high_planes(),
                                        plane_count(high_votes_), stride(), n / 2, t, o, words());
            };
            majority_with(nullptr, out);
            if (n % 2 == 0) majority_with(ones.data(), tie);
        } else {
            aligned_buffer<std::int32_t> total;
            const std::int32_t* s = sums_.data();
            if (n != 0) {
                total = total_sums();
                s = total.data();
            }
            simd::majority_from_sums(s, tie, out, dim());  // tie is all zero here: s_i < 0
            simd::majority_from_sums(s, ones.data(), tie, dim());  // s_i <= 0
        }
        for (std::size_t w = 0; w < words(); ++w) tie[w] &= ~out[w];
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

    /// Every bit of a dim-bit vector set; the padding stays as it is (zero).
    void fill_ones(std::uint64_t* bits) const noexcept {
        for (std::size_t w = 0; w < words(); ++w) bits[w] = ~std::uint64_t{0};
        if (dim() % 64 != 0) bits[words() - 1] = (std::uint64_t{1} << (dim() % 64)) - 1;
    }

    /// The largest |stored int32 sum| (the pending unit votes not included). Invariant: bound_
    /// >= max_abs_stored() + pending_votes(), so neither the stored sums nor the totals (stored
    /// plus pending) can leave the int32 range, whichever way the votes are later combined.
    std::int64_t max_abs_stored() const noexcept {
        if (!sums_used_) return 0;
        std::int64_t m = 0;
        for (std::size_t i = 0; i < dim(); ++i)
            m = std::max(m, std::abs(static_cast<std::int64_t>(sums_[i])));
        return m;
    }

    /// Throws unless adding at most `extra` to every |s_i| keeps the sums within int32. The
    /// running bound only grows (subtractions add to it too), so before refusing it is
    /// tightened: the pending votes are folded into the stored sums (the same vote sums, so no
    /// visible change) and the bound becomes their exact maximum. Long add/subtract streams are
    /// never refused spuriously.
    void reserve(std::int64_t extra, const char* operation) {
        if (extra <= max_sum - bound_) return;  // the common case, inline in every add
        tighten_or_refuse(extra, operation);
    }
    void tighten_or_refuse(std::int64_t extra, const char* operation) {
        flush();
        bound_ = max_abs_stored();
        if (extra <= max_sum - bound_) return;
        throw invalid_parameter(std::string(operation) + ": a sum would exceed the int32 range (" +
                                std::to_string(bound_) + " + " + std::to_string(extra) + " > " +
                                std::to_string(max_sum) + ")");
    }

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
    void flush() noexcept {
        if (pending_votes() == 0) return;
        add_pending_to(sums_.data());
        sums_used_ = true;
        clear_planes();
    }

    void clear_planes() noexcept {
        if (planes_.size() != 0)
            std::memset(planes_.data(), 0, planes_.size() * sizeof(std::uint64_t));
        low_votes_ = 0;
        high_votes_ = 0;
    }

    std::size_t dim_;
    aligned_buffer<std::int32_t> sums_;
    aligned_buffer<std::uint64_t> planes_;  // low planes, then high planes
    std::uint32_t low_votes_ = 0;           // unit votes in the low planes
    std::uint32_t high_votes_ = 0;          // unit votes in the high planes
    bool sums_used_ = false;                // whether any sum may be non-zero
    std::int64_t count_ = 0;
    std::int64_t bound_ = 0;  // >= max |stored sum| + pending votes (see max_abs_stored)
    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
};

}  // namespace hdc::detail

namespace hdc {

/// The accumulator of the two vote families, binary (BSC) and bipolar (MAP-B / MAP-I): the
/// signed vote sums of sign bits (detail::bitsliced_votes), merge, clear, and the dot product and
/// cosine of the sums with a vector. Derived supplies how its vectors map to sign bits:
///   static const std::uint64_t* sign_bits(const V& v, std::uint64_t* scratch)
///       v's sign bits (bit 1 for -1): its own words, or packed into scratch (words() words)
///   static V from_sign_bits(const std::uint64_t* bits, std::size_t dim)
///   static constexpr const char* add_operation, merge_operation, model   (error messages)
/// result() is the majority with ties resolved by partner positions (bitsliced_votes::majority),
/// the same for both families, so they stay isomorphic. Weights must be integers; an add or
/// merge that could take a sum beyond the int32 range is refused (invalid_parameter, nothing
/// changed). Thread safety: const members may be called concurrently, non-const ones need
/// exclusive access.
template <class Derived, class V>
class vote_accumulator : public accumulator_facade<Derived, V> {
public:
    /// An empty accumulator for vectors of dimension dim.
    explicit vote_accumulator(std::size_t dim)
        : votes_(detail::resolve_dim<V::extent>(dim)), scratch_(votes_.words()) {}

    /// The dimension of the vectors it takes.
    std::size_t dim() const noexcept { return votes_.dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return static_cast<double>(votes_.count()); }
    /// The signed vote sums, one per position (computed into a new vector).
    std::vector<std::int32_t> sums() const { return votes_.sums(); }

    /// Adds the votes of another accumulator: equal to adding its vectors here.
    void merge(const Derived& other) {
        detail::check_same_dim(Derived::merge_operation, dim(), other.dim());
        votes_.merge(other.votes_, Derived::merge_operation);
    }
    /// Forgets every vote.
    void clear() noexcept { votes_.clear(); }

    /// Cyclic shift of the bundle right by k (negative k shifts left): afterwards it holds the
    /// votes of permute(v, k) for every vector v added, so result() is the bundle of the
    /// permuted vectors. May throw std::bad_alloc, before any change.
    void permute(std::ptrdiff_t k) { votes_.rotate(detail::shift_amount(k, dim())); }

    /// The majority vector (ties resolved by partner positions).
    V result() const {
        aligned_buffer<std::uint64_t> bits(votes_.words());
        votes_.majority(bits.data());
        return Derived::from_sign_bits(bits.data(), dim());
    }

    /// Adds `weight` votes for the vector whose sign bits (bit 1 for -1) are `bits`: words()
    /// words with the bits past the dimension zero, in whole zero-padded 64-byte lines (an
    /// aligned_buffer). Equal to add(v, weight) for that vector, without building it; streaming
    /// encoders that work on packed bits use it. Throws as add() does, before any change.
    void add_sign_bits(const std::uint64_t* bits, std::int32_t weight = 1) {
        votes_.add(bits, weight, Derived::add_operation);
    }
    /// Words of a sign-bit vector of this dimension.
    std::size_t words() const noexcept { return votes_.words(); }
    /// Dot product of the vote sums with the vector whose sign bits are `bits` (as for
    /// add_sign_bits).
    std::int64_t dot_with_sign_bits(const std::uint64_t* bits) const noexcept {
        return votes_.signed_dot(bits);
    }
    /// sum_i s_i^2 of the vote sums (the squared norm of the MAP-I bundle).
    double sum_squares() const { return votes_.sum_squares(); }
    /// The majority's sign bits (ties resolved as result() does) into `out`, words() words in
    /// whole 64-byte lines.
    void majority_sign_bits(std::uint64_t* out) const { votes_.majority(out); }

    /// Dot product of the vote sums with v's bipolar image.
    std::int64_t dot_with(const V& v) const {
        detail::check_same_dim("dot", dim(), v.dim());
        aligned_buffer<std::uint64_t> scratch(votes_.words());
        return votes_.signed_dot(Derived::sign_bits(v, scratch.data()));
    }
    /// Cosine between the vote sums and v's bipolar image (0 when every sum is zero).
    double similarity_with(const V& v) const {
        const std::int64_t d = dot_with(v);
        const double norm2 = votes_.sum_squares();
        if (norm2 == 0) return 0.0;
        return static_cast<double>(d) / std::sqrt(norm2 * static_cast<double>(dim()));
    }

private:
    friend class accumulator_facade<Derived, V>;

    void add_weighted(const V& v, double weight) {
        const std::int32_t w = detail::integer_weight(weight, Derived::model);
        detail::check_same_dim(Derived::add_operation, dim(), v.dim());
        votes_.add(Derived::sign_bits(v, scratch_.data()), w, Derived::add_operation);
    }

    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
    detail::bitsliced_votes votes_;
    aligned_buffer<std::uint64_t> scratch_;  // add's sign bits, for families that pack them
};

}  // namespace hdc
