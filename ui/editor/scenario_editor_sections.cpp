// The scenario editor's left-hand sections (scenario, upstream, gateway, topology), header tables.
#include "ui/colors.h"
#include "ui/editor/form_helpers.h"
#include "ui/editor/scenario_editor.h"
#include "ui/models/header_table_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace gb::ui {

QWidget* ScenarioEditor::headerTable(const QString& path, HeaderTableModel* model,
                                     QTableView** viewOut)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* view = new QTableView(box);
    view->setObjectName(path);
    view->setModel(model);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->resizeSection(0, 160);
    view->verticalHeader()->hide();
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setMinimumHeight(70);
    view->setMaximumHeight(100);
    layout->addWidget(view);
    layout->addLayout(tableRowButtons(
        view, QStringLiteral("Add header"), [model] { return model->appendRow(); }, NewRow::Edit,
        box));
    auto edited = [this, path] { formEdited(path); };
    connect(model, &QAbstractItemModel::dataChanged, this, edited);
    connect(model, &QAbstractItemModel::rowsInserted, this, edited);
    connect(model, &QAbstractItemModel::rowsRemoved, this, edited);
    if (viewOut)
        *viewOut = view;
    return withMessage(path, box, view);
}

QWidget* ScenarioEditor::buildGeneral()
{
    auto* group = new QGroupBox(QStringLiteral("Scenario"));
    auto* form = new QFormLayout(group);
    m_name = new QLineEdit;
    m_name->setPlaceholderText(QStringLiteral("e.g. keyless gateway, 50 connections"));
    m_description = new QPlainTextEdit;
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setPlaceholderText(QStringLiteral("What this scenario measures, for the "
                                                     "reports"));
    m_description->setFixedHeight(m_description->fontMetrics().lineSpacing() * 4 + 12);
    m_generalMessage = new QLabel(group);
    m_generalMessage->setObjectName(QStringLiteral("message:general"));
    m_generalMessage->setWordWrap(true);
    m_generalMessage->setStyleSheet(errorTextStyle());
    m_generalMessage->hide();
    form->addRow(QStringLiteral("Name"), withMessage(QStringLiteral("name"), m_name));
    form->addRow(QStringLiteral("Description"), m_description);
    form->addRow(m_generalMessage);

    connect(m_name, &QLineEdit::textEdited, this, [this] { formEdited(QStringLiteral("name")); });
    connect(m_description, &QPlainTextEdit::textChanged, this,
            [this] { formEdited(QStringLiteral("description")); });
    return group;
}

