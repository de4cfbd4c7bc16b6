#pragma once

#include <QString>
#include <QStringList>

class QTextStream;

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

/// Runs the headless command named by args[0] (args exclude the program name). Needs a
/// QCoreApplication (or QApplication); returns the exit status. Output goes to stdout, the one
/// line explaining a failure to stderr.
int runHeadless(const QStringList& args);

/// `gatebench run (FILE | --builtin NAME) [--duration D] [--connections N] [--rate R]
/// [--json OUT] [--runs-dir DIR]`: runs one scenario locally through RunController, prints
/// hey's report and where the run is stored.
int runCommand(const QStringList& args, QTextStream& out, QTextStream& err);

/// `gatebench compare RUN.json... [--baseline N] [--json OUT]`: groups the runs by scenario
/// and prints the comparison tables; N is the baseline group's number (default 1).
int compareCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace gb::app::cli
