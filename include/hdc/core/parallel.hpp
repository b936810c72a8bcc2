// hdc/core/parallel.hpp - the one way the library splits work over an optional thread count.
//
// Work is cut into contiguous parts whose boundaries depend only on the sizes and the thread
// count, every item is computed by the same code whatever the part it falls in, and exceptions
// are carried back to the caller, so results never depend on the number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace hdc {
namespace detail {

/// Number of threads to use: 0 means all hardware threads; never more than there is work.
inline unsigned resolve_threads(unsigned requested, std::size_t work_items) {
    unsigned t = requested == 0 ? std::max(1u, std::thread::hardware_concurrency()) : requested;
    if (work_items < t) t = static_cast<unsigned>(std::max<std::size_t>(1, work_items));
    return t;
}

/// Runs body(part, first, last) over `threads` contiguous parts of [0, n), in parallel; part
/// boundaries are multiples of grain (except n). If bodies throw, every thread is still joined
/// and the exception of the lowest-numbered part that threw is rethrown to the caller.
template <class Body>
void parallel_ranges(std::size_t n, unsigned threads, std::size_t grain, Body body) {
    if (threads <= 1) {
        body(0u, std::size_t{0}, n);
        return;
    }
    grain = std::max<std::size_t>(1, grain);
    const std::size_t units = (n + grain - 1) / grain;
    const std::size_t chunk = (units + threads - 1) / threads * grain;
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> pool;
    auto run = [&body, &errors](unsigned part, std::size_t first, std::size_t last) noexcept {
        try {
            body(part, first, last);
        } catch (...) {
            errors[part] = std::current_exception();
        }
    };
    try {
        pool.reserve(threads - 1);
        for (unsigned t = 1; t < threads; ++t) {
            const std::size_t first = std::min(n, t * chunk), last = std::min(n, first + chunk);
            pool.emplace_back(run, t, first, last);
        }
    } catch (...) {  // a thread could not start: finish the started ones, then report
        for (auto& th : pool) th.join();
        throw;
    }
    run(0u, std::size_t{0}, std::min(n, chunk));
    for (auto& th : pool) th.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace detail
}  // namespace hdc
