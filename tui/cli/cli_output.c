/* cli_output.c - text and JSON rendering of a run for plan/apply/teardown. */
#include "cli_output.h"

#include "hint.h"
#include "json_doc.h"
#include "knowledge.h"
#include "outputs.h"
#include "partition.h"
#include "plan_render.h"

#include <cjson/cJSON.h>
#include <string.h>

#define C_RESET	 "\033[0m"
#define C_GREEN	 "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED	 "\033[31m"
#define C_DIM	 "\033[2m"
#define C_BOLD	 "\033[1m"

void ew_cli_printer_init(struct ew_cli_printer *p, FILE *out, bool color,
			 bool quiet, const struct ew_setup *setup)
{
	p->out = out;
	p->color = color;
	p->quiet = quiet;
	p->json = false;
	p->setup = setup;
	p->result = NULL;
	pthread_mutex_init(&p->lock, NULL);
}

void ew_cli_printer_release(struct ew_cli_printer *p)
{
	pthread_mutex_destroy(&p->lock);
}

static const char *kind_name(enum ew_step_kind k)
{
	return ew_step_kind_name(k);
}

static const char *env_name(const struct ew_setup *s, const struct ew_step *st)
{
	if (st->target < 0 || s->nenvs == 0 || (size_t)st->target >= s->nenvs)
		return NULL;
	return s->envs[st->target].name;
}

void ew_cli_step_id(char *out, size_t size, const struct ew_engine *e,
		    const struct ew_step *s)
{
	const char *env = env_name(e->setup, s);

	if (env)
		snprintf(out, size, "%s:%s", kind_name(s->kind), env);
	else
		snprintf(out, size, "%s", kind_name(s->kind));
}

static const char *state_color(const struct ew_cli_printer *p,
			       enum ew_step_state s)
{
	if (!p->color)
		return "";
	switch (s) {
	case EW_STATE_DONE:
	case EW_STATE_UPDATED:
		return C_GREEN;
	case EW_STATE_UNCHANGED:
		return C_DIM;
	case EW_STATE_SKIPPED:
		return C_YELLOW;
	case EW_STATE_FAILED:
		return C_RED;
	default:
		return "";
	}
}

/* ------------------------------------------------------------ hints */

/* The hint of a failed step with everything the run knows (hint.h). */
static void step_hint(struct ew_hint *h, const struct ew_step *s,
		      const struct ew_setup *setup,
		      const struct ew_engine_result *res)
{
	struct ew_hint_facts f = {setup, s->target, NULL, NULL};

	if (res) {
		f.caller_account = res->account;
		f.caller_arn = res->caller_arn;
	}
	/* Out of memory leaves a partial hint: print what there is. */
	ew_hint_for_error(h, &s->error, &f, NULL);
}

void ew_cli_print_failure(FILE *out, const struct ew_step *s,
			  const struct ew_setup *setup,
			  const struct ew_engine_result *res)
{
	struct ew_hint h;

	step_hint(&h, s, setup, res);
	if (s->error.aws_code[0] && s->error.operation[0])
		fprintf(out, "            %s ", s->error.operation);
	else
		fputs("            ", out);
	fprintf(out, "%s\n", h.error ? h.error : s->error.message);
	if (s->error.request_id[0])
		fprintf(out, "            request id %s\n",
			s->error.request_id);
	if (h.cause)
		fprintf(out, "            cause: %s\n", h.cause);
	for (size_t i = 0; i < h.nfixes; i++)
		fprintf(out, "            %s %zu. %s\n",
			i ? "    " : "fix:", i + 1, h.fixes[i]);
	if (h.check)
		fprintf(out, "            check: %s\n", h.check);
	for (size_t i = 0; i < h.nfind; i++)
		fprintf(out, "            %s %s\n",
			i ? "    " : "find:", h.find[i]);
	ew_hint_release(&h);
}

/* --------------------------------------------------------- progress */

/* An interrupt cancels the request in flight on the client's side only:
 * the call may well have reached AWS and done its work.  Such a step is
 * reported as unknown, never as "failed" with nothing changed; the next
 * apply reads what is there and adopts it. */
