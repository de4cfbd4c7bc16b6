#pragma once

#include "app/environment_info.h"
#include "app/host_sample.h"
#include "app/hosts/load_agents.h"
#include "app/result.h"
#include "app/scenario.h"
#include "engine/snapshot.h"

#include <QDateTime>
#include <QMap>
#include <QMetaType>
#include <QStringList>

#include <vector>

namespace gb::app {

enum class RunStatus
{
    Completed, ///< ran its whole duration
    Stopped,   ///< stopped by the user; what was measured until then is kept
    Failed,    ///< a child died or the engine could not start; partial data is kept
};
QString toKeyword(RunStatus status);

/// The measured window's totals (warm-up excluded), computed from the merged per-second
/// histograms, never by averaging percentiles.
struct RunSummary
{
    std::uint64_t requests = 0;
    double durationS = 0;
    double rps = 0;
    double targetRps = 0;           ///< open loop: what the schedule intended
    engine::LatencySummary latency; ///< milliseconds
    std::uint64_t errors = 0;
    QMap<QString, std::uint64_t> errorsByClass;
    QMap<int, std::uint64_t> statusCodes;
    std::uint64_t lateSends = 0;
    QString histogram; ///< serialized merged latency histogram of the measured window

    /// Merges the series' non-warm-up snapshots.
    static RunSummary fromSeries(const std::vector<engine::Snapshot>& series);
};

/// How a run is filed: its name (the scenario's when empty) and its tags. Set before the run,
/// it is stored with it: a study's runs are not rewritten on the GUI thread to be labelled.
struct RunLabel
{
    QString name;
    QStringList tags;
};

/// One stored run: what was run, where, what it measured. A plain value; made on the run's
/// worker thread, handed to the GUI by value, written by RunStore as one JSON file.
struct RunRecord
{
    QString id; ///< "20250102-153000-1a2b": start time (UTC) + random; also the file name
    QString name;
    QStringList tags;
    QDateTime startedAt;
    QDateTime finishedAt;
    RunStatus status = RunStatus::Completed;
    QString error; ///< why it failed or stopped early, else empty
    Scenario scenario;
    EnvironmentInfo environment;
    std::vector<engine::Snapshot> series; ///< one per interval, warm-up included (flagged)
    QList<HostSample> hostSamples;        ///< one per snapshot
    /// Load from loadgen hosts: each agent's own series (series holds their exact merge).
    std::vector<AgentSeries> agents;
    /// Part of the load was lost (an agent's link or process ended early): the figures are
    /// those of the agents that ran to the end; error names the hosts.
    bool incomplete = false;
    RunSummary summary;
    QString report; ///< hey's text report of the run

    QString filePath; ///< where RunStore keeps it; not part of the file

    static QString makeId(const QDateTime& startedAt);
};

/// 2: the series' snapshots are engine::snapshotToJson objects (snake_case); 1 (still read):
/// the same members in camelCase.
inline constexpr int kRunFormatVersion = 2;

QJsonObject runToJson(const RunRecord& run);
Result<RunRecord> runFromJson(const QJsonObject& object);
QByteArray runToText(const RunRecord& run);
Result<RunRecord> runFromText(const QByteArray& text);

/// The per-second series as CSV: one row per snapshot with throughput, latency percentiles,
/// errors and the matching host sample's CPU figures (a column per process role).
QByteArray runSeriesCsv(const RunRecord& run);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::RunRecord)
