/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SONDE_UTF8_H
#define SONDE_UTF8_H
#include <stddef.h>
/* Length of the well-formed UTF-8 sequence at s (1-4), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, truncated, > U+10FFFF). */
size_t utf8__seq_len(const unsigned char *s, size_t n);
#endif
