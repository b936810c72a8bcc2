// hdc/core/error.hpp - the exception hierarchy of the library.
//
// Every failure caused by bad input is reported by an exception derived from hdc::error whose
// message names the problem (and the values involved), so a caller can catch the whole family
// or one precise kind.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace hdc {

/// Base of every exception the library throws for bad input.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A dimension (or block count / block length) that is not allowed, e.g. zero.
class invalid_dimension : public error {
public:
    using error::error;
};

/// Two operands whose dimensions differ (only possible with run-time dimensions).
class dimension_mismatch : public error {
public:
    dimension_mismatch(const char* operation, std::size_t left, std::size_t right)
        : error(std::string(operation) + ": dimension mismatch (" + std::to_string(left) +
                " vs " + std::to_string(right) + ")"),
          left_(left), right_(right) {}
    /// Dimension of the first operand.
    std::size_t left() const noexcept { return left_; }
    /// Dimension of the second operand.
    std::size_t right() const noexcept { return right_; }

private:
    std::size_t left_, right_;
};

/// A parameter outside its valid range (a weight, a count, a probability, ...).
class invalid_parameter : public error {
public:
    using error::error;
};

/// An operation that needs at least one input received none (e.g. bundling nothing).
class empty_input : public error {
public:
    using error::error;
};

/// A NaN or infinite value where a finite number is required.
class non_finite_value : public error {
public:
    using error::error;
};

/// Malformed external data: a file, a serialized stream, a JSON document.
class format_error : public error {
public:
    using error::error;
};

namespace detail {

/// Throws dimension_mismatch unless the two dimensions agree.
inline void check_same_dim(const char* operation, std::size_t left, std::size_t right) {
    if (left != right) throw dimension_mismatch(operation, left, right);
}

}  // namespace detail
}  // namespace hdc
