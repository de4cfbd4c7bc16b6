#include "gateway/keys/session.h"

#include "gateway/keys/session_json.h"

namespace gb::gateway {

using namespace session_json;

bool ApiLimit::isEmpty() const noexcept
{
    return rate == 0 && per == 0 && throttleInterval == 0 && throttleRetryLimit == 0 &&
           maxQueryDepth == 0 && quotaMax == 0 && quotaRenews == 0 && quotaRemaining == 0 &&
           quotaRenewalRate == 0;
}

std::vector<std::string> Session::policyIds() const
{
    // user.SessionState.PolicyIDs (user/session.go:527-535).
    if (!applyPolicies.empty())
        return applyPolicies;
    if (!applyPolicyId.empty())
        return {applyPolicyId};
    return {};
}

const AccessDefinition* Session::access(std::string_view apiId) const
{
    const auto it = accessRights.find(apiId);
    return it == accessRights.end() ? nullptr : &it->second;
}

std::optional<Session> parseSession(std::string_view json, std::string* error)
{
    const Json root = Json::parse(json.begin(), json.end(), nullptr, false);
    if (root.is_discarded()) {
        if (error)
            *error = "not valid JSON";
        return std::nullopt;
    }
    if (!root.is_object()) {
        if (error)
            *error = "expected a JSON object";
        return std::nullopt;
    }
    try {
        Session s;
        Json extra = Json::object();
        for (const auto& [key, value] : root.items()) {
            if (key == "last_check")
                s.lastCheck = readInt(value, key);
            else if (key == "allowance")
                s.allowance = readDouble(value, key);
            else if (key == "rate")
                s.rate = readDouble(value, key);
            else if (key == "per")
                s.per = readDouble(value, key);
            else if (key == "throttle_interval")
                s.throttleInterval = readDouble(value, key);
            else if (key == "throttle_retry_limit")
                s.throttleRetryLimit = readInt(value, key);
            else if (key == "max_query_depth")
                s.maxQueryDepth = readInt(value, key);
            else if (key == "date_created")
                s.dateCreated = readString(value, key);
            else if (key == "expires")
                s.expires = readInt(value, key);
            else if (key == "quota_max")
                s.quotaMax = readInt(value, key);
            else if (key == "quota_renews")
                s.quotaRenews = readInt(value, key);
            else if (key == "quota_remaining")
                s.quotaRemaining = readInt(value, key);
            else if (key == "quota_renewal_rate")
                s.quotaRenewalRate = readInt(value, key);
            else if (key == "access_rights")
                readAccessRights(value, key, s.accessRights);
            else if (key == "org_id")
                s.orgId = readString(value, key);
            else if (key == "is_inactive")
                s.isInactive = readBool(value, key);
            else if (key == "meta_data")
                s.metaDataJson = readObjectText(value, key);
            else if (key == "tags")
                s.tags = readStrings(value, key);
            else if (key == "alias")
                s.alias = readString(value, key);
            else if (key == "last_updated")
                s.lastUpdated = readString(value, key);
            else if (key == "apply_policies")
                s.applyPolicies = readStrings(value, key);
            else if (key == "apply_policy_id")
                s.applyPolicyId = readString(value, key);
            else
                extra[key] = value;
        }
        if (!extra.empty())
            s.extraJson = dump(extra);
        return s;
    } catch (const FieldError& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
}

std::vector<std::string> analyticsTags(const Session& s)
{
    std::vector<std::string> tags;
    for (const std::string& id : s.applyPolicies)
        tags.push_back("pol-" + id);
    if (!s.metaDataJson.empty()) {
        const Json meta = parseStored(s.metaDataJson);
        if (const auto it = meta.find("tyk_developer_id"); it != meta.end() && it->is_string())
            tags.push_back("dev-" + it->get<std::string>());
    }
    tags.insert(tags.end(), s.tags.begin(), s.tags.end());
    return tags;
}

std::string serializeSession(const Session& s)
{
    Json j = Json::object();
    j["last_check"] = s.lastCheck;
    j["allowance"] = number(s.allowance);
    j["rate"] = number(s.rate);
    j["per"] = number(s.per);
    j["throttle_interval"] = number(s.throttleInterval);
    j["throttle_retry_limit"] = s.throttleRetryLimit;
    j["max_query_depth"] = s.maxQueryDepth;
    if (!s.dateCreated.empty())
        j["date_created"] = s.dateCreated;
    j["expires"] = s.expires;
    j["quota_max"] = s.quotaMax;
    j["quota_renews"] = s.quotaRenews;
    j["quota_remaining"] = s.quotaRemaining;
    j["quota_renewal_rate"] = s.quotaRenewalRate;
    j["access_rights"] = accessRightsJson(s.accessRights);
    j["org_id"] = s.orgId;
    j["is_inactive"] = s.isInactive;
    j["meta_data"] = s.metaDataJson.empty() ? Json(nullptr) : parseStored(s.metaDataJson);
    j["tags"] = s.tags;
    j["alias"] = s.alias;
    j["last_updated"] = s.lastUpdated;
    // Tyk's apply_policies (apply_policy_id is its deprecated single form, kept when given).
    j["apply_policies"] = s.applyPolicies;
    if (!s.applyPolicyId.empty())
        j["apply_policy_id"] = s.applyPolicyId;
    appendExtra(j, s.extraJson);
    return dump(j);
}

} // namespace gb::gateway
