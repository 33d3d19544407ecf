#include "tags.h"
#include "buf.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

void ew_tags_init(struct ew_tags *t)
{
	t->v = NULL;
	t->n = 0;
}

void ew_tags_release(struct ew_tags *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].value);
	}
	free(t->v);
	ew_tags_init(t);
}

int ew_tags_add(struct ew_tags *t, const char *key, const char *value)
{
	struct ew_tag *v;
	char *k, *val;

	k = ew_strdup(key ? key : "");
	val = ew_strdup(value ? value : "");
	/* Grow by one: tag lists are at most 50 long. */
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!k || !val || !v) {
		free(k);
		free(val);
		if (v)
			t->v = v;
		return EW_ENOMEM;
	}
	t->v = v;
	t->v[t->n].key = k;
	t->v[t->n].value = val;
	t->n++;
	return 0;
}

int ew_tags_copy(struct ew_tags *out, const struct ew_tags *src)
{
	ew_tags_init(out);
	if (!src)
		return 0;
	for (size_t i = 0; i < src->n; i++) {
		if (ew_tags_add(out, src->v[i].key, src->v[i].value)) {
			ew_tags_release(out);
			return EW_ENOMEM;
		}
	}
	return 0;
}

const char *ew_tags_get(const struct ew_tags *t, const char *key)
{
	if (!t || !key)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			return t->v[i].value;
	return NULL;
}

bool ew_tags_is_managed(const struct ew_tags *t)
{
	const char *v = ew_tags_get(t, EW_TAG_MANAGED_BY_KEY);

	return v && strcmp(v, EW_TAG_MANAGED_BY_VALUE) == 0;
}
