/* workflow_scan.c - GitHub Actions workflows reduced to what doctor checks. */
#include "workflow_scan.h"

#include "buf.h"
#include "fsutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define WORKFLOW_DIR ".github/workflows"
/* env.X indirection deeper than this is a loop or abuse. */
#define MAX_ENV_DEPTH	   4
#define MAX_ENV_EXPANSIONS 64
/* A matrix with more combinations is summarised, not expanded. */
#define MAX_INSTANCES 64
#define MAX_INST_KEYS 16

struct wf_doc {
	char *name;
	yaml_document_t doc;
	bool ok; /* doc holds a workflow (root mapping with jobs) */
};

struct scan_priv {
	struct wf_doc *docs;
	size_t ndocs;
	char *root; /* for reusable workflows read on demand; may be NULL */
};

/* One matrix combination: key/value pairs borrowed from the document. */
struct inst {
	const char *k[MAX_INST_KEYS];
	const char *v[MAX_INST_KEYS];
	size_t n;
};

/* Where env.X is looked up, innermost first. */
struct env_chain {
	yaml_document_t *d;
	yaml_node_t *maps[3];
	/* env.X expansions left for the value being read: a value naming
	 * env.A a thousand times, each naming it again, stays cheap. */
	unsigned budget;
};

enum perm { P_UNSET, P_WRITE, P_DENIED };

struct perm_info {
	enum perm p;
	long line;
};

/* ------------------------------------------------------------ helpers */

static yaml_node_t *get(yaml_document_t *d, int id)
{
	return yaml_document_get_node(d, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
		   ? (const char *)n->data.scalar.value
		   : NULL;
}

static long line_of(const yaml_node_t *n)
{
	return n ? (long)n->start_mark.line + 1 : 0;
}

/* The value for key in a mapping; *key_out (may be NULL) gets the key. */
static yaml_node_t *map_get2(yaml_document_t *d, const yaml_node_t *map,
			     const char *key, yaml_node_t **key_out)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = get(d, p->key);
		const char *ks = scalar(k);

		if (ks && strcmp(ks, key) == 0) {
			if (key_out)
				*key_out = k;
			return get(d, p->value);
		}
	}
	return NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, const yaml_node_t *map,
			    const char *key)
{
	return map_get2(d, map, key, NULL);
}

static const char *map_str(yaml_document_t *d, const yaml_node_t *map,
			   const char *key)
{
	return scalar(map_get(d, map, key));
}

