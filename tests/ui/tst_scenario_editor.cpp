// The scenario editor: a scenario loaded into the form reads back unchanged (and saves to the
// same file text); a form filled in as a user does gives the expected scenario; bad input shows
// its message under the field and the message goes when the input is fixed; edits undo and redo,
// keystrokes in one field as one step.

#include "app/builtin_scenarios.h"
#include "app/scenario_json.h"
#include "ui/editor/scenario_editor.h"
#include "ui/models/header_table_model.h"
#include "ui/models/rate_stage_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace gb;
using namespace gb::app;
using namespace gb::ui;
using namespace std::chrono_literals;

namespace {

Scenario everything()
{
    Scenario s;
    s.name = QStringLiteral("everything");
    s.description = QStringLiteral("line one\nline two");
    s.upstream.kind = UpstreamKind::Url;
    s.upstream.route = QStringLiteral("/size/10KB");
    s.upstream.xDelay = 5ms;
    s.upstream.url = QStringLiteral("http://10.0.0.5:8000/json/valid");
    s.gateway.kind = GatewayKind::External;
    s.gateway.listenPath = QStringLiteral("/api/");
    s.gateway.url = QStringLiteral("http://gw:8080/api/json/valid");
    s.gateway.headers = {{QStringLiteral("X-Api-Key"), QStringLiteral("k1")}};
    s.gateway.redis = {RedisMode::Address, QStringLiteral("10.0.0.9:6379")};
    s.gateway.rateLimit = {250, 10s};
    s.load.connections = 200;
    s.load.duration = 90s;
    s.load.warmup = 15s;
    s.load.model = LoadModelKind::TotalRate;
    s.load.perWorkerRate = 12.5;
    s.load.totalRate = 1000;
    s.load.stages = {{30s, 5000}, {2min, 5000}, {30s, 0}};
    s.load.method = QStringLiteral("POST");
    s.load.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")},
                      {QStringLiteral("Authorization"), QStringLiteral("Bearer x")}};
    s.load.body = QStringLiteral("{\"a\": 1}");
    s.load.timeout = 2s;
    s.load.keepAlive = false;
    return s;
}

QString diff(const Scenario& a, const Scenario& b)
{
    return QStringLiteral("\n--- got\n%1\n--- expected\n%2")
        .arg(QString::fromUtf8(scenarioToText(a)), QString::fromUtf8(scenarioToText(b)));
}

template <class W>
W* field(ScenarioEditor& editor, const QString& name)
{
    W* w = editor.findChild<W*>(name);
    if (!w)
        qFatal("no %s named %s", W::staticMetaObject.className(), qPrintable(name));
    return w;
}

void type(QLineEdit* edit, const QString& text)
{
    edit->setFocus();
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Backspace);
    else
        QTest::keyClicks(edit, text);
}

void choose(QComboBox* combo, int data)
{
    combo->setCurrentIndex(combo->findData(data));
}

/// Clicks the table's "Add" button and fills the new row through the model, as the delegate
/// does.
void addRow(ScenarioEditor& editor, const QString& table, const QString& first,
            const QVariant& second)
{
    auto* view = field<QTableView>(editor, table);
    QPushButton* add = nullptr;
    for (QPushButton* b : view->parentWidget()->findChildren<QPushButton*>())
        if (b->text().startsWith(QStringLiteral("Add")))
            add = b;
    QVERIFY(add);
    add->click();
    QAbstractItemModel* model = view->model();
    const int row = model->rowCount() - 1;
    QVERIFY(model->setData(model->index(row, 0), first));
    QVERIFY(model->setData(model->index(row, 1), second));
}

} // namespace

class TestScenarioEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadIntoFormReadsBack_data()
    {
        QTest::addColumn<Scenario>("scenario");
        for (const QString& name : builtinScenarioNames())
            QTest::newRow(qPrintable(name)) << builtinScenario(name).value();
        QTest::newRow("everything") << everything();
        Scenario full = everything();
        full.gateway.kind = GatewayKind::BundledFull;
        full.gateway.redis.mode = RedisMode::Memory;
        full.upstream.kind = UpstreamKind::Bundled;
        full.upstream.xDelay.reset();
        full.load.model = LoadModelKind::PerWorkerRate;
        QTest::newRow("full, memory, per-worker") << full;
        Scenario kong = builtinScenario(QStringLiteral("full")).value();
        kong.gateway.kind = GatewayKind::Container;
        kong.gateway.container = {GatewayProduct::Kong, QStringLiteral("kong:3.7.0"), true};
        kong.topology.kind = TopologyKind::Hosts;
        QTest::newRow("Kong in Docker on hosts") << kong;
    }
    void loadIntoFormReadsBack()
    {
        QFETCH(Scenario, scenario);
        ScenarioEditor editor;
        editor.setScenario(scenario);
        QVERIFY2(editor.widgetValue() == scenario,
                 qPrintable(diff(editor.widgetValue(), scenario)));
        QCOMPARE(editor.scenario(), scenario);
        QVERIFY(!editor.isModified());

        // load -> form -> save gives the same file.
        QTemporaryDir dir;
        const QString original = dir.filePath(QStringLiteral("original.json"));
        const QString saved = dir.filePath(QStringLiteral("saved.json"));
        QCOMPARE(saveScenarioFile(scenario, original), QString());
        auto loaded = loadScenarioFile(original);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        ScenarioEditor second;
        second.setScenario(loaded.value());
        QCOMPARE(saveScenarioFile(second.widgetValue(), saved), QString());
        QFile a(original), b(saved);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(b.readAll(), a.readAll());
    }

    void fillFormLikeAUser()
    {
        ScenarioEditor editor;
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        type(field<QLineEdit>(editor, QStringLiteral("name")), QStringLiteral("my keyless run"));
        choose(field<QComboBox>(editor, QStringLiteral("gateway.kind")),
               int(GatewayKind::BundledKeyless));
        type(field<QLineEdit>(editor, QStringLiteral("gateway.listenPath")),
             QStringLiteral("/gw/"));
        auto* route = field<QComboBox>(editor, QStringLiteral("upstream.route"));
        route->setCurrentIndex(route->findText(QStringLiteral("/size/10KB")));
        field<QCheckBox>(editor, QStringLiteral("upstream.xDelayEnabled"))->click();
        type(field<QLineEdit>(editor, QStringLiteral("upstream.xDelay")), QStringLiteral("3ms"));
        field<QSpinBox>(editor, QStringLiteral("load.connections"))->setValue(64);
        type(field<QLineEdit>(editor, QStringLiteral("load.duration")), QStringLiteral("1m"));
        type(field<QLineEdit>(editor, QStringLiteral("load.warmup")), QStringLiteral("5s"));
        choose(field<QComboBox>(editor, QStringLiteral("load.model")),
               int(LoadModelKind::TotalRate));
        field<QDoubleSpinBox>(editor, QStringLiteral("load.totalRate"))->setValue(2000);
        addRow(editor, QStringLiteral("load.stages"), QStringLiteral("20s"), 8000.0);
        auto* method = field<QComboBox>(editor, QStringLiteral("load.method"));
        method->setCurrentIndex(method->findText(QStringLiteral("POST")));
        addRow(editor, QStringLiteral("load.headers"), QStringLiteral("Content-Type"),
               QStringLiteral("application/json"));
        auto* body = field<QPlainTextEdit>(editor, QStringLiteral("load.body"));
        body->setFocus();
        QTest::keyClicks(body, QStringLiteral("{\"id\": 7}"));
        type(field<QLineEdit>(editor, QStringLiteral("load.timeout")), QStringLiteral("750ms"));
        field<QCheckBox>(editor, QStringLiteral("load.keepAlive"))->click();

        Scenario expected;
        expected.name = QStringLiteral("my keyless run");
        expected.gateway.kind = GatewayKind::BundledKeyless;
        expected.gateway.listenPath = QStringLiteral("/gw/");
        expected.upstream.route = QStringLiteral("/size/10KB");
        expected.upstream.xDelay = 3ms;
        expected.load.connections = 64;
        expected.load.duration = 1min;
        expected.load.warmup = 5s;
        expected.load.model = LoadModelKind::TotalRate;
        expected.load.totalRate = 2000;
        expected.load.stages = {{20s, 8000}};
        expected.load.method = QStringLiteral("POST");
        expected.load.headers = {
            {QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
        expected.load.body = QStringLiteral("{\"id\": 7}");
        expected.load.timeout = 750ms;
        expected.load.keepAlive = false;
        QVERIFY2(editor.scenario() == expected, qPrintable(diff(editor.scenario(), expected)));
        QVERIFY2(editor.widgetValue() == expected,
                 qPrintable(diff(editor.widgetValue(), expected)));
        QVERIFY(editor.problems().isEmpty());
        QVERIFY(editor.isModified());
        QCOMPARE(field<QLabel>(editor, QStringLiteral("bodyStatus"))->text(),
                 QStringLiteral("Valid JSON, 9 bytes"));
    }

    void validationMessages_data()
    {
        QTest::addColumn<QString>("bad");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty name") << "emptyName"
                                    << "name"
                                    << "Give the scenario a name";
        QTest::newRow("route without /") << "route"
                                         << "upstream.route"
                                         << "Route must be a path starting with /";
        QTest::newRow("duration not parsed") << "durationText"
                                             << "load.duration"
                                             << "Not a duration: write it like 10s";
        QTest::newRow("duration 0") << "durationZero"
                                    << "load.duration"
                                    << "Duration must be above 0s";
        QTest::newRow("upstream URL") << "upstreamUrl"
                                      << "upstream.url"
                                      << "Upstream URL is not valid";
        QTest::newRow("header name") << "headerName"
                                     << "load.headers"
                                     << "Header name \"Bad Header\" is not valid";
        QTest::newRow("JSON body") << "jsonBody"
                                   << "load.body"
                                   << "Body is not valid JSON";
        QTest::newRow("Redis address") << "redisAddress"
                                       << "gateway.redis.address"
                                       << "Redis address must be host:port";
        QTest::newRow("stage duration") << "stageDuration"
                                        << "load.stages"
                                        << "Stage 1: not a duration";
        QTest::newRow("external gateway URL") << "gatewayUrl"
                                              << "gateway.url"
                                              << "Gateway URL is not valid";
    }
    void validationMessages()
    {
        QFETCH(QString, bad);
        QFETCH(QString, field);
        QFETCH(QString, message);
        ScenarioEditor editor;
        editor.resize(1200, 900);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const Scenario baseline = builtinScenario(QStringLiteral("baseline")).value();
        editor.setScenario(baseline);
        QVERIFY(editor.problems().isEmpty());

        if (bad == QLatin1String("emptyName")) {
            type(::field<QLineEdit>(editor, QStringLiteral("name")), QString());
        } else if (bad == QLatin1String("route")) {
            auto* route = ::field<QComboBox>(editor, QStringLiteral("upstream.route"));
            route->setFocus();
            route->lineEdit()->selectAll();
            QTest::keyClicks(route->lineEdit(), QStringLiteral("json/valid"));
        } else if (bad == QLatin1String("durationText")) {
            type(::field<QLineEdit>(editor, QStringLiteral("load.duration")),
                 QStringLiteral("ten seconds"));
        } else if (bad == QLatin1String("durationZero")) {
            type(::field<QLineEdit>(editor, QStringLiteral("load.duration")), QStringLiteral("0s"));
        } else if (bad == QLatin1String("upstreamUrl")) {
            choose(::field<QComboBox>(editor, QStringLiteral("upstream.kind")),
                   int(UpstreamKind::Url));
            type(::field<QLineEdit>(editor, QStringLiteral("upstream.url")),
                 QStringLiteral("localhost:8000"));
        } else if (bad == QLatin1String("headerName")) {
            addRow(editor, QStringLiteral("load.headers"), QStringLiteral("Bad Header"),
                   QStringLiteral("x"));
        } else if (bad == QLatin1String("jsonBody")) {
            addRow(editor, QStringLiteral("load.headers"), QStringLiteral("Content-Type"),
                   QStringLiteral("application/json"));
            auto* body = ::field<QPlainTextEdit>(editor, QStringLiteral("load.body"));
            body->setFocus();
            QTest::keyClicks(body, QStringLiteral("{oops"));
        } else if (bad == QLatin1String("redisAddress")) {
            choose(::field<QComboBox>(editor, QStringLiteral("gateway.kind")),
                   int(GatewayKind::BundledFull));
            choose(::field<QComboBox>(editor, QStringLiteral("gateway.redis.mode")),
                   int(RedisMode::Address));
            type(::field<QLineEdit>(editor, QStringLiteral("gateway.redis.address")),
                 QStringLiteral("nohost"));
        } else if (bad == QLatin1String("stageDuration")) {
            choose(::field<QComboBox>(editor, QStringLiteral("load.model")),
                   int(LoadModelKind::TotalRate));
            addRow(editor, QStringLiteral("load.stages"), QStringLiteral("soon"), 100.0);
        } else if (bad == QLatin1String("gatewayUrl")) {
            choose(::field<QComboBox>(editor, QStringLiteral("gateway.kind")),
                   int(GatewayKind::External));
            type(::field<QLineEdit>(editor, QStringLiteral("gateway.url")),
                 QStringLiteral("gw:8080/x"));
        }

        QVERIFY2(
            editor.messageFor(field).contains(message),
            qPrintable(
                QStringLiteral("message under %1: \"%2\"").arg(field, editor.messageFor(field))));
        auto* label = editor.findChild<QLabel*>(QStringLiteral("message:") + field);
        QVERIFY(label);
        QVERIFY(label->isVisibleTo(&editor));
        QVERIFY(!editor.problems().isEmpty());
        // Only the field at fault has a message.
        for (QLabel* other : editor.findChildren<QLabel*>())
            if (other != label && other->objectName().startsWith(QStringLiteral("message:")))
                QVERIFY2(!other->isVisibleTo(&editor), qPrintable(other->objectName()));

        // Fixed input clears the message.
        editor.setScenario(baseline);
        QVERIFY(editor.messageFor(field).isEmpty());
        QVERIFY(!label->isVisibleTo(&editor));
        QVERIFY(editor.problems().isEmpty());
    }

    void unparsedDurationKeepsLastValue()
    {
        ScenarioEditor editor;
        editor.setScenario(builtinScenario(QStringLiteral("baseline")).value());
        auto* duration = field<QLineEdit>(editor, QStringLiteral("load.duration"));
        type(duration, QStringLiteral("4"));
        QCOMPARE(editor.scenario().load.duration, Duration(10s));
        QVERIFY(!editor.messageFor(QStringLiteral("load.duration")).isEmpty());
        QTest::keyClicks(duration, QStringLiteral("s"));
        QCOMPARE(editor.scenario().load.duration, Duration(4s));
        QVERIFY(editor.messageFor(QStringLiteral("load.duration")).isEmpty());
    }

    void undoAndRedo()
    {
        ScenarioEditor editor;
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const Scenario baseline = builtinScenario(QStringLiteral("baseline")).value();
        editor.setScenario(baseline);
        QUndoStack* undo = editor.undoStack();
        QCOMPARE(undo->count(), 0);

        auto* name = field<QLineEdit>(editor, QStringLiteral("name"));
        name->setFocus();
        name->end(false);
        QTest::keyClicks(name, QStringLiteral(" two")); // four keystrokes, one step
        QCOMPARE(undo->count(), 1);
        QCOMPARE(editor.scenario().name, QStringLiteral("baseline two"));
        field<QSpinBox>(editor, QStringLiteral("load.connections"))->setValue(8);
        QCOMPARE(undo->count(), 2);
        QVERIFY(editor.isModified());

        undo->undo();
        QCOMPARE(editor.scenario().load.connections, 50);
        QCOMPARE(field<QSpinBox>(editor, QStringLiteral("load.connections"))->value(), 50);
        undo->undo();
        QCOMPARE(editor.scenario(), baseline);
        QCOMPARE(name->text(), QStringLiteral("baseline"));
        QVERIFY(!editor.isModified());
        undo->redo();
        QCOMPARE(editor.scenario().name, QStringLiteral("baseline two"));
        QCOMPARE(name->text(), QStringLiteral("baseline two"));

        // Typing a character and erasing it leaves no step behind.
        const int steps = undo->index();
        choose(field<QComboBox>(editor, QStringLiteral("load.model")), int(LoadModelKind::Max));
        QCOMPARE(undo->index(), steps + 1);
        auto* timeout = field<QLineEdit>(editor, QStringLiteral("load.timeout"));
        timeout->setFocus();
        timeout->end(false);
        QTest::keyClick(timeout, Qt::Key_0);
        QTest::keyClick(timeout, Qt::Key_Backspace);
        QCOMPARE(undo->index(), steps + 1);
    }
};

QTEST_MAIN(TestScenarioEditor)
#include "tst_scenario_editor.moc"
