/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets in command lines, replaced by REDACTED: the values of credential
 * headers as arguments ("Authorization: ...", "Cookie: ...", ...), of
 * options and variables named like secrets (--password=X, --password X,
 * DB_TOKEN=X, and such pairs in lists split at ',' or '&'), the password
 * of a URL's userinfo (scheme://user:pass@) and of curl's -u/--user
 * user:pass. */
#ifndef SONDE_LIB_REDACT_H
#define SONDE_LIB_REDACT_H
#include <stdbool.h>
#include <stddef.h>

/* in: len bytes of NUL-separated arguments; out gets them redacted, at
 * most sz bytes (*cut, if not NULL, says whether some did not fit).
 * Returns the bytes written. */
size_t redact__args(const char *in, size_t len, char *out, size_t sz, bool *cut);
#endif
