/*
 * lazy_lib.h - open a shared library at run time and fill a table of
 * function pointers from it: the machinery under lazy_curl.h and
 * lazy_git.h.
 *
 * Why: libcurl and libgit2 drag in some thirty further shared libraries
 * (TLS, HTTP/2, IDN, Kerberos, LDAP, ssh, pcre2, ...).  Linking them
 * makes the dynamic loader map and relocate all of those before main(),
 * which was most of the time to the wizard's first frame.  Neither is
 * needed for that frame, so the program opens them on first use instead.
 *
 * Memory: a library opened here stays open for the life of the process
 * (libcurl and libgit2 keep global state and threads; closing them under a
 * running transfer would unmap its code).  Nothing to release.
 */
#ifndef EW_LAZY_LIB_H
#define EW_LAZY_LIB_H

#include "error.h"

#include <stddef.h>

/* One function to resolve: its exported name, and where its pointer goes
 * in the caller's table (offsetof the struct member). */
struct ew_lazy_sym {
	const char *name;
	size_t offset;
};

/*
 * dlopen(soname) with RTLD_NOW (so a library whose own dependencies are
 * missing fails here, not at some later call), then dlsym() every entry
 * of syms[0..nsyms) into table + syms[i].offset, each a function pointer.
 *
 * Returns 0, or EW_EIO with err "cannot load <soname>: <dlerror text>"
 * when the library cannot be opened, or "cannot load <soname>: no symbol
 * '<name>'" when it lacks a function (an older version than the headers
 * the program was built with).  On failure the table is left zeroed and
 * the library, if opened, is closed again.  Thread-safe as dlopen() is,
 * but callers run it once (pthread_once) so the table is written once.
 */
int ew_lazy_lib_open(void *table, size_t table_size, const char *soname,
		     const struct ew_lazy_sym *syms, size_t nsyms,
		     struct ew_error *err);

#endif
