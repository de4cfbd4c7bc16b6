#include "gateway/access/key_admin.h"

#include "gateway/access/request_limiter.h"
#include "gateway/keys/apply_policies.h"
#include "gateway/keys/key_hash.h"
#include "gateway/keys/key_store.h"
#include "gateway/keys/policy_store.h"
#include "gateway/keys/session.h"
#include "gateway/keys/session_cache.h"
#include "gateway/keys/storage_keys.h"
#include "gateway/keys/token.h"
#include "gateway/storage/clock.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace gb::gateway {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kPrefix = "/tyk/keys";
constexpr std::size_t kMaxKeyLength = 1024;

std::string dump(const Json& j)
{
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

AdminResponse modified(std::string_view key, std::string_view action, std::string_view keyHash)
{
    Json j;
    j["key"] = key;
    j["status"] = "ok";
    j["action"] = action;
    if (!keyHash.empty())
        j["key_hash"] = keyHash;
    return {200, dump(j)};
}

AdminResponse malformed()
{
    return errorResponse(400, "Request malformed");
}

AdminResponse unavailable()
{
    return errorResponse(503, "Key store unavailable");
}

AdminResponse noAccessRights()
{
    return errorResponse(400, "Failed to create key, keys must have at least one Access Rights "
                              "record set.");
}

bool validKeyName(std::string_view key)
{
    if (key.empty() || key.size() > kMaxKeyLength)
        return false;
    for (const char c : key)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return true;
}

/// A new quota period starts now, for the session and for each per-API limit (Tyk resets on
/// create, and on update unless suppress_reset=1).
void startQuotaPeriod(Session& s, std::int64_t now)
{
    s.quotaRenews = now + s.quotaRenewalRate;
    if (s.quotaMax > 0)
        s.quotaRemaining = s.quotaMax;
    for (auto& [apiId, access] : s.accessRights) {
        if (!access.limit || access.limit->isEmpty())
            continue;
        access.limit->quotaRenews = now + access.limit->quotaRenewalRate;
        if (access.limit->quotaMax > 0)
            access.limit->quotaRemaining = access.limit->quotaMax;
    }
}

/// Every quota counter a session can have: its own, and one per per-API limit.
std::vector<std::string> quotaScopes(const Session& s)
{
    std::vector<std::string> scopes{""};
    for (const auto& [apiId, access] : s.accessRights)
        if (access.limit && !access.limit->isEmpty())
            scopes.push_back(access.allowanceScope.empty() ? apiId : access.allowanceScope);
    return scopes;
}

std::string timestamp(std::int64_t unixSeconds)
{
    return formatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(unixSeconds)));
}

/// Calls `done` once `count` arrivals happened, on whichever thread arrives last.
struct Join
{
    std::atomic<std::size_t> left;
    UniqueFunction<void()> done;
    void arrive()
    {
        if (left.fetch_sub(1, std::memory_order_acq_rel) == 1)
            done();
    }
};

} // namespace

/// One admin call in flight. Steps run one after another (inline, or on the store's thread);
/// never two at once, so no locking.
struct KeyAdmin::Op
{
    boost::asio::io_context* io = nullptr;
    Reply reply;
    std::string name;    ///< the key as named in the path (or generated); the hash with ?hashed
    std::string id;      ///< storage id
    std::string keyHash; ///< Tyk's hash of the key, for logs and key_hash
    bool byHash = false;
    bool suppressReset = false;
    std::string orgId; ///< ?org_id=, the organisation a name is looked up in
    std::string filter;
    std::string body;
    Session session;
};

KeyAdmin::KeyAdmin(KeyAdminOptions options, KeyStore& store, SessionCache& cache,
                   const PolicyStore& policies, RequestLimiter& limiter, const Clock& clock)
    : m_options(options)
    , m_store(store)
    , m_cache(cache)
    , m_policies(policies)
    , m_limiter(limiter)
    , m_clock(clock)
{}

bool KeyAdmin::handles(std::string_view path) noexcept
{
    return path == kPrefix || (path.size() > kPrefix.size() && path.starts_with(kPrefix) &&
                               path[kPrefix.size()] == '/');
}

