#pragma once

// Prometheus label values in the text exposition format (0.0.4), written once for every
// /metrics writer (proxy, admin API, analytics histograms, storage health).

#include <string>
#include <string_view>

namespace gb::gateway {

/// Appends `"value"`, quoted and escaped as a Prometheus label value: backslash, double quote
/// and line feed become \\, \" and \n; every other byte is copied as it is. Pure; any thread.
void appendLabelValue(std::string& out, std::string_view value);

} // namespace gb::gateway
