// hdc/encoders/ngram.hpp - n-gram vectors of a symbol stream, updated in O(D) per symbol.
//
// The n-gram ending at position t is (ALGORITHMS.md section 6.1 step 3, torchhd's convention)
//   G_t = x_t (x) rho(x_{t-1}) (x) rho^2(x_{t-2}) (x) ... (x) rho^{n-1}(x_{t-n+1}),
// x_s the atom of symbol s, (x) bind, rho = permute by one. Streaming uses
//   G_t = x_t (x) unbind(rho(G_{t-1}), rho^n(x_{t-n})),
// which needs permute to distribute over bind and unbind to be bind's exact inverse in an abelian
// group: binary (XOR), bipolar (product of signs) and sparse block codes (index sums mod L).
// These families stream (exact_ngram_update<V>); every other family (real, phasor, MBAT, ...)
// computes each window from precomputed rho^k(x_s), n - 1 bindings per symbol, which gives the
// definition bit for bit. ngram_naive is the reference both are tested against.
//
// The vote families (binary, bipolar, whose accumulator is a vote_accumulator) stream on packed
// sign bits: one fused rotate-and-XOR pass per symbol, and unit votes into bit-sliced counters.
// accumulate_counted() applies the counting tip of section 6.1: distinct n-grams are counted
// first, then each is built once and added with its count (the same sums, far fewer vectors for
// long texts).
//
// Thread safety: an ngram_encoder is immutable after construction; its const members may be
// called concurrently.
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/concepts.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../models/votes.hpp"

