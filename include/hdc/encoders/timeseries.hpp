// hdc/encoders/timeseries.hpp - MiniROCKET and HDC-MiniROCKET: time series to 9,996 features.
//
// MiniROCKET (Dempster, Schmidt, Webb 2021) convolves every series with 84 fixed kernels of
// length 9 (weight -1 at six positions, +2 at three: the C(9,3) placements of the +2's) at up to
// 32 exponentially spaced dilations, and pools each response against biases drawn as
// low-discrepancy quantiles of the response of a random training series: a feature is the
// proportion of positive values (PPV) of C[t] - b. HDC-MiniROCKET (Schlegel, Neubert, Protzel
// 2022) sees PPV as bundling the thresholded responses over time and binds every time step to a
// timestamp hypervector first, so the features also say *when* the kernel fired:
//   y_f = mean over t of (1 - 2 [C_f[t] > b_f]) * P_t[f],
//   P_t[f] = sqrt(2) cos(pi u_f s t' + phi_f),  t' = t / (L - 1),  u_f ~ U(-1, 1), phi_f ~ U(0, 2 pi)
// (fractional power encoding with a sinc similarity kernel: timestamps s-apart in relative time
// are orthogonal). At s = 0 every P_t[f] is the constant sqrt(2) cos(phi_f), so y_f =
// sqrt(2) cos(phi_f) (1 - 2 PPV_f): MiniROCKET's features up to an affine map per feature.
//
// Exactly as the reference code (ALGORITHMS.md 5.1): features_per_kernel = floor(features / 84)
// (119 -> 9,996 features); dilations floor(2^linspace(0, log2((L - 1) / 8), min(32, 119))) with
// duplicates merged, each distinct dilation getting floor(count * 119 / 32) features and the
// remainder handed out one by one from the smallest; the response of kernel k at dilation index
// di uses the whole zero-padded output when di + k is even and only the valid part
// [4 d, T - 4 d) otherwise; biases are the quantiles (numpy's linear rule) of the full padded
// response of one training series drawn at random per (dilation, kernel), at the levels
// frac(i * golden ratio), i = 1 .. 9,996 in feature order.
//
// Library rules on top of the reference:
//   * every channel of every series is z-normalised (mean 0, standard deviation 1; a constant
//     channel becomes zeros) before anything else, as the recommended defaults say
//     (minirocket_options::normalize turns it off);
//   * multivariate series follow MiniROCKET's multivariate rule: every (dilation, kernel) pair
//     draws floor(2^U(0, log2(min(channels, 9) + 1))) distinct channels, and its response is the
//     sum of the channels' responses;
//   * unequal lengths: dilations come from the reference length L = the longest training series;
//     every series is convolved at those dilations whatever its length (zero padding makes the
//     full response defined for any length), and a feature whose valid part [4 d, T - 4 d) is
//     empty for a short series uses the full response instead. Timestamps count steps from the
//     start of each series, scaled by the reference length: t' = t / (L - 1) (t' = t for L = 1),
//     so t' runs over [0, 1] for series of the reference length (every series of an
//     equal-length set: the published definition) and over part of it, or beyond, for shorter
//     or longer ones. The same timestamp vectors then serve every length;
//   * series shorter than 9 (L < 9) get the single dilation 1 (the reference's exponent would
//     be negative).
// Cost: series are transformed in batches of one length (up to 64 series), one dilation at a
// time; the timestamp rows of a dilation's (dilation, kernel) pairs are generated once per
// transform call (up to 64 MB per dilation, then per batch), at the longest length (32 start values per feature, then a three-term
// recurrence; a shorter series reads the start of each row, which is the same whatever the
// length), and serve every batch, two series per pass. Threads take equal shares of the
// features (contiguous pairs), so sets of unequal lengths split as evenly as equal ones.
// Randomness comes from hdc::rng only (seeded: one stream picks the bias series, one the channel
// combinations, one the timestamp phases), so a seed gives the same features on every machine;
// the hot loops are the rocket_* kernels of simd/rocket.hpp, identical on every SIMD path; the
// thread count splits the features and never changes a bit.
#pragma once

#include <algorithm>
#include <atomic>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "../core/error.hpp"
#include "../core/parallel.hpp"
#include "../core/rng.hpp"
#include "../models/samples.hpp"
#include "../simd/rocket.hpp"
#include "../simd/rotation.hpp"
#include "series.hpp"

