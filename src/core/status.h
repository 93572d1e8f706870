/* What `sonde status` shows: the running agent's collectors, programs,
 * maps, drops and sinks, as JSON (/api/status) or a table
 * (/api/status.txt). Built from the same sources as the self-metrics. */
#ifndef SONDE_STATUS_H
#define SONDE_STATUS_H
#include "core/self.h"
#include "lib/strbuf.h"

void status__json(const struct self_info *si, struct strbuf *sb);
void status__text(const struct self_info *si, struct strbuf *sb);
#endif
