// Fuzz target: random bytes into every load of the file format (io/serialize.hpp). Every input
// must either load or throw an hdc::error (format_error for malformed data); anything else (a
// crash, a sanitizer report, another exception, an allocation beyond the input's size) is a bug.
// Memory states are also loaded as every memory and every learner (memory/classifiers.hpp).
// An input that loads as a vector, vector list, item memory, role or memory state must save back
// to exactly the same bytes (the format is canonical).
//
// Seed corpus: run once with HDC_FUZZ_WRITE_SEEDS=DIR set and the fuzzer writes one valid file of
// each kind into DIR, then fuzz with DIR as the corpus:
//   HDC_FUZZ_WRITE_SEEDS=corpus ./fuzz_load -runs=0; ./fuzz_load -max_total_time=300 corpus
#include <hdc/hdc.hpp>
#include <hdc/io/serialize.hpp>
#include <hdc/memory/classifiers.hpp>
#include <hdc/memory/hopfield.hpp>
#include <hdc/memory/sdm.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace {

using bytes = std::span<const unsigned char>;

/// Loads T from the bytes; a loaded canonical value must re-encode to the same bytes.
template <class T, bool Canonical = true>
void try_load(bytes input) {
    try {
        T loaded = hdc::from_bytes<T>(input);
        if constexpr (requires { loaded.empty(); })
            if (loaded.empty()) return;  // an empty list or memory may drop the shape it was saved with
        if constexpr (Canonical) {
            const auto again = hdc::to_bytes(loaded);
            if (!std::equal(again.begin(), again.end(), input.begin(), input.end())) std::abort();
        }
    } catch (const hdc::error&) {
        // rejected as it should be
    }
}

