#include "lazy_curl.h"
#include "lazy_lib.h"

#include <pthread.h>
#include <stddef.h>

/* Every member of the table, resolved by its exported name: the member
 * is the name without "curl_". */
#define SYM(member) "curl_" #member, offsetof(struct ew_curl_api, member)
static const struct ew_lazy_sym syms[] = {
    {SYM(global_init)},
    {SYM(easy_strerror)},
    {SYM(easy_init)},
    {SYM(easy_setopt)},
    {SYM(easy_getinfo)},
    {SYM(easy_cleanup)},
    {SYM(multi_init)},
    {SYM(multi_add_handle)},
    {SYM(multi_remove_handle)},
    {SYM(multi_perform)},
    {SYM(multi_info_read)},
    {SYM(multi_poll)},
    {SYM(multi_wakeup)},
    {SYM(multi_cleanup)},
    {SYM(slist_append)},
    {SYM(slist_free_all)},
    {SYM(url)},
    {SYM(url_set)},
    {SYM(url_get)},
    {SYM(url_cleanup)},
    {SYM(free)},
};
#undef SYM

/* A member missing from the list would stay NULL and crash when called. */
_Static_assert(sizeof(syms) / sizeof(syms[0]) ==
		   sizeof(struct ew_curl_api) / sizeof(void (*)(void)),
	       "every member of struct ew_curl_api needs a SYM() line");

static struct ew_curl_api api;
static struct ew_error load_err;
static int load_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	ew_error_clear(&load_err);
	load_rc = ew_lazy_lib_open(&api, sizeof(api), EW_LAZY_CURL_SONAME, syms,
				   sizeof(syms) / sizeof(syms[0]), &load_err);
}

int ew_lazy_curl_load(struct ew_error *err)
{
	pthread_once(&once, load);
	if (load_rc && err)
		*err = load_err;
	return load_rc;
}

const struct ew_curl_api *ew_lazy_curl_api(void)
{
	return &api;
}
