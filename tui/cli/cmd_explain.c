/*
 * cmd_explain.c - `ecr-wizard explain [FILE|-]`: match a pasted error or a
 * whole GitHub Actions log to the troubleshooting knowledge and print the
 * cause, the fix and the command that checks it.
 *
 * All the knowledge and the log reading live in core (explain.h,
 * knowledge.h); this file only parses options, streams the input in and
 * prints.  `--output json` prints this stable shape:
 *
 *   {"matches": [{"id": "...", "title": "...", "line": 12,
 *                 "text": "the cleaned line that matched",
 *                 "detail": "the role trusts ... but this job ran as ..."
 *                           (present only when known),
 *                 "cause": "...", "fix": ["step", ...], "check": "..."}],
 *    "values": {"account": "...", "region": "...", ...  (only those seen),
 *               "sub_inferred": true|false}}
 *
 *                 "unknown": {"<PRINCIPAL_ARN>": "how to find it"}
 *                           (present only when a value was unknown),
 *
 * Input: a FILE, '-' or nothing for standard input, or the message itself
 * (`explain "Error: ..."`): arguments are taken as text when there are
 * several, or the one given is not an existing file and has a blank in it.
 * Interactive input ends at the first Ctrl-D.  Values the log lacks come
 * from the flags, then from the git remote of the current directory (the
 * GitHub repository); a placeholder left unknown is listed under the
 * answer with the command that finds its value.
 *
 * Exit status: 0 something matched, 1 nothing matched, 2 bad usage or an
 * unreadable file.
 */
#include "commands.h"
#include "explain.h"
#include "git_detect.h"
#include "hint.h"

#include "json_doc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Matched lines can be 8 KiB; the terminal view shows this much. */
#define SHOW_TEXT 400

static const char usage[] =
    "usage: ecr-wizard explain [options] [FILE|-|TEXT...]\n"
    "\n"
    "Match a pasted error message or a whole GitHub Actions log to its\n"
    "cause, fix and check command.  Reads FILE, or standard input when\n"
    "FILE is '-' or missing (end the paste with one Ctrl-D), or takes the\n"
    "message itself: ecr-wizard explain \"Error: ...\".  Paste the full\n"
    "log of the failing step for the best diagnosis: values in it (role\n"
    "ARN, account, region, repository, the job's OIDC subject) are used\n"
    "in the fix; the flags below and the git remote fill the rest.\n"
    "\n"
    "options:\n"
    "  --output text|json   output format (json: {\"matches\":[{\"id\",\n"
    "                       \"title\",\"line\",\"text\",\"detail\",\"cause\",\n"
    "                       \"fix\":[...],\"check\"}],\"values\":{...}})\n"
    "  --no-color           no bold titles (also when NO_COLOR is set)\n"
    "  --region R, --account ID, --github OWNER/REPO, --role-name NAME,\n"
    "  --repo NAME, --policy-name NAME\n"
    "                       values to use where the log shows none\n"
    "  --help               this text\n"
    "\n"
    "exit status: 0 a known problem was found, 1 none was, 2 bad usage\n";

struct opts {
	const char *file;
	char **args; /* the positional arguments (argv's) */
	int nargs;
	char *text; /* the arguments joined, when they are the message */
	bool json;
	bool color;
	struct ew_knowledge_values defaults;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ecr-wizard explain: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nsee 'ecr-wizard explain --help'\n", stderr);
	return EXIT_USAGE;
}

/* --name VALUE or --name=VALUE; *i advances past what was used. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool has_blank(const char *s)
{
	return strpbrk(s, " \t\n") != NULL;
}

/*
 * One argument that names a file (or '-') is the input file; otherwise the
 * arguments are the message itself.  A single word that is not a file
 * stays a file name, so a typo in a path still says "cannot read".
 */