void write_seed(const std::filesystem::path& dir, const std::string& name, const std::vector<unsigned char>& b) {
    std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// A small trained classifier of type C.
template <class C>
C small_classifier() {
    hdc::sample_matrix x(6, 8);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(i % 5) - 2.0f;
    const std::vector<std::int32_t> y{0, 1, 2, 0, 1, 2};
    typename C::options o;
    if constexpr (requires { o.chunks; }) o.chunks = 2;  // CompHD: at most one chunk per dimension
    if constexpr (hdc::classifier_takes_features<C>) {
        o.features = 8;
        C c(8, 3, o);
        c.fit(x, y);
        return c;
    } else {
        C c(8, 3, o);
        c.fit(x, y);
        return c;
    }
}

/// One file per learner (memory/classifiers.hpp).
void write_classifier_seeds(const std::filesystem::path& dir) {
    write_seed(dir, "centroid", hdc::to_bytes(small_classifier<hdc::centroid_classifier>()));
    write_seed(dir, "onlinehd", hdc::to_bytes(small_classifier<hdc::onlinehd_classifier>()));
    write_seed(dir, "adapthd", hdc::to_bytes(small_classifier<hdc::adapthd_classifier>()));
    write_seed(dir, "quanthd", hdc::to_bytes(small_classifier<hdc::quanthd_classifier>()));
    write_seed(dir, "sparsehd", hdc::to_bytes(small_classifier<hdc::sparsehd_classifier>()));
    write_seed(dir, "comphd", hdc::to_bytes(small_classifier<hdc::comphd_classifier>()));
    write_seed(dir, "neuralhd", hdc::to_bytes(small_classifier<hdc::neuralhd_classifier<>>()));
    write_seed(dir, "intrvfl", hdc::to_bytes(small_classifier<hdc::intrvfl_classifier>()));
}

/// One small valid file of each kind.
void write_seeds(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    hdc::rng gen(1);
    write_seed(dir, "binary", hdc::to_bytes(hdc::binary<>::random(gen, 70)));
    write_seed(dir, "bipolar", hdc::to_bytes(hdc::bipolar<>::random(gen, 20)));
    write_seed(dir, "real", hdc::to_bytes(hdc::real<>::random(gen, 5)));
    write_seed(dir, "real_double", hdc::to_bytes(hdc::real<hdc::dynamic, double>::random(gen, 5)));
    write_seed(dir, "mbat", hdc::to_bytes(hdc::mbat<>::random(gen, 6)));
    write_seed(dir, "phasor", hdc::to_bytes(hdc::phasor<>::random(gen, 4)));
    write_seed(dir, "sparse", hdc::to_bytes(hdc::sparse<>::random(gen, hdc::sparse_shape{4, 8})));
    write_seed(dir, "bipolar_list", hdc::to_bytes(std::vector<hdc::bipolar<>>{hdc::bipolar<>::random(gen, 9), hdc::bipolar<>::random(gen, 9)}));
    hdc::item_memory<hdc::binary<>> memory;
    memory.add("a", hdc::binary<>::random(gen, 64));
    memory.add("bc", hdc::binary<>::random(gen, 64));
    write_seed(dir, "item_memory", hdc::to_bytes(memory));
    write_seed(dir, "role_structured", hdc::to_bytes(hdc::mbat_role<>::structured(gen, 6)));
    write_seed(dir, "role_haar", hdc::to_bytes(hdc::mbat_role<>::haar(gen, 3)));
    write_seed(dir, "role_keyed", hdc::to_bytes(hdc::mbat_role<>::for_key(hdc::mbat<>::random(gen, 4))));
    std::vector<hdc::bipolar<>> patterns{hdc::bipolar<>::random(gen, 16), hdc::bipolar<>::random(gen, 16)};
    write_seed(dir, "hopfield", hdc::to_bytes(hdc::classic_hopfield<hdc::bipolar<>>{std::span<const hdc::bipolar<>>(patterns)}));
    std::vector<hdc::real<>> reals{hdc::real<>::random(gen, 3)};
    write_seed(dir, "modern_hopfield", hdc::to_bytes(hdc::modern_hopfield<hdc::real<>>{std::span<const hdc::real<>>(reals)}));
    hdc::sparse_distributed_memory<hdc::binary<>> sdm(8, 4, hdc::sdm_options{3, 0.5, 0, 1});
    sdm.write(hdc::binary<>::random(gen, 8), hdc::binary<>::random(gen, 4));
    write_seed(dir, "sdm", hdc::to_bytes(sdm));
    write_classifier_seeds(dir);
}

/// Every load that could accept the input: the header's content and family pick the loaders
/// (the others would only repeat the same rejection, and exceptions are slow under the
/// sanitizers); one mismatched loader still runs, for the rejection paths.
void load_all(bytes input) {
    hdc::io::header h;
    try {
        h = hdc::io::decode_header(input);
    } catch (const hdc::error&) {
        try_load<hdc::binary<>>(input);  // rejected by the header: every loader says the same
        return;
    }
    using hdc::io::content, hdc::io::family;
    if (h.what == content::vectors) {
        switch (h.fam) {
            case family::binary:
                try_load<hdc::binary<>>(input);
                try_load<hdc::binary<256>>(input);
                try_load<std::vector<hdc::binary<>>>(input);
                break;
            case family::bipolar:
                try_load<hdc::bipolar<>>(input);
                try_load<std::vector<hdc::bipolar<>>>(input);
                break;
            case family::real:
                try_load<hdc::real<>>(input);
                try_load<hdc::real<hdc::dynamic, double>>(input);
                try_load<std::vector<hdc::real<>>>(input);
                break;
            case family::mbat: try_load<hdc::mbat<>>(input); break;
            case family::phasor:
                try_load<hdc::phasor<>>(input);
                try_load<std::vector<hdc::phasor<>>>(input);
                break;
            case family::sparse:
                try_load<hdc::sparse<>>(input);
                try_load<std::vector<hdc::sparse<>>>(input);
                break;
            default: try_load<hdc::binary<>>(input); break;
        }
    } else if (h.what == content::item_memory) {
        try_load<hdc::item_memory<hdc::binary<>>>(input);
        try_load<hdc::item_memory<hdc::real<>>>(input);
        try_load<hdc::item_memory<hdc::sparse<>>>(input);
    } else if (h.what == content::mbat_role) {
        try_load<hdc::mbat_role<>>(input);
    } else if (h.what == content::memory_state) {
        try_load<hdc::memory_state>(input);
        // Memories rebuilt from a state write their own parameter order: not byte-canonical.
        try_load<hdc::classic_hopfield<hdc::bipolar<>>, false>(input);
        try_load<hdc::modern_hopfield<hdc::real<>>, false>(input);
        try_load<hdc::sparse_distributed_memory<hdc::binary<>>, false>(input);
        try_load<hdc::centroid_classifier, false>(input);
        try_load<hdc::onlinehd_classifier, false>(input);
        try_load<hdc::adapthd_classifier, false>(input);
        try_load<hdc::quanthd_classifier, false>(input);
        try_load<hdc::sparsehd_classifier, false>(input);
        try_load<hdc::comphd_classifier, false>(input);
        try_load<hdc::neuralhd_classifier<>, false>(input);
        try_load<hdc::intrvfl_classifier, false>(input);
        // The stream path reads the header, then only the announced payload.
        try {
            std::istringstream stream(std::string(reinterpret_cast<const char*>(input.data()), input.size()));
            (void)hdc::load<hdc::memory_state>(stream);
        } catch (const hdc::error&) {
        }
    }
    if (h.what != content::memory_state) try_load<hdc::memory_state>(input);  // a mismatch
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* dir = std::getenv("HDC_FUZZ_WRITE_SEEDS")) write_seeds(dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    load_all(bytes(data, size));
    // Mutations almost never keep the checksums right: load the input once more with both
    // checksums recomputed (the payload taken as everything after the header), so the payload
    // parsers and validators see the mutated contents too.
    if (size >= hdc::io::header_size) {
        std::vector<unsigned char> sealed(data, data + size);
        const std::uint32_t payload = hdc::crc32c(sealed.data() + 64, sealed.size() - 64);
        for (int k = 0; k < 4; ++k) sealed[56 + k] = static_cast<unsigned char>(payload >> (8 * k));
        const std::uint32_t head = hdc::crc32c(sealed.data(), 60);
        for (int k = 0; k < 4; ++k) sealed[60 + k] = static_cast<unsigned char>(head >> (8 * k));
        load_all(sealed);
    }
    return 0;
}
