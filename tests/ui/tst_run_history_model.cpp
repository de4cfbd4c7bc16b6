// RunHistoryModel over a real RunStore directory and its proxy: under QAbstractItemModelTester,
// loaded off the GUI thread, newest first; renames and tags are written to the run files;
// deleting removes file and row; the proxy filters by words and sorts figures as numbers.

#include "app/run_store.h"
#include "support/run_fixtures.h"
#include "ui/models/run_history_model.h"
#include "ui/models/run_history_proxy.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::ui;

class TestRunHistoryModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QDateTime m_t0 = QDateTime(QDate(2025, 1, 2), QTime(15, 30), Qt::UTC);

    void reload(RunHistoryModel& model)
    {
        QSignalSpy reloaded(&model, &RunHistoryModel::reloaded);
        model.reload();
        // The files may be read before the continuation is attached; it then runs at once.
        QTRY_VERIFY_WITH_TIMEOUT(!reloaded.isEmpty(), 10000);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        for (const QString& f : QDir(m_dir.path()).entryList({QStringLiteral("*.json")}))
            QFile::remove(m_dir.filePath(f));
        const app::RunStore store(m_dir.path());
        const std::tuple<QString, QString, double, int> runs[] = {
            {QStringLiteral("r1"), QStringLiteral("baseline"), 9000, 0},
            {QStringLiteral("r2"), QStringLiteral("keyless"), 10500, 60},
            {QStringLiteral("r3"), QStringLiteral("baseline"), 880, 120},
        };
        for (const auto& [id, scenario, rps, offset] : runs) {
            app::RunRecord run =
                test::makeRun(test::namedScenario(scenario), id, 1.0, rps, m_t0.addSecs(offset), 2);
            QCOMPARE(store.save(run), QString());
        }
    }

    void loadsNewestFirstUnderTester()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunsDirectory(m_dir.path());
        reload(model);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(RunHistoryModel::ColumnCount));
        QCOMPARE(model.index(0, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r3"));
        QCOMPARE(model.index(2, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r1"));
        const QModelIndex r2 = model.index(1, RunHistoryModel::ThroughputColumn);
        QCOMPARE(r2.data().toString(), QStringLiteral("10,500"));
        QCOMPARE(r2.data(RunHistoryModel::RpsRole).toDouble(), 10500.0);
        QCOMPARE(model.index(1, RunHistoryModel::ScenarioColumn).data().toString(),
                 QStringLiteral("keyless"));
        QCOMPARE(model.index(1, RunHistoryModel::StatusColumn).data().toString(),
                 QStringLiteral("completed"));
        QVERIFY(model.index(1, 0)
                    .data(RunHistoryModel::FilePathRole)
                    .toString()
                    .endsWith(QStringLiteral("r2.json")));
        QVERIFY(model.flags(model.index(0, RunHistoryModel::NameColumn)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, RunHistoryModel::P99Column)) & Qt::ItemIsEditable));
    }

    void renameAndTagAreStored()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunsDirectory(m_dir.path());
        reload(model);
        const int row = model.rowOfId(QStringLiteral("r2"));
        QVERIFY(model.setData(model.index(row, RunHistoryModel::NameColumn),
                              QStringLiteral("  keyless, warm cache ")));
        QVERIFY(model.setData(model.index(row, RunHistoryModel::TagsColumn),
                              QStringLiteral("gateway, , tuned,gateway")));
        QCOMPARE(model.index(row, RunHistoryModel::TagsColumn).data().toString(),
                 QStringLiteral("gateway, tuned"));

        auto stored = app::RunStore(m_dir.path()).load(QStringLiteral("r2"));
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->name, QStringLiteral("keyless, warm cache"));
        QCOMPARE(stored->tags, (QStringList{QStringLiteral("gateway"), QStringLiteral("tuned")}));
        // A fresh load sees the same.
        RunHistoryModel again;
        again.setRunsDirectory(m_dir.path());
        reload(again);
        QCOMPARE(again.index(again.rowOfId(QStringLiteral("r2")), 0).data().toString(),
                 QStringLiteral("keyless, warm cache"));
    }

    void removeDeletesFileAndRow()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunsDirectory(m_dir.path());
        reload(model);
        QCOMPARE(model.removeRun(QStringLiteral("r1")), QString());
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("r1.json"))));
        QVERIFY(!model.removeRun(QStringLiteral("nope")).isEmpty());
    }

    void addOrUpdateKeepsNewestFirst()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRunsDirectory(m_dir.path());
        reload(model);
        app::RunRecord middle = test::makeRun(test::namedScenario(QStringLiteral("full")),
                                              QStringLiteral("r4"), 1.0, 500, m_t0.addSecs(90), 2);
        model.addOrUpdate(listEntryOf(middle));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOfId(QStringLiteral("r4")), 1);
        middle.name = QStringLiteral("renamed");
        model.addOrUpdate(listEntryOf(middle));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("renamed"));
    }

    void proxyFiltersByWordsAndSortsNumbers()
    {
        RunHistoryModel model;
        model.setRunsDirectory(m_dir.path());
        reload(model);
        RunHistoryProxy proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);

        proxy.sort(RunHistoryModel::ThroughputColumn, Qt::AscendingOrder);
        // As text "10,500" < "880" < "9,000"; as numbers 880 < 9000 < 10500.
        QCOMPARE(proxy.index(0, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r3"));
        QCOMPARE(proxy.index(2, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r2"));
        proxy.sort(RunHistoryModel::StartedColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r3"));

        proxy.setFilterWords(QStringLiteral("baseline"));
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setFilterWords(QStringLiteral("BASELINE r1"));
        QCOMPARE(proxy.rowCount(), 1);
        QVERIFY(model.setData(
            model.index(model.rowOfId(QStringLiteral("r2")), RunHistoryModel::TagsColumn),
            QStringLiteral("nightly")));
        proxy.setFilterWords(QStringLiteral("nightly"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data(RunHistoryModel::IdRole).toString(), QStringLiteral("r2"));
        proxy.setFilterWords(QString());
        QCOMPARE(proxy.rowCount(), 3);
    }

    void parseTags_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tags");
        QTest::newRow("empty") << QString() << QStringList();
        QTest::newRow("spaces") << QStringLiteral(" a ,b ") << QStringList{"a", "b"};
        QTest::newRow("duplicates and blanks")
            << QStringLiteral("a,,a, ,c") << QStringList{"a", "c"};
    }
    void parseTags()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tags);
        QCOMPARE(RunHistoryModel::parseTags(text), tags);
    }
};

QTEST_MAIN(TestRunHistoryModel)
#include "tst_run_history_model.moc"
