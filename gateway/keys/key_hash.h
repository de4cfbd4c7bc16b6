#pragma once

#include <string>
#include <string_view>

namespace gb::gateway {

/// SHA-256 of `data` as 64 lower-case hex characters. Pure; any thread.
std::string sha256Hex(std::string_view data);

/// A new key: `orgId` followed by 32 hex characters (128 bits) from OpenSSL's CSPRNG, the shape
/// of Tyk's generated keys. Throws std::runtime_error if the RNG fails (it never falls back to a
/// weaker source).
std::string generateKey(std::string_view orgId);

/// What the store files a key under: its SHA-256 when hashKeys (no raw key at rest), else the
/// key itself.
std::string storageIdFor(std::string_view key, bool hashKeys);

/// A short, safe name for a key in logs: the first 8 hex characters of its SHA-256 (or of the
/// given hash). Never the key.
std::string logName(std::string_view keyHashHex);

} // namespace gb::gateway
