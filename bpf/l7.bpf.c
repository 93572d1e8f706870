// SPDX-License-Identifier: GPL-2.0-only
/* Socket data for L7 tracing, from the per-syscall tracepoints of the
 * calls that move it (this kernel has no kprobes), so other syscalls pay
 * nothing.
 *
 * Entry: only an IPv4 or IPv6 TCP or UDP socket (the fd's inode mode and
 * the socket's family and protocol, read in the kernel) whose connection
 * is not known to speak something else; its arguments are kept by thread.
 * Exit: a connection not yet placed has its first bytes compared with the
 * protocols sonde parses (L7_TRIES messages to show one, so a connection
 * joined mid-body gets its next message's start); once placed, each call's
 * first cap_bytes and its full length go to the ring. Unrelated traffic
 * never leaves the kernel. close() ends a traced connection.
 *
 * TLS: uprobes on the libraries' read and write calls (SSL_read,
 * gnutls_record_send, ...) send the plaintext instead. A syscall the
 * library makes inside such a call names the socket (and marks it, so its
 * ciphertext is not traced); calls served from the library's buffer use
 * the socket last seen for that TLS connection. */
#include "sonde.bpf.h"
#include "sock.bpf.h"
#include "sonde/l7.h"
#include "sonde/l7_infer.h"

#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);	/* set from config */
} events SEC(".maps");

/* What each thread is doing: in the task's own storage where tracing
 * programs have it (5.12+; no hashing, nothing to delete), else by tid in
 * an LRU hash. The user side creates only the one in use. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct l7_thread);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct l7_thread);
} threads_by_tid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);	/* set from config */
	__type(key, struct l7_ssl_key);
	__type(value, __s32);
} ssl_fds SEC(".maps");

/* An LRU: a process that exits closes its fds without close(), and its
 * entries age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);	/* set from config */
	__type(key, struct l7_conn_key);
	__type(value, struct l7_conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sonde_l7_event);
} scratch SEC(".maps");

SONDE_DROPS(L7_DROP_MAX)

const volatile __u32 cap_bytes = 4096;
const volatile bool use_task_storage = false;
const volatile bool tls_enabled = false;	/* TLS uprobes may be attached */

static const struct l7_thread idle_thread;

