#include "app/cli/commands.h"

#include <QTextStream>

#include <cstdio>

namespace gb::app::cli {

namespace {

PdfExporters& exporters()
{
    static PdfExporters instance;
    return instance;
}

} // namespace

void setPdfExporters(PdfExporters e)
{
    exporters() = std::move(e);
}

const PdfExporters& pdfExporters()
{
    return exporters();
}

QString usage()
{
    return QStringLiteral(
        "usage: gatebench [COMMAND [ARGS...]]\n"
        "GateBench, the API gateway performance workbench. Without a command it opens its\n"
        "window; the commands do the same work headless, for scripts and CI (no display\n"
        "needed).\n"
        "\n"
        "  run (FILE | --builtin baseline|keyless|full) [--duration D] [--connections N]\n"
        "      [--rate R] [--json OUT] [--pdf OUT] [--runs-dir DIR] [--wait]\n"
        "      [--hosts HOSTS.json [--accept-new-host-keys] [--known-hosts FILE] [--bundle FILE]]\n"
        "        Run one scenario on this machine and store the run. --duration sets the\n"
        "        measured window (after the warm-up), --rate switches to an open-loop total\n"
        "        rate in requests/s, --json writes the stored run to OUT too, --pdf writes\n"
        "        its report (figures, charts, scenario, environment) as a PDF. --hosts runs\n"
        "        the servers on the hosts file's hosts (make bundles first, or --bundle): the\n"
        "        bundle is uploaded where it changed, the servers started, the load sent\n"
        "        from here; the report adds each machine's mean CPU.\n"
        "  compare RUN.json... [--baseline N] [--json OUT] [--pdf OUT]\n"
        "        Compare stored runs, grouped by scenario: RUN #, 99% latency, throughput,\n"
        "        average of each group and its delta to the baseline group N (default 1).\n"
        "        --pdf writes the comparison with its charts as a PDF.\n"
        "  compare --studies STUDY_DIR STUDY_DIR [--pdf OUT]\n"
        "        Compare two kept studies stage by stage (stages matched by name): each\n"
        "        stage's p99 and throughput in both, the second's change from the first and\n"
        "        whether it lies beyond the runs' spread, each stage's cost over its own\n"
        "        baseline in both, the settings that differ. --pdf writes it with charts.\n"
        "  study (--builtin manual | FILE | --resume DIR) [--repeats N] [--duration D]\n"
        "      [--pdf OUT] [--json OUT] [--runs-dir DIR] [--studies-dir DIR] [--wait]\n"
        "      [--hosts HOSTS.json [--accept-new-host-keys] [--known-hosts FILE] [--bundle FILE]]\n"
        "        Run a study on this machine: its stages in order, each repeated, averaged and\n"
        "        compared with the first (the baseline); print the report. --duration sets\n"
        "        every run's measured window, --repeats every stage's runs; --resume continues\n"
        "        a study cut short. Exit status 1 when a stage failed or a threshold does not\n"
        "        hold. Studies are kept in $GATEBENCH_STUDIES_DIR, else\n"
        "        ~/.local/share/gatebench/studies.\n"
        "  hosts check HOSTS.json [--accept-new-host-keys] [--known-hosts FILE]\n"
        "      [--timeout D] [--json OUT]\n"
        "        Check every host of a hosts file over SSH before deploying to it: login,\n"
        "        host key (known_hosts; an unknown one is refused unless accepted), system,\n"
        "        CPU, memory, free disk in the workdir, open-file limit, clock offset, the\n"
        "        roles' ports. One line per problem; exit status 1 when there is one.\n"
        "  help\n"
        "        This text.\n"
        "\n"
        "One measurement at a time on a machine: run and study refuse to start while\n"
        "another (a window's or another command's) is in progress and name it; --wait\n"
        "waits for it to end instead.\n"
        "Runs are stored in $GATEBENCH_RUNS_DIR, else ~/.local/share/gatebench/runs.\n"
        "The servers are taken from $GATEBENCH_BIN_DIR, else gatebench's own directory.\n"
        "Exit status: 0 success, 1 the command failed, 2 usage error.\n");
}

int runHeadless(const QStringList& args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty()) {
        err << usage();
        return ExitUsage;
    }
    const QString command = args.first();
    const QStringList rest = args.mid(1);
    if (command == QLatin1String("run"))
        return runCommand(rest, out, err);
    if (command == QLatin1String("compare"))
        return compareCommand(rest, out, err);
    if (command == QLatin1String("study"))
        return studyCommand(rest, out, err);
    if (command == QLatin1String("hosts"))
        return hostsCommand(rest, out, err);
    if (command == QLatin1String("help") || command == QLatin1String("--help") ||
        command == QLatin1String("-h")) {
        out << usage();
        return ExitOk;
    }
    err << QStringLiteral("gatebench: unknown command \"%1\" (try: gatebench help)\n").arg(command);
    return ExitUsage;
}

} // namespace gb::app::cli
