#include "gateway/upstream/upstream_handler.h"

#include "common/duration.h"
#include "gateway/http/response.h"
#include "gateway/upstream/byte_size.h"
#include "gateway/upstream/echo.h"
#include "gateway/upstream/go_time.h"
#include "gateway/upstream/rfc3339.h"

#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <cstring>
#include <ctime>

namespace gb::gateway::upstream {

namespace {

using namespace std::chrono_literals;

constexpr http::Header kJson[] = {{"Content-Type", "application/json"}};
constexpr http::Header kPlainUtf8[] = {{"Content-Type", "text/plain; charset=utf-8"}};
constexpr http::Header kPlain[] = {{"Content-Type", "text/plain"}};
constexpr http::Header kXml[] = {{"Content-Type", "application/xml"}};
constexpr http::Header kSoapXml[] = {{"Content-Type", "text/xml; charset=utf-8"}};

// A /size response above this is refused: it would only measure the network for minutes.
constexpr std::uint64_t kMaxSize = 1ull << 30;
// The fault "reset" sends this much of a longer declared body, then resets.
constexpr std::size_t kResetPart = 4096;
constexpr std::uint64_t kResetDeclared = 65536;

bool parseUnsigned(std::string_view s, std::uint64_t& out)
{
    if (s.empty())
        return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// fasthttp's QueryArgs().GetUintOrZero("limit"): the first limit=, 0 when absent or malformed.
std::uint64_t queryLimit(std::string_view query)
{
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.substr(0, 6) == "limit=") {
            std::uint64_t n = 0;
            return parseUnsigned(pair.substr(6), n) ? n : 0;
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return 0;
}

bool isGet(http::Method m)
{
    return m == http::Method::Get || m == http::Method::Head;
}

Route getOnly(Route r, http::Method m)
{
    if (!isGet(m))
        return {Route::Kind::MethodNotAllowed, 0, "GET, HEAD"};
    return r;
}

} // namespace

Route matchRoute(const http::Request& req)
{
    using K = Route::Kind;
    const std::string_view path = req.path;
    const http::Method m = req.methodId;
    auto rest = [&](std::string_view prefix) -> std::optional<std::string_view> {
        if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix)
            return path.substr(prefix.size());
        return std::nullopt;
    };

    if (auto t = rest("/json/")) // go-bench-suite: anything but "invalid" is valid JSON
        return getOnly({*t == "invalid" ? K::JsonInvalid : K::JsonValid}, m);
    if (auto d = rest("/delay/")) {
        const auto ns = gb::parseDuration(*d);
        if (!ns)
            return {K::BadRequest, 0, "bad duration in /delay/{d}"};
        return getOnly({K::Delay, static_cast<std::uint64_t>(ns->count())}, m);
    }
    if (auto s = rest("/size/")) {
        // go-bench-suite's README POSTs to /size too.
        if (!isGet(m) && m != http::Method::Post)
            return {K::MethodNotAllowed, 0, "GET, HEAD, POST"};
        const auto n = parseByteSize(*s);
        if (!n)
            return {K::BadRequest, 0, "bad size in /size/{n}"};
        if (*n > kMaxSize)
            return {K::BadRequest, 0, "size above 1GB"};
        return {K::Size, *n};
    }
    if (path == "/xml")
        return getOnly({K::Xml}, m);
    if (path == "/soap") {
        if (m != http::Method::Post)
            return {K::MethodNotAllowed, 0, "POST"};
        return {K::Soap};
    }
    if (path == "/resource" || path == "/resource/") {
        std::uint64_t limit = queryLimit(req.query);
        if (limit == 0)
            limit = 10;
        if (limit > Content::kResourceCount)
            limit = Content::kResourceCount;
        return getOnly({K::ResourceIndex, limit}, m);
    }
    if (auto id = rest("/resource/")) {
        std::uint64_t n = 0;
        if (!parseUnsigned(*id, n) || n >= Content::kResourceCount)
            return getOnly({K::NotFound}, m);
        return getOnly({K::Resource, n}, m);
    }
    if (auto c = rest("/status/")) {
        std::uint64_t code = 0;
        if (!parseUnsigned(*c, code) || code < 200 || code > 599)
            return {K::BadRequest, 0, "status must be 200-599"};
        return getOnly({K::Status, code}, m);
    }
    if (path == "/echo")
        return {K::Echo};
    if (path == "/health")
        return getOnly({K::Health}, m);
    return {K::NotFound};
}

// ---------------------------------------------------------------------------------------------

/// A response waiting on a timer (X-Delay, /delay, the pause before a reset). Pooled per handler;
/// the timer's completion holds only a raw pointer, which is safe because a Delayed lives as long
/// as its handler, and the handler outlives every completion that will ever run.
class UpstreamHandler::Delayed final : public ExchangeListener
{
public:
    Delayed(UpstreamHandler& owner, boost::asio::io_context& io)
        : m_owner(owner)
        , m_timer(io)
    {}

