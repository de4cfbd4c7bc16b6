// gatebench-upstream: wiring only (options, content, server, signals).

#include "common/sys/open_files.h"
#include "gateway/server/server.h"
#include "gateway/server/signals.h"
#include "gateway/upstream/content.h"
#include "gateway/upstream/options.h"
#include "gateway/upstream/upstream_handler.h"

#include <cstdio>
#include <system_error>

int main(int argc, char** argv)
{
    using namespace gb::gateway;
    blockTerminationSignals();

    std::string error;
    const auto options = upstream::parseUpstreamOptions(argc, argv, error);
    if (!options) {
        std::fprintf(stderr, "gatebench-upstream: %s\n", error.c_str());
        return 2;
    }
    if (options->help) {
        std::fputs(upstream::upstreamUsage().data(), stdout);
        return 0;
    }

    // A connection per client, thousands of them; Go (go-bench-suite) raises it the same way.
    gb::raiseOpenFilesLimit();

    const auto start = std::chrono::steady_clock::now();
    const upstream::Content content(20200406);
    const std::uint64_t maxBody = options->server.limits.maxBodyBytes;
    Server server(options->server, [&](WorkerContext& w) {
        return std::make_unique<upstream::UpstreamHandler>(w, content, start, maxBody);
    });
    try {
        server.start();
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "gatebench-upstream: %s\n", e.what());
        return 1;
    }
    std::printf("listening on %s\n", server.localAddress().c_str());
    std::fflush(stdout);

    waitForTerminationSignal();
    server.stop();
    server.wait();
    return 0;
}
