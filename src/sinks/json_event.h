/* SPDX-License-Identifier: Apache-2.0 */
/* Events as JSON objects: the field writer's JSON backend applied to the
 * envelope (schema, type, time, the task), the identity and the kind's
 * own fields. The schema is docs/reference.md's "Events". */
#ifndef SONDE_JSON_EVENT_H
#define SONDE_JSON_EVENT_H
#include "core/event.h"
#include "lib/strbuf.h"

#define SONDE_EVENT_SCHEMA 1

/* Appends one event as a JSON object (no newline) to sb. */
void json_event__format(struct strbuf *sb, const struct event *ev);
/* Frees the rendered identities kept for speed (one per pid slot). */
void json_event__free_cache(void);
#endif
