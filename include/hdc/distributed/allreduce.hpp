// hdc/distributed/allreduce.hpp - all-reduce of accumulators (every family) and of additive
// model states (e.g. the centroid classifier's class sums) over the ranks of a communicator, so
// that training split over ranks gives the model one process would train.
//
// One path for every family: each rank's raw state is gathered to a root, which merges them with
// the family's own merge() in rank order (rank 0's state, then rank 1's, ...), and broadcasts the
// result, which every rank then holds. Integer states (binary and bipolar votes, sparse counts)
// are therefore exactly the sums one process would hold after adding every vector, whatever the
// split; floating-point sums (real, MBAT, phasor) are summed in a fixed order, so a run gives the
// same bits every time for a given number of ranks and split, and differs from one process by
// the rounding of the regrouped sums (relative 1e-16 per addition, in double). The merge's own
// checks apply: a merge that could overflow throws, on every rank, as does a rank whose state
// has another shape (hdc::mpi::rank_error naming the rank, see distributed/mpi.hpp).
//
// Cost: root receives every rank's state and holds all of them at once (P times the state's
// memory, P - 1 states of traffic into root, and the result broadcast back), so for large states
// on many ranks root's memory and link bound the step; a reduce-scatter in rank order would spread
// that, at the price of more messages.
//
// Collective: every rank calls with its own object, in the same order.
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "../core/error.hpp"
#include "../memory/state.hpp"
#include "../models/sparse.hpp"
#include "../models/sums.hpp"
#include "../models/votes.hpp"
#include "../models/phasor.hpp"
#include "mpi.hpp"

