#pragma once

#include <string>

namespace gb {

/// A random UUID (version 4) as 32 lower-case hex characters, without dashes (Tyk's
/// uuid.NewHex), from OpenSSL's CSPRNG. Empty if the generator fails: it never falls back to a
/// weaker source.
std::string randomUuidHex();

} // namespace gb