namespace hdc {

/// Parameters of the MiniROCKET transform (the defaults are the reference's).
struct minirocket_options {
    /// Features asked for: 84 * floor(features / 84) are produced (10,000 -> 9,996). At least 84,
    /// at most 1,000,000 (minirocket::max_features: 4 MB of features per series, 100 times the
    /// reference's count).
    std::size_t features = 10000;
    /// Most dilations per kernel (before duplicates are merged). At least 1.
    std::size_t max_dilations = 32;
    /// z-normalise every channel of every series first (recommended; the UCR archive's series
    /// mostly are already). Without it, values must stay within +-minirocket::max_raw_value
    /// (a response sums up to 18 x |value| per channel and up to nine channels: beyond that it
    /// could overflow the float range).
    bool normalize = true;
    /// Seed of the bias series, channel combinations and timestamp phases.
    std::uint64_t seed = 0;
    /// Threads of transform (0: all hardware threads); never changes the result.
    unsigned threads = 1;
};

namespace rocket {

/// Number of MiniROCKET kernels: the C(9,3) placements of three +2 weights among nine.
inline constexpr std::size_t kernel_count = 84;
/// Length of every kernel.
inline constexpr std::size_t kernel_length = 9;

/// The +2 positions of the 84 kernels, in lexicographic order ({0,1,2}, {0,1,3}, ..., {6,7,8}),
/// as the reference's index table.
inline const std::array<std::array<std::uint8_t, 3>, kernel_count>& kernel_positions() noexcept {
    static const auto table = [] {
        std::array<std::array<std::uint8_t, 3>, kernel_count> t{};
        std::size_t k = 0;
        for (std::uint8_t a = 0; a < 9; ++a)
            for (std::uint8_t b = a + 1; b < 9; ++b)
                for (std::uint8_t c = b + 1; c < 9; ++c) t[k++] = {a, b, c};
        return t;
    }();
    return table;
}

/// The dilations of a reference length and the features each one gets per kernel.
struct dilation_plan {
    std::vector<std::size_t> dilations;              ///< increasing, distinct
    std::vector<std::size_t> features_per_dilation;  ///< per kernel, summing to features_per_kernel
};

namespace detail {

/// Double-double arithmetic (value = hi + lo, |lo| <= ulp(hi) / 2) with explicit fma: about 106
/// bits, the same on every machine. The dilation grid below uses it to round log2 and exp2
/// correctly, where libm's results may differ by an ulp between platforms.
struct dd {
    double hi, lo;
};
/// a + b exactly, as a normalised pair.
inline dd dd_two_sum(double a, double b) noexcept {
    const double s = a + b, bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}
inline dd dd_add(dd a, dd b) noexcept {
    const dd s = dd_two_sum(a.hi, b.hi);
    return dd_two_sum(s.hi, s.lo + a.lo + b.lo);
}
inline dd dd_mul(dd a, dd b) noexcept {
    const double p = a.hi * b.hi;
    const double e = std::fma(a.hi, b.hi, -p);
    return dd_two_sum(p, std::fma(a.hi, b.lo, std::fma(a.lo, b.hi, e)));
}
inline dd dd_div(dd a, dd b) noexcept {
    const double q1 = a.hi / b.hi;
    const dd r = dd_add(a, dd_mul({-q1, 0.0}, b));
    const double q2 = r.hi / b.hi;
    const dd r2 = dd_add(r, dd_mul({-q2, 0.0}, b));
    return dd_add(dd_two_sum(q1, q2), {r2.hi / b.hi, 0.0});
}
/// ln 2 to 106 bits.
inline constexpr dd dd_ln2{6.93147180559945286227e-01, 2.31904681384629955842e-17};

/// log2(x) for finite x > 0, rounded correctly to double (but for values within ~2^-100 of a
/// rounding boundary).
inline double portable_log2(double x) noexcept {
    int e = 0;
    double m = std::frexp(x, &e);  // exact: x = m 2^e, m in [0.5, 1)
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        --e;
    }
    // ln m = 2 atanh(t), t = (m - 1) / (m + 1), |t| < 0.172: 24 terms reach 2^-120.
    const dd t = dd_div({m - 1.0, 0.0}, dd_two_sum(m, 1.0));  // m - 1 is exact
    const dd t2 = dd_mul(t, t);
    dd sum{0.0, 0.0};
    for (int k = 24; k >= 0; --k) sum = dd_add(dd_div({1.0, 0.0}, {2.0 * k + 1.0, 0.0}), dd_mul(sum, t2));
    const dd ln_m = dd_mul(dd_mul(t, sum), {2.0, 0.0});
    const dd r = dd_add({static_cast<double>(e), 0.0}, dd_div(ln_m, dd_ln2));
    return r.hi;
}

/// 2^x for 0 <= x < 1024, rounded correctly to double (but for values within ~2^-100 of a
/// rounding boundary).
inline double portable_exp2(double x) noexcept {
    const double k = std::floor(x);
    const dd y = dd_mul({x - k, 0.0}, dd_ln2);  // x - k is exact; y in [0, ln 2)
    dd sum{1.0, 0.0}, term{1.0, 0.0};
    for (int n = 1; n <= 30; ++n) {  // y^30 / 30! < 2^-110
        term = dd_div(dd_mul(term, y), {static_cast<double>(n), 0.0});
        sum = dd_add(sum, term);
    }
    return std::ldexp(sum.hi, static_cast<int>(k));  // scaling by 2^k is exact
}

}  // namespace detail

/// floor(2^e_i), e_i the i-th of `count` points of numpy's linspace(0, log2((length - 1) / 8))
/// (0 below length 10): start + i * step, step = stop / (count - 1), the last point the stop
/// itself, as the reference computes it. log2 and 2^x are rounded correctly (portable_log2,
/// portable_exp2), so the grid is the same on every machine and equals the reference's with a
/// correctly rounding libm: e.g. 2^log2(5) = 4.999999999999999 gives 4, as numpy does.
inline std::size_t dilation_at(std::size_t length, std::size_t i, std::size_t count) {
    if (length <= 9 || count <= 1 || i == 0) return 1;
    const double max_exponent = detail::portable_log2(static_cast<double>(length - 1) / 8.0);
    const double e = i + 1 == count ? max_exponent
                                    : static_cast<double>(i) * (max_exponent / static_cast<double>(count - 1));
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(detail::portable_exp2(e))));
}

