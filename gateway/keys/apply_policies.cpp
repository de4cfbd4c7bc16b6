#include "gateway/keys/apply_policies.h"

#include "gateway/keys/session_json.h"

#include <algorithm>
#include <cstdint>
#include <set>

// A translation of Tyk's internal/policy/apply.go (31e219bebd55); the line numbers below are
// that file's. Go's maps become std::map and std::set; what Go iterates in random order and
// Tyk's result does not depend on stays unordered in meaning.

namespace gb::gateway {

namespace {

/// An API's rights while policies are applied, with Tyk's APILimit.SetBy: which policy set
/// them (never written out).
struct Right
{
    AccessDefinition access;
    std::string setBy;
};
using Rights = std::map<std::string, Right, std::less<>>;

struct ApplyState
{
    std::set<std::string, std::less<>> didQuota, didRateLimit, didAcl, didComplexity;
    bool didPerApi = false;
    bool didPartition = false;
};

/// util.go greaterThanInt64: -1 is unlimited, the largest value.
bool greater(std::int64_t first, std::int64_t second)
{
    if (first == -1)
        return true;
    if (second == -1)
        return false;
    return first > second;
}

/// Tyk's rule for quotas and query depth (apply.go:489-500, 533-540): the policy's value wins
/// over the API's when larger, and then over the key's if larger there too.
void raiseLimit(std::int64_t value, std::int64_t& api, std::int64_t& key)
{
    if (!greater(value, api))
        return;
    api = value;
    if (greater(value, key))
        key = value;
}

/// user.RateLimit.Duration: time between requests, in Go's integer nanoseconds; 0 = no limit.
std::int64_t duration(double rate, double per)
{
    if (per <= 0 || rate <= 0)
        return 0;
    return static_cast<std::int64_t>(1e9 * per / rate);
}

bool emptyRate(double rate, double per)
{
    return rate == 0 || per == 0;
}

ApiLimit& limitOf(AccessDefinition& a)
{
    if (!a.limit)
        a.limit.emplace();
    return *a.limit;
}

ApiLimit limitOr(const AccessDefinition& a)
{
    return a.limit ? *a.limit : ApiLimit{};
}

void appendIfMissing(std::vector<std::string>& dest, const std::vector<std::string>& in)
{
    for (const std::string& v : in)
        if (std::find(dest.begin(), dest.end(), v) == dest.end())
            dest.push_back(v);
}

/// util.go MergeAllowedURLs: URLs in first-seen order, their methods merged.
std::string mergeAllowedUrls(const std::string& first, const std::string& second)
{
    using session_json::Json;
    std::vector<std::string> order;
    std::map<std::string, Json> methods;
    for (const std::string* text : {&first, &second}) {
        if (text->empty())
            continue;
        for (const Json& spec : session_json::parseStored(*text)) {
            if (!spec.is_object())
                continue;
            const std::string url = spec.value("url", std::string());
            const Json given = spec.value("methods", Json::array());
            auto [it, fresh] = methods.try_emplace(url, given.is_array() ? given : Json::array());
            if (fresh) {
                order.push_back(url);
                continue;
            }
            for (const Json& m : given)
                if (std::find(it->second.begin(), it->second.end(), m) == it->second.end())
                    it->second.push_back(m);
        }
    }
    if (order.empty())
        return {};
    Json merged = Json::array();
    for (const std::string& url : order)
        merged.push_back(Json{{"url", url}, {"methods", methods[url]}});
    return session_json::dump(merged);
}

/// ApplyRateLimits (lines 261-295): the policy's rate is a floor for the API's and the key's.
void applyRateLimits(Session& s, const Policy& policy, ApiLimit& api)
{
    if (emptyRate(policy.rate, policy.per))
        return;
    const std::int64_t policyDuration = duration(policy.rate, policy.per);
    if (emptyRate(api.rate, api.per) || duration(api.rate, api.per) > policyDuration) {
        api.rate = policy.rate;
        api.per = policy.per;
    }
    if (emptyRate(s.rate, s.per) || duration(s.rate, s.per) > policyDuration) {
        s.rate = policy.rate;
        s.per = policy.per;
    }
}

/// ClearSession (lines 38-70): what the policies set starts from zero, so that they win.
void clearSession(Session& s, const PolicySet& policies, const std::vector<std::string>& ids)
{
    for (const std::string& id : ids) {
        const Policy* policy = policies.find(s.orgId, id);
        if (policy == nullptr)
            return; // Tyk logs "error clearing session" and goes on with Apply
        const PolicyPartitions& p = policy->partitions;
        const bool all = !p.enabled();
        if (p.quota || all) {
            s.quotaMax = 0;
            s.quotaRemaining = 0;
        }
        if (p.rateLimit || all) {
            s.rate = 0;
            s.per = 0;
            s.throttleRetryLimit = 0;
            s.throttleInterval = 0;
        }
        if (p.complexity || all)
            s.maxQueryDepth = 0;
    }
}

/// applyAPILevelLimits (lines 576-612): two per_api policies on one API, the higher limit wins.
Right applyApiLevelLimits(Right policyRight, const Right& current)
{
    ApiLimit& p = limitOf(policyRight.access);
    const ApiLimit c = limitOr(current.access);
    bool updated = false;
    if (duration(p.rate, p.per) > duration(c.rate, c.per)) {
        p.per = c.per;
        p.rate = c.rate;
        updated = true;
    }
    if (c.quotaMax != p.quotaMax && greater(c.quotaMax, p.quotaMax)) {
        p.quotaMax = c.quotaMax;
        updated = true;
    }
    if (greater(c.quotaRenewalRate, p.quotaRenewalRate))
        p.quotaRenewalRate = c.quotaRenewalRate;
    if (p.quotaMax == -1)
        p.quotaRenewalRate = 0;
    if (updated) {
        policyRight.setBy = current.setBy;
        policyRight.access.allowanceScope = current.access.allowanceScope;
    }
    return policyRight;
}

/// applyPerAPI (lines 301-354).
std::string applyPerApi(const Policy& policy, Session& s, Rights& rights, ApplyState& state)
{
    if (state.didPartition)
        return "cannot apply multiple policies when some have per_api set and some are "
               "partitioned";
    for (const auto& [apiId, given] : policy.accessRights) {
        Right right{given, apiId};
        AccessDefinition& access = right.access;
        if (!access.limit || access.limit->isEmpty()) {
            right.setBy = policy.id; // no limit of its own: the policy's, counted for the policy
            access.limit = policy.apiLimit();
        }
        access.allowanceScope = right.setBy;
        if (const AccessDefinition* old = s.access(apiId);
            old && old->limit && !old->limit->isEmpty())
            limitOf(access).quotaRenews = old->limit->quotaRenews;
        if (const auto it = rights.find(apiId); it != rights.end())
            right = applyApiLevelLimits(std::move(right), it->second);
        rights[apiId] = std::move(right);
        state.didAcl.insert(apiId);
        state.didQuota.insert(apiId);
        state.didRateLimit.insert(apiId);
        state.didComplexity.insert(apiId);
    }
    if (!policy.accessRights.empty())
        state.didPerApi = true;
    return {};
}

/// applyPartitions (lines 375-554).
std::string applyPartitions(const Policy& policy, Session& s, Rights& rights, ApplyState& state)
{
    const bool usePartitions = policy.partitions.enabled();
    if (usePartitions && state.didPerApi)
        return "cannot apply multiple policies when some have per_api set and some are "
               "partitioned";
    for (const auto& [apiId, given] : policy.accessRights)
        rights.try_emplace(apiId); // a policy with rights is honoured even when not first
    const PolicyPartitions& part = policy.partitions;
    for (const auto& [apiId, given] : policy.accessRights) {
        Right right = rights[apiId];
        AccessDefinition& ar = right.access;
        if (!usePartitions || part.acl) {
            state.didAcl.insert(apiId);
            appendIfMissing(ar.versions, given.versions);
            ar.allowedUrlsJson = mergeAllowedUrls(ar.allowedUrlsJson, given.allowedUrlsJson);
            right.setBy = policy.id;
        }
        if (!usePartitions || part.quota) {
            state.didQuota.insert(apiId);
            ApiLimit& l = limitOf(ar);
            raiseLimit(policy.quotaMax, l.quotaMax, s.quotaMax);
            if (policy.quotaRenewalRate > l.quotaRenewalRate) {
                l.quotaRenewalRate = policy.quotaRenewalRate;
                if (policy.quotaRenewalRate > s.quotaRenewalRate)
                    s.quotaRenewalRate = policy.quotaRenewalRate;
            }
        }
        if (!usePartitions || part.rateLimit) {
            state.didRateLimit.insert(apiId);
            ApiLimit& l = limitOf(ar);
            applyRateLimits(s, policy, l);
            if (policy.throttleRetryLimit > l.throttleRetryLimit) {
                l.throttleRetryLimit = policy.throttleRetryLimit;
                s.throttleRetryLimit = std::max(s.throttleRetryLimit, policy.throttleRetryLimit);
            }
            if (policy.throttleInterval > l.throttleInterval) {
                l.throttleInterval = policy.throttleInterval;
                s.throttleInterval = std::max(s.throttleInterval, policy.throttleInterval);
            }
        }
        if (!usePartitions || part.complexity) {
            state.didComplexity.insert(apiId);
            raiseLimit(policy.maxQueryDepth, limitOf(ar).maxQueryDepth, s.maxQueryDepth);
        }
        if (const AccessDefinition* old = s.access(apiId);
            old && old->limit && !old->limit->isEmpty())
            limitOf(ar).quotaRenews = old->limit->quotaRenews;
        rights[apiId] = std::move(right);
    }
    if (policy.accessRights.empty()) { // a master policy: it sets the key's own limits
        if (!usePartitions || part.rateLimit) {
            s.rate = policy.rate;
            s.per = policy.per;
            s.throttleInterval = policy.throttleInterval;
            s.throttleRetryLimit = policy.throttleRetryLimit;
        }
        if (!usePartitions || part.complexity)
            s.maxQueryDepth = policy.maxQueryDepth;
        if (!usePartitions || part.quota) {
            s.quotaMax = policy.quotaMax;
            s.quotaRenewalRate = policy.quotaRenewalRate;
        }
    }
    state.didPartition = usePartitions;
    return {};
}

/// updateSessionRootVars (lines 556-574): rules for one single API are the key's own too.
void updateSessionRootVars(Session& s, const Rights& rights, const ApplyState& state)
{
    if (state.didQuota.size() != 1 || state.didRateLimit.size() != 1 ||
        state.didComplexity.size() != 1)
        return;
    for (const auto& [apiId, right] : rights) {
        const ApiLimit l = limitOr(right.access);
        s.rate = l.rate;
        s.per = l.per;
        s.quotaMax = l.quotaMax;
        s.quotaRenews = l.quotaRenews;
        s.quotaRenewalRate = l.quotaRenewalRate;
        s.maxQueryDepth = l.maxQueryDepth;
    }
}

/// Merges a JSON object's members into another (meta_data), later members winning.
std::string mergeObjects(const std::string& into, const std::string& from)
{
    if (from.empty())
        return into;
    session_json::Json merged =
        into.empty() ? session_json::Json::object() : session_json::parseStored(into);
    const session_json::Json added = session_json::parseStored(from); // outlives the loop
    for (const auto& [key, value] : added.items())
        merged[key] = value;
    return session_json::dump(merged);
}

} // namespace

PolicyApplication applyPolicies(Session& s, const PolicySet& policies, const std::string* apiOrgId)
{
    PolicyApplication result;
    const std::vector<std::string> ids = s.policyIds();
    clearSession(s, policies, ids);

    Rights rights;
    ApplyState state;
    std::vector<std::string> tags;
    // Only the policies decide whether a key that has them is active (lines 111-117).
    bool inactive = ids.empty() ? s.isInactive : false;
    const std::string* orgToMatch = apiOrgId;
    for (const std::string& id : ids) {
        const Policy* policy = policies.find(s.orgId, id);
        if (policy == nullptr) {
            if (ids.size() > 1)
                continue; // lines 121-130: one missing policy among several is skipped
            result.error = "policy not found: \"" + id + "\"";
            return result;
        }
        // Lines 131-137: a policy of another organisation than the API's must not set limits.
        if (orgToMatch == nullptr)
            orgToMatch = &policy->orgId;
        if (policy->orgId != *orgToMatch) {
            result.error = "attempting to apply policy from different organisation to key, "
                           "skipping";
            return result;
        }
        if (policy->partitions.perApi && policy->partitions.enabled()) {
            result.error = "cannot apply policy " + policy->id +
                           " which has per_api and any of partitions set";
            return result;
        }
        result.error = policy->partitions.perApi ? applyPerApi(*policy, s, rights, state)
                                                 : applyPartitions(*policy, s, rights, state);
        if (!result.error.empty())
            return result;
        inactive = inactive || policy->isInactive;
        appendIfMissing(tags, policy->tags);
        s.metaDataJson = mergeObjects(s.metaDataJson, policy->metaDataJson);
        if (policy->lastUpdated > s.lastUpdated)
            s.lastUpdated = policy->lastUpdated;
    }
    s.isInactive = inactive;
    appendIfMissing(tags, s.tags);
    s.tags = std::move(tags);

    if (ids.empty()) {
        // Lines 179-187: a key's own per-API limit is counted for that API alone.
        for (auto& [apiId, access] : s.accessRights)
            if (access.limit && !access.limit->isEmpty())
                access.allowanceScope = apiId;
        return result;
    }

    std::set<std::string, std::less<>> distinctAcl;
    for (const auto& [apiId, right] : rights)
        if (!right.setBy.empty())
            distinctAcl.insert(right.setBy);

    // Lines 197-238: an API whose rights came from an ACL partition alone inherits the rest
    // from the key.
    for (auto it = rights.begin(); it != rights.end();) {
        const std::string& apiId = it->first;
        if (!state.didAcl.contains(apiId)) {
            it = rights.erase(it);
            continue;
        }
        AccessDefinition& v = it->second.access;
        ApiLimit& l = limitOf(v);
        if (!state.didRateLimit.contains(apiId)) {
            l.rate = s.rate;
            l.per = s.per;
            l.throttleInterval = s.throttleInterval;
            l.throttleRetryLimit = s.throttleRetryLimit;
        }
        if (!state.didComplexity.contains(apiId))
            l.maxQueryDepth = s.maxQueryDepth;
        if (!state.didQuota.contains(apiId)) {
            l.quotaMax = s.quotaMax;
            l.quotaRenewalRate = s.quotaRenewalRate;
            l.quotaRenews = s.quotaRenews;
        }
        const std::string& setBy = it->second.setBy;
        if (distinctAcl.size() > 1 && v.allowanceScope.empty() && !setBy.empty())
            v.allowanceScope = setBy;
        ++it;
    }

    updateSessionRootVars(s, rights, state);
    if (!state.didAcl.empty()) {
        s.accessRights.clear();
        for (auto& [apiId, right] : rights)
            s.accessRights.emplace(apiId, std::move(right.access));
    }
    if (rights.empty())
        result.error = "key has no valid policies to be applied";
    else
        result.orgId = orgToMatch != nullptr ? *orgToMatch : std::string();
    return result;
}

} // namespace gb::gateway
