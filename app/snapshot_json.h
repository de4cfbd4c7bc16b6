#pragma once

#include "engine/snapshot.h"

#include <QJsonObject>
#include <QMetaType>

namespace gb::app {

/// The engine's per-interval Snapshot as stored in a run file, serialized histograms
/// included, so any percentile over any window can be recomputed exactly later.
QJsonObject snapshotToJson(const engine::Snapshot& snapshot);
engine::Snapshot snapshotFromJson(const QJsonObject& object);

QJsonObject latencyToJson(const engine::LatencySummary& latency);
engine::LatencySummary latencyFromJson(const QJsonObject& object);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::engine::Snapshot)