/// The reference's _fit_dilations: min(max_dilations, features_per_kernel) exponents
/// linspace(0, log2((length - 1) / 8)) (clamped at 0 below length 9), dilations
/// floor(2^exponent) with duplicates merged and counted; each distinct dilation gets
/// floor(count * features_per_kernel / that many) features and the remainder goes one by one
/// from the smallest dilation, cyclically. Throws invalid_parameter for a zero argument.
inline dilation_plan plan_dilations(std::size_t length, std::size_t features_per_kernel,
                                    std::size_t max_dilations) {
    if (length == 0 || features_per_kernel == 0 || max_dilations == 0)
        throw invalid_parameter("rocket::plan_dilations: length, features per kernel and dilations must be positive");
    const std::size_t count = std::min(features_per_kernel, max_dilations);
    const double multiplier = static_cast<double>(features_per_kernel) / static_cast<double>(count);
    dilation_plan plan;
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t d = dilation_at(length, i, count);
        if (!plan.dilations.empty() && plan.dilations.back() == d) ++counts.back();
        else {
            plan.dilations.push_back(d);
            counts.push_back(1);
        }
    }
    std::size_t assigned = 0;
    for (const std::size_t c : counts) {
        const auto f = static_cast<std::size_t>(static_cast<double>(c) * multiplier);
        plan.features_per_dilation.push_back(f);
        assigned += f;
    }
    for (std::size_t i = 0; assigned < features_per_kernel; i = (i + 1) % counts.size(), ++assigned)
        ++plan.features_per_dilation[i];
    return plan;
}

/// Quantile level of feature f (0-based): frac((f + 1) * golden ratio), as a float (the
/// reference's _quantiles).
inline float quantile_level(std::size_t f) noexcept {
    const double x = static_cast<double>(f + 1) * ((std::sqrt(5.0) + 1.0) / 2.0);
    return static_cast<float>(x - std::floor(x));
}

/// numpy's default ("linear") quantile of sorted values at level q in [0, 1]: the value at
/// position q (n - 1), interpolated between its neighbours (numpy's two-sided lerp).
inline float quantile_sorted(std::span<const float> sorted, double q) {
    if (sorted.empty()) throw empty_input("rocket::quantile_sorted: no values");
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double t = pos - static_cast<double>(lo), a = sorted[lo], b = sorted[hi];
    const double diff = b - a;
    // Explicit fma: a contracted or uncontracted a + diff * t would differ between machines.
    return static_cast<float>(t >= 0.5 ? std::fma(-diff, 1.0 - t, b) : std::fma(diff, t, a));
}

/// Per-dilation buffers of one channel: alpha[t] = sum of the nine shifted -x (the reference's
/// C_alpha, added in its order: -x, then positions 0, 1, 2, 3, 5, 6, 7, 8) and g = 3x with 4 d
/// zeros on each side, so g + i d is 3x shifted to kernel position i.
inline void shifted_sums(std::span<const float> x, std::size_t d, float* alpha, float* g,
                         float* scratch) {
    const std::size_t n = x.size(), pad = 4 * d;
    // scratch: -x with 4 d zeros on each side.
    std::fill(scratch, scratch + pad, 0.0f);
    std::fill(scratch + pad + n, scratch + 2 * pad + n, 0.0f);
    std::fill(g, g + pad, 0.0f);
    std::fill(g + pad + n, g + 2 * pad + n, 0.0f);
    for (std::size_t t = 0; t < n; ++t) {
        scratch[pad + t] = -x[t];
        g[pad + t] = (x[t] + x[t]) + x[t];
    }
    for (std::size_t t = 0; t < n; ++t) alpha[t] = scratch[pad + t];
    for (std::size_t j = 0; j < kernel_length; ++j) {
        if (j == 4) continue;
        const float* s = scratch + j * d;
        for (std::size_t t = 0; t < n; ++t) alpha[t] = alpha[t] + s[t];
    }
}

}  // namespace rocket

namespace detail {

/// Asks the kernel to back [p, p + bytes) with huge pages where it can (Linux; a no-op
/// elsewhere). The features of many short series fill tens of megabytes written once, and on
/// virtual machines a 4 KiB page fault can cost 10-20 us: with 2 MiB pages the first touch of
/// the output goes from a large share of the transform's time to nothing. Only advice: the
/// contents and the result are unchanged whatever the kernel does with it.
inline void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
    if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/// Most floats of timestamp rows the transform generates at once for a dilation (64 MB): on
/// longer series (hundreds of thousands of steps) HDC-MiniROCKET generates each pair's rows per
/// batch instead.
inline constexpr std::size_t rocket_pose_row_budget = std::size_t{1} << 24;

/// Steps of a timestamp row taken from the table; the rest follow by recurrence.
inline constexpr std::size_t rocket_pose_start = 32;

/// What HDC-MiniROCKET's timestamp rows are generated from, per feature f: cos(a_f(t)) for
/// t < 32, a_f(t) = pi u_f s t / (L - 1) + phi_f, and 2 cos(16 delta_f), delta_f the step of
/// a_f. A table of every P_t[f] would be features x length floats (19 MB at length 470), read
/// once per transform call: more than the work on a small test set.
struct rocket_pose_table {
    std::vector<double> start;  // features x rocket_pose_start
    std::vector<double> step;   // 2 cos(16 delta_f)
};

/// rows[j * length + t] = P_t[f0 + j] = sqrt(2) cos(a(t)) for j < m, t < length: the first 32
/// steps from the table, then cos(a + 16 delta) = 2 cos(16 delta) cos(a) - cos(a - 16 delta) in
/// double with an explicit fma (portable bits; relative error ~ (t / 16)^2 ulp, far below float
/// rounding for any series length here), rounded once to float.
inline void rocket_pose_rows(const rocket_pose_table& p, std::size_t f0, std::size_t m, std::size_t length,
                             std::vector<double>& work, float* rows) {
    constexpr double sqrt2 = 1.41421356237309504880;
    constexpr std::size_t lead = rocket_pose_start, lag = rocket_pose_start / 2;
    work.resize(length);
    for (std::size_t j = 0; j < m; ++j) {
        const double* start = p.start.data() + (f0 + j) * lead;
        const double k = p.step[f0 + j];
        double* w = work.data();
        for (std::size_t t = 0; t < length && t < lead; ++t) w[t] = start[t];
        for (std::size_t t = lead; t < length; ++t) w[t] = std::fma(k, w[t - lag], -w[t - lead]);
        float* row = rows + j * length;
        for (std::size_t t = 0; t < length; ++t) row[t] = static_cast<float>(sqrt2 * w[t]);
    }
}

}  // namespace detail

