// The study as values, no servers: file format, validation, built-ins, scaling, state file.

#include "app/study/builtin_studies.h"
#include "app/study/local_scaling.h"
#include "app/study/study_json.h"
#include "app/study/study_state.h"
#include "support/study_fixtures.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>
#include <utility>

using namespace gb::app;
using namespace std::chrono_literals;
using gb::test::threeStages;

class TestStudyDefinition : public QObject
{
    Q_OBJECT

private slots:
    void builtinManual()
    {
        const auto manual = builtinStudy(QStringLiteral("manual"));
        QVERIFY2(manual.ok(), qPrintable(manual.error()));
        QCOMPARE(manual->stages.size(), 3);
        QCOMPARE(manual->stages[0].name, QStringLiteral("Baseline"));
        QCOMPARE(manual->stages[1].name, QStringLiteral("Transparent proxy"));
        QCOMPARE(manual->stages[2].name, QStringLiteral("Full load"));
        for (const StudyStage& s : manual->stages)
            QCOMPARE(s.repeats, 3);
        QCOMPARE(manual->stages[0].scenario.gateway.kind, GatewayKind::None);
        QCOMPARE(manual->stages[0].scenario.upstream.route, QStringLiteral("/json/valid"));
        QCOMPARE(manual->stages[1].scenario.gateway.kind, GatewayKind::BundledKeyless);
        QCOMPARE(manual->stages[1].scenario.gateway.listenPath, QStringLiteral("/apitest/"));
        QCOMPARE(manual->stages[2].scenario.gateway.kind, GatewayKind::BundledFull);
        QCOMPARE(manual->stages[2].scenario.gateway.redis.mode, RedisMode::Local);
        QVERIFY(manual->reference.has_value());
        QCOMPARE(manual->reference->totalRps(), 75'000.0);
        QCOMPARE(manual->reference->duration, Duration(5min));
        QCOMPARE(manual->localScaling.mode, ScalingMode::Calibrate);
        QCOMPARE(manual->validate(), QList<ValidationIssue>());
        QVERIFY(!builtinStudy(QStringLiteral("nope")).ok());
        QVERIFY(builtinStudy(QStringLiteral("nope")).error().contains(QStringLiteral("manual")));
    }

    void fileRoundTrip()
    {
        Study s = threeStages();
        s.description = QStringLiteral("three stages");
        s.reference = LoadProfile{10, 100, 1min};
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed = LoadProfile{4, 50, 3s};
        s.stages[0].thresholds.maxP99Ms = 2.5;
        s.stages[1].thresholds.minRps = 100;
        s.stages[1].thresholds.maxDeltaP99Ms = 1;
        s.stages[2].thresholds.maxThroughputLossPercent = 5;
        s.stages[2].scenario.upstream.xDelay = Duration(5ms);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        QCOMPARE(saveStudyFile(s, path), QString());
        const auto back = loadStudyFile(path);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back.value(), s);
        // Stable text: saving what was read gives the same bytes.
        QCOMPARE(studyToText(back.value()), studyToText(s));
    }

