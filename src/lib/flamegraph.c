// SPDX-License-Identifier: Apache-2.0
/* The stacks are merged into a tree (children by name, in first-seen
 * order), laid out by depth and cumulative count, and written as SVG
 * rectangles; the script only moves and hides what is there. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/flamegraph.h"
#include "lib/strbuf.h"
#include "lib/vec.h"

#define WIDTH 1200
#define ROW 16
#define MAX_DEPTH 512

struct node {
	char *name;
	size_t len;
	uint64_t value;
	size_t first_child, next_sibling;	/* indices; 0: none (node 0 is the root) */
};

struct tree {
	struct node *v;
	size_t n, cap;
	unsigned depth;
};

/* The child of parent named name, made on first sight (last of its
 * siblings); 0 when out of memory. Indices, not pointers: the array moves. */
static size_t child(struct tree *t, size_t parent, const char *name, size_t len)
{
	struct node nd = { .len = len };
	size_t last = 0;

	for (size_t i = t->v[parent].first_child; i; i = t->v[i].next_sibling) {
		if (t->v[i].len == len && !memcmp(t->v[i].name, name, len))
			return i;
		last = i;
	}
	nd.name = malloc(len + 1);
	if (!nd.name)
		return 0;
	memcpy(nd.name, name, len);
	nd.name[len] = '\0';
	if (VEC_PUSH(t->v, t->n, t->cap, nd)) {
		free(nd.name);
		return 0;
	}
	if (last)
		t->v[last].next_sibling = t->n - 1;
	else
		t->v[parent].first_child = t->n - 1;
	return t->n - 1;
}

static int add_line(struct tree *t, const char *s, size_t len)
{
	const char *sp = NULL, *p, *end;
	uint64_t count = 0;
	size_t at = 0;
	unsigned depth = 0;

	for (size_t i = len; i-- > 0;)
		if (s[i] == ' ') {
			sp = s + i;
			break;
		}
	if (!sp || sp == s || sp + 1 == s + len)
		return -EINVAL;
	for (p = sp + 1; p < s + len; p++) {
		if (*p < '0' || *p > '9' || count > UINT64_MAX / 10 - 10)
			return -EINVAL;
		count = count * 10 + (uint64_t)(*p - '0');
	}
	t->v[0].value += count;
	for (p = s; p < sp; p = end + 1) {
		end = memchr(p, ';', (size_t)(sp - p)) ?: sp;
		if (end == p)
			continue;
		if (++depth > MAX_DEPTH)
			break;
		at = child(t, at, p, (size_t)(end - p));
		if (!at)
			return -ENOMEM;
		t->v[at].value += count;
	}
	if (depth > t->depth)
		t->depth = depth > MAX_DEPTH ? MAX_DEPTH : depth;
	return 0;
}

static void put_xml(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			sb__puts(sb, "&lt;");
		else if (c == '>')
			sb__puts(sb, "&gt;");
		else if (c == '&')
			sb__puts(sb, "&amp;");
		else if (c == '"')
			sb__puts(sb, "&quot;");
		else if (c < 0x20 || c == 0x7f)
			sb__putc(sb, '?');	/* XML 1.0 has no such characters */
		else
			sb__putc(sb, (char)c);
	}
}

/* Warm colours by name, kernel frames ("_[k]") in orange-brown, as in
 * flamegraph.pl: the same function keeps its colour between graphs. */
