/*
 * template_files.h - the files of templates/, compiled into the binary.
 *
 * The Makefile turns every file in templates/ into build/.../templates_data.c
 * (templates/embed.c does the conversion), so the binary runs from anywhere.
 * The data is static and read-only; data[len] is a NUL.
 */
#ifndef EW_TEMPLATE_FILES_H
#define EW_TEMPLATE_FILES_H

#include <stddef.h>

struct ew_template_file {
	const char *name; /* file name inside templates/, e.g. "trust.json" */
	const char *data;
	size_t len;
};

extern const struct ew_template_file ew_template_files[];
extern const size_t ew_template_files_count;

/* The named file, or NULL. */
const struct ew_template_file *ew_template_file_find(const char *name);

#endif