static bool starts_with_ci(const char *s, const char *prefix)
{
	return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Append a copy of s to a string array unless present. */
static int strv_add_unique(char ***v, size_t *n, const char *s, size_t len)
{
	char **grown, *copy;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i]) == len && memcmp((*v)[i], s, len) == 0)
			return 0;
	copy = malloc(len + 1);
	if (!copy)
		return EW_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	grown = realloc(*v, (*n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return EW_ENOMEM;
	}
	*v = grown;
	(*v)[(*n)++] = copy;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_problem(struct ew_workflow_scan *s, const char *file, long line,
		       const char *message)
{
	struct ew_wf_problem *grown =
	    realloc(s->problems, (s->nproblems + 1) * sizeof(*grown));

	if (!grown)
		return EW_ENOMEM;
	s->problems = grown;
	grown[s->nproblems].file = ew_strdup(file);
	grown[s->nproblems].line = line;
	grown[s->nproblems].message = ew_strdup(message);
	s->nproblems++;
	if (!grown[s->nproblems - 1].file || !grown[s->nproblems - 1].message)
		return EW_ENOMEM;
	return 0;
}

static struct scan_priv *priv(struct ew_workflow_scan *s)
{
	return s->priv;
}

/* ------------------------------------------------------- life cycle */

void ew_workflow_scan_init(struct ew_workflow_scan *s)
{
	memset(s, 0, sizeof(*s));
}

static void value_release(struct ew_wf_value *v)
{
	free(v->raw);
	free(v->literal);
	free(v->secret);
	free(v->var);
	memset(v, 0, sizeof(*v));
}

static void job_release(struct ew_wf_aws_job *j)
{
	free(j->file);
	free(j->job);
	free(j->caller);
	free(j->id_token_where);
	for (size_t i = 0; i < j->nsubjects; i++) {
		free(j->subjects[i].context);
		free(j->subjects[i].why);
	}
	free(j->subjects);
	free(j->subjects_note);
	value_release(&j->role);
	value_release(&j->region);
	value_release(&j->duration);
	value_release(&j->audience);
	free(j->ecr_login_id);
	free(j->registry_text);
	for (size_t i = 0; i < j->ntags; i++) {
		free(j->tags[i].spec);
		free(j->tags[i].where);
	}
	free(j->tags);
	strv_free(j->job_secrets, j->njob_secrets);
	memset(j, 0, sizeof(*j));
}

void ew_workflow_scan_release(struct ew_workflow_scan *s)
{
	struct scan_priv *p = s->priv;

	strv_free(s->files, s->nfiles);
	for (size_t i = 0; i < s->nproblems; i++) {
		free(s->problems[i].file);
		free(s->problems[i].message);
	}
	free(s->problems);
	for (size_t i = 0; i < s->njobs; i++)
		job_release(&s->jobs[i]);
	free(s->jobs);
	strv_free(s->secrets, s->nsecrets);
	strv_free(s->vars, s->nvars);
	if (p) {
		for (size_t i = 0; i < p->ndocs; i++) {
			free(p->docs[i].name);
			yaml_document_delete(&p->docs[i].doc);
		}
		free(p->docs);
		free(p->root);
		free(p);
	}
	memset(s, 0, sizeof(*s));
}

static int ensure_priv(struct ew_workflow_scan *s)
{
	if (!s->priv)
		s->priv = calloc(1, sizeof(struct scan_priv));
	return s->priv ? 0 : EW_ENOMEM;
}

/* ------------------------------------------------------------ parsing */

/* Check the shape GitHub requires; returns NULL or why it is not a
 * workflow, with *line set. */
static const char *not_a_workflow(yaml_document_t *d, long *line)
{
	yaml_node_t *root = yaml_document_get_root_node(d);
	yaml_node_t *jobs, *on;

	*line = line_of(root);
	if (!root)
		return "the file is empty";
	if (root->type != YAML_MAPPING_NODE)
		return "not a workflow: the top level is not a mapping";
	on = map_get(d, root, "on");
	if (!on)
		return "not a workflow: no 'on' key";
	jobs = map_get(d, root, "jobs");
	if (!jobs)
		return "not a workflow: no 'jobs' key";
	if (jobs->type != YAML_MAPPING_NODE) {
		*line = line_of(jobs);
		return "not a workflow: 'jobs' is not a mapping";
	}
	return NULL;
}

/*
 * An upper bound on how deeply the text nests, found without parsing:
 * libyaml takes time quadratic in the depth (a 400 KB file of '[' takes
 * over a minute), so a file nesting deeper than EW_WF_MAX_DEPTH is
 * refused before libyaml sees it.  Every '[' or '{' outside a comment
 * counts as a level until its closer (quotes are not tracked, so this
 * can only over-count), and so does each "- " or "? " that opens a block
 * collection at the start of a line.  Real workflows nest a dozen levels.
 */
static size_t nesting_bound(const char *text, size_t len)
{
	size_t depth = 0, max = 0, block;
	bool line_start = true;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (line_start) {
			/* leading indentation, then "- - - x" compact
			 * nesting */
			block = 0;
			while (i < len && (text[i] == ' ' || text[i] == '\t'))
				i++;
			while (i + 1 < len &&
			       (text[i] == '-' || text[i] == '?') &&
			       (text[i + 1] == ' ' || text[i + 1] == '\t')) {
				block++;
				i += 2;
				while (i < len && text[i] == ' ')
					i++;
			}
			if (depth + block > max)
				max = depth + block;
			line_start = false;
			if (i >= len)
				break;
			c = text[i];
		}
		if (c == '\n') {
			line_start = true;
		} else if (c == '#' &&
			   (i == 0 || text[i - 1] == ' ' ||
			    text[i - 1] == '\t' || text[i - 1] == '\n')) {
			while (i + 1 < len && text[i + 1] != '\n')
				i++;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return max;
}

int ew_workflow_scan_add(struct ew_workflow_scan *s, const char *file,
			 const char *text, size_t len, struct ew_error *err)
{
	struct scan_priv *p;
	struct wf_doc *grown, *doc;
	yaml_parser_t parser;
	const char *why;
	long line = 0;
	int rc = 0;

	if (ensure_priv(s) ||
	    strv_add_unique(&s->files, &s->nfiles, file, strlen(file)))
		return ew_error_oom(err);
	p = priv(s);
	grown = realloc(p->docs, (p->ndocs + 1) * sizeof(*grown));
	if (!grown)
		return ew_error_oom(err);
	p->docs = grown;
	doc = &p->docs[p->ndocs];
	memset(doc, 0, sizeof(*doc));
	doc->name = ew_strdup(file);
	if (!doc->name)
		return ew_error_oom(err);

	if (nesting_bound(text, len) > EW_WF_MAX_DEPTH) {
		/* doc stays zeroed: a problem, as a parse error is */
		p->ndocs++;
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot parse '%s': nested more than %d "
				  "levels deep ('[', '{' or '- '); GitHub "
				  "would not run it either",
				  file, EW_WF_MAX_DEPTH);
		goto problem;
	}
	if (!yaml_parser_initialize(&parser)) {
		free(doc->name);
		return ew_error_oom(err);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc->doc)) {
		/* libyaml leaves doc zeroed on failure: deleting it is safe. */
		memset(&doc->doc, 0, sizeof(doc->doc));
		line = (long)parser.problem_mark.line + 1;
		rc = ew_error_set(
		    err, EW_EPARSE, "cannot parse '%s' line %ld: %s%s%s", file,
		    line, parser.problem ? parser.problem : "invalid YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
	} else if ((why = not_a_workflow(&doc->doc, &line)) != NULL) {
		rc = ew_error_set(err, EW_EPARSE, "'%s' line %ld: %s", file,
				  line, why);
	} else {
		doc->ok = true;
	}
	yaml_parser_delete(&parser);
	p->ndocs++;
problem:
	if (rc && add_problem(s, file, line, err ? err->message : "invalid"))
		return ew_error_oom(err);
	return rc;
}

static bool has_yaml_ext(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

/* Read root/rel and add it; a read failure becomes a problem. */
static int add_file(struct ew_workflow_scan *s, const char *root,
		    const char *rel, struct ew_error *err)
{
	struct ew_buf text;
	struct ew_error e;
	int rc;

	ew_buf_init(&text);
	ew_error_clear(&e);
	rc = ew_file_read_in(&text, root, rel, EW_WF_MAX_FILE, &e);
	if (rc == EW_ENOMEM) {
		rc = ew_error_oom(err);
	} else if (rc) {
		if (strv_add_unique(&s->files, &s->nfiles, rel, strlen(rel)) ||
		    add_problem(s, rel, 0, e.message))
			rc = ew_error_oom(err);
		else
			rc = 0;
	} else {
		rc = ew_workflow_scan_add(s, rel, text.ptr, text.len, &e);
		if (rc == EW_ENOMEM)
			ew_error_oom(err);
		else
			rc = 0; /* recorded as a problem */
	}
	ew_buf_release(&text);
	return rc;
}

int ew_workflow_scan_dir(struct ew_workflow_scan *s, const char *root,
			 const char *only, struct ew_error *err)
{
	struct ew_buf dir;
	char **names = NULL;
	size_t nnames = 0;
	DIR *dh = NULL;
	struct dirent *de;
	int rc = 0;

	ew_buf_init(&dir);
	if (ensure_priv(s))
		return ew_error_oom(err);
	free(priv(s)->root);
	priv(s)->root = ew_strdup(root);
	if (!priv(s)->root)
		return ew_error_oom(err);

	if (only) {
		struct ew_buf probe;
		struct ew_error e;

		ew_buf_init(&probe);
		ew_error_clear(&e);
		rc = ew_file_read_in(&probe, root, only, 1, &e);
		ew_buf_release(&probe);
		if (rc == EW_ENOTFOUND)
			return ew_error_set(err, EW_ENOTFOUND,
					    "workflow '%s' does not exist",
					    only);
		return add_file(s, root, only, err);
	}

	if (ew_buf_printf(&dir, "%s/%s", root, WORKFLOW_DIR)) {
		rc = ew_error_oom(err);
		goto done;
	}
	dh = opendir(dir.ptr);
	if (!dh) {
		rc = ew_error_set(err, EW_ENOTFOUND, "no workflows in '%s'",
				  WORKFLOW_DIR);
		goto done;
	}
	while ((de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.' || !has_yaml_ext(de->d_name))
			continue;
		if (strv_add_unique(&names, &nnames, de->d_name,
				    strlen(de->d_name))) {
			rc = ew_error_oom(err);
			goto done;
		}
	}
	if (nnames == 0) {
		rc = ew_error_set(err, EW_ENOTFOUND,
				  "no .yml or .yaml files in '%s'",
				  WORKFLOW_DIR);
		goto done;
	}
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nnames && rc == 0; i++) {
		ew_buf_clear(&dir);
		if (ew_buf_printf(&dir, "%s/%s", WORKFLOW_DIR, names[i]))
			rc = ew_error_oom(err);
		else
			rc = add_file(s, root, dir.ptr, err);
	}
done:
	if (dh)
		closedir(dh);
	strv_free(names, nnames);
	ew_buf_release(&dir);
	return rc;
}

/* ------------------------------------------------------------ filters */

bool ew_workflow_filter_to_glob(char **out, const char *filter)
{
	struct ew_buf b;
	const char *p = filter;

	*out = NULL;
	if (!filter || filter[0] == '!')
		return false;
	ew_buf_init(&b);
	while (*p) {
		char c = *p++;

		switch (c) {
		case '*':
			while (*p == '*')
				p++;
			if (b.len == 0 || b.ptr[b.len - 1] != '*')
				ew_buf_putc(&b, '*');
			break;
		case '[':
			/* A character class stands for one character. */
			while (*p && *p != ']')
				p++;
			if (*p == ']')
				p++;
			ew_buf_putc(&b, '?');
			break;
		case '?':
			/* The previous character is optional: anything. */
			if (b.len > 0 && b.ptr[b.len - 1] != '*') {
				b.ptr[b.len - 1] = '*';
			} else if (b.len == 0) {
				ew_buf_putc(&b, '*');
			}
			break;
		case '+':
			if (b.len == 0 || b.ptr[b.len - 1] != '*')
				ew_buf_putc(&b, '*');
			break;
		case '\\':
			if (*p)
				ew_buf_putc(&b, *p++);
			break;
		default:
			ew_buf_putc(&b, c);
		}
	}
	if (b.len == 0) {
		/* An empty filter matches nothing; keep it literal. */
		ew_buf_release(&b);
		return false;
	}
	*out = ew_buf_detach(&b);
	return *out != NULL;
}

const char *ew_wf_subject_kind_name(enum ew_wf_subject_kind k)
{
	switch (k) {
	case EW_WF_SUB_BRANCH:
		return "branch";
	case EW_WF_SUB_TAG:
		return "tag";
	case EW_WF_SUB_ENV:
		return "environment";
	case EW_WF_SUB_PR:
		return "pull_request";
	}
	return "?";
}

/* ----------------------------------------------------------- subjects */

struct subj_list {
	struct ew_wf_subject *v;
	size_t n;
};

static void subj_list_release(struct subj_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].context);
		free(l->v[i].why);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Add a subject (context taken over), ignoring a repeat. */
static int subj_add(struct subj_list *l, enum ew_wf_subject_kind kind,
		    char *context, char *why)
{
	struct ew_wf_subject *grown;

	if (!context || !why) {
		free(context);
		free(why);
		return EW_ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].context, context) == 0) {
			free(context);
			free(why);
			return 0;
		}
	grown = realloc(l->v, (l->n + 1) * sizeof(*grown));
	if (!grown) {
		free(context);
		free(why);
		return EW_ENOMEM;
	}
	l->v = grown;
	l->v[l->n].kind = kind;
	l->v[l->n].context = context;
	l->v[l->n].is_pattern = strpbrk(context, "*?") != NULL;
	l->v[l->n].why = why;
	l->n++;
	return 0;
}

