// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the capture filter (src/lib/pfilter*.c): the parser's
 * trees and its errors with their columns, and the generated programs,
 * loaded into the kernel and run on crafted packets (BPF_PROG_TEST_RUN)
 * where this process may; elsewhere that part is a skip with the reason. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "lib/pfilter.h"

static void parses(const char *s, int nodes)
{
	struct pf_tree t;
	char why[256] = "";
	int col;

	if (pf__parse(s, &t, &col, why, sizeof(why)))
		fail_msg("'%s' refused: %s", s, why);
	assert_int_equal(t.count, nodes);
}

static void refused(const char *s, int want_col, const char *reason)
{
	struct pf_tree t;
	char why[256] = "";
	int col;

	assert_int_equal(pf__parse(s, &t, &col, why, sizeof(why)), -EINVAL);
	if (col != want_col || !strstr(why, reason))
		fail_msg("'%s': column %d '%s' (want column %d, '%s')", s, col, why, want_col, reason);
}

static void test_parse(void **state)
{
	parses("", 0);
	parses("tcp", 1);
	parses("tcp port 80", 3);			/* juxtaposition is "and" */
	parses("host 10.0.0.1 and not port 22", 4);
	parses("(udp or icmp) && !(src net 10.0.0.0/8 || dst host fd00::1)", 8);
	parses("proto 47 or proto gre or ip6 or arp", 7);
	parses("src port 53 and dst port 1024", 3);
	refused("tcp port", 9, "expected a port number");
	refused("port 70000", 6, "0 to 65535");
	refused("host 10.0.0.0/8", 6, "write 'net'");
	refused("net 10.0.0.1/8", 5, "did you mean 10.0.0.0/8");
	refused("host example.com", 6, "not an IPv4 or IPv6 address");
	refused("tcp and", 8, "expected a term");
	refused("(tcp or udp", 12, "expected ')'");
	refused("tcp)", 4, "unbalanced ')'");
	refused("tcpp", 1, "unknown word 'tcpp'");
	refused("src tcp", 5, "expected host, net or port");
	refused("proto 300", 7, "0 to 255");
	refused("tcp & udp", 5, "unknown word '&'");
}

static void test_deep(void **state)
{
	char s[4096] = "";
	struct pf_tree t;
	char why[256];
	int col;

	for (int i = 0; i < 100; i++)
		strcat(s, "(");
	strcat(s, "tcp");
	assert_int_equal(pf__parse(s, &t, &col, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "nested too deep"));
	s[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(s, "tcp or ");
	strcat(s, "udp");
	assert_int_equal(pf__parse(s, &t, &col, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "too long"));
}

/* ---- generated code, run by the kernel ---- */

struct pkt {
	unsigned char b[128];
	unsigned len;
};

/* Ethernet + IPv4 or IPv6 + 8 bytes of TCP/UDP ports, or an ARP frame. */
static struct pkt make(int family, int proto, const char *src, const char *dst, unsigned sport, unsigned dport)
{
	struct pkt p = {};
	unsigned char *l3 = p.b + 14, *l4;

	memset(p.b, 0x11, 12);
	if (family == 0) {
		p.b[12] = 0x08, p.b[13] = 0x06;
		p.len = 14 + 28;
		return p;
	}
	if (family == 4) {
		p.b[12] = 0x08, p.b[13] = 0x00;
		l3[0] = 0x45;
		l3[9] = proto;
		inet_pton(AF_INET, src, l3 + 12);
		inet_pton(AF_INET, dst, l3 + 16);
		l4 = l3 + 20;
	} else {
		p.b[12] = 0x86, p.b[13] = 0xdd;
		l3[0] = 0x60;
		l3[6] = proto;
		inet_pton(AF_INET6, src, l3 + 8);
		inet_pton(AF_INET6, dst, l3 + 24);
		l4 = l3 + 40;
	}
	l4[0] = sport >> 8, l4[1] = sport, l4[2] = dport >> 8, l4[3] = dport;
	p.len = l4 + 8 - p.b;
	return p;
}

static int prog_for(const char *expr)
{
	static struct bpf_insn insns[PF_MAX_INSNS];
	static char log[1 << 16];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	struct pf_tree t;
	char why[256];
	int col, n, fd;

	if (pf__parse(expr, &t, &col, why, sizeof(why)))
		fail_msg("'%s': %s", expr, why);
	n = pf__compile(&t, 96, insns, PF_MAX_INSNS);
	assert_true(n > 0);
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "pf_test", "GPL", insns, n, &o);
	if (fd < 0 && errno == EPERM)
		return -EPERM;	/* not root: the caller skips */
	if (fd < 0)
		fail_msg("'%s': the verifier refused %d instructions: %s", expr, n, log);
	return fd;
}

