// SPDX-License-Identifier: Apache-2.0
/* Kernel BTF, parsed once and shared by every object the agent loads.
 *
 * libbpf 1.1 loads /sys/kernel/btf/vmlinux for each object that needs it
 * (tp_btf, CO-RE): it reads the whole file (5.5 MB on 6.18) into a buffer,
 * copies it into the btf, then frees the buffer, so 11 MB are live at once,
 * about two thirds of the agent's peak RSS, and ~10 ms go to each parse. The
 * link interposes on libbpf's calls (-Wl,--wrap=btf__load_vmlinux_btf,
 * --wrap=btf__free; libbpf.o calls both across object files) so that:
 *   - the file is mmapped (kernels >= 6.16 allow it) and btf__new() makes
 *     the only copy; older kernels fall back to libbpf's own loader;
 *   - the parsed btf is kept until kbtf__drop(), which the agent calls once
 *     its collectors are loaded, and libbpf's btf__free() of it only counts
 *     a user gone: a load still running on another thread (the identity
 *     seeder's) keeps it until its own free.
 * libbpf only reads obj->btf_vmlinux, so sharing it between objects is safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf_version.h>

/* The wrap relies on libbpf 1.1's internals (libbpf.o calling both across
 * object files; scripts/check-build.sh checks that too). */
#if LIBBPF_MAJOR_VERSION != 1 || LIBBPF_MINOR_VERSION != 1
#error "src/core/kbtf.c interposes on libbpf 1.1 internals; check it against this libbpf first"
#endif

#include "core/kbtf.h"

#define SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

struct btf *__real_btf__load_vmlinux_btf(void);
void __real_btf__free(struct btf *btf);
struct btf *__wrap_btf__load_vmlinux_btf(void);
void __wrap_btf__free(struct btf *btf);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct btf *shared;
static unsigned users;		/* loads holding shared: libbpf frees it at the end of each */
static bool dropped;		/* kbtf__drop() came while users held it */
static struct kbtf_stats stats;

static struct btf *parse_mmapped(void)
{
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd, err;

	fd = open(SYSFS_VMLINUX, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return NULL;
	btf = btf__new(data, st.st_size);
	err = errno;
	munmap(data, st.st_size);
	if (!btf)
		errno = err;
	else
		stats.mmapped = true;
	return btf;
}

struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	struct btf *btf;

	pthread_mutex_lock(&lock);
	if (shared) {
		stats.reused++;
		btf = shared;
		users++;
		goto out;
	}
	btf = parse_mmapped();
	if (!btf)
		btf = __real_btf__load_vmlinux_btf();
	if (btf) {
		stats.parsed++;
		shared = btf;
		users = 1;
		dropped = false;
	}
out:
	pthread_mutex_unlock(&lock);
	return btf;
}

void __wrap_btf__free(struct btf *btf)
{
	bool keep;

	pthread_mutex_lock(&lock);
	keep = btf && btf == shared;
	if (keep && users)
		users--;
	if (keep && dropped && !users) {
		shared = NULL;
		keep = false;
	}
	pthread_mutex_unlock(&lock);
	if (!keep)
		__real_btf__free(btf);
}

void kbtf__drop(void)
{
	pthread_mutex_lock(&lock);
	if (users) {
		dropped = true;	/* the last user's btf__free() frees it */
	} else {
		__real_btf__free(shared);
		shared = NULL;
	}
	pthread_mutex_unlock(&lock);
}

void kbtf__stats(struct kbtf_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = stats;
	pthread_mutex_unlock(&lock);
}
