// SPDX-License-Identifier: Apache-2.0
/* sonde capture -i IFACE [-w FILE] [-c COUNT] [-s SNAPLEN] [-t SECONDS] [FILTER]:
 * packets through an AF_PACKET socket whose BPF socket filter sonde
 * compiles from FILTER (lib/pfilter.h), written as pcapng or printed one
 * line each; a summary of packets captured, written and dropped at the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "cli/cli.h"
#include "core/attach.h"
#include "core/host.h"
#include "lib/netaddr.h"
#include "lib/pcapng.h"
#include "lib/pfilter.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sonde capture -i IFACE[@NETNS] [-w FILE] [-c COUNT] [-s SNAPLEN] [-t SECONDS] [FILTER]\n"
		   "  -w FILE     write pcapng ('-': stdout); without it, one line per packet\n"
		   "  -c COUNT    stop after COUNT packets\n"
		   "  -s SNAPLEN  bytes kept of each packet (default 262144)\n"
		   "  -t SECONDS  stop after SECONDS\n"
		   "FILTER: host, net, port (with src/dst), proto, tcp, udp, icmp, icmp6, sctp, ip, ip6, arp,\n"
		   "        and/or/not (&&, ||, !), parentheses; e.g. 'tcp port 80 and not host 10.0.0.1'\n");
}

/* The filter as written, a caret under the column of the error. */
static void show_error(const char *expr, int col, const char *why)
{
	fprintf(stderr, "sonde capture: bad filter: %s\n  %s\n  %*s^\n", why, expr, col > 0 ? col - 1 : 0, "");
}

static int load_filter(const char *expr, unsigned snaplen)
{
	static struct bpf_insn insns[PF_MAX_INSNS];
	static char log[1 << 16];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 0);
	struct pf_tree t;
	char why[256];
	int col, n, fd;

	if (pf__parse(expr, &t, &col, why, sizeof(why))) {
		show_error(expr, col, why);
		return -EINVAL;
	}
	n = pf__compile(&t, snaplen, insns, PF_MAX_INSNS);
	if (n < 0) {
		fprintf(stderr, "sonde capture: the filter compiles to more than %d instructions\n", PF_MAX_INSNS);
		return -E2BIG;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sonde_capture", "GPL", insns, n, &o);
	if (fd < 0) {
		int e = -errno;

		o.log_level = 1;
		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sonde_capture", "GPL", insns, n, &o);
		fprintf(stderr, "sonde capture: the kernel refused the filter's program (%s)%s%s\n", strerror(-e),
			log[0] ? ":\n" : "", log);
		if (fd >= 0)
			close(fd);
		return e;
	}
	return fd;
}

/* "eth0" or "veth1@NETNS": the socket is made in the interface's namespace. */
static int open_socket(const char *iface, int *ifindex)
{
	char name[IF_NAMESIZE + 1], ns[256] = "";
	const char *at = strchr(iface, '@');
	int saved = -1, fd, e = 0;

	snprintf(name, sizeof(name), "%.*s", (int)(at ? (size_t)(at - iface) : strlen(iface)), iface);
	if (at)
		snprintf(ns, sizeof(ns), strchr(at + 1, '/') ? "%s" : "/run/netns/%s", at + 1);
	if (ns[0] && (saved = host__netns_enter(ns)) < 0) {
		fprintf(stderr, "sonde capture: network namespace %s: %s\n", ns, strerror(-saved));
		return saved;
	}
	*ifindex = if_nametoindex(name);
	/* Protocol 0: nothing arrives until bind, which comes after the filter. */
	fd = *ifindex ? socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0) : -1;
	if (!*ifindex)
		fprintf(stderr, "sonde capture: no interface '%s'%s%s (ip link lists them)\n", name,
			ns[0] ? " in " : "", ns);
	else if (fd < 0)
		fprintf(stderr, "sonde capture: packet socket: %s%s\n", strerror(errno),
			errno == EPERM ? " (capturing needs root or CAP_NET_RAW)" : "");
	e = fd < 0 ? -(errno ?: ENODEV) : 0;
	host__netns_leave(saved);
	return fd >= 0 ? fd : e;
}

