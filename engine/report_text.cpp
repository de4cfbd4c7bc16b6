#include "engine/report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace gb::engine {

namespace {

void appendf(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* format, ...)
{
    char buf[512];
    va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    out.append(buf, std::size_t(std::clamp(n, 0, int(sizeof buf) - 1)));
}

double secs(double ns)
{
    return ns * 1e-9;
}

// hey's 11-mark histogram between fastest and slowest, filled from the HDR buckets (each bucket
// counted at its lower edge, within 0.1% of any value in it; the first one's is the exact min).
void responseTimeHistogram(std::string& out, const Histogram& h)
{
    if (h.empty())
        return;
    constexpr int kMarks = 10;
    const double fastest = secs(double(h.min())), slowest = secs(double(h.max()));
    const double width = (slowest - fastest) / kMarks;
    double marks[kMarks + 1];
    std::uint64_t counts[kMarks + 1] = {};
    for (int i = 0; i < kMarks; ++i)
        marks[i] = fastest + width * i;
    marks[kMarks] = slowest;
    std::size_t mark = 0;
    for (const auto& b : h.buckets()) {
        const double v = std::clamp(secs(double(b.lowest)), fastest, slowest);
        while (mark < kMarks && v > marks[mark])
            ++mark;
        counts[mark] += b.count;
    }
    const std::uint64_t most = *std::max_element(std::begin(counts), std::end(counts));
    for (int i = 0; i <= kMarks; ++i) {
        // Rounded to the nearest mark, as hey does: 4 % of the largest count shows as 2 marks,
        // not 1.
        const std::size_t bar = most ? std::size_t((counts[i] * 40 + most / 2) / most) : 0;
        std::string bars;
        for (std::size_t j = 0; j < bar; ++j)
            bars += "\xE2\x96\xA0"; // ■
        appendf(out, "  %4.3f [%llu]\t|%s\n", marks[i], (unsigned long long)counts[i],
                bars.c_str());
    }
}

void phase(std::string& out, const char* name, const PhaseStats& p)
{
    appendf(out, "  %s\t%4.4f secs, %4.4f secs, %4.4f secs\n", name, secs(p.meanNs()),
            secs(double(p.count ? p.minNs : 0)), secs(double(p.maxNs)));
}

} // namespace

std::string heyTextReport(const RunResult& r)
{
    const IntervalStats& t = r.totals;
    const Histogram& h = t.latency;
    std::string out = "\nSummary:\n";
    appendf(out, "  Total:\t%4.4f secs\n", r.elapsedS);
    appendf(out, "  Slowest:\t%4.4f secs\n", secs(double(h.max())));
    appendf(out, "  Fastest:\t%4.4f secs\n", secs(double(h.min())));
    appendf(out, "  Average:\t%4.4f secs\n", secs(h.mean()));
    appendf(out, "  Requests/sec:\t%4.4f\n", r.rps());
    if (r.openLoop()) {
        appendf(out, "  Target rate:\t%4.4f\n", r.targetRps());
        appendf(out, "  Late sends:\t%llu (sent more than %.1f ms after their intended time)\n",
                (unsigned long long)t.lateSends, double(r.config.lateThreshold.count()) / 1e6);
    }
    out += "  \n";
    if (t.bytesRead > 0 && t.completed > 0) {
        appendf(out, "  Total data:\t%llu bytes\n", (unsigned long long)t.bytesRead);
        appendf(out, "  Size/request:\t%llu bytes\n",
                (unsigned long long)(t.bytesRead / t.completed));
    }
    out += "\nResponse time histogram:\n";
    responseTimeHistogram(out, h);
    // hey's seven percentiles (report.go: pctls), then the tail in a block of its own, so that a
    // script reading hey's block reads the same lines.
    out += "\n\nLatency distribution:\n";
    if (!h.empty()) {
        for (double p : {10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0})
            appendf(out, "  %g%% in %4.4f secs\n", p, secs(double(h.valueAtPercentile(p))));
        out += "\nTail latency distribution:\n";
        for (double p : {99.9, 99.99})
            appendf(out, "  %g%% in %4.4f secs\n", p, secs(double(h.valueAtPercentile(p))));
    }
    if (r.openLoop() && !t.service.empty()) {
        out += "\nService time distribution (from the actual send):\n";
        for (double p : {50.0, 90.0, 99.0, 99.9})
            appendf(out, "  %g%% in %4.4f secs\n", p, secs(double(t.service.valueAtPercentile(p))));
    }
    out += "\nDetails (average, fastest, slowest):\n";
    phase(out, "DNS+dialup:", t.dial);
    phase(out, "DNS-lookup:", PhaseStats{}); // resolved once before the run, as wrk does
    phase(out, "req write:", t.write);
    phase(out, "resp wait:", t.wait);
    phase(out, "resp read:", t.read);
    // The end, blank lines included, as hey's template and its Println leave it (print.go).
    out += "\nStatus code distribution:";
    for (int code = 0; code < IntervalStats::kStatusSlots; ++code)
        if (t.statusCodes[std::size_t(code)] != 0)
            appendf(out, "\n  [%d]\t%llu responses", code,
                    (unsigned long long)t.statusCodes[std::size_t(code)]);
    out += "\n\n";
    if (t.errorTotal() > 0) {
        out += "Error distribution:";
        for (std::size_t i = 0; i < t.errors.size(); ++i)
            if (t.errors[i] != 0)
                appendf(out, "\n  [%llu]\t%s: %s", (unsigned long long)t.errors[i],
                        std::string(errorClassName(ErrorClass(i))).c_str(),
                        t.errorSamples[i].c_str());
    }
    out += "\n\n";
    return out;
}

std::string runNotes(const RunResult& r)
{
    if (r.unfinished == 0 && !r.interrupted)
        return {};
    std::string out;
    appendf(out, "%s%llu requests were still in flight at the end and are not counted.\n",
            r.interrupted ? "Interrupted: the report covers what was measured so far. " : "",
            (unsigned long long)r.unfinished);
    return out;
}

std::string progressLine(const Snapshot& s, const LoadConfig& c)
{
    std::string out;
    const double total = double(c.duration.count()) * 1e-9;
    appendf(out, "\r%s%6.1fs", s.warmup ? "[warm-up] " : "", s.elapsedS);
    if (total > 0)
        appendf(out, "/%.0fs", total);
    appendf(out, "  %9.0f req/s", s.rps);
    if (s.targetRps > 0)
        appendf(out, " (target %.0f)", s.targetRps);
    appendf(out, "  p50 %.2f ms  p99 %.2f ms  max %.2f ms  errors %llu  total %llu   ",
            s.latency.p50, s.latency.p99, s.latency.max, (unsigned long long)s.totalErrors,
            (unsigned long long)s.totalRequests);
    return out;
}

} // namespace gb::engine
