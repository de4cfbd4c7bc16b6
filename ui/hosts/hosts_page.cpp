#include "ui/hosts/hosts_page.h"

#include "ui/async.h"
#include "ui/colors.h"
#include "ui/editor/form_helpers.h"
#include "ui/hosts/ssh_prompts.h"
#include "ui/models/hosts_table_model.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gb::ui {

HostsPage::HostsPage(SshPrompts* prompts, QWidget* parent)
    : QWidget(parent)
    , m_prompts(prompts)
    , m_model(new HostsTableModel(this))
    , m_table(new QTableView(this))
    , m_fileLabel(new QLabel(this))
    , m_problems(new QLabel(this))
    , m_checkButton(new QPushButton(QStringLiteral("Check Hosts"), this))
    , m_checkStatus(new QLabel(this))
    , m_checkTable(new QTableWidget(this))
    , m_checkProblems(new QListWidget(this))
{
    setObjectName(QStringLiteral("hostsPage"));
    m_table->setObjectName(QStringLiteral("hostsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_problems->setObjectName(QStringLiteral("hostsProblems"));
    m_problems->setStyleSheet(errorTextStyle());
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* hostsGroup = new QGroupBox(QStringLiteral("Hosts"), this);
    auto* hostsLayout = new QVBoxLayout(hostsGroup);
    hostsLayout->addWidget(buildFileBar());
    hostsLayout->addWidget(m_table, 1);
    hostsLayout->addWidget(m_problems);
    hostsLayout->addWidget(noteLabel(
        QStringLiteral("A scenario whose topology is \"Hosts\" runs on these machines: GateBench "
                       "logs in over SSH (your ssh-agent's keys, or the host's identity file), "
                       "installs the servers in the workdir and starts each on the host that "
                       "plays its role. Traffic between hosts goes to their private addresses. "
                       "The same file runs headless: gatebench run --hosts FILE."),
        hostsGroup));

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(hostsGroup);
    splitter->addWidget(buildCheckSection());
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_model, &HostsTableModel::edited, this, &HostsPage::edited);
    setPath({});
    showProblems();
}

HostsPage::~HostsPage() = default;

const app::HostsFile& HostsPage::hosts() const
{
    return m_model->hosts();
}

QWidget* HostsPage::buildFileBar()
{
    auto* bar = new QWidget(this);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    auto button = [&](const QString& text, const QString& name, auto slot) {
        auto* b = new QPushButton(text, bar);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, slot);
        row->addWidget(b);
        return b;
    };
    button(QStringLiteral("New"), QStringLiteral("hostsNew"), [this] {
        if (maybeKeepChanges())
            newFile();
    });
    button(QStringLiteral("Open…"), QStringLiteral("hostsOpen"), [this] {
        if (maybeKeepChanges())
            openFileDialog();
    });
    button(QStringLiteral("Save"), QStringLiteral("hostsSave"), [this] { save(); });
    button(QStringLiteral("Save As…"), QStringLiteral("hostsSaveAs"), [this] { saveAs(); });
    row->addSpacing(16);
    button(QStringLiteral("Add Host"), QStringLiteral("hostsAdd"), [this] {
        const int r = m_model->appendHost();
        m_table->setCurrentIndex(m_model->index(r, HostsTableModel::AddressColumn));
        m_table->edit(m_table->currentIndex());
    });
    button(QStringLiteral("Remove Host"), QStringLiteral("hostsRemove"), [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            m_model->removeRows(current.row(), 1);
    });
    row->addSpacing(16);
    m_fileLabel->setObjectName(QStringLiteral("hostsFileLabel"));
    m_fileLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_fileLabel, 1);
    return bar;
}

QWidget* HostsPage::buildCheckSection()
{
    auto* group = new QGroupBox(QStringLiteral("Check"), this);
    auto* layout = new QVBoxLayout(group);
    auto* row = new QHBoxLayout;
    m_checkButton->setObjectName(QStringLiteral("hostsCheck"));
    m_checkButton->setToolTip(QStringLiteral(
        "Log in to every host and read its system, CPU, memory, free disk in the workdir, "
        "open-file limit, clock offset and whether its roles' ports are free. Nothing is "
        "installed or started."));
    connect(m_checkButton, &QPushButton::clicked, this, &HostsPage::checkHosts);
    m_checkStatus->setObjectName(QStringLiteral("hostsCheckStatus"));
    row->addWidget(m_checkButton);
    row->addWidget(m_checkStatus, 1);
    layout->addLayout(row);

    m_checkTable->setObjectName(QStringLiteral("hostsCheckTable"));
    m_checkTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_checkTable->verticalHeader()->hide();
    m_checkTable->setColumnCount(int(app::hostCheckColumns().size()));
    m_checkTable->setHorizontalHeaderLabels(app::hostCheckColumns());
    m_checkTable->horizontalHeader()->setStretchLastSection(true);
    m_checkProblems->setObjectName(QStringLiteral("hostsCheckProblems"));
    m_checkProblems->setMaximumHeight(120);
    layout->addWidget(m_checkTable, 1);
    layout->addWidget(m_checkProblems);
    m_checkProblems->hide();
    return group;
}

