// gatebench: the workbench's entry point. Wiring only: the commands live in app/cli/, the
// window and the PDF reports in ui/.
#include "app/cli/commands.h"
#include "ui/dev/screenshot_tour.h"
#include "ui/main_window.h"
#include "ui/report/reports.h"
#include "ui/report/study_pdf.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>

namespace {

void setIdentity()
{
    // Decides QStandardPaths::AppDataLocation: ~/.local/share/gatebench.
    QCoreApplication::setApplicationName(QStringLiteral("gatebench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GATEBENCH_VERSION));
}

/// --pdf draws charts, which takes a QApplication (Qt Charts is QGraphicsView based).
bool drawsDocuments(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--pdf") == 0 || std::strncmp(argv[i], "--pdf=", 6) == 0)
            return true;
    return false;
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char** argv)
{
    gb::app::cli::setPdfExporters({&gb::ui::report::exportRunPdf,
                                   &gb::ui::report::exportComparisonPdf,
                                   &gb::ui::report::writeStudyPdf});

    // Developer option: `gatebench --screenshots DIR` takes the README's screenshots.
    const bool screenshots = argc == 3 && std::strcmp(argv[1], "--screenshots") == 0;
    if (argc > 1 && !screenshots) {
        // A headless command never shows a window, so it neither needs nor touches a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        if (drawsDocuments(argc, argv)) {
            QApplication app(argc, argv);
            setIdentity();
            return gb::app::cli::runHeadless(QCoreApplication::arguments().mid(1));
        }
        QCoreApplication app(argc, argv);
        setIdentity();
        return gb::app::cli::runHeadless(QCoreApplication::arguments().mid(1));
    }

    if (!hasDisplay()) {
        std::fputs(gb::app::cli::usage().toLocal8Bit().constData(), stderr);
        std::fputs("\ngatebench: no display to open the window on (DISPLAY is not set): use a "
                   "command above, or run the window under xvfb-run.\n",
                   stderr);
        return gb::app::cli::ExitUsage;
    }
    QApplication app(argc, argv);
    setIdentity();
    gb::ui::initializeApplication();

    gb::ui::MainWindow::Options options;
    // The screenshots start from nothing every time: the same window size and layout, a run
    // history holding the tour's runs only, and the user's settings and runs untouched.
    QTemporaryDir screenshotData;
    if (screenshots) {
        if (!screenshotData.isValid()) {
            std::fprintf(stderr, "gatebench: cannot create a temporary directory: %s\n",
                         qPrintable(screenshotData.errorString()));
            return 1;
        }
        options.settingsFile = screenshotData.filePath(QStringLiteral("gatebench.ini"));
        options.runsDirectory = screenshotData.filePath(QStringLiteral("runs"));
    }
    gb::ui::MainWindow window(options);
    if (screenshots)
        window.resize(1440, 900);
    window.show();
    if (screenshots)
        gb::ui::startScreenshotTour(&window, QString::fromLocal8Bit(argv[2]));
    return app.exec();
}
