/* options.c - the shared flag table, its parser and its usage text. */
#include "options.h"

#include "buf.h"
#include "demo_account.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EW_VERSION
#define EW_VERSION "0.0.0"
#endif

enum opt_arg {
	ARG_NONE,
	ARG_REQUIRED,
	ARG_OPTIONAL, /* only as --opt=value */
};

enum opt_id {
	O_PROFILE,
	O_REGION,
	O_ACCOUNT,
	O_GITHUB,
	O_GITHUB_HOST,
	O_BRANCH,
	O_REPO,
	O_ROLE_NAME,
	O_POLICY_NAME,
	O_TRUST,
	O_KEEP_IMAGES,
	O_TAG_MUTABILITY,
	O_TAG_EXCLUSION,
	O_SCAN_ON_PUSH,
	O_NO_SCAN_ON_PUSH,
	O_ENV,
	O_PLATFORMS,
	O_WORKFLOW,
	O_NO_WORKFLOW,
	O_OUTPUT,
	O_NO_COLOR,
	O_THEME,
	O_YES,
	O_FORCE,
	O_ALLOW_REFUSED,
	O_TRACE,
	O_DEMO,
	O_DEMO_SCENARIO,
	O_NO_GITHUB_API,
	O_GITHUB_IDS,
	O_SHARE_ROLE,
	O_REPLACE_LIFECYCLE,
	O_SET_SECRETS,
	O_DELETE_SECRETS,
	O_HELP,
	O_VERSION,
};

struct opt {
	const char *name; /* without the leading "--" */
	enum opt_arg arg;
	enum opt_id id;
	const char *metavar; /* shown in the usage */
	const char *help;
};

