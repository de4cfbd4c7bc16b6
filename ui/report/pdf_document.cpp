#include "ui/report/pdf_document.h"

#include "common/version.h"
#include "ui/charts/chart_widget.h"

#include <QFontDatabase>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextLayout>

#include <algorithm>
#include <numeric>

namespace gb::ui::report {

namespace {

constexpr int kResolution = 300; // dots per inch; the charts are vector graphics anyway
const QColor kText(0x21, 0x21, 0x21);
const QColor kMuted(0x61, 0x61, 0x61);
const QColor kRule(0xbd, 0xbd, 0xbd);
const QColor kHeaderFill(0xee, 0xf2, 0xf7);

QFont font(double points, bool bold = false, bool monospace = false)
{
    QFont f = monospace ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont();
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

/// Places blocks top to bottom on the pages of one painter, breaking pages as needed.
class Layout
{
public:
    Layout(QPdfWriter& writer, QPainter& painter, QString footer)
        : m_writer(writer)
        , m_painter(painter)
        , m_footer(std::move(footer))
    {
        const QRect paint = writer.pageLayout().paintRectPixels(writer.resolution());
        m_width = paint.width();
        m_footerHeight = QFontMetricsF(font(8), &writer).height() + mm(4);
        m_height = paint.height() - m_footerHeight;
        drawFooter();
    }

    double mm(double millimetres) const { return millimetres * m_writer.resolution() / 25.4; }
    double width() const { return m_width; }
    double y() const { return m_y; }
    void advance(double dy) { m_y += dy; }
    int pages() const { return m_page; }

    void newPage()
    {
        m_writer.newPage();
        ++m_page;
        m_y = 0;
        drawFooter();
    }
    /// Starts a new page unless height fits below y (or the page is still empty: a block
    /// taller than a page is drawn from the top and clipped rather than looping forever).
    void ensure(double height)
    {
        if (m_y > 0 && m_y + height > m_height)
            newPage();
    }

    /// Lays text out in lines of the full width and draws them, breaking pages between lines.
    void text(const QString& text, const QFont& f, const QColor& color, bool wrapAnywhere = false)
    {
        QString laid = text;
        laid.replace(QLatin1Char('\n'), QChar::LineSeparator);
        QTextLayout layout(laid, f, &m_writer);
        QTextOption option;
        option.setWrapMode(wrapAnywhere ? QTextOption::WrapAtWordBoundaryOrAnywhere
                                        : QTextOption::WordWrap);
        layout.setTextOption(option);
        layout.beginLayout();
        double top = 0;
        QList<QTextLine> lines;
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(m_width);
            line.setPosition(QPointF(0, top));
            top += line.height();
            lines.append(line);
        }
        layout.endLayout();
        m_painter.setPen(color);
        for (const QTextLine& line : lines) {
            ensure(line.height());
            line.draw(&m_painter, QPointF(0, m_y - line.position().y()));
            m_y += line.height();
        }
    }

    void table(const Table& t)
    {
        const QFont normal = font(8.5);
        const QFont bold = font(8.5, true);
        const QFontMetricsF fm(bold, &m_writer);
        const double padX = mm(1.6), padY = mm(1.0);
        const qsizetype columns = std::max<qsizetype>(
            t.header.size(), std::accumulate(t.rows.begin(), t.rows.end(), qsizetype(0),
                                             [](qsizetype n, const QStringList& r) {
                                                 return std::max(n, r.size());
                                             }));
        if (columns == 0)
            return;

        // Column widths as HTML tables do it: every column gets at least its longest word
        // (a figure is one word: "+0.60 ms" never wraps; headers wrap at their spaces), the
        // space left goes to the columns whose text would otherwise wrap, in proportion to how
        // much they lack, and what remains is shared evenly.
        QList<double> minimum(columns, 0), natural(columns, 0);
        auto measure = [&](const QStringList& cells, bool header) {
            for (qsizetype c = 0; c < cells.size(); ++c) {
                const double whole = fm.horizontalAdvance(cells[c]) + 2 * padX;
                natural[c] = std::max(natural[c], whole);
                if (!header && t.numericColumns.contains(int(c))) {
                    minimum[c] = std::max(minimum[c], whole);
                    continue;
                }
                for (const QString& word : cells[c].split(QLatin1Char(' '), Qt::SkipEmptyParts))
                    minimum[c] = std::max(minimum[c], fm.horizontalAdvance(word) + 2 * padX);
            }
        };
        measure(t.header, true);
        for (const QStringList& row : t.rows)
            measure(row, false);
        QList<double> widths = minimum;
        const double minimumSum = std::accumulate(minimum.begin(), minimum.end(), 0.0);
        // Qt wraps either at words or anywhere (mid-word even where a space would do): anywhere
        // only when even the words do not fit.
        const int wrap = minimumSum >= m_width ? int(Qt::TextWrapAnywhere) : int(Qt::TextWordWrap);
        const double naturalSum = std::accumulate(natural.begin(), natural.end(), 0.0);
        if (minimumSum >= m_width) {
            for (double& w : widths) // even the words do not fit: shrink, text wraps anywhere
                w *= m_width / minimumSum;
        } else if (naturalSum > m_width) {
            const double share = (m_width - minimumSum) / (naturalSum - minimumSum);
            for (qsizetype c = 0; c < columns; ++c)
                widths[c] = minimum[c] + (natural[c] - minimum[c]) * share;
        } else {
            const double extra = (m_width - naturalSum) / double(columns);
            for (qsizetype c = 0; c < columns; ++c)
                widths[c] = natural[c] + extra;
        }

        auto flags = [&](qsizetype column) {
            return int(t.numericColumns.contains(int(column)) ? Qt::AlignRight : Qt::AlignLeft) |
                   Qt::AlignTop | wrap;
        };
        auto rowHeight = [&](const QStringList& cells, const QFont& f) {
            const QFontMetricsF metrics(f, &m_writer);
            double h = metrics.height();
            for (qsizetype c = 0; c < cells.size(); ++c)
                h = std::max(h, metrics
                                    .boundingRect(QRectF(0, 0, widths[c] - 2 * padX, 1e6), flags(c),
                                                  cells[c])
                                    .height());
            return h + 2 * padY;
        };
        auto drawRow = [&](const QStringList& cells, const QFont& f, double h, bool header) {
            if (header)
                m_painter.fillRect(QRectF(0, m_y, m_width, h), kHeaderFill);
            m_painter.setFont(f);
            m_painter.setPen(kText);
            double x = 0;
            for (qsizetype c = 0; c < columns; ++c) {
                const QRectF cell(x + padX, m_y + padY, widths[c] - 2 * padX, h - 2 * padY);
                m_painter.drawText(cell, flags(c), cells.value(c));
                x += widths[c];
            }
            m_painter.setPen(QPen(kRule, mm(0.15)));
            m_painter.drawLine(QPointF(0, m_y + h), QPointF(m_width, m_y + h));
            m_y += h;
        };

        const double headerHeight = t.header.isEmpty() ? 0 : rowHeight(t.header, bold);
        auto drawHeader = [&] {
            if (!t.header.isEmpty())
                drawRow(t.header, bold, headerHeight, true);
        };
        // Keep the header with at least the first row.
        ensure(headerHeight + (t.rows.isEmpty() ? 0 : rowHeight(t.rows.first(), normal)));
        drawHeader();
        for (int r = 0; r < t.rows.size(); ++r) {
            const QFont& f = t.emphasizedRows.contains(r) ? bold : normal;
            const double h = rowHeight(t.rows[r], f);
            if (m_y + h > m_height) {
                newPage();
                drawHeader();
            }
            if (t.ruleAboveRows.contains(r)) {
                m_painter.setPen(QPen(kMuted, mm(0.3)));
                m_painter.drawLine(QPointF(0, m_y), QPointF(m_width, m_y));
            }
            drawRow(t.rows[r], f, h, false);
        }
    }

    QPainter& painter() { return m_painter; }

private:
    void drawFooter()
    {
        m_painter.save();
        m_painter.setFont(font(8));
        m_painter.setPen(kMuted);
        const QRectF area(0, m_height + mm(4), m_width, m_footerHeight - mm(4));
        m_painter.drawText(area, int(Qt::AlignLeft | Qt::AlignVCenter), m_footer);
        m_painter.drawText(area, int(Qt::AlignRight | Qt::AlignVCenter),
                           QStringLiteral("page %1").arg(m_page));
        m_painter.restore();
    }

    QPdfWriter& m_writer;
    QPainter& m_painter;
    QString m_footer;
    double m_width = 0;
    double m_height = 0;
    double m_footerHeight = 0;
    double m_y = 0;
    int m_page = 1;
};

} // namespace

PdfDocument::PdfDocument(QString title)
    : m_title(std::move(title))
{}

void PdfDocument::addTitle(const QString& title, const QString& subtitle)
{
    m_blocks.emplace_back(Title{title, subtitle});
}

void PdfDocument::addHeading(const QString& text)
{
    m_blocks.emplace_back(Heading{text});
}

void PdfDocument::addParagraph(const QString& text)
{
    m_blocks.emplace_back(Paragraph{text, false});
}

void PdfDocument::addPreformatted(const QString& text)
{
    m_blocks.emplace_back(Paragraph{text, true});
}

void PdfDocument::addTable(const Table& table)
{
    m_blocks.emplace_back(table);
}

void PdfDocument::addChart(const charts::ChartSpec& chart, double heightMm)
{
    m_blocks.emplace_back(Chart{chart, heightMm});
}

void PdfDocument::addPageBreak()
{
    m_blocks.emplace_back(PageBreak{});
}

QString PdfDocument::write(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setResolution(kResolution);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(18, 16, 18, 12), QPageLayout::Millimeter));
        writer.setTitle(m_title);
        writer.setCreator(QStringLiteral("GateBench %1").arg(QLatin1String(gb::kVersion)));
        QPainter painter(&writer);
        if (!painter.isActive())
            return QStringLiteral("%1: cannot be written: the PDF could not be started").arg(path);
        Layout layout(writer, painter,
                      m_title.isEmpty() ? QStringLiteral("GateBench")
                                        : QStringLiteral("GateBench · %1").arg(m_title));
        for (const Block& block : m_blocks) {
            // Space between blocks, not above the first one on a page.
            auto gap = [&](double millimetres) {
                if (layout.y() > 0)
                    layout.advance(layout.mm(millimetres));
            };
            if (const auto* t = std::get_if<Title>(&block)) {
                gap(6);
                layout.text(t->title, font(18, true), kText);
                if (!t->subtitle.isEmpty()) {
                    layout.advance(layout.mm(1));
                    layout.text(t->subtitle, font(10), kMuted);
                }
                layout.advance(layout.mm(2));
                painter.setPen(QPen(kRule, layout.mm(0.3)));
                painter.drawLine(QPointF(0, layout.y()), QPointF(layout.width(), layout.y()));
                layout.advance(layout.mm(1));
            } else if (const auto* h = std::get_if<Heading>(&block)) {
                gap(6);
                // Keep a heading with the start of what it introduces.
                layout.ensure(QFontMetricsF(font(12, true), &writer).height() + layout.mm(25));
                layout.text(h->text, font(12, true), kText);
                layout.advance(layout.mm(1.5));
            } else if (const auto* p = std::get_if<Paragraph>(&block)) {
                gap(p->monospace ? 2 : 2.5);
                layout.text(p->text, p->monospace ? font(7.5, false, true) : font(10), kText,
                            p->monospace);
            } else if (const auto* table = std::get_if<Table>(&block)) {
                gap(2.5);
                layout.table(*table);
            } else if (const auto* chart = std::get_if<Chart>(&block)) {
                gap(4);
                const double height = layout.mm(chart->heightMm);
                layout.ensure(height);
                charts::renderChart(chart->spec, painter,
                                    QRectF(0, layout.y(), layout.width(), height));
                layout.advance(height);
            } else if (std::holds_alternative<PageBreak>(block)) {
                if (layout.y() > 0)
                    layout.newPage();
            }
        }
        m_pages = layout.pages();
        if (!painter.end())
            return QStringLiteral("%1: cannot be written: the PDF could not be finished").arg(path);
    }
    if (!file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace gb::ui::report
