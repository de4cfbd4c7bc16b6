#pragma once

#include <cstdint>
#include <string>

namespace gb {

/// The open-file limit before and after raiseOpenFilesLimit().
struct OpenFilesLimit
{
    std::uint64_t before = 0;
    std::uint64_t after = 0;
    /// "the open-file limit is raised from 1024 to 524288", or "" when nothing changed.
    std::string describeChange() const;
};

/// Raises this process's soft open-file limit to its hard limit, as a server that holds a
/// connection per client should (nginx's worker_rlimit_nofile does it by hand): thousands of
/// clients need thousands of descriptors, and the soft limit is often 1,024. Never lowers it.
OpenFilesLimit raiseOpenFilesLimit();

} // namespace gb
