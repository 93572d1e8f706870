/* SPDX-License-Identifier: Apache-2.0 */
/* A small text file read whole (config and policy files), with the errors
 * a person can act on: not there, a directory, too large, unreadable. */
#ifndef SONDE_LIB_TEXTFILE_H
#define SONDE_LIB_TEXTFILE_H
#include <stddef.h>

/* Reads the regular file at path (at most max bytes, a whole number of MiB) into *buf (malloc'd,
 * NUL-terminated, *len bytes before the NUL). 0, or a negative errno with
 * "PATH: reason" in err; what names the file's kind ("config file"). */
int textfile__read(const char *path, size_t max, const char *what, char **buf, size_t *len,
		   char *err, size_t errsz);
#endif
