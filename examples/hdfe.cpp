// hdfe - HDFE function encoding: reconstruction and sample invariance (ALGORITHMS.md section 4.7).
//
// Test functions exactly as in section 4.7: f(x) = normalize_[0,1]( sum_{k=0..4} c_k sin(2 pi k m x) ),
// m and c_k standard normal (drawn from the seed), normalised by the minimum and maximum over
// [0, 1] (a grid of 20,001 points), 10,000 uniform samples on [0, 1], 100 query points (the cell
// midpoints of [0, 1]), grid decoding (then golden section).
//  1. Reconstruction over --functions functions (default 13): encoded by the plain mean at
//     N = 8000, alpha = 30 / 10 and N = 1000, alpha = 30 (beta = 1), decoded at the 100 points:
//     mean absolute error and correlation with f, the median over the functions (and the mean).
//     The error depends mostly on the drawn function (on |m|, how many cycles f makes over
//     [0, 1] against the receptive field of about 3 / alpha), so beside each measured error
//     stands the D -> infinity limit of the same decoder, computed from the kernels directly:
//     argmax_y sum_i exp(-alpha^2 (x_i - x0)^2 / 2) exp(-beta^2 (y - y_i)^2 / 2) (the kernel
//     regression that the decoder approaches as N grows). A per-function table lists m and, for
//     each setting, the measured error and its limit.
//  2. Functions like the reference's. Section 4.7's numbers come from one drawn function, and its
//     alpha = 10 error (0.032) is almost all the bias of the kernel regression, the D -> infinity
//     limit above, which depends on the function alone. So functions are drawn (from their own
//     stream) until --like of them (default 3) have that limit within 0.032 +- 50 %; every setting
//     of part 1 is then measured on them with 5 encoder seeds each, and the medians are set beside
//     the reference.
//  3. Sample invariance at N = 4000, alpha = 30, over --invariance-functions functions of part 1
//     (default 5), then over the functions of part 2: 2,000 uniform samples vs a skewed sample
//     (1,800 in [0, 0.2], 200 in [0.2, 1]); cosine of their encodings plain and refined, and the
//     decoding error from the skewed sample, plain and refined, for beta = 1, 5, 10, 20 (medians
//     over the functions).
// The last line of parts 1 and 2 and of each table of part 3 is a figure: `median mae N=8000
// alpha=30 beta=1: 0.0xxx`, `like the reference, median mae N=1000 alpha=30 beta=1: 0.0xxx` and
// `refined cos beta=10: 0.xxx`. Progress goes to stderr.
//
// Usage: hdfe [--functions K] [--invariance-functions K] [--like K] [--seed S] [--threads T] [--quick]
//   --quick  4 functions, 1 like the reference's, 1 for part 3 at beta = 10 only
#include <hdc/encoders/function.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numbers>
#include <string>
#include <vector>

namespace {

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr, "hdfe: %s\nusage: hdfe [--functions K] [--invariance-functions K] [--like K] [--seed S] [--threads T] [--quick]\n",
                 problem.c_str());
    std::exit(2);
}

std::size_t parse_count(const std::string& flag, const char* value, std::size_t min) {
    char* end = nullptr;
    const long long v = std::strtoll(value, &end, 10);
    if (end == value || *end != '\0' || v < static_cast<long long>(min))
        usage(flag + " needs an integer >= " + std::to_string(min) + ", got '" + value + "'");
    return static_cast<std::size_t>(v);
}

/// A random test function of the family above, normalised to [0, 1] over a fine grid.
class test_function {
public:
    explicit test_function(hdc::rng& gen) : m_(gen.normal()) {
        for (double& c : c_) c = gen.normal();
        lo_ = hi_ = raw(0.0);
        for (int i = 1; i <= 20000; ++i) {
            const double v = raw(i / 20000.0);
            lo_ = std::min(lo_, v);
            hi_ = std::max(hi_, v);
        }
        if (hi_ == lo_) hi_ = lo_ + 1;  // c_1..c_4 all zero: a constant function
    }
    double operator()(double x) const { return std::clamp((raw(x) - lo_) / (hi_ - lo_), 0.0, 1.0); }
    /// The frequency factor m (f makes up to 4 |m| cycles over [0, 1]).
    double m() const { return m_; }

private:
    double raw(double x) const {
        double s = 0;
        for (int k = 0; k < 5; ++k) s += c_[k] * std::sin(2 * std::numbers::pi * k * m_ * x);
        return s;
    }
    double m_, c_[5]{}, lo_ = 0, hi_ = 1;
};

