// hdc/encoders/projection.hpp - OnlineHD's non-linear random projection of feature vectors
// (ALGORITHMS.md section 7.2): H_j = cos(s x.B_j + b_j) sin(s x.B_j), B_j ~ Normal(0, I_f),
// b_j ~ Uniform(0, 2 pi), j = 1..D.
//
// Inputs are standardised features (each of mean 0 and standard deviation 1, as
// encoders/record.hpp's standardizer makes them). The scale s = bandwidth / sqrt(f) makes s x.B_j a
// standard normal for such inputs, the regime the OnlineHD encoder is designed for (its inputs
// have unit norm); bandwidth widens or narrows the kernel the projection approximates.
//
// Determinism: dimension j of generation g is drawn from its own stream of the library's rng,
// keyed by (seed, j, g), with the normal and uniform mappings of core/rng.hpp: the basis is
// bit-identical on every machine. A batch is encoded in blocks of a fixed number of rows (one
// Eigen product each, then a branch-free sin/cos that the compiler vectorises), so the thread
// count never changes an encoding; across SIMD paths the last bits may differ (Eigen's summation
// order in the product, floating-point contraction in the sin/cos polynomials).
//
// regenerate(dims, round) redraws the chosen dimensions as generation `round` (NeuralHD replaces
// the dimensions its classifier finds useless): the basis is always a function of the seed and
// the generation of every dimension, which is all a saved model needs (generations()).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/rng.hpp"
#include "../models/samples.hpp"
#include "../core/parallel.hpp"

namespace hdc {

namespace detail {

/// Arguments up to this magnitude are reduced exactly enough by projection_sin_cos.
inline constexpr double projection_reduction_limit = 524288.0;  // 2^19

/// sin x and cos x for |x| <= projection_reduction_limit, in plain double arithmetic without
/// branches, so that a loop over many x vectorises (the C library's sinf and cosf cost about
/// 20 ns a call here, which made them most of an encoding's time). x is reduced by the nearest
/// multiple k of pi/2 in two parts (Cody and Waite; the high part has 33 bits, so k * high is
/// exact for |k| < 2^20), and sin and cos of the remainder |r| <= pi/4 come from their Taylor
/// polynomials to r^13 and r^14 (truncation below 1e-11, far below the float result's rounding).
inline void projection_sin_cos(double x, double& s, double& c) noexcept {
    constexpr double two_over_pi = 0.63661977236758134308;
    constexpr double pio2_hi = 1.57079632673412561417e+00;  // pi/2 to 33 bits
    constexpr double pio2_lo = 6.07710050650619224932e-11;  // pi/2 - pio2_hi
    constexpr double round_magic = 0x1.8p52;  // adding and subtracting it rounds to an integer
    const double k = (x * two_over_pi + round_magic) - round_magic;
    const double r = (x - k * pio2_hi) - k * pio2_lo;
    const double r2 = r * r;
    const double sr =
        r + r * r2 *
                (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 +
                                                                        r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0))))));
    const double cr =
        1.0 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 +
                                                                     r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600.0))))));
    const double m = k - 4.0 * ((k * 0.25 + round_magic) - round_magic);  // k mod 4, in -2..2
    const double q = m < 0 ? m + 4.0 : m;                                   // the quadrant, 0 to 3
    s = q == 0 ? sr : q == 1 ? cr : q == 2 ? -sr : -cr;
    c = q == 0 ? cr : q == 1 ? -sr : q == 2 ? -cr : sr;
}

/// row[j] = cos(z + b_j) sin(z) for z = row[j], with cos(z + b) = cos z cos b - sin z sin b and
/// the phases' cos_b, sin_b precomputed: one reduction per element. Rows with an argument
/// beyond the reduction's range (possible only with a huge bandwidth) use the C library.
inline void projection_activate(float* row, const float* phase, const double* cos_b, const double* sin_b,
                                std::size_t n) noexcept {
    float largest = 0;
    for (std::size_t j = 0; j < n; ++j) largest = std::max(largest, std::fabs(row[j]));
    if (!(static_cast<double>(largest) <= projection_reduction_limit)) {
        for (std::size_t j = 0; j < n; ++j) row[j] = std::cos(row[j] + phase[j]) * std::sin(row[j]);
        return;
    }
    for (std::size_t j = 0; j < n; ++j) {
        double s = 0, c = 0;
        projection_sin_cos(static_cast<double>(row[j]), s, c);
        row[j] = static_cast<float>((c * cos_b[j] - s * sin_b[j]) * s);
    }
}

}  // namespace detail

/// OnlineHD's non-linear random projection from f standardised features to D dimensions.
/// Thread safety: const members may be called concurrently; regenerate needs exclusive access.
class projection_encoder {
public:
    /// Rows per block of a batch encoding (fixed: the blocks, not the threads, decide every sum).
    static constexpr Eigen::Index block_rows = 256;

