/* SPDX-License-Identifier: Apache-2.0 */
/* Latency windows for the syscalls collector: its sys_enter program, whose
 * only job is timing calls, attached for 1/N of each second instead of
 * running on every syscall to pick 1 call in N. */
#ifndef SONDE_SC_WINDOW_H
#define SONDE_SC_WINDOW_H
#include <stdbool.h>

struct attach;
struct loop;
struct sc_window;

/* Whether this kernel can count exit/exit_group without the entry program
 * (bpf_task_pt_regs(), 5.15+), which windows need. */
bool sc_window__supported(void);
/* Keeps a (attached now) attached for period_ms / n of every period_ms. */
struct sc_window *sc_window__start(struct attach *a, unsigned n, unsigned period_ms, struct loop *loop);
/* Stops toggling; the attach set detaches a. NULL-safe. */
void sc_window__stop(struct sc_window *w);
#endif
