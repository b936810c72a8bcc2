// hdc/io/serialize.hpp - save and load vectors, item memories, MBAT roles and every learned
// memory (anything with state() / from_state(), through memory_state), in the versioned binary
// format of io/bytes.hpp.
//
//   hdc::save(path, x);                        // x: a vector, std::vector / std::span of vectors,
//   auto y = hdc::load<T>(path);               //    item_memory, mbat_role, memory_state, or any
//   hdc::load(path, existing);                 //    type with state() and T::from_state()
//   hdc::save(stream, x); hdc::load<T>(stream);
//   auto bytes = hdc::to_bytes(x); hdc::from_bytes<T>(bytes);
//
// Round trips are bit-exact. A file written for one family, dimension, element type or content
// cannot be loaded as another: load throws format_error naming what differs. Loading builds a new
// object and validates everything (checksums, sizes, every component against its family's
// invariant) before returning it, so a failed load changes nothing; load(path, existing) assigns
// only after a complete, valid load. save writes a temporary file in the destination's directory
// and renames it over the final name, so a crash never leaves a half-written file there (a failed
// save removes its temporary).
//
// Payloads (all little-endian, see io/bytes.hpp for the header):
//   vectors       per vector its components: binary the packed 64-bit words (tail bits zero),
//                 bipolar one int8 (+1 / -1) each, real and mbat float32 or float64, phasor the
//                 D real parts then the D imaginary parts (float32), sparse one uint16 index per
//                 block, mcr and cgr one uint16 phase per component (the modulus Q in the
//                 header's block length field), sparse_binary the packed 64-bit words as binary
//   item_memory   per row: label (u32 length, bytes), then the vector as above
//   mbat role     u32 kind (0 haar, 1 structured, 2 keyed), then: haar the D x D matrix column by
//                 column; structured for each of 4 signed permutations D u32 indices and
//                 ceil(D/64) u64 sign words, then (D not a power of two) 3 x ceil(D/64) u64 flip
//                 words; keyed D cosines then D sines
//   memory_state  kind (string), u32 version, u64 parameter count, per parameter name and f64,
//                 u64 array count, per array name, u32 element type (1 f32, 2 f64, 3 i32, 4 i64,
//                 5 u64), u32 rank, rank u64 extents, the values
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#endif

#include "../core/error.hpp"
#include "../core/extent.hpp"
#include "../core/rng.hpp"
#include "../core/vector_storage.hpp"
#include "../memory/item_memory.hpp"
#include "../memory/state.hpp"
#include "../models/binary.hpp"
#include "../models/bipolar.hpp"
#include "../models/hrr.hpp"
#include "../models/cgr.hpp"
#include "../models/mbat.hpp"
#include "../models/mcr.hpp"
#include "../models/phasor.hpp"
#include "../models/real.hpp"
#include "../models/sparse.hpp"
#include "../models/sparse_binary.hpp"
#include "../models/vtb.hpp"
#include "bytes.hpp"

