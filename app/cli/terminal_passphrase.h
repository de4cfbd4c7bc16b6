#pragma once

#include <QString>

#include <functional>
#include <optional>

namespace gb::app::cli {

/// An SshOptions::passphrase for a headless command: asks on the terminal, without echo, once
/// per identity file for the life of the process, and keeps the answer in memory only. Without
/// a terminal it gives up (nullopt), so a script never hangs on a prompt: such a key belongs in
/// ssh-agent.
std::function<std::optional<QString>(const QString& identityPath)> terminalPassphrase();

} // namespace gb::app::cli
