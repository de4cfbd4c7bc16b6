#pragma once

#include "gateway/keys/policy.h"
#include "gateway/keys/session.h"

#include <string>

namespace gb::gateway {

/// What applying a key's policies found.
struct PolicyApplication
{
    std::string error; ///< Tyk's error text; empty when the policies applied
    /// The organisation of the policies applied (Tyk refuses a policy whose org_id is not the
    /// API's); meaningful when the key names policies and error is empty.
    std::string orgId;
};

/// Tyk's policy.Service.Apply (internal/policy/apply.go at 31e219bebd55) for what this gateway
/// enforces: the key's apply_policies overwrite its rate, quota, rights (versions, allowed
/// URLs, per-API limits and allowance scopes), tags, meta_data and is_inactive. Partitions
/// (quota, rate_limit, acl, complexity) and per_api policies combine as Tyk combines them:
/// the highest limit wins, rights are merged, and mixing per_api with partitioned policies
/// is an error. A key without policies is left as it is, except that its per-API limits get
/// their own allowance scope, as Tyk gives them.
///
/// `apiOrgId` null: no organisation to check (Tyk's key API, which applies policies with no API
/// at hand). The caller checks the returned orgId against each API the key is used for.
/// Per-endpoint limits, GraphQL and MCP rights are not merged (this gateway enforces none).
PolicyApplication applyPolicies(Session& session, const PolicySet& policies,
                                const std::string* apiOrgId = nullptr);

} // namespace gb::gateway
