/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Socket data for L7 tracing: bpf/l7.bpf.c -> src/collectors/l7.c. */
#ifndef SONDE_L7_H
#define SONDE_L7_H
#include "sonde/task.h"
#include "sonde/tcp.h"

#define L7_CAP_MAX	8192	/* bytes a record can carry (power of two: a mask) */
#define L7_IOV_MAX	8	/* iovecs of one call copied from */
#define L7_TRIES	8	/* messages a connection gets to look like a protocol */

enum l7_rec_type {
	L7_REC_DATA = 1,	/* bytes one call moved */
	L7_REC_CLOSE,		/* close() of a traced connection */
};

enum l7_dir {
	L7_DIR_IN,		/* read by the process (recv, read, ...) */
	L7_DIR_OUT,		/* written by the process */
};

enum l7_proto {
	L7_P_UNKNOWN,		/* not yet inferred */
	L7_P_HTTP1,
	L7_P_NONE,		/* L7_TRIES messages and no protocol: not traced */
};

/* What the kernel remembers per connection, by (tgid, fd). The socket's
 * inode number tells a new socket on a reused fd from the old one. */
struct l7_conn_key {
	__u32 tgid;
	__s32 fd;
};

struct l7_conn {
	__u64 ino;
	__u64 file;		/* the struct file behind the fd: a known one skips the checks */
	__u64 sk;		/* its struct sock, checked inet TCP/UDP when first seen */
	struct tcp_tuple t;	/* read once, when it is found to speak HTTP */
	__u8 proto;		/* enum l7_proto */
	__u8 tries;
	__u8 role;		/* enum tcp_role, from the first message's kind and direction */
	__u8 tls;		/* used by a TLS library: its plaintext is traced, not the syscalls' bytes */
	__u32 pad2;
};

/* A call between its entry and exit, by tid. */
struct l7_call {
	__u64 buf;		/* the buffer, or the iovec array */
	__u64 ino, sk, file;
	__s32 fd;
	__u32 iovcnt;		/* 0: buf is a plain buffer */
	__u16 nr;		/* syscall number */
	__u8 dir;		/* enum l7_dir */
	__u8 len_only;		/* sendfile: bytes counted, not readable */
	__u8 live;		/* between entry and exit (a task's slot is reused) */
	__u8 pad[3];
};

/* A TLS library call on the thread (uprobes on SSL_read and friends). */
enum l7_tls_kind {
	L7_TLS_INT = 1,		/* returns the bytes moved, int (SSL_read, SSL_write) */
	L7_TLS_EX,		/* returns 1 and writes the bytes to *arg4 (SSL_read_ex, SSL_write_ex) */
	L7_TLS_SSIZE,		/* returns the bytes moved, ssize_t (gnutls_record_recv/send) */
	L7_TLS_HS,		/* a handshake: moves no plaintext, tells the socket */
};

struct l7_tls_call {
	__u64 ssl;		/* SSL * or gnutls_session_t: which TLS connection */
	__u64 buf;		/* the plaintext buffer */
	__u64 outp;		/* L7_TLS_EX: where the count is written */
	__u64 ts;		/* the call's start: when written plaintext is stamped */
	__u64 sp;		/* the outermost call's stack pointer */
	__s32 fd;		/* the socket a syscall inside the call used; -1: none yet */
	__u8 depth;		/* nested library calls (SSL_accept -> SSL_do_handshake) */
	__u8 kind;		/* enum l7_tls_kind */
	__u8 dir;		/* enum l7_dir */
	__u8 pad;
};

/* What one thread is doing: a socket call between entry and exit, and
 * the TLS library call around it. */
struct l7_thread {
	struct l7_call call;
	struct l7_tls_call tls;
};

/* The socket of a TLS connection, learnt from a syscall inside one of its
 * calls, for the calls that make none (served from the library's buffer). */
struct l7_ssl_key {
	__u32 tgid;
	__u32 pad;
	__u64 ssl;
};

#define L7_NR_TLS	0xffff	/* the nr of a record of TLS plaintext */

enum l7_rec_flags {
	L7_F_FIRST	= 1 << 0,	/* the connection's first traced message */
	L7_F_LEN_ONLY	= 1 << 1,	/* sendfile: total bytes left a file, none captured */
	L7_F_TLS	= 1 << 2,	/* plaintext from a TLS library call */
};

/* One record: the task header (kind: enum l7_rec_type), the connection,
 * and the first len of the total bytes the call moved. */
struct sonde_l7_event {
	struct sonde_task task;
	struct tcp_tuple t;	/* saddr is the local end */
	__u64 ino;		/* the socket's inode: the connection's generation */
	__u64 total;		/* bytes the call returned */
	__s32 fd;
	__u32 len;		/* of data */
	__u16 nr;
	__u8 dir, proto, role, flags;
	__u16 pad;
	/* Slack past a record: a copy at a masked offset (< L7_CAP_MAX) of a
	 * masked length (< 2 * L7_CAP_MAX) stays inside, as the verifier
	 * must see. */
	char data[3 * L7_CAP_MAX];
};

#define L7_EV_HDR_SIZE __builtin_offsetof(struct sonde_l7_event, data)

enum l7_drop {
	L7_DROP_RINGBUF_FULL,	/* a record not delivered: ring buffer full */
	L7_DROP_INFLIGHT_FULL,	/* too many calls in flight: call not traced */
	L7_DROP_TLS_NO_SOCKET,	/* TLS plaintext whose socket was never seen: not traced */
	L7_DROP_MAX,
};
#endif
