// hdc/memory/classifier/classifier.hpp - what every classifier shares: the sample types, the
// classifier concept, input checks, cosine scoring against class prototypes, top-k, and the one
// retraining loop that the iterative learners (AdaptHD, OnlineHD, NeuralHD, QuantHD, SparseHD,
// CompHD) run with their own update rule.
//
// A learner keeps its prototypes as a classes x D row-major float matrix with the row norms
// cached, so scoring a batch is one Eigen matrix product per block of rows and a division.
//
// Determinism and threads: batches are cut into blocks of a fixed number of rows
// (score_block_rows) whatever the thread count, each block is scored by the same call, and
// corrections are applied in sample order, split over threads by columns (every column sees the
// same additions in the same order). So a thread count never changes a result, bit for bit. The
// rows of one batch are scored together: the same row scored in another batch may differ in the
// last bits (the product's summation order depends on the block's shape), never in a way that
// depends on threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../core/error.hpp"
#include "../../core/rng.hpp"
#include "../../models/samples.hpp"
#include "../search.hpp"
#include "../state.hpp"

namespace hdc {

/// Every learner satisfies this concept (examples/classify uses it to run them all): built from
/// a dimension, a class count and its options; trained by fit (from scratch) and partial_fit (more
/// samples); queried by predict, predict_top_k and scores; its prototypes readable; its state
/// saved and restored.
template <class C>
concept classifier = std::copyable<C> && requires(C& c, const C& cc, sample_view x, label_view y, std::size_t k,
                                                  const memory_state& s, typename C::options opts) {
    C(std::size_t{}, std::size_t{}, opts);
    c.fit(x, y);
    c.partial_fit(x, y);
    { cc.predict(x) } -> std::same_as<std::vector<std::int32_t>>;
    { cc.predict_top_k(x, k) } -> std::same_as<std::vector<std::vector<std::int32_t>>>;
    { cc.scores(x) } -> std::same_as<Eigen::MatrixXf>;
    { cc.prototypes() } -> std::same_as<const sample_matrix&>;
    { cc.dim() } -> std::same_as<std::size_t>;
    { cc.classes() } -> std::same_as<std::size_t>;
    { cc.state() } -> std::same_as<memory_state>;
    { C::from_state(s) } -> std::same_as<C>;
};

/// True for the learners whose inputs are feature rows they encode themselves (NeuralHD, with
/// its regenerated encoder, and IntRVFL, with its density encoding); false for those that take
/// encoded samples (sample rows of width dim()).
template <class C>
inline constexpr bool classifier_takes_features = requires { requires C::takes_features; };

namespace detail {

/// Rows per block of a batch product (fixed: the blocks, not the threads, decide every sum).
inline constexpr Eigen::Index score_block_rows = 256;

/// Threads for `work` units of work (0 = every hardware thread), at least 1.
inline unsigned classifier_threads(std::size_t requested, std::size_t work) {
    const unsigned capped = requested > 1024 ? 1024u : static_cast<unsigned>(requested);
    return resolve_threads(capped, work);
}

/// Throws unless dim and classes can make a classifier.
inline void check_classifier_shape(const char* who, std::size_t dim, std::size_t classes) {
    if (dim == 0) throw invalid_dimension(std::string(who) + ": the dimension must be positive");
    if (classes == 0) throw invalid_parameter(std::string(who) + ": there must be at least one class");
    if (classes > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw invalid_parameter(std::string(who) + ": too many classes for 32-bit labels");
}

/// Throws invalid_parameter unless value is finite and within [low, high].
inline void check_option(const char* who, const char* name, double value, double low, double high) {
    if (!(value >= low && value <= high))  // also refuses NaN
        throw invalid_parameter(std::string(who) + ": option " + name + " = " + std::to_string(value) +
                                " is outside [" + std::to_string(low) + ", " + std::to_string(high) + "]");
}

/// Throws dimension_mismatch if x's rows are not `width` wide, non_finite_value if x holds a NaN
/// or an infinity.
inline void check_samples(const char* who, sample_view x, std::size_t width) {
    if (static_cast<std::size_t>(x.cols()) != width)
        throw dimension_mismatch((std::string(who) + ": sample width").c_str(), static_cast<std::size_t>(x.cols()), width);
    if (const Eigen::Index bad = first_non_finite_row(x); bad >= 0)
        throw non_finite_value(std::string(who) + ": sample row " + std::to_string(bad) + " holds a NaN or infinite value");
}

/// The checks of a training batch: not empty, one label per row, labels in [0, classes), rows
/// `width` wide and finite.
inline void check_training(const char* who, sample_view x, label_view y, std::size_t width, std::size_t classes) {
    if (x.rows() == 0) throw empty_input(std::string(who) + ": no training samples");
    if (y.size() != static_cast<std::size_t>(x.rows()))
        throw invalid_parameter(std::string(who) + ": " + std::to_string(y.size()) + " labels for " +
                                std::to_string(x.rows()) + " samples");
    for (std::size_t i = 0; i < y.size(); ++i)
        if (y[i] < 0 || static_cast<std::size_t>(y[i]) >= classes)
            throw invalid_parameter(std::string(who) + ": label " + std::to_string(y[i]) + " of sample " +
                                    std::to_string(i) + " is outside 0.." + std::to_string(classes - 1));
    check_samples(who, x, width);
}

/// Class prototypes as used for scoring: classes x D weights and their cached Euclidean norms.
struct prototype_table {
    sample_matrix weights;   ///< one row per class
    Eigen::VectorXf norms;   ///< norms[c] = |weights.row(c)|

    prototype_table() = default;
    /// classes x dim zeros.
    prototype_table(std::size_t classes, std::size_t dim)
        : weights(sample_matrix::Zero(static_cast<Eigen::Index>(classes), static_cast<Eigen::Index>(dim))),
          norms(Eigen::VectorXf::Zero(static_cast<Eigen::Index>(classes))) {}

    /// Recomputes the norm of row c.
    void refresh(Eigen::Index c) { norms[c] = weights.row(c).norm(); }
    /// Recomputes every norm.
    void refresh() {
        for (Eigen::Index c = 0; c < weights.rows(); ++c) refresh(c);
    }
};

/// out = cosine(x rows, prototype rows): rows x classes, 0 where a norm is zero. Blocks of
/// score_block_rows rows, each one matrix product, spread over threads.
inline Eigen::MatrixXf cosine_scores(sample_view x, const prototype_table& table, std::size_t threads) {
    const Eigen::Index n = x.rows(), classes = table.weights.rows();
    Eigen::MatrixXf out(n, classes);
    const auto blocks = static_cast<std::size_t>((n + score_block_rows - 1) / score_block_rows);
    // A thread gets whole blocks, and blocks only pay for a thread when large.
    const std::size_t work = static_cast<std::size_t>(n) * static_cast<std::size_t>(x.cols()) *
                             static_cast<std::size_t>(classes) / parallel_work_unit;
    const unsigned t = classifier_threads(threads, std::min(blocks, work));
    parallel_ranges(blocks, t, 1, [&](unsigned, std::size_t first, std::size_t last) {
        for (std::size_t b = first; b < last; ++b) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(b) * score_block_rows;
            const Eigen::Index rows = std::min(score_block_rows, n - r0);
            const auto block = x.middleRows(r0, rows);
            Eigen::MatrixXf dots = block * table.weights.transpose();
            for (Eigen::Index i = 0; i < rows; ++i) {
                const float xn = block.row(i).norm();
                for (Eigen::Index c = 0; c < classes; ++c) {
                    const float denominator = xn * table.norms[c];
                    out(r0 + i, c) = denominator > 0.0f ? dots(i, c) / denominator : 0.0f;
                }
            }
        }
    });
    return out;
}

/// The best class of a score row: highest score, ties to the lowest index.
template <class Row>
std::int32_t best_class(const Row& row) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < row.size(); ++c)
        if (row[c] > row[best]) best = c;
    return static_cast<std::int32_t>(best);
}