class hdc_minirocket;

/// The MiniROCKET transform: fit(train) draws the biases, transform(series) gives one row of
/// features() PPV values per series. Const members are safe to call concurrently.
class minirocket {
public:
    /// Most features a transform accepts (minirocket_options::features).
    static constexpr std::size_t max_features = 1000000;
    /// Largest magnitude of a value when minirocket_options::normalize is off: a response (up to
    /// 18 x |value| per channel, nine channels summed) stays far inside the float range.
    static constexpr float max_raw_value = 1e36f;

    /// An unfitted transform. Throws invalid_parameter for features < 84 or > max_features, or
    /// max_dilations = 0.
    explicit minirocket(minirocket_options options = {}) : options_(options) {
        if (options.features < rocket::kernel_count || options.features > max_features)
            throw invalid_parameter("minirocket: features must be between 84 (one per kernel) and " +
                                    std::to_string(max_features) + ", got " + std::to_string(options.features));
        if (options.max_dilations == 0) throw invalid_parameter("minirocket: max_dilations must be positive");
    }

    /// Fits dilations (from the longest training series), channel combinations and biases.
    /// Throws empty_input for an empty set. The object is unchanged if it throws.
    void fit(const series_set& train) {
        if (train.empty()) throw empty_input("minirocket::fit: no training series");
        check_range("minirocket::fit", train);
        state next;
        next.channels = train.channels();
        next.reference_length = train.max_length();
        const std::size_t per_kernel = options_.features / rocket::kernel_count;
        auto plan = rocket::plan_dilations(next.reference_length, per_kernel, options_.max_dilations);
        next.dilations = std::move(plan.dilations);
        next.per_dilation = std::move(plan.features_per_dilation);
        const std::size_t nd = next.dilations.size(), combos = nd * rocket::kernel_count;
        next.feature_start.resize(combos + 1, 0);
        for (std::size_t di = 0; di < nd; ++di)
            for (std::size_t k = 0; k < rocket::kernel_count; ++k)
                next.feature_start[di * rocket::kernel_count + k + 1] =
                    next.feature_start[di * rocket::kernel_count + k] + next.per_dilation[di];
        next.features = next.feature_start.back();
        draw_combinations(next, combos);
        fit_biases(next, train);
        st_ = std::make_shared<const state>(std::move(next));
    }

    /// PPV features of every series (rows in input order), with options().threads threads.
    sample_matrix transform(const series_set& x) const { return transform(x, options_.threads); }

    /// As above with `threads` threads (0: all hardware threads); the result never depends on it.
    /// Throws invalid_parameter before fit, dimension_mismatch for another channel count,
    /// empty_input for an empty set.
    sample_matrix transform(const series_set& x, unsigned threads) const {
        check_input("minirocket::transform", x);
        return run(x, threads, nullptr);
    }

    /// True once fit has succeeded.
    bool fitted() const noexcept { return st_ != nullptr; }
    /// The options given at construction.
    const minirocket_options& options() const noexcept { return options_; }
    /// Number of features per series (9,996 by default); 0 before fit.
    std::size_t features() const noexcept { return st_ ? st_->features : 0; }
    /// Channels of the training series; 0 before fit.
    std::size_t channels() const noexcept { return st_ ? st_->channels : 0; }
    /// Length the dilations were computed from (the longest training series); 0 before fit.
    std::size_t reference_length() const noexcept { return st_ ? st_->reference_length : 0; }
    /// The distinct dilations (empty before fit).
    std::vector<std::size_t> dilations() const { return st_ ? st_->dilations : std::vector<std::size_t>{}; }
    /// Features per kernel of each dilation.
    std::vector<std::size_t> features_per_dilation() const {
        return st_ ? st_->per_dilation : std::vector<std::size_t>{};
    }
    /// The biases, one per feature, in feature order (dilation, then kernel, then quantile).
    std::vector<float> biases() const { return st_ ? st_->biases : std::vector<float>{}; }
    /// Channels summed by the (dilation index di, kernel k) pair.
    std::vector<std::uint32_t> combination_channels(std::size_t di, std::size_t k) const {
        if (!st_ || di >= st_->dilations.size() || k >= rocket::kernel_count)
            throw invalid_parameter("minirocket::combination_channels: no such (dilation, kernel) pair");
        const std::size_t c = di * rocket::kernel_count + k;
        return {st_->combo_channels.begin() + static_cast<std::ptrdiff_t>(st_->combo_start[c]),
                st_->combo_channels.begin() + static_cast<std::ptrdiff_t>(st_->combo_start[c + 1])};
    }
    /// Whether feature f pools the whole padded response (true) or only its valid part: the
    /// reference's padding alternation, (dilation index + kernel) even.
    bool full_range(std::size_t f) const {
        const std::size_t c = combo_of(f);
        return (c / rocket::kernel_count + c % rocket::kernel_count) % 2 == 0;
    }

