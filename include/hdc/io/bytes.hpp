// hdc/io/bytes.hpp - the file format's byte order, header and checksummed envelope.
//
// Every file is a 64-byte header followed by a payload, all little-endian whatever the host
// (written and read through the explicit byte-order helpers below, never by copying a struct):
//
//   offset  size  field
//        0     8  magic "HDCF\r\n\x1a\n" (catches text-mode transfers and foreign files)
//        8     4  format version (1)
//       12     4  content: 1 vectors, 2 item_memory, 3 mbat role, 4 memory_state
//       16     4  family: 0 none, 1 binary, 2 bipolar, 3 real, 4 sparse, 5 mbat, 6 phasor,
//                  7 hrr, 8 vtb, 9 mcr, 10 cgr, 11 sparse_binary
//       20     4  element type: 0 none, 1 64-bit words, 2 int8, 3 float32, 4 float64, 5 uint16
//       24     8  dimension (the number of blocks for sparse)
//       32     8  block length (sparse; the modulus Q for mcr and cgr; 0 otherwise)
//       40     8  count (vectors or rows; 1 for a role or a state)
//       48     8  payload size in bytes
//       56     4  CRC-32C of the payload
//       60     4  CRC-32C of bytes 0..59 (the header itself)
//
// Loading checks, in this order, and throws format_error naming the first problem: magic,
// header size, header checksum, version, content, family, element type, shape, payload size,
// payload checksum, then the payload's own structure and every value (see io/serialize.hpp).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/error.hpp"
#include "crc32c.hpp"

namespace hdc {

/// A file or stream could not be opened, written or renamed (the operating system's reason is in
/// the message). Malformed contents are format_error.
class io_error : public error {
public:
    using error::error;
};

namespace io {

/// The first 8 bytes of every file.
inline constexpr std::array<unsigned char, 8> magic = {'H', 'D', 'C', 'F', 0x0D, 0x0A, 0x1A, 0x0A};
/// The format version this build writes and the newest it reads.
inline constexpr std::uint32_t format_version = 1;
/// Bytes in the header.
inline constexpr std::size_t header_size = 64;

/// What a file holds.
enum class content : std::uint32_t { vectors = 1, item_memory = 2, mbat_role = 3, memory_state = 4 };
/// The vector family of a file (none for a memory_state).
enum class family : std::uint32_t { none = 0, binary = 1, bipolar = 2, real = 3, sparse = 4, mbat = 5, phasor = 6,
                                    hrr = 7, vtb = 8,
                                    mcr = 9, cgr = 10,  // mcr, cgr: Q in the block length field
                                    sparse_binary = 11 };
/// The component type of a file's vectors.
enum class element : std::uint32_t { none = 0, words64 = 1, int8 = 2, float32 = 3, float64 = 4, uint16 = 5 };

/// Readable names, for error messages.
inline std::string name_of(content c) {
    switch (c) {
        case content::vectors: return "vectors";
        case content::item_memory: return "an item_memory";
        case content::mbat_role: return "an MBAT role";
        case content::memory_state: return "a memory state";
    }
    return "unknown content " + std::to_string(static_cast<std::uint32_t>(c));
}
/// Readable family names.
inline std::string name_of(family f) {
    constexpr const char* names[] = {"no family", "binary", "bipolar", "real", "sparse", "mbat", "phasor",
                                     "hrr", "vtb",
                                     "mcr", "cgr", "sparse_binary"};
    const auto i = static_cast<std::uint32_t>(f);
    return i < std::size(names) ? names[i] : "unknown family " + std::to_string(i);
}
/// Readable element type names.
inline std::string name_of(element e) {
    constexpr const char* names[] = {"none", "64-bit words", "int8", "float32", "float64", "uint16"};
    const auto i = static_cast<std::uint32_t>(e);
    return i < 6 ? names[i] : "unknown element type " + std::to_string(i);
}

/// The decoded header fields.
struct header {
    std::uint32_t version = format_version;
    content what = content::vectors;
    family fam = family::none;
    element type = element::none;
    std::uint64_t dimension = 0;
    std::uint64_t block_length = 0;
    std::uint64_t count = 0;
    std::uint64_t payload_size = 0;
    std::uint32_t payload_crc = 0;
};

/// Appends little-endian values to a byte vector.
class writer {
public:
    /// The bytes written so far.
    std::vector<unsigned char>& bytes() noexcept { return out_; }
    /// Appends an unsigned integer of sizeof(T) bytes, least significant first.
    template <class T>
    void put(T v) {
        static_assert(std::is_unsigned_v<T>);
        for (std::size_t k = 0; k < sizeof(T); ++k) out_.push_back(static_cast<unsigned char>(v >> (8 * k)));
    }
    /// One byte.
    void u8(std::uint8_t v) { out_.push_back(v); }
    /// 2 bytes, least significant first.
    void u16(std::uint16_t v) { put(v); }
    /// 4 bytes, least significant first.
    void u32(std::uint32_t v) { put(v); }
    /// 8 bytes, least significant first.
    void u64(std::uint64_t v) { put(v); }
    /// One byte, two's complement.
    void i8(std::int8_t v) { out_.push_back(static_cast<unsigned char>(v)); }
    /// 4 bytes, two's complement, least significant first.
    void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v)); }
    /// 8 bytes, two's complement, least significant first.
    void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v)); }
    /// IEEE-754 binary32, its bits little-endian.
    void f32(float v) { put(std::bit_cast<std::uint32_t>(v)); }
    /// IEEE-754 binary64, its bits little-endian.
    void f64(double v) { put(std::bit_cast<std::uint64_t>(v)); }
    /// A length (u32) and the string's bytes.
    void str(const std::string& s) {
        if (s.size() > 0xFFFFFFFFu) throw invalid_parameter("hdc::save: a string longer than 4 GiB");
        u32(static_cast<std::uint32_t>(s.size()));
        out_.insert(out_.end(), s.begin(), s.end());
    }

