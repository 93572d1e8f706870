/* SPDX-License-Identifier: Apache-2.0 */
/* The set-up every command that loads programs shares, in one place:
 * signals, logging (libbpf's too), kernel filesystems, feature detection,
 * the loop, the event bus and (when asked) the identity service; and the
 * teardown in reverse. */
#ifndef SONDE_SESSION_H
#define SONDE_SESSION_H
#include "core/collector.h"
#include "core/config.h"
#include "core/features.h"

struct identity_svc;

enum session_flags {
	SESSION_IDENTITY = 1 << 0,	/* resolve events to process identities */
	SESSION_ANY_USER = 1 << 1,	/* go on without the privileges BPF needs */
};

struct session {
	struct sonde_config cfg;	/* set by the caller before session__open */
	struct features feat;
	struct runtime rt;		/* loop, bus, features: for collectors */
	struct identity_svc *ids;
};

/* Blocks the loop's signals; call first thing, before threads exist. */
void session__early(void);
/* 0, or a negative errno after saying why. */
int session__open(struct session *s, int log_level, unsigned flags);
/* Starts the identity service if it is not running yet. */
int session__start_identity(struct session *s);
void session__close(struct session *s);
#endif
