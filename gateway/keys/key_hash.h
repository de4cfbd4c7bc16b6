#pragma once

#include "gateway/config/key_hash_function.h"

#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// Tyk's HashStr(key) (internal/crypto/hash.go:36-52): the hash function the key itself names
/// (the "h" of Tyk's base64 JSON token), murmur32 for any other key (and for an unknown "h");
/// lower-case hex of the digest (8, 16, 32 or 64 characters). Pure; any thread.
std::string keyHash(std::string_view key);

/// A new key as Tyk's GenerateToken (internal/crypto/token.go:25-42): with a hash function,
/// base64 of {"org":"<orgId>","id":"<id>","h":"<function>"}; Legacy: orgId followed by id. An
/// empty id is a random UUIDv4 in 32 hex characters from OpenSSL's CSPRNG (Tyk's uuid.NewHex).
/// Throws std::runtime_error if the RNG fails (it never falls back to a weaker source).
std::string generateKey(std::string_view orgId, KeyHashFunction f, std::string_view id = {});

/// Tyk's TokenOrg (internal/crypto/token.go:70-90): the "org" of a base64 JSON token, else the
/// first 24 characters of a legacy key when they are hex (a Mongo id), else "".
std::string tokenOrg(std::string_view key);

/// Tyk's gateway generateToken (gateway/auth_manager.go:243-260): the key a name becomes in
/// organisation `orgId` (a leading orgId is dropped from the name first), as POST
/// /tyk/keys/{name} files it.
std::string keyForName(std::string_view orgId, std::string_view name, KeyHashFunction f);

/// The keys to try, in order, for a key presented for organisation `orgId` (Tyk's SessionDetail,
/// gateway/auth_manager.go:173-211): a key that is not a token of that organisation may be a name
/// given to POST /tyk/keys/{name}, so its token under `f` comes first, then the key itself, then
/// its tokens under each of hash_key_function_fallback. A token of the organisation: itself only.
std::vector<std::string> keysToTry(std::string_view key, std::string_view orgId, KeyHashFunction f,
                                   const std::vector<KeyHashFunction>& fallbacks);

/// What the store files a key under: keyHash(key) when hashKeys (no raw key at rest), else the
/// key itself; the Redis key is "apikey-" + this, as Tyk's.
std::string storageIdFor(std::string_view key, bool hashKeys);

/// SHA-256 of `data` as 64 lower-case hex characters. Pure; any thread.
std::string sha256Hex(std::string_view data);

/// A short, safe name for a key in logs: the first 8 hex characters of its hash. Never the key.
std::string logName(std::string_view keyHashHex);

} // namespace gb::gateway
