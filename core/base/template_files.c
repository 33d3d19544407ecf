#include "template_files.h"

#include <string.h>

const struct ew_template_file *ew_template_file_find(const char *name)
{
	for (size_t i = 0; i < ew_template_files_count; i++)
		if (strcmp(ew_template_files[i].name, name) == 0)
			return &ew_template_files[i];
	return NULL;
}