namespace hdc {
namespace detail {

/// Runs f; turns any hdc::error other than format_error into a format_error prefixed by what.
template <class F>
auto as_format_error(const std::string& what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const format_error&) {
        throw;
    } catch (const error& e) {
        throw format_error(what + ": " + e.what());
    }
}

/// Throws format_error unless n items of `each` bytes fit in what is left of the payload (so no
/// allocation is ever larger than the input).
inline void check_fits(const io::reader& r, std::uint64_t n, std::uint64_t each, const char* what) {
    if (each != 0 && n > r.remaining() / each)
        throw format_error(std::string("truncated payload: ") + what + " announces " + std::to_string(n) +
                           " items, more than the payload holds");
}

/// The on-disk codec of one family: family and element ids, shape in the header, components.
template <class V>
struct vector_codec;

/// Dense families share the shape: the dimension in the header, no block length.
template <class V>
struct dense_shape_codec {
    using shape_type = std::size_t;
    static void put_shape(io::header& h, std::size_t dim) {
        h.dimension = dim;
        h.block_length = 0;
    }
    static std::size_t get_shape(const io::header& h) {
        if (h.block_length != 0)
            throw format_error("block length " + std::to_string(h.block_length) + " given for a dense family");
        if (h.dimension == 0 || h.dimension > max_dimension)
            throw format_error("dimension " + std::to_string(h.dimension) + " is not a valid dimension");
        if (V::extent != dynamic && h.dimension != V::extent)
            throw format_error("file has dimension " + std::to_string(h.dimension) + ", expected " +
                               std::to_string(V::extent));
        return static_cast<std::size_t>(h.dimension);
    }
};

template <std::size_t D>
struct vector_codec<binary<D>> : dense_shape_codec<binary<D>> {
    static constexpr io::family fam = io::family::binary;
    static constexpr io::element type = io::element::words64;
    static std::uint64_t bytes(std::size_t dim) { return (dim + 63) / 64 * 8; }
    static void write(io::writer& w, const binary<D>& v) {
        for (std::uint64_t word : v.words()) w.u64(word);
    }
    static binary<D> read(io::reader& r, std::size_t dim) {
        std::vector<std::uint64_t> words((dim + 63) / 64);
        for (auto& word : words) word = r.u64("binary words");
        return binary<D>::from_words(words, dim);
    }
};

/// Sparse binary codes: the packed words, as binary (read back through from_words, so bits set
/// past the dimension are refused).
template <std::size_t D>
struct vector_codec<sparse_binary<D>> : dense_shape_codec<sparse_binary<D>> {
    static constexpr io::family fam = io::family::sparse_binary;
    static constexpr io::element type = io::element::words64;
    static std::uint64_t bytes(std::size_t dim) { return (dim + 63) / 64 * 8; }
    static void write(io::writer& w, const sparse_binary<D>& v) {
        for (std::uint64_t word : v.words()) w.u64(word);
    }
    static sparse_binary<D> read(io::reader& r, std::size_t dim) {
        std::vector<std::uint64_t> words((dim + 63) / 64);
        for (auto& word : words) word = r.u64("sparse_binary words");
        return sparse_binary<D>::from_words(words, dim);
    }
};

template <std::size_t D>
struct vector_codec<bipolar<D>> : dense_shape_codec<bipolar<D>> {
    static constexpr io::family fam = io::family::bipolar;
    static constexpr io::element type = io::element::int8;
    static std::uint64_t bytes(std::size_t dim) { return dim; }
    static void write(io::writer& w, const bipolar<D>& v) {
        for (std::int8_t x : v.values()) w.i8(x);
    }
    static bipolar<D> read(io::reader& r, std::size_t dim) {
        std::vector<std::int8_t> values(dim);
        for (auto& x : values) x = r.i8("bipolar components");
        return bipolar<D>::from_values(values, dim);
    }
};

/// float32 or float64 components.
template <class T>
constexpr io::element float_element = std::is_same_v<T, float> ? io::element::float32 : io::element::float64;

template <class T>
void write_floats(io::writer& w, std::span<const T> values) {
    for (T x : values) {
        if constexpr (std::is_same_v<T, float>)
            w.f32(x);
        else
            w.f64(x);
    }
}
template <class T>
std::vector<T> read_floats(io::reader& r, std::size_t n, const char* what) {
    std::vector<T> values(n);
    for (auto& x : values) {
        if constexpr (std::is_same_v<T, float>)
            x = r.f32(what);
        else
            x = r.f64(what);
    }
    return values;
}

template <std::size_t D, class T>
struct vector_codec<real<D, T>> : dense_shape_codec<real<D, T>> {
    static constexpr io::family fam = io::family::real;
    static constexpr io::element type = float_element<T>;
    static std::uint64_t bytes(std::size_t dim) { return dim * sizeof(T); }
    static void write(io::writer& w, const real<D, T>& v) { write_floats<T>(w, v.values()); }
    static real<D, T> read(io::reader& r, std::size_t dim) {
        return real<D, T>::from_values(read_floats<T>(r, dim, "real components"), dim);
    }
};

template <std::size_t D, class T>
struct vector_codec<mbat<D, T>> : dense_shape_codec<mbat<D, T>> {
    static constexpr io::family fam = io::family::mbat;
    static constexpr io::element type = float_element<T>;
    static std::uint64_t bytes(std::size_t dim) { return dim * sizeof(T); }
    static void write(io::writer& w, const mbat<D, T>& v) { write_floats<T>(w, v.values()); }
    static mbat<D, T> read(io::reader& r, std::size_t dim) {
        return mbat<D, T>::from_values(read_floats<T>(r, dim, "mbat components"), dim);
    }
};

/// HRR and VTB (models/normal_atoms.hpp): components as they are; a VTB file's dimension must be a
/// perfect square.
template <class F, std::size_t D, class T>
struct vector_codec<normal_vector<F, D, T>> : dense_shape_codec<normal_vector<F, D, T>> {
    using vector_type = normal_vector<F, D, T>;
    static constexpr io::family fam = std::is_same_v<F, hrr_family> ? io::family::hrr : io::family::vtb;
    static constexpr io::element type = float_element<T>;
    static std::size_t get_shape(const io::header& h) {
        const std::size_t dim = dense_shape_codec<vector_type>::get_shape(h);
        if (!F::accepts(dim))
            throw format_error("dimension " + std::to_string(dim) + " is not valid: " + F::rule);
        return dim;
    }
    static std::uint64_t bytes(std::size_t dim) { return dim * sizeof(T); }
    static void write(io::writer& w, const vector_type& v) { write_floats<T>(w, v.values()); }
    static vector_type read(io::reader& r, std::size_t dim) {
        return vector_type::from_values(read_floats<T>(r, dim, "components"), dim);
    }
};

template <std::size_t D>
struct vector_codec<phasor<D>> : dense_shape_codec<phasor<D>> {
    static constexpr io::family fam = io::family::phasor;
    static constexpr io::element type = io::element::float32;
    static std::uint64_t bytes(std::size_t dim) { return dim * 8; }
    static void write(io::writer& w, const phasor<D>& v) {
        write_floats<float>(w, v.re());
        write_floats<float>(w, v.im());
    }
    /// The parts as stored (no renormalisation, so the round trip is exact), each component
    /// checked to be finite and of unit modulus within float rounding.
    static phasor<D> read(io::reader& r, std::size_t dim) {
        const auto re = read_floats<float>(r, dim, "phasor real parts");
        const auto im = read_floats<float>(r, dim, "phasor imaginary parts");
        for (std::size_t i = 0; i < dim; ++i) {
            const double x = re[i], y = im[i];
            if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(std::fma(x, x, y * y) - 1.0) > 1e-5)
                throw format_error("phasor component " + std::to_string(i) + " is not a finite unit complex number");
        }
        auto v = storage_access::for_overwrite<phasor<D>>(dim);
        std::copy(re.begin(), re.end(), storage_access::data(v, 0));
        std::copy(im.begin(), im.end(), storage_access::data(v, 1));
        return v;
    }
};

