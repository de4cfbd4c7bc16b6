#pragma once

#include "gateway/keys/session.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// Which parts of a policy apply (user.PolicyPartitions). None set: all of them.
struct PolicyPartitions
{
    bool quota = false;
    bool rateLimit = false;
    bool complexity = false;
    bool acl = false;
    bool perApi = false;

    /// Tyk's Enabled(): partitioning is on (per_api is not a partition).
    bool enabled() const noexcept { return quota || rateLimit || acl || complexity; }
};

/// Tyk's security policy (user.Policy, user/policy.go at 31e219bebd55): one set of limits and
/// rights that many keys name in apply_policies. A plain value; members this gateway does not
/// interpret are kept as JSON text, so that /tyk/policies gives back what was written.
struct Policy
{
    std::string id;
    std::string name;
    std::string orgId;
    double rate = 0;
    double per = 0;
    std::int64_t quotaMax = 0;
    std::int64_t quotaRenewalRate = 0;
    double throttleInterval = 0;
    std::int64_t throttleRetryLimit = 0;
    std::int64_t maxQueryDepth = 0;
    std::map<std::string, AccessDefinition, std::less<>> accessRights;
    bool active = false;
    bool isInactive = false;
    std::vector<std::string> tags;
    std::int64_t keyExpiresIn = 0; ///< seconds: a key created with this policy expires then
    PolicyPartitions partitions;
    std::string lastUpdated;
    std::string metaDataJson; ///< "meta_data" as compact JSON; empty = absent
    std::string extraJson;    ///< unknown members as a compact JSON object; empty = none

    /// Tyk's Policy.APILimit(): the policy's own limits as a per-API limit.
    ApiLimit apiLimit() const;
};

/// Parses one policy object. Returns nullopt with a sentence in `error` when the text is not a
/// JSON object or a known member has the wrong type (as parseSession).
[[nodiscard]] std::optional<Policy> parsePolicy(std::string_view json,
                                                std::string* error = nullptr);
/// Pretty JSON (two spaces, as Tyk's json.MarshalIndent) with Tyk's member names.
std::string serializePolicy(const Policy& policy);

/// The loaded policies, looked up as Tyk's model.Policies does: by (org_id, id), the org being
/// the key's own. Immutable once built; shared between threads through PolicyStore.
class PolicySet
{
public:
    PolicySet() = default;
    explicit PolicySet(std::vector<Policy> policies);

    /// The policy `id` of organisation `orgId`; a later one with the same pair replaces an
    /// earlier one (as Tyk's loadOne). An empty orgId matches a policy of any organisation
    /// when exactly one has that id (the key names no organisation).
    const Policy* find(std::string_view orgId, std::string_view id) const;
    const std::vector<Policy>& all() const { return m_policies; }
    bool empty() const { return m_policies.empty(); }
    bool operator==(const PolicySet& other) const;

private:
    std::vector<Policy> m_policies;
};

} // namespace gb::gateway
