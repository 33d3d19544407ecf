#include "aws_config.h"
#include "buf.h"
#include "fsutil.h"

#include <ctype.h>
#include <ini.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Parsing happens in two passes over the same lines.  The first pass (ours)
 * decides what inih cannot: which indented lines continue the key above
 * (configparser compares indentation, inih treats any indent as a
 * continuation), turns sub-section lines into "parent.sub = value", and
 * finds malformed lines so the message can say what is wrong.  It emits a
 * text with exactly the same lines, which inih then parses.  The handler
 * calls inih makes are matched, in order, with the list of key lines the
 * first pass saw, which tells it each key's line and whether it continues
 * a multi-line value.
 */

struct key_line {
	int line;
	bool continuation; /* a further line of a multi-line value */
	bool parent;	   /* "iam =" opening a sub-section: not a key */
};

struct parse_state {
	struct ew_ini_file *f;
	struct key_line *keys;
	size_t nkeys, next_key;
	int rc; /* EW_ENOMEM from the handler */
};

static pthread_mutex_t ini_lock = PTHREAD_MUTEX_INITIALIZER;

void ew_ini_file_release(struct ew_ini_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->entries[i].section);
		free(f->entries[i].key);
		ew_free_secret(f->entries[i].value);
	}
	free(f->entries);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void ew_aws_config_init(struct ew_aws_config *c)
{
	memset(c, 0, sizeof(*c));
}

void ew_aws_config_release(struct ew_aws_config *c)
{
	ew_ini_file_release(&c->config);
	ew_ini_file_release(&c->credentials);
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Section name -> kind and name, botocore's build_profile_map(). */
static enum ew_ini_kind classify(const char *section, bool is_credentials,
				 const char **name, size_t *name_len)
{
	static const struct {
		const char *prefix;
		enum ew_ini_kind kind;
	} prefixes[] = {
	    {"profile", EW_INI_PROFILE},
	    {"sso-session", EW_INI_SSO_SESSION},
	    {"services", EW_INI_SERVICES},
	};
	size_t len;

	*name = section;
	*name_len = strlen(section);
	if (is_credentials)
		return EW_INI_PROFILE;
	if (strcmp(section, "default") == 0)
		return EW_INI_PROFILE;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		len = strlen(prefixes[i].prefix);
		if (strncmp(section, prefixes[i].prefix, len) != 0 ||
		    (section[len] != ' ' && section[len] != '\t'))
			continue;
		const char *n = skip_ws(section + len);
		size_t nl = strlen(n);
		while (nl && (n[nl - 1] == ' ' || n[nl - 1] == '\t'))
			nl--;
		/* botocore shlex-splits the header: [profile "a b"] */
		if (nl >= 2 && (n[0] == '"' || n[0] == '\'') &&
		    n[nl - 1] == n[0]) {
			n++;
			nl -= 2;
		}
		if (!nl)
			break;
		*name = n;
		*name_len = nl;
		return prefixes[i].kind;
	}
	return EW_INI_OTHER;
}

static int add_entry(struct ew_ini_file *f, const char *section,
		     const char *key, const char *value, int line)
{
	struct ew_ini_entry *e;
	const char *name;
	size_t name_len;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		e = realloc(f->entries, cap * sizeof(*e));
		if (!e)
			return EW_ENOMEM;
		f->entries = e;
		f->cap = cap;
	}
	e = &f->entries[f->n];
	memset(e, 0, sizeof(*e));
	e->kind = classify(section, f->is_credentials, &name, &name_len);
	e->section = strndup(name, name_len);
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return EW_ENOMEM;
	}
	for (char *p = e->key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	f->n++;
	return 0;
}

/* A further line of a multi-line value: append it after a newline. */
static int append_value(struct ew_ini_file *f, const char *value)
{
	struct ew_ini_entry *e;
	struct ew_buf b;

	if (!f->n)
		return 0;
	e = &f->entries[f->n - 1];
	ew_buf_init(&b);
	if (ew_buf_puts(&b, e->value) || ew_buf_putc(&b, '\n') ||
	    ew_buf_puts(&b, value)) {
		ew_buf_release_secret(&b);
		return EW_ENOMEM;
	}
	ew_free_secret(e->value);
	e->value = ew_buf_detach(&b);
	return 0;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_state *st = user;
	struct key_line kl = {0, false, false};
	int rc;

	if (st->next_key < st->nkeys)
		kl = st->keys[st->next_key++];
	if (kl.parent)
		rc = 0;
	else if (kl.continuation)
		rc = append_value(st->f, value ? value : "");
	else
		rc = add_entry(st->f, section, name, value ? value : "",
			       kl.line);
	if (rc) {
		st->rc = rc;
		return 0;
	}
	return 1;
}

