/* SPDX-License-Identifier: Apache-2.0 */
/* x86_64 syscall numbers <-> names, generated at build time from the
 * kernel's syscall table (scripts/gen-syscalls.sh). */
#ifndef SONDE_SYSCALL_TABLE_H
#define SONDE_SYSCALL_TABLE_H
#include <stddef.h>

extern const char *const syscall_names[];
extern const unsigned int syscall_names_len;

/* The name of nr, or "sys_<nr>" (written to buf) for numbers newer than the
 * table. */
const char *syscall__name(unsigned nr, char *buf, size_t sz);
/* The number of a syscall name (or of "sys_<nr>", nr < 2^20), or -1. */
int syscall__nr(const char *name);
#endif