namespace hdc {

template <std::size_t D>
class binary;
template <std::size_t D>
class bipolar;
template <std::size_t B, std::size_t L>
class sparse;

/// Whether unbind is bind's exact inverse in an abelian group and permute distributes over bind,
/// so that an n-gram can be updated by rotate, unbind the oldest, bind the newest, bit for bit.
template <class V>
inline constexpr bool exact_ngram_update = false;
template <std::size_t D>
inline constexpr bool exact_ngram_update<binary<D>> = true;
template <std::size_t D>
inline constexpr bool exact_ngram_update<bipolar<D>> = true;
template <std::size_t B, std::size_t L>
inline constexpr bool exact_ngram_update<sparse<B, L>> = true;

/// Families whose accumulator counts votes of sign bits (binary, bipolar): the n-gram stream runs
/// on packed bits.
template <class V>
concept vote_family = hypervector<V> && requires(const V& v, std::uint64_t* scratch) {
    { accumulator<V>::sign_bits(v, scratch) } -> std::same_as<const std::uint64_t*>;
    { accumulator<V>::from_sign_bits(scratch, v.dim()) } -> std::same_as<V>;
} && std::derived_from<accumulator<V>, vote_accumulator<accumulator<V>, V>>;

/// The reference n-gram of a window x_0 .. x_{n-1} (oldest first): x_{n-1} (x) rho(x_{n-2}) (x)
/// ... (x) rho^{n-1}(x_0), bound left to right from the newest. Throws empty_input for an empty
/// window.
template <hypervector V>
V ngram_naive(std::span<const V> window) {
    if (window.empty()) throw empty_input("ngram_naive: empty window");
    const std::size_t n = window.size();
    V g = window[n - 1];
    for (std::size_t i = 1; i < n; ++i)
        g = bind(g, permute(window[n - 1 - i], static_cast<std::ptrdiff_t>(i)));
    return g;
}

namespace detail {

/// out = rho(in) ^ a ^ b over dim packed bits (rho: bit i -> i + 1, bit dim - 1 -> 0); b may be
/// null. Bits past dim stay zero. in and out must not overlap.
inline void rotate1_xor(const std::uint64_t* in, const std::uint64_t* a, const std::uint64_t* b,
                        std::uint64_t* out, std::size_t dim) noexcept {
    const std::size_t words = (dim + 63) / 64;
    const std::uint64_t top = (in[(dim - 1) / 64] >> ((dim - 1) % 64)) & 1u;
    if (b != nullptr) {
        out[0] = ((in[0] << 1) | top) ^ a[0] ^ b[0];
        for (std::size_t w = 1; w < words; ++w)
            out[w] = ((in[w] << 1) | (in[w - 1] >> 63)) ^ a[w] ^ b[w];
    } else {
        out[0] = ((in[0] << 1) | top) ^ a[0];
        for (std::size_t w = 1; w < words; ++w) out[w] = ((in[w] << 1) | (in[w - 1] >> 63)) ^ a[w];
    }
    if (dim % 64 != 0) out[words - 1] &= (std::uint64_t{1} << (dim % 64)) - 1;
}

/// Open-addressing counter of 64-bit keys (linear probing, power-of-two capacity, key and
/// count side by side so a probe touches one cache line).
class key_counter {
public:
    explicit key_counter(std::size_t expected) {
        std::size_t cap = 64;
        while (cap < 2 * expected && cap < (std::size_t{1} << 40)) cap *= 2;
        slots_.assign(cap, slot{});
    }
    /// Counts key once more (key < 2^64 - 1).
    void add(std::uint64_t key) {
        const std::uint64_t stored = key + 1;  // 0 marks an empty slot
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(mix64(key)) & mask;
        while (slots_[i].key != 0 && slots_[i].key != stored) i = (i + 1) & mask;
        ++slots_[i].count;
        if (slots_[i].key == 0) {
            slots_[i].key = stored;
            if (++used_ * 2 > slots_.size()) grow();
        }
    }
    /// (key, count) pairs sorted by key.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted() const {
        std::vector<std::pair<std::uint64_t, std::uint32_t>> out;
        out.reserve(used_);
        for (const slot& s : slots_)
            if (s.key != 0) out.emplace_back(s.key - 1, s.count);
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    struct slot {
        std::uint64_t key = 0;
        std::uint32_t count = 0;
    };
    void grow() {
        std::vector<slot> slots(slots_.size() * 2);
        const std::size_t mask = slots.size() - 1;
        for (const slot& s : slots_) {
            if (s.key == 0) continue;
            std::size_t i = static_cast<std::size_t>(mix64(s.key - 1)) & mask;
            while (slots[i].key != 0) i = (i + 1) & mask;
            slots[i] = s;
        }
        slots_.swap(slots);
    }

    std::vector<slot> slots_;
    std::size_t used_ = 0;
};

}  // namespace detail

/// Symbol ids of a stream: 0 .. symbols() - 1 of an ngram_encoder.
using symbol_id = std::uint32_t;

/// The n-grams of symbol streams over a fixed codebook of atoms (one per symbol id). Holds
/// rho^k(x_s) for k = 0 .. n, so no window is ever permuted again. See the file comment for which
/// families stream in O(D) per symbol.
template <hypervector V>
class ngram_encoder {
public:
    using vector_type = V;
    using shape_type = typename V::shape_type;

