#include "ui/dashboard/metric_tile.h"

#include "ui/colors.h"

#include <QLabel>
#include <QVBoxLayout>

namespace gb::ui {

MetricTile::MetricTile(const QString& caption, QWidget* parent)
    : QFrame(parent)
    , m_caption(new QLabel(caption, this))
    , m_value(new QLabel(QStringLiteral("–"), this))
    , m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("metricTile"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, p.color(QPalette::Base));
    setPalette(p);

    QFont captionFont = m_caption->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.9);
    m_caption->setFont(captionFont);
    m_caption->setStyleSheet(secondaryTextStyle());
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.6);
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    m_value->setTextFormat(Qt::RichText);
    m_detail->setFont(captionFont);
    m_detail->setStyleSheet(secondaryTextStyle());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(1);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MetricTile::setValue(const QString& value, const QString& unit)
{
    m_plainValue = unit.isEmpty() ? value : value + QLatin1Char(' ') + unit;
    m_value->setText(unit.isEmpty() ? value.toHtmlEscaped()
                                    : QStringLiteral("%1<span style=\"font-size: small; "
                                                     "font-weight: normal;\"> %2</span>")
                                          .arg(value.toHtmlEscaped(), unit.toHtmlEscaped()));
}

void MetricTile::setDetail(const QString& detail)
{
    m_detail->setText(detail);
}

void MetricTile::setAlert(bool alert)
{
    m_value->setStyleSheet(alert ? errorTextStyle() : QString());
}

QString MetricTile::value() const
{
    return m_plainValue;
}

} // namespace gb::ui
