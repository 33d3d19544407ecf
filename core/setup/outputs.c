#include "outputs.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const char *description;
} secrets[] = {
    {"AWS_REGION", "AWS region of the ECR repository"},
    {"ECR_REPOSITORY", "ECR repository name (the bare name, not the URI)"},
    {"ECR_REGISTRY", "ECR registry host the image is pushed to"},
    {"AWS_ROLE_ARN", "IAM role GitHub Actions assumes through OIDC"},
};

#define NSECRETS (sizeof(secrets) / sizeof(*secrets))

void ew_outputs_release(struct ew_outputs *o)
{
	for (size_t i = 0; i < o->nrows; i++)
		free(o->rows[i].value);
	free(o->rows);
	o->rows = NULL;
	o->nrows = 0;
}

static int target_rows(struct ew_output_row *rows, const struct ew_setup *s,
		       const struct ew_env_target *env, struct ew_error *err)
{
	struct ew_buf b;
	int rc = 0;

	ew_buf_init(&b);
	for (size_t i = 0; i < NSECRETS && !rc; i++) {
		ew_buf_clear(&b);
		switch (i) {
		case 0:
			rc = ew_buf_puts(&b, ew_setup_target_region(s, env));
			break;
		case 1:
			rc = ew_buf_puts(&b, ew_setup_target_repo_name(s, env));
			break;
		case 2:
			rc = ew_setup_registry_host(&b, s, env, err);
			break;
		default:
			rc = ew_setup_role_arn(&b, s, env, err);
		}
		if (rc == EW_ENOMEM)
			ew_error_set(err, rc, "out of memory");
		if (rc)
			break;
		rows[i].name = secrets[i].name;
		rows[i].description = secrets[i].description;
		rows[i].env = env ? env->name : NULL;
		rows[i].value = ew_buf_detach(&b);
	}
	ew_buf_release(&b);
	return rc;
}

int ew_outputs_build(struct ew_outputs *out, const struct ew_setup *s,
		     struct ew_error *err)
{
	size_t n = ew_setup_target_count(s);
	int rc;

	out->rows = NULL;
	out->nrows = 0;
	rc = ew_setup_check(s, err);
	if (rc)
		return rc;
	out->rows = calloc(n * NSECRETS, sizeof(*out->rows));
	if (!out->rows)
		return ew_error_oom(err);
	out->nrows = n * NSECRETS;
	for (size_t t = 0; t < n && !rc; t++)
		rc = target_rows(out->rows + t * NSECRETS, s,
				 ew_setup_target_env(s, t), err);
	if (rc)
		ew_outputs_release(out);
	return rc;
}

static size_t width(const struct ew_outputs *o, int col)
{
	size_t w = col == 0 ? strlen("Name") : strlen("Value");

	for (size_t i = 0; i < o->nrows; i++) {
		size_t n =
		    strlen(col == 0 ? o->rows[i].name : o->rows[i].value);

		if (n > w)
			w = n;
	}
	return w;
}

int ew_outputs_table(struct ew_buf *out, const struct ew_outputs *o)
{
	int wn = (int)width(o, 0), wv = (int)width(o, 1);
	int rc = 0;

	for (size_t i = 0; i < o->nrows && !rc; i++) {
		const struct ew_output_row *r = &o->rows[i];
		bool group =
		    i == 0 || (r->env && (!o->rows[i - 1].env ||
					  strcmp(r->env, o->rows[i - 1].env)));

		if (group && r->env)
			rc = ew_buf_printf(out, "%sEnvironment %s:\n",
					   i ? "\n" : "", r->env);
		if (!rc && group)
			rc = ew_buf_printf(out, "%-*s  %-*s  %s\n", wn, "Name",
					   wv, "Value", "Description");
		if (!rc)
			rc = ew_buf_printf(out, "%-*s  %-*s  %s\n", wn, r->name,
					   wv, r->value, r->description);
	}
	return rc;
}

int ew_shell_quote(struct ew_buf *out, const char *s)
{
	static const char safe[] = "@%+=:,./_-";
	bool plain = *s != '\0';
	int rc;

	for (const char *p = s; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || strchr(safe, *p);
	if (plain)
		return ew_buf_puts(out, s);
	rc = ew_buf_putc(out, '\'');
	for (; *s && !rc; s++)
		rc = *s == '\'' ? ew_buf_puts(out, "'\\''")
				: ew_buf_putc(out, *s);
	return rc ? rc : ew_buf_putc(out, '\'');
}

int ew_outputs_gh_commands(struct ew_buf *out, const struct ew_outputs *o,
			   const struct ew_setup *s, enum ew_gh_kind kind)
{
	struct ew_buf repo;
	int rc = 0;

	ew_buf_init(&repo);
	/* gh takes [HOST/]OWNER/REPO; github.com is its default. */
	if (s->github_host && strcmp(s->github_host, "github.com") != 0)
		rc = ew_buf_printf(&repo, "%s/", s->github_host);
	if (!rc)
		rc = ew_buf_printf(&repo, "%s/%s", s->owner ? s->owner : "",
				   s->repo ? s->repo : "");
	for (size_t i = 0; i < o->nrows && !rc; i++) {
		const struct ew_output_row *r = &o->rows[i];

		rc = ew_buf_printf(out, "gh %s set %s --repo ",
				   kind == EW_GH_SECRET ? "secret" : "variable",
				   r->name);
		if (!rc)
			rc = ew_shell_quote(out, repo.ptr);
		if (!rc && r->env) {
			rc = ew_buf_puts(out, " --env ");
			if (!rc)
				rc = ew_shell_quote(out, r->env);
		}
		if (!rc)
			rc = ew_buf_puts(out, " --body ");
		if (!rc)
			rc = ew_shell_quote(out, r->value);
		if (!rc)
			rc = ew_buf_putc(out, '\n');
	}
	ew_buf_release(&repo);
	return rc;
}
