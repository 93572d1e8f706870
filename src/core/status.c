// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/bus.h"
#include "core/mapstat.h"
#include "core/self.h"
#include "lib/fields.h"
#include "lib/json.h"
#include "lib/strbuf.h"

struct prog_row {
	uint64_t runs, ns;
	double avg_ns, cpu_share;
};

static double uptime_s(const struct self_info *si)
{
	double up = event__now_ns() / 1e9 - si->start_time;

	return up > 0 ? up : 1e-9;
}

/* Share of the machine's CPU time spent in the program since start. */
static void prog_row(const struct self_info *si, const struct attach *a, struct prog_row *r)
{
	r->runs = r->ns = 0;
	self__prog_stats(attach__prog_fd(a), &r->runs, &r->ns);
	r->avg_ns = r->runs ? (double)r->ns / r->runs : 0;
	r->cpu_share = r->ns / (uptime_s(si) * 1e9 * libbpf_num_possible_cpus());
}

static const char *state_str(enum attach_state s)
{
	return s == ATTACH_ON ? "attached" : s == ATTACH_SUSPENDED ? "suspended" : "failed";
}

static const char *map_type(const struct attach_map *m)
{
	return libbpf_bpf_map_type_str(m->bm.type) ?: "?";
}

static void json_collector(const struct self_info *si, const struct collector *c,
			   struct json_writer *w)
{
	bool running = c->state == COLLECTOR_RUNNING;
	const struct attach_map *m;
	struct attach *a;

