// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat --prometheus [ADDR:]PORT: what Prometheus needs to scrape a
 * host, and nothing more.  One client at a time, from the tool's own loop
 * (no thread): a request is read with a short deadline, answered with the
 * whole body and a Content-Length, and the connection closed (HTTP/1.0).
 * Loopback unless an address is given: the figures describe the host's
 * traffic.  And the text it serves: pktlife stat's histograms and
 * accounting (prom_metrics()).
 */
#define _GNU_SOURCE	/* accept4() */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "life_int.h"
#include "prom.h"

#define PROM_REQ_MAX		4096
#define PROM_REQ_TIMEOUT_MS	2000

int prom_listen(const char *spec, char *where, size_t len)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char addr[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
	const char *colon = strrchr(spec, ':'), *port_s = spec;
	int fd, one = 1, err;
	char *end;
	long port;

	if (colon) {
		size_t n = colon - spec;

		if (!n || n >= sizeof(addr))
			return -EINVAL;
		memcpy(addr, spec, n);
		addr[n] = 0;
		port_s = colon + 1;
		if (addr[0] == '[') {	/* [ADDR6] */
			if (addr[n - 1] != ']')
				return -EINVAL;
			memmove(addr, addr + 1, n - 2);
			addr[n - 2] = 0;
		}
	}
	errno = 0;
	port = strtol(port_s, &end, 10);
	if (errno || *end || end == port_s || port < 1 || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		snprintf(where, len, "http://%s:%ld/metrics", addr, port);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		snprintf(where, len, "http://[%s]:%ld/metrics", addr, port);
	} else {
		return -EINVAL;
	}

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET ?
		 sizeof(*s4) : sizeof(*s6)) ||
	    listen(fd, 8)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Everything of @buf to @fd, or give up. */
static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* Read the request head (up to the blank line) within the deadline. */
static int read_request(int fd, char *req, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < size - 1) {
		ssize_t n;

		if (poll(&p, 1, PROM_REQ_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, req + got, size - 1 - got, 0);
		if (n <= 0)
			return -EIO;
		got += n;
		req[got] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			return 0;
	}
	return -E2BIG;
}

