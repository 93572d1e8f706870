/* The long-running agent: collectors + HTTP endpoint + event sinks. */
#ifndef SONDE_AGENT_H
#define SONDE_AGENT_H
/* Runs until SIGINT/SIGTERM; SIGHUP reloads the config. Returns an exit code. */
int agent__main(int argc, char **argv);
#endif
