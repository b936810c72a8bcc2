// Tests of the kernel registry (simd/kernel_list.hpp): which kernels have a fast path on which
// architecture, and that nothing reaches the reference by an implicit conversion.
//
// How to add a kernel:
//   1. in the family's kernel header (e.g. simd/bitwise.hpp), write the reference
//      detail::name(..., scalar) and its fast paths (a template <vector_arch Arch>, or overloads
//      for particular tags);
//   2. add its line, X(name, return type, (parameters), (arguments)), with a one-line comment,
//      to the family's list in simd/kernel_list.hpp.
// The public hdc::simd::name, the dispatcher kernels::name, the kernel_table field and the
// runtime-dispatch tables are generated from that line. Then compare it with the reference on
// every compiled architecture in the family's test (tests/test_simd_*.cpp, through
// make_kernel_table) and in tests/test_dispatch.cpp. If some architecture has no fast path,
// the test below fails until the kernel is listed in reference_only: a missing fast path is a
// decision written down, never an accident.
#include <hdc/simd/kernel_table.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <type_traits>

namespace {

using hdc::simd::scalar;

// Fallbacks to the reference must be explicit: no tag converts to the reference tag.
static_assert(!std::is_convertible_v<xsimd::sse2, scalar>);
static_assert(!std::is_convertible_v<xsimd::avx2, scalar>);
static_assert(!std::is_convertible_v<xsimd::avx512bw, scalar>);
static_assert(!std::is_convertible_v<hdc::simd::avx512_vpopcnt, scalar>);

// FMA comes from xsimd's tags, not from the compiler's flags.
static_assert(hdc::simd::fma_arch<xsimd::fma3<xsimd::avx2>>);
static_assert(hdc::simd::fma_arch<xsimd::avx512bw>);
static_assert(hdc::simd::fma_arch<hdc::simd::avx512_vpopcnt>);
static_assert(!hdc::simd::fma_arch<xsimd::avx2>);
static_assert(!hdc::simd::fma_arch<xsimd::sse2>);

// One field per registered kernel.
static_assert(sizeof(hdc::simd::kernel_table) ==
              sizeof(const char*) + hdc::simd::kernel_count * sizeof(void (*)()));

/// The registered kernels that run their reference on architecture Arch, by design.
template <class Arch>
std::set<std::string> reference_only() {
    // int32 vote sums: AVX-512 mask registers only (AVX2 would need a different bit spreading).
    const std::set<std::string> int32_votes = {"add_signed_bits", "add_signed_rows",
                                               "add_unit_votes", "majority_from_sums",
                                               "signed_sum"};
    // Double products round once only with a fused multiply-add (fma_arch tags).
    const std::set<std::string> needs_fma = {
        "real_dot_f64",     "real_dot_f64_f32", "real_sum_squares_f64", "real_dot_rows_f64", "real_axpy_f32",
        "real_axpy_f64",    "complex_dot_real_f64", "complex_dot_f64",  "complex_norm2",
        "complex_axpy",     "sin_cos_f32",      "sin_cos_f64",          "givens_rotate_f32",
        "givens_rotate_f64"};
    // Registered with their references only: the double transform (no caller needs its speed)
    // and the signed permutations (gathers).
    const std::set<std::string> transforms = {"walsh_hadamard_f64", "signed_permute_f32", "signed_permute_f64",
                                              "signed_permute_transpose_f32", "signed_permute_transpose_f64"};
    std::set<std::string> out;
    if constexpr (std::is_same_v<Arch, scalar>) return out;
    out.insert(transforms.begin(), transforms.end());
    // One scattered count per block: AVX-512 gather + scatter measured slower than scalar.
    out.insert("add_block_votes");
    // 64-bit multiplies: AVX-512DQ only (AVX2 would need three 32-bit multiplies each).
    if constexpr (!std::is_base_of_v<xsimd::avx512bw, Arch>) out.insert("random_words");
    if constexpr (!std::is_base_of_v<xsimd::avx512bw, Arch>) out.insert(int32_votes.begin(), int32_votes.end());
    if constexpr (!hdc::simd::fma_arch<Arch>) out.insert(needs_fma.begin(), needs_fma.end());
    return out;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("simd kernels: the fast paths of every architecture are the listed ones",
                        "[simd]", hdc::simd::compiled_archs) {
    INFO("architecture " << TestType::name());
    std::set<std::string> fallback;
    for (const auto& path : hdc::simd::kernel_paths<TestType>())
        if (!path.fast) fallback.insert(path.kernel);
    CHECK(fallback == reference_only<TestType>());
}

TEST_CASE("simd kernels: every kernel is registered once, the reference for every kernel") {
    std::set<std::string> names;
    for (const auto& path : hdc::simd::kernel_paths<scalar>()) {
        INFO(path.kernel);
        CHECK(path.fast);  // the scalar tag's own overload is the reference
        CHECK(names.insert(path.kernel).second);
    }
    CHECK(names.size() == hdc::simd::kernel_count);
    // The kernels no model uses were removed, not kept as untested weight.
    for (const char* removed : {"int8_multiply", "int32_int8_dot", "int8_accumulate",
                                "int32_sign_with_tie_break", "xor_rows"})
        CHECK(names.count(removed) == 0);
}
