#include "app/cli/terminal_passphrase.h"

#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace gb::app::cli {

namespace {

std::optional<QString> askOnTerminal(const QString& identityPath, PassphraseAsk why)
{
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        return std::nullopt;
    const QByteArray prompt =
        (why == PassphraseAsk::Retry
             ? QStringLiteral("That passphrase did not open it. Passphrase for %1: ")
             : QStringLiteral("Passphrase for %1: "))
            .arg(identityPath)
            .toLocal8Bit();
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

std::function<std::optional<QString>(const QString&, PassphraseAsk)> terminalPassphrase()
{
    return rememberPassphrases(askOnTerminal);
}

} // namespace gb::app::cli
