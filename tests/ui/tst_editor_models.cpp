// The editor's table models under QAbstractItemModelTester: headers (append, edit, remove) and
// ramp stages, whose durations stay as typed and are reported when they do not parse.

#include "ui/models/header_table_model.h"
#include "ui/models/rate_stage_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace gb;
using namespace gb::ui;
using namespace std::chrono_literals;

class TestEditorModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headers()
    {
        HeaderTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHeaders({{QStringLiteral("X-Api-Key"), QStringLiteral("secret")}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("secret"));
        const int row = model.appendRow();
        QCOMPARE(row, 1);
        QVERIFY(model.setData(model.index(1, 0), QStringLiteral("  Content-Type ")));
        QVERIFY(model.setData(model.index(1, 1), QStringLiteral(" application/json")));
        QCOMPARE(model.headers().at(1).name, QStringLiteral("Content-Type"));
        QCOMPARE(model.headers().at(1).value, QStringLiteral(" application/json"));
        QVERIFY(model.removeRows(0, 1));
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.removeRows(1, 1));
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Header"));
    }

    void stages()
    {
        RateStageModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<app::RateStage> stages = {{30s, 5000}, {2min, 5000}, {30s, 0}};
        model.setStages(stages);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("2m0s"));
        QCOMPARE(model.index(1, 1).data().toString(), QStringLiteral("5,000"));
        QCOMPARE(model.stages({}), stages);

        QVERIFY(model.setData(model.index(0, 0), QStringLiteral("45 seconds")));
        QVERIFY(model.setData(model.index(2, 1), 250.0));
        QList<int> bad;
        const QList<app::RateStage> read = model.stages(stages, &bad);
        QCOMPARE(bad, QList<int>{0});
        QCOMPARE(read.at(0).duration, app::Duration(30s)); // kept from the fallback
        QCOMPARE(read.at(2).rps, 250.0);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("45 seconds")); // as typed

        QCOMPARE(model.appendRow(), 3);
        QCOMPARE(model.stages({}).at(3).rps, 250.0); // a new stage continues at the last rate
        QVERIFY(model.removeRows(0, 2));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.headerData(0, Qt::Vertical).toString(), QStringLiteral("Stage 1"));
    }
};

QTEST_MAIN(TestEditorModels)
#include "tst_editor_models.moc"
