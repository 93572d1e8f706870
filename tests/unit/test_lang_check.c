// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the tracing language's type checker (src/lang/check*.c)
 * against a fake kernel (lang_env_fake.h: real tracefs formats, no
 * kprobes): bpftrace's classic one-liners check clean with the types the
 * code generator needs, and refusals say what is wrong at line:col. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lang/parse.h"
#include "lang/check.h"
#include "lang_env_fake.h"

static char dump[1 << 16];
static char err[2048];

/* Parses and checks text; the program (typed dump in dump) or NULL. */
static struct lang_program *check_env(const char *text, const struct lang_env *env, int *ret)
{
	struct lang_program *prog;

	*ret = lang__parse("t.bt", text, strlen(text), &prog, err, sizeof(err));
	if (*ret)
		return NULL;
	*ret = lang__check(prog, env, text, strlen(text), err, sizeof(err));
	if (*ret) {
		lang_program__free(prog);
		return NULL;
	}
	lang_program__dump_typed(prog, dump, sizeof(dump));
	return prog;
}

static struct lang_program *ok(const char *text)
{
	struct lang_env env;
	struct lang_program *prog;
	int ret;

	fake_env(&env);
	prog = check_env(text, &env, &ret);
	if (!prog)
		fail_msg("%s: %s", text, err);
	return prog;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not in '%s'", needle, hay);
}

static const char *tname(const struct lang_type *t)
{
	static char b[128];

	lang_type__name(t, b, sizeof(b));
	return b;
}

/* The first field access node named name in the tree under n. */
static const struct lang_node *find_field(const struct lang_node *n, const char *name)
{
	const struct lang_node *r;

	if (!n)
		return NULL;
	if (n->kind == LANG_FIELD && !strcmp(n->name, name))
		return n;
	if ((r = find_field(n->a, name)) || (r = find_field(n->b, name)) || (r = find_field(n->c, name)))
		return r;
	for (const struct lang_node *k = n->kids; k; k = k->next)
		if ((r = find_field(k, name)))
			return r;
	return NULL;
}

static void test_openat_by_comm(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }");

	assert_has(dump, "(= (map @ (builtin comm):string[16]):agg (call count):agg)");
	assert_int_equal(p->nmaps, 1);
	assert_string_equal(p->maps->name, "@");
	assert_int_equal(p->maps->kind, LANG_MV_COUNT);
	assert_int_equal(p->maps->nkeys, 1);
	assert_string_equal(tname(&p->maps->keys[0]), "string[16]");
	assert_int_equal(p->probes->attach->ntps, 1);
	assert_int_equal(p->probes->attach->tps->fmt->id, 782);
	lang_program__free(p);
}

static void test_bytes_read(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_exit_read /args->ret > 0/ "
				    "{ @bytes[comm] = sum(args->ret); }");
	const struct lang_node *ret = find_field(p->probes->pred, "ret");

	assert_has(dump, "(pred (> (-> (builtin args):record ret):int64 0:int64):uint64)");
	assert_non_null(ret);
	assert_int_equal(ret->field_off, 16);
	assert_int_equal(ret->field_size, 8);
	assert_int_equal(p->maps->kind, LANG_MV_SUM);
	lang_program__free(p);
}

static void test_sched_switch(void **state)
{
	struct lang_program *p = ok("tracepoint:sched:sched_switch { @[args->prev_comm] = count(); }");
	const struct lang_node *f = find_field(p->probes->body, "prev_comm");

	assert_int_equal(f->field_off, 8);
	assert_int_equal(f->field_size, 16);
	assert_string_equal(tname(&f->type), "string[16]");
	assert_string_equal(tname(&p->maps->keys[0]), "string[16]");
	lang_program__free(p);
}

