#include "common/sys/open_files.h"

#include <sys/resource.h>

namespace gb {

std::string OpenFilesLimit::describeChange() const
{
    if (after == before)
        return {};
    return "the open-file limit is raised from " + std::to_string(before) + " to " +
           std::to_string(after);
}

OpenFilesLimit raiseOpenFilesLimit()
{
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0)
        return {};
    OpenFilesLimit limit{files.rlim_cur, files.rlim_cur};
    if (files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &files) == 0)
            limit.after = files.rlim_cur;
    }
    return limit;
}

} // namespace gb
