// hdc/distributed/mpi.hpp - the small part of MPI that hdc's distributed code uses: an RAII
// environment, a communicator handle, the MPI datatype of a C++ type, byte collectives, and
// collective errors.
//
// Collective errors: MPI has no exceptions, and a rank that throws between two collectives leaves
// the others waiting forever in the next one. Every fallible local step of the distributed code
// therefore runs inside collective(comm, f): each rank runs f, catching what it throws, then all
// ranks agree (one MPI_Allreduce) on whether any failed; if one did, the lowest failing rank
// broadcasts its message and every rank throws the same hdc::mpi::rank_error naming that rank and
// the cause. Nothing hangs and nothing calls MPI_Abort, so every rank keeps its state.
//
// Requires MPI (include <mpi.h>); not included by hdc/hdc.hpp. Link MPI::MPI_CXX (CMake:
// find_package(MPI COMPONENTS CXX)). Thread safety: a communicator may be used by one thread at a
// time (MPI_THREAD_FUNNELED is what environment asks for, and it throws if MPI provides less:
// only the main thread calls MPI, the search's worker threads never do).
#pragma once

// OMPI_SKIP_MPICXX keeps Open MPI's deprecated C++ bindings (mpicxx.h) out: hdc does not use
// them, and they cost every including file compile time. It only works if <mpi.h> was not
// included before this header; define it yourself (or include this header first) to be sure.
// To use the bindings anyway, include <mpi.h> before any hdc header.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <climits>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"

namespace hdc::mpi {

/// The error every rank throws when a collective step failed on some rank: names the (lowest)
/// failing rank and carries its message.
class rank_error : public error {
public:
    /// An error of `failing` (of `failures` failing ranks) whose exception said `cause`.
    rank_error(int failing, int failures, const std::string& cause)
        : error("rank " + std::to_string(failing) +
                (failures > 1 ? " (and " + std::to_string(failures - 1) + " other rank" + (failures > 2 ? "s" : "") + ")"
                              : std::string{}) +
                " failed: " + cause),
          rank_(failing), failures_(failures), cause_(cause) {}
    /// The lowest rank that failed.
    int failing_rank() const noexcept { return rank_; }
    /// How many ranks failed in the step.
    int failures() const noexcept { return failures_; }
    /// The failing rank's message.
    const std::string& cause() const noexcept { return cause_; }

private:
    int rank_, failures_;
    std::string cause_;
};

/// Throws hdc::error naming the MPI call unless code is MPI_SUCCESS (with the default error
/// handler MPI aborts before this; with MPI_ERRORS_RETURN the caller learns of it).
inline void check(int code, const char* call) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

/// Initialises MPI for the scope of the object (MPI_Init_thread, MPI_THREAD_FUNNELED) and
/// finalises it at the end, unless MPI was already initialised by someone else.
class environment {
public:
    /// Initialises MPI with the program's arguments (they may be null).
    environment(int* argc = nullptr, char*** argv = nullptr) {
        int done = 0;
        MPI_Initialized(&done);
        if (done) return;
        int provided = 0;
        check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        if (provided < MPI_THREAD_FUNNELED) {
            // The searches run worker threads (threads > 1) beside the thread that calls MPI; an
            // MPI that only promises single-threaded processes does not allow that.
            MPI_Finalize();
            throw error("hdc::mpi::environment: the MPI library provides thread level " + std::to_string(provided) +
                        ", below MPI_THREAD_FUNNELED");
        }
        owner_ = true;
    }
    environment(const environment&) = delete;
    environment& operator=(const environment&) = delete;
    ~environment() {
        if (owner_) MPI_Finalize();
    }

private:
    bool owner_ = false;
};

/// The MPI datatype of an arithmetic type (static_assert for others).
template <class T>
MPI_Datatype datatype() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, char>) return MPI_CHAR;
    else if constexpr (std::is_same_v<U, unsigned char> || std::is_same_v<U, std::byte>) return MPI_UNSIGNED_CHAR;
    else if constexpr (std::is_same_v<U, signed char>) return MPI_SIGNED_CHAR;
    else if constexpr (std::is_same_v<U, float>) return MPI_FLOAT;
    else if constexpr (std::is_same_v<U, double>) return MPI_DOUBLE;
    else if constexpr (std::is_same_v<U, std::complex<float>>) return MPI_C_FLOAT_COMPLEX;
    else if constexpr (std::is_same_v<U, std::complex<double>>) return MPI_C_DOUBLE_COMPLEX;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 1) return MPI_INT8_T;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 2) return MPI_INT16_T;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 4) return MPI_INT32_T;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 8) return MPI_INT64_T;
    else if constexpr (std::is_integral_v<U> && !std::is_signed_v<U> && sizeof(U) == 1) return MPI_UINT8_T;
    else if constexpr (std::is_integral_v<U> && !std::is_signed_v<U> && sizeof(U) == 2) return MPI_UINT16_T;
    else if constexpr (std::is_integral_v<U> && !std::is_signed_v<U> && sizeof(U) == 4) return MPI_UINT32_T;
    else if constexpr (std::is_integral_v<U> && !std::is_signed_v<U> && sizeof(U) == 8) return MPI_UINT64_T;
    else static_assert(sizeof(U) == 0, "hdc::mpi::datatype: no MPI type for T");
}

