#pragma once

#include <QString>

#include <functional>
#include <optional>

namespace gb::app {

/// Why a passphrase is asked for: the first time, or because the last one did not open the key.
enum class PassphraseAsk
{
    First,
    Retry,
};

/// Asks the user for an identity file's passphrase (the terminal, a dialog); nullopt: they gave
/// up.
using PassphraseAsker =
    std::function<std::optional<QString>(const QString& identityPath, PassphraseAsk why)>;

/// An SshOptions::passphrase that asks through asker once per identity file for the life of the
/// returned function and keeps the answer in memory only (never a file, a run record or a log).
/// A passphrase that did not open the key is forgotten and asked again. Hosts connect from
/// several threads at once: one question at a time, so a key shared by three hosts is asked
/// for once.
std::function<std::optional<QString>(const QString& identityPath, PassphraseAsk why)>
rememberPassphrases(PassphraseAsker asker);

} // namespace gb::app
