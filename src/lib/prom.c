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

void mw__family(struct metrics_writer *w, const char *name, const char *type, const char *help)
{
	sb__printf(&w->sb, "# HELP %s ", name);
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			sb__puts(&w->sb, "\\\\");
		else if (*p == '\n')
			sb__puts(&w->sb, "\\n");
		else
			sb__putc(&w->sb, *p);
	}
	sb__printf(&w->sb, "\n# TYPE %s %s\n", name, type);
}

static void put_labels(struct metrics_writer *w, const struct label *l, int nl,
		       const char *extra_name, const char *extra_value)
{
	if (!nl && !extra_name)
		return;
	sb__putc(&w->sb, '{');
	for (int i = 0; i < nl; i++) {
		sb__printf(&w->sb, "%s%s=\"", i ? "," : "", l[i].name);
		prom__escape_label(&w->sb, l[i].value ? l[i].value : "");
		sb__putc(&w->sb, '"');
	}
	if (extra_name)
		sb__printf(&w->sb, "%s%s=\"%s\"", nl ? "," : "", extra_name, extra_value);
	sb__putc(&w->sb, '}');
}

static void put_value(struct metrics_writer *w, double v)
{
	if (isnan(v))
		sb__puts(&w->sb, " NaN\n");
	else if (isinf(v))
		sb__puts(&w->sb, v > 0 ? " +Inf\n" : " -Inf\n");
	else
		sb__printf(&w->sb, " %.17g\n", v);
}

void mw__sample(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		double v)
{
	sb__puts(&w->sb, name);
	put_labels(w, l, nl, NULL, NULL);
	put_value(w, v);
}

void mw__sample_u64(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		    uint64_t v)
{
	sb__puts(&w->sb, name);
	put_labels(w, l, nl, NULL, NULL);
	sb__printf(&w->sb, " %llu\n", (unsigned long long)v);
}

void mw__histogram(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		   const uint64_t *slots, unsigned nslots, unsigned first_slot, double sum)
{
	uint64_t cum = 0;
	char le[32];

	for (unsigned i = 0; i + 1 < nslots; i++) {
		cum += slots[i];
		if (i < first_slot)
			continue;
		hist__le_str(i, le, sizeof(le));
		sb__printf(&w->sb, "%s_bucket", name);
		put_labels(w, l, nl, "le", le);
		sb__printf(&w->sb, " %llu\n", (unsigned long long)cum);
	}
	cum += slots[nslots - 1];
	sb__printf(&w->sb, "%s_bucket", name);
	put_labels(w, l, nl, "le", "+Inf");
	sb__printf(&w->sb, " %llu\n", (unsigned long long)cum);
	sb__printf(&w->sb, "%s_sum", name);
	put_labels(w, l, nl, NULL, NULL);
	put_value(w, sum);
	sb__printf(&w->sb, "%s_count", name);
	put_labels(w, l, nl, NULL, NULL);
	sb__printf(&w->sb, " %llu\n", (unsigned long long)cum);
}
