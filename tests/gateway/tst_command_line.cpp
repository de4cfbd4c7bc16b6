#include "gateway/config/command_line.h"
#include "gateway/config/gateway_setup.h"
#include "gateway/config/json_reader.h"
#include "gateway/config/route_table.h"

#include <QStringList>
#include <QTest>

using gb::gateway::ConfigError;
using gb::gateway::GatewayOptions;
using gb::gateway::GatewaySetup;

namespace {

QString samplesDir()
{
    return QStringLiteral(GB_SOURCE_DIR "/resources/tyk");
}

std::variant<GatewayOptions, gb::cli::UsageError> parseArgs(const QStringList& list)
{
    std::vector<std::string> storage;
    for (const QString& s : list)
        storage.push_back(s.toStdString());
    std::vector<std::string_view> views(storage.begin(), storage.end());
    return gb::gateway::parseGatewayArgs(views);
}

GatewayOptions options(const QStringList& list)
{
    auto parsed = parseArgs(list);
    if (const auto* error = std::get_if<gb::cli::UsageError>(&parsed))
        qFatal("unexpected usage error: %s", error->message.c_str());
    return std::get<GatewayOptions>(parsed);
}

} // namespace

class TestCommandLine : public QObject
{
    Q_OBJECT
private slots:
    void noArguments()
    {
        const GatewayOptions o = options({});
        QVERIFY(!o.confPath && !o.listen && !o.target && !o.listenPath && !o.secret);
        QCOMPARE(o.threads, 0u);
        QVERIFY(!o.help);
    }

