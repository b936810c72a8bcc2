// Tests of hdc/models/mbat.hpp: MBAT vectors, orthogonal role operators, binding and bundling.
#include <hdc/models/mbat.hpp>
#include <hdc/simd/transform.hpp>

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
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

TEST_CASE("mbat: every variant models the hypervector concept") {
    static_assert(hdc::hypervector<hdc::mbat<256>>);
    static_assert(hdc::hypervector<hdc::mbat<hdc::dynamic>>);
    static_assert(hdc::hypervector<hdc::mbat<256, double>>);
    static_assert(hdc::hypervector<hdc::mbat<hdc::dynamic, double>>);
    static_assert(hdc::accumulator_of<hdc::mbat_accumulator<256, float>, hdc::mbat<256>>);
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

TEMPLATE_TEST_CASE("mbat: random atoms are deterministic unit vectors", "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    const V a = atom<V>(1), b = atom<V>(1), c = atom<V>(2);
    CHECK(a.dim() == dim);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(std::abs(hdc::norm(a) - 1.0) < tolerance<V>());
    CHECK(hdc::similarity(a, a) == Approx(1.0).epsilon(tolerance<V>()));
    CHECK(std::abs(hdc::similarity(a, c)) < 4.0 / std::sqrt(double(dim)));
    const auto s1 = hdc::symbol<V>("apple", 7, dim), s2 = hdc::symbol<V>("apple", 7, dim);
    CHECK(s1 == s2);
    CHECK(s1 != hdc::symbol<V>("apple", 8, dim));
    CHECK(s1 != hdc::symbol<V>("pear", 7, dim));
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

TEST_CASE("mbat_role: haar generator has Haar trace statistics; without the sign fix it does not") {
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
        for (auto it = roles.rbegin(); it != roles.rend(); ++it) y = hdc::unbind(*it, y);
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

TEMPLATE_TEST_CASE("mbat: bind/unbind of the model concept", "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{51};
    const V a = V::random(gen, dim), b = V::random(gen, dim), c = V::random(gen, dim);
    const V ab = hdc::bind(a, b);
    const double bound = 4.0 / std::sqrt(double(dim));  // 4 standard deviations of a random cosine
    CHECK(hdc::cosine(hdc::unbind(ab, a), b) > 1 - 1e-6);
    CHECK(std::abs(hdc::cosine(ab, a)) < bound);
    CHECK(std::abs(hdc::cosine(ab, b)) < bound);
    // Unbinding with the wrong key gives noise.
    CHECK(std::abs(hdc::cosine(hdc::unbind(ab, c), b)) < bound);
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

TEMPLATE_TEST_CASE("mbat: permutation inverts and distributes over bundling", "[mbat]",
                   HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{61};
    const V a = V::random(gen, dim), b = V::random(gen, dim), c = V::random(gen, dim);
    for (std::ptrdiff_t k : {1, 5, -3, 255, 256, 1000}) {
        CAPTURE(k);
        CHECK(hdc::permute(hdc::permute(a, k), -k) == a);
        const V lhs = hdc::permute(hdc::bundle({a, b, c}), k);
        const V rhs = hdc::bundle({hdc::permute(a, k), hdc::permute(b, k), hdc::permute(c, k)});
        CHECK(hdc::cosine(lhs, rhs) > 1 - 1e-12);
    }
    CHECK(hdc::permute(a, 256) == a);
    CHECK(hdc::permute(a, 1)[1] == a[0]);
    CHECK(std::abs(hdc::cosine(hdc::permute(a, 1), a)) < 4.0 / std::sqrt(double(dim)));
    // Not over vector-vector binding: the operator R(rho a) is hashed from rho a's bytes and is
    // unrelated to R(a), so rho(bind(a, b)) and bind(rho a, rho b) are unrelated vectors.
    CHECK(std::abs(hdc::cosine(hdc::permute(hdc::bind(a, b), 1),
                               hdc::bind(hdc::permute(a, 1), hdc::permute(b, 1)))) <
          4.0 / std::sqrt(double(dim)));
}

TEST_CASE("mbat: random atoms are quasi-orthogonal at D = 4096") {
    // For independent isotropic unit vectors cos ~ (approx.) Normal(0, 1/D); over n pairs
    // SE(mean) = sigma / sqrt(n) and SE(std) = sigma / sqrt(2 n).
    constexpr std::size_t big = 4096;
    constexpr int pairs = 200;
    hdc::rng gen{71};
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < pairs; ++k) {
        const auto a = hdc::mbat<hdc::dynamic>::random(gen, big);
        const auto b = hdc::mbat<hdc::dynamic>::random(gen, big);
        const double c = hdc::cosine(a, b);
        sum += c;
        sum_sq += c * c;
    }
    const double sigma = 1.0 / std::sqrt(double(big));
    const double mean = sum / pairs, std_dev = std::sqrt(sum_sq / pairs);
    CAPTURE(mean, std_dev, sigma);
    CHECK(std::abs(mean) < 4 * sigma / std::sqrt(double(pairs)));
    CHECK(std::abs(std_dev - sigma) < 4 * sigma / std::sqrt(2.0 * pairs));
}

TEMPLATE_TEST_CASE("mbat: bundle-to-member cosine is about 1/sqrt(M)", "[mbat]", HDC_MBAT_TYPES) {
    // For s = sum of M unit atoms, the mean over members of cos(s, x_i) is exactly |s| / M =
    // sqrt(M + 2 S) / M with S the sum of the M(M-1)/2 pairwise cosines (var S = M(M-1)/2 / D).
    // To second order: mean 1/sqrt(M) (1 - var S / (2 M^2)), sd 1/sqrt(M) sqrt(var S) / M.
    using V = TestType;
    constexpr int members = 10, trials = 200;
    hdc::rng gen{81};
    double total = 0;
    for (int t = 0; t < trials; ++t) {
        std::vector<V> xs;
        for (int i = 0; i < members; ++i) xs.push_back(V::random(gen, dim));
        const V s = hdc::bundle(xs);
        hdc::accumulator<V> acc(dim);
        for (const auto& x : xs) acc.add(x);
        double trial = 0;
        for (const auto& x : xs) {
            trial += hdc::cosine(s, x);
            CHECK(similarity(acc, x) == Approx(hdc::cosine(s, x)).margin(tolerance<V>()));
        }
        total += trial / members;
    }
    const double var_s = members * (members - 1) / 2.0 / double(dim);
    const double m = members;
    const double expected = (1 - var_s / (2 * m * m)) / std::sqrt(m);
    const double se = std::sqrt(var_s) / m / std::sqrt(m) / std::sqrt(double(trials));
    CAPTURE(total / trials, expected, se);
    CHECK(std::abs(total / trials - expected) < 4 * se);
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
        const V query = hdc::unbind(qb, hdc::unbind(qa, doc));
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

TEMPLATE_TEST_CASE("mbat: fixed and dynamic dimensions give bit-identical results", "[mbat]", float,
                   double) {
    using F = hdc::mbat<dim, TestType>;
    using Y = hdc::mbat<hdc::dynamic, TestType>;
    const auto same = [](const F& f, const Y& y) {
        return f.dim() == y.dim() && std::equal(f.values().begin(), f.values().end(), y.values().begin());
    };
    hdc::rng gf{91}, gy{91};
    const F fa = F::random(gf, dim), fb = F::random(gf, dim);
    const Y ya = Y::random(gy, dim), yb = Y::random(gy, dim);
    CHECK(same(fa, ya));
    CHECK(same(fb, yb));
    CHECK(same(hdc::bind(fa, fb), hdc::bind(ya, yb)));
    CHECK(same(hdc::unbind(fa, fb), hdc::unbind(ya, yb)));
    CHECK(same(hdc::permute(fa, 7), hdc::permute(ya, 7)));
    CHECK(same(hdc::bundle({fa, fb}), hdc::bundle({ya, yb})));
    for (auto kind : {hdc::role_kind::structured, hdc::role_kind::haar}) {
        const auto rf = F::role_type::from_symbol("r", 1, dim, kind);
        const auto ry = Y::role_type::from_symbol("r", 1, dim, kind);
        CHECK(rf.matrix() == ry.matrix());
        CHECK(same(hdc::bind(rf, fa), hdc::bind(ry, ya)));
        CHECK(same(hdc::unbind(rf, fa), hdc::unbind(ry, ya)));
    }
    CHECK(same(hdc::symbol<F>("s", 2), hdc::symbol<Y>("s", 2, dim)));
}

TEMPLATE_TEST_CASE("mbat_accumulator: merge equals adding everything, weights, subtract, clear",
                   "[mbat]", HDC_MBAT_TYPES) {
    using V = TestType;
    hdc::rng gen{101};
    std::vector<V> xs;
    for (int i = 0; i < 6; ++i) xs.push_back(V::random(gen, dim));
    const double weights[] = {1.0, 2.5, -0.75, 1.0, 3.0, 0.5};
    hdc::accumulator<V> all(dim), left(dim), right(dim);
    for (int i = 0; i < 6; ++i) {
        all.add(xs[i], weights[i]);
        (i < 3 ? left : right).add(xs[i], weights[i]);
    }
    left.merge(right);
    CHECK(left.count() == all.count());
    CHECK(all.count() == Approx(7.25));
    for (std::size_t i = 0; i < dim; ++i) CHECK(left.sums()[i] == Approx(all.sums()[i]).margin(1e-12));
    CHECK(hdc::cosine(left.result(), all.result()) > 1 - 1e-12);
    CHECK(std::abs(hdc::norm(all.result()) - 1.0) < tolerance<V>());
    double direct = 0;
    for (std::size_t i = 0; i < dim; ++i) direct += all.sums()[i] * double(xs[1][i]);
    CHECK(dot(all, xs[1]) == Approx(direct).margin(1e-12));
    CHECK(similarity(all, xs[1]) ==
          Approx(hdc::cosine(all.result(), xs[1])).margin(tolerance<V>()));

    // subtract undoes add; an all-zero sum gives the tie-break vector.
    hdc::accumulator<V> acc(dim);
    acc.add(xs[0]);
    acc.subtract(xs[0]);
    CHECK(acc.count() == 0.0);
    CHECK(acc.result() == hdc::symbol<V>(hdc::detail::tie_break_name, hdc::detail::tie_break_seed, dim));
    CHECK(similarity(acc, xs[0]) == 0.0);
    acc.add(xs[2], 4.0);
    CHECK(hdc::cosine(acc.result(), xs[2]) > 1 - tolerance<V>());
    acc.clear();
    CHECK(acc.count() == 0.0);
    for (double s : acc.sums()) CHECK(s == 0.0);
}

TEST_CASE("mbat: bad input throws the documented errors and leaves state intact") {
    using V = hdc::mbat<hdc::dynamic>;
    using Role = V::role_type;
    hdc::rng gen{111};
    const V a = V::random(gen, 100), b = V::random(gen, 101);
    CHECK_THROWS_AS(hdc::bind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(hdc::bind(a, b), Catch::Contains("bind"));
    CHECK_THROWS_AS(hdc::unbind(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::dot(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::cosine(a, b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::similarity(a, b), hdc::dimension_mismatch);

    const Role role = Role::structured(gen, 100);
    const Role haar = Role::haar(gen, 100);
    CHECK_THROWS_AS(role.apply(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(role.apply_transpose(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(hdc::bind(haar, b), hdc::dimension_mismatch);
    CHECK_THROWS_WITH(hdc::unbind(haar, b), Catch::Contains("mbat_role::apply_transpose"));

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

    CHECK_THROWS_AS(V(0), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::mbat<64>(65), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::mbat<64>::random(gen, 65), hdc::invalid_dimension);
    CHECK_THROWS_AS(hdc::mbat_role<64>::structured(gen, 65), hdc::invalid_dimension);
    CHECK_THROWS_AS(Role::structured(gen, 0), hdc::invalid_dimension);
    CHECK_THROWS_AS(V::random(gen, hdc::dynamic), hdc::invalid_dimension);

    hdc::accumulator<V> acc(100);
    acc.add(a);
    const std::vector<double> before(acc.sums().begin(), acc.sums().end());
    CHECK_THROWS_AS(acc.add(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.subtract(b), hdc::dimension_mismatch);
    CHECK_THROWS_AS(acc.add(a, std::numeric_limits<double>::quiet_NaN()), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.add(a, std::numeric_limits<double>::infinity()), hdc::non_finite_value);
    CHECK_THROWS_AS(acc.merge(hdc::accumulator<V>(101)), hdc::dimension_mismatch);
    CHECK_THROWS_AS(similarity(acc, b), hdc::dimension_mismatch);
    CHECK(std::vector<double>(acc.sums().begin(), acc.sums().end()) == before);
    CHECK(acc.count() == 1.0);
}
