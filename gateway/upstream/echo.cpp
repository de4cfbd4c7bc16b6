#include "gateway/upstream/echo.h"

#include <nlohmann/json.hpp>
#include <string>

namespace gb::gateway::upstream {

namespace {

/// Owns itself: deleted after answering or when the exchange aborts.
class EchoReader final : public ExchangeListener
{
public:
    explicit EchoReader(std::uint64_t maxBody)
        : m_maxBody(maxBody)
    {}

    // Separate from the constructor: readBody() may deliver the whole body, and answer and
    // delete this, before returning.
    void start(Exchange& ex)
    {
        ex.setListener(this);
        ex.readBody();
    }

    void onBody(Exchange& ex, std::string_view data, bool last) override
    {
        if (m_body.size() + data.size() > m_maxBody) {
            static constexpr http::Header kText[] = {{"Content-Type", "text/plain"}};
            ex.closeAfterResponse();
            ex.respond(413, kText, "Content Too Large: echo body limit\n");
            delete this;
            return;
        }
        m_body.append(data);
        if (!last) {
            ex.readBody();
            return;
        }
        answer(ex);
        delete this;
    }

    void onAbort() override { delete this; }

private:
    void answer(Exchange& ex)
    {
        const http::Request& req = ex.request();
        nlohmann::ordered_json headers = nlohmann::ordered_json::object();
        for (const http::Header& h : req.headers()) {
            const std::string name(h.name);
            if (headers.contains(name))
                headers[name] = headers[name].get<std::string>() + ", " + std::string(h.value);
            else
                headers[name] = std::string(h.value);
        }
        nlohmann::ordered_json doc;
        doc["method"] = std::string(req.method);
        doc["target"] = std::string(req.target);
        doc["path"] = std::string(req.path);
        doc["query"] = std::string(req.query);
        doc["version"] = req.versionMinor == 0 ? "HTTP/1.0" : "HTTP/1.1";
        doc["headers"] = std::move(headers);
        doc["body"] = m_body;
        // Invalid UTF-8 in a body must not throw: replace it (U+FFFD).
        const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        static constexpr http::Header kJson[] = {{"Content-Type", "application/json"}};
        ex.respond(200, kJson, text);
    }

    std::uint64_t m_maxBody;
    std::string m_body;
};

} // namespace

void startEcho(Exchange& ex, std::uint64_t maxBody)
{
    (new EchoReader(maxBody))->start(ex);
}

} // namespace gb::gateway::upstream
