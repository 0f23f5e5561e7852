// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat --prometheus [ADDR:]PORT: what Prometheus needs to scrape a
 * host, and nothing more.  One client at a time, from the tool's own loop
 * (no thread): a request is read with a short deadline, answered with the
 * whole body and a Content-Length, and the connection closed (HTTP/1.0).
 * Loopback unless an address is given: the figures describe the host's
 * traffic.
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
