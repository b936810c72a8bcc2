// Tests of run-time kernel dispatch (hdc_enable_runtime_dispatch). This program is built
// without -march=native and with HDC_RUNTIME_DISPATCH=1: its public hdc::simd kernels go
// through the table chosen at run time, which must agree with the scalar reference compiled
// here. CTest also runs it once per HDC_FORCE_ARCH value.
#include <hdc/models/binary.hpp>
#include <hdc/simd/bitslice.hpp>
#include <hdc/simd/bitwise.hpp>
#include <hdc/simd/dispatch.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#if !defined(HDC_RUNTIME_DISPATCH) || !HDC_RUNTIME_DISPATCH
#error "test_dispatch must be built through hdc_enable_runtime_dispatch"
#endif

namespace {

using u64 = std::uint64_t;
using hdc::simd::scalar;
namespace ref = hdc::simd::detail;

const std::vector<std::string> all_archs = {"scalar", "sse2", "avx2", "avx512bw",
                                            "avx512_vpopcnt"};

hdc::aligned_buffer<u64> random_rows(hdc::rng& gen, std::size_t rows, std::size_t bits,
                                     std::size_t stride) {
    const std::size_t words = (bits + 63) / 64;
    hdc::aligned_buffer<u64> b(rows * stride);
    for (std::size_t r = 0; r < rows; ++r) {
        gen.fill({b.data() + r * stride, words});
        if (bits % 64) b[r * stride + words - 1] &= (u64{1} << (bits % 64)) - 1;
    }
    return b;
}

/// Runs the public kernels (through the active table) and the binary model on random data and
/// compares them with the scalar reference kernels of this translation unit.
void check_active_table_against_scalar() {
    INFO("active architecture " << hdc::simd::active_arch());
    hdc::rng gen{17};
    for (std::size_t bits : {1, 63, 64, 65, 1000, 1024, 4097, 10000, 10048}) {
        INFO("bits " << bits);
        const std::size_t words = (bits + 63) / 64, stride = (words + 7) / 8 * 8, rows = 11;
        const auto a = random_rows(gen, rows, bits, stride), b = random_rows(gen, rows, bits, stride);

        hdc::aligned_buffer<u64> x1(rows * stride), x2(rows * stride);
        ref::xor_rows(a.data(), b.data(), x1.data(), rows, words, stride, scalar{});
        hdc::simd::xor_rows(a.data(), b.data(), x2.data(), rows, words, stride);
        CHECK(x1 == x2);
        hdc::simd::xor_words(b.data(), a.data(), x2.data(), words);
        CHECK(x1 == x2);

        CHECK(hdc::simd::popcount_words(a.data(), words) == ref::popcount_words(a.data(), words, scalar{}));
        CHECK(hdc::simd::hamming_words(a.data(), b.data(), words) ==
              ref::hamming_words(a.data(), b.data(), words, scalar{}));
        CHECK(hdc::simd::and_popcount_words(a.data(), b.data(), words) ==
              ref::and_popcount_words(a.data(), b.data(), words, scalar{}));

        std::vector<std::uint32_t> h1(rows * 3), h2(rows * 3);
        ref::hamming_one_to_many(b.data(), a.data(), rows, words, stride, h1.data(), scalar{});
        hdc::simd::hamming_one_to_many(b.data(), a.data(), rows, words, stride, h2.data());
        CHECK(h1 == h2);
        ref::hamming_many_to_many(b.data(), 3, a.data(), rows, words, stride, h1.data(), scalar{});
        hdc::simd::hamming_many_to_many(b.data(), 3, a.data(), rows, words, stride, h2.data());
        CHECK(h1 == h2);

        for (std::size_t k : {std::size_t{0}, std::size_t{1}, bits / 3, bits - 1}) {
            hdc::aligned_buffer<u64> r1(words), r2(words);
            ref::rotate_bits(a.data(), r1.data(), bits, k, scalar{});
            hdc::simd::rotate_bits(a.data(), r2.data(), bits, k);
            CHECK(r1 == r2);
        }

        // The binary model end to end: bundles (bit-sliced and weighted), similarity, permute.
        using V = hdc::binary<>;
        std::vector<V> vs;
        for (int i = 0; i < 40; ++i) vs.push_back(V::random(gen, bits));
        hdc::binary_accumulator<hdc::dynamic> acc(bits);
        std::vector<std::int32_t> sums(bits, 0);
        for (std::size_t i = 0; i < vs.size(); ++i) {
            const std::int32_t w = i % 7 == 3 ? -2 : 1;
            acc.add(vs[i], w);
            for (std::size_t j = 0; j < bits; ++j) sums[j] += vs[i][j] ? -w : w;
        }
        const auto tie = hdc::symbol<V>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, bits);
        V expected(bits);
        for (std::size_t j = 0; j < bits; ++j) expected.set(j, sums[j] < 0 || (sums[j] == 0 && tie[j]));
        CHECK(acc.result() == expected);
        std::int64_t d = 0;
        for (std::size_t j = 0; j < bits; ++j) d += vs[0][j] ? -sums[j] : sums[j];
        CHECK(dot(acc, vs[0]) == d);
        const auto s = acc.sums();
        CHECK(std::vector<std::int32_t>(s.begin(), s.end()) == sums);

        std::vector<V> unit(vs.begin(), vs.begin() + 21);
        hdc::binary_accumulator<hdc::dynamic> plain(bits);
        for (const auto& v : unit) plain.add(v);
        CHECK(hdc::bundle(unit) == plain.result());
        CHECK(hdc::hamming(vs[1], vs[2]) ==
              ref::hamming_words(vs[1].data(), vs[2].data(), words, scalar{}));
        CHECK(hdc::permute(hdc::permute(vs[3], 5), -5) == vs[3]);
    }
}

}  // namespace

