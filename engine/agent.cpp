#include "engine/agent.h"

#include "engine/load_engine.h"
#include "engine/load_plan.h"
#include "engine/snapshot_json.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace gb::engine {

namespace {

/// Shared with the thread that watches `in`, which may outlive runAgent (it is detached: a
/// read of a pipe cannot be interrupted portably).
struct Lifeline
{
    std::mutex mutex;
    LoadEngine* engine = nullptr;
    bool stop = false;

    void pull()
    {
        std::lock_guard lock(mutex);
        stop = true;
        if (engine)
            engine->stop();
    }
};

std::string readLine(std::FILE* in)
{
    std::string line;
    for (int c = std::fgetc(in); c != EOF && c != '\n'; c = std::fgetc(in))
        line.push_back(static_cast<char>(c));
    return line;
}

void writeLine(std::FILE* out, const std::string& line)
{
    std::fputs(line.c_str(), out);
    std::fputc('\n', out);
    std::fflush(out);
}

std::int64_t unixMsNow()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

int runAgent(std::FILE* in, std::FILE* out)
{
    using nlohmann::json;
    std::string error;
    const auto plan = loadPlanFromJson(readLine(in), &error);
    if (!plan) {
        writeLine(out, json{{"end", {{"fatal_error", error}}}}.dump());
        return 2;
    }

    auto lifeline = std::make_shared<Lifeline>();
    std::thread([lifeline, in] {
        for (;;) {
            const int c = std::fgetc(in);
            if (c == EOF) // the workbench is gone, or its link
                break;
            if (c == '\n')
                continue;
            std::ungetc(c, in);
            if (readLine(in) == "stop")
                break;
        }
        lifeline->pull();
    }).detach();

    // Start on the planned instant, in short sleeps so that a stop is not kept waiting.
    while (unixMsNow() < plan->startUnixMs) {
        {
            std::lock_guard lock(lifeline->mutex);
            if (lifeline->stop)
                break;
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::min<std::int64_t>(20, plan->startUnixMs - unixMsNow())));
    }
    const std::int64_t lateStartMs =
        plan->startUnixMs > 0 ? std::max<std::int64_t>(0, unixMsNow() - plan->startUnixMs) : 0;

    RunResult result;
    {
        LoadEngine engine(plan->config);
        {
            std::lock_guard lock(lifeline->mutex);
            lifeline->engine = &engine;
            if (lifeline->stop)
                engine.stop();
        }
        result = engine.run([out](const Snapshot& s) { writeLine(out, snapshotToJson(s)); });
        std::lock_guard lock(lifeline->mutex);
        lifeline->engine = nullptr;
    }
    writeLine(out, json{{"end",
                         {{"interrupted", result.interrupted},
                          {"fatal_error", result.fatalError},
                          {"duration_s", result.durationS},
                          {"elapsed_s", result.elapsedS},
                          {"unfinished", result.unfinished},
                          {"late_start_ms", lateStartMs}}}}
                       .dump());
    return result.fatalError.empty() ? 0 : 1;
}

} // namespace gb::engine
