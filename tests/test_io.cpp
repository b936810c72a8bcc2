// Tests of the file format (io/): CRC-32C, bit-exact round trips for every family, item memory,
// MBAT roles and memory states, the on-disk byte order, every load rejection path, and atomic
// saves.
#include <hdc/io/serialize.hpp>
#include <hdc/memory/hopfield.hpp>
#include <hdc/memory/sdm.hpp>
#include <hdc/models/binary.hpp>
#include <hdc/models/bipolar.hpp>
#include <hdc/models/mbat.hpp>
#include <hdc/models/phasor.hpp>
#include <hdc/models/real.hpp>
#include <hdc/models/sparse.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<unsigned char>;

/// A fresh empty directory for one test.
fs::path scratch_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("hdc_test_io_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Files in a directory.
std::size_t file_count(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) (void)e, ++n;
    return n;
}

/// Recomputes both checksums after a deliberate edit of header fields or payload.
void reseal(bytes& b) {
    const std::uint32_t payload = hdc::crc32c(b.data() + 64, b.size() - 64);
    for (int k = 0; k < 4; ++k) b[56 + k] = static_cast<unsigned char>(payload >> (8 * k));
    const std::uint32_t head = hdc::crc32c(b.data(), 60);
    for (int k = 0; k < 4; ++k) b[60 + k] = static_cast<unsigned char>(head >> (8 * k));
}

void put_u32(bytes& b, std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) b[at + k] = static_cast<unsigned char>(v >> (8 * k));
}
void put_u64(bytes& b, std::size_t at, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) b[at + k] = static_cast<unsigned char>(v >> (8 * k));
}

/// from_bytes<T> throws format_error whose message contains `needle`.
template <class T>
void rejects(const bytes& b, const std::string& needle) {
    try {
        (void)hdc::from_bytes<T>(b);
        FAIL("accepted a bad file (expected: " << needle << ")");
    } catch (const hdc::format_error& e) {
        INFO("message: " << e.what());
        CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
}

/// Round trip through bytes, a stream and a file.
template <class T>
void round_trip(const T& x, const fs::path& dir) {
    CHECK(hdc::from_bytes<T>(hdc::to_bytes(x)) == x);
    std::stringstream stream;
    hdc::save(stream, x);
    CHECK(hdc::load<T>(stream) == x);
    hdc::save(dir / "x.hdc", x);
    CHECK(hdc::load<T>(dir / "x.hdc") == x);
}

}  // namespace

TEST_CASE("crc32c: the standard check value, and the portable and instruction paths agree", "[io]") {
    const char* check = "123456789";
    CHECK(hdc::crc32c(check, 9) == 0xE3069283u);
    CHECK(hdc::crc32c_portable(check, 9) == 0xE3069283u);
    CHECK(hdc::crc32c(check + 4, 5, hdc::crc32c(check, 4)) == 0xE3069283u);  // incremental
    hdc::rng gen(5);
    std::vector<unsigned char> data(1000);
    for (auto& c : data) c = static_cast<unsigned char>(gen());
    for (std::size_t offset : {0u, 1u, 3u})
        for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 500u, 997u})
            CHECK(hdc::crc32c(data.data() + offset, n) == hdc::crc32c_portable(data.data() + offset, n));
}

