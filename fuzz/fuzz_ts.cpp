// fuzz/fuzz_ts.cpp - libFuzzer target for io/ts.hpp: any byte string parsed as a .ts file (with
// the default options, with missing values rejected, and with all-missing channels filled) must
// either give consistent data (one label per series, labels in range, finite values, every
// channel the series' length) or throw an hdc::error; anything else (a crash, a sanitizer report,
// another exception) is a finding.
#include <hdc/io/ts.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(const hdc::ts_data& d) {
    const std::size_t n = d.series.size();
    if (n == 0) std::abort();
    if (!d.class_names.empty() && d.labels.size() != n) std::abort();
    if (!d.targets.empty() && (d.targets.size() != n || !d.labels.empty())) std::abort();
    for (const std::int32_t label : d.labels)
        if (label < 0 || static_cast<std::size_t>(label) >= d.class_names.size()) std::abort();
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t length = d.series.length(i);
        if (length == 0) std::abort();
        for (std::size_t c = 0; c < d.series.channels(); ++c) {
            const auto values = d.series.channel(i, c);
            if (values.size() != length) std::abort();
            for (const float v : values)
                if (!std::isfinite(v)) std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    hdc::ts_options reject, fill;
    reject.missing = hdc::ts_missing::reject;
    fill.all_missing_value = 0.0f;
    const hdc::ts_options* const choices[] = {&fill, &reject, nullptr};  // nullptr: the default arguments
    for (const hdc::ts_options* options : choices) {
        try {
            hdc::ts_data d = options ? hdc::parse_ts(text, *options, "fuzz") : hdc::parse_ts(text);
            check(d);
            if (!d.class_names.empty()) {
                const hdc::ts_data reference = d;
                hdc::align_labels(d, reference);  // onto its own classes: labels unchanged
                if (d.labels != reference.labels) std::abort();
            }
        } catch (const hdc::error&) {
        }
    }
    return 0;
}
