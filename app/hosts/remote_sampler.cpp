#include "app/hosts/remote_sampler.h"

#include "app/hosts/proc_stat.h"

namespace gb::app {

namespace {

using namespace std::chrono_literals;

/// One block a second: the cpu line, the two memory lines, "up NAME" or "down NAME" for each
/// pid file, "log NAME TEXT" for each line a server's log gained since the last block (at most
/// 64 KiB a second per log, the rest skipped with a line saying so; the offsets live in shell
/// variables), an empty line.
QString samplingLoop(const QString& workdir)
{
    return QStringLiteral(
               "while :; do head -n 1 /proc/stat; grep -E '^(MemTotal|MemAvailable):' "
               "/proc/meminfo; for f in %1/pids/*.pid; do [ -e \"$f\" ] || continue; "
               "n=${f##*/}; if kill -0 \"$(cat \"$f\")\" 2>/dev/null; then echo \"up ${n%.pid}\"; "
               "else echo \"down ${n%.pid}\"; fi; done; "
               "for f in %1/logs/*.log; do [ -e \"$f\" ] || continue; n=${f##*/}; n=${n%.log}; "
               "v=o_$(printf %s \"$n\" | tr -c 'A-Za-z0-9_' _); eval \"o=\\${$v:-0}\"; "
               "s=$(wc -c < \"$f\"); [ \"$s\" -lt \"$o\" ] && o=0; "
               "if [ \"$s\" -gt \"$o\" ]; then if [ $((s - o)) -gt 65536 ]; then "
               "echo \"log $n ($((s - o - 65536)) bytes of log skipped: more than the window "
               "shows per second)\"; o=$((s - 65536)); fi; "
               "tail -c +$((o + 1)) \"$f\" | head -c $((s - o)) | "
               "awk -v n=\"$n\" '{ print \"log \" n \" \" $0 }'; eval \"$v=$s\"; fi; done; "
               "echo; sleep 1; done")
        .arg(shellQuote(workdir));
}

qint64 memoryBytes(const QByteArray& line)
{
    // "MemTotal:       24567890 kB"
    return line.simplified().split(' ').value(1).toLongLong() * 1024;
}

} // namespace

Result<std::unique_ptr<RemoteSampler>>
RemoteSampler::start(const HostSpec& host, const SshOptions& ssh, const QString& workdir)
{
    using R = Result<std::unique_ptr<RemoteSampler>>;
    // A connection of its own: a libssh session is never used by two threads at once.
    auto session = SshSession::open(host, ssh);
    if (!session)
        return R::failure(session.error());
    auto stream = session.value()->start(samplingLoop(workdir));
    if (!stream)
        return R::failure(stream.error());
    return std::unique_ptr<RemoteSampler>(new RemoteSampler(host.name, std::move(stream).value()));
}

RemoteSampler::RemoteSampler(QString host, std::unique_ptr<SshCommand> stream)
    : m_host(std::move(host))
    , m_stream(std::move(stream))
    , m_thread([this] { read(); })
{}

RemoteSampler::~RemoteSampler()
{
    m_stop = true;
    m_thread.join(); // readLine waits 200 ms at most
}

void RemoteSampler::read()
{
    std::optional<CpuTicks> previous;
    MachineSample block;
    std::optional<CpuTicks> ticks;
    while (!m_stop) {
        const std::optional<QByteArray> line = m_stream->readLine(200ms);
        if (!line) {
            if (m_stream->ended() || !m_stream->error().isEmpty()) {
                std::lock_guard lock(m_mutex);
                m_error = m_stream->error().isEmpty()
                              ? QStringLiteral("%1: the sampling loop ended").arg(m_host)
                              : m_stream->error();
                return;
            }
            continue;
        }
        if (line->startsWith("cpu ")) {
            ticks = parseCpuLine(*line);
        } else if (line->startsWith("MemTotal:")) {
            block.memoryTotalBytes = memoryBytes(*line);
        } else if (line->startsWith("MemAvailable:")) {
            block.memoryAvailableBytes = memoryBytes(*line);
        } else if (line->startsWith("down ")) {
            const QString name = QString::fromUtf8(line->mid(5));
            std::lock_guard lock(m_mutex);
            if (!m_ended.contains(name))
                m_ended.append(name);
        } else if (line->startsWith("log ")) {
            // "log NAME TEXT": NAME is a server's name, without spaces.
            const qsizetype space = line->indexOf(' ', 4);
            const QString name = QString::fromUtf8(line->mid(4, space < 0 ? -1 : space - 4));
            const QString text = space < 0 ? QString() : QString::fromUtf8(line->mid(space + 1));
            std::lock_guard lock(m_mutex);
            if (m_logLines.size() >= kMaxKeptLogLines)
                m_logLines.removeFirst(); // nobody takes them: keep the newest
            m_logLines.append(QStringLiteral("%1 %2: %3").arg(m_host, name, text));
        } else if (line->isEmpty() && ticks) {
            block.host = m_host;
            block.source = QStringLiteral("/proc/stat and /proc/meminfo over SSH");
            if (previous && cpuShares(*previous, *ticks, block)) {
                std::lock_guard lock(m_mutex);
                m_latest = block;
            }
            previous = ticks;
            ticks.reset();
        }
    }
}

std::optional<MachineSample> RemoteSampler::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

QStringList RemoteSampler::endedServers() const
{
    std::lock_guard lock(m_mutex);
    return m_ended;
}

QStringList RemoteSampler::takeLogLines()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_logLines, {});
}

QString RemoteSampler::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

} // namespace gb::app
