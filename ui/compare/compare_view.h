#pragma once

#include "app/comparison.h"
#include "app/run_record.h"
#include "app/run_store.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTreeView;

namespace gb::ui {

namespace charts {
class ChartWidget;
}
class ComparisonTableModel;
class RunPickerModel;
class SettingDifferencesModel;

/// The compare page: check runs, or a scenario's whole group of runs, on the left; on the
/// right the summary table in the published form (RUN #, 99 % latency, throughput, average of
/// N runs, delta against the chosen baseline group), the settings that differ, and overlaid
/// charts (throughput over time, latency percentile curves). Exports the comparison as PDF
/// and JSON.
///
/// Loads the checked runs' files on a pool thread (each run carries its per-second
/// histograms) and keeps them cached by id. GUI thread only.
class CompareView final : public QWidget
{
    Q_OBJECT

public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    void setRunsDirectory(const QString& directory);
    /// The run history changed: the picker follows, renamed runs keep their cache entry.
    void setEntries(const QList<app::RunListEntry>& entries);
    void setCheckedRuns(const QStringList& ids);
    /// Chooses the baseline group by its scenario name, if it is compared.
    void setBaselineGroup(const QString& name);

    bool hasComparison() const { return !m_comparison.groups.isEmpty(); }
    const app::Comparison& comparison() const { return m_comparison; }
    /// The compared runs, in table order.
    const QList<app::RunRecord>& comparedRuns() const { return m_runs; }

    /// Empty on success, else the sentence.
    [[nodiscard]] QString exportPdf(const QString& path) const;
    [[nodiscard]] QString exportJson(const QString& path) const;

    RunPickerModel* pickerModel() const { return m_picker; }
    ComparisonTableModel* tableModel() const { return m_table; }
    SettingDifferencesModel* differencesModel() const { return m_differences; }
    charts::ChartWidget* throughputChart() const { return m_throughputChart; }
    charts::ChartWidget* distributionChart() const { return m_distributionChart; }

    QByteArray saveState() const;
    void restoreState(const QByteArray& state);

Q_SIGNALS:
    /// The table and charts show the checked runs (after their files were read).
    void comparisonUpdated();
    void exportPdfRequested();
    void exportJsonRequested();
    /// Something went wrong that the user should read (a run file that cannot be read).
    void problem(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void checkedRunsChanged();
    void rebuild();

    RunPickerModel* m_picker;
    ComparisonTableModel* m_table;
    SettingDifferencesModel* m_differences;
    QString m_directory;
    QHash<QString, app::RunRecord> m_cache;
    QList<app::RunListEntry> m_entries;
    QList<app::RunRecord> m_runs;
    app::Comparison m_comparison;
    QString m_baselineName;
    quint64 m_generation = 0;

    QTreeView* m_pickerView;
    QComboBox* m_baseline;
    QPushButton* m_exportPdf;
    QPushButton* m_exportJson;
    QStackedWidget* m_stack;
    QLabel* m_headline;
    QTableView* m_tableView;
    QLabel* m_differencesTitle;
    QTableView* m_differencesView;
    charts::ChartWidget* m_throughputChart;
    charts::ChartWidget* m_distributionChart;
    QSplitter* m_splitter;
};

} // namespace gb::ui