static void print_packet(const struct timespec *ts, const uint8_t *p, size_t caplen, uint32_t origlen, bool out)
{
	char t[32], a[NETADDR_STRLEN + 8], b[NETADDR_STRLEN + 8];
	struct tm tm;
	time_t sec = ts->tv_sec;
	uint16_t type = caplen >= 14 ? p[12] << 8 | p[13] : 0;
	const uint8_t *l3 = p + 14;
	unsigned proto = 0, sp = 0, dp = 0, l4off = 0;
	int fam = 0;

	localtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	if (type == 0x0800 && caplen >= 34) {
		fam = AF_INET, proto = l3[9], l4off = 14 + (l3[0] & 0xf) * 4;
		netaddr__str(fam, l3 + 12, a, sizeof(a));
		netaddr__str(fam, l3 + 16, b, sizeof(b));
	} else if (type == 0x86dd && caplen >= 54) {
		fam = AF_INET6, proto = l3[6], l4off = 54;
		netaddr__str(fam, l3 + 8, a, sizeof(a));
		netaddr__str(fam, l3 + 24, b, sizeof(b));
	}
	if (fam && (proto == 6 || proto == 17) && caplen >= l4off + 4) {
		sp = p[l4off] << 8 | p[l4off + 1];
		dp = p[l4off + 2] << 8 | p[l4off + 3];
	}
	printf("%s.%06ld %-3s ", t, ts->tv_nsec / 1000, out ? "out" : "in");
	if (!fam)
		printf("ethertype 0x%04x", type);
	else if (sp || dp)
		printf("%s %s.%u > %s.%u", proto == 6 ? "TCP" : "UDP", a, sp, b, dp);
	else
		printf("%s %s > %s", proto == 1 ? "ICMP" : proto == 58 ? "ICMP6" : "IP", a, b);
	printf(" length %u\n", origlen);
}

struct capture_opts {
	const char *iface, *out;
	long count, snaplen, seconds;
};

