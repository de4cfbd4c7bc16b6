#include "ui/dev/screenshot_tour.h"

#include "app/run_controller.h"
#include "ui/charts/chart_widget.h"
#include "ui/compare/compare_view.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/main_window.h"
#include "ui/models/run_history_model.h"
#include "ui/study/study_page.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPixmap>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>

namespace gb::ui {

namespace {

/// Polls until ready() holds, then runs next; gives up after timeoutMs.
void when(QObject* context, std::function<bool()> ready, std::function<void()> next,
          const QString& what, int timeoutMs)
{
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto* timer = new QTimer(context);
    timer->setInterval(100);
    QObject::connect(timer, &QTimer::timeout, context, [=] {
        if (ready()) {
            timer->deleteLater();
            next();
        } else if (clock->elapsed() > timeoutMs) {
            timer->deleteLater();
            std::fprintf(stderr, "screenshots: timed out waiting for %s\n", qPrintable(what));
            QApplication::exit(1);
        }
    });
    timer->start();
}

bool grabTo(MainWindow* window, const QString& path)
{
    if (!window->grab().save(path)) {
        std::fprintf(stderr, "screenshots: cannot write %s\n", qPrintable(path));
        QApplication::exit(1);
        return false;
    }
    std::fprintf(stderr, "screenshots: wrote %s\n", qPrintable(path));
    return true;
}

} // namespace

void startScreenshotTour(MainWindow* window, const QString& directory)
{
    QDir().mkpath(directory);
    const QDir dir(directory);
    auto finished = std::make_shared<bool>(false);
    QObject::connect(window->controller(), &app::RunController::runFinished, window,
                     [finished] { *finished = true; });

    // 6. The built-in study on the Study page, finished: 3 short runs per stage keep the tour
    //    at about a minute. Its state goes to a temporary directory, not the user's studies.
    const auto runStudy = [=] {
        auto studies = std::make_shared<QTemporaryDir>();
        StudyPage* page = window->studyPage();
        page->setStudiesDirectory(studies->path());
        page->findChild<QSpinBox*>(QStringLiteral("studyDuration"))->setValue(2);
        window->showPage(MainWindow::Page::Study);
        const auto study = page->studyFromForm();
        if (!study || !page->start(study.value())) {
            std::fprintf(stderr, "screenshots: the study did not start: %s\n",
                         qPrintable(study ? page->errorText() : study.error()));
            QApplication::exit(1);
            return;
        }
        when(
            window, [=] { return !page->isRunning(); },
            [=] {
                QTimer::singleShot(800, window, [=] {
                    const bool finished = page->state() == StudyPage::State::Finished;
                    if (!finished)
                        std::fprintf(stderr, "screenshots: the study did not finish: %s\n",
                                     qPrintable(page->errorText()));
                    if (grabTo(window, dir.filePath(QStringLiteral("study.png"))))
                        QApplication::exit(finished && studies->isValid() ? 0 : 1);
                });
            },
            QStringLiteral("the study"), 300'000);
    };

    // 5. Every stored run (the tour's: the window was given an empty run store), grouped by
    //    scenario, against baseline.
    const auto compareAll = [=] {
        QStringList ids;
        for (const app::RunListEntry& e : window->historyModel()->entries())
            ids.append(e.id);
        window->compareRuns(ids);
        window->compareView()->setBaselineGroup(QStringLiteral("baseline"));
        when(
            window, [=] { return window->compareView()->comparedRuns().size() == ids.size(); },
            [=] {
                window->compareView()->setBaselineGroup(QStringLiteral("baseline"));
                QTimer::singleShot(800, window, [=] {
                    if (!grabTo(window, dir.filePath(QStringLiteral("compare.png"))))
                        return;
                    const QString error = window->compareView()->exportPdf(
                        dir.filePath(QStringLiteral("compare.pdf")));
                    if (!error.isEmpty()) {
                        std::fprintf(stderr, "screenshots: %s\n", qPrintable(error));
                        QApplication::exit(1);
                        return;
                    }
                    runStudy();
                });
            },
            QStringLiteral("the comparison"), 30'000);
    };

    // 4. A run of the keyless gateway, so the comparison has a delta to show.
    const auto runKeyless = [=] {
        *finished = false;
        window->openScenario(QStringLiteral("builtin:keyless"));
        window->startRun();
        when(
            window, [=] { return *finished; }, compareAll, QStringLiteral("the keyless run"),
            120'000);
    };

    // 1. The editor on the built-in baseline, as a first start shows it, and on the study's
    //    third stage, whose gateway has the most settings.
    window->openScenario(QStringLiteral("builtin:full"));
    window->showPage(MainWindow::Page::Scenario);
    QTimer::singleShot(1500, window, [=] {
        if (!grabTo(window, dir.filePath(QStringLiteral("editor-gateway.png"))))
            return;
        window->openScenario(QStringLiteral("builtin:baseline"));
    });
    QTimer::singleShot(2500, window, [=] {
        if (!grabTo(window, dir.filePath(QStringLiteral("editor.png"))))
            return;
        // 2. A live run, a few seconds after the warm-up.
        window->startRun();
        when(
            window,
            [=] {
                return window->dashboard()->chart(RunDashboard::Chart::Throughput)->pointCount(0) >=
                       8;
            },
            [=] {
                if (!grabTo(window, dir.filePath(QStringLiteral("live-run.png"))))
                    return;
                // 3. The finished run.
                when(
                    window, [=] { return *finished; },
                    [=] {
                        QTimer::singleShot(800, window, [=] {
                            if (grabTo(window, dir.filePath(QStringLiteral("run-result.png"))))
                                runKeyless();
                        });
                    },
                    QStringLiteral("the run to finish"), 120'000);
            },
            QStringLiteral("8 seconds of live data"), 60'000);
    });
}

} // namespace gb::ui