void prom_serve(int lfd, void (*metrics)(FILE *f))
{
	char req[PROM_REQ_MAX], head[256];
	char *body = NULL;
	size_t blen = 0;
	FILE *f;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (read_request(fd, req, sizeof(req)))
		goto out_close;
	if (strncmp(req, "GET /metrics ", 13) && strncmp(req, "GET /metrics?", 13)) {
		static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
					 "Content-Length: 24\r\n\r\nnot found: try /metrics\n";

		send_all(fd, nf, sizeof(nf) - 1);
		goto out_close;
	}
	f = open_memstream(&body, &blen);
	if (!f)
		goto out_close;
	metrics(f);
	if (fclose(f))
		goto out_free;
	snprintf(head, sizeof(head),
		 "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		 "Content-Length: %zu\r\n\r\n", blen);
	send_all(fd, head, strlen(head));
	send_all(fd, body, blen);
out_free:
	free(body);
out_close:
	close(fd);
}

/* --- pktlife stat's metrics ------------------------------------------- */

/*
 * --prometheus: the histograms in the text exposition format, cumulative
 * buckets at powers of two from 1 us to 17 s (each bound a boundary of the
 * kernel histogram's slots, so the counts are exact), labelled by
 * direction, stage and interface; the journeys' fates as counters.
 */
#define PROM_LE_MIN_LOG	10
#define PROM_LE_MAX_LOG	34

struct life_bpf *prom_obj;

/* NAME{direction=..,stage=..,interface=..[,le=LE]} */
static void prom_series(FILE *f, const char *name, int dir, const char *stage,
			const char *le)
{
	fprintf(f, "%s{direction=\"%s\",stage=\"%s\",interface=", name,
		dir_name[dir], stage);
	json_str(f, env.ifname ?: "");
	if (le)
		fprintf(f, ",le=\"%s\"", le);
	fprintf(f, "}");
}

void prom_metrics(FILE *f)
{
	int dir, s, a, k;
	char le[24];

	if (read_hists(prom_obj) || read_acct(prom_obj))
		return;
	read_misses(prom_obj);
	fprintf(f, "# HELP pktlife_stage_seconds Time a wire frame spent in a stage, from the point before it to the point that ends it.\n"
		"# TYPE pktlife_stage_seconds histogram\n");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;

		for (s = first; s <= last + 1; s++) {
			int h = s <= last ? s : LIFE_HIST_TOTAL(dir);
			const struct life_hist *hi = &life.hist[h];
			const char *name = stage_label(h);
			__u64 cum = 0;
			__u32 slot = 0;

			if (!name)
				continue;

			for (k = PROM_LE_MIN_LOG; k <= PROM_LE_MAX_LOG; k++) {
				double bound = (double)(1ULL << k);
				double lo, hi_edge;

				for (; slot < LIFE_HIST_SLOTS; slot++) {
					slot_mid(slot, &lo, &hi_edge);
					if (hi_edge > bound)
						break;
					cum += hi->slots[slot];
				}
				snprintf(le, sizeof(le), "%.9g", bound / 1e9);
				prom_series(f, "pktlife_stage_seconds_bucket", dir,
					    name, le);
				fprintf(f, " %llu\n", (unsigned long long)cum);
			}
			prom_series(f, "pktlife_stage_seconds_bucket", dir, name, "+Inf");
			fprintf(f, " %llu\n", (unsigned long long)hi->count);
			prom_series(f, "pktlife_stage_seconds_sum", dir, name, NULL);
			fprintf(f, " %.9f\n", hi->sum / 1e9);
			prom_series(f, "pktlife_stage_seconds_count", dir, name, NULL);
			fprintf(f, " %llu\n", (unsigned long long)hi->count);
		}
	}
	for (a = 0; a < 2; a++) {
		fprintf(f, a ? "# HELP pktlife_stage_cut_frames_total Frames whose journey stopped after this stage: ended, dropped or lost there.\n"
			"# TYPE pktlife_stage_cut_frames_total counter\n" :
			"# HELP pktlife_stage_clamped_frames_total Frames whose stage ended before it began (stamps out of order), counted as 0 s.\n"
			"# TYPE pktlife_stage_clamped_frames_total counter\n");
		for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
			int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
			int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;

			for (s = first; s <= last + 1; s++) {
				int h = s <= last ? s : LIFE_HIST_TOTAL(dir);

				if (!stage_label(h))
					continue;
				prom_series(f, a ? "pktlife_stage_cut_frames_total" :
					    "pktlife_stage_clamped_frames_total",
					    dir, stage_label(h), NULL);
				fprintf(f, " %llu\n", (unsigned long long)
					(a ? life.hist[h].cut : life.hist[h].clamped));
			}
		}
	}
	fprintf(f, "# HELP pktlife_frames_total Wire frames by what happened to their journey (see pktlife stat --help).\n"
		"# TYPE pktlife_frames_total counter\n");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++)
		for (a = 0; a < LA_MAX; a++) {
			fprintf(f, "pktlife_frames_total{direction=\"%s\",fate=\"%s\",interface=",
				dir_name[dir], acct_name[a]);
			json_str(f, env.ifname ?: "");
			fprintf(f, "} %llu\n", (unsigned long long)life.acct[dir][a]);
		}
	fprintf(f, "# HELP pktlife_bpf_missed_total Runs of pktlife's programs the kernel skipped: a hook reached again while its program ran on that CPU.\n"
		"# TYPE pktlife_bpf_missed_total counter\n"
		"pktlife_bpf_missed_total{interface=");
	json_str(f, env.ifname ?: "");
	fprintf(f, "} %llu\n", (unsigned long long)life.prog_misses);
}
