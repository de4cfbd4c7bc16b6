#include "ui/editor/scenario_editor.h"

#include "app/json_text.h"
#include "ui/editor/rate_preview.h"
#include "ui/format.h"
#include "ui/models/header_table_model.h"
#include "ui/models/rate_stage_model.h"
#include "ui/scenario_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSet>
#include <QSpinBox>
#include <QTableView>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace gb::ui {

namespace {

// Keystrokes in one field closer together than this are one undo step.
constexpr qint64 kMergeWindowMs = 1500;

const QString kNotADuration = QStringLiteral("Not a duration: write it like 10s, 1m30s or 500ms");

/// The label of a field for undo texts ("Undo connections").
QString fieldLabel(const QString& path)
{
    static const QHash<QString, QString> labels = {
        {QStringLiteral("name"), QStringLiteral("name")},
        {QStringLiteral("description"), QStringLiteral("description")},
        {QStringLiteral("upstream.kind"), QStringLiteral("upstream")},
        {QStringLiteral("upstream.route"), QStringLiteral("route")},
        {QStringLiteral("upstream.xDelay"), QStringLiteral("X-Delay")},
        {QStringLiteral("upstream.url"), QStringLiteral("upstream URL")},
        {QStringLiteral("gateway.kind"), QStringLiteral("gateway")},
        {QStringLiteral("gateway.listenPath"), QStringLiteral("listen path")},
        {QStringLiteral("gateway.redis.mode"), QStringLiteral("Redis")},
        {QStringLiteral("gateway.redis.address"), QStringLiteral("Redis address")},
        {QStringLiteral("gateway.rateLimit.rate"), QStringLiteral("rate limit")},
        {QStringLiteral("gateway.rateLimit.per"), QStringLiteral("rate limit period")},
        {QStringLiteral("gateway.url"), QStringLiteral("gateway URL")},
        {QStringLiteral("gateway.headers"), QStringLiteral("gateway headers")},
        {QStringLiteral("load.connections"), QStringLiteral("connections")},
        {QStringLiteral("load.duration"), QStringLiteral("duration")},
        {QStringLiteral("load.warmup"), QStringLiteral("warm-up")},
        {QStringLiteral("load.model"), QStringLiteral("load model")},
        {QStringLiteral("load.perWorkerRate"), QStringLiteral("rate per connection")},
        {QStringLiteral("load.totalRate"), QStringLiteral("total rate")},
        {QStringLiteral("load.stages"), QStringLiteral("ramp stages")},
        {QStringLiteral("load.method"), QStringLiteral("method")},
        {QStringLiteral("load.headers"), QStringLiteral("headers")},
        {QStringLiteral("load.body"), QStringLiteral("body")},
        {QStringLiteral("load.timeout"), QStringLiteral("timeout")},
        {QStringLiteral("load.keepAlive"), QStringLiteral("keep-alive")},
        {QStringLiteral("topology.kind"), QStringLiteral("topology")},
    };
    return labels.value(path, path);
}

/// "load.headers[1]" and "load.stages[0].rps" are shown under their table: "load.headers".
QString messageKey(const QString& field)
{
    static const QRegularExpression index(QStringLiteral("\\[\\d+\\].*$"));
    QString key = field;
    key.remove(index);
    return key;
}

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

QLabel* noteLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #616161;"));
    return label;
}

} // namespace

/// One undoable change of the scenario: the values before and after. Pushed after the form
/// already shows the new value, so its first redo() does nothing.
class ScenarioEditCommand final : public QUndoCommand
{
public:
    ScenarioEditCommand(ScenarioEditor* editor, app::Scenario before, app::Scenario after,
                        QString field)
        : QUndoCommand(QStringLiteral("edit %1").arg(fieldLabel(field)))
        , m_editor(editor)
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_field(std::move(field))
        , m_last(QDateTime::currentDateTimeUtc())
    {}

    int id() const override { return 1; }

    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* o = static_cast<const ScenarioEditCommand*>(other);
        if (o->m_field != m_field || m_last.msecsTo(o->m_last) > kMergeWindowMs)
            return false;
        m_after = o->m_after;
        m_last = o->m_last;
        setObsolete(m_after == m_before); // typed and erased: no step at all
        return true;
    }

    void redo() override
    {
        if (m_applied) {
            m_applied = false;
            return;
        }
        m_editor->apply(m_after, true);
    }

    void undo() override { m_editor->apply(m_before, true); }