private:
    std::vector<unsigned char> out_;
};

/// Reads little-endian values from a byte span; every read past the end throws format_error
/// ("truncated payload").
class reader {
public:
    explicit reader(std::span<const unsigned char> bytes) noexcept : bytes_(bytes) {}
    /// Bytes not read yet.
    std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
    /// Throws format_error unless n more bytes are there.
    void need(std::size_t n, const char* what) const {
        if (n > remaining())
            throw format_error(std::string("truncated payload: ") + what + " needs " + std::to_string(n) +
                               " bytes, " + std::to_string(remaining()) + " left");
    }
    /// Reads an unsigned integer of sizeof(T) bytes, least significant first.
    template <class T>
    T get(const char* what) {
        need(sizeof(T), what);
        T v = 0;
        for (std::size_t k = sizeof(T); k-- > 0;) v = static_cast<T>((v << 8) | bytes_[pos_ + k]);
        pos_ += sizeof(T);
        return v;
    }
    /// 2 bytes as an unsigned integer (`what` names it in the truncation message).
    std::uint16_t u16(const char* what) { return get<std::uint16_t>(what); }
    /// 4 bytes as an unsigned integer.
    std::uint32_t u32(const char* what) { return get<std::uint32_t>(what); }
    /// 8 bytes as an unsigned integer.
    std::uint64_t u64(const char* what) { return get<std::uint64_t>(what); }
    /// One byte, two's complement.
    std::int8_t i8(const char* what) { return static_cast<std::int8_t>(get<std::uint8_t>(what)); }
    /// 4 bytes, two's complement.
    std::int32_t i32(const char* what) { return static_cast<std::int32_t>(get<std::uint32_t>(what)); }
    /// 8 bytes, two's complement.
    std::int64_t i64(const char* what) { return static_cast<std::int64_t>(get<std::uint64_t>(what)); }
    /// IEEE-754 binary32 from its little-endian bits.
    float f32(const char* what) { return std::bit_cast<float>(get<std::uint32_t>(what)); }
    /// IEEE-754 binary64 from its little-endian bits.
    double f64(const char* what) { return std::bit_cast<double>(get<std::uint64_t>(what)); }
    /// A string written by writer::str.
    std::string str(const char* what) {
        const std::uint32_t n = u32(what);
        need(n, what);
        std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
        pos_ += n;
        return s;
    }

private:
    std::span<const unsigned char> bytes_;
    std::size_t pos_ = 0;
};

