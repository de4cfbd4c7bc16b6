#include "ui/workspace_sidebar.h"

#include "ui/colors.h"
#include "ui/format.h"
#include "ui/models/run_history_model.h"
#include "ui/models/run_history_proxy.h"
#include "ui/models/scenario_list_model.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPainter>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace gb::ui {

namespace {

/// Draws a scenario as its name with a grey line below: "built-in" or where its file is.
class TwoLineDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const override
    {
        const QFontMetrics fm(option.font);
        return {200, fm.height() * 2 + 10};
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString title = opt.text;
        opt.text.clear();
        QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

        const bool selected = opt.state & QStyle::State_Selected;
        const QRect r = opt.rect.adjusted(8, 4, -6, -4);
        const QFontMetrics fm(opt.font);
        painter->save();
        QFont bold = opt.font;
        bold.setBold(true);
        painter->setFont(bold);
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(QRect(r.left(), r.top(), r.width(), fm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(bold).elidedText(title, Qt::ElideRight, r.width()));
        painter->setFont(opt.font);
        const bool broken = !index.data(ScenarioListModel::ErrorRole).toString().isEmpty();
        painter->setPen(selected ? opt.palette.color(QPalette::HighlightedText)
                        : broken ? QColor::fromString(kErrorColor)
                                 : opt.palette.color(QPalette::PlaceholderText));
        const QString subtitle = index.data(ScenarioListModel::SubtitleRole).toString();
        painter->drawText(QRect(r.left(), r.top() + fm.height() + 2, r.width(), fm.height()),
                          Qt::AlignLeft | Qt::AlignVCenter,
                          fm.elidedText(subtitle, Qt::ElideMiddle, r.width()));
        painter->restore();
    }
};

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    label->setContentsMargins(4, 6, 4, 2);
    return label;
}

/// The widest text a column of the run list usually holds, to size it by the font in use (not
/// by pixels picked for one font): a name, "2026-12-31 23:59", "176,543", "1,234.56", "completed".
QString widestValue(int column)
{
    switch (column) {
    case RunHistoryModel::NameColumn:
        return QStringLiteral("baseline 12"); // longer names are elided
    case RunHistoryModel::ScenarioColumn:
        return QStringLiteral("Local baseline");
    case RunHistoryModel::StartedColumn:
        return QStringLiteral("2026-12-31 23:59");
    case RunHistoryModel::ThroughputColumn:
        return formatRps(176543);
    case RunHistoryModel::P99Column:
        return formatMs(1234.56);
    case RunHistoryModel::StatusColumn:
        return QStringLiteral("completed");
    default:
        return QStringLiteral("baseline, rerun");
    }
}

/// Each column as wide as its header (with the sort arrow) and its widest usual value.
void fitColumns(QTreeView* view, const QAbstractItemModel* model)
{
    QHeaderView* header = view->header();
    const QFontMetrics cells(view->font());
    const QFontMetrics titles(header->font());
    const int cellMargin =
        2 * view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 8;
    const int sortArrow = header->style()->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, header);
    const int titleMargin =
        2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header) + sortArrow;
    for (int column = 0; column < RunHistoryModel::ColumnCount; ++column) {
        const QString title = model->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column,
                              std::max(titles.horizontalAdvance(title) + titleMargin,
                                       cells.horizontalAdvance(widestValue(column)) + cellMargin));
    }
}

} // namespace

