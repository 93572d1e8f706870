// SPDX-License-Identifier: Apache-2.0
/* HTTP/1.x message framing after RFC 9112: a head up to its empty line,
 * then a body framed by Transfer-Encoding: chunked (which wins over a
 * Content-Length), by Content-Length, or, for a response, by the end of
 * the connection. Bare LF line ends are taken as CRLF, as most servers do. */
#include <string.h>
#include "lib/httphdr.h"
#include "proto/http1.h"

static const char *const drop_names[HTTP1_D_MAX] = {
	[HTTP1_D_HEAD_TOO_LARGE] = "head_too_large",
	[HTTP1_D_MALFORMED] = "malformed",
	[HTTP1_D_GAP] = "not_captured",
	[HTTP1_D_PENDING_FULL] = "pending_full",
	[HTTP1_D_ORPHAN_RESPONSE] = "orphan_response",
	[HTTP1_D_UNANSWERED] = "unanswered",
};

const char *http1__drop_name(enum http1_drop d)
{
	return d < HTTP1_D_MAX ? drop_names[d] : "?";
}

static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
};

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Whether [p, p+n) starts with a known method and a space, or with
 * "HTTP/1." (n may be short of either: then what there is must fit). */
static bool starts_message(const char *p, size_t n, bool response)
{
	if (response)
		return n >= 7 ? !memcmp(p, "HTTP/1.", 7) : !memcmp(p, "HTTP/1.", n);
	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++) {
		size_t m = strlen(methods[i]);

		if (n > m ? !memcmp(p, methods[i], m) && p[m] == ' ' : !memcmp(p, methods[i], n))
			return n > 0;
	}
	return false;
}

bool http1__looks_like(const void *buf, size_t len)
{
	const char *p = buf;

	return len >= 4 && (starts_message(p, len, false) || starts_message(p, len, true));
}

/* Copies [p, p+n) into a field of size sz; true when it had to cut.
 * memmove: gcc inlines a memcpy of unknown size into an aligned field as
 * rep movs, whose start-up costs more than these short strings (a tenth
 * of the agent's time under wrk). */
static bool copy_cut(char *to, size_t sz, const char *p, size_t n)
{
	bool cut = n >= sz;

	if (cut)
		n = sz - 1;
	memmove(to, p, n);
	to[n] = '\0';
	return cut;
}

/* An empty head: the strings' first bytes and the scalars (a memset of
 * the whole was the parser's second cost). */
static void head_reset(struct http1_head *h)
{
	h->method[0] = h->path[0] = h->query[0] = h->host[0] = h->traceparent[0] = '\0';
	h->status = 0;
	h->minor = 0;
	h->path_cut = h->query_cut = false;
	h->chunked = h->has_length = h->close = h->expect_continue = false;
	h->content_length = 0;
}

static inline bool eq_nocase(const char *p, size_t n, const char *lit)
{
	size_t i;

	if (n != strlen(lit))	/* a constant: lit is a literal */
		return false;
	for (i = 0; i < n && lit[i]; i++)
		if (lower(p[i]) != lit[i])
			return false;
	return i == n && !lit[i];
}

/* Whether the comma-separated list [p, p+n) has the token tok (lower case). */
static bool has_token(const char *p, size_t n, const char *tok, bool last_only)
{
	bool found = false;
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
			i++;
		s = i;
		while (i < n && p[i] != ',')
			i++;
		e = i;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > s)
			found = eq_nocase(p + s, e - s, tok) || (found && !last_only);
	}
	return found;
}

