// Tests of run-time kernel dispatch (hdc_enable_runtime_dispatch). This program is built
// without -march=native and with HDC_RUNTIME_DISPATCH=1: its public hdc::simd kernels (bitwise,
// bit-sliced and dense) go through the table chosen at run time, which must agree with the
// scalar reference compiled here. CTest also runs it once per HDC_FORCE_ARCH value.
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/simd/bitslice.hpp>
#include <hdc/simd/bitwise.hpp>
#include <hdc/simd/complex.hpp>
#include <hdc/simd/dispatch.hpp>
#include <hdc/simd/floating.hpp>
#include <hdc/simd/integer.hpp>
#include <hdc/simd/modular.hpp>
#include <hdc/simd/rocket.hpp>
#include <hdc/simd/transform.hpp>

#include "tie_reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
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

template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// A float or double over a wide range of magnitudes and both signs (never subnormal).
double random_real(hdc::rng& gen) {
    return std::ldexp(gen.uniform_signed(), static_cast<int>(gen.below(41)) - 20);
}

/// The dense kernels (integer, floating, complex, modular) through the active table against
/// the scalar reference, bit for bit.
void check_dense_kernels_against_scalar() {
    hdc::rng gen{23};
    for (std::size_t n : {1, 7, 8, 15, 16, 31, 33, 63, 64, 65, 127, 129, 1000, 1001, 10000}) {
        INFO("n " << n);
        std::vector<std::int8_t> a(n), b(n);
        std::vector<std::int32_t> s(n);
        std::vector<float> fa(n), fb(n), fc(n), fd(n);
        std::vector<double> da(n), db(n);
        std::vector<std::uint16_t> ua(n), ub(n);
        for (std::size_t i = 0; i < n; ++i) {
            a[i] = static_cast<std::int8_t>(static_cast<std::uint8_t>(gen()));
            b[i] = gen.below(3) == 0 ? a[i] : static_cast<std::int8_t>(static_cast<std::uint8_t>(gen()));
            s[i] = gen.below(3) == 0 ? 0 : static_cast<std::int32_t>(static_cast<std::uint32_t>(gen())) / 4;
            fa[i] = static_cast<float>(random_real(gen));
            fb[i] = static_cast<float>(random_real(gen));
            fc[i] = static_cast<float>(random_real(gen));
            fd[i] = static_cast<float>(random_real(gen));
            da[i] = random_real(gen);
            db[i] = random_real(gen);
            ua[i] = static_cast<std::uint16_t>(gen.below(65536));
            ub[i] = gen.below(4) == 0 ? ua[i] : static_cast<std::uint16_t>(gen.below(65536));
        }

        // integer.hpp
        std::vector<std::int8_t> o1(n), o2(n);
        ref::int8_multiply_signs(a.data(), b.data(), o1.data(), n, scalar{});
        hdc::simd::int8_multiply_signs(a.data(), b.data(), o2.data(), n);
        CHECK(o1 == o2);
        CHECK(hdc::simd::int8_dot(a.data(), b.data(), n) == ref::int8_dot(a.data(), b.data(), n, scalar{}));
        CHECK(hdc::simd::int8_count_differing(a.data(), b.data(), n) ==
              ref::int8_count_differing(a.data(), b.data(), n, scalar{}));
        CHECK(same_bits(hdc::simd::int32_sum_squares(s.data(), n),
                        ref::int32_sum_squares(s.data(), n, scalar{})));
        std::vector<std::int32_t> s1(s), s2(s);
        ref::int32_add(s.data(), s1.data(), n, scalar{});
        hdc::simd::int32_add(s.data(), s2.data(), n);
        CHECK(s1 == s2);
        std::vector<std::uint64_t> bits1((n + 63) / 64), bits2((n + 63) / 64);
        ref::int8_sign_bits(a.data(), bits1.data(), n, scalar{});
        hdc::simd::int8_sign_bits(a.data(), bits2.data(), n);
        CHECK(bits1 == bits2);
        ref::int8_from_sign_bits(bits1.data(), o1.data(), n, scalar{});
        hdc::simd::int8_from_sign_bits(bits1.data(), o2.data(), n);
        CHECK(o1 == o2);

        // floating.hpp
        std::vector<float> f1(n), f2(n), f3(n), f4(n);
        ref::real_multiply(fa.data(), fb.data(), f1.data(), n, scalar{});
        hdc::simd::real_multiply(fa.data(), fb.data(), f2.data(), n);
        CHECK(same_bytes(f1, f2));
        std::vector<double> d1(n), d2(n);
        ref::real_multiply(da.data(), db.data(), d1.data(), n, scalar{});
        hdc::simd::real_multiply(da.data(), db.data(), d2.data(), n);
        CHECK(same_bytes(d1, d2));
        CHECK(same_bits(hdc::simd::real_dot(fa.data(), fb.data(), n), ref::real_dot(fa.data(), fb.data(), n, scalar{})));
        CHECK(same_bits(hdc::simd::real_dot(da.data(), db.data(), n), ref::real_dot(da.data(), db.data(), n, scalar{})));
        CHECK(same_bits(hdc::simd::real_dot(da.data(), fb.data(), n), ref::real_dot(da.data(), fb.data(), n, scalar{})));
        CHECK(same_bits(hdc::simd::real_dot(fb.data(), da.data(), n), ref::real_dot(fb.data(), da.data(), n, scalar{})));
        CHECK(same_bits(hdc::simd::real_sum_squares(fa.data(), n), ref::real_sum_squares(fa.data(), n, scalar{})));
        CHECK(same_bits(hdc::simd::real_sum_squares(da.data(), n), ref::real_sum_squares(da.data(), n, scalar{})));
        d1 = db;
        d2 = db;
        for (const double w : {1.0, -1.0, 0.375, -3.0}) {
            ref::real_axpy(w, fa.data(), d1.data(), n, scalar{});
            hdc::simd::real_axpy(w, fa.data(), d2.data(), n);
            ref::real_axpy(w, da.data(), d1.data(), n, scalar{});
            hdc::simd::real_axpy(w, da.data(), d2.data(), n);
        }
        CHECK(same_bytes(d1, d2));

        // complex.hpp
        ref::complex_multiply(fa.data(), fb.data(), fc.data(), fd.data(), f1.data(), f3.data(), n, scalar{});
        hdc::simd::complex_multiply(fa.data(), fb.data(), fc.data(), fd.data(), f2.data(), f4.data(), n);
        CHECK((same_bytes(f1, f2) && same_bytes(f3, f4)));
        ref::complex_multiply_conj(fa.data(), fb.data(), fc.data(), fd.data(), f1.data(), f3.data(), n, scalar{});
        hdc::simd::complex_multiply_conj(fa.data(), fb.data(), fc.data(), fd.data(), f2.data(), f4.data(), n);
        CHECK((same_bytes(f1, f2) && same_bytes(f3, f4)));
        CHECK(same_bits(hdc::simd::complex_dot_real(fa.data(), fb.data(), fc.data(), fd.data(), n),
                        ref::complex_dot_real(fa.data(), fb.data(), fc.data(), fd.data(), n, scalar{})));
        std::complex<double> z1 = ref::complex_dot(fa.data(), fb.data(), fc.data(), fd.data(), n, scalar{});
        std::complex<double> z2 = hdc::simd::complex_dot(fa.data(), fb.data(), fc.data(), fd.data(), n);
        CHECK((same_bits(z1.real(), z2.real()) && same_bits(z1.imag(), z2.imag())));
        CHECK(same_bits(hdc::simd::complex_dot_real(da.data(), db.data(), fc.data(), fd.data(), n),
                        ref::complex_dot_real(da.data(), db.data(), fc.data(), fd.data(), n, scalar{})));
        z1 = ref::complex_dot(da.data(), db.data(), fc.data(), fd.data(), n, scalar{});
        z2 = hdc::simd::complex_dot(da.data(), db.data(), fc.data(), fd.data(), n);
        CHECK((same_bits(z1.real(), z2.real()) && same_bits(z1.imag(), z2.imag())));
        CHECK(same_bits(hdc::simd::complex_norm2(da.data(), db.data(), n),
                        ref::complex_norm2(da.data(), db.data(), n, scalar{})));
        std::vector<double> r1(da), i1(db), r2(da), i2(db);
        for (const double w : {1.0, -0.625}) {
            ref::complex_axpy(w, fa.data(), fb.data(), r1.data(), i1.data(), n, scalar{});
            hdc::simd::complex_axpy(w, fa.data(), fb.data(), r2.data(), i2.data(), n);
        }
        CHECK((same_bytes(r1, r2) && same_bytes(i1, i2)));

        // modular.hpp, at the largest block length
        std::vector<std::uint16_t> m1(n), m2(n);
        ref::add_mod(ua.data(), ub.data(), m1.data(), n, 65536, scalar{});
        hdc::simd::add_mod(ua.data(), ub.data(), m2.data(), n, 65536);
        CHECK(m1 == m2);
        ref::sub_mod(ua.data(), ub.data(), m1.data(), n, 65536, scalar{});
        hdc::simd::sub_mod(ua.data(), ub.data(), m2.data(), n, 65536);
        CHECK(m1 == m2);
        CHECK(hdc::simd::count_equal(ua.data(), ub.data(), n) == ref::count_equal(ua.data(), ub.data(), n, scalar{}));
        if (n <= 65) {  // block votes, at the largest block length
            std::vector<std::int32_t> c1(n * 65536, 0), c2(n * 65536, 0);
            ref::add_block_votes(c1.data(), ua.data(), n, 65536, -7, scalar{});
            hdc::simd::add_block_votes(c2.data(), ua.data(), n, 65536, -7);
            CHECK(c1 == c2);
        }

        // transform.hpp: a signed permutation of the floats, then Walsh-Hadamard on the largest
        // power of two within n (double components as well).
        std::vector<std::uint32_t> index(n);
        for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<std::uint32_t>(i);
        for (std::size_t i = n; i > 1; --i) std::swap(index[i - 1], index[gen.below(i)]);
        std::vector<std::uint64_t> negate((n + 63) / 64);
        gen.fill(negate);
        ref::signed_permute(fa.data(), f1.data(), index.data(), negate.data(), n, scalar{});
        hdc::simd::signed_permute(fa.data(), f2.data(), index.data(), negate.data(), n);
        CHECK(same_bytes(f1, f2));
        ref::signed_permute_transpose(fa.data(), f1.data(), index.data(), negate.data(), n, scalar{});
        hdc::simd::signed_permute_transpose(fa.data(), f2.data(), index.data(), negate.data(), n);
        CHECK(same_bytes(f1, f2));
        const std::size_t p = std::bit_floor(n);
        ref::walsh_hadamard(f1.data(), p, 0.125f, scalar{});
        hdc::simd::walsh_hadamard(f2.data(), p, 0.125f);
        CHECK(same_bytes(f1, f2));
        d1 = da;
        d2 = da;
        ref::walsh_hadamard(d1.data(), p, 0.5, scalar{});
        hdc::simd::walsh_hadamard(d2.data(), p, 0.5);
        CHECK(same_bytes(d1, d2));
    }

    // The bipolar model end to end: its bundle packs sign bits into bit-sliced counters.
    using P = hdc::bipolar<>;
    const std::size_t dim = 1001;
    std::vector<P> ps;
    for (int i = 0; i < 30; ++i) ps.push_back(P::random(gen, dim));
    hdc::bipolar_accumulator<hdc::dynamic> acc(dim);
    std::vector<std::int32_t> sums(dim, 0);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const std::int32_t w = i % 5 == 2 ? 3 : 1;
        acc.add(ps[i], w);
        for (std::size_t j = 0; j < dim; ++j) sums[j] += w * ps[i][j];
    }
    CHECK(acc.result() == hdc_test::reference_majority_vector<P>(sums));
    std::int64_t d = 0;
    for (std::size_t j = 0; j < dim; ++j) d += std::int64_t{sums[j]} * ps[0][j];
    CHECK(dot(acc, ps[0]) == d);
    CHECK(hdc::dot(ps[1], ps[2]) == ref::int8_dot(ps[1].data(), ps[2].data(), dim, scalar{}));
}

