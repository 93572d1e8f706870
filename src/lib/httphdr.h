/* SPDX-License-Identifier: Apache-2.0 */
/* Extra request headers as OpenTelemetry exporters take them
 * (OTEL_EXPORTER_OTLP_HEADERS): "key=value,key2=value2", values
 * percent-encoded. */
#ifndef SONDE_LIB_HTTPHDR_H
#define SONDE_LIB_HTTPHDR_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "lib/strbuf.h"

/* A character of an HTTP token (RFC 9110 tchar): header names, methods. */
static inline bool http__tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Appends "Key: value\r\n" for each pair of list to out. -EINVAL with the
 * reason in err (naming the key, never the value: it may be a secret) for
 * a name that is not an HTTP token, a value with control characters once
 * decoded, a bad %-escape, or a header the client writes itself (Host,
 * Content-Length, Content-Type, Content-Encoding, Transfer-Encoding,
 * Connection). */
int httphdr__parse_list(const char *list, struct strbuf *out, char *err, size_t errsz);
#endif
