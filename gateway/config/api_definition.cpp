#include "gateway/config/api_definition.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>

namespace gb::gateway {

namespace {

// Auth modes Tyk offers besides keyless and auth token. Serving such an API with token auth
// instead would answer its clients with the wrong errors, so it is refused by name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kUnsupportedAuth{{
    {"use_basic_auth", "basic authentication"},
    {"use_oauth2", "OAuth 2.0"},
    {"enable_jwt", "JWT"},
    {"use_openid", "OpenID Connect"},
    {"enable_signature_checking", "HMAC request signing"},
    {"use_mutual_tls_auth", "mutual TLS"},
    {"use_go_plugin_auth", "Go plugin authentication"},
    {"enable_coprocess_auth", "plugin authentication"},
}};

TokenAuthConfig readTokenAuth(const JsonObjectReader& a)
{
    TokenAuthConfig auth;
    if (auto v = a.string("auth_header_name"); v && !v->empty())
        auth.headerName = *v;
    if (auto v = a.boolean("disable_header"))
        auth.disableHeader = *v;
    if (auto v = a.boolean("use_param"))
        auth.useParam = *v;
    auth.paramName = a.string("param_name").value_or("");
    if (auth.paramName.empty())
        auth.paramName = auth.headerName;
    if (auto v = a.boolean("use_cookie"))
        auth.useCookie = *v;
    auth.cookieName = a.string("cookie_name").value_or("");
    if (auth.cookieName.empty())
        auth.cookieName = auth.headerName;
    return auth;
}

void checkListenPath(const JsonObjectReader& proxy, const std::string& path)
{
    const std::string name = concat("\"", proxy.nameOf("listen_path"), "\"");
    if (path.empty())
        proxy.fail("listen_path",
                   concat(name, " is missing; every API needs one, e.g. \"/my-api/\"."));
    if (path.front() != '/')
        proxy.fail("listen_path", concat(name, " must start with '/', but it is \"", path, "\"."));
    if (path.find_first_of("{}") != std::string::npos)
        proxy.fail(
            "listen_path",
            concat(name, " \"", path, "\" uses path parameters ({...}), which are not supported."));
    for (char c : path) {
        if (c == '?' || c == '#' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            proxy.fail("listen_path", concat(name, " \"", path,
                                             "\" must not contain spaces, control characters, "
                                             "'?' or '#'."));
    }
}

RateLimit readRateLimit(const JsonObjectReader& r)
{
    RateLimit limit;
    if (auto v = r.number("rate")) {
        if (*v < 0)
            r.fail("rate", concat("\"", r.nameOf("rate"), "\" must not be negative."));
        limit.rate = *v;
    }
    if (auto v = r.number("per")) {
        if (*v < 0)
            r.fail("per", concat("\"", r.nameOf("per"), "\" must not be negative."));
        limit.per = *v;
    }
    return limit;
}

/// Tyk's ExpirationTimeFormat "2006-01-02 15:04" (apidef/api_definitions.go:113), read as UTC
/// as Go's time.Parse does. Also gives the RFC 1123 text Go's Format(time.RFC1123) writes.
std::optional<std::int64_t> parseExpiry(const std::string& text, std::string& httpDate)
{
    std::tm tm{};
    char rest = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &rest) != 5 ||
        text.size() != 16)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::tm asked = tm;
    const std::time_t t = timegm(&tm);
    if (tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon || tm.tm_hour != asked.tm_hour ||
        tm.tm_min != asked.tm_min) // 2024-02-30 and the like: Go refuses them too
        return std::nullopt;
    char date[64];
    httpDate.assign(date, std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S UTC", &tm));
    return static_cast<std::int64_t>(t);
}

/// "" and "-1" never expire (Tyk's VersionInfo.Expired, apidef/api_definitions.go:1424-1437).
void readExpiry(const std::optional<std::string>& text, std::int64_t& unix, bool& unparsable,
                std::string& httpDate)
{
    if (!text || text->empty() || *text == "-1")
        return;
    if (const auto t = parseExpiry(*text, httpDate))
        unix = *t;
    else
        unparsable = true;
}

