// hdc/simd/kernel_list.hpp - the registry of hdc's SIMD kernels: one line per kernel.
//
// Every public kernel of hdc::simd is one entry below, X(name, return type, (parameters),
// (arguments)), or XV(name, variant, ...) for one of several typed overloads of a name (its
// table field is name followed by variant). From that line alone the kernel headers generate
//   * the public function hdc::simd::name(parameters), which calls the best architecture of the
//     translation unit, or the table chosen at run time under HDC_RUNTIME_DISPATCH;
//   * the dispatcher hdc::simd::kernels::name<variant>, whose run<Arch> calls
//     detail::name(arguments, Arch{}) and whose fast_path<Arch> says whether Arch has its own
//     overload; where it has none, run<Arch> calls the reference detail::name(arguments,
//     scalar{}) explicitly (no tag converts to scalar);
//   * the field of kernel_table (dispatch.hpp) and its filling (kernel_table.hpp).
//
// How to add a kernel:
//   1. write detail::name(..., scalar) (the reference) and the fast paths, e.g. a
//      template <vector_arch Arch> detail::name(..., Arch), in the family's kernel header;
//   2. add its line (with a one-line doc comment) to the family's list below.
// Nothing else: the runtime-dispatch units and the tests' per-architecture tables follow. A
// kernel left without a fast path on some architecture shows in kernels::name::fast_path and in
// tests/test_simd_kernels.cpp, which lists every (kernel, architecture) that runs the reference.
//
// Parameter types are builtin or standard (this header, like dispatch.hpp, includes only
// standard headers: the runtime-dispatch units include it outside their private namespaces).
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>

/// The parenthesised argument list `args` without its parentheses: HDC_SIMD_ARGS args.
#define HDC_SIMD_ARGS(...) __VA_ARGS__

// ---------------------------------------------------------------------------------------------
// bitwise.hpp: packed bit vectors (words of 64 bits, whole 64-byte lines on vector paths).

#define HDC_SIMD_BITWISE_KERNELS(X, XV)                                                          \
    /* out[i] = a[i] ^ b[i] for i < words (vector paths also write the last line's padding). */ \
    X(xor_words, void, (const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out,      \
                        std::size_t words), (a, b, out, words))                                  \
    /* Number of set bits in a[0..words). */                                                     \
    X(popcount_words, std::uint64_t, (const std::uint64_t* a, std::size_t words), (a, words))    \
    /* Number of positions set in both a and b (popcount of a & b). */                           \
    X(and_popcount_words, std::uint64_t,                                                         \
      (const std::uint64_t* a, const std::uint64_t* b, std::size_t words), (a, b, words))       \
    /* Number of differing bits between a[0..words) and b[0..words). */                         \
    X(hamming_words, std::uint64_t,                                                              \
      (const std::uint64_t* a, const std::uint64_t* b, std::size_t words), (a, b, words))       \
    /* out[r] = hamming(query, row r) for the n_rows rows stored at rows + r * stride. */        \
    X(hamming_one_to_many, void,                                                                 \
      (const std::uint64_t* query, const std::uint64_t* rows, std::size_t n_rows,               \
       std::size_t words, std::size_t stride, std::uint32_t* out),                               \
      (query, rows, n_rows, words, stride, out))                                                 \
    /* out[q * n_rows + r] = hamming(query q, row r), same stride for both; cache-blocked. */   \
    X(hamming_many_to_many, void,                                                                \
      (const std::uint64_t* queries, std::size_t n_queries, const std::uint64_t* rows,          \
       std::size_t n_rows, std::size_t words, std::size_t stride, std::uint32_t* out),          \
      (queries, n_queries, rows, n_rows, words, stride, out))                                    \
    /* Cyclic rotation of a bits-bit string by k < bits toward higher indices (no overlap). */  \
    X(rotate_bits, void,                                                                         \
      (const std::uint64_t* a, std::uint64_t* out, std::size_t bits, std::size_t k),            \
      (a, out, bits, k))                                                                         \
    /* out[i] = draw first + i of the hdc::rng stream keyed by key (rng::at), for i < n. */     \
    X(random_words, void,                                                                        \
      (std::uint64_t key, std::uint64_t first, std::uint64_t* out, std::size_t n),              \
      (key, first, out, n))

// ---------------------------------------------------------------------------------------------
// bitslice.hpp: bit-sliced counters (planes `stride` words apart) and int32 vote sums.

