#pragma once

#include "app/result.h"
#include "engine/load_config.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace gb::app {

using Duration = std::chrono::nanoseconds;

/// One HTTP header as the user typed it.
struct HttpHeader
{
    QString name;
    QString value;
    friend bool operator==(const HttpHeader&, const HttpHeader&) = default;
};

enum class UpstreamKind
{
    Bundled, ///< gatebench-upstream, started on a free loopback port
    Url,     ///< any http(s) URL, already running
};

enum class GatewayKind
{
    None,           ///< load goes straight to the upstream (the study's baseline)
    BundledKeyless, ///< gatebench-gateway as a transparent proxy
    BundledFull,    ///< gatebench-gateway with auth token, per-key rate limit and analytics
    External,       ///< any gateway already running (Tyk, Kong, nginx): its URL is loaded as is
    Container,      ///< a product's container image (Tyk, Kong, nginx), run with Docker on the
                    ///< gateway host and configured from this scenario (topology "hosts")
};

/// The gateway products GateBench deploys as containers (GatewayKind::Container).
enum class GatewayProduct
{
    Tyk,   ///< tykio/tyk-gateway, with tyk.conf and an API definition; Redis beside it
    Kong,  ///< kong in DB-less mode with a declarative config (format 3.0)
    Nginx, ///< nginx with proxy_pass (keyless only)
};

enum class RedisMode
{
    Local,   ///< a redis-server GateBench starts on a free loopback port
    Address, ///< a Redis already running at host:port
    Memory,  ///< the gateway's in-memory store (one node, no Redis)
};

enum class LoadModelKind
{
    Max,           ///< closed loop, as fast as the system answers
    PerWorkerRate, ///< hey's -q: each connection at most perWorkerRate requests/s
    TotalRate,     ///< open loop at totalRate requests/s, then the ramp stages
};

enum class TopologyKind
{
    Local, ///< everything on this machine, ports chosen automatically
    Hosts, ///< the servers on hosts of a hosts file (app/hosts), deployed over SSH
};

struct UpstreamSettings
{
    UpstreamKind kind = UpstreamKind::Bundled;
    QString route = QStringLiteral("/json/valid"); ///< bundled: path and query requested
    std::optional<Duration> xDelay; ///< bundled: sent as X-Delay, the upstream waits that long
    QString url;                    ///< Url: the endpoint requested
    friend bool operator==(const UpstreamSettings&, const UpstreamSettings&) = default;
};

struct RedisSettings
{
    RedisMode mode = RedisMode::Local;
    QString address; ///< Address: host:port
    friend bool operator==(const RedisSettings&, const RedisSettings&) = default;
};

/// The key's rate limit for BundledFull, Tyk's "rate" requests per "per".
struct KeyRateLimit
{
    double rate = 1'000'000; ///< well above what one machine offers, so it measures the cost only
    Duration per = std::chrono::seconds(1);
    friend bool operator==(const KeyRateLimit&, const KeyRateLimit&) = default;
};

/// GatewayKind::Container: which product, which image, and whether its features are on.
struct ContainerSettings
{
    GatewayProduct product = GatewayProduct::Tyk;
    QString image; ///< empty: the product's default image (defaultImage)
    /// Auth token + the key's rate limit (rateLimit), as bundled-full; Tyk adds analytics to
    /// Redis. Off: keyless. nginx has no keys.
    bool features = false;
    friend bool operator==(const ContainerSettings&, const ContainerSettings&) = default;
};

struct GatewaySettings
{
    GatewayKind kind = GatewayKind::None;
    QString listenPath = QStringLiteral("/apitest/"); ///< bundled: the API's listen path
    QString url;                                      ///< External: the complete URL requested
    QList<HttpHeader> headers;   ///< External: sent with every request (e.g. its API key)
    RedisSettings redis;         ///< BundledFull
    KeyRateLimit rateLimit;      ///< BundledFull, Container with features
    ContainerSettings container; ///< Container
    friend bool operator==(const GatewaySettings&, const GatewaySettings&) = default;
};

/// A ramp piece of the TotalRate model: reach rps linearly over duration.
struct RateStage
{
    Duration duration{0};
    double rps = 0;
    friend bool operator==(const RateStage&, const RateStage&) = default;
};

