#include "engine/cli_options.h"
#include "engine/request.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryFile>
#include <QTest>

#include <string>
#include <vector>

using namespace gb::engine;
using namespace std::chrono_literals;

namespace {

const QString kUrl = QStringLiteral("http://127.0.0.1:8080/json/valid");

std::vector<std::string> toArgs(const QStringList& list)
{
    std::vector<std::string> out;
    for (const QString& s : list)
        out.push_back(s.toStdString());
    return out;
}

QString ns(Nanos d)
{
    return QString::number(qlonglong(d.count()));
}

/// One field of the parsed options as text, so the table can name the field it checks.
QString field(const CliOptions& o, const QString& name)
{
    const LoadConfig& c = o.config;
    const RequestSpec& r = c.request;
    if (name == "requests")
        return QString::number(qulonglong(c.requests));
    if (name == "connections")
        return QString::number(c.connections);
    if (name == "perWorkerRate")
        return QString::number(c.perWorkerRate);
    if (name == "totalRate")
        return QString::number(c.totalRate);
    if (name == "duration")
        return ns(c.duration);
    if (name == "timeout")
        return ns(c.timeout);
    if (name == "warmup")
        return ns(c.warmup);
    if (name == "interval")
        return ns(c.interval);
    if (name == "threads")
        return QString::number(c.threads);
    if (name == "method")
        return QString::fromStdString(r.method);
    if (name == "headers") {
        QStringList h;
        for (const auto& [k, v] : r.headers)
            h << QString::fromStdString(k + "=" + v);
        return h.join('|');
    }
    if (name == "body")
        return QString::fromStdString(r.body);
    if (name == "contentType")
        return QString::fromStdString(r.contentType);
    if (name == "accept")
        return QString::fromStdString(r.accept);
    if (name == "basicAuth")
        return QString::fromStdString(r.basicAuth);
    if (name == "hostOverride")
        return QString::fromStdString(r.hostOverride);
    if (name == "keepAlive")
        return r.keepAlive ? "true" : "false";
    if (name == "url")
        return QString::fromStdString(r.url.scheme + "|" + r.url.host + "|" +
                                      std::to_string(r.url.port) + "|" + r.url.target);
    if (name == "stages") {
        QStringList s;
        for (const Stage& st : c.stages)
            s << ns(st.duration) + ":" + QString::number(st.targetRps);
        return s.join(',');
    }
    if (name == "model")
        return c.model() == LoadModel::OpenLoop        ? "open"
               : c.model() == LoadModel::PerWorkerRate ? "per-worker"
                                                       : "closed";
    if (name == "csv")
        return o.csv ? "true" : "false";
    if (name == "json")
        return QString::fromStdString(o.jsonPath);
    if (name == "live")
        return QString::fromStdString(o.livePath);
    if (name == "help")
        return o.help ? "true" : "false";
    return "<unknown field " + name + ">";
}

/// The serialized request's head lines (request line first), and its body.
struct Wire
{
    QStringList lines;
    QByteArray body;
};

Wire wire(const QStringList& args)
{
    const auto parsed = parseCommandLine(toArgs(args));
    if (const auto* e = std::get_if<UsageError>(&parsed)) {
        qWarning("usage error: %s", e->message.c_str());
        return {};
    }
    const QByteArray bytes =
        QByteArray::fromStdString(serializeRequest(std::get<CliOptions>(parsed).config.request));
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    Wire w;
    w.lines = QString::fromLatin1(bytes.left(end)).split("\r\n");
    w.body = bytes.mid(end + 4);
    return w;
}

} // namespace

