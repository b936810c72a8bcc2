// hdc/io/crc32c.hpp - CRC-32C (Castagnoli), the checksum of the file format.
//
// Written here rather than taken from a library so that users of the header-only library need no
// extra dependency: a table-driven slicing-by-8 implementation (8 bytes per step, tables built
// at compile time) and, when the compiler targets SSE4.2, the crc32 instruction
// (_mm_crc32_u64), which computes the same polynomial. Both give identical results (tested
// against each other and against the standard check value 0xE3069283 for "123456789").
// Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

namespace hdc {
namespace detail {

/// The slicing-by-8 tables: table[0] is the byte-wise table, table[k] advances k more bytes.
inline constexpr std::array<std::array<std::uint32_t, 256>, 8> crc32c_tables = [] {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        t[0][i] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
    return t;
}();

/// Little-endian 64-bit load from unaligned bytes.
inline std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
    return v;
}

}  // namespace detail

/// Continues a CRC-32C over n more bytes with the portable slicing-by-8 tables. `crc` is the
/// value returned for the preceding bytes (0 to start).
inline std::uint32_t crc32c_portable(const void* data, std::size_t n, std::uint32_t crc = 0) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    const auto& t = detail::crc32c_tables;
    std::uint32_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        const std::uint64_t w = detail::load_le64(p) ^ c;
        c = t[7][w & 0xFF] ^ t[6][(w >> 8) & 0xFF] ^ t[5][(w >> 16) & 0xFF] ^ t[4][(w >> 24) & 0xFF] ^
            t[3][(w >> 32) & 0xFF] ^ t[2][(w >> 40) & 0xFF] ^ t[1][(w >> 48) & 0xFF] ^ t[0][w >> 56];
    }
    for (; n > 0; --n, ++p) c = (c >> 8) ^ t[0][(c ^ *p) & 0xFFu];
    return ~c;
}

/// Continues a CRC-32C over n more bytes: the crc32 instruction when the compiler targets SSE4.2,
/// else crc32c_portable (the same value either way).
inline std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc = 0) noexcept {
#if defined(__SSE4_2__) && defined(__x86_64__)
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint64_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);  // x86 is little-endian, as the polynomial's byte order expects
        c = _mm_crc32_u64(c, w);
    }
    auto c32 = static_cast<std::uint32_t>(c);
    for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, *p);
    return ~c32;
#else
    return crc32c_portable(data, n, crc);
#endif
}

}  // namespace hdc
