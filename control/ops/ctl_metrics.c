/* SPDX-License-Identifier: MIT */
/*
 * Prometheus metrics, text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * Names: counters whose names have structure share one labelled family
 * (drop_X -> bootfarm_drops_total{reason="X"}, the DHCP message types, TFTP
 * refusals and transfer results, HTTP statuses); the rest are
 * bootfarm_<name>_total with the help text of bf_counters.def. A counter
 * added to the .def list appears by itself; ctl_metrics_start refuses to run
 * if that makes a name collide, so a scrape never sees a family twice.
 *
 * Threads: the endpoint is libmicrohttpd with its own polling thread (low
 * rate: one scrape every few seconds). Values are single-writer 64-bit words
 * read whole; the snapshot's generation is read under RCU, the thread being
 * a urcu-qsbr reader for the length of one render only.
 */
#include "control/ops/ctl_ops.h"
#include "control/leases/ctl_leases.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <rte_lcore.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"

#define PREFIX "bootfarm_"
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define MAX_CONNECTIONS 32
#define IDLE_TIMEOUT_S 30

/* ----------------------------------------------------------- the names -- */

/* Labelled counter families: one HELP/TYPE, one sample per member counter. */
enum fam {
	F_NONE = -1,
	F_DROPS,
	F_IGNORED,
	F_DHCP4_MSG,
	F_DHCP6_MSG,
	F_TFTP_REFUSED,
	F_TFTP_SENT,
	F_TFTP_ENDED,
	F_HTTP_STATUS,
	F__COUNT
};

static const struct family {
	const char *name, *label, *help;
} families[F__COUNT] = {
    [F_DROPS] = {PREFIX "drops_total", "reason",
		 "Frames or messages discarded without an answer, by reason"},
    [F_IGNORED] = {PREFIX "ignored_total", "reason",
		   "Frames the data path does not serve (not an error), by reason"},
    [F_DHCP4_MSG] = {PREFIX "dhcp4_messages_total", "type",
		     "DHCPv4 messages handled (discover, request, release, decline, inform) "
		     "or sent (offer, ack, nak, proxy_offer, boot_ack), by type"},
    [F_DHCP6_MSG] = {PREFIX "dhcp6_messages_total", "type", "DHCPv6 messages sent, by type"},
    [F_TFTP_REFUSED] = {PREFIX "tftp_requests_refused_total", "reason",
			"TFTP requests refused, by reason"},
    [F_TFTP_SENT] = {PREFIX "tftp_packets_sent_total", "type",
		     "TFTP packets sent (first transmissions), by type"},
    [F_TFTP_ENDED] = {PREFIX "tftp_transfers_total", "result", "TFTP transfers ended, by result"},
    [F_HTTP_STATUS] = {PREFIX "http_responses_total", "status",
		       "HTTP image server responses, by status"},
};

/*
 * Counters that join a family (str: the label value) or are renamed (F_NONE,
 * str: the name between bootfarm_ and _total). Entries with str NULL follow
 * the prefix rules of counter_place().
 */