const char *ew_cli_step_in_doubt(const struct ew_step *s)
{
	if (s->state != EW_STATE_FAILED || s->error.code != EW_ECANCEL ||
	    s->kind == EW_STEP_OUTPUTS)
		return NULL;
	switch (s->action) {
	case EW_ACTION_CREATE:
		return "unknown: may exist; a re-run adopts it";
	case EW_ACTION_UPDATE:
		return "unknown: may have changed; a re-run checks it again";
	case EW_ACTION_DELETE:
		return "unknown: may be deleted; a re-run checks it again";
	default:
		return NULL;
	}
}

static void print_line(struct ew_cli_printer *p, const struct ew_step *s)
{
	const char *label = ew_step_state_name(s->state);
	const char *doubt = ew_cli_step_in_doubt(s);

	if (doubt)
		label = "unknown";
	fprintf(p->out, "  %s%-9s%s %s", state_color(p, s->state), label,
		p->color ? C_RESET : "", s->title);
	if (doubt)
		fprintf(p->out, ": %s", doubt + strlen("unknown: "));
	else if (s->detail[0])
		fprintf(p->out, ": %s", s->detail);
	if (s->requests)
		fprintf(p->out, " (%.2fs, %u request%s)", s->elapsed,
			s->requests, s->requests == 1 ? "" : "s");
	else
		fprintf(p->out, " (%.2fs)", s->elapsed);
	fputc('\n', p->out);
	if (s->state == EW_STATE_FAILED && s->error.code != EW_ECANCEL)
		ew_cli_print_failure(p->out, s, p->setup, p->result);
	fflush(p->out);
}

static void on_step(const struct ew_step *s, enum ew_event ev, void *payload)
{
	struct ew_cli_printer *p = payload;

	if (p->quiet || ev != EW_EVENT_FINISHED)
		return;
	pthread_mutex_lock(&p->lock);
	print_line(p, s);
	pthread_mutex_unlock(&p->lock);
}

static void on_retry(const struct ew_step *s, const struct ew_retry_event *ev,
		     void *payload)
{
	struct ew_cli_printer *p = payload;
	const char *why = ev->error && ev->error->aws_code[0]
			      ? ev->error->aws_code
			  : ev->error ? ew_error_code_name(ev->error->code)
				      : "error";

	(void)s;
	/* Retries are shown while planning too: a slow plan says why. */
	if (p->json)
		return;
	pthread_mutex_lock(&p->lock);
	fprintf(p->out, "  retrying %s:%s (%s, attempt %d/%d, waiting %.1fs)\n",
		ev->service, ev->operation, why, ev->attempt + 1,
		ev->max_attempts, (double)ev->delay_ms / 1000.0);
	fflush(p->out);
	pthread_mutex_unlock(&p->lock);
}

void ew_cli_observer(struct ew_engine_observer *o, struct ew_cli_printer *p)
{
	memset(o, 0, sizeof(*o));
	o->on_step = on_step;
	o->on_retry = on_retry;
	o->on_failure = NULL; /* scripts: a failure aborts */
	o->payload = p;
}

/* ------------------------------------------------------------- plan */

static const char *action_label(const struct ew_engine *e,
				const struct ew_step *s)
{
	if (s->state == EW_STATE_FAILED)
		return "failed";
	if (s->kind == EW_STEP_IDENTITY)
		return e->offline ? "offline" : "checked";
	return ew_step_action_name(s->action);
}

void ew_cli_print_plan(struct ew_cli_printer *p, const struct ew_engine *e,
		       bool teardown)
{
	FILE *out = p->out;

	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];
		const char *a = action_label(e, s);
		const char *col = "";

		if (p->color) {
			if (s->state == EW_STATE_FAILED)
				col = C_RED;
			else if (s->action == EW_ACTION_CREATE ||
				 s->action == EW_ACTION_UPDATE ||
				 s->action == EW_ACTION_DELETE)
				col = teardown ? C_RED : C_GREEN;
			else if (s->action == EW_ACTION_SKIP)
				col = C_YELLOW;
			else
				col = C_DIM;
		}
		fprintf(out, "  %s%-9s%s %s", col, a, p->color ? C_RESET : "",
			s->title);
		if (s->detail[0])
			fprintf(out, ": %s", s->detail);
		fputc('\n', out);
		if (s->state == EW_STATE_FAILED)
			ew_cli_print_failure(out, s, e->setup, &e->result);
	}
}

