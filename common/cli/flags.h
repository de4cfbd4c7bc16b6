#pragma once

// The command lines of gatebench-load, gatebench-gateway and gatebench-upstream: each is a table
// of flags (spelling, value, help line, what the value does), read the way Go's flag package
// reads a command line (hey's and Tyk's are Go programs, so their users' habits carry over):
// one or two dashes, "-flag value" or "-flag=value", a switch also as "-switch=true|false",
// operands anywhere. The same table prints --help and the README's flag table, so the three
// never drift apart. A mistake is a UsageError: one line, exit status 2, for all three.

#include <charconv>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace gb::cli {

/// A command-line mistake: one line for stderr; the program exits with status 2.
struct UsageError
{
    std::string message;
};

/// What a flag or operand does with its text: nothing (taken), or why the text is refused.
using Refusal = std::optional<std::string>;

/// One flag of a command line. Target is what the parse fills (the options, plus whatever the
/// command checks once every flag is read).
template <class Target>
struct Flag
{
    std::string_view name;     ///< without dashes: "n", "disable-keepalive"
    std::string_view argument; ///< the value's placeholder in --help ("N", "D"); empty: a switch
    std::string_view help;     ///< one sentence or a few; --help wraps it
    /// Takes the value ("true" or "false" for a switch); says why a value is refused. A flag
    /// refused whatever its value (hey's -x) says so here too.
    Refusal (*apply)(Target&, std::string_view value);
    std::string_view alias = {}; ///< a second spelling (gatebench-load's --threads for -cpus)
    std::string_view group = {}; ///< the --help heading it comes under; empty: the previous one
};

/// A command line: its flags and what a word that is not a flag is.
template <class Target>
struct CommandLine
{
    std::string_view program;
    std::string_view dash; ///< how messages and --help spell a flag: "-" (Go's, hey's) or "--"
    std::span<const Flag<Target>> flags;
    /// Takes an operand (gatebench-load's URL); null: the command takes flags only.
    Refusal (*operand)(Target&, std::string_view word) = nullptr;
};

/// How messages and --help spell a flag: "-n", "--conf" (a one-letter name always takes one
/// dash, as "-h").
std::string spelled(std::string_view dash, std::string_view name);

template <class Target>
std::string spelled(const CommandLine<Target>& line, std::string_view name)
{
    return spelled(line.dash, name);
}

/// Reads args (without argv[0]) into target; the first mistake ends it.
template <class Target>
[[nodiscard]] std::optional<UsageError>
parseFlags(const CommandLine<Target>& line, std::span<const std::string_view> args, Target& target)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            if (!line.operand)
                return UsageError{"unexpected argument \"" + std::string(arg) +
                                  "\": " + std::string(line.program) + " takes flags only (see " +
                                  spelled(line, "help") + ")"};
            if (Refusal why = line.operand(target, arg))
                return UsageError{std::move(*why)};
            continue;
        }
        std::string_view name = arg.substr(arg[1] == '-' ? 2 : 1);
        std::optional<std::string_view> value;
        if (const auto eq = name.find('='); eq != std::string_view::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const Flag<Target>* flag = nullptr;
        for (const Flag<Target>& f : line.flags)
            if (f.name == name || (!f.alias.empty() && f.alias == name))
                flag = &f;
        if (!flag)
            return UsageError{"flag provided but not defined: " + spelled(line, name)};
        if (flag->argument.empty()) {
            if (value && *value != "true" && *value != "false")
                return UsageError{"invalid value \"" + std::string(*value) + "\" for flag " +
                                  spelled(line, name) + ": expected true or false"};
            value = value.value_or("true");
        } else if (!value) {
            if (i + 1 >= args.size())
                return UsageError{"flag needs an argument: " + spelled(line, name)};
            value = args[++i];
        }
        if (Refusal why = flag->apply(target, *value))
            return UsageError{(flag->argument.empty() ? "flag " + spelled(line, name)
                                                      : "invalid value \"" + std::string(*value) +
                                                            "\" for flag " + spelled(line, name)) +
                              ": " + std::move(*why)};
    }
    return std::nullopt;
}

/// Prints "program: message" as one line on stderr (control characters from the arguments it
/// quotes shown escaped) and returns the exit status of a usage error, 2.
int reportUsageError(std::string_view program, const UsageError& error);

/// A whole decimal number, or a finite floating-point one, using all of text (a sign allowed).
template <class T>
[[nodiscard]] bool parseNumber(std::string_view text, T& out)
{
    if (text.size() > 1 && text[0] == '+' && text[1] != '-')
        text.remove_prefix(1); // as Go's strconv takes "+5"
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return false;
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value))
            return false;
    out = value;
    return true;
}

/// What --help and the README say of a flag (its Target aside).
struct FlagText
{
    std::string_view name, argument, help, alias, group;
};
/// The --help block: "  -n N   help" wrapped to 96 columns, under the group headings.
std::string flagsHelp(std::string_view dash, std::span<const FlagText> flags);
/// The README's table: one row a flag, each group heading a row in bold.
std::string flagsMarkdown(std::string_view dash, std::span<const FlagText> flags);

template <class Target>
std::vector<FlagText> flagTexts(const CommandLine<Target>& line)
{
    std::vector<FlagText> texts;
    for (const Flag<Target>& f : line.flags)
        texts.push_back({f.name, f.argument, f.help, f.alias, f.group});
    return texts;
}

template <class Target>
std::string flagsHelp(const CommandLine<Target>& line)
{
    return flagsHelp(line.dash, flagTexts(line));
}

template <class Target>
std::string flagsMarkdown(const CommandLine<Target>& line)
{
    return flagsMarkdown(line.dash, flagTexts(line));
}

} // namespace gb::cli
