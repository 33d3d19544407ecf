/*
 * hint.h - the one renderer of a troubleshooting hint: a knowledge entry
 * (knowledge.h) plus the values the run knows become the text lines every
 * front-end shows: the error, the cause, the numbered fixes and the check
 * command with their {placeholders} filled, and, for each value still
 * unknown, how to find it ("values to find").
 *
 * Why one place: `apply`, `plan`, the wizard's account, preview and run
 * screens and `explain` used to fill placeholders each their own way, so
 * one error got different fix text on different screens.  Front-ends now
 * only lay the lines out (labels, indentation, wrapping, colour); the
 * words come from here.
 *
 * Values: ew_hint_for_error() fills them from struct ew_hint_facts: the
 * setup (region, repository, role and policy names of the failing step's
 * target, OWNER/REPO from the options or the git remote) and the caller
 * identity STS returned.  A value nobody knows renders as <UPPER_CASE>
 * and gets a "values to find" line.
 *
 * Memory: struct ew_hint owns its strings; ew_hint_release() frees them
 * and leaves an empty hint.  Facts and values are borrowed.
 */
#ifndef EW_HINT_H
#define EW_HINT_H

#include <stddef.h>

#include "error.h"
#include "knowledge.h"
#include "model.h"

/* What the run knows when a step fails; any member may be NULL/-1. */
struct ew_hint_facts {
	const struct ew_setup *setup;
	int target;		    /* setup target of the step; -1: main */
	const char *caller_account; /* from STS GetCallerIdentity */
	const char *caller_arn;	    /* from STS GetCallerIdentity */
};

struct ew_hint {
	/* The matched entry; NULL when none fits (then only error is set). */
	const struct ew_knowledge_entry *entry;
	char *error;  /* "AccessDenied: message", or the message; or NULL */
	char *cause;  /* NULL when entry is NULL */
	char **fixes; /* nfixes fix steps, in order */
	size_t nfixes;
	char *check; /* the check command; NULL when the entry has none */
	/* Each unknown value: "<ROLE_NAME>: how to find it", in order of
	 * first use. */
	char **find;
	size_t nfind;
};

/*
 * Match the error (ew_knowledge_match_error) and render the hint with the
 * values facts provide (facts may be NULL).  0 with out->entry NULL when
 * no entry fits, or EW_ENOMEM.  out is always safe to release.
 */
int ew_hint_for_error(struct ew_hint *out, const struct ew_error *error,
		      const struct ew_hint_facts *facts, struct ew_error *err);

/*
 * Render one entry with given values (v may be NULL), for callers that
 * matched themselves (explain).  out->error stays NULL.  0 or EW_ENOMEM.
 */
int ew_hint_for_entry(struct ew_hint *out, const struct ew_knowledge_entry *k,
		      const struct ew_knowledge_values *v,
		      struct ew_error *err);

void ew_hint_release(struct ew_hint *h);

#endif
