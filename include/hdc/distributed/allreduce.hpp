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
/// Parts x D sums in double]; sparse counts [count, magnitude, the B x L counts].
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
        if constexpr (requires { a.votes_; }) {
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
        if constexpr (requires { a.votes_; }) {
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

/// Replaces acc on every rank by the merge of every rank's acc, merged in rank order on `root`
/// (see the file comment: exact for the integer families, a fixed order for floating point).
/// Throws rank_error on every rank, with every acc unchanged, if the merge fails (overflow) or
/// the ranks' shapes differ.
template <transportable_accumulator A>
void allreduce(A& acc, const communicator& comm, int root = 0) {
    using access = detail::accumulator_state_access;
    const std::vector<std::uint64_t> mine = access::encode(acc);
    std::vector<int> counts;
    const std::vector<std::uint64_t> all = comm.gatherv(std::span<const std::uint64_t>(mine), root, counts);
    std::vector<std::uint64_t> total;
    collective(comm, [&] {
        if (comm.rank() != root) return;
        for (int r = 0; r < comm.size(); ++r)
            if (counts[static_cast<std::size_t>(r)] != counts[static_cast<std::size_t>(root)])
                throw dimension_mismatch(("allreduce: the accumulator of rank " + std::to_string(r) +
                                          " has another shape (state words)")
                                             .c_str(),
                                         static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]), mine.size());
        const std::size_t n = mine.size();
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
/// then broadcast): every rank ends with the same state. The arrays must have the same shape and
/// element type on every rank (rank_error otherwise); integer sums that would overflow throw
/// rank_error. Other arrays and parameters are left as they are.
inline void allreduce(memory_state& state, std::span<const std::string_view> names, const communicator& comm,
                      int root = 0) {
    for (const std::string_view name : names) {
        state_array* array = nullptr;
        collective(comm, [&] {
            for (auto& a : state.arrays)
                if (a.name == name) array = &a;
            if (!array) throw invalid_parameter("allreduce: the state has no array '" + std::string(name) + "'");
        });
        // The element type must agree too (a different type would gather other bytes).
        const auto type = static_cast<int>(array->values.index());
        int types[2] = {type, -type};
        comm.allreduce(std::span<int>(types, 2), MPI_MIN);
        if (types[0] != -types[1])
            throw rank_error(comm.rank(), 1, "allreduce: array '" + std::string(name) + "' has another element type on some rank");
        std::visit(
            [&](auto& values) {
                using T = typename std::remove_reference_t<decltype(values)>::value_type;
                std::vector<int> counts;
                const std::vector<T> all = comm.gatherv(std::span<const T>(values), root, counts);
                std::vector<T> total;
                collective(comm, [&] {
                    if (comm.rank() != root) return;
                    const std::size_t n = values.size();
                    for (int r = 0; r < comm.size(); ++r)
                        if (static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]) != n)
                            throw dimension_mismatch(("allreduce: array '" + std::string(name) + "' of rank " +
                                                      std::to_string(r) + " has another size")
                                                         .c_str(),
                                                     static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]), n);
                    total.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
                    for (std::size_t r = 1; r < static_cast<std::size_t>(comm.size()); ++r)
                        for (std::size_t i = 0; i < n; ++i) {
                            const T x = all[r * n + i];
                            if constexpr (std::is_integral_v<T>) {
                                T s{};
                                if (__builtin_add_overflow(total[i], x, &s))
                                    throw invalid_parameter("allreduce: array '" + std::string(name) +
                                                            "': an integer sum overflows");
                                total[i] = s;
                            } else {
                                total[i] += x;
                            }
                        }
                });
                comm.broadcast(total, root);
                values = std::move(total);
            },
            array->values);
    }
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
    memory_state state = model.state();
    allreduce(state, additive, comm, root);
    model = collective(comm, [&] { return C::from_state(state); });
}

}  // namespace hdc::mpi
