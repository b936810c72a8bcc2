// hdc/core/storage.hpp - aligned, padded, zero-initialised heap storage for vector components.
//
// Every model keeps its components in one aligned_buffer. The buffer starts on a 64-byte
// boundary and its capacity is rounded up to whole 64-byte lines, with the padding zeroed, so a
// SIMD kernel may always load full registers (up to AVX-512) without a scalar tail on reads, and
// padding never changes a popcount or a dot product. Vectors are heap-backed even when their
// dimension is a compile-time constant: a 10,000-dimensional complex vector is 80 KB, too large
// for the stack in expressions that create temporaries.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace hdc {

/// Alignment (bytes) of every component buffer: one cache line, one AVX-512 register.
inline constexpr std::size_t storage_alignment = 64;

/// Number of T that fill whole 64-byte lines and hold at least n of them.
template <class T>
constexpr std::size_t padded_count(std::size_t n) noexcept {
    static_assert(storage_alignment % sizeof(T) == 0, "hdc: element size must divide 64");
    constexpr std::size_t per_line = storage_alignment / sizeof(T);
    return (n + per_line - 1) / per_line * per_line;
}

/// Owning, 64-byte aligned array of trivially copyable T with zeroed padding.
/// size() is the logical length; padded_size() the allocated length (a multiple of 64 bytes).
template <class T>
class aligned_buffer {
    static_assert(std::is_trivially_copyable_v<T>, "hdc: aligned_buffer holds trivial types");

public:
    aligned_buffer() noexcept = default;

    /// n zero-initialised elements (all bits zero, padding included).
    explicit aligned_buffer(std::size_t n) : size_(checked_size(n)), padded_(padded_count<T>(n)) {
        if (padded_ != 0) {
            data_ = static_cast<T*>(
                ::operator new(padded_ * sizeof(T), std::align_val_t{storage_alignment}));
            std::memset(static_cast<void*>(data_), 0, padded_ * sizeof(T));
        }
    }

    aligned_buffer(const aligned_buffer& other) : aligned_buffer(other.size_) {
        if (padded_ != 0) std::memcpy(static_cast<void*>(data_), other.data_, padded_ * sizeof(T));
    }
    aligned_buffer(aligned_buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)),
          size_(std::exchange(other.size_, 0)),
          padded_(std::exchange(other.padded_, 0)) {}

    aligned_buffer& operator=(const aligned_buffer& other) {
        if (this != &other) {
            if (padded_ == other.padded_) {  // reuse the allocation
                size_ = other.size_;
                if (padded_ != 0)
                    std::memcpy(static_cast<void*>(data_), other.data_, padded_ * sizeof(T));
            } else {
                aligned_buffer copy(other);
                swap(copy);
            }
        }
        return *this;
    }
    aligned_buffer& operator=(aligned_buffer&& other) noexcept {
        aligned_buffer moved(std::move(other));
        swap(moved);
        return *this;
    }
    ~aligned_buffer() { release(); }

    void swap(aligned_buffer& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(padded_, other.padded_);
    }

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::size_t padded_size() const noexcept { return padded_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T* begin() noexcept { return data_; }
    T* end() noexcept { return data_ + size_; }
    const T* begin() const noexcept { return data_; }
    const T* end() const noexcept { return data_ + size_; }

    /// The logical elements.
    std::span<T> span() noexcept { return {data_, size_}; }
    std::span<const T> span() const noexcept { return {data_, size_}; }

    /// Element-wise equality of the logical elements (padding is always zero).
    friend bool operator==(const aligned_buffer& a, const aligned_buffer& b) noexcept {
        return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
    }

private:
    /// n itself, unless no allocation could hold it (the padded byte count would overflow).
    static std::size_t checked_size(std::size_t n) {
        constexpr std::size_t limit =
            static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(T) - storage_alignment;
        if (n > limit) throw std::bad_array_new_length();
        return n;
    }

    void release() noexcept {
        if (data_) ::operator delete(data_, std::align_val_t{storage_alignment});
        data_ = nullptr;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t padded_ = 0;
};

}  // namespace hdc
