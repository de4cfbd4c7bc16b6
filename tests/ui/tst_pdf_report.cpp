// The PDF document builder and the reports built with it: pdftotext finds the table's values,
// long tables break across pages with their header repeated, a chart fills the width of the
// page (not a postage stamp: the 300 dpi pitfall), and `gatebench compare|run --pdf` write
// the same documents headless.

#include "app/comparison.h"
#include "app/run_store.h"
#include "support/run_fixtures.h"
#include "ui/format.h"
#include "ui/report/pdf_document.h"
#include "ui/report/reports.h"
#include "ui/run_charts.h"

#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::ui;

namespace {

const QDateTime kT0(QDate(2025, 1, 2), QTime(15, 30), Qt::UTC);
const QString kBinDir = QStringLiteral(GB_BIN_DIR);

QList<app::RunRecord> groupsOfRuns()
{
    QList<app::RunRecord> runs;
    const std::tuple<QString, double, double> groups[] = {
        {QStringLiteral("baseline"), 0.40, 74921},
        {QStringLiteral("keyless"), 1.00, 71546},
        {QStringLiteral("full"), 1.17, 69165},
    };
    int n = 0;
    for (const auto& [name, ms, rps] : groups)
        for (int i = 0; i < 3; ++i, ++n)
            runs.append(test::makeRun(test::namedScenario(name), QStringLiteral("run-%1").arg(n),
                                      ms * (1 + 0.01 * i), rps * (1 - 0.004 * i),
                                      kT0.addSecs(60 * n)));
    return runs;
}

/// pdftotext's text of path with the layout kept (table rows stay on one line).
QString pdfText(const QString& path)
{
    QProcess p;
    p.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), path, QStringLiteral("-")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return QStringLiteral("(pdftotext failed: %1)")
            .arg(QString::fromUtf8(p.readAllStandardError()));
    // Table labels use no-break spaces so they do not wrap; read them as spaces.
    return QString::fromUtf8(p.readAllStandardOutput()).replace(QChar::Nbsp, QLatin1Char(' '));
}

QImage pageImage(const QString& pdf, int page, const QString& dir)
{
    QProcess p;
    const QString prefix = dir + QStringLiteral("/page");
    p.start(QStringLiteral("pdftoppm"),
            {QStringLiteral("-r"), QStringLiteral("40"), QStringLiteral("-f"),
             QString::number(page), QStringLiteral("-l"), QString::number(page),
             QStringLiteral("-png"), pdf, prefix});
    p.waitForFinished(30000);
    for (const QString& f : QDir(dir).entryList({QStringLiteral("page*.png")}))
        return QImage(QDir(dir).filePath(f));
    return {};
}

} // namespace

class TestPdfReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty() ||
            QStandardPaths::findExecutable(QStringLiteral("pdftoppm")).isEmpty())
            QSKIP("poppler-utils (pdftotext, pdftoppm) is not installed");
        QVERIFY(m_dir.isValid());
    }

    void builderWritesBlocksAndBreaksPages()
    {
        report::PdfDocument doc(QStringLiteral("Builder test"));
        doc.addTitle(QStringLiteral("Gateway study"), QStringLiteral("subtitle line"));
        doc.addParagraph(QStringLiteral("A paragraph long enough to wrap across the width of the "
                                        "page at least once, so line breaking is exercised: ")
                             .repeated(3));
        report::Table table;
        table.header = {QStringLiteral("RUN #"), QStringLiteral("p99 (ms)"),
                        QStringLiteral("Throughput")};
        table.numericColumns = {1, 2};
        for (int i = 0; i < 90; ++i)
            table.rows.append(
                {QString::number(i + 1), QStringLiteral("%1.25").arg(i), formatRps(70000 + i)});
        table.emphasizedRows = {89};
        doc.addTable(table);
        doc.addPageBreak();
        doc.addHeading(QStringLiteral("After the break"));
        doc.addPreformatted(QStringLiteral("Summary:\n  Requests/sec:\t4999.5679\n"));
        const QString path = m_dir.filePath(QStringLiteral("builder.pdf"));
        QCOMPARE(doc.write(path), QString());
        QVERIFY(doc.pageCount() >= 3);

        const QString text = pdfText(path);
        QVERIFY2(text.contains(QStringLiteral("Gateway study")), qPrintable(text));
        for (const QString& value :
             {QStringLiteral("0.25"), QStringLiteral("88.25"), QStringLiteral("70,089"),
              QStringLiteral("After the break"), QStringLiteral("4999.5679")})
            QVERIFY2(text.contains(value), qPrintable(value));
        // The header repeats on every page the table spans.
        QVERIFY(text.count(QStringLiteral("Throughput")) >= 2);
        QCOMPARE(text.count(QLatin1Char('\f')), doc.pageCount());
    }

    void chartFillsThePageWidth()
    {
        report::PdfDocument doc(QStringLiteral("Chart"));
        const QList<app::RunRecord> runs = groupsOfRuns();
        doc.addChart(runCharts(runs.first()).first(), 90);
        const QString path = m_dir.filePath(QStringLiteral("chart.pdf"));
        QCOMPARE(doc.write(path), QString());
        QTemporaryDir pages;
        const QImage page = pageImage(path, 1, pages.path());
        QVERIFY(!page.isNull());
        // The bounding box of everything that is not white.
        int left = page.width(), right = -1, top = page.height(), bottom = -1;
        for (int y = 0; y < page.height(); ++y)
            for (int x = 0; x < page.width(); ++x)
                if (qGray(page.pixel(x, y)) < 200) {
                    left = std::min(left, x);
                    right = std::max(right, x);
                    top = std::min(top, y);
                    bottom = std::max(bottom, y);
                }
        QVERIFY(right > left);
        const double widthShare = double(right - left) / page.width();
        const double heightMm = double(bottom - top) / page.height() * 297.0;
        QVERIFY2(widthShare > 0.7, qPrintable(QString::number(widthShare)));
        QVERIFY2(heightMm > 60, qPrintable(QString::number(heightMm)));
        // The axis labels are text, not pixels.
        const QString text = pdfText(path);
        QVERIFY2(text.contains(QStringLiteral("Throughput")) &&
                     text.contains(QStringLiteral("requests/s")),
                 qPrintable(text));
    }

    void comparisonReportHasTheTable()
    {
        const QList<app::RunRecord> runs = groupsOfRuns();
        const app::Comparison comparison = app::compare(app::groupByScenario(runs), 0);
        const QString path = m_dir.filePath(QStringLiteral("comparison.pdf"));
        QCOMPARE(report::exportComparisonPdf(comparison, runs, path), QString());
        const QString text = pdfText(path);
        QVERIFY2(text.contains(QStringLiteral("Comparison: baseline vs keyless vs full")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Average of 3 runs")));
        QVERIFY(text.contains(QStringLiteral("bench-host-7")));
        // Each group's CPU on each machine, in a table of its own.
        QVERIFY2(text.contains(QStringLiteral("CPU by machine")), qPrintable(text));
        for (const app::ComparisonGroup& g : comparison.groups)
            QVERIFY2(text.contains(formatPercent(g.statistics.meanCpu.value(0).busyPercent, 0)),
                     qPrintable(g.name));
        for (const app::ComparisonGroup& g : comparison.groups) {
            QVERIFY2(text.contains(formatMs(g.statistics.meanP99Ms)), qPrintable(g.name));
            QVERIFY2(text.contains(formatRps(g.statistics.meanRps)), qPrintable(g.name));
            for (const app::RunFigures& r : g.runs)
                QVERIFY2(text.contains(formatRps(r.rps)), qPrintable(r.runId));
            if (g.delta) {
                QVERIFY2(text.contains(formatSignedMs(g.delta->p99AddedMs)), qPrintable(g.name));
                QVERIFY2(text.contains(formatSignedPercent(g.delta->throughputChangePercent)),
                         qPrintable(g.name));
            }
        }
        QVERIFY(text.contains(QStringLiteral("Throughput over time")));
        QVERIFY(text.contains(QStringLiteral("Latency distribution per group")));
        QVERIFY(text.contains(QStringLiteral("load.connections")));
    }

    void runReport()
    {
        const app::RunRecord run = groupsOfRuns().at(4);
        const QString path = m_dir.filePath(QStringLiteral("run.pdf"));
        QCOMPARE(report::exportRunPdf(run, path), QString());
        const QString text = pdfText(path);
        QVERIFY2(text.contains(QStringLiteral("Run: keyless")), qPrintable(text));
        QVERIFY(text.contains(formatMs(run.summary.latency.p99) + QStringLiteral(" ms")));
        QVERIFY(text.contains(formatCount(run.summary.requests)));
        QVERIFY(text.contains(QStringLiteral("Requests/sec:")));
        QVERIFY(text.contains(QStringLiteral("Latency per second")));
    }

    void unwritablePathIsASentence()
    {
        report::PdfDocument doc;
        doc.addParagraph(QStringLiteral("x"));
        const QString error = doc.write(QStringLiteral("/nonexistent/dir/out.pdf"));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/out.pdf: cannot be written")));
    }

    void compareCommandWritesPdf()
    {
        const QString gatebench = kBinDir + QStringLiteral("/gatebench");
        QVERIFY2(QFile::exists(gatebench), "gatebench is not built");
        QStringList files;
        for (app::RunRecord run : groupsOfRuns()) {
            const QString file = m_dir.filePath(run.id + QStringLiteral(".json"));
            QCOMPARE(app::exportRunJson(run, file), QString());
            files.append(file);
        }
        const QString pdf = m_dir.filePath(QStringLiteral("cli-compare.pdf"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM")); // headless commands choose offscreen
        p.setProcessEnvironment(env);
        p.start(gatebench, QStringList{QStringLiteral("compare")} + files +
                               QStringList{QStringLiteral("--baseline"), QStringLiteral("1"),
                                           QStringLiteral("--pdf"), pdf});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QString text = pdfText(pdf);
        const app::Comparison comparison = app::compare(app::groupByScenario(groupsOfRuns()), 0);
        QVERIFY(text.contains(formatSignedMs(comparison.groups[1].delta->p99AddedMs)));
        QVERIFY(text.contains(formatRps(comparison.groups[2].statistics.meanRps)));
    }

    void runCommandWritesPdf()
    {
        const QString gatebench = kBinDir + QStringLiteral("/gatebench");
        QVERIFY2(QFile::exists(gatebench), "gatebench is not built");
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built");
        const QString pdf = m_dir.filePath(QStringLiteral("cli-run.pdf"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        p.setProcessEnvironment(env);
        p.start(gatebench,
                {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("baseline"),
                 QStringLiteral("--duration"), QStringLiteral("1s"),
                 QStringLiteral("--connections"), QStringLiteral("4"), QStringLiteral("--runs-dir"),
                 m_dir.filePath(QStringLiteral("runs")), QStringLiteral("--pdf"), pdf});
        QVERIFY(p.waitForFinished(90000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY2(out.contains(QStringLiteral("Report written to ") + pdf), qPrintable(out));
        const QString text = pdfText(pdf);
        QVERIFY2(text.contains(QStringLiteral("Run: baseline")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Requests/sec:")));
    }
};

QTEST_MAIN(TestPdfReport)
#include "tst_pdf_report.moc"
