#pragma once

#include "app/comparison.h"
#include "app/environment_info.h"
#include "app/run_record.h"
#include "ui/report/pdf_document.h"

#include <QHash>
#include <QList>

namespace gb::ui::report {

/// A comparison as a document: title and date, the summary table in the published form (RUN #,
/// 99 % latency, throughput, average of N runs, delta against the baseline), the overlaid
/// charts, the settings that differ, the baseline's scenario settings and the environment.
/// runs are the compared runs (any order); their series draw the charts.
PdfDocument comparisonDocument(const app::Comparison& comparison,
                               const QList<app::RunRecord>& runs);
/// One run as a document: summary figures, its four charts, scenario, environment, hey's text.
PdfDocument runDocument(const app::RunRecord& run);

/// Writers for the GUI and `gatebench compare|run --pdf`: empty on success, else the sentence.
[[nodiscard]] QString exportComparisonPdf(const app::Comparison& comparison,
                                          const QList<app::RunRecord>& runs, const QString& path);
[[nodiscard]] QString exportRunPdf(const app::RunRecord& run, const QString& path);

/// Building blocks, for other documents (the study report) to lay out the same way.
/// The summary table, without the CPU column (cpuTable has it).
Table comparisonTable(const app::Comparison& comparison,
                      const QHash<QString, QString>& runLabels = {});
/// Group by machine: each group's mean CPU on each machine; just the Group column when no run
/// was sampled.
Table cpuTable(const app::Comparison& comparison);
Table differencesTable(const app::Comparison& comparison);
Table settingsTable(const app::Scenario& scenario);
Table environmentTable(const app::EnvironmentInfo& environment);
/// "keyless: +0.60 ms p99, -4.5 % throughput against baseline." for each non-baseline group.
QStringList deltaSentences(const app::Comparison& comparison);

} // namespace gb::ui::report