template <std::size_t B, std::size_t L>
struct vector_codec<sparse<B, L>> {
    using shape_type = sparse_shape;
    static constexpr io::family fam = io::family::sparse;
    static constexpr io::element type = io::element::uint16;
    static void put_shape(io::header& h, const sparse_shape& s) {
        h.dimension = s.blocks;
        h.block_length = s.length;
    }
    static sparse_shape get_shape(const io::header& h) {
        if (h.dimension == 0 || h.dimension > max_dimension || h.block_length == 0 || h.block_length > 65536)
            throw format_error("sparse shape " + std::to_string(h.dimension) + " x " + std::to_string(h.block_length) +
                               " is not valid");
        const sparse_shape s{static_cast<std::size_t>(h.dimension), static_cast<std::size_t>(h.block_length)};
        as_format_error("sparse shape", [&] { return detail::resolve_sparse_shape<B, L>(s); });
        return s;
    }
    static std::uint64_t bytes(const sparse_shape& s) { return s.blocks * 2; }
    static void write(io::writer& w, const sparse<B, L>& v) {
        for (std::uint16_t i : v.indices()) w.u16(i);
    }
    static sparse<B, L> read(io::reader& r, const sparse_shape& s) {
        std::vector<std::uint16_t> idx(s.blocks);
        for (auto& i : idx) i = r.u16("sparse indices");
        return sparse<B, L>::from_indices(idx, s);
    }
};

/// The modular phase codes (mcr, cgr): one uint16 phase per component; the header's block
/// length field holds the modulus Q, checked on load, and every phase is checked below Q.
template <std::size_t D, std::size_t Q, modular_rule R>
struct vector_codec<modular_vector<D, Q, R>> {
    using V = modular_vector<D, Q, R>;
    using shape_type = std::size_t;
    static constexpr io::family fam = R == modular_rule::mcr ? io::family::mcr : io::family::cgr;
    static constexpr io::element type = io::element::uint16;
    static void put_shape(io::header& h, std::size_t dim) {
        h.dimension = dim;
        h.block_length = dim == 0 ? 0 : Q;  // an empty memory keeps "no shape"
    }
    static std::size_t get_shape(const io::header& h) {
        if (h.block_length != Q)
            throw format_error("file has modulus " + std::to_string(h.block_length) + ", expected " + std::to_string(Q));
        io::header dense = h;
        dense.block_length = 0;
        return dense_shape_codec<V>::get_shape(dense);
    }
    static std::uint64_t bytes(std::size_t dim) { return std::uint64_t{dim} * 2; }
    static void write(io::writer& w, const V& v) {
        for (std::uint16_t x : v.values()) w.u16(x);
    }
    static V read(io::reader& r, std::size_t dim) {
        std::vector<std::uint16_t> x(dim);
        for (auto& c : x) c = r.u16("modular phases");
        return as_format_error("modular phases", [&] { return V::from_values(x, dim); });
    }
};

