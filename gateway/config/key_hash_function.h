#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gb::gateway {

/// tyk.conf `hash_key_function`: the hash a new key names in Tyk's token format, and so the hash
/// it is filed under (Tyk's internal/crypto/hash.go:14-34 and token.go:25-42).
enum class KeyHashFunction : std::uint8_t
{
    Legacy, ///< "" (Tyk's default): keys are org_id + 32 hex, hashed with murmur32
    Murmur32,
    Murmur64,
    Murmur128,
    Sha256,
};

inline std::string_view keyHashFunctionName(KeyHashFunction f)
{
    switch (f) {
    case KeyHashFunction::Legacy:
        return "";
    case KeyHashFunction::Murmur32:
        return "murmur32";
    case KeyHashFunction::Murmur64:
        return "murmur64";
    case KeyHashFunction::Murmur128:
        return "murmur128";
    case KeyHashFunction::Sha256:
        return "sha256";
    }
    return "";
}

/// "", "murmur32", "murmur64", "murmur128", "sha256"; anything else: nullopt.
inline std::optional<KeyHashFunction> parseKeyHashFunction(std::string_view name)
{
    for (KeyHashFunction f :
         {KeyHashFunction::Legacy, KeyHashFunction::Murmur32, KeyHashFunction::Murmur64,
          KeyHashFunction::Murmur128, KeyHashFunction::Sha256})
        if (name == keyHashFunctionName(f))
            return f;
    return std::nullopt;
}

} // namespace gb::gateway
