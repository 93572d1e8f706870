/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus text exposition (format 0.0.4): the first metrics_writer
 * backend. Families are written with HELP and TYPE once; samples of a
 * family must follow it. */
#ifndef SONDE_LIB_PROM_H
#define SONDE_LIB_PROM_H
#include "lib/metrics.h"
#include "lib/strbuf.h"

struct prom_writer {
	struct metrics_writer mw;
	struct strbuf *sb;
};

/* A writer appending to sb; use &pw.mw as the metrics_writer. */
void prom_writer__init(struct prom_writer *pw, struct strbuf *sb);
/* Escapes a label value (backslash, quote, newline; invalid UTF-8 as U+FFFD). */
void prom__escape_label(struct strbuf *sb, const char *s);
#endif
