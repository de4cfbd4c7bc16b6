// gatebench-gateway: wiring only (flags, setup, the gateway, signals).

#include "common/sys/malloc_policy.h"
#include "common/sys/open_files.h"
#include "gateway/access/gateway_features.h"
#include "gateway/config/gateway_setup.h"
#include "gateway/config/json_reader.h"
#include "gateway/extensions/install_features.h"
#include "gateway/proxy/gateway_app.h"
#include "gateway/server/signals.h"

#include <csignal>
#include <cstdio>
#include <string_view>
#include <system_error>
#include <vector>

int main(int argc, char** argv)
{
    using namespace gb::gateway;
    gb::reuseFreedMemory();
    blockTerminationSignals();

    const std::vector<std::string_view> words(argv + 1, argv + argc);
    const auto parsed = parseGatewayArgs(words);
    if (const auto* error = std::get_if<gb::cli::UsageError>(&parsed))
        return gb::cli::reportUsageError("gatebench-gateway", *error);
    const GatewayOptions& options = std::get<GatewayOptions>(parsed);
    if (options.help) {
        std::fputs(gatewayUsage().c_str(), stdout);
        return 0;
    }

    // A connection per client and one per upstream connection: thousands of each.
    if (const std::string raised = gb::raiseOpenFilesLimit().describeChange(); !raised.empty())
        std::fprintf(stderr, "gatebench-gateway: %s\n", raised.c_str());

    GatewaySetup setup;
    try {
        setup = makeGatewaySetup(options);
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "gatebench-gateway: %s\n", e.what());
        return 2;
    }

    // Keys, auth, rate limits, quotas and analytics. Declared before the gateway so it outlives
    // the gateway's workers, which call into it.
    FeaturesOptions featureOptions;
    featureOptions.workers = int(setup.threads);
    GatewayFeatures features(setup.config, featureOptions);
    features.start();
    if (!features.waitForStorage(setup.config.storage.timeout))
        std::fprintf(stderr, "gatebench-gateway: the key store does not answer yet; keys that "
                             "cannot be checked get 503 until it does\n");
    proxy::GatewayExtensions extensions;
    installGatewayFeatures(extensions, features);
    proxy::GatewayApp gateway(std::move(setup), std::move(extensions));
    try {
        gateway.start();
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "gatebench-gateway: %s\n", e.what());
        return 1;
    }
    std::printf("listening on %s\n", gateway.localAddress().c_str());
    if (const std::string control = gateway.controlAddress(); !control.empty())
        std::printf("control API listening on %s\n", control.c_str());
    std::fflush(stdout);

    // SIGHUP reloads app_path, as /tyk/reload does; SIGTERM and SIGINT drain and exit.
    while (waitForTerminationSignal() == SIGHUP)
        gateway.reload();
    gateway.stop();
    gateway.wait();
    features.stop(); // flushes analytics after the last request
    return 0;
}