/* Order is the order of the usage text. */
static const struct opt opts[] = {
    {"github", ARG_REQUIRED, O_GITHUB, "OWNER/REPO",
     "GitHub repository (default: detected from the git remote)"},
    {"github-host", ARG_REQUIRED, O_GITHUB_HOST, "HOST",
     "GitHub Enterprise host (default github.com)"},
    {"branch", ARG_REQUIRED, O_BRANCH, "NAME",
     "branch the workflow pushes from (default main)"},
    {"profile", ARG_REQUIRED, O_PROFILE, "NAME", "AWS profile"},
    {"region", ARG_REQUIRED, O_REGION, "REGION",
     "AWS region (default: AWS_REGION, profile, us-east-1)"},
    {"account", ARG_REQUIRED, O_ACCOUNT, "ID",
     "12-digit AWS account (checked, or used for an offline plan)"},
    {"repo", ARG_REQUIRED, O_REPO, "NAME",
     "ECR repository (default: the GitHub repository, lower case)"},
    {"role-name", ARG_REQUIRED, O_ROLE_NAME, "NAME",
     "IAM role (default " EW_DEFAULT_ROLE_NAME ")"},
    {"policy-name", ARG_REQUIRED, O_POLICY_NAME, "NAME",
     "IAM policy (default " EW_DEFAULT_POLICY_NAME ")"},
    {"trust", ARG_REQUIRED, O_TRUST, "SCOPE",
     "who may assume the role, repeatable: any, branch:NAME, "
     "tag:PATTERN, env:NAME, pull_request (default any)"},
    {"keep-images", ARG_REQUIRED, O_KEEP_IMAGES, "N",
     "lifecycle policy keeps the last N images, 1-1000 (default 10)"},
    {"tag-mutability", ARG_REQUIRED, O_TAG_MUTABILITY, "MODE",
     "MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or "
     "MUTABLE_WITH_EXCLUSION"},
    {"tag-exclusion", ARG_REQUIRED, O_TAG_EXCLUSION, "FILTER",
     "tag filter for the *_WITH_EXCLUSION modes, repeatable"},
    {"scan-on-push", ARG_OPTIONAL, O_SCAN_ON_PUSH, "BOOL",
     "scan images on push (default true)"},
    {"no-scan-on-push", ARG_NONE, O_NO_SCAN_ON_PUSH, NULL,
     "same as --scan-on-push=false"},
    {"env", ARG_REQUIRED, O_ENV, "NAME:REGION:REPO",
     "one role and repository per GitHub environment, repeatable"},
    {"platforms", ARG_REQUIRED, O_PLATFORMS, "LIST",
     "workflow build platforms (default " EW_DEFAULT_PLATFORMS ")"},
    {"workflow", ARG_REQUIRED, O_WORKFLOW, "PATH",
     "workflow file (default " EW_DEFAULT_WORKFLOW ")"},
    {"no-workflow", ARG_NONE, O_NO_WORKFLOW, NULL,
     "do not write the workflow file"},
    {"share-role", ARG_NONE, O_SHARE_ROLE, NULL,
     "a role or policy that serves another repository: keep its access "
     "and add this repository's (default: refuse)"},
    {"replace-lifecycle", ARG_NONE, O_REPLACE_LIFECYCLE, NULL,
     "replace the lifecycle policy of a repository ecr-wizard did not "
     "create (default: keep it)"},
    {"output", ARG_REQUIRED, O_OUTPUT, "FORMAT", "text or json"},
    {"no-color", ARG_NONE, O_NO_COLOR, NULL,
     "no colours (also when NO_COLOR is set)"},
    {"theme", ARG_REQUIRED, O_THEME, "NAME",
     "wizard colours: default or high-contrast (also EW_THEME)"},
    {"yes", ARG_NONE, O_YES, NULL, "do not ask for confirmation"},
    {"force", ARG_NONE, O_FORCE, NULL,
     "overwrite a different workflow; teardown: delete images too"},
    {"allow-refused-triggers", ARG_NONE, O_ALLOW_REFUSED, NULL,
     "apply even when a workflow trigger could never assume its role"},
    {"trace", ARG_OPTIONAL, O_TRACE, "FILE",
     "log every HTTP exchange, credentials redacted (default stderr)"},
    {"no-github-api", ARG_NONE, O_NO_GITHUB_API, NULL,
     "do not ask the GitHub API for the repository IDs"},
    {"github-ids", ARG_REQUIRED, O_GITHUB_IDS, "OWNER_ID/REPO_ID",
     "the numeric GitHub IDs, for the immutable sub form when the "
     "GitHub API cannot be asked"},
    {"set-secrets", ARG_NONE, O_SET_SECRETS, NULL,
     "apply: store the secrets in GitHub (token: GH_TOKEN, GITHUB_TOKEN "
     "or gh auth token)"},
    {"delete-secrets", ARG_NONE, O_DELETE_SECRETS, NULL,
     "teardown: delete the secrets apply --set-secrets stored"},
    {"demo", ARG_NONE, O_DEMO, NULL,
     "use the built-in simulated account (no credentials, no network)"},
    {"demo-scenario", ARG_REQUIRED, O_DEMO_SCENARIO, "NAME",
     "a staged failure for --demo (implies --demo)"},
    {"help", ARG_NONE, O_HELP, NULL, "show this help"},
    {"version", ARG_NONE, O_VERSION, NULL, "show the version"},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

int ew_options_init(struct ew_options *o)
{
	memset(o, 0, sizeof(*o));
	o->output = EW_OUTPUT_TEXT;
	return ew_setup_init(&o->setup);
}

void ew_options_release(struct ew_options *o)
{
	ew_setup_release(&o->setup);
	free(o->profile);
	free(o->region);
	free(o->trace_file);
	free(o->demo_scenario);
	for (size_t i = 0; i < o->nargs; i++)
		free(o->args[i]);
	free(o->args);
	memset(o, 0, sizeof(*o));
}

static const struct opt *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len &&
		    memcmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

/* Replace *slot with a copy of value. */
static int set_str(char **slot, const char *value, struct ew_error *err)
{
	char *copy = ew_strdup(value);

	if (!copy)
		return ew_error_oom(err);
	free(*slot);
	*slot = copy;
	return 0;
}

static int add_arg(struct ew_options *o, const char *value,
		   struct ew_error *err)
{
	char **grown = realloc(o->args, (o->nargs + 1) * sizeof(*grown));

	if (!grown)
		return ew_error_oom(err);
	o->args = grown;
	o->args[o->nargs] = ew_strdup(value);
	if (!o->args[o->nargs])
		return ew_error_oom(err);
	o->nargs++;
	return 0;
}

static int apply_opt(struct ew_options *o, const struct opt *op, const char *v,
		     struct ew_error *err)
{
	struct ew_setup *s = &o->setup;
	int rc = 0;

	switch (op->id) {
	case O_PROFILE:
		/* The profile's existence is the session's to check; here
		 * only the common text rules. */
		if (!v[0] || strlen(v) > 128 || strpbrk(v, " \t\r\n[]"))
			return ew_error_set(
			    err, EW_EINVAL,
			    "profile name '%s' is not valid: use 1-128 "
			    "characters without spaces or brackets",
			    v);
		return set_str(&o->profile, v, err);
	case O_REGION:
		rc = ew_setup_set_region(s, v, err);
		if (rc == 0) {
			o->has_region = true;
			rc = set_str(&o->region, s->region, err);
		}
		break;
	case O_ACCOUNT:
		rc = ew_setup_set_account(s, v, err);
		o->has_account = rc == 0;
		break;
	case O_GITHUB:
		rc = ew_setup_set_github(s, v, err);
		o->has_github = o->has_github || rc == 0;
		break;
	case O_GITHUB_HOST:
		rc = ew_setup_set_github_host(s, v, err);
		break;
	case O_BRANCH:
		rc = ew_setup_set_default_branch(s, v, err);
		o->has_branch = o->has_branch || rc == 0;
		break;
	case O_REPO:
		rc = ew_setup_set_repo_name(s, v, err);
		break;
	case O_ROLE_NAME:
		rc = ew_setup_set_role_name(s, v, err);
		break;
	case O_POLICY_NAME:
		rc = ew_setup_set_policy_name(s, v, err);
		break;
	case O_TRUST:
		rc = ew_setup_add_scope(s, v, err);
		o->has_trust = true;
		break;
	case O_KEEP_IMAGES:
		rc = ew_setup_set_keep_images(s, v, err);
		break;
	case O_TAG_MUTABILITY:
		rc = ew_setup_set_tag_mutability(s, v, err);
		break;
	case O_TAG_EXCLUSION:
		rc = ew_setup_add_tag_exclusion(s, v, err);
		break;
	case O_SCAN_ON_PUSH:
		rc = ew_setup_set_scan_on_push(s, v ? v : "true", err);
		break;
	case O_NO_SCAN_ON_PUSH:
		rc = ew_setup_set_scan_on_push(s, "false", err);
		break;
	case O_ENV:
		rc = ew_setup_add_env(s, v, err);
		o->has_env = true;
		break;
	case O_PLATFORMS:
		rc = ew_setup_set_platforms(s, v, err);
		break;
	case O_WORKFLOW:
		if (o->no_workflow)
			return ew_error_set(err, EW_EINVAL,
					    "cannot be combined with "
					    "--no-workflow");
		rc = ew_setup_set_workflow_path(s, v, err);
		if (rc == 0) {
			ew_setup_set_write_workflow(s, true);
			o->has_workflow = true;
		}
		break;
	case O_NO_WORKFLOW:
		if (o->has_workflow)
			return ew_error_set(
			    err, EW_EINVAL,
			    "cannot be combined with --workflow");
		ew_setup_set_write_workflow(s, false);
		o->no_workflow = true;
		break;
	case O_OUTPUT:
		if (strcmp(v, "text") == 0)
			o->output = EW_OUTPUT_TEXT;
		else if (strcmp(v, "json") == 0)
			o->output = EW_OUTPUT_JSON;
		else
			return ew_error_set(err, EW_EINVAL,
					    "output format '%s' is not valid: "
					    "use text or json",
					    v);
		break;
	case O_NO_COLOR:
		o->no_color = true;
		break;
	case O_THEME:
		if (strcmp(v, "high-contrast") == 0)
			o->high_contrast = true;
		else if (strcmp(v, "default") == 0)
			o->high_contrast = false;
		else
			return ew_error_set(err, EW_EINVAL,
					    "theme '%s' is not known: use "
					    "default or high-contrast",
					    v);
		o->has_theme = true;
		break;
	case O_YES:
		o->yes = true;
		break;
	case O_FORCE:
		o->force = true;
		break;
	case O_ALLOW_REFUSED:
		o->allow_refused = true;
		break;
	case O_TRACE:
		o->trace = true;
		if (v) {
			if (!v[0])
				return ew_error_set(err, EW_EINVAL,
						    "option '--trace=' needs "
						    "a file name");
			return set_str(&o->trace_file, v, err);
		}
		break;
	case O_DEMO:
		o->demo = true;
		break;
	case O_DEMO_SCENARIO:
		if (!ew_demo_scenario_find(v)) {
			struct ew_buf names;
			size_t n = 0;
			const struct ew_demo_scenario *sc =
			    ew_demo_scenarios(&n);

			ew_buf_init(&names);
			for (size_t i = 0; i < n; i++)
				ew_buf_printf(&names, "%s%s", i ? ", " : "",
					      sc[i].name);
			ew_error_set(err, EW_EINVAL,
				     "unknown demo scenario '%s': one of %s", v,
				     names.ptr);
			ew_buf_release(&names);
			return EW_EINVAL;
		}
		o->demo = true;
		return set_str(&o->demo_scenario, v, err);
	case O_NO_GITHUB_API:
		o->no_github_api = true;
		break;
	case O_GITHUB_IDS:
		rc = ew_setup_set_github_ids(s, v, err);
		o->has_github_ids = o->has_github_ids || rc == 0;
		break;
	case O_SHARE_ROLE:
		s->share_role = true;
		break;
	case O_REPLACE_LIFECYCLE:
		s->replace_lifecycle = true;
		break;
	case O_SET_SECRETS:
		o->set_secrets = true;
		break;
	case O_DELETE_SECRETS:
		o->delete_secrets = true;
		break;
	case O_HELP:
		o->help = true;
		break;
	case O_VERSION:
		o->version = true;
		break;
	}
	return rc;
}

int ew_options_parse(struct ew_options *o, int argc, char **argv,
		     size_t max_args, struct ew_error *err)
{
	bool only_args = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *name, *eq, *value = NULL;
		const struct opt *op;
		int rc;

		if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->nargs >= max_args)
				return ew_error_set(err, EW_EINVAL,
						    "unexpected argument '%s'",
						    a);
			rc = add_arg(o, a, err);
			if (rc)
				return rc;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (strcmp(a, "-h") == 0) {
			o->help = true;
			continue;
		}
		if (a[1] != '-')
			return ew_error_set(err, EW_EINVAL,
					    "unknown option '%s'", a);
		name = a + 2;
		eq = strchr(name, '=');
		op = find_opt(name, eq ? (size_t)(eq - name) : strlen(name));
		if (!op)
			return ew_error_set(
			    err, EW_EINVAL, "unknown option '--%.*s'",
			    (int)(eq ? eq - name : (long)strlen(name)), name);
		if (eq) {
			if (op->arg == ARG_NONE)
				return ew_error_set(err, EW_EINVAL,
						    "option '--%s' takes no "
						    "value",
						    op->name);
			value = eq + 1;
		} else if (op->arg == ARG_REQUIRED) {
			if (i + 1 >= argc)
				return ew_error_set(err, EW_EINVAL,
						    "option '--%s' needs a "
						    "value (%s)",
						    op->name, op->metavar);
			value = argv[++i];
			/* "--repo --trace=x": the value was forgotten and
			 * the next flag would be taken for it */
			if (value[0] == '-' && value[1] == '-' &&
			    find_opt(value + 2, strcspn(value + 2, "=")))
				return ew_error_set(
				    err, EW_EINVAL,
				    "option '--%s' needs a value (%s) before "
				    "'%s'; to give a value that starts with "
				    "'--', write --%s=VALUE",
				    op->name, op->metavar, value, op->name);
		}
		rc = apply_opt(o, op, value, err);
		if (rc) {
			if (rc == EW_EINVAL)
				ew_error_prefix(err, "--%s", op->name);
			return rc;
		}
	}
	if (o->has_trust && o->has_env)
		return ew_error_set(err, EW_EINVAL,
				    "--trust cannot be combined with --env: "
				    "each environment's role trusts only the "
				    "jobs of its GitHub environment");
	if (o->has_env && (o->setup.repo_name_explicit || o->has_region))
		return ew_error_set(err, EW_EINVAL,
				    "%s cannot be combined with --env: each "
				    "--env NAME:REGION:REPO gives its own "
				    "region and repository",
				    o->setup.repo_name_explicit ? "--repo"
								: "--region");
	if (o->demo && o->profile)
		return ew_error_set(err, EW_EINVAL,
				    "--profile cannot be combined with --demo: "
				    "the demo uses a simulated account, no "
				    "credentials");
	return 0;
}

