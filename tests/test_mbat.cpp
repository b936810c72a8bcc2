// Tests of hdc/models/mbat.hpp: MBAT vectors, orthogonal role operators, binding and bundling.
#include <hdc/models/mbat.hpp>
#include <hdc/simd/rotation.hpp>
#include <hdc/simd/transform.hpp>

#include <catch2/catch.hpp>

#include <hdc/simd/kernel_table.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

constexpr std::size_t dim = 256;

/// Rounding tolerance of one chain of operations in T.
template <class V>
constexpr double tolerance() {
    return std::is_same_v<typename V::value_type, float> ? 1e-5 : 1e-12;
}

template <class V>
V atom(std::uint64_t seed) {
    hdc::rng gen{seed};
    return V::random(gen, dim);
}

/// ||Q^T Q - I||_max, computed in double.
template <class M>
double orthogonality_error(const M& q) {
    const Eigen::MatrixXd qd = q.template cast<double>();
    const Eigen::MatrixXd gram = qd.transpose() * qd;
    return (gram - Eigen::MatrixXd::Identity(qd.rows(), qd.cols())).cwiseAbs().maxCoeff();
}

/// Q^T assembled column by column from apply_transpose on the unit vectors.
template <class Role>
Eigen::MatrixXd transpose_by_columns(const Role& role) {
    using V = typename Role::vector_type;
    using T = typename V::value_type;
    const std::size_t n = role.dim();
    Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    std::vector<T> unit(n, T(0));
    for (std::size_t j = 0; j < n; ++j) {
        unit[j] = T(1);
        const V column = role.apply_transpose(V::from_values(unit, n));
        unit[j] = T(0);
        for (std::size_t i = 0; i < n; ++i)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = column[i];
    }
    return m;
}

}  // namespace

#define HDC_MBAT_TYPES                                                                 \
    (hdc::mbat<256>), (hdc::mbat<hdc::dynamic>), (hdc::mbat<256, double>), \
        (hdc::mbat<hdc::dynamic, double>)

TEST_CASE("mbat: construction, the default is mbat<dynamic, float>") {
    STATIC_REQUIRE(std::is_same_v<hdc::mbat<>, hdc::mbat<hdc::dynamic, float>>);
    CHECK(hdc::mbat<256>().dim() == 256);
    CHECK(hdc::mbat<hdc::dynamic>().dim() == 0);
    CHECK(hdc::mbat<hdc::dynamic>(100).dim() == 100);
}

TEST_CASE("simd transforms: Walsh-Hadamard and signed permutations on known values") {
    std::vector<double> x{1, 2, 3, 4};
    hdc::simd::walsh_hadamard(x.data(), x.size(), 1.0);
    CHECK(x == std::vector<double>{10, -2, -4, 0});
    hdc::simd::walsh_hadamard(x.data(), x.size(), 0.25);  // H H = n I
    CHECK(x == std::vector<double>{1, 2, 3, 4});
    const std::vector<std::uint32_t> index{2, 0, 3, 1};
    const std::vector<std::uint64_t> negate{0b0101};
    std::vector<double> y(4), z(4);
    hdc::simd::signed_permute(x.data(), y.data(), index.data(), negate.data(), 4);
    CHECK(y == std::vector<double>{-3, 1, -4, 2});
    hdc::simd::signed_permute_transpose(y.data(), z.data(), index.data(), negate.data(), 4);
    CHECK(z == x);
}

TEMPLATE_TEST_CASE("mbat: random atoms are unit vectors", "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    const V a = atom<V>(1);
    CHECK(a.dim() == dim);
    CHECK(std::abs(hdc::norm(a) - 1.0) < tolerance<V>());
    CHECK(hdc::similarity(a, a) == Approx(1.0).epsilon(tolerance<V>()));
    CHECK(hdc::cosine(a, V(dim)) == 0.0);  // zero vector: cosine defined as 0
}

