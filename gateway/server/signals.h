#pragma once

namespace gb::gateway {

/// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and the threads it starts later, which
/// inherit the mask), and ignores SIGPIPE. Call first thing in main(), before any thread exists.
void blockTerminationSignals();

/// Waits for one of the blocked signals and returns its number: main() then drains the server,
/// outside any signal handler.
int waitForTerminationSignal();

} // namespace gb::gateway