static const struct place {
	int fam;
	const char *str;
} places[BF_CTR__COUNT] = {
    [BF_CTR_dhcp4_discover] = {F_DHCP4_MSG, "discover"},
    [BF_CTR_dhcp4_request] = {F_DHCP4_MSG, "request"},
    [BF_CTR_dhcp4_release] = {F_DHCP4_MSG, "release"},
    [BF_CTR_dhcp4_decline] = {F_DHCP4_MSG, "decline"},
    [BF_CTR_dhcp4_inform] = {F_DHCP4_MSG, "inform"},
    [BF_CTR_dhcp4_offer] = {F_DHCP4_MSG, "offer"},
    [BF_CTR_dhcp4_ack] = {F_DHCP4_MSG, "ack"},
    [BF_CTR_dhcp4_nak] = {F_DHCP4_MSG, "nak"},
    [BF_CTR_dhcp4_proxy_offer] = {F_DHCP4_MSG, "proxy_offer"},
    [BF_CTR_dhcp4_boot_ack] = {F_DHCP4_MSG, "boot_ack"},
    [BF_CTR_dhcp6_advertise] = {F_DHCP6_MSG, "advertise"},
    [BF_CTR_dhcp6_reply] = {F_DHCP6_MSG, "reply"},
    /* tftp_rrq counts every read request, refused or not; a write is refused at once */
    [BF_CTR_tftp_rrq] = {F_NONE, "tftp_read_requests"},
    [BF_CTR_tftp_wrq_refused] = {F_TFTP_REFUSED, "write"},
    [BF_CTR_tftp_not_found] = {F_TFTP_REFUSED, "not_found"},
    [BF_CTR_tftp_session_full] = {F_TFTP_REFUSED, "session_full"},
    [BF_CTR_tftp_source_limit] = {F_TFTP_REFUSED, "source_limit"},
    [BF_CTR_tftp_oack_tx] = {F_TFTP_SENT, "oack"},
    [BF_CTR_tftp_data_tx] = {F_TFTP_SENT, "data"},
    [BF_CTR_tftp_data_retx] = {F_NONE, "tftp_retransmits"},
    /* tftp_ack_rx includes the duplicate and future ones: separate names, not labels */
    [BF_CTR_tftp_ack_rx] = {F_NONE, "tftp_acks_received"},
    [BF_CTR_tftp_ack_dup] = {F_NONE, "tftp_acks_duplicate"},
    [BF_CTR_tftp_ack_future] = {F_NONE, "tftp_acks_future"},
    [BF_CTR_tftp_done] = {F_TFTP_ENDED, "completed"},
    [BF_CTR_tftp_timeout_abort] = {F_TFTP_ENDED, "timed_out"},
    [BF_CTR_tftp_error_rx] = {F_TFTP_ENDED, "aborted_by_client"},
    [BF_CTR_tftp_superseded] = {F_TFTP_ENDED, "superseded"},
    [BF_CTR_tftp_rrq_dup] = {F_NONE, "tftp_duplicate_requests"},
    [BF_CTR_tftp_steer] = {F_NONE, "tftp_steered_packets"},
    [BF_CTR_http_2xx] = {F_HTTP_STATUS, "2xx"},
    [BF_CTR_http_304] = {F_HTTP_STATUS, "304"},
    [BF_CTR_http_4xx] = {F_HTTP_STATUS, "4xx"},
    [BF_CTR_http_bytes] = {F_NONE, "http_body_bytes"},
    /* promtool reads "_ns_" as nanoseconds; the siblings follow for symmetry */
    [BF_CTR_nd_ns_rx] = {F_NONE, "nd_neighbor_solicitations_received"},
    [BF_CTR_nd_na_tx] = {F_NONE, "nd_neighbor_advertisements_sent"},
    [BF_CTR_nd_rs_rx] = {F_NONE, "nd_router_solicitations_received"},
};

/* Where counter k goes: its family and label value, or F_NONE and its name. */
static int
counter_place(unsigned k, const char **str)
{
	const char *n = bf_ctr_name[k];

	if (places[k].str) {
		*str = places[k].str;
		return places[k].fam;
	}
	if (strncmp(n, "drop_", 5) == 0) {
		*str = n + 5;
		return F_DROPS;
	}
	if (strncmp(n, "ignored_", 8) == 0) {
		*str = n + 8;
		return F_IGNORED;
	}
	*str = n;
	return F_NONE;
}

enum gauge { G_TFTP_SESSIONS, G_DHCP4_LEASES, G_DHCP6_LEASES, G_GENERATION, G_WORKERS, G__COUNT };

static const struct {
	const char *name, *help;
} gauges[G__COUNT] = {
    [G_TFTP_SESSIONS] = {PREFIX "tftp_sessions", "TFTP transfers in progress, per worker"},
    [G_DHCP4_LEASES] = {PREFIX "dhcp4_leases", "DHCPv4 leases bound"},
    [G_DHCP6_LEASES] = {PREFIX "dhcp6_leases", "DHCPv6 bindings held"},
    [G_GENERATION] = {PREFIX "config_generation",
		      "Generation of the active configuration snapshot (each compiled "
		      "configuration takes the next number)"},
    [G_WORKERS] = {PREFIX "workers", "Data path workers (one per lcore)"},
};

#define HIST_NAME PREFIX "boot_stage_seconds"
#define HIST_HELP                                                                                  \
	"Time per boot stage: dhcp4 and dhcp6 from a client's first DISCOVER or Solicit to its "   \
	"ACK or Reply, nbp a TFTP transfer from the read request to the last ACK"

/* --------------------------------------------------------- the renderer -- */

/* An snprintf cursor: counts everything, writes what fits, always NUL-terminated. */
struct out {
	char *buf;
	size_t cap, len;
};

