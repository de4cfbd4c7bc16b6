// ScenarioListModel under QAbstractItemModelTester: the built-ins first, then the user's files
// with their scenario names; an unreadable file is listed with its error; missing files drop.

#include "app/scenario_json.h"
#include "support/run_fixtures.h"
#include "ui/models/scenario_list_model.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::ui;

class TestScenarioListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtinsThenUserFiles()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("mine.json"));
        QCOMPARE(app::saveScenarioFile(test::namedScenario(QStringLiteral("my gateway")), good),
                 QString());
        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ \"version\": 1, ");
        f.close();

        ScenarioListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("baseline"));
        QCOMPARE(model.index(0).data(ScenarioListModel::SourceRole).toString(),
                 QStringLiteral("builtin:baseline"));
        QVERIFY(model.index(2).data(ScenarioListModel::IsBuiltinRole).toBool());
        QCOMPARE(model.index(1).data(ScenarioListModel::SubtitleRole).toString(),
                 QStringLiteral("built-in"));

        model.setUserFiles({good, broken, dir.filePath(QStringLiteral("gone.json")), good});
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(3).data().toString(), QStringLiteral("my gateway"));
        QCOMPARE(model.index(3).data(ScenarioListModel::SourceRole).toString(), good);
        QVERIFY(!model.index(3).data(ScenarioListModel::IsBuiltinRole).toBool());
        QCOMPARE(model.index(4).data().toString(), QStringLiteral("broken"));
        QVERIFY(!model.index(4).data(ScenarioListModel::ErrorRole).toString().isEmpty());
        QCOMPARE(model.index(4).data(ScenarioListModel::SubtitleRole).toString(),
                 QStringLiteral("cannot be read"));
        QCOMPARE(model.userFiles(), (QStringList{good, broken}));

        // Re-adding a listed file re-reads it in place.
        QCOMPARE(app::saveScenarioFile(test::namedScenario(QStringLiteral("renamed")), good),
                 QString());
        QCOMPARE(model.addUserFile(good), 3);
        QCOMPARE(model.index(3).data().toString(), QStringLiteral("renamed"));

        model.removeUserFile(broken);
        QCOMPARE(model.rowCount(), 4);
        model.removeUserFile(QStringLiteral("builtin:baseline")); // built-ins stay
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOfSource(good), 3);
    }

    void sources()
    {
        QCOMPARE(ScenarioListModel::builtinSource(QStringLiteral("full")),
                 QStringLiteral("builtin:full"));
        QVERIFY(ScenarioListModel::isBuiltinSource(QStringLiteral("builtin:full")));
        QVERIFY(!ScenarioListModel::isBuiltinSource(QStringLiteral("/tmp/builtin:full")));
        QCOMPARE(ScenarioListModel::builtinName(QStringLiteral("builtin:keyless")),
                 QStringLiteral("keyless"));
    }
};

QTEST_MAIN(TestScenarioListModel)
#include "tst_scenario_list_model.moc"
