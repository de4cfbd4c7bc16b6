#pragma once

#include "app/study/study_report.h"

#include <QString>

namespace gb::ui::report {

/// The study report as a PDF through ui/report's document builder: each of the report's blocks
/// becomes the builder's block of the same kind, so the PDF says exactly what the terminal
/// report says, plus the charts. main() installs it as app::cli::PdfExporters::study and the Study
/// page exports with it; it needs a QApplication (the charts are drawn by widgets), on its thread.
/// Empty on success, else the sentence.
[[nodiscard]] QString writeStudyPdf(const app::StudyReport& report, const QString& path);

} // namespace gb::ui::report
