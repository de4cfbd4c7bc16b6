#include "gateway/config/api_loader.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"
#include "gateway/config/read_text_file.h"

#include <algorithm>

namespace gb::gateway {

namespace {

std::string describeSource(const ApiDefinition& api)
{
    return api.sourceFile.empty() ? std::string("the command line") : api.sourceFile;
}

} // namespace

void addApi(LoadResult& result, ApiDefinition api)
{
    for (const ApiDefinition& other : result.apis) {
        if (other.apiId == api.apiId) {
            result.errors.push_back(concat(describeSource(api), ": skipped: api_id \"", api.apiId,
                                           "\" is already used by ", describeSource(other), "."));
            return;
        }
        // Two inactive APIs, or an inactive and an active one, never compete for requests.
        if (api.active && other.active && other.listenPath == api.listenPath) {
            result.errors.push_back(concat(describeSource(api), ": skipped: listen_path \"",
                                           api.listenPath, "\" is already used by ",
                                           describeSource(other), " (api_id \"", other.apiId,
                                           "\")."));
            return;
        }
    }
    result.apis.push_back(std::move(api));
}

LoadResult loadApiDefinitions(const std::filesystem::path& appPath)
{
    LoadResult result;
    std::error_code ec;
    if (!std::filesystem::is_directory(appPath, ec)) {
        result.errors.push_back(concat(
            appPath.string(), ": the app_path directory does not exist; no APIs were loaded."));
        return result;
    }
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(appPath, ec), end; !ec && it != end;
         it.increment(ec)) {
        const auto& entry = *it;
        std::error_code typeError;
        if (entry.path().extension() == ".json" && entry.is_regular_file(typeError))
            files.push_back(entry.path());
    }
    if (ec) {
        result.errors.push_back(concat(appPath.string(), ": cannot list the directory (",
                                       ec.message(), "); no APIs were loaded."));
        return result;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        try {
            addApi(result, parseApiDefinition(readTextFile(file), file.string()));
        } catch (const ConfigError& e) {
            result.errors.push_back(concat(e.what(), " The API was skipped."));
        }
    }
    return result;
}

} // namespace gb::gateway