namespace hdc::detail {

/// Raw accumulator states as 64-bit words (declared friend by the accumulators): encode reads
/// one, decode writes one into an accumulator of the same shape (throwing dimension_mismatch
/// otherwise). The layouts: vote sums [count, bound, the D sums]; weighted sums [count, bound,
/// Parts x D sums in double]; sparse counts [count, magnitude, the B x L counts]; mcr [its
/// weighted sums, magnitude]; cgr [count, magnitude, the D x Q counts, D real and D imaginary
/// phasor sums in double].
struct accumulator_state_access {
    // Storage classes.
    static void encode(const bitsliced_votes& v, std::vector<std::uint64_t>& out) {
        out.push_back(static_cast<std::uint64_t>(v.count_));
        out.push_back(static_cast<std::uint64_t>(v.bound_));
        for (const std::int32_t s : v.sums()) out.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(s)));
    }
    static void decode(bitsliced_votes& v, std::span<const std::uint64_t> in) {
        expect_words("vote accumulator", in.size(), 2 + v.dim());
        v.clear();
        v.count_ = static_cast<std::int64_t>(in[0]);
        v.bound_ = static_cast<std::int64_t>(in[1]);
        for (std::size_t i = 0; i < v.dim(); ++i) v.sums_[i] = static_cast<std::int32_t>(static_cast<std::int64_t>(in[2 + i]));
        v.sums_used_ = true;
    }
    template <std::size_t D, std::size_t Parts>
    static void encode(const weighted_sums<D, Parts>& w, std::vector<std::uint64_t>& out) {
        out.push_back(std::bit_cast<std::uint64_t>(w.count_));
        out.push_back(std::bit_cast<std::uint64_t>(w.bound_));
        for (std::size_t p = 0; p < Parts; ++p)
            for (const double s : w.sums(p)) out.push_back(std::bit_cast<std::uint64_t>(s));
    }
    template <std::size_t D, std::size_t Parts>
    static void decode(weighted_sums<D, Parts>& w, std::span<const std::uint64_t> in) {
        expect_words("sum accumulator", in.size(), 2 + Parts * w.dim());
        w.count_ = std::bit_cast<double>(in[0]);
        w.bound_ = std::bit_cast<double>(in[1]);
        for (std::size_t p = 0; p < Parts; ++p)
            for (std::size_t i = 0; i < w.dim(); ++i) w.data(p)[i] = std::bit_cast<double>(in[2 + p * w.dim() + i]);
    }

    // Accumulators: each forwards to its storage.
    template <class A>
    static std::vector<std::uint64_t> encode(const A& a) {
        std::vector<std::uint64_t> out;
        if constexpr (requires { a.counts_; a.re_; a.im_; }) {  // cgr: the counts, then the phasor sums
            out.reserve(2 + a.counts_.size() + 2 * a.dim());
            out.push_back(static_cast<std::uint64_t>(a.count_));
            out.push_back(static_cast<std::uint64_t>(a.magnitude_));
            for (const std::int32_t c : a.counts_) out.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(c)));
            for (const double x : a.re_) out.push_back(std::bit_cast<std::uint64_t>(x));
            for (const double x : a.im_) out.push_back(std::bit_cast<std::uint64_t>(x));
        } else if constexpr (requires { a.sums_; a.magnitude_; }) {  // mcr: the sums, then the magnitude
            out.reserve(3 + 2 * a.dim());
            encode(a.sums_, out);
            out.push_back(std::bit_cast<std::uint64_t>(a.magnitude_));
        } else if constexpr (requires { a.votes_; }) {
            out.reserve(2 + a.dim());
            encode(a.votes_, out);
        } else if constexpr (requires { a.counts_; }) {
            out.reserve(2 + a.counts_.size());
            out.push_back(static_cast<std::uint64_t>(a.count_));
            out.push_back(static_cast<std::uint64_t>(a.magnitude_));
            for (const std::int32_t c : a.counts_) out.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(c)));
        } else {
            encode(a.sums_, out);
        }
        return out;
    }
    template <class A>
    static void decode(A& a, std::span<const std::uint64_t> in) {
        if constexpr (requires { a.counts_; a.re_; a.im_; }) {
            const std::size_t n = a.counts_.size(), d = a.dim();
            expect_words("cgr accumulator", in.size(), 2 + n + 2 * d);
            a.count_ = static_cast<std::int64_t>(in[0]);
            a.magnitude_ = static_cast<std::int64_t>(in[1]);
            for (std::size_t i = 0; i < n; ++i) a.counts_[i] = static_cast<std::int32_t>(static_cast<std::int64_t>(in[2 + i]));
            for (std::size_t i = 0; i < d; ++i) {
                a.re_[i] = std::bit_cast<double>(in[2 + n + i]);
                a.im_[i] = std::bit_cast<double>(in[2 + n + d + i]);
            }
        } else if constexpr (requires { a.sums_; a.magnitude_; }) {
            expect_words("mcr accumulator", in.size(), 3 + 2 * a.dim());
            decode(a.sums_, in.first(in.size() - 1));
            a.magnitude_ = std::bit_cast<double>(in.back());
        } else if constexpr (requires { a.votes_; }) {
            decode(a.votes_, in);
        } else if constexpr (requires { a.counts_; }) {
            expect_words("sparse accumulator", in.size(), 2 + a.counts_.size());
            a.count_ = static_cast<std::int64_t>(in[0]);
            a.magnitude_ = static_cast<std::int64_t>(in[1]);
            for (std::size_t i = 0; i < a.counts_.size(); ++i)
                a.counts_[i] = static_cast<std::int32_t>(static_cast<std::int64_t>(in[2 + i]));
        } else {
            decode(a.sums_, in);
        }
    }

private:
    static void expect_words(const char* what, std::size_t got, std::size_t want) {
        if (got != want)
            throw dimension_mismatch((std::string("allreduce: ") + what + " state words").c_str(), got, want);
    }
};

}  // namespace hdc::detail

namespace hdc::mpi {

/// An accumulator whose state allreduce can move: those of every family in hdc.
template <class A>
concept transportable_accumulator = std::copyable<A> && requires(const A& a, A& b, std::span<const std::uint64_t> s) {
    { detail::accumulator_state_access::encode(a) } -> std::same_as<std::vector<std::uint64_t>>;
    detail::accumulator_state_access::decode(b, s);
    b.merge(a);
};

namespace allreduce_detail {

/// Throws invalid_parameter unless root is a rank of comm (the same on every rank, so every
/// rank throws alike).
inline void check_root(const char* what, const communicator& comm, int root) {
    if (root < 0 || root >= comm.size())
        throw invalid_parameter(std::string(what) + ": root " + std::to_string(root) + " is not a rank of " +
                                std::to_string(comm.size()));
}

/// Root's `mine` broadcast to every rank and compared there with its own, inside collective():
/// throws rank_error on every rank, naming the lowest rank whose words differ from root's
/// (with `describe(theirs, root's)` as the cause), if any does.
template <class Describe>
void require_root_words(const communicator& comm, int root, const std::vector<std::uint64_t>& mine,
                        Describe&& describe) {
    std::vector<std::uint64_t> roots = mine;
    comm.broadcast(roots, root);
    collective(comm, [&] {
        if (roots != mine) throw invalid_parameter(describe(mine, roots));
    });
}

/// An accumulator's shape as words: {blocks, length} for the sparse families, {dim} for the
/// others.
template <class A>
void shape_words(const A& a, std::vector<std::uint64_t>& out) {
    if constexpr (requires { a.shape().blocks; a.shape().length; }) {
        out.push_back(a.shape().blocks);
        out.push_back(a.shape().length);
    } else {
        out.push_back(a.dim());
    }
}

/// Words as text, for messages: "64 x 16".
inline std::string words_text(std::span<const std::uint64_t> words) {
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) text += (i ? " x " : "") + std::to_string(words[i]);
    return text;
}

}  // namespace allreduce_detail

