// The Study page against the real servers on loopback: a tiny built-in "manual" study (1 run
// of 1 s per stage, a 1 s calibration) reaches "finished" with the three stages' tables in its
// report and exports the PDF; Start on the form, then Cancel, ends a running study and leaves
// the page ready for the next one; a study is refused while another measurement is in progress.

#include "app/measurement_lock.h"
#include "app/study/study_runner.h"
#include "ui/charts/chart_widget.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/study/study_live_view.h"
#include "ui/study/study_page.h"
#include "ui/study/study_report_view.h"
#include "ui/study/study_results_view.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::ui;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
constexpr int kStudyTimeoutMs = 60'000; // a few 1 s runs on a loaded, shared 2-core machine

template <class T>
T* child(const StudyPage& page, const char* name)
{
    T* widget = page.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no %s on the study page", name);
    return widget;
}

} // namespace

class TestStudyPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    void setUp(StudyPage& page) const
    {
        page.setBinDirectory(kBinDir);
        page.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        page.setStudiesDirectory(m_dir.filePath(QStringLiteral("studies")));
    }
    static void expectReady(const StudyPage& page)
    {
        QVERIFY(child<QPushButton>(page, "studyStart")->isEnabled());
        QVERIFY(!child<QPushButton>(page, "studyCancel")->isEnabled());
        QVERIFY(child<QSpinBox>(page, "studyRepeats")->isEnabled());
        QVERIFY(!page.runner()->isRunning());
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* server : {"gatebench-upstream", "gatebench-gateway"})
            QVERIFY2(QFile::exists(kBinDir + u'/' + QLatin1String(server)),
                     "the servers are not built in " GB_BIN_DIR);
        QVERIFY(m_dir.isValid());
    }

    void formDefaults()
    {
        StudyPage page;
        QCOMPARE(child<QSpinBox>(page, "studyRepeats")->value(), 3);
        QCOMPARE(child<QSpinBox>(page, "studyDuration")->value(), 5);
        const auto study = page.studyFromForm();
        QVERIFY2(study, qPrintable(study.error()));
        QCOMPARE(study->name, QStringLiteral("manual"));
        QCOMPARE(study->stages.size(), 3);
        QCOMPARE(study->totalRuns(), 9);
        QCOMPARE(study->stages.first().scenario.load.duration, app::Duration(5s));
        expectReady(page);
    }

    void noStudyWhileAnotherMeasurementIsInProgress()
    {
        // Whatever else measures on this machine (the Run page, another gatebench) holds the
        // measurement lock; Start is refused with a sentence naming it, and works once it ends.
        StudyPage page;
        setUp(page);
        child<QSpinBox>(page, "studyRepeats")->setValue(1);
        child<QSpinBox>(page, "studyDuration")->setValue(60);
        {
            auto other = app::MeasurementLock::acquire(QStringLiteral("run \"elsewhere\""));
            QVERIFY2(other, qPrintable(other.error()));
            QTest::mouseClick(child<QPushButton>(page, "studyStart"), Qt::LeftButton);
            QVERIFY(!page.isRunning());
            QVERIFY(!page.runner()->isRunning());
            QVERIFY2(page.errorText().contains(QStringLiteral("run \"elsewhere\"")),
                     qPrintable(page.errorText()));
            QVERIFY(child<QPushButton>(page, "studyStart")->isEnabled());
        }
        QTest::mouseClick(child<QPushButton>(page, "studyStart"), Qt::LeftButton);
        QCOMPARE(page.state(), StudyPage::State::Running);
        QVERIFY(page.errorText().isEmpty());
        page.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), 20'000);
        expectReady(page);
    }

    void tinyStudyFinishes()
    {
        StudyPage page;
        setUp(page);
        child<QSpinBox>(page, "studyRepeats")->setValue(1);
        child<QSpinBox>(page, "studyDuration")->setValue(1);
        auto study = page.studyFromForm();
        QVERIFY2(study, qPrintable(study.error()));
        study->localScaling.calibrationDuration = 1s;

        const QString screenshots = qEnvironmentVariable("GB_SCREENSHOTS");
        if (!screenshots.isEmpty()) {
            page.resize(1200, 900);
            page.show();
            QVERIFY(QTest::qWaitForWindowExposed(&page));
        }
        QVERIFY(page.start(study.value()));
        QCOMPARE(page.state(), StudyPage::State::Running);
        QVERIFY(!child<QPushButton>(page, "studyStart")->isEnabled());
        QVERIFY(child<QPushButton>(page, "studyCancel")->isEnabled());
        // While it runs the Live tab shows the current run as the Run page would: its charts
        // fill from the runner's controller before the study is over.
        auto* tabs = child<QTabWidget>(page, "studyViews");
        QCOMPARE(tabs->currentWidget(), page.live());
        charts::ChartWidget* liveThroughput =
            page.live()->dashboard()->chart(RunDashboard::Chart::Throughput);
        bool sawLive = false;
        QElapsedTimer clock;
        clock.start();
        bool shot = screenshots.isEmpty();
        while (page.isRunning() && clock.elapsed() < kStudyTimeoutMs) {
            sawLive = sawLive || liveThroughput->pointCount(0) >= 1;
            if (!shot && page.live()->finishedRuns() >= 1 && liveThroughput->pointCount(0) >= 1)
                shot = page.grab().save(screenshots + QStringLiteral("/study-live.png"));
            QTest::qWait(50);
        }
        QVERIFY(!page.isRunning());
        QVERIFY2(sawLive, "the live dashboard showed no point while the study ran");
        QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
        QCOMPARE(page.state(), StudyPage::State::Finished);
        QVERIFY2(page.statusText().startsWith(QStringLiteral("Finished")),
                 qPrintable(page.statusText()));
        QCOMPARE(child<QProgressBar>(page, "studyProgress")->value(), 3);
        QCOMPARE(child<QProgressBar>(page, "studyProgress")->maximum(), 3);
        expectReady(page);

        QTRY_VERIFY(page.results()->report().has_value()); // built off the GUI thread
        const QString text = page.results()->text();
        for (const QString& stage :
             {QStringLiteral("Stage 1: Baseline"), QStringLiteral("Stage 2: Transparent proxy"),
              QStringLiteral("Stage 3: Full load")})
            QVERIFY2(text.contains(stage), qPrintable(stage + QStringLiteral(" in:\n") + text));
        QVERIFY2(text.contains(QStringLiteral("RUN #")), qPrintable(text));

        // The strip: one mark per finished run, in its stage's series; the results shown.
        QCOMPARE(page.live()->finishedRuns(), 3);
        for (charts::ChartWidget* strip : {page.live()->p99Strip(), page.live()->throughputStrip()})
            for (int stage = 0; stage < 3; ++stage)
                QCOMPARE(strip->pointCount(stage), 1);
        QCOMPARE(tabs->currentWidget(), page.results());

        // The page of tables and charts says what the report model says, cell for cell, and
        // draws its charts; flagged rows are marked, warnings are badges.
        QTRY_VERIFY(page.results()->page()->isComplete()); // built a few blocks per turn
        const app::StudyReport& report = page.results()->report().value();
        const QList<app::ReportTable> tables = report.tables();
        const QList<QTableView*> views = page.results()->page()->tableViews();
        QCOMPARE(views.size(), tables.size());
        for (qsizetype t = 0; t < tables.size(); ++t) {
            const QAbstractItemModel* model = views[t]->model();
            QCOMPARE(model->rowCount(), int(tables[t].rows.size()));
            QCOMPARE(model->columnCount(), int(tables[t].header.size()));
            for (int c = 0; c < model->columnCount(); ++c)
                QCOMPARE(model->headerData(c, Qt::Horizontal).toString(), tables[t].header[c]);
            for (int r = 0; r < model->rowCount(); ++r) {
                for (int c = 0; c < model->columnCount(); ++c)
                    QCOMPARE(model->index(r, c).data().toString(), tables[t].rows[r].value(c));
                QCOMPARE(!model->index(r, 0).data(Qt::DecorationRole).isNull(),
                         tables[t].flaggedRows.contains(r));
            }
        }
        int charts = 0;
        int warnings = 0;
        for (const app::ReportBlock& block : report.blocks) {
            charts += std::holds_alternative<app::ReportChart>(block);
            if (const auto* p = std::get_if<app::ReportParagraph>(&block))
                warnings += p->warning;
        }
        QVERIFY(charts > 0);
        QCOMPARE(page.results()->page()->chartWidgets().size(), charts);
        QCOMPARE(page.results()->page()->badges().size(), warnings);
        if (!screenshots.isEmpty()) {
            QTest::qWait(200);
            QVERIFY(page.grab().save(screenshots + QStringLiteral("/study-results.png")));
        }

        // Kept: another page lists the study from the studies directory and opens it into the
        // same tables (its runs read back from the run files).
        StudyPage reopened;
        setUp(reopened);
        auto* kept = child<QComboBox>(reopened, "studyKept");
        QTRY_VERIFY(kept->findData(page.runner()->state().directory) >= 0);
        kept->setCurrentIndex(kept->findData(page.runner()->state().directory));
        QTest::mouseClick(child<QPushButton>(reopened, "studyOpen"), Qt::LeftButton);
        QTRY_VERIFY(reopened.results()->report().has_value() &&
                    reopened.results()->page()->isComplete());
        const QList<app::ReportTable> again = reopened.results()->report()->tables();
        QCOMPARE(again.size(), tables.size());
        for (qsizetype t = 0; t < tables.size(); ++t)
            QCOMPARE(again[t].rows, tables[t].rows);
        QVERIFY2(reopened.statusText().startsWith(QStringLiteral("Opened study")),
                 qPrintable(reopened.statusText()));
        const QString reopenedPdf = m_dir.filePath(QStringLiteral("reopened.pdf"));
        QCOMPARE(reopened.results()->exportPdf(reopenedPdf), QString());
        QVERIFY(QFileInfo(reopenedPdf).size() > 10'000);
        // The opened study (A) compared with a kept one (B, here itself) stage by stage: the
        // comparison's report on the same page (one run per stage: no verdict on noise), and
        // exported as the study is.
        auto* compareButton = child<QPushButton>(reopened, "studyCompare");
        QVERIFY(compareButton->isEnabled());
        QTest::mouseClick(compareButton, Qt::LeftButton);
        QTRY_VERIFY(reopened.results()->report().has_value() &&
                    reopened.results()->report()->title.startsWith(
                        QStringLiteral("GateBench study comparison")) &&
                    reopened.results()->page()->isComplete());
        const app::ReportTable byStage = reopened.results()->report()->tables().first();
        QCOMPARE(byStage.rows.size(), page.runner()->state().study.stages.size());
        for (const QStringList& row : byStage.rows) {
            QCOMPARE(row.value(2), row.value(3)); // p99 A = p99 B
            QCOMPARE(row.value(4), QStringLiteral("+0.00 ms"));
            // One run per stage here: no spread to judge a change by, and the verdict says so.
            QVERIFY2(row.value(1).endsWith(
                         QStringLiteral("one run: no spread to tell a change from noise")),
                     qPrintable(row.value(1)));
        }
        QVERIFY2(reopened.statusText().contains(QStringLiteral("compared with")),
                 qPrintable(reopened.statusText()));
        const QString comparisonPdf = m_dir.filePath(QStringLiteral("comparison.pdf"));
        QCOMPARE(reopened.results()->exportPdf(comparisonPdf), QString());
        QVERIFY(QFileInfo(comparisonPdf).size() > 10'000);
        if (!screenshots.isEmpty()) {
            // For the picture only: a second study with 2 s runs, compared with the first.
            auto second = page.studyFromForm();
            QVERIFY(second);
            second->setRunDuration(2s);
            second->localScaling.calibrationDuration = 1s;
            QVERIFY(page.start(second.value()));
            QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), kStudyTimeoutMs);
            const QString secondDirectory = page.runner()->state().directory;
            setUp(reopened); // lists the kept studies again
            QTRY_VERIFY(kept->findData(secondDirectory) >= 0);
            kept->setCurrentIndex(kept->findData(secondDirectory));
            QTest::mouseClick(compareButton, Qt::LeftButton);
            QTRY_VERIFY(reopened.statusText().contains(QFileInfo(secondDirectory).fileName()) &&
                        reopened.results()->page()->isComplete());
            reopened.resize(1200, 900);
            reopened.show();
            QVERIFY(QTest::qWaitForWindowExposed(&reopened));
            QTest::qWait(300);
            QVERIFY(reopened.grab().save(screenshots + QStringLiteral("/study-compare.png")));
        }

        const QString pdf = m_dir.filePath(QStringLiteral("study.pdf"));
        QCOMPARE(page.results()->exportPdf(pdf), QString());
        QVERIFY(QFileInfo(pdf).size() > 10'000);
    }

    void cancelEndsARunningStudy()
    {
        StudyPage page;
        setUp(page);
        child<QSpinBox>(page, "studyRepeats")->setValue(1);
        child<QSpinBox>(page, "studyDuration")->setValue(60);
        QTest::mouseClick(child<QPushButton>(page, "studyStart"), Qt::LeftButton);
        QCOMPARE(page.state(), StudyPage::State::Running);
        // Past the calibration: the first stage's run is under way.
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("Stage 1 of 3")),
                                 kStudyTimeoutMs);
        QCOMPARE(page.statusText(), QStringLiteral("Stage 1 of 3: Baseline, run 1 of 1"));
        QVERIFY2(!page.findChild<QLabel*>(QStringLiteral("studyScalingNote"))->text().isEmpty(),
                 "no scaling note after the calibration");

        QTest::mouseClick(child<QPushButton>(page, "studyCancel"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), 20'000);
        QCOMPARE(page.state(), StudyPage::State::Cancelled);
        QVERIFY2(page.statusText().startsWith(QStringLiteral("Cancelled")),
                 qPrintable(page.statusText()));
        expectReady(page);

        // Usable again: the next study starts (and is cancelled at once).
        QTest::mouseClick(child<QPushButton>(page, "studyStart"), Qt::LeftButton);
        QCOMPARE(page.state(), StudyPage::State::Running);
        page.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), 20'000);
        QCOMPARE(page.state(), StudyPage::State::Cancelled);
        expectReady(page);
    }
};

QTEST_MAIN(TestStudyPage)
#include "tst_study_page.moc"