TEST_CASE("io: vectors of every family round-trip bit-exactly (one, many, fixed and dynamic)", "[io]") {
    const auto dir = scratch_dir("families");
    hdc::rng gen(11);
    round_trip(hdc::binary<>::random(gen, 100), dir);
    round_trip(hdc::binary<128>::random(gen), dir);
    round_trip(hdc::bipolar<>::random(gen, 70), dir);
    round_trip(hdc::real<>::random(gen, 33), dir);
    round_trip(hdc::real<hdc::dynamic, double>::random(gen, 17), dir);
    round_trip(hdc::mbat<>::random(gen, 40), dir);
    round_trip(hdc::phasor<>::random(gen, 25), dir);
    round_trip(hdc::sparse<>::random(gen, hdc::sparse_shape{12, 300}), dir);

    std::vector<hdc::bipolar<>> many;
    for (int i = 0; i < 5; ++i) many.push_back(hdc::bipolar<>::random(gen, 90));
    round_trip(many, dir);
    CHECK(hdc::from_bytes<std::vector<hdc::bipolar<>>>(hdc::to_bytes(std::span<const hdc::bipolar<>>(many))) == many);
    round_trip(std::vector<hdc::phasor<>>{}, dir);  // empty list, no dimension

    // Fixed <-> dynamic: the file records the dimension, not how it was known.
    const auto fixed = hdc::binary<128>::random(gen);
    CHECK(hdc::from_bytes<hdc::binary<>>(hdc::to_bytes(fixed)) == hdc::binary<>(fixed));
    CHECK(hdc::from_bytes<hdc::binary<128>>(hdc::to_bytes(hdc::binary<>(fixed))) == fixed);
    rejects<hdc::binary<64>>(hdc::to_bytes(fixed), "dimension 128, expected 64");

    // Nothing to save: a vector without dimension, vectors of mixed shapes.
    CHECK_THROWS_AS(hdc::to_bytes(hdc::real<>()), hdc::invalid_dimension);
    std::vector<hdc::real<>> mixed{hdc::real<>(3), hdc::real<>(4)};
    CHECK_THROWS_AS(hdc::to_bytes(mixed), hdc::dimension_mismatch);
}

TEST_CASE("io: item_memory, MBAT roles, memory states round-trip", "[io]") {
    const auto dir = scratch_dir("containers");
    hdc::rng gen(12);
    hdc::item_memory<hdc::sparse<>> memory;
    for (int i = 0; i < 4; ++i) memory.add("item " + std::to_string(i), hdc::sparse<>::random(gen, hdc::sparse_shape{8, 16}));
    const auto loaded = hdc::from_bytes<hdc::item_memory<hdc::sparse<>>>(hdc::to_bytes(memory));
    REQUIRE(loaded.size() == memory.size());
    for (std::size_t i = 0; i < memory.size(); ++i) {
        CHECK(loaded.label(i) == memory.label(i));
        CHECK(loaded.vector(i) == memory.vector(i));
    }
    CHECK(loaded.find("item 2") == std::optional<std::size_t>(2));
    CHECK(hdc::from_bytes<hdc::item_memory<hdc::real<>>>(hdc::to_bytes(hdc::item_memory<hdc::real<>>())).size() == 0);

    for (std::size_t d : {32u, 48u}) {  // a power of two and not (the structured role differs)
        round_trip(hdc::mbat_role<>::structured(gen, d), dir);
        round_trip(hdc::mbat_role<>::haar(gen, d), dir);
        round_trip(hdc::mbat_role<>::for_key(hdc::mbat<>::random(gen, d)), dir);
    }
    // A loaded role acts as the original.
    const auto role = hdc::mbat_role<>::structured(gen, 48);
    const auto v = hdc::mbat<>::random(gen, 48);
    CHECK(hdc::from_bytes<hdc::mbat_role<>>(hdc::to_bytes(role)).apply(v) == role.apply(v));

    // A hand-built memory_state with every array element type.
    hdc::memory_state s;
    s.kind = "custom";
    s.version = 3;
    s.set("alpha", 0.25);
    s.set("nan is kept", std::numeric_limits<double>::quiet_NaN());
    s.add_array<float>("f", {2, 2}, {1.5f, -0.0f, 3e-40f, 7});
    s.add_array<double>("d", {3}, {1, 2, 3});
    s.add_array<std::int32_t>("i", {1, 2}, {-5, 6});
    s.add_array<std::int64_t>("l", {0}, {});
    s.add_array<std::uint64_t>("u", {1}, {~0ull});
    const auto back = hdc::from_bytes<hdc::memory_state>(hdc::to_bytes(s));
    CHECK(hdc::to_bytes(back) == hdc::to_bytes(s));  // bit-exact, NaN included
    CHECK(back.kind == "custom");
    CHECK(back.version == 3);
    CHECK(back.array<float>("f", {2, 2})[2] == 3e-40f);
    CHECK(std::signbit(back.array<float>("f", {2, 2})[1]));
}

