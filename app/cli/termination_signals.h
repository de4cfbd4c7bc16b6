#pragma once

#include <QObject>

class QSocketNotifier;

namespace gb::app::cli {

/// Turns SIGINT and SIGTERM into a Qt signal on the thread that created it (the self-pipe
/// trick from Qt's "Calling Qt Functions From Unix Signal Handlers"), so Ctrl-C stops a
/// headless run the way the Stop button does and the measured data is kept. One instance per
/// process; the previous handlers are restored when it is destroyed.
class TerminationSignals final : public QObject
{
    Q_OBJECT

public:
    explicit TerminationSignals(QObject* parent = nullptr);
    ~TerminationSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace gb::app::cli
