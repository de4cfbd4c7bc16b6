#include "app/cli/terminal_passphrase.h"

#include <QHash>

#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <termios.h>
#include <unistd.h>

namespace gb::app::cli {

namespace {

std::optional<QString> askOnTerminal(const QString& identityPath)
{
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        return std::nullopt;
    const QByteArray prompt = QStringLiteral("Passphrase for %1: ").arg(identityPath).toLocal8Bit();
    [[maybe_unused]] ssize_t n = ::write(tty, prompt.constData(), size_t(prompt.size()));
    termios saved{};
    const bool isTerminal = ::tcgetattr(tty, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n')
        line.append(c);
    if (isTerminal)
        ::tcsetattr(tty, TCSAFLUSH, &saved);
    n = ::write(tty, "\n", 1);
    ::close(tty);
    QString passphrase = QString::fromLocal8Bit(line);
    line.fill('\0');
    return passphrase;
}

} // namespace

std::function<std::optional<QString>(const QString&)> terminalPassphrase()
{
    struct Cache
    {
        std::mutex mutex; // hosts are checked and deployed from several threads at once
        QHash<QString, QString> byFile;
    };
    auto cache = std::make_shared<Cache>();
    return [cache](const QString& identityPath) -> std::optional<QString> {
        std::lock_guard lock(cache->mutex);
        if (auto it = cache->byFile.constFind(identityPath); it != cache->byFile.constEnd())
            return *it;
        std::optional<QString> passphrase = askOnTerminal(identityPath);
        if (passphrase)
            cache->byFile.insert(identityPath, *passphrase);
        return passphrase;
    };
}

} // namespace gb::app::cli