static int subj_copy(struct subj_list *dst, const struct subj_list *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int rc =
		    subj_add(dst, src->v[i].kind, ew_strdup(src->v[i].context),
			     ew_strdup(src->v[i].why));
		if (rc)
			return rc;
	}
	return 0;
}

/* One filter of on.push.branches or on.push.tags. */
static int push_ref(struct subj_list *l, enum ew_wf_subject_kind kind,
		    const char *key, const char *filter)
{
	const char *prefix =
	    kind == EW_WF_SUB_TAG ? "ref:refs/tags/" : "ref:refs/heads/";
	char *glob;
	int rc;

	if (!filter || !ew_workflow_filter_to_glob(&glob, filter))
		return 0;
	rc = subj_add(l, kind, ew_aprintf("%s%s", prefix, glob),
		      ew_aprintf("on.push.%s '%s'", key, filter));
	free(glob);
	return rc;
}

/* A filter list (or a single filter) of on.push. */
static int push_refs(struct subj_list *l, yaml_document_t *d,
		     yaml_node_t *filters, enum ew_wf_subject_kind kind,
		     const char *key)
{
	int rc = 0;

	if (scalar(filters))
		return push_ref(l, kind, key, scalar(filters));
	if (!filters || filters->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = filters->data.sequence.items.start;
	     it < filters->data.sequence.items.top && !rc; it++)
		rc = push_ref(l, kind, key, scalar(get(d, *it)));
	return rc;
}

static int push_subjects(struct subj_list *l, yaml_document_t *d,
			 yaml_node_t *cfg)
{
	yaml_node_t *br = map_get(d, cfg, "branches");
	yaml_node_t *bri = map_get(d, cfg, "branches-ignore");
	yaml_node_t *tg = map_get(d, cfg, "tags");
	yaml_node_t *tgi = map_get(d, cfg, "tags-ignore");
	bool has_b = br || bri, has_t = tg || tgi;
	int rc = 0;

	/* GitHub: naming only one kind of filter means the other kind of
	 * ref never triggers the workflow. */
	if (!has_b && !has_t) {
		rc =
		    subj_add(l, EW_WF_SUB_BRANCH, ew_strdup("ref:refs/heads/*"),
			     ew_strdup("on.push (any branch)"));
		if (!rc)
			rc = subj_add(l, EW_WF_SUB_TAG,
				      ew_strdup("ref:refs/tags/*"),
				      ew_strdup("on.push (any tag)"));
		return rc;
	}
	if (has_b) {
		if (br)
			rc = push_refs(l, d, br, EW_WF_SUB_BRANCH, "branches");
		else
			rc = subj_add(l, EW_WF_SUB_BRANCH,
				      ew_strdup("ref:refs/heads/*"),
				      ew_strdup("on.push.branches-ignore "
						"(other branches)"));
	}
	if (!rc && has_t) {
		if (tg)
			rc = push_refs(l, d, tg, EW_WF_SUB_TAG, "tags");
		else
			rc = subj_add(l, EW_WF_SUB_TAG,
				      ew_strdup("ref:refs/tags/*"),
				      ew_strdup("on.push.tags-ignore "
						"(other tags)"));
	}
	return rc;
}

static int event_subjects(struct subj_list *l, yaml_document_t *d,
			  const char *event, yaml_node_t *cfg,
			  const char *default_branch, bool *callable,
			  size_t *nother)
{
	if (strcmp(event, "workflow_call") == 0) {
		*callable = true;
		return 0;
	}
	(*nother)++;
	if (strcmp(event, "push") == 0)
		return push_subjects(l, d, cfg);
	/* pull_request_target is counted with pull_request: both are pull
	 * request events, and the pull_request subject is the one a trust
	 * policy is most likely to lack. */
	if (strcmp(event, "pull_request") == 0 ||
	    strcmp(event, "pull_request_target") == 0)
		return subj_add(l, EW_WF_SUB_PR, ew_strdup("pull_request"),
				ew_aprintf("on.%s", event));
	if (strcmp(event, "release") == 0)
		return subj_add(l, EW_WF_SUB_TAG, ew_strdup("ref:refs/tags/*"),
				ew_strdup("on.release (the release's tag)"));
	/* Dispatch, schedule and the rest run on the default branch (a
	 * manual dispatch may pick another; the default is the common case). */
	return subj_add(l, EW_WF_SUB_BRANCH,
			ew_aprintf("ref:refs/heads/%s", default_branch),
			ew_aprintf("on.%s (the default branch '%s')", event,
				   default_branch));
}

/* The subjects a workflow's triggers give; *callable when it has
 * workflow_call, *only_callable when nothing else. */
static int trigger_subjects(struct subj_list *l, yaml_document_t *d,
			    const char *default_branch, bool *callable,
			    bool *only_callable)
{
	yaml_node_t *root = yaml_document_get_root_node(d);
	yaml_node_t *on = map_get(d, root, "on");
	size_t nother = 0;
	int rc = 0;

	*callable = false;
	if (scalar(on)) {
		rc = event_subjects(l, d, scalar(on), NULL, default_branch,
				    callable, &nother);
	} else if (on && on->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = on->data.sequence.items.start;
		     it < on->data.sequence.items.top && !rc; it++) {
			const char *ev = scalar(get(d, *it));

			if (ev)
				rc = event_subjects(l, d, ev, NULL,
						    default_branch, callable,
						    &nother);
		}
	} else if (on && on->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = on->data.mapping.pairs.start;
		     p < on->data.mapping.pairs.top && !rc; p++) {
			const char *ev = scalar(get(d, p->key));

			if (ev)
				rc = event_subjects(l, d, ev, get(d, p->value),
						    default_branch, callable,
						    &nother);
		}
	}
	*only_callable = *callable && nother == 0;
	return rc;
}