    /// n-grams of order n over the given atoms (symbol id i is atoms[i]). Throws empty_input for
    /// no atoms, invalid_parameter for n = 0 or n > 64, dimension_mismatch if the atoms' shapes
    /// differ. Keeps n + 1 rotations of every atom (and, for vote families, their sign bits).
    ngram_encoder(std::vector<V> atoms, std::size_t n) : n_(n) {
        if (atoms.empty()) throw empty_input("ngram_encoder: no atoms");
        if (n == 0) throw invalid_parameter("ngram_encoder: the order n must be at least 1");
        if (n > 64) throw invalid_parameter("ngram_encoder: order " + std::to_string(n) + " > 64");
        shape_ = atoms[0].shape();
        for (const V& a : atoms)
            if (!(a.shape() == shape_))
                throw dimension_mismatch("ngram_encoder", atoms[0].dim(), a.dim());
        symbols_ = atoms.size();
        rotated_.reserve((n + 1) * symbols_);
        for (std::size_t k = 0; k <= n; ++k)
            for (const V& a : atoms)
                rotated_.push_back(k == 0 ? a : permute(a, static_cast<std::ptrdiff_t>(k)));
        // The counting key of a window is its base-symbols() number; usable while that fits.
        radix_ok_ = true;
        std::uint64_t p = 1;
        for (std::size_t k = 0; k < n; ++k) {
            if (p > std::numeric_limits<std::uint64_t>::max() / 2 / symbols_) radix_ok_ = false;
            else p *= symbols_;
        }
        modulus_ = p;
        if constexpr (vote_family<V>) {
            words_ = (atoms[0].dim() + 63) / 64;
            stride_ = padded_count<std::uint64_t>(words_);
            bits_ = aligned_buffer<std::uint64_t>((n + 1) * symbols_ * stride_);
            for (std::size_t i = 0; i < rotated_.size(); ++i) {
                aligned_buffer<std::uint64_t> scratch(stride_);
                const std::uint64_t* b = accumulator<V>::sign_bits(rotated_[i], scratch.data());
                std::copy(b, b + words_, bits_.data() + i * stride_);
            }
        }
    }

    /// The order n.
    std::size_t order() const noexcept { return n_; }
    /// Number of symbols (atoms).
    std::size_t symbols() const noexcept { return symbols_; }
    /// The shape of every vector it makes.
    const shape_type& shape() const noexcept { return shape_; }
    /// rho^k(x_s), 0 <= k <= n. No bounds check.
    const V& rotated(std::size_t k, symbol_id s) const noexcept { return rotated_[k * symbols_ + s]; }
    /// Whether this family streams in O(D) per symbol (exact_ngram_update).
    static constexpr bool streams() noexcept { return exact_ngram_update<V>; }
    /// Whether accumulate_counted() can count windows (symbols()^n fits 63 bits).
    bool countable() const noexcept { return radix_ok_; }

    /// The n-gram of one window of exactly n symbols (oldest first): n - 1 bindings of the
    /// precomputed rotations. Throws invalid_parameter for a wrong length or unknown symbol.
    V gram(std::span<const symbol_id> window) const {
        if (window.size() != n_)
            throw invalid_parameter("ngram_encoder::gram: window of " +
                                    std::to_string(window.size()) + " symbols, order is " +
                                    std::to_string(n_));
        check_symbols(window);
        return gram_unchecked(window.data());
    }

    /// Calls f(const V& g) with the n-gram of every window of n consecutive symbols, in order
    /// (nothing for fewer than n symbols). Streaming families update in O(D) per symbol; the
    /// others bind n - 1 precomputed rotations. Throws invalid_parameter for an unknown symbol
    /// id, before calling f.
    template <class F>
    void for_each(std::span<const symbol_id> text, F&& f) const {
        check_symbols(text);
        if (text.size() < n_) return;
        if constexpr (exact_ngram_update<V>) {
            V g = rotated(0, text[0]);
            if (n_ == 1) f(std::as_const(g));
            for (std::size_t t = 1; t < text.size(); ++t) {
                g = permute(g, 1);
                if (t >= n_) g = unbind(g, rotated(n_, text[t - n_]));
                g = bind(g, rotated(0, text[t]));
                if (t + 1 >= n_) f(std::as_const(g));
            }
        } else {
            for (std::size_t t = n_ - 1; t < text.size(); ++t)
                f(gram_unchecked(text.data() + t + 1 - n_));
        }
    }