/// argmax of every row of scores.
inline std::vector<std::int32_t> best_classes(const Eigen::MatrixXf& scores) {
    std::vector<std::int32_t> out(static_cast<std::size_t>(scores.rows()));
    for (Eigen::Index i = 0; i < scores.rows(); ++i) out[static_cast<std::size_t>(i)] = best_class(scores.row(i));
    return out;
}

/// The k best classes of every row, best first (ties to the lower index); k is capped at the
/// class count; k = 0 throws invalid_parameter.
inline std::vector<std::vector<std::int32_t>> top_classes(const Eigen::MatrixXf& scores, std::size_t k) {
    if (k == 0) throw invalid_parameter("predict_top_k: k must be positive");
    const auto classes = static_cast<std::size_t>(scores.cols());
    k = std::min(k, classes);
    std::vector<std::vector<std::int32_t>> out(static_cast<std::size_t>(scores.rows()));
    std::vector<std::int32_t> order(classes);
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                          [&](std::int32_t a, std::int32_t b) {
                              const float sa = scores(i, a), sb = scores(i, b);
                              return sa > sb || (sa == sb && a < b);
                          });
        out[static_cast<std::size_t>(i)].assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
    }
    return out;
}

/// predict and predict_top_k written once from a learner's scores(x) (CRTP).
template <class Derived>
struct predicts_from_scores {
    /// The best class of every sample (ties to the lower class index).
    std::vector<std::int32_t> predict(sample_view x) const {
        return best_classes(static_cast<const Derived&>(*this).scores(x));
    }
    /// The k best classes of every sample, best first (k capped at the class count).
    std::vector<std::vector<std::int32_t>> predict_top_k(sample_view x, std::size_t k) const {
        if (k == 0) throw invalid_parameter("predict_top_k: k must be positive");
        return top_classes(static_cast<const Derived&>(*this).scores(x), k);
    }
};

