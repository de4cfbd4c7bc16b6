#include "engine/rate_schedule.h"

#include <cmath>
#include <limits>

namespace gb::engine {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
double seconds(Nanos t)
{
    return double(t.count()) * 1e-9;
}
} // namespace

RateSchedule::RateSchedule(double startRps, const std::vector<Stage>& stages)
{
    double t = 0, count = 0, rate = startRps;
    for (const Stage& s : stages) {
        const double d = seconds(s.duration);
        if (d > 0) {
            m_segments.push_back({t, d, rate, s.targetRps, count});
            count += (rate + s.targetRps) / 2 * d;
            t += d;
        }
        rate = s.targetRps;
        m_length += s.duration;
    }
    m_segments.push_back({t, kInf, rate, rate, count});
}

double RateSchedule::rateAt(Nanos at) const
{
    const double t = seconds(at);
    for (const Segment& s : m_segments)
        if (t < s.start + s.duration)
            return s.duration == kInf
                       ? s.fromRps
                       : s.fromRps + (s.toRps - s.fromRps) * (t - s.start) / s.duration;
    return m_segments.back().toRps;
}

double RateSchedule::expectedCount(Nanos at) const
{
    const double t = seconds(at);
    for (const Segment& s : m_segments) {
        if (t < s.start + s.duration) {
            const double tau = t - s.start;
            const double slope = s.duration == kInf ? 0 : (s.toRps - s.fromRps) / s.duration;
            return s.countBefore + s.fromRps * tau + slope * tau * tau / 2;
        }
    }
    return m_segments.back().countBefore;
}

std::optional<Nanos> RateSchedule::timeOf(double k) const
{
    // Find the segment whose count range holds k; within it, solve
    // fromRps*tau + slope/2*tau^2 = m in the cancellation-free form tau = 2m / (b + sqrt(b^2 +
    // 2*slope*m)).
    for (std::size_t i = 0; i < m_segments.size(); ++i) {
        const Segment& s = m_segments[i];
        const bool last = i + 1 == m_segments.size();
        const double countAfter = last ? kInf : m_segments[i + 1].countBefore;
        if (k >= countAfter)
            continue;
        const double m = k - s.countBefore;
        const double slope = s.duration == kInf ? 0 : (s.toRps - s.fromRps) / s.duration;
        const double disc = s.fromRps * s.fromRps + 2 * slope * m;
        const double denom = s.fromRps + std::sqrt(std::max(0.0, disc));
        if (denom <= 0) {
            if (m <= 0)
                return Nanos(std::llround(s.start * 1e9));
            if (last)
                return std::nullopt;
            continue;
        }
        const double tau = std::min(2 * m / denom, s.duration);
        return Nanos(std::llround((s.start + tau) * 1e9));
    }
    return std::nullopt;
}

} // namespace gb::engine
