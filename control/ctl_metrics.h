/* SPDX-License-Identifier: MIT */
/*
 * Prometheus metrics: every counter (bf_counters.def) under a Prometheus name,
 * the gauges (TFTP sessions, leases, configuration generation, workers) and
 * the boot stage histograms, in the text exposition format 0.0.4, served by a
 * small libmicrohttpd endpoint (GET /metrics) for the scraper. Read-only: the
 * values are single-writer 64-bit words read whole, as telemetry does.
 */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stddef.h>

struct ctl;
struct ctl_conf_control;

/*
 * Render the exposition into buf (cap bytes, NUL-terminated when cap > 0).
 * Returns the length of the whole text, as snprintf: a result >= cap means
 * it was cut short and needs result + 1 bytes. Any thread registered with
 * urcu-qsbr and online (it reads the snapshot's generation under RCU).
 */
size_t ctl_metrics_render(const struct ctl *c, char *buf, size_t cap);

/*
 * Start the endpoint on cc->metrics_family/metrics_addr/metrics_port (when
 * cc->metrics is set; otherwise nothing is started): GET or HEAD /metrics,
 * 404 for any other path, 405 for any other method. Its libmicrohttpd thread
 * runs on the EAL's control CPUs; call after rte_eal_init with c fully set up
 * (workers, leases). cc is read now only. Returns 0, or -1 with a message
 * naming the address in err (nothing is left running then).
 */
int ctl_metrics_start(const struct ctl *c, const struct ctl_conf_control *cc, char *err,
		      size_t errlen);

/* Stop the endpoint (before the workers, leases or snapshot are freed). Does
 * nothing when it is not running. */
void ctl_metrics_stop(void);

#endif
