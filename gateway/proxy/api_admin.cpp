#include "gateway/proxy/api_admin.h"

#include "common/sys/random_id.h"
#include "gateway/config/api_definition.h"
#include "gateway/config/json_reader.h"
#include "gateway/config/write_text_file.h"

#include <nlohmann/json.hpp>

namespace gb::gateway::proxy {

using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kPrefix = "/tyk/apis";

/// Tyk's sanitize.ValidatePathComponent (internal/sanitize/path.go:34-58): an id that becomes a
/// file name must not leave app_path, in any of its percent-decoded forms.
bool safeFileName(std::string_view id)
{
    if (id.empty() || id == "." || id == ".." || id.size() > 200)
        return false;
    for (const char c : id)
        if (c == '/' || c == '\\' || c == '%' || c == '\0')
            return false;
    return true;
}

/// The body as a JSON object, or nullopt (Tyk: 400 "Request malformed").
std::optional<Json> parseObject(std::string_view body)
{
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    return j;
}

std::string apiIdOf(const Json& definition)
{
    const auto it = definition.find("api_id");
    return it != definition.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The loader's verdict on a definition: empty when it loads.
std::string loadError(const std::string& text)
{
    try {
        parseApiDefinition(text, "API definition");
        return {};
    } catch (const ConfigError& e) {
        return e.what();
    }
}

} // namespace

std::filesystem::path ApiAdmin::fileOf(const ApiDefinition& api) const
{
    // The file the API was loaded from, when it lies in app_path: a PUT then replaces the
    // definition instead of adding a second file with the same api_id (which the next reload
    // would skip). Otherwise Tyk's app_path/<api_id>.json.
    const std::filesystem::path source(api.sourceFile);
    std::error_code ec;
    if (!api.sourceFile.empty() && std::filesystem::equivalent(source.parent_path(), m_appPath, ec))
        return source;
    return m_appPath / (api.apiId + ".json");
}

ApiAdmin::ApiAdmin(RouteTableHolder& tables, std::filesystem::path appPath)
    : m_tables(tables)
    , m_appPath(std::move(appPath))
{}

void ApiAdmin::handle(const AdminRequest& request, AdminReply reply)
{
    std::string_view id = request.path.substr(std::min(request.path.size(), kPrefix.size()));
    if (!id.empty())
        id.remove_prefix(1); // the '/'
    const std::string_view method = request.head.method;
    if (method == "GET") {
        const std::shared_ptr<const RouteTable> table = m_tables.load();
        reply.send(id.empty() ? apiListResponse(table->apis()) : apiResponse(table->findApi(id)));
    } else if (method == "POST") {
        reply.send(add(request.body));
    } else if (method == "PUT") {
        reply.send(id.empty() ? errorResponse(400, "Must specify an apiID to update")
                              : update(id, request.body));
    } else if (method == "DELETE") {
        reply.send(id.empty() ? errorResponse(400, "Must specify an apiID to delete") : remove(id));
    } else {
        reply.send(errorResponse(405, "Method not supported"));
    }
}

AdminResponse ApiAdmin::add(std::string_view body)
{
    std::optional<Json> definition = parseObject(body);
    if (!definition)
        return errorResponse(400, "Request malformed");
    std::string id = apiIdOf(*definition);
    if (id.empty()) {
        id = randomUuidHex(); // Tyk's GenerateAPIID
        if (id.empty())
            return errorResponse(500, "the random number generator failed");
        (*definition)["api_id"] = id;
    }
    if (!safeFileName(id))
        return errorResponse(400, "Invalid API ID");
    return write(m_appPath / (id + ".json"), *definition, id, "added");
}

ApiAdmin::Target ApiAdmin::target(std::string_view id) const
{
    Target t;
    if (!safeFileName(id)) {
        t.refusal = errorResponse(400, "Invalid API ID");
        return t;
    }
    t.table = m_tables.load();
    t.api = t.table->findApi(id);
    if (t.api == nullptr)
        t.refusal = errorResponse(404, "API not found");
    return t;
}

AdminResponse ApiAdmin::update(std::string_view id, std::string_view body)
{
    const Target loaded = target(id);
    if (loaded.api == nullptr)
        return loaded.refusal;
    const std::optional<Json> definition = parseObject(body);
    if (!definition)
        return errorResponse(400, "Request malformed");
    if (apiIdOf(*definition) != id) // gateway/api_helpers.go:112-118
        return errorResponse(400, "Request APIID does not match that in Definition! For Update "
                                  "operations these must match.");
    return write(fileOf(*loaded.api), *definition, id, "modified");
}

AdminResponse ApiAdmin::write(const std::filesystem::path& file, const Json& definition,
                              std::string_view id, std::string_view action)
{
    if (m_appPath.empty())
        return errorResponse(400, "this gateway runs from flags, without app_path: start it "
                                  "with --conf to manage API definitions");
    const std::string text = definition.dump(2, ' ', false, Json::error_handler_t::replace);
    if (const std::string error = loadError(text); !error.empty())
        return errorResponse(400, error);
    std::lock_guard lock(m_writing);
    if (!writeTextFileWhole(file, text))
        return errorResponse(500, "file object creation failed, write error");
    return modifiedResponse(id, action);
}

AdminResponse ApiAdmin::remove(std::string_view id)
{
    const Target loaded = target(id);
    if (loaded.api == nullptr)
        return loaded.refusal;
    std::lock_guard lock(m_writing);
    std::error_code ec;
    if (m_appPath.empty() || !std::filesystem::remove(fileOf(*loaded.api), ec))
        return errorResponse(500, "Delete failed");
    return modifiedResponse(id, "deleted");
}

} // namespace gb::gateway::proxy
