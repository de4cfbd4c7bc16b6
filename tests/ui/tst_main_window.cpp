// GUI smoke test of the whole window against the real gatebench-upstream: the first start
// opens the built-in baseline; clicking Start runs it, the charts fill while it runs, the run
// lands in the history and can be compared; an invalid scenario is not started; the layout is
// remembered.

#include "app/builtin_scenarios.h"
#include "ui/charts/chart_widget.h"
#include "ui/compare/compare_view.h"
#include "ui/dashboard/metric_tile.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/main_window.h"
#include "ui/models/comparison_table_model.h"
#include "ui/models/run_history_model.h"
#include "ui/workspace_sidebar.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace gb;
using namespace gb::ui;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

void type(QLineEdit* edit, const QString& text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MainWindow::Options options() const
    {
        return {m_dir.filePath(QStringLiteral("runs")), kBinDir,
                m_dir.filePath(QStringLiteral("settings.ini"))};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
        QVERIFY(m_dir.isValid());
    }

    void firstStartOpensBaseline()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.editor()->scenario(),
                 app::builtinScenario(QStringLiteral("baseline")).value());
        QVERIFY(window.windowTitle().contains(QStringLiteral("baseline (built-in)")));
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("pages"))->currentIndex(), 0);
        // The dashboard shows what Start will run, and Start can be pressed.
        QTRY_VERIFY(window.dashboard()->startButton()->isEnabled());
    }

    void startFillsChartsAndStoresTheRun()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Shorter than the built-in's 10 s, through the form as a user would.
        type(window.editor()->findChild<QLineEdit*>(QStringLiteral("load.duration")),
             QStringLiteral("3s"));
        type(window.editor()->findChild<QLineEdit*>(QStringLiteral("load.warmup")),
             QStringLiteral("1s"));
        QCOMPARE(window.editor()->scenario().load.duration, app::Duration(std::chrono::seconds(3)));
        QVERIFY(window.windowTitle().contains(QStringLiteral("[*]")));
        QVERIFY(window.isWindowModified());

        QSignalSpy finished(window.controller(), &app::RunController::runFinished);
        QSignalSpy failed(window.controller(), &app::RunController::runFailed);
        window.showPage(MainWindow::Page::Run);
        QPushButton* start = window.dashboard()->startButton();
        QTRY_VERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(window.controller()->isRunning());
        QVERIFY(!start->isEnabled());
        QVERIFY(window.dashboard()->stopButton()->isEnabled());

        // Live: the charts fill while the run is on.
        charts::ChartWidget* throughput =
            window.dashboard()->chart(RunDashboard::Chart::Throughput);
        charts::ChartWidget* cpu = window.dashboard()->chart(RunDashboard::Chart::Cpu);
        QTRY_VERIFY_WITH_TIMEOUT(throughput->pointCount(0) >= 2, 30000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(window.controller()->isRunning());
        QVERIFY(cpu->pointCount(0) >= 1);
        QVERIFY(window.dashboard()->chart(RunDashboard::Chart::Latency)->pointCount(2) >= 1);
        QVERIFY(window.dashboard()->throughputTile()->value().endsWith(QStringLiteral("req/s")));

        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 60000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const auto run = finished.first().first().value<app::RunRecord>();
        QCOMPARE(run.status, app::RunStatus::Completed);
        QVERIFY(QFile::exists(run.filePath));
        // The finished run is drawn in a turn of the event loop after the one that ended it.
        QTRY_VERIFY(window.dashboard()
                        ->findChild<QPlainTextEdit*>(QStringLiteral("reportText"))
                        ->toPlainText()
                        .contains(QStringLiteral("Requests/sec:")));
        QVERIFY(window.dashboard()->chart(RunDashboard::Chart::Distribution)->pointCount(0) > 10);
        QTRY_COMPARE(window.historyModel()->rowCount(), 1);
        QCOMPARE(window.historyModel()->index(0, 0).data(RunHistoryModel::IdRole).toString(),
                 run.id);
        QVERIFY(start->isEnabled());

        // Compare it: the compare page reads the run file and fills its table.
        QSignalSpy compared(window.compareView(), &CompareView::comparisonUpdated);
        window.compareRuns({run.id});
        QTRY_VERIFY_WITH_TIMEOUT(window.compareView()->hasComparison(), 10000);
        QCOMPARE(window.compareView()->tableModel()->rowCount(), 2); // the run and its average
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("pages"))->currentIndex(), 2);
    }

    // At the default window size (no remembered layout) the run list shows its columns up to
    // Status whole: every cell's text and every title fits its column, and Status fits the view.
    void runListFitsAtTheDefaultSize()
    {
        MainWindow::Options fresh = options();
        fresh.settingsFile = m_dir.filePath(QStringLiteral("fresh.ini"));
        MainWindow window(fresh);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(window.historyModel()->rowCount() >= 1); // the run stored above
        auto* runs = window.findChild<QTreeView*>(QStringLiteral("runHistory"));
        QHeaderView* header = runs->header();
        const QFontMetrics cells(runs->font());
        const QFontMetrics titles(header->font());
        for (int column : {RunHistoryModel::NameColumn, RunHistoryModel::StartedColumn,
                           RunHistoryModel::ThroughputColumn, RunHistoryModel::P99Column,
                           RunHistoryModel::StatusColumn}) {
            QVERIFY(!header->isSectionHidden(column));
            const int width = header->sectionSize(column);
            const QString title = runs->model()->headerData(column, Qt::Horizontal).toString();
            QVERIFY2(titles.horizontalAdvance(title) < width, qPrintable(title));
            for (int row = 0; row < runs->model()->rowCount(); ++row) {
                const QString text = runs->model()->index(row, column).data().toString();
                QVERIFY2(cells.horizontalAdvance(text) + 8 <= width, qPrintable(text));
            }
        }
        const int statusEnd = header->sectionViewportPosition(RunHistoryModel::StatusColumn) +
                              header->sectionSize(RunHistoryModel::StatusColumn);
        QVERIFY2(
            statusEnd <= runs->viewport()->width(),
            qPrintable(QStringLiteral("%1 > %2").arg(statusEnd).arg(runs->viewport()->width())));
    }

    void invalidScenarioIsNotStarted()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        type(window.editor()->findChild<QLineEdit*>(QStringLiteral("load.duration")),
             QStringLiteral("soon"));
        QVERIFY(!window.editor()->problems().isEmpty());
        window.showPage(MainWindow::Page::Run);
        window.startRun();
        QVERIFY(!window.controller()->isRunning());
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("pages"))->currentIndex(), 0);
    }

    void remembersLayoutAndScenario()
    {
        const QString settings = m_dir.filePath(QStringLiteral("settings.ini"));
        {
            MainWindow window(options());
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.openScenario(QStringLiteral("builtin:keyless")));
            window.resize(1234, 876);
            window.showPage(MainWindow::Page::Compare);
            window.close();
        }
        QVERIFY(QSettings(settings, QSettings::IniFormat)
                    .value(QStringLiteral("window/geometry"))
                    .isValid());
        MainWindow again(options());
        QCOMPARE(again.editor()->scenario().name, QStringLiteral("keyless"));
        QCOMPARE(again.size(), QSize(1234, 876));
        QCOMPARE(again.findChild<QTabWidget*>(QStringLiteral("pages"))->currentIndex(), 2);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
