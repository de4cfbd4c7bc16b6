// `gatebench run`: one scenario on this machine, through the same RunController as the window.
#include "app/binaries.h"
#include "app/builtin_scenarios.h"
#include "app/cli/commands.h"
#include "app/cli/hosts_options.h"
#include "app/cli/measurement_claim.h"
#include "app/cli/termination_signals.h"
#include "app/comparison.h"
#include "app/local_deployment.h"
#include "app/run_controller.h"
#include "app/run_store.h"
#include "app/scenario_json.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QTextStream>

#include <unistd.h>

namespace gb::app::cli {

namespace {

struct RunOptions
{
    Scenario scenario;
    QString source; ///< the file or "built-in NAME", for messages
    QString jsonPath;
    QString pdfPath;
    QString runsDir;
    bool wait = false; ///< wait for a measurement in progress instead of refusing
    HostsOptions hosts;
};

/// Parses and applies the flags. Returns ExitOk, or the status with err written.
int parseRunOptions(const QStringList& args, RunOptions& options, QTextStream& err)
{
    QCommandLineParser parser;
    const QCommandLineOption builtin(QStringLiteral("builtin"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption duration(QStringLiteral("duration"), QString(), QStringLiteral("D"));
    const QCommandLineOption connections(QStringLiteral("connections"), QString(),
                                         QStringLiteral("N"));
    const QCommandLineOption rate(QStringLiteral("rate"), QString(), QStringLiteral("R"));
    const QCommandLineOption json(QStringLiteral("json"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption pdf(QStringLiteral("pdf"), QString(), QStringLiteral("OUT"));
    const QCommandLineOption runsDir(QStringLiteral("runs-dir"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption wait(QStringLiteral("wait"));
    parser.addOptions({builtin, duration, connections, rate, json, pdf, runsDir, wait});
    parser.addOptions(HostsOptions::flags());
    auto usageError = [&](const QString& message) {
        err << QStringLiteral("gatebench run: %1\n").arg(message);
        return int(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("gatebench run")} + args))
        return usageError(parser.errorText());
    const QStringList files = parser.positionalArguments();
    if (files.size() + (parser.isSet(builtin) ? 1 : 0) != 1)
        return usageError(
            QStringLiteral("give one scenario: a FILE or --builtin baseline|keyless|full"));

    Result<Scenario> loaded = parser.isSet(builtin) ? builtinScenario(parser.value(builtin))
                                                    : loadScenarioFile(files.first());
    if (!loaded) {
        err << QStringLiteral("gatebench run: %1\n").arg(loaded.error());
        return parser.isSet(builtin) ? ExitUsage : ExitRuntimeError;
    }
    options.scenario = std::move(loaded).value();
    options.source = parser.isSet(builtin)
                         ? QStringLiteral("built-in %1").arg(parser.value(builtin))
                         : files.first();

    if (parser.isSet(duration)) {
        const auto d = parseDuration(parser.value(duration));
        if (!d || d->count() <= 0)
            return usageError(
                QStringLiteral("--duration \"%1\" is not a duration above 0, e.g. 30s or 2m")
                    .arg(parser.value(duration)));
        options.scenario.load.duration = *d;
    }
    if (parser.isSet(connections)) {
        bool ok = false;
        const int n = parser.value(connections).toInt(&ok);
        if (!ok || n < 1)
            return usageError(QStringLiteral("--connections \"%1\" is not a whole number above 0")
                                  .arg(parser.value(connections)));
        options.scenario.load.connections = n;
    }
    if (parser.isSet(rate)) {
        bool ok = false;
        const double r = parser.value(rate).toDouble(&ok);
        if (!ok || !(r > 0))
            return usageError(QStringLiteral("--rate \"%1\" is not a number of requests/s above 0")
                                  .arg(parser.value(rate)));
        options.scenario.load.model = LoadModelKind::TotalRate;
        options.scenario.load.totalRate = r;
        options.scenario.load.stages.clear();
    }
    options.jsonPath = parser.value(json);
    if (parser.isSet(pdf) && !pdfExporters().run)
        return usageError(QStringLiteral("--pdf: this build of gatebench cannot write PDF"));
    options.pdfPath = parser.value(pdf);
    options.runsDir = parser.isSet(runsDir) ? parser.value(runsDir) : RunStore::defaultDirectory();
    options.wait = parser.isSet(wait);
    auto hosts = HostsOptions::read(parser);
    if (!hosts) {
        err << QStringLiteral("gatebench run: %1\n").arg(hosts.error());
        return ExitRuntimeError;
    }
    options.hosts = std::move(hosts).value();
    if (options.hosts.hosts) // a scenario written for this machine runs on the hosts' roles
        options.scenario.topology.kind = TopologyKind::Hosts;
    return ExitOk;
}

/// "gw  35.2 %" for each machine the run sampled: this machine, then its hosts.
QStringList cpuByMachine(const RunRecord& run)
{
    QStringList lines;
    for (const MachineCpu& m : figuresOf(run).cpu)
        lines.append(QStringLiteral("%1  %2 %").arg(m.machine).arg(m.busyPercent, 5, 'f', 1));
    return lines;
}

} // namespace

int runCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    RunOptions options;
    if (const int status = parseRunOptions(args, options, err); status != ExitOk)
        return status;
    const Scenario& scenario = options.scenario;
    if (const QList<ValidationIssue> issues = scenario.validate(); !issues.isEmpty()) {
        err << QStringLiteral("gatebench run: %1: %2: %3%4\n")
                   .arg(options.source, issues.first().field, issues.first().message,
                        issues.size() > 1
                            ? QStringLiteral(" (and %1 more problems)").arg(issues.size() - 1)
                            : QString());
        return ExitRuntimeError;
    }

    TerminationSignals terminations;
    const MeasurementLease lease =
        claimMeasurement(QStringLiteral("run"), QStringLiteral("run \"%1\"").arg(scenario.name),
                         options.wait, terminations, err);
    if (!lease)
        return ExitRuntimeError;
    RunController controller;
    controller.setRunsDirectory(options.runsDir);
    if (options.hosts.hosts) {
        controller.setHosts(*options.hosts.hosts, options.hosts.ssh);
        controller.setBundle(options.hosts.bundle);
    }
    QObject::connect(&terminations, &TerminationSignals::received, &controller,
                     &RunController::stop);

    const bool live = ::isatty(STDERR_FILENO);
    QObject::connect(&controller, &RunController::phaseChanged,
                     [&](RunPhase phase, const QString& text) {
                         if (phase != RunPhase::Idle && !text.isEmpty())
                             err << text << "...\n" << Qt::flush;
                     });
    if (live)
        QObject::connect(
            &controller, &RunController::snapshotReady, [&](const engine::Snapshot& s) {
                err << QStringLiteral("  %1 s%2: %3 requests/s, p99 %4 ms, %5 errors\n")
                           .arg(s.elapsedS, 0, 'f', 0)
                           .arg(s.warmup ? QStringLiteral(" (warm-up)") : QString())
                           .arg(s.rps, 0, 'f', 0)
                           .arg(s.latency.p99, 0, 'f', 2)
                           .arg(s.errors)
                    << Qt::flush;
            });

    QEventLoop loop;
    int status = ExitOk;
    QObject::connect(&controller, &RunController::runFinished, [&](const RunRecord& run) {
        out << run.report;
        if (QStringList cpu = cpuByMachine(run); !cpu.isEmpty())
            out << QStringLiteral("\nCPU, mean over the run (% of all cores):\n  %1\n")
                       .arg(cpu.join(QStringLiteral("\n  ")));
        out << QStringLiteral("\nRun %1 (%2) stored in %3\n")
                   .arg(run.id, toKeyword(run.status), run.filePath);
        if (!options.jsonPath.isEmpty()) {
            if (const QString e = exportRunJson(run, options.jsonPath); !e.isEmpty()) {
                err << QStringLiteral("gatebench run: %1\n").arg(e);
                status = ExitRuntimeError;
            }
        }
        if (!options.pdfPath.isEmpty()) {
            if (const QString e = pdfExporters().run(run, options.pdfPath); !e.isEmpty()) {
                err << QStringLiteral("gatebench run: %1\n").arg(e);
                status = ExitRuntimeError;
            } else {
                out << QStringLiteral("Report written to %1\n").arg(options.pdfPath);
            }
        }
        loop.quit();
    });
    QObject::connect(
        &controller, &RunController::runFailed, [&](const QString& message, const RunRecord& run) {
            if (!run.report.isEmpty())
                out << run.report;
            if (!run.filePath.isEmpty())
                out << QStringLiteral("\nPartial run %1 stored in %2\n").arg(run.id, run.filePath);
            out.flush();
            err << QStringLiteral("gatebench run: %1\n").arg(message);
            status = ExitRuntimeError;
            loop.quit();
        });
    if (const QString refusal = controller.start(scenario, lease); !refusal.isEmpty()) {
        err << QStringLiteral("gatebench run: %1\n").arg(refusal);
        return ExitRuntimeError;
    }
    loop.exec();
    out.flush();
    return status;
}

} // namespace gb::app::cli
