/* SPDX-License-Identifier: Apache-2.0 */
/* Path and flag text of file events: pure functions over bytes that come
 * from traced programs (fuzzed: tests/fuzz/fuzz_fspath.c). */
#ifndef SONDE_FSPATH_H
#define SONDE_FSPATH_H
#include <stddef.h>

/* "d/parent/top" (the kernel's leaf-first walk of a directory) ->
 * "/top/parent/d"; "" -> "/". Truncates to sz. */
void fspath__unreverse(const char *rev, char *out, size_t sz);
/* Removes "." and "name/.." components and repeated slashes from an
 * absolute path, in place, as the kernel's lookup would if no component
 * were a symlink: "/tmp/a/../../etc/./passwd" -> "/etc/passwd". */
void fspath__normalize(char *path);
/* Open flags as "O_WRONLY|O_CREAT|O_TRUNC"; bits without a name as hex. */
void fspath__open_flags(unsigned long flags, char *buf, size_t sz);
/* renameat2 flags as "RENAME_NOREPLACE|..."; "" for 0. */
void fspath__rename_flags(unsigned long flags, char *buf, size_t sz);
#endif