static int pick_input(struct opts *o)
{
	struct stat st;
	size_t len = 0;

	if (o->nargs == 0)
		return 0;
	if (o->nargs == 1 &&
	    (strcmp(o->args[0], "-") == 0 || stat(o->args[0], &st) == 0 ||
	     !has_blank(o->args[0]))) {
		o->file = o->args[0];
		return 0;
	}
	for (int i = 0; i < o->nargs; i++)
		len += strlen(o->args[i]) + 1;
	o->text = malloc(len + 1);
	if (!o->text) {
		fputs("ecr-wizard explain: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	o->text[0] = '\0';
	len = 0;
	for (int i = 0; i < o->nargs; i++) {
		size_t n = strlen(o->args[i]);
		if (i)
			o->text[len++] = ' ';
		memcpy(o->text + len, o->args[i], n + 1);
		len += n;
	}
	return 0;
}

static int parse(struct opts *o, int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
	} value_opts[] = {
	    {"--region", offsetof(struct ew_knowledge_values, region)},
	    {"--account", offsetof(struct ew_knowledge_values, account)},
	    {"--github", offsetof(struct ew_knowledge_values, github_repo)},
	    {"--role-name", offsetof(struct ew_knowledge_values, role)},
	    {"--repo", offsetof(struct ew_knowledge_values, repo)},
	    {"--policy-name", offsetof(struct ew_knowledge_values, policy)},
	};
	const char *no_color = getenv("NO_COLOR");

	memset(o, 0, sizeof(*o));
	o->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool done = false;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--no-color") == 0) {
			o->color = false;
			continue;
		}
		if (strncmp(a, "--output", 8) == 0 &&
		    (a[8] == '\0' || a[8] == '=')) {
			if (!(v = opt_value(argc, argv, &i, "--output")))
				return usage_error("'%s' needs a value", a);
			if (strcmp(v, "json") == 0)
				o->json = true;
			else if (strcmp(v, "text") != 0)
				return usage_error(
				    "'--output %s': use text or json", v);
			continue;
		}
		for (size_t k = 0; k < sizeof(value_opts) / sizeof(*value_opts);
		     k++) {
			size_t n = strlen(value_opts[k].name);
			if (strncmp(a, value_opts[k].name, n) != 0 ||
			    (a[n] != '\0' && a[n] != '='))
				continue;
			if (!(v = opt_value(argc, argv, &i,
					    value_opts[k].name)) ||
			    !*v)
				return usage_error("'%s' needs a value", a);
			*(const char **)((char *)&o->defaults +
					 value_opts[k].off) = v;
			done = true;
			break;
		}
		if (done)
			continue;
		if (a[0] == '-' && a[1] != '\0')
			return usage_error("unknown option '%s'", a);
		if (!o->args)
			o->args = argv + i;
		/* positional arguments may sit between options: keep them
		 * together at o->args */
		o->args[o->nargs++] = argv[i];
	}
	return pick_input(o);
}

static int read_input(struct ew_explain *ex, const char *file,
		      struct ew_error *err)
{
	static char chunk[1 << 16];
	FILE *f = stdin;
	const char *name = file && strcmp(file, "-") != 0 ? file : NULL;
	size_t n;
	int rc = 0;

	if (name && !(f = fopen(name, "rb")))
		return ew_error_set(
		    err, EW_EIO, "cannot read '%s': %s%s", name,
		    strerror(errno),
		    strchr(name, '/') || strchr(name, '.')
			? ""
			: " (to explain a message, pass it in quotes: "
			  "ecr-wizard explain \"Error: ...\")");
	/* A short read is end of input (or an error): on a terminal, one
	 * Ctrl-D after the last line must end it, not a second one. */
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = ew_explain_feed(ex, chunk, n, err);
		if (n < sizeof(chunk))
			break;
	}
	if (!rc && ferror(f))
		rc = ew_error_set(err, EW_EIO, "cannot read '%s': %s",
				  name ? name : "standard input",
				  strerror(errno));
	if (name)
		fclose(f);
	return rc;
}

/* text with indent after each line break (a rendered value may hold
 * several lines, e.g. trusted subjects). */
static void print_indented(const char *text, const char *indent)
{
	for (const char *p = text ? text : ""; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			fputs(indent, stdout);
	}
}

static void print_unknown(const struct ew_hint *h)
{
	if (h->nfind)
		fputs("   Values to find:\n", stdout);
	for (size_t i = 0; i < h->nfind; i++)
		printf("     %s\n", h->find[i]);
}

