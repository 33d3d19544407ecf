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

/* The options that are not part of the setup; the setup's own flags are
 * the rows of the field table (fields.h). */
enum opt_id {
	O_PROFILE,
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
	O_SET_SECRETS,
	O_DELETE_SECRETS,
	O_HELP,
	O_VERSION,
};

struct opt {
	const char *name; /* without the leading "--" */
	enum ew_field_arg arg;
	enum opt_id id;
	const char *metavar; /* shown in the usage */
	const char *help;
};

/* Order is the order of the usage text, after the setup options. */
static const struct opt opts[] = {
    {"profile", EW_ARG_REQUIRED, O_PROFILE, "NAME", "AWS profile"},
    {"output", EW_ARG_REQUIRED, O_OUTPUT, "FORMAT", "text or json"},
    {"no-color", EW_ARG_NONE, O_NO_COLOR, NULL,
     "no colours (also when NO_COLOR is set)"},
    {"theme", EW_ARG_REQUIRED, O_THEME, "NAME",
     "wizard colours: default or high-contrast (also EW_THEME)"},
    {"yes", EW_ARG_NONE, O_YES, NULL, "do not ask for confirmation"},
    {"force", EW_ARG_NONE, O_FORCE, NULL,
     "overwrite a different workflow; teardown: delete images too"},
    {"allow-refused-triggers", EW_ARG_NONE, O_ALLOW_REFUSED, NULL,
     "apply even when a workflow trigger could never assume its role"},
    {"trace", EW_ARG_OPTIONAL, O_TRACE, "FILE",
     "log every HTTP exchange, credentials redacted (default stderr)"},
    {"no-github-api", EW_ARG_NONE, O_NO_GITHUB_API, NULL,
     "do not ask the GitHub API for the repository IDs"},
    {"set-secrets", EW_ARG_NONE, O_SET_SECRETS, NULL,
     "apply: store the secrets in GitHub (token: GH_TOKEN, GITHUB_TOKEN "
     "or gh auth token)"},
    {"delete-secrets", EW_ARG_NONE, O_DELETE_SECRETS, NULL,
     "teardown: delete the secrets apply --set-secrets stored"},
    {"demo", EW_ARG_NONE, O_DEMO, NULL,
     "use the built-in simulated account (no credentials, no network)"},
    {"demo-scenario", EW_ARG_REQUIRED, O_DEMO_SCENARIO, "NAME",
     "a staged failure for --demo (implies --demo)"},
    {"help", EW_ARG_NONE, O_HELP, NULL, "show this help"},
    {"version", EW_ARG_NONE, O_VERSION, NULL, "show the version"},
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

/* A flag of either table: a setup field's or another option's. */
struct flag {
	const char *name;
	enum ew_field_arg arg;
	const char *metavar;
	const struct ew_field *field; /* or NULL */
	const struct opt *opt;	      /* or NULL */
};

static bool find_flag(const char *name, size_t len, struct flag *out)
{
	const struct ew_field *f = ew_field_by_flag(name, len);

	memset(out, 0, sizeof(*out));
	if (f) {
		out->name = f->flag;
		out->arg = f->arg;
		out->metavar = f->metavar;
		out->field = f;
		return true;
	}
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len &&
		    memcmp(opts[i].name, name, len) == 0) {
			out->name = opts[i].name;
			out->arg = opts[i].arg;
			out->metavar = opts[i].metavar;
			out->opt = &opts[i];
			return true;
		}
	return false;
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
	return 0;
}

/* A setup field's flag: its setter (a flag without a value gives the
 * row's implied one), then what the callers learn from the flag. */
