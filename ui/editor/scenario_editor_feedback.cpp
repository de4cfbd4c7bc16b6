// The scenario editor's feedback: message lines under fields, visible rows, the body status.
#include "app/json_text.h"
#include "ui/colors.h"
#include "ui/editor/scenario_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSet>
#include <QVBoxLayout>

namespace gb::ui {

namespace {

/// "load.headers[1]" and "load.stages[0].rps" are shown under their table: "load.headers".
QString messageKey(const QString& field)
{
    static const QRegularExpression index(QStringLiteral("\\[\\d+\\].*$"));
    QString key = field;
    key.remove(index);
    return key;
}

} // namespace

QLabel* ScenarioEditor::messageLabel(const QString& path, QWidget* parent, QWidget* focus)
{
    auto* message = new QLabel(parent);
    message->setObjectName(QStringLiteral("message:") + path);
    // Not word-wrapped: shown or hidden inside a QFormLayout row, a height-for-width field makes
    // Qt 6.4.2's QFormLayout read and write past its row arrays (valgrind under
    // tst_ui_scenario_editor: 26 invalid accesses with wrapping, none without; it crashed the
    // test once more rows were added). A long message widens its column instead.
    message->setWordWrap(false);
    message->setStyleSheet(errorTextStyle());
    message->hide();
    m_messages.insert(path, message);
    m_fields.insert(path, focus);
    // Tests and focusFirstProblem() find inputs by their setting's path.
    if (focus->objectName().isEmpty())
        focus->setObjectName(path);
    return message;
}

QWidget* ScenarioEditor::withMessage(const QString& path, QWidget* field, QWidget* focus)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(messageLabel(path, box, focus ? focus : field));
    return box;
}

void ScenarioEditor::updateVisibility()
{
    const app::Scenario& s = m_scenario;
    const bool external = s.gateway.kind == app::GatewayKind::External;
    const bool bundledUpstream = s.upstream.kind == app::UpstreamKind::Bundled;
    m_upstreamForm->setRowVisible(m_upstreamNote, external);
    m_upstreamForm->setRowVisible(m_upstreamKind, !external);
    m_upstreamForm->setRowVisible(
        m_messages.value(QStringLiteral("upstream.route"))->parentWidget(),
        !external && bundledUpstream);
    m_upstreamForm->setRowVisible(
        m_messages.value(QStringLiteral("upstream.xDelay"))->parentWidget(),
        !external && bundledUpstream);
    m_upstreamForm->setRowVisible(m_messages.value(QStringLiteral("upstream.url"))->parentWidget(),
                                  !external && !bundledUpstream);

    const bool container = s.gateway.kind == app::GatewayKind::Container;
    const app::ContainerSettings& c = s.gateway.container;
    // Redis for the bundled full gateway and for Tyk (which needs it even keyless); the key's
    // rate limit wherever there are keys.
    const bool redis = s.gateway.kind == app::GatewayKind::BundledFull ||
                       (container && c.product == app::GatewayProduct::Tyk);
    const bool keys = s.gateway.kind == app::GatewayKind::BundledFull || (container && c.features);
    auto row = [this](const QString& path) { return m_messages.value(path)->parentWidget(); };
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.listenPath")), s.configuresGateway());
    m_containerBox->setVisible(container);
    m_gatewayForm->setRowVisible(m_redisMode, redis);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.redis.address")),
                                 redis && s.gateway.redis.mode == app::RedisMode::Address);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.rateLimit.rate")), keys);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.url")), external);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.headers")), external);

    const app::LoadModelKind model = s.load.model;
    m_loadForm->setRowVisible(row(QStringLiteral("load.perWorkerRate")),
                              model == app::LoadModelKind::PerWorkerRate);
    m_loadForm->setRowVisible(row(QStringLiteral("load.totalRate")),
                              model == app::LoadModelKind::TotalRate);
    m_loadForm->setRowVisible(row(QStringLiteral("load.stages")),
                              model == app::LoadModelKind::TotalRate);
    const bool onHosts = s.topology.kind == app::TopologyKind::Hosts;
    m_topologyForm->setRowVisible(row(QStringLiteral("topology.upstreamHost")),
                                  onHosts && s.needsBundledUpstream());
    m_topologyForm->setRowVisible(row(QStringLiteral("topology.gatewayHost")),
                                  onHosts && s.configuresGateway());
    m_topologyForm->setRowVisible(row(QStringLiteral("topology.redisHost")),
                                  onHosts && s.needsLocalRedis());
    m_topologyForm->setRowVisible(m_loadToPrivate, onHosts);
    m_topologyForm->setRowVisible(row(QStringLiteral("topology.loadHosts")), onHosts);
    updateBodyStatus();
}

void ScenarioEditor::updateBodyStatus()
{
    const QString body = m_scenario.load.body;
    if (body.isEmpty()) {
        m_bodyStatus->setText(QStringLiteral("No body"));
        return;
    }
    QJsonValue ignored;
    QString error;
    const QByteArray bytes = body.toUtf8();
    if (app::parseJsonValue(bytes, ignored, error)) {
        m_bodyStatus->setText(QStringLiteral("Valid JSON, %1 bytes").arg(bytes.size()));
        return;
    }
    bool jsonType = false;
    for (const app::HttpHeader& h : m_scenario.load.headers)
        if (h.name.compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0)
            jsonType = h.value.contains(QLatin1String("json"), Qt::CaseInsensitive);
    // With a JSON Content-Type, validate() reports the error under the field instead.
    m_bodyStatus->setText(jsonType ? QString()
                                   : QStringLiteral("%1 bytes, sent as is (not JSON; with a JSON "
                                                    "Content-Type header it is checked)")
                                         .arg(bytes.size()));
}

void ScenarioEditor::updateMessages(const QList<app::ValidationIssue>& formIssues)
{
    // Unparsed entries first: a validation message about the old value would mislead.
    QList<app::ValidationIssue> issues = formIssues;
    QSet<QString> unparsed;
    for (const app::ValidationIssue& i : formIssues)
        unparsed.insert(messageKey(i.field));
    for (const app::ValidationIssue& i : m_scenario.validate())
        if (!unparsed.contains(messageKey(i.field)))
            issues.append(i);
    m_problems = issues;

    QHash<QString, QStringList> byKey;
    QStringList general;
    for (const app::ValidationIssue& i : issues) {
        const QString key = messageKey(i.field);
        if (m_messages.contains(key))
            byKey[key].append(i.message);
        else
            general.append(i.message);
    }
    for (auto it = m_messages.begin(); it != m_messages.end(); ++it) {
        const QStringList lines = byKey.value(it.key());
        it.value()->setText(lines.join(QLatin1Char('\n')));
        it.value()->setVisible(!lines.isEmpty());
    }
    m_generalMessage->setText(general.join(QLatin1Char('\n')));
    m_generalMessage->setVisible(!general.isEmpty());
}

QString ScenarioEditor::messageFor(const QString& field) const
{
    const QLabel* label = m_messages.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void ScenarioEditor::focusFirstProblem()
{
    if (m_problems.isEmpty())
        return;
    QWidget* field = m_fields.value(messageKey(m_problems.first().field));
    if (!field)
        return;
    m_scroll->ensureWidgetVisible(field);
    field->setFocus(Qt::OtherFocusReason);
}

} // namespace gb::ui
