/*
 * The floor under checker-scale.py: the least a process can do to probe
 * N loopback servers every `inter` with a TCP connect, so that the
 * checker's CPU can be read against what the kernel alone costs.
 *
 *   checker-floor <servers> <port-base> <inter-ms> <seconds>
 *
 * Every 10 ms it probes the servers that are due, one after another on a
 * single reused socket: TCP_QUICKACK off, connect, a second connect that
 * sees the handshake done (on loopback the kernel runs both ends of it
 * inside the first), connect(AF_UNSPEC) to reset. No event loop, no
 * timers, no state. It prints its CPU use and how many probes failed.
 * Loopback only (127.0.0.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int probe(int fd, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int off = 0, ok;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		ok = 1;
	else
		ok = errno == EINPROGRESS &&
		     (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno == EISCONN);
	connect(fd, &unspec, sizeof(unspec));
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: checker-floor servers port-base inter-ms seconds\n");
		return 2;
	}
	int n = atoi(argv[1]), base = atoi(argv[2]), inter = atoi(argv[3]);
	double secs = atof(argv[4]);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || n <= 0 || inter <= 0)
		return 1;
	long probes = 0, failed = 0;
	double t0 = now(), next = t0;
	int i = 0;
	while (now() - t0 < secs) {
		/* the probes due by now: n per inter, spread evenly */
		long due = (long)((now() - t0) * 1000.0 * n / inter);
		for (; probes < due; probes++, i = (i + 1) % n)
			failed += !probe(fd, base + i);
		next += 0.010;
		double w = next - now();
		if (w > 0)
			usleep((useconds_t)(w * 1e6));
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		     ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("floor: %ld probes in %.1fs, %ld failed, CPU %.2f%% of one core "
	       "(user %.2f%%), %.1f us per probe\n",
	       probes, now() - t0, failed, cpu / (now() - t0) * 100,
	       (ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6) / (now() - t0) * 100,
	       cpu / probes * 1e6);
	return 0;
}
