/*
 * libFuzzer target: percent-decoding and UriEncode.
 *
 * Properties checked on any input: decoding never grows the text, never
 * fails but for memory, and never reads past len (ASan); encoding any
 * bytes and decoding the result gives the bytes back; an encoding
 * contains only unreserved bytes, '%' escapes and (with keep_slash) '/'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_encoded_byte(unsigned char c, int keep_slash)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~' || c == '%' || (keep_slash && c == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_buf dec, enc, back;
	const char *s = (const char *)data;
	int keep_slash = size && (data[0] & 1);

	ew_buf_init(&dec);
	ew_buf_init(&enc);
	ew_buf_init(&back);

	if (ew_uri_decode(&dec, s, size, NULL) || dec.len > size)
		abort();

	if (ew_uri_encode(&enc, s, size, keep_slash != 0))
		abort();
	for (size_t i = 0; i < enc.len; i++)
		if (!is_encoded_byte((unsigned char)enc.ptr[i], keep_slash))
			abort();
	if (ew_uri_decode(&back, enc.ptr, enc.len, NULL) || back.len != size ||
	    (size && memcmp(back.ptr, data, size)))
		abort();

	ew_buf_release(&dec);
	ew_buf_release(&enc);
	ew_buf_release(&back);
	return 0;
}
