#include "ui/compare/compare_view.h"

#include "app/json_text.h"
#include "ui/async.h"
#include "ui/charts/chart_widget.h"
#include "ui/colors.h"
#include "ui/format.h"
#include "ui/models/comparison_table_model.h"
#include "ui/models/run_picker_model.h"
#include "ui/report/reports.h"
#include "ui/run_charts.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace gb::ui {

namespace {

QLabel* sectionTitle(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

/// Sizes a table to its rows (up to maxRows, then it scrolls) so the charts below get the rest.
void fitHeight(QTableView* view, int maxRows)
{
    const int rows = std::min(view->model()->rowCount(), maxRows);
    int height = view->horizontalHeader()->height() + 2 * view->frameWidth();
    for (int r = 0; r < rows; ++r)
        height += view->rowHeight(r);
    if (view->horizontalScrollBar()->isVisible())
        height += view->horizontalScrollBar()->height();
    view->setFixedHeight(height + 2);
}

/// Columns to their contents; when that is wider than the view, the Run column (a name, a start
/// time and a gateway), then the CPU one (a figure per machine), give back the difference,
/// elided with their full text in the tooltip, so every figure of the others stays whole.
void fitSummaryColumns(QTableView* view)
{
    view->resizeColumnsToContents();
    QHeaderView* header = view->horizontalHeader();
    for (const ComparisonColumn flexible : {ComparisonColumn::Run, ComparisonColumn::Cpu}) {
        const int overflow = header->length() - view->viewport()->width();
        if (overflow <= 0)
            return;
        const int column = int(flexible);
        header->resizeSection(column, std::max(100, header->sectionSize(column) - overflow));
    }
}

struct Loaded
{
    QList<app::RunRecord> runs;
    QStringList errors;
};

} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
    , m_picker(new RunPickerModel(this))
    , m_table(new ComparisonTableModel(this))
    , m_differences(new SettingDifferencesModel(this))
    , m_pickerView(new QTreeView(this))
    , m_baseline(new QComboBox(this))
    , m_exportPdf(new QPushButton(QStringLiteral("Export PDF…"), this))
    , m_exportJson(new QPushButton(QStringLiteral("Export JSON…"), this))
    , m_stack(new QStackedWidget(this))
    , m_headline(new QLabel(this))
    , m_tableView(new QTableView(this))
    , m_differencesTitle(sectionTitle(QStringLiteral("Settings that differ"), this))
    , m_differencesView(new QTableView(this))
    , m_throughputChart(new charts::ChartWidget(this))
    , m_distributionChart(new charts::ChartWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    // Left: what to compare.
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(12, 10, 6, 10);
    leftLayout->addWidget(sectionTitle(QStringLiteral("Runs to compare"), left));
    auto* hint = new QLabel(QStringLiteral("Check runs, or a scenario to take all its runs. Runs "
                                           "of one scenario form a group and are averaged."),
                            left);
    hint->setWordWrap(true);
    hint->setStyleSheet(secondaryTextStyle());
    leftLayout->addWidget(hint);
    m_pickerView->setObjectName(QStringLiteral("runPicker"));
    m_pickerView->setModel(m_picker);
    m_pickerView->setUniformRowHeights(true);
    m_pickerView->setAlternatingRowColors(true);
    m_pickerView->header()->setStretchLastSection(false);
    m_pickerView->header()->setSectionResizeMode(RunPickerModel::NameColumn, QHeaderView::Stretch);
    m_pickerView->header()->setSectionResizeMode(RunPickerModel::StartedColumn,
                                                 QHeaderView::ResizeToContents);
    m_pickerView->header()->setSectionResizeMode(RunPickerModel::ThroughputColumn,
                                                 QHeaderView::ResizeToContents);
    m_pickerView->header()->setSectionResizeMode(RunPickerModel::P99Column,
                                                 QHeaderView::ResizeToContents);
    // The picker is narrow: the date and p99 tell runs apart; req/s is in the table.
    m_pickerView->header()->hideSection(RunPickerModel::ThroughputColumn);
    leftLayout->addWidget(m_pickerView, 1);
    auto* baselineRow = new QHBoxLayout;
    baselineRow->addWidget(new QLabel(QStringLiteral("Baseline"), left));
    m_baseline->setObjectName(QStringLiteral("baselineGroup"));
    m_baseline->setToolTip(QStringLiteral("The group the others are measured against"));
    baselineRow->addWidget(m_baseline, 1);
    leftLayout->addLayout(baselineRow);
    auto* exportRow = new QHBoxLayout;
    exportRow->addWidget(m_exportPdf);
    exportRow->addWidget(m_exportJson);
    exportRow->addStretch(1);
    leftLayout->addLayout(exportRow);

    // Right: the comparison.
    auto* empty = new QLabel(QStringLiteral("Check two or more runs on the left, e.g. the runs "
                                            "of baseline and of keyless, to compare them here."),
                             this);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setStyleSheet(placeholderTextStyle());

    auto* tablePart = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tablePart);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    QFont headlineFont = m_headline->font();
    headlineFont.setPointSizeF(headlineFont.pointSizeF() * 1.15);
    m_headline->setFont(headlineFont);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setObjectName(QStringLiteral("comparisonHeadline"));
    m_tableView->setObjectName(QStringLiteral("comparisonTable"));
    m_tableView->setModel(m_table);
    m_tableView->verticalHeader()->hide();
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setWordWrap(false);
    m_tableView->horizontalHeader()->setStretchLastSection(true);
    m_tableView->setShowGrid(false);
    m_tableView->viewport()->installEventFilter(this); // refit the columns when it resizes
    m_tableView->setAlternatingRowColors(true);
    m_tableView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    tableLayout->addWidget(sectionTitle(QStringLiteral("Summary"), tablePart));
    tableLayout->addWidget(m_headline);
    tableLayout->addWidget(m_tableView);

