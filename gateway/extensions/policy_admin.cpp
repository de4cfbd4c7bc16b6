#include "gateway/extensions/policy_admin.h"

#include "gateway/config/write_text_file.h"
#include "gateway/keys/policy_store.h"

namespace gb::gateway {

namespace {

constexpr std::string_view kPrefix = "/tyk/policies";

/// Tyk's identifier.CustomPolicyId (pkg/identifier/custom.go:10-31): [a-zA-Z0-9._~-]+. "." and
/// ".." match it too but are no file names (Tyk's osutil.Root refuses them).
bool validPolicyId(std::string_view id)
{
    if (id.empty() || id == "." || id == ".." || id.size() > 200)
        return false;
    for (const char c : id) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '-' && c != '_' && c != '~')
            return false;
    }
    return true;
}

AdminResponse invalidId()
{
    return errorResponse(400, "Invalid Policy ID: Allowed characters: a-z, A-Z, 0-9, ., _, -, ~");
}

AdminResponse noPolicyPath()
{
    return errorResponse(500, "Unable to access policy storage: set policies.policy_path in "
                              "tyk.conf to manage policies through the Gateway API.");
}

} // namespace

PolicyAdmin::PolicyAdmin(const PolicyStore& policies)
    : m_policies(policies)
{}

void PolicyAdmin::handle(const proxy::AdminRequest& request, proxy::AdminReply reply)
{
    std::string_view id = request.path.substr(std::min(request.path.size(), kPrefix.size()));
    if (!id.empty())
        id.remove_prefix(1); // the '/'
    const std::string_view method = request.head.method;
    if (method == "GET")
        reply.send(get(id));
    else if (method == "POST")
        reply.send(write(id, request.body, true));
    else if (method == "PUT")
        // Tyk's own words, "apiID" included (gateway/api.go:1600).
        reply.send(id.empty() ? errorResponse(400, "Must specify an apiID to update")
                              : write(id, request.body, false));
    else if (method == "DELETE")
        reply.send(id.empty() ? errorResponse(400, "Must specify an apiID to delete") : remove(id));
    else
        reply.send(errorResponse(405, "Method not supported"));
}

AdminResponse PolicyAdmin::get(std::string_view id) const
{
    const std::shared_ptr<const PolicySet> set = m_policies.current();
    if (id.empty()) {
        std::string body = "[";
        for (const Policy& p : set->all()) {
            if (body.size() > 1)
                body.push_back(',');
            body.append(serializePolicy(p));
        }
        body.push_back(']');
        return {200, std::move(body)};
    }
    // handleGetPolicy looks a policy up by id alone (model.NonScopedLastInsertedPolicyId).
    for (const Policy& p : set->all())
        if (p.id == id)
            return {200, serializePolicy(p)};
    return errorResponse(404, "Policy not found");
}

AdminResponse PolicyAdmin::write(std::string_view id, std::string_view body, bool created)
{
    // handleAddOrUpdatePolicy, gateway/api.go:1134-1197.
    std::string error;
    std::optional<Policy> policy = parsePolicy(body, &error);
    if (!policy)
        return errorResponse(400, "Request malformed");
    if (!policy->id.empty() && !validPolicyId(policy->id))
        return invalidId();
    if (!created && policy->id != id)
        return errorResponse(400, "Request ID does not match that in policy! For Update "
                                  "operations these must match.");
    if (policy->id.empty())
        return errorResponse(400, "Unable to create policy without id.");
    if (m_policies.directory().empty())
        return noPolicyPath();
    std::lock_guard lock(m_writing);
    if (!writeTextFileWhole(m_policies.directory() / (policy->id + ".json"),
                            serializePolicy(*policy)))
        return errorResponse(500, "Failed to create file!");
    return modifiedResponse(policy->id, created ? "added" : "modified");
}

AdminResponse PolicyAdmin::remove(std::string_view id)
{
    // handleDeletePolicy, gateway/api.go:1199-1225.
    if (!validPolicyId(id))
        return invalidId();
    if (m_policies.directory().empty())
        return noPolicyPath();
    std::lock_guard lock(m_writing);
    std::error_code ec;
    if (!std::filesystem::remove(m_policies.directory() / (std::string(id) + ".json"), ec))
        return errorResponse(500, "Delete failed");
    return modifiedResponse(id, "deleted");
}

} // namespace gb::gateway
