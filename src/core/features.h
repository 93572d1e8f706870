/* What this kernel really supports, learned once at start by real loads
 * and attaches (the kernel's own probes lie on some kernels). */
#ifndef SONDE_FEATURES_H
#define SONDE_FEATURES_H
#include <stdbool.h>
#include <stdio.h>

enum feature_id {
	FEAT_BTF,
	FEAT_RINGBUF,
	FEAT_TRACEPOINT,
	FEAT_RAW_TP,
	FEAT_TP_BTF,
	FEAT_KPROBE,
	FEAT_FENTRY,
	FEAT_UPROBE,
	FEAT_PERF_SW,
	FEAT_PERF_HW,
	FEAT_LSM,
	FEAT__COUNT,
};

struct feature {
	bool ok;
	int err;		/* negative errno of the failed step */
	char why[192];		/* what failed, in words */
	char fix[192];		/* what the user can do */
	double ms;		/* probe time */
};

struct features {
	struct feature f[FEAT__COUNT];
	char kernel[128];
};

const char *feature__name(enum feature_id id);
const char *feature__summary(enum feature_id id);
/* Probes every hook type; never fails as a whole. */
void features__probe(struct features *feat);
/* The probes' compiled BPF object, for `sonde verify --builtin`. */
const void *features__elf_bytes(size_t *sz);
/* Waits for the probes' background teardown; call before exit. */
void features__release(void);
static inline bool features__has(const struct features *f, enum feature_id id)
{
	return f->f[id].ok;
}
#endif
