// Strict JSON input: depth, duplicate keys and UTF-8 are checked before a
// document is built.
#include "base/strict_json.h"

#include "gtest/gtest.h"

namespace orch {
namespace {

std::string Message(absl::string_view text) {
  auto r = ParseJsonStrict(text, "--json");
  EXPECT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

TEST(StrictJsonTest, BuildsTheSameDocumentAsThePlainParser) {
  const std::string text =
      R"({"type":"committed","task":"T1","payload":{"files":["a","b"],"n":-3,"u":18446744073709551615,)"
      R"("f":1.5,"b":true,"z":null},"list":[[1],[2,[3]]],"s":"caf\u00e9"})";
  auto r = ParseJsonStrict(text, "--json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, nlohmann::json::parse(text));
  EXPECT_TRUE((*r)["payload"]["u"].is_number_unsigned());
  EXPECT_EQ(*ParseJsonStrict("[]", "x"), nlohmann::json::array());
  EXPECT_EQ(*ParseJsonStrict(" 7 ", "x"), 7);
}

TEST(StrictJsonTest, DuplicateKeysAreRefusedWithTheirPath) {
  EXPECT_EQ(Message(R"({"task":"T1","task":"T2"})"), "bad JSON in --json: duplicate key \"task\"");
  EXPECT_EQ(Message(R"({"payload":{"commit":"a","commit":"b"}})"),
            "bad JSON in --json: duplicate key \"payload.commit\"");
  EXPECT_EQ(Message(R"([{"a":1},{"a":1,"a":2}])"), "bad JSON in --json: duplicate key \"[1].a\"");
  EXPECT_TRUE(ParseJsonStrict(R"({"a":{"x":1},"b":{"x":1}})", "x").ok());
}

TEST(StrictJsonTest, DeepNestingIsRefusedWithoutRecursion) {
  // 100k levels: the DOM parser's recursive destructor would overflow the stack.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_NE(Message(deep).find("nesting deeper than 64 levels"), std::string::npos);
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJsonStrict(ok, "x").ok());
  const std::string too_deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_FALSE(ParseJsonStrict(too_deep, "x").ok());
}

TEST(StrictJsonTest, InvalidUtf8NamesTheFieldAndByte) {
  EXPECT_EQ(Message("{\"type\":\"note\",\"note\":\"ab\xff\"}"),
            "invalid UTF-8 in --json: in \"note\" at byte 25");
  EXPECT_EQ(Message("{\"payload\":{\"files\":[\"a\",\"\xc3\"]}}"),
            "invalid UTF-8 in --json: in \"payload.files[1]\" at byte 26");
  EXPECT_EQ(Message("{\"k\xff\":1}"), "invalid UTF-8 in --json: in a key at byte 3");
}

TEST(StrictJsonTest, MalformedJsonNamesWhereAndShowsTheStart) {
  const std::string m = Message("{\"type\": \"note\",");
  EXPECT_NE(m.find("malformed JSON in --json at byte"), std::string::npos) << m;
  EXPECT_NE(m.find("'{\"type\": \"note\",'"), std::string::npos) << m;
  EXPECT_FALSE(ParseJsonStrict("{} {}", "x").ok());  // one document only
  EXPECT_FALSE(ParseJsonStrict("", "x").ok());
}

}  // namespace
}  // namespace orch