/// The 64 header bytes of a payload (its size and checksum filled in from it).
inline std::array<unsigned char, header_size> encode_header(header h, std::span<const unsigned char> payload) {
    h.payload_size = payload.size();
    h.payload_crc = crc32c(payload.data(), payload.size());
    writer w;
    w.bytes().assign(magic.begin(), magic.end());
    w.u32(h.version);
    w.u32(static_cast<std::uint32_t>(h.what));
    w.u32(static_cast<std::uint32_t>(h.fam));
    w.u32(static_cast<std::uint32_t>(h.type));
    w.u64(h.dimension);
    w.u64(h.block_length);
    w.u64(h.count);
    w.u64(h.payload_size);
    w.u32(h.payload_crc);
    w.u32(crc32c(w.bytes().data(), w.bytes().size()));
    std::array<unsigned char, header_size> out{};
    std::memcpy(out.data(), w.bytes().data(), header_size);
    return out;
}

/// The header in the first bytes: checks the magic, the size, the header checksum and the
/// version, and throws format_error naming the first that fails. (Content, family and shape are
/// checked by the caller, which knows what it expects.)
inline header decode_header(std::span<const unsigned char> bytes) {
    const std::size_t prefix = bytes.size() < magic.size() ? bytes.size() : magic.size();
    if (prefix > 0 && std::memcmp(bytes.data(), magic.data(), prefix) != 0)
        throw format_error("not an hdc file (wrong magic bytes)");
    if (bytes.empty()) throw format_error("empty input: not an hdc file (no header)");
    if (bytes.size() < header_size)
        throw format_error("truncated file: " + std::to_string(bytes.size()) + " bytes, the header alone needs " +
                           std::to_string(header_size));
    reader r(bytes.first(header_size));
    for (std::size_t k = 0; k < magic.size(); ++k) (void)r.get<std::uint8_t>("magic");
    header h;
    h.version = r.u32("version");
    h.what = static_cast<content>(r.u32("content"));
    h.fam = static_cast<family>(r.u32("family"));
    h.type = static_cast<element>(r.u32("element type"));
    h.dimension = r.u64("dimension");
    h.block_length = r.u64("block length");
    h.count = r.u64("count");
    h.payload_size = r.u64("payload size");
    h.payload_crc = r.u32("payload checksum");
    const std::uint32_t stored = r.u32("header checksum");
    if (stored != crc32c(bytes.data(), header_size - 4))
        throw format_error("corrupted header (header checksum mismatch)");
    if (h.version == 0 || h.version > format_version)
        throw format_error("format version " + std::to_string(h.version) + " is newer than this build reads (1 to " +
                           std::to_string(format_version) + ")");
    return h;
}

/// Checks that the payload after the header is complete and intact: throws format_error for a
/// truncated payload, trailing bytes (when exact) or a checksum mismatch.
inline void check_payload(const header& h, std::span<const unsigned char> payload) {
    if (payload.size() < h.payload_size)
        throw format_error("truncated payload: the header announces " + std::to_string(h.payload_size) +
                           " bytes, " + std::to_string(payload.size()) + " present");
    if (payload.size() > h.payload_size)
        throw format_error(std::to_string(payload.size() - h.payload_size) + " unexpected bytes after the payload");
    if (crc32c(payload.data(), payload.size()) != h.payload_crc)
        throw format_error("corrupted payload (checksum mismatch)");
}

}  // namespace io
}  // namespace hdc
