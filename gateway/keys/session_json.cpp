#include "gateway/keys/session_json.h"

#include <cmath>

namespace gb::gateway::session_json {

namespace {

[[noreturn]] void fail(const std::string& path, const char* expected)
{
    throw FieldError(path + ": expected " + expected);
}

ApiLimit readLimit(const Json& j, const std::string& path)
{
    if (!j.is_object())
        fail(path, "an object");
    ApiLimit l;
    for (const auto& [key, value] : j.items()) {
        const std::string p = path + "." + key;
        if (key == "rate")
            l.rate = readDouble(value, p);
        else if (key == "per")
            l.per = readDouble(value, p);
        else if (key == "throttle_interval")
            l.throttleInterval = readDouble(value, p);
        else if (key == "throttle_retry_limit")
            l.throttleRetryLimit = readInt(value, p);
        else if (key == "max_query_depth")
            l.maxQueryDepth = readInt(value, p);
        else if (key == "quota_max")
            l.quotaMax = readInt(value, p);
        else if (key == "quota_renews")
            l.quotaRenews = readInt(value, p);
        else if (key == "quota_remaining")
            l.quotaRemaining = readInt(value, p);
        else if (key == "quota_renewal_rate")
            l.quotaRenewalRate = readInt(value, p);
        // Anything else in a limit (set_by ...) is Tyk-internal and dropped, as Tyk does.
    }
    return l;
}

Json limitJson(const ApiLimit& l)
{
    Json j = Json::object();
    j["rate"] = number(l.rate);
    j["per"] = number(l.per);
    j["throttle_interval"] = number(l.throttleInterval);
    j["throttle_retry_limit"] = l.throttleRetryLimit;
    j["max_query_depth"] = l.maxQueryDepth;
    j["quota_max"] = l.quotaMax;
    j["quota_renews"] = l.quotaRenews;
    j["quota_remaining"] = l.quotaRemaining;
    j["quota_renewal_rate"] = l.quotaRenewalRate;
    return j;
}

Json accessJson(const AccessDefinition& a)
{
    Json j = Json::object();
    j["api_name"] = a.apiName;
    j["api_id"] = a.apiId;
    j["versions"] = a.versions;
    j["allowed_urls"] = a.allowedUrlsJson.empty() ? Json::array() : parseStored(a.allowedUrlsJson);
    j["limit"] = a.limit ? limitJson(*a.limit) : Json(nullptr);
    j["allowance_scope"] = a.allowanceScope;
    appendExtra(j, a.extraJson);
    return j;
}

} // namespace

std::string dump(const Json& j)
{
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json parseStored(const std::string& text)
{
    // Stored fragments were produced by dump(), so they always parse.
    return Json::parse(text, nullptr, false);
}

double readDouble(const Json& j, const std::string& path)
{
    if (j.is_null())
        return 0;
    if (!j.is_number())
        fail(path, "a number");
    return j.get<double>();
}

std::int64_t readInt(const Json& j, const std::string& path)
{
    if (j.is_null())
        return 0;
    if (j.is_number_integer())
        return j.get<std::int64_t>();
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX))
            fail(path, "a 64-bit integer");
        return static_cast<std::int64_t>(u);
    }
    if (j.is_number_float()) {
        // 1e9 and 1568655187.0 are integers to a human; 1.5 is not.
        const double d = j.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18)
            return static_cast<std::int64_t>(d);
    }
    fail(path, "an integer");
}

bool readBool(const Json& j, const std::string& path)
{
    if (j.is_null())
        return false;
    if (!j.is_boolean())
        fail(path, "true or false");
    return j.get<bool>();
}

std::string readString(const Json& j, const std::string& path)
{
    if (j.is_null())
        return {};
    if (!j.is_string())
        fail(path, "a string");
    return j.get<std::string>();
}

std::vector<std::string> readStrings(const Json& j, const std::string& path)
{
    std::vector<std::string> out;
    if (j.is_null())
        return out;
    if (!j.is_array())
        fail(path, "an array of strings");
    for (std::size_t i = 0; i < j.size(); ++i)
        out.push_back(readString(j[i], path + "." + std::to_string(i)));
    return out;
}

AccessDefinition readAccess(const Json& j, const std::string& path)
{
    if (!j.is_object())
        fail(path, "an object");
    AccessDefinition a;
    Json extra = Json::object();
    for (const auto& [key, value] : j.items()) {
        const std::string p = path + "." + key;
        if (key == "api_name")
            a.apiName = readString(value, p);
        else if (key == "api_id")
            a.apiId = readString(value, p);
        else if (key == "versions")
            a.versions = readStrings(value, p);
        else if (key == "allowed_urls") {
            if (!value.is_null() && !value.is_array())
                fail(p, "an array");
            a.allowedUrlsJson = dump(value);
        } else if (key == "limit") {
            if (!value.is_null())
                a.limit = readLimit(value, p);
        } else if (key == "allowance_scope")
            a.allowanceScope = readString(value, p);
        else
            extra[key] = value;
    }
    if (!extra.empty())
        a.extraJson = dump(extra);
    return a;
}

/// Writes a double as Go would for the values keys hold: integral values without ".0".
Json number(double d)
{
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
        return Json(static_cast<std::int64_t>(d));
    return Json(d);
}

std::string readObjectText(const Json& j, const std::string& path)
{
    if (j.is_null())
        return {};
    if (!j.is_object())
        fail(path, "an object");
    return dump(j);
}

void readAccessRights(const Json& j, const std::string& path,
                      std::map<std::string, AccessDefinition, std::less<>>& out)
{
    if (j.is_null())
        return;
    if (!j.is_object())
        fail(path, "an object");
    for (const auto& [apiId, access] : j.items())
        out.emplace(apiId, readAccess(access, path + "." + apiId));
}

Json accessRightsJson(const std::map<std::string, AccessDefinition, std::less<>>& rights)
{
    Json j = Json::object();
    for (const auto& [apiId, access] : rights)
        j[apiId] = accessJson(access);
    return j;
}

void appendExtra(Json& j, const std::string& extraJson)
{
    if (extraJson.empty())
        return;
    const Json extra = parseStored(extraJson); // outlives the loop below
    for (const auto& [key, value] : extra.items())
        if (!j.contains(key))
            j[key] = value;
}

} // namespace gb::gateway::session_json
