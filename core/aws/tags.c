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

/* The index of the first tag called key, or t->n. */
static size_t find(const struct ew_tags *t, const char *key)
{
	size_t i = 0;

	while (i < t->n && strcmp(t->v[i].key, key) != 0)
		i++;
	return i;
}

int ew_tags_set(struct ew_tags *t, const char *key, const char *value)
{
	size_t i = find(t, key);
	char *val;

	if (i == t->n)
		return ew_tags_add(t, key, value);
	val = ew_strdup(value ? value : "");
	if (!val)
		return EW_ENOMEM;
	free(t->v[i].value);
	t->v[i].value = val;
	return 0;
}

void ew_tags_remove(struct ew_tags *t, const char *key)
{
	size_t i = find(t, key);

	if (i == t->n)
		return;
	free(t->v[i].key);
	free(t->v[i].value);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(t->v[0]));
	t->n--;
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
	size_t i;

	if (!t || !key)
		return NULL;
	i = find(t, key);
	return i < t->n ? t->v[i].value : NULL;
}

bool ew_tags_is_managed(const struct ew_tags *t)
{
	const char *v = ew_tags_get(t, EW_TAG_MANAGED_BY_KEY);

	return v && strcmp(v, EW_TAG_MANAGED_BY_VALUE) == 0;
}
