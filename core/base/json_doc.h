/*
 * json_doc.h - canonical printing and semantic comparison of JSON policy
 * documents (IAM trust and permissions policies, ECR lifecycle policies).
 *
 * Display form: 2-space indentation, keys in the document's own order (IAM
 * keeps the order it was given, so sorting would only confuse a diff), one
 * trailing newline.  Wire form: compact, no whitespace.
 *
 * Semantic equality answers "is what AWS holds the same policy as what we
 * would write?": object key order is irrelevant; a string equals a
 * one-element array holding that string (IAM treats "Action": "x" and
 * "Action": ["x"] alike); arrays whose elements are all scalars are
 * compared as sets (IAM does not care about the order of actions,
 * resources or condition values); arrays of objects (Statement, rules) in
 * order; everything else exactly.
 *
 * ew_json_doc_wipe() is for the other kind of document: an answer that
 * carries credentials (an SSO portal's, a credential_process's output).
 *
 * Memory: functions append to a caller's struct ew_buf; nothing else is
 * allocated for the caller.
 */
#ifndef EW_JSON_DOC_H
#define EW_JSON_DOC_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>

struct cJSON;

/* Append doc in display form.  0 or EW_ENOMEM. */
int ew_json_doc_print(struct ew_buf *out, const struct cJSON *doc);
/* Parse json and append its display form.  EW_EPARSE when json is not a
 * JSON document (err says where), EW_ENOMEM. */
int ew_json_doc_pretty(struct ew_buf *out, const char *json,
		       struct ew_error *err);
/* Parse json and append its wire form. */
int ew_json_doc_compact(struct ew_buf *out, const char *json,
			struct ew_error *err);

/* Append s as a JSON string literal (quotes, escapes).  0 or EW_ENOMEM. */
int ew_json_doc_quote(struct ew_buf *out, const char *s);

/* Zero every string value in doc (recursively, in place) so a secret is
 * not left in freed memory by cJSON_Delete(); keys are names and kept.
 * doc may be NULL. */
void ew_json_doc_wipe(struct cJSON *doc);

/* Semantic comparison of two parsed documents (NULL equals only NULL). */
bool ew_json_doc_equal_items(const struct cJSON *a, const struct cJSON *b);
/* Semantic comparison of two texts; false when either does not parse. */
bool ew_json_doc_equal(const char *a, const char *b);

/* The length (1-4) of the valid UTF-8 sequence at p, or 0 when the
 * bytes there are not one (overlong, a surrogate, cut short, stray). */
size_t ew_utf8_seq_len(const char *p);

/* Append text (cJSON's own output, say) with every byte that does not
 * start a valid UTF-8 sequence replaced by U+FFFD: JSON printed from
 * strings that came off the network is then always valid UTF-8.
 * 0 or EW_ENOMEM. */
int ew_json_doc_utf8(struct ew_buf *out, const char *text);

#endif