TEST_CASE("mbat_role: structured operators are orthogonal, transpose is the inverse") {
    for (std::size_t n : {1u, 2u, 3u, 100u, 256u, 1000u}) {
        CAPTURE(n);
        hdc::rng gen{n};
        const auto rf = hdc::mbat_role<hdc::dynamic, float>::structured(gen, n);
        const auto rd = hdc::mbat_role<hdc::dynamic, double>::structured(gen, n);
        CHECK(rf.kind() == hdc::role_kind::structured);
        CHECK(rf.dim() == n);
        CHECK(orthogonality_error(rf.matrix()) < 1e-5);
        CHECK(orthogonality_error(rd.matrix()) < 1e-12);
        if (n <= 256) {
            const Eigen::MatrixXd q = rd.matrix();
            CHECK((transpose_by_columns(rd) - q.transpose()).cwiseAbs().maxCoeff() < 1e-12);
        }
    }
}

TEST_CASE("mbat_role: haar operators are orthogonal, transpose is the inverse") {
    for (std::size_t n : {64u, 100u}) {
        CAPTURE(n);
        hdc::rng gen{n + 1};
        const auto rf = hdc::mbat_role<hdc::dynamic, float>::haar(gen, n);
        const auto rd = hdc::mbat_role<hdc::dynamic, double>::haar(gen, n);
        CHECK(rf.kind() == hdc::role_kind::haar);
        CHECK(orthogonality_error(rf.matrix()) < 1e-5);
        CHECK(orthogonality_error(rd.matrix()) < 1e-12);
        const Eigen::MatrixXd q = rd.matrix();
        CHECK((transpose_by_columns(rd) - q.transpose()).cwiseAbs().maxCoeff() < 1e-12);
    }
}

TEST_CASE("mbat_role: haar generator has Haar trace statistics, without the sign fix it does not") {
    // For Haar-distributed Q (N >= 4): E[tr Q] = 0, E[tr^2] = 1, E[tr^4] = 3, so
    // SE(mean tr) = 1/sqrt(n) and SE(mean tr^2) = sqrt(2/n).
    constexpr std::size_t n_dim = 20;
    constexpr int draws = 2000;
    hdc::rng gen{20240601};
    double sum_tr = 0, sum_tr2 = 0, sum_raw = 0;
    for (int k = 0; k < draws; ++k) {
        hdc::rng copy = gen;  // replays the same Gaussian matrix for the unfixed QR
        const auto role = hdc::mbat_role<hdc::dynamic, double>::haar(gen, n_dim);
        const double tr = role.matrix().trace();
        sum_tr += tr;
        sum_tr2 += tr * tr;
        Eigen::MatrixXd g(n_dim, n_dim);
        for (Eigen::Index j = 0; j < Eigen::Index(n_dim); ++j)
            for (Eigen::Index i = 0; i < Eigen::Index(n_dim); ++i) g(i, j) = copy.normal();
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
        const Eigen::MatrixXd raw = qr.householderQ();
        sum_raw += raw.trace();
    }
    const double mean = sum_tr / draws, mean_sq = sum_tr2 / draws, raw_mean = sum_raw / draws;
    const double se_mean = 1.0 / std::sqrt(double(draws)), se_sq = std::sqrt(2.0 / draws);
    CAPTURE(mean, mean_sq, raw_mean);
    CHECK(std::abs(mean) < 4 * se_mean);
    CHECK(std::abs(mean_sq - 1.0) < 4 * se_sq);
    CHECK(std::abs(raw_mean) > 10 * se_mean);  // the plain QR factor is far from Haar
}

TEMPLATE_TEST_CASE("mbat: binding is non-commutative for both role kinds and for vectors", "[mbat]",
                   HDC_MBAT_TYPES) {
    using V = TestType;
    using Role = typename V::role_type;
    hdc::rng gen{31};
    const V v = V::random(gen, dim);
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        const Role qa = kind == hdc::role_kind::haar ? Role::haar(gen, dim) : Role::structured(gen, dim);
        const Role qb = kind == hdc::role_kind::haar ? Role::haar(gen, dim) : Role::structured(gen, dim);
        const V ab = qa.apply(qb.apply(v)), ba = qb.apply(qa.apply(v));
        CHECK(hdc::cosine(ab, ba) < 0.5);
    }
    const V a = V::random(gen, dim), b = V::random(gen, dim);
    CHECK(hdc::cosine(hdc::bind(a, b), hdc::bind(b, a)) < 0.5);
}

