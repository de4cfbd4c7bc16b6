#include "gateway/config/api_definition.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"

#include <array>
#include <cstdint>

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

VersionData readVersionData(const JsonObjectReader& v)
{
    VersionData data;
    if (auto b = v.boolean("not_versioned"))
        data.notVersioned = *b;
    data.defaultVersion = v.string("default_version").value_or("");
    if (auto versions = v.object("versions"))
        data.versionNames = versions->keys();
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
        api.versionData = readVersionData(*versionData);
    return api;
}

} // namespace gb::gateway