	jw__obj_begin(w);
	jw__key(w, "name"); jw__str(w, c->ops->name);
	jw__key(w, "state"); jw__str(w, collector__state_str(c->state));
	jw__key(w, "hook"); jw__str(w, c->hook);
	jw__key(w, "reason"); jw__str(w, c->why[0] ? c->why : NULL);
	jw__key(w, "start_ms"); jw__double(w, c->start_ms);
	jw__key(w, "programs");
	jw__arr_begin(w);
	if (running) {
		attach_set__for_each(a, c->as) {
			struct prog_row r;

			prog_row(si, a, &r);
			jw__obj_begin(w);
			jw__key(w, "name"); jw__str(w, attach__prog_name(a));
			jw__key(w, "attach"); jw__str(w, attach__target(a));
			jw__key(w, "kind"); jw__str(w, attach_kind__name(attach__kind(a)));
			jw__key(w, "state"); jw__str(w, state_str(attach__state(a)));
			if (attach__state(a) == ATTACH_FAILED) {
				jw__key(w, "reason"); jw__str(w, attach__why(a));
			}
			jw__key(w, "links"); jw__u64(w, attach__nlinks(a));
			jw__key(w, "run_count"); jw__u64(w, r.runs);
			jw__key(w, "run_time_ns"); jw__u64(w, r.ns);
			jw__key(w, "avg_ns"); jw__double(w, r.avg_ns);
			jw__key(w, "cpu_share"); jw__double(w, r.cpu_share);
			jw__obj_end(w);
		}
	}
	jw__arr_end(w);
	jw__key(w, "maps");
	jw__arr_begin(w);
	for (unsigned i = 0; running && (m = attach_set__map(c->as, i)); i++) {
		const char *type = map_type(m);

		jw__obj_begin(w);
		jw__key(w, "name"); jw__str(w, m->name);
		jw__key(w, "type"); jw__str(w, type);
		jw__key(w, "entries"); jw__i64(w, mapstat__entries(si->maps, &m->bm));
		jw__key(w, "capacity"); jw__u64(w, m->bm.max_entries);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__key(w, "lost");
	jw__obj_begin(w);
	for (unsigned k = 0; running && c->ops->drop_reasons && c->ops->drop_reasons[k]; k++) {
		jw__key(w, c->ops->drop_reasons[k]);
		jw__u64(w, collector__drops(c, k));
	}
	jw__obj_end(w);
	if (running && c->ops->status) {
		struct json_fields jf;

		json_fields__init(&jf, w);
		jw__key(w, "details");
		jw__obj_begin(w);
		c->ops->status((struct collector *)c, &jf.fw);
		jw__obj_end(w);
	}
	jw__obj_end(w);
}

void status__json(const struct self_info *si, struct strbuf *sb)
{
	struct json_writer w;

	mapstat__refresh(si->maps);
	jw__init(&w, sb);
	jw__obj_begin(&w);
	jw__key(&w, "version"); jw__str(&w, SONDE_VERSION);
	jw__key(&w, "kernel"); jw__str(&w, si->kernel);
	jw__key(&w, "uptime_seconds"); jw__double(&w, uptime_s(si));
	jw__key(&w, "prog_stats"); jw__bool(&w, si->prog_stats);
	jw__key(&w, "collectors");
	jw__arr_begin(&w);
	for (int i = 0; i < si->ncollectors; i++)
		json_collector(si, &si->collectors[i], &w);
	jw__arr_end(&w);
	jw__key(&w, "sinks");
	jw__arr_begin(&w);
	for (struct sink *s = si->bus ? bus__sinks(si->bus) : NULL; s; s = s->next) {
		jw__obj_begin(&w);
		jw__key(&w, "name"); jw__str(&w, s->name);
		jw__key(&w, "events"); jw__u64(&w, s->emitted);
		jw__key(&w, "dropped"); jw__u64(&w, s->dropped);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	sb__putc(sb, '\n');
}

/* A collector's details as text: each object in an array is a line of
 * key=value pairs under the array's name; scalars in an array are joined
 * with commas; other values go on the collector's own line. */
struct text_fields {
	struct field_writer fw;
	struct strbuf *sb;
	const char *name;	/* the collector's */
	const char *arr;	/* the array being written, NULL: none */
	int depth;		/* of objects inside the array */
	int inner;		/* arrays open inside those objects */
	bool first;		/* no scalar yet in the array */
};

static void tf_key(struct text_fields *t, const char *key)
{
	if (key)
		sb__printf(t->sb, " %s=", key);
	else if (!t->first)
		sb__putc(t->sb, ',');
	t->first = false;
}

static void tf_str(struct field_writer *w, const char *key, const char *s, size_t n)
{
	struct text_fields *t = (struct text_fields *)w;

	tf_key(t, key);
	sb__put_text(t->sb, s, n);
}

static void tf_i64(struct field_writer *w, const char *key, int64_t v)
{
	tf_key((struct text_fields *)w, key);
	sb__printf(((struct text_fields *)w)->sb, "%lld", (long long)v);
}

static void tf_u64(struct field_writer *w, const char *key, uint64_t v)
{
	tf_key((struct text_fields *)w, key);
	sb__printf(((struct text_fields *)w)->sb, "%llu", (unsigned long long)v);
}

static void tf_dbl(struct field_writer *w, const char *key, double v)
{
	tf_key((struct text_fields *)w, key);
	sb__printf(((struct text_fields *)w)->sb, "%g", v);
}

static void tf_bool(struct field_writer *w, const char *key, bool v)
{
	tf_key((struct text_fields *)w, key);
	sb__puts(((struct text_fields *)w)->sb, v ? "yes" : "no");
}

static void tf_null(struct field_writer *w, const char *key)
{
	tf_key((struct text_fields *)w, key);
	sb__putc(((struct text_fields *)w)->sb, '-');
}

static void tf_open(struct field_writer *w, const char *key, bool array)
{
	struct text_fields *t = (struct text_fields *)w;

	if (array) {
		if (t->arr)
			t->inner++;
		else
			t->arr = key ? key : "";
		t->first = true;
		if (key)
			sb__printf(t->sb, " %s=", key);
	} else if (!array && t->arr && t->depth++ == 0) {
		sb__printf(t->sb, "\n%-12s %s:", t->name, t->arr);
	} else if (key) {
		sb__printf(t->sb, " %s:", key);
	}
}

static void tf_close(struct field_writer *w, bool array)
{
	struct text_fields *t = (struct text_fields *)w;

	if (array && t->inner)
		t->inner--;
	else if (array)
		t->arr = NULL;
	else if (!array && t->arr && t->depth)
		t->depth--;
}

static const struct field_writer_ops text_fields_ops = {
	tf_str, tf_i64, tf_u64, tf_dbl, tf_bool, tf_null, tf_open, tf_close,
};

/* Columns wide enough for what they hold, so long targets (uprobes on
 * library paths) do not push the rest out of line. */
static int attach_width(const struct self_info *si)
{
	int wmax = 24;

	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct attach *a;

		if (c->state != COLLECTOR_RUNNING)
			continue;
		attach_set__for_each(a, c->as)
			if ((int)strlen(attach__target(a)) > wmax)
				wmax = strlen(attach__target(a));
	}
	return wmax < 80 ? wmax : 80;
}

void status__text(const struct self_info *si, struct strbuf *sb)
{
	int aw = attach_width(si);

	mapstat__refresh(si->maps);
	sb__printf(sb, "sonde %s on %s, up %.0f s, program stats %s\n\n", SONDE_VERSION, si->kernel,
		   uptime_s(si), si->prog_stats ? "on" : "off (start the agent with --prog-stats)");
	sb__printf(sb, "%-12s %-12s %-10s %s\n", "COLLECTOR", "STATE", "HOOK", "DETAILS");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];

