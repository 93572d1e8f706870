#include <time.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"
#include "core/events.h"
#include "core/status.h"
#include "lib/json.h"

struct prog_row {
	const char *name, *attach;
	uint64_t runs, ns;
	double avg_ns, cpu_share;
};

static double uptime_s(const struct self_info *si)
{
	double up = events__now_ns() / 1e9 - si->start_time;

	return up > 0 ? up : 1e-9;
}

/* Share of the machine's CPU time spent in the program since start. */
static void prog_row(const struct self_info *si, const struct bpf_program *p, struct prog_row *r)
{
	r->name = bpf_program__name(p);
	r->attach = bpf_program__section_name(p);
	r->runs = r->ns = 0;
	collector__prog_stats(p, &r->runs, &r->ns);
	r->avg_ns = r->runs ? (double)r->ns / r->runs : 0;
	r->cpu_share = r->ns / (uptime_s(si) * 1e9 * libbpf_num_possible_cpus());
}

static bool loaded(const struct bpf_program *p) { return bpf_program__fd(p) >= 0; }

void status__json(const struct self_info *si, struct strbuf *sb)
{
	struct json_writer w;

	jw__init(&w, sb);
	jw__obj_begin(&w);
	jw__key(&w, "version"); jw__str(&w, SONDE_VERSION);
	jw__key(&w, "kernel"); jw__str(&w, si->kernel);
	jw__key(&w, "uptime_seconds"); jw__double(&w, uptime_s(si));
	jw__key(&w, "prog_stats"); jw__bool(&w, si->prog_stats);
	jw__key(&w, "collectors");
	jw__arr_begin(&w);
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct bpf_program *p;
		struct bpf_map *m;

		jw__obj_begin(&w);
		jw__key(&w, "name"); jw__str(&w, c->ops->name);
		jw__key(&w, "state"); jw__str(&w, collector__state_str(c->state));
		jw__key(&w, "hook"); jw__str(&w, c->hook);
		jw__key(&w, "reason"); jw__str(&w, c->why[0] ? c->why : NULL);
		jw__key(&w, "start_ms"); jw__double(&w, c->start_ms);
		jw__key(&w, "programs");
		jw__arr_begin(&w);
		if (c->state == COLLECTOR_RUNNING && c->obj) {
			bpf_object__for_each_program(p, c->obj) {
				struct prog_row r;

				if (!loaded(p))
					continue;
				prog_row(si, p, &r);
				jw__obj_begin(&w);
				jw__key(&w, "name"); jw__str(&w, r.name);
				jw__key(&w, "attach"); jw__str(&w, r.attach);
				jw__key(&w, "run_count"); jw__u64(&w, r.runs);
				jw__key(&w, "run_time_ns"); jw__u64(&w, r.ns);
				jw__key(&w, "avg_ns"); jw__double(&w, r.avg_ns);
				jw__key(&w, "cpu_share"); jw__double(&w, r.cpu_share);
				jw__obj_end(&w);
			}
		}
		jw__arr_end(&w);
		jw__key(&w, "maps");
		jw__arr_begin(&w);
		if (c->state == COLLECTOR_RUNNING && c->obj) {
			bpf_object__for_each_map(m, c->obj) {
				if (!collector__own_map(m))
					continue;
				jw__obj_begin(&w);
				jw__key(&w, "name"); jw__str(&w, bpf_map__name(m));
				jw__key(&w, "type"); jw__str(&w, libbpf_bpf_map_type_str(bpf_map__type(m)));
				jw__key(&w, "entries"); jw__i64(&w, bpfmap__count(m));
				jw__key(&w, "capacity"); jw__u64(&w, bpf_map__max_entries(m));
				jw__obj_end(&w);
			}
		}
		jw__arr_end(&w);
		jw__key(&w, "lost");
		jw__obj_begin(&w);
		for (unsigned k = 0; c->state == COLLECTOR_RUNNING && c->ops->drop_reasons &&
				     c->ops->drop_reasons[k]; k++) {
			jw__key(&w, c->ops->drop_reasons[k]);
			jw__u64(&w, collector__drops(c, k));
		}
		jw__obj_end(&w);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__key(&w, "sinks");
	jw__arr_begin(&w);
	for (struct sink *s = events__sinks(); s; s = s->next) {
		jw__obj_begin(&w);
		jw__key(&w, "name"); jw__str(&w, s->name);
		jw__key(&w, "events"); jw__u64(&w, s->emitted);
		jw__key(&w, "dropped"); jw__u64(&w, s->dropped);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	/* No collector probes user binaries yet; the field is part of the API. */
	jw__key(&w, "uprobes");
	jw__arr_begin(&w);
	jw__arr_end(&w);
	jw__obj_end(&w);
	sb__putc(sb, '\n');
}

void status__text(const struct self_info *si, struct strbuf *sb)
{
	sb__printf(sb, "sonde %s on %s, up %.0f s, program stats %s\n\n", SONDE_VERSION, si->kernel,
		   uptime_s(si), si->prog_stats ? "on" : "off (start the agent with --prog-stats)");
	sb__printf(sb, "%-12s %-12s %-10s %s\n", "COLLECTOR", "STATE", "HOOK", "DETAILS");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];

		sb__printf(sb, "%-12s %-12s %-10s %s\n", c->ops->name, collector__state_str(c->state),
			   c->hook ? c->hook : "-", c->why[0] ? c->why : c->ops->summary);
	}
	sb__printf(sb, "\n%-12s %-16s %-24s %12s %8s %8s\n", "COLLECTOR", "PROGRAM", "ATTACH", "RUNS",
		   "AVG_NS", "CPU%");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct bpf_program *p;

		if (c->state != COLLECTOR_RUNNING || !c->obj)
			continue;
		bpf_object__for_each_program(p, c->obj) {
			struct prog_row r;

			if (!loaded(p))
				continue;
			prog_row(si, p, &r);
			if (si->prog_stats)
				sb__printf(sb, "%-12s %-16s %-24s %12llu %8.1f %8.4f\n", c->ops->name, r.name,
					   r.attach, (unsigned long long)r.runs, r.avg_ns, r.cpu_share * 100);
			else
				sb__printf(sb, "%-12s %-16s %-24s %12s %8s %8s\n", c->ops->name, r.name,
					   r.attach, "-", "-", "-");
		}
	}
	sb__printf(sb, "\n%-12s %-16s %-16s %10s %10s\n", "COLLECTOR", "MAP", "TYPE", "ENTRIES", "CAPACITY");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];
		struct bpf_map *m;

		if (c->state != COLLECTOR_RUNNING || !c->obj)
			continue;
		bpf_object__for_each_map(m, c->obj)
			if (collector__own_map(m))
				sb__printf(sb, "%-12s %-16s %-16s %10ld %10u\n", c->ops->name, bpf_map__name(m),
					   libbpf_bpf_map_type_str(bpf_map__type(m)), bpfmap__count(m),
					   bpf_map__max_entries(m));
	}
	sb__printf(sb, "\n%-12s %-28s %12s\n", "COLLECTOR", "LOST (REASON)", "COUNT");
	for (int i = 0; i < si->ncollectors; i++) {
		const struct collector *c = &si->collectors[i];

		for (unsigned k = 0; c->state == COLLECTOR_RUNNING && c->ops->drop_reasons &&
				     c->ops->drop_reasons[k]; k++)
			sb__printf(sb, "%-12s %-28s %12llu\n", c->ops->name, c->ops->drop_reasons[k],
				   (unsigned long long)collector__drops(c, k));
	}
	sb__printf(sb, "\n%-12s %12s %12s\n", "SINK", "EVENTS", "DROPPED");
	for (struct sink *s = events__sinks(); s; s = s->next)
		sb__printf(sb, "%-12s %12llu %12llu\n", s->name, (unsigned long long)s->emitted,
			   (unsigned long long)s->dropped);
	sb__printf(sb, "\nuprobes: none (no running collector probes user binaries)\n");
}
