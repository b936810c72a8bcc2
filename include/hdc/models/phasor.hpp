// hdc/models/phasor.hpp - FHRR phasor codes: unit complex components, elementwise product binding.
//
// Component j is e^{i theta_j}, stored as two aligned float arrays re[] and im[] (structure of
// arrays, so kernels load whole registers of real and of imaginary parts). Binding adds angles,
// unbinding subtracts them (multiplication by the conjugate), similarity is Re<a, b> / D, the mean
// cosine of the angle differences. Random vectors have exactly uniform angles without any
// trigonometric call: a point drawn uniformly in a disc of integer coordinates, projected onto the
// unit circle with correctly rounded IEEE sqrt and division, so every platform agrees bit for bit.
// This is the vector type of fractional power encoding.
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../core/algebra.hpp"
#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../core/vector_storage.hpp"
#include "../simd/complex.hpp"
#include "accumulator_facade.hpp"
#include "common.hpp"
#include "element_wise.hpp"
#include "row_kernels.hpp"
#include "sums.hpp"

namespace hdc {

template <std::size_t D>
class phasor_accumulator;

namespace detail {

/// (x, y) / |(x, y)| rounded to float, for finite (x, y) != 0. Both coordinates are first scaled
/// by the same power of two (exact), so neither huge nor tiny inputs overflow or underflow, and
/// the squares are summed with an explicit fma: the result does not depend on fp contraction.
inline void unit_phase(double x, double y, float& re, float& im) noexcept {
    int e = 0;
    std::frexp(std::fmax(std::fabs(x), std::fabs(y)), &e);
    const double xs = std::ldexp(x, -e), ys = std::ldexp(y, -e);
    const double r = std::sqrt(std::fma(xs, xs, ys * ys));
    re = static_cast<float>(xs / r);
    im = static_cast<float>(ys / r);
}

}  // namespace detail

/// An FHRR hypervector of D unit complex components (D may be hdc::dynamic). Invariant: every
/// component has unit modulus (to float rounding).
/// Thread safety: a value type; const members may be called concurrently, non-const ones need
/// exclusive access.
template <std::size_t D = dynamic>
class phasor : public vector_storage<D, float, 2> {
    using base = vector_storage<D, float, 2>;

public:
    /// The type of one component.
    using value_type = std::complex<float>;
    using accumulator_type = phasor_accumulator<D>;

    /// All components 1 (the identity of binding); for hdc::dynamic, an empty vector.
    phasor() : phasor(D == dynamic ? 0 : D, nocheck{}) {}
    /// All components 1 in the given dimension (must equal D when D is fixed; must be positive).
    explicit phasor(std::size_t dim) : phasor(detail::resolve_dim<D>(dim), nocheck{}) {}
    /// The same vector with another extent: implicit from a fixed to a run-time dimension,
    /// explicit (and checked: invalid_dimension) from a run-time to a fixed one.
    template <std::size_t E>
        requires(E != D)
    explicit(D != dynamic) phasor(const phasor<E>& other) : base(other) {}

    /// The dimension (number of components; bits for binary).
    std::size_t dim() const noexcept { return base::dim(); }
    /// The real parts.
    std::span<const float> re() const noexcept { return base::part_span(0); }
    /// The imaginary parts.
    std::span<const float> im() const noexcept { return base::part_span(1); }
    /// Pointer to the real parts (64-byte aligned, readable up to padded_size(), padding zero).
    const float* re_data() const noexcept { return base::part(0); }
    /// Pointer to the imaginary parts (64-byte aligned, readable up to padded_size()).
    const float* im_data() const noexcept { return base::part(1); }

    /// Component i. No bounds check.
    value_type operator[](std::size_t i) const noexcept { return {re_data()[i], im_data()[i]}; }
    /// Component i; throws invalid_parameter if i is out of range.
    value_type at(std::size_t i) const {
        if (i >= dim())
            throw invalid_parameter("phasor::at: component " + std::to_string(i) +
                                    " out of range for dimension " + std::to_string(dim()));
        return (*this)[i];
    }

    /// The angle of every component, in (-pi, pi].
    std::vector<double> angles() const {
        std::vector<double> out(dim());
        for (std::size_t i = 0; i < dim(); ++i)
            out[i] = std::atan2(static_cast<double>(im_data()[i]), static_cast<double>(re_data()[i]));
        return out;
    }

