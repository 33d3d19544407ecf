#include "lazy_git.h"
#include "lazy_lib.h"

#include <pthread.h>
#include <stddef.h>

/* Every member of the table, resolved by its exported name: the member
 * is the name without "git_". */
#define SYM(member) "git_" #member, offsetof(struct ew_git_api, member)
static const struct ew_lazy_sym syms[] = {
    {SYM(libgit2_init)},
    {SYM(error_last)},
    {SYM(buf_dispose)},
    {SYM(repository_open_ext)},
    {SYM(repository_free)},
    {SYM(repository_is_bare)},
    {SYM(repository_path)},
    {SYM(repository_workdir)},
    {SYM(repository_head)},
    {SYM(repository_head_detached)},
    {SYM(repository_config_snapshot)},
    {SYM(reference_lookup)},
    {SYM(reference_free)},
    {SYM(reference_name)},
    {SYM(reference_type)},
    {SYM(reference_symbolic_target)},
    {SYM(reference_target)},
    {SYM(oid_tostr)},
    {SYM(config_free)},
    {SYM(config_get_string_buf)},
    {SYM(config_iterator_new)},
    {SYM(config_next)},
    {SYM(config_iterator_free)},
    {SYM(patch_from_buffers)},
    {SYM(patch_free)},
    {SYM(patch_num_hunks)},
    {SYM(patch_get_hunk)},
    {SYM(patch_get_line_in_hunk)},
};
#undef SYM

/* A member missing from the list would stay NULL and crash when called. */
_Static_assert(sizeof(syms) / sizeof(syms[0]) ==
		   sizeof(struct ew_git_api) / sizeof(void (*)(void)),
	       "every member of struct ew_git_api needs a SYM() line");

static struct ew_git_api api;
static struct ew_error load_err;
static int load_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	ew_error_clear(&load_err);
	load_rc = ew_lazy_lib_open(&api, sizeof(api), EW_LAZY_GIT_SONAME, syms,
				   sizeof(syms) / sizeof(syms[0]), &load_err);
}

int ew_lazy_git_load(struct ew_error *err)
{
	pthread_once(&once, load);
	if (load_rc && err)
		*err = load_err;
	return load_rc;
}

const struct ew_git_api *ew_lazy_git_api(void)
{
	return &api;
}