/* The current thread's slot; create: made when missing. */
static __always_inline struct l7_thread *thread_slot(__u32 tid, bool create)
{
	struct l7_thread *t;

	if (use_task_storage && have_task_btf())
		return bpf_task_storage_get(&threads, bpf_get_current_task_btf(), NULL,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	t = bpf_map_lookup_elem(&threads_by_tid, &tid);
	if (t || !create)
		return t;
	bpf_map_update_elem(&threads_by_tid, &tid, &idle_thread, BPF_NOEXIST);
	return bpf_map_lookup_elem(&threads_by_tid, &tid);
}

/* Inside a TLS library call: the socket it uses is noted for the call and
 * its bytes, ciphertext, are not traced. */
static __always_inline bool tls_inside(__u32 tid, int fd)
{
	struct l7_thread *t;

	if (!tls_enabled)
		return false;
	t = thread_slot(tid, false);
	if (!t || !t->tls.depth)
		return false;
	t->tls.fd = fd;
	return true;
}

/* The file of fd in the current task, or NULL. This runs on every read
 * and write in the system: plain loads from the BTF task where the kernel
 * has it (5.11+), a helper call per field before. */
static __always_inline struct file *fd_file(int fd)
{
	struct file **fds, *f = NULL;
	struct fdtable *fdt;

	if (fd < 0)
		return NULL;
	if (have_task_btf()) {
		fdt = bpf_get_current_task_btf()->files->fdt;
		if ((unsigned)fd >= fdt->max_fds)
			return NULL;
		fds = fdt->fd;
	} else {
		fdt = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), files, fdt);
		if ((unsigned)fd >= BPF_CORE_READ(fdt, max_fds))
			return NULL;
		fds = BPF_CORE_READ(fdt, fd);
	}
	bpf_core_read(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Fills c's file, inode and sock from f: true when f is an IPv4 or IPv6
 * TCP or UDP socket. */
static __always_inline bool sock_file(struct file *f, struct l7_call *c)
{
	struct socket *sock;
	struct inode *inode;
	struct sock *sk;
	__u16 family, proto;

	if (!f)
		return false;
	c->file = (__u64)f;
	inode = BPF_CORE_READ(f, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFSOCK)
		return false;
	c->ino = BPF_CORE_READ(inode, i_ino);
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	proto = BPF_CORE_READ(sk, sk_protocol);
	c->sk = (__u64)sk;
	return (family == AF_INET || family == AF_INET6) &&
	       (proto == IPPROTO_TCP || proto == IPPROTO_UDP);
}

static __always_inline int enter(int fd, __u64 buf, __u32 iovcnt, long nr, __u8 dir, bool len_only)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct l7_conn_key k = { .tgid = id >> 32, .fd = fd };
	struct l7_call call = { .buf = buf, .fd = fd, .iovcnt = iovcnt, .nr = nr, .dir = dir,
				 .len_only = len_only, .live = 1 };
	struct l7_thread *t;
	struct l7_conn *conn;
	struct file *f;
	__u32 tid = id;

	if (!filter_pass(id))
		return 0;
	f = fd_file(fd);
	if (!f)
		return 0;
	/* The same open file as when the connection was placed: close()
	 * forgets an fd's entry, so only a dup2() over it could put another
	 * file there, and at the same address only by chance. */
	conn = bpf_map_lookup_elem(&conns, &k);
	if (conn && conn->file == (__u64)f) {
		if (tls_inside(tid, fd)) {
			if (!conn->tls) {	/* its plaintext is inferred afresh */
				conn->tls = 1;
				conn->proto = L7_P_UNKNOWN;
				conn->tries = 0;
			}
			return 0;
		}
		if (conn->tls || conn->proto == L7_P_NONE)
			return 0;
		call.file = conn->file;
		call.ino = conn->ino;
		call.sk = conn->sk;
	} else {
		if (!sock_file(f, &call))
			return 0;
		if (tls_inside(tid, fd)) {
			struct l7_conn fresh = { .ino = call.ino, .file = call.file, .sk = call.sk, .tls = 1 };

			bpf_map_update_elem(&conns, &k, &fresh, BPF_ANY);
			return 0;
		}
	}
	t = thread_slot(tid, true);
	if (t)
		t->call = call;
	else
		drop(L7_DROP_INFLIGHT_FULL);
	return 0;
}

/* Copies the first len bytes the call moved into e->data: from the
 * buffer, or from up to L7_IOV_MAX iovecs in order. */
static __always_inline __u32 copy_data(struct sonde_l7_event *e, const struct l7_call *c, __u32 len)
{
	struct iovec iov;
	__u32 off = 0;

	if (!c->iovcnt) {
		if (len > L7_CAP_MAX)
			len = L7_CAP_MAX;
		barrier_var(len);
		if (bpf_probe_read_user(e->data, len & (2 * L7_CAP_MAX - 1), (void *)c->buf))
			return 0;
		return len;
	}
	for (__u32 i = 0; i < L7_IOV_MAX; i++) {
		__u32 n, at;

		if (i >= c->iovcnt || off >= len || off >= L7_CAP_MAX)
			break;
		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(c->buf + i * sizeof(iov))))
			break;
		n = len - off;
		if (n > iov.iov_len)
			n = iov.iov_len;
		at = off;
		/* The compiler knows these bounds; the barriers make it keep
		 * the checks the verifier needs. */
		if (n > L7_CAP_MAX)
			n = L7_CAP_MAX;
		barrier_var(n);
		barrier_var(at);
		if (bpf_probe_read_user(e->data + (at & (L7_CAP_MAX - 1)), n & (2 * L7_CAP_MAX - 1),
					iov.iov_base))
			break;
		off += n;
	}
	return off;
}

/* First bytes of the call's data, for the protocol test. */
static __always_inline int peek(const struct l7_call *c, __u64 *out)
{
	__u64 src = c->buf;

	if (c->iovcnt) {
		struct iovec iov;

		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)c->buf))
			return -1;
		src = (__u64)iov.iov_base;
	}
	return bpf_probe_read_user(out, 8, (void *)src);
}

