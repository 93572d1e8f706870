#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/agent.h"
#include "core/config.h"

int cmd_agent(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde agent [OPTIONS]\n\n"
			       "Runs the collectors, serves Prometheus metrics and writes events.\n"
			       "SIGINT/SIGTERM stop it cleanly; SIGHUP reloads the config file.\n\n");
			opts__usage(config_opts, stdout);
			return 0;
		}
	}
	return agent__main(argc, argv);
}
