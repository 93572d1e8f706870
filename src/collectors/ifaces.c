// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "collectors/ifaces.h"
#include "core/attach.h"
#include "core/host.h"

static int resolve(struct iface *ifc, char *why, size_t why_sz)
{
	int saved = -1;

	if (ifc->netns[0]) {
		saved = host__netns_enter(ifc->netns);
		if (saved < 0) {
			snprintf(why, why_sz, "interface %s: network namespace %s: %s", ifc->name, ifc->netns,
				 strerror(-saved));
			return saved;
		}
	}
	ifc->ifindex = if_nametoindex(ifc->name);
	if (!ifc->ifindex)
		snprintf(why, why_sz, "no interface '%s'%s%s (ip link lists them)", ifc->name,
			 ifc->netns[0] ? " in network namespace " : "", ifc->netns);
	host__netns_leave(saved);
	return ifc->ifindex ? 0 : -ENODEV;
}

int ifaces__parse(struct ifaces *ifs, const char *list, const char *key, char *why, size_t why_sz)
{
	char buf[1024], *save = NULL;
	int err;

	memset(ifs, 0, sizeof(*ifs));
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		struct iface *ifc = &ifs->v[ifs->n];
		char *at = strchr(tok, '@');

		if (ifs->n == IFACES_MAX) {
			snprintf(why, why_sz, "%s: at most %d interfaces", key, IFACES_MAX);
			return -E2BIG;
		}
		if (at)
			*at++ = '\0';
		if (!*tok || strlen(tok) >= IF_NAMESIZE || (at && !*at)) {
			snprintf(why, why_sz, "%s: '%s%s%s' is not an interface name (NAME or NAME@NETNS)", key, tok,
				 at ? "@" : "", at ?: "");
			return -EINVAL;
		}
		snprintf(ifc->name, sizeof(ifc->name), "%s", tok);
		if (at)
			snprintf(ifc->netns, sizeof(ifc->netns), strchr(at, '/') ? "%s" : "/run/netns/%s", at);
		err = resolve(ifc, why, why_sz);
		if (err)
			return err;
		ifs->n++;
	}
	if (!ifs->n) {
		snprintf(why, why_sz, "%s is empty: name the interfaces to attach to (e.g. eth0, or veth1@NETNS)",
			 key);
		return -EINVAL;
	}
	return 0;
}

const struct iface *ifaces__by_index(const struct ifaces *ifs, int ifindex)
{
	for (unsigned i = 0; i < ifs->n; i++)
		if (ifs->v[i].ifindex == ifindex)
			return &ifs->v[i];
	return NULL;
}

static int add(struct attach_set *as, const struct bpf_program *prog, const struct attach_spec *spec,
	       const struct iface *ifc, char *why, size_t why_sz)
{
	struct attach *a = attach_set__add(as, prog, -1, NULL, spec);

	if (!a)
		return -ENOMEM;
	if (attach__err(a))
		snprintf(why, why_sz, "attaching %s to %s: %s", bpf_program__name(prog), ifc->name, attach__why(a));
	return attach__err(a);
}

int ifaces__attach_tc(const struct iface *ifc, struct attach_set *as, const struct bpf_program *prog,
		      bool egress, char *why, size_t why_sz)
{
	struct attach_spec spec = {
		.kind = ATTACH_TC,
		.tc = { .ifindex = ifc->ifindex, .egress = egress, .netns = ifc->netns[0] ? ifc->netns : NULL },
	};
	int err = add(as, prog, &spec, ifc, why, why_sz);

	/* Before tcx (6.6) tc needs the clsact qdisc, which netlink names
	 * ENOENT when the kernel has no sch_ingress (a module not loaded, or
	 * not built): a missing hook, not a failure. */
	if (err == -ENOENT || err == -EOPNOTSUPP) {
		snprintf(why, why_sz, "tc on %s: this kernel has neither tcx links (6.6+) nor the clsact qdisc "
			 "(CONFIG_NET_SCH_INGRESS; modprobe sch_ingress)", ifc->name);
		return -EOPNOTSUPP;
	}
	return err;
}

int ifaces__attach_xdp(const struct iface *ifc, struct attach_set *as, const struct bpf_program *prog,
		       unsigned flags, char *why, size_t why_sz)
{
	struct attach_spec spec = {
		.kind = ATTACH_XDP,
		.xdp = { .ifindex = ifc->ifindex, .flags = flags, .netns = ifc->netns[0] ? ifc->netns : NULL },
	};

	return add(as, prog, &spec, ifc, why, why_sz);
}

int ifaces__udp_loopback(const char *src, unsigned n, unsigned len, unsigned *received, unsigned *sport,
			 unsigned *dport)
{
	struct sockaddr_in rx = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in tx = { .sin_family = AF_INET };
	struct timeval tv = { .tv_usec = 200000 };
	socklen_t sl = sizeof(rx);
	char buf[2048] = {};
	int r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), t = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	*received = 0;
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (r < 0 || t < 0 || inet_pton(AF_INET, src, &tx.sin_addr) != 1 ||
	    bind(r, (struct sockaddr *)&rx, sizeof(rx)) || getsockname(r, (struct sockaddr *)&rx, &sl) ||
	    bind(t, (struct sockaddr *)&tx, sizeof(tx)) || getsockname(t, (struct sockaddr *)&tx, &sl) ||
	    setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto out;
	}
	*sport = ntohs(tx.sin_port);
	*dport = ntohs(rx.sin_port);
	for (unsigned i = 0; i < n; i++) {
		if (sendto(t, buf, len, 0, (struct sockaddr *)&rx, sizeof(rx)) < 0) {
			err = -errno;
			goto out;
		}
		/* One at a time: a receive buffer never overflows. */
		if (recv(r, buf, sizeof(buf), 0) > 0)
			++*received;
	}
out:
	if (r >= 0)
		close(r);
	if (t >= 0)
		close(t);
	return err;
}
