// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/features.h"
#include "core/systp.h"

int systp__probe(struct features *feat, char *why, size_t why_sz)
{
	int err = features__require(feat, FEAT_TRACEPOINT, why, why_sz) ?:
		  features__require(feat, FEAT_RINGBUF, why, why_sz);

	if (!err && access(SYSTP_DIR, F_OK)) {
		snprintf(why, why_sz, "no syscall tracepoints (%s: %s): the kernel needs "
			 "CONFIG_FTRACE_SYSCALLS", SYSTP_DIR, strerror(errno));
		err = -EOPNOTSUPP;
	}
	return err;
}

void systp__select(struct bpf_object *obj, char *untraced, size_t sz)
{
	struct bpf_program *prog;
	char path[256];

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		size_t used;

		if (strncmp(name, "enter_", 6)) {
			bpf_program__set_autoattach(prog, false);
			continue;
		}
		name += 6;
		snprintf(path, sizeof(path), SYSTP_DIR "/sys_enter_%s", name);
		if (!access(path, F_OK))
			continue;
		bpf_program__set_autoload(prog, false);
		used = strlen(untraced);
		if (used + strlen(name) + 2 < sz)
			snprintf(untraced + used, sz - used, "%s%s", used ? " " : "", name);
	}
}

int systp__attach_exits(struct attach_set *as, struct bpf_object *obj,
			const struct bpf_program *exit, char *why, size_t why_sz)
{
	struct bpf_program *prog;
	char name[64];

	bpf_object__for_each_program(prog, obj) {
		struct attach_spec spec = { .kind = ATTACH_TRACEPOINT };
		struct attach *a;

		if (strncmp(bpf_program__name(prog), "enter_", 6) || bpf_program__fd(prog) < 0)
			continue;
		snprintf(name, sizeof(name), "sys_exit_%s", bpf_program__name(prog) + 6);
		spec.tp.category = "syscalls";
		spec.tp.name = name;
		a = attach_set__add(as, exit, -1, NULL, &spec);
		if (!a)
			return -ENOMEM;
		if (attach__err(a)) {
			snprintf(why, why_sz, "attaching %s to syscalls/%s: %s",
				 bpf_program__name(exit), name, attach__why(a));
			return attach__err(a);
		}
	}
	return 0;
}