static int apply_field(struct ew_options *o, const struct ew_field *f,
		       const char *v, struct ew_error *err)
{
	const struct ew_field *other =
	    f->excludes ? ew_field_by_flag(f->excludes, strlen(f->excludes))
			: NULL;
	int rc;

	if (other && o->given[other->id])
		return ew_error_set(err, EW_EINVAL,
				    "cannot be combined with --%s",
				    other->flag);
	rc = f->set(&o->setup, v ? v : f->implied, err);
	if (rc)
		return rc;
	o->given[f->id] = true;
	switch (f->id) {
	case EW_FIELD_REGION:
		o->has_region = true;
		return set_str(&o->region, o->setup.region, err);
	case EW_FIELD_ACCOUNT:
		o->has_account = true;
		break;
	case EW_FIELD_GITHUB:
		o->has_github = true;
		break;
	case EW_FIELD_BRANCH:
		o->has_branch = true;
		break;
	case EW_FIELD_TRUST:
		o->has_trust = true;
		break;
	case EW_FIELD_ENVS:
		o->has_env = true;
		break;
	case EW_FIELD_WORKFLOW:
		o->has_workflow = true;
		break;
	case EW_FIELD_NO_WORKFLOW:
		o->no_workflow = true;
		break;
	case EW_FIELD_GITHUB_IDS:
		o->has_github_ids = true;
		break;
	default:
		break;
	}
	return 0;
}

int ew_options_parse(struct ew_options *o, int argc, char **argv,
		     size_t max_args, struct ew_error *err)
{
	bool only_args = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *name, *eq, *value = NULL;
		struct flag fl, next;
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
		if (!find_flag(name, eq ? (size_t)(eq - name) : strlen(name),
			       &fl))
			return ew_error_set(
			    err, EW_EINVAL, "unknown option '--%.*s'",
			    (int)(eq ? eq - name : (long)strlen(name)), name);
		if (eq) {
			if (fl.arg == EW_ARG_NONE)
				return ew_error_set(err, EW_EINVAL,
						    "option '--%s' takes no "
						    "value",
						    fl.name);
			value = eq + 1;
		} else if (fl.arg == EW_ARG_REQUIRED) {
			if (i + 1 >= argc)
				return ew_error_set(err, EW_EINVAL,
						    "option '--%s' needs a "
						    "value (%s)",
						    fl.name, fl.metavar);
			value = argv[++i];
			/* "--repo --trace=x": the value was forgotten and
			 * the next flag would be taken for it */
			if (value[0] == '-' && value[1] == '-' &&
			    find_flag(value + 2, strcspn(value + 2, "="),
				      &next))
				return ew_error_set(
				    err, EW_EINVAL,
				    "option '--%s' needs a value (%s) before "
				    "'%s'; to give a value that starts with "
				    "'--', write --%s=VALUE",
				    fl.name, fl.metavar, value, fl.name);
		}
		rc = fl.field ? apply_field(o, fl.field, value, err)
			      : apply_opt(o, fl.opt, value, err);
		if (rc) {
			if (rc == EW_EINVAL)
				ew_error_prefix(err, "--%s", fl.name);
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

static void usage_line(FILE *out, const char *name, enum ew_field_arg arg,
		       const char *metavar, const char *help)
{
	struct ew_buf left;

	ew_buf_init(&left);
	if (arg == EW_ARG_REQUIRED)
		ew_buf_printf(&left, "--%s %s", name, metavar);
	else if (arg == EW_ARG_OPTIONAL)
		ew_buf_printf(&left, "--%s[=%s]", name, metavar);
	else
		ew_buf_printf(&left, "--%s", name);
	if (left.len > 26)
		fprintf(out, "  %s\n  %-26s  %s\n", left.ptr, "", help);
	else
		fprintf(out, "  %-26s  %s\n", left.ptr, help);
	ew_buf_release(&left);
}

void ew_options_usage(FILE *out, const char *command)
{
	size_t nfields;
	const struct ew_field *fields = ew_fields(&nfields);

	fprintf(out, "usage: ecr-wizard%s%s [options]%s\n", command ? " " : "",
		command ? command : "",
		command && strcmp(command, "explain") == 0 ? " [FILE|-]" : "");
	fprintf(out, "       %s\n\n", command_synopsis(command));
	if (!command)
		fputs("commands: plan, apply, doctor, explain, teardown "
		      "('ecr-wizard COMMAND --help')\n\n",
		      out);
	fputs("setup options:\n", out);
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].flag)
			usage_line(out, fields[i].flag, fields[i].arg,
				   fields[i].metavar, fields[i].help);
	fputs("\nother options:\n", out);
	for (size_t i = 0; i < NOPTS; i++)
		usage_line(out, opts[i].name, opts[i].arg, opts[i].metavar,
			   opts[i].help);
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