TEST_CASE("memory_state: checked integer and real parameters, exact seeds", "[io]") {
    hdc::memory_state s;
    s.kind = "custom";
    s.set("n", 12);
    s.set("half", 2.5);
    s.set("nan", std::numeric_limits<double>::quiet_NaN());
    s.set_seed("seed", 0xFEDCBA9876543211ull);  // not representable as a double
    const auto back = hdc::from_bytes<hdc::memory_state>(hdc::to_bytes(s));
    CHECK(back.integer("n", 0, 12) == 12);
    CHECK_THROWS_WITH(back.integer("n", 0, 11), Catch::Contains("parameter 'n'"));
    CHECK_THROWS_WITH(back.integer("half", 0, 10), Catch::Contains("not a whole number"));
    CHECK_THROWS_AS(back.integer("nan", 0, 10), hdc::format_error);
    CHECK(back.real("half", 0, 3) == 2.5);
    CHECK_THROWS_WITH(back.real("half", 3, 4), Catch::Contains("outside"));
    CHECK_THROWS_AS(back.real("nan", -1e300, 1e300), hdc::format_error);
    CHECK(back.seed("seed") == 0xFEDCBA9876543211ull);
    CHECK_THROWS_WITH(back.seed("other"), Catch::Contains("missing array 'other'"));
    // A shape whose element count overflows is refused, not wrapped to a small count.
    const std::size_t big = std::size_t{1} << (sizeof(std::size_t) * 4);
    CHECK_THROWS_WITH(s.add_array<float>("huge", {big, big}, {}), Catch::Contains("overflows"));
    CHECK(hdc::state_array{"empty", {big, big, 0}, std::vector<float>{}}.element_count() == 0);
}

TEST_CASE("io: Hopfield and SDM memories save through memory_state", "[io]") {
    const auto dir = scratch_dir("memories");
    hdc::rng gen(13);
    std::vector<hdc::bipolar<>> patterns;
    for (int i = 0; i < 6; ++i) patterns.push_back(hdc::bipolar<>::random(gen, 100));
    const hdc::classic_hopfield<hdc::bipolar<>> classic{std::span<const hdc::bipolar<>>(patterns)};
    hdc::save(dir / "classic.hdc", classic);
    const auto classic2 = hdc::load<hdc::classic_hopfield<hdc::bipolar<>>>(dir / "classic.hdc");
    CHECK(hdc::to_bytes(classic2) == hdc::to_bytes(classic));
    CHECK(classic2.recall(patterns[2]).state == patterns[2]);

    std::vector<hdc::sparse<>> codes;
    for (int i = 0; i < 5; ++i) codes.push_back(hdc::sparse<>::random(gen, hdc::sparse_shape{10, 20}));
    const hdc::modern_hopfield<hdc::sparse<>> modern{std::span<const hdc::sparse<>>(codes), {8.0, 3}};
    const auto modern2 = hdc::from_bytes<hdc::modern_hopfield<hdc::sparse<>>>(hdc::to_bytes(modern));
    CHECK(hdc::to_bytes(modern2) == hdc::to_bytes(modern));
    CHECK(modern2.options().beta == 8.0);

    hdc::sdm_options options;
    options.locations = 300;
    options.activation_probability = 0.1;
    options.seed = 0x123456789ABCDEFull;
    hdc::sparse_distributed_memory<hdc::binary<>> sdm(70, 90, options);
    for (int i = 0; i < 10; ++i) sdm.write(hdc::binary<>::random(gen, 70), hdc::binary<>::random(gen, 90));
    const auto sdm2 = hdc::from_bytes<hdc::sparse_distributed_memory<hdc::binary<>>>(hdc::to_bytes(sdm));
    CHECK(hdc::to_bytes(sdm2) == hdc::to_bytes(sdm));
    const auto probe = hdc::binary<>::random(gen, 70);
    CHECK(sdm2.read(probe).data == sdm.read(probe).data);

    // A state of another kind is refused by name; the destination is untouched.
    auto keep = hdc::classic_hopfield<hdc::bipolar<>>(100);
    hdc::save(dir / "sdm.hdc", sdm);
    CHECK_THROWS_WITH(hdc::load(dir / "sdm.hdc", keep), Catch::Contains("'sdm/binary', not a 'hopfield/bipolar'"));
    CHECK(keep.size() == 0);
}