void ew_cli_print_diffs(struct ew_cli_printer *p, const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];

		if (!s->diff.len)
			continue;
		fprintf(p->out, "\n%s%s%s - %s:\n", p->color ? C_BOLD : "",
			s->title, p->color ? C_RESET : "",
			s->conflict == EW_CONFLICT_SHARED &&
				!s->conflict_resolved
			    ? "would change, DESTRUCTIVE: another repository "
			      "would lose access"
			: s->action == EW_ACTION_UPDATE
			    ? "will change"
			    : "differs (reported, not changed)");
		if (!p->color) {
			fputs(s->diff.ptr, p->out);
			continue;
		}
		for (const char *l = s->diff.ptr; *l;) {
			const char *nl = strchr(l, '\n');
			size_t len = nl ? (size_t)(nl - l) : strlen(l);
			const char *c = *l == '+'   ? C_GREEN
					: *l == '-' ? C_RED
					: *l == '@' ? C_DIM
						    : "";

			fprintf(p->out, "%s%.*s%s\n", c, (int)len, l,
				*c ? C_RESET : "");
			l += len + (nl ? 1 : 0);
		}
	}
}

void ew_cli_print_documents(struct ew_cli_printer *p, const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];

		if (!s->desired_doc || !s->doc_file[0])
			continue;
		fprintf(p->out, "\n%s%s%s (%s):\n%s", p->color ? C_BOLD : "",
			s->doc_file, p->color ? C_RESET : "", s->title,
			s->desired_doc);
	}
}

static bool changes(const struct ew_step *s, bool teardown)
{
	if (teardown)
		return s->action == EW_ACTION_DELETE;
	return s->action == EW_ACTION_CREATE || s->action == EW_ACTION_UPDATE ||
	       s->action == EW_ACTION_UNKNOWN;
}

/* The identity step as a guard: the script's ARNs name one account, so it
 * stops before any change when the credentials are for another. */
static void account_guard(struct ew_buf *out, const struct ew_step *s,
			  const char *account)
{
	ew_buf_printf(out, "account=$(%s)\nif [ \"$account\" != ", s->cli.ptr);
	ew_shell_quote(out, account);
	ew_buf_puts(out, " ]; then\n\techo \"these credentials are for "
			 "account $account, not ");
	ew_buf_puts(out, account);
	ew_buf_puts(out, ": use the profile of that account\" >&2\n"
			 "\texit 1\nfi\n");
}

int ew_cli_script(struct ew_buf *out, const struct ew_engine *e, bool teardown)
{
	const char *eof = "ECR_WIZARD_EOF";

	ew_buf_printf(out,
		      "#!/bin/sh\n"
		      "# %s for %s/%s in account %s, written by ecr-wizard.\n"
		      "# Run it in an empty directory; it writes the policy "
		      "documents it uses.\n"
		      "set -eu\n",
		      teardown ? "Teardown" : "Setup", e->setup->owner,
		      e->setup->repo,
		      e->setup->account ? e->setup->account : "?");
	if (!teardown)
		for (size_t i = 0; i < e->nsteps; i++) {
			const struct ew_step *s = &e->steps[i];

			if (!s->desired_doc || !s->doc_file[0] ||
			    !changes(s, false))
				continue;
			ew_buf_puts(out, "\ncat > ");
			ew_shell_quote(out, s->doc_file);
			ew_buf_printf(out, " <<'%s'\n%s%s\n", eof,
				      s->desired_doc, eof);
		}
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];

		if (!s->cli.len)
			continue;
		ew_buf_printf(out, "\n# %s: %s\n", s->title,
			      s->kind == EW_STEP_IDENTITY ||
				      s->kind == EW_STEP_OUTPUTS
				  ? "read"
				  : ew_step_action_name(s->action));
		/* The Plan tab renders the same way (plan_render.h); the
		 * identity step is the script's account guard. */
		if (s->kind == EW_STEP_IDENTITY && e->setup->account)
			account_guard(out, s, e->setup->account);
		else
			ew_plan_render_cli(out, s, teardown, "", "# ");
	}
	return ew_buf_puts(out, "");
}