app::SshOptions HostsPage::sshOptions() const
{
    app::SshOptions base;
    base.knownHostsFile = m_knownHosts;
    return m_prompts->options(base);
}

void HostsPage::newFile()
{
    m_model->setHosts({});
    m_checks.clear();
    showChecks();
    setPath({});
    m_modified = false;
    showProblems();
    Q_EMIT hostsChanged(hosts());
}

bool HostsPage::openFile(const QString& path)
{
    auto file = app::loadHostsFile(path);
    if (!file) {
        m_problems->setText(file.error());
        return false;
    }
    m_model->setHosts(file.value());
    m_checks.clear();
    showChecks();
    setPath(path);
    m_modified = false;
    showProblems();
    Q_EMIT hostsChanged(hosts());
    return true;
}

void HostsPage::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open Hosts File"),
        m_path.isEmpty() ? QDir::homePath() : QFileInfo(m_path).absolutePath(),
        QStringLiteral("Hosts files (*.json);;All files (*)"));
    if (!path.isEmpty() && !openFile(path))
        QMessageBox::warning(this, QStringLiteral("Open Hosts File"), m_problems->text());
}

bool HostsPage::save()
{
    return m_path.isEmpty() ? saveAs() : writeTo(m_path);
}

bool HostsPage::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save Hosts File"),
        m_path.isEmpty() ? QDir::home().filePath(QStringLiteral("hosts.json")) : m_path,
        QStringLiteral("Hosts files (*.json)"));
    return !path.isEmpty() && writeTo(path);
}

bool HostsPage::writeTo(const QString& path)
{
    if (const QString error = app::saveHostsFile(hosts(), path); !error.isEmpty()) {
        QMessageBox::warning(this, QStringLiteral("Save Hosts File"), error);
        return false;
    }
    m_modified = false;
    setPath(path);
    return true;
}

bool HostsPage::maybeKeepChanges()
{
    if (!m_modified)
        return true;
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Hosts"), QStringLiteral("The hosts have unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void HostsPage::setPath(const QString& path)
{
    const bool changed = path != m_path;
    m_path = path;
    m_fileLabel->setText(
        (path.isEmpty() ? QStringLiteral("Not saved yet") : QDir::toNativeSeparators(path)) +
        (m_modified ? QStringLiteral(" (modified)") : QString()));
    if (changed)
        Q_EMIT filePathChanged(path);
}

void HostsPage::edited()
{
    m_modified = true;
    setPath(m_path);
    showProblems();
    Q_EMIT hostsChanged(hosts());
}

void HostsPage::showProblems()
{
    const QStringList problems = hosts().problems();
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    m_checkButton->setEnabled(!m_checking && !hosts().hosts.isEmpty() && problems.isEmpty());
    m_table->resizeColumnsToContents();
}

void HostsPage::checkHosts()
{
    if (m_checking || hosts().hosts.isEmpty() || !hosts().problems().isEmpty())
        return;
    m_checking = true;
    m_checkButton->setEnabled(false);
    const int n = int(hosts().hosts.size());
    m_checkStatus->setText(
        QStringLiteral("Checking %1 host%2…").arg(n).arg(n == 1 ? QString() : QStringLiteral("s")));
    runInBackground(
        this, [hosts = hosts(), options = sshOptions()] { return app::checkHosts(hosts, options); },
        [this](const QList<app::HostCheck>& checks) {
            m_checking = false;
            m_checks = checks;
            showChecks();
            showProblems();
            Q_EMIT checkFinished();
        });
}

void HostsPage::showChecks()
{
    m_checkTable->setRowCount(int(m_checks.size()));
    QStringList problems;
    int ready = 0;
    for (int r = 0; r < m_checks.size(); ++r) {
        const app::HostCheck& check = m_checks[r];
        const QStringList cells = app::hostCheckCells(check);
        for (int c = 0; c < m_checkTable->columnCount(); ++c) {
            auto* item = new QTableWidgetItem(cells.value(c));
            if (c == 0) {
                item->setIcon(style()->standardIcon(check.ok() ? QStyle::SP_DialogApplyButton
                                                               : QStyle::SP_MessageBoxWarning));
                if (check.reached)
                    item->setToolTip(QStringLiteral("Host key %1").arg(check.facts.fingerprint));
            }
            m_checkTable->setItem(r, c, item);
        }
        ready += check.ok() ? 1 : 0;
        for (const QString& p : check.problems)
            problems.append(QStringLiteral("%1: %2").arg(check.host.name, p));
    }
    m_checkTable->resizeColumnsToContents();
    m_checkProblems->clear();
    for (const QString& p : problems)
        new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning), p,
                            m_checkProblems);
    m_checkProblems->setVisible(!problems.isEmpty());
    if (m_checks.isEmpty())
        m_checkStatus->setText(QStringLiteral("Not checked yet: nothing is installed or started "
                                              "by a check."));
    else
        m_checkStatus->setText(
            ready == m_checks.size()
                ? QStringLiteral("Every host is ready.")
                : QStringLiteral("%1 of %2 hosts ready; the problems are listed below.")
                      .arg(ready)
                      .arg(m_checks.size()));
}

} // namespace gb::ui
