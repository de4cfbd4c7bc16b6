#pragma once

#include "app/scenario.h"

#include <QWidget>

namespace gb::ui {

/// A small plot of the target request rate over the run, computed with the engine's own rate
/// schedule so it shows what the load will do: flat for per-connection rates, the ramp for
/// total-rate stages, the warm-up shaded. Closed-loop runs have no target and say so.
class RatePreview final : public QWidget
{
    Q_OBJECT

public:
    explicit RatePreview(QWidget* parent = nullptr);

    void setScenario(const app::Scenario& scenario);
    /// The target rate at t seconds into the run, 0 for a closed loop.
    double targetAt(double seconds) const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    app::Scenario m_scenario;
};

} // namespace gb::ui