void ew_cli_print_secrets(FILE *out, const struct ew_outputs *o,
			  const struct ew_setup *s)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_puts(&b, "\nGitHub secrets (repository Settings > Secrets and "
			"variables > Actions > New repository secret):\n\n");
	ew_outputs_table(&b, o);
	ew_buf_puts(&b, "\nOr with the GitHub CLI:\n");
	ew_outputs_gh_commands(&b, o, s, EW_GH_SECRET);
	ew_buf_puts(&b, "\nTo store them as variables instead (then use vars.X "
			"in the workflow):\n");
	ew_outputs_gh_commands(&b, o, s, EW_GH_VARIABLE);
	fputs(b.ptr, out);
	ew_buf_release(&b);
}

/* ------------------------------------------------------------- JSON */

static cJSON *str_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static const char *grant_name(enum ew_policy_grant g)
{
	switch (g) {
	case EW_GRANT_YES:
		return "allowed";
	case EW_GRANT_CONDITIONAL:
		return "allowed only under a condition";
	case EW_GRANT_DENIED:
		return "denied";
	case EW_GRANT_NO:
		break;
	}
	return "not allowed";
}

void ew_cli_print_pipeline(struct ew_cli_printer *p,
			   const struct ew_pipeline *pl, const char *file)
{
	bool with_job = ew_pipeline_names_jobs(pl);
	struct ew_buf line;

	ew_buf_init(&line);
	fprintf(p->out, "\n%sPipeline check%s (%s): ", p->color ? C_BOLD : "",
		p->color ? C_RESET : "", file);
	if (pl->nruns == 0)
		fputs("no run to decide\n", p->out);
	else if (ew_pipeline_ok(pl))
		fprintf(p->out, "every run can assume its role and push\n");
	else
		fprintf(p->out, "%zu of %zu runs refused%s\n", pl->nrefused,
			pl->nruns, pl->ndenied ? ", push actions missing" : "");
	for (size_t i = 0; i < pl->nruns; i++) {
		const struct ew_pipeline_run *r = &pl->runs[i];

		ew_buf_clear(&line);
		if (ew_pipeline_run_line(&line, r, with_job))
			break;
		fprintf(p->out, "  %s%s%s\n",
			p->color ? (r->admitted ? C_GREEN : C_RED) : "",
			line.ptr, p->color ? C_RESET : "");
		if (!r->admitted)
			fprintf(p->out,
				"      token sub %s, aud %s\n"
				"      fix: %s\n",
				r->subject, r->audience, r->fix);
	}
	for (size_t i = 0; i < pl->ngrants; i++) {
		const struct ew_pipeline_grant *g = &pl->grants[i];

		if (g->grant == EW_GRANT_YES)
			continue;
		fprintf(p->out, "  %s%s on %s%s%s: %s%s\n",
			p->color ? C_RED : "", g->action, g->resource,
			g->target ? " for " : "", g->target ? g->target : "",
			grant_name(g->grant), p->color ? C_RESET : "");
	}
	for (size_t i = 0; i < pl->nnotes; i++)
		fprintf(p->out, "  note: %s\n", pl->notes[i]);
	ew_buf_release(&line);
}

static void pipeline_json(cJSON *root, const struct ew_pipeline *pl)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "pipeline");

	for (size_t i = 0; pl && i < pl->nruns; i++) {
		const struct ew_pipeline_run *r = &pl->runs[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "job", r->job);
		cJSON_AddItemToObject(o, "environment", str_or_null(r->target));
		cJSON_AddStringToObject(o, "trigger", r->trigger);
		cJSON_AddStringToObject(o, "subject", r->subject);
		cJSON_AddItemToObject(o, "subject_immutable",
				      str_or_null(r->subject_id));
		cJSON_AddStringToObject(o, "audience", r->audience);
		cJSON_AddBoolToObject(o, "admitted", r->admitted);
		cJSON_AddStringToObject(o, "reason", r->reason);
		cJSON_AddItemToObject(o, "fix", str_or_null(r->fix));
		cJSON_AddItemToArray(arr, o);
	}
	arr = cJSON_AddArrayToObject(root, "pipeline_grants");
	for (size_t i = 0; pl && i < pl->ngrants; i++) {
		const struct ew_pipeline_grant *g = &pl->grants[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "environment", str_or_null(g->target));
		cJSON_AddStringToObject(o, "action", g->action);
		cJSON_AddStringToObject(o, "resource", g->resource);
		cJSON_AddBoolToObject(o, "granted", g->grant == EW_GRANT_YES);
		cJSON_AddItemToArray(arr, o);
	}
}