private:
    ScenarioEditor* m_editor;
    app::Scenario m_before;
    app::Scenario m_after;
    QString m_field;
    QDateTime m_last;
    bool m_applied = true;
};

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

QLabel* ScenarioEditor::messageLabel(const QString& path, QWidget* parent, QWidget* focus)
{
    auto* message = new QLabel(parent);
    message->setObjectName(QStringLiteral("message:") + path);
    message->setWordWrap(true);
    message->setStyleSheet(QStringLiteral("color: #c62828;"));
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
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(QStringLiteral("Add header"), box);
    auto* remove = new QPushButton(QStringLiteral("Remove"), box);
    remove->setEnabled(false);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    layout->addWidget(view);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [model, view] {
        const int row = model->appendRow();
        view->setCurrentIndex(model->index(row, 0));
        view->edit(model->index(row, 0));
    });
    connect(remove, &QPushButton::clicked, this, [model, view] {
        const QModelIndexList rows = view->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            model->removeRows(rows.first().row(), 1);
    });
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, remove,
            [view, remove] { remove->setEnabled(view->selectionModel()->hasSelection()); });
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
    m_generalMessage->setStyleSheet(QStringLiteral("color: #c62828;"));
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
    m_gatewayForm = new QFormLayout(group);
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
    return group;
}

