#include "engine/stats.h"

namespace gb::engine {

std::string_view errorClassName(ErrorClass c)
{
    switch (c) {
    case ErrorClass::Connect:
        return "connect";
    case ErrorClass::Timeout:
        return "timeout";
    case ErrorClass::Read:
        return "read";
    case ErrorClass::Write:
        return "write";
    case ErrorClass::Parse:
        return "parse";
    case ErrorClass::Closed:
        return "closed";
    case ErrorClass::Count:
        break;
    }
    return "unknown";
}

void PhaseStats::merge(const PhaseStats& o) noexcept
{
    count += o.count;
    sumNs += o.sumNs;
    minNs = o.minNs < minNs ? o.minNs : minNs;
    maxNs = o.maxNs > maxNs ? o.maxNs : maxNs;
}

void IntervalStats::recordError(ErrorClass c, std::string_view message)
{
    const auto i = std::size_t(c);
    if (errors[i]++ == 0)
        errorSamples[i] = std::string(message);
}

std::uint64_t IntervalStats::errorTotal() const noexcept
{
    std::uint64_t n = 0;
    for (auto e : errors)
        n += e;
    return n;
}

void IntervalStats::merge(const IntervalStats& o)
{
    latency.merge(o.latency);
    service.merge(o.service);
    completed += o.completed;
    sent += o.sent;
    lateSends += o.lateSends;
    bytesRead += o.bytesRead;
    for (std::size_t i = 0; i < statusCodes.size(); ++i)
        statusCodes[i] += o.statusCodes[i];
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (errors[i] == 0 && o.errors[i] != 0)
            errorSamples[i] = o.errorSamples[i];
        errors[i] += o.errors[i];
    }
    dial.merge(o.dial);
    write.merge(o.write);
    wait.merge(o.wait);
    read.merge(o.read);
}

} // namespace gb::engine
