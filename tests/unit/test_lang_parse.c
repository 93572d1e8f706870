// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the tracing language's front end (src/lang: lexer,
 * parser, tree): bpftrace's classic one-liners and constructs asserted
 * through the tree's S-expression (format in src/lang/ast.h), refusals at
 * their exact line and column with the caret line, and every .bt tool
 * that Debian's bpftrace package installs. */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lang/parse.h"

static char dump[1 << 16];
static char err[1024];

/* Parses text from a buffer without a NUL (the parser must respect len). */
static int parse_n(const char *text, size_t n, struct lang_program **prog)
{
	char *buf = malloc(n ? n : 1);
	int ret;

	assert_non_null(buf);
	memcpy(buf, text, n);
	ret = lang__parse("t.bt", buf, n, prog, err, sizeof(err));
	if (!ret) {
		/* the tree keeps pointers into the arena, not the text */
		memset(buf, 'X', n);
		lang_program__dump(*prog, dump, sizeof(dump));
	}
	free(buf);
	return ret;
}

/* The program's S-expression, without the "(program " around it. */
static const char *sexp(const char *text)
{
	struct lang_program *prog;
	size_t n;

	if (parse_n(text, strlen(text), &prog))
		fail_msg("%s: %s", text, err);
	lang_program__free(prog);
	n = strlen(dump);
	assert_true(n > 10 && !strncmp(dump, "(program ", 9));
	dump[n - 1] = '\0';
	return dump + 9;
}

/* The block of the one probe "BEGIN { STMTS }". */
static const char *body(const char *stmts)
{
	static char text[4096];
	const char *s;
	size_t n;

	snprintf(text, sizeof(text), "BEGIN { %s }", stmts);
	s = sexp(text);
	assert_true(!strncmp(s, "(probe (BEGIN) (block", 21));
	n = strlen(s);
	dump[n + 9 - 2] = '\0'; /* the closing ")" of block and probe */
	return s[21] == ' ' ? s + 22 : s + 21;
}

#define assert_sexp(text, want)	 assert_string_equal(sexp(text), want)
#define assert_body(stmts, want) assert_string_equal(body(stmts), want)

static void assert_error(const char *text, const char *want)
{
	struct lang_program *prog = (void *)1;

	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_null(prog);
	assert_string_equal(err, want);
}

/* ---- programs ---- */

static void test_one_liners(void **state)
{
	assert_sexp("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }",
		    "(probe (tracepoint syscalls sys_enter_openat) "
		    "(block (= (map @ (builtin comm)) (call count))))");
	assert_sexp(
		"tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @bytes[comm] = sum(args->ret); }",
		"(probe (tracepoint syscalls sys_exit_read) (pred (> (-> (builtin args) ret) 0)) "
		"(block (= (map @bytes (builtin comm)) (call sum (-> (builtin args) ret)))))");
	assert_sexp("tracepoint:sched:sched_switch { @[args->prev_comm] = count(); }",
		    "(probe (tracepoint sched sched_switch) "
		    "(block (= (map @ (-> (builtin args) prev_comm)) (call count))))");
	assert_sexp(
		"tracepoint:syscalls:sys_enter_execve { printf(\"%s %s\\n\", comm, "
		"str(args->filename)); join(args->argv); }",
		"(probe (tracepoint syscalls sys_enter_execve) (block (call printf \"%s %s\\n\" "
		"(builtin comm) (call str (-> (builtin args) filename))) "
		"(call join (-> (builtin args) argv))))");
	assert_sexp(
		"tracepoint:syscalls:sys_enter_openat /strcontains(str(args->filename), \"etc\")/ "
		"{ printf(\"%s\\n\", str(args->filename)) }",
		"(probe (tracepoint syscalls sys_enter_openat) (pred (call strcontains "
		"(call str (-> (builtin args) filename)) \"etc\")) (block (call printf \"%s\\n\" "
		"(call str (-> (builtin args) filename)))))");
	assert_sexp("profile:hz:99 { @[kstack] = count(); }",
		    "(probe (profile hz 99) (block (= (map @ (builtin kstack)) (call count))))");
	assert_sexp("interval:s:1 { print(@); clear(@); }",
		    "(probe (interval s 1) (block (call print (map @)) (call clear (map @))))");
	assert_sexp("uretprobe:/bin/bash:readline { printf(\"%s\\n\", str(retval)); }",
		    "(probe (uretprobe /bin/bash readline) (block (call printf \"%s\\n\" "
		    "(call str (builtin retval)))))");
	assert_sexp(
		"uretprobe:libc:getaddrinfo { @[retval] = count() }",
		"(probe (uretprobe libc getaddrinfo) (block (= (map @ (builtin retval)) (call count))))");
	assert_sexp(
		"kretprobe:vfs_read { @bytes = hist(retval); @l = lhist(retval, 0, 100, 10) }",
		"(probe (kretprobe vfs_read) (block (= (map @bytes) (call hist (builtin retval))) "
		"(= (map @l) (call lhist (builtin retval) 0 100 10))))");
	assert_sexp("BEGIN { printf(\"hi\\n\"); } END { clear(@x); exit(); }",
		    "(probe (BEGIN) (block (call printf \"hi\\n\"))) "
		    "(probe (END) (block (call clear (map @x)) (call exit)))");
}

