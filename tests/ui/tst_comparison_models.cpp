// The compare page's models under QAbstractItemModelTester: the summary table (each group's
// runs, its average, the delta against the baseline), the settings that differ, and the
// checkable run picker (a scenario checks all its runs; checks survive a history refresh).

#include "app/comparison.h"
#include "support/run_fixtures.h"
#include "ui/format.h"
#include "ui/models/comparison_table_model.h"
#include "ui/models/run_picker_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace gb;
using namespace gb::ui;

namespace {

const QDateTime kT0(QDate(2025, 1, 2), QTime(15, 30), Qt::UTC);

QList<app::RunRecord> sixRuns()
{
    QList<app::RunRecord> runs;
    for (int i = 0; i < 3; ++i)
        runs.append(test::makeRun(test::namedScenario(QStringLiteral("baseline")),
                                  QStringLiteral("b%1").arg(i), 0.4, 10000 + 100 * i,
                                  kT0.addSecs(i * 60)));
    for (int i = 0; i < 3; ++i)
        runs.append(test::makeRun(test::namedScenario(QStringLiteral("keyless"), 64),
                                  QStringLiteral("k%1").arg(i), 1.0, 9500 + 100 * i,
                                  kT0.addSecs(600 + i * 60)));
    return runs;
}

} // namespace

class TestComparisonModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summaryTable()
    {
        const QList<app::RunRecord> runs = sixRuns();
        const app::Comparison comparison = app::compare(app::groupByScenario(runs), 0);
        ComparisonTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setComparison(comparison, {{QStringLiteral("b0"), QStringLiteral("first")}});
        QCOMPARE(model.rowCount(), 8); // 3 runs + average, twice
        QCOMPARE(model.columnCount(), int(ComparisonColumn::Count));
        auto cell = [&](int row, ComparisonColumn c) {
            return model.index(row, int(c)).data().toString();
        };
        QCOMPARE(cell(0, ComparisonColumn::Group), QStringLiteral("baseline"));
        QCOMPARE(cell(1, ComparisonColumn::Group), QString());
        QCOMPARE(cell(0, ComparisonColumn::RunNumber), QStringLiteral("1"));
        QCOMPARE(cell(0, ComparisonColumn::Run), QStringLiteral("first"));
        QCOMPARE(cell(1, ComparisonColumn::Run), QStringLiteral("b1")); // no label: the id
        QCOMPARE(cell(1, ComparisonColumn::Throughput), QStringLiteral("10,100"));
        QCOMPARE(cell(3, ComparisonColumn::RunNumber),
                 QStringLiteral("Average of 3 runs").replace(QLatin1Char(' '), QChar::Nbsp));
        QCOMPARE(cell(3, ComparisonColumn::Throughput), QStringLiteral("10,100"));
        QCOMPARE(cell(3, ComparisonColumn::P99Delta), QStringLiteral("baseline"));
        QCOMPARE(cell(4, ComparisonColumn::Group), QStringLiteral("keyless"));

        const app::ComparisonGroup& keyless = comparison.groups[1];
        QCOMPARE(cell(7, ComparisonColumn::P99), formatMs(keyless.statistics.meanP99Ms));
        QCOMPARE(cell(7, ComparisonColumn::P99Delta), formatSignedMs(keyless.delta->p99AddedMs));
        QCOMPARE(cell(7, ComparisonColumn::ThroughputDelta),
                 formatSignedPercent(keyless.delta->throughputChangePercent));
        QVERIFY(cell(7, ComparisonColumn::P99Delta).startsWith(QLatin1Char('+')));
        QVERIFY(cell(7, ComparisonColumn::ThroughputDelta).startsWith(QLatin1Char('-')));
        QCOMPARE(model.index(7, 0).data(ComparisonTableModel::KindRole).toInt(),
                 int(ComparisonRow::Kind::Average));
        QCOMPARE(model.index(5, 0).data(ComparisonTableModel::RunIdRole).toString(),
                 QStringLiteral("k1"));
        QVERIFY(model.index(7, 0).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(model.index(7, int(ComparisonColumn::P99Delta))
                     .data(ComparisonTableModel::ValueRole)
                     .toDouble(),
                 keyless.delta->p99AddedMs);

        // Another baseline flips the deltas.
        model.setComparison(app::compare(app::groupByScenario(runs), 1));
        QCOMPARE(cell(3, ComparisonColumn::P99Delta).left(1), QStringLiteral("-"));
        QCOMPARE(cell(7, ComparisonColumn::P99Delta), QStringLiteral("baseline"));
    }

    void differences()
    {
        const app::Comparison comparison = app::compare(app::groupByScenario(sixRuns()), 0);
        SettingDifferencesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setComparison(comparison);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("load.connections"));
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("50"));
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("64"));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("keyless"));
        model.setComparison({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 0);
    }

    void picker()
    {
        QList<app::RunListEntry> entries;
        const QList<app::RunRecord> runs = sixRuns();
        for (auto it = runs.rbegin(); it != runs.rend(); ++it) // newest first, as RunStore lists
            entries.append({it->id,
                            it->name,
                            {},
                            it->scenario.name,
                            it->startedAt,
                            app::RunStatus::Completed,
                            it->summary.rps,
                            it->summary.latency.p99,
                            QString()});
        RunPickerModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEntries(entries);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex keyless = model.index(0, 0);
        QCOMPARE(keyless.data(RunPickerModel::GroupNameRole).toString(), QStringLiteral("keyless"));
        QCOMPARE(model.rowCount(keyless), 3);
        QCOMPARE(model.index(0, 0, keyless).data(RunPickerModel::RunIdRole).toString(),
                 QStringLiteral("k0")); // oldest first: RUN #1
        QCOMPARE(model.parent(model.index(2, 0, keyless)), keyless);

        QSignalSpy changed(&model, &RunPickerModel::checkedRunsChanged);
        QVERIFY(model.setData(keyless, Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.checkedRunIds(),
                 (QStringList{QStringLiteral("k0"), QStringLiteral("k1"), QStringLiteral("k2")}));
        const QModelIndex baseline = model.index(1, 0);
        QVERIFY(model.setData(model.index(2, 0, baseline), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(baseline.data(Qt::CheckStateRole).toInt(), int(Qt::PartiallyChecked));
        QVERIFY(model.setData(model.index(1, 0, keyless), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(keyless.data(Qt::CheckStateRole).toInt(), int(Qt::PartiallyChecked));
        QCOMPARE(model.checkedRunIds(),
                 (QStringList{QStringLiteral("k0"), QStringLiteral("k2"), QStringLiteral("b2")}));

        // A refresh without k2 keeps the other checks.
        entries.removeFirst();
        model.setEntries(entries);
        QCOMPARE(model.checkedRunIds(), (QStringList{QStringLiteral("k0"), QStringLiteral("b2")}));
        model.setCheckedRunIds({QStringLiteral("b0"), QStringLiteral("b1")});
        QCOMPARE(model.checkedRunIds(), (QStringList{QStringLiteral("b0"), QStringLiteral("b1")}));
        QVERIFY(!model.setData(model.index(0, 1, keyless), Qt::Checked, Qt::CheckStateRole));
    }
};

QTEST_MAIN(TestComparisonModels)
#include "tst_comparison_models.moc"