/// MiniROCKET's pooling kernels (rocket.hpp) through the active table against the reference.
void check_rocket_kernels_against_scalar() {
    hdc::rng gen{23};
    for (std::size_t n : {1, 15, 16, 33, 250}) {
        for (std::size_t m : {1, 7, 16, 23}) {
            INFO("rocket n " << n << " m " << m);
            std::vector<float> a(n), g(n + 16), b(m), poses(m * n);
            for (auto* v : {&a, &g, &b, &poses})
                for (auto& e : *v) e = static_cast<float>(gen.normal());
            std::vector<std::uint32_t> c1(m), c2(m);
            ref::rocket_counts(a.data(), g.data(), g.data() + 5, g.data() + 16, n, b.data(), m, c1.data(), scalar{});
            hdc::simd::rocket_counts(a.data(), g.data(), g.data() + 5, g.data() + 16, n, b.data(), m, c2.data());
            CHECK(c1 == c2);
            std::vector<float> s1(m), s2(m);
            ref::rocket_pose_sums(a.data(), g.data(), g.data() + 5, g.data() + 16, n, b.data(), m, poses.data(), n,
                                  s1.data(), scalar{});
            hdc::simd::rocket_pose_sums(a.data(), g.data(), g.data() + 5, g.data() + 16, n, b.data(), m, poses.data(),
                                        n, s2.data());
            CHECK(same_bytes(s1, s2));
            const float* in[8] = {a.data(), g.data(), g.data() + 5, g.data() + 16,
                                  g.data(), a.data(), g.data() + 16, g.data() + 5};
            std::vector<float> p1(2 * m), p2(2 * m);
            ref::rocket_pose_sums_pair(in, n, b.data(), m, poses.data(), n, p1.data(), scalar{});
            hdc::simd::rocket_pose_sums_pair(in, n, b.data(), m, poses.data(), n, p2.data());
            CHECK(same_bytes(p1, p2));
        }
    }
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

        hdc::aligned_buffer<u64> x1(stride), x2(stride);
        ref::xor_words(a.data(), b.data(), x1.data(), words, scalar{});
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

        {
            hdc::rng g{bits, 3};
            std::vector<u64> r1(words), r2(words);
            ref::random_words(g.key(), g.counter(), r1.data(), words, scalar{});
            hdc::simd::random_words(g.key(), g.counter(), r2.data(), words);
            CHECK(r1 == r2);
        }
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
        CHECK(acc.result() == hdc_test::reference_majority_vector<V>(sums));
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
    check_dense_kernels_against_scalar();
    check_rocket_kernels_against_scalar();
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
          (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("popcnt")));
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
