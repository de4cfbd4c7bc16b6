#pragma once

#include "app/hosts/host_check.h"
#include "app/hosts/hosts_file.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTableView;
class QTableWidget;

namespace gb::ui {

class HostsTableModel;
class SshPrompts;

/// The Hosts page: the hosts file (the same JSON that `gatebench run --hosts` reads) as a table
/// to edit, opened and saved as a file, with its problems listed under it; and Check Hosts,
/// which connects to every host at once off the GUI thread (host keys and passphrases asked
/// through SshPrompts) and shows what it found as a table, each problem as one line.
///
/// GUI thread only.
class HostsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit HostsPage(SshPrompts* prompts, QWidget* parent = nullptr);
    ~HostsPage() override;

    const app::HostsFile& hosts() const;
    /// The file the hosts come from, empty for hosts not saved yet.
    const QString& filePath() const { return m_path; }
    bool isModified() const { return m_modified; }
    /// The known_hosts file connections verify against; empty: ~/.ssh/known_hosts.
    void setKnownHostsFile(const QString& path) { m_knownHosts = path; }
    /// SSH options for connecting to these hosts from a worker thread.
    app::SshOptions sshOptions() const;

    /// Reads path; false with the reason shown on the page when it cannot be used.
    bool openFile(const QString& path);
    bool save();
    bool saveAs();
    /// Asks whether to save unsaved hosts; false: the user cancelled.
    bool maybeKeepChanges();

    /// Connects to every host and shows what it found; checkFinished follows.
    void checkHosts();
    bool isChecking() const { return m_checking; }
    const QList<app::HostCheck>& lastChecks() const { return m_checks; }

Q_SIGNALS:
    /// After any change: an edit, a file opened, a new file.
    void hostsChanged(const gb::app::HostsFile& hosts);
    void filePathChanged(const QString& path);
    void checkFinished();

private:
    QWidget* buildFileBar();
    QWidget* buildCheckSection();
    void newFile();
    void openFileDialog();
    bool writeTo(const QString& path);
    void setPath(const QString& path);
    void edited();
    void showProblems();
    void showChecks();

    SshPrompts* m_prompts;
    HostsTableModel* m_model;
    QTableView* m_table;
    QLabel* m_fileLabel;
    QLabel* m_problems;
    QPushButton* m_checkButton;
    QLabel* m_checkStatus;
    QTableWidget* m_checkTable;
    QListWidget* m_checkProblems;
    QString m_path;
    QString m_knownHosts;
    bool m_modified = false;
    bool m_checking = false;
    QList<app::HostCheck> m_checks;
};

} // namespace gb::ui
