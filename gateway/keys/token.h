#pragma once

#include "gateway/config/api_definition.h"
#include "gateway/http/request.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace gb::gateway {

enum class TokenSource : std::uint8_t
{
    None,
    Header,
    Query,
    Cookie,
};

struct FoundToken
{
    std::string_view token; ///< empty when none was presented
    TokenSource source = TokenSource::None;
};

/// Reads the key a request presents, the way Tyk's auth-token middleware does: the configured
/// header (unless disabled; a leading "Bearer " is dropped), then the query parameter and the
/// cookie when the definition enables them, a later one winning when present. The view points
/// into the request or, for a percent-encoded query value, into `scratch`. Pure; any thread.
FoundToken findToken(const http::Request& request, const TokenAuthConfig& auth,
                     std::string& scratch);

/// "Bearer abc" -> "abc" (case-insensitive, surrounding spaces trimmed); other values trimmed.
std::string_view stripBearer(std::string_view value) noexcept;

/// What the proxy must take out of a request before it goes upstream, so that no credential
/// leaves the gateway: every location the definition reads a key from, whether or not this
/// request used it.
struct CredentialLocations
{
    std::string_view header;         ///< drop every field with this name; empty = none
    std::string_view queryParameter; ///< rewrite the query with removeQueryParameter; empty = none
    std::string_view cookie;         ///< rewrite Cookie fields with removeCookie; empty = none
};
CredentialLocations credentialLocations(const TokenAuthConfig& auth) noexcept;

/// True when a request field named `name` carries the credential (ASCII case-insensitive).
bool isCredentialHeader(std::string_view name, const TokenAuthConfig& auth) noexcept;

/// The query without any `name=...` pair (name compared after percent-decoding); "" if nothing
/// is left. Other pairs are kept byte for byte, in order.
std::string removeQueryParameter(std::string_view query, std::string_view name);
/// The same into `out` (cleared first; its capacity is reused).
void removeQueryParameter(std::string_view query, std::string_view name, std::string& out);
/// Whether removeQueryParameter would remove anything. Allocates only for a percent-encoded
/// parameter name, so the proxy can ask on every request.
bool hasQueryParameter(std::string_view query, std::string_view name);

/// A Cookie field value without the cookie `name`; "" if nothing is left (drop the field then).
/// The cookies kept are joined by "; ", each as sent.
std::string removeCookie(std::string_view cookieValue, std::string_view name);
/// The same into `out` (cleared first; its capacity is reused).
void removeCookie(std::string_view cookieValue, std::string_view name, std::string& out);
/// Whether removeCookie would remove anything. Never allocates.
bool hasCookie(std::string_view cookieValue, std::string_view name) noexcept;

/// Percent-decodes a query component ('+' is a space) or, with plusIsSpace false, a path
/// segment ('+' is itself). Invalid escapes are kept as they are.
void percentDecode(std::string_view in, std::string& out, bool plusIsSpace = true);

} // namespace gb::gateway
