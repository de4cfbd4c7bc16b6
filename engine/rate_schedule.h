#pragma once

#include "engine/load_config.h"

#include <optional>
#include <vector>

namespace gb::engine {

/// The open-loop send schedule: a piecewise-linear target rate r(t) and its exact inverse, so the
/// intended send time of the k-th request is computed, not accumulated (no drift over long runs).
/// Immutable after construction; safe to share between threads.
class RateSchedule
{
public:
    /// A constant rate (stages empty), or startRps followed by the stages; after the last stage
    /// the final rate holds (the run's duration, not the schedule, ends it).
    RateSchedule(double startRps, const std::vector<Stage>& stages);

    double rateAt(Nanos t) const;
    /// Requests the schedule intends to have sent by time t: the integral of r over [0, t].
    double expectedCount(Nanos t) const;
    /// When the request with 0-based global index k is due; nullopt if the rate falls to zero
    /// for good before then.
    std::optional<Nanos> timeOf(double k) const;
    /// Sum of the stage durations (0 for a constant rate).
    Nanos length() const { return m_length; }

private:
    struct Segment
    {
        double start;    // seconds
        double duration; // seconds; infinity for the final hold
        double fromRps;
        double toRps;
        double countBefore; // expectedCount at start
    };
    std::vector<Segment> m_segments;
    Nanos m_length{0};
};

} // namespace gb::engine
