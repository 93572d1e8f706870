// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "identity/proc_cache.h"
#include "lib/redact.h"

/* Every slot is on one list: free, live (least recently used first) or
 * exited (in exit order); puts, gets and evictions are O(1). */
enum { L_FREE, L_LIVE, L_EXITED };

struct slot {
	struct proc_info info;
	int next;		/* chain in the bucket; -1 ends */
	int lprev, lnext;	/* on its list; -1 ends */
	unsigned char list;
};

struct list {
	int head, tail;
};

/* Images an exec replaced, newest last: events of the old image still
 * in a ring that is drained after the exec's find them here. */
#define OLD_IMAGES 64

struct proc_cache {
	struct slot *slots;
	int *buckets;
	struct list lists[3];
	size_t cap, nbuckets, size;
	size_t fresh;		/* slots [fresh, cap) never used: not even touched */
	uint64_t grace_ns, tick, gen;
	uint64_t hits, misses, evictions;
	struct proc_info old[OLD_IMAGES];
	unsigned old_next;
};

void exec_id__format(char *buf, size_t sz, uint32_t pid, uint64_t start_ns, uint64_t exec_seq)
{
	snprintf(buf, sz, "%x-%llx-%llx", pid, (unsigned long long)start_ns,
		 (unsigned long long)exec_seq);
}

bool proc_info__same_start(const struct proc_info *p, uint64_t start_ns)
{
	return p->start_ns == start_ns ||
	       (!p->start_exact && p->start_ns / 10000000 == start_ns / 10000000);
}

void proc_info__set_image(struct proc_info *p, uint64_t start_ns, uint64_t exec_seq, bool exact)
{
	p->start_ns = start_ns;
	p->exec_seq = exec_seq;
	p->start_exact = exact;
	exec_id__format(p->exec_id, sizeof(p->exec_id), p->pid, start_ns, exec_seq);
}

struct proc_cache *proc_cache__new(size_t capacity, uint64_t grace_ns)
{
	struct proc_cache *c = calloc(1, sizeof(*c));

	if (!c || !capacity)
		goto fail;
	c->cap = capacity;
	c->nbuckets = capacity;
	c->grace_ns = grace_ns;
	c->slots = calloc(capacity, sizeof(*c->slots));
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	if (!c->slots || !c->buckets)
		goto fail;
	memset(c->buckets, 0xff, c->nbuckets * sizeof(*c->buckets));
	/* No free list built up front: the slots (16,384 x ~900 bytes by
	 * default) stay untouched, so not resident, until processes use them. */
	for (int l = 0; l < 3; l++)
		c->lists[l] = (struct list){ -1, -1 };
	return c;
fail:
	proc_cache__free(c);
	errno = ENOMEM;
	return NULL;
}

void proc_cache__free(struct proc_cache *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c->buckets);
	free(c);
}

static int *head(struct proc_cache *c, uint32_t pid)
{
	return &c->buckets[(pid * 2654435761u) % c->nbuckets];
}

static int find(struct proc_cache *c, uint32_t pid)
{
	for (int i = *head(c, pid); i >= 0; i = c->slots[i].next)
		if (c->slots[i].info.pid == pid)
			return i;
	return -1;
}

static void list_del(struct proc_cache *c, int i)
{
	struct slot *sl = &c->slots[i];
	struct list *l = &c->lists[sl->list];

	if (sl->lprev >= 0)
		c->slots[sl->lprev].lnext = sl->lnext;
	else
		l->head = sl->lnext;
	if (sl->lnext >= 0)
		c->slots[sl->lnext].lprev = sl->lprev;
	else
		l->tail = sl->lprev;
	sl->lprev = sl->lnext = -1;
}

static void list_add_tail(struct proc_cache *c, int i, unsigned char list)
{
	struct slot *sl = &c->slots[i];
	struct list *l = &c->lists[list];

	sl->list = list;
	sl->lprev = l->tail;
	sl->lnext = -1;
	if (l->tail >= 0)
		c->slots[l->tail].lnext = i;
	else
		l->head = i;
	l->tail = i;
}

static void move_tail(struct proc_cache *c, int i, unsigned char list)
{
	list_del(c, i);
	list_add_tail(c, i, list);
}

static void unlink_slot(struct proc_cache *c, int idx)
{
	int *pp = head(c, c->slots[idx].info.pid);

	while (*pp >= 0 && *pp != idx)
		pp = &c->slots[*pp].next;
	if (*pp == idx)
		*pp = c->slots[idx].next;
	move_tail(c, idx, L_FREE);
	c->size--;
}

/* Full: the exited process whose grace ran out first, else whichever of
 * the oldest exited and the least recently used live one was used longer
 * ago. */
static int evict(struct proc_cache *c, uint64_t now_ns)
{
	int x = c->lists[L_EXITED].head, l = c->lists[L_LIVE].head, victim;

	if (x >= 0 && (l < 0 || now_ns - c->slots[x].info.exit_ns >= c->grace_ns ||
		       c->slots[x].info.last_used < c->slots[l].info.last_used))
		victim = x;
	else
		victim = l;
	unlink_slot(c, victim);
	c->evictions++;
	return victim;
}

struct proc_info *proc_cache__get(struct proc_cache *c, uint32_t pid)
{
	int i = find(c, pid);

	if (i < 0) {
		c->misses++;
		return NULL;
	}
	c->hits++;
	c->slots[i].info.last_used = ++c->tick;
	if (c->slots[i].list == L_LIVE)
		move_tail(c, i, L_LIVE);
	return &c->slots[i].info;
}

