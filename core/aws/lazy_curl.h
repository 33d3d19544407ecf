/*
 * lazy_curl.h - libcurl, opened with dlopen() on first use.
 *
 * The program is not linked with -lcurl: libcurl and the libraries it
 * pulls in cost more start-up time than the rest of the program (see
 * lazy_lib.h), and nothing needs them before the first frame.  Instead
 * ew_lazy_curl_load() opens libcurl.so.4 once and resolves every libcurl
 * function core uses into struct ew_curl_api.
 *
 * Use: include this header in place of <curl/curl.h>, and call
 * ew_lazy_curl_load() before the first libcurl call on each path into the
 * file (a constructor, a parser).  The code then reads as plain libcurl:
 * the macros at the end of this header turn `curl_easy_init()` into a
 * call through the table.  A libcurl function not in the table is not
 * mapped, and the program then fails to link (no -lcurl): add it to the
 * struct, to the SYM() list in lazy_curl.c (a static assertion there
 * counts them) and to the macros below.
 *
 * Cost: gcc's compile-time type checks of curl_easy_setopt() and
 * curl_easy_getinfo() arguments (curl/typecheck-gcc.h) are macros, which
 * the mapping replaces; the values passed still need libcurl's types
 * (long, curl_off_t, pointers) as its documentation says.
 *
 * Memory: the table and the library live until the process exits.
 */
#ifndef EW_LAZY_CURL_H
#define EW_LAZY_CURL_H

#include "error.h"

#include <curl/curl.h>

/* The soname: libcurl's ABI has been 4 since 2006. */
#define EW_LAZY_CURL_SONAME "libcurl.so.4"

/* One member per libcurl function core calls.  Each is typed from the
 * function's own declaration in curl.h, so a pointer can never disagree with
 * the function it holds (curl_easy_setopt stays variadic), whichever
 * version of the headers the program is built with. */
struct ew_curl_api {
	__typeof__(&curl_global_init) global_init;
	__typeof__(&curl_easy_strerror) easy_strerror;
	__typeof__(&curl_easy_init) easy_init;
	__typeof__(&curl_easy_setopt) easy_setopt;
	__typeof__(&curl_easy_getinfo) easy_getinfo;
	__typeof__(&curl_easy_cleanup) easy_cleanup;
	__typeof__(&curl_multi_init) multi_init;
	__typeof__(&curl_multi_add_handle) multi_add_handle;
	__typeof__(&curl_multi_remove_handle) multi_remove_handle;
	__typeof__(&curl_multi_perform) multi_perform;
	__typeof__(&curl_multi_info_read) multi_info_read;
	__typeof__(&curl_multi_poll) multi_poll;
	__typeof__(&curl_multi_wakeup) multi_wakeup;
	__typeof__(&curl_multi_cleanup) multi_cleanup;
	__typeof__(&curl_slist_append) slist_append;
	__typeof__(&curl_slist_free_all) slist_free_all;
	__typeof__(&curl_url) url;
	__typeof__(&curl_url_set) url_set;
	__typeof__(&curl_url_get) url_get;
	__typeof__(&curl_url_cleanup) url_cleanup;
	__typeof__(&curl_free) free;
};

/*
 * Open libcurl and resolve the table, once per process (later calls only
 * report the first outcome).  Thread-safe.  Does not call
 * curl_global_init(): its owner (http.c) does.
 *
 * Returns 0, or EW_EIO with "cannot load libcurl.so.4: <why>" when the
 * library or one of its functions is missing.  Never exits.
 */
int ew_lazy_curl_load(struct ew_error *err);

/* The table.  Valid only after ew_lazy_curl_load() returned 0; before
 * that (or after a failure) every member is NULL. */
const struct ew_curl_api *ew_lazy_curl_api(void);

/* The mapping: libcurl's names, called through the table. */
#define EW_CURL_FN(member) (ew_lazy_curl_api()->member)
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init	 EW_CURL_FN(global_init)
#define curl_easy_strerror	 EW_CURL_FN(easy_strerror)
#define curl_easy_init		 EW_CURL_FN(easy_init)
#define curl_easy_setopt	 EW_CURL_FN(easy_setopt)
#define curl_easy_getinfo	 EW_CURL_FN(easy_getinfo)
#define curl_easy_cleanup	 EW_CURL_FN(easy_cleanup)
#define curl_multi_init		 EW_CURL_FN(multi_init)
#define curl_multi_add_handle	 EW_CURL_FN(multi_add_handle)
#define curl_multi_remove_handle EW_CURL_FN(multi_remove_handle)
#define curl_multi_perform	 EW_CURL_FN(multi_perform)
#define curl_multi_info_read	 EW_CURL_FN(multi_info_read)
#define curl_multi_poll		 EW_CURL_FN(multi_poll)
#define curl_multi_wakeup	 EW_CURL_FN(multi_wakeup)
#define curl_multi_cleanup	 EW_CURL_FN(multi_cleanup)
#define curl_slist_append	 EW_CURL_FN(slist_append)
#define curl_slist_free_all	 EW_CURL_FN(slist_free_all)
#define curl_url		 EW_CURL_FN(url)
#define curl_url_set		 EW_CURL_FN(url_set)
#define curl_url_get		 EW_CURL_FN(url_get)
#define curl_url_cleanup	 EW_CURL_FN(url_cleanup)
#define curl_free		 EW_CURL_FN(free)

#endif
