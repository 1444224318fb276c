// Credentials in a --nats URL never reach a line orch prints.
#include "mirror/nats_url.h"

#include "gtest/gtest.h"

namespace orch::mirror {
namespace {

TEST(MirrorNatsUrlTest, HidesPasswordsAndTokensKeepsTheRest) {
  EXPECT_EQ(RedactNatsUrl("nats://alice:s3cr3t@host:4222"), "nats://alice:***@host:4222");
  EXPECT_EQ(RedactNatsUrl("nats://s3cr3t@host:4222"), "nats://***@host:4222");
  EXPECT_EQ(RedactNatsUrl("tls://alice:s3cr3t@[::1]:4222"), "tls://alice:***@[::1]:4222");
  EXPECT_EQ(RedactNatsUrl("alice:s3cr3t@host:4222"), "alice:***@host:4222");
  EXPECT_EQ(RedactNatsUrl("nats://host:4222"), "nats://host:4222");
  EXPECT_EQ(RedactNatsUrl(""), "");
}

TEST(MirrorNatsUrlTest, EveryServerOfACluster) {
  EXPECT_EQ(RedactNatsUrl("nats://a:pw1@n1:4222,nats://n2:4222,nats://tok@n3:4222"),
            "nats://a:***@n1:4222,nats://n2:4222,nats://***@n3:4222");
  EXPECT_EQ(RedactNatsUrl("a:pw1@n1:4222,b:pw2@n2:4222"), "a:***@n1:4222,b:***@n2:4222");
}

TEST(MirrorNatsUrlTest, NoPartOfAnOddSecretIsShown) {
  // An unescaped '@', ':' or ',' in a password: none of it shows.
  for (const char* url :
       {"nats://alice:p@ss@host:4222", "nats://alice:p:ss@host:4222", "nats://alice:pa,ss@host:4222",
        "nats://pa,ss@host:4222", "nats://h1:4222,alice:ss@host:4222"}) {
    const std::string shown = RedactNatsUrl(url);
    EXPECT_EQ(shown.find("ss"), std::string::npos) << url << " -> " << shown;
    EXPECT_NE(shown.find("@host:4222"), std::string::npos) << url << " -> " << shown;
  }
}

}  // namespace
}  // namespace orch::mirror
