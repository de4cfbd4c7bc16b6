// The scenario editor's right-hand column: the load profile form and the "what will run" preview.
#include "ui/editor/form_helpers.h"
#include "ui/editor/rate_preview.h"
#include "ui/editor/scenario_editor.h"
#include "ui/models/rate_stage_model.h"

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
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace gb::ui {

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
    stagesLayout->addWidget(stagesView);
    stagesLayout->addLayout(tableRowButtons(
        stagesView, QStringLiteral("Add stage"), [this] { return m_stages->appendRow(); },
        NewRow::Select, m_stagesBox));
    stagesLayout->addWidget(noteLabel(
        QStringLiteral("Each stage ramps linearly to its rate; the last rate holds until the "
                       "end. A duration of 0s lets the stages set the run's length."),
        m_stagesBox));
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
    m_hostsSummary = new QLabel(group);
    m_hostsSummary->setWordWrap(true);
    m_hostsSummary->setObjectName(QStringLiteral("hostsSummary"));
    m_preview = new RatePreview(group);
    layout->addWidget(m_pathSummary);
    layout->addWidget(m_hostsSummary);
    layout->addWidget(m_loadSummary);
    layout->addWidget(m_preview);
    return group;
}

} // namespace gb::ui