/* ------------------------------------------------------------- values */

static const char *inst_get(const struct inst *in, const char *key, size_t len)
{
	if (!in)
		return NULL;
	for (size_t i = 0; i < in->n; i++)
		if (strlen(in->k[i]) == len && memcmp(in->k[i], key, len) == 0)
			return in->v[i];
	return NULL;
}

static const char *env_get(const struct env_chain *ec, const char *name,
			   size_t len)
{
	for (size_t i = 0; i < 3; i++) {
		yaml_node_t *m = ec->maps[i];

		if (!m || m->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
		     p < m->data.mapping.pairs.top; p++) {
			const char *k = scalar(get(ec->d, p->key));

			if (k && strlen(k) == len && memcmp(k, name, len) == 0)
				return scalar(get(ec->d, p->value));
		}
	}
	return NULL;
}

static int set_once(char **slot, const char *s, size_t len)
{
	if (*slot)
		return 0;
	*slot = malloc(len + 1);
	if (!*slot)
		return EW_ENOMEM;
	memcpy(*slot, s, len);
	(*slot)[len] = '\0';
	return 0;
}

static int facts(struct ew_wf_value *out, const char *text,
		 struct env_chain *ec, const struct inst *in, int depth);

/* One expression body (between "${{" and "}}"). */
static int expr_facts(struct ew_wf_value *out, const char *e, size_t len,
		      struct env_chain *ec, const struct inst *in, int depth)
{
	size_t i = 0;
	int rc = 0;

	while (i < len && !rc) {
		char c = e[i];

		if (c == '\'') {
			struct ew_buf lit;

			i++;

			ew_buf_init(&lit);
			while (i < len) {
				if (e[i] == '\'' && i + 1 < len &&
				    e[i + 1] == '\'') {
					ew_buf_putc(&lit, '\'');
					i += 2;
				} else if (e[i] == '\'') {
					break;
				} else {
					ew_buf_putc(&lit, e[i++]);
				}
			}
			i++;
			rc = set_once(&out->literal, lit.ptr, lit.len);
			ew_buf_release(&lit);
		} else if (is_ident(c) && !(c >= '0' && c <= '9')) {
			size_t start = i, dot, nlen;
			const char *name;

			while (i < len && (is_ident(e[i]) || e[i] == '.'))
				i++;
			name = e + start;
			nlen = i - start;
			dot = 0;
			while (dot < nlen && name[dot] != '.')
				dot++;
			if (dot == nlen)
				continue;
			{
				const char *rest = name + dot + 1;
				size_t rlen = nlen - dot - 1, r = 0;

				while (r < rlen && rest[r] != '.')
					r++;
				if (r == 0)
					continue;
				if (dot == 7 && memcmp(name, "secrets", 7) == 0)
					rc = set_once(&out->secret, rest, r);
				else if (dot == 4 &&
					 memcmp(name, "vars", 4) == 0)
					rc = set_once(&out->var, rest, r);
				else if (dot == 3 &&
					 memcmp(name, "env", 3) == 0) {
					const char *def = env_get(ec, rest, r);

					if (def && depth < MAX_ENV_DEPTH &&
					    ec->budget > 0) {
						ec->budget--;
						rc = facts(out, def, ec, in,
							   depth + 1);
					}
				} else if (dot == 6 &&
					   memcmp(name, "matrix", 6) == 0) {
					const char *v = inst_get(in, rest, r);

					if (v)
						rc = set_once(&out->literal, v,
							      strlen(v));
				}
			}
		} else {
			i++;
		}
	}
	return rc;
}

static int facts(struct ew_wf_value *out, const char *text,
		 struct env_chain *ec, const struct inst *in, int depth)
{
	const char *p = text, *open;
	int rc = 0;

	open = strstr(p, "${{");
	if (!open) {
		size_t len = strlen(text);

		while (len && (text[len - 1] == ' ' || text[len - 1] == '\n'))
			len--;
		while (len && (*text == ' ' || *text == '\n')) {
			text++;
			len--;
		}
		return len ? set_once(&out->literal, text, len) : 0;
	}
	if (depth == 0)
		out->is_expr = true;
	while (open && !rc) {
		const char *body = open + 3, *close = strstr(body, "}}");
		size_t blen = close ? (size_t)(close - body) : strlen(body);

		rc = expr_facts(out, body, blen, ec, in, depth);
		open = close ? strstr(close + 2, "${{") : NULL;
	}
	return rc;
}

static int value_from(struct ew_wf_value *out, const char *raw,
		      struct env_chain *ec, const struct inst *in)
{
	memset(out, 0, sizeof(*out));
	ec->budget = MAX_ENV_EXPANSIONS;
	if (!raw)
		return 0;
	out->raw = ew_strdup(raw);
	if (!out->raw)
		return EW_ENOMEM;
	return facts(out, raw, ec, in, 0);
}

/* ---------------------------------------------------------- the jobs */

static struct perm_info perm_of(yaml_document_t *d, yaml_node_t *owner)
{
	struct perm_info pi = {P_UNSET, 0};
	yaml_node_t *key = NULL;
	yaml_node_t *v = map_get2(d, owner, "permissions", &key);
	const char *s;

	if (!v)
		return pi;
	pi.line = line_of(key);
	if ((s = scalar(v)) != NULL) {
		pi.p = strcmp(s, "write-all") == 0 ? P_WRITE : P_DENIED;
		return pi;
	}
	s = map_str(d, v, "id-token");
	pi.p = s && strcmp(s, "write") == 0 ? P_WRITE : P_DENIED;
	return pi;
}

static bool is_configure_step(const char *uses)
{
	return starts_with_ci(uses, "aws-actions/configure-aws-credentials");
}

static bool is_login_step(const char *uses)
{
	return starts_with_ci(uses, "aws-actions/amazon-ecr-login");
}

/* The first configure-aws-credentials step of a job (or NULL). */
static yaml_node_t *configure_step(yaml_document_t *d, yaml_node_t *job,
				   yaml_node_t **login)
{
	yaml_node_t *steps = map_get(d, job, "steps"), *found = NULL;

	*login = NULL;
	if (!steps || steps->type != YAML_SEQUENCE_NODE)
		return NULL;
	for (yaml_node_item_t *it = steps->data.sequence.items.start;
	     it < steps->data.sequence.items.top; it++) {
		yaml_node_t *st = get(d, *it);
		const char *uses = map_str(d, st, "uses");

		if (!found && is_configure_step(uses))
			found = st;
		if (!*login && is_login_step(uses))
			*login = st;
	}
	return found;
}

static bool mentions_matrix(const char *s)
{
	return s && strstr(s, "matrix.") != NULL;
}

