// hdc/models/vtb.hpp - VTB: vector-derived transformation binding (Gosmann & Eliasmith).
//
// J. Gosmann and C. Eliasmith, "Vector-derived transformation binding: an improved binding
// operation for deep symbol-like processing in neural networks", Neural Computation 31(5), 2019
// (NengoSPA's VtbAlgebra). The dimension is a perfect square D = d'^2. Binding multiplies by the
// block-diagonal matrix V_a made of d' copies of the d' x d' matrix V'_a = sqrt(d') * a reshaped
// row by row (V'_a[i][j] = sqrt(d') a_(i d' + j)):
//   bind(a, b) = V_a b,    (V_a b)_(k d' + i) = sqrt(d') * sum over j of a_(i d' + j) b_(k d' + j),
// i.e. row i of block k is sqrt(d') times the dot product of the i-th slice of a with the k-th
// slice of b. (The paper writes B(x, y) = V_y x; here the key comes first, as for every family:
// bind(key, value), unbind(bound, key).) Unbinding multiplies by the transpose,
// unbind(c, a) = V_a^T c: the approximate inverse, since V'_a^T V'_a is a Wishart matrix with
// mean I (entries of V'_a have variance d' / D = 1 / d'). For Normal atoms the recovered vector's
// cosine with b is about 1/sqrt(2 + 1/d') with standard deviation about 1/(2 sqrt(D)) (derived in
// tests/model_info.hpp). Binding is not commutative (V_a b != V_b a) nor associative, and
// permutation does not commute with it; bundling is the sum, similarity the cosine, atoms
// i.i.d. Normal(0, 1/D) as in the paper and NengoSPA (models/normal_atoms.hpp, shared with HRR).
//
// Cost: d' matrix-vector products of size d' x d', O(D^1.5) (10^6 multiply-adds at D = 10,000);
// no D x D matrix is formed. Each output is one simd::real_dot in double (the library's kernel,
// whose lane order is fixed), so results are bit-identical on every machine and SIMD path.
//
// Generic use. VTB works with every generic encoder and memory. The resonator
// (memory/resonator/) refuses it at compile time: binding does not commute, so "unbind the other
// factors" has no single order-free form (as for MBAT); use HRR with unitary atoms for
// factorisation. An exact inverse exists whenever V'_a is invertible: every d' x d' matrix M is
// V'_x for x = vec(M) / sqrt(d'), so a^-1 = vec(V'_a^-1) / sqrt(d') gives
// bind(a^-1, bind(a, b)) = b. It is not provided: it costs a d' x d' inversion (O(D^1.5)), and
// for Normal atoms V'_a is a square Gaussian matrix whose condition number grows like d'
// (Edelman), so it amplifies the noise of a bundle where the transpose does not.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../simd/floating.hpp"
#include "normal_atoms.hpp"

