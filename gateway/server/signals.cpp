#include "gateway/server/signals.h"

#include <csignal>
#include <pthread.h>

namespace gb::gateway {

namespace {
sigset_t terminationSet()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return set;
}
} // namespace

void blockTerminationSignals()
{
    std::signal(SIGPIPE, SIG_IGN);
    const sigset_t set = terminationSet();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForTerminationSignal()
{
    const sigset_t set = terminationSet();
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    return sig;
}

} // namespace gb::gateway
