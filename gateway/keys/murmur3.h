#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace gb::gateway::murmur3 {

/// MurmurHash3 x64_128 with seed 0 (Austin Appleby's reference; spaolacci/murmur3's New128,
/// whose Sum64 is the first half). Pure.
std::pair<std::uint64_t, std::uint64_t> hash128(std::string_view data) noexcept;

/// What Tyk's "murmur32" computes (TykTechnologies/murmur3's 32-bit digest as Tyk links it): the
/// x86_32 block mix over the whole 4-byte blocks only, without the tail bytes, the length and
/// the final mix. So keys that differ only after their last whole block hash alike, as in Tyk
/// (its TestMurmur3CharBug, gateway/mw_auth_key_test.go:73-89). Pure.
std::uint32_t tykHash32(std::string_view data) noexcept;

} // namespace gb::gateway::murmur3
