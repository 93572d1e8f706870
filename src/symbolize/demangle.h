/* SPDX-License-Identifier: Apache-2.0 */
/* C++ and Rust (legacy, Itanium-style) names made readable, through the
 * C++ runtime's own demangler, remembered so each name is demangled once. */
#ifndef SONDE_DEMANGLE_H
#define SONDE_DEMANGLE_H
#include <stddef.h>

struct demangler;

struct demangler *demangler__new(size_t max_entries);
void demangler__free(struct demangler *d);
/* name itself when it is not mangled (or cannot be demangled); else the
 * readable form, valid until the demangler is freed or cleared. */
const char *demangler__name(struct demangler *d, const char *name);
size_t demangler__bytes(const struct demangler *d);
#endif