    /// Vote families: calls f(const std::uint64_t* bits) with the sign bits of every n-gram, in
    /// order: one fused rotate-and-XOR pass per symbol, no allocation. The pointer is valid
    /// during the call only. Throws invalid_parameter for an unknown symbol id, before calling f.
    template <class F>
        requires vote_family<V>
    void for_each_sign_bits(std::span<const symbol_id> text, F&& f) const {
        check_symbols(text);
        if (text.size() < n_) return;
        aligned_buffer<std::uint64_t> buf(2 * stride_);
        std::uint64_t* cur = buf.data();
        std::uint64_t* next = cur + stride_;
        const std::size_t dim = dimension();
        std::copy(bit_row(0, text[0]), bit_row(0, text[0]) + words_, cur);
        if (n_ == 1) f(static_cast<const std::uint64_t*>(cur));
        for (std::size_t t = 1; t < text.size(); ++t) {
            const std::uint64_t* old = t >= n_ ? bit_row(n_, text[t - n_]) : nullptr;
            detail::rotate1_xor(cur, bit_row(0, text[t]), old, next, dim);
            std::swap(cur, next);
            if (t + 1 >= n_) f(static_cast<const std::uint64_t*>(cur));
        }
    }

    /// Adds the n-gram of every window to acc (the n-gram statistics of the text, section 6.1
    /// step 4), streaming. Throws invalid_parameter for an unknown symbol id or a sum beyond
    /// the accumulator's limit and dimension_mismatch for an accumulator of another dimension,
    /// all before any change: the windows are summed in a fresh accumulator that is merged
    /// into acc at the end (one O(D) merge per call).
    void accumulate(std::span<const symbol_id> text, accumulator<V>& acc) const {
        check_symbols(text);
        detail::check_same_dim("ngram_encoder::accumulate", dimension(), acc.dim());
        if (text.size() < n_) return;
        accumulator<V> local(shape_);
        add_windows(text, local);
        acc.merge(local);  // all or nothing
    }

    /// The same sums as accumulate(), by the counting tip: each distinct window is built once and
    /// added with its count. Faster when windows repeat (long texts); falls back to accumulate()
    /// when !countable(). For families with floating-point sums the result may differ from
    /// accumulate() by rounding (a different order of addition), never by more.
    void accumulate_counted(std::span<const symbol_id> text, accumulator<V>& acc) const {
        const std::size_t end = text.size();
        accumulate_counted(text, std::span<const std::size_t>(&end, 1), acc);
    }

