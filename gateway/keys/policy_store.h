#pragma once

#include "gateway/config/gateway_config.h"
#include "gateway/keys/policy.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gb::gateway {

/// The policies this gateway applies, read from where tyk.conf's "policies" says (Tyk's
/// LoadPoliciesFromDir / LoadPoliciesFromFile, gateway/policy.go:147-199): at start-up and on
/// every /tyk/reload. Readers take the current set as a snapshot; a reload publishes a new one.
///
/// A broken file is reported and skipped (directory), or keeps the set loaded before (record
/// file): one bad policy must not take every key's limits away. Thread-safe.
class PolicyStore
{
public:
    explicit PolicyStore(PoliciesConfig config, bool log = true);

    /// Reads the policies again. True when the set differs from the one before.
    bool reload();
    std::shared_ptr<const PolicySet> current() const;
    /// policy_path: where /tyk/policies writes; empty when policies are not managed by files.
    const std::filesystem::path& directory() const { return m_config.directory; }
    /// What the last reload could not read, one sentence each ("policies/p.json: not valid JSON").
    std::vector<std::string> errors() const;

private:
    std::vector<Policy> readDirectory(std::vector<std::string>& errors) const;
    std::optional<std::vector<Policy>> readRecordFile(std::vector<std::string>& errors) const;

    const PoliciesConfig m_config;
    const bool m_log;
    mutable std::mutex m_mutex;
    std::shared_ptr<const PolicySet> m_current; // guarded
    std::vector<std::string> m_errors;          // guarded
};

} // namespace gb::gateway
