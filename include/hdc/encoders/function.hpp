// hdc/encoders/function.hpp - HDFE: a function, given by samples, as one complex vector
// (Yuan, Huang, Fermueller, Aloimonos, "Decodable and Sample Invariant Continuous Object
// Encoder", ICLR 2024; ALGORITHMS.md section 4).
//
// Each sample (x_i, y_i) becomes z_i = E_X(x_i) * E_Y(y_i), the product of two fractional power
// encodings with Gaussian phases (encoders/scalar.hpp's fpe_encoder over phasor vectors), and the
// function is their normalised superposition F = sum_i w_i z_i / |sum_i w_i z_i|.
//  - Plain weights w_i = 1 let densely sampled regions dominate F.
//  - Iterative refinement (the default) makes F depend on the function, not on the sampling: it
//    repeatedly adds once more the sample least similar to the current F while the smallest
//    similarity keeps rising, which moves F towards the centre of the smallest ball enclosing all
//    the z_i (section 4.3). While it runs it keeps every z_i (n * D * 8 bytes) and the Gram
//    columns of the samples it adds (at most 256 MiB).
//  - decode(F, x0) unbinds the input, q = F * conj(E_X(x0)) (samples near x0 add up to about
//    E_Y(f(x0)), the rest is quasi-orthogonal noise), and returns the y of the output range that
//    maximises Re<E_Y(y), q>: a grid fine enough for the output bandwidth, then golden-section search
//    in the best grid cell.
// The receptive field is about 3 / input_bandwidth range widths: the distance at which the
// similarity of two inputs, exp(-alpha^2 d^2 / 2), falls to 0.01.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/parallel.hpp"
#include "../models/phasor.hpp"
#include "../simd/complex.hpp"
#include "../simd/floating.hpp"
#include "scalar.hpp"

namespace hdc {

/// Parameters of HDFE. Bandwidths are in units of the range widths (fpe_encoder's convention).
struct function_encoding_options {
    double input_bandwidth = 30.0;   ///< alpha: the receptive field is about 3 / alpha range widths
    double output_bandwidth = 10.0;  ///< beta: how sharply output values are told apart
    bool refine = true;              ///< iterative refinement for sample invariance (else plain mean)
    double tolerance = 1e-9;         ///< a rise of the smallest similarity counts when above this
    std::size_t patience = 50;       ///< refinement stops after this many steps without a rise
    std::size_t max_iterations = 20000;  ///< refinement steps at most
    out_of_range policy = out_of_range::reject;  ///< inputs and outputs outside their ranges
    std::uint64_t seed = 0;          ///< the encoders' frequencies
    unsigned threads = 1;            ///< threads for encoding (0: all); results do not depend on it
};

/// The decoder's search for the output value: the maximiser over r of score, a function that
/// is smooth next to its maximum and wide compared with the grid (the output kernel
/// exp(-beta^2 dy^2 / 2) with cells >= 8 beta). The best of cells + 1 grid points over r, then
/// golden-section search between that point's neighbours (at most 40 steps, down to 1e-9 range
/// widths); the grid point itself if the search ends lower. function_encoder::decode uses it,
/// and so can anything that must search the same way (e.g. the decoder's D -> infinity limit).
template <class Score>
double grid_golden_argmax(const value_range& r, std::size_t cells, Score&& score) {
    const double step = r.width() / static_cast<double>(cells);
    const auto grid_point = [&](std::size_t g) { return g == cells ? r.hi : r.lo + step * static_cast<double>(g); };
    std::size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g <= cells; ++g) {
        const double s = score(grid_point(g));
        if (s > best_score) best_score = s, best = g;
    }
    double lo = grid_point(best == 0 ? 0 : best - 1);
    double hi = grid_point(std::min(best + 1, cells));
    const double ratio = (std::sqrt(5.0) - 1) / 2;
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double sa = score(a), sb = score(b);
    for (int it = 0; it < 40 && hi - lo > 1e-9 * r.width(); ++it) {
        if (sa < sb) {
            lo = a, a = b, sa = sb;
            b = lo + ratio * (hi - lo), sb = score(b);
        } else {
            hi = b, b = a, sb = sa;
            a = hi - ratio * (hi - lo), sa = score(a);
        }
    }
    const double y = (lo + hi) / 2;
    return score(y) >= best_score ? y : grid_point(best);
}