static void test_exec(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_enter_execve "
				    "{ printf(\"%s \", str(args->filename)); join(args->argv); }");

	assert_has(dump, "(call str (-> (builtin args):record filename):uptr(const char)):ustring[64]");
	assert_has(dump, "(call join (-> (builtin args):record argv):uptr(const char *const))");
	assert_int_equal(find_field(p->probes->body, "argv")->field_off, 24);
	lang_program__free(p);
	p = ok("tracepoint:sched:sched_process_exec { printf(\"%s %d\\n\", args->filename, args->pid); }");
	assert_true(find_field(p->probes->body, "filename")->data_loc);
	assert_has(dump, "(-> (builtin args):record pid):int32");
	lang_program__free(p);
}

static void test_filter_and_sampling(void **state)
{
	struct lang_program *p =
		ok("tracepoint:syscalls:sys_enter_openat /strcontains(str(args->filename), \"/etc\")/ "
		   "{ printf(\"%s %s\\n\", comm, str(args->filename)); }");

	assert_has(dump, "(pred (call strcontains (call str (-> (builtin args):record filename):uptr(const char)):ustring[64] \"/etc\":string[5]):uint64)");
	lang_program__free(p);
	p = ok("profile:hz:99 { @[kstack] = count(); }");
	assert_string_equal(tname(&p->maps->keys[0]), "kstack(127)");
	lang_program__free(p);
	p = ok("profile:hz:99 /pid == 1/ { @[kstack(8), ustack] = count(); }");
	assert_string_equal(tname(&p->maps->keys[0]), "kstack(8)");
	assert_string_equal(tname(&p->maps->keys[1]), "ustack(127)");
	lang_program__free(p);
}

static void test_interval_and_uretprobe(void **state)
{
	/* a probe may print a map that a later probe assigns */
	struct lang_program *p = ok("interval:s:1 { print(@c); clear(@c); } "
				    "tracepoint:syscalls:sys_enter_read { @c = count(); }");

	assert_int_equal(p->maps->kind, LANG_MV_COUNT);
	assert_int_equal(p->maps->nkeys, 0);
	lang_program__free(p);
	p = ok("uretprobe:/lib/x86_64-linux-gnu/libc.so.6:readline "
	       "{ printf(\"%d %s\\n\", pid, str(retval)); }");
	assert_has(dump, "(call str (builtin retval):int64):ustring[64]");
	lang_program__free(p);
}

static void test_hists(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_exit_read "
				    "{ @h = hist(args->ret); @l[comm] = lhist(args->ret, -10, 1000, 10); }");
	const struct lang_map *l = p->maps->next;

	assert_int_equal(p->maps->kind, LANG_MV_HIST);
	assert_int_equal(l->kind, LANG_MV_LHIST);
	assert_int_equal(l->lhist_min, -10);
	assert_int_equal(l->lhist_max, 1000);
	assert_int_equal(l->lhist_step, 10);
	lang_program__free(p);
}

static void test_wildcards(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_enter_open* { @[probe] = count(); "
				    "printf(\"%s\\n\", str(args->filename)); }");
	const struct lang_tp_ref *r = p->probes->attach->tps;
	const struct lang_node *f = find_field(p->probes->body, "filename");

	assert_int_equal(p->probes->attach->ntps, 2);
	assert_string_equal(r->name, "sys_enter_openat");
	assert_string_equal(r->next->name, "sys_enter_openat2");
	/* the longest probe name, NUL included */
	assert_string_equal(tname(&p->maps->keys[0]), "string[38]");
	assert_int_equal(f->field_off, 24);
	lang_program__free(p);
	/* a field at different offsets: the generator reads each format */
	p = ok("tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_execve "
	       "{ @[str(args->filename)] = count(); }");
	assert_int_equal(find_field(p->probes->body, "filename")->field_off, LANG_FIELD_VARIES);
	lang_program__free(p);
}

