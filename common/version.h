#pragma once

namespace gb {
/// The project version from CMake's project() (one source of truth for every executable).
inline constexpr const char* kVersion = GATEBENCH_VERSION;
} // namespace gb
