#pragma once

// A strict reader of Prometheus text exposition format 0.0.4 for the /metrics tests: parses a
// scrape and says what in it a Prometheus server would reject or misread, so a test checks the
// format once instead of searching for substrings.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::test {

/// One sample line: name, labels (values unescaped), value.
struct PromSample
{
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

/// One metric family: its HELP, its TYPE and its samples in the order they came.
struct PromFamily
{
    std::string name;
    std::string type; ///< counter, gauge, histogram, summary or untyped
    std::string help; ///< unescaped
    std::vector<PromSample> samples;
};

struct PromScrape
{
    std::vector<PromFamily> families;
    /// Empty when the text is valid; else "line N: what is wrong" for the first fault.
    std::string error;

    const PromFamily* family(std::string_view name) const;
    /// The value of the sample `name` whose labels include all of `labels`; nullopt when no
    /// sample or more than one matches.
    std::optional<double> value(std::string_view name,
                                const std::map<std::string, std::string>& labels = {}) const;
};

/// Parses `text` and checks, beyond the grammar (metric and label names, label values with
/// only \\ \" \n escapes, a float value, a final newline): every family has exactly one HELP and
/// one TYPE, both before its samples; a family's lines are contiguous; no series repeats; and
/// every histogram series has _bucket lines with ascending `le` ending at "+Inf", cumulative
/// (non-decreasing) counts, a _sum, and a _count equal to its +Inf bucket.
PromScrape parsePrometheusText(std::string_view text);

} // namespace gb::test