    /// The series as the transform sees it: channel after channel, z-normalised if the options
    /// say so (float, mean and deviation in double).
    std::vector<float> prepared(const series_set& x, std::size_t i) const {
        std::vector<float> out(x.channels() * x.length(i));
        prepare(x, i, out.data());
        return out;
    }

private:
    friend class hdc_minirocket;

    struct state {
        std::size_t channels = 0, reference_length = 0, features = 0;
        std::vector<std::size_t> dilations, per_dilation, feature_start;
        std::vector<std::size_t> combo_start;       // per (di, k) into combo_channels; one past the end last
        std::vector<std::uint32_t> combo_channels;  // channel indices of each pair
        std::vector<float> biases;
    };

    enum stream : std::uint64_t { bias_stream = 1, combination_stream = 2, phase_stream = 3 };

    std::size_t combo_of(std::size_t f) const {
        if (!st_ || f >= st_->features) throw invalid_parameter("minirocket: feature index out of range");
        const auto& s = st_->feature_start;
        return static_cast<std::size_t>(std::upper_bound(s.begin(), s.end(), f) - s.begin()) - 1;
    }

    void check_input(const char* what, const series_set& x) const {
        if (!st_) throw invalid_parameter(std::string(what) + ": transform used before fit");
        detail::check_same_dim(what, st_->channels, x.channels());
        if (x.empty()) throw empty_input(std::string(what) + ": no series");
        check_range(what, x);
    }

    /// Without normalisation, refuses a value beyond max_raw_value (its response could overflow
    /// to infinity and make NaN biases and features); z-normalised values are always in range.
    void check_range(const char* what, const series_set& x) const {
        if (options_.normalize) return;
        for (std::size_t i = 0; i < x.size(); ++i)
            for (std::size_t c = 0; c < x.channels(); ++c)
                for (const float v : x.channel(i, c))
                    if (!(std::fabs(v) <= max_raw_value))
                        throw invalid_parameter(std::string(what) + ": series " + std::to_string(i) + " channel " +
                                                std::to_string(c) + " holds " + std::to_string(v) +
                                                ", beyond +-1e36, the limit without normalisation (turn "
                                                "minirocket_options::normalize on for such values)");
    }

    void prepare(const series_set& x, std::size_t i, float* out) const {
        const std::size_t n = x.length(i);
        for (std::size_t c = 0; c < x.channels(); ++c) {
            const auto v = x.channel(i, c);
            float* o = out + c * n;
            if (!options_.normalize) {
                std::copy(v.begin(), v.end(), o);
                continue;
            }
            double mean = 0;
            for (const float a : v) mean += a;
            mean /= static_cast<double>(n);
            double var = 0;
            for (const float a : v) var = std::fma(a - mean, a - mean, var);  // explicit: no contraction choice
            const double sd = std::sqrt(var / static_cast<double>(n));
            const double scale = sd > 0 ? 1.0 / sd : 0.0;
            for (std::size_t t = 0; t < n; ++t) o[t] = static_cast<float>((v[t] - mean) * scale);
        }
    }

    void draw_combinations(state& s, std::size_t combos) const {
        s.combo_start.assign(1, 0);
        if (s.channels == 1) {
            s.combo_channels.assign(combos, 0);
            for (std::size_t c = 0; c < combos; ++c) s.combo_start.push_back(c + 1);
            return;
        }
        rng gen(options_.seed, combination_stream);
        const std::size_t most = std::min<std::size_t>(s.channels, 9);
        const double log_top = detail::portable_log(static_cast<double>(most + 1));
        std::vector<std::uint32_t> pool(s.channels);
        for (std::size_t c = 0; c < combos; ++c) {
            // floor((most + 1)^u), u ~ U(0, 1): floor(2^U(0, log2(most + 1))), portably.
            const double u = gen.uniform();
            const double v = static_cast<double>(most + 1) * detail::portable_exp_nonpositive((u - 1.0) * log_top);
            const std::size_t count = std::clamp<std::size_t>(static_cast<std::size_t>(v), 1, most);
            std::iota(pool.begin(), pool.end(), 0u);
            for (std::size_t k = 0; k < count; ++k) {  // partial Fisher-Yates: distinct channels
                const std::size_t pick = k + static_cast<std::size_t>(gen.below(s.channels - k));
                std::swap(pool[k], pool[pick]);
                s.combo_channels.push_back(pool[k]);
            }
            s.combo_start.push_back(s.combo_channels.size());
        }
    }

    /// Full padded response of combination c (dilation d, kernel positions p) of a prepared
    /// series (channels of length n), into out[0..n): per channel ((alpha + g0) + g1) + g2,
    /// channels summed in their drawn order.
    static void response(const state& s, std::size_t c, std::size_t d, const float* series,
                         std::size_t n, float* out, std::vector<float>& work) {
        const std::size_t padded = n + 8 * d;
        work.resize(n + 2 * padded);
        float* alpha = work.data();
        float* g = alpha + n;
        float* scratch = g + padded;
        combine_channels(s, c, d, n, out, [&](std::uint32_t ch) {
            rocket::shifted_sums({series + ch * n, n}, d, alpha, g, scratch);
            return std::pair<const float*, const float*>{alpha, g};
        });
    }

