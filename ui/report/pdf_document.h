#pragma once

#include "ui/charts/chart_spec.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <variant>
#include <vector>

namespace gb::ui::report {

/// A table as the document shows it: a header row and rows of text cells.
struct Table
{
    QStringList header;
    QList<QStringList> rows;
    QList<int> numericColumns; ///< right-aligned (figures); the others are left-aligned
    QList<int> emphasizedRows; ///< drawn bold, e.g. "Average of 3 runs"
    QList<int> ruleAboveRows;  ///< a rule above these rows separates groups
};

/// A small document builder that writes a PDF: blocks are added in reading order and laid out
/// on A4 pages when written, with page breaks where a block does not fit (tables break between
/// rows and repeat their header; paragraphs break between lines). Charts are vector graphics
/// drawn from the same ChartSpec the screen shows.
///
/// A plain value: build it on any thread; write() needs a QApplication (charts) and is meant for
/// the GUI thread or a headless command's main thread. Reused by the comparison export, the
/// run report (`gatebench run --pdf`) and the study report.
class PdfDocument
{
public:
    /// title goes into the PDF's metadata and the page footers.
    explicit PdfDocument(QString title = {});

    void addTitle(const QString& title, const QString& subtitle = {});
    void addHeading(const QString& text);
    void addParagraph(const QString& text);
    /// Monospaced, line breaks kept (hey's report, logs).
    void addPreformatted(const QString& text);
    void addTable(const Table& table);
    void addChart(const charts::ChartSpec& chart, double heightMm = 80);
    void addPageBreak();

    /// Writes the PDF atomically (a failed write leaves an existing file intact). Empty on
    /// success, else the sentence for the user.
    [[nodiscard]] QString write(const QString& path) const;

    /// The pages the last successful write() produced.
    int pageCount() const { return m_pages; }

private:
    struct Title
    {
        QString title, subtitle;
    };
    struct Heading
    {
        QString text;
    };
    struct Paragraph
    {
        QString text;
        bool monospace = false;
    };
    struct Chart
    {
        charts::ChartSpec spec;
        double heightMm = 80;
    };
    struct PageBreak
    {};
    using Block = std::variant<Title, Heading, Paragraph, Table, Chart, PageBreak>;

    QString m_title;
    std::vector<Block> m_blocks;
    mutable int m_pages = 0;
};

} // namespace gb::ui::report
