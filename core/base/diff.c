#include "diff.h"

#include <stdlib.h>
#include <string.h>

struct line {
	const char *s;
	size_t len;  /* without the '\n' */
	bool has_nl; /* false only for a last line without one */
};

struct op {
	char type; /* ' ', '-', '+' */
	size_t ai; /* index of the a line (for ' ' and '-') or of the next */
	size_t bi; /* likewise in b */
};

#define INVALID (-1)

static int split(const char *text, struct line **out, size_t *n)
{
	size_t count = 0, cap = 0;
	struct line *v = NULL;

	*out = NULL;
	*n = 0;
	if (!text)
		return 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (count == cap) {
			struct line *g;

			cap = cap ? cap * 2 : 64;
			g = realloc(v, cap * sizeof(*g));
			if (!g) {
				free(v);
				return EW_ENOMEM;
			}
			v = g;
		}
		v[count].s = p;
		v[count].len = len;
		v[count].has_nl = nl != NULL;
		count++;
		p += len + (nl ? 1 : 0);
	}
	*out = v;
	*n = count;
	return 0;
}

static bool same(const struct line *a, const struct line *b)
{
	return a->len == b->len && a->has_nl == b->has_nl &&
	       memcmp(a->s, b->s, a->len) == 0;
}

static void push(struct op *ops, size_t *n, char type, size_t ai, size_t bi)
{
	ops[*n].type = type;
	ops[*n].ai = ai;
	ops[*n].bi = bi;
	(*n)++;
}

/*
 * Myers' greedy shortest edit script between A = a[0..N) and B = b[0..M),
 * with every V_d kept for the walk back.  Points off the edit graph are
 * INVALID so they can never be chosen as a predecessor.  Appends the
 * middle ops (indices offset by `base`) to ops; returns 1 when the script
 * would need more than EW_DIFF_MAX_EDITS edits, 0 when done, or
 * EW_ENOMEM.
 */
static int myers(const struct line *a, int N, const struct line *b, int M,
		 size_t base, struct op *ops, size_t *nops)
{
	int max = N + M, D = -1, rc = 0;
	int **V;
	struct op *rev;
	size_t nrev = 0;

	if (max > EW_DIFF_MAX_EDITS)
		max = EW_DIFF_MAX_EDITS;
	V = calloc((size_t)max + 1, sizeof(*V));
	if (!V)
		return EW_ENOMEM;
	for (int d = 0; d <= max && D < 0; d++) {
		int *cur = malloc((2 * (size_t)d + 1) * sizeof(int));
		const int *prev = d ? V[d - 1] : NULL;

		if (!cur) {
			rc = EW_ENOMEM;
			goto done;
		}
		V[d] = cur;
		for (int k = -d; k <= d; k++)
			cur[k + d] = INVALID;
		for (int k = -d; k <= d; k += 2) {
			int x, y;

			if (d == 0) {
				x = 0;
			} else {
				int xd = k + 1 <= d - 1 ? prev[k + 1 + d - 1]
							: INVALID;
				int xr = k - 1 >= -(d - 1) ? prev[k - 1 + d - 1]
							   : INVALID;

				if (xd != INVALID && (xr == INVALID || xr < xd))
					x = xd;
				else if (xr != INVALID)
					x = xr + 1;
				else
					continue;
			}
			y = x - k;
			if (x > N || y > M || y < 0)
				continue;
			while (x < N && y < M && same(&a[x], &b[y])) {
				x++;
				y++;
			}
			cur[k + d] = x;
			if (x == N && y == M) {
				D = d;
				break;
			}
		}
	}
	if (D < 0) {
		rc = 1;
		goto done;
	}
	/* Walk back from (N, M), collecting ops in reverse. */
	rev = malloc(((size_t)N + (size_t)M + 1) * sizeof(*rev));
	if (!rev) {
		rc = EW_ENOMEM;
		goto done;
	}
	{
		int x = N, y = M;

		for (int d = D; d >= 0; d--) {
			int k = x - y, px, py;

			if (d == 0) {
				px = 0;
				py = 0;
			} else {
				const int *prev = V[d - 1];
				int xd = k + 1 <= d - 1 ? prev[k + 1 + d - 1]
							: INVALID;
				int xr = k - 1 >= -(d - 1) ? prev[k - 1 + d - 1]
							   : INVALID;
				bool down =
				    xd != INVALID && (xr == INVALID || xr < xd);

				px = down ? xd : xr;
				py = px - (down ? k + 1 : k - 1);
				/* The snake back to the end of the edit. */
				while (x > (down ? px : px + 1) &&
				       y > (down ? py + 1 : py)) {
					x--;
					y--;
					push(rev, &nrev, ' ', base + (size_t)x,
					     base + (size_t)y);
				}
				if (down) {
					y--;
					push(rev, &nrev, '+', base + (size_t)x,
					     base + (size_t)y);
				} else {
					x--;
					push(rev, &nrev, '-', base + (size_t)x,
					     base + (size_t)y);
				}
				continue;
			}
			while (x > px && y > py) {
				x--;
				y--;
				push(rev, &nrev, ' ', base + (size_t)x,
				     base + (size_t)y);
			}
		}
	}
	while (nrev > 0)
		ops[(*nops)++] = rev[--nrev];
	free(rev);
done:
	for (int d = 0; d <= max; d++)
		free(V[d]);
	free(V);
	return rc;
}

