/* SPDX-License-Identifier: GPL-2.0-only */
/* Deliberately broken programs for `sonde verify`, one per class of
 * verifier rejection. Each marks the line the verifier should blame with
 * the comment VERIFY-FAIL; tests/integration/test_verify.sh checks that
 * sonde names that line and the expected hint (HINT: in the first line). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
