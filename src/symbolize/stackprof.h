/* SPDX-License-Identifier: Apache-2.0 */
/* A profile in the making: stacks as addresses, counted per process image
 * and thread name, merged as drains bring them; then symbolized and
 * written as pprof or folded stacks. Images carry the identity the agent
 * gives every signal (exec_id, container). */
#ifndef SONDE_STACKPROF_H
#define SONDE_STACKPROF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct symbolizer;

struct stackprof_image {
	uint32_t pid, exec_seq;
	uint64_t start_ns;
	char exec_id[48];
	char container[72];	/* "" when none */
	uint64_t samples, truncated;
};

struct stackprof_row {
	uint32_t image;		/* index into images */
	uint16_t nu, nk;	/* user and kernel frames in ips: kernel first, each leaf first */
	char comm[16];
	uint64_t count;
	uint64_t *ips;
};

struct stackprof {
	struct stackprof_image *images;
	size_t nimages, images_cap;
	struct stackprof_row *rows;
	size_t nrows, rows_cap;
	uint32_t *index;	/* open addressing over rows, +1; 0 empty */
	size_t index_cap;
	uint64_t samples;
	int64_t period_ns;	/* of one sample */
	bool off_cpu;		/* counts are nanoseconds off the CPU, not samples */
	int64_t start_ns, end_ns;	/* CLOCK_REALTIME span */
};

void stackprof__init(struct stackprof *p, int64_t period_ns);
void stackprof__free(struct stackprof *p);
/* The image's index, added on first sight (exec_id and container then
 * filled by the caller); -1 when out of memory. */
long stackprof__image(struct stackprof *p, uint32_t pid, uint64_t start_ns, uint32_t exec_seq, int *added);
/* Counts a stack of image (kernel frames kips, user frames uips, leaf
 * first). 0 or -ENOMEM. */
int stackprof__add(struct stackprof *p, uint32_t image, const char *comm, const uint64_t *kips, unsigned nk,
		   const uint64_t *uips, unsigned nu, uint64_t count);
/* Adds every row of src into dst (rolling windows into a longer one). */
int stackprof__merge(struct stackprof *dst, const struct stackprof *src);

/* pprof (gzipped profile.proto): values samples/count and cpu/nanoseconds
 * (off-CPU: off_cpu/nanoseconds), labels pid, comm, exec_id, container and
 * truncated. 0 or -errno. */
int stackprof__write_pprof(struct stackprof *p, struct symbolizer *sym, struct strbuf *out);
/* Folded stacks: "comm;root;...;leaf COUNT" per line, kernel frames with
 * a "_[k]" suffix, as flamegraph.pl and speedscope read them. */
int stackprof__write_folded(struct stackprof *p, struct symbolizer *sym, struct strbuf *out);
#endif
