#include "gateway/keys/policy.h"

#include "gateway/keys/session_json.h"

#include <algorithm>

namespace gb::gateway {

using namespace session_json;

namespace {

PolicyPartitions readPartitions(const Json& j, const std::string& path)
{
    PolicyPartitions p;
    if (j.is_null())
        return p;
    if (!j.is_object())
        throw FieldError(path + ": expected an object");
    for (const auto& [key, value] : j.items()) {
        const std::string at = path + "." + key;
        if (key == "quota")
            p.quota = readBool(value, at);
        else if (key == "rate_limit")
            p.rateLimit = readBool(value, at);
        else if (key == "complexity")
            p.complexity = readBool(value, at);
        else if (key == "acl")
            p.acl = readBool(value, at);
        else if (key == "per_api")
            p.perApi = readBool(value, at);
    }
    return p;
}

} // namespace

ApiLimit Policy::apiLimit() const
{
    ApiLimit l;
    l.rate = rate;
    l.per = per;
    l.quotaMax = quotaMax;
    l.quotaRenewalRate = quotaRenewalRate;
    l.throttleInterval = throttleInterval;
    l.throttleRetryLimit = throttleRetryLimit;
    l.maxQueryDepth = maxQueryDepth;
    return l;
}

std::optional<Policy> parsePolicy(std::string_view json, std::string* error)
{
    const Json root = Json::parse(json.begin(), json.end(), nullptr, false);
    const auto refuse = [error](const char* why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (root.is_discarded())
        return refuse("not valid JSON");
    if (!root.is_object())
        return refuse("expected a JSON object");
    try {
        Policy p;
        Json extra = Json::object();
        for (const auto& [key, value] : root.items()) {
            if (key == "id")
                p.id = readString(value, key);
            else if (key == "name")
                p.name = readString(value, key);
            else if (key == "org_id")
                p.orgId = readString(value, key);
            else if (key == "rate")
                p.rate = readDouble(value, key);
            else if (key == "per")
                p.per = readDouble(value, key);
            else if (key == "quota_max")
                p.quotaMax = readInt(value, key);
            else if (key == "quota_renewal_rate")
                p.quotaRenewalRate = readInt(value, key);
            else if (key == "throttle_interval")
                p.throttleInterval = readDouble(value, key);
            else if (key == "throttle_retry_limit")
                p.throttleRetryLimit = readInt(value, key);
            else if (key == "max_query_depth")
                p.maxQueryDepth = readInt(value, key);
            else if (key == "access_rights")
                readAccessRights(value, key, p.accessRights);
            else if (key == "active")
                p.active = readBool(value, key);
            else if (key == "is_inactive")
                p.isInactive = readBool(value, key);
            else if (key == "tags")
                p.tags = readStrings(value, key);
            else if (key == "key_expires_in")
                p.keyExpiresIn = readInt(value, key);
            else if (key == "partitions")
                p.partitions = readPartitions(value, key);
            else if (key == "last_updated")
                p.lastUpdated = readString(value, key);
            else if (key == "meta_data")
                p.metaDataJson = readObjectText(value, key);
            else
                extra[key] = value;
        }
        if (!extra.empty())
            p.extraJson = dump(extra);
        return p;
    } catch (const FieldError& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
}

std::string serializePolicy(const Policy& p)
{
    Json j = Json::object();
    j["id"] = p.id;
    j["name"] = p.name;
    j["org_id"] = p.orgId;
    j["rate"] = number(p.rate);
    j["per"] = number(p.per);
    j["quota_max"] = p.quotaMax;
    j["quota_renewal_rate"] = p.quotaRenewalRate;
    j["throttle_interval"] = number(p.throttleInterval);
    j["throttle_retry_limit"] = p.throttleRetryLimit;
    j["max_query_depth"] = p.maxQueryDepth;
    j["access_rights"] = accessRightsJson(p.accessRights);
    j["active"] = p.active;
    j["is_inactive"] = p.isInactive;
    j["tags"] = p.tags;
    j["key_expires_in"] = p.keyExpiresIn;
    j["partitions"] = Json{{"quota", p.partitions.quota},
                           {"rate_limit", p.partitions.rateLimit},
                           {"complexity", p.partitions.complexity},
                           {"acl", p.partitions.acl},
                           {"per_api", p.partitions.perApi}};
    j["last_updated"] = p.lastUpdated;
    j["meta_data"] = p.metaDataJson.empty() ? Json(nullptr) : parseStored(p.metaDataJson);
    appendExtra(j, p.extraJson);
    return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

PolicySet::PolicySet(std::vector<Policy> policies)
{
    // A later policy with the same organisation and id replaces the earlier one.
    for (Policy& p : policies) {
        const auto same = [&p](const Policy& q) { return q.orgId == p.orgId && q.id == p.id; };
        const auto it = std::find_if(m_policies.begin(), m_policies.end(), same);
        if (it != m_policies.end())
            *it = std::move(p);
        else
            m_policies.push_back(std::move(p));
    }
}

const Policy* PolicySet::find(std::string_view orgId, std::string_view id) const
{
    const Policy* byIdOnly = nullptr;
    int sameId = 0;
    for (const Policy& p : m_policies) {
        if (p.id != id)
            continue;
        if (p.orgId == orgId)
            return &p;
        byIdOnly = &p;
        ++sameId;
    }
    return orgId.empty() && sameId == 1 ? byIdOnly : nullptr;
}

bool PolicySet::operator==(const PolicySet& other) const
{
    return std::equal(
        m_policies.begin(), m_policies.end(), other.m_policies.begin(), other.m_policies.end(),
        [](const Policy& a, const Policy& b) { return serializePolicy(a) == serializePolicy(b); });
}

} // namespace gb::gateway