/// A family the file format knows.
template <class V>
concept serializable_vector = hypervector<V> && requires { vector_codec<V>::fam; };

/// True if a shape has no dimension (a default-constructed run-time vector or memory).
template <class Shape>
bool shape_is_empty(const Shape& s) {
    return dim_of(s) == 0;
}

/// The header of a file of n vectors of shape s.
template <serializable_vector V>
io::header vector_header(io::content what, const typename V::shape_type& s, std::size_t n) {
    io::header h;
    h.what = what;
    h.fam = vector_codec<V>::fam;
    h.type = vector_codec<V>::type;
    vector_codec<V>::put_shape(h, s);
    h.count = n;
    return h;
}

/// Checks content, family and element type against what the caller loads.
inline void expect_header(const io::header& h, io::content what, io::family fam, io::element type) {
    if (h.what != what) throw format_error("file holds " + io::name_of(h.what) + ", not " + io::name_of(what));
    if (h.fam != fam)
        throw format_error("file holds " + io::name_of(h.fam) + " data, not " + io::name_of(fam));
    if (h.type != type)
        throw format_error("file has element type " + io::name_of(h.type) + ", expected " + io::name_of(type));
}

/// A whole file: header then payload.
inline std::vector<unsigned char> envelope(const io::header& h, std::vector<unsigned char>&& payload) {
    const auto head = io::encode_header(h, payload);
    std::vector<unsigned char> out(head.size() + payload.size());
    std::copy(head.begin(), head.end(), out.begin());
    std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(head.size()));
    return out;
}

/// n vectors (validated: all of one shape, none empty).
template <serializable_vector V>
std::vector<unsigned char> encode_vectors(std::span<const V> vectors, io::content what = io::content::vectors) {
    typename V::shape_type shape{};
    if constexpr (V::extent != dynamic) shape = V{}.shape();
    if (!vectors.empty()) shape = vectors.front().shape();
    io::writer w;
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        if (shape_is_empty(vectors[i].shape())) throw invalid_dimension("hdc::save: vector " + std::to_string(i) + " has no dimension");
        if (!(vectors[i].shape() == shape))
            throw dimension_mismatch("hdc::save: vectors of different shapes", vectors[i].dim(), dim_of(shape));
        vector_codec<V>::write(w, vectors[i]);
    }
    return envelope(vector_header<V>(what, shape, vectors.size()), std::move(w.bytes()));
}

/// The vectors of a payload, every one validated.
template <serializable_vector V>
std::vector<V> decode_vectors(const io::header& h, io::reader& r) {
    expect_header(h, io::content::vectors, vector_codec<V>::fam, vector_codec<V>::type);
    std::vector<V> out;
    if (h.count == 0) {  // an empty list: no shape, or a valid one (a fixed-dimension list's)
        if (h.dimension != 0 || h.block_length != 0) (void)vector_codec<V>::get_shape(h);
        return out;
    }
    const auto shape = vector_codec<V>::get_shape(h);
    check_fits(r, h.count, vector_codec<V>::bytes(shape), "the vector count");
    out.reserve(static_cast<std::size_t>(h.count));
    for (std::uint64_t i = 0; i < h.count; ++i)
        out.push_back(as_format_error("vector " + std::to_string(i), [&] { return vector_codec<V>::read(r, shape); }));
    return out;
}

template <serializable_vector V>
std::vector<unsigned char> encode_memory(const item_memory<V>& memory) {
    typename V::shape_type shape = memory.shape();
    io::writer w;
    for (std::size_t i = 0; i < memory.size(); ++i) {
        w.str(memory.label(i));
        vector_codec<V>::write(w, memory.vector(i));
    }
    return envelope(vector_header<V>(io::content::item_memory, shape, memory.size()), std::move(w.bytes()));
}

template <serializable_vector V>
item_memory<V> decode_memory(const io::header& h, io::reader& r) {
    expect_header(h, io::content::item_memory, vector_codec<V>::fam, vector_codec<V>::type);
    if (h.dimension == 0 && h.block_length == 0 && h.count == 0 && V::extent == dynamic) return item_memory<V>();
    const auto shape = vector_codec<V>::get_shape(h);
    check_fits(r, h.count, 4 + vector_codec<V>::bytes(shape), "the row count");
    item_memory<V> out(shape);
    out.reserve(static_cast<std::size_t>(h.count));
    for (std::uint64_t i = 0; i < h.count; ++i) {
        std::string label = r.str("a label");
        out.add(std::move(label),
                as_format_error("row " + std::to_string(i), [&] { return vector_codec<V>::read(r, shape); }));
    }
    return out;
}