QWidget* ScenarioEditor::buildUpstream()
{
    auto* group = new QGroupBox(QStringLiteral("Upstream"));
    m_upstreamForm = new QFormLayout(group);
    m_upstreamKind = new QComboBox;
    m_upstreamKind->setObjectName(QStringLiteral("upstream.kind"));
    m_upstreamKind->addItem(QStringLiteral("Bundled mock upstream (gatebench-upstream)"),
                            int(app::UpstreamKind::Bundled));
    m_upstreamKind->addItem(QStringLiteral("Any URL (already running)"),
                            int(app::UpstreamKind::Url));

    m_route = new QComboBox;
    m_route->setEditable(true);
    m_route->setInsertPolicy(QComboBox::NoInsert);
    m_route->addItems({QStringLiteral("/json/valid"), QStringLiteral("/json/invalid"),
                       QStringLiteral("/size/1KB"), QStringLiteral("/size/10KB"),
                       QStringLiteral("/size/100KB"), QStringLiteral("/delay/10ms"),
                       QStringLiteral("/delay/100ms"), QStringLiteral("/xml"),
                       QStringLiteral("/resource"), QStringLiteral("/resource/1"),
                       QStringLiteral("/status/503")});
    m_route->setToolTip(QStringLiteral("go-bench-suite's routes; type any path and query"));

    auto* delayRow = new QWidget;
    auto* delayLayout = new QHBoxLayout(delayRow);
    delayLayout->setContentsMargins(0, 0, 0, 0);
    m_xDelayEnabled = new QCheckBox(QStringLiteral("Delay each answer by"));
    m_xDelayEnabled->setToolTip(QStringLiteral("Sent as the X-Delay header: the mock upstream "
                                               "waits that long before it answers"));
    m_xDelayEnabled->setObjectName(QStringLiteral("upstream.xDelayEnabled"));
    m_xDelay = new QLineEdit;
    m_xDelay->setObjectName(QStringLiteral("upstream.xDelay"));
    m_xDelay->setPlaceholderText(QStringLiteral("e.g. 5ms"));
    m_xDelay->setMaximumWidth(120);
    delayLayout->addWidget(m_xDelayEnabled);
    delayLayout->addWidget(m_xDelay);
    delayLayout->addStretch(1);

    m_upstreamUrl = new QLineEdit;
    m_upstreamUrl->setPlaceholderText(QStringLiteral("http://10.0.0.5:8000/json/valid"));
    m_upstreamNote = noteLabel(QStringLiteral("An external gateway is requested at its own URL: "
                                              "the upstream settings do not apply."),
                               group);

    m_upstreamForm->addRow(m_upstreamNote);
    m_upstreamForm->addRow(QStringLiteral("Server"), m_upstreamKind);
    m_upstreamForm->addRow(QStringLiteral("Route"),
                           withMessage(QStringLiteral("upstream.route"), m_route));
    m_upstreamForm->addRow(QStringLiteral("X-Delay"),
                           withMessage(QStringLiteral("upstream.xDelay"), delayRow, m_xDelay));
    m_upstreamForm->addRow(QStringLiteral("URL"),
                           withMessage(QStringLiteral("upstream.url"), m_upstreamUrl));

    connect(m_upstreamKind, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("upstream.kind")); });
    connect(m_route, &QComboBox::currentTextChanged, this,
            [this] { formEdited(QStringLiteral("upstream.route")); });
    connect(m_xDelayEnabled, &QCheckBox::toggled, this, [this](bool on) {
        m_xDelay->setEnabled(on);
        if (on && m_xDelay->text().isEmpty() && !m_writing)
            m_xDelay->setText(QStringLiteral("1ms"));
        formEdited(QStringLiteral("upstream.xDelay"));
    });
    connect(m_xDelay, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("upstream.xDelay")); });
    connect(m_upstreamUrl, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("upstream.url")); });
    return group;
}