    /// out[t] (t < n) = the multichannel response of pair c at dilation d: per channel of the
    /// pair, in drawn order, ((alpha + g0) + g1) + g2, summed. sums(ch) gives channel ch's
    /// (alpha, zero-padded g) buffers. The one definition of MiniROCKET's channel combination
    /// (fit's biases and the transform both use it).
    template <class Sums>
    static void combine_channels(const state& s, std::size_t c, std::size_t d, std::size_t n, float* out,
                                 Sums&& sums) {
        const auto& p = rocket::kernel_positions()[c % rocket::kernel_count];
        for (std::size_t q = s.combo_start[c]; q < s.combo_start[c + 1]; ++q) {
            const auto [alpha, g] = sums(s.combo_channels[q]);
            for (std::size_t t = 0; t < n; ++t) {
                const float v = simd::detail::rocket_response(alpha, g + p[0] * d, g + p[1] * d, g + p[2] * d, t);
                out[t] = q == s.combo_start[c] ? v : out[t] + v;
            }
        }
    }

    void fit_biases(state& s, const series_set& train) const {
        rng gen(options_.seed, bias_stream);
        s.biases.resize(s.features);
        std::vector<float> series, c, work;
        for (std::size_t di = 0; di < s.dilations.size(); ++di) {
            for (std::size_t k = 0; k < rocket::kernel_count; ++k) {
                const std::size_t combo = di * rocket::kernel_count + k;
                const auto pick = static_cast<std::size_t>(gen.below(train.size()));
                const std::size_t n = train.length(pick);
                series.resize(train.channels() * n);
                prepare(train, pick, series.data());
                c.resize(n);
                response(s, combo, s.dilations[di], series.data(), n, c.data(), work);
                std::sort(c.begin(), c.end());
                for (std::size_t f = s.feature_start[combo]; f < s.feature_start[combo + 1]; ++f)
                    s.biases[f] = rocket::quantile_sorted(c, rocket::quantile_level(f));
            }
        }
    }

    /// Series handled together (of one length): their shifted sums of one dilation stay in cache
    /// while the 84 kernels pool them.
    static constexpr std::size_t batch_size = 64;

    /// The engine of both transforms: PPV features (poses null) or HDC-MiniROCKET features. The
    /// threads take chunks of (dilation, kernel) pairs in turn from a shared counter; each
    /// generates the timestamp rows of a chunk's pairs once, at the longest length.
    sample_matrix run(const series_set& x, unsigned threads, const detail::rocket_pose_table* poses) const;

    /// The start values and steps of the timestamp rows at `scale` (phases from the seed).
    detail::rocket_pose_table pose_table(double scale, const std::vector<double>& freq,
                                         const std::vector<double>& phase) const;

    minirocket_options options_;
    std::shared_ptr<const state> st_;
};

/// HDC-MiniROCKET: MiniROCKET's thresholded responses bound to timestamp vectors of scale s and
/// bundled over time (see the header comment); s = 0 gives MiniROCKET's features up to an affine
/// map per feature. Const members are safe to call concurrently.
class hdc_minirocket {
public:
    /// An unfitted transform of timestamp scale `scale` (>= 0, finite; invalid_parameter otherwise).
    explicit hdc_minirocket(double scale = 1.0, minirocket_options options = {}) : base_(options), scale_(scale) {
        check_scale(scale);
    }

    /// The HDC-MiniROCKET transform of an already fitted MiniROCKET (same biases), at `scale`:
    /// several scales share one fit. Throws invalid_parameter if `fitted` is not fitted.
    hdc_minirocket(const minirocket& fitted, double scale) : base_(fitted), scale_(scale) {
        check_scale(scale);
        if (!fitted.fitted()) throw invalid_parameter("hdc_minirocket: the MiniROCKET transform is not fitted");
        build_poses();
    }

    /// Fits the MiniROCKET part (minirocket::fit) and the timestamp table of the reference length.
    void fit(const series_set& train) {
        minirocket next(base_.options());
        next.fit(train);
        hdc_minirocket built(next, scale_);
        *this = std::move(built);
    }

    /// HDC-MiniROCKET features of every series, with options().threads threads.
    sample_matrix transform(const series_set& x) const { return transform(x, base_.options().threads); }

    /// As above with `threads` threads; the result never depends on it. Errors as minirocket's.
    sample_matrix transform(const series_set& x, unsigned threads) const {
        base_.check_input("hdc_minirocket::transform", x);
        return base_.run(x, threads, &table_);
    }

    /// The timestamp scale s.
    double scale() const noexcept { return scale_; }
    /// The MiniROCKET part (dilations, biases, combinations).
    const minirocket& base() const noexcept { return base_; }
    /// True once fitted.
    bool fitted() const noexcept { return base_.fitted(); }
    /// Number of features per series; 0 before fit.
    std::size_t features() const noexcept { return base_.features(); }
    /// P_t[f] at [f * length + t] for t < length (the timestamp vectors, for inspection and
    /// tests; t' = t / (reference_length - 1) whatever the series length).
    std::vector<float> timestamps(std::size_t length) const {
        if (!fitted()) throw invalid_parameter("hdc_minirocket::timestamps: not fitted");
        if (length == 0) throw invalid_parameter("hdc_minirocket::timestamps: length must be positive");
        std::vector<float> out(base_.features() * length);
        std::vector<double> work;
        detail::rocket_pose_rows(table_, 0, base_.features(), length, work, out.data());
        return out;
    }

private:
    static void check_scale(double s) {
        if (!(s >= 0) || !std::isfinite(s))
            throw invalid_parameter("hdc_minirocket: the timestamp scale must be finite and >= 0, got " +
                                    std::to_string(s));
    }