/* 55 characters: 2 hex, '-', 32 hex, '-', 16 hex, '-', 2 hex. */
static bool traceparent_ok(const char *p, size_t n)
{
	if (n != HTTP1_TRACEPARENT_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 2 || i == 35 || i == 52;
		char ch = p[i];

		if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	return true;
}

static int header(struct http1_head *h, const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n), *v;
	size_t name, vn;

	if (!colon || colon == p)
		return -1;
	name = colon - p;
	for (size_t i = 0; i < name; i++)
		if (!http__tchar(p[i]))
			return -1;
	v = colon + 1;
	vn = n - name - 1;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (eq_nocase(p, name, "content-length")) {
		uint64_t len = 0;

		if (!vn)
			return -1;
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9' || len > (UINT64_MAX - 9) / 10)
				return -1;
			len = len * 10 + (v[i] - '0');
		}
		/* Two that differ is a request smuggling attempt, not a length. */
		if (h->has_length && h->content_length != len)
			return -1;
		h->has_length = true;
		h->content_length = len;
	} else if (eq_nocase(p, name, "transfer-encoding")) {
		h->chunked = has_token(v, vn, "chunked", true);
	} else if (eq_nocase(p, name, "connection")) {
		if (has_token(v, vn, "close", false))
			h->close = true;
	} else if (eq_nocase(p, name, "expect")) {
		h->expect_continue = eq_nocase(v, vn, "100-continue");
	} else if (eq_nocase(p, name, "host")) {
		copy_cut(h->host, sizeof(h->host), v, vn);
	} else if (eq_nocase(p, name, "traceparent")) {
		if (traceparent_ok(v, vn))
			copy_cut(h->traceparent, sizeof(h->traceparent), v, vn);
	}
	return 0;
}

static int request_line(struct http1_head *h, const char *p, size_t n)
{
	const char *sp1 = memchr(p, ' ', n), *sp2, *t, *q;
	size_t tn;

	if (!sp1 || sp1 == p || (size_t)(sp1 - p) >= sizeof(h->method))
		return -1;
	for (const char *m = p; m < sp1; m++)
		if (!http__tchar(*m))
			return -1;
	t = sp1 + 1;
	sp2 = memchr(t, ' ', n - (t - p));
	if (!sp2 || sp2 == t || p + n - sp2 != 9 || memcmp(sp2 + 1, "HTTP/1.", 7) || sp2[8] < '0' || sp2[8] > '9')
		return -1;
	tn = sp2 - t;
	for (size_t i = 0; i < tn; i++)
		if ((unsigned char)t[i] <= ' ' || t[i] == 0x7f)
			return -1;
	copy_cut(h->method, sizeof(h->method), p, sp1 - p);
	q = memchr(t, '?', tn);
	h->path_cut = copy_cut(h->path, sizeof(h->path), t, q ? (size_t)(q - t) : tn);
	if (q)
		h->query_cut = copy_cut(h->query, sizeof(h->query), q + 1, tn - (q - t) - 1);
	h->minor = sp2[8] - '0';
	return 0;
}

static int status_line(struct http1_head *h, const char *p, size_t n)
{
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) || p[7] < '0' || p[7] > '9' || p[8] != ' ' ||
	    (n > 12 && p[12] != ' '))
		return -1;
	for (int i = 9; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	h->minor = p[7] - '0';
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return h->status >= 100 ? 0 : -1;
}

/* Parses s->buf[0, s->len), a whole head ending in its empty line. */
static int parse_head(struct http1_stream *s)
{
	const char *p = s->buf, *end = s->buf + s->len;
	bool first = true;

	head_reset(&s->h);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n;

		if (!nl)
			return -1;
		n = nl - p;
		if (n && p[n - 1] == '\r')
			n--;
		if (!n)
			return first ? -1 : 0;	/* the empty line */
		if (memchr(p, '\0', n))
			return -1;
		if (first) {
			if ((s->response ? status_line(&s->h, p, n) : request_line(&s->h, p, n)))
				return -1;
			first = false;
		} else if (*p == ' ' || *p == '\t') {
			/* obs-fold: a continued header, obsolete; its value is not one we read */
		} else if (header(&s->h, p, n)) {
			return -1;
		}
		p = nl + 1;
	}
	return -1;
}


static struct http1_exchange *oldest(struct http1_conn *c)
{
	return c->n ? &c->pending[c->head] : NULL;
}

static void pop(struct http1_conn *c)
{
	c->head = (c->head + 1) % HTTP1_PENDING_MAX;
	c->n--;
}

static void emit(struct http1_conn *c, const struct http1_exchange *x)
{
	c->exchanges++;
	c->estimated += x->resp_body_estimated;
	if (c->fn)
		c->fn(c->ctx, x);
}

