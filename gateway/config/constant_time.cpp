#include "gateway/config/constant_time.h"

#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace gb::gateway {

namespace {

using Digest = std::array<unsigned char, 32>;

bool sha256(std::string_view data, Digest& out) noexcept
{
    unsigned int size = 0;
    return EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) == 1 &&
           size == out.size();
}

} // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) noexcept
{
    Digest da{}, db{};
    // Both are hashed even if the first fails, so failure takes the same path as success.
    const bool okA = sha256(a, da);
    const bool okB = sha256(b, db);
    const bool same = CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
    return okA && okB && same;
}

bool isAdminSecretValid(std::string_view configuredSecret, std::string_view presented) noexcept
{
    const bool equal = constantTimeEquals(configuredSecret, presented);
    return equal && !configuredSecret.empty();
}

} // namespace gb::gateway
