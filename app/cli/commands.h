#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

class QTextStream;

namespace gb::app {
struct Comparison;
struct RunRecord;
struct StudyReport;
} // namespace gb::app

namespace gb::app::cli {

/// Exit statuses of every headless command.
enum ExitStatus
{
    ExitOk = 0,
    ExitRuntimeError = 1, ///< the command was understood but could not be done
    ExitUsage = 2,        ///< the command line is wrong
};

/// gatebench's usage text (commands and their flags).
QString usage();

/// The writers behind --pdf. app/ draws nothing (no widgets, no charts), so the executable that
/// links ui/ installs them before running a command; without them --pdf is a usage error. Each
/// returns an empty string on success, else the sentence. They draw charts: the command's
/// application object must then be a QApplication.
struct PdfExporters
{
    std::function<QString(const RunRecord& run, const QString& path)> run;
    std::function<QString(const Comparison& comparison, const QList<RunRecord>& runs,
                          const QString& path)>
        comparison;
    std::function<QString(const StudyReport& report, const QString& path)> study;
};
void setPdfExporters(PdfExporters exporters);
const PdfExporters& pdfExporters();

/// Runs the headless command named by args[0] (args exclude the program name). Needs a
/// QCoreApplication (or QApplication); returns the exit status. Output goes to stdout, the one
/// line explaining a failure to stderr.
int runHeadless(const QStringList& args);

/// `gatebench run (FILE | --builtin NAME) [--duration D] [--connections N] [--rate R]
/// [--json OUT] [--pdf OUT] [--runs-dir DIR] [--wait]`: runs one scenario locally through
/// RunController, prints hey's report and where the run is stored. Refused (or, with --wait,
/// delayed) while another measurement is in progress on this machine.
int runCommand(const QStringList& args, QTextStream& out, QTextStream& err);

/// `gatebench compare RUN.json... [--baseline N] [--json OUT] [--pdf OUT]`: groups the runs by
/// scenario and prints the comparison tables; N is the baseline group's number (default 1).
int compareCommand(const QStringList& args, QTextStream& out, QTextStream& err);

/// `gatebench hosts check HOSTS.json [--accept-new-host-keys] [--known-hosts FILE] [--timeout D]
/// [--json OUT]`: checks every host over SSH (app/hosts/host_check.h) and prints the table; 0
/// when every host is ready.
int hostsCommand(const QStringList& args, QTextStream& out, QTextStream& err);

/// `gatebench study (--builtin NAME | FILE | --resume DIR) [--repeats N] [--duration D]
/// [--pdf OUT] [--json OUT] [--runs-dir DIR] [--studies-dir DIR] [--wait]`: runs a study locally
/// through StudyRunner and prints its report; 0 when every stage ran and every threshold holds.
/// Refused or delayed as run is.
int studyCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace gb::app::cli