/* For messages: at most 60 bytes of s, without control characters. */
static void excerpt(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < size && i < 60; i++)
		dst[n++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (len > 60 && n + 4 < size) {
		dst[n++] = '.';
		dst[n++] = '.';
		dst[n++] = '.';
	}
	dst[n] = 0;
}

/* A key name worth quoting in a message: letters, digits, _ - . only. */
static bool is_key_like(const char *s, size_t len)
{
	if (!len || len > 40)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

struct pre {
	struct ew_ini_file *f;
	struct ew_buf out;
	struct key_line *keys;
	size_t nkeys, capkeys;
	char parent[128];    /* key of an empty value: a sub-section */
	size_t parent_index; /* its entry in keys */
	size_t key_indent;
	bool have_key, key_empty, have_section;
	int line;
	char why[200]; /* first problem found; line in bad_line */
	int bad_line;
};

static int note_key(struct pre *p, bool continuation)
{
	if (p->nkeys == p->capkeys) {
		size_t cap = p->capkeys ? p->capkeys * 2 : 32;
		struct key_line *k = realloc(p->keys, cap * sizeof(*k));
		if (!k)
			return EW_ENOMEM;
		p->keys = k;
		p->capkeys = cap;
	}
	p->keys[p->nkeys].line = p->line;
	p->keys[p->nkeys].continuation = continuation;
	p->keys[p->nkeys].parent = false;
	p->nkeys++;
	return 0;
}

/* Keeps the first problem only: later lines may just be its echo. */
__attribute__((format(printf, 2, 3))) static void problem(struct pre *p,
							  const char *fmt, ...)
{
	va_list ap;

	if (p->bad_line)
		return;
	p->bad_line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}

/* Returns the position of the first '=' or ':' in s[0..len), or len. */
static size_t find_delim(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '=' || s[i] == ':')
			break;
	return i;
}

static size_t trim_len(const char *s, size_t len)
{
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return len;
}

