#include "gateway/keys/key_hash.h"

#include "common/sys/random_id.h"
#include "gateway/keys/murmur3.h"

#include <algorithm>
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

/// A string member of a base64 JSON token ("h", "org"), or nullopt when the key is no such token.
std::optional<std::string> tokenMember(std::string_view key, const char* name)
{
    if (!key.starts_with("ey")) // `{"` in base64
        return std::nullopt;
    const std::optional<std::string> json = unbase64(key);
    if (!json)
        return std::nullopt;
    const nlohmann::json token = nlohmann::json::parse(*json, nullptr, false);
    if (!token.is_object() || !token.contains(name) || !token[name].is_string())
        return std::nullopt;
    return token[name].get<std::string>();
}

} // namespace

std::string keyHash(std::string_view key)
{
    // Tyk's TokenHashAlgo (internal/crypto/token.go:44-60): the token's "h"; an unknown or
    // absent one is murmur32, as hashFunction's default (hash.go:30-32).
    const KeyHashFunction f = parseKeyHashFunction(tokenMember(key, "h").value_or(""))
                                  .value_or(KeyHashFunction::Murmur32);
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

std::string tokenOrg(std::string_view key)
{
    if (std::optional<std::string> org = tokenMember(key, "org"))
        return *org;
    constexpr std::size_t kMongoIdLength = 24;
    if (key.size() > kMongoIdLength) {
        const std::string_view prefix = key.substr(0, kMongoIdLength);
        if (prefix.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos)
            return std::string(prefix);
    }
    return {};
}

std::string keyForName(std::string_view orgId, std::string_view name, KeyHashFunction f)
{
    if (name.starts_with(orgId))
        name.remove_prefix(orgId.size());
    return generateKey(orgId, f, name);
}

std::vector<std::string> keysToTry(std::string_view key, std::string_view orgId, KeyHashFunction f,
                                   const std::vector<KeyHashFunction>& fallbacks)
{
    if (tokenOrg(key) == orgId || key == orgId) // (the org alone names no key: nothing to wrap)
        return {std::string(key)};
    std::vector<std::string> keys{keyForName(orgId, key, f), std::string(key)};
    for (const KeyHashFunction fallback : fallbacks)
        keys.push_back(keyForName(orgId, key, fallback));
    // Legacy with no organisation makes the key itself again: ask once.
    std::vector<std::string> unique;
    for (std::string& k : keys)
        if (std::find(unique.begin(), unique.end(), k) == unique.end())
            unique.push_back(std::move(k));
    return unique;
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
