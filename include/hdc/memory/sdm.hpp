// hdc/memory/sdm.hpp - Kanerva's sparse distributed memory (SDM).
//
// N hard locations, each a random binary address of n bits and a row of integer counters, one
// per data bit. A read or write at address x activates every location within Hamming distance r
// of x (found with the packed-bit popcount kernels). A write adds +1 to a counter where the data
// component is +1 (bit 0) and -1 where it is -1 (bit 1); a read sums the counters of the active
// locations and takes the sign per bit. Autoassociative use writes a pattern at its own address
// (and reads iteratively, recall()); heteroassociative use writes data of another vector (of
// another dimension too, with run-time dimensions) at an address.
//
// The radius is chosen from a target activation probability p: the smallest r with
// P(Binomial(n, 1/2) <= r) >= p, computed exactly (in log space), so about p N locations are
// active for any address. Kanerva's prediction of the read error after T random writes is in
// sdm_bit_error_prediction.
//
// Thread safety: const member functions may be called concurrently; write/clear need exclusive
// access.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../core/batch.hpp"
#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/normal.hpp"
#include "../core/rng.hpp"
#include "../core/storage.hpp"
#include "../models/common.hpp"
#include "../simd/bitwise.hpp"
#include "associative.hpp"
#include "state.hpp"

namespace hdc {

/// P(Binomial(n, 1/2) <= r): the probability that a random address lies within Hamming radius r
/// of a given one (exact sum in log space; 1 for r >= n).
inline double sdm_activation_probability(std::size_t n, std::size_t radius) {
    if (n == 0) throw invalid_dimension("sdm_activation_probability: dimension must be positive");
    if (radius >= n) return 1.0;
    // log C(n, k) 2^-n, k = 0..radius, summed relative to the largest term (the last one).
    std::vector<double> logs(radius + 1);
    logs[0] = -static_cast<double>(n) * 0.69314718055994530942;
    for (std::size_t k = 0; k < radius; ++k)
        logs[k + 1] = logs[k] + detail::portable_log(static_cast<double>(n - k) / static_cast<double>(k + 1));
    const double top = *std::max_element(logs.begin(), logs.end());
    double sum = 0;
    for (double l : logs) sum += detail::portable_exp_nonpositive(l - top);
    const double p = detail::portable_exp_nonpositive(std::min(0.0, top + detail::portable_log(sum)));
    return std::min(1.0, p);
}

/// The smallest radius whose activation probability (sdm_activation_probability) is at least p,
/// 0 < p <= 1. Throws invalid_parameter for p outside (0, 1].
inline std::size_t sdm_radius_for(std::size_t n, double probability) {
    if (!(probability > 0 && probability <= 1))
        throw invalid_parameter("sdm_radius_for: the activation probability must lie in (0, 1], got " +
                                std::to_string(probability));
    std::size_t r = 0;
    while (r < n && sdm_activation_probability(n, r) < probability) ++r;
    return r;
}

/// Kanerva's prediction of the probability that one bit read back at a written address is wrong
/// after `writes` writes of random (address, data) pairs into `locations` locations with
/// activation probability p. The read sum at the address is the signal (about N p active
/// locations, all holding the write) plus the other writes' contributions through the
/// locations they share with it: each shares Binomial(N, p^2) on average with a random sign, so
/// the noise variance is (T - 1)(N p^2 (1 - p^2) + (N p^2)^2). Normal approximation: the error is
/// Q(N p / sqrt(noise variance)).
inline double sdm_bit_error_prediction(std::size_t locations, double p, std::size_t writes) {
    if (writes <= 1) return 0.0;
    const double n = static_cast<double>(locations), q = p * p;
    const double noise = static_cast<double>(writes - 1) * (n * q * (1 - q) + n * q * n * q);
    return normal_tail(n * p / std::sqrt(noise));
}

/// Options of sparse_distributed_memory.
struct sdm_options {
    std::size_t locations = 10000;         ///< number of hard locations N
    double activation_probability = 0.01;  ///< target fraction of active locations (chooses the radius)
    std::size_t radius = 0;                ///< if nonzero, the radius itself (overrides the probability)
    std::uint64_t seed = 0;                ///< seeds the random hard-location addresses
};

/// What a read returns: the data and how many locations were active.
template <class V>
struct sdm_read_result {
    V data;                  ///< sign of the summed counters per bit (a zero sum reads as bit 0, i.e. +1)
    std::size_t active = 0;  ///< active locations
};

/// Kanerva's sparse distributed memory with addresses and data of a sign-bit family (binary or
/// bipolar).
template <sign_bit_vector V>
class sparse_distributed_memory {
public:
    using vector_type = V;