/// A non-owning handle to an MPI communicator (MPI_COMM_WORLD by default) with the collectives
/// the distributed code needs. Cheap to copy; the communicator must outlive it. Every member is
/// collective (all ranks call it, in the same order) except rank() and size().
class communicator {
public:
    /// MPI_COMM_WORLD (MPI must be initialised).
    communicator() : communicator(MPI_COMM_WORLD) {}
    /// A handle to comm.
    explicit communicator(MPI_Comm comm) : comm_(comm) {
        check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
        check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
    }
    /// This process's rank.
    int rank() const noexcept { return rank_; }
    /// The number of ranks.
    int size() const noexcept { return size_; }
    /// The MPI handle.
    MPI_Comm get() const noexcept { return comm_; }

    /// Waits for every rank.
    void barrier() const { check(MPI_Barrier(comm_), "MPI_Barrier"); }

    /// Element-wise reduction of `values` over the ranks with op, result on every rank. Only for
    /// exact operations (integers; MIN and MAX): floating-point sums go through gather_to_root so
    /// that their order is fixed.
    template <class T>
    void allreduce(std::span<T> values, MPI_Op op) const {
        check(MPI_Allreduce(MPI_IN_PLACE, values.data(), count_of(values.size()), datatype<T>(), op, comm_),
              "MPI_Allreduce");
    }
    /// One value reduced with op over the ranks.
    template <class T>
    T allreduce(T value, MPI_Op op) const {
        allreduce(std::span<T>(&value, 1), op);
        return value;
    }

    /// Broadcasts `values` (the same count on every rank) from root.
    template <class T>
    void broadcast(std::span<T> values, int root) const {
        check(MPI_Bcast(values.data(), count_of(values.size()), datatype<T>(), root, comm_), "MPI_Bcast");
    }
    /// Broadcasts a vector from root; the others' vectors are resized to root's size.
    template <class T>
    void broadcast(std::vector<T>& values, int root) const {
        std::uint64_t n = values.size();
        broadcast(std::span<std::uint64_t>(&n, 1), root);
        if (rank_ != root) values.resize(static_cast<std::size_t>(n));
        broadcast(std::span<T>(values), root);
    }

    /// Every rank's `mine` (the same count on every rank), concatenated in rank order, on every rank.
    template <class T>
    std::vector<T> allgather(std::span<const T> mine) const {
        std::vector<T> out(mine.size() * static_cast<std::size_t>(size_));
        const int n = count_of(mine.size());
        check(MPI_Allgather(mine.data(), n, datatype<T>(), out.data(), n, datatype<T>(), comm_), "MPI_Allgather");
        return out;
    }
    /// Every rank's `mine` (counts may differ), concatenated in rank order, on every rank; `counts`
    /// receives each rank's count. The counts are exchanged as 64-bit numbers first and checked
    /// against MPI's int counts on every rank (see message_layout), so a message too large for
    /// MPI makes every rank throw invalid_parameter alike instead of one rank leaving the others
    /// waiting.
    template <class T>
    std::vector<T> allgatherv(std::span<const T> mine, std::vector<int>& counts) const {
        const message_layout layout = exchange_counts(mine.size());
        std::vector<T> out(layout.total);
        check(MPI_Allgatherv(mine.data(), layout.counts[static_cast<std::size_t>(rank_)], datatype<T>(), out.data(),
                             layout.counts.data(), layout.displs.data(), datatype<T>(), comm_),
              "MPI_Allgatherv");
        counts = layout.counts;
        return out;
    }
    /// Every rank's `mine` concatenated in rank order on root (empty elsewhere); `counts` receives
    /// each rank's count (on every rank). Sizes are checked on every rank as in allgatherv.
    template <class T>
    std::vector<T> gatherv(std::span<const T> mine, int root, std::vector<int>& counts) const {
        const message_layout layout = exchange_counts(mine.size());
        std::vector<T> out;
        if (rank_ == root) out.resize(layout.total);
        check(MPI_Gatherv(mine.data(), layout.counts[static_cast<std::size_t>(rank_)], datatype<T>(), out.data(),
                          layout.counts.data(), layout.displs.data(), datatype<T>(), root, comm_),
              "MPI_Gatherv");
        counts = layout.counts;
        return out;
    }