    /// An encoder of `features` inputs into `dim` dimensions, drawn from seed. bandwidth scales
    /// the projection (s = bandwidth / sqrt(features)). Throws invalid_dimension for zero features
    /// or dimensions, invalid_parameter for a bandwidth that is not finite and positive.
    projection_encoder(std::size_t features, std::size_t dim, std::uint64_t seed = 0, double bandwidth = 1.0)
        : projection_encoder(features, dim, seed, bandwidth, std::vector<std::uint64_t>(dim, 0)) {}

    /// The encoder whose dimension j was last drawn as generation generations[j] (what
    /// generations() returned). Throws as the constructor, and invalid_parameter if there is not
    /// one generation per dimension.
    static projection_encoder from_generations(std::size_t features, std::size_t dim, std::uint64_t seed,
                                               double bandwidth, std::span<const std::uint64_t> generations) {
        if (generations.size() != dim)
            throw invalid_parameter("projection_encoder: " + std::to_string(generations.size()) +
                                    " generations for " + std::to_string(dim) + " dimensions");
        return projection_encoder(features, dim, seed, bandwidth,
                                  std::vector<std::uint64_t>(generations.begin(), generations.end()));
    }

    /// Encodes every row of x (rows x features) into a row of D values in [-1, 1]. Throws
    /// dimension_mismatch for rows of the wrong width, non_finite_value for NaN or infinite
    /// inputs. threads: 0 = all; the result never depends on it.
    sample_matrix encode(sample_view x, std::size_t threads = 1) const {
        check_input(x);
        const Eigen::Index n = x.rows();
        sample_matrix out(n, static_cast<Eigen::Index>(dim_));
        const auto blocks = static_cast<std::size_t>((n + block_rows - 1) / block_rows);
        const std::size_t work = static_cast<std::size_t>(n) * dim_ * (features_ + 16) / detail::parallel_work_unit;
        const unsigned t = detail::resolve_threads(threads > 1024 ? 1024u : static_cast<unsigned>(threads),
                                                   std::min(blocks, work));
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * block_rows;
                const Eigen::Index rows = std::min(block_rows, n - r0);
                out.middleRows(r0, rows).noalias() = x.middleRows(r0, rows) * basis_;
                for (Eigen::Index r = r0; r < r0 + rows; ++r)
                    detail::projection_activate(out.row(r).data(), phases_.data(), cos_phase_.data(),
                                                sin_phase_.data(), dim_);
            }
        });
        return out;
    }

    /// Recomputes only the listed columns of out = encode(x), as after regenerate(dims, ...):
    /// D / dims.size() times cheaper than encoding again. The values may differ from a full
    /// encoding's in the last bits (another product shape), never with the thread count. Throws
    /// as encode, dimension_mismatch unless out is x.rows() x D, invalid_parameter for a
    /// dimension out of range; out is unchanged when it throws.
    void encode_columns(sample_view x, std::span<const std::size_t> dims, sample_matrix& out,
                        std::size_t threads = 1) const {
        check_input(x);
        detail::check_same_dim("projection_encoder::encode_columns: rows", static_cast<std::size_t>(out.rows()),
                               static_cast<std::size_t>(x.rows()));
        detail::check_same_dim("projection_encoder::encode_columns: columns", static_cast<std::size_t>(out.cols()), dim_);
        for (std::size_t j : dims)
            if (j >= dim_)
                throw invalid_parameter("projection_encoder::encode_columns: dimension " + std::to_string(j) +
                                        " out of range for " + std::to_string(dim_) + " dimensions");
        const auto m = static_cast<Eigen::Index>(dims.size());
        if (m == 0) return;
        sample_matrix basis(basis_.rows(), m);
        std::vector<float> phase(dims.size());
        std::vector<double> cos_b(dims.size()), sin_b(dims.size());
        for (std::size_t k = 0; k < dims.size(); ++k) {
            basis.col(static_cast<Eigen::Index>(k)) = basis_.col(static_cast<Eigen::Index>(dims[k]));
            phase[k] = phases_[static_cast<Eigen::Index>(dims[k])];
            cos_b[k] = cos_phase_[dims[k]];
            sin_b[k] = sin_phase_[dims[k]];
        }
        const Eigen::Index n = x.rows();
        const auto blocks = static_cast<std::size_t>((n + block_rows - 1) / block_rows);
        const std::size_t work = static_cast<std::size_t>(n) * dims.size() * (features_ + 16) / detail::parallel_work_unit;
        const unsigned t = detail::resolve_threads(threads > 1024 ? 1024u : static_cast<unsigned>(threads),
                                                   std::min(blocks, work));
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            sample_matrix z;
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * block_rows;
                const Eigen::Index rows = std::min(block_rows, n - r0);
                z.noalias() = x.middleRows(r0, rows) * basis;
                for (Eigen::Index r = 0; r < rows; ++r) {
                    float* zr = z.row(r).data();
                    detail::projection_activate(zr, phase.data(), cos_b.data(), sin_b.data(), dims.size());
                    for (std::size_t k = 0; k < dims.size(); ++k) out(r0 + r, static_cast<Eigen::Index>(dims[k])) = zr[k];
                }
            }
        });
    }

    /// Redraws the basis row and phase of every listed dimension as generation `round` (give a
    /// new round each time: redrawing with a dimension's current generation changes nothing).
    /// Throws invalid_parameter, changing nothing, if a dimension is out of range.
    void regenerate(std::span<const std::size_t> dims, std::uint64_t round) {
        for (std::size_t j : dims)
            if (j >= dim_)
                throw invalid_parameter("projection_encoder::regenerate: dimension " + std::to_string(j) +
                                        " out of range for " + std::to_string(dim_) + " dimensions");
        for (std::size_t j : dims) {
            generations_[j] = round;
            draw(j);
        }
    }

    /// Number of input features f.
    std::size_t features() const noexcept { return features_; }
    /// Number of output dimensions D.
    std::size_t dim() const noexcept { return dim_; }
    /// The seed the basis is drawn from.
    std::uint64_t seed() const noexcept { return seed_; }
    /// The bandwidth (s = bandwidth / sqrt(f)).
    double bandwidth() const noexcept { return bandwidth_; }
    /// The generation each dimension was last drawn as (0 = the initial draw).
    std::span<const std::uint64_t> generations() const noexcept { return generations_; }
    /// The scaled basis s B, features x D (column j is s B_j).
    const sample_matrix& basis() const noexcept { return basis_; }
    /// The phases b_j, in [0, 2 pi] (2 pi only by float rounding).
    const Eigen::RowVectorXf& phases() const noexcept { return phases_; }

