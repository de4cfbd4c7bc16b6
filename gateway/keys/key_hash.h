#pragma once

#include "gateway/config/key_hash_function.h"

#include <string>
#include <string_view>

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

/// What the store files a key under: keyHash(key) when hashKeys (no raw key at rest), else the
/// key itself; the Redis key is "apikey-" + this, as Tyk's.
std::string storageIdFor(std::string_view key, bool hashKeys);

/// SHA-256 of `data` as 64 lower-case hex characters. Pure; any thread.
std::string sha256Hex(std::string_view data);

/// A short, safe name for a key in logs: the first 8 hex characters of its hash. Never the key.
std::string logName(std::string_view keyHashHex);

} // namespace gb::gateway