const struct proc_info *proc_cache__old(const struct proc_cache *c, uint32_t pid,
					uint64_t start_ns, uint64_t exec_seq)
{
	for (unsigned i = 0; i < OLD_IMAGES; i++) {
		const struct proc_info *p = &c->old[i];

		if (p->pid == pid && p->start_ns == start_ns && p->exec_seq == exec_seq)
			return p;
	}
	return NULL;
}

struct proc_info *proc_cache__put(struct proc_cache *c, uint32_t pid, uint64_t start_ns,
				  uint64_t exec_seq, uint64_t now_ns)
{
	int i = find(c, pid);
	struct proc_info *p;

	if (i >= 0 && c->slots[i].info.start_ns == start_ns && c->slots[i].info.exec_seq != exec_seq &&
	    c->slots[i].info.detailed)
		c->old[c->old_next++ % OLD_IMAGES] = c->slots[i].info;
	if (i < 0) {
		i = c->lists[L_FREE].head;
		if (i < 0 && c->fresh < c->cap) {
			i = c->fresh++;
			list_add_tail(c, i, L_FREE);
		}
		if (i < 0)
			i = evict(c, now_ns);
		c->slots[i].next = *head(c, pid);
		*head(c, pid) = i;
		c->size++;
	}
	move_tail(c, i, L_LIVE);
	c->gen++;
	p = &c->slots[i].info;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->uid = p->gid = (uint32_t)-1;
	p->last_used = ++c->tick;
	proc_info__set_image(p, start_ns, exec_seq, true);
	return p;
}

void proc_cache__exit(struct proc_cache *c, uint32_t pid, uint64_t now_ns)
{
	int i = find(c, pid);

	if (i >= 0 && c->slots[i].list == L_LIVE) {
		c->slots[i].info.exit_ns = now_ns ? now_ns : 1;
		move_tail(c, i, L_EXITED);
		c->gen++;
	}
}

size_t proc_cache__size(const struct proc_cache *c) { return c->size; }
size_t proc_cache__capacity(const struct proc_cache *c) { return c->cap; }
uint64_t proc_cache__generation(const struct proc_cache *c) { return c->gen; }

void proc_cache__stats(const struct proc_cache *c, uint64_t *hits, uint64_t *misses,
		       uint64_t *evictions)
{
	*hits = c->hits;
	*misses = c->misses;
	*evictions = c->evictions;
}

/* /proc/PID/stat: "pid (comm) state ppid ... starttime(22nd)"; comm may
 * hold spaces and parentheses, so fields are counted after the last ')'. */
static int read_stat(uint32_t pid, char *comm, size_t csz, uint32_t *ppid, uint64_t *start_ticks)
{
	char path[64], buf[1024], *open, *close, *f;
	FILE *fp;
	size_t n;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fp = fopen(path, "r");
	if (!fp)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -EINVAL;
	snprintf(comm, csz, "%.*s", (int)(close - open - 1), open + 1);
	for (f = strtok(close + 1, " "); f; f = strtok(NULL, " ")) {
		field++;
		if (field == 4)
			*ppid = strtoul(f, NULL, 10);
		else if (field == 22) {
			*start_ticks = strtoull(f, NULL, 10);
			return 0;
		}
	}
	return -EINVAL;
}

int proc_cwd(uint32_t pid, char *buf, size_t sz)
{
	char link[64];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/%u/cwd", pid);
	len = readlink(link, buf, sz - 1);
	if (len < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[len] = '\0';
	return 0;
}

void proc_info__set_args(struct proc_info *p, const char *argv, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len && n < sizeof(p->args) - 1; i++)
		p->args[n++] = argv[i] ? argv[i] : ' ';
	while (n && p->args[n - 1] == ' ')
		n--;	/* the last argument's NUL */
	if (i < len && len - i > 1) {	/* more than a final NUL was left out */
		n = n < sizeof(p->args) - 4 ? n : sizeof(p->args) - 4;
		memcpy(p->args + n, "...", 3);
		n += 3;
	}
	p->args[n] = '\0';
}

/* Owner of /proc/PID (the process's effective ids) and its cmdline. */
static void load_ids_args(struct proc_info *p)
{
	char path[64], buf[512], red[3 * sizeof(buf)];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u", p->pid);
	if (p->uid == (uint32_t)-1 && !stat(path, &st)) {
		p->uid = st.st_uid;
		p->gid = st.st_gid;
	}
	snprintf(path, sizeof(path), "/proc/%u/cmdline", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)	/* secrets redacted, as proc's exec events have them */
		proc_info__set_args(p, red, redact__args(buf, n, red, sizeof(red), NULL));
}

void proc_cache__load_details(struct proc_info *p)
{
	char link[64];
	ssize_t len;

	if (p->detailed)
		return;
	p->detailed = true;
	snprintf(link, sizeof(link), "/proc/%u/exe", p->pid);
	len = readlink(link, p->binary, sizeof(p->binary) - 1);
	p->binary[len > 0 ? len : 0] = '\0';
	proc_cwd(p->pid, p->cwd, sizeof(p->cwd));
	load_ids_args(p);
}

struct proc_info *proc_cache__load(struct proc_cache *c, uint32_t pid)
{
	static long hz;
	char comm[16];
	uint32_t ppid = 0;
	uint64_t ticks = 0, start;
	struct proc_info *p;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	if (read_stat(pid, comm, sizeof(comm), &ppid, &ticks))
		return NULL;
	start = ticks * (1000000000ULL / hz);
	p = proc_cache__put(c, pid, start, 0, 0);
	proc_info__set_image(p, start, 0, false);
	p->ppid = ppid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	proc_cache__load_details(p);
	return p;
}

int proc_cache__seed_proc(struct proc_cache *c)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && c->size < c->cap) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (proc_cache__load(c, strtoul(de->d_name, NULL, 10)))
			n++;
	}
	closedir(d);
	return n;
}
