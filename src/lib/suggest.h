/* SPDX-License-Identifier: Apache-2.0 */
/* "Did you mean": the nearest of some names to a mistyped one. */
#ifndef SONDE_LIB_SUGGEST_H
#define SONDE_LIB_SUGGEST_H
#include <stddef.h>

/* Levenshtein distance (99 for words of 63 bytes or more). */
int suggest__distance(const char *a, const char *b);
/* The candidate nearest to word, within 2 edits, or NULL; cands may hold
 * NULLs (skipped). */
const char *suggest__nearest(const char *word, const char *const *cands, size_t n);
#endif
