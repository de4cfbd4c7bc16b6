// Hosts over SSH against three real OpenSSH servers on 127.0.0.2, .3 and .4 (the fixture starts
// them, with keys made for the test): the hosts file and its errors; an unknown host key refused
// with its fingerprint, then accepted and recorded; a hashed known_hosts entry honoured; a changed
// host key stopping before login with both fingerprints; an encrypted key's passphrase asked once
// and again when wrong; a wrong user, a wrong key, a closed port
// and a server that never answers, each one sentence within its timeout; the host check's facts
// and a port in use; `gatebench hosts check` as a user runs it. Loopback only.

#include "app/hosts/host_check.h"
#include "support/sshd_fixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

} // namespace

class TestHostCheck : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    std::unique_ptr<test::SshServer> m_hosts[3];
    int m_knownHostsFiles = 0;

    test::SshServer& server(int i) { return *m_hosts[i]; }
    /// A known_hosts file of its own for each test: what one test accepts, the next does not see.
    SshOptions options(UnknownHostKeys policy = UnknownHostKeys::Refuse)
    {
        SshOptions o;
        o.knownHostsFile =
            m_home.filePath(QStringLiteral("known_hosts.%1").arg(++m_knownHostsFiles));
        o.unknownHostKeys = policy;
        o.timeout = 5s;
        return o;
    }
    HostSpec gateway(int i = 0) const
    {
        HostSpec h = m_hosts[i]->host(QStringLiteral("gw"), {HostRole::Gateway});
        h.ports.insert(HostRole::Gateway, test::freePortOn(h.address));
        return h;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // Nothing of the user's: no agent, no ~/.ssh.
        qunsetenv("SSH_AUTH_SOCK");
        qputenv("HOME", m_home.path().toUtf8());
        const char* addresses[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        for (int i = 0; i < 3; ++i) {
            m_hosts[i] = std::make_unique<test::SshServer>(QString::fromLatin1(addresses[i]));
            QVERIFY2(m_hosts[i]->start(), qPrintable(m_hosts[i]->error()));
        }
    }

    void hostsFile()
    {
        const QByteArray text = R"({"hosts": [
            {"name": "gw", "address": "203.0.113.7", "port": 22, "user": "ec2-user",
             "identity_file": "~/.ssh/bench.pem", "private_address": "10.0.1.12",
             "roles": ["gateway", "redis"], "workdir": "/home/ec2-user/gatebench"},
            {"name": "up", "address": "203.0.113.8", "user": "ec2-user", "roles": ["upstream"],
             "ports": {"upstream": 9000}}]})";
        auto file = hostsFileFromJson(QJsonDocument::fromJson(text).object());
        QVERIFY2(file, qPrintable(file.error()));
        QCOMPARE(file->hosts.size(), 2);
        const HostSpec& gw = file->hosts[0];
        QCOMPARE(gw.identityPath(), m_home.path() + QStringLiteral("/.ssh/bench.pem"));
        QCOMPARE(gw.reachedAt(), QStringLiteral("10.0.1.12"));
        QCOMPARE(gw.portFor(HostRole::Gateway), 8080);
        QCOMPARE(file->hostFor(HostRole::Upstream)->portFor(HostRole::Upstream), 9000);
        QCOMPARE(file->hostFor(HostRole::Upstream)->reachedAt(), QStringLiteral("203.0.113.8"));
        QCOMPARE(file->hosts[1].port, 22);
        auto back = hostsFileFromJson(hostsFileToJson(file.value()));
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back.value(), file.value());

        // Each bad input named: the member, or the host and what is wrong with it.
        const std::pair<QByteArray, QString> bad[] = {
            {R"({"host": []})", QStringLiteral("a hosts file is an object with a \"hosts\" list")},
            {R"({"hosts": [{"name": "a", "address": "h", "user": "u", "roles": ["proxy"]}]})",
             QStringLiteral("hosts[0].roles has \"proxy\"")},
            {R"({"hosts": [{"name": "a", "address": "h", "user": "u", "roles": ["gateway"], "port": "22"}]})",
             QStringLiteral("hosts[0].port must be")},
            {R"({"hosts": [{"name": "a", "address": "-oProxyCommand=x", "user": "u", "roles": ["gateway"]}]})",
             QStringLiteral("hosts[0] (a): address \"-oProxyCommand=x\" is not a host name")},
            {R"({"hosts": [{"name": "a", "address": "h", "user": "u", "roles": []},
                           {"name": "a", "address": "h", "user": "", "roles": ["redis"], "port": 0}]})",
             QStringLiteral("hosts[0] (a): has no roles")},
        };
        for (const auto& [json, expected] : bad) {
            const auto refused = hostsFileFromJson(QJsonDocument::fromJson(json).object());
            QVERIFY2(!refused, json.constData());
            QVERIFY2(refused.error().contains(expected), qPrintable(refused.error()));
        }
        const auto several = hostsFileFromJson(QJsonDocument::fromJson(bad[4].first).object());
        for (const char* part : {"the name is used by another host",
                                 "user \"\" is not a login name", "port 0 is not from 1 to 65535"})
            QVERIFY2(several.error().contains(QLatin1String(part)), qPrintable(several.error()));
        QVERIFY(loadHostsFile(m_home.filePath(QStringLiteral("missing.json")))
                    .error()
                    .contains(QStringLiteral("cannot be read")));
    }

    void unknownHostKeyIsRefusedThenAccepted()
    {
        SshOptions refuse = options();
        auto refused = SshSession::open(gateway(), refuse);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(server(0).hostKeyFingerprint()),
                 qPrintable(refused.error()));
        QVERIFY2(refused.error().contains(QStringLiteral("--accept-new-host-keys")),
                 qPrintable(refused.error()));
        QVERIFY(!QFile::exists(refuse.knownHostsPath()));

        // Asked, and told no; then told yes.
        SshOptions ask = refuse;
        ask.unknownHostKeys = UnknownHostKeys::Ask;
        QString shown;
        ask.confirmHostKey = [&](const HostSpec&, const QString& fingerprint) {
            shown = fingerprint;
            return false;
        };
        QVERIFY(!SshSession::open(gateway(), ask));
        QCOMPARE(shown, server(0).hostKeyFingerprint());
        ask.confirmHostKey = [](const HostSpec&, const QString&) { return true; };
        auto accepted = SshSession::open(gateway(), ask);
        QVERIFY2(accepted, qPrintable(accepted.error()));
        QCOMPARE(accepted.value()->fingerprint(), server(0).hostKeyFingerprint());
        QFile known(refuse.knownHostsPath());
        QVERIFY(known.open(QIODevice::ReadOnly));
        QVERIFY(known.readAll().contains(
            QStringLiteral("[%1]:%2 ").arg(server(0).address()).arg(server(0).port()).toUtf8()));

        // Known now: no question asked.
        auto again = SshSession::open(gateway(), refuse);
        QVERIFY2(again, qPrintable(again.error()));
        auto echo =
            again.value()->exec(QStringLiteral("printf '%s' \"$0\"; cat; echo err >&2; exit 3"), 5s,
                                QByteArray("input"));
        QVERIFY2(echo, qPrintable(echo.error()));
        QCOMPARE(echo->exitStatus, 3);
        QVERIFY2(echo->out.endsWith("input"), echo->out.constData());
        QCOMPARE(echo->err, QByteArray("err\n"));
    }

    void hashedKnownHostsEntryIsHonoured()
    {
        SshOptions o = options();
        QFile known(o.knownHostsPath());
        QVERIFY(known.open(QIODevice::WriteOnly));
        known.write(QStringLiteral("[%1]:%2 %3\n")
                        .arg(server(1).address())
                        .arg(server(1).port())
                        .arg(server(1).hostKeyLine())
                        .toUtf8());
        known.close();
        QProcess hash;
        hash.start(QStringLiteral("ssh-keygen"),
                   {QStringLiteral("-H"), QStringLiteral("-f"), o.knownHostsPath()});
        QVERIFY(hash.waitForFinished(10000));
        QCOMPARE(hash.exitCode(), 0);
        QVERIFY(known.open(QIODevice::ReadOnly));
        const QByteArray hashed = known.readAll();
        known.close();
        QVERIFY2(hashed.startsWith("|1|") && !hashed.contains(server(1).address().toUtf8()),
                 hashed.constData());
        auto session = SshSession::open(gateway(1), o);
        QVERIFY2(session, qPrintable(session.error()));
    }

    void changedHostKeyStopsBeforeLogin()
    {
        SshOptions o = options(UnknownHostKeys::AcceptNew);
        QVERIFY(SshSession::open(gateway(2), o));
        const QString before = server(2).hostKeyFingerprint();
        QVERIFY2(server(2).changeHostKey(), qPrintable(server(2).error()));
        const QString after = server(2).hostKeyFingerprint();
        QVERIFY(before != after);
        // Even accept-new never replaces a key that changed.
        auto refused = SshSession::open(gateway(2), o);
        QVERIFY(!refused);
        for (const QString& part :
             {QStringLiteral("THE HOST KEY HAS CHANGED"), before, after, QStringLiteral("gw (")})
            QVERIFY2(refused.error().contains(part), qPrintable(refused.error()));
        const HostCheck check = checkHost(gateway(2), o);
        QVERIFY(!check.reached);
        QCOMPARE(check.problems.size(), 1);
        QVERIFY(check.problems.first().contains(after));
    }

    void loginFailuresAreOneSentence()
    {
        SshOptions o = options(UnknownHostKeys::AcceptNew);
        HostSpec wrongUser = gateway();
        wrongUser.user = QStringLiteral("no-such-user-gb");
        auto refused = SshSession::open(wrongUser, o);
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().contains(QStringLiteral("user \"no-such-user-gb\" was not let in")),
            qPrintable(refused.error()));

        HostSpec wrongKey = gateway();
        wrongKey.identityFile = server(1).clientKey(); // another fixture's key
        refused = SshSession::open(wrongKey, o);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(server(1).clientKey()), qPrintable(refused.error()));

        HostSpec noKey = gateway();
        noKey.identityFile = m_home.filePath(QStringLiteral("absent.pem"));
        refused = SshSession::open(noKey, o);
        QVERIFY2(refused.error().contains(QStringLiteral("does not exist")),
                 qPrintable(refused.error()));

        HostSpec notAKey = gateway();
        notAKey.identityFile = o.knownHostsPath();
        o.passphrase = [](const QString&, PassphraseAsk) {
            return std::optional<QString>(QStringLiteral("guess"));
        };
        refused = SshSession::open(notAKey, o);
        QVERIFY2(refused.error().contains(QStringLiteral("cannot be used")),
                 qPrintable(refused.error()));
    }

    void encryptedKeyIsAskedOnceAndRetriedWhenWrong()
    {
        const QString key = server(2).addEncryptedClientKey(QStringLiteral("right horse"));
        QVERIFY2(!key.isEmpty(), qPrintable(server(2).error()));
        HostSpec host = gateway(2);
        host.identityFile = key;

        // What the user types, in order: a wrong passphrase, then the right one.
        QStringList typed = {QStringLiteral("wrong"), QStringLiteral("right horse")};
        QList<PassphraseAsk> asked;
        SshOptions o = options(UnknownHostKeys::AcceptNew);
        o.passphrase = rememberPassphrases(
            [&](const QString& path, PassphraseAsk why) -> std::optional<QString> {
                [&] { QCOMPARE(path, key); }();
                asked.append(why);
                return typed.isEmpty() ? std::nullopt : std::optional(typed.takeFirst());
            });
        auto session = SshSession::open(host, o);
        QVERIFY2(session, qPrintable(session ? QString() : session.error()));
        QCOMPARE(asked, (QList<PassphraseAsk>{PassphraseAsk::First, PassphraseAsk::Retry}));

        // The same key again in this session: not asked, the right one is remembered.
        session = SshSession::open(host, o);
        QVERIFY(session);
        QCOMPARE(asked.size(), 2);

        // Giving up is one sentence, not three more questions.
        SshOptions giveUp = options(UnknownHostKeys::AcceptNew);
        int questions = 0;
        giveUp.passphrase = rememberPassphrases([&](const QString&, PassphraseAsk) {
            ++questions;
            return std::optional<QString>();
        });
        auto refused = SshSession::open(host, giveUp);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("no right passphrase")),
                 qPrintable(refused.error()));
        QCOMPARE(questions, 1);
    }

    void unreachableHostsFailWithinTheTimeout()
    {
        SshOptions o = options(UnknownHostKeys::AcceptNew);
        o.timeout = 2s;
        HostSpec closed = gateway();
        closed.address = QStringLiteral("127.0.0.5");
        closed.port = test::freePortOn(closed.address);
        QElapsedTimer clock;
        clock.start();
        auto refused = SshSession::open(closed, o);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("cannot connect")),
                 qPrintable(refused.error()));
        QVERIFY(clock.elapsed() < 2000);

        // Accepts the TCP connection, never says a word.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress(QStringLiteral("127.0.0.5")), 0));
        HostSpec mute = closed;
        mute.port = silent.serverPort();
        clock.restart();
        refused = SshSession::open(mute, o);
        QVERIFY(!refused);
        QVERIFY2(clock.elapsed() < 6000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(refused.error().startsWith(QStringLiteral("gw (")), qPrintable(refused.error()));
    }

    void checkReadsEveryHost()
    {
        HostsFile file;
        const char* names[] = {"up", "gw", "redis"};
        const HostRole roles[] = {HostRole::Upstream, HostRole::Gateway, HostRole::Redis};
        for (int i = 0; i < 3; ++i) {
            HostSpec h = server(i).host(QString::fromLatin1(names[i]), {roles[i]});
            h.ports.insert(roles[i], test::freePortOn(h.address));
            file.hosts.append(h);
        }
        // A port that is in use on the gateway host.
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress(server(1).address()), 0));
        file.hosts[1].roles.append(HostRole::LoadGen);
        file.hosts[1].roles.append(HostRole::Redis);
        file.hosts[1].ports.insert(HostRole::Redis, busy.serverPort());

        const SshOptions o = options(UnknownHostKeys::AcceptNew);
        // changedHostKeyStopsBeforeLogin gave host 2 a new key; this known_hosts is new.
        const QList<HostCheck> checks = checkHosts(file, o);
        QCOMPARE(checks.size(), 3);
        for (const HostCheck& c : checks) {
            QVERIFY2(c.reached, qPrintable(c.problems.join(u'\n')));
            QVERIFY2(c.facts.kernel.startsWith(QStringLiteral("Linux")),
                     qPrintable(c.facts.kernel));
            QVERIFY(!c.facts.os.isEmpty());
            QCOMPARE(c.facts.cpus, int(::sysconf(_SC_NPROCESSORS_ONLN)));
            QVERIFY(c.facts.memoryBytes > (1ll << 28));
            QVERIFY(c.facts.workdirFreeBytes > 0);
            QVERIFY(c.facts.openFilesHard != 0);
            // The same clock: the offset is within the reading's own uncertainty (+ 1 ms rounding).
            QVERIFY2(std::abs(c.facts.clockOffsetMs) <= c.facts.clockUncertaintyMs + 1,
                     qPrintable(QStringLiteral("%1 ± %2")
                                    .arg(c.facts.clockOffsetMs)
                                    .arg(c.facts.clockUncertaintyMs)));
            QVERIFY(c.facts.fingerprint.startsWith(QStringLiteral("SHA256:")));
        }
        QVERIFY2(checks[0].ok(), qPrintable(checks[0].problems.join(u'\n')));
        QVERIFY2(checks[2].ok(), qPrintable(checks[2].problems.join(u'\n')));
        QVERIFY(checks[1].facts.portFree.value(HostRole::Gateway));
        QVERIFY(!checks[1].facts.portFree.value(HostRole::Redis));
        QCOMPARE(checks[1].problems,
                 QStringList{QStringLiteral("port %1 (redis) is in use").arg(busy.serverPort())});
        const QString table = hostChecksText(checks);
        QVERIFY2(
            table.contains(QStringLiteral("gw: port %1 (redis) is in use").arg(busy.serverPort())),
            qPrintable(table));
        QCOMPARE(hostCheckToJson(checks[0]).value(QStringLiteral("cpus")).toInt(),
                 checks[0].facts.cpus);
    }

    void hostsCheckCommand()
    {
        HostsFile file;
        file.hosts = {server(0).host(QStringLiteral("up"), {HostRole::Upstream}),
                      server(1).host(QStringLiteral("gw"), {HostRole::LoadGen})};
        file.hosts[0].ports.insert(HostRole::Upstream, test::freePortOn(server(0).address()));
        const QString path = m_home.filePath(QStringLiteral("hosts.json"));
        QCOMPARE(saveHostsFile(file, path), QString());
        const QString knownHosts = m_home.filePath(QStringLiteral("cli_known_hosts"));
        auto gatebench = [&](QStringList extra) {
            QProcess p;
            p.start(kBinDir + QStringLiteral("/gatebench"),
                    QStringList{QStringLiteral("hosts"), QStringLiteral("check"), path,
                                QStringLiteral("--known-hosts"), knownHosts} +
                        extra);
            p.closeWriteChannel();
            const bool finished = p.waitForFinished(60000);
            return std::tuple{finished ? p.exitCode() : -1,
                              QString::fromUtf8(p.readAllStandardOutput()),
                              QString::fromUtf8(p.readAllStandardError())};
        };
        auto [refusedStatus, refusedOut, refusedErr] = gatebench({});
        QCOMPARE(refusedStatus, 1);
        QVERIFY2(refusedOut.contains(server(0).hostKeyFingerprint()), qPrintable(refusedOut));
        QVERIFY2(refusedOut.contains(QStringLiteral("not reached")), qPrintable(refusedOut));

        const QString json = m_home.filePath(QStringLiteral("check.json"));
        auto [status, out, err] =
            gatebench({QStringLiteral("--accept-new-host-keys"), QStringLiteral("--json"), json});
        QVERIFY2(status == 0, qPrintable(out + err));
        QVERIFY2(out.startsWith(QStringLiteral("HOST")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Every host is ready.")), qPrintable(out));
        QFile written(json);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(written.readAll())
                     .object()
                     .value(QStringLiteral("hosts"))
                     .toArray()
                     .size(),
                 2);

        auto [usage, usageOut, usageErr] =
            gatebench({QStringLiteral("--timeout"), QStringLiteral("soon")});
        QCOMPARE(usage, 2);
        QVERIFY2(usageErr.contains(QStringLiteral("--timeout \"soon\"")), qPrintable(usageErr));
    }
};

QTEST_GUILESS_MAIN(TestHostCheck)
#include "tst_host_check.moc"
