/*
 * Fuzz target: workflow parsing and analysis.  Any bytes as a workflow
 * file (twice, under two names, so a `uses: ./...` caller can find a
 * callee), then the whole analysis; checks the invariants doctor relies
 * on: a file either parses or yields a problem naming it with a line, and
 * every job has a file, a name and non-empty subjects.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_workflow_scan s;
	struct ew_error err;
	int rc;

	ew_workflow_scan_init(&s);
	rc = ew_workflow_scan_add(&s, ".github/workflows/a.yml",
				  (const char *)data, size, &err);
	if (rc != 0 && rc != EW_EPARSE)
		abort();
	if (rc == EW_EPARSE &&
	    (s.nproblems != 1 || !s.problems[0].message ||
	     !strstr(s.problems[0].message, ".github/workflows/a.yml")))
		abort();
	(void)ew_workflow_scan_add(&s, ".github/workflows/reusable.yml",
				   (const char *)data, size, &err);
	if (ew_workflow_scan_finish(&s, "main", &err) != 0)
		abort();
	for (size_t i = 0; i < s.njobs; i++) {
		if (!s.jobs[i].file || !s.jobs[i].job ||
		    !s.jobs[i].id_token_where)
			abort();
		for (size_t k = 0; k < s.jobs[i].nsubjects; k++)
			if (!s.jobs[i].subjects[k].context[0] ||
			    !s.jobs[i].subjects[k].why)
				abort();
	}
	ew_workflow_scan_release(&s);
	return 0;
}
