// SPDX-License-Identifier: Apache-2.0
// sonde-spin-cpp SECONDS: a C++ workload for the profiler's demangling:
// all its time in sonde_test::Spinner<int>::spin(long), prints "ready".
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace sonde_test {
static long now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

template <typename T> struct Spinner {
	volatile T sink = 0;
	__attribute__((noinline)) void spin(long ns)
	{
		long end = now_ns() + ns;
		do
			for (int i = 0; i < 200000; i++)
				sink = sink + 1;
		while (now_ns() < end);
	}
};
} // namespace sonde_test

int main(int argc, char **argv)
{
	sonde_test::Spinner<int> s;
	std::printf("ready\n");
	std::fflush(stdout);
	s.spin((long)(std::atof(argc > 1 ? argv[1] : "5") * 1e9));
	return 0;
}
