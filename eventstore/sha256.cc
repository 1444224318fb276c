#include "eventstore/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"

namespace orch {

namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up and allocates a
// context on every call, twice the cost of hashing a 300-byte record; the
// store hashes every record it reads, so the algorithm is fetched once and
// each thread keeps one context.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

void Sha256Into(absl::string_view data, unsigned char out[kHashSize]) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  if (ctx == nullptr || Sha256Algorithm() == nullptr ||
      EVP_DigestInit_ex2(ctx.get(), Sha256Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    std::abort();  // out of memory, or a libcrypto without SHA-256: nothing sensible to go on with
  }
}

std::string Sha256(absl::string_view data) {
  std::string out(kHashSize, '\0');
  Sha256Into(data, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool Sha256Matches(absl::string_view data, absl::string_view hash) {
  unsigned char digest[kHashSize];
  Sha256Into(data, digest);
  return hash.size() == kHashSize && std::memcmp(digest, hash.data(), kHashSize) == 0;
}

std::string ToHex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace orch
