// hdc/simd/arch.hpp - architecture tags for kernel selection.
//
// Every hot operation is a set of overloads in hdc::simd::detail, one per architecture tag,
// plus a public function in hdc::simd that forwards to the overload for default_arch. The
// scalar overloads are the reference that the vectorised ones must match bit for bit.
#pragma once

namespace hdc::simd {

/// Tag of the portable scalar reference kernels.
struct scalar {
    static constexpr const char* name() noexcept { return "scalar"; }
};

/// The architecture the public kernels use in this translation unit.
using default_arch = scalar;

}  // namespace hdc::simd
