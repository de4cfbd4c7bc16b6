#include "app/hosts/host_check.h"

#include <QJsonArray>
#include <QSet>

#include <future>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

/// The workdir as a shell word: "~/x" becomes "$HOME"/'x', so the remote shell expands it.
QString workdirWord(const HostSpec& host)
{
    const QString dir = host.workdir.isEmpty() ? QStringLiteral("~/gatebench") : host.workdir;
    if (dir.startsWith(QStringLiteral("~/")))
        return QStringLiteral("\"$HOME\"/") + shellQuote(dir.mid(2));
    return shellQuote(dir);
}

/// One sh script, one round trip: key=value lines. Only what every Linux has (POSIX sh,
/// /proc, df -P, getconf, uname, awk).
QString factsScript(const HostSpec& host)
{
    return QStringLiteral(
               "wd=%1\n"
               "echo \"kernel=$(uname -sr)\"\n"
               "( . /etc/os-release 2>/dev/null; echo \"os=${PRETTY_NAME:-unknown}\" )\n"
               "echo \"cpus=$(getconf _NPROCESSORS_ONLN)\"\n"
               "echo \"cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head "
               "-n 1)\"\n"
               "echo \"mem_kb=$(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo)\"\n"
               "d=\"$wd\"; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done\n"
               "echo \"disk_free_kb=$(df -Pk \"$d\" | awk 'NR==2 {print $4}')\"\n"
               "echo \"nofile_soft=$(ulimit -Sn)\"\n"
               "echo \"nofile_hard=$(ulimit -Hn)\"\n"
               "echo \"listening=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "
               "\"0A\" {split($2, a, \":\"); print a[2]}' | sort -u | tr '\\n' ' ')\"\n")
        .arg(workdirWord(host));
}

QMap<QString, QString> keyValues(const QByteArray& text)
{
    QMap<QString, QString> values;
    for (const QByteArray& line : text.split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return values;
}

qint64 limitValue(const QString& text)
{
    return text == QLatin1String("unlimited") ? -1 : text.toLongLong();
}

QString bytesText(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("?");
    const double gib = double(bytes) / double(1ll << 30);
    return gib >= 1 ? QStringLiteral("%1 GiB").arg(gib, 0, 'f', 1)
                    : QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 0);
}

double wallClockMs()
{
    using namespace std::chrono;
    return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

/// Reads the host's clock as NTP does: a few request/answer round trips to a shell that is
/// already running (its start-up, a slow ~/.bashrc say, must not count), keeping the reading
/// with the shortest round trip; half of that round trip bounds the error.
void readClock(SshSession& session, HostFacts& facts, QStringList& problems,
               std::chrono::milliseconds timeout)
{
    auto reader = session.start(QStringLiteral("while read -r _; do date +%s%N; done"));
    double bestRoundTrip = -1;
    for (int i = 0; reader && i < 5; ++i) {
        const double sent = wallClockMs();
        if (!reader.value()->write("\n"))
            break;
        const auto line = reader.value()->readLine(timeout);
        const double received = wallClockMs();
        bool ok = false;
        const double remoteMs = line ? line->trimmed().toDouble(&ok) / 1e6 : 0;
        if (!ok)
            break;
        if (bestRoundTrip < 0 || received - sent < bestRoundTrip) {
            bestRoundTrip = received - sent;
            facts.clockOffsetMs = remoteMs - (sent + received) / 2;
            facts.clockUncertaintyMs = bestRoundTrip / 2;
        }
    }
    if (bestRoundTrip < 0) {
        problems.append(QStringLiteral("its clock cannot be read (date +%s%N)"));
        return;
    }
    if (std::abs(facts.clockOffsetMs) > kMaxClockOffsetMs)
        problems.append(QStringLiteral("its clock is %1 ms off this machine's: the per-host "
                                       "charts would not line up (run chrony or ntpd)")
                            .arg(facts.clockOffsetMs, 0, 'f', 0));
}

} // namespace

HostCheck checkHost(const HostSpec& host, const SshOptions& options)
{
    auto session = SshSession::open(host, options);
    if (!session) {
        HostCheck check;
        check.host = host;
        check.problems.append(session.error());
        return check;
    }
    return checkHost(*session.value(), options.timeout);
}

