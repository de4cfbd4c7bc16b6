// gatebench-upstream: wiring only (options, content, server, signals).

#include "common/sys/open_files.h"
#include "gateway/server/server.h"
#include "gateway/server/signals.h"
#include "gateway/upstream/content.h"
#include "gateway/upstream/options.h"
#include "gateway/upstream/upstream_handler.h"

#include <cstdio>
#include <string_view>
#include <system_error>
#include <vector>

int main(int argc, char** argv)
{
    using namespace gb::gateway;
    blockTerminationSignals();

    const std::vector<std::string_view> words(argv + 1, argv + argc);
    const auto parsed = upstream::parseUpstreamOptions(words);
    if (const auto* error = std::get_if<gb::cli::UsageError>(&parsed))
        return gb::cli::reportUsageError("gatebench-upstream", *error);
    const upstream::UpstreamOptions& options = std::get<upstream::UpstreamOptions>(parsed);
    if (options.help) {
        std::fputs(upstream::upstreamUsage().c_str(), stdout);
        return 0;
    }

    // A connection per client, thousands of them; Go (go-bench-suite) raises it the same way.
    gb::raiseOpenFilesLimit();

    const auto start = std::chrono::steady_clock::now();
    const upstream::Content content(20200406);
    const std::uint64_t maxBody = options.server.limits.maxBodyBytes;
    Server server(options.server, [&](WorkerContext& w) {
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
