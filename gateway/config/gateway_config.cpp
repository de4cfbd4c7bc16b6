#include "gateway/config/gateway_config.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"
#include "gateway/config/read_text_file.h"

#include <cmath>
#include <limits>

namespace gb::gateway {

namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

void readStorage(const JsonObjectReader& s, StorageConfig& out)
{
    if (auto type = s.string("type")) {
        if (*type == "redis")
            out.type = StorageType::Redis;
        else if (type->empty() || *type == "memory")
            out.type = StorageType::Memory;
        else
            s.fail("type", concat("\"", s.nameOf("type"),
                                  "\" must be \"redis\" or \"memory\", not \"", *type, "\"."));
    }
    if (auto host = s.string("host"); host && !host->empty())
        out.host = *host;
    if (auto port = s.integer("port", 1, 65535))
        out.port = static_cast<std::uint16_t>(*port);
    if (auto password = s.string("password"))
        out.password = *password;
    if (auto database = s.integer("database", 0, kIntMax))
        out.database = static_cast<int>(*database);
    if (auto timeout = s.integer("timeout", 0, 86400); timeout && *timeout > 0)
        out.timeout = std::chrono::seconds(*timeout);
    const auto timeoutMs = std::chrono::duration_cast<std::chrono::milliseconds>(out.timeout);
    if (auto ms = s.integer("decision_budget_ms", 1, timeoutMs.count()))
        out.decisionBudget = std::chrono::milliseconds(*ms);
    if (auto ms = s.integer("lookup_budget_ms", 1, timeoutMs.count()))
        out.lookupBudget = std::chrono::milliseconds(*ms);
}

void readAnalytics(const JsonObjectReader& a, AnalyticsConfig& out)
{
    if (auto size = a.integer("records_buffer_size", 0, 100'000'000); size && *size > 0)
        out.recordsBufferSize = static_cast<std::uint64_t>(*size);
    if (auto expiry = a.integer("storage_expiration_time", 0, kIntMax); expiry && *expiry > 0)
        out.storageExpirationTime = std::chrono::seconds(*expiry);
    if (auto detailed = a.boolean("enable_detailed_recording"))
        out.enableDetailedRecording = *detailed;
    if (auto ips = a.stringArray("ignored_ips"))
        out.ignoredIps = std::move(*ips);
    const std::string serializer = a.string("serializer_type").value_or("");
    if (serializer.empty() || serializer == "msgpack")
        out.serializer = AnalyticsSerializer::Msgpack;
    else if (serializer == "json")
        out.serializer = AnalyticsSerializer::Json;
    else if (serializer == "protobuf")
        a.fail("serializer_type", "\"protobuf\" is not supported; use \"msgpack\" (Tyk's "
                                  "default, which tyk-pump reads) or \"json\".");
    else
        a.fail("serializer_type",
               concat("unknown serializer \"", serializer, "\"; use \"msgpack\" or \"json\"."));
}

void readPolicies(const JsonObjectReader& p, const std::filesystem::path& baseDir,
                  PoliciesConfig& out)
{
    // Tyk's server.go:790-821: "service" and "rpc" need a Tyk Dashboard or MDCB.
    const std::string source = p.string("policy_source").value_or("");
    if (!source.empty() && source != "file")
        p.fail("policy_source",
               concat("policy_source \"", source,
                      "\" needs a Tyk Dashboard or MDCB, which gatebench-gateway does not talk "
                      "to; use \"file\" with policy_path or policy_record_name."));
    const auto resolve = [&baseDir](const std::string& path) {
        const std::filesystem::path given(path);
        return given.is_absolute() ? given : baseDir / given;
    };
    if (auto v = p.string("policy_path"); v && !v->empty())
        out.directory = resolve(*v);
    if (auto v = p.string("policy_record_name"); v && !v->empty())
        out.recordFile = resolve(*v);
}

} // namespace

