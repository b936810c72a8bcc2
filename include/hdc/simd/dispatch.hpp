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
// This header includes only standard headers and kernel_list.hpp (the generated units include
// it unwrapped).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_list.hpp"

namespace hdc::simd {

/// One architecture's kernels as plain function pointers, one field per line of
/// kernel_list.hpp (named after the kernel, plus its variant suffix for typed overloads).
struct kernel_table {
    const char* name;
    HDC_SIMD_KERNELS(HDC_SIMD_TABLE_FIELD, HDC_SIMD_TABLE_FIELD_V)
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