/// Reads and writes an MBAT role's parts (the friend mbat_role names).
struct mbat_role_access {
    template <std::size_t D, class T>
    static std::vector<unsigned char> encode(const mbat_role<D, T>& role) {
        io::writer w;
        const std::size_t n = role.dim();
        w.u32(static_cast<std::uint32_t>(role.kind_));
        if (role.kind_ == role_kind::haar) {
            write_floats<T>(w, std::span<const T>(role.matrix_.data(), n * n));
        } else if (role.kind_ == role_kind::structured) {
            for (const auto& s : role.perms_) {
                for (std::uint32_t i : s.index) w.u32(i);
                for (std::uint64_t b : s.negate) w.u64(b);
            }
            if (role.block_ != n)
                for (const auto& e : role.flips_)
                    for (std::uint64_t b : e) w.u64(b);
        } else {
            write_floats<T>(w, std::span<const T>(role.cos_));
            write_floats<T>(w, std::span<const T>(role.sin_));
        }
        io::header h;
        h.what = io::content::mbat_role;
        h.fam = io::family::mbat;
        h.type = float_element<T>;
        h.dimension = n;
        h.count = 1;
        return envelope(h, std::move(w.bytes()));
    }

    template <std::size_t D, class T>
    static mbat_role<D, T> decode(const io::header& h, io::reader& r) {
        using role = mbat_role<D, T>;
        expect_header(h, io::content::mbat_role, io::family::mbat, float_element<T>);
        if (h.count != 1) throw format_error("an MBAT role file must hold 1 role, not " + std::to_string(h.count));
        const std::size_t n = dense_shape_codec<mbat<D, T>>::get_shape(h);
        const std::uint32_t kind = r.u32("role kind");
        if (kind > 2) throw format_error("unknown MBAT role kind " + std::to_string(kind));
        role out(static_cast<role_kind>(kind), n);
        const std::size_t words = (n + 63) / 64;
        if (out.kind_ == role_kind::haar) {
            check_fits(r, n, n * sizeof(T), "the haar matrix");
            const auto values = read_floats<T>(r, n * n, "haar matrix");
            out.matrix_.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
            for (std::size_t j = 0; j < n; ++j) {
                double norm2 = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const double x = values[j * n + i];
                    if (!std::isfinite(x)) throw format_error("haar role: entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is not finite");
                    norm2 = std::fma(x, x, norm2);
                }
                if (std::fabs(norm2 - 1.0) > 1e-3)
                    throw format_error("haar role: column " + std::to_string(j) + " is not a unit vector");
            }
            std::copy(values.begin(), values.end(), out.matrix_.data());
        } else if (out.kind_ == role_kind::structured) {
            check_fits(r, 4, n * 4 + words * 8, "the permutations");
            for (auto& s : out.perms_) {
                s.index.resize(n);
                std::vector<char> seen(n, 0);
                for (auto& i : s.index) {
                    i = r.u32("permutation index");
                    if (i >= n || seen[i]) throw format_error("structured role: a permutation is not a permutation of 0.." + std::to_string(n - 1));
                    seen[i] = 1;
                }
                s.negate.resize(words);
                for (auto& b : s.negate) b = r.u64("permutation signs");
                if (n % 64 && (s.negate.back() >> (n % 64)) != 0)
                    throw format_error("structured role: sign bits set beyond the dimension");
            }
            out.block_ = std::size_t{1} << (std::bit_width(n) - 1);
            if (out.block_ != n)
                for (auto& e : out.flips_) {
                    e.resize(words);
                    for (auto& b : e) b = r.u64("flip signs");
                }
        } else {
            check_fits(r, 2, n * sizeof(T), "the rotation angles");
            out.cos_ = read_floats<T>(r, n, "keyed cosines");
            out.sin_ = read_floats<T>(r, n, "keyed sines");
            for (std::size_t i = 0; i < n; ++i) {
                const double c = out.cos_[i], s = out.sin_[i];
                if (!std::isfinite(c) || !std::isfinite(s) || std::fabs(std::fma(c, c, s * s) - 1.0) > 1e-4)
                    throw format_error("keyed role: rotation " + std::to_string(i) + " is not a finite unit (cos, sin) pair");
            }
            out.mixing_ = mbat_key_mixing(n);
        }
        return out;
    }
};

/// Element type codes of memory_state arrays.
template <class T>
constexpr std::uint32_t state_element_code =
    std::is_same_v<T, float> ? 1 : std::is_same_v<T, double> ? 2 : std::is_same_v<T, std::int32_t> ? 3
                                 : std::is_same_v<T, std::int64_t> ? 4 : 5;

