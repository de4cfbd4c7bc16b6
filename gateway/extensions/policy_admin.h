#pragma once

#include "gateway/proxy/admin_endpoint.h"

#include <mutex>

namespace gb::gateway {

class PolicyStore;

/// /tyk/policies as Tyk's polHandler (gateway/api.go:1578-1612, handlers at 1106-1225):
///
///   GET    /tyk/policies[/]     every loaded policy
///   GET    /tyk/policies/{id}   one, or 404 "Policy not found"
///   POST   /tyk/policies        a policy, written to policy_path/<id>.json; "added"
///   PUT    /tyk/policies/{id}   the same, the body's id must be {id}; "modified"
///   DELETE /tyk/policies/{id}   removes policy_path/{id}.json; "deleted"
///
/// As in Tyk, a change is applied after the next /tyk/reload. Unlike Tyk, which writes into its
/// working directory when policy_path is unset (and then never reads the file back), a change
/// without policy_path is refused with a sentence naming it. Files are written whole;
/// thread-safe (writes are serialized).
class PolicyAdmin final : public proxy::AdminEndpoint
{
public:
    explicit PolicyAdmin(const PolicyStore& policies);

    void handle(const proxy::AdminRequest& request, proxy::AdminReply reply) override;

private:
    AdminResponse get(std::string_view id) const;
    AdminResponse write(std::string_view id, std::string_view body, bool created);
    AdminResponse remove(std::string_view id);

    const PolicyStore& m_policies;
    std::mutex m_writing;
};

} // namespace gb::gateway