QWidget* ScenarioEditor::buildGateway()
{
    auto* group = new QGroupBox(QStringLiteral("Gateway"));
    // The form, then the container's settings below it, in a box of their own shown for
    // container gateways only.
    auto* groupLayout = new QVBoxLayout(group);
    m_gatewayForm = new QFormLayout;
    groupLayout->addLayout(m_gatewayForm);
    m_gatewayKind = new QComboBox;
    m_gatewayKind->setObjectName(QStringLiteral("gateway.kind"));
    m_gatewayKind->addItem(QStringLiteral("None: straight to the upstream (baseline)"),
                           int(app::GatewayKind::None));
    m_gatewayKind->addItem(QStringLiteral("Bundled gateway, keyless proxy"),
                           int(app::GatewayKind::BundledKeyless));
    m_gatewayKind->addItem(QStringLiteral("Bundled gateway with auth, rate limit and analytics"),
                           int(app::GatewayKind::BundledFull));
    m_gatewayKind->addItem(QStringLiteral("External gateway (Tyk, Kong, nginx…) at a URL"),
                           int(app::GatewayKind::External));
    m_gatewayKind->addItem(QStringLiteral("Tyk, Kong or nginx in Docker on the gateway host"),
                           int(app::GatewayKind::Container));
    m_containerProduct = new QComboBox;
    m_containerProduct->setObjectName(QStringLiteral("gateway.container.product"));
    for (const app::GatewayProduct p :
         {app::GatewayProduct::Tyk, app::GatewayProduct::Kong, app::GatewayProduct::Nginx})
        m_containerProduct->addItem(app::productName(p), int(p));
    m_containerImage = new QLineEdit;
    m_containerImage->setObjectName(QStringLiteral("gateway.container.image"));
    m_containerFeatures =
        new QCheckBox(QStringLiteral("Auth token and the key rate limit (Tyk: analytics too)"));
    m_containerFeatures->setObjectName(QStringLiteral("gateway.container.features"));

    m_listenPath = new QLineEdit;
    m_listenPath->setMaximumWidth(200);
    m_redisMode = new QComboBox;
    m_redisMode->setObjectName(QStringLiteral("gateway.redis.mode"));
    m_redisMode->addItem(QStringLiteral("Local redis-server, started for the run"),
                         int(app::RedisMode::Local));
    m_redisMode->addItem(QStringLiteral("Redis at an address"), int(app::RedisMode::Address));
    m_redisMode->addItem(QStringLiteral("In memory (one gateway, no Redis)"),
                         int(app::RedisMode::Memory));
    m_redisAddress = new QLineEdit;
    m_redisAddress->setPlaceholderText(QStringLiteral("127.0.0.1:6379"));
    m_redisAddress->setMaximumWidth(200);

    auto* rateRow = new QWidget;
    auto* rateLayout = new QHBoxLayout(rateRow);
    rateLayout->setContentsMargins(0, 0, 0, 0);
    m_rateLimitRate = new QDoubleSpinBox;
    m_rateLimitRate->setObjectName(QStringLiteral("gateway.rateLimit.rate"));
    m_rateLimitRate->setRange(0, 1e12);
    m_rateLimitRate->setDecimals(0);
    m_rateLimitRate->setGroupSeparatorShown(true);
    m_rateLimitRate->setSuffix(QStringLiteral(" requests"));
    m_rateLimitPer = new QLineEdit;
    m_rateLimitPer->setObjectName(QStringLiteral("gateway.rateLimit.per"));
    m_rateLimitPer->setMaximumWidth(80);
    rateLayout->addWidget(m_rateLimitRate);
    rateLayout->addWidget(new QLabel(QStringLiteral("per"), rateRow));
    rateLayout->addWidget(m_rateLimitPer);
    rateLayout->addStretch(1);
    auto* rateBox = new QWidget;
    auto* rateBoxLayout = new QVBoxLayout(rateBox);
    rateBoxLayout->setContentsMargins(0, 0, 0, 0);
    rateBoxLayout->setSpacing(2);
    rateBoxLayout->addWidget(rateRow);
    rateBoxLayout->addWidget(
        messageLabel(QStringLiteral("gateway.rateLimit.rate"), rateBox, m_rateLimitRate));
    rateBoxLayout->addWidget(
        messageLabel(QStringLiteral("gateway.rateLimit.per"), rateBox, m_rateLimitPer));

    m_gatewayUrl = new QLineEdit;
    m_gatewayUrl->setPlaceholderText(QStringLiteral("http://gateway:8080/apitest/json/valid"));

    m_gatewayForm->addRow(QStringLiteral("Gateway"), m_gatewayKind);
    // The container's settings as one row of the gateway form (shown for containers only),
    // with a small form of their own.
    m_containerBox = new QWidget;
    auto* containerForm = new QFormLayout(m_containerBox);
    containerForm->setContentsMargins(0, 0, 0, 0);
    containerForm->addRow(QStringLiteral("Product"), m_containerProduct);
    containerForm->addRow(QStringLiteral("Image"),
                          withMessage(QStringLiteral("gateway.container.image"), m_containerImage));
    containerForm->addRow(
        withMessage(QStringLiteral("gateway.container.features"), m_containerFeatures));
    groupLayout->addWidget(m_containerBox);
    m_gatewayForm->addRow(QStringLiteral("Listen path"),
                          withMessage(QStringLiteral("gateway.listenPath"), m_listenPath));
    m_gatewayForm->addRow(QStringLiteral("Keys and analytics"), m_redisMode);
    m_gatewayForm->addRow(QStringLiteral("Redis address"),
                          withMessage(QStringLiteral("gateway.redis.address"), m_redisAddress));
    m_gatewayForm->addRow(QStringLiteral("Key rate limit"), rateBox);
    m_gatewayForm->addRow(QStringLiteral("URL"),
                          withMessage(QStringLiteral("gateway.url"), m_gatewayUrl));
    m_gatewayHeadersBox = headerTable(QStringLiteral("gateway.headers"), m_gatewayHeaders, nullptr);
    m_gatewayForm->addRow(QStringLiteral("Headers"), m_gatewayHeadersBox);

    connect(m_gatewayKind, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("gateway.kind")); });
    connect(m_listenPath, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("gateway.listenPath")); });
    connect(m_redisMode, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("gateway.redis.mode")); });
    connect(m_redisAddress, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("gateway.redis.address")); });
    connect(m_rateLimitRate, &QDoubleSpinBox::valueChanged, this,
            [this] { formEdited(QStringLiteral("gateway.rateLimit.rate")); });
    connect(m_rateLimitPer, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("gateway.rateLimit.per")); });
    connect(m_gatewayUrl, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("gateway.url")); });
    connect(m_containerProduct, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("gateway.container.product")); });
    connect(m_containerImage, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("gateway.container.image")); });
    connect(m_containerFeatures, &QCheckBox::toggled, this,
            [this] { formEdited(QStringLiteral("gateway.container.features")); });
    return group;
}