    auto* differencesPart = new QWidget(this);
    auto* differencesLayout = new QVBoxLayout(differencesPart);
    differencesLayout->setContentsMargins(0, 0, 0, 0);
    m_differencesView->setObjectName(QStringLiteral("differencesTable"));
    m_differencesView->setModel(m_differences);
    m_differencesView->verticalHeader()->hide();
    m_differencesView->horizontalHeader()->setStretchLastSection(true);
    m_differencesView->setWordWrap(false);
    m_differencesView->setAlternatingRowColors(true);
    m_differencesView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    differencesLayout->addWidget(m_differencesTitle);
    differencesLayout->addWidget(m_differencesView);

    auto* chartsPart = new QWidget(this);
    auto* chartsLayout = new QHBoxLayout(chartsPart);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_throughputChart);
    chartsLayout->addWidget(m_distributionChart);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 10, 12, 10);
    rightLayout->setSpacing(10);
    rightLayout->addWidget(tablePart);
    rightLayout->addWidget(differencesPart);
    rightLayout->addWidget(chartsPart, 1);

    m_stack->addWidget(empty);
    m_stack->addWidget(right);

    m_splitter->addWidget(left);
    m_splitter->addWidget(m_stack);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({330, 970});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_picker, &RunPickerModel::checkedRunsChanged, this, &CompareView::checkedRunsChanged);
    connect(m_baseline, &QComboBox::activated, this, [this] {
        m_baselineName = m_baseline->currentText();
        rebuild();
    });
    connect(m_exportPdf, &QPushButton::clicked, this, &CompareView::exportPdfRequested);
    connect(m_exportJson, &QPushButton::clicked, this, &CompareView::exportJsonRequested);
    rebuild();
}

CompareView::~CompareView() = default;

bool CompareView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_tableView->viewport() && event->type() == QEvent::Resize &&
        !m_comparison.groups.isEmpty())
        fitSummaryColumns(m_tableView);
    return QWidget::eventFilter(watched, event);
}

void CompareView::setRunsDirectory(const QString& directory)
{
    if (directory == m_directory)
        return;
    m_directory = directory;
    m_cache.clear();
}

void CompareView::setEntries(const QList<app::RunListEntry>& entries)
{
    m_entries = entries;
    QHash<QString, const app::RunListEntry*> byId;
    for (const app::RunListEntry& e : m_entries)
        byId.insert(e.id, &e);
    // Renames and tags only touch the cached runs; deleted runs leave the cache.
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (const app::RunListEntry* e = byId.value(it.key())) {
            it->name = e->name;
            it->tags = e->tags;
            ++it;
        } else {
            it = m_cache.erase(it);
        }
    }
    const QStringList before = m_picker->checkedRunIds();
    {
        const QSignalBlocker block(m_picker);
        m_picker->setEntries(entries);
    }
    m_pickerView->expandAll();
    if (m_picker->checkedRunIds() != before)
        checkedRunsChanged();
    else
        rebuild();
}

void CompareView::setCheckedRuns(const QStringList& ids)
{
    m_picker->setCheckedRunIds(ids);
}

void CompareView::setBaselineGroup(const QString& name)
{
    m_baselineName = name;
    rebuild();
}

void CompareView::checkedRunsChanged()
{
    QStringList missing;
    for (const QString& id : m_picker->checkedRunIds())
        if (!m_cache.contains(id))
            missing.append(id);
    if (missing.isEmpty()) {
        rebuild();
        return;
    }
    const quint64 generation = ++m_generation;
    m_headline->setText(QStringLiteral("Reading %1 run%2…")
                            .arg(missing.size())
                            .arg(missing.size() == 1 ? QString() : QStringLiteral("s")));
    runInBackground(
        this,
        [directory = m_directory, missing] {
            Loaded loaded;
            const app::RunStore store(directory);
            for (const QString& id : missing) {
                auto run = store.load(id);
                if (run)
                    loaded.runs.append(std::move(run).value());
                else
                    loaded.errors.append(run.error());
            }
            return loaded;
        },
        [this, generation](const Loaded& loaded) {
            for (const app::RunRecord& run : loaded.runs)
                m_cache.insert(run.id, run);
            for (const QString& error : loaded.errors)
                Q_EMIT problem(error);
            if (generation == m_generation)
                rebuild();
        });
}