/* Places a connection seen for the first time (or again, on a new socket
 * behind the fd): returns the entry, or NULL while it is not HTTP. */
static __always_inline struct l7_conn *place(const struct l7_conn_key *k, struct l7_conn *conn,
					     const struct l7_call *c, long ret, bool *first)
{
	struct l7_conn fresh = { .ino = c->ino, .file = c->file, .sk = c->sk };
	__u64 head = 0;
	int kind = 0;

	if (conn && conn->ino == c->ino && conn->file == c->file) {
		if (conn->proto == L7_P_HTTP1)
			return conn;
		if (conn->proto == L7_P_NONE)
			return NULL;
		fresh = *conn;
	}
	if (c->len_only)	/* a body sent from a file: no start of a message */
		return NULL;
	if (ret >= 8 && !peek(c, &head))
		kind = l7_http1_kind(head);
	if (!kind) {
		if (++fresh.tries >= L7_TRIES)
			fresh.proto = L7_P_NONE;
		bpf_map_update_elem(&conns, k, &fresh, BPF_ANY);
		return NULL;
	}
	fresh.proto = L7_P_HTTP1;
	sk_tuple((struct sock *)c->sk, &fresh.t);
	/* A request read or a response written: this end serves. */
	fresh.role = (kind == L7_HTTP1_REQUEST) == (c->dir == L7_DIR_IN) ? TCP_ROLE_SERVER : TCP_ROLE_CLIENT;
	bpf_map_update_elem(&conns, k, &fresh, BPF_ANY);
	*first = true;
	return bpf_map_lookup_elem(&conns, k);
}

/* Sends what call c moved (ret bytes, flags) on placed connection conn;
 * ts: when (0: now). */
static __always_inline void emit(const struct l7_conn *conn, const struct l7_call *c, long ret,
				 __u8 flags, __u64 ts)
{
	struct sonde_l7_event *e;
	__u32 zero = 0, len;

	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return;
	sonde_task_fill_current(&e->task, L7_REC_DATA);
	if (ts)
		e->task.ts_ns = ts;
	e->t = conn->t;
	e->ino = c->ino;
	e->total = ret;
	e->fd = c->fd;
	e->nr = c->nr;
	e->dir = c->dir;
	e->proto = conn->proto;
	e->role = conn->role;
	e->flags = flags | (c->len_only ? L7_F_LEN_ONLY : 0);
	len = c->len_only ? 0 : copy_data(e, c, ret < cap_bytes ? ret : cap_bytes);
	if (len > L7_CAP_MAX)
		len = L7_CAP_MAX;
	e->len = len;
	barrier_var(len);
	len &= 2 * L7_CAP_MAX - 1;
	if (bpf_ringbuf_output(&events, e, L7_EV_HDR_SIZE + len,
			       sonde_rb_flags(&events, L7_EV_HDR_SIZE + len, false)))
		drop(L7_DROP_RINGBUF_FULL);
}

SEC("tracepoint")
int l7_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct l7_conn_key k;
	struct l7_conn *conn;
	struct l7_thread *t;
	struct l7_call *c;
	long ret = ctx->ret;
	bool first = false;

	t = thread_slot(id, false);
	/* A slot of another call: its exit was missed (attached in between). */
	if (!t || !t->call.live || t->call.nr != ctx->id)
		return 0;
	c = &t->call;
	c->live = 0;
	if (ret <= 0)
		return 0;
	k.tgid = id >> 32;
	k.fd = c->fd;
	conn = place(&k, bpf_map_lookup_elem(&conns, &k), c, ret, &first);
	if (conn)
		emit(conn, c, ret, first ? L7_F_FIRST : 0, 0);
	return 0;
}

/* ---- TLS libraries: uprobes, attached per library file by the user side ---- */