		sb__printf(sb, "%-12s %-12s %-10s %s\n", c->ops->name, collector__state_str(c->state),
			   c->hook ? c->hook : "-", c->why[0] ? c->why : c->ops->summary);
	}
	sb__printf(sb, "\n%-12s %-16s %-*s %-9s %12s %8s %8s\n", "COLLECTOR", "PROGRAM", aw, "ATTACH",
		   "STATE", "RUNS", "AVG_NS", "CPU%");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct attach *a;

		if (c->state != COLLECTOR_RUNNING)
			continue;
		attach_set__for_each(a, c->as) {
			struct prog_row r;

			prog_row(si, a, &r);
			sb__printf(sb, "%-12s %-16s %-*.*s %-9s ", c->ops->name, attach__prog_name(a), aw, aw,
				   attach__target(a), state_str(attach__state(a)));
			if (si->prog_stats)
				sb__printf(sb, "%12llu %8.1f %8.4f\n", (unsigned long long)r.runs, r.avg_ns,
					   r.cpu_share * 100);
			else
				sb__printf(sb, "%12s %8s %8s\n", "-", "-", "-");
			if (attach__state(a) == ATTACH_FAILED)
				sb__printf(sb, "%-12s   %s\n", "", attach__why(a));
		}
	}
	sb__printf(sb, "\n%-12s %-16s %-16s %10s %10s\n", "COLLECTOR", "MAP", "TYPE", "ENTRIES", "CAPACITY");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		const struct attach_map *m;

		for (unsigned k = 0; c->state == COLLECTOR_RUNNING && (m = attach_set__map(c->as, k)); k++) {
			long n = mapstat__entries(si->maps, &m->bm);

			sb__printf(sb, "%-12s %-16s %-16s %10ld %10u\n", c->ops->name, m->name, map_type(m),
				   n < 0 ? 0 : n, m->bm.max_entries);
		}
	}
	sb__printf(sb, "\n%-12s %-28s %12s\n", "COLLECTOR", "LOST (REASON)", "COUNT");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];

		for (unsigned k = 0; c->state == COLLECTOR_RUNNING && c->ops->drop_reasons &&
				     c->ops->drop_reasons[k]; k++)
			sb__printf(sb, "%-12s %-28s %12llu\n", c->ops->name, c->ops->drop_reasons[k],
				   (unsigned long long)collector__drops(c, k));
	}
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct text_fields t = { .fw = { &text_fields_ops }, .sb = sb, .name = c->ops->name };

		if (c->state != COLLECTOR_RUNNING || !c->ops->status)
			continue;
		sb__printf(sb, "\n%-12s", c->ops->name);
		c->ops->status((struct collector *)c, &t.fw);
		sb__putc(sb, '\n');
	}
	sb__printf(sb, "\n%-12s %12s %12s\n", "SINK", "EVENTS", "DROPPED");
	for (struct sink *s = si->bus ? bus__sinks(si->bus) : NULL; s; s = s->next)
		sb__printf(sb, "%-12s %12llu %12llu\n", s->name, (unsigned long long)s->emitted,
			   (unsigned long long)s->dropped);
}
