#include "ui/editor/scenario_editor.h"

#include "ui/editor/rate_preview.h"
#include "ui/editor/scenario_edit_command.h"
#include "ui/models/header_table_model.h"
#include "ui/models/rate_stage_model.h"
#include "ui/scenario_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>

// The form's sections are built in scenario_editor_sections.cpp and
// scenario_editor_load_section.cpp; its messages and visible rows in scenario_editor_feedback.cpp.

namespace gb::ui {

namespace {

const QString kNotADuration = QStringLiteral("Not a duration: write it like 10s, 1m30s or 500ms");

template <class Enum>
void selectData(QComboBox* combo, Enum value)
{
    combo->setCurrentIndex(std::max(0, combo->findData(int(value))));
}

template <class Enum>
Enum currentData(const QComboBox* combo)
{
    return Enum(combo->currentData().toInt());
}

} // namespace

ScenarioEditor::ScenarioEditor(QWidget* parent)
    : QWidget(parent)
    , m_undo(new QUndoStack(this))
    , m_gatewayHeaders(new HeaderTableModel(this))
    , m_stages(new RateStageModel(this))
    , m_loadHeaders(new HeaderTableModel(this))
{
    auto* content = new QWidget;
    auto* columns = new QHBoxLayout(content);
    columns->setContentsMargins(12, 10, 12, 10);
    columns->setSpacing(12);

    auto* left = new QVBoxLayout;
    left->setSpacing(10);
    left->addWidget(buildGeneral());
    left->addWidget(buildUpstream());
    left->addWidget(buildGateway());
    left->addWidget(buildTopology());
    left->addStretch(1);

    auto* right = new QVBoxLayout;
    right->setSpacing(10);
    right->addWidget(buildLoad());
    right->addWidget(buildPreview());
    right->addStretch(1);

    columns->addLayout(left, 1);
    columns->addLayout(right, 1);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);

    apply(app::Scenario(), true);
    m_undo->setClean();
}

ScenarioEditor::~ScenarioEditor() = default;

app::Scenario ScenarioEditor::readForm(QList<app::ValidationIssue>* formIssues) const
{
    app::Scenario s = m_scenario;
    auto duration = [&](const QLineEdit* edit, const QString& path, app::Duration current) {
        if (const auto d = app::parseDuration(edit->text()))
            return *d;
        formIssues->append({path, kNotADuration});
        return current;
    };

    s.name = m_name->text();
    s.description = m_description->toPlainText();

    s.upstream.kind = currentData<app::UpstreamKind>(m_upstreamKind);
    s.upstream.route = m_route->currentText().trimmed();
    if (m_xDelayEnabled->isChecked()) {
        const auto d = app::parseDuration(m_xDelay->text());
        if (d)
            s.upstream.xDelay = *d;
        else
            formIssues->append({QStringLiteral("upstream.xDelay"), kNotADuration});
    } else {
        s.upstream.xDelay.reset();
    }
    s.upstream.url = m_upstreamUrl->text().trimmed();

    s.gateway.kind = currentData<app::GatewayKind>(m_gatewayKind);
    s.gateway.listenPath = m_listenPath->text().trimmed();
    s.gateway.redis.mode = currentData<app::RedisMode>(m_redisMode);
    s.gateway.redis.address = m_redisAddress->text().trimmed();
    s.gateway.rateLimit.rate = m_rateLimitRate->value();
    s.gateway.rateLimit.per =
        duration(m_rateLimitPer, QStringLiteral("gateway.rateLimit.per"), s.gateway.rateLimit.per);
    s.gateway.url = m_gatewayUrl->text().trimmed();
    s.gateway.headers = m_gatewayHeaders->headers();
    s.gateway.container.product = currentData<app::GatewayProduct>(m_containerProduct);
    s.gateway.container.image = m_containerImage->text().trimmed();
    s.gateway.container.features = m_containerFeatures->isChecked();

    s.load.connections = m_connections->value();
    s.load.duration = duration(m_duration, QStringLiteral("load.duration"), s.load.duration);
    s.load.warmup = duration(m_warmup, QStringLiteral("load.warmup"), s.load.warmup);
    s.load.model = currentData<app::LoadModelKind>(m_model);
    s.load.perWorkerRate = m_perWorkerRate->value();
    s.load.totalRate = m_totalRate->value();
    QList<int> badStages;
    s.load.stages = m_stages->stages(s.load.stages, &badStages);
    for (int row : badStages)
        formIssues->append(
            {QStringLiteral("load.stages[%1].duration").arg(row),
             QStringLiteral("Stage %1: not a duration, write it like 30s or 2m").arg(row + 1)});
    s.load.method = m_method->currentText().trimmed().toUpper();
    s.load.headers = m_loadHeaders->headers();
    s.load.body = m_body->toPlainText();
    s.load.timeout = duration(m_timeout, QStringLiteral("load.timeout"), s.load.timeout);
    s.load.keepAlive = m_keepAlive->isChecked();

    s.topology.kind = currentData<app::TopologyKind>(m_topology);
    s.topology.upstreamHost = m_upstreamHost->currentText().trimmed();
    s.topology.gatewayHost = m_gatewayHost->currentText().trimmed();
    s.topology.redisHost = m_redisHost->currentText().trimmed();
    s.topology.loadToPrivateAddress = m_loadToPrivate->isChecked();
    s.topology.loadHosts.clear();
    for (const QString& name : m_loadHosts->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!name.trimmed().isEmpty())
            s.topology.loadHosts.append(name.trimmed());
    return s;
}

