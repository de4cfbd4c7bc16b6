#pragma once

#include <string_view>

namespace gb::gateway {

/// Compares two secrets without leaking, through timing, where they differ or how long the
/// expected one is: both are reduced to SHA-256 digests (fixed length, so the length of the
/// secret only costs constant hashing time) and the digests compared with OpenSSL's
/// CRYPTO_memcmp, which has no early exit. Pure; any thread.
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// The x-tyk-authorization check for the admin API. An empty configured secret never matches,
/// so a gateway started without one keeps its admin API locked (Tyk would let an empty header
/// through). `presented` is the header value as received; absent is "".
bool isAdminSecretValid(std::string_view configuredSecret, std::string_view presented) noexcept;

} // namespace gb::gateway
