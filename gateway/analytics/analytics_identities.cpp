#include "gateway/analytics/analytics_identities.h"

#include <mutex>

namespace gb::gateway {

namespace {

/// An unambiguous map key for a tuple of strings (lengths first, then the bytes).
void appendField(std::string& out, std::string_view s)
{
    out.append(std::to_string(s.size()));
    out.push_back(':');
    out.append(s);
}

} // namespace

std::uint32_t AnalyticsIdentities::internApi(std::string_view apiId, std::string_view apiName,
                                             std::string_view orgId)
{
    std::string id;
    appendField(id, apiId);
    appendField(id, apiName);
    appendField(id, orgId);
    {
        std::shared_lock lock(m_mutex);
        const auto it = m_apiRefs.find(id);
        if (it != m_apiRefs.end())
            return it->second;
    }
    std::unique_lock lock(m_mutex);
    const auto it = m_apiRefs.find(id);
    if (it != m_apiRefs.end())
        return it->second;
    m_apis.push_back(ApiIdentity{std::string(apiId), std::string(apiName), std::string(orgId)});
    const auto ref = static_cast<std::uint32_t>(m_apis.size());
    m_apiRefs.emplace(std::move(id), ref);
    return ref;
}

std::uint32_t AnalyticsIdentities::internKey(std::string_view keyHash, std::string_view alias,
                                             std::string_view orgId,
                                             const std::vector<std::string>& tags)
{
    std::string id;
    appendField(id, keyHash);
    appendField(id, alias);
    appendField(id, orgId);
    for (const std::string& t : tags)
        appendField(id, t);
    {
        std::shared_lock lock(m_mutex);
        const auto it = m_keyRefs.find(id);
        if (it != m_keyRefs.end())
            return it->second;
    }
    std::unique_lock lock(m_mutex);
    const auto it = m_keyRefs.find(id);
    if (it != m_keyRefs.end())
        return it->second;
    m_keys.push_back(
        KeyIdentity{std::string(keyHash), std::string(alias), std::string(orgId), tags});
    const auto ref = static_cast<std::uint32_t>(m_keys.size());
    m_keyRefs.emplace(std::move(id), ref);
    return ref;
}

const ApiIdentity* AnalyticsIdentities::api(std::uint32_t ref) const
{
    std::shared_lock lock(m_mutex);
    return ref == 0 || ref > m_apis.size() ? nullptr : &m_apis[ref - 1];
}

const KeyIdentity* AnalyticsIdentities::key(std::uint32_t ref) const
{
    std::shared_lock lock(m_mutex);
    return ref == 0 || ref > m_keys.size() ? nullptr : &m_keys[ref - 1];
}

} // namespace gb::gateway