    void build_poses() {
        const std::size_t nf = base_.features();
        rng gen(base_.options().seed, minirocket::phase_stream);
        freq_.resize(nf);
        phase_.resize(nf);
        constexpr double pi = 3.14159265358979323846;
        for (std::size_t f = 0; f < nf; ++f) {
            freq_[f] = pi * gen.uniform_signed();
            phase_[f] = 2.0 * pi * gen.uniform();
        }
        table_ = base_.pose_table(scale_, freq_, phase_);
    }

    friend class minirocket;
    minirocket base_;
    double scale_;
    std::vector<double> freq_, phase_;  // pi u_f and phi_f
    detail::rocket_pose_table table_;
};

// ---------------------------------------------------------------------------------------------

inline detail::rocket_pose_table minirocket::pose_table(double scale, const std::vector<double>& freq,
                                                      const std::vector<double>& phase) const {
    const state& s = *st_;
    constexpr std::size_t lead = detail::rocket_pose_start;
    detail::rocket_pose_table out;
    out.start.resize(s.features * lead);
    out.step.resize(s.features);
    const double denom = s.reference_length > 1 ? static_cast<double>(s.reference_length - 1) : 1.0;
    double theta[lead + 1], sn[lead + 1], cs[lead + 1];
    for (std::size_t f = 0; f < s.features; ++f) {
        const double w = freq[f] * scale;  // pi u_f s
        for (std::size_t t = 0; t < lead; ++t) theta[t] = std::fma(w, static_cast<double>(t) / denom, phase[f]);
        theta[lead] = w * (static_cast<double>(lead / 2) / denom);  // 16 steps
        simd::sin_cos(theta, sn, cs, lead + 1);
        std::copy(cs, cs + lead, out.start.begin() + static_cast<std::ptrdiff_t>(f * lead));
        out.step[f] = 2.0 * cs[lead];
    }
    return out;
}

