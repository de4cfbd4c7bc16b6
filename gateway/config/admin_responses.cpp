#include "gateway/config/admin_responses.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace gb::gateway {

namespace {

using Json = nlohmann::ordered_json;

const char* statusName(HealthStatus s)
{
    switch (s) {
    case HealthStatus::Pass:
        return "pass";
    case HealthStatus::Warn:
        return "warn";
    case HealthStatus::Fail:
        return "fail";
    }
    return "fail";
}

AdminResponse statusMessage(int status, std::string_view state, std::string_view message)
{
    Json body;
    body["status"] = state;
    body["message"] = message;
    // replace: a message echoing user input must not make dump() throw on invalid UTF-8.
    return {status, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

} // namespace

std::string formatRfc3339(std::chrono::system_clock::time_point t)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

AdminResponse helloResponse(std::string_view version,
                            const std::vector<HealthComponent>& components)
{
    std::size_t failed = 0;
    Json details = Json::object();
    for (const HealthComponent& c : components) {
        Json item;
        item["status"] = statusName(c.status);
        if (!c.output.empty())
            item["output"] = c.output;
        if (!c.componentType.empty())
            item["componentType"] = c.componentType;
        item["time"] = formatRfc3339(c.checkedAt);
        details[c.name] = std::move(item);
        failed += c.status == HealthStatus::Fail ? 1 : 0;
    }
    const HealthStatus overall = failed == 0                   ? HealthStatus::Pass
                                 : failed == components.size() ? HealthStatus::Fail
                                                               : HealthStatus::Warn;
    Json body;
    body["status"] = statusName(overall);
    if (!version.empty())
        body["version"] = version;
    body["description"] = "Tyk GW";
    if (!details.empty())
        body["details"] = std::move(details);
    return {200, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

AdminResponse apiListResponse(const std::vector<ApiDefinition>& apis)
{
    // originalJson is already compact JSON, so the list is spliced rather than re-serialized.
    std::size_t size = 2;
    for (const ApiDefinition& api : apis)
        size += api.originalJson.size() + 1;
    std::string body;
    body.reserve(size);
    body.push_back('[');
    for (const ApiDefinition& api : apis) {
        if (body.size() > 1)
            body.push_back(',');
        body.append(api.originalJson);
    }
    body.push_back(']');
    return {200, std::move(body)};
}

AdminResponse apiResponse(const ApiDefinition* api)
{
    if (api == nullptr)
        return errorResponse(404, "API not found");
    return {200, api->originalJson};
}

AdminResponse modifiedResponse(std::string_view id, std::string_view action)
{
    Json body;
    body["key"] = id;
    body["status"] = "ok";
    body["action"] = action;
    return {200, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

AdminResponse reloadResponse()
{
    return statusMessage(200, "ok", "");
}

AdminResponse forbiddenResponse()
{
    return errorResponse(403, "Attempted administrative access with invalid or missing key!");
}

AdminResponse errorResponse(int status, std::string_view message)
{
    return statusMessage(status, "error", message);
}

} // namespace gb::gateway
