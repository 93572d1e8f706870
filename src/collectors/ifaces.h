/* SPDX-License-Identifier: Apache-2.0 */
/* The interfaces a network collector attaches to, as configured:
 * "eth0", or "veth1@NETNS" for one in another network namespace
 * (/run/netns/NETNS, or a path such as /proc/PID/ns/net). */
#ifndef SONDE_COLLECTORS_IFACES_H
#define SONDE_COLLECTORS_IFACES_H
#include <stdbool.h>
#include <stddef.h>

struct attach_set;
struct bpf_program;

#define IFACES_MAX 16

struct iface {
	char name[16];
	char netns[256];	/* "" for the agent's own */
	int ifindex;		/* in netns */
};

struct ifaces {
	struct iface v[IFACES_MAX];
	unsigned n;
};

/* Parses and resolves list (comma-separated); key names the option in
 * errors. 0, or a negative errno with why (an empty list is an error:
 * there is nothing to attach to). */
int ifaces__parse(struct ifaces *ifs, const char *list, const char *key, char *why, size_t why_sz);
const struct iface *ifaces__by_index(const struct ifaces *ifs, int ifindex);
/* prog on the interface's tc ingress or egress, in its namespace. */
int ifaces__attach_tc(const struct iface *ifc, struct attach_set *as, const struct bpf_program *prog,
		      bool egress, char *why, size_t why_sz);
/* prog as its XDP program (flags 0: native where the driver has it). */
int ifaces__attach_xdp(const struct iface *ifc, struct attach_set *as, const struct bpf_program *prog,
		       unsigned flags, char *why, size_t why_sz);

/* Selftest traffic on loopback: n datagrams of len bytes from src (an
 * address of lo: 127.0.0.x) to a receiver on 127.0.0.1; *received counts
 * what arrived within 200 ms of the last, ports in *sport and *dport.
 * 0 or a negative errno. */
int ifaces__udp_loopback(const char *src, unsigned n, unsigned len, unsigned *received, unsigned *sport,
			 unsigned *dport);
#endif
