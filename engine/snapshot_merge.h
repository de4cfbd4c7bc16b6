#pragma once

#include "engine/snapshot.h"

#include <span>

namespace gb::engine {

/// Several load generators' snapshots of the same interval as one: counts summed, histograms
/// merged (percentiles from the merged histogram, never averaged), the interval the longest of
/// theirs. Empty input gives an empty snapshot. Pure; any thread.
Snapshot mergeSnapshots(std::span<const Snapshot> parts);

} // namespace gb::engine
