// inventory.cc: a C++ pybind11 extension module logging into Python's
// `logging` through pylog. Copy it to start a pybind11 module of your own.
//
// It shows: pylog_init() and pylog_add_control() in PYBIND11_MODULE (a
// failure fails the import), statements in class methods with std::string
// arguments, a warning logged right before a C++ exception becomes a Python
// KeyError, logging from a std::thread while the calling thread has released
// the GIL, and PYLOG_ENABLED guarding work done only for a log line.
#define PYLOG_TARGET "inventory::store" // logger "inventory.store"
#include "pylog/pylog.h"                 // first: it includes Python.h

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace py = pybind11;

namespace {

class Inventory {
  public:
    void add(const std::string &item, int count) {
        if (count <= 0) {
            PYLOG_ERROR("refusing to add %d of %s", count, item.c_str());
            throw std::invalid_argument("count must be positive");  // ValueError
        }
        stock_[item] += count;
        PYLOG_INFO("added %d %s, now %d", count, item.c_str(), stock_[item]);
    }

    void take(const std::string &item, int count) {
        auto found = stock_.find(item);
        if (found == stock_.end() || found->second < count) {
            PYLOG_WARN("cannot take %d %s", count, item.c_str());
            throw py::key_error(item);
        }
        found->second -= count;
        PYLOG_DEBUG("took %d %s, %d left", count, item.c_str(), found->second);
    }

    // Logs from a C++ thread that never held the GIL. The calling thread
    // releases the GIL while it waits, so the worker's statements can take
    // it; pylog_flush() then hands over anything the worker had to queue, so
    // every record has reached `logging` when the method returns.
    void audit_in_thread() {
        {
            py::gil_scoped_release release;
            std::thread worker([this] {
                for (const auto &entry : stock_) {
                    PYLOG_LOG_TARGET("inventory::audit", PYLOG_LEVEL_INFO,
                                     "%s: %d", entry.first.c_str(),
                                     entry.second);
                }
            });
            worker.join();
        }
        pylog_flush();
    }

    std::map<std::string, int> stock() const {
        if (PYLOG_ENABLED(PYLOG_LEVEL_TRACE)) {  // build the listing only if wanted
            std::string listing;
            for (const auto &entry : stock_) {
                listing += entry.first + "=" + std::to_string(entry.second) + " ";
            }
            PYLOG_TRACE("stock: %s", listing.c_str());
        }
        return stock_;
    }

  private:
    std::map<std::string, int> stock_;
};

}  // namespace

PYBIND11_MODULE(inventory, m) {
    if (pylog_init() < 0) {
        throw py::error_already_set();  // RuntimeError: pylog installed twice
    }
    // inventory.pylog: set_filter(), reset(), stats(), ... from Python.
    if (pylog_add_control(m.ptr()) < 0) {
        throw py::error_already_set();
    }
    m.doc() = "pylog's pybind11 example: a stock list that logs.";
    py::class_<Inventory>(m, "Inventory")
        .def(py::init<>())
        .def("add", &Inventory::add, py::arg("item"), py::arg("count") = 1)
        .def("take", &Inventory::take, py::arg("item"), py::arg("count") = 1)
        .def("audit_in_thread", &Inventory::audit_in_thread)
        .def("stock", &Inventory::stock);
}
