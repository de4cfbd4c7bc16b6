#include "gateway/keys/key_hash.h"

#include <array>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace gb::gateway {

namespace {

void appendHex(std::string& out, const unsigned char* data, std::size_t size)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0f]);
    }
}

} // namespace

std::string sha256Hex(std::string_view data)
{
    std::array<unsigned char, 32> digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
        size != digest.size())
        throw std::runtime_error("SHA-256 failed");
    std::string out;
    out.reserve(64);
    appendHex(out, digest.data(), digest.size());
    return out;
}

std::string generateKey(std::string_view orgId)
{
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
        throw std::runtime_error("the random number generator failed");
    std::string key(orgId);
    appendHex(key, random.data(), random.size());
    return key;
}

std::string storageIdFor(std::string_view key, bool hashKeys)
{
    return hashKeys ? sha256Hex(key) : std::string(key);
}

std::string logName(std::string_view keyHashHex)
{
    return std::string(keyHashHex.substr(0, 8));
}

} // namespace gb::gateway