QWidget* ScenarioEditor::buildLoad()
{
    auto* group = new QGroupBox(QStringLiteral("Load profile"));
    m_loadForm = new QFormLayout(group);

    m_connections = new QSpinBox;
    m_connections->setRange(1, 100'000);
    m_connections->setGroupSeparatorShown(true);
    m_connections->setMaximumWidth(140);
    m_connections->setToolTip(QStringLiteral("Concurrent connections (hey's -c)"));
    m_duration = new QLineEdit;
    m_duration->setMaximumWidth(140);
    m_duration->setToolTip(QStringLiteral("The measured window, after the warm-up (hey's -z)"));
    m_warmup = new QLineEdit;
    m_warmup->setMaximumWidth(140);
    m_warmup->setToolTip(
        QStringLiteral("Load before the measured window: shown live, not counted"));

    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("load.model"));
    m_model->addItem(QStringLiteral("Max throughput (closed loop)"), int(app::LoadModelKind::Max));
    m_model->addItem(QStringLiteral("Rate per connection (hey's -q)"),
                     int(app::LoadModelKind::PerWorkerRate));
    m_model->addItem(QStringLiteral("Total rate with ramp stages (open loop)"),
                     int(app::LoadModelKind::TotalRate));
    m_perWorkerRate = new QDoubleSpinBox;
    m_perWorkerRate->setRange(0, 10'000'000);
    m_perWorkerRate->setDecimals(1);
    m_perWorkerRate->setGroupSeparatorShown(true);
    m_perWorkerRate->setSuffix(QStringLiteral(" req/s"));
    m_perWorkerRate->setMaximumWidth(180);
    m_totalRate = new QDoubleSpinBox;
    m_totalRate->setRange(0, 10'000'000);
    m_totalRate->setDecimals(1);
    m_totalRate->setGroupSeparatorShown(true);
    m_totalRate->setSuffix(QStringLiteral(" req/s"));
    m_totalRate->setMaximumWidth(180);
    m_totalRate->setToolTip(QStringLiteral("The rate at the start; the stages ramp from it"));

    m_stagesBox = new QWidget;
    auto* stagesLayout = new QVBoxLayout(m_stagesBox);
    stagesLayout->setContentsMargins(0, 0, 0, 0);
    stagesLayout->setSpacing(4);
    auto* stagesView = new QTableView(m_stagesBox);
    stagesView->setObjectName(QStringLiteral("load.stages"));
    stagesView->setModel(m_stages);
    stagesView->horizontalHeader()->setStretchLastSection(true);
    stagesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    stagesView->setMinimumHeight(76);
    stagesView->setMaximumHeight(130);
    auto* stageButtons = new QHBoxLayout;
    auto* addStage = new QPushButton(QStringLiteral("Add stage"), m_stagesBox);
    auto* removeStage = new QPushButton(QStringLiteral("Remove"), m_stagesBox);
    removeStage->setEnabled(false);
    stageButtons->addWidget(addStage);
    stageButtons->addWidget(removeStage);
    stageButtons->addStretch(1);
    stagesLayout->addWidget(stagesView);
    stagesLayout->addLayout(stageButtons);
    stagesLayout->addWidget(noteLabel(
        QStringLiteral("Each stage ramps linearly to its rate; the last rate holds until the "
                       "end. A duration of 0s lets the stages set the run's length."),
        m_stagesBox));
    connect(addStage, &QPushButton::clicked, this, [this, stagesView] {
        const int row = m_stages->appendRow();
        stagesView->setCurrentIndex(m_stages->index(row, 0));
    });
    connect(removeStage, &QPushButton::clicked, this, [this, stagesView] {
        const QModelIndexList rows = stagesView->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            m_stages->removeRows(rows.first().row(), 1);
    });
    connect(stagesView->selectionModel(), &QItemSelectionModel::selectionChanged, removeStage,
            [stagesView, removeStage] {
                removeStage->setEnabled(stagesView->selectionModel()->hasSelection());
            });
    auto stagesEdited = [this] { formEdited(QStringLiteral("load.stages")); };
    connect(m_stages, &QAbstractItemModel::dataChanged, this, stagesEdited);
    connect(m_stages, &QAbstractItemModel::rowsInserted, this, stagesEdited);
    connect(m_stages, &QAbstractItemModel::rowsRemoved, this, stagesEdited);

    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("load.method"));
    m_method->setEditable(true);
    m_method->setInsertPolicy(QComboBox::NoInsert);
    m_method->addItems({QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD"),
                        QStringLiteral("OPTIONS")});
    m_method->setMaximumWidth(140);

    m_body = new QPlainTextEdit;
    m_body->setObjectName(QStringLiteral("load.body"));
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setPlaceholderText(QStringLiteral("{\"example\": true}"));
    m_body->setFixedHeight(m_body->fontMetrics().lineSpacing() * 4 + 12);
    m_bodyStatus = noteLabel(QString(), this);
    m_bodyStatus->setObjectName(QStringLiteral("bodyStatus"));
    auto* bodyBox = new QWidget;
    auto* bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->setSpacing(2);
    bodyLayout->addWidget(m_body);
    bodyLayout->addWidget(m_bodyStatus);

    m_timeout = new QLineEdit;
    m_timeout->setMaximumWidth(140);
    m_timeout->setToolTip(QStringLiteral("Per request; 0s waits forever (hey's -t)"));
    m_keepAlive = new QCheckBox(QStringLiteral("Reuse connections (keep-alive)"));
    m_keepAlive->setObjectName(QStringLiteral("load.keepAlive"));

    m_loadForm->addRow(QStringLiteral("Connections"),
                       withMessage(QStringLiteral("load.connections"), m_connections));
    m_loadForm->addRow(QStringLiteral("Duration"),
                       withMessage(QStringLiteral("load.duration"), m_duration));
    m_loadForm->addRow(QStringLiteral("Warm-up"),
                       withMessage(QStringLiteral("load.warmup"), m_warmup));
    m_loadForm->addRow(QStringLiteral("Model"), m_model);
    m_loadForm->addRow(QStringLiteral("Rate per connection"),
                       withMessage(QStringLiteral("load.perWorkerRate"), m_perWorkerRate));
    m_loadForm->addRow(QStringLiteral("Total rate"),
                       withMessage(QStringLiteral("load.totalRate"), m_totalRate));
    m_loadForm->addRow(QStringLiteral("Ramp stages"),
                       withMessage(QStringLiteral("load.stages"), m_stagesBox, stagesView));
    m_loadForm->addRow(QStringLiteral("Method"),
                       withMessage(QStringLiteral("load.method"), m_method));
    m_loadForm->addRow(QStringLiteral("Headers"),
                       headerTable(QStringLiteral("load.headers"), m_loadHeaders, nullptr));
    m_loadForm->addRow(QStringLiteral("Body"),
                       withMessage(QStringLiteral("load.body"), bodyBox, m_body));
    m_loadForm->addRow(QStringLiteral("Timeout"),
                       withMessage(QStringLiteral("load.timeout"), m_timeout));
    m_loadForm->addRow(QString(), m_keepAlive);

    connect(m_connections, &QSpinBox::valueChanged, this,
            [this] { formEdited(QStringLiteral("load.connections")); });
    connect(m_duration, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("load.duration")); });
    connect(m_warmup, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("load.warmup")); });
    connect(m_model, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("load.model")); });
    connect(m_perWorkerRate, &QDoubleSpinBox::valueChanged, this,
            [this] { formEdited(QStringLiteral("load.perWorkerRate")); });
    connect(m_totalRate, &QDoubleSpinBox::valueChanged, this,
            [this] { formEdited(QStringLiteral("load.totalRate")); });
    connect(m_method, &QComboBox::currentTextChanged, this,
            [this] { formEdited(QStringLiteral("load.method")); });
    connect(m_body, &QPlainTextEdit::textChanged, this,
            [this] { formEdited(QStringLiteral("load.body")); });
    connect(m_timeout, &QLineEdit::textEdited, this,
            [this] { formEdited(QStringLiteral("load.timeout")); });
    connect(m_keepAlive, &QCheckBox::toggled, this,
            [this] { formEdited(QStringLiteral("load.keepAlive")); });
    return group;
}