static void test_attach_points(void **state)
{
	assert_sexp("t:syscalls:sys_enter_exec*, tracepoint:syscalls:* , rt:sys_enter{}",
		    "(probe (tracepoint syscalls sys_enter_exec*) (tracepoint syscalls *) "
		    "(rawtracepoint sys_enter) (block))");
	assert_sexp(
		"k:vfs_read*,kr:lookup_fast.constprop.*,kprobe:mod:fn? {}",
		"(probe (kprobe vfs_read*) (kretprobe lookup_fast.constprop.*) (kprobe mod fn?) (block))");
	assert_sexp("u:/usr/lib/libc.so.6:malloc,ur:libc:free {}",
		    "(probe (uprobe /usr/lib/libc.so.6 malloc) (uretprobe libc free) (block))");
	assert_sexp(
		"usdt:/usr/bin/python3:python:function__entry, U:./a.out:probe {}",
		"(probe (usdt /usr/bin/python3 python function__entry) (usdt ./a.out probe) (block))");
	assert_sexp(
		"p:s:1,profile:ms:10,profile:us:500,i:ms:100,software:faults:100,"
		"hardware:cache-misses:1000000,s:cpu-clock {}",
		"(probe (profile s 1) (profile ms 10) (profile us 500) (interval ms 100) "
		"(software faults 100) (hardware cache-misses 1000000) (software cpu-clock) (block))");
	/* a '/' ends an attach point outside a uprobe's binary */
	assert_sexp("kprobe:f/pid/{}", "(probe (kprobe f) (pred (builtin pid)) (block))");
	assert_sexp("uprobe:/bin/sh:main/pid == 1/{}",
		    "(probe (uprobe /bin/sh main) (pred (== (builtin pid) 1)) (block))");
	assert_sexp("kprobe:f\n/args->count / 2 > 10/\n{ }",
		    "(probe (kprobe f) (pred (> (/ (-> (builtin args) count) 2) 10)) (block))");
	assert_sexp("kprobe:f /@start[tid] / 1000 / 10/ { }",
		    "(probe (kprobe f) (pred (/ (/ (map @start (builtin tid)) 1000) 10)) (block))");
	assert_sexp("BEGIN,END{}", "(probe (BEGIN) (END) (block))");
}

static void test_casts_and_fields(void **state)
{
	assert_body("$x = ((struct task_struct *)curtask)->se.cfs_rq;",
		    "(= $x (. (-> (cast \"struct task_struct *\" (builtin curtask)) se) cfs_rq))");
	assert_body("$s = (struct sock)*$p; $v = (void *)arg0; $c = (char **) arg1;",
		    "(= $s (cast \"struct sock\" (* $p))) (= $v (cast \"void *\" (builtin arg0))) "
		    "(= $c (cast \"char **\" (builtin arg1)))");
	assert_body(
		"$a = (uint64)args->rqtp->tv_nsec / 1e6; $b = (unsigned int)$x; $i = (int8)retval;",
		"(= $a (/ (cast \"uint64\" (-> (-> (builtin args) rqtp) tv_nsec)) 1000000)) "
		"(= $b (cast \"unsigned int\" $x)) (= $i (cast \"int8\" (builtin retval)))");
	/* a typedef name is a type only before '*'s and ')': (a * b) multiplies */
	assert_body("$p = (pid_t *)arg0; $m = (a * b);",
		    "(= $p (cast \"pid_t *\" (builtin arg0))) (= $m (* (builtin a) (builtin b)))");
	assert_body(
		"$x = args.field[3].next; @x = sizeof(struct sock); $o = offsetof(struct a, b);",
		"(= $x (. (index (. (builtin args) field) 3) next)) "
		"(= (map @x) (call sizeof (type \"struct sock\"))) "
		"(= $o (call offsetof (type \"struct a\") (builtin b)))");
	assert_body("$x = *$p; $y = &$z; $w = -$ret; $n = ~1; $b = !!$x; print($1 + $2, $#);",
		    "(= $x (* $p)) (= $y (& $z)) (= $w (- $ret)) (= $n (~ 1)) (= $b (! (! $x))) "
		    "(call print (+ (param 1) (param 2)) (param #))");
}

