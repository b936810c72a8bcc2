// Tests of hdc/simd/transform.hpp's vector kernels: every architecture's fast Walsh-Hadamard
// transform and sign kernels against the scalar references, bit for bit, at lengths that
// exercise the register stages, the radix-4 and radix-2 passes, the short-input fallback and the
// element tails; and the dispatched transform against the reference and its own inverse.
#include <hdc/core/rng.hpp>
#include <hdc/simd/kernel_table.hpp>
#include <hdc/simd/transform.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using hdc::simd::scalar;

/// Floats with varied exponents and signs (so rounding differences would show), from gen.
std::vector<float> random_floats(hdc::rng& gen, std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>((gen.uniform() - 0.5) * std::ldexp(1.0, static_cast<int>(gen.below(20)) - 10));
    return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("transform kernels: every architecture matches the reference bit for bit", "[simd]",
                        hdc::simd::compiled_archs) {
    INFO("architecture " << TestType::name());
    const auto table = hdc::simd::make_kernel_table<TestType>();
    hdc::rng gen(2026, 12);
    // Powers of two from below the shortest vector schedule to beyond one radix-4 step, then
    // odd lengths for the sign kernels' tails.
    for (std::size_t n : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 2048u, 4096u}) {
        INFO("n = " << n);
        const auto x = random_floats(gen, n);
        auto ref = x, got = x;
        hdc::simd::detail::walsh_hadamard(ref.data(), n, 0.375f, scalar{});
        table.walsh_hadamard_f32(got.data(), n, 0.375f);
        CHECK(same_bits(ref, got));
    }
    for (std::size_t n : {1u, 3u, 15u, 16u, 17u, 63u, 64u, 65u, 100u, 1000u, 2048u}) {
        INFO("n = " << n);
        std::vector<std::uint64_t> bits((n + 63) / 64);
        gen.fill(bits);
        const auto x = random_floats(gen, n), acc = random_floats(gen, n);
        auto ref = x, got = x;
        hdc::simd::detail::flip_signs(ref.data(), bits.data(), n, scalar{});
        table.flip_signs_f32(got.data(), bits.data(), n);
        CHECK(same_bits(ref, got));
        ref = acc, got = acc;
        hdc::simd::detail::signed_add(x.data(), ref.data(), bits.data(), n, scalar{});
        table.signed_add_f32(x.data(), got.data(), bits.data(), n);
        CHECK(same_bits(ref, got));
        hdc::simd::detail::sign_fill(-0.25f, bits.data(), ref.data(), n, scalar{});
        table.sign_fill_f32(-0.25f, bits.data(), got.data(), n);
        CHECK(same_bits(ref, got));
    }
}

TEST_CASE("transform kernels: walsh_hadamard is the reference, orthogonal and its own inverse", "[simd]") {
    hdc::rng gen(7);
    const std::size_t n = 1024;
    const auto x = random_floats(gen, n);
    auto a = x, b = x;
    const float scale = 1.0f / 32.0f;  // 1 / sqrt(1024), exact
    hdc::simd::walsh_hadamard(a.data(), n, scale);
    hdc::simd::detail::walsh_hadamard(b.data(), n, scale, scalar{});
    CHECK(same_bits(a, b));
    // Normwise rounding bound of one transform: each of the log2(n) stages rounds every output
    // once (relative error u = 2^-24) and the normalised stages keep the norm, so
    // ||fl(Hx) - Hx||_2 <= log2(n) u ||x||_2 to first order; twice that as a margin for the
    // second-order terms and for the scale (exact here).
    const double u = std::ldexp(1.0, -24), bound = 2 * std::log2(static_cast<double>(n)) * u;
    double before = 0, after = 0;
    for (std::size_t i = 0; i < n; ++i) before += double(x[i]) * x[i], after += double(a[i]) * a[i];
    CHECK(std::fabs(std::sqrt(after) - std::sqrt(before)) <= bound * std::sqrt(before));  // norm kept
    hdc::simd::walsh_hadamard(a.data(), n, scale);
    // Twice is the identity up to the rounding of two transforms (the second is orthogonal, so
    // it carries the first one's error without growing it).
    double error = 0;
    for (std::size_t i = 0; i < n; ++i) error += (double(a[i]) - x[i]) * (double(a[i]) - x[i]);
    CHECK(std::sqrt(error) <= 2 * bound * std::sqrt(before));
    // Exact on a known case: the transform of e_0 is the constant vector.
    std::vector<float> e(16, 0.0f);
    e[0] = 1.0f;
    hdc::simd::walsh_hadamard(e.data(), 16, 0.25f);
    for (float v : e) CHECK(v == 0.25f);
    // And of e_1 it alternates in sign (natural Hadamard order).
    std::vector<float> e1(16, 0.0f);
    e1[1] = 1.0f;
    hdc::simd::walsh_hadamard(e1.data(), 16, 1.0f);
    for (std::size_t i = 0; i < 16; ++i) CHECK(e1[i] == (i % 2 ? -1.0f : 1.0f));
}
