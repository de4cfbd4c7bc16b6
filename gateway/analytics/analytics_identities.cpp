#include "gateway/analytics/analytics_identities.h"

#include "gateway/config/api_definition.h"

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

/// A URL's host[:port] as Go's url.URL.Host holds it: the authority without user info.
std::string_view urlHost(std::string_view url) noexcept
{
    const std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos)
        url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const std::size_t at = url.rfind('@'); at != std::string_view::npos)
        url.remove_prefix(at + 1);
    return url;
}

} // namespace

ApiIdentity apiIdentity(const ApiDefinition& api)
{
    ApiIdentity identity;
    identity.apiId = api.apiId;
    identity.apiName = api.name;
    identity.orgId = api.orgId;
    identity.listenPath = api.listenPath;
    identity.stripListenPath = api.stripListenPath;
    identity.targetHost.assign(urlHost(api.targetUrl));
    identity.tags = api.tags;
    identity.expireAnalyticsAfter = api.expireAnalyticsAfter;
    return identity;
}

bool sameIdentity(const ApiIdentity& identity, const ApiDefinition& api) noexcept
{
    return identity.apiId == api.apiId && identity.apiName == api.name &&
           identity.orgId == api.orgId && identity.listenPath == api.listenPath &&
           identity.stripListenPath == api.stripListenPath &&
           identity.targetHost == urlHost(api.targetUrl) && identity.tags == api.tags &&
           identity.expireAnalyticsAfter == api.expireAnalyticsAfter;
}

std::uint32_t AnalyticsIdentities::internApi(const ApiIdentity& api)
{
    std::string id;
    appendField(id, api.apiId);
    appendField(id, api.apiName);
    appendField(id, api.orgId);
    appendField(id, api.listenPath);
    appendField(id, api.stripListenPath ? "1" : "0");
    appendField(id, api.targetHost);
    appendField(id, std::to_string(api.expireAnalyticsAfter));
    for (const std::string& t : api.tags)
        appendField(id, t);
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
    m_apis.push_back(api);
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