static void test_precedence(void **state)
{
	assert_body("$x = 1 + 2 * 3 == 7 && !0;", "(= $x (&& (== (+ 1 (* 2 3)) 7) (! 0)))");
	assert_body("$x = 1 - 2 - 3; $y = 8 / 4 / 2; $z = 1 << 2 + 1;",
		    "(= $x (- (- 1 2) 3)) (= $y (/ (/ 8 4) 2)) (= $z (<< 1 (+ 2 1)))");
	assert_body("$x = a | b ^ c & d; $y = a || b && c; $z = a < b == c > d;",
		    "(= $x (| (builtin a) (^ (builtin b) (& (builtin c) (builtin d))))) "
		    "(= $y (|| (builtin a) (&& (builtin b) (builtin c)))) "
		    "(= $z (== (< (builtin a) (builtin b)) (> (builtin c) (builtin d))))");
	assert_body("$x = a ? b : c ? d : e; $y = (a ? b : c) + 1;",
		    "(= $x (? (builtin a) (builtin b) (? (builtin c) (builtin d) (builtin e)))) "
		    "(= $y (+ (? (builtin a) (builtin b) (builtin c)) 1))");
	assert_body(
		"$x = -a * b; $y = a % b >= c; $z = a != b <= c;",
		"(= $x (* (- (builtin a)) (builtin b))) (= $y (>= (% (builtin a) (builtin b)) (builtin c))) "
		"(= $z (!= (builtin a) (<= (builtin b) (builtin c))))");
}

static void test_statements(void **state)
{
	assert_body("if ($x > 1) { @a = 1 } else if ($x) { @b = 2; } else { @c = 3 }",
		    "(if (> $x 1) (block (= (map @a) 1)) (if $x (block (= (map @b) 2)) "
		    "(block (= (map @c) 3))))");
	assert_body("if (1) {} $y = 2", "(if 1 (block)) (= $y 2)");
	assert_body(
		"unroll (5) { $i++; } while ($i < 10) { $i++; if ($i == 4) { continue } break; }",
		"(unroll 5 (block (post++ $i))) (while (< $i 10) (block (post++ $i) "
		"(if (== $i 4) (block (continue))) (break)))");
	assert_body(
		"$x += 1; $x -= 1; $x *= 2; $x /= 2; $x %= 3; $x &= 1; $x |= 1; $x ^= 1; "
		"$x <<= 1; $x >>= 1",
		"(+= $x 1) (-= $x 1) (*= $x 2) (/= $x 2) (%= $x 3) (&= $x 1) (|= $x 1) (^= $x 1) "
		"(<<= $x 1) (>>= $x 1)");
	assert_body("$x++; ++$x; $x--; --$x; @m[pid, tid]++; @n[1]--; @s[comm] = 1;;",
		    "(post++ $x) (pre++ $x) (post-- $x) (pre-- $x) (post++ (map @m (builtin pid) "
		    "(builtin tid))) (post-- (map @n 1)) (= (map @s (builtin comm)) 1)");
	assert_body(
		"delete(@m[k]); zero(@m); signal(\"KILL\"); return;",
		"(call delete (map @m (builtin k))) (call zero (map @m)) (call signal \"KILL\") (return)");
}