class TestCliOptions : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const auto parsed = parseCommandLine({kUrl.toStdString()});
        QVERIFY(std::holds_alternative<CliOptions>(parsed));
        const CliOptions& o = std::get<CliOptions>(parsed);
        const LoadConfig& c = o.config;
        // hey's defaults: -n 200, -c 50, -t 20, -T text/html, GET, keep-alive.
        QCOMPARE(c.requests, 200u);
        QCOMPARE(c.connections, 50);
        QCOMPARE(c.timeout, Nanos(20s));
        QCOMPARE(c.request.contentType, std::string("text/html"));
        QCOMPARE(c.request.method, std::string("GET"));
        QVERIFY(c.request.keepAlive);
        QCOMPARE(c.duration, Nanos(0));
        QCOMPARE(c.warmup, Nanos(0));
        QCOMPARE(c.interval, Nanos(1s));
        QCOMPARE(c.threads, 0);
        QCOMPARE(c.perWorkerRate, 0.0);
        QCOMPARE(c.totalRate, 0.0);
        QVERIFY(c.stages.empty());
        QCOMPARE(c.model(), LoadModel::ClosedLoop);
        QVERIFY(c.request.headers.empty());
        QVERIFY(c.request.body.empty());
        QVERIFY(!o.csv && !o.help && o.jsonPath.empty() && o.livePath.empty());
        QCOMPARE(c.request.url.host, std::string("127.0.0.1"));
        QCOMPARE(c.request.url.port, 8080);
        QCOMPARE(c.request.url.target, std::string("/json/valid"));
    }

    void flags_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, QStringList args, const char* f, const QString& expected) {
            args << kUrl;
            QTest::newRow(name) << args << QString(f) << expected;
        };
        // hey's flags
        row("-n", {"-n", "1000"}, "requests", "1000");
        row("-c", {"-c", "7"}, "connections", "7");
        row("-q", {"-q", "1500"}, "perWorkerRate", "1500");
        row("-q model", {"-q", "1500"}, "model", "per-worker");
        row("-z", {"-z", "10s"}, "duration", "10000000000");
        row("-z go duration", {"-z", "1m30.5s"}, "duration", "90500000000");
        row("-z overrides -n", {"-n", "1000", "-z", "3s"}, "requests", "0");
        row("-n after -z still overridden", {"-z", "3s", "-n", "1000"}, "requests", "0");
        row("-o csv", {"-o", "csv"}, "csv", "true");
        row("-m", {"-m", "POST"}, "method", "POST");
        row("-m lower case", {"-m", "patch"}, "method", "PATCH");
        row("-H", {"-H", "X-Api-Key: abc"}, "headers", "X-Api-Key=abc");
        row("-H repeated", {"-H", "A: 1", "-H", "B:2", "-H", "Accept: text/plain"}, "headers",
            "A=1|B=2|Accept=text/plain");
        row("-H value with colon", {"-H", "X-Time: 12:00:01"}, "headers", "X-Time=12:00:01");
        row("-t", {"-t", "5"}, "timeout", "5000000000");
        row("-t fraction", {"-t", "0.25"}, "timeout", "250000000");
        row("-t 0 is none", {"-t", "0"}, "timeout", "0");
        row("-A", {"-A", "application/json"}, "accept", "application/json");
        row("-d", {"-d", "{\"a\":1}"}, "body", "{\"a\":1}");
        row("-T", {"-T", "application/json"}, "contentType", "application/json");
        row("-a", {"-a", "user:pass"}, "basicAuth", "user:pass");
        row("-host", {"-host", "api.example.com"}, "hostOverride", "api.example.com");
        row("-disable-keepalive", {"-disable-keepalive"}, "keepAlive", "false");
        row("-disable-keepalive=false", {"-disable-keepalive=false"}, "keepAlive", "true");
        row("-disable-compression", {"-disable-compression"}, "keepAlive", "true");
        row("-disable-redirects", {"-disable-redirects"}, "keepAlive", "true");
        row("-h2=false", {"-h2=false"}, "keepAlive", "true");
        row("-cpus", {"-cpus", "3"}, "threads", "3");
        // What hey accepts where we used to refuse, with hey's meaning (hey.go, requester.go).
        row("-cpus 0: the default", {"-cpus", "0"}, "threads", "0");
        row("-cpus negative: the default", {"-cpus", "-2"}, "threads", "0");
        row("-q -1: no limit", {"-q", "-1"}, "perWorkerRate", "0");
        row("-q -1 model", {"-q", "-1"}, "model", "closed");
        row("-n 0 with -z", {"-n", "0", "-z", "2s"}, "requests", "0");
        row("-n negative with -z", {"-z", "2s", "-n", "-5"}, "requests", "0");
        row("-m with a dash", {"-m", "M-SEARCH"}, "method", "M-SEARCH");
        row("-m other token", {"-m", "propfind"}, "method", "PROPFIND");
        // Ours
        row("--rate", {"--rate", "2000"}, "totalRate", "2000");
        row("--rate model", {"--rate", "2000"}, "model", "open");
        row("--rate keeps -n", {"--rate", "2000", "-n", "5000"}, "requests", "5000");
        row("--stages", {"--stages", "10s:1000,30s:1000,10s:0"}, "stages",
            "10000000000:1000,30000000000:1000,10000000000:0");
        row("--stages model", {"--stages", "10s:1000"}, "model", "open");
        row("--stages end the run", {"--stages", "10s:1000"}, "requests", "0");
        row("--stages with -n", {"--stages", "10s:1000", "-n", "300"}, "requests", "300");
        row("--warmup", {"--warmup", "2s", "-z", "10s"}, "warmup", "2000000000");
        row("--threads", {"--threads", "4"}, "threads", "4");
        row("--interval", {"--interval", "250ms"}, "interval", "250000000");
        row("--json", {"--json", "-"}, "json", "-");
        row("--live", {"--live", "/tmp/live.jsonl"}, "live", "/tmp/live.jsonl");
        row("--help", {"--help"}, "help", "true");
        // Spellings: Go's flag package takes one or two dashes, "-flag value" or "-flag=value".
        row("-flag=value", {"-n=321"}, "requests", "321");
        row("--flag value", {"--n", "321"}, "requests", "321");
        row("--flag=value", {"--c=9"}, "connections", "9");
        row("-rate single dash", {"-rate", "10"}, "totalRate", "10");
        row("=value with =", {"-H=X-Eq: a=b"}, "headers", "X-Eq=a=b");
        row("value starting with a dash", {"-d", "-x"}, "body", "-x");
        QTest::newRow("flags after the URL") << QStringList{kUrl, "-c", "3"} << "connections"
                                             << "3";
        // URLs
        QTest::newRow("url parts") << QStringList{"http://h.example:81/a/b?x=1&y=2#frag"} << "url"
                                   << "http|h.example|81|/a/b?x=1&y=2";
        QTest::newRow("url default port") << QStringList{"http://h.example"} << "url"
                                          << "http|h.example|80|/";
        QTest::newRow("url https") << QStringList{"HTTPS://h.example/x"} << "url"
                                   << "https|h.example|443|/x";
        QTest::newRow("url query only") << QStringList{"http://h.example?q=1"} << "url"
                                        << "http|h.example|80|/?q=1";
        QTest::newRow("url ipv6") << QStringList{"http://[::1]:8080/"} << "url"
                                  << "http|::1|8080|/";
    }
    void flags()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        const auto parsed = parseCommandLine(toArgs(args));
        if (const auto* e = std::get_if<UsageError>(&parsed))
            QFAIL(qPrintable("usage error: " + QString::fromStdString(e->message)));
        QCOMPARE(::field(std::get<CliOptions>(parsed), field), expected);
    }

    void bodyFromFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        static const char kPayload[] = "{\"key\":\"value\",\"bin\":\"\x01\x02\"}\n";
        const QByteArray payload(kPayload, sizeof kPayload - 1); // binary bytes survive
        file.write(payload);
        file.close();
        const auto parsed = parseCommandLine(
            {"-m", "POST", "-D", file.fileName().toStdString(), kUrl.toStdString()});
        QVERIFY(std::holds_alternative<CliOptions>(parsed));
        QCOMPARE(QByteArray::fromStdString(std::get<CliOptions>(parsed).config.request.body),
                 payload);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message"); // a part of the one line the user sees
        QTest::newRow("unknown flag")
            << QStringList{"-bogus", "1", kUrl} << "flag provided but not defined: -bogus";
        QTest::newRow("unknown long flag")
            << QStringList{"--bogus", kUrl} << "flag provided but not defined: -bogus";
        QTest::newRow("missing URL") << QStringList{"-n", "10"} << "missing URL";
        QTest::newRow("two URLs") << QStringList{kUrl, kUrl} << "only one URL";
        QTest::newRow("URL without scheme")
            << QStringList{"127.0.0.1:8080/"} << "has no scheme: use http://127.0.0.1:8080/";
        QTest::newRow("URL bad scheme")
            << QStringList{"ftp://h/"} << "unsupported URL scheme \"ftp\"";
        QTest::newRow("URL no host") << QStringList{"http:///path"} << "missing host";
        QTest::newRow("URL bad port") << QStringList{"http://h:99999/"} << "bad port \"99999\"";
        QTest::newRow("URL port letters") << QStringList{"http://h:80a/"} << "bad port";
        QTest::newRow("URL credentials") << QStringList{"http://u:p@h/"} << "use -a user:pass";
        QTest::newRow("URL space") << QStringList{"http://h/a b"} << "whitespace in path";
        QTest::newRow("URL open IPv6") << QStringList{"http://[::1/"} << "unclosed IPv6";
        QTest::newRow("duration without unit")
            << QStringList{"-z", "10", kUrl} << "invalid value \"10\" for flag -z";
        QTest::newRow("duration junk") << QStringList{"-z", "soon", kUrl} << "for flag -z";
        QTest::newRow("duration negative") << QStringList{"-z", "-5s", kUrl} << "for flag -z";
        QTest::newRow("duration zero") << QStringList{"-z", "0", kUrl} << "for flag -z";
        QTest::newRow("warmup junk") << QStringList{"--warmup", "x", kUrl} << "for flag -warmup";
        QTest::newRow("warmup not shorter")
            << QStringList{"--warmup", "5s", "-z", "5s", kUrl} << "--warmup must be shorter";
        QTest::newRow("interval too short")
            << QStringList{"--interval", "1ms", kUrl} << "at least 10ms";
        QTest::newRow("-n < -c") << QStringList{"-n", "10", "-c", "50", kUrl}
                                 << "-n cannot be less than -c";
        QTest::newRow("-n default < -c")
            << QStringList{"-c", "201", kUrl} << "-n cannot be less than -c";
        QTest::newRow("-n zero") << QStringList{"-n", "0", kUrl} << "-n cannot be smaller than 1";
        QTest::newRow("-n negative")
            << QStringList{"-n", "-3", kUrl} << "-n cannot be smaller than 1";
        QTest::newRow("-n fraction") << QStringList{"-n", "1.5", kUrl} << "for flag -n";
        QTest::newRow("-c zero") << QStringList{"-c", "0", kUrl} << "for flag -c";
        QTest::newRow("-c junk") << QStringList{"-c", "many", kUrl} << "for flag -c";
        QTest::newRow("-q tiny") << QStringList{"-q", "0.0001", kUrl} << "for flag -q";
        QTest::newRow("-t negative") << QStringList{"-t", "-1", kUrl} << "for flag -t";
        QTest::newRow("-t infinite") << QStringList{"-t", "inf", kUrl} << "for flag -t";
        QTest::newRow("-x") << QStringList{"-x", "http://proxy:3128", kUrl}
                            << "-x: HTTP proxies are not supported";
        QTest::newRow("-h2") << QStringList{"-h2", kUrl} << "-h2: HTTP/2 is not supported";
        QTest::newRow("-h2=maybe") << QStringList{"-h2=maybe", kUrl} << "expected true or false";
        QTest::newRow("-H without colon")
            << QStringList{"-H", "NoColon", kUrl} << "for flag -H: expected \"Name: value\"";
        QTest::newRow("-H empty name") << QStringList{"-H", ": v", kUrl} << "for flag -H";
        QTest::newRow("-H name with a space")
            << QStringList{"-H", "X Key: v", kUrl} << "for flag -H: expected \"Name: value\"";
        QTest::newRow("-H with CRLF")
            << QStringList{"-H", "A: b\r\nEvil: 1", kUrl} << "for flag -H";
        QTest::newRow("-m with space") << QStringList{"-m", "GET /", kUrl} << "for flag -m";
        QTest::newRow("-o template") << QStringList{"-o", "{{ .Rps }}", kUrl}
                                     << "Go template, which gatebench-load does not run; use -o "
                                        "csv, or --json FILE";
        QTest::newRow("-h: hey's deprecated header flag")
            << QStringList{"-h", "X-A: 1", kUrl}
            << "for flag -h: deprecated, please use -H instead";
        QTest::newRow("-h alone") << QStringList{"-h"} << "flag needs an argument: -h";
        QTest::newRow("-a without colon")
            << QStringList{"-a", "user", kUrl} << "expected username:password";
        QTest::newRow("-cpus junk") << QStringList{"-cpus", "all", kUrl} << "for flag -cpus";
        QTest::newRow("-D missing file")
            << QStringList{"-D", "/nonexistent/body.json", kUrl} << "cannot read request body file";
        QTest::newRow("--stages no rate")
            << QStringList{"--stages", "10s", kUrl} << "invalid stage \"10s\"";
        QTest::newRow("--stages bad rate")
            << QStringList{"--stages", "10s:fast", kUrl} << "invalid stage \"10s:fast\"";
        QTest::newRow("--stages bad duration")
            << QStringList{"--stages", "10:100", kUrl} << "invalid stage \"10:100\"";
        QTest::newRow("--stages negative")
            << QStringList{"--stages", "10s:-5", kUrl} << "invalid stage";
        QTest::newRow("--stages empty")
            << QStringList{"--stages", "", kUrl} << "--stages needs at least one";
        QTest::newRow("--rate zero") << QStringList{"--rate", "0", kUrl} << "for flag -rate";
        QTest::newRow("-q with --rate")
            << QStringList{"-q", "10", "--rate", "100", kUrl} << "exclude each other";
        QTest::newRow("-q with --stages")
            << QStringList{"-q", "10", "--stages", "1s:5", kUrl} << "exclude each other";
        QTest::newRow("flag without value")
            << QStringList{kUrl, "-n"} << "flag needs an argument: -n";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto parsed = parseCommandLine(toArgs(args));
        const auto* e = std::get_if<UsageError>(&parsed);
        QVERIFY2(e != nullptr, "accepted");
        const QString text = QString::fromStdString(e->message);
        QVERIFY2(text.contains(message), qPrintable(text));
        // One clear line: main() prints it after "gatebench-load: ", a line break the user
        // typed escaped (tst_gatebench_load checks that).
        QVERIFY2(text.size() < 200, qPrintable(text));
    }

    void usageTextListsEveryFlag()
    {
        const QString text = QString::fromStdString(usage());
        for (const char* flag : {"-n",
                                 "-c",
                                 "-q",
                                 "-z",
                                 "-o",
                                 "-m",
                                 "-H",
                                 "-t",
                                 "-A",
                                 "-d",
                                 "-D",
                                 "-T",
                                 "-a",
                                 "-host",
                                 "-disable-compression",
                                 "-disable-keepalive",
                                 "-disable-redirects",
                                 "-cpus",
                                 "-threads",
                                 "-x",
                                 "-h2",
                                 "-h",
                                 "-rate",
                                 "-stages",
                                 "-warmup",
                                 "-interval",
                                 "-json",
                                 "-live",
                                 "-help"})
            QVERIFY2(text.contains(QRegularExpression(
                         QStringLiteral("(^|[ ,])%1[ ,\n]").arg(QRegularExpression::escape(flag)),
                         QRegularExpression::MultilineOption)),
                     flag);
        // Every line fits a terminal of 100 columns.
        for (const QString& line : text.split('\n'))
            QVERIFY2(line.size() <= 100, qPrintable(line));
    }

    // The README's table of flags is the one the parser reads (change the table, then paste
    // what this prints on failure into README.md).
    void readmeTableIsTheParsersTable()
    {
        QFile readme(QStringLiteral(GB_SOURCE_DIR "/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString table = QString::fromStdString(flagsMarkdown());
        if (!QString::fromUtf8(readme.readAll()).contains(table)) {
            qInfo("The table README.md should hold:\n%s", qPrintable(table));
            QFAIL("README.md lacks gatebench-load's table of flags (it is printed above)");
        }
    }

    void parseStagesDirectly()
    {
        const auto ok = parseStages("500ms:10,1m:0.5");
        QVERIFY(std::holds_alternative<std::vector<Stage>>(ok));
        const auto& stages = std::get<std::vector<Stage>>(ok);
        QCOMPARE(stages.size(), std::size_t{2});
        QCOMPARE(stages[0].duration, Nanos(500ms));
        QCOMPARE(stages[0].targetRps, 10.0);
        QCOMPARE(stages[1].duration, Nanos(60s));
        QCOMPARE(stages[1].targetRps, 0.5);
        QVERIFY(std::holds_alternative<UsageError>(parseStages("1s:1,,2s:2")));
    }

    // The bytes every request writes.

    void requestLineAndHost_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("requestLine");
        QTest::addColumn<QString>("host");
        QTest::newRow("non-default port") << "http://127.0.0.1:8080/json/valid?x=1"
                                          << "GET /json/valid?x=1 HTTP/1.1"
                                          << "Host: 127.0.0.1:8080";
        QTest::newRow("default port") << "http://example.com:80/"
                                      << "GET / HTTP/1.1"
                                      << "Host: example.com";
        QTest::newRow("https default port") << "https://example.com:443/a"
                                            << "GET /a HTTP/1.1"
                                            << "Host: example.com";
        QTest::newRow("https other port") << "https://example.com:8443/a"
                                          << "GET /a HTTP/1.1"
                                          << "Host: example.com:8443";
        QTest::newRow("http on 443") << "http://example.com:443/"
                                     << "GET / HTTP/1.1"
                                     << "Host: example.com:443";
        QTest::newRow("ipv6") << "http://[::1]:9000/"
                              << "GET / HTTP/1.1"
                              << "Host: [::1]:9000";
        QTest::newRow("no path") << "http://example.com"
                                 << "GET / HTTP/1.1"
                                 << "Host: example.com";
        QTest::newRow("fragment dropped") << "http://example.com/p#top"
                                          << "GET /p HTTP/1.1"
                                          << "Host: example.com";
    }
    void requestLineAndHost()
    {
        QFETCH(QString, url);
        QFETCH(QString, requestLine);
        QFETCH(QString, host);
        const Wire w = wire({url});
        QVERIFY(w.lines.size() >= 3);
        QCOMPARE(w.lines[0], requestLine);
        QCOMPARE(w.lines[1], host);
        QVERIFY(w.lines.contains(QRegularExpression("^User-Agent: gatebench-load/\\S+$")));
        // A GET without -d carries no Content-Length, and keep-alive is HTTP/1.1's default; its
        // Content-Type is hey's: set on every request (hey.go, header.Set("Content-Type", ...)).
        QVERIFY(!w.lines.join('\n').contains("Content-Length"));
        QVERIFY(w.lines.contains("Content-Type: text/html"));
        QVERIFY(!w.lines.join('\n').contains("Connection"));
        QVERIFY(w.body.isEmpty());
    }

    void bodyAndContentLength()
    {
        const Wire w = wire({"-m", "POST", "-d", "{\"id\":42}", "-T", "application/json", kUrl});
        QCOMPARE(w.lines[0], QString("POST /json/valid HTTP/1.1"));
        QVERIFY(w.lines.contains("Content-Type: application/json"));
        QVERIFY(w.lines.contains("Content-Length: 9"));
        QCOMPARE(w.body, QByteArray("{\"id\":42}"));

        const Wire empty = wire({"-m", "POST", kUrl});
        QVERIFY(empty.lines.contains("Content-Length: 0"));
        QVERIFY(empty.lines.contains("Content-Type: text/html")); // hey's -T default
        QVERIFY(empty.body.isEmpty());

        const Wire getWithBody = wire({"-d", "abc", kUrl});
        QVERIFY(getWithBody.lines.contains("Content-Length: 3"));
        QCOMPARE(getWithBody.body, QByteArray("abc"));
    }

    void basicAuth_data()
    {
        QTest::addColumn<QString>("credentials");
        QTest::addColumn<QString>("header");
        // All three base64 tails: no padding, one '=', two '='.
        QTest::newRow("user:pass") << "user:pass"
                                   << "Authorization: Basic dXNlcjpwYXNz";
        QTest::newRow("ab:") << "ab:"
                             << "Authorization: Basic YWI6";
        QTest::newRow("a:b") << "a:b"
                             << "Authorization: Basic YTpi";
        QTest::newRow("user:pa") << "user:pa"
                                 << "Authorization: Basic dXNlcjpwYQ==";
        QTest::newRow("user:pas") << "user:pas"
                                  << "Authorization: Basic dXNlcjpwYXM=";
        QTest::newRow("Aladdin") << "Aladdin:open sesame"
                                 << "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
        QTest::newRow("utf-8") << QString::fromUtf8("\xC3\xBC:\xC3\xBF")
                               << "Authorization: Basic w7w6w78=";
    }
    void basicAuth()
    {
        QFETCH(QString, credentials);
        QFETCH(QString, header);
        const Wire w = wire({"-a", credentials, kUrl});
        QVERIFY2(w.lines.contains(header), qPrintable(w.lines.join(" / ")));
    }

    void headersOverrideDefaults()
    {
        const Wire w =
            wire({"-H", "host: api.internal", "-H", "User-Agent: hey/0.0.1", "-H", "X-Api-Key: k1",
                  "-A", "application/json", "-H", "accept: text/xml", kUrl});
        // A -H header replaces the default of the same name (any case) in place, once.
        QCOMPARE(
            w.lines.filter(QRegularExpression("^host:", QRegularExpression::CaseInsensitiveOption))
                .size(),
            1);
        QCOMPARE(w.lines[1], QString("Host: api.internal"));
        QVERIFY(w.lines.contains("User-Agent: hey/0.0.1"));
        // hey: -A wins over -H "Accept: ..."; names are canonical, as hey's header.Set makes them.
        QVERIFY2(w.lines.contains("Accept: application/json"), qPrintable(w.lines.join(" / ")));
        QCOMPARE(
            w.lines
                .filter(QRegularExpression("^accept:", QRegularExpression::CaseInsensitiveOption))
                .size(),
            1);
        QVERIFY(w.lines.contains("X-Api-Key: k1"));

        const Wire host = wire({"-host", "virtual.example", kUrl});
        QCOMPARE(host.lines[1], QString("Host: virtual.example"));

        const Wire length = wire({"-d", "abcdef", "-H", "Content-Type: application/json", kUrl});
        QVERIFY(length.lines.contains("Content-Type: application/json"));
        QVERIFY(!length.lines.contains("Content-Type: text/html"));
    }

    void headerNamesAreCanonical_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("sent");
        // Go's textproto.CanonicalMIMEHeaderKey, which hey's header.Set applies.
        QTest::newRow("lower") << "x-api-key: 1"
                               << "X-Api-Key: 1";
        QTest::newRow("upper") << "X-API-KEY: 1"
                               << "X-Api-Key: 1";
        QTest::newRow("one word") << "authorization: 1"
                                  << "Authorization: 1";
        QTest::newRow("digits") << "x-b3-traceid: 1"
                                << "X-B3-Traceid: 1";
    }
    void headerNamesAreCanonical()
    {
        QFETCH(QString, typed);
        QFETCH(QString, sent);
        const Wire w = wire({"-H", typed, kUrl});
        QVERIFY2(w.lines.contains(sent), qPrintable(w.lines.join(" / ")));
    }

    void disableKeepAliveSendsConnectionClose()
    {
        const Wire w = wire({"-disable-keepalive", kUrl});
        QVERIFY(w.lines.contains("Connection: close"));
        const Wire overridden = wire({"-disable-keepalive", "-H", "Connection: keep-alive", kUrl});
        QVERIFY(overridden.lines.contains("Connection: close"));
        QVERIFY(!overridden.lines.contains("Connection: keep-alive"));
    }

    void wholeRequestBytes()
    {
        // The manual's third stage: a POST of JSON with an auth header.
        const auto parsed =
            parseCommandLine({"-m", "POST", "-T", "application/json", "-H", "Authorization: key1",
                              "-d", "{}", "http://10.0.0.5:8080/tyk/json"});
        QVERIFY(std::holds_alternative<CliOptions>(parsed));
        const std::string bytes = serializeRequest(std::get<CliOptions>(parsed).config.request);
        const std::string ua = bytes.substr(bytes.find("User-Agent: "),
                                            bytes.find("\r\n", bytes.find("User-Agent: ")) -
                                                bytes.find("User-Agent: "));
        QCOMPARE(bytes, "POST /tyk/json HTTP/1.1\r\n"
                        "Host: 10.0.0.5:8080\r\n" +
                            ua +
                            "\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: 2\r\n"
                            "Authorization: key1\r\n"
                            "\r\n"
                            "{}");
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_cli_options.moc"
