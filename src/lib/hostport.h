/* SPDX-License-Identifier: Apache-2.0 */
/* "HOST:PORT" and "[V6]:PORT" as the agent's --listen and the clients'
 * addresses take them. Pure; fuzzed (tests/fuzz/fuzz_listen.c). */
#ifndef SONDE_LIB_HOSTPORT_H
#define SONDE_LIB_HOSTPORT_H
#include <stddef.h>

/* Splits into host and port (decimal, at most 65535), each NUL-terminated
 * in its buffer. 0, or -EINVAL with nothing written. */
int hostport__parse(const char *s, char *host, size_t hsz, char *port, size_t psz);
#endif
