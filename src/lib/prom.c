// SPDX-License-Identifier: Apache-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lib/hist.h"
#include "lib/utf8.h"
#include "lib/prom.h"

void prom__escape_label(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len;

		if (c == '\\' || c == '"') {
			sb__putc(sb, '\\');
			sb__putc(sb, c);
			i++;
		} else if (c == '\n') {
			sb__puts(sb, "\\n");
			i++;
		} else if ((len = utf8__seq_len((const unsigned char *)s + i, n - i))) {
			sb__append(sb, s + i, len);
			i += len;
		} else {
			sb__puts(sb, "\xEF\xBF\xBD");
			i++;
		}
	}
}

#define SB(w) (((struct prom_writer *)(w))->sb)

static const char *const type_names[] = {
	[METRIC_COUNTER] = "counter", [METRIC_GAUGE] = "gauge", [METRIC_HISTOGRAM] = "histogram",
};

static void prom_family(struct metrics_writer *w, const char *name, enum metric_type type,
			const char *help)
{
	sb__printf(SB(w), "# HELP %s ", name);
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			sb__puts(SB(w), "\\\\");
		else if (*p == '\n')
			sb__puts(SB(w), "\\n");
		else
			sb__putc(SB(w), *p);
	}
	sb__printf(SB(w), "\n# TYPE %s %s\n", name, type_names[type]);
}

static void put_labels(struct metrics_writer *w, const struct label *l, int nl,
		       const char *extra_name, const char *extra_value)
{
	if (!nl && !extra_name)
		return;
	sb__putc(SB(w), '{');
	for (int i = 0; i < nl; i++) {
		sb__printf(SB(w), "%s%s=\"", i ? "," : "", l[i].name);
		prom__escape_label(SB(w), l[i].value ? l[i].value : "");
		sb__putc(SB(w), '"');
	}
	if (extra_name)
		sb__printf(SB(w), "%s%s=\"%s\"", nl ? "," : "", extra_name, extra_value);
	sb__putc(SB(w), '}');
}

static void put_value(struct metrics_writer *w, double v)
{
	if (isnan(v))
		sb__puts(SB(w), " NaN\n");
	else if (isinf(v))
		sb__puts(SB(w), v > 0 ? " +Inf\n" : " -Inf\n");
	else
		sb__printf(SB(w), " %.17g\n", v);
}

static void prom_value(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		       double v)
{
	sb__puts(SB(w), name);
	put_labels(w, l, nl, NULL, NULL);
	put_value(w, v);
}

static void prom_count(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		       uint64_t v)
{
	sb__puts(SB(w), name);
	put_labels(w, l, nl, NULL, NULL);
	sb__printf(SB(w), " %llu\n", (unsigned long long)v);
}

static void prom_histogram(struct metrics_writer *w, const char *name, const struct label *l,
			   int nl, const struct metric_hist *h)
{
	const uint64_t *slots = h->slots;
	unsigned nslots = h->nslots, first_slot = h->first_slot;
	double sum = h->sum;
	uint64_t cum = 0;
	char le[32];

	for (unsigned i = 0; i + 1 < nslots; i++) {
		cum += slots[i];
		if (i < first_slot)
			continue;
		hist__le_str(i, le, sizeof(le));
		sb__printf(SB(w), "%s_bucket", name);
		put_labels(w, l, nl, "le", le);
		sb__printf(SB(w), " %llu\n", (unsigned long long)cum);
	}
	cum += slots[nslots - 1];
	sb__printf(SB(w), "%s_bucket", name);
	put_labels(w, l, nl, "le", "+Inf");
	sb__printf(SB(w), " %llu\n", (unsigned long long)cum);
	sb__printf(SB(w), "%s_sum", name);
	put_labels(w, l, nl, NULL, NULL);
	put_value(w, sum);
	sb__printf(SB(w), "%s_count", name);
	put_labels(w, l, nl, NULL, NULL);
	sb__printf(SB(w), " %llu\n", (unsigned long long)cum);
}

static const struct metrics_writer_ops prom_ops = {
	.family = prom_family,
	.value = prom_value,
	.count = prom_count,
	.histogram = prom_histogram,
};

void prom_writer__init(struct prom_writer *pw, struct strbuf *sb)
{
	*pw = (struct prom_writer){ .mw = { .ops = &prom_ops }, .sb = sb };
}
