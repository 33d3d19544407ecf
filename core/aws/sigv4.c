#include "sigv4.h"
#include "uri.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Never signed: botocore's SIGNED_HEADERS_BLACKLIST (hop-by-hop headers a
 * proxy or libcurl may change), plus accept and accept-encoding, which
 * libcurl sets itself (docs/aws-wire.md 1.5).  Not content-length: the
 * vectors sign it, and a correct client sends exactly what it signed.
 */
static const char *const unsigned_headers[] = {
    "accept",
    "accept-encoding",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

struct hdr {
	size_t name;  /* offsets into the scratch buffer: it may move */
	size_t value; /* while growing, so pointers come later */
	size_t order; /* send order, so repeated names keep it */
	const char *name_p;
	const char *value_p;
};

struct qpair {
	size_t name, value;
	const char *name_p;
	const char *value_p;
};

static const char hex_lower[] = "0123456789abcdef";

static void to_hex(char *out, const unsigned char *md, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_lower[md[i] >> 4];
		out[2 * i + 1] = hex_lower[md[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int ew_sigv4_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(len ? data : "", len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32) {
		out[0] = '\0';
		return EW_ERROR;
	}
	to_hex(out, md, 32);
	return 0;
}

void ew_sigv4_format_date(char out[17], time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		out[0] = '\0';
}

void ew_sigv4_output_init(struct ew_sigv4_output *out)
{
	memset(out, 0, sizeof(*out));
	ew_buf_init(&out->canonical_request);
	ew_buf_init(&out->string_to_sign);
	ew_buf_init(&out->signed_headers);
	ew_buf_init(&out->authorization);
	ew_buf_init(&out->token);
}

void ew_sigv4_output_release(struct ew_sigv4_output *out)
{
	ew_buf_release_secret(&out->canonical_request);
	ew_buf_release_secret(&out->string_to_sign);
	ew_buf_release_secret(&out->signed_headers);
	ew_buf_release_secret(&out->authorization);
	ew_buf_release_secret(&out->token);
	OPENSSL_cleanse(out, sizeof(*out));
	ew_sigv4_output_init(out);
}

static bool is_amz_date(const char *s)
{
	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static bool is_unsigned_header(const char *lname)
{
	for (size_t i = 0;
	     i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++)
		if (!strcmp(lname, unsigned_headers[i]))
			return true;
	return false;
}

/*
 * botocore's remove_dot_segments(): drop empty and "." segments, let ".."
 * pop one, keep a leading "/" and (when anything is left) a trailing one.
 * Collapsing "//" is an AWS rule on top of RFC 3986.
 */
static int normalize_path(struct ew_buf *out, const char *p)
{
	size_t len = strlen(p), nseg = 0, cap = 1;
	size_t *start, *slen;
	int rc = 0;

	for (size_t i = 0; i < len; i++)
		cap += p[i] == '/';
	start = calloc(cap, sizeof(*start));
	slen = calloc(cap, sizeof(*slen));
	if (!start || !slen) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i <= len;) {
		size_t j = i;

		while (j < len && p[j] != '/')
			j++;
		if (j - i == 2 && p[i] == '.' && p[i + 1] == '.') {
			if (nseg)
				nseg--;
		} else if (j > i && !(j - i == 1 && p[i] == '.')) {
			start[nseg] = i;
			slen[nseg++] = j - i;
		}
		i = j + 1;
	}
	if (len && p[0] == '/')
		rc = ew_buf_putc(out, '/');
	for (size_t k = 0; !rc && k < nseg; k++) {
		if (k)
			rc = ew_buf_putc(out, '/');
		if (!rc)
			rc = ew_buf_add(out, p + start[k], slen[k]);
	}
	if (!rc && nseg && p[len - 1] == '/')
		rc = ew_buf_putc(out, '/');
done:
	free(start);
	free(slen);
	return rc;
}

static int canonical_uri(struct ew_buf *cr, const char *path, bool normalize)
{
	struct ew_buf norm;
	int rc = 0;

	ew_buf_init(&norm);
	if (!path)
		path = "";
	if (normalize)
		rc = normalize_path(&norm, path);
	else
		rc = ew_buf_puts(&norm, path);
	if (!rc && norm.len == 0)
		rc = ew_buf_putc(&norm, '/');
	if (!rc)
		rc = ew_uri_encode(cr, norm.ptr, norm.len, true);
	ew_buf_release(&norm);
	return rc;
}

static int cmp_qpair(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->name_p, y->name_p);

	return c ? c : strcmp(x->value_p, y->value_p);
}

/* Append the decoded-then-encoded form of s[0..len) and a NUL. */
static int reencode(struct ew_buf *scratch, struct ew_buf *tmp, const char *s,
		    size_t len)
{
	int rc;

	ew_buf_clear(tmp);
	rc = ew_uri_decode(tmp, s, len, NULL);
	if (!rc)
		rc = ew_uri_encode(scratch, tmp->ptr, tmp->len, false);
	if (!rc)
		rc = ew_buf_add(scratch, "", 1);
	return rc;
}

/*
 * docs/aws-wire.md 1.4: split on '&' and the first '=', decode, re-encode, sort
 * by name then value in byte order.  Empty pieces ("a=1&&b=2") carry no
 * parameter and are skipped.
 */
static int canonical_query(struct ew_buf *cr, const char *q)
{
	struct ew_buf scratch, tmp;
	struct qpair *pairs = NULL;
	size_t n = 0, cap = 1, qlen;
	int rc = 0;

	if (!q || !*q)
		return 0;
	ew_buf_init(&scratch);
	ew_buf_init(&tmp);
	qlen = strlen(q);
	for (size_t i = 0; i < qlen; i++)
		cap += q[i] == '&';
	pairs = calloc(cap, sizeof(*pairs));
	if (!pairs) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i <= qlen && !rc;) {
		size_t j = i, eq;

		while (j < qlen && q[j] != '&')
			j++;
		if (j > i) {
			for (eq = i; eq < j && q[eq] != '='; eq++)
				;
			pairs[n].name = scratch.len;
			rc = reencode(&scratch, &tmp, q + i, eq - i);
			pairs[n].value = scratch.len;
			if (!rc)
				rc = eq < j ? reencode(&scratch, &tmp,
						       q + eq + 1, j - eq - 1)
					    : ew_buf_add(&scratch, "", 1);
			n++;
		}
		i = j + 1;
	}
	if (rc)
		goto done;
	for (size_t k = 0; k < n; k++) {
		pairs[k].name_p = scratch.ptr + pairs[k].name;
		pairs[k].value_p = scratch.ptr + pairs[k].value;
	}
	qsort(pairs, n, sizeof(*pairs), cmp_qpair);
	for (size_t k = 0; k < n && !rc; k++)
		rc = ew_buf_printf(cr, "%s%s=%s", k ? "&" : "", pairs[k].name_p,
				   pairs[k].value_p);
done:
	free(pairs);
	ew_buf_release(&scratch);
	ew_buf_release(&tmp);
	return rc;
}

static int cmp_hdr(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name_p, y->name_p);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Append "name\0trimmed-value\0" to scratch and record it in *h. */
static int add_hdr(struct ew_buf *scratch, struct hdr *h, size_t order,
		   const char *name, const char *value)
{
	size_t vlen = strlen(value), i = 0;
	bool pending_space = false;
	int rc;

	h->order = order;
	h->name = scratch->len;
	rc = ew_buf_grow(scratch, strlen(name) + vlen + 2);
	for (const char *p = name; !rc && *p; p++)
		rc = ew_buf_putc(scratch, lower(*p));
	if (!rc)
		rc = ew_buf_add(scratch, "", 1);
	h->value = scratch->len;
	/* Trimall: no leading or trailing whitespace, runs become one space
	 * (even inside quotes, as the get-header-value-trim vector says). */
	while (i < vlen && is_ws(value[i]))
		i++;
	for (; !rc && i < vlen; i++) {
		if (is_ws(value[i])) {
			pending_space = true;
			continue;
		}
		if (pending_space)
			rc = ew_buf_putc(scratch, ' ');
		pending_space = false;
		if (!rc)
			rc = ew_buf_putc(scratch, value[i]);
	}
	if (!rc)
		rc = ew_buf_add(scratch, "", 1);
	return rc;
}

/* The canonical header lines and the signed-headers list. */
static int canonical_headers(struct ew_sigv4_output *out,
			     const struct ew_sigv4_input *in, bool has_token,
			     struct ew_error *err)
{
	struct ew_buf scratch, lname;
	struct hdr *h;
	size_t n = 0;
	bool has_host = false;
	int rc = 0;

	ew_buf_init(&scratch);
	ew_buf_init(&lname);
	h = calloc(in->nheaders + 3, sizeof(*h));
	if (!h) {
		rc = ew_error_oom(err);
		goto done;
	}
	for (size_t i = 0; i < in->nheaders && !rc; i++) {
		const struct ew_http_header *src = &in->headers[i];

		if (!src->name || !*src->name || !src->value) {
			rc = ew_error_set(err, EW_EINVAL,
					  "cannot sign: header %zu has no %s",
					  i + 1, src->value ? "name" : "value");
			goto done;
		}
		ew_buf_clear(&lname);
		for (const char *p = src->name; !rc && *p; p++)
			rc = ew_buf_putc(&lname, lower(*p));
		if (rc)
			break;
		/* The signer owns these: stale copies would sign twice. */
		if (is_unsigned_header(lname.ptr) ||
		    !strcmp(lname.ptr, "authorization") ||
		    !strcmp(lname.ptr, "x-amz-date") ||
		    (has_token && !strcmp(lname.ptr, "x-amz-security-token")) ||
		    (in->sign_body &&
		     !strcmp(lname.ptr, "x-amz-content-sha256")))
			continue;
		has_host = has_host || !strcmp(lname.ptr, "host");
		rc = add_hdr(&scratch, &h[n], n, src->name, src->value);
		n++;
	}
	if (!rc && !has_host) {
		rc =
		    ew_error_set(err, EW_EINVAL, "cannot sign: no Host header");
		goto done;
	}
	if (!rc)
		rc = add_hdr(&scratch, &h[n], n, "x-amz-date", out->amz_date);
	n++;
	if (!rc && has_token) {
		rc = add_hdr(&scratch, &h[n], n, "x-amz-security-token",
			     out->token.ptr);
		n++;
	}
	if (!rc && in->sign_body) {
		rc = add_hdr(&scratch, &h[n], n, "x-amz-content-sha256",
			     out->payload_hash);
		n++;
	}
	if (rc)
		goto nomem;
	for (size_t k = 0; k < n; k++) {
		h[k].name_p = scratch.ptr + h[k].name;
		h[k].value_p = scratch.ptr + h[k].value;
	}
	qsort(h, n, sizeof(*h), cmp_hdr);
	for (size_t k = 0; k < n && !rc; k++) {
		bool first = k == 0 || strcmp(h[k - 1].name_p, h[k].name_p);
		bool last = k + 1 == n || strcmp(h[k + 1].name_p, h[k].name_p);

		if (first) {
			rc = ew_buf_printf(&out->canonical_request,
					   "%s:", h[k].name_p);
			if (!rc)
				rc = ew_buf_printf(&out->signed_headers, "%s%s",
						   out->signed_headers.len ? ";"
									   : "",
						   h[k].name_p);
		} else {
			rc = ew_buf_putc(&out->canonical_request, ',');
		}
		if (!rc)
			rc = ew_buf_puts(&out->canonical_request, h[k].value_p);
		if (!rc && last)
			rc = ew_buf_putc(&out->canonical_request, '\n');
	}
nomem:
	if (rc && rc != EW_EINVAL)
		rc = ew_error_oom(err);
done:
	free(h);
	/* The scratch copy held the session token. */
	ew_buf_release_secret(&scratch);
	ew_buf_release(&lname);
	return rc;
}

static int hmac(unsigned char out[32], const void *key, size_t keylen,
		const void *data, size_t len)
{
	unsigned int outlen = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) ||
	    outlen != 32)
		return EW_ERROR;
	return 0;
}

