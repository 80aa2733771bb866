// watchdog.h: a scope guard for tests that could hang (deadlocks, lost
// wake-ups): it aborts the whole test binary, a failure with the reason on
// stderr, when the scope takes longer than it was given, so a hang fails CI
// instead of stalling it.
#ifndef PYLOG_TESTING_WATCHDOG_H_
#define PYLOG_TESTING_WATCHDOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace pylog_testing {

class Watchdog {
  public:
    explicit Watchdog(int seconds)
        : thread_([this, seconds] {
              std::unique_lock<std::mutex> lock(mutex_);
              if (!done_cv_.wait_for(lock, std::chrono::seconds(seconds),
                                     [this] { return done_; })) {
                  std::fprintf(stderr, "watchdog: hang, %d s passed\n",
                               seconds);
                  std::abort();
              }
          }) {}
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_one();
        thread_.join();
    }
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

  private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace pylog_testing

#endif  // PYLOG_TESTING_WATCHDOG_H_
