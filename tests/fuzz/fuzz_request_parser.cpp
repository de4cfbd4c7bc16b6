// libFuzzer target over the request path of the server core: the head parser (whole and split at an
// input-chosen point, which must agree), then the body framing it chose (chunked decoder).
// Invariant breaks trap, so the fuzzer (and the corpus replay under ctest) reports them.

#include "gateway/http/chunked_decoder.h"
#include "gateway/http/request_parser.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

gb::http::Limits fuzzLimits()
{
    gb::http::Limits l;
    l.maxRequestLine = 512;
    l.maxHeadBytes = 2048;
    l.maxHeaders = 32;
    l.maxBodyBytes = 4096;
    l.maxChunkLine = 64;
    l.maxTrailerBytes = 256;
    return l;
}

bool inside(std::string_view whole, std::string_view part)
{
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void decodeChunked(const gb::http::Limits& limits, std::string_view in)
{
    gb::http::ChunkedDecoder d(limits);
    std::uint64_t total = 0;
    for (int guard = 0; guard < 100000 && !in.empty(); ++guard) {
        const auto r = d.decode(in);
        check(r.consumed <= in.size());
        check(inside(in, r.data));
        total += r.data.size();
        check(total <= limits.maxBodyBytes);
        in.remove_prefix(r.consumed);
        if (r.error != gb::http::ParseError::None || r.done)
            return;
        if (r.consumed == 0)
            return; // needs more input
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const gb::http::Limits limits = fuzzLimits();
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using Status = gb::http::RequestParser::Status;

    gb::http::Request whole;
    gb::http::RequestParser p(limits);
    const auto r = p.parse(in, whole);

    if (size > 0) {
        const std::size_t split = data[0] % size;
        gb::http::Request part;
        gb::http::RequestParser q(limits);
        const auto first = q.parse(in.substr(0, split), part);
        if (first.status == Status::NeedMore) {
            const auto second = q.parse(in, part);
            check(second.status == r.status && second.error == r.error &&
                  second.consumed == r.consumed);
        } else if (first.status == Status::Error) {
            check(r.status == Status::Error);
        }
    }

    if (r.status == Status::Complete) {
        check(r.consumed <= size && whole.headSize <= limits.maxHeadBytes);
        check(whole.headerCount <= limits.maxHeaders);
        check(inside(in, whole.method) && inside(in, whole.target) && inside(in, whole.host));
        for (const auto& h : whole.headers())
            check(inside(in, h.name) && inside(in, h.value) && !h.name.empty());
        check(whole.versionMinor == 0 || whole.versionMinor == 1);
        check(whole.versionMinor == 0 || whole.hasHeader("host"));
        if (whole.framing == gb::http::BodyFraming::Length)
            check(whole.contentLength > 0 && whole.contentLength <= limits.maxBodyBytes);
        if (whole.framing == gb::http::BodyFraming::Chunked) {
            check(!whole.hasHeader("content-length") && whole.versionMinor == 1);
            decodeChunked(limits, in.substr(r.consumed));
        }
    } else if (r.status == Status::Error) {
        check(r.error != gb::http::ParseError::None);
    }
    // The decoder on its own, over the raw input.
    decodeChunked(limits, in);
    return 0;
}