/* kSigning = HMAC chain over date, region, service, "aws4_request". */
static int derive_key(unsigned char k[32], const char *secret,
		      const char *date8, const char *region,
		      const char *service)
{
	struct ew_buf seed;
	unsigned char t[32];
	int rc;

	ew_buf_init(&seed);
	/* Exact size first so no realloc leaves a copy of the secret. */
	rc = ew_buf_grow(&seed, 4 + strlen(secret));
	if (!rc)
		rc = ew_buf_puts(&seed, "AWS4");
	if (!rc)
		rc = ew_buf_puts(&seed, secret);
	if (rc)
		goto done;
	rc = hmac(t, seed.ptr, seed.len, date8, 8);
	if (!rc)
		rc = hmac(k, t, 32, region, strlen(region));
	if (!rc)
		rc = hmac(t, k, 32, service, strlen(service));
	if (!rc)
		rc = hmac(k, t, 32, "aws4_request", 12);
done:
	OPENSSL_cleanse(t, sizeof(t));
	ew_buf_release_secret(&seed);
	return rc;
}

static void clear_output(struct ew_sigv4_output *out)
{
	ew_buf_clear(&out->canonical_request);
	ew_buf_clear(&out->string_to_sign);
	ew_buf_clear(&out->signed_headers);
	ew_buf_clear(&out->authorization);
	if (out->token.cap)
		OPENSSL_cleanse(out->token.ptr, out->token.cap);
	ew_buf_clear(&out->token);
	memset(out->signature, 0, sizeof(out->signature));
	memset(out->payload_hash, 0, sizeof(out->payload_hash));
	memset(out->amz_date, 0, sizeof(out->amz_date));
	memset(out->add, 0, sizeof(out->add));
	out->nadd = 0;
}

