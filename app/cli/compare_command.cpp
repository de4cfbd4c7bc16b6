// `gatebench compare`: the comparison tables of stored runs, as the Compare view shows them, or
// of two kept studies stage by stage, as the Study page shows them.
#include "app/cli/commands.h"
#include "app/comparison.h"
#include "app/json_text.h"
#include "app/run_store.h"
#include "app/study/study_comparison.h"

#include <QCommandLineParser>
#include <QSaveFile>
#include <QTextStream>

namespace gb::app::cli {

namespace {

int compareStudiesCommand(const QStringList& directories, const QString& pdfPath, QTextStream& out,
                          QTextStream& err)
{
    QList<StudyResult> results;
    for (const QString& directory : directories) {
        Result<StudyResult> result = loadStudyResult(directory);
        if (!result) {
            err << QStringLiteral("gatebench compare: the study in %1 cannot be read: %2\n")
                       .arg(directory, result.error());
            return ExitRuntimeError;
        }
        results.append(std::move(result).value());
    }
    const StudyReport report = buildStudyComparisonReport(compareStudies(results[0], results[1]));
    out << studyReportText(report);
    out.flush();
    if (!pdfPath.isEmpty()) {
        if (const QString e = pdfExporters().study(report, pdfPath); !e.isEmpty()) {
            err << QStringLiteral("gatebench compare: %1\n").arg(e);
            return ExitRuntimeError;
        }
    }
    return ExitOk;
}

} // namespace

int compareCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    const QCommandLineOption baseline(QStringLiteral("baseline"), QString(), QStringLiteral("N"));
    const QCommandLineOption json(QStringLiteral("json"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption pdf(QStringLiteral("pdf"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption studies(QStringLiteral("studies"));
    parser.addOptions({baseline, json, pdf, studies});
    auto usageError = [&](const QString& message) {
        err << QStringLiteral("gatebench compare: %1\n").arg(message);
        return int(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("gatebench compare")} + args))
        return usageError(parser.errorText());
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(studies)) {
        if (files.size() != 2)
            return usageError(QStringLiteral("--studies compares two study directories"));
        if (parser.isSet(baseline) || parser.isSet(json))
            return usageError(QStringLiteral("--studies takes --pdf only (the first study is "
                                             "the reference)"));
        if (parser.isSet(pdf) && !pdfExporters().study)
            return usageError(QStringLiteral("--pdf: this build of gatebench cannot write PDF"));
        return compareStudiesCommand(files, parser.value(pdf), out, err);
    }
    if (files.isEmpty())
        return usageError(QStringLiteral("give one or more RUN.json files"));
    if (parser.isSet(pdf) && !pdfExporters().comparison)
        return usageError(QStringLiteral("--pdf: this build of gatebench cannot write PDF"));
    int baselineGroup = 1;
    if (parser.isSet(baseline)) {
        bool ok = false;
        baselineGroup = parser.value(baseline).toInt(&ok);
        if (!ok || baselineGroup < 1)
            return usageError(QStringLiteral("--baseline \"%1\" is not a group number (1, 2, ...)")
                                  .arg(parser.value(baseline)));
    }

    QList<RunRecord> runs;
    for (const QString& file : files) {
        auto run = loadRunFile(file);
        if (!run) {
            err << QStringLiteral("gatebench compare: %1\n").arg(run.error());
            return ExitRuntimeError;
        }
        runs.append(std::move(run).value());
    }
    QList<ComparisonGroup> groups = groupByScenario(runs);
    if (baselineGroup > groups.size())
        return usageError(
            QStringLiteral("--baseline %1: the runs form %2 group%3 (one per scenario)")
                .arg(baselineGroup)
                .arg(groups.size())
                .arg(groups.size() == 1 ? QString() : QStringLiteral("s")));
    const Comparison comparison = compare(std::move(groups), baselineGroup - 1);
    out << comparisonText(comparison);
    out.flush();

    if (parser.isSet(pdf)) {
        if (const QString e = pdfExporters().comparison(comparison, runs, parser.value(pdf));
            !e.isEmpty()) {
            err << QStringLiteral("gatebench compare: %1\n").arg(e);
            return ExitRuntimeError;
        }
    }

    if (parser.isSet(json)) {
        QSaveFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(writeOrderedJson(comparisonToJson(comparison),
                                        {QStringLiteral("baseline"), QStringLiteral("name"),
                                         QStringLiteral("runs"), QStringLiteral("average")})) < 0 ||
            !file.commit()) {
            err << QStringLiteral("gatebench compare: %1: cannot be written: %2\n")
                       .arg(parser.value(json), file.errorString());
            return ExitRuntimeError;
        }
    }
    return ExitOk;
}

} // namespace gb::app::cli