static int put_line(struct ew_buf *out, char type, const struct line *l)
{
	int rc = ew_buf_putc(out, type);

	if (!rc)
		rc = ew_buf_add(out, l->s, l->len);
	if (!rc)
		rc = ew_buf_putc(out, '\n');
	if (!rc && !l->has_nl)
		rc = ew_buf_puts(out, "\\ No newline at end of file\n");
	return rc;
}

static int put_range(struct ew_buf *out, char sign, size_t start, size_t count)
{
	/* diff -u: a count of 1 is implied; an empty range names the line
	 * before it. */
	if (count == 1)
		return ew_buf_printf(out, "%c%zu", sign, start + 1);
	return ew_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start,
			     count);
}

static int emit(struct ew_buf *out, const struct op *ops, size_t n,
		const struct line *a, const struct line *b)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && !rc) {
		size_t c = i, start, end, last, ac = 0, bc = 0;

		while (c < n && ops[c].type == ' ')
			c++;
		if (c == n)
			break;
		start = c > i + EW_DIFF_CONTEXT ? c - EW_DIFF_CONTEXT : i;
		last = c;
		for (end = c; end < n; end++) {
			if (ops[end].type != ' ')
				last = end;
			else if (end - last > 2 * EW_DIFF_CONTEXT)
				break;
		}
		end = last + EW_DIFF_CONTEXT + 1 < n
			  ? last + EW_DIFF_CONTEXT + 1
			  : n;
		for (size_t j = start; j < end; j++) {
			ac += ops[j].type != '+';
			bc += ops[j].type != '-';
		}
		rc = ew_buf_puts(out, "@@ ");
		if (!rc)
			rc = put_range(out, '-', ops[start].ai, ac);
		if (!rc)
			rc = ew_buf_putc(out, ' ');
		if (!rc)
			rc = put_range(out, '+', ops[start].bi, bc);
		if (!rc)
			rc = ew_buf_puts(out, " @@\n");
		for (size_t j = start; j < end && !rc; j++)
			rc = put_line(out, ops[j].type,
				      ops[j].type == '+' ? &b[ops[j].bi]
							 : &a[ops[j].ai]);
		i = end;
	}
	return rc;
}

int ew_diff_unified(struct ew_buf *out, const char *a, const char *b,
		    const char *label_a, const char *label_b, bool *changed,
		    struct ew_error *err)
{
	struct line *la = NULL, *lb = NULL;
	struct op *ops = NULL;
	size_t na, nb, pre = 0, suf = 0, nops = 0;
	int rc;

	if (changed)
		*changed = false;
	rc = split(a, &la, &na);
	if (!rc)
		rc = split(b, &lb, &nb);
	if (rc)
		goto done;
	while (pre < na && pre < nb && same(&la[pre], &lb[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre &&
	       same(&la[na - 1 - suf], &lb[nb - 1 - suf]))
		suf++;
	if (pre == na && pre == nb)
		goto done;
	if (changed)
		*changed = true;
	ops = malloc((na + nb + 1) * sizeof(*ops));
	if (!ops) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < pre; i++)
		push(ops, &nops, ' ', i, i);
	if (na - pre - suf > (size_t)EW_DIFF_MAX_EDITS ||
	    nb - pre - suf > (size_t)EW_DIFF_MAX_EDITS)
		rc = 1;
	else
		/* an empty side has no line array at all: no offset on a
		 * null pointer (undefined behaviour) */
		rc = myers(la ? la + pre : NULL, (int)(na - pre - suf),
			   lb ? lb + pre : NULL, (int)(nb - pre - suf), pre,
			   ops, &nops);
	if (rc == 1) {
		/* Too different to be worth the search: replace the middle. */
		rc = 0;
		for (size_t i = pre; i < na - suf; i++)
			push(ops, &nops, '-', i, pre);
		for (size_t i = pre; i < nb - suf; i++)
			push(ops, &nops, '+', na - suf, i);
	}
	if (rc)
		goto done;
	for (size_t i = 0; i < suf; i++)
		push(ops, &nops, ' ', na - suf + i, nb - suf + i);
	rc = ew_buf_printf(out, "--- %s\n+++ %s\n", label_a ? label_a : "a",
			   label_b ? label_b : "b");
	if (!rc)
		rc = emit(out, ops, nops, la, lb);
done:
	free(la);
	free(lb);
	free(ops);
	if (rc)
		return ew_error_oom(err);
	return 0;
}