GatewayConfig parseGatewayConfig(std::string text, const std::string& fileLabel,
                                 const std::filesystem::path& baseDir)
{
    const JsonDocument doc(std::move(text), fileLabel);
    const JsonObjectReader root = doc.root();

    GatewayConfig c;
    c.sourceFile = fileLabel;
    if (auto v = root.string("listen_address"))
        c.listenAddress = *v;
    if (auto v = root.integer("listen_port", 0, 65535); v && *v != 0)
        c.listenPort = static_cast<std::uint16_t>(*v);
    if (auto v = root.integer("control_api_port", 0, 65535))
        c.controlApiPort = static_cast<std::uint16_t>(*v);
    if (auto v = root.string("secret"))
        c.secret = *v;
    // Tyk's default app_path is "apps/" next to where it runs; ours is next to the file.
    std::filesystem::path appPath = "apps";
    if (auto v = root.string("app_path"); v && !v->empty())
        appPath = *v;
    c.appPath = appPath.is_absolute() ? appPath : baseDir / appPath;
    if (auto storage = root.object("storage"))
        readStorage(*storage, c.storage);
    if (auto policies = root.object("policies"))
        readPolicies(*policies, baseDir, c.policies);
    if (auto v = root.boolean("enable_analytics"))
        c.enableAnalytics = *v;
    if (auto analytics = root.object("analytics_config"))
        readAnalytics(*analytics, c.analytics);
    if (auto v = root.boolean("hash_keys"))
        c.hashKeys = *v;
    const std::string headers = root.string("rate_limit_response_headers").value_or("");
    if (headers.empty() || headers == "quotas")
        c.rateLimitResponseHeaders = RateLimitHeaderSource::Quotas;
    else if (headers == "rate_limits")
        c.rateLimitResponseHeaders = RateLimitHeaderSource::RateLimits;
    else
        root.fail("rate_limit_response_headers",
                  concat("\"rate_limit_response_headers\" is \"quotas\" or \"rate_limits\", not \"",
                         headers, "\"."));
    if (auto v = root.boolean("enable_hashed_keys_listing"))
        c.enableHashedKeysListing = *v;
    if (auto status = root.integer("gatebench_quota_exceeded_status", 403, 429)) {
        if (*status != 403 && *status != 429)
            root.fail("gatebench_quota_exceeded_status",
                      "\"gatebench_quota_exceeded_status\" is 403 (Tyk's answer) or 429.");
        c.quotaExceededStatus = static_cast<int>(*status);
    }
    if (auto name = root.string("hash_key_function")) {
        const std::optional<KeyHashFunction> f = parseKeyHashFunction(*name);
        if (!f)
            root.fail("hash_key_function",
                      concat("unknown hash function \"", *name,
                             "\"; use \"murmur32\", \"murmur64\", \"murmur128\" or \"sha256\" "
                             "(or leave it out for Tyk's legacy keys, hashed with murmur32)."));
        c.hashKeyFunction = *f;
    }
    if (auto names = root.stringArray("hash_key_function_fallback")) {
        for (const std::string& name : *names) {
            const std::optional<KeyHashFunction> f = parseKeyHashFunction(name);
            if (!f || name.empty())
                root.fail("hash_key_function_fallback",
                          concat("unknown hash function \"", name,
                                 "\"; use \"murmur32\", \"murmur64\", \"murmur128\" or "
                                 "\"sha256\"."));
            c.hashKeyFunctionFallback.push_back(*f);
        }
    }
    if (auto v = root.number("proxy_default_timeout")) {
        // A year is far beyond any sane upstream timeout and keeps nanoseconds from overflowing.
        if (*v < 0 || *v > 31'536'000)
            root.fail("proxy_default_timeout",
                      "\"proxy_default_timeout\" must be a number of seconds between 0 and "
                      "31536000.");
        if (*v > 0)
            c.proxyDefaultTimeout = std::chrono::nanoseconds(std::llround(*v * 1e9));
    }
    if (auto v = root.integer("max_idle_connections_per_host", 0, kIntMax))
        c.maxIdleConnectionsPerHost = static_cast<int>(*v);
    if (auto v = root.integer("max_connections_per_host", 0, kIntMax))
        c.maxConnectionsPerHost = static_cast<int>(*v);
    if (auto v = root.integer("max_conn_time", -kIntMax, kIntMax))
        c.maxConnTime = std::chrono::seconds(*v);
    if (auto v = root.boolean("close_connections"))
        c.closeConnections = *v;
    return c;
}

GatewayConfig loadGatewayConfig(const std::filesystem::path& file)
{
    std::string text = readTextFile(file);
    const std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
    return parseGatewayConfig(std::move(text), file.string(), dir);
}

} // namespace gb::gateway
