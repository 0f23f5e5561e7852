/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife stat --prometheus [ADDR:]PORT: a minimal HTTP/1.0 server for
 * Prometheus to scrape (GET /metrics, text exposition format 0.0.4).
 */
#ifndef __PKTLIFE_PROM_H
#define __PKTLIFE_PROM_H

#include <stdio.h>

/*
 * prom_listen() - listen on @spec: "PORT" (127.0.0.1), "ADDR:PORT" or
 * "[ADDR6]:PORT"; @where gets "http://ADDR:PORT/metrics".
 *
 * Return: the listening socket, or a negative errno (-EINVAL: bad @spec).
 */
int prom_listen(const char *spec, char *where, size_t len);

/*
 * prom_serve() - answer one client of @lfd, if one is waiting: GET
 * /metrics with what @metrics writes, anything else with 404.
 */
void prom_serve(int lfd, void (*metrics)(FILE *f));

#endif /* __PKTLIFE_PROM_H */
