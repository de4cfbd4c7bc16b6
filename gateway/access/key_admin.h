#pragma once

#include "gateway/config/admin_responses.h"
#include "gateway/config/key_hash_function.h"
#include "gateway/storage/unique_function.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace gb::gateway {

class Clock;
class KeyStore;
class PolicyStore;
class RequestLimiter;
class SessionCache;
struct Session;
struct StoreResult;

struct KeyAdminOptions
{
    bool hashKeys = true;
    KeyHashFunction hashKeyFunction = KeyHashFunction::Legacy; ///< of the keys it creates
    std::vector<KeyHashFunction> hashKeyFunctionFallback;      ///< tried after it for names
    bool enableHashedKeysListing = false; ///< GET /tyk/keys with hash_keys: 404 unless set
    bool log = true;                      ///< one line per change, naming keys by hash prefix only
};

/// An admin request for /tyk/keys..., already past the x-tyk-authorization check.
struct KeyAdminRequest
{
    std::string_view method; ///< "GET", "POST", ...
    std::string_view path;   ///< "/tyk/keys/abc" (no query)
    std::string_view query;  ///< without '?': hashed, suppress_reset, filter
    std::string_view body;   ///< JSON, whatever the Content-Type says
};

/// Tyk's key API over a KeyStore:
///   POST /tyk/keys/create, POST /tyk/keys   a generated key (org_id + 32 hex, CSPRNG)
///   POST /tyk/keys/{name}                   a key of your choosing: the name in Tyk's token
///                                           format of the body's org_id (org_id + name for
///                                           legacy keys), as Tyk's generateToken; clients may
///                                           present the name or that key
///   GET|PUT|DELETE /tyk/keys/{key}          ?hashed=1: {key} is the key's hash; else a key,
///                                           or a name looked up in ?org_id's (PUT: the body's)
///                                           organisation, as Tyk's SessionDetail
///   GET /tyk/keys                           {"keys": [...]}: hashes when hash_keys is on
/// with Tyk's answers ({"key","status":"ok","action":"added"|"modified"|"deleted","key_hash"}
/// and {"status":"error","message"}). Creating or updating a key (unless suppress_reset=1) and
/// deleting it start a new quota period, as in Tyk. A key naming apply_policies is stored with
/// what its policies give it (rights, limits; key_expires_in for a new key), as Tyk stores it,
/// and so may come with no access_rights of its own. Every change invalidates this process's
/// cached session. A store that cannot be reached gives 503 "Key store unavailable".
///
/// Thread-safe; one instance serves every worker. The reply is always delivered on the given
/// io_context (posted, even when the store answered inline).
class KeyAdmin
{
public:
    using Reply = UniqueFunction<void(AdminResponse)>;

    KeyAdmin(KeyAdminOptions options, KeyStore& store, SessionCache& cache,
             const PolicyStore& policies, RequestLimiter& limiter, const Clock& clock);

    /// True for "/tyk/keys" and "/tyk/keys/...".
    static bool handles(std::string_view path) noexcept;
    void handle(const KeyAdminRequest& request, boost::asio::io_context& io, Reply reply);

private:
    struct Op;
    using OpPtr = std::shared_ptr<Op>;

    void create(const OpPtr& op, std::string key);
    void update(const OpPtr& op);
    void get(const OpPtr& op);
    void remove(const OpPtr& op);
    void list(const OpPtr& op);
    /// Applies the key's policies to what will be stored (Tyk's handleAddOrUpdate,
    /// gateway/api.go:541-542, which ignores their errors as this does).
    void applyKeyPolicies(Session& session, bool created, std::int64_t now) const;
    /// Reads the key a GET, PUT or DELETE names; op's name, id and keyHash become those of the
    /// key found (a name: the first of keysToTry that is there).
    void read(const OpPtr& op, UniqueFunction<void(StoreResult)> then);
    void save(const OpPtr& op, bool resetQuotas, bool created);
    void resetQuotas(const OpPtr& op, UniqueFunction<void()> then);
    void respond(const OpPtr& op, AdminResponse response);
    void log(const char* what, const std::string& keyHash) const;

    KeyAdminOptions m_options;
    KeyStore& m_store;
    SessionCache& m_cache;
    const PolicyStore& m_policies;
    RequestLimiter& m_limiter;
    const Clock& m_clock;
};

} // namespace gb::gateway