TEST_CASE("io: a memory saved for one family is refused by a family with the same row layout", "[io]") {
    hdc::rng gen(17);
    // binary and bipolar rows are both sign words.
    std::vector<hdc::binary<>> bits;
    for (int i = 0; i < 3; ++i) bits.push_back(hdc::binary<>::random(gen, 100));
    const hdc::classic_hopfield<hdc::binary<>> classic{std::span<const hdc::binary<>>(bits)};
    rejects<hdc::classic_hopfield<hdc::bipolar<>>>(hdc::to_bytes(classic), "'hopfield/binary', not a 'hopfield/bipolar'");
    CHECK(hdc::from_bytes<hdc::classic_hopfield<hdc::binary<>>>(hdc::to_bytes(classic)).size() == 3);

    // real and mbat rows are both float rows.
    std::vector<hdc::real<>> reals;
    for (int i = 0; i < 3; ++i) reals.push_back(hdc::real<>::random(gen, 64));
    const hdc::modern_hopfield<hdc::real<>> modern{std::span<const hdc::real<>>(reals)};
    rejects<hdc::modern_hopfield<hdc::mbat<>>>(hdc::to_bytes(modern), "'modern_hopfield/real', not a 'modern_hopfield/mbat'");
    std::vector<hdc::mbat<>> mbats;
    for (int i = 0; i < 3; ++i) mbats.push_back(hdc::mbat<>::random(gen, 64));
    const hdc::modern_hopfield<hdc::mbat<>> modern_mbat{std::span<const hdc::mbat<>>(mbats)};
    rejects<hdc::modern_hopfield<hdc::real<>>>(hdc::to_bytes(modern_mbat), "'modern_hopfield/mbat', not a 'modern_hopfield/real'");
    std::vector<hdc::bipolar<>> signs;
    for (int i = 0; i < 3; ++i) signs.push_back(hdc::bipolar<>::random(gen, 64));
    const hdc::modern_hopfield<hdc::bipolar<>> modern_signs{std::span<const hdc::bipolar<>>(signs)};
    rejects<hdc::modern_hopfield<hdc::binary<>>>(hdc::to_bytes(modern_signs), "not a 'modern_hopfield/binary'");

    hdc::sdm_options options;
    options.locations = 50;
    hdc::sparse_distributed_memory<hdc::binary<>> sdm(64, options);
    sdm.write(hdc::binary<>::random(gen, 64));
    rejects<hdc::sparse_distributed_memory<hdc::bipolar<>>>(hdc::to_bytes(sdm), "'sdm/binary', not a 'sdm/bipolar'");
}

