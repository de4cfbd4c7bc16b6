#include "support/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <set>

namespace gb::test {

namespace {

bool isNameStart(char c, bool colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

bool isNameChar(char c, bool colon)
{
    return isNameStart(c, colon) || (c >= '0' && c <= '9');
}

/// Takes a metric name (colon allowed) or a label name off the front of `s`; empty if none.
std::string takeName(std::string_view& s, bool colon)
{
    std::size_t n = 0;
    if (s.empty() || !isNameStart(s[0], colon))
        return {};
    while (n < s.size() && isNameChar(s[n], colon))
        ++n;
    std::string name(s.substr(0, n));
    s.remove_prefix(n);
    return name;
}

/// Go's strconv.ParseFloat as Prometheus uses it; the whole token must be a number.
std::optional<double> parseFloat(std::string_view token)
{
    if (token == "+Inf")
        return HUGE_VAL;
    if (token == "-Inf")
        return -HUGE_VAL;
    if (token == "NaN")
        return NAN;
    if (token.empty())
        return std::nullopt;
    const std::string copy(token);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || std::isinf(v) || std::isnan(v))
        return std::nullopt;
    return v;
}

/// A quoted label value (after the opening quote) up to its closing quote; only \\ \" \n may
/// be escaped. nullopt when malformed.
std::optional<std::string> takeLabelValue(std::string_view& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"') {
            s.remove_prefix(i + 1);
            return out;
        }
        if (c == '\n')
            return std::nullopt;
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        if (++i == s.size())
            return std::nullopt;
        switch (s[i]) {
        case '\\':
            out.push_back('\\');
            break;
        case '"':
            out.push_back('"');
            break;
        case 'n':
            out.push_back('\n');
            break;
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string seriesKey(const std::string& name, const std::map<std::string, std::string>& labels,
                      bool withoutLe = false)
{
    std::string key = name;
    for (const auto& [k, v] : labels) {
        if (withoutLe && k == "le")
            continue;
        key += '\x01' + k + '\x02' + v;
    }
    return key;
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class Parser
{
public:
    PromScrape run(std::string_view text)
    {
        if (!text.empty() && text.back() != '\n')
            return fail(0, "the text does not end with a newline");
        std::size_t lineNo = 0;
        while (!text.empty() && m_out.error.empty()) {
            ++lineNo;
            const std::size_t eol = text.find('\n');
            const std::string_view line = text.substr(0, eol);
            text.remove_prefix(eol + 1);
            m_line = lineNo;
            if (line.empty())
                continue;
            if (line.front() == '#')
                comment(line);
            else
                sample(line);
        }
        if (m_out.error.empty())
            checkHistograms();
        return std::move(m_out);
    }

private:
    PromScrape fail(std::size_t line, const std::string& what)
    {
        m_out.error = "line " + std::to_string(line) + ": " + what;
        return std::move(m_out);
    }
    void error(const std::string& what)
    {
        if (m_out.error.empty())
            m_out.error = "line " + std::to_string(m_line) + ": " + what;
    }

    PromFamily& enter(const std::string& name)
    {
        if (name != m_current) {
            if (!m_current.empty())
                m_closed.insert(m_current);
            if (m_closed.count(name) != 0)
                error("the lines of family " + name + " are not contiguous");
            m_current = name;
        }
        auto it = m_index.find(name);
        if (it == m_index.end()) {
            it = m_index.emplace(name, m_out.families.size()).first;
            m_out.families.push_back(PromFamily{name, {}, {}, {}});
        }
        return m_out.families[it->second];
    }

    void comment(std::string_view line)
    {
        const bool help = line.substr(0, 7) == "# HELP ";
        const bool type = line.substr(0, 7) == "# TYPE ";
        if (!help && !type)
            return; // a plain comment
        std::string_view rest = line.substr(7);
        const std::string name = takeName(rest, true);
        if (name.empty() || (!rest.empty() && rest.front() != ' '))
            return error("bad metric name in " + std::string(line));
        if (!rest.empty())
            rest.remove_prefix(1);
        PromFamily& f = enter(name);
        if (!f.samples.empty())
            return error(std::string(help ? "HELP" : "TYPE") + " of " + name + " after samples");
        if (help) {
            if (m_helped.count(name) != 0)
                return error("second HELP for " + name);
            m_helped.insert(name);
            std::string text;
            for (std::size_t i = 0; i < rest.size(); ++i) {
                if (rest[i] == '\\' && i + 1 < rest.size() &&
                    (rest[i + 1] == '\\' || rest[i + 1] == 'n')) {
                    text.push_back(rest[i + 1] == 'n' ? '\n' : '\\');
                    ++i;
                } else if (rest[i] == '\\') {
                    return error("bad escape in the HELP of " + name);
                } else {
                    text.push_back(rest[i]);
                }
            }
            f.help = text;
            return;
        }
        if (!f.type.empty())
            return error("second TYPE for " + name);
        static const std::set<std::string_view> kTypes{"counter", "gauge", "histogram", "summary",
                                                       "untyped"};
        if (kTypes.count(rest) == 0)
            return error("unknown TYPE \"" + std::string(rest) + "\" for " + name);
        f.type = std::string(rest);
    }

    /// The family a sample belongs to: its own name, or a histogram's/summary's base name.
    std::string familyOf(const std::string& name) const
    {
        const auto typed = [this](const std::string& n) -> std::string {
            const auto it = m_index.find(n);
            return it == m_index.end() ? std::string() : m_out.families[it->second].type;
        };
        for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
            if (!endsWith(name, suffix))
                continue;
            const std::string base = name.substr(0, name.size() - suffix.size());
            const std::string type = typed(base);
            if (type == "histogram" || (type == "summary" && suffix != "_bucket"))
                return base;
        }
        return name;
    }

    void sample(std::string_view line)
    {
        PromSample s;
        s.name = takeName(line, true);
        if (s.name.empty())
            return error("bad metric name");
        if (!line.empty() && line.front() == '{') {
            line.remove_prefix(1);
            while (!line.empty() && line.front() != '}') {
                const std::string label = takeName(line, false);
                if (label.empty() || line.size() < 2 || line.substr(0, 2) != "=\"")
                    return error("bad label in a sample of " + s.name);
                line.remove_prefix(2);
                const std::optional<std::string> value = takeLabelValue(line);
                if (!value)
                    return error("bad label value (escapes: \\\\ \\\" \\n) in " + s.name);
                if (!s.labels.emplace(label, *value).second)
                    return error("label " + label + " twice in a sample of " + s.name);
                if (!line.empty() && line.front() == ',')
                    line.remove_prefix(1);
                else if (line.empty() || line.front() != '}')
                    return error("labels of " + s.name + " not separated by ','");
            }
            if (line.empty())
                return error("unterminated labels in " + s.name);
            line.remove_prefix(1);
        }
        if (line.empty() || line.front() != ' ')
            return error("no value for " + s.name);
        line.remove_prefix(1);
        const std::size_t space = line.find(' ');
        const std::optional<double> value = parseFloat(line.substr(0, space));
        if (!value)
            return error("bad value \"" + std::string(line) + "\" for " + s.name);
        if (space != std::string_view::npos) {
            const std::string_view ts = line.substr(space + 1);
            if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string_view::npos)
                return error("bad timestamp for " + s.name);
        }
        s.value = *value;

        const std::string family = familyOf(s.name);
        PromFamily& f = enter(family);
        if (f.type.empty() || m_helped.count(family) == 0)
            return error("sample " + s.name + " before (or without) the HELP and TYPE of " +
                         family);
        if (f.type == "histogram" && s.name == family)
            return error("histogram " + family + " has a sample without a suffix");
        if (!m_series.insert(seriesKey(s.name, s.labels)).second)
            return error("series repeated: " + s.name);
        f.samples.push_back(std::move(s));
    }

    void checkHistograms()
    {
        for (const PromFamily& f : m_out.families) {
            if (f.type != "histogram")
                continue;
            struct Series
            {
                std::vector<std::pair<double, double>> buckets; // le, cumulative count
                std::optional<double> sum, count;
            };
            std::map<std::string, Series> series;
            for (const PromSample& s : f.samples) {
                Series& one = series[seriesKey(f.name, s.labels, true)];
                if (s.name == f.name + "_sum") {
                    one.sum = s.value;
                } else if (s.name == f.name + "_count") {
                    one.count = s.value;
                } else {
                    const auto le = s.labels.find("le");
                    const std::optional<double> bound =
                        le == s.labels.end() ? std::nullopt : parseFloat(le->second);
                    if (!bound)
                        return error(f.name + "_bucket without a valid le");
                    one.buckets.emplace_back(*bound, s.value);
                }
            }
            for (const auto& [key, s] : series) {
                if (s.buckets.empty() || !s.sum || !s.count)
                    return error(f.name + ": a series lacks buckets, _sum or _count");
                for (std::size_t i = 1; i < s.buckets.size(); ++i) {
                    if (!(s.buckets[i].first > s.buckets[i - 1].first))
                        return error(f.name + ": le bounds not ascending");
                    if (s.buckets[i].second < s.buckets[i - 1].second)
                        return error(f.name + ": bucket counts not cumulative");
                }
                if (!std::isinf(s.buckets.back().first))
                    return error(f.name + ": the last bucket is not le=\"+Inf\"");
                if (*s.count != s.buckets.back().second)
                    return error(f.name + ": _count differs from the +Inf bucket");
            }
        }
    }

    PromScrape m_out;
    std::size_t m_line = 0;
    std::map<std::string, std::size_t> m_index;
    std::set<std::string> m_helped;
    std::set<std::string> m_closed;
    std::set<std::string> m_series;
    std::string m_current;
};

} // namespace

const PromFamily* PromScrape::family(std::string_view name) const
{
    for (const PromFamily& f : families)
        if (f.name == name)
            return &f;
    return nullptr;
}

std::optional<double> PromScrape::value(std::string_view name,
                                        const std::map<std::string, std::string>& labels) const
{
    std::optional<double> found;
    for (const PromFamily& f : families) {
        for (const PromSample& s : f.samples) {
            if (s.name != name)
                continue;
            bool all = true;
            for (const auto& [k, v] : labels) {
                const auto it = s.labels.find(k);
                all = all && it != s.labels.end() && it->second == v;
            }
            if (!all)
                continue;
            if (found)
                return std::nullopt; // ambiguous
            found = s.value;
        }
    }
    return found;
}

PromScrape parsePrometheusText(std::string_view text)
{
    return Parser().run(text);
}

} // namespace gb::test
