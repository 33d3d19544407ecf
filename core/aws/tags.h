/*
 * tags.h - resource tags (Key/Value pairs) as IAM and ECR carry them.
 *
 * The wizard marks what it creates with managed-by=ecr-wizard and teardown
 * only removes what carries that tag, so the typed operations (iam.h,
 * ecr.h) hand tags in and out through this one type.
 *
 * struct ew_tags owns its array and every key and value string:
 * ew_tags_init() it, add, ew_tags_release().  A zeroed struct is a valid
 * empty list.  Lookups never allocate.
 */
#ifndef EW_TAGS_H
#define EW_TAGS_H

#include <stdbool.h>
#include <stddef.h>

struct ew_tag {
	char *key;
	char *value; /* "" for a tag without a value; never NULL */
};

struct ew_tags {
	struct ew_tag *v;
	size_t n;
};

/* The tag the wizard puts on everything it creates. */
#define EW_TAG_MANAGED_BY_KEY	"managed-by"
#define EW_TAG_MANAGED_BY_VALUE "ecr-wizard"

void ew_tags_init(struct ew_tags *t);
void ew_tags_release(struct ew_tags *t);
/* Append copies of key and value (NULL value = ""); 0 or EW_ENOMEM (the
 * list is unchanged then).  Duplicate keys are not merged. */
int ew_tags_add(struct ew_tags *t, const char *key, const char *value);
/* Give key (not NULL) the value (NULL = ""): replace the value of the
 * first tag called key, else append one, as TagRole/TagResource do.  0 or
 * EW_ENOMEM (the list is unchanged then). */
int ew_tags_set(struct ew_tags *t, const char *key, const char *value);
/* Remove the first tag called key, keeping the order of the others. */
void ew_tags_remove(struct ew_tags *t, const char *key);
/* Deep copy; src may be NULL (empty result).  0 or EW_ENOMEM. */
int ew_tags_copy(struct ew_tags *out, const struct ew_tags *src);
/* The value of the first tag called key (case-sensitive, as AWS compares
 * tag keys), or NULL.  t may be NULL. */
const char *ew_tags_get(const struct ew_tags *t, const char *key);
/* Whether t carries managed-by=ecr-wizard. */
bool ew_tags_is_managed(const struct ew_tags *t);

#endif