inline std::vector<unsigned char> encode_state(const memory_state& s) {
    io::writer w;
    w.str(s.kind);
    w.u32(s.version);
    w.u64(s.parameters.size());
    for (const auto& [name, value] : s.parameters) {
        w.str(name);
        w.f64(value);
    }
    w.u64(s.arrays.size());
    for (const auto& a : s.arrays) {
        w.str(a.name);
        std::visit(
            [&](const auto& values) {
                using T = typename std::decay_t<decltype(values)>::value_type;
                if (values.size() != a.element_count())
                    throw invalid_parameter("hdc::save: state array '" + a.name + "' has " + std::to_string(values.size()) +
                                            " values for its shape");
                w.u32(state_element_code<T>);
                w.u32(static_cast<std::uint32_t>(a.shape.size()));
                for (std::size_t e : a.shape) w.u64(e);
                for (T v : values) {
                    if constexpr (std::is_same_v<T, float>) w.f32(v);
                    else if constexpr (std::is_same_v<T, double>) w.f64(v);
                    else if constexpr (std::is_same_v<T, std::int32_t>) w.i32(v);
                    else if constexpr (std::is_same_v<T, std::int64_t>) w.i64(v);
                    else w.u64(v);
                }
            },
            a.values);
    }
    io::header h;
    h.what = io::content::memory_state;
    h.count = 1;
    return envelope(h, std::move(w.bytes()));
}

template <class T>
std::vector<T> read_state_values(io::reader& r, std::size_t n) {
    check_fits(r, n, sizeof(T), "a state array");
    std::vector<T> values(n);
    for (auto& v : values) {
        if constexpr (std::is_same_v<T, float>) v = r.f32("state values");
        else if constexpr (std::is_same_v<T, double>) v = r.f64("state values");
        else if constexpr (std::is_same_v<T, std::int32_t>) v = r.i32("state values");
        else if constexpr (std::is_same_v<T, std::int64_t>) v = r.i64("state values");
        else v = r.u64("state values");
    }
    return values;
}

inline memory_state decode_state(const io::header& h, io::reader& r) {
    expect_header(h, io::content::memory_state, io::family::none, io::element::none);
    if (h.count != 1) throw format_error("a memory state file must hold 1 state, not " + std::to_string(h.count));
    if (h.dimension != 0 || h.block_length != 0)
        throw format_error("a memory state file has no dimension or block length (header fields must be 0)");
    memory_state s;
    s.kind = r.str("the state kind");
    s.version = r.u32("the state version");
    const std::uint64_t parameters = r.u64("the parameter count");
    check_fits(r, parameters, 12, "the parameter count");
    for (std::uint64_t i = 0; i < parameters; ++i) {
        std::string name = r.str("a parameter name");
        const double value = r.f64("a parameter value");
        s.parameters.emplace_back(std::move(name), value);
    }
    const std::uint64_t arrays = r.u64("the array count");
    check_fits(r, arrays, 12, "the array count");
    for (std::uint64_t i = 0; i < arrays; ++i) {
        state_array a;
        a.name = r.str("an array name");
        const std::uint32_t code = r.u32("an array element type");
        const std::uint32_t rank = r.u32("an array rank");
        if (code < 1 || code > 5) throw format_error("state array '" + a.name + "' has unknown element type " + std::to_string(code));
        if (rank > 16) throw format_error("state array '" + a.name + "' has rank " + std::to_string(rank) + " (at most 16)");
        std::uint64_t count = 1;
        for (std::uint32_t k = 0; k < rank; ++k) {
            const std::uint64_t e = r.u64("an array extent");
            if (e != 0 && count > r.remaining() / e)
                throw format_error("state array '" + a.name + "' is larger than the payload");
            count *= e;
            a.shape.push_back(static_cast<std::size_t>(e));
        }
        const auto n = static_cast<std::size_t>(count);
        switch (code) {
            case 1: a.values = read_state_values<float>(r, n); break;
            case 2: a.values = read_state_values<double>(r, n); break;
            case 3: a.values = read_state_values<std::int32_t>(r, n); break;
            case 4: a.values = read_state_values<std::int64_t>(r, n); break;
            default: a.values = read_state_values<std::uint64_t>(r, n); break;
        }
        s.arrays.push_back(std::move(a));
    }
    return s;
}

/// A type that describes itself as a memory_state (classifiers, Hopfield, SDM, ...).
template <class C>
concept has_memory_state = requires(const C& c, const memory_state& s) {
    { c.state() } -> std::same_as<memory_state>;
    { C::from_state(s) } -> std::same_as<C>;
};