static int check_input(const struct ew_sigv4_input *in, struct ew_error *err)
{
	const struct ew_credentials *c = in->creds;

	if (!in->method || !*in->method)
		return ew_error_set(err, EW_EINVAL, "cannot sign: no method");
	if (!in->region || !*in->region || !in->service || !*in->service)
		return ew_error_set(
		    err, EW_EINVAL, "cannot sign: no signing %s",
		    in->region && *in->region ? "service" : "region");
	if (!is_amz_date(in->amz_date))
		return ew_error_set(err, EW_EINVAL,
				    "cannot sign: bad timestamp '%s' (want "
				    "YYYYMMDDTHHMMSSZ)",
				    in->amz_date ? in->amz_date : "");
	if (in->body_len && !in->body)
		return ew_error_set(err, EW_EINVAL, "cannot sign: no body");
	if (in->nheaders && !in->headers)
		return ew_error_set(err, EW_EINVAL, "cannot sign: no headers");
	if (!c || !c->access_key_id || !*c->access_key_id ||
	    !c->secret_access_key || !*c->secret_access_key)
		return ew_error_set(err, EW_ENOCREDS,
				    "cannot sign: no access key or secret");
	return 0;
}

int ew_sigv4_sign(struct ew_sigv4_output *out, const struct ew_sigv4_input *in,
		  struct ew_error *err)
{
	const struct ew_credentials *c = in->creds;
	struct ew_buf *cr = &out->canonical_request;
	unsigned char key[32], sig[32];
	char crhash[65], date8[9];
	bool has_token;
	int rc;

