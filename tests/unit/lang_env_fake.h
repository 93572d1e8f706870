/* SPDX-License-Identifier: Apache-2.0 */
/* A fake kernel for the type checker's tests: a few real tracefs formats
 * (Linux 6.18, x86_64) behind struct lang_env, parsed by lang_tp__parse(). */
#ifndef SONDE_TESTS_LANG_ENV_FAKE_H
#define SONDE_TESTS_LANG_ENV_FAKE_H
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include "lang/check.h"


/* The fields every tracepoint record starts with, as tracefs lists them. */
#define COMMON_FIELDS                                                             \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"      \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"      \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"

static const struct fake_tp {
	const char *cat, *name, *format;
} fake_tps[] = {
	{ "sched", "sched_process_exec",
	  "name: sched_process_exec\n"
	  "ID: 365\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	  "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	  "\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
	  "\n"
	  "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filena\n"
	  "\n" },
	{ "sched", "sched_switch",
	  "name: sched_switch\n"
	  "ID: 372\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	  "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	  "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	  "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	  "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	  "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	  "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
	  "\n"
	  "print fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state\n"
	  "\n" },
	{ "syscalls", "sys_enter_execve",
	  "name: sys_enter_execve\n"
	  "ID: 862\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;\n"
	  "\tfield:const char *const * argv;\toffset:24;\tsize:8;\tsigned:0;\n"
	  "\tfield:const char *const * envp;\toffset:32;\tsize:8;\tsigned:0;\n"
	  "\n"
	  "print fmt: \"filename: 0x%08lx, argv: 0x%08lx, envp: 0x%08lx\"\n"
	  "\n" },
	{ "syscalls", "sys_enter_openat",
	  "name: sys_enter_openat\n"
	  "ID: 782\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	  "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	  "\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	  "\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	  "\n"
	  "print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx,\n"
	  "\n" },
	{ "syscalls", "sys_enter_openat2",
	  "name: sys_enter_openat2\n"
	  "ID: 780\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	  "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	  "\tfield:struct open_how * how;\toffset:32;\tsize:8;\tsigned:0;\n"
	  "\tfield:size_t usize;\toffset:40;\tsize:8;\tsigned:0;\n"
	  "\n"
	  "print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, how: 0x%08lx, u\n"
	  "\n" },
	{ "syscalls", "sys_enter_read",
	  "name: sys_enter_read\n"
	  "ID: 842\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;\n"
	  "\tfield:char * buf;\toffset:24;\tsize:8;\tsigned:0;\n"
	  "\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;\n"
	  "\n"
	  "print fmt: \"fd: 0x%08lx, buf: 0x%08lx, count: 0x%08lx\", ((un\n"
	  "\n" },
	{ "syscalls", "sys_exit_openat",
	  "name: sys_exit_openat\n"
	  "ID: 781\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n"
	  "\n"
	  "print fmt: \"0x%lx\", REC->ret\n"
	  "\n" },
	{ "syscalls", "sys_exit_read",
	  "name: sys_exit_read\n"
	  "ID: 841\n"
	  "format:\n"
	  COMMON_FIELDS
	  "\n"
	  "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	  "\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n"
	  "\n"
	  "print fmt: \"0x%lx\", REC->ret\n"
	  "\n" },
};

static inline int fake_format(void *ctx, const char *cat, const char *name, struct lang_tp_format *out)
{
	for (size_t i = 0; i < sizeof(fake_tps) / sizeof(fake_tps[0]); i++)
		if (!strcmp(fake_tps[i].cat, cat) && !strcmp(fake_tps[i].name, name))
			return lang_tp__parse(fake_tps[i].format, strlen(fake_tps[i].format), out, NULL, 0);
	return -ENOENT;
}

static inline int fake_list(void *ctx, const char *cg, const char *ng,
		     int (*cb)(void *arg, const char *cat, const char *name), void *arg)
{
	for (size_t i = 0; i < sizeof(fake_tps) / sizeof(fake_tps[0]); i++) {
		int ret;

		if (fnmatch(cg, fake_tps[i].cat, 0) || fnmatch(ng, fake_tps[i].name, 0))
			continue;
		if ((ret = cb(arg, fake_tps[i].cat, fake_tps[i].name)))
			return ret;
	}
	return 0;
}

/* This project's machines: tracepoints and perf events, no kprobes. */
static inline void fake_env(struct lang_env *env)
{
	memset(env, 0, sizeof(*env));
	env->tp_format = fake_format;
	env->tp_list = fake_list;
	env->has_rawtp = env->has_uprobe = env->has_perf_event = true;
}
#endif