template <class T>
struct is_mbat_role : std::false_type {};
template <std::size_t D, class T>
struct is_mbat_role<mbat_role<D, T>> : std::true_type {};
template <class T>
struct is_item_memory : std::false_type {};
template <class V>
struct is_item_memory<item_memory<V>> : std::true_type {};
template <class T>
struct is_vector_list : std::false_type {};
template <class V>
struct is_vector_list<std::vector<V>> : std::bool_constant<serializable_vector<V>> {};

/// Decodes the payload of a checked header as T.
template <class T>
T decode_as(const io::header& h, std::span<const unsigned char> payload) {
    io::reader r(payload);
    T out = [&]() -> T {
        if constexpr (serializable_vector<T>) {
            expect_header(h, io::content::vectors, vector_codec<T>::fam, vector_codec<T>::type);
            if (h.count != 1) throw format_error("file holds " + std::to_string(h.count) + " vectors, not 1");
            return std::move(decode_vectors<T>(h, r).front());
        } else if constexpr (is_vector_list<T>::value) {
            return decode_vectors<typename T::value_type>(h, r);
        } else if constexpr (is_item_memory<T>::value) {
            return decode_memory<typename T::vector_type>(h, r);
        } else if constexpr (is_mbat_role<T>::value) {
            return [&]<std::size_t D, class E>(std::type_identity<mbat_role<D, E>>) {
                return mbat_role_access::decode<D, E>(h, r);
            }(std::type_identity<T>{});
        } else if constexpr (std::is_same_v<T, memory_state>) {
            return decode_state(h, r);
        } else {
            static_assert(has_memory_state<T>, "hdc::load: no file format for this type");
            memory_state s = decode_state(h, r);
            return as_format_error("saved state rejected", [&] { return T::from_state(s); });
        }
    }();
    if (r.remaining() != 0)
        throw format_error(std::to_string(r.remaining()) + " bytes of the payload left unread (payload size disagrees with its contents)");
    return out;
}

/// Writes bytes to path through a temporary file in the same directory and a rename.
inline void write_file_atomically(const std::filesystem::path& path, std::span<const unsigned char> bytes) {
    namespace fs = std::filesystem;
    if (path.filename().empty()) throw io_error("hdc::save: '" + path.string() + "' names no file");
    static std::atomic<std::uint64_t> counter{0};  // only makes names differ; clashes are caught by "x" mode
    const std::uint64_t salt = mix64(reinterpret_cast<std::uintptr_t>(&bytes) ^
                                     static_cast<std::uint64_t>(fs::file_time_type::clock::now().time_since_epoch().count()) ^
                                     (counter.fetch_add(1, std::memory_order_relaxed) << 48));
    std::FILE* file = nullptr;
    fs::path temporary;
    int open_error = 0;
    for (int attempt = 0; attempt < 16 && file == nullptr; ++attempt) {
        char suffix[40];
        std::snprintf(suffix, sizeof suffix, ".tmp-%016llx", static_cast<unsigned long long>(mix64(salt + static_cast<std::uint64_t>(attempt))));
        temporary = path;
        temporary += suffix;
        file = std::fopen(temporary.string().c_str(), "wbx");
        open_error = errno;  // captured at once: later calls may overwrite errno
        if (file == nullptr && open_error != EEXIST) break;
    }
    if (file == nullptr)
        throw io_error("hdc::save: cannot create a temporary file next to '" + path.string() + "': " + std::strerror(open_error));
    // The first failing call's errno, captured right after it (so the message is never "Success").
    int failure = 0;
    const auto check = [&failure](bool succeeded) {
        if (!succeeded && failure == 0) failure = errno != 0 ? errno : EIO;
    };
    errno = 0;
    check(bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size());
    check(std::fflush(file) == 0);
#if defined(__unix__) || defined(__APPLE__)
    check(::fsync(::fileno(file)) == 0);  // the data is on disk before the name points to it
#endif
    check(std::fclose(file) == 0);
    std::error_code ec;
    if (failure == 0) fs::rename(temporary, path, ec);
    if (failure != 0 || ec) {
        const std::string reason = ec ? ec.message() : std::strerror(failure);
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw io_error("hdc::save: cannot write '" + path.string() + "': " + reason);
    }
#if defined(__unix__) || defined(__APPLE__)
    // The rename itself is durable only once the directory is synced (POSIX); a directory that
    // cannot be opened or synced leaves the (already complete) file in place, so that is ignored.
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const int dir = ::open(parent.string().c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        (void)::fsync(dir);
        (void)::close(dir);
    }
#endif
}

