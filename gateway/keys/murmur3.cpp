#include "gateway/keys/murmur3.h"

#include <bit>
#include <cstring>

namespace gb::gateway::murmur3 {

namespace {

template <class T>
T loadLittleEndian(const char* p) noexcept
{
    T v;
    std::memcpy(&v, p, sizeof v);
    static_assert(std::endian::native == std::endian::little, "little-endian hosts only");
    return v;
}

std::uint64_t fmix64(std::uint64_t k) noexcept
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

} // namespace

std::pair<std::uint64_t, std::uint64_t> hash128(std::string_view data) noexcept
{
    constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
    constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;
    std::uint64_t h1 = 0;
    std::uint64_t h2 = 0;
    const std::size_t blocks = data.size() / 16;
    for (std::size_t i = 0; i < blocks; ++i) {
        std::uint64_t k1 = loadLittleEndian<std::uint64_t>(data.data() + i * 16);
        std::uint64_t k2 = loadLittleEndian<std::uint64_t>(data.data() + i * 16 + 8);
        k1 *= c1;
        k1 = std::rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
        h1 = std::rotl(h1, 27);
        h1 += h2;
        h1 = h1 * 5 + 0x52dce729;
        k2 *= c2;
        k2 = std::rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        h2 = std::rotl(h2, 31);
        h2 += h1;
        h2 = h2 * 5 + 0x38495ab5;
    }
    const auto* tail = reinterpret_cast<const unsigned char*>(data.data() + blocks * 16);
    std::uint64_t k1 = 0;
    std::uint64_t k2 = 0;
    switch (data.size() & 15) {
    case 15:
        k2 ^= std::uint64_t(tail[14]) << 48;
        [[fallthrough]];
    case 14:
        k2 ^= std::uint64_t(tail[13]) << 40;
        [[fallthrough]];
    case 13:
        k2 ^= std::uint64_t(tail[12]) << 32;
        [[fallthrough]];
    case 12:
        k2 ^= std::uint64_t(tail[11]) << 24;
        [[fallthrough]];
    case 11:
        k2 ^= std::uint64_t(tail[10]) << 16;
        [[fallthrough]];
    case 10:
        k2 ^= std::uint64_t(tail[9]) << 8;
        [[fallthrough]];
    case 9:
        k2 ^= std::uint64_t(tail[8]);
        k2 *= c2;
        k2 = std::rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        [[fallthrough]];
    case 8:
        k1 ^= std::uint64_t(tail[7]) << 56;
        [[fallthrough]];
    case 7:
        k1 ^= std::uint64_t(tail[6]) << 48;
        [[fallthrough]];
    case 6:
        k1 ^= std::uint64_t(tail[5]) << 40;
        [[fallthrough]];
    case 5:
        k1 ^= std::uint64_t(tail[4]) << 32;
        [[fallthrough]];
    case 4:
        k1 ^= std::uint64_t(tail[3]) << 24;
        [[fallthrough]];
    case 3:
        k1 ^= std::uint64_t(tail[2]) << 16;
        [[fallthrough]];
    case 2:
        k1 ^= std::uint64_t(tail[1]) << 8;
        [[fallthrough]];
    case 1:
        k1 ^= std::uint64_t(tail[0]);
        k1 *= c1;
        k1 = std::rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
    }
    h1 ^= data.size();
    h2 ^= data.size();
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    return {h1, h2};
}

std::uint32_t tykHash32(std::string_view data) noexcept
{
    constexpr std::uint32_t c1 = 0xcc9e2d51;
    constexpr std::uint32_t c2 = 0x1b873593;
    std::uint32_t h1 = 0;
    for (std::size_t i = 0; i + 4 <= data.size(); i += 4) {
        std::uint32_t k1 = loadLittleEndian<std::uint32_t>(data.data() + i);
        k1 *= c1;
        k1 = std::rotl(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        h1 = std::rotl(h1, 13);
        h1 = h1 * 5 + 0xe6546b64;
    }
    return h1;
}

} // namespace gb::gateway::murmur3