    /// A memory for addresses of address_dim bits and data of data_dim bits (equal for
    /// autoassociative use; both must equal D for a fixed-dimension V). Hard-location addresses
    /// are V::random from rng(seed), location 0 first. Throws invalid_parameter for zero
    /// locations or an activation probability outside (0, 1], invalid_dimension for bad dims.
    sparse_distributed_memory(std::size_t address_dim, std::size_t data_dim, const sdm_options& options = {})
        : address_dim_(V(address_dim).dim()), data_dim_(V(data_dim).dim()), seed_(options.seed) {
        if (options.locations == 0) throw invalid_parameter("sparse_distributed_memory: zero hard locations");
        if (options.locations > (std::size_t{1} << 32))
            throw invalid_parameter("sparse_distributed_memory: more than 2^32 hard locations");
        radius_ = options.radius != 0 ? options.radius : sdm_radius_for(address_dim_, options.activation_probability);
        if (radius_ > address_dim_)
            throw invalid_parameter("sparse_distributed_memory: radius " + std::to_string(radius_) +
                                    " exceeds the address dimension " + std::to_string(address_dim_));
        locations_ = options.locations;
        stride_ = row_stride<V>(address_dim_);
        addresses_ = aligned_buffer<std::uint64_t>(locations_ * stride_);
        counters_.assign(locations_ * data_dim_, 0);
        rng gen(seed_);
        for (std::size_t l = 0; l < locations_; ++l)
            row_traits<V>::store(V::random(gen, address_dim_), addresses_.data() + l * stride_);
    }
    /// An autoassociative memory for vectors of dimension dim.
    explicit sparse_distributed_memory(std::size_t dim, const sdm_options& options = {})
        : sparse_distributed_memory(dim, dim, options) {}

    /// Address dimension n.
    std::size_t address_dim() const noexcept { return address_dim_; }
    /// Data dimension.
    std::size_t data_dim() const noexcept { return data_dim_; }
    /// Number of hard locations N.
    std::size_t locations() const noexcept { return locations_; }
    /// Activation radius r.
    std::size_t radius() const noexcept { return radius_; }
    /// The probability that a location is active for a random address.
    double activation_probability() const { return sdm_activation_probability(address_dim_, radius_); }
    /// Writes so far.
    std::size_t writes() const noexcept { return writes_; }
    /// Hard location l's address.
    V location_address(std::size_t l) const {
        if (l >= locations_) throw invalid_parameter("sparse_distributed_memory: location " + std::to_string(l) + " out of range");
        return row_traits<V>::load(addresses_.data() + l * stride_, address_dim_);
    }
    /// Hard location l's counters.
    std::span<const std::int32_t> counters(std::size_t l) const {
        if (l >= locations_) throw invalid_parameter("sparse_distributed_memory: location " + std::to_string(l) + " out of range");
        return {counters_.data() + l * data_dim_, data_dim_};
    }