static void print_text(const struct ew_explain *ex, bool color)
{
	size_t count = ew_explain_count(ex);
	const char *bold = color ? "\033[1m" : "",
		   *off = color ? "\033[0m" : "";

	printf("ecr-wizard explain: %zu known problem%s in %lu line%s\n", count,
	       count == 1 ? "" : "s", ew_explain_lines(ex),
	       ew_explain_lines(ex) == 1 ? "" : "s");
	for (size_t i = 0; i < count; i++) {
		const struct ew_explain_match *m = ew_explain_get(ex, i);
		const struct ew_knowledge_entry *e = m->entry;
		size_t len = strlen(m->text);
		struct ew_hint h;

		printf("\n%s%zu. %s%s  [%s]\n", bold, i + 1, e->title, off,
		       e->id);
		printf("   line %lu: %.*s%s\n", m->line,
		       (int)(len > SHOW_TEXT ? SHOW_TEXT : len), m->text,
		       len > SHOW_TEXT ? "..." : "");
		if (m->detail)
			printf("   %s\n", m->detail);
		ew_hint_for_entry(&h, e, ew_explain_values(ex), NULL);
		fputs("\n   Cause: ", stdout);
		print_indented(h.cause, "   ");
		fputs("\n   Fix:\n", stdout);
		for (size_t s = 0; s < h.nfixes; s++) {
			printf("     %zu. ", s + 1);
			print_indented(h.fixes[s], "        ");
			putchar('\n');
		}
		fputs("   Check: ", stdout);
		print_indented(h.check, "   ");
		putchar('\n');
		print_unknown(&h);
		ew_hint_release(&h);
	}
}

static void print_nothing(const struct ew_explain *ex, FILE *to)
{
	fprintf(to,
		"ecr-wizard explain: no known problem found in %lu line%s.\n"
		"Paste the full log of the failing step: in GitHub open the "
		"failed job, open the\nstep's menu, choose 'View raw logs', "
		"save the page and run\n  ecr-wizard explain job.log\n"
		"(or copy the step's output and run 'ecr-wizard explain -' "
		"and paste, then Ctrl-D).\n",
		ew_explain_lines(ex), ew_explain_lines(ex) == 1 ? "" : "s");
}

static bool add_match(cJSON *list, const struct ew_explain *ex,
		      const struct ew_explain_match *m)
{
	const struct ew_knowledge_entry *e = m->entry;
	cJSON *o = cJSON_CreateObject(), *fix = NULL, *u = NULL;
	struct ew_hint h;
	bool ok;

	if (!o || !cJSON_AddItemToArray(list, o)) {
		cJSON_Delete(o);
		return false;
	}
	ok = ew_hint_for_entry(&h, e, ew_explain_values(ex), NULL) == 0 &&
	     cJSON_AddStringToObject(o, "id", e->id) &&
	     cJSON_AddStringToObject(o, "title", e->title) &&
	     cJSON_AddNumberToObject(o, "line", (double)m->line) &&
	     cJSON_AddStringToObject(o, "text", m->text);
	if (ok && m->detail)
		ok = cJSON_AddStringToObject(o, "detail", m->detail);
	ok = ok && cJSON_AddStringToObject(o, "cause", h.cause) &&
	     (fix = cJSON_AddArrayToObject(o, "fix")) != NULL;
	for (size_t s = 0; ok && s < h.nfixes; s++) {
		cJSON *step = cJSON_CreateString(h.fixes[s]);

		ok = step && cJSON_AddItemToArray(fix, step);
		if (!ok)
			cJSON_Delete(step);
	}
	ok = ok && cJSON_AddStringToObject(o, "check", h.check ? h.check : "");
	if (ok && h.nfind)
		ok = (u = cJSON_AddObjectToObject(o, "unknown")) != NULL;
	for (size_t i = 0; ok && i < h.nfind; i++) {
		const char *colon = strstr(h.find[i], ": ");
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(colon - h.find[i]),
			 h.find[i]);
		ok = cJSON_AddStringToObject(u, name, colon + 2) != NULL;
	}
	ew_hint_release(&h);
	return ok;
}

