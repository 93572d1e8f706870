/* SPDX-License-Identifier: Apache-2.0 */
/* What the tcp collector offers the rest of the agent beyond its ops. */
#ifndef SONDE_COLLECTORS_TCP_H
#define SONDE_COLLECTORS_TCP_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "sonde/tcp.h"

struct collector;

const char *tcp__state_name(unsigned state);
const char *tcp__role_name(unsigned role);

struct field_writer;
struct strbuf;
/* A connection's addresses: family, local end (unless !local), remote
 * end, and netns when known (non-zero). */
void tcp__tuple_write(struct field_writer *w, const struct tcp_tuple *t, bool local, uint32_t netns);
/* An event's addresses and its RTT fields, as its JSON writes them. */
void tcp__tuple_fields(const struct sonde_tcp_event *e, struct field_writer *w);
void tcp__rtt_fields(const struct sonde_tcp_event *e, struct field_writer *w);
/* /api/connections: established sockets with their owner and, with
 * tcp.rtt, the RTT and cwnd sock_ops last saw; at most max of them. */
int tcp__connections_json(const struct collector *c, struct strbuf *sb, unsigned max);

/* A loopback connection of this process with known bytes each way. */
int tcp__selftest(struct collector *c, char *msg, size_t msg_sz);
#endif
