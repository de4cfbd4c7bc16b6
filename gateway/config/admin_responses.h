#pragma once

#include "gateway/config/api_definition.h"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// A finished admin API answer: status code and a JSON body (Content-Type: application/json).
/// The bodies are Tyk's, so scripts written against Tyk keep parsing them.
struct AdminResponse
{
    int status = 200;
    std::string body;
};

enum class HealthStatus
{
    Pass,
    Warn,
    Fail,
};

/// One entry of /hello's "details", e.g. {"redis", Fail, "datastore", "connection refused", t}.
struct HealthComponent
{
    std::string name;
    HealthStatus status = HealthStatus::Pass;
    std::string componentType; ///< Tyk uses "datastore" and "system"
    std::string output;        ///< why it fails; omitted when empty
    std::chrono::system_clock::time_point checkedAt;
};

/// GET /hello, Tyk's shape: {"status":"pass","version":"...","description":"Tyk GW",
/// "details":{"redis":{"status":"pass","componentType":"datastore","time":"..."}}}.
/// Overall status as Tyk computes it: pass when nothing fails, fail when everything fails,
/// warn in between; always HTTP 200, as Tyk. "details" is omitted when there are no components
/// (in-memory storage).
AdminResponse helloResponse(std::string_view version,
                            const std::vector<HealthComponent>& components);

/// GET /tyk/apis: every loaded definition as the user wrote it, in load order.
AdminResponse apiListResponse(const std::vector<ApiDefinition>& apis);

/// GET /tyk/apis/{id}: the definition, or 404 {"status":"error","message":"API not found"}.
AdminResponse apiResponse(const ApiDefinition* api);

/// POST/PUT/DELETE of /tyk/apis and /tyk/policies: {"key":"<id>","status":"ok","action":
/// "added|modified|deleted"} (Tyk's apiModifyKeySuccess, gateway/api_helpers.go:330-336).
AdminResponse modifiedResponse(std::string_view id, std::string_view action);

/// GET /tyk/reload: {"status":"ok","message":""}.
AdminResponse reloadResponse();

/// 403 {"status":"error","message":"Attempted administrative access with invalid or missing key!"}
AdminResponse forbiddenResponse();

/// Tyk's error shape for anything else, e.g. (405, "Method Not Allowed").
AdminResponse errorResponse(int status, std::string_view message);

/// RFC 3339 in UTC with seconds ("2020-05-19T02:42:55Z"), as in /hello's "time".
std::string formatRfc3339(std::chrono::system_clock::time_point t);

} // namespace gb::gateway
