// hdc/models/eigen.hpp - Eigen views of the real-valued models' components, without copies.
//
// as_eigen(v) maps a real or MBAT vector's components, re_eigen / im_eigen a phasor's real and
// imaginary parts, as Eigen column vectors that share the vector's storage (64-byte aligned).
// The views are read-only: every model has an invariant (finite components, unit modulus) that a
// writable view would let a caller break. To go the other way, build a vector from Eigen data
// with from_values(std::span(x.data(), x.size())), which checks it. A view is valid while the
// vector lives and is not assigned to.
#pragma once

#include "eigen_core.hpp"

#include <cstddef>

#include "mbat.hpp"
#include "phasor.hpp"
#include "real.hpp"

namespace hdc {

/// A read-only Eigen view of n aligned components of type T.
template <class T>
using eigen_view = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>, Eigen::Aligned64>;

/// The components of a real vector as an Eigen column vector (no copy, read-only).
template <std::size_t D, class T>
eigen_view<T> as_eigen(const real<D, T>& v) {
    return eigen_view<T>(v.data(), static_cast<Eigen::Index>(v.dim()));
}

/// The components of an MBAT vector as an Eigen column vector (no copy, read-only).
template <std::size_t D, class T>
eigen_view<T> as_eigen(const mbat<D, T>& v) {
    return eigen_view<T>(v.data(), static_cast<Eigen::Index>(v.dim()));
}

/// The real parts of a phasor vector as an Eigen column vector (no copy, read-only).
template <std::size_t D>
eigen_view<float> re_eigen(const phasor<D>& v) {
    return eigen_view<float>(v.re_data(), static_cast<Eigen::Index>(v.dim()));
}

/// The imaginary parts of a phasor vector as an Eigen column vector (no copy, read-only).
template <std::size_t D>
eigen_view<float> im_eigen(const phasor<D>& v) {
    return eigen_view<float>(v.im_data(), static_cast<Eigen::Index>(v.dim()));
}

// Temporaries would leave a dangling view.
template <std::size_t D, class T>
void as_eigen(const real<D, T>&&) = delete;
template <std::size_t D, class T>
void as_eigen(const mbat<D, T>&&) = delete;
template <std::size_t D>
void re_eigen(const phasor<D>&&) = delete;
template <std::size_t D>
void im_eigen(const phasor<D>&&) = delete;

}  // namespace hdc