HostCheck checkHost(SshSession& session, std::chrono::milliseconds timeout)
{
    const HostSpec& host = session.host();
    HostCheck check;
    check.host = host;
    check.reached = true;
    HostFacts& facts = check.facts;
    facts.fingerprint = session.fingerprint();
    auto run = session.exec(factsScript(host), timeout);
    if (!run || run->exitStatus != 0) {
        check.problems.append(run ? QStringLiteral("the host check's commands failed (status "
                                                   "%1): %2")
                                        .arg(run->exitStatus)
                                        .arg(QString::fromUtf8(run->err).trimmed())
                                  : run.error());
        return check;
    }
    const QMap<QString, QString> v = keyValues(run->out);
    facts.kernel = v.value(QStringLiteral("kernel"));
    facts.os = v.value(QStringLiteral("os"));
    facts.cpus = v.value(QStringLiteral("cpus")).toInt();
    facts.cpuModel = v.value(QStringLiteral("cpu_model"));
    facts.memoryBytes = v.value(QStringLiteral("mem_kb")).toLongLong() * 1024;
    bool diskKnown = false;
    facts.workdirFreeBytes = v.value(QStringLiteral("disk_free_kb")).toLongLong(&diskKnown) * 1024;
    if (!diskKnown)
        facts.workdirFreeBytes = -1;
    facts.openFilesSoft = limitValue(v.value(QStringLiteral("nofile_soft")));
    facts.openFilesHard = limitValue(v.value(QStringLiteral("nofile_hard")));
    QSet<int> listening;
    for (const QString& hex :
         v.value(QStringLiteral("listening")).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        listening.insert(hex.toInt(nullptr, 16));

    const QString workdir = host.workdir.isEmpty() ? QStringLiteral("~/gatebench") : host.workdir;
    if (!facts.kernel.startsWith(QStringLiteral("Linux")))
        check.problems.append(QStringLiteral("it runs %1, not Linux: the bundles are Linux x86-64 "
                                             "programs")
                                  .arg(facts.kernel));
    if (facts.workdirFreeBytes >= 0 && facts.workdirFreeBytes < kMinWorkdirFreeBytes)
        check.problems.append(
            QStringLiteral("only %1 free for the workdir %2 (GateBench needs "
                           "%3 for its programs and logs)")
                .arg(bytesText(facts.workdirFreeBytes), workdir, bytesText(kMinWorkdirFreeBytes)));
    if (facts.workdirFreeBytes < 0)
        check.problems.append(
            QStringLiteral("the free space for the workdir %1 cannot be read").arg(workdir));
    if (facts.openFilesHard >= 0 && facts.openFilesHard < kMinOpenFiles)
        check.problems.append(QStringLiteral("its open-file limit is %1 (hard), room for about "
                                             "%2 clients through a proxy; raise nofile to at "
                                             "least %3 in /etc/security/limits.conf")
                                  .arg(facts.openFilesHard)
                                  .arg(facts.openFilesHard / 2)
                                  .arg(kMinOpenFiles));
    for (HostRole role : host.roles) {
        const int port = host.portFor(role);
        if (port <= 0)
            continue;
        const bool free = !listening.contains(port);
        facts.portFree.insert(role, free);
        if (!free)
            check.problems.append(
                QStringLiteral("port %1 (%2) is in use").arg(port).arg(toKeyword(role)));
    }
    readClock(session, facts, check.problems, timeout);
    return check;
}

QList<HostCheck> checkHosts(const HostsFile& hosts, const SshOptions& options)
{
    // One thread per host: an unreachable host costs its timeout once, not once per host.
    std::vector<std::future<HostCheck>> pending;
    for (const HostSpec& host : hosts.hosts)
        pending.push_back(
            std::async(std::launch::async, [host, options] { return checkHost(host, options); }));
    QList<HostCheck> checks;
    for (auto& p : pending)
        checks.append(p.get());
    return checks;
}

QStringList hostCheckColumns()
{
    return {QStringLiteral("Host"),      QStringLiteral("Login"),      QStringLiteral("Roles"),
            QStringLiteral("System"),    QStringLiteral("CPU"),        QStringLiteral("Memory"),
            QStringLiteral("Disk free"), QStringLiteral("Open files"), QStringLiteral("Clock"),
            QStringLiteral("Ports")};
}

QStringList hostCheckCells(const HostCheck& c)
{
    QStringList roles, ports;
    for (HostRole r : c.host.roles)
        roles.append(toKeyword(r));
    for (auto it = c.facts.portFree.begin(); it != c.facts.portFree.end(); ++it)
        ports.append(QStringLiteral("%1 %2")
                         .arg(c.host.portFor(it.key()))
                         .arg(it.value() ? QStringLiteral("free") : QStringLiteral("IN USE")));
    const HostFacts& f = c.facts;
    const QString login =
        QStringLiteral("%1@%2:%3").arg(c.host.user, c.host.address).arg(c.host.port);
    if (!c.reached)
        return {c.host.name, login, roles.join(QLatin1Char(',')), QStringLiteral("not reached")};
    return {c.host.name,
            login,
            roles.join(QLatin1Char(',')),
            QStringLiteral("%1, %2").arg(f.os, f.kernel),
            QStringLiteral("%1 x %2").arg(f.cpus).arg(f.cpuModel),
            bytesText(f.memoryBytes),
            bytesText(f.workdirFreeBytes),
            f.openFilesHard < 0 ? QStringLiteral("unlimited") : QString::number(f.openFilesHard),
            QStringLiteral("%1%2 ms")
                .arg(f.clockOffsetMs >= 0 ? QStringLiteral("+") : QString())
                .arg(f.clockOffsetMs, 0, 'f', 1),
            ports.isEmpty() ? QStringLiteral("-") : ports.join(QStringLiteral(", "))};
}

QString hostChecksText(const QList<HostCheck>& checks)
{
    QStringList header;
    for (const QString& column : hostCheckColumns())
        header.append(column.toUpper());
    QList<QStringList> rows{header};
    QStringList problems;
    for (const HostCheck& c : checks) {
        rows.append(hostCheckCells(c));
        for (const QString& p : c.problems)
            problems.append(QStringLiteral("  %1: %2").arg(c.host.name, p));
    }
    QList<int> widths(header.size(), 0);
    for (const QStringList& row : rows)
        for (int i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], int(row[i].size()));
    QString text;
    for (const QStringList& row : rows) {
        QStringList cells;
        for (int i = 0; i < row.size(); ++i)
            cells.append(i + 1 < row.size() ? row[i].leftJustified(widths[i]) : row[i]);
        text += cells.join(QStringLiteral("  ")).trimmed() + QLatin1Char('\n');
    }
    text += problems.isEmpty() ? QStringLiteral("\nEvery host is ready.\n")
                               : QStringLiteral("\nProblems:\n") +
                                     problems.join(QLatin1Char('\n')) + QLatin1Char('\n');
    return text;
}

