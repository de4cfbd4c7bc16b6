#pragma once

#include "common/cli/flags.h"
#include "engine/load_config.h"

#include <string>
#include <variant>
#include <vector>

namespace gb::engine {

/// gatebench-load's command line: every hey flag with hey's meaning, plus ours.
struct CliOptions
{
    LoadConfig config;
    bool csv = false;     ///< -o csv
    std::string jsonPath; ///< --json FILE|-
    std::string livePath; ///< --live FILE|-
    bool help = false;
};

using cli::UsageError;

/// Parses arguments (without argv[0]) the way Go's flag package does for hey: "-flag value",
/// "-flag=value", one or two dashes; flags may also follow the URL.
[[nodiscard]] std::variant<CliOptions, UsageError>
parseCommandLine(const std::vector<std::string>& args);

/// Parses "--stages 10s:1000,30s:1000,10s:0" (ramp to 1000 rps over 10 s, hold 30 s, ramp down).
[[nodiscard]] std::variant<std::vector<Stage>, UsageError> parseStages(const std::string& text);

/// The --help text, made from the table of flags that the parser reads.
std::string usage();
/// The README's table of the flags, from the same table.
std::string flagsMarkdown();

} // namespace gb::engine
