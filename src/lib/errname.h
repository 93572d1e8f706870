/* SPDX-License-Identifier: Apache-2.0 */
/* errno values by their symbolic names, as metrics and events show them. */
#ifndef SONDE_LIB_ERRNAME_H
#define SONDE_LIB_ERRNAME_H
#include <stddef.h>

/* "ENOENT" for 2; "E<n>" (written to buf) when unknown. */
const char *errname(int err, char *buf, size_t sz);
#endif