TEST_CASE("io: the on-disk byte order is little-endian (a file written by hand loads)", "[io]") {
    // Two real<3> float vectors {1, -2, 0.5} and {0, 3, -1}, built byte by byte.
    bytes payload;
    const auto put_f32 = [&](float f) {
        const auto u = std::bit_cast<std::uint32_t>(f);
        for (int k = 0; k < 4; ++k) payload.push_back(static_cast<unsigned char>(u >> (8 * k)));
    };
    for (float f : {1.0f, -2.0f, 0.5f, 0.0f, 3.0f, -1.0f}) put_f32(f);
    // The library itself writes 1.0f = 0x3F800000 least significant byte first.
    const bytes one = hdc::to_bytes(hdc::real<>::from_values(std::vector<float>{1.0f}));
    REQUIRE(one.size() == 68);
    CHECK(bytes(one.begin() + 64, one.end()) == bytes{0x00, 0x00, 0x80, 0x3F});
    bytes file(64 + payload.size(), 0);
    const unsigned char magic[] = {'H', 'D', 'C', 'F', 0x0D, 0x0A, 0x1A, 0x0A};
    std::copy(std::begin(magic), std::end(magic), file.begin());
    std::copy(payload.begin(), payload.end(), file.begin() + 64);
    put_u32(file, 8, 1);   // version
    put_u32(file, 12, 1);  // vectors
    put_u32(file, 16, 3);  // real
    put_u32(file, 20, 3);  // float32
    put_u64(file, 24, 3);  // dimension
    put_u64(file, 40, 2);  // count
    put_u64(file, 48, payload.size());
    reseal(file);
    const auto v = hdc::from_bytes<std::vector<hdc::real<>>>(file);
    REQUIRE(v.size() == 2);
    CHECK(v[0] == hdc::real<>::from_values(std::vector<float>{1.0f, -2.0f, 0.5f}));
    CHECK(v[1] == hdc::real<>::from_values(std::vector<float>{0.0f, 3.0f, -1.0f}));
    CHECK(hdc::to_bytes(v) == file);  // and saving writes exactly these bytes
}