static void colour(const char *name, int *r, int *g, int *b)
{
	uint32_t h = 2166136261u;
	size_t n = strlen(name);

	for (const char *c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	if (n > 4 && !strcmp(name + n - 4, "_[k]")) {
		*r = 200 + h % 55, *g = 110 + (h >> 8) % 60, *b = 30 + (h >> 16) % 30;
		return;
	}
	*r = 205 + h % 50, *g = (h >> 8) % 200, *b = (h >> 16) % 55;
}

struct emit {
	struct strbuf *out;
	const struct tree *t;
	uint64_t total;
	unsigned height;
	const char *unit;
};

static void emit_node(struct emit *e, size_t i, double x, unsigned depth)
{
	const struct node *nd = &e->t->v[i];
	double w = (double)nd->value * WIDTH / (double)e->total;
	int r, g, b;

	if (i) {
		colour(nd->name, &r, &g, &b);
		sb__puts(e->out, "<g class=\"f\"><title>");
		put_xml(e->out, nd->name);
		sb__printf(e->out, " (%llu %s, %.2f%%)</title><rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%d\" "
			   "fill=\"rgb(%d,%d,%d)\"/><text x=\"%.2f\" y=\"%u\">",
			   (unsigned long long)nd->value, e->unit, 100.0 * nd->value / e->total, x,
			   e->height - (depth + 1) * ROW, w, ROW - 1, r, g, b, x + 3, e->height - depth * ROW - 4);
		put_xml(e->out, nd->name);	/* the script cuts it to fit */
		sb__puts(e->out, "</text></g>\n");
	}
	for (size_t c = nd->first_child; c; c = e->t->v[c].next_sibling) {
		emit_node(e, c, x, depth + (i ? 1 : 0));
		x += (double)e->t->v[c].value * WIDTH / (double)e->total;
	}
}

/* Zoom: a click scales the clicked frame's row to the full width, hides
 * what is not above or below it; reset by clicking the title. Search:
 * a regular expression, matches in magenta, their share shown. */
static const char script[] =
	"<script><![CDATA[\n"
	"var W=1200,fs=[].slice.call(document.querySelectorAll('g.f'));\n"
	"fs.forEach(function(g){var r=g.querySelector('rect');g.ox=+r.getAttribute('x');g.ow=+r.getAttribute('width');"
	"g.oy=+r.getAttribute('y');g.name=g.querySelector('text').textContent;g.onclick=function(){zoom(g)};});\n"
	"function fit(g){var t=g.querySelector('text'),w=+g.querySelector('rect').getAttribute('width'),n=Math.floor((w-6)/7);"
	"t.textContent=n<3?'':g.name.length<=n?g.name:g.name.slice(0,n-2)+'..';}\n"
	"function zoom(z){fs.forEach(function(g){var r=g.querySelector('rect'),t=g.querySelector('text'),"
	"inside=g.ox>=z.ox-1e-6&&g.ox+g.ow<=z.ox+z.ow+1e-6&&g.oy<=z.oy,"
	"anc=g.oy>z.oy&&g.ox<=z.ox+1e-6&&g.ox+g.ow>=z.ox+z.ow-1e-6;"
	"if(!inside&&!anc){g.style.display='none';return;}"
	"g.style.display='';var x=inside?(g.ox-z.ox)*W/z.ow:0,w=inside?g.ow*W/z.ow:W;"
	"r.setAttribute('x',x);r.setAttribute('width',w);t.setAttribute('x',x+3);fit(g);});}\n"
	"function unzoom(){fs.forEach(function(g){g.style.display='';var r=g.querySelector('rect'),t=g.querySelector('text');"
	"r.setAttribute('x',g.ox);r.setAttribute('width',g.ow);t.setAttribute('x',g.ox+3);fit(g);});}\n"
	"function search(){var s=prompt('Search (regular expression)');if(s===null)return;var re,m=0,tot=0;"
	"try{re=new RegExp(s);}catch(e){alert(e);return;}"
	"fs.forEach(function(g){var r=g.querySelector('rect');if(!g.f0)g.f0=r.getAttribute('fill');"
	"if(s&&re.test(g.name)){r.setAttribute('fill','rgb(230,0,230)');}else r.setAttribute('fill',g.f0);});"
	"fs.forEach(function(g){if(s&&re.test(g.name)){var cov=fs.some(function(o){return o!==g&&re.test(o.name)&&o.oy>g.oy&&"
	"o.ox<=g.ox+1e-6&&o.ox+o.ow>=g.ox+g.ow-1e-6;});if(!cov)m+=g.ow;}});"
	"document.getElementById('matched').textContent=s?'Matched: '+(100*m/W).toFixed(2)+'%':'';}\n"
	"fs.forEach(fit);document.documentElement.setAttribute('data-frames',fs.length);\n"
	"]]></script>\n";

int flamegraph__svg(const char *folded, size_t len, const char *title, const char *unit, struct strbuf *out,
		    unsigned long *bad)
{
	struct tree t = {};
	struct node root = {};
	struct emit e = { .out = out, .t = &t, .unit = unit };
	const char *p = folded, *end = folded + len;
	int err = 0;

	if (bad)
		*bad = 0;
	if (VEC_PUSH(t.v, t.n, t.cap, root))
		return -ENOMEM;
	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)) ?: end;
		size_t n = (size_t)(nl - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			err = add_line(&t, p, n);
			if (err == -EINVAL) {
				if (bad)
					(*bad)++;
				err = 0;
			}
		}
		p = nl + 1;
	}
	e.total = t.v[0].value ?: 1;
	e.height = (t.depth + 3) * ROW + 40;
	if (!err) {
		sb__printf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
			   "<svg version=\"1.1\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\" "
			   "xmlns=\"http://www.w3.org/2000/svg\">\n"
			   "<style>text{font-family:monospace;font-size:11px;fill:#000;pointer-events:none}"
			   "g.f:hover rect{stroke:#000;stroke-width:0.5}.c{cursor:pointer}</style>\n"
			   "<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n<text class=\"c\" x=\"%d\" y=\"20\" "
			   "text-anchor=\"middle\" style=\"font-size:15px;pointer-events:all\" onclick=\"unzoom()\">",
			   WIDTH, e.height, WIDTH, e.height, WIDTH / 2);
		put_xml(out, title);
		sb__printf(out, "</text>\n<text class=\"c\" x=\"%d\" y=\"20\" text-anchor=\"end\" "
			   "style=\"pointer-events:all\" onclick=\"search()\">Search</text>\n"
			   "<text id=\"matched\" x=\"%d\" y=\"%u\" text-anchor=\"end\"></text>\n"
			   "<text x=\"10\" y=\"20\">%llu %s</text>\n",
			   WIDTH - 10, WIDTH - 10, e.height - 6, (unsigned long long)t.v[0].value, unit);
		emit_node(&e, 0, 0, 0);
		sb__puts(out, script);
		sb__puts(out, "</svg>\n");
		err = out->err;
	}
	for (size_t i = 1; i < t.n; i++)
		free(t.v[i].name);
	free(t.v);
	return err;
}
