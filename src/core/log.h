/* SPDX-License-Identifier: Apache-2.0 */
/* One logging module for the agent and for libbpf's own output. */
#ifndef SONDE_LOG_H
#define SONDE_LOG_H
#include <stdarg.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log__set_level(enum log_level lvl);
enum log_level log__level(void);
int log__parse_level(const char *s, enum log_level *out);
/* Routes libbpf's print callback through this module. */
void log__setup_libbpf(void);
/* While quiet, libbpf's warnings are demoted to debug (used by probes that
 * expect failures). Returns the previous setting. */
int log__set_libbpf_quiet(int quiet);

struct strbuf;
/* While sb is set, libbpf's messages are appended to it (one per line) and
 * shown only at debug level; NULL stops capturing. */
void log__capture_libbpf(struct strbuf *sb);

void log__msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_err(...)   log__msg(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  log__msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log__msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log__msg(LOG_DEBUG, __VA_ARGS__)
#endif