#define HDC_SIMD_BITSLICE_KERNELS(X, XV)                                                         \
    /* Adds bit vector v to the counters in planes [0, n_planes) (top carry dropped). */         \
    X(bitslice_increment, void,                                                                  \
      (std::uint64_t* planes, std::size_t n_planes, std::size_t stride,                         \
       const std::uint64_t* v, std::size_t words),                                               \
      (planes, n_planes, stride, v, words))                                                      \
    /* dst += src for bit-sliced counters (n_src <= n_dst planes; top carry dropped). */        \
    X(bitslice_add, void,                                                                        \
      (std::uint64_t* dst, std::size_t n_dst, const std::uint64_t* src, std::size_t n_src,      \
       std::size_t stride, std::size_t words),                                                   \
      (dst, n_dst, src, n_src, stride, words))                                                   \
    /* out bit = a + b > threshold, or == threshold and the tie bit (tie may be null). */      \
    X(bitslice_majority, void,                                                                   \
      (const std::uint64_t* a, std::size_t n_a, const std::uint64_t* b, std::size_t n_b,        \
       std::size_t stride, std::uint64_t threshold, const std::uint64_t* tie,                   \
       std::uint64_t* out, std::size_t words),                                                   \
      (a, n_a, b, n_b, stride, threshold, tie, out, words))                                      \
    /* sums[i] += bit i of v ? -weight : weight, for i < dim (wrapping on overflow). */         \
    X(add_signed_bits, void,                                                                     \
      (std::int32_t* sums, const std::uint64_t* v, std::size_t dim, std::int32_t weight),       \
      (sums, v, dim, weight))                                                                    \
    /* add_signed_bits of each of n_rows rows (rows + r * stride) with weight weights[r]. */    \
    X(add_signed_rows, void,                                                                     \
      (std::int32_t* sums, const std::uint64_t* rows, std::size_t n_rows, std::size_t stride,   \
       const std::int32_t* weights, std::size_t dim),                                            \
      (sums, rows, n_rows, stride, weights, dim))                                                \
    /* sums[i] += n_votes - 2 c_i, c_i the count of bit-sliced counter `planes` at i. */        \
    X(add_unit_votes, void,                                                                      \
      (std::int32_t* sums, const std::uint64_t* planes, std::size_t n_planes,                   \
       std::size_t stride, std::uint32_t n_votes, std::size_t dim),                              \
      (sums, planes, n_planes, stride, n_votes, dim))                                            \
    /* out bit i = sums[i] < 0, or sums[i] == 0 and tie bit i; (dim + 63) / 64 words. */        \
    X(majority_from_sums, void,                                                                  \
      (const std::int32_t* sums, const std::uint64_t* tie, std::uint64_t* out, std::size_t dim), \
      (sums, tie, out, dim))                                                                     \
    /* Sum over i < dim of (bit i of v ? -sums[i] : sums[i]). */                                 \
    X(signed_sum, std::int64_t, (const std::int32_t* sums, const std::uint64_t* v,              \
                                 std::size_t dim), (sums, v, dim))

// ---------------------------------------------------------------------------------------------
// integer.hpp: bipolar int8 components and int32 sums (exact integer arithmetic).

#define HDC_SIMD_INTEGER_KERNELS(X, XV)                                                          \
    /* out[i] = a[i] * b[i] for components +-1 (bytes (a ^ b) | 1). */                           \
    X(int8_multiply_signs, void,                                                                 \
      (const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t n),            \
      (a, b, out, n))                                                                            \
    /* Sum of a[i] * b[i] for i < n. */                                                          \
    X(int8_dot, std::int64_t, (const std::int8_t* a, const std::int8_t* b, std::size_t n),      \
      (a, b, n))                                                                                 \
    /* Number of positions i < n where a[i] != b[i]. */                                          \
    X(int8_count_differing, std::uint64_t,                                                       \
      (const std::int8_t* a, const std::int8_t* b, std::size_t n), (a, b, n))                   \
    /* y[i] += x[i] for i < n (merging int32 sums), wrapping on overflow. */                    \
    X(int32_add, void, (const std::int32_t* x, std::int32_t* y, std::size_t n), (x, y, n))      \
    /* Sum of a[i]^2 for i < n, exact, rounded once to double. */                               \
    X(int32_sum_squares, double, (const std::int32_t* a, std::size_t n), (a, n))                \
    /* Bit i of bits = x[i] < 0 for i < n; (n + 63) / 64 words, bits past n zero. */            \
    X(int8_sign_bits, void, (const std::int8_t* x, std::uint64_t* bits, std::size_t n),         \
      (x, bits, n))                                                                              \
    /* out[i] = bit i of bits ? -1 : +1 for i < n (the inverse packing). */                     \
    X(int8_from_sign_bits, void, (const std::uint64_t* bits, std::int8_t* out, std::size_t n),  \
      (bits, out, n))