void KeyAdmin::handle(const KeyAdminRequest& request, boost::asio::io_context& io, Reply reply)
{
    auto op = std::make_shared<Op>();
    op->io = &io;
    op->reply = std::move(reply);
    op->body = std::string(request.body);

    std::string_view query = request.query;
    std::string name, value;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        percentDecode(pair.substr(0, eq), name);
        percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                      value);
        if (name == "hashed")
            op->byHash = !value.empty(); // Tyk: any non-empty value
        else if (name == "suppress_reset")
            op->suppressReset = value == "1";
        else if (name == "filter")
            op->filter = value;
        else if (name == "org_id")
            op->orgId = value;
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }

    if (!handles(request.path))
        return respond(op, errorResponse(404, "Not Found"));
    std::string_view rest = request.path.substr(kPrefix.size());
    if (!rest.empty())
        rest.remove_prefix(1); // the '/'
    const std::string_view method = request.method;
    if (rest.empty()) {
        if (method == "GET")
            return list(op);
        if (method == "POST")
            return create(op, {});
        return respond(op, errorResponse(405, "Method not supported"));
    }
    if (rest.find('/') != std::string_view::npos)
        return respond(op, errorResponse(404, "Not Found"));
    percentDecode(rest, op->name, false);
    if (method == "POST") {
        if (op->name == "create")
            return create(op, {});
        if (!validKeyName(op->name))
            return respond(op, errorResponse(400, "Invalid key name"));
        return create(op, op->name);
    }
    if (method != "GET" && method != "PUT" && method != "DELETE")
        return respond(op, errorResponse(405, "Method not supported"));
    if (op->byHash) {
        if (!m_options.hashKeys)
            return respond(op, errorResponse(400, "Key requested by hash but key hashing is not "
                                                  "enabled"));
        op->id = op->name;
        op->keyHash = op->name;
    }
    if (method == "GET")
        return get(op);
    if (method == "PUT")
        return update(op);
    return remove(op);
}

void KeyAdmin::create(const OpPtr& op, std::string key)
{
    std::string error;
    std::optional<Session> session = parseSession(op->body, &error);
    if (!session) {
        if (m_options.log)
            std::fprintf(stderr, "keys: create refused: %s\n", error.c_str());
        return respond(op, malformed());
    }
    const std::int64_t now = m_clock.unixMs() / 1000;
    applyKeyPolicies(*session, true, now);
    if (session->accessRights.empty())
        return respond(op, noAccessRights());
    try {
        // Tyk's generateToken (gateway/api.go:612): a generated id, or the name given, in the
        // token format of the body's organisation.
        key = key.empty() ? generateKey(session->orgId, m_options.hashKeyFunction)
                          : keyForName(session->orgId, key, m_options.hashKeyFunction);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "keys: cannot generate a key: %s\n", e.what());
        return respond(op, errorResponse(500, "Failed to create key"));
    }
    op->name = std::move(key);
    op->id = storageIdFor(op->name, m_options.hashKeys);
    op->keyHash = m_options.hashKeys ? op->id : keyHash(op->name);
    session->dateCreated = timestamp(now);
    session->lastUpdated = std::to_string(now);
    startQuotaPeriod(*session, now);
    op->session = std::move(*session);
    save(op, true, true);
}

