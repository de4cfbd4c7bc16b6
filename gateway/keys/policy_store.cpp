#include "gateway/keys/policy_store.h"

#include "gateway/config/read_text_file.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace gb::gateway {

PolicyStore::PolicyStore(PoliciesConfig config, bool log)
    : m_config(std::move(config))
    , m_log(log)
    , m_current(std::make_shared<const PolicySet>())
{
    reload();
}

std::shared_ptr<const PolicySet> PolicyStore::current() const
{
    std::lock_guard lock(m_mutex);
    return m_current;
}

std::vector<std::string> PolicyStore::errors() const
{
    std::lock_guard lock(m_mutex);
    return m_errors;
}

bool PolicyStore::reload()
{
    std::vector<std::string> errors;
    std::optional<std::vector<Policy>> read;
    if (!m_config.directory.empty())
        read = readDirectory(errors);
    else if (!m_config.recordFile.empty())
        read = readRecordFile(errors);
    else
        read.emplace(); // no policies configured, as Tyk
    if (m_log)
        for (const std::string& e : errors)
            std::fprintf(stderr, "policies: %s\n", e.c_str());
    std::lock_guard lock(m_mutex);
    m_errors = std::move(errors);
    if (!read)
        return false; // keep what was loaded before
    auto next = std::make_shared<const PolicySet>(std::move(*read));
    const bool changed = !(*next == *m_current);
    m_current = std::move(next);
    return changed;
}

std::vector<Policy> PolicyStore::readDirectory(std::vector<std::string>& errors) const
{
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(m_config.directory, ec), end; !ec && it != end;
         it.increment(ec))
        if (it->path().extension() == ".json")
            files.push_back(it->path());
    if (ec)
        errors.push_back(m_config.directory.string() +
                         ": cannot read policy_path: " + ec.message());
    std::sort(files.begin(), files.end()); // Go's filepath.Glob order
    std::vector<Policy> policies;
    for (const std::filesystem::path& file : files) {
        std::string error;
        std::optional<Policy> p;
        try {
            p = parsePolicy(readTextFile(file), &error);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (p && p->id.empty())
            error = "the policy has no \"id\"";
        if (!p || !error.empty()) {
            errors.push_back(file.string() + ": " + error + "; policy skipped");
            continue;
        }
        policies.push_back(std::move(*p));
    }
    return policies;
}

std::optional<std::vector<Policy>>
PolicyStore::readRecordFile(std::vector<std::string>& errors) const
{
    const std::string label = m_config.recordFile.string();
    nlohmann::ordered_json root;
    try {
        root = nlohmann::ordered_json::parse(readTextFile(m_config.recordFile), nullptr, false);
    } catch (const std::exception& e) {
        errors.push_back(std::string(e.what()) + "; policies not changed");
        return std::nullopt;
    }
    if (root.is_discarded() || !root.is_object()) {
        errors.push_back(label + ": expected a JSON object of policy id -> policy; policies not "
                                 "changed");
        return std::nullopt;
    }
    std::vector<Policy> policies;
    for (const auto& [id, value] : root.items()) {
        std::string error;
        std::optional<Policy> p = parsePolicy(value.dump(), &error);
        if (!p) {
            errors.push_back(label + ": policy \"" + id + "\": " + error +
                             "; policies not changed");
            return std::nullopt;
        }
        if (!id.empty())
            p->id = id; // gateway/policy.go:167: the member name wins over "id"
        policies.push_back(std::move(*p));
    }
    return policies;
}

} // namespace gb::gateway
