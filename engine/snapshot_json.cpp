#include "engine/snapshot_json.h"

#include "engine/latency_json.h"

namespace gb::engine {

using nlohmann::json;

std::string snapshotToJson(const Snapshot& s)
{
    json codes = json::object();
    for (const auto& [code, n] : s.statusCodes)
        codes[std::to_string(code)] = n;
    json j = {{"index", s.index},
              {"elapsed_s", s.elapsedS},
              {"interval_s", s.intervalS},
              {"warmup", s.warmup},
              {"requests", s.requests},
              {"rps", s.rps},
              {"target_rps", s.targetRps},
              {"total_requests", s.totalRequests},
              {"late_sends", s.lateSends},
              {"in_flight", s.inFlight},
              {"errors", s.errors},
              {"total_errors", s.totalErrors},
              {"errors_by_class", s.errorsByClass},
              {"status_codes", codes},
              {"latency_ms", latencyJson(s.latency)},
              {"histogram", s.histogram}};
    // Service time differs from latency only in the open-loop model.
    if (!s.serviceHistogram.empty()) {
        j["service_ms"] = latencyJson(s.service);
        j["service_histogram"] = s.serviceHistogram;
    }
    return j.dump();
}

namespace {

template <class T>
void read(const json& j, const char* key, T& out)
{
    if (const auto it = j.find(key); it != j.end() && !it->is_null())
        out = it->get<T>();
}

LatencySummary readLatency(const json& j, const char* key)
{
    LatencySummary l;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        return l;
    read(*it, "min", l.min);
    read(*it, "mean", l.mean);
    read(*it, "p50", l.p50);
    read(*it, "p90", l.p90);
    read(*it, "p95", l.p95);
    read(*it, "p99", l.p99);
    read(*it, "p999", l.p999);
    read(*it, "max", l.max);
    return l;
}

} // namespace

std::optional<Snapshot> snapshotFromJson(std::string_view text, std::string* error)
{
    try {
        const json j = json::parse(text);
        if (!j.is_object())
            throw std::invalid_argument("not a JSON object");
        Snapshot s;
        read(j, "index", s.index);
        read(j, "elapsed_s", s.elapsedS);
        read(j, "interval_s", s.intervalS);
        read(j, "warmup", s.warmup);
        read(j, "requests", s.requests);
        read(j, "rps", s.rps);
        read(j, "target_rps", s.targetRps);
        read(j, "total_requests", s.totalRequests);
        read(j, "late_sends", s.lateSends);
        read(j, "in_flight", s.inFlight);
        read(j, "errors", s.errors);
        read(j, "total_errors", s.totalErrors);
        read(j, "errors_by_class", s.errorsByClass);
        if (const auto codes = j.find("status_codes"); codes != j.end() && codes->is_object())
            for (const auto& [code, n] : codes->items())
                s.statusCodes[std::stoi(code)] = n.get<std::uint64_t>();
        s.latency = readLatency(j, "latency_ms");
        s.service = readLatency(j, "service_ms");
        read(j, "histogram", s.histogram);
        read(j, "service_histogram", s.serviceHistogram);
        return s;
    } catch (const std::exception& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
}

} // namespace gb::engine