    /// The hard locations within the radius of address, in increasing order.
    std::vector<std::uint32_t> active(const V& address) const {
        detail::check_same_dim("sparse_distributed_memory: address", address.dim(), address_dim_);
        aligned_buffer<std::uint64_t> q(stride_);
        row_traits<V>::store(address, q.data());
        std::vector<std::uint32_t> out;
        constexpr std::size_t chunk = 1024;
        std::uint32_t h[chunk];
        const std::size_t words = (address_dim_ + 63) / 64;
        for (std::size_t first = 0; first < locations_; first += chunk) {
            const std::size_t n = std::min(chunk, locations_ - first);
            simd::hamming_one_to_many(q.data(), addresses_.data() + first * stride_, n, words, stride_, h);
            for (std::size_t i = 0; i < n; ++i)
                if (h[i] <= radius_) out.push_back(static_cast<std::uint32_t>(first + i));
        }
        return out;
    }

    /// Writes data at address: +1 / -1 into the counters of every active location. Returns the
    /// number of active locations. Throws dimension_mismatch; refuses (invalid_parameter, nothing
    /// changed) a write that could take a counter beyond the int32 range.
    std::size_t write(const V& address, const V& data) {
        detail::check_same_dim("sparse_distributed_memory::write: data", data.dim(), data_dim_);
        if (writes_ >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw invalid_parameter("sparse_distributed_memory::write: counters could overflow (2^31 - 1 writes)");
        const auto on = active(address);
        aligned_buffer<std::uint64_t> bits(row_stride<V>(data_dim_));
        row_traits<V>::store(data, bits.data());
        std::vector<std::int32_t> signs(data_dim_);  // once per write, so the loop below vectorises
        for (std::size_t i = 0; i < data_dim_; ++i) signs[i] = detail::sign_of_bit(bits.data(), i);
        for (std::uint32_t l : on) {
            std::int32_t* c = counters_.data() + static_cast<std::size_t>(l) * data_dim_;
            for (std::size_t i = 0; i < data_dim_; ++i) c[i] += signs[i];
        }
        ++writes_;
        return on.size();
    }
    /// Autoassociative write: the pattern at its own address.
    std::size_t write(const V& pattern) { return write(pattern, pattern); }

    /// The summed counters of the active locations at address, one per data bit.
    std::vector<std::int64_t> sums(const V& address) const { return sums_over(active(address)); }

    /// Reads at address: the sign of the summed counters (a zero sum reads as +1, bit 0).
    sdm_read_result<V> read(const V& address) const {
        const auto on = active(address);
        const auto s = sums_over(on);
        aligned_buffer<std::uint64_t> bits(row_stride<V>(data_dim_));
        for (std::size_t i = 0; i < data_dim_; ++i)
            if (s[i] < 0) bits[i / 64] |= std::uint64_t{1} << (i % 64);
        return {row_traits<V>::load(bits.data(), data_dim_), on.size()};
    }

    /// Autoassociative iterated read: address <- read(address) until it stops changing (or the
    /// cap). Requires equal address and data dimensions (else invalid_parameter).
    hopfield_result<V> recall(const V& address, std::size_t max_iterations = 10) const {
        if (address_dim_ != data_dim_)
            throw invalid_parameter("sparse_distributed_memory::recall: address and data dimensions differ");
        hopfield_result<V> result{address, 0, false, false};
        for (std::size_t it = 0; it < max_iterations; ++it) {
            V next = read(result.state).data;
            result.iterations = it + 1;
            if (next == result.state) {
                result.converged = true;
                return result;
            }
            result.state = std::move(next);
        }
        return result;
    }

    /// Forgets every write (the hard-location addresses stay).
    void clear() noexcept {
        std::fill(counters_.begin(), counters_.end(), 0);
        writes_ = 0;
    }

    /// The state's kind: "sdm/" and the family's name, so a binary memory's state is not read as
    /// a bipolar one (both store sign words).
    static std::string state_kind() { return "sdm/" + std::string(family_name_v<V>); }

    /// The saved state: kind state_kind(), the dimensions, radius, seed and write count, the
    /// addresses (sign-bit words) and the counters.
    memory_state state() const {
        memory_state s;
        s.kind = state_kind();
        s.version = 1;
        s.set("address_dim", static_cast<double>(address_dim_));
        s.set("data_dim", static_cast<double>(data_dim_));
        s.set("locations", static_cast<double>(locations_));
        s.set("radius", static_cast<double>(radius_));
        s.set_seed("seed", seed_);
        s.set("writes", static_cast<double>(writes_));
        const std::size_t words = (address_dim_ + 63) / 64;
        std::vector<std::uint64_t> addresses(locations_ * words);
        for (std::size_t l = 0; l < locations_; ++l)
            std::copy(addresses_.data() + l * stride_, addresses_.data() + l * stride_ + words, addresses.data() + l * words);
        s.add_array("addresses", {locations_, words}, std::move(addresses));
        s.add_array("counters", {locations_, data_dim_}, counters_);
        return s;
    }

    /// The memory a state describes; throws format_error naming what is wrong.
    static sparse_distributed_memory from_state(const memory_state& s) {
        s.expect(state_kind(), 1);
        const auto n = static_cast<std::size_t>(s.integer("address_dim", 1, max_dimension));
        const auto m = static_cast<std::size_t>(s.integer("data_dim", 1, max_dimension));
        if (V::extent != dynamic && (n != V::extent || m != V::extent))
            throw format_error("saved " + s.kind + " state has dimensions " + std::to_string(n) + " and " + std::to_string(m) +
                               ", not " + std::to_string(V::extent));
        const auto locations = static_cast<std::size_t>(s.integer("locations", 1, std::uint64_t{1} << 32));
        const auto radius = static_cast<std::size_t>(s.integer("radius", 0, n));
        const std::uint64_t seed = s.seed("seed");
        const auto writes = static_cast<std::size_t>(s.integer("writes", 0, 2147483647));
        const std::size_t words = (n + 63) / 64;
        const auto& addresses = s.array<std::uint64_t>("addresses", {locations, words});
        const auto& counters = s.array<std::int32_t>("counters", {locations, m});
        detail::check_tail_bits(s, "addresses", addresses.data(), locations, words, n);
        for (std::size_t i = 0; i < counters.size(); ++i)
            if (counters[i] > static_cast<std::int64_t>(writes) || counters[i] < -static_cast<std::int64_t>(writes))
                throw format_error("saved " + s.kind + " state: counter " + std::to_string(i) + " exceeds the write count");
        sparse_distributed_memory out(n, m, locations, radius, seed, writes);
        for (std::size_t l = 0; l < locations; ++l)
            std::copy(addresses.data() + l * words, addresses.data() + (l + 1) * words, out.addresses_.data() + l * out.stride_);
        out.counters_ = counters;
        return out;
    }

private:
    /// The counters of the given locations summed per data bit.
    std::vector<std::int64_t> sums_over(const std::vector<std::uint32_t>& on) const {
        std::vector<std::int64_t> s(data_dim_, 0);
        for (std::uint32_t l : on) {
            const std::int32_t* c = counters_.data() + static_cast<std::size_t>(l) * data_dim_;
            for (std::size_t i = 0; i < data_dim_; ++i) s[i] += c[i];
        }
        return s;
    }

    /// Storage for a loaded state (addresses and counters filled by the caller).
    sparse_distributed_memory(std::size_t n, std::size_t m, std::size_t locations, std::size_t radius,
                              std::uint64_t seed, std::size_t writes)
        : address_dim_(n), data_dim_(m), locations_(locations), radius_(radius), seed_(seed), writes_(writes),
          stride_(row_stride<V>(n)), addresses_(locations * stride_) {}

    std::size_t address_dim_, data_dim_;
    std::size_t locations_ = 0, radius_ = 0;
    std::uint64_t seed_ = 0;
    std::size_t writes_ = 0;
    std::size_t stride_ = 0;
    aligned_buffer<std::uint64_t> addresses_;
    std::vector<std::int32_t> counters_;
};

}  // namespace hdc
