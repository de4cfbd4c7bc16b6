// gatebench: the workbench's entry point. Wiring only: the commands live in app/cli/, the
// window (with no arguments) will live in ui/.
#include "app/cli/commands.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

void setIdentity()
{
    // Decides QStandardPaths::AppDataLocation: ~/.local/share/gatebench.
    QCoreApplication::setApplicationName(QStringLiteral("gatebench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GATEBENCH_VERSION));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1) {
        QCoreApplication app(argc, argv);
        setIdentity();
        return gb::app::cli::runHeadless(QCoreApplication::arguments().mid(1));
    }
    // No command: this is where the window opens once ui/ exists, e.g.
    //   QApplication app(argc, argv); setIdentity(); gb::ui::MainWindow w; w.show(); return
    //   app.exec();
    std::fputs(gb::app::cli::usage().toLocal8Bit().constData(), stderr);
    return gb::app::cli::ExitUsage;
}
