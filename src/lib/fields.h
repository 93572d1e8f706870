/* SPDX-License-Identifier: Apache-2.0 */
/* The field writer: how an event's fields leave its collector, whatever
 * the output. JSON lines are the first backend (lib/json.h:
 * json_fields__init); OTLP log attributes, the web page's live stream and
 * the tracing language's output are the next ones.
 *
 * Every value has a key, except inside an array (key NULL). Objects and
 * arrays nest; strings are bytes that need not be valid UTF-8 or free of
 * control characters: escaping them is the backend's job. */
#ifndef SONDE_LIB_FIELDS_H
#define SONDE_LIB_FIELDS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct field_writer;

struct field_writer_ops {
	void (*str)(struct field_writer *w, const char *key, const char *s, size_t n);
	void (*i64)(struct field_writer *w, const char *key, int64_t v);
	void (*u64)(struct field_writer *w, const char *key, uint64_t v);
	void (*dbl)(struct field_writer *w, const char *key, double v);
	void (*boolean)(struct field_writer *w, const char *key, bool v);
	void (*null)(struct field_writer *w, const char *key);
	void (*open)(struct field_writer *w, const char *key, bool array);
	void (*close)(struct field_writer *w, bool array);
};

struct field_writer {
	const struct field_writer_ops *ops;
};

/* s NULL writes null. */
static inline void fw__str(struct field_writer *w, const char *key, const char *s)
{
	if (s)
		w->ops->str(w, key, s, strlen(s));
	else
		w->ops->null(w, key);
}

static inline void fw__strn(struct field_writer *w, const char *key, const char *s, size_t n)
{
	w->ops->str(w, key, s, n);
}

static inline void fw__i64(struct field_writer *w, const char *key, int64_t v) { w->ops->i64(w, key, v); }
static inline void fw__u64(struct field_writer *w, const char *key, uint64_t v) { w->ops->u64(w, key, v); }
static inline void fw__double(struct field_writer *w, const char *key, double v) { w->ops->dbl(w, key, v); }
static inline void fw__bool(struct field_writer *w, const char *key, bool v) { w->ops->boolean(w, key, v); }
static inline void fw__null(struct field_writer *w, const char *key) { w->ops->null(w, key); }
static inline void fw__obj_begin(struct field_writer *w, const char *key) { w->ops->open(w, key, false); }
static inline void fw__obj_end(struct field_writer *w) { w->ops->close(w, false); }
static inline void fw__arr_begin(struct field_writer *w, const char *key) { w->ops->open(w, key, true); }
static inline void fw__arr_end(struct field_writer *w) { w->ops->close(w, true); }
#endif
