// hdc/simd/kernel_table.hpp - one architecture's kernels gathered into a kernel_table.
//
// The runtime-dispatch units include this header inside a namespace of their own (after
// dispatch.hpp, outside it), so each table points at its own copy of the kernels. Tests use it
// directly to run every compiled architecture through the same table interface.
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch.hpp"
#include "bitslice.hpp"
#include "bitwise.hpp"
#include "dispatch.hpp"

namespace hdc::simd {

/// The kernel table of architecture tag Arch (the kernels of bitwise.hpp and bitslice.hpp).
template <class Arch>
constexpr ::hdc::simd::kernel_table make_kernel_table() noexcept {
    using u64 = std::uint64_t;
    using std::size_t;
    ::hdc::simd::kernel_table t{};
    t.name = Arch::name();
    t.xor_words = [](const u64* a, const u64* b, u64* out, size_t words) noexcept {
        detail::xor_words(a, b, out, words, Arch{});
    };
    t.xor_rows = [](const u64* a, const u64* b, u64* out, size_t rows, size_t words,
                    size_t stride) noexcept {
        detail::xor_rows(a, b, out, rows, words, stride, Arch{});
    };
    t.popcount_words = [](const u64* a, size_t words) noexcept {
        return detail::popcount_words(a, words, Arch{});
    };
    t.and_popcount_words = [](const u64* a, const u64* b, size_t words) noexcept {
        return detail::and_popcount_words(a, b, words, Arch{});
    };
    t.hamming_words = [](const u64* a, const u64* b, size_t words) noexcept {
        return detail::hamming_words(a, b, words, Arch{});
    };
    t.hamming_one_to_many = [](const u64* query, const u64* rows, size_t n_rows, size_t words,
                               size_t stride, std::uint32_t* out) noexcept {
        detail::hamming_one_to_many(query, rows, n_rows, words, stride, out, Arch{});
    };
    t.hamming_many_to_many = [](const u64* queries, size_t n_queries, const u64* rows,
                                size_t n_rows, size_t words, size_t stride,
                                std::uint32_t* out) noexcept {
        detail::hamming_many_to_many(queries, n_queries, rows, n_rows, words, stride, out,
                                     Arch{});
    };
    t.rotate_bits = [](const u64* a, u64* out, size_t bits, size_t k) noexcept {
        detail::rotate_bits(a, out, bits, k, Arch{});
    };
    t.bitslice_increment = [](u64* planes, size_t n_planes, size_t stride, const u64* v,
                              size_t words) noexcept {
        detail::bitslice_increment(planes, n_planes, stride, v, words, Arch{});
    };
    t.bitslice_add = [](u64* dst, size_t n_dst, const u64* src, size_t n_src, size_t stride,
                        size_t words) noexcept {
        detail::bitslice_add(dst, n_dst, src, n_src, stride, words, Arch{});
    };
    t.bitslice_majority = [](const u64* a, size_t n_a, const u64* b, size_t n_b, size_t stride,
                             u64 threshold, const u64* tie, u64* out, size_t words) noexcept {
        detail::bitslice_majority(a, n_a, b, n_b, stride, threshold, tie, out, words, Arch{});
    };
    t.add_signed_bits = [](std::int32_t* sums, const u64* v, size_t dim,
                           std::int32_t weight) noexcept {
        detail::add_signed_bits(sums, v, dim, weight, Arch{});
    };
    t.add_unit_votes = [](std::int32_t* sums, const u64* planes, size_t n_planes, size_t stride,
                          std::uint32_t n_votes, size_t dim) noexcept {
        detail::add_unit_votes(sums, planes, n_planes, stride, n_votes, dim, Arch{});
    };
    t.majority_from_sums = [](const std::int32_t* sums, const u64* tie, u64* out,
                              size_t dim) noexcept {
        detail::majority_from_sums(sums, tie, out, dim, Arch{});
    };
    t.signed_sum = [](const std::int32_t* sums, const u64* v, size_t dim) noexcept {
        return detail::signed_sum(sums, v, dim, Arch{});
    };
    return t;
}

}  // namespace hdc::simd
