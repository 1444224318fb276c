// GitRepo: opening, HEAD, references and revisions.
#include "git/repository.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "git/git_ptr.h"

namespace orch::git {

namespace {

std::string WithoutTrailingSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GitRepo>> GitRepo::Open(const std::string& path) {
  std::unique_ptr<GitRepo> r(new GitRepo());
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  const int rc = git_repository_open_ext(&r->repo_, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) return absl::NotFoundError(absl::StrCat(path, " is not a git repository"));
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot open git repository ", path)));
  r->path_ = path;
  if (const char* wd = git_repository_workdir(r->repo_); wd != nullptr) {
    r->workdir_ = WithoutTrailingSlash(wd);
  }
  std::filesystem::path common(git_repository_commondir(r->repo_));
  r->commondir_ = WithoutTrailingSlash(std::filesystem::weakly_canonical(common, ec).string());
  return r;
}

absl::StatusOr<std::string> GitRepo::DiscoverMainTopLevel(const std::string& start) {
  LibGit2 lib;
  Buf found;
  if (git_repository_discover(&found.b, start.c_str(), 0, nullptr) != 0) {
    return absl::NotFoundError(absl::StrCat(start, " is not inside a git repository"));
  }
  git_repository* raw = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_repository_open(&raw, found.b.ptr),
                               absl::StrCat("cannot open git repository ", found.b.ptr)));
  GitPtr<git_repository> repo(raw);
  // commondir is the main repository's .git, even from a linked worktree.
  std::filesystem::path common =
      std::filesystem::path(WithoutTrailingSlash(git_repository_commondir(repo.get()))).lexically_normal();
  if (git_repository_is_bare(repo.get())) return common.string();
  return common.parent_path().string();
}

GitRepo::~GitRepo() { git_repository_free(repo_); }

absl::Status GitRepo::RequireCommits() const {
  // Not git_repository_is_empty: it also demands HEAD name the default
  // initial branch ("master" unless configured), which `git init -b main`
  // does not. A repository has commits iff some reference exists; HEAD
  // resolving answers that in O(1) (the iterator lists every loose ref).
  if (git_repository_head_unborn(repo_) == 0) return absl::OkStatus();
  git_reference_iterator* raw = nullptr;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_reference_iterator_new(&raw, repo_), absl::StrCat("cannot list references of ", workdir_)));
  git_reference* ref = nullptr;
  const int rc = git_reference_next(&ref, raw);
  git_reference_iterator_free(raw);
  if (rc == GIT_ITEROVER) {
    return absl::FailedPreconditionError(absl::StrCat(workdir_, ": the repository has no commits yet"));
  }
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot list references of ", workdir_)));
  git_reference_free(ref);
  return absl::OkStatus();
}

absl::StatusOr<HeadState> GitRepo::Head() const {
  HeadState h;
  git_reference* raw = nullptr;
  const int rc = git_repository_head(&raw, repo_);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    h.kind = HeadState::Kind::kUnborn;
    git_reference* sym = nullptr;
    if (git_reference_lookup(&sym, repo_, "HEAD") == 0) {
      GitPtr<git_reference> head(sym);
      if (const char* target = git_reference_symbolic_target(head.get()); target != nullptr) {
        absl::string_view t(target);
        absl::ConsumePrefix(&t, "refs/heads/");
        h.branch = std::string(t);
      }
    }
    return h;
  }
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot read HEAD of ", workdir_)));
  GitPtr<git_reference> ref(raw);
  h.commit = OidHex(*git_reference_target(ref.get()));
  if (git_repository_head_detached(repo_) == 1) {
    h.kind = HeadState::Kind::kDetached;
  } else {
    h.kind = HeadState::Kind::kBranch;
    h.branch = git_reference_shorthand(ref.get());
  }
  return h;
}

namespace {

absl::StatusOr<std::optional<std::string>> RefHead(git_repository* repo, const std::string& name) {
  git_reference* raw = nullptr;
  const int rc = git_reference_lookup(&raw, repo, name.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return std::optional<std::string>();
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot read ", name)));
  GitPtr<git_reference> ref(raw);
  git_object* obj = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_reference_peel(&obj, ref.get(), GIT_OBJECT_COMMIT),
                               absl::StrCat(name, " does not point at a commit")));
  GitPtr<git_object> commit(obj);
  return std::optional<std::string>(OidHex(*git_object_id(commit.get())));
}

}  // namespace

absl::StatusOr<std::optional<std::string>> GitRepo::BranchHead(absl::string_view branch) const {
  if (branch.empty()) return std::optional<std::string>();
  return RefHead(repo_, absl::StrCat("refs/heads/", branch));
}

absl::StatusOr<std::optional<std::string>> GitRepo::RefCommit(absl::string_view ref) const {
  if (ref.empty()) return std::optional<std::string>();
  return RefHead(repo_, std::string(ref));
}

absl::StatusOr<std::optional<std::string>> GitRepo::RemoteBranchHead(absl::string_view remote,
                                                                     absl::string_view branch) const {
  if (remote.empty() || branch.empty()) return std::optional<std::string>();
  return RefHead(repo_, absl::StrCat("refs/remotes/", remote, "/", branch));
}

absl::StatusOr<std::string> GitRepo::ResolveCommit(absl::string_view revision) const {
  if (revision.empty()) return absl::InvalidArgumentError("empty revision");
  git_object* raw = nullptr;
  const std::string rev(revision);
  int rc = git_revparse_single(&raw, repo_, rev.c_str());
  if (rc == GIT_ENOTFOUND) {
    return absl::NotFoundError(absl::StrCat("commit '", rev, "' is not in ", workdir_));
  }
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot resolve '", rev, "'")));
  GitPtr<git_object> obj(raw);
  git_object* peeled = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT),
                               absl::StrCat("'", rev, "' is not a commit")));
  GitPtr<git_object> commit(peeled);
  return OidHex(*git_object_id(commit.get()));
}

absl::StatusOr<std::string> GitRepo::CommitSummary(absl::string_view commit) const {
  ORCH_ASSIGN_OR_RETURN(git_oid oid, ParseOid(commit));
  git_commit* raw = nullptr;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_commit_lookup(&raw, repo_, &oid), absl::StrCat("cannot read commit ", commit)));
  GitPtr<git_commit> c(raw);
  const char* s = git_commit_summary(c.get());
  return std::string(s == nullptr ? "" : s);
}

absl::StatusOr<int64_t> GitRepo::CommitTimeNanos(absl::string_view commit) const {
  ORCH_ASSIGN_OR_RETURN(git_oid oid, ParseOid(commit));
  git_commit* raw = nullptr;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_commit_lookup(&raw, repo_, &oid), absl::StrCat("cannot read commit ", commit)));
  GitPtr<git_commit> c(raw);
  return static_cast<int64_t>(git_commit_time(c.get())) * 1'000'000'000;
}

std::string ShortId(absl::string_view commit) { return std::string(commit.substr(0, 7)); }

}  // namespace orch::git