/* The matrix combinations of a job, when something we read uses them. */
static size_t job_instances(struct inst *out, yaml_document_t *d,
			    yaml_node_t *job)
{
	yaml_node_t *m = map_get(d, map_get(d, job, "strategy"), "matrix");
	yaml_node_t *inc = map_get(d, m, "include");
	size_t n = 0;

	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	if (inc && inc->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = inc->data.sequence.items.start;
		     it < inc->data.sequence.items.top && n < MAX_INSTANCES;
		     it++) {
			yaml_node_t *e = get(d, *it);

			if (!e || e->type != YAML_MAPPING_NODE)
				continue;
			out[n].n = 0;
			for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
			     p < e->data.mapping.pairs.top &&
			     out[n].n < MAX_INST_KEYS;
			     p++) {
				const char *k = scalar(get(d, p->key));
				const char *v = scalar(get(d, p->value));

				if (k && v) {
					out[n].k[out[n].n] = k;
					out[n].v[out[n].n++] = v;
				}
			}
			n++;
		}
		return n;
	}
	/* No include: one dimension is expanded, the first list. */
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top; p++) {
		const char *k = scalar(get(d, p->key));
		yaml_node_t *v = get(d, p->value);

		if (!k || !v || v->type != YAML_SEQUENCE_NODE ||
		    strcmp(k, "exclude") == 0)
			continue;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top && n < MAX_INSTANCES;
		     it++) {
			const char *s = scalar(get(d, *it));

			if (!s)
				continue;
			out[n].k[0] = k;
			out[n].v[0] = s;
			out[n].n = 1;
			n++;
		}
		break;
	}
	return n;
}

static const char *job_env_text(yaml_document_t *d, yaml_node_t *job)
{
	yaml_node_t *e = map_get(d, job, "environment");

	if (scalar(e))
		return scalar(e);
	return map_str(d, e, "name");
}

/* The environment name as it appears in the sub: ':' becomes %3A. */
static char *env_context(const char *name)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_puts(&b, "environment:");
	for (const char *p = name; *p; p++) {
		if (*p == ':')
			ew_buf_puts(&b, "%3A");
		else
			ew_buf_putc(&b, *p);
	}
	return ew_buf_detach(&b);
}

/* Find where the job's file takes the registry from. */
static int find_registry(struct ew_wf_aws_job *j, yaml_document_t *d)
{
	struct ew_buf want;
	int rc = 0;

	ew_buf_init(&want);
	if (j->ecr_login_id &&
	    ew_buf_printf(&want, "steps.%s.outputs.registry", j->ecr_login_id))
		return EW_ENOMEM;
	for (yaml_node_t *n = d->nodes.start; n < d->nodes.top; n++) {
		const char *s = scalar(n), *host;

		if (!s)
			continue;
		if (want.len && strstr(s, want.ptr)) {
			j->registry = EW_WF_REGISTRY_OUTPUT;
			break;
		}
		host = strstr(s, ".dkr.ecr.");
		if (host && j->registry == EW_WF_REGISTRY_NONE) {
			const char *b = host, *e = host + 9;

			while (b > s && b[-1] >= '0' && b[-1] <= '9')
				b--;
			while (*e && (is_ident(*e) || *e == '.'))
				e++;
			j->registry = EW_WF_REGISTRY_HARDCODED;
			free(j->registry_text);
			j->registry_text = NULL;
			rc = set_once(&j->registry_text, b, (size_t)(e - b));
			if (rc)
				break;
		}
	}
	if (j->registry == EW_WF_REGISTRY_OUTPUT) {
		free(j->registry_text);
		j->registry_text = NULL;
	}
	ew_buf_release(&want);
	return rc;
}

/* ------------------------------------------------------ tags, secrets */

static int collect_prefixed(char ***v, size_t *n, const char *text,
			    const char *prefix);

/* Expressions whose value differs on every run. */
static bool unique_expr(const char *s)
{
	static const char *const u[] = {"github.sha",
					"github_sha",
					"github.run_id",
					"github.run_number",
					"github_run_id",
					"github_run_number",
					"{{sha}}",
					"{{version}}",
					"{{raw}}",
					"{{patch}}",
					"{{date",
					"steps.",
					"needs.",
					"inputs.",
					"env.",
					"${",
					"$("};

	for (size_t i = 0; i < sizeof(u) / sizeof(*u); i++)
		if (strstr(s, u[i]))
			return true;
	return false;
}

static bool moving_expr(const char *s)
{
	static const char *const m[] = {"github.ref_name", "github.head_ref",
					"github.base_ref", "{{branch}}",
					"github_ref_name", "github_head_ref"};

	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
		if (strstr(s, m[i]))
			return true;
	return false;
}