    void start(Exchange& ex, std::chrono::nanoseconds delay, const Route& route, bool resetNow)
    {
        m_ref = ExchangeRef(ex);
        m_route = route;
        m_resetNow = resetNow;
        ex.setListener(this);
        m_timer.expires_after(delay);
        m_timer.async_wait([this](const boost::system::error_code&) { fire(); });
    }

    void onAbort() override { m_timer.cancel(); }

private:
    void fire()
    {
        if (Exchange* ex = m_ref.get()) {
            ex->setListener(nullptr);
            if (m_resetNow)
                ex->abort(AbortMode::Reset);
            else
                m_owner.respondRoute(*ex, m_route);
        }
        m_ref.reset();
        m_owner.recycle(this);
    }

    UpstreamHandler& m_owner;
    boost::asio::steady_timer m_timer;
    ExchangeRef m_ref;
    Route m_route;
    bool m_resetNow = false;
};

/// A /size body larger than one slice of letters: borrowed slices, one after the other, each
/// written when the previous one has left (onWritable). Pooled per handler.
class UpstreamHandler::SizeStream final : public ExchangeListener
{
public:
    explicit SizeStream(UpstreamHandler& owner)
        : m_owner(owner)
    {}

    void start(Exchange& ex, std::uint64_t size)
    {
        m_left = size;
        ex.setListener(this);
        ex.writeHead(200, kPlainUtf8, size);
        onWritable(ex);
    }

    void onWritable(Exchange& ex) override
    {
        while (m_left > 0) {
            const std::size_t n = m_left < Content::kSliceBytes ? static_cast<std::size_t>(m_left)
                                                                : Content::kSliceBytes;
            m_left -= n;
            const bool more =
                ex.writeBody(m_owner.m_content.letters(m_owner.m_rng(), n), BodyOwnership::Borrow);
            if (!more && m_left > 0)
                return;
        }
        ex.setListener(nullptr);
        ex.finish();
        m_owner.recycle(this);
    }

