// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include "cli/session.h"
#include "core/bus.h"
#include "core/host.h"
#include "core/log.h"
#include "core/loop.h"
#include "identity/identity.h"
#include "sinks/json_event.h"

void session__early(void)
{
	loop__block_signals();
}

int session__open(struct session *s, int log_level, unsigned flags)
{
	char why[320];

	log__set_level(log_level);
	/* Said once, plainly, instead of every load failing with EPERM. */
	if (host__check_privileges(why, sizeof(why))) {
		if (!(flags & SESSION_ANY_USER)) {
			pr_err("%s", why);
			return -EPERM;
		}
		pr_warn("%s", why);
	}
	log__setup_libbpf();
	host__prepare();
	features__init(&s->feat);
	s->rt.feat = &s->feat;
	s->rt.loop = loop__new();
	s->rt.bus = s->rt.loop ? bus__new() : NULL;
	if (!s->rt.bus) {
		pr_err("event loop: %s", strerror(errno));
		return -ENOMEM;
	}
	return flags & SESSION_IDENTITY ? session__start_identity(s) : 0;
}

int session__start_identity(struct session *s)
{
	if (s->ids)
		return 0;
	s->ids = identity__start(s->rt.bus, config__section(&s->cfg, &identity_config_section));
	if (!s->ids) {
		pr_err("identity cache: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void session__close(struct session *s)
{
	identity__stop(s->ids);
	s->ids = NULL;
	bus__free(s->rt.bus);
	s->rt.bus = NULL;
	loop__free(s->rt.loop);
	s->rt.loop = NULL;
	json_event__free_cache();
	features__release();
}
