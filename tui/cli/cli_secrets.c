#include "cli_secrets.h"
#include "commands.h"

#include "github_secrets.h"
#include "github_token.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Whether the user let the run ask GitHub (doctor's quiet look-up). */
static bool github_api_allowed(const struct ew_cli_run *r)
{
	return !r->opt.demo && !r->opt.no_github_api &&
	       !r->boot.env.no_github_api;
}

int ew_cli_secrets_prepare(struct ew_cli_run *r)
{
	const char *flag = r->opt.set_secrets	   ? "--set-secrets"
			   : r->opt.delete_secrets ? "--delete-secrets"
						   : NULL;
	struct ew_error err;
	int rc;

	ew_error_clear(&err);
	if (r->opt.set_secrets && strcmp(r->command, "apply")) {
		fprintf(stderr,
			"ecr-wizard %s: --set-secrets is for apply (the "
			"wizard offers it on its last screen)\n",
			r->command);
		return EXIT_USAGE;
	}
	if (r->opt.delete_secrets && strcmp(r->command, "teardown")) {
		fprintf(stderr,
			"ecr-wizard %s: --delete-secrets is for "
			"teardown\n",
			r->command);
		return EXIT_USAGE;
	}
	if (flag && r->opt.demo) {
		fprintf(stderr,
			"ecr-wizard %s: %s cannot be combined with --demo: "
			"it changes the real GitHub repository\n",
			r->command, flag);
		return EXIT_USAGE;
	}
	if (!flag && (strcmp(r->command, "doctor") || !github_api_allowed(r)))
		return -1;
	rc = ew_github_token_find(&r->gh_token, &r->ctx,
				  r->opt.setup.github_host, 0, &err);
	if (rc == 0 || !flag)
		return -1;
	fprintf(stderr, "ecr-wizard %s: %s: %s\nnothing was changed.\n",
		r->command, flag, err.message);
	return EXIT_USAGE;
}

/* Progress lines and counters for one store or delete. */
struct progress {
	FILE *out; /* NULL: quiet (JSON) */
	size_t done;
};