static cJSON *hint_json(const struct ew_step *s, const struct ew_setup *set,
			const struct ew_engine_result *res)
{
	struct ew_hint h;
	cJSON *o, *fix, *unknown;

	step_hint(&h, s, set, res);
	if (!h.entry) {
		ew_hint_release(&h);
		return cJSON_CreateNull();
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", h.entry->id);
	cJSON_AddStringToObject(o, "title", h.entry->title);
	cJSON_AddItemToObject(o, "cause", str_or_null(h.cause));
	fix = cJSON_AddArrayToObject(o, "fix");
	for (size_t i = 0; i < h.nfixes; i++)
		cJSON_AddItemToArray(fix, cJSON_CreateString(h.fixes[i]));
	cJSON_AddItemToObject(o, "check", str_or_null(h.check));
	/* As explain's JSON: each unknown value and how to find it. */
	unknown = h.nfind ? cJSON_AddObjectToObject(o, "unknown") : NULL;
	for (size_t i = 0; unknown && i < h.nfind; i++) {
		const char *colon = strstr(h.find[i], ": ");
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(colon - h.find[i]),
			 h.find[i]);
		cJSON_AddStringToObject(unknown, name, colon + 2);
	}
	ew_hint_release(&h);
	return o;
}

static cJSON *error_json(const struct ew_step *s, const struct ew_setup *set,
			 const struct ew_engine_result *res)
{
	cJSON *o;

	if (s->state != EW_STATE_FAILED)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", ew_error_code_name(s->error.code));
	cJSON_AddItemToObject(o, "aws_code", str_or_null(s->error.aws_code));
	cJSON_AddNumberToObject(o, "http_status", (double)s->error.http_status);
	cJSON_AddStringToObject(o, "message", s->error.message);
	cJSON_AddItemToObject(o, "operation", str_or_null(s->error.operation));
	cJSON_AddItemToObject(o, "request_id",
			      str_or_null(s->error.request_id));
	cJSON_AddItemToObject(o, "hint", hint_json(s, set, res));
	return o;
}

/* null, or what the step would take from someone else and whether the
 * user chose how (--share-role, --replace-lifecycle). */
static cJSON *conflict_json(const struct ew_step *s)
{
	cJSON *o, *arr;

	if (s->conflict == EW_CONFLICT_NONE)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind",
				s->conflict == EW_CONFLICT_SHARED ? "shared"
								  : "not-ours");
	arr = cJSON_AddArrayToObject(o, "others");
	for (const char *p = s->others; *p;) {
		size_t n = strcspn(p, ",");
		char one[384];

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		cJSON_AddItemToArray(arr, cJSON_CreateString(one));
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	cJSON_AddBoolToObject(o, "resolved", s->conflict_resolved);
	cJSON_AddBoolToObject(o, "destructive",
			      s->conflict == EW_CONFLICT_SHARED &&
				  !s->conflict_resolved &&
				  s->action == EW_ACTION_UPDATE);
	return o;
}

static double ms3(double s)
{
	return (double)(long long)(s * 1000.0 + 0.5) / 1000.0;
}

