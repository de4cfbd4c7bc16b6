#pragma once

#include <algorithm>
#include <bit>
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
/// Moving is cheap (the counts are stolen); a moved-from histogram reads as empty and gets fresh
/// storage on its next record/merge/reset.
class Histogram
{
public:
    static constexpr std::int64_t kHighestTrackable = std::int64_t{1} << 40;
    static constexpr int kSignificantDigits = 3;

    Histogram();
    Histogram(const Histogram&) = default;
    Histogram& operator=(const Histogram&) = default;
    Histogram(Histogram&& other) noexcept;
    Histogram& operator=(Histogram&& other) noexcept;
    ~Histogram() = default;

    void record(std::int64_t ns) noexcept { recordN(ns, 1); }
    void recordN(std::int64_t ns, std::uint64_t n) noexcept;
    void merge(const Histogram& other) noexcept;
    void reset() noexcept;

    std::uint64_t count() const noexcept { return m_count; }
    bool empty() const noexcept { return m_count == 0; }
    std::int64_t min() const noexcept; ///< exact; 0 when empty
    std::int64_t max() const noexcept; ///< exact; 0 when empty
    double mean() const noexcept;      ///< from bucket midpoints; 0 when empty
    double stddev() const noexcept;

    /// Value at percentile p (0..100): the smallest recorded-bucket value v such that at least
    /// p% of the samples are <= v, reported as the bucket's highest equivalent value (clamped to
    /// [min, max]) so p100 == max and p0 == min. 0 when empty.
    std::int64_t valueAtPercentile(double p) const noexcept;

    /// Non-empty buckets in ascending order, for plots and hey's response-time histogram.
    struct Bucket
    {
        std::int64_t lowest;  ///< smallest value that lands in this bucket
        std::int64_t highest; ///< largest value that lands in this bucket
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
    // HdrHistogram's layout for lowest = 1 and 3 significant digits: 2 * 10^3 values need
    // 2^11 linear sub-buckets; every further power of two adds 1024 (the upper half) of them.
    static constexpr int kSubBucketHalfCountMagnitude = 10;
    static constexpr std::uint64_t kSubBucketHalfCount = std::uint64_t{1}
                                                         << kSubBucketHalfCountMagnitude;
    static constexpr std::uint64_t kSubBucketMask = 2 * kSubBucketHalfCount - 1;
    static constexpr int kLeadingZeroBase = 64 - (kSubBucketHalfCountMagnitude + 1);

    // Bucket 0 holds 0..2047 exactly at indices 0..2047; bucket b >= 1 holds [1024 << b,
    // 2048 << b) in steps of 1 << b at indices b * 1024 + (1024..2047). Either way the index is
    // b * 1024 + (v >> b), with b from one count-leading-zeros: no loop, no data-dependent branch.
    static constexpr std::size_t indexFor(std::int64_t value) noexcept
    {
        const auto v =
            static_cast<std::uint64_t>(std::clamp<std::int64_t>(value, 0, kHighestTrackable));
        const int bucket = kLeadingZeroBase - std::countl_zero(v | kSubBucketMask);
        return (static_cast<std::size_t>(bucket) << kSubBucketHalfCountMagnitude) + (v >> bucket);
    }
    // indexFor(kHighestTrackable), spelled out because a class can't call its own constexpr
    // functions in member initializers; histogram.cpp static_asserts that the two agree.
    static constexpr int kTopBucket =
        kLeadingZeroBase - std::countl_zero(static_cast<std::uint64_t>(kHighestTrackable));
    static constexpr std::size_t kTopIndex =
        (static_cast<std::size_t>(kTopBucket) << kSubBucketHalfCountMagnitude) +
        static_cast<std::size_t>(kHighestTrackable >> kTopBucket);
    static constexpr std::size_t kCountsLength = kTopIndex + 1;

    static constexpr std::int64_t lowestAt(std::size_t index) noexcept
    {
        if (index < 2 * kSubBucketHalfCount)
            return static_cast<std::int64_t>(index);
        const int bucket = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
        const std::uint64_t subBucket = (index & (kSubBucketHalfCount - 1)) | kSubBucketHalfCount;
        return static_cast<std::int64_t>(subBucket << bucket);
    }
    static constexpr std::int64_t highestAt(std::size_t index) noexcept
    {
        if (index < 2 * kSubBucketHalfCount)
            return static_cast<std::int64_t>(index);
        const int bucket = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
        return lowestAt(index) + (std::int64_t{1} << bucket) - 1;
    }
    /// Bounds that also cover what clamping put into the first and the top bucket.
    std::int64_t recordedLowestAt(std::size_t index) const noexcept;
    std::int64_t recordedHighestAt(std::size_t index) const noexcept;

    void restoreStorage() noexcept;

    // Non-zero counts only ever live in [indexFor(m_min), indexFor(m_max)], so reset, merge and
    // the readers walk that range instead of all 31745 slots. m_counts is either kCountsLength
    // long or empty (moved-from), and then the histogram is empty.
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    std::int64_t m_min = INT64_MAX;
    std::int64_t m_max = INT64_MIN;
};

inline void Histogram::recordN(std::int64_t ns, std::uint64_t n) noexcept
{
    // A weight of 0 must not move min/max: they would then describe a sample that isn't there.
    if (n == 0)
        return;
    if (m_counts.empty()) [[unlikely]]
        restoreStorage();
    m_counts[indexFor(ns)] += n;
    m_count += n;
    m_min = std::min(m_min, ns);
    m_max = std::max(m_max, ns);
}

} // namespace gb::engine