static void on_event(enum ew_github_event ev, const char *env, const char *name,
		     long wait_s, void *payload)
{
	struct progress *p = payload;
	const char *verb = NULL;

	switch (ev) {
	case EW_GITHUB_ENV_CREATED:
		if (p->out)
			fprintf(p->out, "  created   environment '%s'\n", env);
		return;
	case EW_GITHUB_RATE_WAIT:
		if (p->out)
			fprintf(p->out,
				"  waiting   %ld s: GitHub's rate limit, as "
				"its answer asks\n",
				wait_s);
		return;
	case EW_GITHUB_SECRET_STORED:
		verb = "stored";
		break;
	case EW_GITHUB_SECRET_DELETED:
		verb = "deleted";
		break;
	case EW_GITHUB_SECRET_ABSENT:
		verb = "absent";
		break;
	}
	p->done++;
	if (p->out)
		fprintf(p->out, "  %-9s %s%s%s%s\n", verb, name,
			env ? " (environment '" : "", env ? env : "",
			env ? "')" : "");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int client(struct ew_github_client *c, struct ew_cli_run *r,
		  struct ew_error *err)
{
	const struct ew_setup *s = &r->opt.setup;

	return ew_github_client_init(c, &r->ctx, s->github_host, s->owner,
				     s->repo, r->gh_token.value,
				     r->gh_token.source, err);
}

int ew_cli_secrets_store(struct ew_cli_run *r, const struct ew_outputs *o,
			 bool json)
{
	struct ew_github_client c;
	struct progress p = {json ? NULL : stdout, 0};
	struct timespec t0;
	struct ew_error err;
	size_t stored = 0;
	int rc;

	ew_error_clear(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!json)
		printf("\nStoring the secrets in GitHub %s/%s (token from "
		       "%s):\n",
		       r->opt.setup.owner, r->opt.setup.repo,
		       r->gh_token.source);
	rc = client(&c, r, &err);
	if (!rc)
		rc =
		    ew_github_secrets_store(&c, o, on_event, &p, &stored, &err);
	if (!json && !rc)
		printf("GitHub: %zu secret%s stored, %u request%s, %.2fs\n",
		       stored, stored == 1 ? "" : "s", c.requests,
		       c.requests == 1 ? "" : "s", seconds_since(&t0));
	else if (!json)
		printf("GitHub: %s\nThe AWS setup is done and stays as it "
		       "is; %zu of %zu secrets were stored.  Store the rest "
		       "with the lines above, or fix the cause and run "
		       "apply --set-secrets again.\n",
		       err.message, stored, o->nrows);
	else if (!rc)
		ew_cli_run_note(r,
				"github secrets: %zu stored in %s/%s (%u "
				"requests, %.2f s)",
				stored, r->opt.setup.owner, r->opt.setup.repo,
				c.requests, seconds_since(&t0));
	else
		ew_cli_run_note(r,
				"github secrets not stored (%zu of %zu): %s; "
				"the AWS setup stays",
				stored, o->nrows, err.message);
	ew_github_client_release(&c);
	return rc ? -1 : 0;
}

int ew_cli_secrets_delete(struct ew_cli_run *r, bool json)
{
	struct ew_github_client c;
	struct ew_outputs o = {0};
	struct progress p = {json ? NULL : stdout, 0};
	struct timespec t0;
	struct ew_error err;
	int rc;

	ew_error_clear(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!json)
		printf("\nDeleting the secrets from GitHub %s/%s (token from "
		       "%s):\n",
		       r->opt.setup.owner, r->opt.setup.repo,
		       r->gh_token.source);
	/* The names apply stores; the values are not needed, but the
	 * rows also say which environment each one is in. */
	rc = ew_outputs_build(&o, &r->opt.setup, &err);
	if (!rc)
		rc = client(&c, r, &err);
	else
		memset(&c, 0, sizeof(c));
	if (!rc)
		rc = ew_github_secrets_delete(&c, &o, on_event, &p, &err);
	if (!json && !rc)
		printf("GitHub: %zu secret%s deleted or absent, %u requests, "
		       "%.2fs (environments are kept)\n",
		       p.done, p.done == 1 ? "" : "s", c.requests,
		       seconds_since(&t0));
	else if (!json)
		printf("GitHub: %s\n", err.message);
	else
		ew_cli_run_note(r, "github secrets: %s",
				rc ? err.message : "deleted");
	ew_github_client_release(&c);
	ew_outputs_release(&o);
	return rc ? -1 : 0;
}

/* What doctor borrows: the names, kept alive until release. */
struct doctor_names {
	struct ew_doctor_github g;
	struct ew_github_names repo, org;
	struct ew_github_names *envs;
	char why[600];
};

void ew_cli_secrets_doctor(struct ew_cli_run *r, struct ew_doctor_input *in)
{
	struct doctor_names *d;
	struct ew_github_client c;
	const struct ew_setup *s = &r->opt.setup;
	struct ew_error err;
	int rc;

	in->github = NULL;
	if (!github_api_allowed(r) || !(d = calloc(1, sizeof(*d))))
		return;
	in->github = &d->g;
	ew_error_clear(&err);
	if (!r->gh_token.value) {
		snprintf(d->why, sizeof(d->why),
			 "no GitHub token (GH_TOKEN, GITHUB_TOKEN or `gh auth "
			 "token`) to list the repository's secrets");
		d->g.why_not = d->why;
		return;
	}
	rc = client(&c, r, &err);
	if (!rc)
		rc = ew_github_secrets_list(&d->repo, &c, NULL, &err);
	d->g.repo = &d->repo;
	/* Organization secrets count too; a token that cannot read them
	 * only makes the check stricter, so their failure is not one. */
	if (!rc) {
		struct ew_error oerr;

		if (ew_github_secrets_list_org(&d->org, &c, &oerr) == 0)
			d->g.org = &d->org;
	}
	if (!rc && s->nenvs) {
		d->envs = calloc(s->nenvs, sizeof(*d->envs));
		if (!d->envs)
			rc = ew_error_oom(&err);
		for (size_t i = 0; !rc && i < s->nenvs; i++)
			rc = ew_github_secrets_list(&d->envs[i], &c,
						    s->envs[i].name, &err);
		d->g.envs = d->envs;
		d->g.nenvs = d->envs ? s->nenvs : 0;
	}
	if (rc) {
		snprintf(d->why, sizeof(d->why), "cannot list the secrets: %s",
			 err.message);
		d->g.why_not = d->why;
		d->g.listing_failed = true;
	}
	ew_github_client_release(&c);
}

void ew_cli_secrets_doctor_release(struct ew_doctor_input *in)
{
	struct doctor_names *d = (struct doctor_names *)in->github;

	if (!d)
		return;
	ew_github_names_release(&d->repo);
	ew_github_names_release(&d->org);
	for (size_t i = 0; d->envs && i < d->g.nenvs; i++)
		ew_github_names_release(&d->envs[i]);
	free(d->envs);
	free(d);
	in->github = NULL;
}