static void test_literals(void **state)
{
	assert_body("$a = 0x1F; $b = 017; $c = 0; $d = 18446744073709551615; $e = 1e6",
		    "(= $a 31) (= $b 15) (= $c 0) (= $d 18446744073709551615) (= $e 1000000)");
	assert_body("$s = \"a\\tb\\\\c\\\"d\\x41\\101\\0e\\n\"",
		    "(= $s \"a\\tb\\\\c\\\"dAA\\x00e\\n\")");
	/* comments of both kinds, anywhere */
	assert_sexp("// a probe\nBEGIN /* here */ { /* and\n here */ @x = 1; // done\n}",
		    "(probe (BEGIN) (block (= (map @x) 1)))");
	assert_sexp("#!/usr/bin/env bpftrace\nBEGIN {}", "(probe (BEGIN) (block))");
}

static void test_definitions(void **state)
{
	struct lang_program *prog;
	const char *text =
		"#include <linux/sched.h>\n#include \"my.h\"\n#ifndef X\n"
		"struct cfs_rq {\n\tstruct load_weight load;\n\tunsigned int nr_running;\n"
		"\tchar *name;\n};\n#endif\n"
		"union u { int a[4]; };\n"
		"kprobe:f { $q = (struct cfs_rq *)arg0; }";

	assert_string_equal(
		sexp(text),
		"(include <linux/sched.h>) (include \"my.h\") (directive \"#ifndef X\") "
		"(directive \"#endif\") "
		"(struct cfs_rq (field \"struct load_weight\" load) "
		"(field \"unsigned int\" nr_running) (field \"char *\" name)) (union u raw) "
		"(probe (kprobe f) (block (= $q (cast \"struct cfs_rq *\" (builtin arg0)))))");
	assert_int_equal(lang__parse("t.bt", text, strlen(text), &prog, err, sizeof(err)), 0);
	assert_int_equal(prog->nprobes, 1);
	assert_string_equal(prog->structs->name, "cfs_rq");
	assert_true(prog->structs->simple);
	assert_int_equal(prog->structs->body_len,
			 strlen("\n\tstruct load_weight load;\n"
				"\tunsigned int nr_running;\n\tchar *name;\n"));
	assert_false(prog->structs->next->simple);
	assert_string_equal(prog->probes->attach->raw, "kprobe:f");
	assert_int_equal(prog->probes->attach->loc.line, 11);
	assert_int_equal(prog->probes->body->kids->loc.line, 11);
	assert_int_equal(prog->probes->body->kids->loc.col, 15); /* its "=" */
	lang_program__free(prog);
}

/* ---- refusals ---- */

