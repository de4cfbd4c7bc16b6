// `gatebench study`: a whole study on this machine through the same StudyRunner as the Study
// view, then its report (terminal, JSON, PDF when the UI module is linked).
#include "app/cli/commands.h"
#include "app/cli/hosts_options.h"
#include "app/cli/measurement_claim.h"
#include "app/cli/termination_signals.h"
#include "app/run_controller.h"
#include "app/run_store.h"
#include "app/study/builtin_studies.h"
#include "app/study/study_json.h"
#include "app/study/study_report.h"
#include "app/study/study_result_json.h"
#include "app/study/study_runner.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

namespace gb::app::cli {

namespace {

struct StudyOptions
{
    Study study;
    QString resumeDir; ///< set: resume this study instead of starting one
    QString jsonPath;
    QString pdfPath;
    QString runsDir;
    QString studiesDir;
    bool wait = false; ///< wait for a measurement in progress instead of refusing
    HostsOptions hosts;
};

int parseStudyOptions(const QStringList& args, StudyOptions& options, QTextStream& err)
{
    QCommandLineParser parser;
    const QCommandLineOption builtin(QStringLiteral("builtin"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption resume(QStringLiteral("resume"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption repeats(QStringLiteral("repeats"), QString(), QStringLiteral("N"));
    const QCommandLineOption duration(QStringLiteral("duration"), QString(), QStringLiteral("D"));
    const QCommandLineOption pdf(QStringLiteral("pdf"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption json(QStringLiteral("json"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption runsDir(QStringLiteral("runs-dir"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption studiesDir(QStringLiteral("studies-dir"), QString(),
                                        QStringLiteral("DIR"));
    const QCommandLineOption wait(QStringLiteral("wait"));
    parser.addOptions({builtin, resume, repeats, duration, pdf, json, runsDir, studiesDir, wait});
    parser.addOptions(HostsOptions::flags());
    auto usageError = [&](const QString& message) {
        err << QStringLiteral("gatebench study: %1\n").arg(message);
        return int(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("gatebench study")} + args))
        return usageError(parser.errorText());
    const QStringList files = parser.positionalArguments();
    if (files.size() + (parser.isSet(builtin) ? 1 : 0) + (parser.isSet(resume) ? 1 : 0) != 1)
        return usageError(QStringLiteral("give one study: a FILE, --builtin %1 or --resume DIR")
                              .arg(builtinStudyNames().join(QLatin1Char('|'))));
    if (parser.isSet(pdf) && !pdfExporters().study)
        return usageError(QStringLiteral("PDF export needs the UI module (ui/report), which "
                                         "this build of gatebench does not include; use --json "
                                         "or the text report"));
    if (parser.isSet(resume) && (parser.isSet(repeats) || parser.isSet(duration)))
        return usageError(QStringLiteral("--resume continues a study as it was started: "
                                         "--repeats and --duration cannot change it"));

    options.jsonPath = parser.value(json);
    options.pdfPath = parser.value(pdf);
    options.runsDir = parser.isSet(runsDir) ? parser.value(runsDir) : RunStore::defaultDirectory();
    options.studiesDir =
        parser.isSet(studiesDir) ? parser.value(studiesDir) : defaultStudiesDirectory();
    options.wait = parser.isSet(wait);
    auto hosts = HostsOptions::read(parser);
    if (!hosts) {
        err << QStringLiteral("gatebench study: %1\n").arg(hosts.error());
        return ExitRuntimeError;
    }
    options.hosts = std::move(hosts).value();
    if (parser.isSet(resume)) {
        options.resumeDir = parser.value(resume);
        return ExitOk;
    }

    Result<Study> loaded =
        parser.isSet(builtin) ? builtinStudy(parser.value(builtin)) : loadStudyFile(files.first());
    if (!loaded) {
        err << QStringLiteral("gatebench study: %1\n").arg(loaded.error());
        return parser.isSet(builtin) ? ExitUsage : ExitRuntimeError;
    }
    options.study = std::move(loaded).value();
    if (parser.isSet(repeats)) {
        bool ok = false;
        const int n = parser.value(repeats).toInt(&ok);
        if (!ok || n < 1 || n > 100)
            return usageError(QStringLiteral("--repeats \"%1\" is not a whole number from 1 to "
                                             "100")
                                  .arg(parser.value(repeats)));
        options.study.setRepeats(n);
    }
    if (parser.isSet(duration)) {
        const auto d = parseDuration(parser.value(duration));
        if (!d || d->count() <= 0)
            return usageError(
                QStringLiteral("--duration \"%1\" is not a duration above 0, e.g. 30s or 2m")
                    .arg(parser.value(duration)));
        options.study.setRunDuration(*d);
        // On hosts the reference profile runs unscaled (hostsScaling): for this long too.
        if (options.hosts.hosts && options.study.reference)
            options.study.reference->duration = *d;
    }
    if (const QList<ValidationIssue> issues = options.study.validate(); !issues.isEmpty()) {
        err << QStringLiteral("gatebench study: %1: %2: %3%4\n")
                   .arg(parser.isSet(builtin)
                            ? QStringLiteral("built-in %1").arg(parser.value(builtin))
                            : files.first(),
                        issues.first().field, issues.first().message,
                        issues.size() > 1
                            ? QStringLiteral(" (and %1 more problems)").arg(issues.size() - 1)
                            : QString());
        return ExitRuntimeError;
    }
    return ExitOk;
}

QString writeText(const QString& path, const QString& text)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

/// Writes the report everywhere it was asked for and prints where. Returns false when a
/// file could not be written (the message is on err).
bool publish(const StudyResult& result, const StudyOptions& options, QTextStream& out,
             QTextStream& err)
{
    const StudyReport report = buildStudyReport(result);
    out << studyReportText(report);
    const QDir dir(result.directory);
    QStringList written;
    QStringList errors;
    auto keep = [&](const QString& error, const QString& what, const QString& path) {
        if (error.isEmpty())
            written.append(QStringLiteral("%1 %2").arg(what, path));
        else
            errors.append(error);
    };
    const QString textPath = dir.filePath(QStringLiteral("report.txt"));
    keep(writeText(textPath, studyReportText(report)), QStringLiteral("report"), textPath);
    const QString jsonPath = dir.filePath(QStringLiteral("study.json"));
    keep(saveStudyResultJson(result, report, jsonPath), QStringLiteral("JSON"), jsonPath);
    if (!options.jsonPath.isEmpty())
        keep(saveStudyResultJson(result, report, options.jsonPath), QStringLiteral("JSON"),
             options.jsonPath);
    if (!options.pdfPath.isEmpty())
        keep(pdfExporters().study(report, options.pdfPath), QStringLiteral("PDF"), options.pdfPath);
    out << QStringLiteral("\nStudy %1 (%2): %3\n")
               .arg(result.id, toKeyword(result.status), written.join(QStringLiteral(", ")));
    out.flush();
    for (const QString& e : errors)
        err << QStringLiteral("gatebench study: %1\n").arg(e);
    return errors.isEmpty();
}

} // namespace

int studyCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    StudyOptions options;
    if (const int status = parseStudyOptions(args, options, err); status != ExitOk)
        return status;

    TerminationSignals terminations;
    const QString activity = options.resumeDir.isEmpty()
                                 ? QStringLiteral("study \"%1\"").arg(options.study.name)
                                 : QStringLiteral("study resumed from %1").arg(options.resumeDir);
    const MeasurementLease lease =
        claimMeasurement(QStringLiteral("study"), activity, options.wait, terminations, err);
    if (!lease)
        return ExitRuntimeError;
    StudyRunner runner;
    runner.setRunsDirectory(options.runsDir);
    runner.setStudiesDirectory(options.studiesDir);
    if (options.hosts.hosts)
        runner.setHosts(*options.hosts.hosts, options.hosts.ssh);
    runner.setBundle(options.hosts.bundle);
    QObject::connect(&terminations, &TerminationSignals::received, &runner, &StudyRunner::cancel);

    auto line = [&](const QString& text) { err << text << '\n' << Qt::flush; };
    QObject::connect(
        &runner, &StudyRunner::studyStarted, [&](const QString& id, const QString& dir) {
            line(QStringLiteral("Study %1 (%2) in %3").arg(runner.state().study.name, id, dir));
        });
    QObject::connect(&runner, &StudyRunner::calibrationStarted,
                     [&](const QString& text) { line(text + QStringLiteral("...")); });
    QObject::connect(&runner, &StudyRunner::calibrationFinished, line);
    QObject::connect(&runner, &StudyRunner::stageStarted, [&](int stage, const QString& name) {
        line(QStringLiteral("Stage %1/%2: %3")
                 .arg(stage + 1)
                 .arg(runner.state().study.stages.size())
                 .arg(name));
    });
    QObject::connect(&runner, &StudyRunner::runStarted, [&](int, int, const QString& name) {
        line(QStringLiteral("  %1...").arg(name));
    });
    QObject::connect(&runner, &StudyRunner::runFinished, [&](const RunRecord& run) {
        line(QStringLiteral("  %1: p99 %2 ms, %3 requests/s, %4 errors")
                 .arg(run.name)
                 .arg(run.summary.latency.p99, 0, 'f', 2)
                 .arg(run.summary.rps, 0, 'f', 0)
                 .arg(run.summary.errors));
    });
    QObject::connect(&runner, &StudyRunner::stageFailed, [&](int stage, const QString& message) {
        line(QStringLiteral("  Stage %1 failed: %2")
                 .arg(runner.state().study.stages.value(stage).name, message));
    });

    QEventLoop loop;
    int status = ExitOk;
    auto conclude = [&](const StudyResult& result) {
        const bool written = publish(result, options, out, err);
        for (const QString& problem : result.problems())
            err << QStringLiteral("gatebench study: %1\n").arg(problem);
        if (result.status != StudyStatus::Finished)
            err << QStringLiteral("gatebench study: finished runs are kept; resume with: "
                                  "gatebench study --resume %1\n")
                       .arg(result.directory);
        status = result.passed() && written ? ExitOk : ExitRuntimeError;
        loop.quit();
    };
    QObject::connect(&runner, &StudyRunner::studyFinished, conclude);
    QObject::connect(&runner, &StudyRunner::studyCancelled, conclude);
    QObject::connect(&runner, &StudyRunner::studyFailed, [&](const QString& message) {
        err << QStringLiteral("gatebench study: %1\n").arg(message);
        if (!runner.state().directory.isEmpty() &&
            QFile::exists(studyStatePath(runner.state().directory)))
            err << QStringLiteral("gatebench study: finished runs are kept; resume with: "
                                  "gatebench study --resume %1\n")
                       .arg(runner.state().directory);
        status = ExitRuntimeError;
        loop.quit();
    });

    const QString refusal = options.resumeDir.isEmpty() ? runner.start(options.study, lease)
                                                        : runner.resume(options.resumeDir, lease);
    if (!refusal.isEmpty()) {
        err << QStringLiteral("gatebench study: %1\n").arg(refusal);
        return ExitRuntimeError;
    }
    loop.exec();
    out.flush();
    return status;
}

} // namespace gb::app::cli