// ---------------------------------------------------------------------------------------------
// floating.hpp: float and double arrays, double sums in the reference lane order.

#define HDC_SIMD_FLOATING_KERNELS(X, XV)                                                         \
    /* out[i] = a[i] * b[i] for i < n (MAP binding). */                                          \
    XV(real_multiply, _f32, void, (const float* a, const float* b, float* out, std::size_t n),  \
       (a, b, out, n))                                                                           \
    XV(real_multiply, _f64, void,                                                                \
       (const double* a, const double* b, double* out, std::size_t n), (a, b, out, n))          \
    /* Sum of a[i] * b[i] for i < n, in double, in the reference lane order. */                 \
    XV(real_dot, _f32, double, (const float* a, const float* b, std::size_t n), (a, b, n))      \
    XV(real_dot, _f64, double, (const double* a, const double* b, std::size_t n), (a, b, n))    \
    XV(real_dot, _f64_f32, double, (const double* a, const float* b, std::size_t n), (a, b, n)) \
    /* Sum of a[i]^2 for i < n, in double, in the reference lane order. */                       \
    XV(real_sum_squares, _f32, double, (const float* a, std::size_t n), (a, n))                 \
    XV(real_sum_squares, _f64, double, (const double* a, std::size_t n), (a, n))                \
    /* out[r] = real_dot(query, rows + r * stride, n) for r < n_rows, each bit-identical to it. */ \
    XV(real_dot_rows, _f32, void,                                                                \
       (const float* query, const float* rows, std::size_t stride, std::size_t n_rows,          \
        std::size_t n, double* out), (query, rows, stride, n_rows, n, out))                      \
    XV(real_dot_rows, _f64, void,                                                                \
       (const double* query, const double* rows, std::size_t stride, std::size_t n_rows,        \
        std::size_t n, double* out), (query, rows, stride, n_rows, n, out))                      \
    /* y[i] += w * x[i] for i < n, in double (accumulator sums). */                              \
    XV(real_axpy, _f32, void, (double w, const float* x, double* y, std::size_t n),             \
       (w, x, y, n))                                                                             \
    XV(real_axpy, _f64, void, (double w, const double* x, double* y, std::size_t n),            \
       (w, x, y, n))

// ---------------------------------------------------------------------------------------------
// complex.hpp: complex vectors as separate real and imaginary arrays.

#define HDC_SIMD_COMPLEX_KERNELS(X, XV)                                                          \
    /* out = a * b elementwise (a product rounded once to double, then to float). */            \
    X(complex_multiply, void,                                                                    \
      (const float* a_re, const float* a_im, const float* b_re, const float* b_im,              \
       float* out_re, float* out_im, std::size_t n),                                             \
      (a_re, a_im, b_re, b_im, out_re, out_im, n))                                               \
    /* out = a * conj(b) elementwise. */                                                         \
    X(complex_multiply_conj, void,                                                               \
      (const float* a_re, const float* a_im, const float* b_re, const float* b_im,              \
       float* out_re, float* out_im, std::size_t n),                                             \
      (a_re, a_im, b_re, b_im, out_re, out_im, n))                                               \
    /* Re sum a[i] conj(b[i]), in double. */                                                     \
    XV(complex_dot_real, _f32, double,                                                           \
       (const float* a_re, const float* a_im, const float* b_re, const float* b_im,             \
        std::size_t n), (a_re, a_im, b_re, b_im, n))                                             \
    /* Sum a[i] conj(b[i]), in double. */                                                        \
    XV(complex_dot, _f32, std::complex<double>,                                                  \
       (const float* a_re, const float* a_im, const float* b_re, const float* b_im,             \
        std::size_t n), (a_re, a_im, b_re, b_im, n))                                             \
    /* Re sum s[i] conj(v[i]): double sums against float components. */                        \
    XV(complex_dot_real, _f64, double,                                                           \
       (const double* s_re, const double* s_im, const float* v_re, const float* v_im,           \
        std::size_t n), (s_re, s_im, v_re, v_im, n))                                             \
    /* Sum s[i] conj(v[i]): double sums against float components. */                            \
    XV(complex_dot, _f64, std::complex<double>,                                                  \
       (const double* s_re, const double* s_im, const float* v_re, const float* v_im,           \
        std::size_t n), (s_re, s_im, v_re, v_im, n))                                             \
    /* Sum of |z[i]|^2 for i < n. */                                                             \
    X(complex_norm2, double, (const double* re, const double* im, std::size_t n), (re, im, n))  \
    /* s[i] += w * v[i] for i < n, in double. */                                                 \
    X(complex_axpy, void,                                                                        \
      (double w, const float* v_re, const float* v_im, double* s_re, double* s_im,              \
       std::size_t n), (w, v_re, v_im, s_re, s_im, n))

