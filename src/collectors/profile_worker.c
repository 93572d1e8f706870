// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "collectors/profile_worker.h"
#include "core/loop.h"
#include "server/http_client.h"
#include "symbolize/stackprof.h"

static void job_free(struct prof_job *j)
{
	if (j->prof) {
		stackprof__free(j->prof);
		free(j->prof);
	}
	sb__free(&j->out);
	free(j);
}

static void push(struct prof_worker *w, struct prof_job *j)
{
	struct http_reply r = {};
	char err[160] = "";
	int st;

	if (!w->client) {
		struct http_client_opts o = { .connect_ms = 2000, .total_ms = 10000 };

		w->client = http_client__new(w->push_host, &o, err, sizeof(err));
	}
	st = w->client ? http_client__request(w->client, "POST", w->push_path, "application/octet-stream", j->out.buf,
					      j->out.len, &r, err, sizeof(err))
		       : -ECONNREFUSED;
	pthread_mutex_lock(&w->mu);
	if (st >= 200 && st < 300) {
		w->pushed++;
	} else {
		w->push_errors++;
		if (st > 0)
			snprintf(w->push_why, sizeof(w->push_why), "http://%s%s answered %d", w->push_host, w->push_path,
				 st);
		else
			snprintf(w->push_why, sizeof(w->push_why), "http://%s%s: %s", w->push_host, w->push_path, err);
	}
	pthread_mutex_unlock(&w->mu);
	sb__free(&r.body);
}

static void *worker_main(void *arg)
{
	struct prof_worker *w = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct prof_job *j;

		while (!w->head && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break;
		j = w->head;
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);
		if (!j->prof) {	/* a note: nothing goes back to the loop */
			symbolizer__note_proc(w->sym, j->note.pid, j->note.start_ns, j->note.exec_seq);
			free(j);
			j = NULL;
		} else {
			j->err = stackprof__write_pprof(j->prof, w->sym, &j->out);
			symbolizer__trim(w->sym);
			if (!j->err && j->push && w->push_host[0])
				push(w, j);
		}
		pthread_mutex_lock(&w->mu);
		symbolizer__stats(w->sym, &w->st);
		if (j) {
			j->next = w->done;
			w->done = j;
			/* Fails only when the counter is already at its maximum. */
			(void)!write(w->efd, &one, sizeof(one));
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* On the loop's thread: the rendered jobs, oldest first. */
static void deliver(struct prof_worker *w)
{
	struct prof_job *list, *rev = NULL;
	uint64_t n;

	(void)!read(w->efd, &n, sizeof(n));	/* EAGAIN: nothing pending, as the list says */
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->mu);
	while (list) {
		struct prof_job *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	while (rev) {
		struct prof_job *next = rev->next;

		if (rev->done)
			rev->done(rev);
		job_free(rev);
		rev = next;
	}
}

static void on_done(void *ctx, uint32_t events)
{
	deliver(ctx);
}

int prof_worker__start(struct prof_worker *w, struct loop *loop, size_t budget, const char *push_url, char *why,
		       size_t why_sz)
{
	memset(w, 0, sizeof(*w));
	w->efd = -1;
	if (push_url[0]) {
		const char *hp = push_url + 7, *slash;

		if (strncmp(push_url, "http://", 7) || !*hp) {
			snprintf(why, why_sz, "profile.push_url '%s': only http://HOST:PORT/PATH", push_url);
			return -EINVAL;
		}
		slash = strchr(hp, '/');
		snprintf(w->push_host, sizeof(w->push_host), "%.*s", (int)(slash ? slash - hp : (long)strlen(hp)), hp);
		snprintf(w->push_path, sizeof(w->push_path), "%s", slash ?: "/");
	}
	w->sym = symbolizer__new(budget);
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!w->sym || w->efd < 0 || loop__add(loop, w->efd, EPOLLIN, on_done, w)) {
		snprintf(why, why_sz, "profile worker: %s", strerror(errno ?: ENOMEM));
		return -ENOMEM;
	}
	w->loop = loop;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, worker_main, w)) {
		snprintf(why, why_sz, "profile worker: cannot start a thread");
		return -EAGAIN;
	}
	w->on = true;
	return 0;
}

void prof_worker__stop(struct prof_worker *w)
{
	if (w->on) {
		pthread_mutex_lock(&w->mu);
		w->quit = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->on = false;
		deliver(w);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	if (w->efd >= 0) {
		if (w->loop)
			loop__del(w->loop, w->efd);
		close(w->efd);
		w->efd = -1;
	}
	http_client__free(w->client);
	w->client = NULL;
}

static int enqueue(struct prof_worker *w, struct prof_job *j)
{
	if (!w->on)
		return -ESRCH;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void prof_worker__note(struct prof_worker *w, const struct profile_proc *p)
{
	struct prof_job *j = calloc(1, sizeof(*j));

	if (!j)
		return;
	j->note = *p;
	if (enqueue(w, j))
		free(j);
}

int prof_worker__render(struct prof_worker *w, struct stackprof *prof, bool push, void (*done)(struct prof_job *),
			void *ctx)
{
	struct prof_job *j = calloc(1, sizeof(*j));

	if (!j) {
		stackprof__free(prof);
		free(prof);
		return -ENOMEM;
	}
	*j = (struct prof_job){ .prof = prof, .push = push, .done = done, .ctx = ctx };
	if (enqueue(w, j)) {
		job_free(j);
		return -ESRCH;
	}
	return 0;
}