TEMPLATE_TEST_CASE("mbat: norm is preserved and unbinding is exact through 10 nested bindings",
                   "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    using Role = typename V::role_type;
    hdc::rng gen{41};
    const V x = V::random(gen, dim);
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        std::vector<Role> roles;
        for (int k = 0; k < 10; ++k)
            roles.push_back(kind == hdc::role_kind::haar ? Role::haar(gen, dim)
                                                         : Role::structured(gen, dim));
        V y = x;
        for (const auto& r : roles) {
            y = hdc::bind(r, y);
            CHECK(std::abs(hdc::norm(y) - 1.0) < tolerance<V>());
        }
        CHECK(std::abs(hdc::cosine(y, x)) < 4.0 / std::sqrt(double(dim)));
        for (auto it = roles.rbegin(); it != roles.rend(); ++it) y = hdc::unbind(y, *it);
        CHECK(hdc::cosine(y, x) > 0.9999);
    }
    // The same through vector-vector binding with 10 keys.
    std::vector<V> keys;
    for (int k = 0; k < 10; ++k) keys.push_back(V::random(gen, dim));
    V y = x;
    for (const auto& key : keys) y = hdc::bind(key, y);
    CHECK(std::abs(hdc::norm(y) - 1.0) < tolerance<V>());
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) y = hdc::unbind(y, *it);
    CHECK(hdc::cosine(y, x) > 0.9999);
}

TEMPLATE_TEST_CASE("mbat: binding is orthogonal and linear, bind(a, .) applies the role for_key(a)",
                   "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{51};
    const V a = V::random(gen, dim), b = V::random(gen, dim), c = V::random(gen, dim);
    const V ab = hdc::bind(a, b);
    // Binding preserves similarity (the operator is orthogonal).
    const V mixed = hdc::bundle({b, c});
    CHECK(hdc::cosine(hdc::bind(a, b), hdc::bind(a, mixed)) ==
          Approx(hdc::cosine(b, mixed)).margin(tolerance<V>()));
    // Binding of additive terms: binding a bundle = bundling the bound terms.
    const auto role = V::role_type::structured(gen, dim);
    CHECK(hdc::cosine(hdc::bind(role, mixed), hdc::bundle({hdc::bind(role, b), hdc::bind(role, c)})) >
          1 - tolerance<V>());
    // The role for_key(a) is the operator bind(a, .) applies.
    CHECK(V::role_type::for_key(a).apply(b) == ab);
}

TEMPLATE_TEST_CASE("mbat: nested roles keep path order (why JSON needs non-commutative binding)",
                   "[mbat]", HDC_MBAT_TYPES) {
    // {"a": {"b": x}} and {"b": {"a": x}} must differ: Q_a Q_b x vs Q_b Q_a x. With a commutative
    // binding both would be a * b * x.
    using V = TestType;
    using Role = typename V::role_type;
    const V x = hdc::symbol<V>("1", 3, dim);
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        const Role qa = Role::from_symbol("a", 3, dim, kind), qb = Role::from_symbol("b", 3, dim, kind);
        const V ab = hdc::bind(qa, hdc::bind(qb, x)), ba = hdc::bind(qb, hdc::bind(qa, x));
        CHECK(std::abs(hdc::cosine(ab, ba)) < 4.0 / std::sqrt(double(dim)));
        // Querying the path a.b recovers x from the sum of both documents, the other acting as
        // noise: cos = sqrt((1 + c) / 2) with c ~ Normal(0, 1/D), so about 1/sqrt(2) (1 + c/2).
        const V doc = hdc::bundle({ab, ba});
        const V query = hdc::unbind(hdc::unbind(doc, qa), qb);
        const double sd = 0.5 / std::sqrt(2.0) / std::sqrt(double(dim));
        CHECK(hdc::cosine(query, x) == Approx(1 / std::sqrt(2.0)).margin(4 * sd));
    }
}

