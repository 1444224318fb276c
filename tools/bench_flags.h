// Command-line flags of the benchmark tools (header-only: tools/ has no
// library of its own). Every tool takes "--name value" pairs into the
// fields of its options; one parser, so each tool lists its flags once.
#ifndef ORCH_TOOLS_BENCH_FLAGS_H_
#define ORCH_TOOLS_BENCH_FLAGS_H_

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace orch::bench {

class BenchFlags {
 public:
  // `usage` is printed (with the offending word) on any bad command line.
  explicit BenchFlags(std::string usage) : usage_(std::move(usage)) {}

  BenchFlags& Add(const std::string& name, std::string* out) {
    setters_[name] = [out](const std::string& v) { *out = v; };
    return *this;
  }
  BenchFlags& Add(const std::string& name, int* out) {
    setters_[name] = [out](const std::string& v) { *out = std::stoi(v); };
    return *this;
  }
  BenchFlags& Add(const std::string& name, size_t* out) {
    setters_[name] = [out](const std::string& v) { *out = std::stoull(v); };
    return *this;
  }

  // Sets the fields named by argv[first..]; an unknown flag, a flag
  // without a value or a value that is not a number exits 2 with the usage.
  void Parse(int argc, char** argv, int first = 1) const {
    if ((argc - first) % 2 != 0) Fail("a flag without a value");
    for (int i = first; i + 1 < argc; i += 2) {
      const auto it = setters_.find(argv[i]);
      if (it == setters_.end()) Fail(std::string("unknown flag ") + argv[i]);
      try {
        it->second(argv[i + 1]);
      } catch (const std::exception&) {
        Fail(std::string("not a number for ") + argv[i] + ": " + argv[i + 1]);
      }
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    std::fprintf(stderr, "%s\nusage: %s\n", what.c_str(), usage_.c_str());
    std::exit(2);
  }

  std::string usage_;
  std::map<std::string, std::function<void(const std::string&)>> setters_;
};

}  // namespace orch::bench

#endif  // ORCH_TOOLS_BENCH_FLAGS_H_
