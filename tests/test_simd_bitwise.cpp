// Tests of hdc/simd bitwise and bit-sliced kernels: every architecture compiled in this
// translation unit against the scalar reference, bit for bit, and the binary accumulator
// against a per-bit reference implementation.
#include <hdc/models/binary.hpp>
#include <hdc/simd/arch.hpp>
#include <hdc/simd/bitslice.hpp>
#include <hdc/simd/bitwise.hpp>
#include <hdc/simd/kernel_table.hpp>

#include "tie_reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using u64 = std::uint64_t;
using hdc::simd::kernel_table;

/// Padded, aligned words with the first `bits` bits random and everything after zero.
hdc::aligned_buffer<u64> random_bits(hdc::rng& gen, std::size_t bits) {
    const std::size_t words = (bits + 63) / 64;
    hdc::aligned_buffer<u64> b(words);
    for (std::size_t i = 0; i < words; ++i) b[i] = gen();
    if (bits % 64) b[words - 1] &= (u64{1} << (bits % 64)) - 1;
    return b;
}

/// `rows` rows of random words at a stride of whole lines, padding zero.
hdc::aligned_buffer<u64> random_rows(hdc::rng& gen, std::size_t rows, std::size_t words,
                                     std::size_t stride) {
    hdc::aligned_buffer<u64> b(rows * stride);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < words; ++i) b[r * stride + i] = gen();
    return b;
}

std::size_t line_words(std::size_t words) { return (words + 7) / 8 * 8; }

bool same_words(const hdc::aligned_buffer<u64>& a, const hdc::aligned_buffer<u64>& b) {
    return a.padded_size() == b.padded_size() &&
           std::equal(a.data(), a.data() + a.padded_size(), b.data());
}

/// The previous rotation (word_at_bit with bounds checks), kept as an independent reference.
u64 word_at_bit(const u64* a, std::size_t words, std::size_t from) {
    const std::size_t w = from / 64, s = from % 64;
    const u64 lo = w < words ? a[w] : 0;
    if (s == 0) return lo;
    const u64 hi = w + 1 < words ? a[w + 1] : 0;
    return (lo >> s) | (hi << (64 - s));
}

void rotate_reference(const u64* a, u64* out, std::size_t bits, std::size_t k) {
    const std::size_t words = (bits + 63) / 64;
    for (std::size_t w = 0; w < words; ++w) {
        const std::size_t j = w * 64;
        u64 v = 0;
        if (j + 64 > k) {
            if (j >= k)
                v |= word_at_bit(a, words, j - k);
            else
                v |= word_at_bit(a, words, 0) << (k - j);
        }
        if (j < k) {
            u64 piece = word_at_bit(a, words, j + bits - k);
            const std::size_t span = k - j;
            if (span < 64) piece &= (u64{1} << span) - 1;
            v |= piece;
        }
        out[w] = v;
    }
    if (bits % 64) out[words - 1] &= (u64{1} << (bits % 64)) - 1;
}

/// Word counts 1..200 and the bit lengths of the interesting dimensions.
std::vector<std::size_t> test_word_counts() {
    std::vector<std::size_t> w;
    for (std::size_t i = 1; i <= 200; ++i) w.push_back(i);
    w.push_back(157);  // 10,000 and 10,048 bits
    return w;
}

const std::vector<std::size_t> test_dims = {1, 2, 63, 64, 65, 127, 128, 129, 500, 511, 512,
                                            513, 1000, 1024, 4097, 10000, 10048};

}  // namespace