static void test_errors(void **state)
{
	assert_error(
		"tracepiont:syscalls:sys_enter_openat { }",
		"t.bt:1:1: error: unknown probe type 'tracepiont' (did you mean 'tracepoint'?)\n"
		"tracepiont:syscalls:sys_enter_openat { }\n"
		"^~~~~~~~~~");
	assert_error(
		"BEGIN { printf(\"x\"; }",
		"t.bt:1:19: error: expected ')' to close the call to printf opened at 1:15, found ';'\n"
		"BEGIN { printf(\"x\"; }\n"
		"                  ^");
	assert_error("BEGIN {\n\tprintf(\"x\n\");\n}", "t.bt:2:9: error: unterminated string\n"
						       "\tprintf(\"x\n"
						       "\t       ^");
	assert_error("BEGIN { @x = 1; } /* never", "t.bt:1:19: error: unterminated comment\n"
						   "BEGIN { @x = 1; } /* never\n"
						   "                  ^~");
	assert_error(
		"BEGIN {\n  @x = 1;\n",
		"t.bt:3:1: error: expected '}' to close the block opened at 1:7, found end of input\n"
		"\n"
		"^");
	assert_error("kprobe:f /pid == 1/ printf(\"x\");",
		     "t.bt:1:21: error: a predicate must be followed by a block, found 'printf'\n"
		     "kprobe:f /pid == 1/ printf(\"x\");\n"
		     "                    ^~~~~~");
	assert_error(
		"kprobe:f /pid == 1/",
		"t.bt:1:20: error: a predicate must be followed by a block, found end of input\n"
		"kprobe:f /pid == 1/\n"
		"                   ^");
	assert_error(
		"kprobe:f /pid == 1 { }",
		"t.bt:1:20: error: expected '/' to end the predicate opened at 1:10, found '{'\n"
		"kprobe:f /pid == 1 { }\n"
		"                   ^");
	assert_error("BEGIN { $x = 1 $y = 2 }",
		     "t.bt:1:16: error: expected ';' or '}' after the statement, found '$y'\n"
		     "BEGIN { $x = 1 $y = 2 }\n"
		     "               ^~");
	assert_error("BEGIN { 1 +; }", "t.bt:1:12: error: expected an expression, found ';'\n"
				       "BEGIN { 1 +; }\n"
				       "           ^");
	assert_error("tracepoint:sched { }",
		     "t.bt:1:1: error: 'tracepoint:sched' is not a valid tracepoint probe: "
		     "expected tracepoint:CATEGORY:EVENT\n"
		     "tracepoint:sched { }\n"
		     "^~~~~~~~~~~~~~~~");
	assert_error("profile:hz:fast { }",
		     "t.bt:1:1: error: 'profile:hz:fast' is not a valid profile probe: "
		     "expected profile:UNIT:N with UNIT hz, s, ms or us\n"
		     "profile:hz:fast { }\n"
		     "^~~~~~~~~~~~~~~");
	assert_error("BEGIN { break; }", "t.bt:1:9: error: 'break' outside of a while loop\n"
					 "BEGIN { break; }\n"
					 "        ^~~~~");
	assert_error("BEGIN { 1 = 2; }",
		     "t.bt:1:11: error: only a $variable or a @map can be assigned to\n"
		     "BEGIN { 1 = 2; }\n"
		     "          ^");
	assert_error("BEGIN { $x = 09; }", "t.bt:1:14: error: invalid digit in octal literal\n"
					   "BEGIN { $x = 09; }\n"
					   "             ^~");
	assert_error("BEGIN { $x = 99999999999999999999; }",
		     "t.bt:1:14: error: integer literal out of range\n"
		     "BEGIN { $x = 99999999999999999999; }\n"
		     "             ^~~~~~~~~~~~~~~~~~~~");
	assert_error("BEGIN { $s = \"a\\qb\"; }",
		     "t.bt:1:16: error: unknown escape sequence in string\n"
		     "BEGIN { $s = \"a\\qb\"; }\n"
		     "               ^~");
	assert_error("BEGIN { $x = (1 + 2; }",
		     "t.bt:1:20: error: expected ')' to close the '(' opened at 1:14, found ';'\n"
		     "BEGIN { $x = (1 + 2; }\n"
		     "                   ^");
	assert_error(
		"BEGIN { @m[1, 2 = 3; }",
		"t.bt:1:17: error: expected ',' or ']' in the keys of @m opened at 1:11, found '='\n"
		"BEGIN { @m[1, 2 = 3; }\n"
		"                ^");
	assert_error("BEGIN { if $x { } }",
		     "t.bt:1:12: error: expected '(' after 'if', found '$x'\n"
		     "BEGIN { if $x { } }\n"
		     "           ^~");
	assert_error("BEGIN { $x = a ? b; }",
		     "t.bt:1:19: error: expected ':' after the '?' at 1:16, found ';'\n"
		     "BEGIN { $x = a ? b; }\n"
		     "                  ^");
	assert_error("BEGIN { unroll (0) { } }",
		     "t.bt:1:17: error: expected an unroll count from 1 to 100, found '0'\n"
		     "BEGIN { unroll (0) { } }\n"
		     "                ^");
	assert_error(
		"BEGIN { } } ",
		"t.bt:1:11: error: expected a probe such as 'BEGIN' or 'tracepoint:CATEGORY:EVENT', "
		"found '}'\n"
		"BEGIN { } } \n"
		"          ^");
	assert_error("", "t.bt:1:1: error: expected a probe such as 'BEGIN' or "
			 "'tracepoint:CATEGORY:EVENT', found end of input\n\n^");
	assert_error(
		"kprobe:f",
		"t.bt:1:9: error: expected '{' to start the probe's block (or '/' for a predicate), "
		"found end of input\n"
		"kprobe:f\n"
		"        ^");
	assert_error("#include linux/sched.h\nBEGIN {}",
		     "t.bt:1:10: error: expected <FILE> or \"FILE\" after #include\n"
		     "#include linux/sched.h\n"
		     "         ^~~~~~~~~~~~~");
	assert_error(
		"struct foo { int a;\nBEGIN { }",
		"t.bt:2:10: error: expected '}' to close struct foo opened at 1:12, found end of input\n"
		"BEGIN { }\n"
		"         ^");
	assert_error(
		"BEGIN { $x = (struct task_struct *curtask; }",
		"t.bt:1:35: error: expected ')' to close the cast opened at 1:14, found 'curtask'\n"
		"BEGIN { $x = (struct task_struct *curtask; }\n"
		"                                  ^~~~~~~");
	assert_error("BEGIN { $x = args->; }",
		     "t.bt:1:20: error: expected a field name after '->', found ';'\n"
		     "BEGIN { $x = args->; }\n"
		     "                   ^");
	assert_error("BEGIN { $ = 1; }", "t.bt:1:9: error: expected a variable name after '$'\n"
					 "BEGIN { $ = 1; }\n"
					 "        ^");
}

