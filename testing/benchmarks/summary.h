// summary.h: collects the results of a Google Benchmark run (printing them
// as the console reporter does) and prints the summary table of pylog's
// measures as Markdown, ready to paste into RESULTS.md.
#ifndef PYLOG_TESTING_BENCHMARKS_SUMMARY_H_
#define PYLOG_TESTING_BENCHMARKS_SUMMARY_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace pylog_bench {

class Results : public benchmark::ConsoleReporter {
  public:
    Results() : benchmark::ConsoleReporter(OO_None) {}
    void ReportRuns(const std::vector<Run> &runs) override;

    // Nanoseconds of wall time per call of benchmark `name` run with
    // `threads` threads: the time per iteration divided by its "calls"
    // counter (1 when absent). `aggregate` picks a statistic of repeated
    // runs; "" for a benchmark that is not repeated. NaN when it did not
    // run or failed.
    double Ns(const std::string &name, int threads = 1,
              const std::string &aggregate = "median") const;
    // The same in CPU time: of all threads together, per call.
    double CpuNs(const std::string &name, int threads = 1,
                 const std::string &aggregate = "median") const;
    // The counter's value (`threads` and `aggregate` as in Ns), or NaN.
    double Counter(const std::string &name, const std::string &counter,
                   int threads = 1,
                   const std::string &aggregate = "median") const;
    // Iterations of a run that is not repeated, or 0.
    double Iterations(const std::string &name) const;

  private:
    const Run *Find(const std::string &name, int threads,
                    const std::string &aggregate) const;
    double PerCall(const Run *run, double time) const;
    std::map<std::string, Run> runs_;
};

// One line of the table; `met` is "yes", "no" or "-" (nothing to meet).
struct Row {
    std::string measure, pylog, python, ratio, target, met;
};

// "0.84" style: two decimals below 10, one below 100, else none; "n/a"
// for NaN.
std::string Number(double value);
// A count: no decimals; "n/a" for NaN.
std::string Count(double value);
// "yes" / "no", or "-" when `known` is false.
std::string Met(bool known, bool met);

// Prints the rows as a Markdown table, then "summary: N measures, M
// missing" where M counts rows with "n/a" in their pylog or python column
// (a benchmark that did not run or failed).
void PrintTable(const std::vector<Row> &rows);

}  // namespace pylog_bench

#endif  // PYLOG_TESTING_BENCHMARKS_SUMMARY_H_
