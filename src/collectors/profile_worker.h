/* SPDX-License-Identifier: Apache-2.0 */
/* The profiler's worker thread: it owns the symbolizer, reads each new
 * process's mappings as the kernel reports it, and renders profiles into
 * pprof (pushing each finished window to an ingest URL, when set), so
 * that the loop never waits on ELF files or a slow receiver. Rendered
 * jobs come back to the loop's thread through an eventfd. */
#ifndef SONDE_PROFILE_WORKER_H
#define SONDE_PROFILE_WORKER_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/strbuf.h"
#include "symbolize/symbolizer.h"
#include "sonde/profile.h"

struct loop;
struct stackprof;
struct http_client;

struct prof_job {
	struct profile_proc note;	/* note: a process image to read */
	struct stackprof *prof;		/* render: owned, freed with the job */
	bool push;			/* render: and POST it to the push URL */
	void (*done)(struct prof_job *j);	/* on the loop's thread, after rendering */
	void *ctx;
	struct strbuf out;		/* the gzipped pprof */
	int err;
	struct prof_job *next;
};

struct prof_worker {
	pthread_t th;
	bool on, quit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct prof_job *head, *tail;	/* to do */
	struct prof_job *done;		/* rendered, for the loop */
	int efd;
	struct loop *loop;
	struct symbolizer *sym;
	struct symbolizer_stats st;	/* refreshed by the worker, read under mu */
	char push_host[128], push_path[256];
	struct http_client *client;
	uint64_t pushed, push_errors;	/* under mu */
	char push_why[512];		/* the last push error, under mu */
};

/* push_url: "" or http://HOST:PORT/PATH. 0 or -errno with why. */
int prof_worker__start(struct prof_worker *w, struct loop *loop, size_t budget, const char *push_url, char *why,
		       size_t why_sz);
/* Renders what is queued, delivers it (done callbacks run here), stops. */
void prof_worker__stop(struct prof_worker *w);
void prof_worker__note(struct prof_worker *w, const struct profile_proc *p);
/* Takes prof; done(j) runs on the loop's thread with j->out or j->err,
 * and the job is freed after it returns. 0 or -ENOMEM (prof freed). */
int prof_worker__render(struct prof_worker *w, struct stackprof *prof, bool push, void (*done)(struct prof_job *),
			void *ctx);
#endif