    void fileErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("no version") << QByteArray("{}") << "has no \"version\"";
        QTest::newRow("future version") << QByteArray("{\"version\": 9}") << "version 9";
        QTest::newRow("repeats") << QByteArray(R"({"version":1,"stages":[{"name":"a",
            "builtin":"baseline","repeats":"x"}]})")
                                 << "stages[0].repeats must be a whole number";
        QTest::newRow("neither scenario nor builtin")
            << QByteArray(R"({"version":1,"stages":[{"name":"a"}]})")
            << "stages[0] needs either \"scenario\": {...} or \"builtin\"";
        QTest::newRow("unknown builtin")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","builtin":"turbo"}]})")
            << "stages[0].builtin: there is no built-in scenario \"turbo\"";
        QTest::newRow("bad inline scenario member")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","scenario":{"version":1,
                "load":{"connections":"many"}}}]})")
            << "stages[0].scenario.load.connections must be a whole number";
        QTest::newRow("inline scenario without version")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","scenario":{}}]})")
            << "stages[0].scenario: this is not a GateBench scenario";
        QTest::newRow("threshold")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","builtin":"baseline",
                "thresholds":{"maxP99Ms":"low"}}]})")
            << "stages[0].thresholds.maxP99Ms must be a number";
        QTest::newRow("scaling mode")
            << QByteArray(R"({"version":1,"localScaling":{"mode":"guess"}})")
            << "localScaling.mode must be one of";
        QTest::newRow("reference") << QByteArray(R"({"version":1,"reference":{"duration":"x"}})")
                                   << "reference.duration must be a duration";
        QTest::newRow("syntax") << QByteArray("{\"version\": 1,\n \"name\": }")
                                << "line 2, column 10";
    }
    void fileErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        const auto s = studyFromText(text);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(error), qPrintable(s.error()));
    }

    void validation_data()
    {
        QTest::addColumn<Study>("study");
        QTest::addColumn<QString>("field");
        Study s = threeStages();
        s.name.clear();
        QTest::newRow("no name") << s << "name";
        s = threeStages();
        s.stages.clear();
        QTest::newRow("no stages") << s << "stages";
        s = threeStages();
        s.stages[1].name = s.stages[0].name;
        QTest::newRow("duplicate stage") << s << "stages[1].name";
        s = threeStages();
        s.stages[2].repeats = 0;
        QTest::newRow("no repeats") << s << "stages[2].repeats";
        s = threeStages();
        s.stages[1].scenario.load.connections = 0;
        QTest::newRow("invalid scenario") << s << "stages[1].scenario.load.connections";
        s = threeStages();
        s.stages[0].thresholds.maxDeltaP99Ms = 1;
        QTest::newRow("delta on the baseline") << s << "stages[0].thresholds";
        s = threeStages();
        s.stages[1].thresholds.minRps = -1;
        QTest::newRow("negative threshold") << s << "stages[1].thresholds.minRps";
        s = threeStages();
        s.localScaling.mode = ScalingMode::Calibrate;
        QTest::newRow("calibrate without reference") << s << "reference";
        s.reference = LoadProfile{};
        s.localScaling.fraction = 0;
        QTest::newRow("calibrate with no share") << s << "localScaling.fraction";
        s = threeStages();
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed.perWorkerRate = 0;
        QTest::newRow("fixed without rate") << s << "localScaling.fixed.perWorkerRate";
    }
    void validation()
    {
        QFETCH(Study, study);
        QFETCH(QString, field);
        const QList<ValidationIssue> issues = study.validate();
        QVERIFY(!issues.isEmpty());
        QStringList fields;
        for (const ValidationIssue& i : issues)
            fields.append(i.field);
        QVERIFY2(fields.contains(field), qPrintable(fields.join(QLatin1Char(','))));
        QVERIFY(threeStages().validate().isEmpty());
    }

    void overrides()
    {
        Study s = threeStages();
        s.setRepeats(2);
        s.setRunDuration(7s);
        QCOMPARE(s.totalRuns(), 6);
        for (const StudyStage& stage : s.stages)
            QCOMPARE(stage.scenario.load.duration, Duration(7s));
        QCOMPARE(s.localScaling.duration, Duration(7s));
        // The study's topology and, when it scales, its profile win over the scenario's own.
        s.localScaling.mode = ScalingMode::Fixed;
        const Scenario scaled = s.stageScenario(1, LoadProfile{8, 25, 3s});
        QCOMPARE(scaled.load.connections, 8);
        QCOMPARE(scaled.load.model, LoadModelKind::PerWorkerRate);
        QCOMPARE(scaled.load.perWorkerRate, 25.0);
        QCOMPARE(scaled.load.duration, Duration(3s));
        QCOMPARE(scaled.gateway.kind, GatewayKind::BundledKeyless);
        s.localScaling.mode = ScalingMode::None;
        QCOMPARE(s.stageScenario(1, LoadProfile{8, 25, 3s}).load.connections, 4);
    }

    void calibratedScaling_data()
    {
        QTest::addColumn<double>("peak");
        QTest::addColumn<double>("perWorker");
        QTest::addColumn<QString>("note");
        // 25 % of 83,555 = 20,888.75 rps over 50 workers = 417.775, whole: 417 (20,850 rps).
        QTest::newRow("one machine")
            << 83'555.0 << 417.0
            << "Scaled for one machine: 20,850 rps for 30 s instead of 75,000 rps for 5 min "
               "(50 workers \u00d7 417 requests/s instead of 50 workers \u00d7 1,500 requests/s); "
               "25 % of the 83,555 rps this machine reached in a 5 s calibration run of "
               "Baseline at full speed";
        // A machine 4x faster than the published rate gets the published rate, not more.
        QTest::newRow("capped") << 400'000.0 << 1500.0
                                << "this machine reached 400,000 rps in a 5 s calibration run "
                                   "of Baseline at full speed, so the published rate fits as is";
        QTest::newRow("at least one per worker") << 10.0 << 1.0 << "10 rps this machine reached";
    }
    void calibratedScaling()
    {
        QFETCH(double, peak);
        QFETCH(double, perWorker);
        QFETCH(QString, note);
        Study manual = builtinStudy(QStringLiteral("manual")).value();
        QVERIFY(needsCalibration(manual));
        const Scenario calibration = calibrationScenario(manual);
        QCOMPARE(calibration.load.model, LoadModelKind::Max);
        QCOMPARE(calibration.load.connections, 50);
        QCOMPARE(calibration.load.duration, Duration(5s));
        QCOMPARE(calibration.gateway.kind, GatewayKind::None);

        const ScalingOutcome o = gb::app::calibratedScaling(manual, peak);
        QCOMPARE(o.profile.connections, 50);
        QCOMPARE(o.profile.perWorkerRate, perWorker);
        QCOMPARE(o.profile.duration, Duration(30s));
        QCOMPARE(o.calibrationRps, peak);
        QVERIFY2(o.note.contains(note), qPrintable(o.note));
    }

    void fixedScalingNote()
    {
        Study s = threeStages();
        QVERIFY(!fixedScaling(s));
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed = LoadProfile{50, 100, 20s};
        s.reference = LoadProfile{};
        const auto o = fixedScaling(s);
        QVERIFY(o);
        QCOMPARE(o->note, QStringLiteral("Scaled for one machine: 5,000 rps for 20 s instead of "
                                         "75,000 rps for 5 min (50 workers \u00d7 100 requests/s "
                                         "instead of 50 workers \u00d7 1,500 requests/s); a fixed "
                                         "local profile chosen in the study file."));
        // A fresh state decides a fixed profile at once: nothing to calibrate.
        const StudyState state = StudyState::create(s, QStringLiteral("/x"), QStringLiteral("/y"));
        QCOMPARE(state.scalingProfile(), std::optional(s.localScaling.fixed));
    }

    void stateRoundTripAndProgress()
    {
        QTemporaryDir dir;
        StudyState state = StudyState::create(threeStages(), dir.path(), dir.filePath("runs"));
        QVERIFY(state.directory.startsWith(dir.path() + QLatin1Char('/')));
        QCOMPARE(state.nextRun(), std::optional(std::pair{0, 0}));
        QCOMPARE(state.doneRuns(), 0);
        QCOMPARE(state.totalRuns(), 9);
        state.stages[0].runs = {{QStringLiteral("a"), QStringLiteral("/r/a.json")},
                                {QStringLiteral("b"), QStringLiteral("/r/b.json")},
                                {QStringLiteral("c"), QStringLiteral("/r/c.json")}};
        state.stages[1].failure = QStringLiteral("gateway missing");
        state.stages[2].runs = {{QStringLiteral("d"), QStringLiteral("/r/d.json")}};
        state.scaling = ScalingOutcome{LoadProfile{4, 10, 2s}, QStringLiteral("note"), 1234,
                                       QStringLiteral("cal"), QStringLiteral("/r/cal.json")};
        // Stage 1 failed (its 3 runs count as done), stage 2 has 1 of 3.
        QCOMPARE(state.doneRuns(), 7);
        QCOMPARE(state.nextRun(), std::optional(std::pair{2, 1}));
        QCOMPARE(state.runName(2, 1), QStringLiteral("test study / Full load #2"));
        QCOMPARE(state.tag(), QStringLiteral("study:") + state.id);

        QCOMPARE(saveStudyState(state), QString());
        const auto back = loadStudyState(state.directory);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->id, state.id);
        QCOMPARE(back->study, state.study);
        QCOMPARE(back->stages, state.stages);
        QCOMPARE(back->scaling, state.scaling);
        QCOMPARE(back->runsDirectory, state.runsDirectory);
        QCOMPARE(back->status, StudyStatus::Running);
        QVERIFY(!loadStudyState(dir.filePath(QStringLiteral("nowhere"))).ok());
    }
};

QTEST_GUILESS_MAIN(TestStudyDefinition)
#include "tst_study_definition.moc"