void CompareView::rebuild()
{
    m_runs.clear();
    for (const QString& id : m_picker->checkedRunIds())
        if (auto it = m_cache.constFind(id); it != m_cache.constEnd())
            m_runs.append(*it);

    QList<app::ComparisonGroup> groups = app::groupByScenario(m_runs);
    int baseline = 0;
    for (int i = 0; i < groups.size(); ++i)
        if (groups[i].name == m_baselineName)
            baseline = i;
    m_comparison = app::compare(std::move(groups), baseline);

    {
        const QSignalBlocker block(m_baseline);
        m_baseline->clear();
        for (const app::ComparisonGroup& g : m_comparison.groups)
            m_baseline->addItem(g.name);
        m_baseline->setCurrentIndex(m_comparison.groups.isEmpty() ? -1 : m_comparison.baseline);
    }
    if (!m_comparison.groups.isEmpty())
        m_baselineName = m_comparison.groups[m_comparison.baseline].name;

    QHash<QString, QString> labels;
    for (const app::RunRecord& run : m_runs)
        labels.insert(run.id, comparisonRunLabel(run));
    m_table->setComparison(m_comparison, labels);
    m_differences->setComparison(m_comparison);
    fitSummaryColumns(m_tableView);
    m_differencesView->resizeColumnsToContents();
    fitHeight(m_tableView, 14);
    fitHeight(m_differencesView, 6);
    const bool differ = !m_comparison.differences.isEmpty();
    m_differencesTitle->setText(differ ? QStringLiteral("Settings that differ")
                                       : QStringLiteral("Settings that differ: none, every group "
                                                        "ran the same settings"));
    m_differencesView->setVisible(differ);

    QStringList sentences;
    for (const app::ComparisonGroup& g : m_comparison.groups)
        if (g.delta)
            sentences.append(QStringLiteral("<b>%1</b>: %2 p99, %3 throughput")
                                 .arg(g.name.toHtmlEscaped(), formatSignedMs(g.delta->p99AddedMs),
                                      formatSignedPercent(g.delta->throughputChangePercent)));
    if (m_comparison.groups.size() == 1)
        sentences.append(QStringLiteral("One group: %1 run%2 of <b>%3</b>. Check another "
                                        "scenario's runs to see deltas.")
                             .arg(m_comparison.groups.first().statistics.runs)
                             .arg(m_comparison.groups.first().statistics.runs == 1
                                      ? QString()
                                      : QStringLiteral("s"))
                             .arg(m_comparison.groups.first().name.toHtmlEscaped()));
    else if (!sentences.isEmpty())
        sentences.first().prepend(
            QStringLiteral("Against <b>%1</b>: ").arg(m_baselineName.toHtmlEscaped()));
    m_headline->setText(sentences.join(QStringLiteral(" · ")));

    // Charts: every run's throughput coloured by group, each group's merged distribution.
    QList<const app::RunRecord*> ordered;
    QList<int> groupOf;
    QStringList runLabels;
    QList<QList<const app::RunRecord*>> byGroup;
    QStringList groupNames;
    for (int g = 0; g < m_comparison.groups.size(); ++g) {
        const app::ComparisonGroup& group = m_comparison.groups[g];
        groupNames.append(group.name);
        byGroup.append(QList<const app::RunRecord*>());
        for (int r = 0; r < group.runs.size(); ++r)
            for (const app::RunRecord& run : m_runs)
                if (run.id == group.runs[r].runId) {
                    ordered.append(&run);
                    groupOf.append(g);
                    runLabels.append(group.name); // the legend lists groups
                    byGroup[g].append(&run);
                }
    }
    m_throughputChart->setSpec(overlaidThroughputChart(ordered, groupOf, runLabels));
    m_distributionChart->setSpec(groupDistributionChart(byGroup, groupNames));

    const bool any = !m_comparison.groups.isEmpty();
    m_stack->setCurrentIndex(any ? 1 : 0);
    m_exportPdf->setVisible(any);
    m_exportJson->setVisible(any);
    m_baseline->setEnabled(m_comparison.groups.size() > 1);
    Q_EMIT comparisonUpdated();
}

QString CompareView::exportPdf(const QString& path) const
{
    if (!hasComparison())
        return QStringLiteral("Nothing to export: check runs to compare first");
    return report::exportComparisonPdf(m_comparison, m_runs, path);
}

QString CompareView::exportJson(const QString& path) const
{
    if (!hasComparison())
        return QStringLiteral("Nothing to export: check runs to compare first");
    QSaveFile file(path);
    const QByteArray bytes = app::writeOrderedJson(
        app::comparisonToJson(m_comparison), {QStringLiteral("baseline"), QStringLiteral("name"),
                                              QStringLiteral("runs"), QStringLiteral("average")});
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

QByteArray CompareView::saveState() const
{
    return m_splitter->saveState();
}

void CompareView::restoreState(const QByteArray& state)
{
    m_splitter->restoreState(state);
}

} // namespace gb::ui