TEMPLATE_TEST_CASE("mbat_role: roles from symbols are deterministic", "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    using Role = typename V::role_type;
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        const Role r1 = Role::from_symbol("name", 9, dim, kind);
        const Role r2 = Role::from_symbol("name", 9, dim, kind);
        CHECK(r1 == r2);
        CHECK(r1.kind() == kind);
        CHECK(!(r1 == Role::from_symbol("name", 10, dim, kind)));
        CHECK(!(r1 == Role::from_symbol("other", 9, dim, kind)));
        // Roles draw from their own stream, apart from the atom of the same name.
        hdc::rng gen = hdc::rng::from_key(
            hdc::detail::symbol_key(hdc::detail::hash_name("name") ^ hdc::detail::role_domain, 9));
        const Role r3 = kind == hdc::role_kind::haar ? Role::haar(gen, dim) : Role::structured(gen, dim);
        CHECK(r1 == r3);
    }
    CHECK(Role::from_symbol("name", 9, dim) == Role::from_symbol("name", 9, dim, hdc::role_kind::structured));
    const V a = atom<V>(5);
    CHECK(Role::for_key(a) == Role::for_key(atom<V>(5)));
    CHECK(!(Role::for_key(a) == Role::for_key(atom<V>(6))));
}

TEMPLATE_TEST_CASE("mbat_role: fixed and dynamic dimensions give bit-identical roles", "[mbat]", float,
                   double) {
    using F = hdc::mbat<dim, TestType>;
    using Y = hdc::mbat<hdc::dynamic, TestType>;
    const auto same = [](const F& f, const Y& y) {
        return f.dim() == y.dim() && std::equal(f.values().begin(), f.values().end(), y.values().begin());
    };
    hdc::rng gf{91}, gy{91};
    const F fa = F::random(gf, dim);
    const Y ya = Y::random(gy, dim);
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        const auto rf = F::role_type::from_symbol("r", 1, dim, kind);
        const auto ry = Y::role_type::from_symbol("r", 1, dim, kind);
        CHECK(rf.matrix() == ry.matrix());
        CHECK(same(hdc::bind(rf, fa), hdc::bind(ry, ya)));
        CHECK(same(hdc::unbind(fa, rf), hdc::unbind(ya, ry)));
    }
    const F fb = F::random(gf, dim);
    const Y yb = Y::random(gy, dim);
    CHECK(F::role_type::for_key(fa).matrix() == Y::role_type::for_key(ya).matrix());
    CHECK(same(hdc::bind(fa, fb), hdc::bind(ya, yb)));
    CHECK(same(hdc::unbind(fb, fa), hdc::unbind(yb, ya)));
}

TEMPLATE_TEST_CASE("mbat_accumulator: result is the unit-norm sum, dot that of the sums, zero sums give "
                   "the tie-break vector",
                   "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{101};
    std::vector<V> xs;
    for (int i = 0; i < 6; ++i) xs.push_back(V::random(gen, dim));
    const double weights[] = {1.0, 2.5, -0.75, 1.0, 3.0, 0.5};
    hdc::accumulator<V> all(dim);
    for (int i = 0; i < 6; ++i) all.add(xs[i], weights[i]);
    CHECK(std::abs(hdc::norm(all.result()) - 1.0) < tolerance<V>());
    double direct = 0;
    for (std::size_t i = 0; i < dim; ++i) direct += all.sums()[i] * double(xs[1][i]);
    CHECK(dot(all, xs[1]) == Approx(direct).margin(1e-12));
    CHECK(similarity(all, xs[1]) ==
          Approx(hdc::cosine(all.result(), xs[1])).margin(tolerance<V>()));

    // An all-zero sum gives the tie-break vector.
    hdc::accumulator<V> acc(dim);
    acc.add(xs[0]);
    acc.subtract(xs[0]);
    CHECK(acc.result() == hdc::symbol<V>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, dim));
}