bool ew_options_use_color(const struct ew_options *o, const char *no_color,
			  FILE *stream)
{
	if (o->no_color || (no_color && no_color[0]))
		return false;
	return stream && isatty(fileno(stream));
}

static const char *command_synopsis(const char *command)
{
	if (!command)
		return "the interactive wizard";
	if (strcmp(command, "plan") == 0)
		return "show what apply would do, the documents and the aws "
		       "CLI commands; changes nothing";
	if (strcmp(command, "apply") == 0)
		return "set up the repository without the wizard (asks on a "
		       "terminal; --yes for scripts)";
	if (strcmp(command, "teardown") == 0)
		return "remove what the setup created (only resources tagged "
		       "managed-by=ecr-wizard)";
	if (strcmp(command, "doctor") == 0)
		return "audit an existing setup and the local workflow";
	if (strcmp(command, "explain") == 0)
		return "match a pasted error message or log to its cause and "
		       "fix";
	return "";
}

void ew_options_usage(FILE *out, const char *command)
{
	fprintf(out, "usage: ecr-wizard%s%s [options]%s\n", command ? " " : "",
		command ? command : "",
		command && strcmp(command, "explain") == 0 ? " [FILE|-]" : "");
	fprintf(out, "       %s\n\n", command_synopsis(command));
	if (!command)
		fputs("commands: plan, apply, doctor, explain, teardown "
		      "('ecr-wizard COMMAND --help')\n\n",
		      out);
	fputs("options:\n", out);
	for (size_t i = 0; i < NOPTS; i++) {
		struct ew_buf left;

		ew_buf_init(&left);
		if (opts[i].arg == ARG_REQUIRED)
			ew_buf_printf(&left, "--%s %s", opts[i].name,
				      opts[i].metavar);
		else if (opts[i].arg == ARG_OPTIONAL)
			ew_buf_printf(&left, "--%s[=%s]", opts[i].name,
				      opts[i].metavar);
		else
			ew_buf_printf(&left, "--%s", opts[i].name);
		if (left.len > 26)
			fprintf(out, "  %s\n  %-26s  %s\n", left.ptr, "",
				opts[i].help);
		else
			fprintf(out, "  %-26s  %s\n", left.ptr, opts[i].help);
		ew_buf_release(&left);
	}
	if (command && strcmp(command, "doctor") == 0)
		fputs("\n--output json prints one document (version 1; fields "
		      "are only ever added):\n"
		      "  {\"version\", \"command\": \"doctor\", \"ok\", "
		      "\"github\", \"account\", \"region\",\n"
		      "   \"caller_arn\", \"summary\": {\"pass\", \"warn\", "
		      "\"fail\", \"skip\"},\n"
		      "   \"checks\": [{\"id\", \"target\", \"status\": "
		      "pass|warn|fail|skip, \"title\",\n"
		      "               \"detail\", \"fix\", \"knowledge\", "
		      "\"check\"}],\n"
		      "   \"workflow\": {\"files\", \"secrets\", "
		      "\"variables\", \"jobs\": [{\"file\", \"job\",\n"
		      "               \"caller\", \"subjects\"}]} | null, "
		      "\"notes\": [...]}\n",
		      out);
	fputs("\nexit status: 0 done, 1 a step failed, 2 bad usage or input, "
	      "3 no usable\ncredentials, 130 interrupted.  See "
	      "ecr-wizard(1).\n",
	      out);
}

void ew_options_print_version(FILE *out)
{
	fprintf(out, "ecr-wizard %s\n", EW_VERSION);
}