static void __attribute__((format(printf, 2, 3))) out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (o->len < o->cap)
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* "# HELP name text" with the format's escapes (backslash, newline) and TYPE. */
static void
out_header(struct out *o, const char *name, const char *help, const char *type)
{
	out_printf(o, "# HELP %s ", name);
	for (const char *s = help; *s; s++) {
		if (*s == '\\')
			out_printf(o, "\\\\");
		else if (*s == '\n')
			out_printf(o, "\\n");
		else
			out_printf(o, "%c", *s);
	}
	out_printf(o, "\n# TYPE %s %s\n", name, type);
}

/* Microseconds as seconds, exact (integer arithmetic): 2500000 -> "2.5". */
static void
out_seconds(struct out *o, uint64_t us)
{
	char frac[8];
	int n;

	if (us % 1000000 == 0) {
		out_printf(o, "%llu", (unsigned long long)(us / 1000000));
		return;
	}
	n = snprintf(frac, sizeof(frac), "%06llu", (unsigned long long)(us % 1000000));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	out_printf(o, "%llu.%s", (unsigned long long)(us / 1000000), frac);
}

static void
out_counters(struct out *o, const struct ctl *c)
{
	struct bf_counters sum;
	bool done[F__COUNT] = {false};
	const char *str;

	ctl_sum_counters(c, &sum);
	/* In .def order; a family is written whole where its first member is. */
	for (unsigned k = 0; k < BF_CTR__COUNT; k++) {
		int f = counter_place(k, &str);
		if (f == F_NONE) {
			char name[128];
			snprintf(name, sizeof(name), PREFIX "%s_total", str);
			out_header(o, name, bf_ctr_help[k], "counter");
			out_printf(o, "%s %llu\n", name, (unsigned long long)sum.v[k]);
			continue;
		}
		if (done[f])
			continue;
		done[f] = true;
		out_header(o, families[f].name, families[f].help, "counter");
		for (unsigned j = k; j < BF_CTR__COUNT; j++)
			if (counter_place(j, &str) == f)
				out_printf(o, "%s{%s=\"%s\"} %llu\n", families[f].name,
					   families[f].label, str, (unsigned long long)sum.v[j]);
	}
}

static void
out_gauges(struct out *o, const struct ctl *c)
{
	const struct dp_ctx *dp = c->dp;
	uint64_t v[G__COUNT] = {0};

	out_header(o, gauges[G_TFTP_SESSIONS].name, gauges[G_TFTP_SESSIONS].help, "gauge");
	for (unsigned i = 0; i < dp->n_workers; i++)
		out_printf(o, "%s{worker=\"%u\"} %llu\n", gauges[G_TFTP_SESSIONS].name, i,
			   (unsigned long long)dp->workers[i]->g_sessions);

	v[G_DHCP4_LEASES] = c->leases ? ctl_leases_count(c->leases) : 0;
	v[G_DHCP6_LEASES] = ctl_leases6_count(c->leases6);
	/* A reload frees the old snapshot after a grace period: read it inside one. */
	rcu_read_lock();
	const struct dp_snap *snap = rcu_dereference(dp->snap);
	v[G_GENERATION] = snap ? snap->generation : 0;
	rcu_read_unlock();
	v[G_WORKERS] = dp->n_workers;
	for (unsigned g = G_TFTP_SESSIONS + 1; g < G__COUNT; g++) {
		out_header(o, gauges[g].name, gauges[g].help, "gauge");
		out_printf(o, "%s %llu\n", gauges[g].name, (unsigned long long)v[g]);
	}
}

#define PORT_LOSS_NAME PREFIX "port_lost_frames_total"

/* Frames lost below the workers, per served port (ops/ctl_ports.c). */
static void
out_port_losses(struct out *o, const struct ctl *c)
{
	static const char *const reason[4] = {"rx_missed", "rx_nombuf", "rx_errors", "tx_errors"};

	out_header(o, PORT_LOSS_NAME,
		   "Frames lost below the workers (ring overruns, no mbuf, errors), by port "
		   "and reason",
		   "counter");
	for (unsigned i = 0; i < c->dp->n_ports && i < DP_MAX_PORTS; i++)
		for (unsigned k = 0; k < 4; k++) /* the port's own counts: ctl_ports.c's first kinds */
			out_printf(o, "%s{port=\"%u\",reason=\"%s\"} %llu\n", PORT_LOSS_NAME,
				   c->dp->port_ids[i], reason[k],
				   (unsigned long long)__atomic_load_n(&c->port_loss[i].total[k],
								       __ATOMIC_RELAXED));
}

