#include "common/sys/random_id.h"

#include <array>
#include <openssl/rand.h>

namespace gb {

std::string randomUuidHex()
{
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
        return {};
    random[6] = static_cast<unsigned char>((random[6] & 0x0f) | 0x40); // version 4
    random[8] = static_cast<unsigned char>((random[8] & 0x3f) | 0x80); // RFC 4122 variant
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string id;
    id.reserve(32);
    for (const unsigned char b : random) {
        id.push_back(kDigits[b >> 4]);
        id.push_back(kDigits[b & 0x0f]);
    }
    return id;
}

} // namespace gb