    /// i.i.d. angles, exactly uniform on the circle, bit-reproducible. Per component: draw
    /// integers x, y = (gen() >> 38) - 2^25 until 0 < x^2 + y^2 < 2^50 (a uniform point of a
    /// disc), then take (x, y) / sqrt(x^2 + y^2) in double and round to float.
    static phasor random(rng& gen, std::size_t dim = D) {
        phasor v(dim);
        float* re = v.mutable_part(0);
        float* im = v.mutable_part(1);
        for (std::size_t i = 0; i < v.dim(); ++i) {
            for (;;) {
                const std::int64_t x = static_cast<std::int64_t>(gen() >> 38) - (1ll << 25);
                const std::int64_t y = static_cast<std::int64_t>(gen() >> 38) - (1ll << 25);
                const std::int64_t r2 = x * x + y * y;  // exact: < 2^51
                if (r2 == 0 || r2 >= (1ll << 50)) continue;
                const double r = std::sqrt(static_cast<double>(r2));  // r2 exact in double
                re[i] = static_cast<float>(static_cast<double>(x) / r);
                im[i] = static_cast<float>(static_cast<double>(y) / r);
                break;
            }
        }
        return v;
    }

    /// The vector e^{i angles}. dim defaults to D, or to angles.size() for hdc::dynamic; throws
    /// invalid_parameter if the count differs from dim, non_finite_value for NaN or infinity.
    /// (Uses the platform's cos and sin: reproducible to the last bit only with the same libm.)
    static phasor from_angles(std::span<const double> angles, std::size_t dim = D) {
        phasor v(dim == dynamic ? angles.size() : dim);
        if (angles.size() != v.dim())
            throw invalid_parameter("phasor::from_angles: " + std::to_string(angles.size()) +
                                    " angles given for dimension " + std::to_string(v.dim()));
        for (std::size_t i = 0; i < v.dim(); ++i) {
            if (!std::isfinite(angles[i]))
                throw non_finite_value("phasor::from_angles: angle " + std::to_string(i) +
                                       " is not finite (" + std::to_string(angles[i]) + ")");
            v.mutable_part(0)[i] = static_cast<float>(std::cos(angles[i]));
            v.mutable_part(1)[i] = static_cast<float>(std::sin(angles[i]));
        }
        return v;
    }

    /// The vector whose component i is (re[i], im[i]) / |(re[i], im[i])| (phase projection).
    /// dim defaults to D, or to re.size() for hdc::dynamic. Throws invalid_parameter for wrong
    /// sizes or a zero component, non_finite_value for NaN or infinity.
    static phasor from_values(std::span<const float> re, std::span<const float> im,
                              std::size_t dim = D) {
        return from_values_impl(re, im, dim);
    }
    /// As above, from double parts.
    static phasor from_values(std::span<const double> re, std::span<const double> im,
                              std::size_t dim = D) {
        return from_values_impl(re, im, dim);
    }

    friend bool operator==(const phasor& a, const phasor& b) noexcept { return a.same_as(b); }

private:
    friend struct detail::storage_access;
    struct nocheck {};
    phasor(std::size_t dim, nocheck) : base(dim, dim) {
        float* re = base::mutable_part(0);
        for (std::size_t i = 0; i < dim; ++i) re[i] = 1.0f;
    }

