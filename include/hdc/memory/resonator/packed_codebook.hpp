// hdc/memory/resonator/packed_codebook.hpp - a +-1 codebook as packed sign bits, for the exact
// integer steps of the bipolar resonator (classic and stochastic rules).
//
// With +-1 states every similarity a_j = <X_j, u> is an integer, N - 2 hamming(X_j, u), and the
// classic projection sum_j a_j X_j is an integer per component. Packed rows (bit 1 for -1, the
// item_memory layout of bipolar vectors) are 32x smaller than the float codebook, so one sweep
// reads ~115 KB instead of 3.7 MB at F = 3, N = 1500, D = 205 and stops being bandwidth bound:
// similarities are the SIMD hamming kernel, projections the int32 add_signed_rows kernel
// (sums[i] += sum_j bit ? -w_j : w_j; on AVX-512 one masked add per row and 16 lanes, the
// partial sums held in registers over all rows). Both are exact, hence
// bit-identical to the float matrix products whenever those are exact (N * D_f < 2^24).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../core/storage.hpp"
#include "../../simd/bitslice.hpp"
#include "../../simd/bitwise.hpp"

namespace hdc {

/// D codevectors of length N with components +-1, as 64-byte aligned rows of sign bits.
class packed_sign_codebook {
public:
    packed_sign_codebook() = default;

    /// Packs the d columns (n floats each, column-major) of a +-1 codebook.
    packed_sign_codebook(const float* columns, std::size_t n, std::size_t d)
        : n_(n), d_(d), words_((n + 63) / 64), stride_(padded_count<std::uint64_t>(words_)),
          rows_(stride_ * d) {
        for (std::size_t j = 0; j < d; ++j) pack(columns + j * n, n, rows_.data() + j * stride_);
    }

    /// Bit i of out = x[i] < 0, for i < n; (n + 63) / 64 words written.
    static void pack(const float* x, std::size_t n, std::uint64_t* out) noexcept {
        for (std::size_t w = 0; w * 64 < n; ++w) {
            const std::size_t m = std::min<std::size_t>(64, n - w * 64);
            std::uint64_t bits = 0;
            for (std::size_t i = 0; i < m; ++i)
                bits |= static_cast<std::uint64_t>(x[w * 64 + i] < 0) << i;
            out[w] = bits;
        }
    }

    /// Words of one packed vector ((n + 63) / 64).
    std::size_t words() const noexcept { return words_; }
    /// Number of codevectors.
    std::size_t size() const noexcept { return d_; }

    /// a[j] = <X_j, u> = n - 2 hamming(X_j, u) for every codevector j. u is packed by pack()
    /// into a 64-byte aligned buffer padded with zero words to whole lines; scratch holds size()
    /// counts.
    void similarities(const std::uint64_t* u, std::uint32_t* scratch, float* a) const noexcept {
        simd::hamming_one_to_many(u, rows_.data(), d_, words_, stride_, scratch);
        const auto n = static_cast<std::int64_t>(n_);
        for (std::size_t j = 0; j < d_; ++j)
            a[j] = static_cast<float>(n - 2 * static_cast<std::int64_t>(scratch[j]));
    }

    /// sums = sum_j w[j] X_j over all codevectors, the weights integers (as float) whose
    /// magnitudes sum below 2^31. sums holds n entries in a 64-byte aligned, padded buffer;
    /// scratch holds size() int32 weights.
    void project(const float* w, std::int32_t* scratch, std::int32_t* sums) const noexcept {
        for (std::size_t j = 0; j < d_; ++j) scratch[j] = static_cast<std::int32_t>(w[j]);
        std::fill(sums, sums + n_, 0);
        simd::add_signed_rows(sums, rows_.data(), d_, stride_, scratch, n_);
    }

private:
    std::size_t n_ = 0, d_ = 0, words_ = 0, stride_ = 0;
    aligned_buffer<std::uint64_t> rows_;
};

}  // namespace hdc