QJsonObject hostCheckToJson(const HostCheck& c)
{
    const HostFacts& f = c.facts;
    QJsonObject ports;
    for (auto it = f.portFree.begin(); it != f.portFree.end(); ++it)
        ports.insert(QString::number(c.host.portFor(it.key())), it.value());
    QJsonArray roles;
    for (HostRole r : c.host.roles)
        roles.append(toKeyword(r));
    return {{QStringLiteral("name"), c.host.name},
            {QStringLiteral("address"), c.host.address},
            {QStringLiteral("privateAddress"), c.host.reachedAt()},
            {QStringLiteral("roles"), roles},
            {QStringLiteral("reached"), c.reached},
            {QStringLiteral("hostKey"), f.fingerprint},
            {QStringLiteral("os"), f.os},
            {QStringLiteral("kernel"), f.kernel},
            {QStringLiteral("cpuModel"), f.cpuModel},
            {QStringLiteral("cpus"), f.cpus},
            {QStringLiteral("memoryBytes"), double(f.memoryBytes)},
            {QStringLiteral("workdirFreeBytes"), double(f.workdirFreeBytes)},
            {QStringLiteral("openFilesSoft"), double(f.openFilesSoft)},
            {QStringLiteral("openFilesHard"), double(f.openFilesHard)},
            {QStringLiteral("clockOffsetMs"), f.clockOffsetMs},
            {QStringLiteral("clockUncertaintyMs"), f.clockUncertaintyMs},
            {QStringLiteral("portsFree"), ports},
            {QStringLiteral("problems"), QJsonArray::fromStringList(c.problems)}};
}

} // namespace gb::app