    void onAbort() override { m_owner.recycle(this); }

private:
    UpstreamHandler& m_owner;
    std::uint64_t m_left = 0;
};

UpstreamHandler::UpstreamHandler(WorkerContext& worker, const Content& content,
                                 std::chrono::steady_clock::time_point processStart,
                                 std::uint64_t maxEchoBody)
    : m_worker(worker)
    , m_content(content)
    , m_processStart(processStart)
    , m_maxEchoBody(maxEchoBody)
    , m_rng(static_cast<unsigned>(worker.index) * 7919u + 1u)
{}

UpstreamHandler::~UpstreamHandler() = default;

void UpstreamHandler::recycle(Delayed* d)
{
    m_freeDelays.push_back(d);
}

void UpstreamHandler::recycle(SizeStream* s)
{
    m_freeStreams.push_back(s);
}

void UpstreamHandler::onRequest(Exchange& ex)
{
    const http::Request& req = ex.request();
    if (const auto mode = req.header("X-Fault"); !mode.empty()) {
        fault(ex, mode);
        return;
    }
    const Route route = matchRoute(req);
    std::chrono::nanoseconds delay{0};
    switch (route.kind) {
    case Route::Kind::Delay:
        delay = std::chrono::nanoseconds(route.number);
        break;
    case Route::Kind::JsonValid:
    case Route::Kind::JsonInvalid:
    case Route::Kind::Size:
    case Route::Kind::ResourceIndex:
    case Route::Kind::Resource: {
        std::string_view why;
        const bool json =
            route.kind == Route::Kind::JsonValid || route.kind == Route::Kind::JsonInvalid;
        if (!requestDelay(req, json, delay, why)) {
            respondRoute(ex, {Route::Kind::BadRequest, 0, why});
            return;
        }
        break;
    }
    default:
        break;
    }
    if (delay > 0ns)
        after(ex, delay, route, false);
    else
        respondRoute(ex, route);
}

bool UpstreamHandler::requestDelay(const http::Request& req, bool json,
                                   std::chrono::nanoseconds& out, std::string_view& why)
{
    out = 0ns;
    if (const auto xd = req.header("X-Delay"); !xd.empty()) {
        const auto d = gb::parseDuration(xd);
        if (!d) {
            why = "bad X-Delay";
            return false;
        }
        // go-bench-suite: a malformed or missing X-Delay-Percent means 100.
        std::uint64_t percent = 100;
        if (!parseUnsigned(req.header("X-Delay-Percent"), percent))
            percent = 100;
        if (percent > m_rng() % 100)
            out += *d;
    }
    if (json) {
        const auto slowdown = req.header("X-Slowdown");
        const auto from = req.header("X-Slowdown-From");
        if (!slowdown.empty() && !from.empty()) {
            const auto since = parseRfc3339(from);
            const auto d = gb::parseDuration(slowdown);
            if (!since || !d) {
                why = since ? "bad X-Slowdown" : "bad X-Slowdown-From (RFC 3339)";
                return false;
            }
            // go-bench-suite's intent ("from <time> applies a further slowdown"); its code
            // compares the process start time instead, which never changes during a run.
            timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            if (static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec >= *since)
                out += *d;
        }
    }
    return true;
}

void UpstreamHandler::after(Exchange& ex, std::chrono::nanoseconds delay, const Route& route,
                            bool resetNow)
{
    Delayed* d;
    if (m_freeDelays.empty()) {
        m_delays.push_back(std::make_unique<Delayed>(*this, m_worker.ioContext));
        d = m_delays.back().get();
    } else {
        d = m_freeDelays.back();
        m_freeDelays.pop_back();
    }
    d->start(ex, delay, route, resetNow);
}

void UpstreamHandler::respondJson(Exchange& ex, bool valid)
{
    // {"time": "<Go time.String()>"}, 70 bytes: formatted into the stack, copied once.
    char body[96];
    constexpr std::string_view kValid = "{\"time\": \"";
    constexpr std::string_view kInvalid = "{time\": \"";
    const std::string_view open = valid ? kValid : kInvalid;
    std::memcpy(body, open.data(), open.size());
    timespec real;
    clock_gettime(CLOCK_REALTIME, &real);
    const auto mono = std::chrono::steady_clock::now() - m_processStart;
    std::size_t n = open.size();
    n += formatGoTime(body + n, real,
                      std::chrono::duration_cast<std::chrono::nanoseconds>(mono).count());
    body[n++] = '"';
    body[n++] = '}';
    ex.respond(200, kJson, {body, n});
}

void UpstreamHandler::respondSize(Exchange& ex, std::uint64_t size)
{
    if (size <= Content::kSliceBytes) {
        ex.respond(200, kPlainUtf8, m_content.letters(m_rng(), static_cast<std::size_t>(size)),
                   BodyOwnership::Borrow);
        return;
    }
    SizeStream* s;
    if (m_freeStreams.empty()) {
        m_streams.push_back(std::make_unique<SizeStream>(*this));
        s = m_streams.back().get();
    } else {
        s = m_freeStreams.back();
        m_freeStreams.pop_back();
    }
    s->start(ex, size);
}

void UpstreamHandler::respondRoute(Exchange& ex, const Route& route)
{
    using K = Route::Kind;
    switch (route.kind) {
    case K::JsonValid:
    case K::JsonInvalid:
        respondJson(ex, route.kind == K::JsonValid);
        return;
    case K::Delay:
        ex.respond(200, kPlainUtf8, {});
        return;
    case K::Size:
        respondSize(ex, route.number);
        return;
    case K::Xml:
        ex.respond(200, kXml, Content::xml(), BodyOwnership::Borrow);
        return;
    case K::Soap:
        ex.respond(200, kSoapXml, Content::soap(), BodyOwnership::Borrow);
        return;
    case K::ResourceIndex:
        ex.respond(200, kJson, m_content.resourceIndex(route.number), BodyOwnership::Borrow);
        return;
    case K::Resource:
        ex.respond(200, kJson, m_content.resource(route.number), BodyOwnership::Borrow);
        return;
    case K::Status: {
        const int code = static_cast<int>(route.number);
        char body[64];
        const std::string_view reason = http::reasonPhrase(code);
        const auto r = std::to_chars(body, body + 3, code);
        std::size_t n = static_cast<std::size_t>(r.ptr - body);
        body[n++] = ' ';
        std::memcpy(body + n, reason.data(), reason.size());
        n += reason.size();
        body[n++] = '\n';
        ex.respond(code, kPlain, {body, n});
        return;
    }
    case K::Echo:
        startEcho(ex, m_maxEchoBody);
        return;
    case K::Health:
        ex.respond(200, kJson, "{\"status\":\"ok\"}");
        return;
    case K::NotFound:
        // go-bench-suite answers an unknown resource id with this (as application/json).
        ex.respond(404, kJson, "Not Found");
        return;
    case K::MethodNotAllowed: {
        const http::Header allow[] = {{"Content-Type", "text/plain"}, {"Allow", route.text}};
        ex.respond(405, allow, "Method Not Allowed\n");
        return;
    }
    case K::BadRequest: {
        char body[128];
        const std::size_t n = std::min(route.text.size(), sizeof body - 1);
        std::memcpy(body, route.text.data(), n);
        body[n] = '\n';
        ex.respond(400, kPlain, {body, n + 1});
        return;
    }
    }
}

void UpstreamHandler::fault(Exchange& ex, std::string_view mode)
{
    if (http::iequals(mode, "close")) {
        ex.abort(AbortMode::Close);
    } else if (http::iequals(mode, "reset")) {
        // Part of a longer declared body, then RST once it has had time to leave: SO_LINGER 0
        // discards whatever is still in the send queue.
        ex.writeHead(200, kPlainUtf8, kResetDeclared);
        ex.writeBody(m_content.letters(0, kResetPart), BodyOwnership::Borrow);
        after(ex, 20ms, {}, true);
    } else if (http::iequals(mode, "garbage")) {
        ex.writeRawAndClose("HTTP/1.1 2x0 GARBAGE\r\n\x01\x02 not a header\r\n\r\n");
    } else if (http::iequals(mode, "hang")) {
        // Never answer: the exchange stays open until the client leaves or the drain gives up.
    } else {
        ex.respond(400, kPlain, "X-Fault must be close, reset, garbage or hang\n");
    }
}

} // namespace gb::gateway::upstream