static int print_json(const struct ew_explain *ex)
{
	const struct ew_knowledge_values *v = ew_explain_values(ex);
	const struct {
		const char *name;
		const char *value;
	} vals[] = {
	    {"account", v->account},
	    {"region", v->region},
	    {"partition", v->partition},
	    {"role_arn", v->role_arn},
	    {"role", v->role},
	    {"policy", v->policy},
	    {"repository", v->repo},
	    {"github_repo", v->github_repo},
	    {"sub", v->job_sub},
	    {"trusted_sub", v->trusted_sub},
	    {"principal_arn", v->principal_arn},
	    {"assumed_role_arn", ew_explain_assumed_role_arn(ex)},
	    {"actor", v->actor},
	};
	cJSON *root = cJSON_CreateObject(), *list, *values;
	bool ok;
	char *out = NULL;

	list = root ? cJSON_AddArrayToObject(root, "matches") : NULL;
	ok = list != NULL;
	for (size_t i = 0; ok && i < ew_explain_count(ex); i++)
		ok = add_match(list, ex, ew_explain_get(ex, i));
	values = ok ? cJSON_AddObjectToObject(root, "values") : NULL;
	ok = values != NULL;
	for (size_t i = 0; ok && i < sizeof(vals) / sizeof(*vals); i++)
		if (vals[i].value && *vals[i].value)
			ok = cJSON_AddStringToObject(values, vals[i].name,
						     vals[i].value);
	ok = ok && cJSON_AddBoolToObject(values, "sub_inferred",
					 ew_explain_sub_inferred(ex));
	if (ok)
		out = cJSON_Print(root);
	cJSON_Delete(root);
	if (!out) {
		fputs("ecr-wizard explain: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	{
		/* the log pasted in may hold any bytes: print valid UTF-8 */
		struct ew_buf b;

		ew_buf_init(&b);
		if (ew_json_doc_utf8(&b, out) == 0)
			puts(b.ptr);
		ew_buf_release(&b);
	}
	free(out);
	return EXIT_DONE;
}

int ew_cmd_explain(int argc, char **argv)
{
	struct ew_explain *ex = NULL;
	struct ew_error err;
	struct opts o;
	int rc, status = EXIT_FAILED;

	ew_error_clear(&err);
	struct ew_git_info gi;
	char github[256] = "";

	memset(&gi, 0, sizeof(gi));
	rc = parse(&o, argc, argv);
	if (rc) {
		free(o.text);
		return rc < 0 ? EXIT_DONE : rc;
	}
	/* The repository we stand in, when no flag names one (never an
	 * error: explain works anywhere). */
	if (!o.defaults.github_repo) {
		struct ew_error gerr;
		ew_error_clear(&gerr);
		if (ew_git_detect(&gi, NULL, NULL, &gerr) == 0 &&
		    gi.outcome == EW_GIT_FOUND && gi.ref.owner[0] &&
		    gi.ref.repo[0]) {
			snprintf(github, sizeof(github), "%s/%s", gi.ref.owner,
				 gi.ref.repo);
			o.defaults.github_repo = github;
		}
	}
	if (!o.file && !o.text && isatty(STDIN_FILENO))
		fputs("Paste the error or the log, then press Ctrl-D:\n",
		      stderr);
	rc = ew_explain_new(&ex, &err);
	if (!rc) {
		ew_explain_set_defaults(ex, &o.defaults);
		rc = o.text ? ew_explain_feed(ex, o.text, strlen(o.text), &err)
			    : read_input(ex, o.file, &err);
	}
	if (!rc)
		rc = ew_explain_finish(ex, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard explain: %s\n", err.message);
		status = rc == EW_EIO ? EXIT_USAGE : EXIT_FAILED;
		goto done;
	}
	if (o.json) {
		status = print_json(ex);
		if (status == EXIT_DONE && !ew_explain_count(ex)) {
			print_nothing(ex, stderr);
			status = EXIT_FAILED;
		}
	} else if (ew_explain_count(ex)) {
		print_text(ex, o.color);
		status = EXIT_DONE;
	} else {
		print_nothing(ex, stdout);
		status = EXIT_FAILED;
	}
done:
	ew_explain_free(ex);
	ew_git_info_release(&gi);
	free(o.text);
	return status;
}