/* into += h, each word read whole (h has another writer). */
static void
hist_add(struct bf_hist *into, const struct bf_hist *h)
{
	struct bf_hist copy;

	copy.count = __atomic_load_n(&h->count, __ATOMIC_RELAXED);
	copy.sum_us = __atomic_load_n(&h->sum_us, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < BF_HIST_BUCKETS; i++)
		copy.bucket[i] = __atomic_load_n(&h->bucket[i], __ATOMIC_RELAXED);
	bf_hist_merge(into, &copy);
}

static void
out_hist(struct out *o, const char *stage, const struct bf_hist *h)
{
	uint64_t cum = 0;

	for (unsigned i = 0; i < BF_HIST_BUCKETS; i++) {
		cum += h->bucket[i];
		out_printf(o, HIST_NAME "_bucket{stage=\"%s\",le=\"", stage);
		if (bf_hist_bound_us[i] == UINT64_MAX)
			out_printf(o, "+Inf");
		else
			out_seconds(o, bf_hist_bound_us[i]);
		out_printf(o, "\"} %llu\n", (unsigned long long)cum);
	}
	out_printf(o, HIST_NAME "_sum{stage=\"%s\"} ", stage);
	out_seconds(o, h->sum_us);
	/* The count from the buckets, not h->count: read while being written, the
	 * two may differ by an update, and _count must equal the +Inf bucket. */
	out_printf(o, "\n" HIST_NAME "_count{stage=\"%s\"} %llu\n", stage, (unsigned long long)cum);
}

static void
out_hists(struct out *o, const struct ctl *c)
{
	struct bf_hist d4 = {0}, d6 = {0}, nbp = {0};

	hist_add(&d4, &c->stage_dhcp4);
	hist_add(&d6, &c->stage_dhcp6);
	for (unsigned i = 0; i < c->dp->n_workers; i++)
		hist_add(&nbp, &c->dp->workers[i]->stage_tftp);
	out_header(o, HIST_NAME, HIST_HELP, "histogram");
	out_hist(o, "dhcp4", &d4);
	out_hist(o, "dhcp6", &d6);
	out_hist(o, "nbp", &nbp);
}

size_t
ctl_metrics_render(const struct ctl *c, char *buf, size_t cap)
{
	struct out o = {.buf = buf, .cap = cap, .len = 0};

	if (cap)
		buf[0] = '\0';
	out_counters(&o, c);
	out_gauges(&o, c);
	out_port_losses(&o, c);
	out_hists(&o, c);
	return o.len;
}

/* Every name a scrape shows, once: a counter added to the .def list must not
 * take a name ctl_metrics.c already gives to something else. */
static int
names_unique(char *err, size_t errlen)
{
	enum { N = BF_CTR__COUNT + F__COUNT + G__COUNT + 2 };
	char names[N][128];
	unsigned n = 0;
	const char *str;

	for (unsigned k = 0; k < BF_CTR__COUNT; k++)
		if (counter_place(k, &str) == F_NONE)
			snprintf(names[n++], sizeof(names[0]), PREFIX "%s_total", str);
	for (unsigned f = 0; f < F__COUNT; f++)
		snprintf(names[n++], sizeof(names[0]), "%s", families[f].name);
	for (unsigned g = 0; g < G__COUNT; g++)
		snprintf(names[n++], sizeof(names[0]), "%s", gauges[g].name);
	snprintf(names[n++], sizeof(names[0]), "%s", HIST_NAME);
	snprintf(names[n++], sizeof(names[0]), "%s", PORT_LOSS_NAME);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) == 0) {
				snprintf(err, errlen,
					 "metrics: the name %s is given twice (bf_counters.def, "
					 "ctl_metrics.c)",
					 names[i]);
				return -1;
			}
	return 0;
}

/* ---------------------------------------------------------- the endpoint -- */

static struct {
	const struct ctl *c;
	struct MHD_Daemon *d;
	size_t size_hint; /* the last body's size: one allocation per scrape (MHD thread) */
	bool running;
	char mhd_msg[160]; /* MHD's last message: why the daemon did not start */
} g_m;