namespace hdc {

/// The tag of vector-derived transformation binding (see normal_vector).
struct vtb_family {
    /// The family's name in error messages and saved states.
    static constexpr const char* name = "vtb";
    /// The dimensions VTB accepts, in words (quoted by invalid_dimension).
    static constexpr const char* rule =
        "VTB needs a perfect square dimension D = d'^2 (d' copies of a d' x d' block; "
        "e.g. 1,024 = 32^2, 10,000 = 100^2)";
    /// The integer square root of d rounded down.
    static constexpr std::size_t root(std::size_t d) noexcept {
        std::size_t lo = 0, hi = std::size_t{1} << 32;  // root(d) < 2^32 for 64-bit d
        while (hi - lo > 1) {
            const std::size_t mid = lo + (hi - lo) / 2;
            (mid <= d / mid ? lo : hi) = mid;
        }
        return lo;
    }
    /// Whether d is a dimension VTB takes: a positive perfect square.
    static constexpr bool accepts(std::size_t d) noexcept { return d > 0 && root(d) * root(d) == d; }
    /// The accumulator's operations, as named in its error messages.
    static constexpr const char* add_operation = "vtb_accumulator::add";
    static constexpr const char* merge_operation = "vtb_accumulator::merge";
    static constexpr const char* scale_operation = "vtb_accumulator::scale";
    static constexpr const char* result_operation = "vtb_accumulator::result";
};

/// A VTB vector: D = d'^2 real components of type T (float or double; D may be hdc::dynamic),
/// atoms i.i.d. Normal(0, 1/D), bound by the block-diagonal matrix derived from the key.
template <std::size_t D = dynamic, class T = float>
using vtb = normal_vector<vtb_family, D, T>;

/// The sum accumulator of VTB vectors.
template <std::size_t D = dynamic, class T = float>
using vtb_accumulator = normal_accumulator<vtb_family, D, T>;

namespace detail {

/// out[k n + i] = scale * sum over j of a[i n + j] b[k n + j] for i, k < n (a and b are n x n
/// row-major; out = scale * B A^T): one simd::real_dot per output, in double.
template <class T>
void vtb_products(const T* a, const T* b, T* out, std::size_t n) {
    const double scale = std::sqrt(static_cast<double>(n));
    std::vector<double> row(n);
    for (std::size_t k = 0; k < n; ++k) {
        simd::real_dot_rows(b + k * n, a, n, n, n, row.data());
        for (std::size_t i = 0; i < n; ++i) out[k * n + i] = static_cast<T>(scale * row[i]);
    }
}

/// Throws non_finite_value naming the operation if a component overflowed T (only possible with
/// huge components given through from_values).
template <class T>
void vtb_check_finite(const T* out, std::size_t n, const char* operation) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(out[i]))
            throw non_finite_value(std::string(operation) + ": component " + std::to_string(i) +
                                   " does not fit the component type");
}

}  // namespace detail

/// V_a b: d' dense d' x d' matrix-vector products with the block sqrt(d') * a reshaped (see the
/// header comment). Bilinear, not commutative. Throws dimension_mismatch.
template <std::size_t D, class T>
vtb<D, T> bind(const vtb<D, T>& a, const vtb<D, T>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    const std::size_t n = vtb_family::root(a.dim());
    auto out = detail::storage_access::for_overwrite<vtb<D, T>>(a.dim());
    detail::vtb_products(a.data(), b.data(), detail::storage_access::data(out), n);
    detail::vtb_check_finite(out.data(), out.dim(), "bind");
    return out;
}

/// The approximate inverse V_a^T c (the paper's unbinding): for Normal atoms
/// unbind(bind(a, b), a) has cosine about 1/sqrt(2 + 1/d') with b. Throws dimension_mismatch.
template <std::size_t D, class T>
vtb<D, T> unbind(const vtb<D, T>& c, const vtb<D, T>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    const std::size_t n = vtb_family::root(a.dim());
    // V'_a^T is the block of the key transposed: the same products with a's slices transposed.
    std::vector<T> at(a.dim());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) at[j * n + i] = a[i * n + j];
    auto out = detail::storage_access::for_overwrite<vtb<D, T>>(c.dim());
    detail::vtb_products(at.data(), c.data(), detail::storage_access::data(out), n);
    detail::vtb_check_finite(out.data(), out.dim(), "unbind");
    return out;
}

/// The key whose binding is the transpose of a's (the paper's approximate inverse a~, with
/// V_(a~) = V_a^T): bind(vtb_transpose(a), c) == unbind(c, a) exactly. Exact, no arithmetic.
template <std::size_t D, class T>
vtb<D, T> vtb_transpose(const vtb<D, T>& a) {
    const std::size_t n = vtb_family::root(a.dim());
    auto out = detail::storage_access::for_overwrite<vtb<D, T>>(a.dim());
    T* o = detail::storage_access::data(out);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) o[j * n + i] = a[i * n + j];
    return out;
}

}  // namespace hdc