    /// accumulate_counted() of several texts at once: `text` holds them one after the other,
    /// text i ending (exclusive) at ends[i], so no window crosses from one to the next (e.g. the
    /// sentences of a training file). ends must increase and the last must be text.size():
    /// else invalid_parameter. Like accumulate(), a refused sum changes nothing: the texts are
    /// summed apart and merged into acc at the end.
    void accumulate_counted(std::span<const symbol_id> text, std::span<const std::size_t> ends,
                            accumulator<V>& acc) const {
        check_symbols(text);
        check_ends(text, ends);
        detail::check_same_dim("ngram_encoder::accumulate_counted", dimension(), acc.dim());
        if (!radix_ok_ || text.size() >= (std::size_t{1} << 32)) {
            accumulator<V> local(shape_);
            std::size_t begin = 0;
            for (std::size_t e : ends) {
                if (e - begin >= n_) add_windows(text.subspan(begin, e - begin), local);
                begin = e;
            }
            acc.merge(local);  // all or nothing
            return;
        }
        const auto counts = count(text, ends);
        if (counts.empty()) return;
        std::vector<symbol_id> window(n_);
        if constexpr (vote_family<V>) {
            // Count c = sum of 2^k b_k: the n-gram is a unit vote (bit-sliced, a few word
            // operations per 64 positions) in part k for each set bit, and the parts are
            // combined by Horner's rule, sum = 2 (... 2 (2 part_K + part_{K-1}) ...) + part_0,
            // doubling by merging a part with itself. The sums equal accumulate()'s.
            std::uint32_t largest = 0;
            for (const auto& kc : counts) largest = std::max(largest, kc.second);
            const auto parts_count = static_cast<std::size_t>(std::bit_width(largest));
            std::vector<accumulator<V>> parts(parts_count, accumulator<V>(acc.dim()));
            // Keys come sorted, so consecutive windows share their oldest symbols: prefix[k]
            // holds the XOR of the rotations of window[0 .. k-1] and only the part after the
            // common prefix is recomputed (about one pass per distinct n-gram instead of n - 1).
            aligned_buffer<std::uint64_t> prefix((n_ + 1) * stride_);
            std::vector<symbol_id> previous(n_, 0);
            std::size_t valid = 0;  // prefix[0 .. valid] are up to date
            for (const auto& [key, c] : counts) {
                decode(key, window.data());
                std::size_t same = 0;
                while (same < valid && same < n_ && window[same] == previous[same]) ++same;
                for (std::size_t k = same; k < n_; ++k) {
                    const std::uint64_t* r = bit_row(n_ - 1 - k, window[k]);
                    const std::uint64_t* in = prefix.data() + k * stride_;
                    std::uint64_t* out = prefix.data() + (k + 1) * stride_;
                    if (k == 0)
                        std::copy(r, r + words_, out);
                    else
                        for (std::size_t w = 0; w < words_; ++w) out[w] = in[w] ^ r[w];
                }
                valid = n_;
                previous = window;
                const std::uint64_t* g = prefix.data() + n_ * stride_;
                for (std::uint32_t rest = c; rest != 0; rest &= rest - 1)
                    parts[static_cast<std::size_t>(std::countr_zero(rest))].add_sign_bits(g);
            }
            accumulator<V> total = std::move(parts.back());
            for (std::size_t k = parts_count - 1; k-- > 0;) {
                total.merge(total);
                total.merge(parts[k]);
            }
            acc.merge(total);
        } else {
            accumulator<V> local(shape_);
            for (const auto& [key, c] : counts) {
                decode(key, window.data());
                local.add(gram_unchecked(window.data()), static_cast<double>(c));
            }
            acc.merge(local);  // all or nothing
        }
    }

    /// The distinct windows of a text with their counts, sorted by key (a window's key is its
    /// symbols read as a base-symbols() number, oldest first). Throws invalid_parameter when
    /// !countable() or for an unknown symbol.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> count(std::span<const symbol_id> text) const {
        const std::size_t end = text.size();
        return count(text, std::span<const std::size_t>(&end, 1));
    }
    /// The distinct windows of several texts (laid out as for accumulate_counted with ends).
    std::vector<std::pair<std::uint64_t, std::uint32_t>> count(std::span<const symbol_id> text,
                                                               std::span<const std::size_t> ends) const {
        if (!radix_ok_)
            throw invalid_parameter("ngram_encoder::count: symbols^n does not fit 63 bits");
        check_symbols(text);
        check_ends(text, ends);
        if (text.size() >= (std::size_t{1} << 32))
            throw invalid_parameter("ngram_encoder::count: texts of 2^32 symbols or more are not counted");
        if (text.size() < n_) return {};
        const std::uint64_t low_modulus = modulus_ / symbols_;  // symbols^(n-1)
        const auto for_each_key = [&](auto&& f) {
            std::size_t begin = 0;
            for (std::size_t end : ends) {
                std::uint64_t key = 0;
                for (std::size_t t = begin; t < end; ++t) {
                    // Drop the oldest digit, shift, add the newest: < symbols^n, no overflow.
                    if (t - begin >= n_) key -= low_modulus * text[t - n_];
                    key = key * symbols_ + text[t];
                    if (t + 1 - begin >= n_) f(key);
                }
                begin = end;
            }
        };
        std::vector<std::pair<std::uint64_t, std::uint32_t>> out;
        if (modulus_ <= dense_count_limit && modulus_ <= 4 * text.size()) {
            // A dense table (at most 16 MB) is faster than hashing and comes out sorted.
            std::vector<std::uint32_t> table(static_cast<std::size_t>(modulus_), 0);
            for_each_key([&](std::uint64_t key) { ++table[static_cast<std::size_t>(key)]; });
            for (std::size_t k = 0; k < table.size(); ++k)
                if (table[k] != 0) out.emplace_back(k, table[k]);
            return out;
        }
        detail::key_counter counter(std::min<std::size_t>(text.size(), std::size_t{1} << 12));
        for_each_key([&](std::uint64_t key) { counter.add(key); });
        return counter.sorted();
    }

