/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SONDE_CLI_H
#define SONDE_CLI_H
/* One entry per subcommand; argv[0] is the subcommand's name. */
int cmd_agent(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_syscalls(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_xdp(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_observe(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_enforce(int argc, char **argv);
int cmd_run(int argc, char **argv);
#endif
