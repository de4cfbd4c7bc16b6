#pragma once

#include "gateway/config/api_definition.h"
#include "gateway/config/route_table_holder.h"
#include "gateway/proxy/admin_endpoint.h"

#include <filesystem>
#include <mutex>
#include <nlohmann/json_fwd.hpp>

namespace gb::gateway::proxy {

/// /tyk/apis as Tyk's apiHandler (gateway/api.go:1615-1652) for classic API definitions:
///
///   GET    /tyk/apis[/]     every loaded definition as written
///   GET    /tyk/apis/{id}   one, or 404 "API not found"
///   POST   /tyk/apis        a new definition, written to app_path/<api_id>.json (an id is
///                           generated when it has none); "added"
///   PUT    /tyk/apis/{id}   replaces a loaded API's file (the one it was loaded from when that
///                           lies in app_path, else <api_id>.json); the body's api_id must be {id}
///   DELETE /tyk/apis/{id}   removes that file; "deleted"
///
/// As in Tyk, a change is served after the next /tyk/reload, and PUT and DELETE name APIs that
/// are loaded now. A definition this gateway cannot load is refused with 400 and the loader's
/// "line:column: sentence", so nothing it writes fails the next reload. Files are written
/// whole (a temporary file renamed over the old one). Thread-safe: writes are serialized.
class ApiAdmin final : public AdminEndpoint
{
public:
    /// `appPath` empty: the gateway runs from flags, and changes are refused (400).
    ApiAdmin(RouteTableHolder& tables, std::filesystem::path appPath);

    void handle(const AdminRequest& request, AdminReply reply) override;

private:
    /// The loaded API a PUT or DELETE names (the table kept alive with it), or Tyk's refusal:
    /// an id that cannot be a file name (400), an API not loaded (404).
    struct Target
    {
        std::shared_ptr<const RouteTable> table;
        const ApiDefinition* api = nullptr;
        AdminResponse refusal;
    };
    Target target(std::string_view id) const;
    AdminResponse add(std::string_view body);
    AdminResponse update(std::string_view id, std::string_view body);
    AdminResponse remove(std::string_view id);
    std::filesystem::path fileOf(const ApiDefinition& api) const;
    /// Checks `definition` with the loader and writes it to `file` whole; Tyk's answers.
    AdminResponse write(const std::filesystem::path& file, const nlohmann::ordered_json& definition,
                        std::string_view id, std::string_view action);

    RouteTableHolder& m_tables;
    const std::filesystem::path m_appPath;
    std::mutex m_writing;
};

} // namespace gb::gateway::proxy