    template <class T>
    static phasor from_values_impl(std::span<const T> re, std::span<const T> im,
                                   std::size_t dim) {
        phasor v(dim == dynamic ? re.size() : dim);
        if (re.size() != v.dim() || im.size() != v.dim())
            throw invalid_parameter("phasor::from_values: " + std::to_string(re.size()) +
                                    " real and " + std::to_string(im.size()) +
                                    " imaginary parts given for dimension " +
                                    std::to_string(v.dim()));
        for (std::size_t i = 0; i < v.dim(); ++i) {
            const double x = static_cast<double>(re[i]), y = static_cast<double>(im[i]);
            if (!std::isfinite(x) || !std::isfinite(y))
                throw non_finite_value("phasor::from_values: component " + std::to_string(i) +
                                       " is not finite");
            if (x == 0 && y == 0)
                throw invalid_parameter("phasor::from_values: component " + std::to_string(i) +
                                        " is zero and has no phase");
            detail::unit_phase(x, y, v.mutable_part(0)[i], v.mutable_part(1)[i]);
        }
        return v;
    }

};

/// Elementwise complex product (angles add); commutative, associative, identity all ones.
template <std::size_t D>
phasor<D> bind(const phasor<D>& a, const phasor<D>& b) {
    detail::check_same_dim("bind", a.dim(), b.dim());
    phasor<D> out(a.dim());
    simd::complex_multiply(a.re_data(), a.im_data(), b.re_data(), b.im_data(), detail::storage_access::data(out, 0),
                           detail::storage_access::data(out, 1), a.dim());
    return out;
}

/// Inverse of bind: c * conj(a), so unbind(bind(a, b), a) == b up to float rounding.
template <std::size_t D>
phasor<D> unbind(const phasor<D>& c, const phasor<D>& a) {
    detail::check_same_dim("unbind", c.dim(), a.dim());
    phasor<D> out(c.dim());
    simd::complex_multiply_conj(c.re_data(), c.im_data(), a.re_data(), a.im_data(),
                                detail::storage_access::data(out, 0),
                                detail::storage_access::data(out, 1), c.dim());
    return out;
}

/// Cyclic shift right by k components (component i moves to i + k); negative k shifts left.
template <std::size_t D>
phasor<D> permute(const phasor<D>& a, std::ptrdiff_t k) {
    phasor<D> out(a.dim());
    const std::size_t s = detail::shift_amount(k, a.dim());
    detail::rotate_elements(a.re_data(), detail::storage_access::data(out, 0), a.dim(), s);
    detail::rotate_elements(a.im_data(), detail::storage_access::data(out, 1), a.dim(), s);
    return out;
}

/// Hermitian inner product sum_i a_i * conj(b_i), in double.
template <std::size_t D>
std::complex<double> dot(const phasor<D>& a, const phasor<D>& b) {
    detail::check_same_dim("dot", a.dim(), b.dim());
    return simd::complex_dot(a.re_data(), a.im_data(), b.re_data(), b.im_data(), a.dim());
}

/// Re<a, b> / D = mean cosine of the angle differences: 1 identical, ~0 unrelated, -1 opposite.
template <std::size_t D>
double similarity(const phasor<D>& a, const phasor<D>& b) {
    detail::check_same_dim("similarity", a.dim(), b.dim());
    return simd::complex_dot_real(a.re_data(), a.im_data(), b.re_data(), b.im_data(), a.dim()) /
           static_cast<double>(a.dim());
}

/// Cosine of the real images; equal to similarity since every component has unit magnitude.
template <std::size_t D>
double cosine(const phasor<D>& a, const phasor<D>& b) {
    return similarity(a, b);
}

/// The un-normalised bundle of phasor vectors: per component the complex sum (in double) of the
/// weighted added vectors. result() projects every sum back onto the unit circle (z / |z|); a
/// component whose sum is exactly zero takes the component of a fixed tie-break vector.
/// Weights may be any finite number.
template <std::size_t D>
class phasor_accumulator : public accumulator_facade<phasor_accumulator<D>, phasor<D>> {
public:
    using vector_type = phasor<D>;

    phasor_accumulator() requires(D != dynamic) : phasor_accumulator(D) {}
    /// An empty accumulator for vectors of dimension dim.
    explicit phasor_accumulator(std::size_t dim)
        : sums_(detail::resolve_dim<D>(dim)) {}

    /// The dimension of the vectors it takes.
    std::size_t dim() const noexcept { return sums_.dim(); }
    /// Same as dim().
    std::size_t shape() const noexcept { return dim(); }
    /// Total weight added so far (adds minus subtracts).
    double count() const noexcept { return sums_.count(); }
    /// Real parts of the sums.
    std::span<const double> re() const noexcept { return sums_.sums(0); }
    /// Imaginary parts of the sums.
    std::span<const double> im() const noexcept { return sums_.sums(1); }
    /// The sum of component i. No bounds check.
    std::complex<double> operator[](std::size_t i) const noexcept {
        return {sums_.data(0)[i], sums_.data(1)[i]};
    }

    /// Adds the sums of another accumulator.
    void merge(const phasor_accumulator& other) {
        sums_.merge(other.sums_, "phasor_accumulator::merge");
    }
    /// Forgets every vector.
    void clear() noexcept { sums_.clear(); }

