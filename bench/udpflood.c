// SPDX-License-Identifier: Apache-2.0
/* udpflood SRC DST PORT SECONDS: 64-byte UDP datagrams from SRC as fast as
 * sendmmsg goes, for the XDP drop-rate benchmark; prints the count sent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

int main(int argc, char **argv)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	struct mmsghdr m[BURST] = {};
	struct iovec iov = { (char[64]){ 0 }, 64 };
	struct timespec t0, t;
	unsigned long long sent = 0;
	int fd;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: udpflood SRC DST PORT SECONDS\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[3]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("udpflood");
		return 1;
	}
	for (int i = 0; i < BURST; i++) {
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int n = sendmmsg(fd, m, BURST, 0);

		if (n > 0)
			sent += n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 < atof(argv[4]));
	printf("%llu\n", sent);
	return 0;
}