struct LoadSettings
{
    int connections = 50;
    /// The measured window, after the warm-up. 0 with TotalRate and stages: the stages' length.
    Duration duration = std::chrono::seconds(10);
    Duration warmup{0}; ///< run before the measured window, shown live but not counted
    LoadModelKind model = LoadModelKind::Max;
    double perWorkerRate = 0; ///< PerWorkerRate
    double totalRate = 0;     ///< TotalRate: the rate the stages start from
    QList<RateStage> stages;  ///< TotalRate
    QString method = QStringLiteral("GET");
    QList<HttpHeader> headers;
    QString body;
    Duration timeout = std::chrono::seconds(20); ///< per request; 0: none
    bool keepAlive = true;
    friend bool operator==(const LoadSettings&, const LoadSettings&) = default;
};

struct TopologySettings
{
    TopologyKind kind = TopologyKind::Local;
    /// Hosts: which host of the hosts file runs each server, by name; empty: the first host
    /// with that role.
    QString upstreamHost;
    QString gatewayHost;
    QString redisHost;
    /// Hosts: the load goes to the gateway's (or upstream's) private address, as from a load
    /// generator inside the hosts' network, rather than its public one.
    bool loadToPrivateAddress = false;
    /// Hosts: the loadgen hosts the load comes from, by name, each running a load agent with
    /// its share; empty: this machine's own engine.
    QStringList loadHosts;
    friend bool operator==(const TopologySettings&, const TopologySettings&) = default;
};

/// One problem found by Scenario::validate(): the setting's path as in the JSON file
/// ("load.connections", "load.headers[1].name") and a sentence for the user.
struct ValidationIssue
{
    QString field;
    QString message;
    friend bool operator==(const ValidationIssue&, const ValidationIssue&) = default;
};

/// What to measure: an upstream, an optional gateway in front of it, a load profile and where
/// everything runs. A plain value type (copy it, compare it, send it across threads); its file
/// form is in scenario_json.h.
struct Scenario
{
    QString name;
    QString description;
    UpstreamSettings upstream;
    GatewaySettings gateway;
    LoadSettings load;
    TopologySettings topology;

    friend bool operator==(const Scenario&, const Scenario&) = default;

    /// Every problem, in file order; empty when the scenario can run.
    QList<ValidationIssue> validate() const;

    bool needsBundledUpstream() const;
    bool needsBundledGateway() const;
    bool needsLocalRedis() const;
    /// A gateway GateBench configures (bundled or container): it serves gateway.listenPath.
    bool configuresGateway() const;

    /// The path and query the load requests on the entry point (the gateway, else the
    /// upstream), e.g. "/apitest/json/valid".
    QString requestPath() const;

    /// The engine's configuration for this scenario once its entry point listens at baseUrl
    /// ("http://127.0.0.1:PORT"): baseUrl + requestPath(), the scenario's headers plus
    /// extraHeaders (e.g. the key the run created). Fails only on an unusable URL.
    Result<engine::LoadConfig> toLoadConfig(const QString& baseUrl,
                                            const QList<HttpHeader>& extraHeaders = {}) const;

    /// Engine time: the warm-up plus the measured window (the engine counts both).
    Duration totalDuration() const;
    /// The request rate the profile aims at, 0 for Max (for previews and warnings).
    double targetRps() const;
};

/// Text forms used by the JSON file and by messages ("bundled-keyless", "per-worker-rate").
QString toKeyword(UpstreamKind kind);
QString toKeyword(GatewayKind kind);
QString toKeyword(GatewayProduct product);
QString toKeyword(RedisMode mode);
QString toKeyword(LoadModelKind model);
QString toKeyword(TopologyKind kind);
std::optional<UpstreamKind> upstreamKindFromKeyword(const QString& text);
std::optional<GatewayKind> gatewayKindFromKeyword(const QString& text);
std::optional<GatewayProduct> gatewayProductFromKeyword(const QString& text);
/// The product's name as people write it: "Tyk", "Kong", "nginx".
QString productName(GatewayProduct product);
/// The image a container scenario runs when it names none.
QString defaultImage(GatewayProduct product);
/// The image a container scenario runs: its own, else the product's default.
QString imageOf(const ContainerSettings& container);
/// The gateway the scenario measures, for a run's environment and labels: "gatebench-gateway
/// 0.1.0", "Tyk tykio/tyk-gateway:v5.3.0", "external http://gw:8080", "no gateway".
QString gatewayLabel(const Scenario& scenario);
std::optional<RedisMode> redisModeFromKeyword(const QString& text);
std::optional<LoadModelKind> loadModelFromKeyword(const QString& text);
std::optional<TopologyKind> topologyKindFromKeyword(const QString& text);

/// Go-style durations ("1.5s", "300ms"), as hey and gatebench-load take them.
QString formatDuration(Duration d);
std::optional<Duration> parseDuration(const QString& text);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::Scenario)
