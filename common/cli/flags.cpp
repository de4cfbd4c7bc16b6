#include "common/cli/flags.h"

#include <algorithm>
#include <cstdio>

namespace gb::cli {

namespace {

constexpr std::size_t kWidth = 96;      // --help's lines
constexpr std::size_t kFlagColumn = 24; // where a flag's help starts, when the flag fits before

std::string withArgument(std::string_view dash, std::string_view name, std::string_view argument)
{
    std::string out = spelled(dash, name);
    if (!argument.empty())
        out.append(" ").append(argument);
    return out;
}

std::string spelling(std::string_view dash, const FlagText& f)
{
    std::string out = withArgument(dash, f.name, f.argument);
    if (!f.alias.empty())
        out.append(", ").append(withArgument(dash, f.alias, f.argument));
    return out;
}

/// text's words in lines of at most kWidth columns, each after indent spaces; the first line
/// goes after whatever already ends out.
void appendWrapped(std::string& out, std::string_view text, std::size_t indent)
{
    std::size_t column = indent;
    bool first = true;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        if (word.empty())
            continue;
        if (!first && column + 1 + word.size() > kWidth) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            first = true;
        }
        if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        first = false;
    }
    out += '\n';
}

/// The one-line form of a message: control characters shown escaped ("\r", "\x01").
std::string oneLine(std::string_view message)
{
    std::string out;
    for (const char ch : message) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7f) {
            out += ch;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += ch == '\r' ? "\\r" : ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : hex;
        }
    }
    return out;
}

} // namespace

std::string spelled(std::string_view dash, std::string_view name)
{
    std::string out(name.size() == 1 ? "-" : dash);
    return out.append(name);
}

std::string flagsHelp(std::string_view dash, std::span<const FlagText> flags)
{
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
    std::string out;
    for (const FlagText& f : flags) {
        if (!f.group.empty())
            out.append(out.empty() ? "" : "\n").append(f.group).append(":\n");
        const std::string left = spelling(dash, f);
        out.append("  ").append(left);
        const std::size_t used = 2 + left.size();
        if (used + 2 > kFlagColumn)
            out.append("\n").append(kFlagColumn, ' ');
        else
            out.append(kFlagColumn - used, ' ');
        appendWrapped(out, f.help, kFlagColumn);
    }
    return out;
}

std::string flagsMarkdown(std::string_view dash, std::span<const FlagText> flags)
{
    std::string out = "| flag | meaning |\n|---|---|\n";
    for (const FlagText& f : flags) {
        if (!f.group.empty())
            out.append("| **").append(f.group).append("** | |\n");
        out.append("| `").append(withArgument(dash, f.name, f.argument)).append("`");
        if (!f.alias.empty())
            out.append(", `").append(withArgument(dash, f.alias, f.argument)).append("`");
        out.append(" | ");
        for (const char c : f.help) {
            if (c == '|')
                out.push_back('\\'); // a bar would end the cell
            out.push_back(c);
        }
        out.append(" |\n");
    }
    return out;
}

int reportUsageError(std::string_view program, const UsageError& error)
{
    // A pasted "-H 'A: b\r\nC: d'" must not break the line a script or a person reads.
    std::fprintf(stderr, "%.*s: %s\n", int(program.size()), program.data(),
                 oneLine(error.message).c_str());
    return 2;
}

} // namespace gb::cli