/* One line (without its newline) through the first pass. */
static int pre_line(struct pre *p, const char *s, size_t len)
{
	char ex[80];
	size_t indent, d, klen, vstart;
	const char *c;
	int rc;

	len = trim_len(s, len);
	/* the line is not NUL-terminated: stay within len */
	for (indent = 0;
	     indent < len && (s[indent] == ' ' || s[indent] == '\t'); indent++)
		;
	c = s + indent;
	len -= indent;
	if (!len || *c == '#' || *c == ';')
		return ew_buf_putc(&p->out, '\n');
	if (p->have_key && indent > p->key_indent) {
		if (!p->key_empty) {
			/* inih's own multi-line mode joins these */
			if ((rc = note_key(p, true)) ||
			    (rc = ew_buf_putc(&p->out, ' ')) ||
			    (rc = ew_buf_add(&p->out, c, len)))
				return rc;
			return ew_buf_putc(&p->out, '\n');
		}
		/* botocore's _parse_nested() splits on '=' only */
		for (d = 0; d < len && c[d] != '='; d++)
			;
		klen = trim_len(c, d);
		if (d == len || !klen) {
			problem(p,
				"expected 'name = value' in the '%s' "
				"sub-section",
				p->parent);
			return ew_buf_putc(&p->out, '\n');
		}
		/* botocore keeps only the sub-keys, not "iam" itself */
		p->keys[p->parent_index].parent = true;
		if ((rc = note_key(p, false)) ||
		    (rc = ew_buf_printf(&p->out, "%s.", p->parent)) ||
		    (rc = ew_buf_add(&p->out, c, len)))
			return rc;
		return ew_buf_putc(&p->out, '\n');
	}
	p->have_key = false;
	if (*c == '[') {
		/* inih ends the name at the first ']' and keeps at most 49
		 * bytes of it: refuse a longer one rather than cut it. */
		const char *close = memchr(c, ']', len);
		size_t nlen = close ? (size_t)(close - c - 1) : 0;
		if (!close) {
			excerpt(ex, sizeof(ex), c, len);
			problem(p, "section header is not closed ('%s')", ex);
		} else if (!nlen) {
			problem(p, "%s", "empty section name ('[]')");
		} else if (nlen > 49) {
			excerpt(ex, sizeof(ex), c, len);
			problem(p,
				"section name is longer than 49 bytes ('%s')",
				ex);
		} else {
			char name[64];
			memcpy(name, c + 1, nlen);
			name[nlen] = 0;
			p->have_section = true;
			/* a marker entry (empty key): the section exists
			 * even when it holds no key */
			if ((rc = add_entry(p->f, name, "", "", p->line)))
				return rc;
		}
		if ((rc = ew_buf_add(&p->out, c, len)))
			return rc;
		return ew_buf_putc(&p->out, '\n');
	}
	d = find_delim(c, len);
	klen = trim_len(c, d);
	if (d == len) {
		size_t w = 0;
		while (w < len && !isspace((unsigned char)c[w]))
			w++;
		/* Quote the first word only when it looks like a key name
		 * and more follows: a lone word may be a pasted secret. */
		if (w < len && is_key_like(c, w)) {
			excerpt(ex, sizeof(ex), c, w);
			problem(p,
				"'%s' is not followed by '=' (expected "
				"'name = value')",
				ex);
		} else {
			problem(p, "%s",
				"line is neither '[section]' nor "
				"'name = value'");
		}
		return ew_buf_putc(&p->out, '\n');
	}
	if (!klen) {
		problem(p, "%s", "a value without a name ('= ...')");
		return ew_buf_putc(&p->out, '\n');
	}
	if (!p->have_section) {
		if (is_key_like(c, klen))
			excerpt(ex, sizeof(ex), c, klen);
		else
			excerpt(ex, sizeof(ex), "?", 1);
		problem(p, "'%s' comes before any [section] header", ex);
		return ew_buf_putc(&p->out, '\n');
	}
	vstart = d + 1;
	while (vstart < len && isspace((unsigned char)c[vstart]))
		vstart++;
	p->have_key = true;
	p->key_indent = indent;
	p->key_empty = vstart >= len;
	excerpt(p->parent, sizeof(p->parent), c, klen);
	for (char *q = p->parent; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	p->parent_index = p->nkeys;
	if ((rc = note_key(p, false)) || (rc = ew_buf_add(&p->out, c, len)))
		return rc;
	return ew_buf_putc(&p->out, '\n');
}

int ew_aws_config_parse_string(struct ew_ini_file *out, const char *path,
			       const char *text, size_t len,
			       bool is_credentials, struct ew_error *err)
{
	struct pre p;
	struct parse_state st;
	size_t i = 0, start;
	int rc = 0, bad;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	ew_buf_init(&p.out);
	p.f = out;
	out->is_credentials = is_credentials;
	out->exists = true;
	out->path = strdup(path ? path : "");
	if (!out->path) {
		rc = ew_error_oom(err);
		goto done;
	}
	/* inih's line buffer stops growing at ini_max_line */
	if (len > EW_AWS_CONFIG_MAX_FILE) {
		rc = ew_error_set(err, EW_EIO,
				  "cannot read '%s': larger than %d bytes",
				  out->path, EW_AWS_CONFIG_MAX_FILE);
		goto done;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		start = i;
		while (i < len && text[i] != '\n')
			i++;
		p.line++;
		/* a NUL cannot be in a text file; inih would stop there */
		if (memchr(text + start, '\0', i - start)) {
			problem(&p, "%s", "line contains a NUL byte");
			rc = ew_buf_putc(&p.out, '\n');
		} else {
			rc = pre_line(&p, text + start, i - start);
		}
		if (rc) {
			rc = ew_error_oom(err);
			goto done;
		}
		i++;
	}
	if (p.bad_line) {
		rc = ew_error_set(err, EW_EPARSE, "'%s' line %d: %s", out->path,
				  p.bad_line, p.why);
		goto done;
	}

	memset(&st, 0, sizeof(st));
	st.f = out;
	st.keys = p.keys;
	st.nkeys = p.nkeys;
	pthread_mutex_lock(&ini_lock);
	{
		bool stack = ini_use_stack, grow = ini_allow_realloc,
		     inl = ini_allow_inline_comments,
		     multi = ini_allow_multiline, novalue = ini_allow_no_value,
		     stop = ini_stop_on_first_error;
		int max = ini_max_line;

		/* Session tokens are ~1 KiB: the stock 200-byte line
		 * buffer would cut them silently. */
		ini_use_stack = false;
		ini_allow_realloc = true;
		ini_max_line = EW_AWS_CONFIG_MAX_FILE + 8;
		/* configparser has no inline comments */
		ini_allow_inline_comments = false;
		ini_allow_multiline = true;
		ini_allow_no_value = false;
		ini_stop_on_first_error = true;
		bad = ini_parse_string(p.out.ptr, handler, &st);
		ini_use_stack = stack;
		ini_allow_realloc = grow;
		ini_allow_inline_comments = inl;
		ini_allow_multiline = multi;
		ini_allow_no_value = novalue;
		ini_stop_on_first_error = stop;
		ini_max_line = max;
	}
	pthread_mutex_unlock(&ini_lock);
	if (st.rc || bad == -2) {
		rc = ew_error_oom(err);
	} else if (bad) {
		rc = ew_error_set(err, EW_EPARSE, "'%s' line %d: cannot parse",
				  out->path, bad);
	}
done:
	ew_buf_release_secret(&p.out);
	free(p.keys);
	return rc;
}

int ew_aws_config_load_file(struct ew_ini_file *out, const char *path,
			    bool is_credentials, struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	memset(out, 0, sizeof(*out));
	out->is_credentials = is_credentials;
	ew_buf_init(&b);
	rc = ew_file_read_secret(&b, path, EW_AWS_CONFIG_MAX_FILE, err);
	if (rc == EW_ENOTFOUND) {
		ew_error_clear(err);
		out->path = strdup(path);
		rc = out->path ? 0 : ew_error_oom(err);
	} else if (rc == 0) {
		rc = ew_aws_config_parse_string(out, path, b.ptr, b.len,
						is_credentials, err);
	} else {
		out->path = strdup(path);
	}
	ew_buf_release_secret(&b);
	return rc;
}

int ew_aws_config_paths(char **config_path, char **credentials_path,
			const struct ew_context *ctx, struct ew_error *err)
{
	const char *v;
	struct ew_buf b;

	*config_path = *credentials_path = NULL;
	ew_buf_init(&b);
	if ((v = ew_context_getenv(ctx, "AWS_CONFIG_FILE")))
		*config_path = strdup(v);
	else if (!ew_buf_printf(&b, "%s/.aws/config", ew_context_home(ctx)))
		*config_path = ew_buf_detach(&b);
	if ((v = ew_context_getenv(ctx, "AWS_SHARED_CREDENTIALS_FILE")))
		*credentials_path = strdup(v);
	else if (!ew_buf_printf(&b, "%s/.aws/credentials",
				ew_context_home(ctx)))
		*credentials_path = ew_buf_detach(&b);
	ew_buf_release(&b);
	if (!*config_path || !*credentials_path) {
		free(*config_path);
		free(*credentials_path);
		*config_path = *credentials_path = NULL;
		return ew_error_oom(err);
	}
	return 0;
}

int ew_aws_config_load(struct ew_aws_config *out, const struct ew_context *ctx,
		       struct ew_error *err)
{
	char *cpath = NULL, *kpath = NULL;
	int rc;

	ew_aws_config_init(out);
	if ((rc = ew_aws_config_paths(&cpath, &kpath, ctx, err)))
		goto done;
	if ((rc = ew_aws_config_load_file(&out->config, cpath, false, err)))
		goto done;
	rc = ew_aws_config_load_file(&out->credentials, kpath, true, err);
done:
	free(cpath);
	free(kpath);
	return rc;
}

const char *ew_ini_file_get(const struct ew_ini_file *f, enum ew_ini_kind kind,
			    const char *name, const char *key)
{
	if (!name || !key)
		return NULL;
	/* backwards: the later key wins */
	for (size_t i = f->n; i-- > 0;) {
		const struct ew_ini_entry *e = &f->entries[i];
		if (e->kind == kind && strcmp(e->section, name) == 0 &&
		    strcmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}

bool ew_ini_file_has_section(const struct ew_ini_file *f, enum ew_ini_kind kind,
			     const char *name)
{
	if (!name)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (f->entries[i].kind == kind &&
		    strcmp(f->entries[i].section, name) == 0)
			return true;
	return false;
}

const char *ew_aws_config_get(const struct ew_aws_config *c,
			      const char *profile, const char *key)
{
	return ew_ini_file_get(&c->config, EW_INI_PROFILE, profile, key);
}

const char *ew_aws_config_get_credentials(const struct ew_aws_config *c,
					  const char *profile, const char *key)
{
	return ew_ini_file_get(&c->credentials, EW_INI_PROFILE, profile, key);
}

bool ew_aws_config_has_profile(const struct ew_aws_config *c,
			       const char *profile)
{
	return ew_ini_file_has_section(&c->config, EW_INI_PROFILE, profile) ||
	       ew_ini_file_has_section(&c->credentials, EW_INI_PROFILE,
				       profile);
}

int ew_aws_config_list_profiles(const char ***out, size_t *count,
				const struct ew_aws_config *c,
				struct ew_error *err)
{
	const struct ew_ini_file *files[2] = {&c->config, &c->credentials};
	const char **v;
	size_t n = 0, max = c->config.n + c->credentials.n;

	*out = NULL;
	*count = 0;
	v = calloc(max ? max : 1, sizeof(*v));
	if (!v)
		return ew_error_oom(err);
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < files[f]->n; i++) {
			const struct ew_ini_entry *e = &files[f]->entries[i];
			size_t j;
			if (e->kind != EW_INI_PROFILE)
				continue;
			for (j = 0; j < n; j++)
				if (strcmp(v[j], e->section) == 0)
					break;
			if (j == n)
				v[n++] = e->section;
		}
	}
	*out = v;
	*count = n;
	return 0;
}

bool ew_aws_config_is_true(const char *value)
{
	return value && strcasecmp(value, "true") == 0;
}
