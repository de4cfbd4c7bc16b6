#include "gateway/upstream/content.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

namespace gb::gateway::upstream {

namespace {

constexpr std::string_view kLetterSet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

// httpbin.org/xml, as go-bench-suite serves it.
constexpr std::string_view kXml = R"(<?xml version='1.0' encoding='us-ascii'?>
<!--  A SAMPLE set of slides  -->
<slideshow title="Sample Slide Show" date="Date of publication" author="Yours Truly">
  <!-- TITLE SLIDE -->
  <slide type="all">
    <title>Wake up to WonderWidgets!</title>
  </slide>

  <!-- OVERVIEW -->
  <slide type="all">
    <title>Overview</title>
    <item>Why <em>WonderWidgets</em> are great</item>
    <item/>
    <item>Who <em>buys</em> WonderWidgets</item>
  </slide>
</slideshow>)";

// go-bench-suite's /soap answers an empty 200 ("TODO"); a minimal SOAP 1.1 envelope is more useful
// to a gateway test and still a 200.
constexpr std::string_view kSoap =
    R"(<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <EchoResponse xmlns="http://gatebench.example/upstream">
      <Result>ok</Result>
    </EchoResponse>
  </soap:Body>
</soap:Envelope>
)";

} // namespace

Content::Content(unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, kLetterSet.size() - 1);
    m_letters.resize(2 * kSliceBytes);
    for (char& c : m_letters)
        c = kLetterSet[pick(rng)];

    std::vector<nlohmann::ordered_json> objects;
    for (std::size_t id = 0; id < kResourceCount; ++id) {
        std::string name(10, ' ');
        for (char& c : name)
            c = kLetterSet[pick(rng)];
        nlohmann::ordered_json o;
        o["Id"] = id;
        o["Name"] = name;
        m_resource[id] = o.dump();
        objects.push_back(std::move(o));
    }
    // Go sorts map keys as strings: "0", "1", "10", "11", ..., "2", "20", ...
    for (std::size_t limit = 1; limit <= kResourceCount; ++limit) {
        std::vector<std::string> keys;
        for (std::size_t id = 0; id < limit; ++id)
            keys.push_back(std::to_string(id));
        std::sort(keys.begin(), keys.end());
        nlohmann::ordered_json index = nlohmann::ordered_json::object();
        for (const auto& k : keys)
            index[k] = objects[std::stoul(k)];
        m_index[limit - 1] = index.dump();
    }
}

std::string_view Content::xml()
{
    return kXml;
}

std::string_view Content::soap()
{
    return kSoap;
}

} // namespace gb::gateway::upstream