static int parse_args(int argc, char **argv, struct capture_opts *o, char *expr, size_t expr_sz)
{
	char *end;

	*o = (struct capture_opts){ .snaplen = 262144 };
	expr[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long *num = !strcmp(a, "-c") ? &o->count : !strcmp(a, "-s") ? &o->snaplen :
			    !strcmp(a, "-t") ? &o->seconds : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		}
		if ((num || !strcmp(a, "-i") || !strcmp(a, "-w")) && i + 1 == argc) {
			fprintf(stderr, "sonde capture: %s needs a value\n", a);
			return 2;
		}
		if (num) {
			errno = 0;
			*num = strtol(argv[++i], &end, 10);
			if (errno || *end || *num < 0 || (num == &o->snaplen && (*num < 64 || *num > 262144))) {
				fprintf(stderr, "sonde capture: %s: '%s' is not %s\n", a, argv[i],
					num == &o->snaplen ? "a snap length of 64 to 262144" : "a count of 0 or more");
				return 2;
			}
		} else if (!strcmp(a, "-i")) {
			o->iface = argv[++i];
		} else if (!strcmp(a, "-w")) {
			o->out = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "sonde capture: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else {
			size_t n = strlen(expr);

			snprintf(expr + n, expr_sz - n, "%s%s", n ? " " : "", a);
		}
	}
	if (!o->iface) {
		fprintf(stderr, "sonde capture: -i IFACE is required\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

int cmd_capture(int argc, char **argv)
{
	struct capture_opts o;
	char expr[4096], ctl[256];
	struct pcapng_writer pw;
	struct tpacket_stats st = {};
	socklen_t stl = sizeof(st);
	struct attach_set *as = NULL;
	struct attach *a;
	FILE *f = NULL;
	uint8_t *buf = NULL;
	uint64_t seen = 0;
	int fd = -1, prog = -1, ifindex, ret = 1, one = 1, rc;
	struct timespec t0, now;

	rc = parse_args(argc, argv, &o, expr, sizeof(expr));
	if (rc)
		return rc == 1 ? 0 : rc;
	prog = load_filter(expr, o.snaplen);
	if (prog < 0)
		return prog == -EINVAL ? 2 : 1;
	fd = open_socket(o.iface, &ifindex);
	if (fd < 0)
		goto out;
	as = attach_set__new(NULL);
	a = as ? attach_set__add(as, NULL, prog, "sonde_capture",
				 &(struct attach_spec){ .kind = ATTACH_SOCKET_FILTER, .sock = { fd } }) : NULL;
	if (!a || attach__err(a)) {
		fprintf(stderr, "sonde capture: attaching the filter: %s\n", a ? attach__why(a) : strerror(ENOMEM));
		goto out;
	}
	setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 8 << 20 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&(struct sockaddr_ll){ .sll_family = AF_PACKET,
			.sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex }, sizeof(struct sockaddr_ll))) {
		fprintf(stderr, "sonde capture: bind to %s: %s\n", o.iface, strerror(errno));
		goto out;
	}
	if (o.out) {
		f = strcmp(o.out, "-") ? fopen(o.out, "wb") : stdout;
		if (!f) {
			fprintf(stderr, "sonde capture: %s: %s\n", o.out, strerror(errno));
			goto out;
		}
		if (pcapng__open(&pw, f, o.iface, o.snaplen, "sonde " SONDE_VERSION)) {
			fprintf(stderr, "sonde capture: writing %s: %s\n", o.out, strerror(-pw.err));
			goto out;
		}
	}
	buf = malloc(o.snaplen);
	if (!buf)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "sonde capture: listening on %s%s%s, snap length %ld%s%s\n", o.iface, expr[0] ? ", filter: " : "",
		expr, o.snaplen, o.out ? ", writing " : "", o.out ?: "");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop && (!o.count || seen < (uint64_t)o.count)) {
		struct sockaddr_ll from;
		struct iovec iov = { buf, o.snaplen };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct timespec ts = {};
		uint32_t origlen;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (o.seconds && now.tv_sec - t0.tv_sec + (now.tv_nsec - t0.tv_nsec) / 1e9 >= o.seconds)
			break;
		if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 100) <= 0)
			continue;
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0)
			continue;
		origlen = n;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
				origlen = ((struct tpacket_auxdata *)CMSG_DATA(c))->tp_len;
			else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		}
		if (!ts.tv_sec)
			clock_gettime(CLOCK_REALTIME, &ts);
		seen++;
		if (f)
			pcapng__packet(&pw, ts.tv_sec * 1000000000ULL + ts.tv_nsec, buf, n, origlen,
				       from.sll_pkttype == PACKET_OUTGOING ? PCAPNG_DIR_OUT : PCAPNG_DIR_IN);
		else
			print_packet(&ts, buf, n, origlen, from.sll_pkttype == PACKET_OUTGOING);
		if (f && pw.err)
			break;
	}
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stl);
	if (f && fflush(f) && !pw.err)
		pw.err = -errno;
	fprintf(stderr, "%llu packets captured, %llu written%s%s, %u dropped by the kernel (receive buffer full)\n",
		(unsigned long long)seen, (unsigned long long)(f ? pw.packets : seen), f ? " to " : "",
		f ? o.out : "", st.tp_drops);
	if (f && pw.err)
		fprintf(stderr, "sonde capture: writing %s: %s\n", o.out, strerror(-pw.err));
	ret = f && pw.err ? 1 : 0;
out:
	if (f && f != stdout)
		fclose(f);
	free(buf);
	attach_set__free(as);
	if (fd >= 0)
		close(fd);
	if (prog >= 0)
		close(prog);
	return ret;
}
