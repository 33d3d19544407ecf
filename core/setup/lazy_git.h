/*
 * lazy_git.h - libgit2, opened with dlopen() on first use.
 *
 * The program is not linked with -lgit2: libgit2 and what it pulls in
 * (mbedtls, ssh2, pcre2, http_parser) cost start-up time before the first
 * frame, which does not need git (see lazy_lib.h).  ew_lazy_git_load()
 * opens the libgit2 the headers belong to once and resolves every libgit2
 * function core uses into struct ew_git_api.
 *
 * Use: include this header in place of <git2.h>, and call
 * ew_lazy_git_load() before the first libgit2 call.  The code then reads
 * as plain libgit2: the macros at the end of this header turn
 * `git_repository_free(r)` into a call through the table.  A libgit2
 * function not in the table is not mapped, and the program then fails to
 * link (no -lgit2): add it to the struct, to the SYM() list in lazy_git.c
 * (a static assertion there counts them) and to the macros below.
 *
 * Memory: the table and the library live until the process exits.
 */
#ifndef EW_LAZY_GIT_H
#define EW_LAZY_GIT_H

#include "error.h"

#include <git2.h>

/* The soname of the libgit2 these headers describe ("libgit2.so.1.5"):
 * libgit2 1.x breaks its ABI between minor versions, so the library must
 * be the one the program was compiled against. */
#define EW_LAZY_GIT_SONAME "libgit2.so." LIBGIT2_SOVERSION

/* One member per libgit2 function core calls.  Each is typed from the
 * function's own declaration in git2.h, so a pointer can never disagree
 * with the function it holds, whichever version of the headers the program
 * is built with. */
struct ew_git_api {
	__typeof__(&git_libgit2_init) libgit2_init;
	__typeof__(&git_error_last) error_last;
	__typeof__(&git_buf_dispose) buf_dispose;
	__typeof__(&git_repository_open_ext) repository_open_ext;
	__typeof__(&git_repository_free) repository_free;
	__typeof__(&git_repository_is_bare) repository_is_bare;
	__typeof__(&git_repository_path) repository_path;
	__typeof__(&git_repository_workdir) repository_workdir;
	__typeof__(&git_repository_head) repository_head;
	__typeof__(&git_repository_head_detached) repository_head_detached;
	__typeof__(&git_repository_config_snapshot) repository_config_snapshot;
	__typeof__(&git_reference_lookup) reference_lookup;
	__typeof__(&git_reference_free) reference_free;
	__typeof__(&git_reference_name) reference_name;
	__typeof__(&git_reference_type) reference_type;
	__typeof__(&git_reference_symbolic_target) reference_symbolic_target;
	__typeof__(&git_reference_target) reference_target;
	__typeof__(&git_oid_tostr) oid_tostr;
	__typeof__(&git_config_free) config_free;
	__typeof__(&git_config_get_string_buf) config_get_string_buf;
	__typeof__(&git_config_iterator_new) config_iterator_new;
	__typeof__(&git_config_next) config_next;
	__typeof__(&git_config_iterator_free) config_iterator_free;
	__typeof__(&git_patch_from_buffers) patch_from_buffers;
	__typeof__(&git_patch_free) patch_free;
	__typeof__(&git_patch_num_hunks) patch_num_hunks;
	__typeof__(&git_patch_get_hunk) patch_get_hunk;
	__typeof__(&git_patch_get_line_in_hunk) patch_get_line_in_hunk;
};

/*
 * Open libgit2 and resolve the table, once per process (later calls only
 * report the first outcome).  Thread-safe.  Does not call
 * git_libgit2_init(): its users (git_detect.c, diff.c) do.
 *
 * Returns 0, or EW_EIO with "cannot load libgit2.so.1.5: <why>" when the
 * library or one of its functions is missing.  Never exits.
 */
int ew_lazy_git_load(struct ew_error *err);

/* The table.  Valid only after ew_lazy_git_load() returned 0; before that
 * (or after a failure) every member is NULL. */
const struct ew_git_api *ew_lazy_git_api(void);

/* The mapping: libgit2's names, called through the table. */
#define EW_GIT_FN(member)	       (ew_lazy_git_api()->member)
#define git_libgit2_init	       EW_GIT_FN(libgit2_init)
#define git_error_last		       EW_GIT_FN(error_last)
#define git_buf_dispose		       EW_GIT_FN(buf_dispose)
#define git_repository_open_ext	       EW_GIT_FN(repository_open_ext)
#define git_repository_free	       EW_GIT_FN(repository_free)
#define git_repository_is_bare	       EW_GIT_FN(repository_is_bare)
#define git_repository_path	       EW_GIT_FN(repository_path)
#define git_repository_workdir	       EW_GIT_FN(repository_workdir)
#define git_repository_head	       EW_GIT_FN(repository_head)
#define git_repository_head_detached   EW_GIT_FN(repository_head_detached)
#define git_repository_config_snapshot EW_GIT_FN(repository_config_snapshot)
#define git_reference_lookup	       EW_GIT_FN(reference_lookup)
#define git_reference_free	       EW_GIT_FN(reference_free)
#define git_reference_name	       EW_GIT_FN(reference_name)
#define git_reference_type	       EW_GIT_FN(reference_type)
#define git_reference_symbolic_target  EW_GIT_FN(reference_symbolic_target)
#define git_reference_target	       EW_GIT_FN(reference_target)
#define git_oid_tostr		       EW_GIT_FN(oid_tostr)
#define git_config_free		       EW_GIT_FN(config_free)
#define git_config_get_string_buf      EW_GIT_FN(config_get_string_buf)
#define git_config_iterator_new	       EW_GIT_FN(config_iterator_new)
#define git_config_next		       EW_GIT_FN(config_next)
#define git_config_iterator_free       EW_GIT_FN(config_iterator_free)
#define git_patch_from_buffers	       EW_GIT_FN(patch_from_buffers)
#define git_patch_free		       EW_GIT_FN(patch_free)
#define git_patch_num_hunks	       EW_GIT_FN(patch_num_hunks)
#define git_patch_get_hunk	       EW_GIT_FN(patch_get_hunk)
#define git_patch_get_line_in_hunk     EW_GIT_FN(patch_get_line_in_hunk)

#endif
