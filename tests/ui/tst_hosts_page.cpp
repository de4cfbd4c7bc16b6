// The Hosts page and a run on hosts from the window, against three real sshd on 127.0.0.2, .3
// and .4 (support/sshd_fixture) and the real server bundle: the hosts file opened, edited (a
// problem shown and Check disabled while it lasts) and saved; Check Hosts asking for each unknown
// host key in a dialog that shows its fingerprint, then knowing them; a refused key as one problem
// line; a scenario on hosts started from the window with the dialogs answered as they come, run
// to the end with a CPU line per host on the live chart and each host's server logs streamed in;
// Start without hosts sending the user to the Hosts page. The dialogs are real: the test answers
// them as a user would. Loopback only. GB_SCREENSHOTS=DIR also saves the README's screenshots of
// the Hosts page and the run on hosts.

#include "app/builtin_scenarios.h"
#include "app/run_controller.h"
#include "app/study/study_runner.h"
#include "support/sshd_fixture.h"
#include "ui/charts/chart_widget.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/hosts/hosts_page.h"
#include "ui/hosts/ssh_prompts.h"
#include "ui/main_window.h"
#include "ui/models/hosts_table_model.h"
#include "ui/study/study_page.h"
#include "ui/study/study_results_view.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace gb;
using namespace gb::ui;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

/// Answers the host key dialogs as they appear, as a user would: trusting, or cancelling.
class HostKeyAnswerer final : public QObject
{
public:
    explicit HostKeyAnswerer(bool trust)
        : m_trust(trust)
    {
        connect(&m_timer, &QTimer::timeout, this, &HostKeyAnswerer::answer);
        m_timer.start(20);
    }
    QStringList shown; ///< each dialog's informative text (the fingerprint is in it)

private:
    void answer()
    {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != QLatin1String("hostKeyConfirmation") || !box->isVisible())
            return;
        shown.append(box->text() + QLatin1Char('\n') + box->informativeText());
        for (QAbstractButton* b : box->buttons())
            if ((b->text() == QLatin1String("Trust and Connect")) == m_trust) {
                b->click();
                return;
            }
    }
    bool m_trust;
    QTimer m_timer;
};

/// With GB_SCREENSHOTS=DIR (run under xvfb-run with QT_QPA_PLATFORM=xcb) the test also saves
/// the README's Hosts screenshots: the real hosts of this test are what they show.
QString screenshotDirectory()
{
    return qEnvironmentVariable("GB_SCREENSHOTS");
}

void grabForReadme(QWidget& window, const QString& name)
{
    if (screenshotDirectory().isEmpty())
        return;
    QTest::qWait(600); // let the charts and tables settle
    const QString path = QDir(screenshotDirectory()).filePath(name);
    QVERIFY2(window.grab().save(path), qPrintable(path));
}

} // namespace

class TestHostsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundle;
    std::unique_ptr<test::SshServer> m_servers[3];
    app::HostsFile m_hosts;
    QString m_hostsPath;
    int m_knownHostsFiles = 0;

    QString freshKnownHosts()
    {
        return m_dir.filePath(QStringLiteral("known_hosts.%1").arg(++m_knownHostsFiles));
    }
    MainWindow::Options options() const
    {
        return {m_dir.filePath(QStringLiteral("runs")), kBinDir,
                m_dir.filePath(QStringLiteral("settings.ini"))};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Nothing of the user's: no agent, no ~/.ssh.
        qunsetenv("SSH_AUTH_SOCK");
        qputenv("HOME", m_dir.path().toUtf8());
        QString error;
        m_bundle = test::makeBundle(kBinDir, m_dir.path(), &error);
        QVERIFY2(!m_bundle.isEmpty(), qPrintable(error));
        const char* addresses[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        const app::HostRole roles[] = {app::HostRole::Upstream, app::HostRole::Gateway,
                                       app::HostRole::Redis};
        const char* names[] = {"up", "gw", "db"};
        for (int i = 0; i < 3; ++i) {
            m_servers[i] = std::make_unique<test::SshServer>(QString::fromLatin1(addresses[i]));
            QVERIFY2(m_servers[i]->start(), qPrintable(m_servers[i]->error()));
            app::HostSpec h = m_servers[i]->host(QString::fromLatin1(names[i]), {roles[i]});
            h.ports.insert(roles[i], test::freePortOn(h.address));
            m_hosts.hosts.append(h);
        }
        m_hostsPath = m_dir.filePath(QStringLiteral("hosts.json"));
        QCOMPARE(app::saveHostsFile(m_hosts, m_hostsPath), QString());
    }

    void editsOpensAndSavesTheHostsFile()
    {
        QWidget holder;
        HostsPage page(new SshPrompts(&holder), &holder);
        auto* check = page.findChild<QPushButton*>(QStringLiteral("hostsCheck"));
        auto* problems = page.findChild<QLabel*>(QStringLiteral("hostsProblems"));
        QVERIFY(!check->isEnabled()); // no hosts yet

        QSignalSpy changed(&page, &HostsPage::hostsChanged);
        QVERIFY(page.openFile(m_hostsPath));
        QCOMPARE(page.hosts(), m_hosts);
        QCOMPARE(changed.size(), 1);
        QVERIFY(check->isEnabled());
        QVERIFY(!page.isModified());
        QAbstractItemModel* model =
            page.findChild<QTableView*>(QStringLiteral("hostsTable"))->model();
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->index(1, HostsTableModel::NameColumn).data().toString(),
                 QStringLiteral("gw"));

        // An empty name is a problem: shown under the table, and nothing can be checked.
        QVERIFY(model->setData(model->index(1, HostsTableModel::NameColumn), QString()));
        QVERIFY(page.isModified());
        QVERIFY(problems->isVisibleTo(&page));
        QVERIFY2(problems->text().contains(QStringLiteral("has no name")),
                 qPrintable(problems->text()));
        QVERIFY(!check->isEnabled());
        QVERIFY(model->setData(model->index(1, HostsTableModel::NameColumn), QStringLiteral("gw")));
        QVERIFY(!problems->isVisibleTo(&page));
        QVERIFY(check->isEnabled());

        // Roles are check boxes; a port that is not one is refused.
        QVERIFY(model->setData(model->index(2, HostsTableModel::UpstreamColumn), Qt::Checked,
                               Qt::CheckStateRole));
        QCOMPARE(page.hosts().hosts[2].roles,
                 (QList<app::HostRole>{app::HostRole::Redis, app::HostRole::Upstream}));
        QVERIFY(
            !model->setData(model->index(2, HostsTableModel::PortColumn), QStringLiteral("ssh")));
        QCOMPARE(page.hosts().hosts[2].port, m_hosts.hosts[2].port);

        // Saved, it is the file the headless commands read.
        const QString copy = m_dir.filePath(QStringLiteral("edited-hosts.json"));
        QFile::copy(m_hostsPath, copy);
        QVERIFY(page.openFile(copy));
        QVERIFY(model->setData(model->index(0, HostsTableModel::WorkdirColumn),
                               QStringLiteral("~/bench")));
        QVERIFY(page.save());
        QVERIFY(!page.isModified());
        QCOMPARE(app::loadHostsFile(copy).value(), page.hosts());
        QCOMPARE(page.hosts().hosts[0].workdir, QStringLiteral("~/bench"));

        // A broken file is one sentence; the hosts shown stay.
        const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"hosts": [{"name": "x", "port": "twenty-two"}]})");
        f.close();
        QVERIFY(!page.openFile(broken));
        QVERIFY2(problems->text().contains(QStringLiteral("port")), qPrintable(problems->text()));
        QCOMPARE(page.filePath(), copy);
    }

    void checkAsksForNewHostKeysOnceThenKnowsThem()
    {
        QWidget holder;
        HostsPage page(new SshPrompts(&holder), &holder);
        page.setKnownHostsFile(freshKnownHosts());
        QVERIFY(page.openFile(m_hostsPath));
        HostKeyAnswerer user(true);
        QSignalSpy finished(&page, &HostsPage::checkFinished);
        page.findChild<QPushButton*>(QStringLiteral("hostsCheck"))->click();
        QVERIFY(page.isChecking());
        QVERIFY(finished.wait(60000));

        // One question per host, each showing that host's fingerprint.
        QCOMPARE(user.shown.size(), 3);
        for (const auto& server : m_servers)
            QVERIFY2(user.shown.join(u'\n').contains(server->hostKeyFingerprint()),
                     qPrintable(user.shown.join(u'\n')));
        auto* table = page.findChild<QTableWidget*>(QStringLiteral("hostsCheckTable"));
        QCOMPARE(table->rowCount(), 3);
        for (int r = 0; r < 3; ++r) {
            const app::HostCheck& c = page.lastChecks()[r];
            QVERIFY2(c.reached, qPrintable(c.problems.join(u'\n')));
            QCOMPARE(table->item(r, 0)->text(), m_hosts.hosts[r].name);
            QVERIFY(table->item(r, 4)->text().contains(c.facts.cpuModel)); // the CPU column
        }

        // The keys are known now: no question the second time.
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("hostsCheck"))->isEnabled());
        page.checkHosts();
        QVERIFY(finished.wait(60000));
        QCOMPARE(user.shown.size(), 3);
        QVERIFY(page.lastChecks()[0].reached);
    }

    void refusedHostKeyIsOneProblemLine()
    {
        QWidget holder;
        HostsPage page(new SshPrompts(&holder), &holder);
        page.setKnownHostsFile(freshKnownHosts());
        app::HostsFile one;
        one.hosts = {m_hosts.hosts[1]};
        const QString path = m_dir.filePath(QStringLiteral("one-host.json"));
        QCOMPARE(app::saveHostsFile(one, path), QString());
        QVERIFY(page.openFile(path));
        HostKeyAnswerer user(false);
        QSignalSpy finished(&page, &HostsPage::checkFinished);
        page.checkHosts();
        QVERIFY(finished.wait(60000));
        QCOMPARE(user.shown.size(), 1);
        QVERIFY(!page.lastChecks()[0].reached);
        auto* problems = page.findChild<QListWidget*>(QStringLiteral("hostsCheckProblems"));
        QCOMPARE(problems->count(), 1);
        QVERIFY2(problems->item(0)->text().startsWith(QStringLiteral("gw: ")) &&
                     problems->item(0)->text().contains(m_servers[1]->hostKeyFingerprint()),
                 qPrintable(problems->item(0)->text()));
        QVERIFY2(page.findChild<QLabel*>(QStringLiteral("hostsCheckStatus"))
                     ->text()
                     .startsWith(QStringLiteral("0 of 1")),
                 qPrintable(page.findChild<QLabel*>(QStringLiteral("hostsCheckStatus"))->text()));
    }

    void windowRunsTheFullScenarioOnHosts()
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.hostsPage()->setKnownHostsFile(freshKnownHosts());
        QVERIFY(window.hostsPage()->openFile(m_hostsPath));
        window.controller()->setBundle(m_bundle);
        window.controller()->setServerStartTimeout(10s);

        // Check Hosts from the window: it asks for each new host key.
        HostKeyAnswerer user(true);
        window.showPage(MainWindow::Page::Hosts);
        QSignalSpy checked(window.hostsPage(), &HostsPage::checkFinished);
        window.hostsPage()->findChild<QPushButton*>(QStringLiteral("hostsCheck"))->click();
        QVERIFY(checked.wait(60000));
        QCOMPARE(user.shown.size(), 3);
        grabForReadme(window, QStringLiteral("hosts.png"));

        app::Scenario full = app::builtinScenario(QStringLiteral("full")).value();
        full.load.duration = screenshotDirectory().isEmpty() ? 3s : 12s;
        full.load.warmup = 0s;
        full.topology.kind = app::TopologyKind::Hosts;
        window.editor()->setScenario(full);
        // The preview says where each server runs, at the private address the others use.
        const QString preview =
            window.editor()->findChild<QLabel*>(QStringLiteral("hostsSummary"))->text();
        QVERIFY2(preview.contains(QStringLiteral("gatebench-gateway on gw (127.0.0.3:%1)")
                                      .arg(m_hosts.hosts[1].portFor(app::HostRole::Gateway))),
                 qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("Redis on db")), qPrintable(preview));

        window.showPage(MainWindow::Page::Scenario);
        grabForReadme(window, QStringLiteral("editor-hosts.png"));

        QSignalSpy finished(window.controller(), &app::RunController::runFinished);
        QSignalSpy failed(window.controller(), &app::RunController::runFailed);
        window.startRun();
        QVERIFY(window.controller()->isRunning());
        if (!screenshotDirectory().isEmpty()) {
            charts::ChartWidget* cpu = window.dashboard()->chart(RunDashboard::Chart::Cpu);
            QTRY_VERIFY_WITH_TIMEOUT(cpu->spec().series.size() > 3 && cpu->pointCount(3) >= 7,
                                     60000);
            grabForReadme(window, QStringLiteral("live-run-hosts.png"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].toString()));
        QCOMPARE(user.shown.size(), 3); // known since the check: not asked again

        const auto run = finished[0][0].value<app::RunRecord>();
        QVERIFY(run.summary.requests > 100);
        QCOMPARE(run.summary.statusCodes.keys(), QList<int>{200});
        QCOMPARE(run.environment.hosts.size(), 3);
        // A CPU line per host on the dashboard beside this machine's, and no empty line for a
        // server this machine does not run; the chart says how each line is read.
        QStringList lines;
        charts::ChartWidget* cpu = window.dashboard()->chart(RunDashboard::Chart::Cpu);
        for (const auto& series : cpu->spec().series)
            lines.append(series.name);
        // (the hosts in the order their samples came: the order they started in)
        std::sort(lines.begin() + 1, lines.end() - 1);
        QCOMPARE(lines, (QStringList{QStringLiteral("load generator"), QStringLiteral("host db"),
                                     QStringLiteral("host gw"), QStringLiteral("host up"),
                                     QStringLiteral("this machine")}));
        QVERIFY2(cpu->toolTip().contains(QStringLiteral("Hosts: % of all their cores (/proc/stat "
                                                        "and /proc/meminfo over SSH)")),
                 qPrintable(cpu->toolTip()));
        // Each host's server logs, streamed into the Run page as they were written.
        const QString logs = window.dashboard()->serverLog()->toPlainText();
        for (const char* server : {"up upstream: ", "gw gateway: ", "db redis: "})
            QVERIFY2(logs.contains(QLatin1String(server)), qPrintable(logs));
        // Nothing of ours is left running on any host.
        for (const auto& server : m_servers)
            QCOMPARE(test::processesMentioning(server->directory() + QStringLiteral("/workdir/")),
                     QStringList());
    }

    void windowRunsWithALoadAgent()
    {
        // A fourth host generates the load: the editor names it, the Run page shows its part of
        // every interval and its CPU beside the servers' hosts.
        test::SshServer loadHost(QStringLiteral("127.0.0.5"));
        QVERIFY2(loadHost.start(), qPrintable(loadHost.error()));
        app::HostsFile hosts = m_hosts;
        hosts.hosts.append(loadHost.host(QStringLiteral("lg"), {app::HostRole::LoadGen}));
        const QString hostsPath = m_dir.filePath(QStringLiteral("hosts-with-load.json"));
        QCOMPARE(app::saveHostsFile(hosts, hostsPath), QString());

        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.hostsPage()->setKnownHostsFile(freshKnownHosts());
        QVERIFY(window.hostsPage()->openFile(hostsPath));
        window.controller()->setBundle(m_bundle);
        window.controller()->setServerStartTimeout(10s);
        HostKeyAnswerer user(true);
        QSignalSpy checked(window.hostsPage(), &HostsPage::checkFinished);
        window.hostsPage()->checkHosts();
        QVERIFY(checked.wait(60000));

        app::Scenario full = app::builtinScenario(QStringLiteral("full")).value();
        full.load.duration = screenshotDirectory().isEmpty() ? 3s : 12s;
        full.load.warmup = 0s;
        full.topology.kind = app::TopologyKind::Hosts;
        full.topology.loadHosts = {QStringLiteral("lg")};
        window.editor()->setScenario(full);
        QCOMPARE(
            window.editor()->findChild<QLineEdit*>(QStringLiteral("topology.loadHosts"))->text(),
            QStringLiteral("lg"));
        const QString preview =
            window.editor()->findChild<QLabel*>(QStringLiteral("hostsSummary"))->text();
        QVERIFY2(preview.contains(QStringLiteral("load from load agents on lg to ")),
                 qPrintable(preview));
        window.showPage(MainWindow::Page::Scenario);
        grabForReadme(window, QStringLiteral("editor-load-hosts.png"));

        QSignalSpy finished(window.controller(), &app::RunController::runFinished);
        QSignalSpy failed(window.controller(), &app::RunController::runFailed);
        window.startRun();
        auto* agents = window.dashboard()->findChild<QLabel*>(QStringLiteral("agentShares"));
        QTRY_VERIFY_WITH_TIMEOUT(
            agents->isVisible() && agents->text().contains(QStringLiteral("lg: ")), 120000);
        if (!screenshotDirectory().isEmpty()) {
            charts::ChartWidget* cpu = window.dashboard()->chart(RunDashboard::Chart::Cpu);
            QTRY_VERIFY_WITH_TIMEOUT(cpu->spec().series.size() > 4 && cpu->pointCount(4) >= 7,
                                     60000);
            grabForReadme(window, QStringLiteral("live-run-load-agent.png"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].toString()));
        const auto run = finished[0][0].value<app::RunRecord>();
        QCOMPARE(run.agents.size(), std::size_t(1));
        QCOMPARE(run.agents[0].host, QStringLiteral("lg"));
        QVERIFY(run.summary.requests > 100);
        QCOMPARE(run.summary.statusCodes.keys(), QList<int>{200});
        QStringList lines;
        for (const auto& series :
             window.dashboard()->chart(RunDashboard::Chart::Cpu)->spec().series)
            lines.append(series.name);
        QVERIFY2(lines.contains(QStringLiteral("host lg")),
                 qPrintable(lines.join(QLatin1Char(','))));
        QCOMPARE(test::processesMentioning(loadHost.directory() + QStringLiteral("/workdir/")),
                 QStringList());
    }

    void windowRunsTheStudyOnHosts()
    {
        // The Study page offers the Hosts page's hosts once there are some; the study then runs
        // there, unscaled.
        QFile::remove(options().settingsFile); // no hosts file remembered from an earlier test
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.hostsPage()->setKnownHostsFile(freshKnownHosts());
        StudyPage* study = window.studyPage();
        auto* onHosts = study->findChild<QCheckBox*>(QStringLiteral("studyOnHosts"));
        QVERIFY(!onHosts->isEnabled());
        QVERIFY(window.hostsPage()->openFile(m_hostsPath));
        QVERIFY(onHosts->isEnabled());
        onHosts->setChecked(true);
        study->findChild<QSpinBox*>(QStringLiteral("studyRepeats"))->setValue(1);
        study->findChild<QSpinBox*>(QStringLiteral("studyDuration"))->setValue(1);
        study->runner()->setBundle(m_bundle);
        HostKeyAnswerer user(true);
        window.showPage(MainWindow::Page::Study);
        const auto form = study->studyFromForm();
        QVERIFY(form);
        QVERIFY(study->start(form.value()));
        QTRY_VERIFY_WITH_TIMEOUT(!study->isRunning(), 240000);
        QVERIFY2(study->state() == StudyPage::State::Finished, qPrintable(study->errorText()));
        // (The report is built off the GUI thread once the study has finished.)
        QTRY_VERIFY_WITH_TIMEOUT(study->results()->report().has_value(), 30000);
        grabForReadme(window, QStringLiteral("study-hosts.png"));
        // Its PDF, as Export PDF writes it: it names the hosts, as their check found them.
        const QString pdf = m_dir.filePath(QStringLiteral("study-hosts.pdf"));
        QCOMPARE(study->results()->exportPdf(pdf), QString());
        QProcess text;
        text.start(QStringLiteral("pdftotext"),
                   {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY(text.waitForFinished(30000));
        const QString pages = QString::fromUtf8(text.readAllStandardOutput());
        for (const app::HostSpec& h : m_hosts.hosts)
            QVERIFY2(pages.contains(h.name),
                     qPrintable(h.name + QStringLiteral(": ") + pages.left(3000)));
        if (!screenshotDirectory().isEmpty()) // the README's picture of its first page
            QCOMPARE(QProcess::execute(
                         QStringLiteral("pdftoppm"),
                         {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("70"),
                          QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                          QStringLiteral("1"), QStringLiteral("-singlefile"), pdf,
                          QDir(screenshotDirectory()).filePath(QStringLiteral("study-hosts-pdf"))}),
                     0);
        QVERIFY2(study->findChild<QLabel*>(QStringLiteral("studyScalingNote"))
                     ->text()
                     .contains(QStringLiteral("On hosts, unscaled")),
                 qPrintable(study->findChild<QLabel*>(QStringLiteral("studyScalingNote"))->text()));
        for (const auto& server : m_servers)
            QCOMPARE(test::processesMentioning(server->directory() + QStringLiteral("/workdir/")),
                     QStringList());
    }

    void startWithoutHostsGoesToTheHostsPage()
    {
        QFile::remove(options().settingsFile); // no hosts file remembered
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.hostsPage()->hosts().hosts.isEmpty());
        app::Scenario onHosts = app::builtinScenario(QStringLiteral("keyless")).value();
        onHosts.topology.kind = app::TopologyKind::Hosts;
        window.editor()->setScenario(onHosts);
        window.startRun();
        QVERIFY(!window.controller()->isRunning());
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("pages"))->currentWidget(),
                 window.hostsPage());
    }

    void theHostsFileIsRememberedAcrossStarts()
    {
        {
            MainWindow window(options());
            QVERIFY(window.hostsPage()->openFile(m_hostsPath));
        }
        MainWindow again(options());
        QCOMPARE(again.hostsPage()->filePath(), m_hostsPath);
        QCOMPARE(again.hostsPage()->hosts(), m_hosts);
    }
};

QTEST_MAIN(TestHostsPage)
#include "tst_hosts_page.moc"
