/* SPDX-License-Identifier: Apache-2.0 */
/* Collectors on per-syscall tracepoints (syscalls/sys_enter_NAME): their
 * entry programs are named enter_NAME and auto-attach; one exit program
 * serves every call (the exits differ only in their tracepoint), attached
 * here to each sys_exit_NAME whose entry loaded: one verification instead
 * of one per call. */
#ifndef SONDE_SYSTP_H
#define SONDE_SYSTP_H
#include <stddef.h>

struct attach_set;
struct features;
struct bpf_object;
struct bpf_program;

#define SYSTP_DIR "/sys/kernel/tracing/events/syscalls"

/* A collector's probe: tracepoints, the ring buffer and the per-syscall
 * tracepoints (CONFIG_FTRACE_SYSCALLS). */
int systp__probe(struct features *feat, char *why, size_t why_sz);
/* Before load: leaves out each enter_NAME whose tracepoint this kernel
 * lacks (naming them in untraced, space-separated) and keeps every other
 * program from auto-attaching. */
void systp__select(struct bpf_object *obj, char *untraced, size_t sz);
/* After load: exit on sys_exit_NAME of every loaded enter_NAME. 0, or the
 * attach's -errno with the reason in why. */
int systp__attach_exits(struct attach_set *as, struct bpf_object *obj,
			const struct bpf_program *exit, char *why, size_t why_sz);
#endif
