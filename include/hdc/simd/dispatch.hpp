// hdc/simd/dispatch.hpp - the kernel table and the run-time selection of an architecture.
//
// Opt-in: cmake's hdc_enable_runtime_dispatch(<target>) compiles the kernels once per x86
// architecture (sse2, avx2 with FMA, avx512bw, avx512_vpopcnt, each with its -m flags, each
// inside its own namespace so no symbol is shared between them), fills one kernel_table per
// architecture, and defines HDC_RUNTIME_DISPATCH=1 on the target. The public kernels of every
// kernel header then call through active_kernels(): the best table that the CPU and the
// operating system support (CPUID, and XGETBV for the YMM/ZMM/opmask state), chosen on first
// use. The environment variable HDC_FORCE_ARCH=scalar|sse2|avx2|avx512bw|avx512_vpopcnt forces
// one; an unknown or unsupported name is refused: the program exits (status EXIT_FAILURE) with
// a message on stderr rather than run other kernels than asked for.
//
// Without the helper, nothing here is used: kernels are chosen at compile time (default_arch).
// This header includes only standard headers (the generated units include it unwrapped).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hdc::simd {

/// One architecture's kernels as plain function pointers (builtin types only); see the kernel
/// headers (bitwise, bitslice, integer, floating, complex, modular) for what each computes and
/// its length contract.
struct kernel_table {
    const char* name;
    void (*xor_words)(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
                      std::size_t words) noexcept;
    void (*xor_rows)(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,
                     std::size_t rows, std::size_t words, std::size_t stride) noexcept;
    std::uint64_t (*popcount_words)(const std::uint64_t* a, std::size_t words) noexcept;
    std::uint64_t (*and_popcount_words)(const std::uint64_t* a, const std::uint64_t* b,
                                        std::size_t words) noexcept;
    std::uint64_t (*hamming_words)(const std::uint64_t* a, const std::uint64_t* b,
                                   std::size_t words) noexcept;
    void (*hamming_one_to_many)(const std::uint64_t* query, const std::uint64_t* rows,
                                std::size_t n_rows, std::size_t words, std::size_t stride,
                                std::uint32_t* out) noexcept;
    void (*hamming_many_to_many)(const std::uint64_t* queries, std::size_t n_queries,
                                 const std::uint64_t* rows, std::size_t n_rows,
                                 std::size_t words, std::size_t stride,
                                 std::uint32_t* out) noexcept;
    void (*rotate_bits)(const std::uint64_t* a, std::uint64_t* out, std::size_t bits,
                        std::size_t k) noexcept;
    void (*bitslice_increment)(std::uint64_t* planes, std::size_t n_planes, std::size_t stride,
                               const std::uint64_t* v, std::size_t words) noexcept;
    void (*bitslice_add)(std::uint64_t* dst, std::size_t n_dst, const std::uint64_t* src,
                         std::size_t n_src, std::size_t stride, std::size_t words) noexcept;
    void (*bitslice_majority)(const std::uint64_t* a, std::size_t n_a, const std::uint64_t* b,
                              std::size_t n_b, std::size_t stride, std::uint64_t threshold,
                              const std::uint64_t* tie, std::uint64_t* out,
                              std::size_t words) noexcept;
    void (*add_signed_bits)(std::int32_t* sums, const std::uint64_t* v, std::size_t dim,
                            std::int32_t weight) noexcept;
    void (*add_unit_votes)(std::int32_t* sums, const std::uint64_t* planes, std::size_t n_planes,
                           std::size_t stride, std::uint32_t n_votes, std::size_t dim) noexcept;
    void (*majority_from_sums)(const std::int32_t* sums, const std::uint64_t* tie,
                               std::uint64_t* out, std::size_t dim) noexcept;
    std::int64_t (*signed_sum)(const std::int32_t* sums, const std::uint64_t* v,
                               std::size_t dim) noexcept;

