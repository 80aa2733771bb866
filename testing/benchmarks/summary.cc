// summary.cc: the collecting reporter and the Markdown table (summary.h).
#include "testing/benchmarks/summary.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace pylog_bench {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Key(const std::string &name, int threads,
                const std::string &aggregate) {
    return name + "|" + std::to_string(threads) + "|" + aggregate;
}

}  // namespace

void Results::ReportRuns(const std::vector<Run> &runs) {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run &run : runs) {
        if (!run.error_occurred) {
            runs_[Key(run.run_name.function_name,
                      static_cast<int>(run.threads), run.aggregate_name)] =
                run;
        }
    }
}

const benchmark::BenchmarkReporter::Run *Results::Find(
    const std::string &name, int threads, const std::string &aggregate) const {
    auto found = runs_.find(Key(name, threads, aggregate));
    return found == runs_.end() ? nullptr : &found->second;
}

double Results::PerCall(const Run *run, double time) const {
    if (run == nullptr) {
        return kNaN;
    }
    double ns = time / benchmark::GetTimeUnitMultiplier(run->time_unit) * 1e9;
    auto calls = run->counters.find("calls");
    return calls == run->counters.end() ? ns : ns / calls->second.value;
}

double Results::Ns(const std::string &name, int threads,
                   const std::string &aggregate) const {
    const Run *run = Find(name, threads, aggregate);
    return PerCall(run, run == nullptr ? 0 : run->GetAdjustedRealTime());
}

double Results::CpuNs(const std::string &name, int threads,
                      const std::string &aggregate) const {
    const Run *run = Find(name, threads, aggregate);
    return PerCall(run, run == nullptr ? 0 : run->GetAdjustedCPUTime());
}

double Results::Counter(const std::string &name, const std::string &counter,
                        int threads, const std::string &aggregate) const {
    const Run *run = Find(name, threads, aggregate);
    if (run == nullptr) {
        return kNaN;
    }
    auto found = run->counters.find(counter);
    return found == run->counters.end() ? kNaN : found->second.value;
}

double Results::Iterations(const std::string &name) const {
    const Run *run = Find(name, 1, "");
    return run == nullptr ? 0 : static_cast<double>(run->iterations);
}

std::string Number(double value) {
    if (std::isnan(value)) {
        return "n/a";
    }
    char text[32];
    double size = std::fabs(value);
    const char *format = size < 10 ? "%.2f" : size < 100 ? "%.1f" : "%.0f";
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string Count(double value) {
    if (std::isnan(value)) {
        return "n/a";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
}

std::string Met(bool known, bool met) {
    return !known ? "-" : met ? "yes" : "no";
}

void PrintTable(const std::vector<Row> &rows) {
    int missing = 0;
    std::printf("\n| measure | pylog | python | ratio | target | met |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (const Row &row : rows) {
        std::printf("| %s | %s | %s | %s | %s | %s |\n", row.measure.c_str(),
                    row.pylog.c_str(), row.python.c_str(), row.ratio.c_str(),
                    row.target.c_str(), row.met.c_str());
        missing += row.pylog.find("n/a") != std::string::npos ||
                   row.python.find("n/a") != std::string::npos;
    }
    std::printf("\nsummary: %zu measures, %d missing\n", rows.size(), missing);
}

}  // namespace pylog_bench
