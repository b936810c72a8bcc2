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
#include "complex.hpp"
#include "dispatch.hpp"
#include "floating.hpp"
#include "integer.hpp"
#include "modular.hpp"

namespace hdc::simd {

/// The dense kernels (integer, floating, complex, modular) of architecture tag Arch.
template <class Arch>
constexpr void fill_dense_kernels(::hdc::simd::kernel_table& t) noexcept {
    using i8 = std::int8_t;
    using i32 = std::int32_t;
    using u16 = std::uint16_t;
    using std::size_t;
    t.int8_multiply = [](const i8* a, const i8* b, i8* out, size_t n) noexcept {
        detail::int8_multiply(a, b, out, n, Arch{});
    };
    t.int8_multiply_signs = [](const i8* a, const i8* b, i8* out, size_t n) noexcept {
        detail::int8_multiply_signs(a, b, out, n, Arch{});
    };
    t.int8_dot = [](const i8* a, const i8* b, size_t n) noexcept {
        return detail::int8_dot(a, b, n, Arch{});
    };
    t.int32_int8_dot = [](const i32* a, const i8* b, size_t n) noexcept {
        return detail::int32_int8_dot(a, b, n, Arch{});
    };
    t.int8_count_differing = [](const i8* a, const i8* b, size_t n) noexcept {
        return detail::int8_count_differing(a, b, n, Arch{});
    };
    t.int8_accumulate = [](i32 w, const i8* x, i32* sums, size_t n) noexcept {
        detail::int8_accumulate(w, x, sums, n, Arch{});
    };
    t.int32_add = [](const i32* x, i32* y, size_t n) noexcept {
        detail::int32_add(x, y, n, Arch{});
    };
    t.int32_sum_squares = [](const i32* a, size_t n) noexcept {
        return detail::int32_sum_squares(a, n, Arch{});
    };
    t.int32_sign_with_tie_break = [](const i32* sums, const i8* tie, i8* out, size_t n) noexcept {
        detail::int32_sign_with_tie_break(sums, tie, out, n, Arch{});
    };
    t.int8_sign_bits = [](const i8* x, std::uint64_t* bits, size_t n) noexcept {
        detail::int8_sign_bits(x, bits, n, Arch{});
    };
    t.int8_from_sign_bits = [](const std::uint64_t* bits, i8* out, size_t n) noexcept {
        detail::int8_from_sign_bits(bits, out, n, Arch{});
    };

    t.real_multiply_f32 = [](const float* a, const float* b, float* out, size_t n) noexcept {
        detail::real_multiply(a, b, out, n, Arch{});
    };
    t.real_multiply_f64 = [](const double* a, const double* b, double* out, size_t n) noexcept {
        detail::real_multiply(a, b, out, n, Arch{});
    };
    t.real_dot_f32 = [](const float* a, const float* b, size_t n) noexcept {
        return detail::real_dot(a, b, n, Arch{});
    };
    t.real_dot_f64 = [](const double* a, const double* b, size_t n) noexcept {
        return detail::real_dot(a, b, n, Arch{});
    };
    t.real_dot_f64_f32 = [](const double* a, const float* b, size_t n) noexcept {
        return detail::real_dot(a, b, n, Arch{});
    };
    t.real_sum_squares_f32 = [](const float* a, size_t n) noexcept {
        return detail::real_sum_squares(a, n, Arch{});
    };
    t.real_sum_squares_f64 = [](const double* a, size_t n) noexcept {
        return detail::real_sum_squares(a, n, Arch{});
    };
    t.real_dot_rows_f32 = [](const float* q, const float* rows, size_t stride, size_t n_rows, size_t n,
                             double* out) noexcept { detail::real_dot_rows(q, rows, stride, n_rows, n, out, Arch{}); };
    t.real_dot_rows_f64 = [](const double* q, const double* rows, size_t stride, size_t n_rows, size_t n,
                             double* out) noexcept { detail::real_dot_rows(q, rows, stride, n_rows, n, out, Arch{}); };
    t.real_axpy_f32 = [](double w, const float* x, double* y, size_t n) noexcept {
        detail::real_axpy(w, x, y, n, Arch{});
    };
    t.real_axpy_f64 = [](double w, const double* x, double* y, size_t n) noexcept {
        detail::real_axpy(w, x, y, n, Arch{});
    };

    t.complex_multiply = [](const float* a_re, const float* a_im, const float* b_re,
                            const float* b_im, float* out_re, float* out_im, size_t n) noexcept {
        detail::complex_multiply(a_re, a_im, b_re, b_im, out_re, out_im, n, Arch{});
    };
    t.complex_multiply_conj = [](const float* a_re, const float* a_im, const float* b_re,
                                 const float* b_im, float* out_re, float* out_im,
                                 size_t n) noexcept {
        detail::complex_multiply_conj(a_re, a_im, b_re, b_im, out_re, out_im, n, Arch{});
    };
    t.complex_dot_real_f32 = [](const float* a_re, const float* a_im, const float* b_re,
                                const float* b_im, size_t n) noexcept {
        return detail::complex_dot_real(a_re, a_im, b_re, b_im, n, Arch{});
    };
    t.complex_dot_f32 = [](const float* a_re, const float* a_im, const float* b_re,
                           const float* b_im, size_t n, double* re, double* im) noexcept {
        const auto z = detail::complex_dot(a_re, a_im, b_re, b_im, n, Arch{});
        *re = z.real();
        *im = z.imag();
    };
    t.complex_dot_real_f64 = [](const double* s_re, const double* s_im, const float* v_re,
                                const float* v_im, size_t n) noexcept {
        return detail::complex_dot_real(s_re, s_im, v_re, v_im, n, Arch{});
    };
    t.complex_dot_f64 = [](const double* s_re, const double* s_im, const float* v_re,
                           const float* v_im, size_t n, double* re, double* im) noexcept {
        const auto z = detail::complex_dot(s_re, s_im, v_re, v_im, n, Arch{});
        *re = z.real();
        *im = z.imag();
    };
    t.complex_norm2 = [](const double* re, const double* im, size_t n) noexcept {
        return detail::complex_norm2(re, im, n, Arch{});
    };
    t.complex_axpy = [](double w, const float* v_re, const float* v_im, double* s_re,
                        double* s_im, size_t n) noexcept {
        detail::complex_axpy(w, v_re, v_im, s_re, s_im, n, Arch{});
    };

    t.add_mod = [](const u16* a, const u16* b, u16* out, size_t n, std::uint32_t modulus) noexcept {
        detail::add_mod(a, b, out, n, modulus, Arch{});
    };
    t.sub_mod = [](const u16* a, const u16* b, u16* out, size_t n, std::uint32_t modulus) noexcept {
        detail::sub_mod(a, b, out, n, modulus, Arch{});
    };
    t.count_equal = [](const u16* a, const u16* b, size_t n) noexcept {
        return detail::count_equal(a, b, n, Arch{});
    };
}

/// The kernel table of architecture tag Arch (the kernels of every kernel header).
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
    fill_dense_kernels<Arch>(t);
    return t;
}

}  // namespace hdc::simd