/// An encoded function: a unit-norm complex vector, with how it was made.
class function_vector {
public:
    /// An empty vector (dimension 0).
    function_vector() = default;

    /// The dimension.
    std::size_t dim() const noexcept { return re_.size(); }
    /// Real parts of the components.
    std::span<const float> re() const noexcept { return re_; }
    /// Imaginary parts of the components.
    std::span<const float> im() const noexcept { return im_; }
    /// Refinement steps taken (0 for the plain mean).
    std::size_t refinement_steps() const noexcept { return steps_; }
    /// The smallest similarity of a sample's encoding to this vector (the refinement's objective;
    /// NaN for the plain mean, which does not compute it).
    double min_sample_similarity() const noexcept { return min_similarity_; }

private:
    template <std::size_t>
    friend class function_encoder;
    std::vector<float> re_, im_;
    std::size_t steps_ = 0;
    double min_similarity_ = std::numeric_limits<double>::quiet_NaN();  // as documented for the plain mean
};

/// Re<F, G> of two encoded functions (both unit norm): their cosine. Throws dimension_mismatch.
inline double similarity(const function_vector& f, const function_vector& g) {
    if (f.dim() != g.dim()) throw dimension_mismatch("similarity(function_vector)", f.dim(), g.dim());
    double s = 0;
    for (std::size_t k = 0; k < f.dim(); ++k)
        s += static_cast<double>(f.re()[k]) * g.re()[k] + static_cast<double>(f.im()[k]) * g.im()[k];
    return s;
}

/// |<F, G>| of two encoded functions: the similarity the HDFE authors use (blind to a global phase).
inline double magnitude_similarity(const function_vector& f, const function_vector& g) {
    if (f.dim() != g.dim())
        throw dimension_mismatch("magnitude_similarity(function_vector)", f.dim(), g.dim());
    double re = 0, im = 0;
    for (std::size_t k = 0; k < f.dim(); ++k) {
        re += static_cast<double>(f.re()[k]) * g.re()[k] + static_cast<double>(f.im()[k]) * g.im()[k];
        im += static_cast<double>(f.im()[k]) * g.re()[k] - static_cast<double>(f.re()[k]) * g.im()[k];
    }
    return std::hypot(re, im);
}

/// HDFE encoder of functions from a box of R^n (input_ranges, one per coordinate) to an interval
/// (output_range), in dimension D (hdc::dynamic: chosen at construction).
/// Thread safety: const members may be called concurrently.
template <std::size_t D = dynamic>
class function_encoder {
public:
    using vector_type = phasor<D>;

    /// Throws invalid_parameter for a non-positive bandwidth, patience 0 or an empty range,
    /// non_finite_value for NaN or infinite parameters, empty_input for no input ranges,
    /// invalid_dimension for a bad dim.
    function_encoder(std::vector<value_range> input_ranges, value_range output_range,
                     function_encoding_options options, std::size_t dim)
        : options_(checked(options)),
          input_(std::move(input_ranges), options.input_bandwidth, fpe_kernel::gaussian, options.policy,
                 options.seed, dim),
          output_(output_range, options.output_bandwidth, fpe_kernel::gaussian, options.policy,
                  options.seed ^ output_seed, dim) {}
    /// As above, for a fixed dimension D.
    function_encoder(std::vector<value_range> input_ranges, value_range output_range,
                     function_encoding_options options = {})
        requires(D != dynamic)
        : function_encoder(std::move(input_ranges), output_range, options, D) {}

