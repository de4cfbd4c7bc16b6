#pragma once

#include <QFrame>

class QLabel;

namespace gb::ui {

/// One figure of the dashboard: a caption, the value in large type, a line of detail.
class MetricTile final : public QFrame
{
    Q_OBJECT

public:
    explicit MetricTile(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& unit = {});
    void setDetail(const QString& detail);
    /// Red value, for errors.
    void setAlert(bool alert);
    /// The value as plain text ("4,987 req/s").
    QString value() const;

private:
    QLabel* m_caption;
    QLabel* m_value;
    QLabel* m_detail;
    QString m_plainValue;
};

} // namespace gb::ui
