/* A minimal HTTP/1.0 GET client, for commands that ask the running agent
 * (sonde status). */
#ifndef SONDE_HTTP_CLIENT_H
#define SONDE_HTTP_CLIENT_H
#include <stddef.h>
#include "lib/strbuf.h"

/* GETs path from listen ("HOST:PORT"); fills body and returns the HTTP
 * status, or a negative errno with the reason in err. */
int http__get(const char *listen, const char *path, int timeout_ms, struct strbuf *body,
	      char *err, size_t errsz);
#endif