    /// Dimension of the encodings.
    std::size_t dim() const noexcept { return input_.dim(); }
    /// Coordinates of an input point.
    std::size_t arity() const noexcept { return input_.arity(); }
    /// The options given at construction.
    const function_encoding_options& options() const noexcept { return options_; }
    /// E_X: the encoder of input points.
    const fpe_encoder<vector_type>& input_encoder() const noexcept { return input_; }
    /// E_Y: the encoder of output values.
    const fpe_encoder<vector_type>& output_encoder() const noexcept { return output_; }

    /// The sample (x, y) as one vector, E_X(x) * E_Y(y) (encode computes it from the summed
    /// phases: the same up to float rounding).
    vector_type sample(std::span<const double> x, double y) const { return bind(input_(x), output_(y)); }

    /// The function with samples (xs[i * arity() .. (i + 1) * arity()), ys[i]). Throws empty_input
    /// for no samples, dimension_mismatch if xs does not hold arity() coordinates per sample, and
    /// as the encoders do for NaN or out-of-range values (before any work is kept).
    function_vector encode(std::span<const double> xs, std::span<const double> ys) const {
        const std::size_t n = ys.size(), d = dim();
        if (n == 0) throw empty_input("function_encoder::encode: no samples");
        if (xs.size() != n * arity())
            throw dimension_mismatch("function_encoder::encode: input coordinates", xs.size(), n * arity());
        // Row i: the real parts of z_i, then its imaginary parts. Rows are made in chunks (all at
        // once when refinement needs them kept), in parallel over samples; each component's sum
        // then runs over the samples in their order, in parallel over components, so the result
        // does not depend on the thread count.
        const std::size_t chunk = options_.refine ? n : std::min<std::size_t>(n, 256);
        std::vector<float> rows(chunk * 2 * d);
        std::vector<double> sum_re(d, 0.0), sum_im(d, 0.0);
        for (std::size_t first = 0; first < n; first += chunk) {
            const std::size_t count = std::min(chunk, n - first);
            run(count, 1, [&](std::size_t lo, std::size_t hi) {
                std::vector<double> phase(d), output_phase(d);
                for (std::size_t i = lo; i < hi; ++i) {
                    float* row = rows.data() + i * 2 * d;
                    sample_phases(xs.subspan((first + i) * arity(), arity()), ys[first + i], phase, output_phase);
                    simd::sin_cos(phase.data(), row + d, row, d);  // sine: imaginary, cosine: real
                }
            });
            run(d, 64, [&](std::size_t lo, std::size_t hi) {
                for (std::size_t i = 0; i < count; ++i) {
                    const float* row = rows.data() + i * 2 * d;
                    simd::real_axpy(1.0, row + lo, sum_re.data() + lo, hi - lo);
                    simd::real_axpy(1.0, row + d + lo, sum_im.data() + lo, hi - lo);
                }
            });
        }
        if (!options_.refine) return normalized(sum_re, sum_im, 0, std::numeric_limits<double>::quiet_NaN());
        return refined(rows, n, sum_re, sum_im);
    }
    /// As above, for scalar inputs (arity 1): samples (xs[i], ys[i]).
    function_vector encode_scalar(std::span<const double> xs, std::span<const double> ys) const {
        if (arity() != 1)
            throw invalid_parameter("function_encoder::encode_scalar: the encoder takes " +
                                    std::to_string(arity()) + "-coordinate points");
        if (xs.size() != ys.size())
            throw dimension_mismatch("function_encoder::encode_scalar: inputs and outputs", xs.size(), ys.size());
        return encode(xs, ys);
    }

