/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's one event loop: epoll over ring buffers, the HTTP server and
 * timers, with signals delivered through signalfd. Every callback runs on
 * the loop's thread. */
#ifndef SONDE_LOOP_H
#define SONDE_LOOP_H
#include <stdint.h>

struct loop;
typedef void (*loop_fn)(void *ctx, uint32_t events);

enum loop_exit { LOOP_STOP, LOOP_RELOAD };

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread, so that threads
 * created afterwards (by us or a sanitizer runtime) never take them and a
 * signal during start-up waits for the loop's signalfd. Call first thing. */
void loop__block_signals(void);
struct loop *loop__new(void);
void loop__free(struct loop *l);
int loop__add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx);
int loop__del(struct loop *l, int fd);

/* A timer of one user (a timerfd in the loop): fn runs first_ms after
 * loop_timer__arm, then every period_ms (0: once). */
struct loop_timer;
struct loop_timer *loop__timer_new(struct loop *l, loop_fn fn, void *ctx);
/* first_ms 0 disarms. Returns 0 or a negative errno. */
int loop_timer__arm(struct loop_timer *t, unsigned first_ms, unsigned period_ms);
void loop_timer__free(struct loop_timer *t);
/* Runs until SIGINT/SIGTERM (LOOP_STOP) or SIGHUP (LOOP_RELOAD), or until
 * loop__stop(). Returns a loop_exit or a negative errno. */
int loop__run(struct loop *l);
void loop__stop(struct loop *l);
/* fn runs each time before the loop sleeps: once before the first round
 * and after every round of callbacks (sinks flush there: what one wake-up
 * produced goes out in one write). */
void loop__set_idle(struct loop *l, loop_fn fn, void *ctx);
#endif
