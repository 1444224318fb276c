// Subjects: a task id or project name becomes one NATS subject token
// whatever it holds (task ids may hold '.', which NATS reads as a token
// separator).
#include "mirror/mirror_message.h"

#include "gtest/gtest.h"

namespace orch::mirror {
namespace {

TEST(SubjectTest, EscapesWhatASubjectTokenCannotHold) {
  EXPECT_EQ(SubjectToken("T-1_a:b/c@d+e"), "T-1_a:b/c@d+e");
  EXPECT_EQ(SubjectToken("a.b"), "a%2Eb");
  EXPECT_EQ(SubjectToken("x y*z>%"), "x%20y%2Az%3E%25");
  EXPECT_EQ(SubjectToken("\xc3\xa9"), "%C3%A9");
}

TEST(SubjectTest, ProjectEventsHaveASubjectNoTaskIdCanTake) {
  EXPECT_EQ(EventSubject("web", ""), "orch.web.=project");
  EXPECT_EQ(EventSubject("web", "T1.2"), "orch.web.T1%2E2");
  EXPECT_EQ(EventSubject("my.app", "T1"), "orch.my%2Eapp.T1");
  EXPECT_EQ(ProjectFilter("my.app"), "orch.my%2Eapp.>");
}

}  // namespace
}  // namespace orch::mirror
