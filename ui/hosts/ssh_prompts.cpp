#include "ui/hosts/ssh_prompts.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QThread>

#include <atomic>
#include <future>
#include <mutex>

namespace gb::ui {

using namespace std::chrono_literals;

struct SshPromptsState
{
    std::mutex mutex;
    SshPrompts* prompts = nullptr; ///< null once it is gone
    /// Held by the worker whose question is shown: hosts checked at once ask one at a time,
    /// not in a stack of dialogs.
    std::timed_mutex asking;
    std::atomic<bool> refused = false;
};

namespace {

/// Runs ask(prompts) on the prompts' (GUI) thread and waits for its answer; refusal when the
/// prompts are gone or refuse. The dialog needs the GUI thread's event loop, so the GUI thread
/// must never wait for this thread while it waits here: refuseAll() breaks the wait.
template <class T, class Ask>
T askOnGuiThread(const std::shared_ptr<SshPromptsState>& state, Ask ask, T refusal)
{
    {
        std::unique_lock lock(state->mutex);
        if (state->refused || !state->prompts)
            return refusal;
        if (QThread::currentThread() == state->prompts->thread()) {
            SshPrompts* prompts = state->prompts;
            lock.unlock(); // only this thread destroys prompts; no lock held over a dialog
            return ask(prompts);
        }
    }
    std::unique_lock turn(state->asking, std::defer_lock);
    while (!turn.try_lock_for(100ms))
        if (state->refused)
            return refusal;
    auto answer = std::make_shared<std::promise<T>>();
    std::future<T> future = answer->get_future();
    {
        std::lock_guard lock(state->mutex); // the prompts cannot go while the call is posted
        SshPrompts* prompts = state->prompts;
        if (state->refused || !prompts)
            return refusal;
        // Qt runs it only while prompts exists; when prompts goes first the call is dropped,
        // which breaks the promise and ends the wait.
        QMetaObject::invokeMethod(
            prompts, [answer, ask, prompts] { answer->set_value(ask(prompts)); },
            Qt::QueuedConnection);
    }
    while (future.wait_for(100ms) != std::future_status::ready)
        if (state->refused)
            return refusal;
    try {
        return future.get();
    } catch (const std::future_error&) {
        return refusal;
    }
}

} // namespace

SshPrompts::SshPrompts(QWidget* dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
    , m_state(std::make_shared<SshPromptsState>())
{
    m_state->prompts = this;
    m_passphrases = app::rememberPassphrases([state = m_state](const QString& path,
                                                               app::PassphraseAsk why) {
        return askOnGuiThread<std::optional<QString>>(
            state, [path, why](SshPrompts* prompts) { return prompts->askPassphrase(path, why); },
            std::nullopt);
    });
}

SshPrompts::~SshPrompts()
{
    std::lock_guard lock(m_state->mutex);
    m_state->prompts = nullptr;
    m_state->refused = true;
}

void SshPrompts::refuseAll()
{
    m_state->refused = true;
}

app::SshOptions SshPrompts::options(app::SshOptions base) const
{
    base.unknownHostKeys = app::UnknownHostKeys::Ask;
    base.confirmHostKey = [state = m_state](const app::HostSpec& host, const QString& fingerprint) {
        return askOnGuiThread<bool>(
            state,
            [host, fingerprint](SshPrompts* prompts) {
                return prompts->confirmHostKey(host, fingerprint);
            },
            false);
    };
    base.passphrase = m_passphrases;
    return base;
}

bool SshPrompts::confirmHostKey(const app::HostSpec& host, const QString& fingerprint)
{
    QMessageBox box(QMessageBox::Question, QStringLiteral("Unknown host key"),
                    QStringLiteral("GateBench has not connected to %1 before.").arg(host.label()),
                    QMessageBox::Cancel, m_dialogParent);
    box.setObjectName(QStringLiteral("hostKeyConfirmation"));
    box.setInformativeText(
        QStringLiteral("Its host key's fingerprint is\n\n%1\n\nCompare it with what the host "
                       "itself says (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub, or the "
                       "cloud console's system log) before you trust it. Trusted keys are added "
                       "to known_hosts, as ssh does.")
            .arg(fingerprint));
    QPushButton* trust =
        box.addButton(QStringLiteral("Trust and Connect"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == trust;
}

std::optional<QString> SshPrompts::askPassphrase(const QString& identityPath,
                                                 app::PassphraseAsk why)
{
    QInputDialog dialog(m_dialogParent);
    dialog.setObjectName(QStringLiteral("passphraseDialog"));
    dialog.setWindowTitle(QStringLiteral("Identity file passphrase"));
    dialog.setLabelText(
        (why == app::PassphraseAsk::Retry
             ? QStringLiteral("That passphrase did not open %1. Passphrase:")
             : QStringLiteral("Passphrase for %1 (kept in memory until GateBench quits):"))
            .arg(identityPath));
    dialog.setTextEchoMode(QLineEdit::Password);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.textValue();
}

} // namespace gb::ui