/// How a misclassified sample (label y, predicted p, cosines d_y, d_p) moves the prototypes:
/// C_y += a_y h and C_p += a_p h.
enum class update_rule {
    perceptron,  ///< a_y = lr, a_p = -lr (the classic retraining of AdaptHD and torchhd)
    online,      ///< a_y = lr (1 - d_y), a_p = -lr (1 - d_p) (OnlineHD: small when already well represented)
    gap,         ///< a = lr g / mean(g) with g = d_p - d_y the sample's gap (AdaptHD's data-dependent rate)
};

/// One correction: sample row `sample` added with weight a_label to the label's prototype and
/// with weight a_predicted to the predicted one's.
struct correction {
    Eigen::Index sample;             ///< the sample's row
    std::int32_t label, predicted;   ///< the classes whose prototypes move
    float a_label, a_predicted;      ///< their weights (a_y, a_p)
};

/// Runs body(first column, column count) over [0, dim) split into runs of whole 1024-column
/// units spread over threads; `updates` (rows added per column) decides whether threads pay.
/// For element-wise work the split never changes a result.
template <class Body>
void for_column_ranges(std::size_t dim, std::size_t updates, std::size_t threads, Body&& body) {
    constexpr std::size_t grain = 1024;  // whole cache lines, big enough to pay for a thread
    const std::size_t work = updates * dim / parallel_work_unit;
    const unsigned t = classifier_threads(threads, std::min((dim + grain - 1) / grain, work));
    parallel_ranges(dim, t, grain, [&](unsigned, std::size_t first, std::size_t last) {
        body(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(last - first));
    });
}

/// Adds every correction to weights, in order: rows of weights change, nothing else. Columns are
/// split over threads (each column receives the same sums in the same order whatever the split).
inline void apply_corrections(sample_matrix& weights, sample_view x, std::span<const correction> corrections,
                              std::size_t threads) {
    if (corrections.empty()) return;
    for_column_ranges(static_cast<std::size_t>(weights.cols()), 2 * corrections.size(), threads,
                      [&](Eigen::Index c0, Eigen::Index len) {
                          for (const correction& k : corrections) {
                              const auto h = x.row(k.sample).segment(c0, len);
                              weights.row(k.label).segment(c0, len) += k.a_label * h;
                              weights.row(k.predicted).segment(c0, len) += k.a_predicted * h;
                          }
                      });
}

/// The parameters of a retraining pass.
struct retrain_step {
    update_rule rule = update_rule::online;
    float lr = 0.035f;          ///< the learning rate
    std::size_t batch = 1024;   ///< samples scored together against the same prototypes
    std::size_t threads = 1;
};

