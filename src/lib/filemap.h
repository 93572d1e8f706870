/* SPDX-License-Identifier: Apache-2.0 */
/* A whole regular file mapped privately and writable (libelf may write to
 * an image it converts), for the ELF readers. */
#ifndef SONDE_FILEMAP_H
#define SONDE_FILEMAP_H
#include <stddef.h>

/* 0, or a negative errno with the reason (naming path) in why. */
int filemap__open(const char *path, void **data, size_t *size, char *why, size_t why_sz);
void filemap__close(void *data, size_t size);
#endif