/* Whether the request stream is in a request's body. */
static bool req_in_body(const struct http1_conn *c)
{
	switch (c->req.st) {
	case H1_BODY:
	case H1_CHUNK_SIZE:
	case H1_CHUNK_DATA:
	case H1_CHUNK_END:
	case H1_TRAILER:
	case H1_CHUNK_LOST:
		return !c->req.answered;
	default:
		return false;
	}
}

/* A whole message ended at ts. */
static void message_done(struct http1_conn *c, struct http1_stream *s, uint64_t ts)
{
	bool estimated = s->estimated;

	s->st = H1_SYNC;
	s->estimated = false;
	if (!s->response && s->answered) {
		s->answered = false;
		s->early.req = s->h;
		s->early.req_bytes = s->bytes;
		s->early.req_body = s->body;
		emit(c, &s->early);
		return;
	}
	if (!s->response) {
		struct http1_exchange *p;

		if (c->n == HTTP1_PENDING_MAX) {
			pop(c);
			c->drops[HTTP1_D_PENDING_FULL]++;
		}
		p = &c->pending[(c->head + c->n++) % HTTP1_PENDING_MAX];
		p->req = s->h;
		p->req_bytes = s->bytes;
		p->req_body = s->body;
		p->start_ns = s->start_ns;
		return;
	}
	/* 1xx but 101: an interim response; the final one follows. */
	if (s->h.status < 200 && s->h.status != 101)
		return;
	if (!oldest(c) && req_in_body(c)) {
		/* Answered mid-body: paired once the request ends. */
		c->req.answered = true;
		c->req.early = (struct http1_exchange){
			.status = s->h.status, .resp_bytes = s->bytes, .resp_body = s->body,
			.start_ns = c->req.start_ns, .end_ns = ts, .resp_body_estimated = estimated,
		};
	} else if (!oldest(c)) {
		c->drops[HTTP1_D_ORPHAN_RESPONSE]++;
	} else {
		struct http1_exchange *x = oldest(c);
		bool tunnel = s->h.status == 101 || (!strcmp(x->req.method, "CONNECT") && s->h.status / 100 == 2);

		x->status = s->h.status;
		x->resp_bytes = s->bytes;
		x->resp_body = s->body;
		x->end_ns = ts;
		x->resp_body_estimated = estimated;
		pop(c);
		emit(c, x);	/* the slot is reused only by a later request */
		if (tunnel) {
			/* What follows on both streams is another protocol. */
			c->req.st = c->resp.st = H1_TUNNEL;
			return;
		}
	}
}

static void drop(struct http1_conn *c, enum http1_drop d, struct http1_stream *s)
{
	c->drops[d]++;
	if (s->answered)	/* its response was seen: pair it with what there was */
		message_done(c, s, 0);
	s->st = H1_SYNC;
	s->len = 0;
}

/* The head is in s->buf: how is its body framed? */
static void head_done(struct http1_conn *c, struct http1_stream *s, uint64_t ts)
{
	const struct http1_exchange *p = s->response ? oldest(c) : NULL;
	const struct http1_head *h = &s->h;
	uint16_t st = h->status;

	s->body = 0;
	if (s->response && (st < 200 || st == 204 || st == 304 || (p && !strcmp(p->req.method, "HEAD")) ||
			    (p && !strcmp(p->req.method, "CONNECT") && st / 100 == 2))) {
		message_done(c, s, ts);
	} else if (h->chunked) {
		s->st = H1_CHUNK_SIZE;
		s->len = 0;
	} else if (h->has_length && h->content_length) {
		s->st = H1_BODY;
		s->left = h->content_length;
	} else if (h->has_length || !s->response) {
		message_done(c, s, ts);
	} else {
		s->st = H1_BODY_EOF;
	}
}

/* Appends to s->buf up to the end of a line (or of the head, with
 * head); returns bytes taken, and sets *done once the line is whole. A
 * line at a time: the parser's hottest loop. */