struct sample_set {
    std::vector<double> x, y;
};

sample_set uniform_samples(const test_function& f, std::size_t n, hdc::rng& gen) {
    sample_set s;
    for (std::size_t i = 0; i < n; ++i) s.x.push_back(gen.uniform());
    for (double x : s.x) s.y.push_back(f(x));
    return s;
}

/// 90% of the samples in [0, 0.2], the rest in [0.2, 1].
sample_set skewed_samples(const test_function& f, std::size_t n, hdc::rng& gen) {
    sample_set s;
    for (std::size_t i = 0; i < n; ++i) {
        const double u = gen.uniform();
        s.x.push_back(i < n * 9 / 10 ? 0.2 * u : 0.2 + 0.8 * u);
    }
    for (double x : s.x) s.y.push_back(f(x));
    return s;
}

struct decode_score {
    double mae = 0, correlation = 0;
};

/// The D -> infinity limit of the decoder for the plain mean of the samples s: at x0,
/// argmax over y in [0, 1] of sum_i exp(-alpha^2 (x_i - x0)^2 / 2) exp(-beta^2 (y - y_i)^2 / 2)
/// (Re<E_X(x), E_X(x')> / N and Re<E_Y(y), E_Y(y')> / N tend to these Gaussians), searched as the
/// decoder searches (hdc::grid_golden_argmax, max(64, 8 beta) cells).
/// Samples beyond 6 / alpha of x0 (kernel below e^-18) are left out.
class kernel_limit {
public:
    kernel_limit(const sample_set& s, double alpha, double beta) : alpha_(alpha), beta_(beta) {
        std::vector<std::size_t> order(s.x.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.x[a] < s.x[b]; });
        for (std::size_t i : order) x_.push_back(s.x[i]), y_.push_back(s.y[i]);
    }
    double operator()(double x0) const {
        const double reach = 6 / alpha_;
        const auto from = std::lower_bound(x_.begin(), x_.end(), x0 - reach) - x_.begin();
        const auto to = std::upper_bound(x_.begin(), x_.end(), x0 + reach) - x_.begin();
        std::vector<double> w, y;
        for (auto i = from; i < to; ++i) {
            const double d = x_[static_cast<std::size_t>(i)] - x0;
            w.push_back(std::exp(-alpha_ * alpha_ * d * d / 2));
            y.push_back(y_[static_cast<std::size_t>(i)]);
        }
        const auto score = [&](double v) {
            double sum = 0;
            for (std::size_t i = 0; i < w.size(); ++i) sum += w[i] * std::exp(-beta_ * beta_ * (v - y[i]) * (v - y[i]) / 2);
            return sum;
        };
        const std::size_t cells = std::max<std::size_t>(64, static_cast<std::size_t>(std::ceil(8 * beta_)));
        return hdc::grid_golden_argmax(hdc::value_range{0, 1}, cells, score);
    }

private:
    double alpha_, beta_;
    std::vector<double> x_, y_;
};

/// Error and correlation of the predictions p against the truth t.
decode_score compare(const std::vector<double>& p, const std::vector<double>& t) {
    double mp = 0, mt = 0, mae = 0;
    for (std::size_t i = 0; i < p.size(); ++i) mp += p[i], mt += t[i], mae += std::fabs(p[i] - t[i]);
    mp /= 100, mt /= 100;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        sxy += (p[i] - mp) * (t[i] - mt);
        sxx += (p[i] - mp) * (p[i] - mp);
        syy += (t[i] - mt) * (t[i] - mt);
    }
    const double corr = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
    return {mae / 100, corr};
}

/// Error and correlation of decoding f at 100 query points in [lo, hi].
decode_score score(const hdc::function_encoder<>& enc, const hdc::function_vector& v, const test_function& f,
                   double lo = 0.0, double hi = 1.0) {
    std::vector<double> p, t;
    for (int q = 0; q < 100; ++q) {
        const double x = lo + (hi - lo) * (q + 0.5) / 100;
        p.push_back(enc.decode(v, x));
        t.push_back(f(x));
    }
    return compare(p, t);
}

