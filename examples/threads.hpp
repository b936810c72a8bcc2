// examples/threads.hpp - the thread pool the examples share: work(t) for t = 0 .. threads - 1,
// t = 0 on the calling thread, all joined before returning or throwing.
#pragma once

#include <cstddef>
#include <thread>
#include <vector>

namespace examples {

/// Calls work(t) for every t in [0, threads) (at least once, t = 0 on the caller) and joins the
/// threads. If a thread cannot be created (std::system_error) or work(0) throws, the threads
/// already started are joined before the exception propagates: destroying a joinable
/// std::thread would call std::terminate. work should catch its own exceptions on t >= 1.
template <class F>
void run_threads(std::size_t threads, F&& work) {
    std::vector<std::thread> pool;
    try {
        pool.reserve(threads > 1 ? threads - 1 : 0);
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back([&work, t] { work(t); });
        work(std::size_t{0});
    } catch (...) {
        for (auto& th : pool) th.join();
        throw;
    }
    for (auto& th : pool) th.join();
}

}  // namespace examples
