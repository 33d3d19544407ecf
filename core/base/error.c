#include "error.h"
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ew_error_clear(struct ew_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int ew_error_set(struct ew_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

int ew_error_oom(struct ew_error *err)
{
	return ew_error_set(err, EW_ENOMEM, "out of memory");
}

static void copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int ew_error_set_aws(struct ew_error *err, long http_status,
		     const char *aws_code, const char *message,
		     const char *request_id)
{
	if (!err)
		return EW_EAWS;
	err->code = EW_EAWS;
	err->http_status = http_status;
	copy_field(err->aws_code, sizeof(err->aws_code), aws_code);
	copy_field(err->message, sizeof(err->message), message);
	copy_field(err->request_id, sizeof(err->request_id), request_id);
	return EW_EAWS;
}

void ew_error_prefix(struct ew_error *err, const char *fmt, ...)
{
	struct ew_buf b;
	va_list ap;

	if (!err)
		return;
	ew_buf_init(&b);
	va_start(ap, fmt);
	ew_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (err->message[0])
		ew_buf_printf(&b, ": %s", err->message);
	/* truncation is fine: messages are for people */
	memcpy(err->message, b.ptr,
	       b.len < sizeof(err->message) ? b.len + 1 : sizeof(err->message));
	err->message[sizeof(err->message) - 1] = '\0';
	ew_buf_release(&b);
}

const char *ew_error_code_name(int code)
{
	switch (code) {
	case EW_OK:
		return "ok";
	case EW_ENOMEM:
		return "out of memory";
	case EW_EINVAL:
		return "invalid input";
	case EW_ENOTFOUND:
		return "not found";
	case EW_EEXISTS:
		return "already exists";
	case EW_EIO:
		return "i/o error";
	case EW_ENOCREDS:
		return "no credentials";
	case EW_EAWS:
		return "aws error";
	case EW_ENET:
		return "network error";
	case EW_ECANCEL:
		return "cancelled";
	case EW_EPARSE:
		return "parse error";
	default:
		return "error";
	}
}

bool ew_error_is_aws(const struct ew_error *err, const char *aws_code)
{
	return err && err->code == EW_EAWS &&
	       strcmp(err->aws_code, aws_code) == 0;
}
