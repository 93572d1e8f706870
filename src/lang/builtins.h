/* SPDX-License-Identifier: Apache-2.0 */
/* The builtins and functions of the tracing language, by number: the
 * checker sets lang_node.id to one of these for LANG_IDENT and LANG_CALL
 * nodes, and the code generator dispatches on it. */
#ifndef SONDE_LANG_BUILTINS_H
#define SONDE_LANG_BUILTINS_H

enum lang_builtin {
	B_PID = 1, B_TID, B_UID, B_GID, B_CPU, B_RAND, B_NSECS, B_ELAPSED, B_CGROUP, B_COMM,
	B_CURTASK, B_PROBE, B_FUNC, B_KSTACK, B_USTACK, B_ARGS, B_RETVAL, B_ARG0,
};

enum lang_func {
	F_COUNT = 1, F_SUM, F_AVG, F_MIN, F_MAX, F_STATS, F_HIST, F_LHIST, F_STR, F_BUF, F_JOIN,
	F_KSYM, F_USYM, F_KADDR, F_UADDR, F_NTOP, F_KSTACK, F_USTACK, F_TIME, F_STRFTIME, F_CAT,
	F_SYSTEM, F_PRINTF, F_PRINT, F_CLEAR, F_ZERO, F_DELETE, F_EXIT, F_SIGNAL, F_STRNCMP,
	F_STRCONTAINS, F_SIZEOF,
};
#endif
