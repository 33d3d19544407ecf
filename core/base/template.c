#include "template.h"

#include "template_files.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH  16
#define MAX_OUTPUT (16u << 20)

struct entry {
	char *name;
	char *value; /* NULL for a list */
	bool is_list;
	struct ew_template_vars **items;
	size_t nitems;
};

struct ew_template_vars {
	struct entry *e;
	size_t n;
	const struct ew_template_vars *parent;
};

/* ------------------------------------------------------------ vars */

struct ew_template_vars *ew_template_vars_new(void)
{
	return calloc(1, sizeof(struct ew_template_vars));
}

void ew_template_vars_free(struct ew_template_vars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->e[i].name);
		free(v->e[i].value);
		for (size_t j = 0; j < v->e[i].nitems; j++)
			ew_template_vars_free(v->e[i].items[j]);
		free(v->e[i].items);
	}
	free(v->e);
	free(v);
}

static struct entry *find_local(const struct ew_template_vars *v,
				const char *name, size_t len)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->e[i].name) == len &&
		    memcmp(v->e[i].name, name, len) == 0)
			return &v->e[i];
	return NULL;
}

static const struct entry *lookup(const struct ew_template_vars *v,
				  const char *name, size_t len)
{
	for (; v; v = v->parent) {
		const struct entry *e = find_local(v, name, len);

		if (e)
			return e;
	}
	return NULL;
}

static struct entry *get_or_add(struct ew_template_vars *v, const char *name)
{
	struct entry *e = find_local(v, name, strlen(name)), *grown;
	char *copy;