/// One pass of error-driven retraining over (x, y) in mini-batches: each batch is scored against
/// `scoring` (the prototypes used for prediction), the misclassified samples are added, by the
/// rule, to `trained` (the weights being learned, which may be scoring.weights itself), and
/// sync(touched classes) then brings `scoring` up to date (refresh norms, or requantise, or
/// re-mask). Returns the number of misclassified samples. Inputs are assumed checked.
template <class Sync>
std::size_t retrain_pass(sample_matrix& trained, const prototype_table& scoring, sample_view x, label_view y,
                         const retrain_step& step, Sync&& sync) {
    std::size_t mistakes = 0;
    const auto n = static_cast<std::size_t>(x.rows());
    const std::size_t batch = std::max<std::size_t>(1, step.batch);
    std::vector<correction> corrections;
    std::vector<float> gaps;
    std::vector<std::int32_t> touched;
    std::vector<char> is_touched(static_cast<std::size_t>(trained.rows()), 0);
    for (std::size_t first = 0; first < n; first += batch) {
        const std::size_t count = std::min(batch, n - first);
        const auto block = x.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count));
        const Eigen::MatrixXf s = cosine_scores(block, scoring, step.threads);
        corrections.clear();
        gaps.clear();
        for (std::size_t i = 0; i < count; ++i) {
            const std::int32_t label = y[first + i];
            const std::int32_t predicted = best_class(s.row(static_cast<Eigen::Index>(i)));
            if (predicted == label) continue;
            const float d_y = s(static_cast<Eigen::Index>(i), label), d_p = s(static_cast<Eigen::Index>(i), predicted);
            float a_y = step.lr, a_p = -step.lr;
            if (step.rule == update_rule::online) {
                a_y = step.lr * (1.0f - d_y);
                a_p = -step.lr * (1.0f - d_p);
            } else if (step.rule == update_rule::gap) {
                gaps.push_back(d_p - d_y);
            }
            corrections.push_back({static_cast<Eigen::Index>(first + i), label, predicted, a_y, a_p});
        }
        if (corrections.empty()) continue;
        mistakes += corrections.size();
        if (step.rule == update_rule::gap) {
            // Rates proportional to how far off each sample was, averaging lr over the batch's
            // mistakes (d_p >= d_y for a mistake; a batch of exact ties keeps lr).
            double total = 0;
            for (float g : gaps) total += g;
            const double mean = total / static_cast<double>(gaps.size());
            for (std::size_t j = 0; j < corrections.size(); ++j) {
                const float a = mean > 0 ? static_cast<float>(step.lr * gaps[j] / mean) : step.lr;
                corrections[j].a_label = a;
                corrections[j].a_predicted = -a;
            }
        }
        apply_corrections(trained, x, corrections, step.threads);
        touched.clear();
        for (const correction& k : corrections)
            for (std::int32_t c : {k.label, k.predicted})
                if (!is_touched[static_cast<std::size_t>(c)]) {
                    is_touched[static_cast<std::size_t>(c)] = 1;
                    touched.push_back(c);
                }
        std::sort(touched.begin(), touched.end());
        sync(std::span<const std::int32_t>(touched));
        for (std::int32_t c : touched) is_touched[static_cast<std::size_t>(c)] = 0;
    }
    return mistakes;
}

/// The usual sync of retrain_pass when the trained weights are the scored ones: refresh the
/// touched rows' norms.
inline auto refresh_touched(prototype_table& table) {
    return [&table](std::span<const std::int32_t> touched) {
        for (std::int32_t c : touched) table.refresh(c);
    };
}

/// Up to max_epochs retraining passes (retrain_pass), stopping after a pass without mistakes.
/// Returns the number of passes run.
template <class Sync>
std::size_t retrain_epochs(sample_matrix& trained, const prototype_table& scoring, sample_view x, label_view y,
                           const retrain_step& step, std::size_t max_epochs, Sync&& sync) {
    std::size_t epochs = 0;
    while (epochs < max_epochs) {
        ++epochs;
        if (retrain_pass(trained, scoring, x, y, step, sync) == 0) break;
    }
    return epochs;
}

/// sums.row(y_i) += x.row(i) for every sample, in sample order (columns split over threads).
template <class Matrix>
void add_class_sums(Matrix& sums, sample_view x, label_view y, std::size_t threads) {
    using scalar = typename Matrix::Scalar;
    for_column_ranges(static_cast<std::size_t>(sums.cols()), static_cast<std::size_t>(x.rows()), threads,
                      [&](Eigen::Index c0, Eigen::Index len) {
                          for (Eigen::Index i = 0; i < x.rows(); ++i)
                              sums.row(y[static_cast<std::size_t>(i)]).segment(c0, len) +=
                                  x.row(i).segment(c0, len).template cast<scalar>();
                      });
}

/// Per dimension, the variance across classes of the unit-normalised prototypes: how much the
/// dimension tells the classes apart (NeuralHD regenerates, SparseHD drops the lowest).
inline Eigen::VectorXf dimension_variance(const sample_matrix& weights) {
    sample_matrix unit = weights;
    for (Eigen::Index c = 0; c < unit.rows(); ++c) {
        const float norm = unit.row(c).norm();
        if (norm > 0) unit.row(c) /= norm;
    }
    const Eigen::RowVectorXf mean = unit.colwise().mean();
    return (unit.rowwise() - mean).array().square().colwise().mean().transpose();
}