void ScenarioEditor::writeForm(const app::Scenario& s)
{
    // Programmatic changes fire the same signals as typing; m_writing keeps them from
    // becoming edits.
    const bool wasWriting = m_writing;
    m_writing = true;
    auto setText = [](QLineEdit* edit, const QString& text) {
        if (edit->text() != text)
            edit->setText(text);
    };
    auto setDuration = [&](QLineEdit* edit, app::Duration d) {
        // Keep what was typed when it means the same ("90s" stays "90s", not "1m30s").
        const auto typed = app::parseDuration(edit->text());
        if (!typed || *typed != d)
            edit->setText(app::formatDuration(d));
    };
    setText(m_name, s.name);
    if (m_description->toPlainText() != s.description)
        m_description->setPlainText(s.description);

    selectData(m_upstreamKind, s.upstream.kind);
    if (m_route->currentText() != s.upstream.route)
        m_route->setCurrentText(s.upstream.route);
    m_xDelayEnabled->setChecked(s.upstream.xDelay.has_value());
    m_xDelay->setEnabled(s.upstream.xDelay.has_value());
    if (s.upstream.xDelay)
        setDuration(m_xDelay, *s.upstream.xDelay);
    setText(m_upstreamUrl, s.upstream.url);

    selectData(m_gatewayKind, s.gateway.kind);
    setText(m_listenPath, s.gateway.listenPath);
    selectData(m_redisMode, s.gateway.redis.mode);
    setText(m_redisAddress, s.gateway.redis.address);
    if (m_rateLimitRate->value() != s.gateway.rateLimit.rate)
        m_rateLimitRate->setValue(s.gateway.rateLimit.rate);
    setDuration(m_rateLimitPer, s.gateway.rateLimit.per);
    setText(m_gatewayUrl, s.gateway.url);
    m_gatewayHeaders->setHeaders(s.gateway.headers);
    selectData(m_containerProduct, s.gateway.container.product);
    setText(m_containerImage, s.gateway.container.image);
    m_containerImage->setPlaceholderText(app::defaultImage(s.gateway.container.product));
    m_containerFeatures->setChecked(s.gateway.container.features);

    m_connections->setValue(s.load.connections);
    setDuration(m_duration, s.load.duration);
    setDuration(m_warmup, s.load.warmup);
    selectData(m_model, s.load.model);
    if (m_perWorkerRate->value() != s.load.perWorkerRate)
        m_perWorkerRate->setValue(s.load.perWorkerRate);
    if (m_totalRate->value() != s.load.totalRate)
        m_totalRate->setValue(s.load.totalRate);
    QList<int> bad;
    if (m_stages->stages(s.load.stages, &bad) != s.load.stages || !bad.isEmpty())
        m_stages->setStages(s.load.stages);
    if (m_method->currentText() != s.load.method)
        m_method->setCurrentText(s.load.method);
    m_loadHeaders->setHeaders(s.load.headers);
    if (m_body->toPlainText() != s.load.body)
        m_body->setPlainText(s.load.body);
    setDuration(m_timeout, s.load.timeout);
    m_keepAlive->setChecked(s.load.keepAlive);

    selectData(m_topology, s.topology.kind);
    for (auto [combo, name] : {std::pair{m_upstreamHost, s.topology.upstreamHost},
                               std::pair{m_gatewayHost, s.topology.gatewayHost},
                               std::pair{m_redisHost, s.topology.redisHost}})
        if (combo->currentText() != name)
            combo->setCurrentText(name);
    m_loadToPrivate->setChecked(s.topology.loadToPrivateAddress);
    if (const QString hosts = s.topology.loadHosts.join(QStringLiteral(", "));
        m_loadHosts->text() != hosts)
        m_loadHosts->setText(hosts);
    m_writing = wasWriting;
}

