// fuzz/fuzz_json.cpp - libFuzzer target for encoders/json.hpp: any byte string given as a JSON
// text, as a record stream and as a JSON Pointer must either encode to a unit vector or throw an
// hdc::error; anything else (a crash, a sanitizer report, another exception) is a finding.
// Parsed documents are also recorded in a json_path_memory and queried hierarchically.
#include <hdc/encoders/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace {

const hdc::json_encoder<>& encoder() {
    static const hdc::json_encoder<> enc = [] {
        hdc::json_options o;
        o.max_depth = 64;
        o.soft_strings = true;
        o.role_cache_bytes = std::size_t{8} << 20;  // adversarial keys must not grow memory
        o.number_cache_bytes = std::size_t{8} << 20;  // nor numbers
        return hdc::json_encoder<>(o, 64);
    }();
    return enc;
}

/// A second encoder at D = 100 (no power of two: two overlapping transforms per round, the
/// rotation between rounds, element tails in every sign kernel), with order-free arrays.
const hdc::json_encoder<>& unaligned_encoder() {
    static const hdc::json_encoder<> enc = [] {
        hdc::json_options o;
        o.max_depth = 64;
        o.ordered_arrays = false;
        o.role_cache_bytes = std::size_t{8} << 20;
        return hdc::json_encoder<>(o, 100);
    }();
    return enc;
}

void check_unit(const hdc::mbat<>& v) {
    if (!(std::fabs(hdc::norm(v) - 1.0) < 1e-4)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto& enc = encoder();
    hdc::mbat<> doc(64);
    bool have = false;
    try {
        doc = enc.encode(text);
        check_unit(doc);
        have = true;
    } catch (const hdc::error&) {
    }
    try {
        const auto other = unaligned_encoder().encode(text);
        check_unit(other);
        (void)unaligned_encoder().value_at(other, text.substr(0, 64));
    } catch (const hdc::error&) {
    }
    try {
        std::istringstream in{std::string(text)};
        enc.encode_stream(in, [](std::size_t, const nlohmann::json&, hdc::mbat<>&& v) { check_unit(v); });
    } catch (const hdc::error&) {
    }
    if (have) {
        try {
            (void)enc.value_at(doc, text.substr(0, 64));
        } catch (const hdc::error&) {
        }
        // Hierarchical queries: a memory of the document's own values, queried at the pointer
        // given by the text's head and at every recorded top-level pointer; a recorded pointer
        // must answer, and with a value seen there.
        try {
            hdc::json_path_memory<> memory(enc);
            const nlohmann::json parsed = enc.parse(text);
            memory.add(parsed);
            try {
                (void)memory.query(doc, text.substr(0, 64));
            } catch (const hdc::error&) {
            }
            if (parsed.is_object())
                for (const auto& [k, v] : parsed.items()) {
                    const std::string p = "/" + hdc::json_pointer_escape(k);
                    const auto* values = memory.values(p);
                    if (values == nullptr) continue;  // a key of digits only is not recorded
                    if (memory.query(doc, p).first >= values->size()) std::abort();
                }
        } catch (const hdc::error&) {
        }
    }
    return 0;
}
