// SPDX-License-Identifier: Apache-2.0
/* Container ids from real cgroup v2 path formats. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "identity/container.h"

#define ID "3f8a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"
#define POD "8f9d6a2c-4b1e-4d3a-9c7f-2e5b8a1d4c6f"
#define POD_ "8f9d6a2c_4b1e_4d3a_9c7f_2e5b8a1d4c6f"

static void expect(const char *path, int ret, const char *runtime, const char *id, const char *pod)
{
	struct container_ref r;

	assert_int_equal(container__parse(path, &r), ret);
	assert_string_equal(r.runtime, runtime);
	assert_string_equal(r.id, id);
	assert_string_equal(r.pod_uid, pod);
}

static void test_docker(void **state)
{
	(void)state;
	expect("/docker/" ID, 0, "docker", ID, "");			/* cgroupfs driver */
	expect("/system.slice/docker-" ID ".scope", 0, "docker", ID, "");	/* systemd driver */
}

static void test_kubernetes(void **state)
{
	(void)state;
	/* containerd, systemd driver */
	expect("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	       ".slice/cri-containerd-" ID ".scope", 0, "containerd", ID, POD);
	/* cgroupfs driver: bare id under the pod */
	expect("/kubepods/burstable/pod" POD "/" ID, 0, "cri", ID, POD);
	/* CRI-O, and its conmon monitor which is not the container */
	expect("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-" ID ".scope", 0, "crio", ID, POD);
	expect("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-conmon-" ID ".scope", -ENOENT, "", "", POD);
	/* the pod's own cgroup: a pod, no container */
	expect("/kubepods/besteffort/pod" POD, -ENOENT, "", "", POD);
}

static void test_podman_lxc(void **state)
{
	(void)state;
	expect("/machine.slice/libpod-" ID ".scope", 0, "podman", ID, "");
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope/container",
	       0, "podman", ID, "");
	expect("/machine.slice/libpod-conmon-" ID ".scope", -ENOENT, "", "", "");
	expect("/lxc.payload.web1", 0, "lxc", "web1", "");
}

static void test_not_containers(void **state)
{
	(void)state;
	expect("/", -ENOENT, "", "", "");
	expect("", -ENOENT, "", "", "");
	expect(NULL, -ENOENT, "", "", "");
	expect("/user.slice/user-0.slice/session-1.scope", -ENOENT, "", "", "");
	expect("/system.slice/nginx.service", -ENOENT, "", "", "");
	expect("/docker/" "3f8a9c1e", -ENOENT, "", "", "");		/* short id */
	expect("/docker/" ID "0", -ENOENT, "", "", "");			/* 65 chars */
	expect("/docker/" "zf8a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a", -ENOENT, "", "", "");
	expect("/kubepods/pod1234/x", -ENOENT, "", "", "");		/* not a UID */
}

static void test_nested_innermost(void **state)
{
	(void)state;
	/* docker-in-docker: the inner container is the one the process runs in */
	expect("/docker/" ID "/docker/" "aaaa9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a",
	       0, "docker", "aaaa9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a", "");
}

static void test_cgroup_of_self(void **state)
{
	char path[4096];

	(void)state;
	/* This machine has a cgroup v2 hierarchy (hybrid or unified). */
	assert_int_equal(container__cgroup_of(getpid(), path, sizeof(path)), 0);
	assert_true(path[0] == '/');
	assert_int_equal(container__cgroup_of(-1, path, sizeof(path)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_kubernetes),
		cmocka_unit_test(test_podman_lxc),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_nested_innermost),
		cmocka_unit_test(test_cgroup_of_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
