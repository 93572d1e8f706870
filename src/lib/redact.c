// SPDX-License-Identifier: Apache-2.0
/* Secrets in command lines. People pass credentials as arguments (curl -H
 * 'Authorization: Bearer ...', --password=..., https://user:pass@host/),
 * and argv reaches exec events, identities and OTLP logs: their values are
 * replaced before any of that sees them. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "lib/redact.h"

#define REDACTED "REDACTED"

static const char *const headers[] = {
	"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token",
	NULL,
};

/* Option or variable names whose value is a secret, matched anywhere in
 * the name ("--db-password", "API_TOKEN"). */
static const char *const names[] = {
	"password", "passwd", "secret", "token", "apikey", "api-key", "api_key", "credential",
	"authorization", NULL,
};

static bool has_word(const char *s, size_t n, const char *const *words)
{
	char low[64];

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = tolower((unsigned char)s[i]);
	low[n] = '\0';
	for (int i = 0; words[i]; i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

struct out {
	char *p;
	size_t sz, n;
	bool cut;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n > o->sz) {
		n = o->sz - o->n;
		o->cut = true;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* "Name: value" with a credential header's name. */
static size_t header_name(const char *a, size_t n)
{
	const char *colon = memchr(a, ':', n);

	if (!colon)
		return 0;
	for (int i = 0; headers[i]; i++)
		if ((size_t)(colon - a) == strlen(headers[i]) && !strncasecmp(a, headers[i], colon - a))
			return colon - a + 1;
	return 0;
}

/* "scheme://user:pass@host...": the offsets of pass; false without one. */
static bool url_password(const char *a, size_t n, size_t *from, size_t *to)
{
	const char *s = a, *end = a + n, *at, *colon, *slash;

	while ((s = memchr(s, ':', end - s)) && end - s >= 3 && memcmp(s, "://", 3))
		s++;
	if (!s || end - s < 3)
		return false;
	s += 3;
	slash = memchr(s, '/', end - s);
	at = memchr(s, '@', (slash ? slash : end) - s);
	colon = at ? memchr(s, ':', at - s) : NULL;
	if (!colon || colon + 1 == at)
		return false;
	*from = colon + 1 - a;
	*to = at - a;
	return true;
}

/* An option naming a file or path holds no secret itself. */
static bool names_file(const char *a, size_t n)
{
	return (n > 4 && !strncasecmp(a + n - 4, "file", 4)) || (n > 4 && !strncasecmp(a + n - 4, "path", 4));
}

/* A piece of an argument between ',' or '&' (option lists, queries):
 * "name=value" with a secret's name, or a URL with a password. */
static void redact_piece(struct out *o, const char *a, size_t n)
{
	const char *eq = memchr(a, '=', n);
	size_t from, to;

	if (url_password(a, n, &from, &to)) {
		put(o, a, from);
		put(o, REDACTED, strlen(REDACTED));
		put(o, a + to, n - to);
	} else if (eq && eq > a && has_word(a, eq - a, names) && !names_file(a, eq - a)) {
		put(o, a, eq + 1 - a);
		put(o, REDACTED, strlen(REDACTED));
	} else {
		put(o, a, n);
	}
}

/* One argument; *next_secret: the option says the next argument is one;
 * *next_user: the next may be user:pass. */
static void redact_arg(struct out *o, const char *a, size_t n, bool *next_secret, bool *next_user)
{
	bool opt = n > 1 && a[0] == '-';
	size_t h, i = 0;

	if (*next_secret) {
		*next_secret = false;
		put(o, REDACTED, strlen(REDACTED));
		return;
	}
	if (*next_user) {	/* curl -u user:pass keeps the user */
		const char *colon = memchr(a, ':', n);

		*next_user = false;
		if (colon) {
			put(o, a, colon + 1 - a);
			put(o, REDACTED, strlen(REDACTED));
			return;
		}
	}
	if ((h = header_name(a, n))) {
		put(o, a, h);
		put(o, " " REDACTED, strlen(REDACTED) + 1);
		return;
	}
	/* "--password VALUE": the next argument is the secret. Not when the
	 * option holds a value or a URL of its own: redacting a URL's
	 * password may remove the '=' it held, and a second pass must see the
	 * same shape (the fuzzer's property). */
	if (opt && !memchr(a, '=', n) && !memmem(a, n, "://", 3) && has_word(a, n, names) &&
	    !names_file(a, n))
		*next_secret = true;
	if (opt && ((n == 2 && !memcmp(a, "-u", 2)) || (n == 6 && !memcmp(a, "--user", 6))))
		*next_user = true;
	/* A URL's password is in its first piece: '&' and ',' come after. */
	while (i < n) {
		size_t k = i;

		while (k < n && a[k] != ',' && a[k] != '&')
			k++;
		redact_piece(o, a + i, k - i);
		if (k < n)
			put(o, a + k, 1);
		i = k + 1;
	}
}

size_t redact__args(const char *in, size_t len, char *out, size_t sz, bool *cut)
{
	struct out o = { out, sz, 0, false };
	bool next_secret = false, next_user = false;

	for (size_t i = 0; i < len;) {
		const char *a = in + i;
		size_t n = strnlen(a, len - i);

		redact_arg(&o, a, n, &next_secret, &next_user);
		i += n;
		if (i < len) {		/* its NUL */
			put(&o, "", 1);
			i++;
		}
	}
	if (cut)
		*cut = o.cut;
	return o.n;
}
