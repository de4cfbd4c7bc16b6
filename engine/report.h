#pragma once

#include "engine/snapshot.h"

#include <string>

namespace gb::engine {

/// hey's text report, section for section (Summary, Response time histogram, Latency
/// distribution, Details, Status code distribution, Error distribution), so parsers of hey's
/// output keep working, down to the blank lines at the end. Differences, by design: Requests/sec
/// counts responses only (hey also counts failed attempts), errors are counted by class, the tail
/// percentiles come in a block of their own after hey's seven, and an open-loop run adds its
/// target, late sends and service time. README: "Differences from hey".
std::string heyTextReport(const RunResult& result);
/// What the report leaves out: an interruption, requests still in flight at the end (one line,
/// empty when there is nothing to say). gatebench-load prints it on stderr, so that stdout is
/// hey's report alone.
std::string runNotes(const RunResult& result);

/// The machine-readable report (--json): requests, duration_s, rps, latency_ms{min,mean,p50,p90,
/// p95,p99,p999,max}, status_codes, errors, bytes_read, config, and for open loop target_rps,
/// late_sends, service_ms. Also the serialized total histograms, so runs can be merged later.
std::string jsonReport(const RunResult& result);

/// The one-line progress display on a terminal.
std::string progressLine(const Snapshot& snapshot, const LoadConfig& config);

} // namespace gb::engine