TEST_CASE("mbat: bad input to roles and the mbat-only API throws the documented errors") {
    using V = hdc::mbat<hdc::dynamic>;
    using Role = V::role_type;
    hdc::rng gen{111};
    const V a = V::random(gen, 100), b = V::random(gen, 101);
    CHECK_THROWS_AS(hdc::dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::cosine(a, b), hdc::dimension_mismatch);

    const Role role = Role::structured(gen, 100);
    const Role haar = Role::haar(gen, 100);
    CHECK_THROWS_AS(role.apply(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(role.apply_transpose(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::bind(haar, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(hdc::unbind(b, haar), Catch::Contains("mbat_role::apply_transpose"));

    const std::vector<float> bad{1.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f};
    CHECK_THROWS_AS(V::from_values(bad), hdc::non_finite_value);
    CHECK_THROWS_WITH(V::from_values(bad), Catch::Contains("index 1"));
    const std::vector<float> inf{std::numeric_limits<float>::infinity()};
    CHECK_THROWS_AS(V::from_values(inf), hdc::non_finite_value);
    const std::vector<float> good{1.0f, 2.0f, 3.0f};
    CHECK(V::from_values(good).dim() == 3);
    CHECK(V::from_values(good)[2] == 3.0f);
    CHECK_THROWS_AS(V::from_values(good, 4), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::mbat<4>::from_values(good), hdc::dimension_mismatch);

    CHECK_THROWS_AS(Role::from_symbol("r", 1, 100, hdc::role_kind::keyed), hdc::invalid_parameter);
    CHECK_THROWS_WITH(Role::from_symbol("r", 1, 100, hdc::role_kind::keyed), Catch::Contains("for_key"));
    CHECK_THROWS_AS(hdc::bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(hdc::unbind(a, b), Catch::Contains("unbind"));
    CHECK_THROWS_AS(hdc::bind(Role::for_key(a), b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::mbat_role<64>::structured(gen, 65), hdc::invalid_dimension);
    CHECK_THROWS_AS(Role::structured(gen, 0), hdc::invalid_dimension);
    CHECK_THROWS_AS(V::random(gen, hdc::dynamic), hdc::invalid_dimension);
}

namespace {

/// A unit vector at cosine c to the unit vector k: c k + sqrt(1 - c^2) u, u a random unit vector
/// made orthogonal to k.
template <class V>
V at_cosine(const V& k, double c, hdc::rng& gen) {
    using T = typename V::value_type;
    const std::size_t n = k.dim();
    std::vector<double> u(n);
    for (auto& x : u) x = gen.normal();
    double along = 0, length = 0;
    for (std::size_t i = 0; i < n; ++i) along += u[i] * double(k[i]);
    for (std::size_t i = 0; i < n; ++i) u[i] -= along * double(k[i]);
    for (double x : u) length += x * x;
    length = std::sqrt(length);
    std::vector<T> out(n);
    const double s = std::sqrt(1 - c * c);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(c * double(k[i]) + s * u[i] / length);
    return V::from_values(out, n);
}

/// Every compiled architecture's sin_cos and givens_rotate equal the scalar reference bit for bit.
template <class T, class... Archs>
void check_rotation_kernels(hdc::simd::arch_list<Archs...>) {
    hdc::rng gen{7};
    const std::size_t n = 1001;
    std::vector<double> theta(n);
    for (std::size_t i = 0; i < n; ++i) theta[i] = (i % 3 == 0 ? 300.0 : 4.0) * gen.uniform_signed();
    theta[0] = 0.0;
    theta[1] = -0.0;
    theta[2] = 1e5;
    std::vector<T> s_ref(n), c_ref(n);
    hdc::simd::detail::sin_cos(theta.data(), s_ref.data(), c_ref.data(), n, hdc::simd::scalar{});
    std::vector<T> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<T>(gen.normal());
        b[i] = static_cast<T>(gen.normal());
    }
    for (bool transpose : {false, true}) {
        std::vector<T> a_ref = a, b_ref = b;
        hdc::simd::detail::givens_rotate(a_ref.data(), b_ref.data(), c_ref.data(), s_ref.data(), n, transpose,
                                         hdc::simd::scalar{});
        const auto check = [&](auto arch) {
            CAPTURE(arch.name(), transpose);
            // Through the kernel table: the architecture's fast path, or its explicit fallback.
            constexpr auto k = hdc::simd::make_kernel_table<decltype(arch)>();
            std::vector<T> s(n), c(n), x = a, y = b;
            if constexpr (std::is_same_v<T, float>) {
                k.sin_cos_f32(theta.data(), s.data(), c.data(), n);
            } else {
                k.sin_cos_f64(theta.data(), s.data(), c.data(), n);
            }
            CHECK(s == s_ref);
            CHECK(c == c_ref);
            if constexpr (std::is_same_v<T, float>) {
                k.givens_rotate_f32(x.data(), y.data(), c.data(), s.data(), n, transpose);
            } else {
                k.givens_rotate_f64(x.data(), y.data(), c.data(), s.data(), n, transpose);
            }
            CHECK(x == a_ref);
            CHECK(y == b_ref);
        };
        (check(Archs{}), ...);
    }
}

}  // namespace

TEST_CASE("simd rotation: portable sin_cos is accurate and every architecture matches the reference") {
    double worst = 0;
    for (int i = -20000; i <= 20000; ++i) {
        const double t = i * 0.0137;
        double s, c;
        hdc::simd::detail::sin_cos_one(t, s, c);
        worst = std::max({worst, std::abs(s - std::sin(t)), std::abs(c - std::cos(t))});
    }
    CAPTURE(worst);
    CHECK(worst < 1e-15);
    double s, c;
    hdc::simd::detail::sin_cos_one(-0.0, s, c);
    CHECK(c == 1.0);
    check_rotation_kernels<float>(hdc::simd::compiled_archs{});
    check_rotation_kernels<double>(hdc::simd::compiled_archs{});
}

TEMPLATE_TEST_CASE("mbat: vector-vector binding is orthogonal, exact with the key, and unrelated to its inputs",
                   "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{121};
    const double sigma = 1.0 / std::sqrt(double(dim));  // sd of the cosine of two random vectors
    for (int trial = 0; trial < 10; ++trial) {
        const V k = V::random(gen, dim), k2 = V::random(gen, dim), x = V::random(gen, dim),
                y = V::random(gen, dim);
        const V kx = hdc::bind(k, x);
        CHECK(hdc::cosine(hdc::unbind(kx, k), x) > 0.999);
        CHECK(hdc::cosine(hdc::unbind(kx, k), x) > 1 - tolerance<V>());
        // Orthogonal in the operand.
        CHECK(hdc::cosine(kx, hdc::bind(k, y)) == Approx(hdc::cosine(x, y)).margin(tolerance<V>()));
        // Unrelated to operand and key; independent keys give unrelated results; non-commutative.
        CHECK(std::abs(hdc::cosine(kx, x)) < 4 * sigma);
        CHECK(std::abs(hdc::cosine(kx, k)) < 4 * sigma);
        CHECK(std::abs(hdc::cosine(kx, hdc::bind(k2, x))) < 4 * sigma);
        CHECK(std::abs(hdc::cosine(kx, hdc::bind(x, k))) < 4 * sigma);
    }
    // The key's scale does not matter, and -0.0 binds like +0.0.
    const V k = V::random(gen, dim), x = V::random(gen, dim);
    std::vector<typename V::value_type> doubled(k.values().begin(), k.values().end()), zeros(dim, 0);
    for (auto& v : doubled) v *= 2;
    CHECK(hdc::bind(V::from_values(doubled, dim), x) == hdc::bind(k, x));
    std::vector<typename V::value_type> negative_zeros(dim, -0.0f);
    CHECK(hdc::bind(V::from_values(negative_zeros, dim), x) == hdc::bind(V::from_values(zeros, dim), x));
    doubled[3] = 0;
    const V with_zero = V::from_values(doubled, dim);
    doubled[3] = -0.0f;
    // Bytes, not ==: -0.0 == +0.0 would hide a sign that differs.
    const V bound_neg = hdc::bind(V::from_values(doubled, dim), x), bound_pos = hdc::bind(with_zero, x);
    CHECK(std::memcmp(bound_neg.data(), bound_pos.data(), dim * sizeof(typename V::value_type)) == 0);
    const auto role_neg = V::role_type::for_key(V::from_values(doubled, dim));
    const auto role_pos = V::role_type::for_key(with_zero);
    const auto m_neg = role_neg.matrix(), m_pos = role_pos.matrix();
    CHECK(std::memcmp(m_neg.data(), m_pos.data(), static_cast<std::size_t>(m_neg.size()) * sizeof(typename V::value_type)) == 0);
    // The keyed role is what bind applies, and is orthogonal.
    const auto role = V::role_type::for_key(k);
    CHECK(role.kind() == hdc::role_kind::keyed);
    CHECK(hdc::bind(role, x) == hdc::bind(k, x));
    CHECK(hdc::unbind(hdc::bind(k, x), role) == hdc::unbind(hdc::bind(k, x), k));
    CHECK(orthogonality_error(role.matrix()) < 10 * tolerance<V>());
    const Eigen::MatrixXd q = role.matrix().template cast<double>();
    CHECK((transpose_by_columns(role) - q.transpose()).cwiseAbs().maxCoeff() < 10 * tolerance<V>());
}

TEST_CASE("mbat: recovery with a noisy key follows exp(-16 (1 - c)), the curve", "[mbat][curve]") {
    // Unbinding with a key at cosine c recovers about exp(-L alpha^2 (1 - c)) = exp(-16 (1 - c)),
    // up to 1/sqrt(D) noise per trial: checked on the mean of 10 trials at D = 10,000.
    using V = hdc::mbat<hdc::dynamic, float>;
    const std::size_t n = 10000;
    const int trials = 10;
    hdc::rng gen{131};
    std::printf("MBAT keyed binding, D = %zu, %d trials: key cosine -> recovery similarity\n", n, trials);
    for (double c : {1.0, 0.999, 0.99, 0.98, 0.95, 0.9, 0.8, 0.5, 0.0}) {
        double sum = 0;
        for (int t = 0; t < trials; ++t) {
            const V k = V::random(gen, n), x = V::random(gen, n);
            const V noisy = c == 1.0 ? k : at_cosine(k, c, gen);
            sum += hdc::cosine(hdc::unbind(hdc::bind(k, x), noisy), x);
        }
        const double mean = sum / trials, expected = std::exp(-16 * (1 - c));
        std::printf("  %.3f -> %.4f (exp(-16 (1 - c)) = %.4f)\n", c, mean, expected);
        CAPTURE(c, mean, expected);
        CHECK(std::abs(mean - expected) < 0.02 + 4 / std::sqrt(double(n) * trials));
        if (c >= 0.99) CHECK(mean >= 0.5);
    }
}

TEST_CASE("mbat_role: structured operators spread every column, also when D is no power of two") {
    // A Haar-random matrix meets max |Q_ij| <= 3 sqrt(ln D / D); coordinates that escape every
    // Walsh-Hadamard block would stay +-e_k (|Q_ij| = 1).
    for (std::size_t n : {256u, 1000u, 1024u, 1536u, 2047u, 2048u, 3000u}) {
        CAPTURE(n);
        const auto role = hdc::mbat_role<hdc::dynamic, double>::from_symbol("spread", 1, n);
        const double bound = 3 * std::sqrt(std::log(double(n)) / double(n));
        const double worst = role.matrix().cwiseAbs().maxCoeff();
        std::printf("structured role D = %zu: max |Q_ij| = %.4f (bound %.4f)\n", n, worst, bound);
        CHECK(worst <= bound);
    }
    // D = 10,000: a sample of columns, Q e_j.
    const std::size_t n = 10000;
    using V = hdc::mbat<hdc::dynamic, double>;
    const auto role = V::role_type::from_symbol("spread", 1, n);
    const double bound = 3 * std::sqrt(std::log(double(n)) / double(n));
    double worst = 0;
    std::vector<double> unit(n, 0.0);
    for (std::size_t j = 0; j < n; j += 37) {
        unit[j] = 1;
        const V column = role.apply(V::from_values(unit, n));
        unit[j] = 0;
        for (double v : column.values()) worst = std::max(worst, std::abs(v));
    }
    std::printf("structured role D = %zu: max |Q_ij| over 271 columns = %.4f (bound %.4f)\n", n, worst, bound);
    CHECK(worst <= bound);
}

TEST_CASE("mbat: vector-vector binding from several threads at once equals the sequential result") {
    // The keyed operator's fixed permutations are made once per dimension in a shared table:
    // first uses from concurrent threads, for new dimensions, must agree.
    using V = hdc::mbat<hdc::dynamic, float>;
    const std::size_t dims[] = {301, 302, 303, 304};
    std::vector<V> keys, xs, expected(8), got(8);
    for (std::size_t t = 0; t < 8; ++t) {
        hdc::rng gen{200 + t};
        keys.push_back(V::random(gen, dims[t % 4]));
        xs.push_back(V::random(gen, dims[t % 4]));
    }
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < 8; ++t)
        workers.emplace_back([&, t] { got[t] = hdc::bind(keys[t], xs[t]); });
    for (auto& w : workers) w.join();
    for (std::size_t t = 0; t < 8; ++t) {
        expected[t] = hdc::bind(keys[t], xs[t]);
        CHECK(got[t] == expected[t]);
        CHECK(hdc::cosine(hdc::unbind(got[t], keys[t]), xs[t]) > 0.9999);
    }
}