/// Replaces acc on every rank by the merge of every rank's acc, merged in rank order on `root`
/// (see the file comment: exact for the integer families, a fixed order for floating point).
/// Throws rank_error on every rank, with every acc unchanged, if the merge fails (overflow) or
/// a rank's shape differs from root's (the lowest such rank is named; shapes are compared as
/// shapes, so a sparse 64 x 16 and 16 x 64 differ though their sizes agree), and
/// invalid_parameter on every rank if root is not a rank. Collectives: a broadcast of root's
/// shape, the check's all-reduce, a gather of the states (counts then values) to root, the
/// merge's all-reduce and a broadcast of the result (count and values); root holds every rank's
/// state at once, so it needs P times the state's memory and receives P - 1 states.
template <transportable_accumulator A>
void allreduce(A& acc, const communicator& comm, int root = 0) {
    using access = hdc::detail::accumulator_state_access;
    allreduce_detail::check_root("allreduce", comm, root);
    const std::vector<std::uint64_t> mine = access::encode(acc);
    std::vector<std::uint64_t> header;
    allreduce_detail::shape_words(acc, header);
    allreduce_detail::require_root_words(comm, root, header, [&](const auto& theirs, const auto& roots) {
        return "allreduce: the accumulator's shape " + allreduce_detail::words_text(theirs) + " differs from root rank " +
               std::to_string(root) + "'s " + allreduce_detail::words_text(roots);
    });
    std::vector<int> counts;
    const std::vector<std::uint64_t> all = comm.gatherv(std::span<const std::uint64_t>(mine), root, counts);
    std::vector<std::uint64_t> total;
    collective(comm, [&] {
        if (comm.rank() != root) return;
        const std::size_t n = mine.size();  // every rank's, as the shapes agree
        A sum = acc;
        access::decode(sum, std::span<const std::uint64_t>(all.data(), n));
        A part = acc;
        for (std::size_t r = 1; r < static_cast<std::size_t>(comm.size()); ++r) {
            access::decode(part, std::span<const std::uint64_t>(all.data() + r * n, n));
            sum.merge(part);
        }
        total = access::encode(sum);
    });
    comm.broadcast(total, root);
    access::decode(acc, total);
}

