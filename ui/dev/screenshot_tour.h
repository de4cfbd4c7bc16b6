#pragma once

#include <QString>

namespace gb::ui {

class MainWindow;

/// Developer tool behind `gatebench --screenshots DIR`: drives the window through what the
/// README shows and saves each page with QWidget::grab(): the editor on the built-in full
/// scenario (editor-gateway.png) and on the baseline (editor.png), a live run of the baseline
/// against the real local upstream (live-run.png), the finished run (run-result.png), then a
/// run of the keyless gateway and a comparison of every run in the history with the baseline
/// group as the baseline (compare.png, plus compare.pdf from the same data), and last the
/// built-in study run to its end on the Study page (study.png). The window is to
/// be given an empty run store (gatebench/main.cpp uses a temporary one), so the history holds
/// the tour's two runs only and the screenshots are the same every time. Quits the application
/// when done, with exit status 0, or 1 and a message on stderr when a step fails or times out.
void startScreenshotTour(MainWindow* window, const QString& directory);

} // namespace gb::ui