TEMPLATE_LIST_TEST_CASE("simd bitwise: every architecture equals the scalar reference",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{2024};
    for (std::size_t words : test_word_counts()) {
        INFO("words " << words);
        const auto a = random_bits(gen, 64 * words), b = random_bits(gen, 64 * words);

        hdc::aligned_buffer<u64> x1(words), x2(words);
        ref.xor_words(a.data(), b.data(), x1.data(), words);
        k.xor_words(a.data(), b.data(), x2.data(), words);
        CHECK(same_words(x1, x2));

        CHECK(k.popcount_words(a.data(), words) == ref.popcount_words(a.data(), words));
        CHECK(k.and_popcount_words(a.data(), b.data(), words) ==
              ref.and_popcount_words(a.data(), b.data(), words));
        CHECK(k.hamming_words(a.data(), b.data(), words) ==
              ref.hamming_words(a.data(), b.data(), words));
        CHECK(ref.hamming_words(a.data(), b.data(), words) ==
              ref.popcount_words(x1.data(), words));

        // Batched: rows at a stride of whole lines (and a wider stride).
        for (std::size_t stride : {line_words(words), line_words(words) + 8}) {
            const std::size_t rows = 13;
            const auto ra = random_rows(gen, rows, words, stride);
            const auto rb = random_rows(gen, rows, words, stride);
            std::vector<std::uint32_t> h1(rows), h2(rows);
            ref.hamming_one_to_many(a.data(), ra.data(), rows, words, stride, h1.data());
            k.hamming_one_to_many(a.data(), ra.data(), rows, words, stride, h2.data());
            CHECK(h1 == h2);
            CHECK(h1[5] == ref.hamming_words(a.data(), ra.data() + 5 * stride, words));

            const std::size_t queries = 3;
            std::vector<std::uint32_t> m1(queries * rows), m2(queries * rows);
            ref.hamming_many_to_many(rb.data(), queries, ra.data(), rows, words, stride, m1.data());
            k.hamming_many_to_many(rb.data(), queries, ra.data(), rows, words, stride, m2.data());
            CHECK(m1 == m2);
            CHECK(m1[2 * rows + 7] ==
                  ref.hamming_words(rb.data() + 2 * stride, ra.data() + 7 * stride, words));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("simd bitwise: many-to-many spans several cache blocks", "[simd]",
                        hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{77};
    for (std::size_t words : {std::size_t{16}, std::size_t{157}}) {
        const std::size_t stride = line_words(words);
        const std::size_t rows = hdc::simd::detail::many_to_many_block_rows(stride) * 2 + 7;
        const std::size_t queries = 6;
        const auto r = random_rows(gen, rows, words, stride);
        const auto q = random_rows(gen, queries, words, stride);
        std::vector<std::uint32_t> m1(queries * rows), m2(queries * rows);
        ref.hamming_many_to_many(q.data(), queries, r.data(), rows, words, stride, m1.data());
        k.hamming_many_to_many(q.data(), queries, r.data(), rows, words, stride, m2.data());
        CHECK(m1 == m2);
    }
}

TEMPLATE_LIST_TEST_CASE("simd bitwise: random words are hdc::rng's draws on every architecture",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    for (const std::uint64_t seed : {0ull, 1ull, 0xFFFFFFFFFFFFFFFFull}) {
        hdc::rng gen{seed, 7};
        gen.discard(seed % 13);
        for (std::size_t n : {0, 1, 7, 8, 9, 157, 1000}) {
            INFO("seed " << seed << ", n " << n);
            std::vector<u64> expected(n + 1, 0x5555), got(n + 1, 0x5555);
            hdc::rng copy = gen;
            copy.fill({expected.data(), n});
            k.random_words(gen.key(), gen.counter(), got.data(), n);
            CHECK(got == expected);  // including the untouched word past n
            gen.discard(n);
        }
    }
    // Counters near the wrap-around of the 64-bit counter.
    const auto gen = hdc::rng::from_key(12345, ~std::uint64_t{0} - 4);
    std::vector<u64> expected(10), got(10);
    for (std::size_t i = 0; i < 10; ++i) expected[i] = gen.at(gen.counter() + i);
    k.random_words(gen.key(), gen.counter(), got.data(), 10);
    CHECK(got == expected);
}

TEMPLATE_LIST_TEST_CASE("simd bitwise: rotation equals the reference for every shift",
                        "[simd]", hdc::simd::compiled_archs) {
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{5};
    std::vector<std::size_t> dims = test_dims;
    for (std::size_t i = 0; i < 30; ++i) dims.push_back(1 + gen.below(3000));
    for (std::size_t bits : dims) {
        INFO("bits " << bits);
        const std::size_t words = (bits + 63) / 64;
        const auto a = random_bits(gen, bits);
        std::vector<std::size_t> shifts;
        for (std::size_t s = 0; s < std::min<std::size_t>(bits, 200); ++s) shifts.push_back(s);
        for (std::size_t s = bits > 200 ? bits - 200 : 0; s < bits; ++s) shifts.push_back(s);
        for (int i = 0; i < 50; ++i) shifts.push_back(gen.below(bits));
        for (std::size_t s : shifts) {
            hdc::aligned_buffer<u64> expected(words), got(words);
            rotate_reference(a.data(), expected.data(), bits, s);
            k.rotate_bits(a.data(), got.data(), bits, s);
            if (!same_words(expected, got)) FAIL("shift " << s);
        }
    }
}

TEST_CASE("permute: binary rotation by k and -k, all shifts, fixed and dynamic") {
    hdc::rng gen{9};
    for (std::size_t bits : test_dims) {
        const auto a = hdc::binary<>::random(gen, bits);
        for (std::ptrdiff_t k = -130; k <= 130; ++k) {
            const auto r = hdc::permute(a, k);
            const auto s = hdc::detail::shift_amount(k, bits);
            bool ok = true;
            for (std::size_t i = 0; i < bits && ok; ++i) ok = r[(i + s) % bits] == a[i];
            if (!ok) FAIL("bits " << bits << " k " << k);
            CHECK(hdc::permute(r, -k) == a);
        }
    }
    const auto f = hdc::binary<10048>::random(gen);
    CHECK(hdc::permute(hdc::permute(f, 1234), -1234) == f);
    CHECK(hdc::permute(f, 10048) == f);
}

TEMPLATE_LIST_TEST_CASE("simd bitslice: counter kernels equal the scalar reference", "[simd]",
                        hdc::simd::compiled_archs) {
    constexpr kernel_table ref = hdc::simd::make_kernel_table<hdc::simd::scalar>();
    constexpr kernel_table k = hdc::simd::make_kernel_table<TestType>();
    INFO("architecture " << k.name);
    hdc::rng gen{31};
    std::vector<std::size_t> dims = test_dims;
    for (std::size_t words = 1; words <= 40; ++words) dims.push_back(64 * words - gen.below(64));
    for (std::size_t dim : dims) {
        INFO("dim " << dim);
        const std::size_t words = (dim + 63) / 64, stride = line_words(words);
        const std::size_t planes = 6;
        auto p1 = random_rows(gen, planes, words, stride);
        for (std::size_t p = 0; p < planes; ++p)  // keep tail bits zero
            if (dim % 64) p1[p * stride + words - 1] &= (u64{1} << (dim % 64)) - 1;
        auto p2 = p1;
        for (int rep = 0; rep < 5; ++rep) {
            const auto v = random_bits(gen, dim);
            ref.bitslice_increment(p1.data(), planes, stride, v.data(), words);
            k.bitslice_increment(p2.data(), planes, stride, v.data(), words);
        }
        CHECK(same_words(p1, p2));

        auto src = random_rows(gen, 3, words, stride);
        for (std::size_t p = 0; p < 3; ++p)
            if (dim % 64) src[p * stride + words - 1] &= (u64{1} << (dim % 64)) - 1;
        ref.bitslice_add(p1.data(), planes, src.data(), 3, stride, words);
        k.bitslice_add(p2.data(), planes, src.data(), 3, stride, words);
        CHECK(same_words(p1, p2));

        const auto tie = random_bits(gen, dim);
        for (u64 threshold : {u64{0}, u64{1}, u64{7}, u64{40}, u64{63}, u64{64}, u64{100}}) {
            for (const u64* t : {tie.data(), static_cast<const u64*>(nullptr)}) {
                hdc::aligned_buffer<u64> o1(words), o2(words);
                ref.bitslice_majority(p1.data(), planes, src.data(), 3, stride, threshold, t,
                                      o1.data(), words);
                k.bitslice_majority(p1.data(), planes, src.data(), 3, stride, threshold, t,
                                    o2.data(), words);
                CHECK(same_words(o1, o2));
            }
        }

        // int32 sums
        hdc::aligned_buffer<std::int32_t> s1(dim), s2(dim);
        for (std::size_t i = 0; i < dim; ++i)
            s1[i] = s2[i] = static_cast<std::int32_t>(gen.below(41)) - 20;
        for (std::int32_t w : {1, -1, 3, -1000000, 7}) {
            const auto v = random_bits(gen, dim);
            ref.add_signed_bits(s1.data(), v.data(), dim, w);
            k.add_signed_bits(s2.data(), v.data(), dim, w);
        }
        CHECK(s1 == s2);
        // Weighted rows (tail bits past dim random: they must not count), weights near the
        // int32 limits so that the sums wrap.
        for (std::size_t n_rows : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{33}}) {
            const auto rows = random_rows(gen, n_rows, words, stride);
            std::vector<std::int32_t> weights(n_rows);
            for (auto& w : weights) w = static_cast<std::int32_t>(gen.below(2001)) - 1000;
            if (n_rows > 2) weights[0] = 0x7FFFFFF0;
            ref.add_signed_rows(s1.data(), rows.data(), n_rows, stride, weights.data(), dim);
            k.add_signed_rows(s2.data(), rows.data(), n_rows, stride, weights.data(), dim);
            CHECK(s1 == s2);
        }
        for (std::size_t i = 0; i < dim; ++i) s1[i] = s2[i] = static_cast<std::int32_t>(gen.below(41)) - 20;
        ref.add_unit_votes(s1.data(), p1.data(), planes, stride, 63, dim);
        k.add_unit_votes(s2.data(), p1.data(), planes, stride, 63, dim);
        CHECK(s1 == s2);
        // Padding of the sums stays zero.
        for (std::size_t i = dim; i < s2.padded_size(); ++i) CHECK(s2.data()[i] == 0);
        for (std::size_t i = 0; i < dim; i += 3) s1[i] = s2[i] = 0;  // zero sums: tie bits
        hdc::aligned_buffer<u64> m1(words), m2(words);
        ref.majority_from_sums(s1.data(), tie.data(), m1.data(), dim);
        k.majority_from_sums(s2.data(), tie.data(), m2.data(), dim);
        CHECK(same_words(m1, m2));
        CHECK(ref.signed_sum(s1.data(), tie.data(), dim) == k.signed_sum(s2.data(), tie.data(), dim));
    }
}

TEST_CASE("simd bitslice: majority kernel compares counts with the threshold exactly") {
    // Counts 0..63 in the 64 lanes of one word (6 planes); b adds 5 to every lane.
    hdc::aligned_buffer<u64> a(8 * 6), b(8 * 3);
    for (u64 lane = 0; lane < 64; ++lane)
        for (std::size_t p = 0; p < 6; ++p) a[p * 8] |= ((lane >> p) & 1u) << lane;
    b[0] = ~u64{0};  // 1
    b[16] = ~u64{0};  // 4
    hdc::aligned_buffer<u64> tie_line(1), out_line(1);  // whole lines, as the kernels require
    const u64 tie = tie_line[0] = 0xAAAAAAAAAAAAAAAAull;
    for (u64 t = 0; t < 80; ++t) {
        hdc::simd::bitslice_majority(a.data(), 6, b.data(), 3, 8, t, tie_line.data(),
                                     out_line.data(), 1);
        const u64 out = out_line[0];
        u64 expected = 0;
        for (u64 lane = 0; lane < 64; ++lane) {
            const u64 c = lane + 5;
            if (c > t || (c == t && ((tie >> lane) & 1u))) expected |= u64{1} << lane;
        }
        CHECK(out == expected);
    }
}

// -------------------------------------------------------------------------------------------
// The accumulator against the simple per-bit implementation it replaced.

namespace {

template <std::size_t D>
struct reference_accumulator {
    using V = hdc::binary<D>;
    explicit reference_accumulator(std::size_t dim) : sums(dim, 0) {}
    std::vector<std::int32_t> sums;
    std::int64_t count = 0;

    void add(const V& v, std::int32_t w) {
        for (std::size_t i = 0; i < sums.size(); ++i) sums[i] += v[i] ? -w : w;
        count += w;
    }
    void merge(const reference_accumulator& o) {
        for (std::size_t i = 0; i < sums.size(); ++i) sums[i] += o.sums[i];
        count += o.count;
    }
    V result() const { return hdc_test::reference_majority_vector<V>(sums); }
    std::int64_t dot(const V& v) const {
        std::int64_t d = 0;
        for (std::size_t i = 0; i < sums.size(); ++i) d += v[i] ? -sums[i] : sums[i];
        return d;
    }
    double similarity(const V& v) const {
        const std::int64_t d = dot(v);
        double norm2 = 0;
        for (auto s : sums) norm2 += static_cast<double>(s) * s;
        if (norm2 == 0) return 0.0;
        return static_cast<double>(d) / std::sqrt(norm2 * static_cast<double>(sums.size()));
    }
};

template <std::size_t D>
void check_same(const hdc::binary_accumulator<D>& acc, const reference_accumulator<D>& ref,
                const hdc::binary<D>& probe) {
    CHECK(acc.result() == ref.result());
    CHECK(acc.count() == static_cast<double>(ref.count));
    CHECK(dot(acc, probe) == ref.dot(probe));
    CHECK(similarity(acc, probe) == ref.similarity(probe));
    const auto s = acc.sums();
    CHECK(std::equal(s.begin(), s.end(), ref.sums.begin(), ref.sums.end()));
}

/// Random operations: mostly unit adds, with weighted adds, subtracts and merges mixed in
/// when `mixed`.
template <std::size_t D>
void run_accumulator_case(std::size_t dim, std::size_t m, bool mixed, std::uint64_t seed) {
    using V = hdc::binary<D>;
    hdc::rng gen{seed};
    hdc::binary_accumulator<D> acc(dim);
    reference_accumulator<D> ref(dim);
    const V probe = V::random(gen, dim);
    for (std::size_t j = 0; j < m; ++j) {
        const V v = V::random(gen, dim);
        const std::uint64_t op = mixed ? gen.below(10) : 0;
        if (op < 6) {
            acc.add(v);
            ref.add(v, 1);
        } else if (op == 6) {
            const auto w = static_cast<std::int32_t>(gen.below(7)) - 3;
            acc.add(v, w);
            ref.add(v, w);
        } else if (op == 7) {
            acc.subtract(v);
            ref.add(v, -1);
        } else if (op == 8) {
            // A second accumulator of a few unit votes (and maybe a weighted one), merged.
            hdc::binary_accumulator<D> other(dim);
            reference_accumulator<D> other_ref(dim);
            const std::size_t n = gen.below(40);
            for (std::size_t i = 0; i < n; ++i) {
                const V u = V::random(gen, dim);
                other.add(u);
                other_ref.add(u, 1);
            }
            if (gen.below(2)) {
                other.add(v, 2);
                other_ref.add(v, 2);
            }
            acc.merge(other);
            ref.merge(other_ref);
        } else {
            (void)acc.sums();  // const: the pending unit votes stay in the planes
            acc.add(v, 1.0);
            ref.add(v, 1);
        }
        if (j % 97 == 0) check_same(acc, ref, probe);
    }
    check_same(acc, ref, probe);
}

}  // namespace

TEST_CASE("binary_accumulator: unit-vote bundles equal the per-bit reference, M = 1..40, 1000") {
    for (std::size_t dim : {std::size_t{1}, std::size_t{63}, std::size_t{65}, std::size_t{1000},
                            std::size_t{10048}}) {
        for (std::size_t m = 1; m <= 40; ++m) {
            INFO("dim " << dim << " M " << m);
            run_accumulator_case<hdc::dynamic>(dim, m, false, 1000 * dim + m);
        }
        INFO("dim " << dim << " M 1000");
        run_accumulator_case<hdc::dynamic>(dim, 1000, false, dim);
    }
    run_accumulator_case<10048>(10048, 1000, false, 3);
    run_accumulator_case<64>(64, 37, false, 4);
}

TEST_CASE("binary_accumulator: mixed weighted adds, subtracts and merges equal the reference") {
    for (std::size_t dim : {std::size_t{1}, std::size_t{63}, std::size_t{65}, std::size_t{1000},
                            std::size_t{10048}}) {
        for (std::size_t m = 1; m <= 40; ++m) {
            INFO("dim " << dim << " M " << m);
            run_accumulator_case<hdc::dynamic>(dim, m, true, 77 * dim + m);
        }
        INFO("dim " << dim << " M 1000");
        run_accumulator_case<hdc::dynamic>(dim, 1000, true, dim + 5);
    }
    run_accumulator_case<10048>(10048, 1000, true, 8);
}

TEST_CASE("binary_accumulator: more votes than the planes hold go to the sums exactly") {
    using V = hdc::binary<hdc::dynamic>;
    hdc::rng gen{12};
    const std::size_t dim = 130;
    // A few fixed vectors repeated so the majority is decided by counts far above 2^16.
    std::vector<V> base;
    for (int i = 0; i < 5; ++i) base.push_back(V::random(gen, dim));
    hdc::binary_accumulator<hdc::dynamic> acc(dim), half(dim);
    reference_accumulator<hdc::dynamic> ref(dim);
    for (std::size_t j = 0; j < 70001; ++j) {
        const V& v = base[j % 3 == 0 ? 0 : gen.below(5)];
        acc.add(v);
        if (j < 40000) half.add(v);
        ref.add(v, 1);
    }
    check_same(acc, ref, base[1]);
    // The second merge no longer fits the high planes: it goes through the sums.
    reference_accumulator<hdc::dynamic> both = ref;
    for (int rep = 0; rep < 2; ++rep) {
        acc.merge(half);
        for (std::size_t i = 0; i < dim; ++i) both.sums[i] += half.sums()[i];
        both.count += 40000;
        check_same(acc, both, base[3]);
    }
    check_same(acc, both, base[2]);
}

TEST_CASE("binary_accumulator: self-merge, clear, copies and the generic bundle") {
    using V = hdc::binary<1000>;
    hdc::rng gen{3};
    hdc::binary_accumulator<1000> acc;
    reference_accumulator<1000> ref(1000);
    std::vector<V> vs;
    for (int i = 0; i < 21; ++i) {
        vs.push_back(V::random(gen));
        acc.add(vs.back());
        ref.add(vs.back(), 1);
    }
    const auto copy = acc;
    acc.merge(acc);
    ref.merge(ref);
    check_same(acc, ref, vs[0]);
    check_same(copy, [&] {
        reference_accumulator<1000> r(1000);
        for (const auto& v : vs) r.add(v, 1);
        return r;
    }(), vs[1]);
    CHECK(hdc::bundle(vs) == copy.result());
    acc.clear();
    CHECK(acc.count() == 0);
    CHECK(acc.result() == hdc_test::reference_majority_vector<V>(std::vector<std::int32_t>(1000, 0)));
    acc.add(vs[3]);
    CHECK(acc.result() == vs[3]);
    CHECK_THROWS_AS(acc.add(vs[0], 0.5), hdc::invalid_parameter);
    hdc::binary_accumulator<hdc::dynamic> dyn(64);
    CHECK_THROWS_AS(dyn.add(hdc::binary<>(65)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(dyn.merge(hdc::binary_accumulator<hdc::dynamic>(65)), hdc::dimension_mismatch);
    CHECK(dyn.count() == 0);
}

TEST_CASE("binary::random: equals the counter-based stream word by word") {
    hdc::rng gen{42};
    const hdc::rng start = gen;
    for (std::size_t dim : test_dims) {
        const std::uint64_t first = gen.counter();
        const auto v = hdc::binary<>::random(gen, dim);
        const std::size_t words = (dim + 63) / 64;
        CHECK(gen.counter() == first + words);
        for (std::size_t i = 0; i < words; ++i) {
            u64 expected = start.at(first + i);
            if (i + 1 == words && dim % 64) expected &= (u64{1} << (dim % 64)) - 1;
            CHECK(v.words()[i] == expected);
        }
        for (std::size_t i = words; i < v.padded_word_count(); ++i) CHECK(v.data()[i] == 0);
    }
}

TEST_CASE("simd arch: tags, default architecture and the xsimd bridge") {
    CHECK(std::string(hdc::simd::default_arch::name()).size() > 0);
    CHECK(hdc::simd::compiled_archs::size >= 1);
    CHECK(std::string(hdc::simd::avx512_vpopcnt::name()) == "avx512_vpopcnt");
#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BW__)
    STATIC_REQUIRE(std::is_same_v<hdc::simd::default_arch, hdc::simd::avx512_vpopcnt>);
    // Kernels of other kinds may use xsimd batches on the avx512_vpopcnt tag directly.
    using B = xsimd::batch<float, hdc::simd::avx512_vpopcnt>;
    alignas(64) float x[16], y[16];
    for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
    (B::load_aligned(x) * B(2.0f) + B(1.0f)).store_aligned(y);
    for (int i = 0; i < 16; ++i) CHECK(y[i] == 2.0f * static_cast<float>(i) + 1.0f);
    CHECK(xsimd::hadd(B::load_aligned(x)) == 120.0f);
    const auto big = B::load_aligned(x) > B(7.5f);  // batch_bool on the bridged tag
    xsimd::select(big, B(1.0f), B(0.0f)).store_aligned(y);
    for (int i = 0; i < 16; ++i) CHECK(y[i] == (i > 7 ? 1.0f : 0.0f));
#endif
}
