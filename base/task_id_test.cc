// The task id grammar (docs/events.md).
#include "base/task_id.h"

#include "gtest/gtest.h"

namespace orch {
namespace {

TEST(TaskIdTest, AcceptsTheGrammar) {
  for (const char* id :
       {"T1", "task-42", "feat/checkout.v2", "jira:SHOP-12", "alice@host", "a+b_c", "0", "Z"}) {
    EXPECT_TRUE(CheckTaskId(id).ok()) << id;
  }
  EXPECT_TRUE(CheckTaskId(std::string(128, 'a')).ok());
}

TEST(TaskIdTest, RefusesLengthOutsideOneTo128) {
  EXPECT_FALSE(CheckTaskId("").ok());
  const absl::Status s = CheckTaskId(std::string(129, 'a'));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("129 characters"), absl::string_view::npos) << s;
}

TEST(TaskIdTest, NamesTheOffendingCharacter) {
  EXPECT_NE(CheckTaskId("T 1").message().find("U+0020 at character 2"), absl::string_view::npos);
  EXPECT_NE(CheckTaskId("T1\n").message().find("U+000A at character 3"), absl::string_view::npos);
  EXPECT_NE(CheckTaskId("T\x1b[2J").message().find("U+001B at character 2"), absl::string_view::npos);
  // Zero-width space, Cyrillic 'Т' that looks like a Latin T.
  EXPECT_NE(CheckTaskId("T\xe2\x80\x8b"
                        "1")
                .message()
                .find("U+200B at character 2"),
            absl::string_view::npos);
  EXPECT_NE(CheckTaskId("\xd0\xa2"
                        "1")
                .message()
                .find("U+0422 at character 1"),
            absl::string_view::npos);
  EXPECT_NE(CheckTaskId("T#1").message().find("'#' (U+0023)"), absl::string_view::npos);
  EXPECT_NE(CheckTaskId("T\xff").message().find("byte 0xFF"), absl::string_view::npos);
}

TEST(TaskIdTest, MessageShowsTheIdEscaped) {
  const absl::Status s = CheckTaskId("a\x1b]0;x\x07");
  EXPECT_EQ(s.message().find('\x1b'), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("a\\x1b]0;x\\x07"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace orch
