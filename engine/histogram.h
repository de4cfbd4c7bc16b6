#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::engine {

/// HDR-style log-linear histogram of durations in nanoseconds: 3 significant digits
/// (relative bucket width <= 1/1024) from 1 ns to kHighestTrackable (~18 min). Larger values are
/// clamped into the top bucket but max() stays exact. Memory is fixed (~250 KB) whatever the count.
///
/// Not thread-safe: the engine keeps one per worker thread and merges copies on a tick, so the hot
/// path (record) touches no lock and no shared atomic. Plain value type: copyable, movable.
class Histogram
{
public:
    static constexpr std::int64_t kHighestTrackable = std::int64_t{1} << 40;
    static constexpr int kSignificantDigits = 3;

    Histogram();

    void record(std::int64_t ns) noexcept { recordN(ns, 1); }
    void recordN(std::int64_t ns, std::uint64_t n) noexcept;
    void merge(const Histogram& other) noexcept;
    void reset() noexcept;

    std::uint64_t count() const noexcept { return m_count; }
    bool empty() const noexcept { return m_count == 0; }
    std::int64_t min() const noexcept;  ///< exact; 0 when empty
    std::int64_t max() const noexcept;  ///< exact; 0 when empty
    double mean() const noexcept;       ///< from bucket midpoints; 0 when empty
    double stddev() const noexcept;

    /// Value at percentile p (0..100): the smallest recorded-bucket value v such that at least
    /// p% of the samples are <= v, reported as the bucket's highest equivalent value (clamped to
    /// [min, max]) so p100 == max and p0 == min. 0 when empty.
    std::int64_t valueAtPercentile(double p) const noexcept;

    /// Non-empty buckets in ascending order, for plots and hey's response-time histogram.
    struct Bucket
    {
        std::int64_t lowest;   ///< smallest value that lands in this bucket
        std::int64_t highest;  ///< largest value that lands in this bucket
        std::uint64_t count;
    };
    std::vector<Bucket> buckets() const;

    /// Compact, versioned, text-safe (base64) encoding of the non-empty buckets plus exact
    /// min/max, so snapshots from several engines (and remote agents) merge exactly.
    std::string serialize() const;
    /// nullopt on any malformed, truncated or foreign input: never UB, never a throw.
    static std::optional<Histogram> deserialize(std::string_view text);

    friend bool operator==(const Histogram& a, const Histogram& b) noexcept;

private:
    std::size_t indexFor(std::int64_t value) const noexcept;
    std::int64_t lowestAt(std::size_t index) const noexcept;
    std::int64_t highestAt(std::size_t index) const noexcept;

    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    std::int64_t m_min = INT64_MAX;
    std::int64_t m_max = 0;
};

} // namespace gb::engine
