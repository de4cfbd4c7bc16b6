#pragma once

#include "gateway/http/request.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway::proxy {

/// The header fields of an upstream response, gathered as the response parser reports them (its
/// views die with each parse() call, so the bytes are copied into a store that keeps its capacity
/// across responses) and filtered for the client: hop-by-hop fields, every field the upstream's
/// Connection names, and the fields the server core writes itself (Date, framing) are dropped.
///
/// Owned by one proxied exchange; not thread-safe.
class ResponseHead
{
public:
    /// Upstream heads beyond these are refused (502): a sane server sends far less.
    static constexpr std::size_t kMaxBytes = 64 * 1024;
    static constexpr std::size_t kMaxFields = http::kMaxHeaders;

    void clear();
    void add(std::string_view name, std::string_view value);
    /// More fields or bytes than the limits allow were offered; the extra ones were dropped.
    bool overflowed() const { return m_overflow; }
    /// The fields to send to the client, in the upstream's order, then `extra` (fields a request
    /// filter adds). Valid until the next clear() or add().
    std::span<const http::Header> forwarded(std::span<const http::Header> extra = {});

private:
    struct Field
    {
        std::uint32_t nameAt;
        std::uint32_t nameSize;
        std::uint32_t valueAt;
        std::uint32_t valueSize;
    };
    std::string_view name(const Field& f) const { return {m_store.data() + f.nameAt, f.nameSize}; }
    std::string_view value(const Field& f) const
    {
        return {m_store.data() + f.valueAt, f.valueSize};
    }

    std::string m_store;
    std::vector<Field> m_fields;
    std::array<http::Header, kMaxFields> m_out;
    bool m_overflow = false;
};

} // namespace gb::gateway::proxy