    /// Cyclic shift of the bundle right by k (negative k shifts left): afterwards it holds the
    /// sum of permute(v, k) over the vectors v added. May throw std::bad_alloc, before any
    /// change.
    void permute(std::ptrdiff_t k) { sums_.rotate(detail::shift_amount(k, dim())); }
    /// Multiplies the bundle (every complex sum, and the count) by a finite real factor, e.g. a
    /// forgetting factor. Throws non_finite_value or invalid_parameter (sums beyond 1e140),
    /// before any change.
    void scale(double factor) { sums_.scale(factor, "phasor_accumulator::scale"); }

    /// The phase-projected sum: component i is sum_i / |sum_i| (tie-break vector where zero).
    vector_type result() const {
        vector_type out(dim());
        std::optional<vector_type> tie;  // built only if some sum is exactly zero
        float* out_re = detail::storage_access::data(out, 0);
        float* out_im = detail::storage_access::data(out, 1);
        const double* sum_re = sums_.data(0);
        const double* sum_im = sums_.data(1);
        for (std::size_t i = 0; i < dim(); ++i) {
            if (sum_re[i] == 0 && sum_im[i] == 0) {
                if (!tie)
                    tie = symbol<vector_type>(detail::tie_break_name, detail::tie_break_seed,
                                              dim());
                out_re[i] = tie->re()[i];
                out_im[i] = tie->im()[i];
            } else {
                detail::unit_phase(sum_re[i], sum_im[i], out_re[i], out_im[i]);
            }
        }
        return out;
    }

    /// Hermitian inner product of the sums with v: sum_i s_i * conj(v_i).
    std::complex<double> dot_with(const vector_type& v) const {
        const phasor_accumulator& acc = *this;
        detail::check_same_dim("dot", acc.dim(), v.dim());
        return simd::complex_dot(acc.sums_.data(0), acc.sums_.data(1), v.re_data(), v.im_data(),
                                 acc.dim());
    }
    /// Re<sum, v> / (||sum|| * sqrt(D)): the cosine between the sums and v (0 when empty).
    double similarity_with(const vector_type& v) const {
        const phasor_accumulator& acc = *this;
        detail::check_same_dim("similarity", acc.dim(), v.dim());
        const double norm2 = simd::complex_norm2(acc.sums_.data(0), acc.sums_.data(1), acc.dim());
        if (norm2 == 0) return 0.0;
        const double d = simd::complex_dot_real(acc.sums_.data(0), acc.sums_.data(1), v.re_data(),
                                                v.im_data(), acc.dim());
        return d / std::sqrt(norm2 * static_cast<double>(acc.dim()));
    }

private:
    friend class accumulator_facade<phasor_accumulator, vector_type>;

    void add_weighted(const vector_type& v, double w) {
        sums_.add_with("phasor_accumulator::add", v.dim(), w, 1.0, [&] {
            simd::complex_axpy(w, v.re_data(), v.im_data(), sums_.data(0), sums_.data(1), dim());
        });
    }

    friend struct detail::accumulator_state_access;  // state transport (distributed/allreduce.hpp)
    detail::weighted_sums<D, 2> sums_;  // real parts, imaginary parts
};

/// Phasor rows hold the real parts, then (from the next 64-byte line) the imaginary parts.
template <std::size_t D>
struct row_traits<phasor<D>> {
    using element_type = float;
    static std::size_t im_offset(std::size_t dim) { return row_kernels::split_complex::im_offset(dim); }
    static std::size_t row_size(std::size_t dim) { return im_offset(dim) + dim; }
    static void store(const phasor<D>& v, float* row) {
        std::copy(v.re_data(), v.re_data() + v.dim(), row);
        std::copy(v.im_data(), v.im_data() + v.dim(), row + im_offset(v.dim()));
    }
    static phasor<D> load(const float* row, std::size_t dim) {
        phasor<D> v(dim);
        std::copy(row, row + dim, detail::storage_access::data(v, 0));
        std::copy(row + im_offset(dim), row + im_offset(dim) + dim, detail::storage_access::data(v, 1));
        return v;
    }
    /// Rows are split complex parts: searched by the mean real part of q conj(r).
    using kernel = row_kernels::split_complex;
};

/// Saved states name the family "phasor".
template <std::size_t D>
struct family_name<phasor<D>> {
    static constexpr std::string_view value = "phasor";  ///< the name
};

}  // namespace hdc