private:
    projection_encoder(std::size_t features, std::size_t dim, std::uint64_t seed, double bandwidth,
                       std::vector<std::uint64_t> generations)
        : features_(features), dim_(dim), seed_(seed), bandwidth_(bandwidth), generations_(std::move(generations)) {
        if (features == 0) throw invalid_dimension("projection_encoder: the number of features must be positive");
        if (dim == 0) throw invalid_dimension("projection_encoder: the dimension must be positive");
        if (!(bandwidth > 0) || !std::isfinite(bandwidth))
            throw invalid_parameter("projection_encoder: the bandwidth must be finite and positive");
        basis_.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(dim));
        phases_.resize(static_cast<Eigen::Index>(dim));
        sin_phase_.resize(dim);
        cos_phase_.resize(dim);
        for (std::size_t j = 0; j < dim; ++j) draw(j);
    }

    /// Draws column j and phase j from the stream of (seed, j, generation j).
    void draw(std::size_t j) {
        const double scale = bandwidth_ / std::sqrt(static_cast<double>(features_));
        rng gen(detail::make_key(seed_ ^ stream_salt, j), generations_[j]);
        const auto col = static_cast<Eigen::Index>(j);
        for (Eigen::Index i = 0; i < basis_.rows(); ++i) basis_(i, col) = static_cast<float>(scale * gen.normal());
        phases_[col] = static_cast<float>(2.0 * std::numbers::pi * gen.uniform());
        double sb = 0, cb = 0;
        detail::projection_sin_cos(static_cast<double>(phases_[col]), sb, cb);
        sin_phase_[j] = sb;
        cos_phase_[j] = cb;
    }

    void check_input(sample_view x) const {
        if (static_cast<std::size_t>(x.cols()) != features_)
            throw dimension_mismatch("projection_encoder::encode: feature count", static_cast<std::size_t>(x.cols()),
                                     features_);
        if (const Eigen::Index bad = detail::first_non_finite_row(x); bad >= 0)
            throw non_finite_value("projection_encoder::encode: sample row " + std::to_string(bad) +
                                   " holds a NaN or infinite feature");
    }

    /// Separates the projection's streams from other users of the same seed.
    static constexpr std::uint64_t stream_salt = 0x70726F6A65637421ull;  // "project!"

    std::size_t features_, dim_;
    std::uint64_t seed_;
    double bandwidth_;
    std::vector<std::uint64_t> generations_;
    sample_matrix basis_;
    Eigen::RowVectorXf phases_;
    std::vector<double> sin_phase_, cos_phase_;  ///< sin b_j and cos b_j
};

}  // namespace hdc
