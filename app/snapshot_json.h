#pragma once

#include "app/result.h"
#include "engine/snapshot.h"

#include <QJsonObject>
#include <QMetaType>

namespace gb::app {

/// The engine's per-interval Snapshot as stored in a run file: engine::snapshotToJson's object
/// (the form `gatebench-load --live` writes), serialized histograms included, so any percentile
/// over any window can be recomputed exactly later.
QJsonObject snapshotToJson(const engine::Snapshot& snapshot);
Result<engine::Snapshot> snapshotFromJson(const QJsonObject& object);
/// A snapshot of a version-1 run file (camelCase members) in today's form.
QJsonObject snapshotFromVersion1(const QJsonObject& object);

QJsonObject latencyToJson(const engine::LatencySummary& latency);
engine::LatencySummary latencyFromJson(const QJsonObject& object);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::engine::Snapshot)