void KeyAdmin::update(const OpPtr& op)
{
    std::string error;
    std::optional<Session> fresh = parseSession(op->body, &error);
    if (!fresh) {
        if (m_options.log)
            std::fprintf(stderr, "keys: update refused: %s\n", error.c_str());
        return respond(op, malformed());
    }
    applyKeyPolicies(*fresh, false, m_clock.unixMs() / 1000);
    if (fresh->accessRights.empty())
        return respond(op, noAccessRights());
    op->session = std::move(*fresh);
    op->orgId = op->session.orgId; // handleAddOrUpdate looks the key up in the body's org
    read(op, [this, op](StoreResult r) {
        if (r.status == StoreStatus::NotFound)
            return respond(op, errorResponse(404, "Key is not found"));
        if (r.status != StoreStatus::Ok)
            return respond(op, unavailable());
        const Session original = parseSession(r.value).value_or(Session{});
        Session& s = op->session;
        const std::int64_t now = m_clock.unixMs() / 1000;
        s.dateCreated = original.dateCreated;
        if (op->suppressReset) {
            s.quotaRenews = original.quotaRenews;
            for (auto& [apiId, access] : s.accessRights) {
                const AccessDefinition* before = original.access(apiId);
                if (access.limit && !access.limit->isEmpty() && before != nullptr &&
                    before->limit && !before->limit->isEmpty())
                    access.limit->quotaRenews = before->limit->quotaRenews;
            }
        } else {
            startQuotaPeriod(s, now);
        }
        // Tyk keeps the old expiry when the new one is already in the past.
        if (s.expires > 1 && now > s.expires)
            s.expires = original.expires;
        s.lastUpdated = std::to_string(now);
        save(op, !op->suppressReset, false);
    });
}

void KeyAdmin::applyKeyPolicies(Session& session, bool created, std::int64_t now) const
{
    if (!session.hasPolicies())
        return;
    const std::shared_ptr<const PolicySet> policies = m_policies.current();
    const PolicyApplication applied = applyPolicies(session, *policies);
    if (!applied.error.empty() && m_options.log)
        std::fprintf(stderr, "keys: the key's policies do not apply: %s\n", applied.error.c_str());
    if (!created)
        return;
    // checkAndApplyTrialPeriod (gateway/api.go:309-330): a new key expires after the
    // key_expires_in of its policies (the last one that sets it).
    for (const std::string& id : session.policyIds())
        if (const Policy* p = policies->find(session.orgId, id); p && p->keyExpiresIn > 0)
            session.expires = now + p->keyExpiresIn;
}

void KeyAdmin::save(const OpPtr& op, bool reset, bool created)
{
    m_store.put(op->id, serializeSession(op->session), [this, op, reset, created](StoreResult r) {
        if (r.status != StoreStatus::Ok)
            return respond(op, unavailable());
        m_cache.invalidate(op->id);
        auto reply = [this, op, created] {
            log(created ? "added" : "modified", op->keyHash);
            respond(op, modified(op->name, created ? "added" : "modified",
                                 created && m_options.hashKeys ? std::string_view(op->keyHash)
                                                               : std::string_view()));
        };
        if (reset)
            resetQuotas(op, std::move(reply));
        else
            reply();
    });
}

void KeyAdmin::read(const OpPtr& op, UniqueFunction<void(StoreResult)> then)
{
    if (op->byHash)
        return m_store.get(op->id, std::move(then));
    const std::vector<std::string> keys = keysToTry(op->name, op->orgId, m_options.hashKeyFunction,
                                                    m_options.hashKeyFunctionFallback);
    std::vector<std::string> ids;
    for (const std::string& key : keys)
        ids.push_back(storageIdFor(key, m_options.hashKeys));
    m_store.getFirst(ids, [this, op, keys, ids, then = std::move(then)](StoreResult r) mutable {
        if (r.status == StoreStatus::Ok && r.index < keys.size()) {
            op->name = keys[r.index];
            op->id = ids[r.index];
            op->keyHash = m_options.hashKeys ? op->id : keyHash(op->name);
        }
        then(std::move(r));
    });
}

