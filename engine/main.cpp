// gatebench-load: hey's command line on GateBench's engine. Wiring only.
#include "common/sys/open_files.h"
#include "engine/agent.h"
#include "engine/cli_options.h"
#include "engine/load_engine.h"
#include "engine/report.h"
#include "engine/snapshot_json.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <thread>
#include <unistd.h>

using namespace gb::engine;

namespace {

struct FileCloser
{
    void operator()(std::FILE* f) const
    {
        if (f != nullptr && f != stdout)
            std::fclose(f);
    }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File openOutput(const std::string& path)
{
    return File(path == "-" ? stdout : std::fopen(path.c_str(), "w"));
}

} // namespace

int main(int argc, char** argv)
{
    // A load agent on a remote host (the workbench speaks to it over SSH): a plan on stdin,
    // snapshots on stdout.
    if (argc == 2 && std::string_view(argv[1]) == "--agent") {
        gb::raiseOpenFilesLimit();
        return runAgent(stdin, stdout);
    }
    const auto parsed = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (const auto* e = std::get_if<UsageError>(&parsed))
        return gb::cli::reportUsageError("gatebench-load", *e);
    const CliOptions& options = std::get<CliOptions>(parsed);
    if (options.help) {
        std::fputs(usage().c_str(), stderr); // where hey's flag.Usage writes it
        return 0;
    }

    // A socket per connection, thousands of them; hey's Go runtime raises it the same way.
    gb::raiseOpenFilesLimit();

    File live, json;
    if (!options.livePath.empty() && !(live = openOutput(options.livePath))) {
        std::fprintf(stderr, "gatebench-load: cannot write %s\n", options.livePath.c_str());
        return 1;
    }
    if (!options.jsonPath.empty() && !(json = openOutput(options.jsonPath))) {
        std::fprintf(stderr, "gatebench-load: cannot write %s\n", options.jsonPath.c_str());
        return 1;
    }

    // Ctrl-C and SIGTERM stop the run; the report of what was measured so far is still printed,
    // once, whatever the number of signals (a wrapper forwarding Ctrl-C to the process group
    // delivers two), and the exit status is 0, as hey's. The signals are taken by one thread with
    // sigtimedwait, so no handler runs on a hot thread; they stay blocked until exit.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    LoadEngine engine(options.config);
    if (options.csv)
        engine.setCsvOutput(stdout);
    std::atomic<bool> done{false};
    std::thread signalThread([&] {
        const timespec poll{0, 100'000'000};
        while (!done)
            if (sigtimedwait(&signals, nullptr, &poll) > 0)
                engine.stop(); // again: already stopping, the report follows
    });

    const bool progress = isatty(STDERR_FILENO) && options.livePath != "-";
    const RunResult result = engine.run([&](const Snapshot& s) {
        if (live) {
            std::fprintf(live.get(), "%s\n", snapshotToJson(s).c_str());
            std::fflush(live.get());
        }
        if (progress)
            std::fputs(progressLine(s, options.config).c_str(), stderr);
    });
    done = true;
    signalThread.join();
    if (progress)
        std::fputs("\n", stderr);

    if (!result.fatalError.empty()) {
        std::fprintf(stderr, "gatebench-load: %s\n", result.fatalError.c_str());
        return 1;
    }
    if (json)
        std::fprintf(json.get(), "%s\n", jsonReport(result).c_str());
    if (!options.csv && options.jsonPath != "-")
        std::fputs(heyTextReport(result).c_str(), stdout);
    std::fflush(stdout);
    std::fputs(runNotes(result).c_str(), stderr);
    return 0;
}