    /// The window (oldest first, n symbols) of a counting key.
    void decode(std::uint64_t key, symbol_id* window) const noexcept {
        for (std::size_t i = n_; i-- > 0;) {
            window[i] = static_cast<symbol_id>(key % symbols_);
            key /= symbols_;
        }
    }

private:
    /// Streams the windows of text (checked, at least n symbols) into acc, which may be left
    /// partly updated if a sum is refused: callers pass a fresh accumulator.
    void add_windows(std::span<const symbol_id> text, accumulator<V>& acc) const {
        if constexpr (vote_family<V>) {
            for_each_sign_bits(text, [&](const std::uint64_t* bits) { acc.add_sign_bits(bits); });
        } else {
            for_each(text, [&](const V& g) { acc.add(g); });
        }
    }

    /// Windows are counted in a dense table up to this many possible keys (27^4 fits).
    static constexpr std::uint64_t dense_count_limit = std::uint64_t{1} << 22;

    std::size_t dimension() const noexcept { return rotated_[0].dim(); }

    static void check_ends(std::span<const symbol_id> text, std::span<const std::size_t> ends) {
        std::size_t previous = 0;
        for (std::size_t i = 0; i < ends.size(); ++i) {
            if (ends[i] < previous || ends[i] > text.size())
                throw invalid_parameter("ngram_encoder: text end " + std::to_string(ends[i]) +
                                        " (index " + std::to_string(i) +
                                        ") is out of order or beyond the text of " +
                                        std::to_string(text.size()) + " symbols");
            previous = ends[i];
        }
        if (previous != text.size())
            throw invalid_parameter("ngram_encoder: the last text end " + std::to_string(previous) +
                                    " is not the text length " + std::to_string(text.size()));
    }

    void check_symbols(std::span<const symbol_id> text) const {
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] >= symbols_)
                throw invalid_parameter("ngram_encoder: symbol id " + std::to_string(text[i]) +
                                        " at position " + std::to_string(i) + " is not below " +
                                        std::to_string(symbols_));
    }

    V gram_unchecked(const symbol_id* window) const {
        V g = rotated(0, window[n_ - 1]);
        for (std::size_t i = 1; i < n_; ++i) g = bind(g, rotated(i, window[n_ - 1 - i]));
        return g;
    }

    const std::uint64_t* bit_row(std::size_t k, symbol_id s) const noexcept {
        return bits_.data() + (k * symbols_ + s) * stride_;
    }
    /// The sign bits of a window's n-gram: XOR of the precomputed rotations.
    void gram_bits(const symbol_id* window, std::uint64_t* out) const noexcept {
        const std::uint64_t* first = bit_row(0, window[n_ - 1]);
        std::copy(first, first + words_, out);
        for (std::size_t i = 1; i < n_; ++i) {
            const std::uint64_t* r = bit_row(i, window[n_ - 1 - i]);
            for (std::size_t w = 0; w < words_; ++w) out[w] ^= r[w];
        }
    }

    std::size_t n_;
    std::size_t symbols_ = 0;
    shape_type shape_{};
    std::vector<V> rotated_;  // rho^k(x_s) at k * symbols_ + s, k = 0 .. n
    bool radix_ok_ = false;
    std::uint64_t modulus_ = 1;  // symbols_^n
    // Vote families: the sign bits of rotated_, one padded row each.
    std::size_t words_ = 0, stride_ = 0;
    aligned_buffer<std::uint64_t> bits_;
};

}  // namespace hdc