    /// f(x0) read back from f: the output value whose encoding best matches F unbound by E_X(x0).
    double decode(const function_vector& f, std::span<const double> x0) const {
        check(f, "decode");
        const vector_type ex = input_(x0);
        const std::size_t d = dim();
        std::vector<float> q_re(d), q_im(d);  // q = F * conj(E_X(x0))
        for (std::size_t k = 0; k < d; ++k) {
            const float a = f.re_[k], b = f.im_[k], c = ex.re()[k], s = ex.im()[k];
            q_re[k] = a * c + b * s;
            q_im[k] = b * c - a * s;
        }
        const value_range r = output_.range();
        auto score = [&](double y) {  // Re<q, E_Y(y)>
            const vector_type ey = output_(y);
            return simd::complex_dot_real(q_re.data(), q_im.data(), ey.re_data(), ey.im_data(), d);
        };
        // The output kernel exp(-beta^2 dy^2 / 2) is wide compared with a grid step of
        // 1 / (8 beta) range widths, so the best grid point lies next to the maximum.
        const std::size_t cells = std::max<std::size_t>(
            64, static_cast<std::size_t>(std::ceil(8.0 * options_.output_bandwidth)));
        return grid_golden_argmax(r, cells, score);
    }
    /// f(x0) for a scalar input.
    double decode(const function_vector& f, double x0) const {
        return decode(f, std::span<const double>(&x0, 1));
    }

private:
    static constexpr std::uint64_t output_seed = 0x68646665'2D2D7931ull;  // "hdfe--y1"

    static function_encoding_options checked(const function_encoding_options& o) {
        if (!std::isfinite(o.tolerance))
            throw non_finite_value("function_encoder: tolerance must be finite");
        if (o.tolerance < 0)
            throw invalid_parameter("function_encoder: tolerance must not be negative");
        if (o.patience == 0) throw invalid_parameter("function_encoder: patience must be at least 1");
        return o;  // bandwidths and ranges are checked by the fpe encoders
    }

    void check(const function_vector& f, const char* who) const {
        if (f.dim() != dim())
            throw dimension_mismatch((std::string("function_encoder::") + who).c_str(), f.dim(), dim());
    }

    /// The sum scaled to unit norm.
    function_vector normalized(const std::vector<double>& re, const std::vector<double>& im,
                               std::size_t steps, double min_sim) const {
        const double norm = std::sqrt(simd::real_sum_squares(re.data(), re.size()) +
                                      simd::real_sum_squares(im.data(), im.size()));
        function_vector f;
        f.re_.resize(re.size());
        f.im_.resize(im.size());
        // A sum of exactly zero (two samples in exact opposition) has no direction: keep zeros.
        const double scale = norm > 0 ? 1.0 / norm : 0.0;
        for (std::size_t k = 0; k < re.size(); ++k) {
            f.re_[k] = static_cast<float>(re[k] * scale);
            f.im_[k] = static_cast<float>(im[k] * scale);
        }
        f.steps_ = steps;
        f.min_similarity_ = min_sim;
        return f;
    }

