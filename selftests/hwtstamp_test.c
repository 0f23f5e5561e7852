// SPDX-License-Identifier: GPL-2.0
/*
 * hwtstamp_test: hardware timestamps through the socket API, for
 * hwtstamp.sh.
 *
 *   hwtstamp_test set IFNAME on|off|ptp	SIOCSHWTSTAMP: TX on/off, RX all/none
 *					(ptp: TX on, RX PTPv2 events only);
 *					prints what the driver took
 *   hwtstamp_test get IFNAME		SIOCGHWTSTAMP
 *   hwtstamp_test send IP PORT N	N UDP datagrams, each with its hardware
 *					TX stamp from the error queue:
 *					"tx SEQ BEFORE HW AFTER" (ns; BEFORE
 *					and AFTER are CLOCK_MONOTONIC around it)
 *   hwtstamp_test recv PORT N		N datagrams: "rx SEQ HW SW" (ns; 0 if
 *					no such stamp)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* a wait, times PKTLIFE_TIME_SCALE on a slower (debug) kernel */
#define TIMEOUT_MS 5000

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_ns(&ts);
}

static int hwtstamp_ioctl(const char *ifname, unsigned long req,
			  struct hwtstamp_config *cfg)
{
	struct ifreq ifr;
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)cfg;
	err = ioctl(fd, req, &ifr);
	close(fd);
	return err;
}

/* The timestamps of a message: software ts[0], raw hardware ts[2]. */
static struct scm_timestamping *stamps(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPING)
			return (struct scm_timestamping *)CMSG_DATA(c);
	return NULL;
}

static int wait_in(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	const char *scale = getenv("PKTLIFE_TIME_SCALE");
	int n = scale ? atoi(scale) : 1;

	return poll(&p, 1, TIMEOUT_MS * (n > 0 ? n : 1));
}

static int do_send(const char *ip, int port, int n)
{
	int flags = SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
		    SOF_TIMESTAMPING_OPT_TSONLY;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	char ctrl[512], buf[64];
	int fd, seq;

	dst.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &dst.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)))
		die("SO_TIMESTAMPING");
	for (seq = 0; seq < n; seq++) {
		struct scm_timestamping *ts;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};
		uint64_t before, after;

		memset(buf, 0, sizeof(buf));
		snprintf(buf, sizeof(buf), "%d", seq);
		before = mono_ns();
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&dst,
			   sizeof(dst)) != sizeof(buf))
			die("sendto");
		/* the stamp comes on the error queue (POLLERR) */
		if (wait_in(fd, 0) <= 0) {
			fprintf(stderr, "datagram %d: no TX timestamp\n", seq);
			return 1;
		}
		if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
			die("recvmsg(MSG_ERRQUEUE)");
		after = mono_ns();
		ts = stamps(&msg);
		printf("tx %d %llu %llu %llu\n", seq, (unsigned long long)before,
		       ts ? (unsigned long long)ts_ns(&ts->ts[2]) : 0ULL,
		       (unsigned long long)after);
		/* one at a time: each stamp belongs to the datagram before it */
	}
	close(fd);
	return 0;
}

static int do_recv(int port, int n)
{
	int flags = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
		    SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	char ctrl[512], buf[64];
	int fd, i;

	addr.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)))
		die("SO_TIMESTAMPING");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind");
	for (i = 0; i < n; i++) {
		struct scm_timestamping *ts;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};

		if (wait_in(fd, POLLIN) <= 0) {
			fprintf(stderr, "datagram %d did not come\n", i);
			return 1;
		}
		if (recvmsg(fd, &msg, 0) < 0)
			die("recvmsg");
		buf[sizeof(buf) - 1] = 0;
		ts = stamps(&msg);
		printf("rx %s %llu %llu\n", buf,
		       ts ? (unsigned long long)ts_ns(&ts->ts[2]) : 0ULL,
		       ts ? (unsigned long long)ts_ns(&ts->ts[0]) : 0ULL);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct hwtstamp_config cfg = {};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "set")) {
		int on = !strcmp(argv[3], "on"), ptp = !strcmp(argv[3], "ptp");

		cfg.tx_type = on || ptp ? HWTSTAMP_TX_ON : HWTSTAMP_TX_OFF;
		cfg.rx_filter = on ? HWTSTAMP_FILTER_ALL :
			ptp ? HWTSTAMP_FILTER_PTP_V2_EVENT : HWTSTAMP_FILTER_NONE;
		if (hwtstamp_ioctl(argv[2], SIOCSHWTSTAMP, &cfg))
			die("SIOCSHWTSTAMP");
		printf("tx_type %d rx_filter %d\n", cfg.tx_type, cfg.rx_filter);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "get")) {
		if (hwtstamp_ioctl(argv[2], SIOCGHWTSTAMP, &cfg))
			die("SIOCGHWTSTAMP");
		printf("tx_type %d rx_filter %d\n", cfg.tx_type, cfg.rx_filter);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: see the top of hwtstamp_test.c\n");
	return 2;
}
