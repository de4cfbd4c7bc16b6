// One measurement at a time, from every entry point of the window: while the Study page's study
// measures, the Run page's Start button, the Run menu's Start and its F5 shortcut are refused
// with a sentence naming the study (nothing starts); while a run measures, the Study page's
// Start is refused; a headless gatebench in another process blocks the window's Start the same
// way; closing the window asks once, whatever is running. The rule itself is app/'s
// (MeasurementLock): the buttons stay enabled, so these tests fail if it goes.

#include "app/builtin_scenarios.h"
#include "app/measurement_lock.h"
#include "app/study/study_runner.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/main_window.h"
#include "ui/study/study_page.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace gb;
using namespace gb::ui;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
constexpr int kTimeoutMs = 60'000; // a few short runs on a loaded, shared 2-core machine

/// The window's Start action (Run menu, toolbar, F5).
QAction* startAction(const MainWindow& window)
{
    for (QAction* action : window.findChildren<QAction*>())
        if (action->text() == QStringLiteral("&Start"))
            return action;
    qFatal("no Start action");
}

/// The text shown in the Run page's message box (the refusal lands there).
QString runPageMessage(const MainWindow& window)
{
    QString shown;
    for (const QLabel* label : window.dashboard()->findChildren<QLabel*>())
        if (label->isVisible() && label->text().startsWith(QStringLiteral("Another measurement")))
            shown = label->text();
    return shown;
}

/// Answers every question box that opens with answer, and counts them.
class QuestionAnswerer : public QObject
{
public:
    explicit QuestionAnswerer(QMessageBox::StandardButton answer)
        : m_answer(answer)
    {
        m_poll.setInterval(20);
        QObject::connect(&m_poll, &QTimer::timeout, this, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                ++count;
                text = box->text();
                box->button(m_answer)->click();
            }
        });
        m_poll.start();
    }
    int count = 0;
    QString text;

private:
    QMessageBox::StandardButton m_answer;
    QTimer m_poll;
};

} // namespace

class TestOneMeasurement : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    MainWindow::Options options() const
    {
        return {m_dir.filePath(QStringLiteral("runs")), kBinDir,
                m_dir.filePath(QStringLiteral("settings.ini"))};
    }
    /// Starts a study of 60 s runs on the window's Study page.
    void startLongStudy(MainWindow& window) const
    {
        StudyPage* page = window.studyPage();
        page->setStudiesDirectory(m_dir.filePath(QStringLiteral("studies")));
        page->findChild<QSpinBox*>(QStringLiteral("studyRepeats"))->setValue(1);
        page->findChild<QSpinBox*>(QStringLiteral("studyDuration"))->setValue(60);
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("studyStart")),
                          Qt::LeftButton);
        QCOMPARE(page->state(), StudyPage::State::Running);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
        QVERIFY(m_dir.isValid());
    }

    void noRunWhileAStudyMeasures()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        startLongStudy(window);
        // Calibrating: the study's own controller measures.
        QTRY_VERIFY_WITH_TIMEOUT(window.studyPage()->runner()->controller()->isRunning(),
                                 kTimeoutMs);

        const QString expected = QStringLiteral("Another measurement is in progress on this "
                                                "machine: study \"manual\" (this gatebench");
        auto refusedBy = [&](const char* entryPoint, const std::function<void()>& press) {
            window.statusBar()->clearMessage();
            press();
            QVERIFY2(!window.controller()->isRunning(), entryPoint);
            QVERIFY2(window.statusBar()->currentMessage().startsWith(expected),
                     qPrintable(QStringLiteral("%1: status bar: %2")
                                    .arg(QLatin1String(entryPoint),
                                         window.statusBar()->currentMessage())));
            QVERIFY2(runPageMessage(window).startsWith(expected), entryPoint);
        };
        window.showPage(MainWindow::Page::Run);
        QVERIFY(window.dashboard()->startButton()->isEnabled());
        refusedBy("Run page Start",
                  [&] { QTest::mouseClick(window.dashboard()->startButton(), Qt::LeftButton); });
        QVERIFY(startAction(window)->isEnabled());
        refusedBy("Run menu Start", [&] { startAction(window)->trigger(); });
        refusedBy("F5", [&] { QTest::keyClick(&window, Qt::Key_F5); });
        QVERIFY(window.studyPage()->isRunning()); // the study went on untouched

        window.studyPage()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!window.studyPage()->isRunning(), kTimeoutMs);
    }

    void noStudyWhileARunMeasures()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        app::Scenario scenario = app::builtinScenario(QStringLiteral("baseline")).value();
        scenario.load.duration = 60s;
        window.editor()->setScenario(scenario);
        window.startRun();
        QVERIFY(window.controller()->isRunning());

        StudyPage* page = window.studyPage();
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("studyStart")),
                          Qt::LeftButton);
        QVERIFY(!page->isRunning());
        QVERIFY(!page->runner()->isRunning());
        QVERIFY2(page->errorText().contains(QStringLiteral("run \"baseline\" (this gatebench")),
                 qPrintable(page->errorText()));

        window.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isRunning(), kTimeoutMs);
    }

    void noRunWhileAnotherProcessMeasures()
    {
        QProcess other;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEBENCH_RUNS_DIR"), m_dir.filePath(QStringLiteral("runs")));
        other.setProcessEnvironment(env);
        other.start(kBinDir + QStringLiteral("/gatebench"),
                    {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("baseline"),
                     QStringLiteral("--duration"), QStringLiteral("60s"), QStringLiteral("--rate"),
                     QStringLiteral("200")});
        // Measuring (it took the lock before its first phase line). Stopped from then on, a run
        // is kept and the command ends with 0; stopped during its start-up it would end with 1.
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += other.readAllStandardError()).contains("Running ") ||
                                     other.state() == QProcess::NotRunning,
                                 kTimeoutMs);
        QCOMPARE(other.state(), QProcess::Running);

        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.startRun();
        QVERIFY(!window.controller()->isRunning());
        const QString expected =
            QStringLiteral("run \"baseline\" (gatebench run, pid %1").arg(other.processId());
        QVERIFY2(window.statusBar()->currentMessage().contains(expected),
                 qPrintable(window.statusBar()->currentMessage()));

        ::kill(pid_t(other.processId()), SIGTERM);
        QVERIFY(other.waitForFinished(kTimeoutMs));
        QCOMPARE(other.exitCode(), 0);
    }

    void closingAsksOnceWhateverRuns()
    {
        auto window = std::make_unique<MainWindow>(options());
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        startLongStudy(*window);
        {
            QuestionAnswerer no(QMessageBox::Cancel);
            QVERIFY(!window->close());
            QCOMPARE(no.count, 1);
            QVERIFY2(no.text.startsWith(QStringLiteral("A study is in progress")),
                     qPrintable(no.text));
        }
        QVERIFY(window->studyPage()->isRunning());
        {
            QuestionAnswerer yes(QMessageBox::Yes);
            QVERIFY(window->close());
            QCOMPARE(yes.count, 1);
        }
        window.reset(); // the study's current run is stopped and waited for
        const auto after = app::MeasurementLock::acquire(QStringLiteral("after closing"));
        QVERIFY2(after, qPrintable(after.error()));
    }
};

QTEST_MAIN(TestOneMeasurement)
#include "tst_one_measurement.moc"