static void test_vars_and_exprs(void **state)
{
	struct lang_program *p = ok("tracepoint:syscalls:sys_enter_read { $n = args->count; $s = comm; "
				    "if ($n > 100 && $s == \"bash\") { @big[$s] = $n; } "
				    "$p = args->buf + 8; @t = $n > 5 ? 1 : 2; @x++; @y += 2; "
				    "unroll(3) { $n = $n / 2; } while ($n > 1) { $n--; } "
				    "printf(\"%s %d %p %x %-8s %5.2d %lu %%\\n\", $s, $n, $p, $p, comm, 1, $n); }");

	assert_int_equal(p->probes->nvars, 3);
	assert_string_equal(tname(&p->probes->vars->type), "uint64");
	assert_string_equal(tname(&p->probes->vars->next->type), "string[16]");
	assert_string_equal(tname(&p->probes->vars->next->next->type), "uptr(char)");
	assert_has(dump, "(map @big $s:string[16]):uint64");
	lang_program__free(p);
	p = ok("BEGIN { printf(\"%s %s %s\\n\", ksym(0), usym(0), strftime(\"%H\", nsecs)); "
	       "@s[1] = \"a\"; @s[2] = \"bcd\"; delete(@s[1]); print(@s, 10); zero(@s); "
	       "$z = sizeof(u32) + sizeof(comm); exit(); } END { clear(@s); signal(\"SIGKILL\"); }");
	assert_string_equal(tname(&p->maps->value), "string[4]");
	lang_program__free(p);
}

