#pragma once

// Prometheus' text exposition format (0.0.4): label values and sample values, written once for
// every /metrics writer (proxy, admin API, analytics histograms, storage health, features).

#include <cstdint>
#include <string>
#include <string_view>

namespace gb::gateway {

enum class MetricType
{
    Counter,
    Gauge,
    Histogram,
};

/// Appends a metric family's "# HELP name help" and "# TYPE name type" lines, which its samples
/// follow. help is one line of plain text (no backslash, no line feed).
void appendFamily(std::string& out, std::string_view name, MetricType type, std::string_view help);

/// Appends `"value"`, quoted and escaped as a Prometheus label value: backslash, double quote
/// and line feed become \\, \" and \n; every other byte is copied as it is. Pure; any thread.
void appendLabelValue(std::string& out, std::string_view value);

/// Appends a counter or gauge value: the integer's digits.
void appendValue(std::string& out, std::uint64_t value);
/// Appends a value in seconds (or any real): the shortest text that reads back as the same
/// double (std::to_chars, general form): bucket bounds come out as the plain decimals of every
/// scrape ("0.00025", "2.5"), a Unix time keeps its milliseconds ("1.794812345678e+09").
void appendValue(std::string& out, double value);

} // namespace gb::gateway