int ew_cli_json(struct ew_buf *out, const char *command,
		const struct ew_engine *e, const struct ew_outputs *secrets,
		const struct ew_cli_workflow *wf, const char *const *notes,
		size_t nnotes)
{
	cJSON *root = cJSON_CreateObject(), *steps, *arr;
	char id[320];
	int rc;

	if (!root)
		return EW_ENOMEM;
	cJSON_AddNumberToObject(root, "version", 1);
	cJSON_AddStringToObject(root, "command", command);
	cJSON_AddItemToObject(root, "account", str_or_null(e->setup->account));
	cJSON_AddStringToObject(root, "region", e->setup->region);
	snprintf(id, sizeof(id), "%s/%s", e->setup->owner, e->setup->repo);
	cJSON_AddStringToObject(root, "github", id);
	cJSON_AddBoolToObject(root, "offline", e->offline);
	cJSON_AddItemToObject(root, "caller_arn",
			      str_or_null(e->result.caller_arn));
	steps = cJSON_AddArrayToObject(root, "steps");
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];
		cJSON *o = cJSON_CreateObject();

		ew_cli_step_id(id, sizeof(id), e, s);
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "kind", kind_name(s->kind));
		cJSON_AddItemToObject(o, "environment",
				      str_or_null(env_name(e->setup, s)));
		cJSON_AddStringToObject(o, "title", s->title);
		cJSON_AddStringToObject(o, "action",
					ew_step_action_name(s->action));
		cJSON_AddStringToObject(o, "state",
					ew_cli_step_in_doubt(s)
					    ? "unknown"
					    : ew_step_state_name(s->state));
		cJSON_AddStringToObject(o, "detail",
					ew_cli_step_in_doubt(s)
					    ? ew_cli_step_in_doubt(s)
					    : s->detail);
		cJSON_AddItemToObject(o, "arn", str_or_null(s->arn));
		cJSON_AddNumberToObject(o, "elapsed", ms3(s->elapsed));
		cJSON_AddNumberToObject(o, "requests", s->requests);
		cJSON_AddNumberToObject(o, "mutations", s->mutations);
		cJSON_AddNumberToObject(o, "retries", s->retries);
		cJSON_AddBoolToObject(o, "managed", s->is_managed);
		cJSON_AddItemToObject(o, "current",
				      str_or_null(s->current_doc));
		cJSON_AddItemToObject(o, "desired",
				      str_or_null(s->desired_doc));
		cJSON_AddItemToObject(o, "diff", str_or_null(s->diff.ptr));
		cJSON_AddItemToObject(o, "cli", str_or_null(s->cli.ptr));
		cJSON_AddItemToObject(o, "conflict", conflict_json(s));
		cJSON_AddItemToObject(o, "error",
				      error_json(s, e->setup, &e->result));
		cJSON_AddItemToArray(steps, o);
	}
	arr = cJSON_AddArrayToObject(root, "secrets");
	for (size_t i = 0; secrets && i < secrets->nrows; i++) {
		const struct ew_output_row *r = &secrets->rows[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", r->name);
		cJSON_AddStringToObject(o, "value", r->value);
		cJSON_AddStringToObject(o, "description", r->description);
		cJSON_AddItemToObject(o, "environment", str_or_null(r->env));
		cJSON_AddItemToArray(arr, o);
	}
	if (wf && wf->path) {
		cJSON *o = cJSON_AddObjectToObject(root, "workflow");

		cJSON_AddStringToObject(o, "path", wf->path);
		cJSON_AddBoolToObject(o, "written", wf->written);
		cJSON_AddStringToObject(o, "status", wf->status);
		cJSON_AddItemToObject(o, "diff", str_or_null(wf->diff));
		if (wf->content)
			cJSON_AddStringToObject(o, "content", wf->content);
	} else {
		cJSON_AddNullToObject(root, "workflow");
	}
	pipeline_json(root, wf ? wf->pipeline : NULL);
	cJSON_AddNumberToObject(root, "requests", e->result.requests);
	cJSON_AddNumberToObject(root, "mutations", e->result.mutations);
	cJSON_AddNumberToObject(root, "sequential_depth",
				e->result.sequential_depth);
	cJSON_AddNumberToObject(root, "elapsed", ms3(e->result.elapsed));
	arr = cJSON_AddArrayToObject(root, "notes");
	for (size_t i = 0; i < nnotes; i++)
		if (notes[i] && notes[i][0])
			cJSON_AddItemToArray(arr, cJSON_CreateString(notes[i]));
	rc = ew_json_doc_print(out, root) ? EW_ENOMEM : 0;
	cJSON_Delete(root);
	return rc;
}
