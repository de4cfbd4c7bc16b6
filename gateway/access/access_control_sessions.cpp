// AccessControl, reading sessions from the key store: the keys a presented token may be filed
// under, a store answer turned into the cached session (its policies applied), and the
// background refresh that lets a change made through another gateway reach this one.
#include "gateway/access/access_control.h"
#include "gateway/keys/apply_policies.h"
#include "gateway/keys/key_hash.h"
#include "gateway/keys/key_store.h"
#include "gateway/keys/policy_store.h"
#include "gateway/keys/session_cache.h"
#include "gateway/storage/clock.h"

#include <cstdio>

namespace gb::gateway {

AccessControl::Lookup AccessControl::lookupFor(std::string_view token,
                                               std::string_view apiOrgId) const
{
    Lookup lookup;
    lookup.keys =
        keysToTry(token, apiOrgId, m_options.hashKeyFunction, m_options.hashKeyFunctionFallback);
    for (const std::string& key : lookup.keys)
        lookup.ids.push_back(storageIdFor(key, m_options.hashKeys));
    return lookup;
}

AccessControl::LoadResult AccessControl::loaded(std::string_view token, const std::string& key,
                                                const std::string& id, std::uint64_t generation,
                                                StoreResult result)
{
    switch (result.status) {
    case StoreStatus::NotFound:
        return {AccessOutcome::KeyUnknown, nullptr};
    case StoreStatus::Unavailable:
        return {AccessOutcome::StoreUnavailable, nullptr};
    case StoreStatus::Ok:
        break;
    }
    const std::string hash = m_options.hashKeys ? id : keyHash(key);
    std::string error;
    std::optional<Session> session = parseSession(result.value, &error);
    if (!session) {
        // Our own data is broken: a server-side failure, not the client's fault.
        std::fprintf(stderr, "key store: the session of key %s does not parse: %s\n",
                     logName(hash).c_str(), error.c_str());
        return {AccessOutcome::StoreUnavailable, nullptr};
    }
    auto entry = std::make_shared<CachedSession>();
    if (session->hasPolicies()) {
        PolicyApplication applied = applyPolicies(*session, *m_policies.current());
        if (!applied.error.empty())
            std::fprintf(stderr, "keys: the policies of key %s do not apply: %s\n",
                         logName(hash).c_str(), applied.error.c_str());
        entry->hasPolicies = true;
        entry->policyError = std::move(applied.error);
        entry->policyOrgId = std::move(applied.orgId);
    }
    entry->session = std::move(*session);
    entry->storageId = id;
    entry->keyHash = hash;
    entry->loadedAtMs = m_clock.steadyMs();
    SessionHandle handle = std::move(entry);
    m_cache.insert(token, handle, generation);
    return {AccessOutcome::Allowed, std::move(handle)};
}

void AccessControl::maybeRefresh(const SessionHandle& session, std::string_view token)
{
    if (m_store.isLocal() ||
        m_clock.steadyMs() - session->loadedAtMs < m_options.refreshAfter.count() ||
        session->refreshing.exchange(true))
        return;
    const std::uint64_t generation = m_cache.generation();
    m_store.get(session->storageId, [this, token = std::string(token), session,
                                     generation](StoreResult r) mutable {
        if (r.status == StoreStatus::NotFound) {
            if (m_cache.generation() == generation)
                m_cache.erase(token); // deleted through another gateway
        } else if (r.status == StoreStatus::Ok) {
            loaded(token, session->storageId, session->storageId, generation, std::move(r));
        }
        // Unavailable: keep serving the cached copy; a later request tries again.
        session->refreshing.store(false);
    });
}

} // namespace gb::gateway
