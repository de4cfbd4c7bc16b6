#pragma once

// The JSON readers and writers of Tyk's session object, shared by the session and the policy
// (user.Policy carries the same access_rights). Internal to gateway/keys: it includes nlohmann,
// so only the two .cpp files that parse those objects include it.

#include "gateway/keys/session.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gb::gateway::session_json {

using Json = nlohmann::ordered_json;

/// A member of the wrong type: the message names the path to it ("access_rights.a.limit: ...").
struct FieldError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/// Compact JSON; invalid UTF-8 is replaced rather than thrown on.
std::string dump(const Json& j);
/// A fragment dump() produced (always parses).
Json parseStored(const std::string& text);

// Readers with Go's encoding/json rules: null leaves the default, a wrong type throws FieldError.
double readDouble(const Json& j, const std::string& path);
std::int64_t readInt(const Json& j, const std::string& path);
bool readBool(const Json& j, const std::string& path);
std::string readString(const Json& j, const std::string& path);
std::vector<std::string> readStrings(const Json& j, const std::string& path);
/// A JSON object kept as compact text (meta_data); null gives "".
std::string readObjectText(const Json& j, const std::string& path);
/// One access_rights entry.
AccessDefinition readAccess(const Json& j, const std::string& path);
/// access_rights: api_id -> entry; null leaves it empty.
void readAccessRights(const Json& j, const std::string& path,
                      std::map<std::string, AccessDefinition, std::less<>>& out);

/// A double as Go writes the values keys hold: integral values without ".0".
Json number(double d);
Json accessRightsJson(const std::map<std::string, AccessDefinition, std::less<>>& rights);
/// Appends the members of a stored object (extraJson) that `j` does not have yet.
void appendExtra(Json& j, const std::string& extraJson);

} // namespace gb::gateway::session_json
