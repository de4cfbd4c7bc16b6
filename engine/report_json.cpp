#include "engine/latency_json.h"
#include "engine/report.h"

namespace gb::engine {

namespace {

using nlohmann::json;

json configJson(const LoadConfig& c)
{
    const char* model = c.model() == LoadModel::OpenLoop        ? "open-loop"
                        : c.model() == LoadModel::PerWorkerRate ? "per-worker-rate"
                                                                : "closed-loop";
    json stages = json::array();
    for (const Stage& s : c.stages)
        stages.push_back(
            {{"duration_s", double(s.duration.count()) * 1e-9}, {"target_rps", s.targetRps}});
    return {
        {"url", c.request.url.scheme + "://" + c.request.url.authority() + c.request.url.target},
        {"method", c.request.method},
        {"connections", c.connections},
        {"threads", c.threads},
        {"model", model},
        {"requests", c.requests},
        {"duration_s", double(c.duration.count()) * 1e-9},
        {"warmup_s", double(c.warmup.count()) * 1e-9},
        {"timeout_s", double(c.timeout.count()) * 1e-9},
        {"per_worker_rate", c.perWorkerRate},
        {"rate", c.totalRate},
        {"stages", stages},
        {"keepalive", c.request.keepAlive},
        {"body_bytes", c.request.body.size()}};
}

json statusJson(const IntervalStats& t)
{
    json codes = json::object();
    for (int code = 0; code < IntervalStats::kStatusSlots; ++code)
        if (t.statusCodes[std::size_t(code)] != 0)
            codes[std::to_string(code)] = t.statusCodes[std::size_t(code)];
    return codes;
}

json phaseJson(const PhaseStats& p)
{
    return {{"mean_ms", p.meanNs() / 1e6},
            {"min_ms", p.count ? double(p.minNs) / 1e6 : 0.0},
            {"max_ms", double(p.maxNs) / 1e6}};
}

} // namespace

std::string jsonReport(const RunResult& r)
{
    const IntervalStats& t = r.totals;
    json errors = json::object(), samples = json::object();
    for (std::size_t i = 0; i < t.errors.size(); ++i) {
        if (t.errors[i] == 0)
            continue;
        const std::string name(errorClassName(ErrorClass(i)));
        errors[name] = t.errors[i];
        samples[name] = t.errorSamples[i];
    }
    json j = {{"requests", t.completed},
              {"sent", t.sent},
              {"duration_s", r.durationS},
              {"elapsed_s", r.elapsedS},
              {"rps", r.rps()},
              {"latency_ms", latencyJson(LatencySummary::from(t.latency))},
              {"status_codes", statusJson(t)},
              {"errors", errors},
              {"error_samples", samples},
              {"bytes_read", t.bytesRead},
              {"unfinished", r.unfinished},
              {"interrupted", r.interrupted},
              {"phases",
               {{"dial", phaseJson(t.dial)},
                {"write", phaseJson(t.write)},
                {"wait", phaseJson(t.wait)},
                {"read", phaseJson(t.read)}}},
              {"histogram", t.latency.serialize()},
              {"config", configJson(r.config)}};
    if (r.openLoop()) {
        j["target_rps"] = r.targetRps();
        j["late_sends"] = t.lateSends;
        j["service_ms"] = latencyJson(LatencySummary::from(t.service));
        j["service_histogram"] = t.service.serialize();
    }
    return j.dump(2);
}

} // namespace gb::engine