    // integer.hpp
    void (*int8_multiply)(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t n) noexcept;
    void (*int8_multiply_signs)(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                                std::size_t n) noexcept;
    std::int64_t (*int8_dot)(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
    std::int64_t (*int32_int8_dot)(const std::int32_t* a, const std::int8_t* b,
                                   std::size_t n) noexcept;
    std::uint64_t (*int8_count_differing)(const std::int8_t* a, const std::int8_t* b,
                                          std::size_t n) noexcept;
    void (*int8_accumulate)(std::int32_t w, const std::int8_t* x, std::int32_t* sums,
                            std::size_t n) noexcept;
    void (*int32_add)(const std::int32_t* x, std::int32_t* y, std::size_t n) noexcept;
    double (*int32_sum_squares)(const std::int32_t* a, std::size_t n) noexcept;
    void (*int32_sign_with_tie_break)(const std::int32_t* sums, const std::int8_t* tie,
                                      std::int8_t* out, std::size_t n) noexcept;
    void (*int8_sign_bits)(const std::int8_t* x, std::uint64_t* bits, std::size_t n) noexcept;
    void (*int8_from_sign_bits)(const std::uint64_t* bits, std::int8_t* out,
                                std::size_t n) noexcept;

    // floating.hpp (f32, f64: the component types; f64_f32: double sums against floats)
    void (*real_multiply_f32)(const float* a, const float* b, float* out, std::size_t n) noexcept;
    void (*real_multiply_f64)(const double* a, const double* b, double* out,
                              std::size_t n) noexcept;
    double (*real_dot_f32)(const float* a, const float* b, std::size_t n) noexcept;
    double (*real_dot_f64)(const double* a, const double* b, std::size_t n) noexcept;
    double (*real_dot_f64_f32)(const double* a, const float* b, std::size_t n) noexcept;
    double (*real_sum_squares_f32)(const float* a, std::size_t n) noexcept;
    double (*real_sum_squares_f64)(const double* a, std::size_t n) noexcept;
    void (*real_dot_rows_f32)(const float* query, const float* rows, std::size_t stride, std::size_t n_rows,
                              std::size_t n, double* out) noexcept;
    void (*real_dot_rows_f64)(const double* query, const double* rows, std::size_t stride, std::size_t n_rows,
                              std::size_t n, double* out) noexcept;
    void (*real_axpy_f32)(double w, const float* x, double* y, std::size_t n) noexcept;
    void (*real_axpy_f64)(double w, const double* x, double* y, std::size_t n) noexcept;

    // complex.hpp (complex results as real and imaginary parts written through pointers)
    void (*complex_multiply)(const float* a_re, const float* a_im, const float* b_re,
                             const float* b_im, float* out_re, float* out_im,
                             std::size_t n) noexcept;
    void (*complex_multiply_conj)(const float* a_re, const float* a_im, const float* b_re,
                                  const float* b_im, float* out_re, float* out_im,
                                  std::size_t n) noexcept;
    double (*complex_dot_real_f32)(const float* a_re, const float* a_im, const float* b_re,
                                   const float* b_im, std::size_t n) noexcept;
    void (*complex_dot_f32)(const float* a_re, const float* a_im, const float* b_re,
                            const float* b_im, std::size_t n, double* re, double* im) noexcept;
    double (*complex_dot_real_f64)(const double* s_re, const double* s_im, const float* v_re,
                                   const float* v_im, std::size_t n) noexcept;
    void (*complex_dot_f64)(const double* s_re, const double* s_im, const float* v_re,
                            const float* v_im, std::size_t n, double* re, double* im) noexcept;
    double (*complex_norm2)(const double* re, const double* im, std::size_t n) noexcept;
    void (*complex_axpy)(double w, const float* v_re, const float* v_im, double* s_re,
                         double* s_im, std::size_t n) noexcept;

    // modular.hpp
    void (*add_mod)(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus) noexcept;
    void (*sub_mod)(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                    std::size_t n, std::uint32_t modulus) noexcept;
    std::uint64_t (*count_equal)(const std::uint16_t* a, const std::uint16_t* b,
                                 std::size_t n) noexcept;
};

// Defined by the units that hdc_enable_runtime_dispatch generates (link errors otherwise).

/// The kernel table in use: HDC_FORCE_ARCH's, a select_arch() choice, or the best supported.
const kernel_table& active_kernels() noexcept;

/// Name of the architecture of active_kernels().
const char* active_arch() noexcept;

/// Whether this build has a table for the named architecture and the CPU and OS support it.
bool arch_supported(const char* name) noexcept;

/// Switches to the named architecture's table; false (and no change) if it is unknown or
/// unsupported. Meant for tests and benchmarks; kernels running concurrently finish with the
/// table they started with.
bool select_arch(const char* name) noexcept;

/// The best architecture the CPU and OS support among those compiled.
const char* best_supported_arch() noexcept;

}  // namespace hdc::simd
