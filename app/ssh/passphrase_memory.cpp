#include "app/ssh/passphrase_memory.h"

#include <QHash>

#include <memory>
#include <mutex>

namespace gb::app {

std::function<std::optional<QString>(const QString&, PassphraseAsk)>
rememberPassphrases(PassphraseAsker asker)
{
    struct Memory
    {
        std::mutex mutex; // held while asking: the other hosts wait for the one answer
        QHash<QString, QString> byFile;
        PassphraseAsker asker;
    };
    auto memory = std::make_shared<Memory>();
    memory->asker = std::move(asker);
    return [memory](const QString& identityPath, PassphraseAsk why) -> std::optional<QString> {
        std::lock_guard lock(memory->mutex);
        if (why == PassphraseAsk::Retry)
            memory->byFile.remove(identityPath);
        else if (auto it = memory->byFile.constFind(identityPath); it != memory->byFile.constEnd())
            return *it;
        std::optional<QString> passphrase = memory->asker(identityPath, why);
        if (passphrase)
            memory->byFile.insert(identityPath, *passphrase);
        return passphrase;
    };
}

} // namespace gb::app
