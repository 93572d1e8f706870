// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: container__parse on arbitrary cgroup paths.
 * FUZZ_SRCS: src/identity/container.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "identity/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	struct container_ref r;

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (!container__parse(path, &r)) {
		/* A found container has a runtime and an id, both terminated. */
		if (!r.runtime[0] || !r.id[0] || strnlen(r.id, sizeof(r.id)) == sizeof(r.id))
			abort();
	}
	if (strnlen(r.pod_uid, sizeof(r.pod_uid)) == sizeof(r.pod_uid))
		abort();
	free(path);
	return 0;
}