    /// The int counts and displacements of a variable-count collective whose ranks send
    /// `counts` elements each. Throws invalid_parameter if a count or the total exceeds `limit`
    /// (MPI's int counts; smaller in tests). Depends only on its arguments, so ranks that pass
    /// the same counts all throw or none does.
    struct message_layout {
        std::vector<int> counts;  ///< each rank's count
        std::vector<int> displs;  ///< each rank's offset in the concatenation
        std::size_t total = 0;    ///< the concatenation's length
    };
    /// See message_layout.
    static message_layout layout_of(std::span<const std::uint64_t> counts,
                                    std::uint64_t limit = static_cast<std::uint64_t>(INT_MAX)) {
        message_layout layout;
        layout.counts.reserve(counts.size());
        layout.displs.reserve(counts.size());
        std::uint64_t at = 0;
        for (std::size_t r = 0; r < counts.size(); ++r) {
            if (counts[r] > limit || at + counts[r] > limit)
                throw invalid_parameter("hdc::mpi: a message of " + std::to_string(counts[r]) + " elements from rank " +
                                        std::to_string(r) + " (" + std::to_string(at + counts[r]) +
                                        " in all so far) is beyond MPI's int counts (split it)");
            layout.displs.push_back(static_cast<int>(at));
            layout.counts.push_back(static_cast<int>(counts[r]));
            at += counts[r];
        }
        layout.total = static_cast<std::size_t>(at);
        return layout;
    }

private:
    /// Every rank's element count, as 64-bit numbers (no int limit), then their layout.
    message_layout exchange_counts(std::size_t mine) const {
        const std::uint64_t n = mine;
        const std::vector<std::uint64_t> all = allgather(std::span<const std::uint64_t>(&n, 1));
        return layout_of(all);
    }
    static int count_of(std::size_t n) {
        if (n > static_cast<std::size_t>(INT_MAX))
            throw invalid_parameter("hdc::mpi: a message of " + std::to_string(n) +
                                    " elements is beyond MPI's int counts (split it)");
        return static_cast<int>(n);
    }

    MPI_Comm comm_;
    int rank_ = 0, size_ = 1;
};

/// Agrees over the ranks on whether a local step failed: `failure` is this rank's message, empty
/// if it succeeded. Throws rank_error on every rank if any rank failed (naming the lowest one and
/// its message); returns otherwise. Collective.
inline void agree(const communicator& comm, const std::string* failure) {
    const int mine = failure ? comm.rank() : comm.size();
    const int lowest = comm.allreduce(mine, MPI_MIN);
    if (lowest == comm.size()) return;
    const int failures = comm.allreduce(failure ? 1 : 0, MPI_SUM);
    std::vector<char> text;
    if (comm.rank() == lowest) text.assign(failure->begin(), failure->end());
    comm.broadcast(text, lowest);
    throw rank_error(lowest, failures, std::string(text.begin(), text.end()));
}

/// Runs the local step f on this rank, then agrees with the others (see agree): returns f's
/// result if no rank failed, throws rank_error on every rank otherwise. Any exception f throws is
/// caught (its what(); "unknown exception" for others). f itself must make no MPI calls (a rank
/// leaving f early would skip them), except collective() steps of its own, whose rank_error is
/// passed on as it is. Collective.
template <class F>
auto collective(const communicator& comm, F&& f) -> decltype(f()) {
    using R = decltype(f());
    static_assert(!std::is_reference_v<R>, "hdc::mpi::collective: f must return a value");
    // f runs inside the try, agree after it: an exception of agree itself (an MPI error) is not
    // caught here, so no rank calls agree a second time.
    std::string message;
    bool failed = false;
    [[maybe_unused]] std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
    try {
        if constexpr (std::is_void_v<R>) f();
        else result.emplace(f());
    } catch (const rank_error&) {
        throw;  // an inner collective already agreed
    } catch (const std::exception& e) {
        failed = true;
        message = e.what();
    } catch (...) {
        failed = true;
        message = "unknown exception";
    }
    agree(comm, failed ? &message : nullptr);
    if constexpr (!std::is_void_v<R>) return std::move(*result);
}

}  // namespace hdc::mpi
