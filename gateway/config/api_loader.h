#pragma once

#include "gateway/config/api_definition.h"

#include <filesystem>
#include <string>
#include <vector>

namespace gb::gateway {

/// What a load produced: the APIs that can be served, and one user-facing sentence per file or
/// API that was skipped. A partial load is normal: the rest is served.
struct LoadResult
{
    std::vector<ApiDefinition> apis;
    std::vector<std::string> errors;
};

/// Loads every top-level *.json in appPath, in file-name order (so "later" is well defined), as
/// Tyk's file loader does. A broken file is skipped with "file:line:column: sentence"; an API
/// whose api_id, or (among active APIs) listen_path, was already taken by an earlier file is
/// skipped with a sentence naming both files. A missing directory is one error and no APIs.
/// Called at start-up and on /tyk/reload, off the request threads.
LoadResult loadApiDefinitions(const std::filesystem::path& appPath);

/// Appends api to result unless its api_id or listen_path conflicts with one already there, in
/// which case it appends an error instead. Shared by every source of APIs.
void addApi(LoadResult& result, ApiDefinition api);

} // namespace gb::gateway
