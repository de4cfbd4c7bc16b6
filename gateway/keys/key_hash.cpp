#include "gateway/keys/key_hash.h"

#include "common/sys/random_id.h"
#include "gateway/keys/murmur3.h"

#include <array>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
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

/// Go's hash.Sum: the digest's integers in big-endian order.
void appendBigEndianHex(std::string& out, std::uint64_t v, int bytes)
{
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        const auto b = static_cast<unsigned char>(v >> shift);
        appendHex(out, &b, 1);
    }
}

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in)
{
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, in.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k)
            v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k)
            out.push_back(k <= n ? kBase64[(v >> (18 - 6 * k)) & 0x3f] : '=');
    }
    return out;
}

/// Go's base64.StdEncoding.DecodeString for what a token can hold: padded quanta of the
/// standard alphabet; anything else is not a token (nullopt).
std::optional<std::string> unbase64(std::string_view in)
{
    if (in.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        std::uint32_t v = 0;
        int pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = in[i + k];
            std::size_t d = 0;
            if (c == '=' && i + 4 == in.size() && k >= 2) {
                ++pad;
            } else if (pad > 0 || (d = kBase64.find(c)) == std::string_view::npos) {
                return std::nullopt;
            }
            v = (v << 6) | static_cast<std::uint32_t>(pad > 0 ? 0 : d);
        }
        for (int k = 0; k < 3 - pad; ++k)
            out.push_back(static_cast<char>((v >> (16 - 8 * k)) & 0xff));
    }
    return out;
}

/// Tyk's TokenHashAlgo (internal/crypto/token.go:44-60): the "h" of a base64 JSON token.
std::string_view hashNamedBy(std::string_view key, std::string& storage)
{
    if (!key.starts_with("ey")) // `{"` in base64
        return {};
    const std::optional<std::string> json = unbase64(key);
    if (!json)
        return {};
    const nlohmann::json token = nlohmann::json::parse(*json, nullptr, false);
    if (!token.is_object() || !token.contains("h") || !token["h"].is_string())
        return {};
    storage = token["h"].get<std::string>();
    return storage;
}

} // namespace

std::string keyHash(std::string_view key)
{
    std::string named;
    // An unknown or absent name is murmur32, as hashFunction's default (hash.go:30-32).
    const KeyHashFunction f =
        parseKeyHashFunction(hashNamedBy(key, named)).value_or(KeyHashFunction::Murmur32);
    std::string out;
    switch (f) {
    case KeyHashFunction::Sha256:
        return sha256Hex(key);
    case KeyHashFunction::Murmur64:
        appendBigEndianHex(out, murmur3::hash128(key).first, 8);
        return out;
    case KeyHashFunction::Murmur128: {
        const auto [h1, h2] = murmur3::hash128(key);
        appendBigEndianHex(out, h1, 8);
        appendBigEndianHex(out, h2, 8);
        return out;
    }
    case KeyHashFunction::Legacy:
    case KeyHashFunction::Murmur32:
        appendBigEndianHex(out, murmur3::tykHash32(key), 4);
        return out;
    }
    return out;
}

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

std::string generateKey(std::string_view orgId, KeyHashFunction f, std::string_view id)
{
    std::string randomId;
    if (id.empty()) {
        randomId = randomUuidHex();
        if (randomId.empty())
            throw std::runtime_error("the random number generator failed");
        id = randomId;
    }
    if (f == KeyHashFunction::Legacy) {
        std::string key(orgId);
        key.append(id);
        return key;
    }
    // Tyk formats the token with Sprintf, without escaping: the same bytes here.
    std::string json = "{\"org\":\"";
    json.append(orgId);
    json.append("\",\"id\":\"");
    json.append(id);
    json.append("\",\"h\":\"");
    json.append(keyHashFunctionName(f));
    json.append("\"}");
    return base64(json);
}

std::string storageIdFor(std::string_view key, bool hashKeys)
{
    return hashKeys ? keyHash(key) : std::string(key);
}

std::string logName(std::string_view keyHashHex)
{
    return std::string(keyHashHex.substr(0, 8));
}

} // namespace gb::gateway
