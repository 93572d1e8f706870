// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "proto/url.h"

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* 8-4-4-4-12 hex digits. */
static bool is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool is_id(const char *s, size_t n)
{
	size_t digits = 0, hex = 0, alnum = 0;

	if (all_digits(s, n) || is_uuid(s, n))
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];

		digits += isdigit(ch) != 0;
		hex += isxdigit(ch) != 0;
		alnum += isalnum(ch) || ch == '-' || ch == '_';
	}
	if (!digits)
		return false;
	return (n >= 8 && hex == n) || (n >= 16 && alnum == n);
}

static size_t put(char *out, size_t sz, size_t at, const char *s, size_t n)
{
	if (at + n >= sz)
		n = at < sz - 1 ? sz - 1 - at : 0;
	memcpy(out + at, s, n);
	return at + n;
}

char *url__route(const char *path, char *out, size_t sz)
{
	size_t at = 0;

	if (!sz)
		return out;
	out[0] = '\0';
	if (!strcmp(path, "*")) {	/* OPTIONS * */
		snprintf(out, sz, "*");
		return out;
	}
	if (path[0] != '/')
		return out;
	for (const char *p = path; *p;) {
		const char *seg = p + 1, *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		at = put(out, sz, at, "/", 1);
		if (is_id(seg, n))
			at = put(out, sz, at, URL_ID, strlen(URL_ID));
		else
			at = put(out, sz, at, seg, n);
		p = seg + n;
	}
	out[at] = '\0';
	return out;
}

/* Whether the parameter name s (n bytes) is in the comma-separated names. */
static bool listed(const char *names, const char *s, size_t n)
{
	if (!strcmp(names, "*"))
		return true;
	for (const char *p = names; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !strncasecmp(p, s, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

char *url__redact_query(const char *query, const char *names, char *out, size_t sz)
{
	size_t at = 0;

	if (!sz)
		return out;
	for (const char *p = query; *p;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);

		if (eq && listed(names, p, eq - p)) {
			at = put(out, sz, at, p, eq - p + 1);
			at = put(out, sz, at, URL_REDACTED, strlen(URL_REDACTED));
		} else {
			at = put(out, sz, at, p, n);
		}
		if (!amp)
			break;
		at = put(out, sz, at, "&", 1);
		p = amp + 1;
	}
	out[at] = '\0';
	return out;
}
