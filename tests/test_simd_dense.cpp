// Tests of the dense kernels (hdc/simd integer, floating, complex and modular): every
// architecture compiled in this translation unit against the scalar reference, bit for bit, on
// lengths that are and are not multiples of the register widths, at aligned and unaligned
// addresses, with nothing written past the end.
#include <hdc/core/rng.hpp>
#include <hdc/simd/arch.hpp>
#include <hdc/simd/complex.hpp>
#include <hdc/simd/floating.hpp>
#include <hdc/simd/integer.hpp>
#include <hdc/simd/kernel_table.hpp>
#include <hdc/simd/modular.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

using hdc::simd::kernel_table;

/// Lengths 1..200 (every remainder of every register width), and 1000, 1001, 10000.
std::vector<std::size_t> dense_sizes() {
    std::vector<std::size_t> s;
    for (std::size_t i = 1; i <= 200; ++i) s.push_back(i);
    for (std::size_t n : {1000, 1001, 10000}) s.push_back(n);
    return s;
}

/// Elements written after the n that a kernel may touch: they must stay as they were.
constexpr std::size_t guard = 80;

/// A buffer of n elements at `offset` elements from the start of its allocation (0: 16-byte
/// aligned or better; 1: misaligned for every register), followed by guard elements.
template <class T>
struct buffer {
    std::vector<T> storage;
    std::size_t offset, n;
    buffer(std::size_t size, std::size_t off, T fill)
        : storage(size + off + guard, fill), offset(off), n(size) {}
    T* data() { return storage.data() + offset; }
    const T* data() const { return storage.data() + offset; }
    T& operator[](std::size_t i) { return data()[i]; }
    /// The bytes of the n elements and of the guard after them.
    bool same_bytes(const buffer& other) const {
        return storage.size() == other.storage.size() &&
               std::memcmp(storage.data(), other.storage.data(), storage.size() * sizeof(T)) == 0;
    }
};

std::int8_t random_int8(hdc::rng& gen) {
    return static_cast<std::int8_t>(static_cast<std::uint8_t>(gen()));
}

std::int32_t random_int32(hdc::rng& gen) {
    switch (gen.below(16)) {
    case 0: return 0;
    case 1: return std::numeric_limits<std::int32_t>::min();
    case 2: return std::numeric_limits<std::int32_t>::max();
    default: return static_cast<std::int32_t>(static_cast<std::uint32_t>(gen()));
    }
}

/// Random floating-point values over a wide range of magnitudes, of both signs, with some
/// (signed) zeros; never subnormal, infinite or NaN.
template <class T>
T random_real(hdc::rng& gen) {
    const std::uint64_t kind = gen.below(32);
    if (kind == 0) return T(0);
    if (kind == 1) return -T(0);
    const int exponent = static_cast<int>(gen.below(41)) - 20;
    T x = static_cast<T>(std::ldexp(gen.uniform_signed(), exponent));
    if (x == T(0)) x = T(1);  // uniform_signed() can be exactly 0
    return x;
}

template <class T>
bool same_bits(T a, T b) {
    if constexpr (std::is_same_v<T, double>)
        return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
    else
        return a == b;
}