/* The value of key=VALUE in a metadata-action line ("type=raw,value=x"). */
static bool attr(const char *spec, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);

	for (const char *p = spec; p && *p; p = strchr(p, ',')) {
		size_t n;
		if (*p == ',')
			p++;
		while (*p == ' ')
			p++;
		if (strncmp(p, key, k) != 0 || p[k] != '=')
			continue;
		p += k + 1;
		n = strcspn(p, ",");
		while (n && p[n - 1] == ' ')
			n--;
		if (n >= size)
			n = size - 1;
		memcpy(out, p, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

bool ew_workflow_tag_is_moving(const char *spec)
{
	char type[32] = "", v[256] = "";

	if (!spec || !*spec)
		return false;
	if (!strchr(spec, '=')) { /* a plain tag */
		if (moving_expr(spec))
			return true;
		return !unique_expr(spec);
	}
	attr(spec, "type", type, sizeof(type));
	if (strcmp(type, "ref") == 0) {
		attr(spec, "event", v, sizeof(v));
		return strcmp(v, "branch") == 0 || strcmp(v, "pr") == 0;
	}
	if (strcmp(type, "edge") == 0 || strcmp(type, "schedule") == 0)
		return true;
	if (strcmp(type, "semver") == 0 || strcmp(type, "pep440") == 0) {
		/* {{major}}.{{minor}} names every patch release */
		attr(spec, "pattern", v, sizeof(v));
		return !strstr(v, "{{version}}") && !strstr(v, "{{raw}}") &&
		       !strstr(v, "{{patch}}");
	}
	if (strcmp(type, "raw") == 0 || !*type) {
		if (!attr(spec, "value", v, sizeof(v)))
			return false;
		return moving_expr(v) || !unique_expr(v);
	}
	return false; /* sha, match and the rest: per commit or per tag */
}

static int tag_add(struct ew_wf_aws_job *j, const char *spec, size_t len,
		   const char *where, bool moving)
{
	struct ew_wf_tag *g;

	while (len && (*spec == ' ' || *spec == '\t')) {
		spec++;
		len--;
	}
	while (len && (spec[len - 1] == ' ' || spec[len - 1] == '\r'))
		len--;
	if (!len || spec[0] == '#')
		return 0;
	g = realloc(j->tags, (j->ntags + 1) * sizeof(*g));
	if (!g)
		return EW_ENOMEM;
	j->tags = g;
	g = &j->tags[j->ntags];
	g->spec = ew_aprintf("%.*s", (int)len, spec);
	g->where = ew_strdup(where);
	if (!g->spec || !g->where) {
		free(g->spec);
		free(g->where);
		return EW_ENOMEM;
	}
	g->moving = moving || ew_workflow_tag_is_moving(g->spec);
	j->ntags++;
	return 0;
}

/* The tag of an image reference ("reg/app:v1" -> "v1"; none: latest). */
static int image_tag(struct ew_wf_aws_job *j, const char *ref, size_t len,
		     const char *where)
{
	const char *slash = ref, *colon = NULL;

	for (size_t i = 0; i < len; i++) {
		if (ref[i] == '/')
			slash = ref + i, colon = NULL;
		else if (ref[i] == ':' && !(i + 1 < len && ref[i + 1] == '/'))
			colon = ref + i;
		if (ref[i] == '$' && i + 2 < len && ref[i + 1] == '{' &&
		    ref[i + 2] == '{') { /* skip ${{ ... }} whole */
			const char *e = strstr(ref + i, "}}");
			if (!e || e >= ref + len)
				break;
			i = (size_t)(e - ref) + 1;
		}
	}
	(void)slash;
	if (memchr(ref, '@', len))
		return 0; /* by digest */
	if (!colon)
		return tag_add(j, "latest", 6, where, true);
	return tag_add(j, colon + 1, (size_t)(ref + len - colon - 1), where,
		       false);
}

/* `docker push REF`, `docker tag SRC REF`, `docker build -t REF` lines. */
static int run_tags(struct ew_wf_aws_job *j, const char *run, const char *where)
{
	static const char *const cmds[] = {"docker push ", "docker tag ",
					   "docker image push ",
					   "docker image tag "};
	int rc = 0;

	for (size_t k = 0; k < sizeof(cmds) / sizeof(*cmds) && !rc; k++)
		for (const char *p = strstr(run, cmds[k]); p && !rc;
		     p = strstr(p + 1, cmds[k])) {
			const char *a = p + strlen(cmds[k]), *e;
			while (*a == ' ')
				a++;
			while (*a == '-') /* options */
				a += strcspn(a, " \n"), a += strspn(a, " ");
			if (k % 2 == 1) /* tag: the second argument */
				a += strcspn(a, " \n"), a += strspn(a, " ");
			e = a + strcspn(a, " \n;&|");
			if (e > a && *a != '\\')
				rc = image_tag(j, a, (size_t)(e - a), where);
		}
	return rc;
}

static int split_tags(struct ew_wf_aws_job *j, const char *text,
		      const char *where, bool by_comma)
{
	int rc = 0;

	for (const char *p = text; *p && !rc;) {
		size_t n = strcspn(p, by_comma ? ",\n" : "\n");
		const char *e = p + n;
		if (by_comma) {
			rc = image_tag(j, p, n, where);
			while (n && (p[n - 1] == ' '))
				n--;
		} else {
			rc = tag_add(j, p, n, where, false);
		}
		p = *e ? e + 1 : e;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	return rc;
}

/* The tags a job pushes, step by step. */
static int find_tags(struct ew_wf_aws_job *j, yaml_document_t *d,
		     yaml_node_t *job)
{
	yaml_node_t *steps = map_get(d, job, "steps");
	int rc = 0;

	if (!steps || steps->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = steps->data.sequence.items.start;
	     it < steps->data.sequence.items.top && !rc; it++) {
		yaml_node_t *st = get(d, *it), *with = map_get(d, st, "with");
		const char *uses = map_str(d, st, "uses");
		const char *run = map_str(d, st, "run");
		const char *name = map_str(d, st, "name");
		char *where = ew_aprintf("step '%s' (line %ld)",
					 name	? name
					 : uses ? uses
						: "run",
					 line_of(st));

		if (!where)
			return EW_ENOMEM;
		if (starts_with_ci(uses, "docker/metadata-action")) {
			const char *tags = map_str(d, with, "tags");
			const char *flavor = map_str(d, with, "flavor");
			static const char auto_latest[] =
			    "latest (metadata-action flavor latest=auto/true)";
			char latest[16] = "auto";
			bool versioned = false;

			if (tags)
				rc = split_tags(j, tags, where, false);
			for (const char *f = flavor; f && *f;
			     f += strcspn(f, "\n"), f += strspn(f, "\n"))
				if (strncmp(f + strspn(f, " "), "latest=", 7) ==
				    0)
					attr(f + strspn(f, " "), "latest",
					     latest, sizeof(latest));
			versioned = tags && (strstr(tags, "type=semver") ||
					     strstr(tags, "type=pep440") ||
					     strstr(tags, "type=match") ||
					     strstr(tags, "event=tag"));
			/* latest=auto adds `latest` for version tags */
			if (!rc &&
			    (strncmp(latest, "true", 4) == 0 ||
			     (strncmp(latest, "auto", 4) == 0 && versioned)))
				rc = tag_add(j, auto_latest,
					     strlen(auto_latest), where, true);
		} else if (starts_with_ci(uses, "docker/build-push-action")) {
			const char *tags = map_str(d, with, "tags");
			const char *push = map_str(d, with, "push");
			/* tags from metadata-action were counted there */
			if (tags && push && strcmp(push, "false") != 0 &&
			    !strstr(tags, ".outputs.tags"))
				rc = split_tags(j, tags, where, true);
		} else if (run) {
			rc = run_tags(j, run, where);
		}
		free(where);
	}
	return rc;
}

/* Every secrets.X under node n. */
static int secrets_under(struct ew_wf_aws_job *j, yaml_document_t *d,
			 yaml_node_t *n, int depth)
{
	int rc = 0;

	if (!n || depth > 32)
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		return collect_prefixed(&j->job_secrets, &j->njob_secrets,
					scalar(n), "secrets.");
	if (n->type == YAML_SEQUENCE_NODE)
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !rc; it++)
			rc = secrets_under(j, d, get(d, *it), depth + 1);
	if (n->type == YAML_MAPPING_NODE)
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top && !rc; p++)
			rc = secrets_under(j, d, get(d, p->value), depth + 1);
	return rc;
}

static int find_job_secrets(struct ew_wf_aws_job *j, yaml_document_t *d,
			    yaml_node_t *job)
{
	int rc = secrets_under(j, d, job, 0);

	if (!rc)
		rc = secrets_under(
		    j, d, map_get(d, yaml_document_get_root_node(d), "env"), 0);
	if (!rc && j->njob_secrets > 1)
		qsort(j->job_secrets, j->njob_secrets, sizeof(char *), cmp_str);
	return rc;
}

/* Everything needed to describe one AWS job. */
struct job_src {
	struct wf_doc *file;	    /* the job's workflow */
	const char *job_id;	    /* its key */
	yaml_node_t *job;	    /* its mapping */
	const struct subj_list *on; /* the triggers that apply, or NULL */
	const char *on_note;	    /* why there are none */
	/* For a called job: the caller. */
	struct wf_doc *caller_file;
	const char *caller_id;
	yaml_node_t *caller_job;
};

static int id_token_of(struct ew_wf_aws_job *j, const struct job_src *src)
{
	yaml_document_t *d = &src->file->doc;
	struct perm_info pj = perm_of(d, src->job);
	struct perm_info pw = perm_of(d, yaml_document_get_root_node(d));
	struct perm_info decl = pj.p != P_UNSET ? pj : pw;
	const char *decl_where = pj.p != P_UNSET ? "job" : "workflow";
	long decl_line = decl.line;

	if (src->caller_file) {
		yaml_document_t *cd = &src->caller_file->doc;
		struct perm_info cj = perm_of(cd, src->caller_job);
		struct perm_info cw =
		    perm_of(cd, yaml_document_get_root_node(cd));
		struct perm_info c = cj.p != P_UNSET ? cj : cw;

		/* The caller's token bounds the called workflow's. */
		if (c.p != P_WRITE) {
			j->id_token = c.p == P_UNSET ? EW_WF_ID_TOKEN_DEFAULT
						     : EW_WF_ID_TOKEN_DENIED;
			j->id_token_where =
			    c.p == P_UNSET
				? ew_aprintf("caller '%s' in '%s' has no "
					     "permissions block",
					     src->caller_id,
					     src->caller_file->name)
				: ew_aprintf("%s permissions of caller '%s' "
					     "in '%s' (line %ld)",
					     cj.p != P_UNSET ? "job"
							     : "workflow",
					     src->caller_id,
					     src->caller_file->name, c.line);
			return j->id_token_where ? 0 : EW_ENOMEM;
		}
		if (decl.p == P_DENIED) {
			j->id_token = EW_WF_ID_TOKEN_DENIED;
			j->id_token_where =
			    ew_aprintf("%s permissions in '%s' (line %ld)",
				       decl_where, src->file->name, decl_line);
		} else {
			j->id_token = EW_WF_ID_TOKEN_WRITE;
			j->id_token_where = ew_aprintf(
			    "%s permissions of caller '%s' in '%s' (line %ld)",
			    cj.p != P_UNSET ? "job" : "workflow",
			    src->caller_id, src->caller_file->name, c.line);
		}
		return j->id_token_where ? 0 : EW_ENOMEM;
	}
	switch (decl.p) {
	case P_UNSET:
		j->id_token = EW_WF_ID_TOKEN_DEFAULT;
		j->id_token_where = ew_strdup("no permissions block");
		break;
	case P_WRITE:
		j->id_token = EW_WF_ID_TOKEN_WRITE;
		j->id_token_where = ew_aprintf("%s permissions (line %ld)",
					       decl_where, decl_line);
		break;
	case P_DENIED:
		j->id_token = EW_WF_ID_TOKEN_DENIED;
		j->id_token_where =
		    pj.p != P_UNSET && pw.p == P_WRITE
			? ew_aprintf("job '%s' permissions (line %ld) replace "
				     "the workflow's",
				     src->job_id, decl_line)
			: ew_aprintf("%s permissions (line %ld)", decl_where,
				     decl_line);
		break;
	}
	return j->id_token_where ? 0 : EW_ENOMEM;
}

static int add_job(struct ew_workflow_scan *s, const struct job_src *src,
		   const struct inst *in)
{
	yaml_document_t *d = &src->file->doc;
	yaml_node_t *login, *step = configure_step(d, src->job, &login);
	yaml_node_t *with = map_get(d, step, "with");
	struct env_chain ec = {
	    d,
	    {map_get(d, step, "env"), map_get(d, src->job, "env"),
	     map_get(d, yaml_document_get_root_node(d), "env")},
	    0};
	struct ew_wf_aws_job *grown, *j;
	struct subj_list subj = {0};
	const char *envtext = job_env_text(d, src->job);
	char *end;
	int rc;

	grown = realloc(s->jobs, (s->njobs + 1) * sizeof(*grown));
	if (!grown)
		return EW_ENOMEM;
	s->jobs = grown;
	j = &s->jobs[s->njobs++];
	memset(j, 0, sizeof(*j));
	j->file = ew_strdup(src->file->name);
	j->line = line_of(src->job);
	if (in && in->n)
		j->job =
		    ew_aprintf("%s (%s=%s)", src->job_id, in->k[0], in->v[0]);
	else
		j->job = ew_strdup(src->job_id);
	if (src->caller_file)
		j->caller =
		    ew_aprintf("%s:%s", src->caller_file->name, src->caller_id);
	if (!j->file || !j->job || (src->caller_file && !j->caller))
		return EW_ENOMEM;
	if ((rc = id_token_of(j, src)) != 0)
		return rc;

	if ((rc = value_from(&j->role, map_str(d, with, "role-to-assume"), &ec,
			     in)) ||
	    (rc = value_from(&j->region, map_str(d, with, "aws-region"), &ec,
			     in)) ||
	    (rc = value_from(&j->duration,
			     map_str(d, with, "role-duration-seconds"), &ec,
			     in)) ||
	    (rc = value_from(&j->audience, map_str(d, with, "audience"), &ec,
			     in)))
		return rc;
	if (j->duration.literal) {
		long v = strtol(j->duration.literal, &end, 10);

		if (end != j->duration.literal && *end == '\0' && v > 0)
			j->duration_seconds = v;
	}
	if (login) {
		const char *id = map_str(d, login, "id");

		j->has_ecr_login = true;
		if (id && !(j->ecr_login_id = ew_strdup(id)))
			return EW_ENOMEM;
	}
	if ((rc = find_registry(j, d)) != 0 ||
	    (rc = find_tags(j, d, src->job)) != 0 ||
	    (rc = find_job_secrets(j, d, src->job)) != 0)
		return rc;

	/* The subject: environment wins, then the event's. */
	if (envtext) {
		struct ew_wf_value ev;
		const char *name = NULL;

		if ((rc = value_from(&ev, envtext, &ec, in)) != 0) {
			value_release(&ev);
			return rc;
		}
		if (!ev.is_expr)
			name = envtext;
		else if (ev.literal && !ev.secret && !ev.var)
			name = ev.literal;
		if (name)
			rc = subj_add(&subj, EW_WF_SUB_ENV, env_context(name),
				      ew_aprintf("environment '%s'", name));
		else
			j->subjects_note = ew_aprintf(
			    "the environment comes from an expression ('%s'); "
			    "its subject is repo:OWNER/REPO:environment:NAME",
			    envtext);
		value_release(&ev);
		if (rc || (!name && !j->subjects_note))
			return rc ? rc : EW_ENOMEM;
	} else if (src->on) {
		rc = subj_copy(&subj, src->on);
		if (rc) {
			subj_list_release(&subj);
			return rc;
		}
	} else if (src->on_note &&
		   !(j->subjects_note = ew_strdup(src->on_note))) {
		return EW_ENOMEM;
	}
	j->subjects = subj.v;
	j->nsubjects = subj.n;
	return 0;
}

/* One AWS job, once per matrix combination when its inputs use them. */
static int add_job_instances(struct ew_workflow_scan *s,
			     const struct job_src *src)
{
	yaml_document_t *d = &src->file->doc;
	yaml_node_t *login, *step = configure_step(d, src->job, &login);
	yaml_node_t *with = map_get(d, step, "with");
	struct inst *ins;
	size_t n = 0;
	bool uses = mentions_matrix(job_env_text(d, src->job));
	int rc = 0;

	if (with && with->type == YAML_MAPPING_NODE)
		for (yaml_node_pair_t *p = with->data.mapping.pairs.start;
		     p < with->data.mapping.pairs.top; p++)
			uses =
			    uses || mentions_matrix(scalar(get(d, p->value)));
	{
		yaml_node_t *env = map_get(d, src->job, "env");

		if (env && env->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *p =
				 env->data.mapping.pairs.start;
			     p < env->data.mapping.pairs.top; p++)
				uses = uses || mentions_matrix(
						   scalar(get(d, p->value)));
	}
	if (!uses)
		return add_job(s, src, NULL);
	ins = calloc(MAX_INSTANCES, sizeof(*ins));
	if (!ins)
		return EW_ENOMEM;
	n = job_instances(ins, d, src->job);
	if (n == 0)
		rc = add_job(s, src, NULL);
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_job(s, src, &ins[i]);
	free(ins);
	return rc;
}

static struct wf_doc *find_doc(struct scan_priv *p, const char *name)
{
	for (size_t i = 0; i < p->ndocs; i++)
		if (strcmp(p->docs[i].name, name) == 0)
			return &p->docs[i];
	return NULL;
}

/* "./.github/workflows/x.yml" -> ".github/workflows/x.yml", else NULL. */
static const char *local_callee(const char *uses)
{
	if (!uses || strncmp(uses, "./", 2) != 0 || strchr(uses, '@'))
		return NULL;
	return uses + 2;
}

/* Load every local reusable workflow a caller names (one level). */
static int load_callees(struct ew_workflow_scan *s, struct ew_error *err)
{
	struct scan_priv *p = priv(s);
	size_t n = p->ndocs;

	for (size_t i = 0; i < n; i++) {
		yaml_document_t *d;
		yaml_node_t *jobs;

		if (!p->docs[i].ok)
			continue;
		d = &p->docs[i].doc;
		jobs = map_get(d, yaml_document_get_root_node(d), "jobs");
		for (yaml_node_pair_t *q = jobs->data.mapping.pairs.start;
		     q < jobs->data.mapping.pairs.top; q++) {
			const char *callee =
			    local_callee(map_str(d, get(d, q->value), "uses"));
			int rc;

			if (!callee || find_doc(p, callee) || !p->root)
				continue;
			rc = add_file(s, p->root, callee, err);
			if (rc)
				return rc;
			/* add_file may have moved the array. */
			p = priv(s);
			d = &p->docs[i].doc;
			jobs =
			    map_get(d, yaml_document_get_root_node(d), "jobs");
			q = jobs->data.mapping.pairs.start +
			    (q - jobs->data.mapping.pairs.start);
		}
	}
	return 0;
}

static bool is_called(struct scan_priv *p, const char *name)
{
	for (size_t i = 0; i < p->ndocs; i++) {
		yaml_document_t *d = &p->docs[i].doc;
		yaml_node_t *jobs;

		if (!p->docs[i].ok)
			continue;
		jobs = map_get(d, yaml_document_get_root_node(d), "jobs");
		for (yaml_node_pair_t *q = jobs->data.mapping.pairs.start;
		     q < jobs->data.mapping.pairs.top; q++) {
			const char *callee =
			    local_callee(map_str(d, get(d, q->value), "uses"));

			if (callee && strcmp(callee, name) == 0)
				return true;
		}
	}
	return false;
}

/* Every PREFIXNAME (secrets.X, vars.X) in text, added to *v. */
static int collect_prefixed(char ***v, size_t *n, const char *text,
			    const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = text;

	while ((p = strstr(p, prefix)) != NULL) {
		const char *name = p + plen, *e = name;
		bool word = p == text || !(is_ident(p[-1]) || p[-1] == '.');

		while (is_ident(*e) && *e != '-')
			e++;
		p = name;
		if (!word || e == name ||
		    ((size_t)(e - name) == 12 &&
		     strncasecmp(name, "GITHUB_TOKEN", 12) == 0))
			continue;
		if (strv_add_unique(v, n, name, (size_t)(e - name)))
			return EW_ENOMEM;
	}
	return 0;
}

/* Every secrets.X / vars.X a document names. */
static int collect_names(struct ew_workflow_scan *s, yaml_document_t *d)
{
	for (yaml_node_t *n = d->nodes.start; n < d->nodes.top; n++) {
		const char *text = scalar(n);

		if (text &&
		    (collect_prefixed(&s->secrets, &s->nsecrets, text,
				      "secrets.") ||
		     collect_prefixed(&s->vars, &s->nvars, text, "vars.")))
			return EW_ENOMEM;
	}
	return 0;
}

int ew_workflow_scan_finish(struct ew_workflow_scan *s,
			    const char *default_branch, struct ew_error *err)
{
	struct scan_priv *p;
	int rc = 0;

	if (!default_branch || !*default_branch)
		default_branch = "main";
	if (ensure_priv(s))
		return ew_error_oom(err);
	if ((rc = load_callees(s, err)) != 0)
		return rc;
	p = priv(s);

	for (size_t i = 0; i < p->ndocs && !rc; i++) {
		struct wf_doc *f = &p->docs[i];
		struct subj_list on = {0};
		bool callable, only_callable;
		yaml_node_t *jobs;

		if (!f->ok)
			continue;
		rc = trigger_subjects(&on, &f->doc, default_branch, &callable,
				      &only_callable);
		jobs = map_get(&f->doc, yaml_document_get_root_node(&f->doc),
			       "jobs");
		for (yaml_node_pair_t *q = jobs->data.mapping.pairs.start;
		     q < jobs->data.mapping.pairs.top && !rc; q++) {
			struct job_src src = {0};
			yaml_node_t *job = get(&f->doc, q->value);
			const char *id = scalar(get(&f->doc, q->key));
			const char *callee_name =
			    local_callee(map_str(&f->doc, job, "uses"));
			yaml_node_t *login;

			if (!id || !job || job->type != YAML_MAPPING_NODE)
				continue;
			if (callee_name) {
				struct wf_doc *c = find_doc(p, callee_name);
				yaml_node_t *cj;

				if (!c || !c->ok)
					continue;
				cj = map_get(
				    &c->doc,
				    yaml_document_get_root_node(&c->doc),
				    "jobs");
				for (yaml_node_pair_t *r =
					 cj->data.mapping.pairs.start;
				     r < cj->data.mapping.pairs.top && !rc;
				     r++) {
					yaml_node_t *k = get(&c->doc, r->value);

					if (!configure_step(&c->doc, k, &login))
						continue;
					src.file = c;
					src.job_id =
					    scalar(get(&c->doc, r->key));
					src.job = k;
					src.on = &on;
					src.caller_file = f;
					src.caller_id = id;
					src.caller_job = job;
					if (src.job_id)
						rc = add_job_instances(s, &src);
				}
				continue;
			}
			if (!configure_step(&f->doc, job, &login))
				continue;
			/* A reusable workflow is judged through its
			 * local callers, when there are any. */
			if (only_callable && is_called(p, f->name))
				continue;
			src.file = f;
			src.job_id = id;
			src.job = job;
			if (only_callable)
				src.on_note =
				    "a reusable workflow (on: workflow_call) "
				    "with no local caller: its callers' "
				    "triggers decide the subject";
			else
				src.on = &on;
			rc = add_job_instances(s, &src);
		}
		subj_list_release(&on);
	}
	for (size_t i = 0; i < p->ndocs && !rc; i++)
		if (p->docs[i].ok)
			rc = collect_names(s, &p->docs[i].doc);
	if (rc)
		return ew_error_set(err, rc, "out of memory");
	if (s->nsecrets)
		qsort(s->secrets, s->nsecrets, sizeof(*s->secrets), cmp_str);
	if (s->nvars)
		qsort(s->vars, s->nvars, sizeof(*s->vars), cmp_str);
	return 0;
}