void KeyAdmin::get(const OpPtr& op)
{
    read(op, [this, op](StoreResult r) {
        if (r.status == StoreStatus::NotFound)
            return respond(op, errorResponse(404, "Key not found"));
        if (r.status != StoreStatus::Ok)
            return respond(op, unavailable());
        std::optional<Session> s = parseSession(r.value);
        if (!s)
            return respond(op, errorResponse(500, "Key data is corrupt"));
        op->session = std::move(*s);

        // quota_remaining and quota_renews come from the live counters, as Tyk reads them.
        struct Slot
        {
            std::string scope;
            std::int64_t* remaining;
            std::int64_t* renews;
            std::int64_t max;
            std::optional<WindowUsage> usage;
        };
        auto slots = std::make_shared<std::vector<Slot>>();
        Session& session = op->session;
        if (session.quotaMax > 0)
            slots->push_back(
                {"", &session.quotaRemaining, &session.quotaRenews, session.quotaMax, {}});
        for (auto& [apiId, access] : session.accessRights)
            if (access.limit && !access.limit->isEmpty() && access.limit->quotaMax > 0)
                slots->push_back({access.allowanceScope.empty() ? apiId : access.allowanceScope,
                                  &access.limit->quotaRemaining,
                                  &access.limit->quotaRenews,
                                  access.limit->quotaMax,
                                  {}});
        auto finish = [this, op, slots] {
            const std::int64_t now = m_clock.unixMs() / 1000;
            for (Slot& slot : *slots) {
                if (!slot.usage)
                    continue;
                *slot.remaining = std::max<std::int64_t>(
                    0, slot.max - static_cast<std::int64_t>(slot.usage->used));
                if (slot.usage->resetInMs > 0)
                    *slot.renews = now + (slot.usage->resetInMs + 999) / 1000;
            }
            respond(op, AdminResponse{200, serializeSession(op->session)});
        };
        if (slots->empty())
            return finish();
        auto join = std::make_shared<Join>();
        join->left = slots->size();
        join->done = std::move(finish);
        for (std::size_t i = 0; i < slots->size(); ++i) {
            m_limiter.quotaUsage(storage_keys::quota((*slots)[i].scope, op->id),
                                 [slots, join, i](std::optional<WindowUsage> u) {
                                     (*slots)[i].usage = u;
                                     join->arrive();
                                 });
        }
    });
}

void KeyAdmin::remove(const OpPtr& op)
{
    // Read first, as Tyk does: the answer for a missing key is its "no such key", and the
    // session names the per-API quota counters to reset.
    read(op, [this, op](StoreResult r) {
        if (r.status == StoreStatus::NotFound)
            return respond(op, errorResponse(404, "There is no such key found"));
        if (r.status != StoreStatus::Ok)
            return respond(op, unavailable());
        op->session = parseSession(r.value).value_or(Session{});
        m_store.remove(op->id, [this, op](StoreResult removed) {
            if (removed.status == StoreStatus::NotFound)
                return respond(op, errorResponse(404, "There is no such key found"));
            if (removed.status != StoreStatus::Ok)
                return respond(op, unavailable());
            m_cache.invalidate(op->id);
            resetQuotas(op, [this, op] {
                log("deleted", op->keyHash);
                respond(op, modified(op->name, "deleted", {}));
            });
        });
    });
}

void KeyAdmin::list(const OpPtr& op)
{
    if (m_options.hashKeys && !m_options.enableHashedKeysListing) // Tyk: gateway/api.go:1876-1880
        return respond(op, errorResponse(404, "Hashed key listing is disabled in config "
                                              "(enable_hashed_keys_listing)"));
    m_store.list([this, op](StoreListResult r) {
        if (r.status != StoreStatus::Ok)
            return respond(op, unavailable());
        Json keys = Json::array();
        for (const std::string& id : r.ids)
            if (m_options.hashKeys || op->filter.empty() || id.starts_with(op->filter))
                keys.push_back(id);
        Json j;
        j["keys"] = std::move(keys);
        respond(op, AdminResponse{200, dump(j)});
    });
}

void KeyAdmin::resetQuotas(const OpPtr& op, UniqueFunction<void()> then)
{
    const std::vector<std::string> scopes = quotaScopes(op->session);
    auto join = std::make_shared<Join>();
    join->left = scopes.size();
    join->done = std::move(then);
    for (const std::string& scope : scopes)
        m_limiter.resetQuota(storage_keys::quota(scope, op->id), [join](bool) { join->arrive(); });
}

void KeyAdmin::respond(const OpPtr& op, AdminResponse response)
{
    boost::asio::post(*op->io, [op, response = std::move(response)]() mutable {
        Reply reply = std::move(op->reply);
        if (reply)
            reply(std::move(response));
    });
}

void KeyAdmin::log(const char* what, const std::string& keyHash) const
{
    if (m_options.log)
        std::fprintf(stderr, "keys: %s key %s\n", what, logName(keyHash).c_str());
}

} // namespace gb::gateway
