#include "engine/load_plan.h"

#include <nlohmann/json.hpp>

namespace gb::engine {

using nlohmann::json;

namespace {

std::string urlText(const Url& u)
{
    std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    return u.scheme + "://" + host + ":" + std::to_string(u.port) + u.target;
}

std::int64_t ns(Nanos d)
{
    return d.count();
}

} // namespace

std::string loadPlanToJson(const LoadPlan& plan)
{
    const LoadConfig& c = plan.config;
    const RequestSpec& r = c.request;
    json headers = json::array();
    for (const auto& [name, value] : r.headers)
        headers.push_back({name, value});
    json stages = json::array();
    for (const Stage& s : c.stages)
        stages.push_back({{"duration_ns", ns(s.duration)}, {"target_rps", s.targetRps}});
    const json request = {{"url", urlText(r.url)},
                          {"method", r.method},
                          {"headers", headers},
                          {"body", r.body},
                          {"content_type", r.contentType},
                          {"accept", r.accept},
                          {"basic_auth", r.basicAuth},
                          {"host", r.hostOverride},
                          {"keep_alive", r.keepAlive}};
    const json config = {{"request", request},
                         {"connections", c.connections},
                         {"threads", c.threads},
                         {"requests", c.requests},
                         {"duration_ns", ns(c.duration)},
                         {"warmup_ns", ns(c.warmup)},
                         {"timeout_ns", ns(c.timeout)},
                         {"interval_ns", ns(c.interval)},
                         {"per_worker_rate", c.perWorkerRate},
                         {"total_rate", c.totalRate},
                         {"stages", stages},
                         {"late_threshold_ns", ns(c.lateThreshold)}};
    return json{{"config", config}, {"start_unix_ms", plan.startUnixMs}}.dump();
}

std::optional<LoadPlan> loadPlanFromJson(std::string_view text, std::string* error)
{
    const auto failed = [error](const std::string& why) -> std::optional<LoadPlan> {
        if (error)
            *error = "not a load plan: " + why;
        return std::nullopt;
    };
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("config") || !j["config"].is_object())
        return failed("a JSON object with \"config\" is expected");
    try {
        LoadPlan plan;
        plan.startUnixMs = j.value("start_unix_ms", std::int64_t{0});
        const json& c = j["config"];
        const json& r = c.at("request");
        LoadConfig& out = plan.config;
        auto url = parseUrl(r.at("url").get<std::string>());
        if (const auto* e = std::get_if<std::string>(&url))
            return failed(*e);
        out.request.url = std::get<Url>(url);
        out.request.method = r.value("method", out.request.method);
        for (const json& h : r.value("headers", json::array()))
            out.request.headers.emplace_back(h.at(0).get<std::string>(),
                                             h.at(1).get<std::string>());
        out.request.body = r.value("body", std::string());
        out.request.contentType = r.value("content_type", out.request.contentType);
        out.request.accept = r.value("accept", std::string());
        out.request.basicAuth = r.value("basic_auth", std::string());
        out.request.hostOverride = r.value("host", std::string());
        out.request.keepAlive = r.value("keep_alive", true);
        out.connections = c.value("connections", out.connections);
        out.threads = c.value("threads", 0);
        out.requests = c.value("requests", std::uint64_t{0});
        out.duration = Nanos(c.value("duration_ns", std::int64_t{0}));
        out.warmup = Nanos(c.value("warmup_ns", std::int64_t{0}));
        out.timeout = Nanos(c.value("timeout_ns", ns(out.timeout)));
        out.interval = Nanos(c.value("interval_ns", ns(out.interval)));
        out.perWorkerRate = c.value("per_worker_rate", 0.0);
        out.totalRate = c.value("total_rate", 0.0);
        for (const json& s : c.value("stages", json::array()))
            out.stages.push_back(
                {Nanos(s.at("duration_ns").get<std::int64_t>()), s.at("target_rps").get<double>()});
        out.lateThreshold = Nanos(c.value("late_threshold_ns", ns(out.lateThreshold)));
        if (out.connections < 1 || out.interval.count() <= 0)
            return failed("connections and the snapshot interval must be positive");
        return plan;
    } catch (const json::exception& e) {
        return failed(e.what());
    }
}

LoadConfig agentShare(const LoadConfig& config, int index, int count)
{
    LoadConfig share = config;
    const auto split = [index, count](std::uint64_t total) {
        const auto n = static_cast<std::uint64_t>(count);
        return total / n + (static_cast<std::uint64_t>(index) < total % n ? 1 : 0);
    };
    share.connections =
        std::max(1, static_cast<int>(split(static_cast<std::uint64_t>(config.connections))));
    share.requests = config.requests > 0 ? split(config.requests) : 0;
    share.totalRate = config.totalRate / count;
    for (Stage& s : share.stages)
        s.targetRps /= count;
    share.threads = 0;
    return share;
}

} // namespace gb::engine