QWidget* ScenarioEditor::buildTopology()
{
    auto* group = new QGroupBox(QStringLiteral("Topology"));
    auto* form = new QFormLayout(group);
    m_topology = new QComboBox;
    m_topology->setObjectName(QStringLiteral("topology.kind"));
    // Remote hosts (SSH deploy) will add entries here.
    m_topology->addItem(QStringLiteral("Local: everything on this machine"),
                        int(app::TopologyKind::Local));
    form->addRow(QStringLiteral("Where"), m_topology);
    form->addRow(noteLabel(QStringLiteral("The servers are started as child processes on free "
                                          "loopback ports and stopped after the run."),
                           group));
    connect(m_topology, &QComboBox::currentIndexChanged, this,
            [this] { formEdited(QStringLiteral("topology.kind")); });
    return group;
}

QWidget* ScenarioEditor::buildPreview()
{
    auto* group = new QGroupBox(QStringLiteral("What will run"));
    auto* layout = new QVBoxLayout(group);
    m_pathSummary = new QLabel(group);
    m_pathSummary->setWordWrap(true);
    m_pathSummary->setObjectName(QStringLiteral("pathSummary"));
    m_loadSummary = new QLabel(group);
    m_loadSummary->setWordWrap(true);
    m_loadSummary->setObjectName(QStringLiteral("loadSummary"));
    m_preview = new RatePreview(group);
    layout->addWidget(m_pathSummary);
    layout->addWidget(m_loadSummary);
    layout->addWidget(m_preview);
    return group;
}

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
    m_writing = wasWriting;
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
    m_loadSummary->setText(describeLoad(scenario));
    Q_EMIT scenarioChanged(m_scenario);
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

    const bool bundledGateway = s.needsBundledGateway();
    const bool full = s.gateway.kind == app::GatewayKind::BundledFull;
    auto row = [this](const QString& path) { return m_messages.value(path)->parentWidget(); };
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.listenPath")), bundledGateway);
    m_gatewayForm->setRowVisible(m_redisMode, full);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.redis.address")),
                                 full && s.gateway.redis.mode == app::RedisMode::Address);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.rateLimit.rate")), full);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.url")), external);
    m_gatewayForm->setRowVisible(row(QStringLiteral("gateway.headers")), external);

    const app::LoadModelKind model = s.load.model;
    m_loadForm->setRowVisible(row(QStringLiteral("load.perWorkerRate")),
                              model == app::LoadModelKind::PerWorkerRate);
    m_loadForm->setRowVisible(row(QStringLiteral("load.totalRate")),
                              model == app::LoadModelKind::TotalRate);
    m_loadForm->setRowVisible(row(QStringLiteral("load.stages")),
                              model == app::LoadModelKind::TotalRate);
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