TEST_CASE("dispatch: this program is compiled for the baseline, the table is chosen at run time") {
#if defined(__x86_64__)
    // No -march=native here: the compile-time default is the x86-64 baseline.
    CHECK(std::string(hdc::simd::default_arch::name()) == "sse2");
#endif
    const std::string active = hdc::simd::active_arch();
    INFO("active " << active);
    CHECK(std::find(all_archs.begin(), all_archs.end(), active) != all_archs.end());
    CHECK(hdc::simd::arch_supported(active.c_str()));
    if (std::getenv("HDC_FORCE_ARCH") == nullptr) CHECK(active == hdc::simd::best_supported_arch());
    CHECK(hdc::simd::arch_supported("scalar"));
    CHECK_FALSE(hdc::simd::arch_supported("bogus"));
    CHECK_FALSE(hdc::simd::select_arch("bogus"));
    CHECK(std::string(hdc::simd::active_arch()) == active);  // unchanged by the refusal
#if defined(__x86_64__) && defined(__GNUC__)
    // The choice follows the processor: compare with the compiler's own CPU detection.
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd");
    CHECK(hdc::simd::arch_supported("sse2"));
    CHECK(hdc::simd::arch_supported("avx2") ==
          (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")));
    CHECK(hdc::simd::arch_supported("avx512bw") == avx512);
    CHECK(hdc::simd::arch_supported("avx512_vpopcnt") ==
          (avx512 && __builtin_cpu_supports("avx512vpopcntdq")));
#endif
}

TEST_CASE("dispatch: every supported table agrees with the scalar reference") {
    const std::string before = hdc::simd::active_arch();
    int tested = 0;
    for (const auto& name : all_archs) {
        if (!hdc::simd::arch_supported(name.c_str())) {
            WARN("not supported on this machine, not tested: " << name);
            continue;
        }
        REQUIRE(hdc::simd::select_arch(name.c_str()));
        REQUIRE(std::string(hdc::simd::active_arch()) == name);
        check_active_table_against_scalar();
        ++tested;
    }
    CHECK(tested >= 1);
    REQUIRE(hdc::simd::select_arch(before.c_str()));
}

TEST_CASE("dispatch: HDC_FORCE_ARCH selects the named table", "[forced]") {
    const char* forced = std::getenv("HDC_FORCE_ARCH");
    if (forced == nullptr) return;  // run by CTest with the variable set
    if (!hdc::simd::arch_supported(forced)) {
        WARN("HDC_FORCE_ARCH=" << forced << " is not supported here: not tested");
        return;
    }
    CHECK(std::string(hdc::simd::active_arch()) == forced);
    check_active_table_against_scalar();
}

TEST_CASE("dispatch: an unknown or unsupported HDC_FORCE_ARCH stops the program", "[.refuse]") {
    // Run by CTest with HDC_FORCE_ARCH=bogus, expecting the refusal message.
    (void)hdc::simd::active_arch();
    FAIL("HDC_FORCE_ARCH=" << std::getenv("HDC_FORCE_ARCH") << " was accepted");
}