static void test_bad_bytes(void **state)
{
	struct lang_program *prog;
	static const char nul[] = "BEGIN { @x = 1;\0 }";

	assert_error("BEGIN { \x80\xff }", "t.bt:1:9: error: unexpected byte (not ASCII)\n"
					   "BEGIN { ?? }\n"
					   "        ^");
	assert_error("BEGIN { @x = 1 ` }", "t.bt:1:16: error: unexpected character '`'\n"
					   "BEGIN { @x = 1 ` }\n"
					   "               ^");
	/* found by fuzzing: an include's name is shown verbatim in the dump */
	assert_error("#include <a\x01\"b>\nBEGIN {}",
		     "t.bt:1:12: error: invalid character in the #include file name\n"
		     "#include <a?\"b>\n"
		     "           ^");
	assert_int_equal(parse_n(nul, sizeof(nul) - 1, &prog), -EINVAL);
	assert_string_equal(err, "t.bt:1:16: error: unexpected NUL byte\n"
				 "BEGIN { @x = 1;? }\n"
				 "               ^");
	/* cut anywhere, a program is refused, never read past its end */
	{
		const char *full =
			"#include <a.h>\nstruct s { int a; };\nkprobe:f,uprobe:/bin/sh:main "
			"/pid == 1 && $1 > 2/ { @m[comm, \"x\\n\"] = hist((uint64)arg0 / 2); "
			"if ($x) { $y++ } else { unroll(2) { print(@m) } } }";
		size_t n = strlen(full);

		for (size_t i = 0; i < n; i++) {
			int ret = parse_n(full, i, &prog);

			if (!ret)
				fail_msg("a program cut at %zu parsed", i);
			assert_int_equal(ret, -EINVAL);
			assert_true(!strncmp(err, "t.bt:", 5));
		}
		assert_int_equal(parse_n(full, n, &prog), 0);
		lang_program__free(prog);
	}
}