TEST_CASE("io: every rejection path throws format_error naming the problem", "[io]") {
    hdc::rng gen(14);
    const auto good = hdc::to_bytes(hdc::bipolar<>::random(gen, 64));
    CHECK(hdc::from_bytes<hdc::bipolar<>>(good).dim() == 64);

    rejects<hdc::bipolar<>>({}, "no header");
    bytes foreign = good;
    foreign[0] = 'P';
    rejects<hdc::bipolar<>>(foreign, "wrong magic");
    rejects<hdc::bipolar<>>(bytes(good.begin(), good.begin() + 40), "truncated file");
    rejects<hdc::bipolar<>>(bytes(good.begin(), good.end() - 1), "truncated payload");
    bytes longer = good;
    longer.push_back(0);
    rejects<hdc::bipolar<>>(longer, "unexpected bytes");
    bytes flipped = good;
    flipped[70] ^= 0xFE;  // +1 -> -1 in the payload: only the checksum tells
    rejects<hdc::bipolar<>>(flipped, "corrupted payload");
    bytes header = good;
    header[30] ^= 1;
    rejects<hdc::bipolar<>>(header, "corrupted header");
    bytes newer = good;
    put_u32(newer, 8, 2);
    reseal(newer);
    rejects<hdc::bipolar<>>(newer, "format version 2 is newer");

    // One family's file is not another's.
    rejects<hdc::binary<>>(good, "holds bipolar data, not binary");
    rejects<hdc::item_memory<hdc::bipolar<>>>(good, "holds vectors, not an item_memory");
    rejects<hdc::real<hdc::dynamic, double>>(hdc::to_bytes(hdc::real<>::random(gen, 8)), "element type float32, expected float64");
    rejects<hdc::bipolar<32>>(good, "dimension 64, expected 32");
    rejects<hdc::memory_state>(good, "holds vectors, not a memory state");
    rejects<hdc::mbat_role<>>(hdc::to_bytes(hdc::mbat<>::random(gen, 8)), "holds vectors, not an MBAT role");
    rejects<hdc::bipolar<>>(hdc::to_bytes(std::vector<hdc::bipolar<>>(2, hdc::bipolar<>(4))), "holds 2 vectors, not 1");

    // Values that pass the checksum but break a family's invariant.
    bytes bad_value = good;
    bad_value[64 + 5] = 3;
    reseal(bad_value);
    rejects<hdc::bipolar<>>(bad_value, "vector 0");
    bytes tail = hdc::to_bytes(hdc::binary<>(70));
    tail[64 + 8 + 7] = 0x80;  // bit 127 of a 70-bit vector
    reseal(tail);
    rejects<hdc::binary<>>(tail, "beyond dimension");
    bytes nan = hdc::to_bytes(hdc::real<>(2));
    put_u32(nan, 64, 0x7FC00000u);
    reseal(nan);
    rejects<hdc::real<>>(nan, "finite");
    bytes index = hdc::to_bytes(hdc::sparse<>(hdc::sparse_shape{2, 4}));
    index[64] = 4;
    reseal(index);
    rejects<hdc::sparse<>>(index, "block length");
    bytes modulus = hdc::to_bytes(hdc::phasor<>(2));
    put_u32(modulus, 64, std::bit_cast<std::uint32_t>(0.5f));
    reseal(modulus);
    rejects<hdc::phasor<>>(modulus, "unit complex");
    bytes shape = good;
    put_u64(shape, 24, 0);
    reseal(shape);
    rejects<hdc::bipolar<>>(shape, "not a valid dimension");
    bytes count = good;
    put_u64(count, 40, 1ull << 40);
    reseal(count);
    rejects<std::vector<hdc::bipolar<>>>(count, "announces");
    bytes perm = hdc::to_bytes(hdc::mbat_role<>::structured(gen, 8));
    put_u32(perm, 64 + 4, 0);
    put_u32(perm, 64 + 8, 0);  // index 0 twice
    reseal(perm);
    rejects<hdc::mbat_role<>>(perm, "not a permutation");

    // A state the memory rejects: from_state's message comes through.
    hdc::memory_state s;
    s.kind = "hopfield/bipolar";
    s.set("dimension", 64);
    s.set("count", 1);
    s.add_array<std::uint64_t>("patterns", {1, 2}, {0, 0});
    rejects<hdc::classic_hopfield<hdc::bipolar<>>>(hdc::to_bytes(s), "array 'patterns' has the wrong shape");
    s.version = 9;
    rejects<hdc::classic_hopfield<hdc::bipolar<>>>(hdc::to_bytes(s), "has version 9");

    // A failed load leaves the destination as it was.
    const auto dir = scratch_dir("untouched");
    std::ofstream(dir / "bad.hdc", std::ios::binary).write(reinterpret_cast<const char*>(flipped.data()), static_cast<std::streamsize>(flipped.size()));
    auto target = hdc::bipolar<>::random(gen, 10);
    const auto before = target;
    CHECK_THROWS_AS(hdc::load(dir / "bad.hdc", target), hdc::format_error);
    CHECK(target == before);
    CHECK_THROWS_AS(hdc::load<hdc::bipolar<>>(dir / "missing.hdc"), hdc::io_error);
    std::stringstream cut(std::string(good.begin(), good.end() - 3));
    CHECK_THROWS_WITH(hdc::load<hdc::bipolar<>>(cut), Catch::Contains("truncated payload"));
    // A header announcing 1 TiB: the stream reader fails at the end of the stream, having
    // allocated only what arrived (plus one chunk), never the announced size.
    bytes huge = good;
    put_u64(huge, 48, std::uint64_t{1} << 40);
    reseal(huge);
    std::stringstream announced(std::string(huge.begin(), huge.end()));
    CHECK_THROWS_WITH(hdc::load<hdc::bipolar<>>(announced), Catch::Contains("announces 1099511627776 bytes, the stream held"));
}

TEST_CASE("io: save is atomic: an existing file is replaced whole, a failed save leaves nothing", "[io]") {
    const auto dir = scratch_dir("atomic");
    hdc::rng gen(15);
    const auto first = hdc::real<>::random(gen, 16), second = hdc::real<>::random(gen, 16);
    hdc::save(dir / "v.hdc", first);
    hdc::save(dir / "v.hdc", second);
    CHECK(hdc::load<hdc::real<>>(dir / "v.hdc") == second);
    CHECK(file_count(dir) == 1);  // no temporary left

    // The rename fails (a directory holds the name): the temporary is removed, the directory stays.
    fs::create_directory(dir / "taken");
    CHECK_THROWS_AS(hdc::save(dir / "taken", first), hdc::io_error);
    CHECK(file_count(dir) == 2);
    CHECK(fs::is_directory(dir / "taken"));
    // No directory to write into.
    CHECK_THROWS_AS(hdc::save(dir / "absent" / "v.hdc", first), hdc::io_error);
    CHECK(file_count(dir) == 2);
}
