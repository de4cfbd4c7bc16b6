// studyReportText(): the report for a terminal. Charts are left out; everything else reads
// as in the PDF.
#include "app/study/study_report.h"
#include "app/text_table.h"

namespace gb::app {

namespace {

constexpr int kWidth = 100;

QString wrap(const QString& text, const QString& indent)
{
    QString out;
    QString line = indent;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (line.size() > indent.size() && line.size() + 1 + word.size() > kWidth) {
            out += line + QLatin1Char('\n');
            line = indent;
        }
        if (line.size() > indent.size())
            line += QLatin1Char(' ');
        line += word;
    }
    return out + line + QLatin1Char('\n');
}

QString tableText(const ReportTable& t)
{
    QList<QStringList> rows = {t.header};
    rows += t.rows;
    QString out;
    if (!t.caption.isEmpty())
        out += QStringLiteral("  %1\n").arg(t.caption);
    const QStringList lines = alignedColumns(rows, t.labelColumns);
    for (qsizetype r = 0; r < lines.size(); ++r) {
        // A flagged row is marked in the margin, where it does not shift the columns.
        const bool flagged = r > 0 && t.flaggedRows.contains(int(r - 1));
        const QString line = (flagged ? QStringLiteral("! ") : QStringLiteral("  ")) + lines[r];
        out += line.trimmed().isEmpty() ? QString() : line;
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace

QString studyReportText(const StudyReport& report)
{
    QString out;
    for (const ReportBlock& block : report.blocks) {
        if (const auto* h = std::get_if<ReportHeading>(&block)) {
            if (!out.isEmpty())
                out += QLatin1Char('\n');
            out += h->text + QLatin1Char('\n');
            out += QString(h->text.size(), h->level == 0 ? QLatin1Char('=') : QLatin1Char('-')) +
                   QLatin1Char('\n');
        } else if (const auto* p = std::get_if<ReportParagraph>(&block)) {
            out += p->warning ? wrap(QStringLiteral("! ") + p->text, QString())
                              : wrap(p->text, QString());
        } else if (const auto* t = std::get_if<ReportTable>(&block)) {
            out += tableText(*t);
        }
    }
    return out;
}

} // namespace gb::app
