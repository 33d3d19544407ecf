/*
 * options.h - the command-line flags every command shares (ecr-wizard.1).
 *
 * Two tables drive both the parser and the usage text, so a flag and its
 * help line cannot drift apart: the setup's field table (fields.h, shared
 * with the wizard's Choices screen), whose rows call their model.h setter,
 * and this module's table of the options that are not part of the setup
 * (--profile, --output, --yes...).  The form and the flags share one rule
 * per field.  The first rejected value stops the
 * parse with EW_EINVAL and a message that names the flag and the rule;
 * nothing touches the network before that (callers exit 2).
 *
 * Both `--opt value` and `--opt=value` are accepted; options with an
 * optional value (`--trace[=FILE]`, `--scan-on-push[=BOOL]`) take one only
 * after '='.  `--` ends the options; other words are operands (args).
 *
 * Memory: struct ew_options owns its setup (released with it), its
 * strings and its operand array.  argv is only read.
 */
#ifndef EW_OPTIONS_H
#define EW_OPTIONS_H

#include "error.h"
#include "fields.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum ew_output_format {
	EW_OUTPUT_TEXT,
	EW_OUTPUT_JSON,
};

struct ew_options {
	/* Every setup value given on the command line, already validated;
	 * the rest are model.h's defaults. */
	struct ew_setup setup;
	/* Which setup fields the user set, so defaults (git detection,
	 * session region) fill only the others: given[] for every row of
	 * the field table (fields.h), and by name for those the callers
	 * ask about today. */
	bool given[EW_FIELD_COUNT];
	bool has_github;   /* --github */
	bool has_region;   /* --region */
	bool has_account;  /* --account */
	bool has_branch;   /* --branch */
	bool has_workflow; /* --workflow */
	bool no_workflow;  /* --no-workflow */
	bool has_trust;	   /* --trust */
	bool has_env;	   /* --env */
	/* --github-ids */
	bool has_github_ids;

	char *profile; /* --profile, or NULL */
	char *region;  /* --region as validated (also in setup), or NULL */

	enum ew_output_format output; /* --output, default text */
	bool no_color;		      /* --no-color (NO_COLOR: see below) */
	bool high_contrast;	      /* --theme high-contrast */
	bool has_theme;		      /* --theme given (EW_THEME otherwise) */
	bool yes;		      /* --yes: do not ask */
	bool force;		      /* --force */
	bool allow_refused;	      /* --allow-refused-triggers */
	bool trace;		      /* --trace given */
	char *trace_file;	      /* --trace=FILE; NULL means stderr */
	bool demo;		      /* --demo */
	char *demo_scenario;	      /* --demo-scenario (implies demo) */
	bool no_github_api;	      /* --no-github-api */
	bool set_secrets;	      /* --set-secrets (apply) */
	bool delete_secrets;	      /* --delete-secrets (teardown) */
	bool help;		      /* --help / -h */
	bool version;		      /* --version */

	char **args; /* operands, in order (e.g. explain's FILE) */
	size_t nargs;
};

/* Defaults; 0 or EW_ENOMEM (release is safe either way). */
int ew_options_init(struct ew_options *o);
void ew_options_release(struct ew_options *o);

/*
 * Parse argv[1..argc-1] (argv[0] is the command name, as commands.h
 * passes it) into o, which must have been initialised.  0, EW_EINVAL (an
 * unknown option, a missing or unexpected value, or a value a setter
 * rejected: err->message says which flag and why) or EW_ENOMEM.  Parsing
 * stops at the first error; --help and --version do not stop it, the
 * caller checks o->help / o->version after a successful parse.
 *
 * max_args: how many operands the command takes (0 for most); more is
 * EW_EINVAL.
 */
int ew_options_parse(struct ew_options *o, int argc, char **argv,
		     size_t max_args, struct ew_error *err);

/* Whether colour may be used: not --no-color, NO_COLOR unset or empty
 * (pass getenv("NO_COLOR")), and the stream a terminal. */
bool ew_options_use_color(const struct ew_options *o, const char *no_color,
			  FILE *stream);

/*
 * Print the usage for command (NULL: the wizard) and every shared option,
 * generated from the option table, to out.
 */
void ew_options_usage(FILE *out, const char *command);

/* "ecr-wizard 0.1.0" and a newline. */
void ew_options_print_version(FILE *out);

#endif