static const struct {
	const char *text, *err;
} refusals[] = {
	{ "tracepoint:syscalls:sys_enter_opnat { @ = count(); }",
	  "t.bt:1:1: error: tracepoint syscalls:sys_enter_opnat does not exist (did you mean syscalls:sys_enter_openat?)" },
	{ "tracepoint:sched:sched_switch { @[args->prev_com] = count(); }",
	  "t.bt:1:39: error: tracepoint sched:sched_switch has no field 'prev_com' (did you mean 'prev_comm'?)" },
	{ "tracepoint:syscalls:sys_enter_read { printf(\"%d\\n\", retval); }",
	  "t.bt:1:53: error: retval is only available in kretprobe and uretprobe probes; this is tracepoint:syscalls:sys_enter_read (for a tracepoint's return value use sys_exit_read's args->ret)" },
	{ "kprobe:do_sys_openat2 { @ = count(); }",
	  "t.bt:1:1: error: kprobe:do_sys_openat2 needs kprobes, which this kernel does not offer; tracepoint:syscalls:sys_enter_openat and tracepoint:syscalls:sys_exit_openat cover the same event" },
	{ "kretprobe:vfs_read { @ = count(); }",
	  "t.bt:1:1: error: kretprobe:vfs_read needs kprobes, which this kernel does not offer; tracepoint:syscalls:sys_enter_read and tracepoint:syscalls:sys_exit_read cover the same event" },
	{ "tracepoint:syscalls:sys_enter_read { @x = count(); printf(\"%d\\n\", @x); }",
	  "t.bt:1:67: error: @x is a count() (at 1:43): an aggregation is not a value; print(@x) shows it" },
	{ "tracepoint:syscalls:sys_enter_read { @x[pid] = 1; @x[pid, tid] = 2; }",
	  "t.bt:1:51: error: @x is used with 2 keys here but with 1 at 1:38; a map has one key signature" },
	{ "tracepoint:syscalls:sys_enter_read { printf(\"%d\\n\", $x); $x = 1; }",
	  "t.bt:1:53: error: $x is read before it is assigned (variables belong to one probe; use a @map to share a value)" },
	{ "BEGIN { printf(\"%d %d\\n\", 1); }",
	  "t.bt:1:16: error: printf: the format has 2 conversions but 1 argument follows" },
	{ "BEGIN { printf(\"%d\\n\", 1, 2); }",
	  "t.bt:1:27: error: printf: the format has 1 conversion but 2 arguments follow" },
	{ "BEGIN { printf(\"%s\\n\", pid); }",
	  "t.bt:1:24: error: printf: %s expects a string, but argument 1 is an integer" },
	{ "tracepoint:syscalls:sys_exit_read { $n = 10; @ = lhist(args->ret, 0, $n, 1); }",
	  "t.bt:1:70: error: lhist: argument 3 must be an integer constant" },
	{ "tracepoint:syscalls:sys_exit_read { @ = lhist(args->ret, 10, 10, 1); }",
	  "t.bt:1:62: error: lhist: max (10) must be above min (10)" },
	{ "BEGIN { @ = str(comm); }",
	  "t.bt:1:17: error: str: argument 1 is already a string; str() reads one from a pointer" },
	{ "BEGIN { system(\"ls\"); }",
	  "t.bt:1:9: error: system() runs commands: it needs --unsafe" },
	{ "tracepoint:syscalls:sys_enter_nothing* { @ = count(); }",
	  "t.bt:1:1: error: tracepoint:syscalls:sys_enter_nothing* matches no tracepoint" },
	{ "tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_read { @[args->filename] = count(); }",
	  "t.bt:1:82: error: tracepoint syscalls:sys_enter_read has no field 'filename': args fields must exist in every tracepoint of the probe" },
	{ "BEGIN { unroll(0) { printf(\"x\"); } }",
	  "t.bt:1:16: error: expected an unroll count from 1 to 100, found '0'" },
	{ "BEGIN { @x = 1; @x = \"a\"; }",
	  "t.bt:1:17: error: @x was an integer at 1:9; it cannot also be a string" },
	{ "BEGIN { @x = count(); @x = 1; }",
	  "t.bt:1:23: error: @x was a count() at 1:14; it cannot also be an integer" },
	{ "BEGIN { $x = 1; $x = \"str\"; }",
	  "t.bt:1:22: error: $x is an integer (assigned at 1:9); it cannot be assigned a string" },
	{ "BEGIN { @ = kstack; }",
	  "t.bt:1:13: error: kstack is not available in BEGIN and END probes" },
	{ "BEGIN { printf(\"%d\\n\", pidd); }",
	  "t.bt:1:24: error: unknown identifier 'pidd' (did you mean 'pid'?)" },
	{ "BEGIN { prinft(\"x\"); }",
	  "t.bt:1:9: error: unknown function 'prinft' (did you mean 'print'?)" },
	{ "tracepoint:syscalls:sys_enter_read /comm/ { }",
	  "t.bt:1:37: error: the predicate must be an integer expression, not a string (compare it: comm == \"bash\")" },
	{ "BEGIN { if (\"a\") { } }",
	  "t.bt:1:13: error: an if condition must be an integer expression, not a string (compare it: comm == \"bash\")" },
	{ "BEGIN { $x = comm < \"a\"; }",
	  "t.bt:1:19: error: strings compare with == and != only, not '<'" },
	{ "BEGIN { $x = curtask->pid; }",
	  "t.bt:1:21: error: reading struct task_struct's field 'pid' needs BTF, which is not available here; tracepoint fields (args->NAME) need none" },
	{ "BEGIN { $x = count(); }",
	  "t.bt:1:14: error: count() can only be assigned to a map (@m = count(...))" },
	{ "BEGIN { @ = hist(\"a\"); }",
	  "t.bt:1:18: error: hist: argument 1 must be an integer, not a string" },
	{ "BEGIN { $s = str(1, 500); }",
	  "t.bt:1:21: error: str: length must be from 1 to 200" },
	{ "BEGIN { printf(\"%f\\n\", 1); }",
	  "t.bt:1:16: error: printf: invalid conversion '%f' in the format (use %% for a '%')" },
	{ "tracepoint:sched:sched_switch { printf(\"%d\\n\", arg0); }",
	  "t.bt:1:48: error: arg0 is only available in kprobe, uprobe, rawtracepoint and usdt probes; this is tracepoint:sched:sched_switch" },
	{ "tracepoint:syskalls:sys_enter_read { }",
	  "t.bt:1:1: error: tracepoint category 'syskalls' does not exist (did you mean 'syscalls'?)" },
	{ "BEGIN { print(@nope); }",
	  "t.bt:1:15: error: @nope is never assigned a value" },
	{ "BEGIN { $x = (struct foo *)0; }",
	  "t.bt:1:14: error: unknown type 'struct foo': define it in the script, or use a kernel with BTF" },
	{ "BEGIN { @ = lhist(1, 0, 100000, 1); }",
	  "t.bt:1:13: error: lhist: (max - min) / step is 100000 buckets; the limit is 1000" },
	{ "BEGIN { $x = 1; $x->y = 1; }",
	  "t.bt:1:23: error: only a $variable or a @map can be assigned to" },
	{ "BEGIN { @ = 1 + \"a\"; }",
	  "t.bt:1:15: error: '+' needs integers, not a string" },
	{ "BEGIN { $x = pid ? 1 : \"a\"; }",
	  "t.bt:1:18: error: the branches of '?:' must have one type: an integer and a string" },
	{ "BEGIN { join(pid); }",
	  "t.bt:1:14: error: join: argument 1 must be a pointer to an array of strings, not an integer" },
	{ "BEGIN { $x = printf(\"a\"); }",
	  "t.bt:1:14: error: printf() has no value: it is a statement of its own" },
	{ "BEGIN { @x++; @x = \"s\"; }",
	  "t.bt:1:15: error: @x was an integer at 1:9; it cannot also be a string" },
	{ "BEGIN { signal(\"SIGFOO\"); }",
	  "t.bt:1:16: error: signal: unknown signal \"SIGFOO\"" },
	{ "BEGIN { @m[1] = 1; @m[\"a\"] = 2; }",
	  "t.bt:1:23: error: key 1 of @m is a string here but an integer at 1:9" },
};