QWidget* ScenarioEditor::buildTopology()
{
    auto* group = new QGroupBox(QStringLiteral("Topology"));
    auto* form = new QFormLayout(group);
    m_topologyForm = form;
    m_topology = new QComboBox;
    m_topology->setObjectName(QStringLiteral("topology.kind"));
    m_topology->addItem(QStringLiteral("Local: everything on this machine"),
                        int(app::TopologyKind::Local));
    // The hosts' names stay as the scenario file gives them; the hosts file says the rest.
    m_topology->addItem(QStringLiteral("Hosts: the servers on a hosts file's machines (SSH)"),
                        int(app::TopologyKind::Hosts));
    form->addRow(QStringLiteral("Where"), m_topology);
    form->addRow(noteLabel(QStringLiteral("Local: the servers are started as child processes on "
                                          "free loopback ports and stopped after the run. Hosts: "
                                          "they are deployed over SSH to the machines of the "
                                          "Hosts page (headless: gatebench run --hosts FILE)."),
                           group));
    // Each role's host by name; empty: the first host with that role.
    const auto hostChoice = [&](QComboBox*& combo, const QString& path, const QString& label) {
        combo = new QComboBox;
        combo->setObjectName(path);
        combo->setEditable(true);
        combo->lineEdit()->setPlaceholderText(QStringLiteral("the first host with the role"));
        combo->setToolTip(QStringLiteral("A host of the Hosts page; empty: the first host with "
                                         "the role"));
        form->addRow(label, withMessage(path, combo));
        connect(combo, &QComboBox::currentTextChanged, this, [this, path] { formEdited(path); });
    };
    hostChoice(m_upstreamHost, QStringLiteral("topology.upstreamHost"),
               QStringLiteral("Upstream host"));
    hostChoice(m_gatewayHost, QStringLiteral("topology.gatewayHost"),
               QStringLiteral("Gateway host"));
    hostChoice(m_redisHost, QStringLiteral("topology.redisHost"), QStringLiteral("Redis host"));
    m_loadToPrivate = new QCheckBox(QStringLiteral("Send the load to private addresses"));
    m_loadToPrivate->setObjectName(QStringLiteral("topology.loadToPrivateAddress"));
    m_loadToPrivate->setToolTip(
        QStringLiteral("As from a load generator inside the hosts' network; off: to the "
                       "addresses this machine reaches them at"));
    form->addRow(QString(), m_loadToPrivate);
    // The load's source: this machine's engine, or load agents on loadgen hosts sharing it.
    m_loadHosts = new QLineEdit;
    m_loadHosts->setObjectName(QStringLiteral("topology.loadHosts"));
    m_loadHosts->setPlaceholderText(QStringLiteral("this machine"));
    form->addRow(QStringLiteral("Load from"),
                 withMessage(QStringLiteral("topology.loadHosts"), m_loadHosts));
    connect(m_loadHosts, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("topology.loadHosts")); });
    form->addRow(noteLabel(QStringLiteral("Load from: loadgen hosts of the Hosts page, separated "
                                          "by commas, each running a load agent with its share of "
                                          "the connections and rate; their figures are merged "
                                          "exactly. Empty: this machine."),
                           group));
    connect(m_topology, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("topology.kind")); });
    connect(m_loadToPrivate, &QCheckBox::toggled, this,
            [this] { formEdited(QStringLiteral("topology.loadToPrivateAddress")); });
    return group;
}

} // namespace gb::ui
