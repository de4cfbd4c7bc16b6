#include "engine/histogram.h"

#include <array>
#include <cmath>
#include <new>
#include <utility>

// Wire format, version 1 (then base64, standard alphabet, '=' padding, no line breaks):
//
//   u8 magic 'H', u8 version 1, varint runCount,
//   runCount x { varint gap, varint length - 1, length x svarint countDelta },
//   if runCount > 0: svarint min, svarint max
//
// A run is a maximal stretch of adjacent non-empty buckets. The first gap is the first run's
// index; later gaps count from one past the previous run's last index, so they are >= 1. Counts
// are stored as deltas from the previous bucket's count (mod 2^64): neighbouring buckets of a
// latency distribution hold similar counts, so a dense 1M-sample histogram costs about two bytes
// per bucket instead of four with plain (index, count) pairs. varint = LEB128 (minimal length
// only), svarint = zig-zag LEB128. Every histogram has exactly one encoding, which lets tests
// check deserialize(s) -> serialize() == s.

namespace gb::engine {

namespace {

constexpr std::uint8_t kMagic = 'H';
constexpr std::uint8_t kVersion = 1;

constexpr std::uint64_t zigZag(std::uint64_t twosComplement) noexcept
{
    return (twosComplement << 1) ^ (std::uint64_t{0} - (twosComplement >> 63));
}

constexpr std::uint64_t unZigZag(std::uint64_t z) noexcept
{
    return (z >> 1) ^ (std::uint64_t{0} - (z & 1));
}

void putVarint(std::string& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

/// Bounds-checked cursor over untrusted bytes: every read reports failure instead of running off.
class Reader
{
public:
    explicit Reader(std::string_view bytes)
        : m_pos(bytes.data())
        , m_end(bytes.data() + bytes.size())
    {}

    bool byte(std::uint8_t& out) noexcept
    {
        if (m_pos == m_end)
            return false;
        out = static_cast<std::uint8_t>(*m_pos++);
        return true;
    }

    bool varint(std::uint64_t& out) noexcept
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            std::uint8_t b = 0;
            if (!byte(b))
                return false;
            // The 10th byte may only carry bit 63; anything more would overflow 64 bits.
            if (shift == 63 && b > 1)
                return false;
            v |= std::uint64_t{b & 0x7fu} << shift;
            if ((b & 0x80) == 0) {
                // A trailing zero byte is an over-long encoding: refuse it to keep one encoding.
                if (b == 0 && shift != 0)
                    return false;
                out = v;
                return true;
            }
        }
        return false;
    }

    bool svarint(std::int64_t& out) noexcept
    {
        std::uint64_t z = 0;
        if (!varint(z))
            return false;
        out = static_cast<std::int64_t>(unZigZag(z));
        return true;
    }

