/*
 * iso_time.h - read the ISO 8601 UTC timestamps AWS writes: STS and SSO
 * credential expirations, IAM dates, credential_process output and the
 * cached SSO token files.  One parser for all of them, so every module
 * accepts the same forms.
 *
 * Memory: nothing is allocated.
 */
#ifndef EW_ISO_TIME_H
#define EW_ISO_TIME_H

#include "error.h"

#include <time.h>

/*
 * Parse "2024-01-15T12:00:00Z", with optional fractional seconds, "Z" or
 * a "+hh:mm"/"-hh:mm" offset, to seconds since the epoch.  0 or EW_EPARSE
 * naming the text (err may be NULL).
 */
int ew_time_parse_iso8601(time_t *out, const char *s, struct ew_error *err);

#endif