void ScenarioEditor::setHosts(const app::HostsFile& hosts)
{
    m_hosts = hosts;
    const bool wasWriting = m_writing;
    m_writing = true; // refilling the lists is not an edit
    for (auto [combo, role] : {std::pair{m_upstreamHost, app::HostRole::Upstream},
                               std::pair{m_gatewayHost, app::HostRole::Gateway},
                               std::pair{m_redisHost, app::HostRole::Redis}}) {
        const QString chosen = combo->currentText();
        combo->clear();
        combo->addItem(QString()); // the first host with the role
        for (const app::HostSpec& h : hosts.hosts)
            if (h.plays(role))
                combo->addItem(h.name);
        combo->setCurrentText(chosen);
    }
    QStringList loadgens;
    for (const app::HostSpec& h : hosts.hosts)
        if (h.plays(app::HostRole::LoadGen))
            loadgens.append(h.name);
    m_loadHosts->setToolTip(
        loadgens.isEmpty()
            ? QStringLiteral("No host of the Hosts page has the loadgen role")
            : QStringLiteral("Loadgen hosts: %1").arg(loadgens.join(QStringLiteral(", "))));
    m_writing = wasWriting;
    m_hostsSummary->setText(describeHosts(m_scenario, m_hosts));
}

void ScenarioEditor::setScenario(const app::Scenario& scenario)
{
    m_undo->clear();
    m_formIssues.clear();
    apply(scenario, true);
    m_undo->setClean();
}

app::Scenario ScenarioEditor::widgetValue() const
{
    QList<app::ValidationIssue> ignored;
    return readForm(&ignored);
}

bool ScenarioEditor::isModified() const
{
    return !m_undo->isClean();
}

void ScenarioEditor::markSaved()
{
    m_undo->setClean();
}

void ScenarioEditor::formEdited(const QString& field)
{
    if (m_writing)
        return;
    QList<app::ValidationIssue> formIssues;
    const app::Scenario next = readForm(&formIssues);
    m_formIssues = formIssues;
    if (next == m_scenario) {
        updateMessages(m_formIssues);
        updateVisibility();
        return;
    }
    const app::Scenario before = m_scenario;
    apply(next, false);
    m_undo->push(new ScenarioEditCommand(this, before, next, field));
}

void ScenarioEditor::apply(const app::Scenario& scenario, bool writeWidgets)
{
    m_scenario = scenario;
    if (writeWidgets) {
        writeForm(scenario);
        // The widgets now show the value exactly: nothing is left unparsed.
        m_formIssues.clear();
    }
    updateVisibility();
    updateMessages(m_formIssues);
    m_preview->setScenario(scenario);
    m_pathSummary->setText(describePath(scenario));
    m_hostsSummary->setText(describeHosts(scenario, m_hosts));
    m_hostsSummary->setVisible(scenario.topology.kind == app::TopologyKind::Hosts);
    m_loadSummary->setText(describeLoad(scenario));
    Q_EMIT scenarioChanged(m_scenario);
}

} // namespace gb::ui