/// Sums the named arrays of a memory_state element-wise over the ranks (in rank order on root,
/// then broadcast): every rank ends with the same state. All or nothing: every name is looked
/// up and every array's element type and shape (state_array::shape) compared with root's before
/// anything is summed, the sums go to temporaries, and the state changes only after the last
/// collective. Throws rank_error on every rank, with every state unchanged, if an array is
/// missing on a rank or differs from root's (naming the lowest such rank), or an integer sum
/// overflows; invalid_parameter on every rank if root is not a rank. Other arrays and
/// parameters are left as they are. Root holds every rank's arrays at once (P times their size).
inline void allreduce(memory_state& state, std::span<const std::string_view> names, const communicator& comm,
                      int root = 0) {
    allreduce_detail::check_root("allreduce", comm, root);
    // 1. Every name, on every rank.
    const std::vector<state_array*> arrays = collective(comm, [&] {
        std::vector<state_array*> found;
        for (const std::string_view name : names) {
            state_array* array = nullptr;
            for (auto& a : state.arrays)
                if (a.name == name && !array) array = &a;
            if (!array) throw invalid_parameter("allreduce: the state has no array '" + std::string(name) + "'");
            found.push_back(array);
        }
        return found;
    });
    // 2. Element types and shapes equal to root's: per array [type index, rank, extents...].
    std::vector<std::uint64_t> header;
    for (const state_array* a : arrays) {
        header.push_back(static_cast<std::uint64_t>(a->values.index()));
        header.push_back(a->shape.size());
        header.insert(header.end(), a->shape.begin(), a->shape.end());
    }
    allreduce_detail::require_root_words(comm, root, header, [&](const auto& theirs, const auto& roots) {
        // Name the first array that differs.
        std::size_t at = 0;
        for (const state_array* a : arrays) {
            const std::size_t len = 2 + a->shape.size();
            const bool same = at + len <= roots.size() && roots[at + 1] == a->shape.size() &&
                              std::equal(theirs.begin() + static_cast<std::ptrdiff_t>(at),
                                         theirs.begin() + static_cast<std::ptrdiff_t>(at + len),
                                         roots.begin() + static_cast<std::ptrdiff_t>(at));
            if (!same) {
                std::string text = "allreduce: array '" + a->name + "' has element type " +
                                   std::to_string(theirs[at]) + " and shape " +
                                   allreduce_detail::words_text(std::span<const std::uint64_t>(theirs).subspan(at + 2, len - 2));
                if (at + 2 <= roots.size() && at + 2 + roots[at + 1] <= roots.size())
                    text += ", root rank " + std::to_string(root) + " element type " + std::to_string(roots[at]) +
                            " and shape " +
                            allreduce_detail::words_text(std::span<const std::uint64_t>(roots).subspan(
                                at + 2, static_cast<std::size_t>(roots[at + 1])));
                return text;
            }
            at += len;
        }
        return std::string("allreduce: the arrays differ from root rank ") + std::to_string(root) + "'s";
    });
    // 3. Sum each array into a temporary (its values' size must match its shape everywhere).
    collective(comm, [&] {
        for (const state_array* a : arrays)
            if (a->element_count() != std::visit([](const auto& v) { return v.size(); }, a->values))
                throw invalid_parameter("allreduce: array '" + a->name + "' has values that do not fill its shape");
    });
    std::vector<state_array::values_type> totals;
    totals.reserve(arrays.size());
    for (const state_array* array : arrays) {
        std::visit(
            [&](const auto& values) {
                using T = typename std::remove_cvref_t<decltype(values)>::value_type;
                const std::string& name = array->name;
                std::vector<int> counts;
                const std::vector<T> all = comm.gatherv(std::span<const T>(values), root, counts);
                std::vector<T> total;
                collective(comm, [&] {
                    if (comm.rank() != root) return;
                    const std::size_t n = values.size();  // every rank's: the shapes agree
                    total.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
                    for (std::size_t r = 1; r < static_cast<std::size_t>(comm.size()); ++r)
                        for (std::size_t i = 0; i < n; ++i) {
                            const T x = all[r * n + i];
                            if constexpr (std::is_integral_v<T>) {
                                T s{};
                                if (__builtin_add_overflow(total[i], x, &s))
                                    throw invalid_parameter("allreduce: array '" + name +
                                                            "': an integer sum overflows");
                                total[i] = s;
                            } else {
                                total[i] += x;
                            }
                        }
                });
                comm.broadcast(total, root);
                totals.emplace_back(std::move(total));
            },
            array->values);
    }
    // 4. Commit: moves only, nothing throws.
    for (std::size_t i = 0; i < arrays.size(); ++i) arrays[i]->values = std::move(totals[i]);
}

/// Sums the named additive arrays of a model's state over the ranks and rebuilds the model from
/// the result (C::from_state) on every rank: for models whose training only adds into those
/// arrays (e.g. the centroid classifier's "sums" and "counts", see distributed/classifier.hpp),
/// training each rank on its part of the data and then calling this gives the model trained on
/// all of it.
template <class C>
    requires requires(const C& c, const memory_state& s) {
        { c.state() } -> std::same_as<memory_state>;
        { C::from_state(s) } -> std::same_as<C>;
    }
void allreduce_model(C& model, std::span<const std::string_view> additive, const communicator& comm, int root = 0) {
    allreduce_detail::check_root("allreduce_model", comm, root);
    memory_state state = model.state();
    allreduce(state, additive, comm, root);
    model = collective(comm, [&] { return C::from_state(state); });
}

}  // namespace hdc::mpi
