// Invariants no caller can break, conversions between extents and families, and the Eigen views
// (issue: foundation repair, points 5 and 10).
#include "model_info.hpp"

#include <catch2/catch.hpp>

#include <hdc/core/algebra.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/eigen.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

/// Whether a non-const V hands out a pointer through which its components could be written.
template <class V>
constexpr bool writable_data = requires(V& v) {
    { *v.data() = *v.data() };
};
template <class V>
constexpr bool writable_parts = requires(V& v) {
    { *v.re_data() = 0.0f };
};

using real_float = hdc::real<1001>;
using real_double = hdc::real<1001, double>;
using mbat_float = hdc::mbat<1001>;
using sparse_fixed = hdc::sparse<101, 16>;

}  // namespace

TEST_CASE("no public member hands out writable components", "[invariants]") {
    STATIC_REQUIRE_FALSE(writable_data<hdc::binary<1001>>);
    STATIC_REQUIRE_FALSE(writable_data<hdc::binary<>>);
    STATIC_REQUIRE_FALSE(writable_data<hdc::bipolar<1001>>);
    STATIC_REQUIRE_FALSE(writable_data<real_float>);
    STATIC_REQUIRE_FALSE(writable_data<mbat_float>);
    STATIC_REQUIRE_FALSE(writable_data<sparse_fixed>);
    STATIC_REQUIRE_FALSE(writable_data<hdc::sparse<>>);
    STATIC_REQUIRE_FALSE(writable_parts<hdc::phasor<1001>>);
    STATIC_REQUIRE_FALSE(writable_parts<hdc::phasor<>>);
    // The checked setters still work and refuse what would break the invariant.
    hdc::sparse<> s(16, 8);
    CHECK_THROWS_AS(s.set(3, 200), hdc::invalid_parameter);
    CHECK_THROWS_AS(s.set(16, 1), hdc::invalid_parameter);
    s.set(3, 7);
    CHECK(s[3] == 7);
    hdc::binary<100> b;
    CHECK_THROWS_AS(b.set(100, true), hdc::invalid_parameter);
    b.set(99, true);
    CHECK(b.words()[1] == (std::uint64_t{1} << 35));
}

TEST_CASE("an integer sparse accumulator can only see in-range indices", "[invariants]") {
    // Every way to make a sparse vector checks its indices, so add() never writes out of bounds.
    const std::vector<std::uint16_t> bad{0, 200, 3};
    CHECK_THROWS_AS(hdc::sparse<>::from_indices(bad, {3, 8}), hdc::invalid_parameter);
    hdc::sparse_accumulator<hdc::dynamic, hdc::dynamic> acc({3, 8});
    const std::vector<std::uint16_t> good{0, 7, 3};
    acc.add(hdc::sparse<>::from_indices(good, {3, 8}));
    CHECK(acc.result() == hdc::sparse<>::from_indices(good, {3, 8}));
}

TEMPLATE_TEST_CASE("floating-point accumulators refuse sums that would not be finite", "[invariants]",
                   real_float, real_double, mbat_float, hdc::phasor<1001>) {
    using V = TestType;
    hdc::rng gen{7};
    const V a = hdc::random<V>(gen), b = hdc::random<V>(gen);
    hdc::accumulator<V> acc(a.dim());
    acc.add(a, 2.0);
    const auto before = hdc_test::model_info<V>::sums(acc);
    const V result_before = acc.result();
    // 1e300 would overflow the sums (and float results) to infinity and then NaN.
    CHECK_THROWS_AS(acc.add(b, 1e300), hdc::invalid_parameter);
    CHECK_THROWS_AS(acc.add(b, -1e300), hdc::invalid_parameter);
    CHECK_THROWS_AS(acc.add(b, std::numeric_limits<double>::infinity()), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.add(b, std::nan("")), hdc::non_finite_value);
    // Nothing changed.
    CHECK(hdc_test::model_info<V>::sums(acc) == before);
    CHECK(acc.count() == 2.0);
    CHECK(acc.result() == result_before);
    // A merge that could pass the limit is refused as well, before any change: doubling an
    // accumulator by merging it into itself must stop with invalid_parameter while every sum is
    // still finite.
    hdc::accumulator<V> big(a.dim());
    big.add(b, 1e100);
    bool refused = false;
    for (int i = 0; i < 400 && !refused; ++i) {
        const auto sums = hdc_test::model_info<V>::sums(big);
        const double count = big.count();
        try {
            big.merge(big);
        } catch (const hdc::invalid_parameter&) {
            refused = true;
            CHECK(hdc_test::model_info<V>::sums(big) == sums);
            CHECK(big.count() == count);
        }
    }
    CHECK(refused);
    for (double s : hdc_test::model_info<V>::sums(big)) REQUIRE(std::isfinite(s));
    CHECK(std::isfinite(hdc::similarity(big, a)));
}