/// The same for the D -> infinity limit of the decoder.
decode_score score_limit(const kernel_limit& limit, const test_function& f) {
    std::vector<double> p, t;
    for (int q = 0; q < 100; ++q) {
        const double x = (q + 0.5) / 100;
        p.push_back(limit(x));
        t.push_back(f(x));
    }
    return compare(p, t);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Part 3 over the functions fs: plain and refined encodings of uniform and skewed samples, their
/// cosines and the decoding errors from the skewed sample, for each output bandwidth.
void invariance(const std::vector<test_function>& fs, const char* label, std::size_t seed, unsigned threads, bool quick) {
    struct invariance_ref {
        double beta, cos_plain, cos_refined, mae_plain, mae_refined;
    };
    std::vector<invariance_ref> betas = {{1, 0.49, 0.87, 0.243, 0.039}, {5, 0.47, 0.88, 0.163, 0.014},
                                         {10, 0.47, 0.91, 0.030, 0.007}, {20, 0.41, 0.95, 0.072, 0.005}};
    if (quick) betas = {betas[2]};
    std::printf("sample invariance, %s: N=4000, alpha=30, 2000 uniform vs skewed samples (1800 in [0, 0.2]), "
                "median of %zu functions\n", label, fs.size());
    std::printf("  %-4s  %-9s %-11s  %-22s  %-22s %s\n", "beta", "cos plain", "cos refined",
                "MAE skewed plain->ref.", "reference", "steps, refine s");
    double last_refined_cos = 0;
    for (const invariance_ref& b : betas) {
        std::vector<double> cos_plain, cos_refined, mae_plain, mae_refined;
        double refine_time = 0, steps = 0;
        for (std::size_t fi = 0; fi < fs.size(); ++fi) {
            std::fprintf(stderr, "\rsample invariance beta=%g: function %zu/%zu", b.beta, fi + 1, fs.size());
            hdc::function_encoding_options o;
            o.input_bandwidth = 30;
            o.output_bandwidth = b.beta;
            o.seed = seed;
            o.threads = threads;
            o.refine = false;
            const hdc::function_encoder<> plain({{0, 1}}, {0, 1}, o, 4000);
            o.refine = true;
            const hdc::function_encoder<> refined({{0, 1}}, {0, 1}, o, 4000);
            hdc::rng sample_gen{seed * 1000 + 500 + fi};
            const sample_set u = uniform_samples(fs[fi], 2000, sample_gen);
            const sample_set k = skewed_samples(fs[fi], 2000, sample_gen);
            const auto pu = plain.encode_scalar(u.x, u.y), pk = plain.encode_scalar(k.x, k.y);
            const auto t0 = std::chrono::steady_clock::now();
            const auto ru = refined.encode_scalar(u.x, u.y), rk = refined.encode_scalar(k.x, k.y);
            refine_time += seconds_since(t0) / 2;
            steps += static_cast<double>(ru.refinement_steps() + rk.refinement_steps()) / 2;
            cos_plain.push_back(similarity(pu, pk));
            cos_refined.push_back(similarity(ru, rk));
            mae_plain.push_back(score(plain, pk, fs[fi]).mae);
            mae_refined.push_back(score(refined, rk, fs[fi]).mae);
        }
        std::fprintf(stderr, "\n");
        const double nf = static_cast<double>(fs.size());
        std::printf("  %-4g  %-9.3f %-11.3f  %.3f -> %.3f          %.2f %.2f %.3f -> %.3f   %.0f, %.2f\n", b.beta,
                    median(cos_plain), median(cos_refined), median(mae_plain), median(mae_refined), b.cos_plain,
                    b.cos_refined, b.mae_plain, b.mae_refined, steps / nf, refine_time / nf);
        if (b.beta == 10) last_refined_cos = median(cos_refined);
    }
    std::printf("refined cos beta=10: %.3f\n", last_refined_cos);
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t functions = 13, invariance_functions = 5, like = 3, seed = 1;
    unsigned threads = 1;
    bool quick = false;
    bool functions_given = false, inv_given = false, like_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--functions") functions = parse_count(a, value(), 1), functions_given = true;
        else if (a == "--invariance-functions") invariance_functions = parse_count(a, value(), 1), inv_given = true;
        else if (a == "--like") like = parse_count(a, value(), 1), like_given = true;
        else if (a == "--seed") seed = parse_count(a, value(), 0);
        else if (a == "--threads") threads = static_cast<unsigned>(parse_count(a, value(), 0));
        else if (a == "--quick") quick = true;
        else usage("unknown argument '" + a + "'");
    }
    if (quick && !functions_given) functions = 4;
    if (quick && !inv_given) invariance_functions = 1;
    if (quick && !like_given) like = 1;

    hdc::rng gen{seed};
    std::vector<test_function> fs;
    for (std::size_t i = 0; i < std::max(functions, invariance_functions); ++i) fs.emplace_back(gen);

    // Part 1: reconstruction.
    struct setting {
        std::size_t dim;
        double alpha, beta, ref_mae, ref_corr;
    };
    const setting settings[] = {{8000, 30, 1, 0.016, 0.998}, {8000, 10, 1, 0.032, 0.991}, {1000, 30, 1, 0.040, 0.996}};
    std::printf("reconstruction: 10000 uniform samples, plain mean, 100 queries, %zu functions "
                "(median, mean; limit = the same decoder at D -> infinity)\n", functions);
    std::printf("  %-5s %-5s %-4s  %-12s %-12s %-12s %-12s %-13s %s\n", "N", "alpha", "beta", "MAE median", "MAE mean",
                "limit median", "corr median", "reference", "encode s");
    std::vector<std::vector<double>> all_mae, all_limit;
    for (const setting& st : settings) {
        hdc::function_encoding_options o;
        o.input_bandwidth = st.alpha;
        o.output_bandwidth = st.beta;
        o.refine = false;
        o.seed = seed;
        o.threads = threads;
        const hdc::function_encoder<> enc({{0, 1}}, {0, 1}, o, st.dim);
        std::vector<double> maes, limits, corrs;
        double encode_time = 0;
        for (std::size_t fi = 0; fi < functions; ++fi) {
            std::fprintf(stderr, "\rreconstruction N=%zu alpha=%g: function %zu/%zu", st.dim, st.alpha, fi + 1, functions);
            hdc::rng sample_gen{seed * 1000 + fi};
            const sample_set s = uniform_samples(fs[fi], 10000, sample_gen);
            const auto t0 = std::chrono::steady_clock::now();
            const auto v = enc.encode_scalar(s.x, s.y);
            encode_time += seconds_since(t0);
            const decode_score d = score(enc, v, fs[fi]);
            maes.push_back(d.mae);
            corrs.push_back(d.correlation);
            limits.push_back(score_limit(kernel_limit(s, st.alpha, st.beta), fs[fi]).mae);
        }
        std::fprintf(stderr, "\n");
        all_mae.push_back(maes), all_limit.push_back(limits);
        std::printf("  %-5zu %-5g %-4g  %-12.4f %-12.4f %-12.4f %-12.4f %.3f / %.3f   %.2f\n", st.dim, st.alpha, st.beta,
                    median(maes), mean(maes), median(limits), median(corrs), st.ref_mae, st.ref_corr,
                    encode_time / static_cast<double>(functions));
    }
    std::printf("per function, MAE / limit per setting (sorted by |m|; f makes up to 4|m| cycles on [0, 1]):\n");
    std::printf("  %-3s %-8s %-17s %-17s %-17s\n", "#", "m", "N=8000 a=30", "N=8000 a=10", "N=1000 a=30");
    std::vector<std::size_t> by_m(functions);
    for (std::size_t i = 0; i < functions; ++i) by_m[i] = i;
    std::sort(by_m.begin(), by_m.end(), [&](std::size_t a, std::size_t b) { return std::fabs(fs[a].m()) < std::fabs(fs[b].m()); });
    for (std::size_t i : by_m) {
        std::printf("  %-3zu %-8.3f", i, fs[i].m());
        for (std::size_t k = 0; k < all_mae.size(); ++k) std::printf(" %.4f / %.4f  ", all_mae[k][i], all_limit[k][i]);
        std::printf("\n");
    }
    std::size_t within = 0;
    for (std::size_t i = 0; i < functions; ++i) within += all_mae[0][i] <= 0.016 * 1.5;
    std::printf("functions with MAE <= 0.024 at N=8000 alpha=30 (the reference 0.016 + 50 %%): %zu of %zu\n", within,
                functions);
    std::printf("median mae N=8000 alpha=30 beta=1: %.4f\n", median(all_mae[0]));

    // Part 2: functions like the reference's.
    constexpr double like_low = 0.032 * 0.5, like_high = 0.032 * 1.5;
    constexpr std::size_t max_draws = 1000, encoder_seeds = 5;
    std::vector<test_function> like_fs;
    std::size_t draws = 0;
    for (hdc::rng like_gen{seed, 2}; like_fs.size() < like && draws < max_draws; ++draws) {
        std::fprintf(stderr, "\rfunctions like the reference's: %zu found in %zu draws", like_fs.size(), draws);
        test_function f(like_gen);
        hdc::rng sample_gen{seed * 1000 + 900, draws};
        const double limit = score_limit(kernel_limit(uniform_samples(f, 10000, sample_gen), 10, 1), f).mae;
        if (limit >= like_low && limit <= like_high) like_fs.push_back(f);
    }
    std::fprintf(stderr, "\n");
    if (like_fs.empty()) throw hdc::empty_input("no function in " + std::to_string(max_draws) + " draws is like the reference's");
    std::printf("like the reference: %zu functions of %zu drawn have their alpha=10 limit within 0.032 +- 50 %% "
                "(m:", like_fs.size(), draws);
    for (const test_function& f : like_fs) std::printf(" %.3f", f.m());
    std::printf("), %zu encoder seeds each\n", encoder_seeds);
    std::printf("  %-5s %-5s %-4s  %-12s %-12s %-12s %-12s %s\n", "N", "alpha", "beta", "MAE median", "MAE min", "MAE max",
                "limit median", "reference");
    double like_last = 0;
    for (const setting& st : settings) {
        std::vector<double> maes, limits;
        for (std::size_t fi = 0; fi < like_fs.size(); ++fi) {
            hdc::rng sample_gen{seed * 1000 + 950 + fi};
            const sample_set s = uniform_samples(like_fs[fi], 10000, sample_gen);
            limits.push_back(score_limit(kernel_limit(s, st.alpha, st.beta), like_fs[fi]).mae);
            for (std::size_t e = 0; e < encoder_seeds; ++e) {
                std::fprintf(stderr, "\rlike the reference N=%zu alpha=%g: function %zu/%zu, seed %zu", st.dim, st.alpha,
                             fi + 1, like_fs.size(), e + 1);
                hdc::function_encoding_options o;
                o.input_bandwidth = st.alpha;
                o.output_bandwidth = st.beta;
                o.refine = false;
                o.seed = seed * 100 + e;
                o.threads = threads;
                const hdc::function_encoder<> enc({{0, 1}}, {0, 1}, o, st.dim);
                maes.push_back(score(enc, enc.encode_scalar(s.x, s.y), like_fs[fi]).mae);
            }
        }
        std::fprintf(stderr, "\n");
        std::printf("  %-5zu %-5g %-4g  %-12.4f %-12.4f %-12.4f %-12.4f %.3f\n", st.dim, st.alpha, st.beta, median(maes),
                    *std::min_element(maes.begin(), maes.end()), *std::max_element(maes.begin(), maes.end()),
                    median(limits), st.ref_mae);
        like_last = median(maes);
    }
    std::printf("like the reference, median mae N=1000 alpha=30 beta=1: %.4f\n", like_last);

    // Part 3: sample invariance.
    std::vector<test_function> invariance_fs(fs.begin(), fs.begin() + static_cast<std::ptrdiff_t>(invariance_functions));
    invariance(invariance_fs, "drawn functions", seed, threads, quick);
    invariance(like_fs, "functions like the reference's", seed, threads, quick);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "hdfe: %s\n", e.what());
    return 1;
}
