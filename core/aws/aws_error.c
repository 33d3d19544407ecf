#include "aws_error.h"
#include "buf.h"
#include "xml.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SNIPPET_CHARS 200

void ew_aws_error_code_from_type(char *out, size_t size, const char *type)
{
	const char *end, *start, *hash;
	size_t n;

	if (!size)
		return;
	out[0] = '\0';
	if (!type)
		return;
	end = strchr(type, ':');
	if (!end)
		end = type + strlen(type);
	start = type;
	for (hash = type; hash < end; hash++)
		if (*hash == '#')
			start = hash + 1;
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - start);
	if (n >= size)
		n = size - 1;
	memcpy(out, start, n);
	out[n] = '\0';
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* <ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>, the bare
 * <Error> some endpoints answer with, or <X><Errors><Error>.. (EC2's
 * shape).  0 when a Code was found. */
static int from_xml(struct ew_error *err, const char *body, size_t len)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *e;
	const char *code, *rid;
	int rc = -1;

	if (ew_xml_parse(&root, body, len, NULL))
		return -1;
	e = strcmp(root->name, "Error") == 0 ? root
					     : ew_xml_find(root, "Error");
	if (!e) /* the EC2 shape, which moto also uses for auth errors */
		e = ew_xml_find(root, "Errors/Error");
	code = e ? ew_xml_text(e, "Code") : NULL;
	if (code && *code) {
		copy(err->aws_code, sizeof(err->aws_code), code);
		copy(err->message, sizeof(err->message),
		     ew_xml_text(e, "Message"));
		rid = ew_xml_text(root, "RequestId");
		if (!rid)
			rid = ew_xml_text(e, "RequestId");
		if (rid && !err->request_id[0])
			copy(err->request_id, sizeof(err->request_id), rid);
		rc = 0;
	}
	ew_xml_free(root);
	return rc;
}

static const char *json_string(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (!cJSON_IsString(v) && b)
		v = cJSON_GetObjectItemCaseSensitive(o, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* {"__type": "...", "message": "..."}: 0 when the body was a JSON object
 * (the code may still come from the header). */
static int from_json(struct ew_error *err, const char *body, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(body, len);
	const char *type, *msg;

	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return -1;
	}
	type = json_string(o, "__type", "code");
	if (type)
		ew_aws_error_code_from_type(err->aws_code,
					    sizeof(err->aws_code), type);
	msg = json_string(o, "message", "Message");
	if (msg)
		copy(err->message, sizeof(err->message), msg);
	cJSON_Delete(o);
	return 0;
}

static void unexpected(struct ew_error *err,
		       const struct ew_aws_error_input *in)
{
	struct ew_buf b;
	size_t n = 0;

	ew_buf_init(&b);
	ew_buf_printf(&b, "unexpected response from %s (HTTP %ld)",
		      in->service ? in->service : "the service",
		      in->http_status);
	if (in->body && in->body_len) {
		const char *p = skip_space(in->body, in->body + in->body_len);

		ew_buf_puts(&b, ": ");
		/* One line of printable text: the body may be HTML or
		 * binary, and this ends up on a terminal. */
		for (; p < in->body + in->body_len && n < SNIPPET_CHARS;
		     p++, n++) {
			unsigned char c = (unsigned char)*p;

			ew_buf_putc(&b, c == '\n' || c == '\r' || c == '\t'
					    ? ' '
					: c < 0x20 || c == 0x7f ? '?'
								: (char)c);
		}
	} else {
		ew_buf_puts(&b, " with an empty body");
	}
	copy(err->message, sizeof(err->message), b.ptr);
	ew_buf_release(&b);
}

int ew_aws_error_parse(struct ew_error *err,
		       const struct ew_aws_error_input *in)
{
	struct ew_error local;
	const char *p, *end;

	if (!err)
		err = &local;
	ew_error_clear(err);
	err->code = EW_EAWS;
	err->http_status = in->http_status;
	copy(err->operation, sizeof(err->operation), in->operation);
	copy(err->request_id, sizeof(err->request_id), in->request_id_header);
	p = in->body ? in->body : "";
	end = p + (in->body ? in->body_len : 0);
	p = skip_space(p, end);
	if (p < end && *p == '<')
		from_xml(err, p, (size_t)(end - p));
	else if (p < end && *p == '{')
		from_json(err, p, (size_t)(end - p));
	if (!err->aws_code[0] && in->error_type_header &&
	    *in->error_type_header)
		ew_aws_error_code_from_type(err->aws_code,
					    sizeof(err->aws_code),
					    in->error_type_header);
	if (!err->aws_code[0])
		unexpected(err, in);
	else if (!err->message[0])
		/* some errors come without a message; say at least what */
		copy(err->message, sizeof(err->message), err->aws_code);
	return EW_EAWS;
}