static size_t take_line(struct http1_stream *s, const char *p, size_t n, bool head, bool *done)
{
	size_t i = 0;

	*done = false;
	while (i < n) {
		size_t room = sizeof(s->buf) - s->len, k = n - i < room ? n - i : room;
		const char *nl;

		if (!room)
			return i;
		nl = memchr(p + i, '\n', k);
		if (nl)
			k = nl - (p + i) + 1;
		memcpy(s->buf + s->len, p + i, k);
		s->len += k;
		i += k;
		if (!nl)
			return i;
		/* A head ends at an empty line: "\n\n" or "\n\r\n". */
		if (!head || (s->len >= 2 && s->buf[s->len - 2] == '\n') ||
		    (s->len >= 3 && s->buf[s->len - 2] == '\r' && s->buf[s->len - 3] == '\n')) {
			*done = true;
			return i;
		}
	}
	return i;
}

/* "HEX[;ext]" in s->buf; -1 when it is not a chunk size. */
static int chunk_size(const struct http1_stream *s, uint64_t *size)
{
	size_t n = s->len, i;
	uint64_t v = 0;

	while (n && (s->buf[n - 1] == '\n' || s->buf[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++) {
		char ch = lower(s->buf[i]);
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;

		if (d < 0)
			break;
		if (v >> 60)
			return -1;
		v = v << 4 | d;
	}
	if (!i || (i < n && s->buf[i] != ';' && s->buf[i] != ' ' && s->buf[i] != '\t'))
		return -1;
	*size = v;
	return 0;
}

/* Message starts, searched for in H1_SYNC: at a line's start, or at the
 * start of a read (a new write is most often a new message). A start cut
 * by the end of the read is taken on trust until its head shows it. */
static size_t sync(struct http1_stream *s, const char *p, size_t n, uint64_t ts)
{
	for (size_t i = 0; i < n; i++) {
		if ((!i || p[i - 1] == '\n') && starts_message(p + i, n - i, s->response)) {
			s->st = H1_HEAD;
			s->len = 0;
			s->bytes = 0;
			s->start_ns = ts;
			return i;
		}
	}
	return n;
}

/* Up to n bytes of a body or chunk's data; returns how many it took.
 * At the end: the message is done (H1_BODY, state H1_SYNC after), or the
 * chunk's line end is next. */
static uint64_t body_take(struct http1_conn *c, struct http1_stream *s, uint64_t n, uint64_t ts)
{
	uint64_t k = n < s->left ? n : s->left;

	s->left -= k;
	s->bytes += k;
	s->body += k;
	if (!s->left) {
		if (s->st == H1_BODY) {
			message_done(c, s, ts);
		} else {
			s->st = H1_CHUNK_END;
			s->len = 0;
		}
	}
	return k;
}

static void stream_feed(struct http1_conn *c, struct http1_stream *s, const char *p, size_t n, uint64_t ts)
{
	while (n) {
		size_t k;
		bool done;

		switch (s->st) {
		case H1_TUNNEL:
			return;
		case H1_SYNC:
			k = sync(s, p, n, ts);
			p += k;
			n -= k;
			continue;
		case H1_HEAD:
			k = take_line(s, p, n, true, &done);
			s->bytes += k;
			p += k;
			n -= k;
			if (!starts_message(s->buf, s->len, s->response)) {
				s->st = H1_SYNC;	/* a start cut by a read's end that was not one */
			} else if (!done && s->len == sizeof(s->buf)) {
				drop(c, HTTP1_D_HEAD_TOO_LARGE, s);
			} else if (done) {
				if (parse_head(s))
					drop(c, HTTP1_D_MALFORMED, s);
				else
					head_done(c, s, ts);
			}
			continue;
		case H1_BODY:
		case H1_CHUNK_DATA:
			k = body_take(c, s, n, ts);
			p += k;
			n -= k;
			continue;
		case H1_CHUNK_LOST:
			/* The next message on this stream ends the lost one. */
			if (starts_message(p, n, s->response)) {
				message_done(c, s, s->last_ns);
				continue;
			}
			/* fallthrough */
		case H1_BODY_EOF:
			s->bytes += n;
			s->body += n;
			return;
		case H1_CHUNK_END:
		case H1_CHUNK_SIZE:
		case H1_TRAILER:
			if (s->len >= 1024) {	/* no chunk line or trailer is this long */
				drop(c, HTTP1_D_MALFORMED, s);
				continue;
			}
			k = take_line(s, p, n, false, &done);
			s->bytes += k;
			p += k;
			n -= k;
			if (!done)
				continue;
			if (s->st == H1_CHUNK_END) {
				/* Only the line end may follow a chunk's data. */
				if (s->len > 2 || (s->len == 2 && s->buf[0] != '\r'))
					drop(c, HTTP1_D_MALFORMED, s);
				else
					s->st = H1_CHUNK_SIZE;
			} else if (s->st == H1_CHUNK_SIZE) {
				uint64_t size;

				if (chunk_size(s, &size)) {
					drop(c, HTTP1_D_MALFORMED, s);
				} else if (size) {
					s->st = H1_CHUNK_DATA;
					s->left = size;
				} else {
					s->st = H1_TRAILER;
				}
			} else if (s->len <= 2 && (s->len == 1 || s->buf[0] == '\r')) {
				message_done(c, s, ts);	/* the empty line after the trailers */
			}
			s->len = 0;
			continue;
		}
	}
}

/* Bytes that were not captured: body if a body was being read. */
static void stream_gap(struct http1_conn *c, struct http1_stream *s, uint64_t n, uint64_t ts)
{
	uint64_t k;
	bool body;

	switch (s->st) {
	case H1_TUNNEL:
	case H1_SYNC:
		return;
	case H1_BODY_EOF:
	case H1_CHUNK_LOST:
		s->bytes += n;
		s->body += n;
		return;
	case H1_BODY:
	case H1_CHUNK_DATA:
		body = s->st == H1_BODY;
		k = body_take(c, s, n, ts);
		if (k == n)
			return;
		n -= k;
		/* The body is whole; what follows, uncaptured, is lost. */
		if (body)
			break;
		/* Past a chunk: the next chunk's size is lost. */
		/* fallthrough */
	case H1_CHUNK_END:
	case H1_CHUNK_SIZE:
	case H1_TRAILER:
		s->st = H1_CHUNK_LOST;
		s->estimated = true;
		s->bytes += n;
		s->body += n;
		return;
	default:
		break;
	}
	drop(c, HTTP1_D_GAP, s);
}

static bool ends_chunked(const char *p, size_t n)
{
	return n >= 5 && !memcmp(p + n - 5, "0\r\n\r\n", 5) && (n == 5 || p[n - 6] == '\n');
}

void http1_conn__feed(struct http1_conn *c, bool response, const void *buf, size_t len, size_t total,
		      uint64_t ts_ns)
{
	struct http1_stream *s = response ? &c->resp : &c->req;

	/* A new request ends a lost response before it (unless pipelined). */
	if (!response && c->resp.st == H1_CHUNK_LOST && c->n == 1 && starts_message(buf, len, false))
		message_done(c, &c->resp, c->resp.last_ns);
	stream_feed(c, s, buf, len, ts_ns);
	if (total > len)
		stream_gap(c, s, total - len, ts_ns);
	s->last_ns = ts_ns;
	/* The last chunk at the end of a read seen whole. */
	if (s->st == H1_CHUNK_LOST && total == len && ends_chunked(buf, len))
		message_done(c, s, ts_ns);
}

void http1_conn__close(struct http1_conn *c, uint64_t ts_ns)
{
	if (c->resp.st == H1_BODY_EOF)
		message_done(c, &c->resp, ts_ns);
	else if (c->resp.st == H1_CHUNK_LOST)
		message_done(c, &c->resp, c->resp.last_ns);
	if (c->req.answered)	/* the rest of the body never came */
		message_done(c, &c->req, ts_ns);
	c->drops[HTTP1_D_UNANSWERED] += c->n;
	c->n = 0;
}

void http1_conn__init(struct http1_conn *c, http1_exchange_fn fn, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->resp.response = true;
	c->fn = fn;
	c->ctx = ctx;
}
