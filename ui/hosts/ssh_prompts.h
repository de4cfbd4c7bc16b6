#pragma once

#include "app/ssh/ssh_session.h"

#include <QObject>

#include <memory>

class QWidget;

namespace gb::ui {

struct SshPromptsState;

/// The window's side of what an SSH connection must ask the user: whether to trust a host key
/// it has never seen (its SHA256 fingerprint shown, added to known_hosts on confirmation), and an
/// encrypted identity file's passphrase (asked once per file for the session, kept in memory
/// only). Connections run on worker threads: each question is shown as a dialog on the GUI
/// thread while the asking thread waits.
///
/// Lives on the GUI thread. The options it hands out may outlive it: once it is gone, or after
/// refuseAll(), every question is answered "no" at once.
class SshPrompts final : public QObject
{
    Q_OBJECT

public:
    explicit SshPrompts(QWidget* dialogParent);
    ~SshPrompts() override;

    /// base with both questions routed here (unknown host keys: Ask).
    app::SshOptions options(app::SshOptions base = {}) const;
    /// Answers "no" to every question waiting or still to come. The window calls it before it
    /// waits for a worker thread, which may be waiting for an answer.
    void refuseAll();

private:
    bool confirmHostKey(const app::HostSpec& host, const QString& fingerprint);
    std::optional<QString> askPassphrase(const QString& identityPath, app::PassphraseAsk why);

    QWidget* m_dialogParent;
    std::shared_ptr<SshPromptsState> m_state;
    /// One memory for the session: every options() shares what was typed.
    std::function<std::optional<QString>(const QString&, app::PassphraseAsk)> m_passphrases;
};

} // namespace gb::ui