TEST_CASE("real<float>::result refuses sums too large for float instead of returning inf",
          "[invariants]") {
    hdc::rng gen{8};
    const auto a = hdc::random<real_float>(gen);
    hdc::accumulator<real_float> acc(a.dim());
    acc.add(a, 1e60);  // sums up to 1e60: finite in double, not in float
    CHECK_THROWS_AS(acc.result(), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.result_clipped(1e300), hdc::non_finite_value);
    const auto clipped = acc.result_clipped(1.0);
    for (float x : clipped.values()) CHECK(std::abs(x) <= 1.0f);
    hdc::accumulator<real_double> wide(a.dim());
    wide.add(hdc::random<real_double>(gen), 1e60);
    const auto wide_result = wide.result();
    for (double x : wide_result.values()) CHECK(std::isfinite(x));
}

TEMPLATE_TEST_CASE("fixed and run-time dimensions convert both ways, checked", "[conversions]",
                   hdc::binary<1001>, hdc::bipolar<1001>, real_float, real_double, mbat_float,
                   hdc::phasor<1001>, sparse_fixed) {
    using V = TestType;
    using W = typename hdc_test::model_info<V>::dynamic_type;
    STATIC_REQUIRE(std::is_convertible_v<V, W>);       // fixed -> run-time: implicit
    STATIC_REQUIRE_FALSE(std::is_convertible_v<W, V>);  // run-time -> fixed: explicit only
    STATIC_REQUIRE(std::is_constructible_v<V, W>);
    hdc::rng gen{9};
    const V a = hdc::random<V>(gen);
    const W w = a;
    CHECK(w.shape() == a.shape());
    CHECK(hdc_test::model_info<V>::bytes(a) == hdc_test::model_info<W>::bytes(w));
    const V back(w);
    CHECK(back == a);
    // The algebra agrees across extents.
    const V b = hdc::random<V>(gen);
    const W wb = b;
    CHECK(hdc_test::model_info<V>::bytes(hdc::bind(a, b)) ==
          hdc_test::model_info<W>::bytes(hdc::bind(w, wb)));
    // A run-time vector of another size does not fit the fixed type.
    const W other = hdc::random<W>(gen, hdc_test::model_info<W>::small_shape(2));
    CHECK_THROWS_AS(V(other), hdc::invalid_dimension);
    CHECK_THROWS_AS(V(W{}), hdc::invalid_dimension);  // empty
}

TEST_CASE("binary and bipolar convert into each other and the algebra commutes", "[conversions]") {
    hdc::rng gen{10};
    for (std::size_t dim : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{1001}, std::size_t{10048}}) {
        const auto a = hdc::random<hdc::binary<>>(gen, dim), b = hdc::random<hdc::binary<>>(gen, dim);
        const auto pa = hdc::to_bipolar(a), pb = hdc::to_bipolar(b);
        CHECK(hdc::to_binary(pa) == a);
        CHECK(hdc::to_bipolar(hdc::bind(a, b)) == hdc::bind(pa, pb));
        CHECK(hdc::to_bipolar(hdc::permute(a, 5)) == hdc::permute(pa, 5));
        CHECK(hdc::similarity(a, b) == hdc::similarity(pa, pb));
        // The same generator state gives corresponding atoms.
        hdc::rng g1{dim}, g2{dim};
        CHECK(hdc::to_bipolar(hdc::random<hdc::binary<>>(g1, dim)) == hdc::random<hdc::bipolar<>>(g2, dim));
    }
    const hdc::binary<1001> fixed = hdc::random<hdc::binary<1001>>(gen);
    const hdc::bipolar<1001> image = hdc::to_bipolar(fixed);
    CHECK(hdc::to_binary(image) == fixed);
}

TEST_CASE("Eigen views share the components of real, MBAT and phasor vectors", "[conversions]") {
    hdc::rng gen{11};
    const auto r = hdc::random<real_float>(gen);
    const auto view = hdc::as_eigen(r);
    CHECK(view.data() == r.data());
    CHECK(static_cast<std::size_t>(view.size()) == r.dim());
    CHECK(static_cast<double>(view.dot(view)) == Approx(hdc::dot(r, r)).epsilon(1e-5));
    const auto m = hdc::random<mbat_float>(gen);
    CHECK(static_cast<double>(hdc::as_eigen(m).norm()) == Approx(1.0).epsilon(1e-5));
    const auto p = hdc::random<hdc::phasor<1001>>(gen);
    const auto re = hdc::re_eigen(p), im = hdc::im_eigen(p);
    CHECK(re.data() == p.re_data());
    CHECK(im.data() == p.im_data());
    const Eigen::VectorXf modulus = (re.array().square() + im.array().square()).sqrt().matrix();
    CHECK(modulus.minCoeff() > 1.0f - 1e-6f);
    CHECK(modulus.maxCoeff() < 1.0f + 1e-6f);
    // Views are read-only.
    STATIC_REQUIRE(std::is_const_v<std::remove_pointer_t<decltype(hdc::as_eigen(r).data())>>);
    // And back, through the checked constructor.
    const Eigen::VectorXf x = view * 2.0f;
    const auto doubled = real_float::from_values(std::span<const float>(x.data(), static_cast<std::size_t>(x.size())));
    CHECK(doubled[5] == 2.0f * r[5]);
}