/// The indices of the `count` smallest values, ties to the lower index, in increasing index order.
inline std::vector<std::size_t> smallest_indices(const Eigen::VectorXf& values, std::size_t count) {
    std::vector<std::size_t> order(static_cast<std::size_t>(values.size()));
    std::iota(order.begin(), order.end(), std::size_t{0});
    count = std::min(count, order.size());
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                     [&](std::size_t a, std::size_t b) {
                         const float va = values[static_cast<Eigen::Index>(a)], vb = values[static_cast<Eigen::Index>(b)];
                         return va < vb || (va == vb && a < b);
                     });
    order.resize(count);
    std::sort(order.begin(), order.end());
    return order;
}

/// A seeded permutation of 0..n-1 (Fisher-Yates with the library's unbiased draws).
inline std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed, std::uint64_t stream) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng gen(seed, stream);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
    return order;
}

// ---- saving and restoring -------------------------------------------------------------------

/// Adds a float matrix to a state as a row-major array.
inline void save_matrix(memory_state& s, std::string name, const sample_matrix& m) {
    std::vector<float> values(m.data(), m.data() + m.size());
    s.add_array(std::move(name), {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())},
                std::move(values));
}

/// The named rows x cols float array of a state, checked finite; format_error otherwise.
inline sample_matrix load_matrix(const memory_state& s, std::string_view name, std::size_t rows, std::size_t cols) {
    const auto& values = s.array<float>(name, {rows, cols});
    sample_matrix m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i]))
            throw format_error("saved " + s.kind + " state: array '" + std::string(name) + "' holds a non-finite value");
        m.data()[i] = values[i];
    }
    return m;
}

/// A parameter that must be a whole number in [low, high]; format_error otherwise.
inline std::size_t load_count(const memory_state& s, std::string_view name, double low, double high) {
    const double v = s.parameter(name);
    if (!(v >= low && v <= high) || v != std::floor(v))
        throw format_error("saved " + s.kind + " state: parameter '" + std::string(name) + "' = " +
                           std::to_string(v) + " is not a whole number in [" + std::to_string(low) + ", " +
                           std::to_string(high) + "]");
    return static_cast<std::size_t>(v);
}

/// A real parameter in [low, high]; format_error otherwise.
inline double load_real(const memory_state& s, std::string_view name, double low, double high) {
    const double v = s.parameter(name);
    if (!(v >= low && v <= high))
        throw format_error("saved " + s.kind + " state: parameter '" + std::string(name) + "' = " +
                           std::to_string(v) + " is outside [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    return v;
}

/// Saves a 64-bit seed exactly (a double parameter cannot hold every seed).
inline void save_seed(memory_state& s, std::uint64_t seed) { s.add_array("seed", {1}, std::vector<std::uint64_t>{seed}); }
/// The seed saved by save_seed.
inline std::uint64_t load_seed(const memory_state& s) { return s.array<std::uint64_t>("seed", {1})[0]; }

/// The largest dimension or class count a saved state may declare (guards allocations).
inline constexpr double max_saved_extent = 1u << 30;

/// The largest table a saved state may make the loader regenerate from its seed (random keys,
/// projection bases, permutations): such tables are not in the file, so the file's size cannot
/// bound them. 2^28 entries (1 GiB of floats) covers every practical shape.
inline constexpr double max_generated_entries = 1u << 28;

/// format_error unless a regenerated table of rows x cols entries stays within max_generated_entries.
inline void check_generated(const memory_state& s, std::string_view what, std::size_t rows, std::size_t cols) {
    if (static_cast<double>(rows) * static_cast<double>(cols) > max_generated_entries)
        throw format_error("saved " + s.kind + " state: " + std::string(what) + " of " + std::to_string(rows) + " x " +
                           std::to_string(cols) + " entries exceeds the limit of 2^28 a loader regenerates");
}

/// The dimension and class count every classifier state holds.
inline std::pair<std::size_t, std::size_t> load_shape(const memory_state& s) {
    return {load_count(s, "dim", 1, max_saved_extent), load_count(s, "classes", 1, max_saved_extent)};
}

}  // namespace detail
}  // namespace hdc