static __always_inline int tls_enter(struct pt_regs *ctx, __u8 kind, __u8 dir)
{
	__u64 id = bpf_get_current_pid_tgid(), ssl = PT_REGS_PARM1(ctx), sp = PT_REGS_SP(ctx);
	struct l7_thread *t;

	if (!filter_pass(id))
		return 0;
	t = thread_slot(id, true);
	if (!t) {
		drop(L7_DROP_INFLIGHT_FULL);
		return 0;
	}
	/* A call inside another on the same connection (deeper on the stack):
	 * the outer one's return reports. One at the same depth or above is a
	 * new call, whatever a missed return left behind. */
	if (t->tls.depth && t->tls.ssl == ssl && sp < t->tls.sp) {
		if (t->tls.depth < 255)
			t->tls.depth++;
		return 0;
	}
	t->tls.sp = sp;
	/* Plaintext handed over is stamped now: a process's first uretprobe
	 * is set up after this program, and that takes a while. */
	t->tls.ts = bpf_ktime_get_ns();
	t->tls.ssl = ssl;
	t->tls.buf = kind == L7_TLS_HS ? 0 : PT_REGS_PARM2(ctx);
	t->tls.outp = kind == L7_TLS_EX ? PT_REGS_PARM4(ctx) : 0;
	t->tls.fd = -1;
	t->tls.depth = 1;
	t->tls.kind = kind;
	t->tls.dir = dir;
	return 0;
}

/* The socket behind a TLS connection: the one a syscall inside this call
 * used (remembered for later calls), else the one remembered; -1: none. */
static __always_inline int tls_socket(const struct l7_tls_call *tls, __u32 tgid)
{
	struct l7_ssl_key sk = { .tgid = tgid, .ssl = tls->ssl };
	__s32 *fdp = bpf_map_lookup_elem(&ssl_fds, &sk), fd = tls->fd;

	if (fd >= 0) {
		if (!fdp || *fdp != fd)
			bpf_map_update_elem(&ssl_fds, &sk, &fd, BPF_ANY);
		return fd;
	}
	return fdp ? *fdp : -1;
}

SEC("uretprobe")
int tls_ret(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), n = 0;
	struct l7_call c = { .nr = L7_NR_TLS };
	struct l7_conn_key k = { .tgid = id >> 32 };
	struct l7_conn *conn;
	struct l7_thread *t;
	long rc = PT_REGS_RC(ctx);
	bool first = false;
	int fd;

	t = thread_slot(id, false);
	if (!t || !t->tls.depth || --t->tls.depth)
		return 0;
	if (t->tls.kind == L7_TLS_INT)
		n = (int)rc > 0 ? (int)rc : 0;
	else if (t->tls.kind == L7_TLS_SSIZE)
		n = rc > 0 ? rc : 0;
	else if (t->tls.kind == L7_TLS_EX && (int)rc == 1 &&
		 bpf_probe_read_user(&n, sizeof(n), (void *)t->tls.outp))
		n = 0;
	fd = tls_socket(&t->tls, k.tgid);
	if (!n || n > (1ULL << 40))
		return 0;
	if (fd < 0) {
		drop(L7_DROP_TLS_NO_SOCKET);
		return 0;
	}
	k.fd = fd;
	conn = bpf_map_lookup_elem(&conns, &k);
	if (!conn || !conn->tls) {
		/* Forgotten (an LRU eviction) or never seen inside a call. */
		struct l7_conn fresh = { .tls = 1 };

		if (!sock_file(fd_file(fd), &c))
			return 0;
		fresh.ino = c.ino;
		fresh.file = c.file;
		fresh.sk = c.sk;
		bpf_map_update_elem(&conns, &k, &fresh, BPF_ANY);
		conn = bpf_map_lookup_elem(&conns, &k);
		if (!conn)
			return 0;
	}
	c.buf = t->tls.buf;
	c.fd = fd;
	c.ino = conn->ino;
	c.file = conn->file;
	c.sk = conn->sk;
	c.dir = t->tls.dir;
	conn = place(&k, conn, &c, n, &first);
	if (conn)
		emit(conn, &c, n, L7_F_TLS | (first ? L7_F_FIRST : 0), t->tls.dir == L7_DIR_OUT ? t->tls.ts : 0);
	return 0;
}

#define TLS_PROBE(name, kind, dir)							\
	SEC("uprobe")									\
	int name(struct pt_regs *ctx) { return tls_enter(ctx, kind, dir); }

