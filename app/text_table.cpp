#include "app/text_table.h"

#include <algorithm>

namespace gb::app {

QStringList alignedColumns(const QList<QStringList>& rows, int labelColumns)
{
    QList<qsizetype> widths;
    for (const QStringList& row : rows)
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    QStringList lines;
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (i > 0)
                line += QStringLiteral("   ");
            line += i < labelColumns ? row[i].leftJustified(widths[i])
                                     : row[i].rightJustified(widths[i]);
        }
        qsizetype end = line.size();
        while (end > 0 && line[end - 1].isSpace())
            --end;
        line.truncate(end);
        lines.append(line);
    }
    return lines;
}

} // namespace gb::app
