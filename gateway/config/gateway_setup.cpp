#include "gateway/config/gateway_setup.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

namespace gb::gateway {

namespace {

constexpr std::string_view kDefaultTarget = "http://127.0.0.1:8000";
constexpr std::string_view kDefaultListenPath = "/";

} // namespace

ApiDefinition makeKeylessApi(std::string_view target, std::string_view listenPath)
{
    // Checked here first so the messages name the flags rather than a synthetic JSON document.
    const UpstreamUrlParse parsed = parseUpstreamUrl(target);
    if (!parsed.url)
        throw ConfigError(concat("--target: ", parsed.error));
    if (listenPath.empty() || listenPath.front() != '/' ||
        listenPath.find_first_of("{}?# \t\r\n") != std::string_view::npos)
        throw ConfigError(
            concat("--listen-path \"", listenPath,
                   "\" must start with '/' and contain no spaces, '?', '#' or '{}'."));

    nlohmann::ordered_json def;
    def["name"] = "GateBench keyless API";
    def["api_id"] = "default";
    def["org_id"] = "default";
    def["use_keyless"] = true;
    def["auth"] = {{"auth_header_name", "Authorization"}};
    def["version_data"] = {{"not_versioned", true},
                           {"versions", {{"Default", {{"name", "Default"}}}}}};
    def["proxy"] = {
        {"listen_path", listenPath}, {"target_url", target}, {"strip_listen_path", true}};
    def["active"] = true;
    ApiDefinition api = parseApiDefinition(def.dump(), "--target");
    api.sourceFile.clear();
    return api;
}

GatewaySetup makeGatewaySetup(const GatewayOptions& options)
{
    GatewaySetup setup;
    if (options.confPath) {
        setup.config = loadGatewayConfig(*options.confPath);
    } else {
        setup.config.appPath.clear();
        setup.flagApi =
            makeKeylessApi(options.target.value_or(std::string(kDefaultTarget)),
                           options.listenPath.value_or(std::string(kDefaultListenPath)));
    }
    if (options.listen) {
        setup.config.listenAddress = options.listen->host;
        setup.config.listenPort = options.listen->port;
    }
    if (options.secret)
        setup.config.secret = *options.secret;
    setup.threads = options.threads;
    if (setup.threads == 0)
        setup.threads = std::max(1u, std::thread::hardware_concurrency());
    return setup;
}

LoadResult loadApis(const GatewaySetup& setup)
{
    if (setup.flagApi) {
        LoadResult result;
        addApi(result, *setup.flagApi);
        return result;
    }
    return loadApiDefinitions(setup.config.appPath);
}

} // namespace gb::gateway
