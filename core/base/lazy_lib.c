#include "lazy_lib.h"

#include <dlfcn.h>
#include <string.h>

/* POSIX requires a dlsym() result to convert to a function pointer; the
 * table is filled byte-wise, which also needs them to be the same size. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
	       "function and data pointers differ in size");

int ew_lazy_lib_open(void *table, size_t table_size, const char *soname,
		     const struct ew_lazy_sym *syms, size_t nsyms,
		     struct ew_error *err)
{
	void *lib, *sym;
	const char *why;
	int rc = 0;

	memset(table, 0, table_size);
	/* RTLD_LOCAL: nothing else in the process should bind to these by
	 * accident; everything goes through the table. */
	lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		why = dlerror();
		return ew_error_set(err, EW_EIO, "cannot load %s: %s", soname,
				    why ? why : "unknown dlopen error");
	}
	for (size_t i = 0; i < nsyms; i++) {
		if (syms[i].offset + sizeof(sym) > table_size) {
			rc = ew_error_set(err, EW_EINVAL,
					  "cannot load %s: bad table entry "
					  "for '%s'",
					  soname, syms[i].name);
			goto done;
		}
		dlerror();
		sym = dlsym(lib, syms[i].name);
		if (!sym) {
			rc = ew_error_set(err, EW_EIO,
					  "cannot load %s: no symbol '%s'",
					  soname, syms[i].name);
			goto done;
		}
		memcpy((char *)table + syms[i].offset, &sym, sizeof(sym));
	}
done:
	if (rc) {
		memset(table, 0, table_size);
		dlclose(lib);
	}
	return rc;
}
