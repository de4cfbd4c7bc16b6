#pragma once

#include "app/ssh/passphrase_memory.h"

namespace gb::app::cli {

/// An SshOptions::passphrase for a headless command: asks on the terminal, without echo, once
/// per identity file for the life of the process (rememberPassphrases). Without a terminal it
/// gives up (nullopt), so a script never hangs on a prompt: such a key belongs in ssh-agent.
std::function<std::optional<QString>(const QString& identityPath, PassphraseAsk why)>
terminalPassphrase();

} // namespace gb::app::cli