VersionData readVersionData(const JsonObjectReader& v, const std::optional<JsonObjectReader>& def)
{
    VersionData data;
    if (auto b = v.boolean("not_versioned"))
        data.notVersioned = *b;
    data.defaultVersion = v.string("default_version").value_or("");
    if (auto versions = v.object("versions")) {
        data.versionNames = versions->keys();
        for (const std::string& name : data.versionNames) {
            ApiVersion version;
            version.name = name;
            if (auto entry = versions->object(name))
                readExpiry(entry->string("expires"), version.expiresUnix, version.expiresUnparsable,
                           version.expiresHttpDate);
            data.versions.push_back(std::move(version));
        }
    }
    if (def) {
        const std::string location = def->string("location").value_or("");
        if (location == "header")
            data.location = VersionLocation::Header;
        else if (location == "url-param")
            data.location = VersionLocation::UrlParam;
        else if (location == "url")
            data.location = VersionLocation::Url;
        else if (!location.empty())
            def->fail("location", concat("\"", def->nameOf("location"),
                                         "\" must be \"header\", \"url-param\" or \"url\"."));
        data.key = def->string("key").value_or("");
        data.stripVersioningData = def->boolean("strip_versioning_data").value_or(false) ||
                                   def->boolean("strip_path").value_or(false);
        data.fallbackToDefault = def->boolean("fallback_to_default").value_or(false);
    }
    return data;
}

} // namespace

ApiDefinition parseApiDefinition(std::string text, const std::string& fileLabel)
{
    const JsonDocument doc(std::move(text), fileLabel);
    const JsonObjectReader root = doc.root();
    if (root.has("x-tyk-api-gateway") || root.has("openapi"))
        root.failHere("this is a Tyk OAS API definition; only Tyk classic API definitions are "
                      "supported.");

    ApiDefinition api;
    api.sourceFile = fileLabel;
    api.originalJson = root.dump();
    api.apiId = root.string("api_id").value_or("");
    if (api.apiId.empty())
        root.fail("api_id", "\"api_id\" is missing; every API needs a unique id.");
    api.name = root.string("name").value_or("");
    api.orgId = root.string("org_id").value_or("");
    api.active = root.boolean("active").value_or(true);
    api.useKeyless = root.boolean("use_keyless").value_or(false);

    if (!api.useKeyless) {
        for (const auto& [key, what] : kUnsupportedAuth) {
            if (root.boolean(key).value_or(false))
                root.fail(key, concat("this API uses ", what,
                                      ", which is not supported: use \"use_keyless\" or auth "
                                      "tokens."));
        }
    }
    // Tyk reads auth_configs.authToken and falls back to the older "auth" only without it.
    std::optional<JsonObjectReader> authToken;
    if (auto configs = root.object("auth_configs"))
        authToken = configs->object("authToken");
    if (!authToken)
        authToken = root.object("auth");
    if (authToken)
        api.auth = readTokenAuth(*authToken);

    const auto proxy = root.object("proxy");
    if (!proxy)
        root.fail("proxy", "\"proxy\" is missing; it holds listen_path and target_url.");
    api.listenPath = proxy->string("listen_path").value_or("");
    checkListenPath(*proxy, api.listenPath);
    api.targetUrl = proxy->string("target_url").value_or("");
    if (api.targetUrl.empty())
        proxy->fail("target_url", "\"proxy.target_url\" is missing; it says where requests go, "
                                  "e.g. \"http://127.0.0.1:8000\".");
    UpstreamUrlParse target = parseUpstreamUrl(api.targetUrl);
    if (!target.url)
        proxy->fail("target_url", concat("\"proxy.target_url\": ", target.error));
    api.target = std::move(*target.url);
    api.stripListenPath = proxy->boolean("strip_listen_path").value_or(false);
    api.disableStripSlash = proxy->boolean("disable_strip_slash").value_or(false);

    if (auto limit = root.object("global_rate_limit"))
        api.globalRateLimit = readRateLimit(*limit);
    api.disableRateLimit = root.boolean("disable_rate_limit").value_or(false);
    api.disableQuota = root.boolean("disable_quota").value_or(false);
    api.doNotTrack = root.boolean("do_not_track").value_or(false);
    api.stripAuthData = root.boolean("strip_auth_data").value_or(false);
    api.tags = root.stringArray("tags").value_or(std::vector<std::string>());
    api.expireAnalyticsAfter =
        root.integer("expire_analytics_after", 0, INT64_MAX / 1'000'000).value_or(0);
    if (auto versionData = root.object("version_data"))
        api.versionData = readVersionData(*versionData, root.object("definition"));
    bool expirationUnparsable = false;
    readExpiry(root.string("expiration"), api.expirationUnix, expirationUnparsable,
               api.expirationHttpDate);
    if (expirationUnparsable)
        root.fail("expiration", "\"expiration\" must read \"YYYY-MM-DD HH:MM\" (UTC), as Tyk's.");
    return api;
}

const ApiVersion* VersionData::find(std::string_view name) const
{
    for (const ApiVersion& v : versions)
        if (v.name == name)
            return &v;
    return nullptr;
}

} // namespace gb::gateway