TLS_PROBE(tls_read, L7_TLS_INT, L7_DIR_IN)		/* SSL_read */
TLS_PROBE(tls_write, L7_TLS_INT, L7_DIR_OUT)		/* SSL_write */
TLS_PROBE(tls_read_ex, L7_TLS_EX, L7_DIR_IN)		/* SSL_read_ex */
TLS_PROBE(tls_write_ex, L7_TLS_EX, L7_DIR_OUT)		/* SSL_write_ex */
TLS_PROBE(tls_recv, L7_TLS_SSIZE, L7_DIR_IN)		/* gnutls_record_recv */
TLS_PROBE(tls_send, L7_TLS_SSIZE, L7_DIR_OUT)		/* gnutls_record_send */
TLS_PROBE(tls_handshake, L7_TLS_HS, L7_DIR_IN)		/* SSL_do_handshake, gnutls_handshake, ... */

SEC("tracepoint/syscalls/sys_enter_close")
int on_close(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct l7_conn_key k = { .tgid = id >> 32, .fd = ctx->args[0] };
	struct sonde_l7_event *e;
	struct l7_conn *conn;
	__u32 zero = 0;

	conn = bpf_map_lookup_elem(&conns, &k);
	if (!conn)
		return 0;
	if (conn->proto == L7_P_HTTP1 && (e = bpf_map_lookup_elem(&scratch, &zero))) {
		sonde_task_fill_current(&e->task, L7_REC_CLOSE);
		__builtin_memset(&e->t, 0, sizeof(e->t));
		e->ino = conn->ino;
		e->total = e->len = 0;
		e->fd = k.fd;
		e->nr = ctx->id;
		e->dir = 0;
		e->proto = conn->proto;
		e->role = conn->role;
		e->flags = 0;
		if (bpf_ringbuf_output(&events, e, L7_EV_HDR_SIZE,
				       sonde_rb_flags(&events, L7_EV_HDR_SIZE, false)))
			drop(L7_DROP_RINGBUF_FULL);
	}
	bpf_map_delete_elem(&conns, &k);
	return 0;
}

#define A(i) (ctx->args[i])
#define L7_SYSCALL(name, buf, iovcnt, dir)						\
	SEC("tracepoint/syscalls/sys_enter_" #name)					\
	int enter_##name(struct trace_event_raw_sys_enter *ctx)			\
	{										\
		return enter(A(0), buf, iovcnt, ctx->id, dir, false);			\
	}

L7_SYSCALL(read, A(1), 0, L7_DIR_IN)
L7_SYSCALL(readv, A(1), A(2), L7_DIR_IN)
L7_SYSCALL(write, A(1), 0, L7_DIR_OUT)
L7_SYSCALL(sendto, A(1), 0, L7_DIR_OUT)
L7_SYSCALL(writev, A(1), A(2), L7_DIR_OUT)

/* A peek reads bytes that a later read returns again: not traced. */
#define MSG_PEEK	2

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	if (A(3) & MSG_PEEK)
		return 0;
	return enter(A(0), A(1), 0, ctx->id, L7_DIR_IN, false);
}

/* msghdr: the iovec array and its length are read here, where the
 * caller's struct is as it passed it. */
static __always_inline int enter_msg(struct trace_event_raw_sys_enter *ctx, __u8 dir)
{
	struct user_msghdr m = {};

	if ((A(2) & MSG_PEEK) || bpf_probe_read_user(&m, sizeof(m), (void *)A(1)) || !m.msg_iovlen)
		return 0;
	return enter(A(0), (__u64)m.msg_iov, m.msg_iovlen, ctx->id, dir, false);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int enter_recvmsg(struct trace_event_raw_sys_enter *ctx) { return enter_msg(ctx, L7_DIR_IN); }

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int enter_sendmsg(struct trace_event_raw_sys_enter *ctx) { return enter_msg(ctx, L7_DIR_OUT); }

/* sendfile (nginx's bodies): the length only, so the parser keeps its
 * place in the stream. */
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int enter_sendfile64(struct trace_event_raw_sys_enter *ctx)
{
	return enter(A(0), 0, 0, ctx->id, L7_DIR_OUT, true);
}