static void test_refusals(void **state)
{
	struct lang_env env;

	fake_env(&env);
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		int ret;
		struct lang_program *p = check_env(refusals[i].text, &env, &ret);
		char *nl;

		if (p)
			fail_msg("accepted: %s", refusals[i].text);
		assert_int_equal(ret, -EINVAL);
		nl = strchr(err, '\n');
		if (nl)
			*nl = '\0';
		if (strcmp(err, refusals[i].err))
			fail_msg("%s\n got: %s\nwant: %s", refusals[i].text, err, refusals[i].err);
	}
}

static void test_caret_and_features(void **state)
{
	struct lang_env env;
	int ret;

	fake_env(&env);
	assert_null(check_env("BEGIN {\n  @x = count();\n  $y = @x + 1;\n}", &env, &ret));
	assert_string_equal(err, "t.bt:3:8: error: @x is a count() (at 2:8): an aggregation is not a "
				 "value; print(@x) shows it\n  $y = @x + 1;\n       ^~");
	env.unsafe = true;
	lang_program__free(check_env("BEGIN { system(\"echo %d\", pid); }", &env, &ret));
	assert_int_equal(ret, 0);
	env.has_kprobe = true;
	lang_program__free(check_env("kprobe:vfs_read { @[func] = count(); printf(\"%d\\n\", arg1); }",
				     &env, &ret));
	assert_int_equal(ret, 0);
	assert_has(dump, "(builtin func):ksym");
	env.has_perf_event = false;
	assert_null(check_env("profile:hz:99 { }", &env, &ret));
	assert_string_equal(err, "t.bt:1:1: error: profile:hz:99 needs perf events, which this kernel "
				 "does not offer\nprofile:hz:99 { }\n^~~~~~~~~~~~~");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat_by_comm), cmocka_unit_test(test_bytes_read),
		cmocka_unit_test(test_sched_switch),   cmocka_unit_test(test_exec),
		cmocka_unit_test(test_filter_and_sampling), cmocka_unit_test(test_interval_and_uretprobe),
		cmocka_unit_test(test_hists),	       cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_vars_and_exprs), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_caret_and_features),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
