/*
 * aws_config.h - the AWS CLI's two INI files: config and credentials.
 *
 * Reads `AWS_CONFIG_FILE` (default <home>/.aws/config) and
 * `AWS_SHARED_CREDENTIALS_FILE` (default <home>/.aws/credentials) the way
 * botocore does (docs/aws-wire.md section 7.1), through inih:
 *
 *   - config sections: [default] and [profile NAME] are profiles (both
 *     spellings of "default" are the same profile), [sso-session NAME],
 *     [services NAME]; any other section is kept but never looked up.
 *     Credentials sections are bare profile names.
 *   - keys are case-insensitive (stored lower case), values are trimmed,
 *     there are no inline comments (a ';' inside credential_process stays).
 *   - an empty value followed by lines indented deeper is a sub-section:
 *     "iam =" then "  endpoint_url = URL" is stored as key
 *     "iam.endpoint_url".  A non-empty value followed by deeper indented
 *     lines is a multi-line value (joined with '\n'), as configparser does.
 *   - duplicate sections and duplicate keys: the later key wins.  (Python's
 *     configparser, and so the AWS CLI, rejects duplicates inside one
 *     file; being lenient here never picks a value the user did not write
 *     last.)
 *   - a missing file is no error: it is simply empty (`exists` false).
 *     A malformed one is EW_EPARSE naming the file, the line and what is
 *     wrong, without quoting anything that might be a secret.
 *
 * Memory: struct ew_aws_config owns every string in it; release it with
 * ew_aws_config_release(), which zeroes the values (they include secret
 * keys).  Strings returned by the getters live as long as the config.
 *
 * inih's options are process globals in Debian's build (line length,
 * inline comments, ...): this module sets them for each parse under its
 * own lock and restores them after.  Any other INI parsing in the process
 * should go through ew_aws_config_parse_string() too.
 */
#ifndef EW_AWS_CONFIG_H
#define EW_AWS_CONFIG_H

#include "context.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

enum ew_ini_kind {
	EW_INI_PROFILE,	    /* [default], [profile x], credentials [x] */
	EW_INI_SSO_SESSION, /* [sso-session x] */
	EW_INI_SERVICES,    /* [services x] */
	EW_INI_OTHER,	    /* anything else: kept, never looked up */
};

struct ew_ini_entry {
	enum ew_ini_kind kind;
	char *section; /* the name without the prefix: "dev" */
	char *key;     /* lower case; "iam.endpoint_url" in a sub-section */
	char *value;   /* trimmed; may be "" */
	int line;      /* where the key is */
};

struct ew_ini_file {
	char *path;  /* as opened; "" when none */
	bool exists; /* false: the file is missing (not an error) */
	bool is_credentials;
	struct ew_ini_entry *entries;
	size_t n, cap;
};

struct ew_aws_config {
	struct ew_ini_file config;
	struct ew_ini_file credentials;
};

/* Largest file read (a bigger one is EW_EIO): 1 MiB. */
#define EW_AWS_CONFIG_MAX_FILE (1024 * 1024)

void ew_aws_config_init(struct ew_aws_config *c);
void ew_aws_config_release(struct ew_aws_config *c);

/*
 * The two paths as the environment and home of ctx say; the caller frees
 * both with free().  EW_ENOMEM only.
 */
int ew_aws_config_paths(char **config_path, char **credentials_path,
			const struct ew_context *ctx, struct ew_error *err);

/*
 * Read and parse both files into *out (initialised here).  Missing files
 * are empty.  EW_EPARSE for a malformed file, EW_EIO for an unreadable
 * one; the message names the file.  On error *out holds what was read so
 * far and must still be released.
 */
int ew_aws_config_load(struct ew_aws_config *out, const struct ew_context *ctx,
		       struct ew_error *err);

/* Read one file into *out (initialised here); missing is not an error. */
int ew_aws_config_load_file(struct ew_ini_file *out, const char *path,
			    bool is_credentials, struct ew_error *err);

/*
 * Parse text (len bytes; it need not be NUL-terminated) as if read from
 * path into *out (initialised here; exists is set).  For tests and the
 * fuzzer as much as for the loaders.
 */
int ew_aws_config_parse_string(struct ew_ini_file *out, const char *path,
			       const char *text, size_t len,
			       bool is_credentials, struct ew_error *err);

void ew_ini_file_release(struct ew_ini_file *f);

/* The last value of key in section (kind, name) of f, or NULL. */
const char *ew_ini_file_get(const struct ew_ini_file *f, enum ew_ini_kind kind,
			    const char *name, const char *key);
/* Whether f has a section (kind, name), even an empty one. */
bool ew_ini_file_has_section(const struct ew_ini_file *f, enum ew_ini_kind kind,
			     const char *name);

/* A profile's key from the config file, or NULL. */
const char *ew_aws_config_get(const struct ew_aws_config *c,
			      const char *profile, const char *key);
/* A profile's key from the credentials file, or NULL. */
const char *ew_aws_config_get_credentials(const struct ew_aws_config *c,
					  const char *profile, const char *key);
/* Whether the profile is in either file. */
bool ew_aws_config_has_profile(const struct ew_aws_config *c,
			       const char *profile);

/*
 * The profile names of both files, each once, in the order first seen
 * (config file first).  *out is a malloc'd array of pointers into c: free
 * the array only.  EW_ENOMEM only.
 */
int ew_aws_config_list_profiles(const char ***out, size_t *count,
				const struct ew_aws_config *c,
				struct ew_error *err);

/* "true"/"false" in any case (botocore's ensure_boolean); else false. */
bool ew_aws_config_is_true(const char *value);

#endif
