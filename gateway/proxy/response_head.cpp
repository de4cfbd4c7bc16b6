#include "gateway/proxy/response_head.h"

#include "gateway/proxy/header_rules.h"

namespace gb::gateway::proxy {

void ResponseHead::clear()
{
    m_store.clear();
    m_fields.clear();
    m_overflow = false;
}

void ResponseHead::add(std::string_view name, std::string_view value)
{
    if (m_fields.size() >= kMaxFields || m_store.size() + name.size() + value.size() > kMaxBytes) {
        m_overflow = true;
        return;
    }
    Field f;
    f.nameAt = static_cast<std::uint32_t>(m_store.size());
    f.nameSize = static_cast<std::uint32_t>(name.size());
    m_store.append(name);
    f.valueAt = static_cast<std::uint32_t>(m_store.size());
    f.valueSize = static_cast<std::uint32_t>(value.size());
    m_store.append(value);
    m_fields.push_back(f);
}

std::span<const http::Header> ResponseHead::forwarded(std::span<const http::Header> extra)
{
    // Connection fields are few (usually none): for each candidate, look through all of them.
    bool anyConnection = false;
    for (const Field& f : m_fields)
        if (http::iequals(name(f), "connection"))
            anyConnection = true;
    std::size_t n = 0;
    for (const Field& f : m_fields) {
        const std::string_view fieldName = name(f);
        switch (classifyField(fieldName)) {
        case FieldRole::HopByHop:
        case FieldRole::ContentLength:
        case FieldRole::TransferEncoding:
        case FieldRole::Date:
            continue;
        default:
            break;
        }
        if (anyConnection) {
            bool named = false;
            for (const Field& c : m_fields)
                if (http::iequals(name(c), "connection") && namedInConnection(value(c), fieldName))
                    named = true;
            if (named)
                continue;
        }
        m_out[n++] = {fieldName, value(f)};
    }
    for (const http::Header& h : extra)
        if (n < m_out.size())
            m_out[n++] = h;
    return {m_out.data(), n};
}

} // namespace gb::gateway::proxy
