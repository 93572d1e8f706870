// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/filemap.h"

int filemap__open(const char *path, void **data, size_t *size, char *why, size_t why_sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		snprintf(why, why_sz, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		snprintf(why, why_sz, "%s: not a regular file with contents", path);
		return -EINVAL;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		err = -errno;
		snprintf(why, why_sz, "%s: mmap: %s", path, strerror(errno));
		return err;
	}
	*data = p;
	*size = st.st_size;
	return 0;
}

void filemap__close(void *data, size_t size)
{
	if (data)
		munmap(data, size);
}