inline sample_matrix minirocket::run(const series_set& x, unsigned threads,
                                     const detail::rocket_pose_table* poses) const {
    const state& s = *st_;
    const std::size_t n = x.size(), channels = s.channels, longest = x.max_length();
    sample_matrix out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(s.features));
    detail::advise_huge_pages(out.data(), static_cast<std::size_t>(out.size()) * sizeof(float));
    // Series of equal length together (batches of at most batch_size), every series prepared once.
    std::vector<std::size_t> order(n), offset(n + 1, 0);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x.length(a) < x.length(b); });
    std::vector<std::size_t> batches{0};  // batch b holds order[batches[b] .. batches[b + 1])
    for (std::size_t i = 1; i <= n; ++i)
        if (i == n || i - batches.back() == batch_size || x.length(order[i]) != x.length(order[i - 1]))
            batches.push_back(i);
    for (std::size_t i = 0; i < n; ++i) offset[i + 1] = offset[i] + channels * x.length(order[i]);
    std::vector<float> prepared(offset[n]);
    std::size_t work = 0;
    for (std::size_t i = 0; i < n; ++i) work += x.length(i);
    const std::size_t combos = s.dilations.size() * rocket::kernel_count;
    const unsigned use = detail::resolve_threads(
        threads, std::max<std::size_t>(1, std::min(combos, work * s.features / detail::parallel_work_unit)));
    detail::parallel_ranges(n, use, 1, [&](unsigned, std::size_t first, std::size_t last) {
        for (std::size_t i = first; i < last; ++i) prepare(x, order[i], prepared.data() + offset[i]);
    });
    // The threads take chunks of (dilation, kernel) pairs from a shared counter, in order (the
    // largest dilations' pairs, which pool the shortest ranges, come last and fill the tail): the
    // pairs' work differs too much for a static split of a few milliseconds' transform to come
    // out even. A chunk is one dilation's pairs, or a part of them so that there are at least
    // 8 chunks per thread (one thread: whole dilations, each shifted sum made once); each pair is computed by one thread whatever the order, so the
    // result does not depend on the threads.
    const std::size_t dilation_count = s.dilations.size();
    const std::size_t pieces =
        use == 1 ? 1
                 : std::min<std::size_t>(rocket::kernel_count, (8 * std::size_t{use} + dilation_count - 1) / dilation_count);
    const std::size_t chunks = dilation_count * pieces;
    std::atomic<std::size_t> next_chunk{0};
    const auto& positions = rocket::kernel_positions();
    detail::parallel_ranges(use, use, 1, [&](unsigned, std::size_t, std::size_t) {
        std::vector<float> pose_rows, totals, below, alpha, gpad, scratch, combined, zeros(longest, 0.0f);
        std::vector<double> pose_work;
        std::vector<std::uint32_t> counts;
        std::vector<float> sums;
        combined.resize(longest);
        for (std::size_t chunk; (chunk = next_chunk.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
            const std::size_t di = chunk / pieces, piece = chunk % pieces;
            const std::size_t c0 = di * rocket::kernel_count + piece * rocket::kernel_count / pieces;
            const std::size_t c1 = di * rocket::kernel_count + (piece + 1) * rocket::kernel_count / pieces;
            const std::size_t d = s.dilations[di], m = s.per_dilation[di];
            // The timestamp rows of these pairs at the longest length (row j of pair c at
            // ((c - c0) m + j) * longest); a shorter series reads the start of each row. Beyond
            // rocket_pose_row_budget floats (very long series) each pair's rows are generated per
            // batch instead, at the batch's length: the same values, less memory.
            const bool rows_once = (c1 - c0) * m * longest <= detail::rocket_pose_row_budget;
            if (poses && rows_once) {
                pose_rows.resize((c1 - c0) * m * longest);
                detail::rocket_pose_rows(*poses, s.feature_start[c0], (c1 - c0) * m, longest, pose_work,
                                         pose_rows.data());
            }
            counts.resize(m);
            sums.resize(2 * m);
            totals.resize(m);
            for (std::size_t bi = 0; bi + 1 < batches.size(); ++bi) {
                const std::size_t b0 = batches[bi], nb = batches[bi + 1] - b0, len = x.length(order[b0]);
                const std::size_t padded = len + 8 * d;
                alpha.resize(nb * channels * len);
                gpad.resize(nb * channels * padded);
                scratch.resize(padded);
                for (std::size_t b = 0; b < nb; ++b)
                    for (std::size_t c = 0; c < channels; ++c)
                        rocket::shifted_sums({prepared.data() + offset[b0 + b] + c * len, len}, d,
                                             alpha.data() + (b * channels + c) * len,
                                             gpad.data() + (b * channels + c) * padded, scratch.data());
                for (std::size_t combo = c0; combo < c1; ++combo) {
                    const std::size_t k = combo % rocket::kernel_count, f0 = s.feature_start[combo];
                    const bool full = (di + k) % 2 == 0 || len <= 8 * d;
                    const std::size_t begin = full ? 0 : 4 * d, used = full ? len : len - 8 * d;
                    const auto& p = positions[k];
                    const float* bias = s.biases.data() + f0;
                    const float* rows = nullptr;
                    std::size_t stride = longest;
                    if (poses && rows_once) {
                        rows = pose_rows.data() + (combo - c0) * m * longest + begin;
                    } else if (poses) {
                        pose_rows.resize(m * len);
                        detail::rocket_pose_rows(*poses, f0, m, len, pose_work, pose_rows.data());
                        rows = pose_rows.data() + begin;
                        stride = len;
                    }
                    const float inv = static_cast<float>(used);
                    if (poses) {
                        // The sums of the rows over the pooled range in the features' lane order
                        // (C = 0 > -1 everywhere: every pose counts).
                        below.assign(m, -1.0f);
                        simd::rocket_pose_sums(zeros.data(), zeros.data(), zeros.data(), zeros.data(), used,
                                               below.data(), m, rows, stride, totals.data());
                    }
                    std::size_t b = 0;
                    if (poses && channels == 1) {
                        // Two series at a time: every timestamp row is loaded once for both.
                        for (; b + 2 <= nb; b += 2) {
                            const float* in[8];
                            for (std::size_t q = 0; q < 2; ++q) {
                                const float* g = gpad.data() + (b + q) * padded + begin;
                                in[4 * q] = alpha.data() + (b + q) * len + begin;
                                in[4 * q + 1] = g + p[0] * d;
                                in[4 * q + 2] = g + p[1] * d;
                                in[4 * q + 3] = g + p[2] * d;
                            }
                            simd::rocket_pose_sums_pair(in, used, bias, m, rows, stride, sums.data());
                            for (std::size_t q = 0; q < 2; ++q) {
                                float* row = out.row(static_cast<Eigen::Index>(order[b0 + b + q])).data() + f0;
                                for (std::size_t j = 0; j < m; ++j)
                                    row[j] = (totals[j] - 2.0f * sums[q * m + j]) / inv;
                            }
                        }
                    }
                    for (; b < nb; ++b) {
                        const float *a, *g0, *g1, *g2;
                        if (channels == 1) {
                            a = alpha.data() + b * len;
                            const float* g = gpad.data() + b * padded;
                            g0 = g + p[0] * d;
                            g1 = g + p[1] * d;
                            g2 = g + p[2] * d;
                        } else {
                            combine_channels(s, combo, d, len, combined.data(), [&](std::uint32_t ch) {
                                const std::size_t at = b * channels + ch;
                                return std::pair<const float*, const float*>{alpha.data() + at * len,
                                                                             gpad.data() + at * padded};
                            });
                            a = combined.data();
                            g0 = g1 = g2 = zeros.data();
                        }
                        float* row = out.row(static_cast<Eigen::Index>(order[b0 + b])).data() + f0;
                        if (!poses) {
                            simd::rocket_counts(a + begin, g0 + begin, g1 + begin, g2 + begin, used, bias, m,
                                                counts.data());
                            for (std::size_t j = 0; j < m; ++j) row[j] = static_cast<float>(counts[j]) / inv;
                        } else {
                            simd::rocket_pose_sums(a + begin, g0 + begin, g1 + begin, g2 + begin, used, bias, m,
                                                   rows, stride, sums.data());
                            for (std::size_t j = 0; j < m; ++j) row[j] = (totals[j] - 2.0f * sums[j]) / inv;
                        }
                    }
                }
            }
        }
    });
    return out;
}

}  // namespace hdc