WorkspaceSidebar::WorkspaceSidebar(ScenarioListModel* scenarios, RunHistoryModel* runs,
                                   QWidget* parent)
    : QWidget(parent)
    , m_scenarios(new QListView(this))
    , m_filter(new QLineEdit(this))
    , m_runs(new QTreeView(this))
    , m_proxy(new RunHistoryProxy(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    m_scenarios->setObjectName(QStringLiteral("scenarioList"));
    m_scenarios->setModel(scenarios);
    m_scenarios->setItemDelegate(new TwoLineDelegate(m_scenarios));
    m_scenarios->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_scenarios->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_proxy->setSourceModel(runs);
    m_runs->setObjectName(QStringLiteral("runHistory"));
    m_runs->setModel(m_proxy);
    m_runs->setRootIsDecorated(false);
    m_runs->setUniformRowHeights(true);
    m_runs->setAlternatingRowColors(true);
    m_runs->setSortingEnabled(true);
    m_runs->sortByColumn(RunHistoryModel::StartedColumn, Qt::DescendingOrder);
    m_runs->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_runs->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_runs->header()->setStretchLastSection(true);
    // The figures first, so a narrow sidebar shows them; status and tags scroll into view. A
    // run is named after its scenario until renamed, so the scenario column starts hidden; the
    // header's context menu shows and hides columns.
    QHeaderView* header = m_runs->header();
    fitColumns(m_runs, runs);
    header->hideSection(RunHistoryModel::ScenarioColumn);
    header->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (int column = 0; column < RunHistoryModel::ColumnCount; ++column) {
        auto* toggle = new QAction(runs->headerData(column, Qt::Horizontal).toString(), header);
        toggle->setCheckable(true);
        toggle->setChecked(!header->isSectionHidden(column));
        toggle->setEnabled(column != RunHistoryModel::NameColumn);
        toggle->setData(column);
        connect(toggle, &QAction::toggled, header,
                [header, column](bool shown) { header->setSectionHidden(column, !shown); });
        header->addAction(toggle);
    }

    m_filter->setPlaceholderText(QStringLiteral("Filter runs: name, scenario, tag…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("runFilter"));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(2);
    topLayout->addWidget(heading(QStringLiteral("Scenarios"), top));
    topLayout->addWidget(m_scenarios);
    auto* bottom = new QWidget(this);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->setSpacing(2);
    bottomLayout->addWidget(heading(QStringLiteral("Runs"), bottom));
    bottomLayout->addWidget(m_filter);
    bottomLayout->addWidget(m_runs);
    m_splitter->addWidget(top);
    m_splitter->addWidget(bottom);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 0, 8);
    layout->addWidget(m_splitter);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &RunHistoryProxy::setFilterWords);
    auto scenarioChosen = [this](const QModelIndex& index) {
        Q_EMIT scenarioActivated(index.data(ScenarioListModel::SourceRole).toString());
    };
    connect(m_scenarios, &QListView::clicked, this, scenarioChosen);
    connect(m_scenarios, &QListView::activated, this, scenarioChosen);
    connect(m_runs, &QTreeView::activated, this, [this](const QModelIndex& index) {
        Q_EMIT runActivated(index.data(RunHistoryModel::IdRole).toString());
    });
    connect(m_runs->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &WorkspaceSidebar::runSelectionChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &WorkspaceSidebar::runSelectionChanged);
}

void WorkspaceSidebar::setRunActions(const QList<QAction*>& actions)
{
    for (QAction* action : actions) {
        if (action) {
            m_runs->addAction(action);
        } else {
            auto* separator = new QAction(m_runs);
            separator->setSeparator(true);
            m_runs->addAction(separator);
        }
    }
}

void WorkspaceSidebar::setScenarioActions(const QList<QAction*>& actions)
{
    m_scenarios->addActions(actions);
}

QStringList WorkspaceSidebar::selectedRunIds() const
{
    QModelIndexList rows = m_runs->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList ids;
    for (const QModelIndex& row : rows)
        ids.append(row.data(RunHistoryModel::IdRole).toString());
    return ids;
}

QString WorkspaceSidebar::currentScenarioSource() const
{
    return m_scenarios->currentIndex().data(ScenarioListModel::SourceRole).toString();
}

void WorkspaceSidebar::selectScenario(const QString& source)
{
    auto* model = static_cast<ScenarioListModel*>(m_scenarios->model());
    const int row = model->rowOfSource(source);
    if (row < 0) {
        m_scenarios->clearSelection();
        m_scenarios->setCurrentIndex(QModelIndex());
        return;
    }
    m_scenarios->setCurrentIndex(model->index(row));
}

void WorkspaceSidebar::editCurrentRun(int column)
{
    const QModelIndex current = m_runs->currentIndex();
    if (!current.isValid())
        return;
    const QModelIndex cell = m_proxy->index(current.row(), column);
    m_runs->setCurrentIndex(cell);
    m_runs->edit(cell);
}

void WorkspaceSidebar::editCurrentRunName()
{
    editCurrentRun(RunHistoryModel::NameColumn);
}

void WorkspaceSidebar::editCurrentRunTags()
{
    editCurrentRun(RunHistoryModel::TagsColumn);
}

int WorkspaceSidebar::preferredWidth() const
{
    const QHeaderView* header = m_runs->header();
    int columns = 0;
    for (int column = 0; column <= RunHistoryModel::StatusColumn; ++column)
        if (!header->isSectionHidden(column))
            columns += header->sectionSize(column);
    const int frame = 2 * m_runs->frameWidth() +
                      m_runs->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_runs);
    const QMargins margins = layout()->contentsMargins();
    return columns + frame + margins.left() + margins.right();
}

QByteArray WorkspaceSidebar::saveState() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << m_splitter->saveState() << m_runs->header()->saveState();
    return state;
}

void WorkspaceSidebar::restoreState(const QByteArray& state)
{
    QDataStream in(state);
    QByteArray splitter, header;
    in >> splitter >> header;
    if (in.status() != QDataStream::Ok)
        return;
    m_splitter->restoreState(splitter);
    m_runs->header()->restoreState(header);
    for (QAction* toggle : m_runs->header()->actions()) {
        const QSignalBlocker block(toggle);
        toggle->setChecked(!m_runs->header()->isSectionHidden(toggle->data().toInt()));
    }
}

} // namespace gb::ui
