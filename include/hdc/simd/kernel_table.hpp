// hdc/simd/kernel_table.hpp - one architecture's kernels gathered into a kernel_table.
//
// Generated from kernel_list.hpp: nothing here names a kernel. The runtime-dispatch units include
// this header inside a namespace of their own (after dispatch.hpp, outside it), so each table
// points at its own copy of the kernels. Tests use it directly to run every compiled
// architecture through the same table interface, and kernel_paths to list the fast paths.
#pragma once

#include <array>
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
#include "rocket.hpp"
#include "rotation.hpp"
#include "transform.hpp"

namespace hdc::simd {

/// The kernel table of architecture tag Arch: every registered kernel's dispatcher run<Arch>
/// (its fast path for Arch, or its reference). `name` defaults to the tag's.
template <class Arch>
constexpr ::hdc::simd::kernel_table make_kernel_table(const char* name = Arch::name()) noexcept {
    ::hdc::simd::kernel_table t{};
    t.name = name;
#define HDC_SIMD_FILL_V(id, variant, ret, params, args) t.id##variant = &kernels::id##variant::run<Arch>;
#define HDC_SIMD_FILL(id, ret, params, args) HDC_SIMD_FILL_V(id, , ret, params, args)
    HDC_SIMD_KERNELS(HDC_SIMD_FILL, HDC_SIMD_FILL_V)
#undef HDC_SIMD_FILL
#undef HDC_SIMD_FILL_V
    return t;
}

/// Number of registered kernels (fields of kernel_table after its name).
inline constexpr std::size_t kernel_count = 0
#define HDC_SIMD_COUNT_V(id, variant, ret, params, args) +1
#define HDC_SIMD_COUNT(id, ret, params, args) +1
    HDC_SIMD_KERNELS(HDC_SIMD_COUNT, HDC_SIMD_COUNT_V)
#undef HDC_SIMD_COUNT
#undef HDC_SIMD_COUNT_V
    ;

/// One registered kernel's name (with its variant suffix) and whether Arch has a fast path.
struct kernel_path {
    const char* kernel;
    bool fast;
};

/// Every registered kernel, in table order, with whether Arch has its own overload (false:
/// the dispatcher runs the reference for Arch).
template <class Arch>
constexpr std::array<kernel_path, kernel_count> kernel_paths() noexcept {
    return {{
#define HDC_SIMD_PATH_V(id, variant, ret, params, args) {#id #variant, kernels::id##variant::fast_path<Arch>},
#define HDC_SIMD_PATH(id, ret, params, args) HDC_SIMD_PATH_V(id, , ret, params, args)
        HDC_SIMD_KERNELS(HDC_SIMD_PATH, HDC_SIMD_PATH_V)
#undef HDC_SIMD_PATH
#undef HDC_SIMD_PATH_V
    }};
}

}  // namespace hdc::simd
