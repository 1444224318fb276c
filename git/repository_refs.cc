// GitRepo: reading a file at a commit, and the one write orch makes
// (CommitFileToRef, used by orch anchor).
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "git/git_ptr.h"
#include "git/repository.h"

namespace orch::git {

namespace {

struct SignatureDeleter {
  void operator()(git_signature* s) const { git_signature_free(s); }
};
struct TreeBuilderDeleter {
  void operator()(git_treebuilder* b) const { git_treebuilder_free(b); }
};

}  // namespace

absl::StatusOr<std::string> GitRepo::FileAtCommit(absl::string_view commit, absl::string_view path) const {
  ORCH_ASSIGN_OR_RETURN(git_oid oid, ParseOid(commit));
  git_commit* raw_commit = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_lookup(&raw_commit, repo_, &oid),
                               absl::StrCat("commit ", commit, " is not in ", workdir_)));
  GitPtr<git_commit> c(raw_commit);
  git_tree* raw_tree = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_tree(&raw_tree, c.get()), absl::StrCat("tree of ", commit)));
  GitPtr<git_tree> tree(raw_tree);
  const std::string p(path);
  git_tree_entry* raw_entry = nullptr;
  const int rc = git_tree_entry_bypath(&raw_entry, tree.get(), p.c_str());
  if (rc == GIT_ENOTFOUND) return absl::NotFoundError(absl::StrCat(p, " is not in commit ", ShortId(commit)));
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot read ", p, " in ", ShortId(commit))));
  std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> entry(raw_entry, git_tree_entry_free);
  git_object* raw_blob = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_tree_entry_to_object(&raw_blob, repo_, entry.get()),
                               absl::StrCat("cannot read ", p, " in ", ShortId(commit))));
  GitPtr<git_object> blob(raw_blob);
  if (git_object_type(blob.get()) != GIT_OBJECT_BLOB) {
    return absl::NotFoundError(absl::StrCat(p, " in ", ShortId(commit), " is not a file"));
  }
  const auto* b = reinterpret_cast<const git_blob*>(blob.get());
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), git_blob_rawsize(b));
}

absl::StatusOr<std::string> GitRepo::CommitFileToRef(
    absl::string_view ref, absl::string_view path, absl::string_view content, absl::string_view message,
    const std::optional<std::string>& expected_parent) const {
  git_oid blob_id;
  ORCH_RETURN_IF_ERROR(FromGit(git_blob_create_from_buffer(&blob_id, repo_, content.data(), content.size()),
                               "cannot write blob"));
  git_treebuilder* raw_builder = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_treebuilder_new(&raw_builder, repo_, nullptr), "cannot build tree"));
  std::unique_ptr<git_treebuilder, TreeBuilderDeleter> builder(raw_builder);
  const std::string file(path);
  ORCH_RETURN_IF_ERROR(
      FromGit(git_treebuilder_insert(nullptr, builder.get(), file.c_str(), &blob_id, GIT_FILEMODE_BLOB),
              absl::StrCat("cannot add ", file, " to a tree")));
  git_oid tree_id;
  ORCH_RETURN_IF_ERROR(FromGit(git_treebuilder_write(&tree_id, builder.get()), "cannot write tree"));
  git_tree* raw_tree = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_tree_lookup(&raw_tree, repo_, &tree_id), "cannot read the new tree"));
  GitPtr<git_tree> tree(raw_tree);

  GitPtr<git_commit> parent;
  if (expected_parent.has_value()) {
    ORCH_ASSIGN_OR_RETURN(git_oid parent_id, ParseOid(*expected_parent));
    git_commit* raw_parent = nullptr;
    ORCH_RETURN_IF_ERROR(FromGit(git_commit_lookup(&raw_parent, repo_, &parent_id),
                                 absl::StrCat("commit ", *expected_parent, " is not in ", workdir_)));
    parent.reset(raw_parent);
  }
  git_signature* raw_sig = nullptr;
  if (git_signature_default(&raw_sig, repo_) != 0) {
    ORCH_RETURN_IF_ERROR(FromGit(git_signature_now(&raw_sig, "orch", "orch@localhost"), "cannot sign"));
  }
  std::unique_ptr<git_signature, SignatureDeleter> sig(raw_sig);
  const git_commit* parents[1] = {parent.get()};
  const std::string msg(message);
  git_oid commit_id;
  // No ref update here: the ref moves below, only if nobody moved it.
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_create(&commit_id, repo_, nullptr, sig.get(), sig.get(), nullptr,
                                                 msg.c_str(), tree.get(), parent ? 1 : 0, parents),
                               "cannot write commit"));
  const std::string ref_name(ref);
  git_reference* raw_ref = nullptr;
  int rc;
  if (parent) {
    rc = git_reference_create_matching(&raw_ref, repo_, ref_name.c_str(), &commit_id, /*force=*/1,
                                       git_commit_id(parent.get()), msg.c_str());
  } else {
    rc = git_reference_create(&raw_ref, repo_, ref_name.c_str(), &commit_id, /*force=*/0, msg.c_str());
  }
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
    return absl::AbortedError(absl::StrCat(ref_name, " was moved by someone else meanwhile; run it again"));
  }
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot update ", ref_name)));
  GitPtr<git_reference> updated(raw_ref);
  return OidHex(commit_id);
}

}  // namespace orch::git
