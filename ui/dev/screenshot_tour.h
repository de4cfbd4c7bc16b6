#pragma once

#include <QString>

namespace gb::ui {

class MainWindow;

/// Developer tool behind `gatebench --screenshots DIR`: drives the window through what the
/// README shows and saves each page with QWidget::grab(): the editor on the built-in full
/// scenario (editor-gateway.png) and on the baseline (editor.png), a live run of the baseline
/// against the real local upstream (live-run.png), the finished run
/// (run-result.png), and a comparison of every run in the history with the baseline group as
/// the baseline (compare.png, plus compare.pdf from the same data). Quits the application when
/// done, with exit status 0, or 1 and a message on stderr when a step fails or times out.
void startScreenshotTour(MainWindow* window, const QString& directory);

} // namespace gb::ui
