#pragma once

#include "engine/snapshot.h"

#include <optional>
#include <string>
#include <string_view>

namespace gb::engine {

/// The one JSON form of a Snapshot: a line of `gatebench-load --live`, what a remote load
/// generator streams, and an element of a stored run's "series". snake_case keys: index,
/// elapsed_s, interval_s, warmup, requests, rps, target_rps, total_requests, late_sends,
/// in_flight, errors, total_errors, errors_by_class{}, status_codes{}, latency_ms{min,mean,p50,
/// p90,p95,p99,p999,max}, histogram (Histogram::serialize), and in the open-loop model
/// service_ms{} and service_histogram. Pure; any thread.
std::string snapshotToJson(const Snapshot& snapshot);

/// Parses one snapshotToJson() object. Members it does not know are ignored, missing ones stay
/// at their defaults; nullopt with error set when text is not a JSON object or a member has
/// the wrong type.
[[nodiscard]] std::optional<Snapshot> snapshotFromJson(std::string_view text,
                                                       std::string* error = nullptr);

} // namespace gb::engine
