/*
 * explain.h - match a pasted error or a whole CI log to the troubleshooting
 * knowledge, and pull out the values the fix text needs.
 *
 * Front-end free: `ecr-wizard explain` and the TUI paste box both feed text
 * here and print the result their own way.  Input is streamed: feed any
 * number of chunks of any size (a 100 MB log is read in bounded memory;
 * lines longer than EW_EXPLAIN_MAX_LINE are cut there), then finish.
 *
 * Each line is cleaned first: ANSI escapes, a leading ISO timestamp
 * ("2026-01-15T12:00:01.1234567Z "), GitHub's "##[error]" / "##[warning]"
 * markers and workflow commands, and "Error: " prefixes are removed.  The
 * lines that match are kept (one per distinct entry) and, at finish,
 * matched again with everything the whole log revealed (the job's `sub`
 * claim, the trusted subjects, the role) so that a generic "not authorized
 * to perform sts:AssumeRoleWithWebIdentity" becomes, say, an environment
 * mismatch.  Each entry is reported once, at the first line that showed it,
 * in line order.
 *
 * Memory: struct ew_explain owns everything it returns; pointers from
 * ew_explain_get() and ew_explain_values() stay valid until
 * ew_explain_free().  Stored line texts have secrets (secret keys, session
 * tokens, passwords, Authorization headers) replaced by "***", control
 * characters removed and invalid UTF-8 replaced by '?'.
 */
#ifndef EW_EXPLAIN_H
#define EW_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "knowledge.h"

/* Longest line examined; the rest of a longer line is skipped. */
#define EW_EXPLAIN_MAX_LINE 8192

struct ew_explain;

struct ew_explain_match {
	const struct ew_knowledge_entry *entry;
	unsigned long line; /* 1-based line number in the input */
	const char *text;   /* the cleaned line that matched */
	/* For EW_KN_F_SUBJECT entries when the subject is known, e.g. "the
	 * role trusts `repo:a/b:ref:refs/heads/main` but this job ran as
	 * `repo:a/b:environment:prod`"; NULL otherwise. */
	const char *detail;
};

/* New scanner.  Returns 0 or EW_ENOMEM. */
int ew_explain_new(struct ew_explain **out, struct ew_error *err);

/*
 * Values the caller already knows (e.g. from --region or --github), used
 * where the log shows none.  Borrowed: they must outlive ex.  Call before
 * ew_explain_finish().
 */
void ew_explain_set_defaults(struct ew_explain *ex,
			     const struct ew_knowledge_values *defaults);

/*
 * Feed the next len bytes of input (any chunking; lines end at '\n', a
 * '\r' before it is dropped).  Returns 0, EW_ENOMEM, or EW_EINVAL after
 * ew_explain_finish().
 */
int ew_explain_feed(struct ew_explain *ex, const char *data, size_t len,
		    struct ew_error *err);

/* End of input: settle the values and the final list of matches. */
int ew_explain_finish(struct ew_explain *ex, struct ew_error *err);

/* Convenience for a pasted block of text: new + feed + finish. */
int ew_explain_text(struct ew_explain **out, const char *text,
		    struct ew_error *err);

/* Matches after finish, in line order. */
size_t ew_explain_count(const struct ew_explain *ex);
const struct ew_explain_match *ew_explain_get(const struct ew_explain *ex,
					      size_t i);

/* Lines read so far. */
unsigned long ew_explain_lines(const struct ew_explain *ex);

/*
 * What the log showed (after finish): account, region, role, role ARN,
 * repository, GitHub repository, the job's `sub` (claimed, or inferred
 * from the environment / event / ref in the log), the trusted subjects,
 * the denied principal, the actor, the repository's own account (registry
 * hosts and repository ARNs; the role's account comes from IAM/STS ARNs),
 * role-duration-seconds, the second role of a chain, the pushed tag, and
 * whether an image went to docker.io.  Members are NULL when not seen.
 */
const struct ew_knowledge_values *
ew_explain_values(const struct ew_explain *ex);

/* Whether the job's `sub` was inferred from context rather than printed. */
bool ew_explain_sub_inferred(const struct ew_explain *ex);

/* The assumed-role ARN the log showed, or NULL. */
const char *ew_explain_assumed_role_arn(const struct ew_explain *ex);

/* Append tmpl to out with the explained values filled in (see
 * ew_knowledge_render).  Returns 0 or EW_ENOMEM. */
int ew_explain_render(struct ew_buf *out, const struct ew_explain *ex,
		      const char *tmpl);

void ew_explain_free(struct ew_explain *ex);

/*
 * Clean one line in place (ANSI escapes, timestamp, ##[error], "Error: "
 * prefixes, leading blanks) and return its new length.  line need not be
 * NUL-terminated on input; it is on output (so len + 1 bytes must be
 * writable).
 */
size_t ew_explain_clean_line(char *line, size_t len);

#endif