    void everyFlag_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("separate values") << QStringList{
            "--listen",  "127.0.0.1:9000", "--target", "http://u:8000", "--listen-path",
            "/apitest/", "--threads",      "4",        "--secret",      "s"};
        QTest::newRow("equals") << QStringList{"--listen=127.0.0.1:9000", "--target=http://u:8000",
                                               "--listen-path=/apitest/", "--threads=4",
                                               "--secret=s"};
        QTest::newRow("single dash, as Go") << QStringList{"-listen",
                                                           "127.0.0.1:9000",
                                                           "-target",
                                                           "http://u:8000",
                                                           "-listen-path=/apitest/",
                                                           "-threads",
                                                           "4",
                                                           "-secret",
                                                           "s"};
    }
    void everyFlag()
    {
        QFETCH(QStringList, args);
        const GatewayOptions o = options(args);
        QCOMPARE(o.listen->host, std::string("127.0.0.1"));
        QCOMPARE(o.listen->port, 9000);
        QCOMPARE(*o.target, std::string("http://u:8000"));
        QCOMPARE(*o.listenPath, std::string("/apitest/"));
        QCOMPARE(o.threads, 4u);
        QCOMPARE(*o.secret, std::string("s"));
    }

    void confAndHelp()
    {
        QCOMPARE(*options({"--conf=/etc/tyk/tyk.conf"}).confPath, std::string("/etc/tyk/tyk.conf"));
        QCOMPARE(*options({"--conf", "tyk.conf", "--listen", ":1"}).confPath,
                 std::string("tyk.conf"));
        QVERIFY(options({"--help"}).help);
        QVERIFY(options({"-h"}).help);
        QVERIFY(options({"--secret", "-starts-with-a-dash"}).secret == "-starts-with-a-dash");
        QVERIFY(options({"--secret", "a", "--secret", "b"}).secret == "b"); // last wins, as Go
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow(":port") << ":8080" << true << "" << 8080;
        QTest::newRow("bare port") << "8080" << true << "" << 8080;
        QTest::newRow("host:port") << "localhost:80" << true << "localhost" << 80;
        QTest::newRow("ephemeral") << "127.0.0.1:0" << true << "127.0.0.1" << 0;
        QTest::newRow("ipv6") << "[::1]:8080" << true << "::1" << 8080;
        QTest::newRow("ipv6 any") << "[::]:1" << true << "::" << 1;
        QTest::newRow("unbracketed ipv6") << "::1:8080" << false << "" << 0;
        QTest::newRow("no port") << "localhost:" << false << "" << 0;
        QTest::newRow("port too large") << ":65536" << false << "" << 0;
        QTest::newRow("not a number") << ":http" << false << "" << 0;
        QTest::newRow("negative") << ":-1" << false << "" << 0;
        QTest::newRow("ipv6 without port") << "[::1]" << false << "" << 0;
        QTest::newRow("empty") << "" << false << "" << 0;
        // The one parser serves gatebench-upstream's --addr too: hosts are checked.
        QTest::newRow("space in host") << "a b:80" << false << "" << 0;
        QTest::newRow("slash in host") << "a/b:80" << false << "" << 0;
        QTest::newRow("user in host") << "u@h:80" << false << "" << 0;
        QTest::newRow("empty brackets") << "[]:80" << false << "" << 0;
    }
    void listenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto address = gb::net::parseListenAddress(text.toStdString());
        QCOMPARE(address.has_value(), valid);
        if (valid) {
            QCOMPARE(QString::fromStdString(address->host), host);
            QCOMPARE(int(address->port), port);
        }
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fragment");
        // Go's flag package's words, as gatebench-load's and gatebench-upstream's.
        QTest::newRow("unknown flag")
            << QStringList{"--port", "1"} << "flag provided but not defined: --port";
        QTest::newRow("positional")
            << QStringList{"tyk.conf"} << "unexpected argument \"tyk.conf\"";
        QTest::newRow("lone dash") << QStringList{"-"} << "unexpected argument";
        QTest::newRow("missing value") << QStringList{"--conf"} << "flag needs an argument: --conf";
        QTest::newRow("empty conf")
            << QStringList{"--conf="} << "invalid value \"\" for flag --conf: a file name";
        QTest::newRow("bad listen")
            << QStringList{"--listen", "nowhere"} << "invalid value \"nowhere\" for flag --listen";
        QTest::newRow("zero threads") << QStringList{"--threads", "0"} << "for flag --threads";
        QTest::newRow("threads not a number")
            << QStringList{"--threads=many"} << "for flag --threads";
        QTest::newRow("too many threads") << QStringList{"--threads", "5000"} << "from 1 to 1024";
        QTest::newRow("help with value")
            << QStringList{"--help=yes"} << "invalid value \"yes\" for flag --help";
        QTest::newRow("conf with target")
            << QStringList{"--conf", "tyk.conf", "--target", "http://h"} << "cannot be combined";
        QTest::newRow("conf with listen path")
            << QStringList{"--listen-path", "/a/", "--conf", "tyk.conf"} << "cannot be combined";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, fragment);
        const auto parsed = parseArgs(args);
        const auto* error = std::get_if<gb::cli::UsageError>(&parsed);
        QVERIFY(error);
        QVERIFY2(QString::fromStdString(error->message).contains(fragment), error->message.c_str());
    }

    void helpSwitch()
    {
        QVERIFY(options({"--help"}).help);
        QVERIFY(options({"-h"}).help);
        QVERIFY(!options({"--help=false"}).help);
    }

    void usageMentionsEveryFlag()
    {
        const std::string usage = gb::gateway::gatewayUsage();
        for (const char* flag :
             {"--conf", "--listen", "--target", "--listen-path", "--threads", "--secret", "--help"})
            QVERIFY2(usage.find(flag) != std::string::npos, flag);
    }

    // The zero set-up command serves /apitest/json/valid from the upstream's /json/valid.
    void zeroSetUp()
    {
        const GatewaySetup setup = gb::gateway::makeGatewaySetup(
            options({"--listen", ":8080", "--target", "http://127.0.0.1:8000", "--listen-path",
                     "/apitest/"}));
        QCOMPARE(setup.config.listenAddress, std::string());
        QCOMPARE(setup.config.listenPort, 8080);
        QVERIFY(setup.config.appPath.empty());
        QVERIFY(setup.config.secret.empty());
        QVERIFY(setup.threads >= 1);
        QVERIFY(setup.flagApi.has_value());

        const gb::gateway::LoadResult loaded = gb::gateway::loadApis(setup);
        QVERIFY(loaded.errors.empty());
        QCOMPARE(loaded.apis.size(), std::size_t(1));
        const auto& api = loaded.apis[0];
        QVERIFY(api.useKeyless);
        QVERIFY(api.active);
        QVERIFY(api.sourceFile.empty());
        QVERIFY(api.originalJson.find("\"listen_path\":\"/apitest/\"") != std::string::npos);
        const gb::gateway::RouteTable table(loaded.apis);
        const auto m = table.match("/apitest/json/valid");
        QVERIFY(m);
        QCOMPARE(m.upstreamTarget(), std::string("/json/valid"));
        QCOMPARE(m.api->target.hostHeader, std::string("127.0.0.1:8000"));
    }

    void zeroSetUpDefaults()
    {
        const GatewaySetup setup = gb::gateway::makeGatewaySetup(options({"--threads", "3"}));
        QCOMPARE(setup.threads, 3u);
        QCOMPARE(setup.flagApi->listenPath, std::string("/"));
        QCOMPARE(setup.flagApi->target.port, 8000);
        QCOMPARE(setup.config.listenPort, 8080);
    }

    void badZeroSetUpFlags_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("https target")
            << QStringList{"--target", "https://h"}
            << "--target: the target URL \"https://h\" uses https, which is not supported: "
               "upstreams must be plain http://.";
        QTest::newRow("relative listen path") << QStringList{"--listen-path", "apitest/"}
                                              << "--listen-path \"apitest/\" must start with '/' "
                                                 "and contain no spaces, '?', '#' or '{}'.";
    }
    void badZeroSetUpFlags()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        try {
            gb::gateway::makeGatewaySetup(options(args));
            QFAIL("must throw");
        } catch (const ConfigError& e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
    }

    void confWithOverrides()
    {
        const QString conf = samplesDir() + "/tyk.conf";
        const GatewaySetup setup = gb::gateway::makeGatewaySetup(
            options({"--conf", conf, "--listen", "127.0.0.1:0", "--secret", "override"}));
        QCOMPARE(setup.config.listenAddress, std::string("127.0.0.1"));
        QCOMPARE(setup.config.listenPort, 0);
        QCOMPARE(setup.config.secret, std::string("override"));
        QVERIFY(!setup.flagApi);
        const gb::gateway::LoadResult loaded = gb::gateway::loadApis(setup);
        QVERIFY(loaded.errors.empty());
        QCOMPARE(loaded.apis.size(), std::size_t(2));
    }

    void missingConf()
    {
        try {
            gb::gateway::makeGatewaySetup(options({"--conf", "/nonexistent/tyk.conf"}));
            QFAIL("must throw");
        } catch (const ConfigError& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("/nonexistent/tyk.conf: the file does not exist."));
        }
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_command_line.moc"