// ---------------------------------------------------------------------------------------------
// modular.hpp: 16-bit indices modulo a block length 1 <= L <= 65536.

#define HDC_SIMD_MODULAR_KERNELS(X, XV)                                                          \
    /* out[i] = (a[i] + b[i]) mod modulus, indices below modulus (out may alias). */            \
    X(add_mod, void, (const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,       \
                      std::size_t n, std::uint32_t modulus), (a, b, out, n, modulus))            \
    /* out[i] = (a[i] - b[i]) mod modulus, indices below modulus (out may alias). */            \
    X(sub_mod, void, (const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,       \
                      std::size_t n, std::uint32_t modulus), (a, b, out, n, modulus))            \
    /* Number of positions i < n where a[i] == b[i]. */                                          \
    X(count_equal, std::uint64_t,                                                                \
      (const std::uint16_t* a, const std::uint16_t* b, std::size_t n), (a, b, n))                \
    /* counts[b * length + index[b]] += weight for b < blocks (wrapping): block vote counts. */  \
    X(add_block_votes, void,                                                                     \
      (std::int32_t* counts, const std::uint16_t* index, std::size_t blocks,                    \
       std::size_t length, std::int32_t weight), (counts, index, blocks, length, weight))

// ---------------------------------------------------------------------------------------------
// transform.hpp: factors of MBAT's structured role operators and of the soft JSON encoder's
// mixing operator (exact or singly rounded steps).

#define HDC_SIMD_TRANSFORM_KERNELS(X, XV)                                                        \
    /* In-place Walsh-Hadamard transform of x[0..n), n a power of two, then x *= scale. */      \
    XV(walsh_hadamard, _f32, void, (float* x, std::size_t n, float scale), (x, n, scale))       \
    XV(walsh_hadamard, _f64, void, (double* x, std::size_t n, double scale), (x, n, scale))     \
    /* out[i] = (negate bit i ? -1 : 1) * in[index[i]] for i < n (no overlap). */               \
    XV(signed_permute, _f32, void,                                                               \
       (const float* in, float* out, const std::uint32_t* index, const std::uint64_t* negate,   \
        std::size_t n), (in, out, index, negate, n))                                             \
    XV(signed_permute, _f64, void,                                                               \
       (const double* in, double* out, const std::uint32_t* index, const std::uint64_t* negate, \
        std::size_t n), (in, out, index, negate, n))                                             \
    /* The transpose (inverse): out[index[i]] = (negate bit i ? -1 : 1) * in[i]. */              \
    XV(signed_permute_transpose, _f32, void,                                                     \
       (const float* in, float* out, const std::uint32_t* index, const std::uint64_t* negate,   \
        std::size_t n), (in, out, index, negate, n))                                             \
    XV(signed_permute_transpose, _f64, void,                                                     \
       (const double* in, double* out, const std::uint32_t* index, const std::uint64_t* negate, \
        std::size_t n), (in, out, index, negate, n))                                             \
    /* x[i] = -x[i] where bit i of negate is set, for i < n. */                                  \
    XV(flip_signs, _f32, void, (float* x, const std::uint64_t* negate, std::size_t n),          \
       (x, negate, n))                                                                           \
    /* acc[i] += (negate bit i ? -1 : 1) * x[i] for i < n (no overlap). */                       \
    XV(signed_add, _f32, void,                                                                   \
       (const float* x, float* acc, const std::uint64_t* negate, std::size_t n),                \
       (x, acc, negate, n))                                                                      \
    /* out[i] = (negate bit i ? -1 : 1) * value for i < n. */                                    \
    XV(sign_fill, _f32, void, (float value, const std::uint64_t* negate, float* out,            \
                               std::size_t n), (value, negate, out, n))

