// hdc/core/rng.hpp - portable, counter-based, splittable random generator.
//
// Draw i of a generator with key k is a pure function bits(k, i): two rounds of the SplitMix64 /
// Stafford "mix13" finaliser over a Weyl step. Being counter-based it has random access (at),
// fills buffers in any order or in SIMD lanes with identical results, and splits into
// independent children by deriving new keys. Nothing here uses std::*_distribution (whose
// output is implementation-defined): every mapping from bits to values is written out, and the
// floating-point ones use only correctly rounded IEEE operations and explicit fma, so a seed
// yields bit-identical values on every conforming platform and with any -ffp-contract setting.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "error.hpp"

namespace hdc {
namespace detail {

inline constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15ull;

/// Stafford's mix13 finaliser (as in SplitMix64): a bijection with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// The counter-based block function: the i-th 64-bit output of the stream keyed by key.
constexpr std::uint64_t counter_bits(std::uint64_t key, std::uint64_t i) noexcept {
    return mix64(mix64(key + (i + 1) * golden_gamma) ^ key);
}

/// 64-bit FNV-1a of a byte string, finalised by mix64 so that short names spread well.
constexpr std::uint64_t hash_name(std::string_view s) noexcept {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return mix64(h);
}

/// Combines a seed and a stream number into a key (order matters).
constexpr std::uint64_t make_key(std::uint64_t seed, std::uint64_t stream) noexcept {
    return mix64(mix64(seed ^ 0x6A09E667F3BCC909ull) + stream * golden_gamma + 0x3C6EF372FE94F82Bull);
}

/// Natural logarithm of x > 0 with explicit fma throughout, so its result does not depend on the
/// platform's libm or on floating-point contraction. Accurate to a few ulp.
inline double portable_log(double x) noexcept {
    int e = 0;
    double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1): exact
    if (m < 0.70710678118654752440) {
        m *= 2.0;  // exact
        --e;
    }
    // log(m) = 2 atanh(f), f = (m - 1)/(m + 1), |f| < 0.1716
    const double f = (m - 1.0) / (m + 1.0);
    const double f2 = f * f;
    double p = 1.0 / 25.0;
    for (int k = 11; k >= 0; --k) p = std::fma(p, f2, 1.0 / (2 * k + 1));
    const double log_m = 2.0 * f * p;
    constexpr double ln2_hi = 6.93147180369123816490e-01;  // exact in 32 bits
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    return std::fma(static_cast<double>(e), ln2_hi, std::fma(static_cast<double>(e), ln2_lo, log_m));
}

/// exp(x) for x <= 0 with explicit fma throughout, independent of the platform's libm (a few
/// ulp); 0 below -745.
inline double portable_exp_nonpositive(double x) noexcept {
    if (!(x > -745.0)) return 0.0;
    constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double k = std::nearbyint(x / 0.69314718055994530942);
    const double r = std::fma(-k, ln2_lo, std::fma(-k, ln2_hi, x));  // |r| <= ~0.35
    double p = 1.0 / 6227020800.0;                                   // 1/13!
    constexpr double inv_fact[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                   1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                   1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                   1.0};
    for (double c : inv_fact) p = std::fma(p, r, c);
    return std::ldexp(p, static_cast<int>(k));
}

}  // namespace detail

/// Portable counter-based random generator; also a UniformRandomBitGenerator.
class rng {
public:
    using result_type = std::uint64_t;

    /// Generator for (seed, stream). Different streams of one seed are independent.
    explicit constexpr rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept
        : key_(detail::make_key(seed, stream)) {}

    /// Generator for a raw key, as produced by key() or by symbol hashing.
    static constexpr rng from_key(std::uint64_t key, std::uint64_t counter = 0) noexcept {
        rng g;
        g.key_ = key;
        g.counter_ = counter;
        return g;
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    /// The next 64 random bits.
    constexpr result_type operator()() noexcept { return detail::counter_bits(key_, counter_++); }

    /// Draw number index of this stream, without changing the state.
    constexpr result_type at(std::uint64_t index) const noexcept {
        return detail::counter_bits(key_, index);
    }

    /// Fills out with the next out.size() draws (equal to calling operator() that many times).
    void fill(std::span<std::uint64_t> out) noexcept {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = at(counter_ + i);
        counter_ += out.size();
    }

    /// Skips n draws.
    constexpr void discard(std::uint64_t n) noexcept { counter_ += n; }

    /// A child generator, independent of this one and of every other child; advances this one.
    constexpr rng split() noexcept {
        const std::uint64_t child = detail::mix64(operator()() ^ 0xA54FF53A5F1D36F1ull);
        return from_key(child);
    }

    /// Uniform double in [0, 1) with 53 random bits.
    constexpr double uniform() noexcept {
        return static_cast<double>(operator()() >> 11) * 0x1.0p-53;
    }

    /// Uniform double in [-1, 1): symmetric, 53 random bits, exact.
    constexpr double uniform_signed() noexcept {
        return static_cast<double>(static_cast<std::int64_t>(operator()()) >> 10) * 0x1.0p-53;
    }

    /// Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n must be positive.
    std::uint64_t below(std::uint64_t n) {
        if (n == 0) throw invalid_parameter("rng::below: the range size must be positive");
        for (;;) {
            __extension__ using u128 = unsigned __int128;  // GCC/Clang; exact 64x64 -> 128 product
            const u128 m = static_cast<u128>(operator()()) * n;
            const std::uint64_t low = static_cast<std::uint64_t>(m);
            if (low >= n || low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
        }
    }

    /// Standard normal deviate (Marsaglia's polar method on exact integer coordinates).
    double normal() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        for (;;) {
            // 26-bit signed integer coordinates: x^2 + y^2 is exact in 64-bit integers and in double.
            const std::int64_t x = static_cast<std::int64_t>(operator()() >> 38) - (1ll << 25);
            const std::int64_t y = static_cast<std::int64_t>(operator()() >> 38) - (1ll << 25);
            const std::int64_t r2 = x * x + y * y;
            if (r2 == 0 || r2 >= (1ll << 50)) continue;
            const double s = static_cast<double>(r2) * 0x1.0p-50;  // in (0, 1), exact
            const double factor = std::sqrt(-2.0 * detail::portable_log(s) / s);
            spare_ = static_cast<double>(y) * 0x1.0p-25 * factor;
            has_spare_ = true;
            return static_cast<double>(x) * 0x1.0p-25 * factor;
        }
    }

    /// The stream's key (with counter(), enough to reconstruct the generator with from_key).
    constexpr std::uint64_t key() const noexcept { return key_; }
    /// How many draws have been taken.
    constexpr std::uint64_t counter() const noexcept { return counter_; }

    friend constexpr bool operator==(const rng& a, const rng& b) noexcept {
        return a.key_ == b.key_ && a.counter_ == b.counter_ && a.has_spare_ == b.has_spare_ &&
               (!a.has_spare_ || a.spare_ == b.spare_);
    }

private:
    std::uint64_t key_ = 0;
    std::uint64_t counter_ = 0;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace hdc