    /// Iterative refinement (ALGORITHMS.md section 4.3): F starts as the plain sum; each step adds
    /// once more the sample whose similarity Re<z_i, F> / (|F| sqrt(D)) is smallest; the F with
    /// the largest smallest similarity is kept (patience steps without a rise end it). The dots
    /// d_i = Re<z_i, F> are updated incrementally: adding z_j adds Re<z_i, z_j> to every d_i (one
    /// pass over the kept samples, simd::real_dot_rows: the same bits on every machine) and
    /// 2 d_j + D to |F|^2. The result is rebuilt from the sample counts, so no rounding drifts.
    function_vector refined(const std::vector<float>& rows, std::size_t n, const std::vector<double>& re,
                            const std::vector<double>& im) const {
        const std::size_t d = dim(), stride = 2 * d;
        std::vector<double> dots(n), gains(n);
        for (std::size_t i = 0; i < n; ++i)
            dots[i] = simd::complex_dot_real(re.data(), im.data(), rows.data() + i * stride,
                                             rows.data() + i * stride + d, d);
        double norm2 = simd::real_sum_squares(re.data(), d) + simd::real_sum_squares(im.data(), d);
        std::vector<std::size_t> extra(n, 0), best_extra(n, 0);
        std::vector<std::vector<double>> columns(n);  // Re<z_i, z_j> over i, for samples j added before
        std::size_t cached_bytes = 0;
        double best = -std::numeric_limits<double>::infinity();
        std::size_t stall = 0, best_steps = 0;
        const double sqrt_d = std::sqrt(static_cast<double>(d));
        for (std::size_t step = 0; step <= options_.max_iterations; ++step) {
            const std::size_t j = static_cast<std::size_t>(std::min_element(dots.begin(), dots.end()) - dots.begin());
            const double min_sim = dots[j] / (std::sqrt(norm2) * sqrt_d);
            if (min_sim > best + options_.tolerance) {
                best = min_sim;
                best_extra = extra;
                best_steps = step;
                stall = 0;
            } else if (++stall > options_.patience) {
                break;
            }
            if (step == options_.max_iterations) break;
            const std::vector<double>& g = gram_column(j, rows, n, stride, columns, cached_bytes, gains);
            norm2 += 2 * dots[j] + g[j];  // |F + z_j|^2 = |F|^2 + 2 Re<F, z_j> + |z_j|^2
            for (std::size_t i = 0; i < n; ++i) dots[i] += g[i];
            ++extra[j];
        }
        std::vector<double> sum_re(d, 0.0), sum_im(d, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const double w = 1.0 + static_cast<double>(best_extra[i]);
            simd::real_axpy(w, rows.data() + i * stride, sum_re.data(), d);
            simd::real_axpy(w, rows.data() + i * stride + d, sum_im.data(), d);
        }
        return normalized(sum_re, sum_im, best_steps, best);
    }

    /// Re<z_i, z_j> for every i: from the cache when sample j was added before (the same few
    /// samples are added again and again), else one pass over the rows (simd::real_dot_rows, the
    /// same bits on any split), cached while the cache holds less than cache_limit bytes.
    const std::vector<double>& gram_column(std::size_t j, const std::vector<float>& rows, std::size_t n,
                                           std::size_t stride, std::vector<std::vector<double>>& columns,
                                           std::size_t& cached_bytes, std::vector<double>& scratch) const {
        if (!columns[j].empty()) return columns[j];
        run(n, 16, [&](std::size_t lo, std::size_t hi) {
            simd::real_dot_rows(rows.data() + j * stride, rows.data() + lo * stride, stride, hi - lo, stride,
                                scratch.data() + lo);
        });
        if (cached_bytes + n * sizeof(double) > cache_limit) return scratch;
        cached_bytes += n * sizeof(double);
        columns[j] = scratch;
        return columns[j];
    }

    /// Bytes of Gram columns refinement keeps (256 MiB).
    static constexpr std::size_t cache_limit = std::size_t{1} << 28;

    /// body(first, last) over parts of [0, n) on the option's threads (part bounds multiples of grain).
    template <class Body>
    void run(std::size_t n, std::size_t grain, Body body) const {
        const unsigned threads = detail::resolve_threads(options_.threads, n / std::max<std::size_t>(grain, 1));
        detail::parallel_ranges(n, threads, grain, [&](unsigned, std::size_t lo, std::size_t hi) { body(lo, hi); });
    }

    /// phase = phase of E_X(x) + phase of E_Y(y), reduced exactly mod 2 pi when large.
    void sample_phases(std::span<const double> x, double y, std::vector<double>& phase,
                       std::vector<double>& output_phase) const {
        input_.phases(x, phase);
        output_.phases(std::span<const double>(&y, 1), output_phase);
        for (std::size_t k = 0; k < phase.size(); ++k) {
            phase[k] += output_phase[k];
            if (std::fabs(phase[k]) > 65536.0) phase[k] = std::fmod(phase[k], 2.0 * std::numbers::pi);
        }
    }

    function_encoding_options options_;
    fpe_encoder<vector_type> input_;
    fpe_encoder<vector_type> output_;
};

}  // namespace hdc
