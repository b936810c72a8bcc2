// hdc/encoders/series.hpp - a set of time series, the input of the time-series encoders
// (encoders/timeseries.hpp) and the output of the .ts loader (io/ts.hpp).
//
// Series may be multivariate (every series has the same number of channels) and may differ in
// length from one series to the next (the channels of one series share its length). All values
// live in one contiguous float buffer, so a set of many short series costs one allocation and
// channel(i, c) is a view, not a copy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../core/error.hpp"

namespace hdc {

/// Time series with a fixed number of channels and a per-series length.
class series_set {
public:
    /// An empty set of series with `channels` channels each. Throws invalid_parameter for 0.
    explicit series_set(std::size_t channels = 1) : channels_(channels) {
        if (channels == 0) throw invalid_parameter("series_set: a series needs at least one channel");
        offsets_.push_back(0);
    }

    /// Appends one series of `length` time steps whose values are given channel after channel
    /// (channels() * length floats, channel 0 first). Throws empty_input for length 0,
    /// invalid_parameter if values.size() is not channels() * length, non_finite_value for a
    /// NaN or infinite value (missing values are the loader's business, never silently kept).
    void add(std::span<const float> values, std::size_t length) {
        if (length == 0) throw empty_input("series_set::add: a series needs at least one time step");
        if (values.size() / channels_ != length || values.size() % channels_ != 0)
            throw invalid_parameter("series_set::add: " + std::to_string(values.size()) +
                                    " values for " + std::to_string(channels_) + " channels of length " +
                                    std::to_string(length));
        for (std::size_t k = 0; k < values.size(); ++k)
            if (!std::isfinite(values[k]))
                throw non_finite_value("series_set::add: series " + std::to_string(size()) + " channel " +
                                       std::to_string(k / length) + " time " + std::to_string(k % length) +
                                       " is not finite");
        values_.insert(values_.end(), values.begin(), values.end());
        offsets_.push_back(values_.size());
    }

    /// Appends a univariate series (channels() must be 1; invalid_parameter otherwise).
    void add(std::span<const float> values) {
        if (channels_ != 1)
            throw invalid_parameter("series_set::add: a univariate series given to a set of " +
                                    std::to_string(channels_) + " channels");
        add(values, values.size());
    }
    /// As above, from a braced list.
    void add(std::initializer_list<float> values) { add(std::span<const float>(values.begin(), values.size())); }

    /// Number of series.
    std::size_t size() const noexcept { return offsets_.size() - 1; }
    /// True when there is no series.
    bool empty() const noexcept { return size() == 0; }
    /// Channels per series.
    std::size_t channels() const noexcept { return channels_; }
    /// Time steps of series i.
    std::size_t length(std::size_t i) const { return (offsets_.at(i + 1) - offsets_.at(i)) / channels_; }
    /// Channel c of series i (a view into the set; valid until the next add).
    std::span<const float> channel(std::size_t i, std::size_t c) const {
        if (c >= channels_)
            throw invalid_parameter("series_set::channel: channel " + std::to_string(c) + " of " +
                                    std::to_string(channels_));
        const std::size_t n = length(i);
        return {values_.data() + offsets_[i] + c * n, n};
    }
    /// Shortest series length (0 for an empty set).
    std::size_t min_length() const noexcept { return extreme_length(false); }
    /// Longest series length (0 for an empty set).
    std::size_t max_length() const noexcept { return extreme_length(true); }
    /// True when every series has the same length (and for an empty set).
    bool equal_length() const noexcept { return min_length() == max_length(); }

    /// The series at the given positions, in that order (e.g. a fold of a cross-validation).
    /// Throws std::out_of_range for an index past the end.
    series_set subset(std::span<const std::size_t> indices) const {
        series_set out(channels_);
        for (const std::size_t i : indices) {
            const std::size_t begin = offsets_.at(i), end = offsets_.at(i + 1);
            out.values_.insert(out.values_.end(), values_.begin() + static_cast<std::ptrdiff_t>(begin),
                               values_.begin() + static_cast<std::ptrdiff_t>(end));
            out.offsets_.push_back(out.values_.size());
        }
        return out;
    }

private:
    std::size_t extreme_length(bool longest) const noexcept {
        if (empty()) return 0;
        std::size_t best = longest ? 0 : std::numeric_limits<std::size_t>::max();
        for (std::size_t i = 0; i < size(); ++i) {
            const std::size_t n = (offsets_[i + 1] - offsets_[i]) / channels_;
            best = longest ? std::max(best, n) : std::min(best, n);
        }
        return best;
    }

    std::size_t channels_;
    std::vector<float> values_;            // series after series, each channel after channel
    std::vector<std::size_t> offsets_;     // offsets_[i] = first value of series i; one past the end last
};

}  // namespace hdc