    bool atEnd() const noexcept { return m_pos == m_end; }

private:
    const char* m_pos;
    const char* m_end;
};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string toBase64(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto at = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out.push_back(kAlphabet[n >> 18]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(kAlphabet[(n >> 6) & 63]);
        out.push_back(kAlphabet[n & 63]);
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        const std::uint32_t n = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
        out.push_back(kAlphabet[n >> 18]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

constexpr std::array<std::int8_t, 256> makeDecodeTable()
{
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int i = 0; i < 64; ++i)
        table[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto kDecodeTable = makeDecodeTable();

/// Strict decoder: whole quanta only, padding only at the very end, unused bits zero. Lenient
/// base64 would give one histogram many spellings and hide corruption in transit.
std::optional<std::string> fromBase64(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad =
            last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
        std::uint32_t n = 0;
        for (int k = 0; k < 4 - pad; ++k) {
            const std::int8_t d = kDecodeTable[static_cast<std::uint8_t>(text[i + k])];
            if (d < 0)
                return std::nullopt;
            n |= static_cast<std::uint32_t>(d) << (18 - 6 * k);
        }
        if ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0))
            return std::nullopt;
        out.push_back(static_cast<char>(n >> 16));
        if (pad < 2)
            out.push_back(static_cast<char>((n >> 8) & 0xff));
        if (pad < 1)
            out.push_back(static_cast<char>(n & 0xff));
    }
    return out;
}

} // namespace

Histogram::Histogram()
    : m_counts(kCountsLength, 0)
{
    // Inside a member so the private layout helpers are reachable from the asserts.
    static_assert(indexFor(kHighestTrackable) == kTopIndex);
    static_assert(lowestAt(kTopIndex) == kHighestTrackable);
    static_assert(highestAt(kTopIndex - 1) == kHighestTrackable - 1);
    static_assert(indexFor(highestAt(5000)) == 5000 && indexFor(highestAt(5000) + 1) == 5001);
    static_assert(kCountsLength * sizeof(std::uint64_t) < 256 * 1024);
}

Histogram::Histogram(Histogram&& other) noexcept
    : m_counts(std::exchange(other.m_counts, {}))
    , m_count(std::exchange(other.m_count, 0))
    , m_min(std::exchange(other.m_min, INT64_MAX))
    , m_max(std::exchange(other.m_max, INT64_MIN))
{}

Histogram& Histogram::operator=(Histogram&& other) noexcept
{
    if (this != &other) {
        m_counts = std::exchange(other.m_counts, {});
        m_count = std::exchange(other.m_count, 0);
        m_min = std::exchange(other.m_min, INT64_MAX);
        m_max = std::exchange(other.m_max, INT64_MIN);
    }
    return *this;
}

void Histogram::restoreStorage() noexcept
{
    // Only reached after a move; failing to get 250 KB back here is as fatal as anywhere else.
    m_counts.assign(kCountsLength, 0);
}

void Histogram::merge(const Histogram& other) noexcept
{
    if (other.m_count == 0)
        return;
    if (m_counts.empty())
        restoreStorage();
    // Read other's bounds before writing ours: other may be *this.
    const std::size_t lo = indexFor(other.m_min);
    const std::size_t hi = indexFor(other.m_max);
    const std::int64_t otherMin = other.m_min;
    const std::int64_t otherMax = other.m_max;
    for (std::size_t i = lo; i <= hi; ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_min = std::min(m_min, otherMin);
    m_max = std::max(m_max, otherMax);
}

void Histogram::reset() noexcept
{
    if (m_counts.empty()) {
        restoreStorage();
    } else if (m_count != 0) {
        std::fill(m_counts.begin() + static_cast<std::ptrdiff_t>(indexFor(m_min)),
                  m_counts.begin() + static_cast<std::ptrdiff_t>(indexFor(m_max)) + 1, 0);
    }
    m_count = 0;
    m_min = INT64_MAX;
    m_max = INT64_MIN;
}

std::int64_t Histogram::min() const noexcept
{
    return m_count == 0 ? 0 : m_min;
}

std::int64_t Histogram::max() const noexcept
{
    return m_count == 0 ? 0 : m_max;
}

std::int64_t Histogram::recordedLowestAt(std::size_t index) const noexcept
{
    return index == 0 ? std::min(std::int64_t{0}, m_min) : lowestAt(index);
}

std::int64_t Histogram::recordedHighestAt(std::size_t index) const noexcept
{
    return index == kTopIndex ? std::max(highestAt(index), m_max) : highestAt(index);
}

double Histogram::mean() const noexcept
{
    if (m_count == 0)
        return 0.0;
    double sum = 0.0;
    for (std::size_t i = indexFor(m_min), hi = indexFor(m_max); i <= hi; ++i) {
        if (m_counts[i] != 0)
            sum += static_cast<double>(m_counts[i]) *
                   ((static_cast<double>(lowestAt(i)) + static_cast<double>(highestAt(i))) / 2);
    }
    return sum / static_cast<double>(m_count);
}

double Histogram::stddev() const noexcept
{
    if (m_count == 0)
        return 0.0;
    const double mu = mean();
    double sum = 0.0;
    for (std::size_t i = indexFor(m_min), hi = indexFor(m_max); i <= hi; ++i) {
        if (m_counts[i] != 0) {
            const double mid =
                (static_cast<double>(lowestAt(i)) + static_cast<double>(highestAt(i))) / 2;
            sum += static_cast<double>(m_counts[i]) * (mid - mu) * (mid - mu);
        }
    }
    return std::sqrt(sum / static_cast<double>(m_count));
}

std::int64_t Histogram::valueAtPercentile(double p) const noexcept
{
    if (m_count == 0)
        return 0;
    // !(p > 0) also sends NaN here rather than into the rank arithmetic.
    if (!(p > 0))
        return m_min;
    if (p >= 100)
        return m_max;
    // p * count / 100 rather than p / 100 * count: for the usual 99.9 / 99.99 it lands exactly on
    // the integer rank, where the other order overshoots by an ulp and ceil() adds a whole sample.
    const double exactRank = std::ceil(p * static_cast<double>(m_count) / 100.0);
    const std::uint64_t rank =
        std::clamp<std::uint64_t>(static_cast<std::uint64_t>(exactRank), 1, m_count);
    std::uint64_t seen = 0;
    const std::size_t hi = indexFor(m_max);
    for (std::size_t i = indexFor(m_min); i <= hi; ++i) {
        seen += m_counts[i];
        if (seen >= rank)
            return std::clamp(recordedHighestAt(i), m_min, m_max);
    }
    return m_max;
}

std::vector<Histogram::Bucket> Histogram::buckets() const
{
    std::vector<Bucket> out;
    if (m_count == 0)
        return out;
    for (std::size_t i = indexFor(m_min), hi = indexFor(m_max); i <= hi; ++i) {
        if (m_counts[i] != 0)
            out.push_back({recordedLowestAt(i), recordedHighestAt(i), m_counts[i]});
    }
    return out;
}

std::string Histogram::serialize() const
{
    std::string runs;
    std::uint64_t runCount = 0;
    if (m_count != 0) {
        const std::size_t hi = indexFor(m_max);
        std::size_t i = indexFor(m_min);
        std::size_t nextFree = 0;
        std::uint64_t previous = 0;
        while (i <= hi) {
            if (m_counts[i] == 0) {
                ++i;
                continue;
            }
            std::size_t end = i + 1;
            while (end <= hi && m_counts[end] != 0)
                ++end;
            putVarint(runs, i - nextFree);
            putVarint(runs, end - i - 1);
            for (; i < end; ++i) {
                putVarint(runs, zigZag(m_counts[i] - previous));
                previous = m_counts[i];
            }
            nextFree = end;
            ++runCount;
        }
    }
    std::string bytes;
    bytes.reserve(runs.size() + 24);
    bytes.push_back(static_cast<char>(kMagic));
    bytes.push_back(static_cast<char>(kVersion));
    putVarint(bytes, runCount);
    bytes += runs;
    if (runCount != 0) {
        putVarint(bytes, zigZag(static_cast<std::uint64_t>(m_min)));
        putVarint(bytes, zigZag(static_cast<std::uint64_t>(m_max)));
    }
    return toBase64(bytes);
}

std::optional<Histogram> Histogram::deserialize(std::string_view text)
{
    // Worst case: every other bucket is a run of one with 3-byte gap, 1-byte length and a 10-byte
    // delta. Anything longer is not ours, and refusing it early bounds the decode buffer.
    constexpr std::size_t kMaxBytes = 2 + 10 + (kCountsLength + 1) / 2 * (3 + 1 + 10) + 2 * 10;
    if (text.size() > (kMaxBytes + 2) / 3 * 4)
        return std::nullopt;
    const std::optional<std::string> bytes = fromBase64(text);
    if (!bytes)
        return std::nullopt;

    Reader in(*bytes);
    std::uint8_t magic = 0;
    std::uint8_t version = 0;
    std::uint64_t runCount = 0;
    if (!in.byte(magic) || magic != kMagic || !in.byte(version) || version != kVersion ||
        !in.varint(runCount) || runCount > (kCountsLength + 1) / 2)
        return std::nullopt;

    try {
        Histogram h;
        std::size_t nextFree = 0;
        std::size_t first = 0;
        std::uint64_t previous = 0;
        std::uint64_t total = 0;
        for (std::uint64_t r = 0; r < runCount; ++r) {
            std::uint64_t gap = 0;
            std::uint64_t lengthMinusOne = 0;
            if (!in.varint(gap) || !in.varint(lengthMinusOne))
                return std::nullopt;
            // Runs are maximal, so two of them never touch; and everything must fit the array.
            if ((r > 0 && gap == 0) || gap >= kCountsLength - nextFree)
                return std::nullopt;
            const std::size_t start = nextFree + gap;
            if (lengthMinusOne >= kCountsLength - start)
                return std::nullopt;
            if (r == 0)
                first = start;
            const std::size_t end = start + lengthMinusOne + 1;
            for (std::size_t i = start; i < end; ++i) {
                std::uint64_t delta = 0;
                if (!in.varint(delta))
                    return std::nullopt;
                const std::uint64_t c = previous + unZigZag(delta);
                if (c == 0 || c > UINT64_MAX - total)
                    return std::nullopt;
                h.m_counts[i] = c;
                total += c;
                previous = c;
            }
            nextFree = end;
        }
        if (runCount != 0) {
            std::int64_t lo = 0;
            std::int64_t hi = 0;
            if (!in.svarint(lo) || !in.svarint(hi))
                return std::nullopt;
            // min and max must sit in the outermost non-empty buckets, or percentiles and the
            // range-limited loops would read a histogram that contradicts its own counts.
            if (lo > hi || indexFor(lo) != first || indexFor(hi) != nextFree - 1 ||
                (total == 1 && lo != hi))
                return std::nullopt;
            h.m_min = lo;
            h.m_max = hi;
        }
        if (!in.atEnd())
            return std::nullopt;
        h.m_count = total;
        return h;
    } catch (const std::bad_alloc&) {
        return std::nullopt;
    }
}

bool operator==(const Histogram& a, const Histogram& b) noexcept
{
    if (a.m_count != b.m_count)
        return false;
    if (a.m_count == 0)
        return true;
    if (a.m_min != b.m_min || a.m_max != b.m_max)
        return false;
    // Equal min/max means equal non-zero ranges; outside them both are all zero.
    const auto lo = static_cast<std::ptrdiff_t>(Histogram::indexFor(a.m_min));
    const auto hi = static_cast<std::ptrdiff_t>(Histogram::indexFor(a.m_max)) + 1;
    return std::equal(a.m_counts.begin() + lo, a.m_counts.begin() + hi, b.m_counts.begin() + lo);
}

} // namespace gb::engine