	clear_output(out);
	rc = check_input(in, err);
	if (rc)
		goto done;
	has_token = c->session_token && *c->session_token;
	memcpy(out->amz_date, in->amz_date, 17);
	memcpy(date8, in->amz_date, 8);
	date8[8] = '\0';
	if (has_token && ew_buf_puts(&out->token, c->session_token)) {
		rc = ew_error_oom(err);
		goto done;
	}
	if (ew_sigv4_sha256_hex(out->payload_hash, in->body, in->body_len)) {
		rc = ew_error_set(err, EW_ERROR, "cannot sign: sha-256 failed");
		goto done;
	}

	for (const char *p = in->method; !rc && *p; p++)
		rc = ew_buf_putc(
		    cr, (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p);
	if (!rc)
		rc = ew_buf_putc(cr, '\n');
	if (!rc)
		rc = canonical_uri(cr, in->path, in->normalize_path);
	if (!rc)
		rc = ew_buf_putc(cr, '\n');
	if (!rc)
		rc = canonical_query(cr, in->query);
	if (!rc)
		rc = ew_buf_putc(cr, '\n');
	if (rc) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = canonical_headers(out, in, has_token, err);
	if (rc)
		goto done;
	if (ew_buf_printf(cr, "\n%s\n%s", out->signed_headers.ptr,
			  out->payload_hash)) {
		rc = ew_error_oom(err);
		goto done;
	}

	if (ew_sigv4_sha256_hex(crhash, cr->ptr, cr->len)) {
		rc = ew_error_set(err, EW_ERROR, "cannot sign: sha-256 failed");
		goto done;
	}
	if (ew_buf_printf(&out->string_to_sign,
			  "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
			  out->amz_date, date8, in->region, in->service,
			  crhash)) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = derive_key(key, c->secret_access_key, date8, in->region,
			in->service);
	if (!rc)
		rc = hmac(sig, key, 32, out->string_to_sign.ptr,
			  out->string_to_sign.len);
	if (rc) {
		rc = ew_error_set(err, rc == EW_ENOMEM ? EW_ENOMEM : EW_ERROR,
				  "cannot sign: %s",
				  rc == EW_ENOMEM ? "out of memory"
						  : "hmac-sha256 failed");
		goto done;
	}
	to_hex(out->signature, sig, 32);
	if (ew_buf_printf(
		&out->authorization,
		"AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
		"SignedHeaders=%s, Signature=%s",
		c->access_key_id, date8, in->region, in->service,
		out->signed_headers.ptr, out->signature)) {
		rc = ew_error_oom(err);
		goto done;
	}

	out->add[out->nadd++] =
	    (struct ew_http_header){"X-Amz-Date", out->amz_date};
	if (has_token)
		out->add[out->nadd++] = (struct ew_http_header){
		    "X-Amz-Security-Token", out->token.ptr};
	if (in->sign_body)
		out->add[out->nadd++] = (struct ew_http_header){
		    "X-Amz-Content-Sha256", out->payload_hash};
	out->add[out->nadd++] =
	    (struct ew_http_header){"Authorization", out->authorization.ptr};
done:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(sig, sizeof(sig));
	if (rc)
		clear_output(out);
	return rc;
}
