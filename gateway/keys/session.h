#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// Tyk's per-API limit inside an access right (user.APILimit). When present and not empty it
/// replaces the session's own rate and quota for that API.
struct ApiLimit
{
    double rate = 0;
    double per = 0;
    double throttleInterval = 0;
    std::int64_t throttleRetryLimit = 0;
    std::int64_t maxQueryDepth = 0;
    std::int64_t quotaMax = 0;
    std::int64_t quotaRenews = 0;
    std::int64_t quotaRemaining = 0;
    std::int64_t quotaRenewalRate = 0;

    /// Tyk's APILimit.IsEmpty(): every field zero. An empty limit means "use the session's".
    bool isEmpty() const noexcept;
};

/// One entry of access_rights (user.AccessDefinition). Members this gateway does not interpret
/// are kept as JSON text so that a key reads back as it was written.
struct AccessDefinition
{
    std::string apiName;
    std::string apiId;
    std::vector<std::string> versions;
    std::string allowedUrlsJson;   ///< "allowed_urls" as compact JSON; empty = absent
    std::optional<ApiLimit> limit; ///< absent or null: none
    std::string allowanceScope;
    std::string extraJson; ///< unknown members as a compact JSON object; empty = none
};

/// Tyk's session object (user.SessionState): what /tyk/keys takes and returns and what the store
/// keeps per key. A plain value, copied freely; parsed and serialized with Tyk's field names.
/// Unknown members survive a round trip (in extraJson, after the known ones).
struct Session
{
    std::int64_t lastCheck = 0;
    double allowance = 0;
    double rate = 0;
    double per = 0;
    double throttleInterval = 0;
    std::int64_t throttleRetryLimit = 0;
    std::int64_t maxQueryDepth = 0;
    std::string dateCreated;   ///< RFC 3339, set when the key is created
    std::int64_t expires = 0;  ///< Unix seconds; 0 (or less) never expires
    std::int64_t quotaMax = 0; ///< -1 (or 0) unlimited, as Tyk
    std::int64_t quotaRenews = 0;
    std::int64_t quotaRemaining = 0;
    std::int64_t quotaRenewalRate = 0;                                 ///< seconds
    std::map<std::string, AccessDefinition, std::less<>> accessRights; ///< by api_id
    std::string orgId;
    bool isInactive = false;
    std::string metaDataJson; ///< "meta_data" as compact JSON; empty = absent
    std::vector<std::string> tags;
    std::string alias;
    std::string lastUpdated;                ///< Unix seconds as a string, as Tyk writes it
    std::vector<std::string> applyPolicies; ///< ids of the policies that set this key's limits
    std::string applyPolicyId;              ///< Tyk's deprecated single-policy form
    std::string extraJson; ///< unknown members as a compact JSON object; empty = none

    /// The policies to apply: apply_policies, else apply_policy_id (Tyk's PolicyIDs).
    std::vector<std::string> policyIds() const;
    bool hasPolicies() const noexcept { return !applyPolicies.empty() || !applyPolicyId.empty(); }
    /// The access right for an API, or null.
    const AccessDefinition* access(std::string_view apiId) const;
    /// True when the key has an expiry and it has passed.
    bool expiredAt(std::int64_t unixSeconds) const noexcept
    {
        return expires > 0 && unixSeconds >= expires;
    }
};

/// Parses a session object. Returns nullopt with a sentence in `error` ("access_rights.2.limit:
/// expected an object") when the text is not JSON, not an object, or a known member has the
/// wrong type. null is accepted wherever Go's encoding/json accepts it (it leaves the default).
[[nodiscard]] std::optional<Session> parseSession(std::string_view json,
                                                  std::string* error = nullptr);

/// The tags Tyk's analytics records carry for a key (getSessionTags,
/// gateway/handler_success.go:104-121): "pol-<id>" for each of apply_policies, "dev-<id>" for
/// meta_data's tyk_developer_id, then the key's own tags.
std::vector<std::string> analyticsTags(const Session& session);

/// Compact JSON with Tyk's member names; integral numbers are written without a fraction.
std::string serializeSession(const Session& session);

} // namespace gb::gateway
