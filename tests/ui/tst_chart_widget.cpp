// Charts you can interrogate (ui/charts): the values under the pointer for every visible series,
// a dragged rectangle zooms in and live updates keep the zoom, a double click zooms out, a legend
// entry clicked hides its series (and clicked again shows it), the right click's menu copies the
// chart, and the chart saves as PNG and SVG. All driven by synthesized mouse events on the real
// widget. GB_SCREENSHOTS=DIR (under xvfb-run, QT_QPA_PLATFORM=xcb) saves the README's picture of
// a zoomed chart with its readout.

#include "ui/charts/chart_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFile>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QMenu>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace gb::ui::charts;

class TestChartWidget : public QObject
{
    Q_OBJECT

private:
    ChartWidget* m_chart = nullptr;

    QWidget* viewport() const { return m_chart->findChild<QGraphicsView*>()->viewport(); }
    /// A point of the viewport at fractions of its size (the plot fills most of it).
    QPoint at(double fx, double fy) const
    {
        const QSize s = viewport()->size();
        return QPoint(int(s.width() * fx), int(s.height() * fy));
    }
    /// The x the readout names after moving the pointer to `pos`; NaN when there is none.
    double xAt(const QPoint& pos)
    {
        QTest::mouseMove(viewport(), pos);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^time \\(s\\) ([0-9.,]+)"))
                .match(m_chart->hoverText());
        return m.hasMatch() ? QLocale().toDouble(m.captured(1)) : qQNaN();
    }
    static ChartSpec spec()
    {
        ChartSpec s;
        s.title = QStringLiteral("Throughput");
        s.x.title = QStringLiteral("time (s)");
        s.y.title = QStringLiteral("requests/s");
        SeriesSpec rps{QStringLiteral("RPS"), seriesColor(0), {}};
        SeriesSpec errors{QStringLiteral("errors"), seriesColor(1), {}};
        for (int i = 0; i <= 20; ++i) {
            rps.points.append(QPointF(i, 100.0 * i));
            errors.points.append(QPointF(i, i % 3));
        }
        s.series = {rps, errors};
        return s;
    }
    /// Where the legend writes `name`, in viewport coordinates (Qt Charts draws it as a text item).
    QPoint legendEntry(const QString& name) const
    {
        auto* view = m_chart->findChild<QGraphicsView*>();
        for (QGraphicsItem* item : view->scene()->items()) {
            QString text;
            if (auto* t = dynamic_cast<QGraphicsTextItem*>(item))
                text = t->toPlainText();
            else if (auto* s = dynamic_cast<QGraphicsSimpleTextItem*>(item))
                text = s->text();
            if (text == name && item->isVisible())
                return view->mapFromScene(item->sceneBoundingRect().center());
        }
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_chart = new ChartWidget;
        m_chart->resize(720, 420);
        m_chart->setSpec(spec());
        m_chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_chart));
    }
    void cleanup()
    {
        delete m_chart;
        m_chart = nullptr;
    }

    // Every visible series' value at the point nearest the pointer's x.
    void hoverShowsEverySeries()
    {
        QVERIFY(m_chart->hoverText().isEmpty());
        const double x = xAt(at(0.5, 0.4));
        QVERIFY2(!qIsNaN(x), qPrintable(m_chart->hoverText()));
        const int nearest = qRound(x);
        const QString text = m_chart->hoverText();
        QVERIFY2(text.contains(QStringLiteral("RPS: ") + QLocale().toString(100 * nearest)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("errors: ") + QLocale().toString(nearest % 3)),
                 qPrintable(text));
        // Off the plot (over the title): nothing.
        QTest::mouseMove(viewport(), QPoint(viewport()->width() / 2, 2));
        QVERIFY(m_chart->hoverText().isEmpty());
    }

    // A dragged rectangle zooms in; live updates keep the zoom; a double click zooms out.
    void dragZoomsAndDoubleClickResets()
    {
        const QPoint left = at(0.3, 0.5);
        const QPoint right = at(0.9, 0.5);
        QVERIFY(xAt(left) < 8);
        QVERIFY(xAt(right) > 15); // the whole 0..20
        QTest::mousePress(viewport(), Qt::LeftButton, {}, at(0.5, 0.2));
        QTest::mouseMove(viewport(), at(0.7, 0.7));
        QTest::mouseRelease(viewport(), Qt::LeftButton, {}, at(0.7, 0.7));
        QVERIFY(m_chart->isZoomed());
        const double zoomedLeft = xAt(left);
        const double zoomedRight = xAt(right);
        QVERIFY2(zoomedLeft > 8 && zoomedRight < 16, qPrintable(m_chart->hoverText()));
        // New points arrive (a live run): the zoomed range stays.
        QList<QPointF> more = spec().series[0].points;
        more.append(QPointF(40, 4000));
        m_chart->setSeriesPoints(0, more);
        QCOMPARE(xAt(left), zoomedLeft);
        QCOMPARE(xAt(right), zoomedRight);
        QTest::mouseDClick(viewport(), Qt::LeftButton, {}, at(0.5, 0.5));
        QVERIFY(!m_chart->isZoomed());
        QVERIFY(xAt(right) > 30); // back to the whole range, now 0..40
        // A click that slipped is not a zoom.
        QTest::mousePress(viewport(), Qt::LeftButton, {}, at(0.5, 0.5));
        QTest::mouseRelease(viewport(), Qt::LeftButton, {}, at(0.5, 0.5) + QPoint(3, 2));
        QVERIFY(!m_chart->isZoomed());
    }

    // A legend entry clicked hides its series (greyed, still listed); clicked again shows it.
    void legendTogglesItsSeries()
    {
        const QPoint entry = legendEntry(QStringLiteral("errors"));
        QVERIFY(!entry.isNull());
        QTest::mouseClick(viewport(), Qt::LeftButton, {}, entry);
        QVERIFY(!m_chart->isSeriesVisible(1));
        QVERIFY(m_chart->isSeriesVisible(0));
        xAt(at(0.5, 0.4));
        QVERIFY(!m_chart->hoverText().contains(QStringLiteral("errors")));
        QVERIFY(!legendEntry(QStringLiteral("errors")).isNull()); // still there to click
        // Kept when the chart is rebuilt with the same series.
        m_chart->setSpec(spec());
        QVERIFY(!m_chart->isSeriesVisible(1));
        QCoreApplication::processEvents(); // the new legend's layout
        QTest::mouseClick(viewport(), Qt::LeftButton, {}, legendEntry(QStringLiteral("errors")));
        QVERIFY(m_chart->isSeriesVisible(1));
    }

    // The right click's menu, and its Copy image.
    void contextMenuCopiesTheChart()
    {
        QApplication::clipboard()->clear();
        QStringList seen;
        QTimer::singleShot(0, this, [&seen] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu)
                return;
            for (QAction* a : menu->actions())
                if (!a->isSeparator())
                    seen << a->text() + (a->isEnabled() ? QString() : QStringLiteral(" (off)"));
            menu->actions().first()->trigger();
            menu->close();
        });
        QContextMenuEvent event(QContextMenuEvent::Mouse, at(0.5, 0.5),
                                viewport()->mapToGlobal(at(0.5, 0.5)));
        QApplication::sendEvent(viewport(), &event);
        QCOMPARE(seen,
                 (QStringList{QStringLiteral("Copy image"), QStringLiteral("Save as PNG…"),
                              QStringLiteral("Save as SVG…"), QStringLiteral("Reset zoom (off)")}));
        const QImage copied = QApplication::clipboard()->image();
        QVERIFY(!copied.isNull());
        QVERIFY(copied.width() >= 700);
    }

    void savesPngAndSvg()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(m_chart->saveTo(png));
        QCOMPARE(QImage(png).size(), m_chart->toImage().size());
        const QString svg = dir.filePath(QStringLiteral("chart.svg"));
        QVERIFY(m_chart->saveTo(svg));
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("Throughput"));
        QVERIFY(!m_chart->saveTo(dir.filePath(QStringLiteral("missing/dir/chart.png"))));
    }

    // The README's picture: zoomed, the readout showing.
    void screenshot()
    {
        const QString dir = qEnvironmentVariable("GB_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        QTest::mousePress(viewport(), Qt::LeftButton, {}, at(0.35, 0.15));
        QTest::mouseMove(viewport(), at(0.8, 0.75));
        QTest::mouseRelease(viewport(), Qt::LeftButton, {}, at(0.8, 0.75));
        xAt(at(0.55, 0.45));
        QVERIFY(m_chart->grab().save(dir + QStringLiteral("/chart-zoomed.png")));
    }
};

QTEST_MAIN(TestChartWidget)
#include "tst_chart_widget.moc"
