// The live page in a real browser: Chromium (headless shell) opens the
// page, an event is emitted, and the page changes in place (no reload),
// driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
// requests on fd 3, answers on fd 4, each message ended by a NUL byte).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/serve/serve_support.h"

namespace orch::testing {
namespace {

std::string FindChromium() {
  for (const char* p : {"/usr/bin/chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell",
                        "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

// One browser process and a DevTools session on one page.
class Browser {
 public:
  Browser(const std::string& binary, const std::string& profile) {
    int to_browser[2], from_browser[2];
    if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_browser[0], 3);
      ::dup2(from_browser[1], 4);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      std::vector<std::string> args = {binary,
                                       "--headless",
                                       "--no-sandbox",
                                       "--disable-gpu",
                                       "--remote-debugging-pipe",
                                       "--user-data-dir=" + profile,
                                       "--no-first-run",
                                       "--window-size=1200,900",
                                       "about:blank"};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(to_browser[0]);
    ::close(from_browser[1]);
    out_ = to_browser[1];
    in_ = from_browser[0];
  }

  ~Browser() {
    if (pid_ <= 0) return;
    Send("Browser.close", {}, /*session=*/false);
    ::close(out_);
    ::close(in_);
    int status = 0;
    for (int i = 0; i < 500 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);  // by the pid we started, never by name
      ::waitpid(pid_, &status, 0);
    }
  }

  // Sends a command and returns its result (events in between are skipped);
  // a null json when the browser went away or answered with an error.
  nlohmann::json Send(const std::string& method, nlohmann::json params, bool session = true) {
    nlohmann::json msg = {{"id", ++id_}, {"method", method}, {"params", std::move(params)}};
    if (session) msg["sessionId"] = session_;
    const std::string text = msg.dump() + std::string(1, '\0');
    if (::write(out_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return nullptr;
    while (true) {
      std::string reply;
      char c;
      while (::read(in_, &c, 1) == 1 && c != '\0') reply.push_back(c);
      if (reply.empty()) return nullptr;
      auto j = nlohmann::json::parse(reply, nullptr, false);
      if (j.is_object() && j.value("id", 0) == id_) {
        if (j.contains("error")) {
          ADD_FAILURE() << method << ": " << j["error"].dump();
          return nullptr;
        }
        return j["result"];
      }
    }
  }

  bool Open(const std::string& url) {
    auto target = Send("Target.createTarget", {{"url", url}}, false);
    if (target.is_null()) return false;
    auto attached =
        Send("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, false);
    if (attached.is_null()) return false;
    session_ = attached["sessionId"];
    return true;
  }

  // The value of a JavaScript expression in the page ("" on failure).
  std::string Eval(const std::string& expression) {
    auto r =
        Send("Runtime.evaluate", {{"expression", "String(" + expression + ")"}, {"returnByValue", true}});
    if (r.is_null() || !r.contains("result")) return "";
    return r["result"].value("value", "");
  }

  // Evaluates until the expression is "true"; false if it never is.
  bool WaitFor(const std::string& expression) {
    for (int i = 0; i < 1200; ++i) {  // a minute on a loaded machine; not a timing assertion
      if (Eval(expression) == "true") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  bool Screenshot(const std::string& path) {
    auto shot = Send("Page.captureScreenshot", {{"format", "png"}});
    std::string png;
    if (shot.is_null() || !absl::Base64Unescape(shot.value("data", ""), &png)) return false;
    std::ofstream(path, std::ios::binary) << png;
    return true;
  }

  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  int id_ = 0;
  std::string session_;
};

class LivePageTest : public ServeFixture {};

TEST_F(LivePageTest, ThePageChangesInPlaceWhenAnEventIsEmitted) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium-headless-shell is not installed (tools/setup.sh installs it from Debian)";
  }
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  Browser browser(chromium, tmp_.Sub("profile"));
  ASSERT_TRUE(browser.started());
  ASSERT_TRUE(browser.Open(server.url() + "/"));
  ASSERT_TRUE(browser.WaitFor("document.documentElement.getAttribute('data-live') === 'open'"))
      << "the page's event stream never opened";
  EXPECT_EQ(browser.Eval("document.documentElement.getAttribute('data-live-updates')"), "0");
  EXPECT_EQ(browser.Eval("document.body.innerText.includes('LIVE-1')"), "false");
  // A mark a reload would wipe out.
  browser.Eval("window.orchTestMark = 'kept'");

  ASSERT_EQ(Emit({"package-opened", "--package-id", "web"}).exit_code, 0);
  RunResult emitted =
      Emit({"dispatched", "--task", "LIVE-1", "--title", "Shown without a reload", "--package-id", "web"});
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;

  ASSERT_TRUE(browser.WaitFor("document.body.innerText.includes('LIVE-1')"))
      << "the page never showed the new task";
  EXPECT_EQ(browser.Eval("window.orchTestMark"), "kept") << "the page was reloaded";
  EXPECT_EQ(browser.Eval("document.documentElement.getAttribute('data-live-updates') >= 1"), "true");
  EXPECT_EQ(browser.Eval("document.documentElement.getAttribute('data-seq')"),
            "3");  // init, the lane, LIVE-1
  // Times were rewritten in the viewer's zone (the instant kept as the title).
  EXPECT_EQ(browser.Eval("document.querySelector('time[datetime]').title === "
                         "document.querySelector('time[datetime]').getAttribute('datetime')"),
            "true");

  // Beside the test binary, in the build directory.
  const std::string shot =
      (std::filesystem::canonical("/proc/self/exe").parent_path() / "live_page.png").string();
  ASSERT_TRUE(browser.Screenshot(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 1000u);
}

}  // namespace
}  // namespace orch::testing
