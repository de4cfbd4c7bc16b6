#include "gateway/keys/session.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gb::gateway {

namespace {

using Json = nlohmann::ordered_json;

/// A member of the wrong type: the message names the path to it.
struct FieldError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

std::string dump(const Json& j)
{
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json parseStored(const std::string& text)
{
    // Stored fragments were produced by dump(), so they always parse.
    return Json::parse(text, nullptr, false);
}

[[noreturn]] void fail(const std::string& path, const char* expected)
{
    throw FieldError(path + ": expected " + expected);
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
    if (!a.extraJson.empty()) {
        const Json extra = parseStored(a.extraJson); // outlives the loop below
        for (const auto& [key, value] : extra.items())
            j[key] = value;
    }
    return j;
}

} // namespace

bool ApiLimit::isEmpty() const noexcept
{
    return rate == 0 && per == 0 && throttleInterval == 0 && throttleRetryLimit == 0 &&
           maxQueryDepth == 0 && quotaMax == 0 && quotaRenews == 0 && quotaRemaining == 0 &&
           quotaRenewalRate == 0;
}

const AccessDefinition* Session::access(std::string_view apiId) const
{
    const auto it = accessRights.find(apiId);
    return it == accessRights.end() ? nullptr : &it->second;
}

std::optional<Session> parseSession(std::string_view json, std::string* error)
{
    const Json root = Json::parse(json.begin(), json.end(), nullptr, false);
    if (root.is_discarded()) {
        if (error)
            *error = "not valid JSON";
        return std::nullopt;
    }
    if (!root.is_object()) {
        if (error)
            *error = "expected a JSON object";
        return std::nullopt;
    }
    try {
        Session s;
        Json extra = Json::object();
        for (const auto& [key, value] : root.items()) {
            if (key == "last_check")
                s.lastCheck = readInt(value, key);
            else if (key == "allowance")
                s.allowance = readDouble(value, key);
            else if (key == "rate")
                s.rate = readDouble(value, key);
            else if (key == "per")
                s.per = readDouble(value, key);
            else if (key == "throttle_interval")
                s.throttleInterval = readDouble(value, key);
            else if (key == "throttle_retry_limit")
                s.throttleRetryLimit = readInt(value, key);
            else if (key == "max_query_depth")
                s.maxQueryDepth = readInt(value, key);
            else if (key == "date_created")
                s.dateCreated = readString(value, key);
            else if (key == "expires")
                s.expires = readInt(value, key);
            else if (key == "quota_max")
                s.quotaMax = readInt(value, key);
            else if (key == "quota_renews")
                s.quotaRenews = readInt(value, key);
            else if (key == "quota_remaining")
                s.quotaRemaining = readInt(value, key);
            else if (key == "quota_renewal_rate")
                s.quotaRenewalRate = readInt(value, key);
            else if (key == "access_rights") {
                if (value.is_null())
                    continue;
                if (!value.is_object())
                    fail(key, "an object");
                for (const auto& [apiId, access] : value.items())
                    s.accessRights.emplace(apiId, readAccess(access, key + "." + apiId));
            } else if (key == "org_id")
                s.orgId = readString(value, key);
            else if (key == "is_inactive")
                s.isInactive = readBool(value, key);
            else if (key == "meta_data") {
                if (!value.is_null() && !value.is_object())
                    fail(key, "an object");
                s.metaDataJson = dump(value);
            } else if (key == "tags")
                s.tags = readStrings(value, key);
            else if (key == "alias")
                s.alias = readString(value, key);
            else if (key == "last_updated")
                s.lastUpdated = readString(value, key);
            else
                extra[key] = value;
        }
        if (!extra.empty())
            s.extraJson = dump(extra);
        return s;
    } catch (const FieldError& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
}

std::string serializeSession(const Session& s)
{
    Json j = Json::object();
    j["last_check"] = s.lastCheck;
    j["allowance"] = number(s.allowance);
    j["rate"] = number(s.rate);
    j["per"] = number(s.per);
    j["throttle_interval"] = number(s.throttleInterval);
    j["throttle_retry_limit"] = s.throttleRetryLimit;
    j["max_query_depth"] = s.maxQueryDepth;
    if (!s.dateCreated.empty())
        j["date_created"] = s.dateCreated;
    j["expires"] = s.expires;
    j["quota_max"] = s.quotaMax;
    j["quota_renews"] = s.quotaRenews;
    j["quota_remaining"] = s.quotaRemaining;
    j["quota_renewal_rate"] = s.quotaRenewalRate;
    Json rights = Json::object();
    for (const auto& [apiId, access] : s.accessRights)
        rights[apiId] = accessJson(access);
    j["access_rights"] = std::move(rights);
    j["org_id"] = s.orgId;
    j["is_inactive"] = s.isInactive;
    j["meta_data"] = s.metaDataJson.empty() ? Json(nullptr) : parseStored(s.metaDataJson);
    j["tags"] = s.tags;
    j["alias"] = s.alias;
    j["last_updated"] = s.lastUpdated;
    if (!s.extraJson.empty()) {
        const Json extra = parseStored(s.extraJson); // outlives the loop below
        for (const auto& [key, value] : extra.items())
            if (!j.contains(key))
                j[key] = value;
    }
    return dump(j);
}

} // namespace gb::gateway