static int verdict(int fd, const struct pkt *p)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b, .data_size_in = p->len);

	assert_int_equal(bpf_prog_test_run_opts(fd, &o), 0);
	return o.retval;
}

static void expect(const char *expr, const struct pkt *p, bool take)
{
	int fd = prog_for(expr), v = verdict(fd, p);

	close(fd);
	if ((v == 96) != take)
		fail_msg("'%s' returned %d on the packet (want %s)", expr, v, take ? "96: take" : "0: drop");
}

static void test_run(void **state)
{
	struct pkt t4 = make(4, 6, "10.1.2.3", "192.0.2.9", 40000, 80);
	struct pkt u4 = make(4, 17, "192.0.2.9", "10.1.2.3", 53, 33000);
	struct pkt t6 = make(6, 6, "fd00:231::1", "2001:db8::80", 1234, 443);
	struct pkt i4 = make(4, 1, "10.9.9.9", "10.1.2.3", 0, 0);
	struct pkt arp = make(0, 0, NULL, NULL, 0, 0);
	struct pkt runt = make(4, 6, "10.1.2.3", "192.0.2.9", 40000, 80);
	int fd;

	fd = prog_for("tcp");
	if (fd < 0) {
		print_message("SKIP: loading socket filters needs root or CAP_BPF (bpf_prog_load: EPERM)\n");
		return;
	}
	close(fd);
	expect("", &arp, true);
	expect("tcp", &t4, true);
	expect("tcp", &u4, false);
	expect("tcp", &t6, true);
	expect("udp port 53", &u4, true);
	expect("src port 53", &u4, true);
	expect("dst port 53", &u4, false);
	expect("port 80", &t4, true);
	expect("port 0", &i4, false);			/* ICMP has no ports */
	expect("host 10.1.2.3", &t4, true);
	expect("host 10.1.2.3", &u4, true);
	expect("src host 10.1.2.3", &u4, false);
	expect("dst host 10.1.2.3", &u4, true);
	expect("net 10.0.0.0/8", &t4, true);
	expect("net 10.0.0.0/16", &t4, false);
	expect("net 10.1.0.0/16 and not port 22", &t4, true);
	expect("net 192.0.2.0/25", &t4, true);		/* dst 192.0.2.9 */
	expect("net 192.0.2.128/25", &t4, false);
	expect("host fd00:231::1", &t6, true);
	expect("host fd00:231::2", &t6, false);
	expect("net 2001:db8::/32 and tcp port 443", &t6, true);
	expect("net 2001:db8::/33", &t6, true);
	expect("net 2001:db8:8000::/33", &t6, false);
	expect("src net fd00::/8", &t6, true);
	expect("dst net fd00::/8", &t6, false);
	expect("host 10.1.2.3", &t6, false);		/* families do not mix */
	expect("ip6", &t6, true);
	expect("ip", &t6, false);
	expect("icmp", &i4, true);
	expect("icmp6", &i4, false);
	expect("arp", &arp, true);
	expect("not arp", &arp, false);
	expect("ip or arp", &arp, true);
	runt.len = 14 + 20;				/* the TCP header cut off */
	expect("tcp", &runt, true);
	expect("port 80", &runt, false);		/* no ports to read: no match, no fault */
	expect("not port 80", &runt, true);
	expect("(udp or icmp) and not src net 192.0.2.0/24", &u4, false);
	expect("(udp or icmp) and not src net 192.0.2.0/24", &i4, true);
	expect("proto gre or proto 6", &t4, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