/* The body, rendered once into a buffer MHD frees. NULL: out of memory. */
static struct MHD_Response *
metrics_response(void)
{
	size_t cap = g_m.size_hint ? g_m.size_hint : 32768;
	struct MHD_Response *resp = NULL;

	/* Online as an RCU reader for the render only: an idle scraper must not
	 * hold up the control thread's synchronize_rcu(). */
	rcu_register_thread();
	for (int tries = 0; tries < 4 && !resp; tries++) {
		char *buf = malloc(cap);
		if (!buf)
			break;
		size_t n = ctl_metrics_render(g_m.c, buf, cap);
		if (n >= cap) { /* grew meanwhile (a worker, a counter digit): again, bigger */
			free(buf);
			cap = n + n / 8 + 1;
			continue;
		}
		g_m.size_hint = n + n / 8 + 1;
		resp = MHD_create_response_from_buffer(n, buf, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(buf);
	}
	rcu_unregister_thread();
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	return resp;
}

static enum MHD_Result
queue_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * MHD calls this once when the headers are in, then per piece of body, then
 * once more with none. GET and HEAD are answered on that last call (a
 * response queued on the first one would cost the keep-alive); any other
 * method is refused at once, its body never read.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	static int headers_in, refused; /* request states, by address */

	(void)cls;
	(void)version;
	(void)upload_data;
	if (!*req_cls) {
		if (!strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD)) {
			*req_cls = &headers_in;
			return MHD_YES;
		}
		*req_cls = &refused;
		return queue_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	}
	if (*upload_data_size || *req_cls == &refused) {
		*upload_data_size = 0; /* a body we do not want */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0)
		return queue_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	struct MHD_Response *resp = metrics_response();
	if (!resp)
		return MHD_NO; /* MHD closes the connection */
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void __attribute__((format(printf, 2, 0))) on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	size_t n;

	(void)cls;
	vsnprintf(g_m.mhd_msg, sizeof(g_m.mhd_msg), fmt, ap);
	n = strlen(g_m.mhd_msg);
	while (n && (g_m.mhd_msg[n - 1] == '\n' || g_m.mhd_msg[n - 1] == '.'))
		g_m.mhd_msg[--n] = '\0';
	/* at start the message goes into the error instead */
	if (__atomic_load_n(&g_m.running, __ATOMIC_ACQUIRE))
		CTL_LOG(INFO, "metrics: %s", g_m.mhd_msg);
}

struct launch {
	struct sockaddr_storage ss;
	unsigned flags;
	uint16_t port;
	struct MHD_Daemon *d;
};

/*
 * MHD's thread inherits its creator's CPU affinity, and the main thread is
 * pinned to worker 0's lcore: create the daemon from an EAL control thread,
 * so its thread runs on the control CPUs like every other control thread.
 */
static void *
launch_main(void *arg)
{
	struct launch *l = arg;

	/* No MHD_OPTION_LISTENING_ADDRESS_REUSE: as for the HTTP server, a
	 * second daemon must not bind the same port silently. */
	l->d = MHD_start_daemon(l->flags, l->port, NULL, NULL, on_request, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&l->ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_END);
	return NULL;
}

int
ctl_metrics_start(const struct ctl *c, const struct ctl_conf_control *cc, char *err, size_t errlen)
{
	struct launch l;
	pthread_t t;

	if (!cc->metrics)
		return 0;
	if (g_m.running) {
		snprintf(err, errlen, "metrics: already running");
		return -1;
	}
	if (names_unique(err, errlen) != 0)
		return -1;
	memset(&l, 0, sizeof(l));
	l.flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
		  ctl_listen_sockaddr(cc->metrics_family, cc->metrics_addr, cc->metrics_port, &l.ss);
	l.port = cc->metrics_port;
	g_m.c = c;
	g_m.size_hint = 0;
	g_m.mhd_msg[0] = '\0';
	int rc = rte_ctrl_thread_create(&t, "bf-metrics", NULL, launch_main, &l);
	if (rc != 0) {
		snprintf(err, errlen, "metrics: cannot start a thread: %s", strerror(abs(rc)));
		return -1;
	}
	pthread_join(t, NULL);
	if (!l.d) {
		snprintf(err, errlen, "metrics: cannot listen on %s: %s", cc->metrics_text,
			 g_m.mhd_msg[0] ? g_m.mhd_msg : "libmicrohttpd refused to start");
		return -1;
	}
	g_m.d = l.d;
	__atomic_store_n(&g_m.running, true, __ATOMIC_RELEASE);
	return 0;
}

void
ctl_metrics_stop(void)
{
	if (!g_m.running)
		return;
	MHD_stop_daemon(g_m.d); /* joins MHD's thread: no render runs after this */
	g_m.d = NULL;
	g_m.running = false;
}