/// Weights the accumulators see: units, zero, small integers and arbitrary doubles.
double random_weight(hdc::rng& gen) {
    switch (gen.below(6)) {
    case 0: return 1.0;
    case 1: return -1.0;
    case 2: return 0.0;
    case 3: return static_cast<double>(static_cast<std::int64_t>(gen.below(21)) - 10);
    default: return std::ldexp(gen.uniform_signed(), static_cast<int>(gen.below(9)) - 4);
    }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("simd dense: integer kernels equal the scalar reference on every architecture",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{301};
    for (std::size_t n : dense_sizes()) {
        for (std::size_t off : {0, 1}) {
            INFO("n " << n << ", offset " << off);
            buffer<std::int8_t> a(n, off, 0), b(n, off, 0);
            buffer<std::int32_t> s(n, off, 0);
            for (std::size_t i = 0; i < n; ++i) {
                a[i] = gen.below(4) == 0 ? static_cast<std::int8_t>(1 - 2 * static_cast<int>(gen.below(2)))
                                         : random_int8(gen);
                // Often equal, often bipolar: the cases the models produce.
                b[i] = gen.below(3) == 0 ? a[i] : gen.below(2) ? random_int8(gen)
                                                                : static_cast<std::int8_t>(1 - 2 * static_cast<int>(gen.below(2)));
                s[i] = gen.below(3) == 0 ? 0 : random_int32(gen);
            }

            buffer<std::int8_t> p1(n, off, 0x55), p2(n, off, 0x55);
            ref.int8_multiply_signs(a.data(), b.data(), p1.data(), n);
            k.int8_multiply_signs(a.data(), b.data(), p2.data(), n);
            CHECK(p1.same_bytes(p2));
            for (std::size_t i = 0; i < n; ++i)
                if ((a[i] == 1 || a[i] == -1) && (b[i] == 1 || b[i] == -1)) REQUIRE(p1[i] == a[i] * b[i]);

            CHECK(k.int8_dot(a.data(), b.data(), n) == ref.int8_dot(a.data(), b.data(), n));
            CHECK(k.int8_count_differing(a.data(), b.data(), n) ==
                  ref.int8_count_differing(a.data(), b.data(), n));
            CHECK(same_bits(k.int32_sum_squares(s.data(), n), ref.int32_sum_squares(s.data(), n)));

            // Merged sums kept within int32 (the callers' contract; int32_add wraps otherwise).
            buffer<std::int32_t> acc1(n, off, 7), acc2(n, off, 7), quarter(n, off, 0);
            for (std::size_t i = 0; i < n; ++i) acc1[i] = acc2[i] = quarter[i] = s[i] / 4;
            ref.int32_add(quarter.data(), acc1.data(), n);
            k.int32_add(quarter.data(), acc2.data(), n);
            CHECK(acc1.same_bytes(acc2));

            const std::size_t words = (n + 63) / 64;
            buffer<std::uint64_t> bits1(words, off, ~0ull), bits2(words, off, ~0ull);
            ref.int8_sign_bits(a.data(), bits1.data(), n);
            k.int8_sign_bits(a.data(), bits2.data(), n);
            CHECK(bits1.same_bytes(bits2));
            for (std::size_t i = 0; i < n; ++i)
                REQUIRE(((bits1[i / 64] >> (i % 64)) & 1u) == (a[i] < 0 ? 1u : 0u));
            if (n % 64) CHECK(bits1[words - 1] >> (n % 64) == 0);

            buffer<std::int8_t> u1(n, off, 0x55), u2(n, off, 0x55);
            ref.int8_from_sign_bits(bits1.data(), u1.data(), n);
            k.int8_from_sign_bits(bits1.data(), u2.data(), n);
            CHECK(u1.same_bytes(u2));
            for (std::size_t i = 0; i < n; ++i) REQUIRE(u1[i] == (a[i] < 0 ? -1 : 1));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("simd dense: integer kernels are exact at the extremes", "[simd]",
                        hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    for (std::size_t n : {std::size_t{64}, std::size_t{10000}, std::size_t{70001}}) {
        INFO("n " << n);
        // Largest products everywhere: -128 * -128, INT32_MIN * -128, INT32_MIN^2.
        const std::vector<std::int8_t> m(n, std::int8_t{-128});
        const std::vector<std::int32_t> s(n, std::numeric_limits<std::int32_t>::min());
        const auto nn = static_cast<std::int64_t>(n);
        CHECK(k.int8_dot(m.data(), m.data(), n) == 16384 * nn);
        CHECK(ref.int8_dot(m.data(), m.data(), n) == 16384 * nn);
        CHECK(same_bits(k.int32_sum_squares(s.data(), n), ref.int32_sum_squares(s.data(), n)));
        CHECK(k.int32_sum_squares(s.data(), n) == std::ldexp(static_cast<double>(n), 62));
        CHECK(k.int8_count_differing(m.data(), m.data(), n) == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("simd dense: floating-point kernels equal the scalar reference bit for bit",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{302};
    for (std::size_t n : dense_sizes()) {
        for (std::size_t off : {0, 1}) {
            INFO("n " << n << ", offset " << off);
            buffer<float> fa(n, off, 0), fb(n, off, 0);
            buffer<double> da(n, off, 0), db(n, off, 0);
            for (std::size_t i = 0; i < n; ++i) {
                fa[i] = random_real<float>(gen);
                fb[i] = random_real<float>(gen);
                da[i] = random_real<double>(gen);
                db[i] = random_real<double>(gen);
            }

            buffer<float> fm1(n, off, 9.f), fm2(n, off, 9.f);
            ref.real_multiply_f32(fa.data(), fb.data(), fm1.data(), n);
            k.real_multiply_f32(fa.data(), fb.data(), fm2.data(), n);
            CHECK(fm1.same_bytes(fm2));
            buffer<double> dm1(n, off, 9.0), dm2(n, off, 9.0);
            ref.real_multiply_f64(da.data(), db.data(), dm1.data(), n);
            k.real_multiply_f64(da.data(), db.data(), dm2.data(), n);
            CHECK(dm1.same_bytes(dm2));

            CHECK(same_bits(k.real_dot_f32(fa.data(), fb.data(), n), ref.real_dot_f32(fa.data(), fb.data(), n)));
            CHECK(same_bits(k.real_dot_f64(da.data(), db.data(), n), ref.real_dot_f64(da.data(), db.data(), n)));
            CHECK(same_bits(k.real_dot_f64_f32(da.data(), fb.data(), n),
                            ref.real_dot_f64_f32(da.data(), fb.data(), n)));
            CHECK(same_bits(k.real_sum_squares_f32(fa.data(), n), ref.real_sum_squares_f32(fa.data(), n)));
            CHECK(same_bits(k.real_sum_squares_f64(da.data(), n), ref.real_sum_squares_f64(da.data(), n)));

            // One query against rows: every row's dot equals real_dot's bits. The rows are
            // fa's and da's windows at offsets 0..10 (a stride of 1 element: whole row groups
            // and leftovers on every architecture, overlapping rows, unaligned starts).
            if (n >= 11) {
                constexpr std::size_t rows = 11;
                const std::size_t len = n - (rows - 1);
                double f1[rows], f2[rows], d1[rows], d2[rows];
                ref.real_dot_rows_f32(fb.data(), fa.data(), 1, rows, len, f1);
                k.real_dot_rows_f32(fb.data(), fa.data(), 1, rows, len, f2);
                ref.real_dot_rows_f64(db.data(), da.data(), 1, rows, len, d1);
                k.real_dot_rows_f64(db.data(), da.data(), 1, rows, len, d2);
                for (std::size_t r = 0; r < rows; ++r) {
                    CHECK(same_bits(f1[r], f2[r]));
                    CHECK(same_bits(f1[r], ref.real_dot_f32(fb.data(), fa.data() + r, len)));
                    CHECK(same_bits(d1[r], d2[r]));
                    CHECK(same_bits(d1[r], ref.real_dot_f64(db.data(), da.data() + r, len)));
                }
            }

            buffer<double> y1(n, off, 5.0), y2(n, off, 5.0);
            for (std::size_t i = 0; i < n; ++i) y1[i] = y2[i] = db[i];
            for (int rep = 0; rep < 3; ++rep) {
                const double w = random_weight(gen);
                ref.real_axpy_f32(w, fa.data(), y1.data(), n);
                k.real_axpy_f32(w, fa.data(), y2.data(), n);
                ref.real_axpy_f64(w, da.data(), y1.data(), n);
                k.real_axpy_f64(w, da.data(), y2.data(), n);
            }
            CHECK(y1.same_bytes(y2));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("simd dense: complex kernels equal the scalar reference bit for bit",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{303};
    for (std::size_t n : dense_sizes()) {
        for (std::size_t off : {0, 1}) {
            INFO("n " << n << ", offset " << off);
            buffer<float> ar(n, off, 0), ai(n, off, 0), br(n, off, 0), bi(n, off, 0);
            buffer<double> sr(n, off, 0), si(n, off, 0);
            for (std::size_t i = 0; i < n; ++i) {
                ar[i] = random_real<float>(gen);
                ai[i] = random_real<float>(gen);
                br[i] = random_real<float>(gen);
                bi[i] = random_real<float>(gen);
                sr[i] = random_real<double>(gen);
                si[i] = random_real<double>(gen);
            }

            buffer<float> r1(n, off, 3.f), i1(n, off, 3.f), r2(n, off, 3.f), i2(n, off, 3.f);
            ref.complex_multiply(ar.data(), ai.data(), br.data(), bi.data(), r1.data(), i1.data(), n);
            k.complex_multiply(ar.data(), ai.data(), br.data(), bi.data(), r2.data(), i2.data(), n);
            CHECK((r1.same_bytes(r2) && i1.same_bytes(i2)));
            ref.complex_multiply_conj(ar.data(), ai.data(), br.data(), bi.data(), r1.data(), i1.data(), n);
            k.complex_multiply_conj(ar.data(), ai.data(), br.data(), bi.data(), r2.data(), i2.data(), n);
            CHECK((r1.same_bytes(r2) && i1.same_bytes(i2)));
            // In place (out aliasing a), as unbind does.
            buffer<float> xr = ar, xi = ai, yr = ar, yi = ai;
            ref.complex_multiply_conj(xr.data(), xi.data(), br.data(), bi.data(), xr.data(), xi.data(), n);
            k.complex_multiply_conj(yr.data(), yi.data(), br.data(), bi.data(), yr.data(), yi.data(), n);
            CHECK((xr.same_bytes(yr) && xi.same_bytes(yi)));

            CHECK(same_bits(k.complex_dot_real_f32(ar.data(), ai.data(), br.data(), bi.data(), n),
                            ref.complex_dot_real_f32(ar.data(), ai.data(), br.data(), bi.data(), n)));
            std::complex<double> z1 = ref.complex_dot_f32(ar.data(), ai.data(), br.data(), bi.data(), n);
            std::complex<double> z2 = k.complex_dot_f32(ar.data(), ai.data(), br.data(), bi.data(), n);
            CHECK((same_bits(z1.real(), z2.real()) && same_bits(z1.imag(), z2.imag())));
            CHECK(same_bits(k.complex_dot_real_f64(sr.data(), si.data(), br.data(), bi.data(), n),
                            ref.complex_dot_real_f64(sr.data(), si.data(), br.data(), bi.data(), n)));
            z1 = ref.complex_dot_f64(sr.data(), si.data(), br.data(), bi.data(), n);
            z2 = k.complex_dot_f64(sr.data(), si.data(), br.data(), bi.data(), n);
            CHECK((same_bits(z1.real(), z2.real()) && same_bits(z1.imag(), z2.imag())));
            CHECK(same_bits(k.complex_norm2(sr.data(), si.data(), n), ref.complex_norm2(sr.data(), si.data(), n)));

            buffer<double> s1r = sr, s1i = si, s2r = sr, s2i = si;
            for (int rep = 0; rep < 3; ++rep) {
                const double w = random_weight(gen);
                ref.complex_axpy(w, ar.data(), ai.data(), s1r.data(), s1i.data(), n);
                k.complex_axpy(w, ar.data(), ai.data(), s2r.data(), s2i.data(), n);
            }
            CHECK((s1r.same_bytes(s2r) && s1i.same_bytes(s2i)));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("simd dense: modular kernels equal the scalar reference", "[simd]",
                        hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{304};
    for (std::uint32_t modulus : {1u, 2u, 64u, 65536u, 1000u, 32768u, 32769u, 65535u}) {
        for (std::size_t n : dense_sizes()) {
            const std::size_t off = n % 2;
            INFO("L " << modulus << ", n " << n << ", offset " << off);
            buffer<std::uint16_t> a(n, off, 0), b(n, off, 0);
            for (std::size_t i = 0; i < n; ++i) {
                // Extremes often: 0 and L - 1 are where the wrap-around decisions change.
                const auto pick = [&] {
                    switch (gen.below(4)) {
                    case 0: return std::uint32_t{0};
                    case 1: return modulus - 1;
                    default: return static_cast<std::uint32_t>(gen.below(modulus));
                    }
                };
                a[i] = static_cast<std::uint16_t>(pick());
                b[i] = gen.below(4) == 0 ? a[i] : static_cast<std::uint16_t>(pick());
            }
            buffer<std::uint16_t> o1(n, off, 0xBEEF), o2(n, off, 0xBEEF);
            ref.add_mod(a.data(), b.data(), o1.data(), n, modulus);
            k.add_mod(a.data(), b.data(), o2.data(), n, modulus);
            CHECK(o1.same_bytes(o2));
            // One assertion per call, naming the first wrong element (per-element assertions
            // dominate the sanitizer run's time).
            const auto first_wrong = [&](auto expected) {
                std::size_t i = 0;
                while (i < n && o1[i] == expected(i)) ++i;
                return i;
            };
            CHECK(first_wrong([&](std::size_t i) { return (std::uint32_t{a[i]} + b[i]) % modulus; }) == n);
            ref.sub_mod(a.data(), b.data(), o1.data(), n, modulus);
            k.sub_mod(a.data(), b.data(), o2.data(), n, modulus);
            CHECK(o1.same_bytes(o2));
            CHECK(first_wrong([&](std::size_t i) { return (std::uint32_t{a[i]} + modulus - b[i]) % modulus; }) == n);
            CHECK(k.count_equal(a.data(), b.data(), n) == ref.count_equal(a.data(), b.data(), n));

            // Block votes: n blocks of L counts, one count per block, wrapping like int32 adds.
            if (n > 0 && n * modulus <= (std::size_t{1} << 18)) {  // every modulus, bounded memory
                std::vector<std::int32_t> c1(n * modulus, 5), c2(n * modulus, 5);
                for (const std::int32_t w : {1, -3, std::numeric_limits<std::int32_t>::max()}) {
                    ref.add_block_votes(c1.data(), a.data(), n, modulus, w);
                    k.add_block_votes(c2.data(), a.data(), n, modulus, w);
                }
                CHECK(c1 == c2);
                CHECK(c1[a[0]] == static_cast<std::int32_t>(5u + 1u - 3u + 0x7FFFFFFFu));
                if (modulus > 1) CHECK(c1[(a[0] + 1) % modulus] == 5);
            }
        }
    }
}

TEST_CASE("simd dense: the public kernels use this translation unit's best architecture") {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    hdc::rng gen{305};
    const std::size_t n = 1001;
    std::vector<float> fa(n), fb(n), fc(n), fd(n), o1(n), o2(n), o3(n), o4(n);
    std::vector<double> da(n), db(n);
    std::vector<std::int8_t> ia(n), ib(n);
    std::vector<std::int32_t> is(n);
    std::vector<std::uint16_t> ua(n), ub(n), u1(n), u2(n);
    for (std::size_t i = 0; i < n; ++i) {
        fa[i] = random_real<float>(gen), fb[i] = random_real<float>(gen);
        fc[i] = random_real<float>(gen), fd[i] = random_real<float>(gen);
        da[i] = random_real<double>(gen), db[i] = random_real<double>(gen);
        ia[i] = random_int8(gen), ib[i] = random_int8(gen);
        is[i] = random_int32(gen);
        ua[i] = static_cast<std::uint16_t>(gen.below(1000)), ub[i] = static_cast<std::uint16_t>(gen.below(1000));
    }
    CHECK(same_bits(hdc::simd::real_dot(fa.data(), fb.data(), n), ref.real_dot_f32(fa.data(), fb.data(), n)));
    CHECK(same_bits(hdc::simd::real_dot(da.data(), fb.data(), n), ref.real_dot_f64_f32(da.data(), fb.data(), n)));
    CHECK(same_bits(hdc::simd::real_dot(fb.data(), da.data(), n), ref.real_dot_f64_f32(da.data(), fb.data(), n)));
    CHECK(same_bits(hdc::simd::real_sum_squares(da.data(), n), ref.real_sum_squares_f64(da.data(), n)));
    const std::complex<double> z = hdc::simd::complex_dot(fa.data(), fb.data(), fc.data(), fd.data(), n);
    const std::complex<double> zr = ref.complex_dot_f32(fa.data(), fb.data(), fc.data(), fd.data(), n);
    CHECK((same_bits(z.real(), zr.real()) && same_bits(z.imag(), zr.imag())));
    hdc::simd::complex_multiply(fa.data(), fb.data(), fc.data(), fd.data(), o1.data(), o2.data(), n);
    ref.complex_multiply(fa.data(), fb.data(), fc.data(), fd.data(), o3.data(), o4.data(), n);
    CHECK((o1 == o3 && o2 == o4));
    CHECK(hdc::simd::int8_dot(ia.data(), ib.data(), n) == ref.int8_dot(ia.data(), ib.data(), n));
    hdc::simd::add_mod(ua.data(), ub.data(), u1.data(), n, 1000);
    ref.add_mod(ua.data(), ub.data(), u2.data(), n, 1000);
    CHECK(u1 == u2);
    CHECK(hdc::simd::count_equal(ua.data(), ub.data(), n) == ref.count_equal(ua.data(), ub.data(), n));
}