// ---------------------------------------------------------------------------------------------
// rotation.hpp: portable sine/cosine and Givens rotations (MBAT's keyed operators).

#define HDC_SIMD_ROTATION_KERNELS(X, XV)                                                         \
    /* s[i] = sin(theta[i]), c[i] = cos(theta[i]) by a portable fma polynomial, rounded to T. */ \
    XV(sin_cos, _f32, void, (const double* theta, float* s, float* c, std::size_t n),           \
       (theta, s, c, n))                                                                         \
    XV(sin_cos, _f64, void, (const double* theta, double* s, double* c, std::size_t n),         \
       (theta, s, c, n))                                                                         \
    /* (a, b) <- (c a - s b, s a + c b) per pair; transpose negates s (the inverse rotation). */ \
    XV(givens_rotate, _f32, void,                                                                \
       (float* a, float* b, const float* c, const float* s, std::size_t n, bool transpose),     \
       (a, b, c, s, n, transpose))                                                               \
    XV(givens_rotate, _f64, void,                                                                \
       (double* a, double* b, const double* c, const double* s, std::size_t n, bool transpose), \
       (a, b, c, s, n, transpose))

// ---------------------------------------------------------------------------------------------
// rocket.hpp: MiniROCKET's pooled kernel responses C[t] = ((alpha + g0) + g1) + g2 over t < n.

#define HDC_SIMD_ROCKET_KERNELS(X, XV)                                                           \
    /* counts[j] = number of t < n with C[t] > biases[j], for j < m (PPV numerators). */        \
    X(rocket_counts, void,                                                                       \
      (const float* alpha, const float* g0, const float* g1, const float* g2, std::size_t n,    \
       const float* biases, std::size_t m, std::uint32_t* counts),                              \
      (alpha, g0, g1, g2, n, biases, m, counts))                                                 \
    /* sums[j] = sum of poses[j * stride + t] over t < n with C[t] > biases[j] (16 lanes). */   \
    X(rocket_pose_sums, void,                                                                    \
      (const float* alpha, const float* g0, const float* g1, const float* g2, std::size_t n,    \
       const float* biases, std::size_t m, const float* poses, std::size_t stride, float* sums), \
      (alpha, g0, g1, g2, n, biases, m, poses, stride, sums))                                     \
    /* rocket_pose_sums of two series (series: alpha, g0, g1, g2 of each; sums: 2 m, first's  */ \
    /* first), every pose loaded once for both. */                                               \
    X(rocket_pose_sums_pair, void,                                                               \
      (const float* const* series, std::size_t n, const float* biases, std::size_t m,           \
       const float* poses, std::size_t stride, float* sums),                                     \
      (series, n, biases, m, poses, stride, sums))

/// Every kernel, in table order.
#define HDC_SIMD_KERNELS(X, XV)            \
    HDC_SIMD_BITWISE_KERNELS(X, XV)        \
    HDC_SIMD_BITSLICE_KERNELS(X, XV)       \
    HDC_SIMD_INTEGER_KERNELS(X, XV)        \
    HDC_SIMD_FLOATING_KERNELS(X, XV)       \
    HDC_SIMD_COMPLEX_KERNELS(X, XV)        \
    HDC_SIMD_MODULAR_KERNELS(X, XV)        \
    HDC_SIMD_TRANSFORM_KERNELS(X, XV)      \
    HDC_SIMD_ROTATION_KERNELS(X, XV)       \
    HDC_SIMD_ROCKET_KERNELS(X, XV)

// ---------------------------------------------------------------------------------------------
// Generators (used by dispatch.hpp, the kernel headers and kernel_table.hpp).

/// A kernel_table field: a plain function pointer.
#define HDC_SIMD_TABLE_FIELD_V(name, variant, ret, params, args) ret(*name##variant) params noexcept;
#define HDC_SIMD_TABLE_FIELD(name, ret, params, args) \
    HDC_SIMD_TABLE_FIELD_V(name, , ret, params, args)
