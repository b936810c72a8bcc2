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
// Eigen product each, then the portable simd::sin_cos in double), so the thread count never
// changes an encoding; across SIMD paths the last bits may differ (Eigen's summation order).
// (Eigen's cos and sin of float arrays are scalar libm calls: 15 times slower than
// simd::sin_cos, and not the same bits on every machine.)
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
#include "../core/parallel.hpp"
#include "../core/rng.hpp"
#include "../models/samples.hpp"
#include "../simd/rotation.hpp"

namespace hdc {

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
        const std::size_t work = static_cast<std::size_t>(n) * dim_ * (features_ + 16) / (std::size_t{1} << 22);
        const unsigned t = detail::resolve_threads(threads > 1024 ? 1024u : static_cast<unsigned>(threads),
                                                   std::min(blocks, work));
        detail::parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
            std::vector<double> p(dim_), shifted(dim_), sin_p(dim_), cos_p(dim_), sin_s(dim_), cos_s(dim_);
            for (std::size_t b = first; b < last; ++b) {
                const Eigen::Index r0 = static_cast<Eigen::Index>(b) * block_rows;
                const Eigen::Index rows = std::min(block_rows, n - r0);
                auto z = out.middleRows(r0, rows);
                z.noalias() = x.middleRows(r0, rows) * basis_;
                for (Eigen::Index i = 0; i < rows; ++i) {
                    float* row = z.row(i).data();
                    for (std::size_t j = 0; j < dim_; ++j) {
                        p[j] = row[j];
                        shifted[j] = p[j] + static_cast<double>(phases_[static_cast<Eigen::Index>(j)]);
                    }
                    simd::sin_cos(p.data(), sin_p.data(), cos_p.data(), dim_);
                    simd::sin_cos(shifted.data(), sin_s.data(), cos_s.data(), dim_);
                    for (std::size_t j = 0; j < dim_; ++j) row[j] = static_cast<float>(cos_s[j] * sin_p[j]);
                }
            }
        });
        return out;
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
        for (std::size_t j = 0; j < dim; ++j) draw(j);
    }

    /// Draws column j and phase j from the stream of (seed, j, generation j).
    void draw(std::size_t j) {
        const double scale = bandwidth_ / std::sqrt(static_cast<double>(features_));
        rng gen(detail::make_key(seed_ ^ stream_salt, j), generations_[j]);
        const auto col = static_cast<Eigen::Index>(j);
        for (Eigen::Index i = 0; i < basis_.rows(); ++i) basis_(i, col) = static_cast<float>(scale * gen.normal());
        phases_[col] = static_cast<float>(2.0 * std::numbers::pi * gen.uniform());
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
};

}  // namespace hdc