	if (e)
		return e;
	copy = ew_strdup(name);
	if (!copy)
		return NULL;
	grown = realloc(v->e, (v->n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return NULL;
	}
	v->e = grown;
	e = &v->e[v->n++];
	memset(e, 0, sizeof(*e));
	e->name = copy;
	e->value = NULL;
	return e;
}

int ew_template_vars_set(struct ew_template_vars *v, const char *name,
			 const char *value)
{
	struct entry *e;
	char *copy = ew_strdup(value ? value : "");

	if (!copy)
		return EW_ENOMEM;
	e = get_or_add(v, name);
	if (!e || e->is_list) {
		free(copy);
		return e ? EW_EINVAL : EW_ENOMEM;
	}
	free(e->value);
	e->value = copy;
	return 0;
}

int ew_template_vars_setf(struct ew_template_vars *v, const char *name,
			  const char *fmt, ...)
{
	struct ew_buf b;
	va_list ap;
	int rc;

	ew_buf_init(&b);
	va_start(ap, fmt);
	rc = ew_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = ew_template_vars_set(v, name, b.ptr);
	ew_buf_release(&b);
	return rc;
}

int ew_template_vars_list(struct ew_template_vars *v, const char *name)
{
	struct entry *e = get_or_add(v, name);

	if (!e)
		return EW_ENOMEM;
	if (e->value)
		return EW_EINVAL;
	e->is_list = true;
	return 0;
}

struct ew_template_vars *ew_template_vars_add_item(struct ew_template_vars *v,
						   const char *name)
{
	struct entry *e = get_or_add(v, name);
	struct ew_template_vars **grown, *item;

	if (!e || e->value)
		return NULL;
	e->is_list = true;
	item = ew_template_vars_new();
	if (!item)
		return NULL;
	grown = realloc(e->items, (e->nitems + 1) * sizeof(*grown));
	if (!grown) {
		free(item);
		return NULL;
	}
	e->items = grown;
	item->parent = v;
	e->items[e->nitems++] = item;
	return item;
}

/* ------------------------------------------------------------ parsing */

enum node_type { N_TEXT, N_VAR, N_SECTION, N_INVERTED };

struct node {
	enum node_type type;
	const char *s; /* text, or the name */
	size_t len;
	size_t offset; /* in the template, for messages */
	struct node *kids;
	size_t nkids;
};

struct tag {
	size_t start;	 /* the first '{' */
	size_t text_end; /* where the text before the tag ends */
	size_t next;	 /* where scanning resumes */
	char sigil;	 /* 0, '#', '^', '/', '!' */
	const char *name;
	size_t nlen;
};

struct parser {
	const char *t;
	size_t len;
	struct ew_error *err;
};

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_name_char(char c)
{
	return is_upper(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the tag [start, end) stands alone on its line; then widen the
 * text cut and the resume point to swallow the whole line. */
static void standalone(const struct parser *P, size_t text_start,
		       struct tag *tg)
{
	size_t ls = tg->start, k = tg->next;

	while (ls > text_start && (P->t[ls - 1] == ' ' || P->t[ls - 1] == '\t'))
		ls--;
	/* At ls == text_start the byte before is the end of the previous
	 * tag: a '\n' only when that tag swallowed its own line. */
	if (ls > 0 && P->t[ls - 1] != '\n')
		return;
	while (k < P->len && (P->t[k] == ' ' || P->t[k] == '\t'))
		k++;
	if (k < P->len && P->t[k] == '\n')
		k++;
	else if (k + 1 < P->len && P->t[k] == '\r' && P->t[k + 1] == '\n')
		k += 2;
	else if (k < P->len)
		return;
	tg->text_end = ls;
	tg->next = k;
}

static bool find_tag(const struct parser *P, size_t pos, struct tag *tg)
{
	const char *t = P->t;

	for (size_t i = pos; i + 1 < P->len; i++) {
		size_t j = i + 2, k;
		char sigil = 0;

		if (t[i] != '{' || t[i + 1] != '{')
			continue;
		if (i > 0 && t[i - 1] == '$')
			continue;
		if (j < P->len && t[j] &&
		    (t[j] == '#' || t[j] == '^' || t[j] == '/' || t[j] == '!'))
			sigil = t[j++];
		if (sigil == '!') {
			for (k = j; k + 1 < P->len; k++)
				if (t[k] == '}' && t[k + 1] == '}')
					break;
			if (k + 1 >= P->len)
				continue;
			tg->name = t + j;
			tg->nlen = k - j;
		} else {
			if (j >= P->len || !is_upper(t[j]))
				continue;
			for (k = j; k < P->len && is_name_char(t[k]); k++)
				;
			if (k + 1 >= P->len || t[k] != '}' || t[k + 1] != '}')
				continue;
			tg->name = t + j;
			tg->nlen = k - j;
		}
		tg->start = i;
		tg->text_end = i;
		tg->next = k + 2;
		tg->sigil = sigil;
		if (sigil)
			standalone(P, pos, tg);
		return true;
	}
	return false;
}

static size_t line_of(const struct parser *P, size_t offset)
{
	size_t line = 1;

	for (size_t i = 0; i < offset && i < P->len; i++)
		if (P->t[i] == '\n')
			line++;
	return line;
}

static void free_nodes(struct node *n, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free_nodes(n[i].kids, n[i].nkids);
	free(n);
}

static struct node *add_node(struct node **list, size_t *n)
{
	struct node *grown = realloc(*list, (*n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	*list = grown;
	memset(&grown[*n], 0, sizeof(*grown));
	return &grown[(*n)++];
}

static int parse_block(const struct parser *P, size_t *pos, int depth,
		       const struct tag *open, struct node **list, size_t *n)
{
	struct tag tg;
	struct node *node;
	int rc;

	for (;;) {
		bool found = find_tag(P, *pos, &tg);
		size_t text_end = found ? tg.text_end : P->len;

		if (text_end > *pos) {
			node = add_node(list, n);
			if (!node)
				return EW_ENOMEM;
			node->type = N_TEXT;
			node->s = P->t + *pos;
			node->len = text_end - *pos;
		}
		if (!found) {
			*pos = P->len;
			if (open)
				return ew_error_set(
				    P->err, EW_EINVAL,
				    "template: section '%.*s' opened on line "
				    "%zu is not closed",
				    (int)open->nlen, open->name,
				    line_of(P, open->start));
			return 0;
		}
		*pos = tg.next;
		if (tg.sigil == '!')
			continue;
		if (tg.sigil == '/') {
			if (!open || open->nlen != tg.nlen ||
			    memcmp(open->name, tg.name, tg.nlen) != 0)
				return ew_error_set(
				    P->err, EW_EINVAL,
				    "template: '{{/%.*s}}' on line %zu closes "
				    "no open section",
				    (int)tg.nlen, tg.name,
				    line_of(P, tg.start));
			return 0;
		}
		node = add_node(list, n);
		if (!node)
			return EW_ENOMEM;
		node->s = tg.name;
		node->len = tg.nlen;
		node->offset = tg.start;
		if (!tg.sigil) {
			node->type = N_VAR;
			continue;
		}
		node->type = tg.sigil == '#' ? N_SECTION : N_INVERTED;
		if (depth >= MAX_DEPTH)
			return ew_error_set(P->err, EW_EINVAL,
					    "template: sections nested deeper "
					    "than %d on line %zu",
					    MAX_DEPTH, line_of(P, tg.start));
		{
			struct node *kids = NULL;
			size_t nkids = 0;

			rc = parse_block(P, pos, depth + 1, &tg, &kids, &nkids);
			/* node may have moved: re-find it at the end. */
			(*list)[*n - 1].kids = kids;
			(*list)[*n - 1].nkids = nkids;
			if (rc)
				return rc;
		}
	}
}

/* ------------------------------------------------------------ rendering */

static int render(const struct parser *P, struct ew_buf *out,
		  const struct node *nodes, size_t n,
		  const struct ew_template_vars *scope)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const struct node *nd = &nodes[i];
		const struct entry *e;
		bool empty;

		if (out->len > MAX_OUTPUT)
			return ew_error_set(P->err, EW_EINVAL,
					    "template: output larger than %u "
					    "bytes",
					    MAX_OUTPUT);
		if (nd->type == N_TEXT) {
			rc = ew_buf_add(out, nd->s, nd->len);
			continue;
		}
		e = lookup(scope, nd->s, nd->len);
		if (!e)
			return ew_error_set(P->err, EW_EINVAL,
					    "template: unknown name '%.*s' on "
					    "line %zu",
					    (int)nd->len, nd->s,
					    line_of(P, nd->offset));
		if (nd->type == N_VAR) {
			if (e->is_list)
				return ew_error_set(
				    P->err, EW_EINVAL,
				    "template: '%.*s' on line %zu is a list, "
				    "use it as a section",
				    (int)nd->len, nd->s,
				    line_of(P, nd->offset));
			rc = ew_buf_puts(out, e->value);
			continue;
		}
		empty = e->is_list ? e->nitems == 0 : e->value[0] == '\0';
		if (nd->type == N_INVERTED) {
			if (empty)
				rc = render(P, out, nd->kids, nd->nkids, scope);
		} else if (!e->is_list) {
			if (!empty)
				rc = render(P, out, nd->kids, nd->nkids, scope);
		} else {
			for (size_t j = 0; j < e->nitems && !rc; j++)
				rc = render(P, out, nd->kids, nd->nkids,
					    e->items[j]);
		}
	}
	if (rc == EW_ENOMEM)
		ew_error_set(P->err, rc, "out of memory");
	return rc;
}

int ew_template_render(struct ew_buf *out, const char *tpl, size_t len,
		       const struct ew_template_vars *vars,
		       struct ew_error *err)
{
	struct parser P = {tpl, len, err};
	struct node *nodes = NULL;
	size_t n = 0, pos = 0, start = out->len;
	int rc;

	rc = parse_block(&P, &pos, 0, NULL, &nodes, &n);
	if (rc == EW_ENOMEM)
		ew_error_set(err, rc, "out of memory");
	if (!rc)
		rc = render(&P, out, nodes, n, vars);
	free_nodes(nodes, n);
	if (rc) {
		/* Leave out as it was: no half-rendered document. */
		out->len = start;
		if (out->cap)
			out->ptr[start] = '\0';
	}
	return rc;
}

int ew_template_render_file(struct ew_buf *out, const char *name,
			    const struct ew_template_vars *vars,
			    struct ew_error *err)
{
	const struct ew_template_file *f = ew_template_file_find(name);
	int rc;

	if (!f)
		return ew_error_set(err, EW_ENOTFOUND,
				    "template '%s' is not built in", name);
	rc = ew_template_render(out, f->data, f->len, vars, err);
	if (rc)
		ew_error_prefix(err, "cannot render template '%s'", name);
	return rc;
}