static void test_limits(void **state)
{
	struct lang_program *prog;
	char *text = malloc(LANG_INPUT_MAX + 64);
	size_t n;

	assert_non_null(text);
	/* nesting: parentheses, unary operators, blocks, else-if chains */
	n = sprintf(text, "BEGIN { $x = ");
	for (int i = 0; i < 100; i++)
		text[n++] = '(';
	strcpy(text + n, "1");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "error: nested too deeply (the limit is 64 levels)"));
	n = sprintf(text, "BEGIN { $x = ");
	for (int i = 0; i < 5000; i++)
		text[n++] = '-';
	strcpy(text + n, "1; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "nested too deeply"));
	n = sprintf(text, "BEGIN { ");
	for (int i = 0; i < 100; i++)
		n += sprintf(text + n, "if (1) { ");
	assert_int_equal(parse_n(text, n, &prog), -EINVAL);
	assert_non_null(strstr(err, "nested too deeply"));
	n = sprintf(text, "BEGIN { if (1) {} ");
	for (int i = 0; i < 100; i++)
		n += sprintf(text + n, "else if (1) {} ");
	strcpy(text + n, "}");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "nested too deeply"));
	/* 60 levels pass */
	n = sprintf(text, "BEGIN { $x = ");
	for (int i = 0; i < 60; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < 60; i++)
		text[n++] = ')';
	strcpy(text + n, "; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), 0);
	lang_program__free(prog);
	/* a long left-associative chain is a loop, not recursion; but the
	 * tree it makes is walked recursively, so its depth is bounded */
	n = sprintf(text, "BEGIN { $x = 1");
	for (int i = 0; i < 200; i++)
		n += sprintf(text + n, " + 1");
	strcpy(text + n, "; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), 0);
	lang_program__free(prog);
	n = sprintf(text, "BEGIN { $x = 1");
	for (int i = 0; i < 20000; i++)
		n += sprintf(text + n, " + 1");
	strcpy(text + n, "; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "error: expression nested too deeply (more than 256 levels)"));
	/* names, strings, input, probes */
	n = sprintf(text, "BEGIN { $");
	memset(text + n, 'a', 300);
	strcpy(text + n + 300, " = 1; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "1:9: error: name longer than 255 bytes"));
	n = sprintf(text, "BEGIN { $s = \"");
	memset(text + n, 'a', 5000);
	strcpy(text + n + 5000, "\"; }");
	assert_int_equal(parse_n(text, strlen(text), &prog), -EINVAL);
	assert_non_null(strstr(err, "1:14: error: string literal longer than 4095 bytes"));
	memset(text, ' ', LANG_INPUT_MAX + 1);
	assert_int_equal(parse_n(text, LANG_INPUT_MAX + 1, &prog), -EINVAL);
	assert_non_null(
		strstr(err, "t.bt:1:1: error: program too large (more than 1048576 bytes)"));
	n = 0;
	for (int i = 0; i <= LANG_PROBES_MAX; i++)
		n += sprintf(text + n, "BEGIN{}");
	assert_int_equal(parse_n(text, n, &prog), -EINVAL);
	assert_non_null(strstr(err, "error: too many probes (the limit is 1024)"));
	free(text);
}

static void test_dump_cut(void **state)
{
	struct lang_program *prog;
	const char *text = "BEGIN { @x[\"\\x01\"] = 1 }";
	char small[16];
	size_t n;

	assert_int_equal(lang__parse("t.bt", text, strlen(text), &prog, err, sizeof(err)), 0);
	n = lang_program__dump(prog, small, sizeof(small));
	assert_int_equal(n, strlen("(program (probe (BEGIN) (block (= (map @x \"\\x01\") 1))))"));
	assert_string_equal(small, "(program (probe");
	assert_int_equal(lang_program__dump(prog, NULL, 0), n);
	lang_program__free(prog);
	/* a cut message stays a NUL-terminated prefix */
	assert_int_equal(lang__parse("t.bt", "BEGIN {", 7, &prog, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "t.bt:1:8: error");
	assert_int_equal(lang__parse("t.bt", "BEGIN {", 7, &prog, NULL, 0), -EINVAL);
}

/* ---- the tools Debian's bpftrace package installs ---- */

static void test_debian_tools(void **state)
{
	glob_t g;
	unsigned ok = 0, bad = 0;
	int r1 = glob("/usr/sbin/*.bt", 0, NULL, &g);
	int r2 = glob("/usr/share/bpftrace/tools/*.bt", r1 ? 0 : GLOB_APPEND, NULL, &g);

	if (r1 && r2) {
		printf("SKIP: no bpftrace tools (.bt) in /usr/sbin or /usr/share/bpftrace/tools "
		       "(apt-get install bpftrace)\n");
		skip();
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		static char buf[1 << 20];
		struct lang_program *prog;
		size_t n;

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (lang__parse(g.gl_pathv[i], buf, n, &prog, err, sizeof(err))) {
			printf("FAIL: %s\n", err);
			bad++;
			continue;
		}
		assert_true(prog->nprobes >= 1);
		assert_true(lang_program__dump(prog, dump, sizeof(dump)) < sizeof(dump));
		lang_program__free(prog);
		ok++;
	}
	printf("bpftrace tools: %u of %zu parse\n", ok, g.gl_pathc);
	globfree(&g);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_liners),	 cmocka_unit_test(test_attach_points),
		cmocka_unit_test(test_casts_and_fields), cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_statements),	 cmocka_unit_test(test_literals),
		cmocka_unit_test(test_definitions),	 cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_bytes),	 cmocka_unit_test(test_limits),
		cmocka_unit_test(test_dump_cut),	 cmocka_unit_test(test_debian_tools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