/// The whole contents of a file.
inline std::vector<unsigned char> read_file(const std::filesystem::path& path) {
    std::FILE* file = std::fopen(path.string().c_str(), "rb");
    if (file == nullptr) throw io_error("hdc::load: cannot open '" + path.string() + "': " + std::strerror(errno));
    std::vector<unsigned char> out;
    unsigned char buffer[1 << 16];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.insert(out.end(), buffer, buffer + n);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) throw io_error("hdc::load: cannot read '" + path.string() + "'");
    return out;
}

}  // namespace detail

/// A type the file format can save: a vector of a known family, a std::vector of them, an
/// item_memory, an MBAT role, a memory_state or anything with state() / from_state().
template <class T>
concept saveable = detail::serializable_vector<T> || detail::is_vector_list<T>::value || detail::is_item_memory<T>::value ||
                   detail::is_mbat_role<T>::value || std::is_same_v<T, memory_state> || detail::has_memory_state<T>;

/// The file bytes of x. Throws invalid_dimension / dimension_mismatch for vectors without a
/// dimension or of mixed shapes.
template <saveable T>
std::vector<unsigned char> to_bytes(const T& x) {
    if constexpr (detail::serializable_vector<T>)
        return detail::encode_vectors<T>(std::span<const T>(&x, 1));
    else if constexpr (detail::is_vector_list<T>::value)
        return detail::encode_vectors<typename T::value_type>(std::span<const typename T::value_type>(x));
    else if constexpr (detail::is_item_memory<T>::value)
        return detail::encode_memory(x);
    else if constexpr (detail::is_mbat_role<T>::value)
        return detail::mbat_role_access::encode(x);
    else if constexpr (std::is_same_v<T, memory_state>)
        return detail::encode_state(x);
    else
        return detail::encode_state(x.state());
}
/// The file bytes of many vectors (loaded back as std::vector<V>).
template <detail::serializable_vector V>
std::vector<unsigned char> to_bytes(std::span<const V> vectors) {
    return detail::encode_vectors<V>(vectors);
}

/// The T held in a file's bytes; throws format_error naming what is wrong (see io/bytes.hpp).
template <saveable T>
T from_bytes(std::span<const unsigned char> bytes) {
    const io::header h = io::decode_header(bytes);
    const auto payload = bytes.subspan(io::header_size);
    io::check_payload(h, payload);
    return detail::decode_as<T>(h, payload);
}

/// Saves x to path atomically (temporary file + rename). Throws io_error if the file cannot be
/// written (nothing is left behind then).
template <saveable T>
void save(const std::filesystem::path& path, const T& x) {
    const auto bytes = to_bytes(x);
    detail::write_file_atomically(path, bytes);
}
/// Saves many vectors to path atomically.
template <detail::serializable_vector V>
void save(const std::filesystem::path& path, std::span<const V> vectors) {
    const auto bytes = to_bytes(vectors);
    detail::write_file_atomically(path, bytes);
}

/// Loads a T from path. Throws io_error if the file cannot be read, format_error if it is not a
/// valid file for T.
template <saveable T>
T load(const std::filesystem::path& path) {
    const auto bytes = detail::read_file(path);
    return from_bytes<T>(bytes);
}
/// Loads path into out, assigning only after the whole file has been read and validated.
template <saveable T>
void load(const std::filesystem::path& path, T& out) {
    T loaded = load<T>(path);
    out = std::move(loaded);
}

/// Writes x's file bytes to a stream. Throws io_error if the stream fails.
template <saveable T>
void save(std::ostream& out, const T& x) {
    const auto bytes = to_bytes(x);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw io_error("hdc::save: the output stream failed");
}

/// Reads one file's bytes (header and announced payload, nothing more) from a stream and
/// decodes them as T. Throws format_error for a truncated or invalid file.
template <saveable T>
T load(std::istream& in) {
    std::vector<unsigned char> bytes(io::header_size);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    const io::header h = io::decode_header(bytes);
    // Read the payload in chunks, so a header announcing a huge size cannot allocate it upfront.
    std::uint64_t left = h.payload_size;
    while (left > 0 && in) {
        const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 20));
        const std::size_t old = bytes.size();
        bytes.resize(old + chunk);
        in.read(reinterpret_cast<char*>(bytes.data() + old), static_cast<std::streamsize>(chunk));
        const auto got = static_cast<std::size_t>(in.gcount());
        bytes.resize(old + got);
        left -= got;
        if (got < chunk) break;  // end of stream before the announced payload
    }
    if (left > 0)
        throw format_error("truncated payload: the header announces " + std::to_string(h.payload_size) + " bytes, the stream held " +
                           std::to_string(h.payload_size - left));
    const auto payload = std::span<const unsigned char>(bytes).subspan(io::header_size);
    io::check_payload(h, payload);
    return detail::decode_as<T>(h, payload);
}

}  // namespace hdc
