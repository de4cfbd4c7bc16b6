#pragma once

#include <QList>
#include <QStringList>

namespace gb::app {

/// Rows of cells as plain-text lines in aligned columns: each column padded to its widest cell,
/// the first `labelColumns` left-aligned (labels), the rest right-aligned (figures), three
/// spaces between columns, no trailing spaces (a row of empty cells is an empty line). The
/// comparison's and the study report's text tables.
QStringList alignedColumns(const QList<QStringList>& rows, int labelColumns);

} // namespace gb::app
