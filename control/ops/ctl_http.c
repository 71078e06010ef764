/* SPDX-License-Identifier: MIT */
/*
 * The HTTP image server. libmicrohttpd (MHD) does HTTP; this file maps a
 * request to an image and a status, and the Range/ETag values go through
 * shared/bf_http.c.
 *
 * Threads: every MHD daemon (one per listen address) runs in external-poll
 * mode (MHD_USE_EPOLL, no MHD threads), driven by one thread of ours that
 * waits on their epoll fds. That thread is a urcu-qsbr reader which is online
 * only around an image lookup: waiting while online would hold up every
 * synchronize_rcu() of the control thread until the next request came.
 *
 * Slow clients: a client address holds at most http.per_source connections
 * (refused at accept beyond that), and a connection whose request headers are
 * not complete http.header_timeout seconds after it opened (or after its last
 * response) is shut down: 1,000 connections sending a header byte at a time
 * cannot keep the slots, which only time out when idle in MHD's own sense.
 * Both are bf-http's own bookkeeping (one thread: no locks).
 *
 * Lifetimes: a request takes its own image reference inside the read-side
 * section, so a reload (or a re-rendered file) never pulls memory from under
 * a download; the response's free callback drops it. The body is read
 * straight from the image, block by block, into MHD's send buffer.
 */
#include "control/ops/ctl_ops.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <rte_lcore.h>
#include <urcu-qsbr.h>

#include "control/core/ctl.h"
#include "shared/bf_hash.h"
#include "shared/bf_http.h"
#include "shared/bf_tftp.h"

#define BLOCK_SIZE (32 * 1024) /* MHD's per-response copy buffer */
#define LOG_NAME 100           /* bytes of a name kept for the log line */

/* One request. MHD's request slot and the response body share it (one thread: plain count). */
struct req {
	unsigned refs;
	struct dp_image *img; /* a reference of our own, or NULL */
	uint64_t off, len;    /* the body: img->data[off, off + len) */
	uint64_t sent;        /* body bytes handed to MHD */
	unsigned status;      /* 0 until a response is queued */
	char method[16];      /* escaped for the log, like name */
	char name[LOG_NAME + 1];
	char peer[INET6_ADDRSTRLEN + 8];
};

/* One connection, from MHD's STARTED notification to CLOSED. */
struct conn {
	struct conn *prev, *next;	/* every open connection, for the header sweep */
	struct src *src;
	uint64_t since_ms;		/* opened, or last response done: headers due by */
	bool in_request;		/* headers complete, a request is being answered */
	bool cut;			/* shut down for a slow header (counted once) */
	int fd;
};

/* A client address and how many connections it holds (hashed, chained). */
struct src {
	struct src *next;
	uint8_t key[17];		/* family, then 4 or 16 address bytes */
	uint32_t n;
};

struct http {
	struct dp_ctx *dp;
	uint32_t per_source;
	uint64_t header_ms;
	struct conn conns;		/* list head */
	uint64_t last_sweep_ms;
	struct src **src_tab;
	uint32_t src_mask;
	struct MHD_Daemon *d[CTL_MAX_LISTEN];
	unsigned n;
	int epfd, wakefd;
	pthread_t thread;
	bool running;
	int quit;
	char mhd_msg[160];      /* MHD's last message: why a daemon did not start */
	struct bf_counters ctr; /* written by bf-http only, with relaxed atomic stores */
};

static struct http g_http = {.epfd = -1, .wakefd = -1};

/* Single writer; the atomic store lets ctl_http_counters() read at any time. */
static void
cnt_add(enum bf_ctr id, uint64_t n)
{
	__atomic_store_n(&g_http.ctr.v[id], g_http.ctr.v[id] + n, __ATOMIC_RELAXED);
}

static void
req_unref(struct req *r)
{
	if (--r->refs)
		return;
	dp_image_put(r->img);
	free(r);
}

/* Copy a client-supplied string for the log: printable ASCII kept, other bytes \xHH. */
static void
log_str(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 4 < cap; s++) {
		uint8_t b = (uint8_t)*s;
		if (b >= 0x20 && b < 0x7f && b != '\\')
			out[o++] = (char)b;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", b);
	}
	out[o] = '\0';
}

static void
peer_str(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char ip[INET6_ADDRSTRLEN];

	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(out, cap, "%s:%u", ip, ntohs(a->sin_port));
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(out, cap, "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		snprintf(out, cap, "?");
	}
}

/* ---- per-source connection counts and the header deadline --------------- */

/* The table key of a client address; false for a family we do not count. */
static bool
src_key(const struct sockaddr *sa, uint8_t key[17])
{
	memset(key, 0, 17);
	if (sa && sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa && sa->sa_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

static struct src **
src_slot(struct http *h, const uint8_t key[17])
{
	struct src **pp = &h->src_tab[bf_fnv1a32(key, 17, BF_FNV32_INIT) & h->src_mask];

	while (*pp && memcmp((*pp)->key, key, 17) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* MHD asks before it takes a connection: refuse a source at its limit. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http *h = cls;
	uint8_t key[17];
	struct src **pp;

	(void)addrlen;
	if (!src_key(addr, key))
		return MHD_YES;
	pp = src_slot(h, key);
	if (*pp && (*pp)->n >= h->per_source) {
		cnt_add(BF_CTR_http_refused_source, 1);
		return MHD_NO;
	}
	return MHD_YES;
}

static void
conn_unlink(struct conn *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
}

/* STARTED: count the source and start the header clock; CLOSED: undo both. */
static void
on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	struct http *h = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn *c = calloc(1, sizeof(*c));
		const union MHD_ConnectionInfo *ci;
		uint8_t key[17];

		*socket_context = c;
		if (!c)
			return; /* not tracked: MHD's idle timeout still applies */
		ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		c->fd = ci ? ci->connect_fd : -1;
		c->since_ms = ctl_mono_ms();
		ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && src_key(ci->client_addr, key)) {
			struct src **pp = src_slot(h, key);
			if (!*pp && (*pp = calloc(1, sizeof(**pp))) != NULL)
				memcpy((*pp)->key, key, 17);
			if ((c->src = *pp) != NULL)
				c->src->n++;
		}
		c->next = h->conns.next;
		c->prev = &h->conns;
		c->next->prev = c;
		h->conns.next = c;
		return;
	}
	struct conn *c = *socket_context;
	if (!c)
		return;
	*socket_context = NULL;
	conn_unlink(c);
	if (c->src && --c->src->n == 0) {
		struct src **pp = src_slot(h, c->src->key);
		*pp = c->src->next;
		free(c->src);
	}
	free(c);
}

static struct conn *
conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Shut down connections whose request headers are overdue; MHD sees the end
 * of the stream and closes them (CLOSED frees them). The fd is still MHD's and
 * open here: we run between MHD_run calls on MHD's only thread. */
static void
sweep_slow_headers(struct http *h)
{
	uint64_t now = ctl_mono_ms();

	if (now - h->last_sweep_ms < 250)
		return;
	h->last_sweep_ms = now;
	for (struct conn *c = h->conns.next; c != &h->conns; c = c->next) {
		if (c->in_request || c->cut || c->fd < 0 || now - c->since_ms < h->header_ms)
			continue;
		c->cut = true;
		shutdown(c->fd, SHUT_RDWR);
		cnt_add(BF_CTR_http_header_timeout, 1);
	}
}

/* The image for a canonical name, with a reference taken (NULL if none). */
static struct dp_image *
image_lookup(struct dp_ctx *dp, const char *canon)
{
	struct dp_image *img = NULL;

	rcu_thread_online();
	rcu_read_lock();
	const struct dp_snap *snap = rcu_dereference(dp->snap);
	if (snap)
		img = dp_snap_image(snap, canon);
	if (!img && dp->rendered) /* a file rendered for one client */
		img = dp_rendered_find(dp->rendered, canon);
	if (img)
		dp_image_get(img);
	rcu_read_unlock();
	rcu_thread_offline();
	return img;
}

static ssize_t
body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct req *r = cls;

	if (pos >= r->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t k = r->len - pos < max ? (size_t)(r->len - pos) : max;
	memcpy(buf, r->img->data + r->off + pos, k);
	r->sent += k;
	return (ssize_t)k;
}

static void
body_free(void *cls)
{
	req_unref(cls);
}

/* Queue resp with status (MHD keeps its own reference); NULL resp: out of memory. */
static enum MHD_Result
queue(struct MHD_Connection *conn, struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (!resp)
		return MHD_NO;
	enum MHD_Result rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	if (rc == MHD_YES)
		r->status = status;
	return rc;
}

/* A short text body from a string literal (MHD keeps an alias, never frees it). */
static struct MHD_Response *
text_response(const char *text)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	return resp;
}

static struct MHD_Response *
empty_response(void)
{
	return MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
}

/* The request headers the server looks at. */
struct hdrs {
	const char *etag;
	bool inm;          /* an If-None-Match line matched the ETag */
	const char *range; /* the Range value, if exactly one was sent */
	size_t range_len;
	unsigned n_range;
	const char *if_range;
	size_t if_range_len;
	unsigned n_if_range;
};

static enum MHD_Result
scan_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_len, const char *value,
	    size_t value_len)
{
	struct hdrs *h = cls;

	(void)kind;
	(void)key_len;
	if (!value)
		return MHD_YES;
	if (!strcasecmp(key, MHD_HTTP_HEADER_IF_NONE_MATCH)) {
		/* several lines are one list: any of them may match */
		h->inm = h->inm || bf_http_inm_match(value, value_len, h->etag);
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_RANGE)) {
		h->range = value;
		h->range_len = value_len;
		h->n_range++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_IF_RANGE)) {
		h->if_range = value;
		h->if_range_len = value_len;
		h->n_if_range++;
	}
	return MHD_YES;
}

/* Which part of img to send: a Range is honoured only alone and, with If-Range, validated. */
static enum bf_http_range
pick_range(const struct hdrs *h, uint64_t len, uint64_t *first, uint64_t *last)
{
	if (h->n_range != 1 || h->n_if_range > 1)
		return BF_HTTP_RANGE_NONE;
	if (h->n_if_range && !bf_http_if_range_match(h->if_range, h->if_range_len, h->etag))
		return BF_HTTP_RANGE_NONE;
	return bf_http_parse_range(h->range, h->range_len, len, first, last);
}

/*
 * The body response over r->img (HEAD and 304 too: MHD sends no body then,
 * and Content-Length stays the one a GET would get, as RFC 9110 8.6 asks).
 */
static struct MHD_Response *
body_response(struct req *r, const char *etag)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(r->len, BLOCK_SIZE, body_read, r, body_free);
	if (!resp)
		return NULL;
	r->refs++; /* the response's, dropped by body_free */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	return resp;
}

static enum MHD_Result
serve_image(struct MHD_Connection *conn, struct req *r)
{
	const struct dp_image *img = r->img;
	char etag[BF_HTTP_ETAG_LEN + 1], crange[80];
	struct hdrs h = {.etag = etag};
	uint64_t first = 0, last = 0;
	unsigned status = MHD_HTTP_OK;

	bf_http_etag(img->content_hash, etag);
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, scan_header, &h);
	r->len = img->len;
	if (h.inm) /* before Range (RFC 9110 13.2.2) */
		return queue(conn, r, MHD_HTTP_NOT_MODIFIED, body_response(r, etag));
	switch (pick_range(&h, img->len, &first, &last)) {
	case BF_HTTP_RANGE_UNSATISFIABLE: {
		struct MHD_Response *resp = empty_response();
		snprintf(crange, sizeof(crange), "bytes */%" PRIu64, img->len);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, crange);
		return queue(conn, r, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
	}
	case BF_HTTP_RANGE_PARTIAL:
		status = MHD_HTTP_PARTIAL_CONTENT;
		r->off = first;
		r->len = last - first + 1;
		snprintf(crange, sizeof(crange), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first,
			 last, img->len);
		break;
	case BF_HTTP_RANGE_NONE:
		break;
	}
	struct MHD_Response *resp = body_response(r, etag);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				bf_http_content_type(img->name));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (status == MHD_HTTP_PARTIAL_CONTENT)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, crange);
	return queue(conn, r, status, resp);
}

/*
 * MHD calls this once when the headers are in, then once per piece of request
 * body, then once more with none. GET and HEAD are answered on that last call:
 * a response queued on the first one makes MHD close the connection after it
 * (no keep-alive). Any other method is refused at once, so its body is never read.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct http *h = cls;
	struct req *r = *req_cls;
	char canon[BF_TFTP_MAX_NAME + 1];

	(void)version;
	(void)upload_data;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->refs = 1; /* MHD's request slot, dropped by on_completed */
		*req_cls = r;
		struct conn *c = conn_of(conn);
		if (c)
			c->in_request = true; /* headers complete: the deadline is met */
		log_str(r->method, sizeof(r->method), method);
		log_str(r->name, sizeof(r->name), url);
		peer_str(conn, r->peer, sizeof(r->peer));
		if (!strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD))
			return MHD_YES;
		struct MHD_Response *resp = text_response("method not allowed\n");
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return queue(conn, r, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
	}
	if (*upload_data_size || r->status) {
		*upload_data_size = 0; /* a body we do not want */
		return MHD_YES;
	}
	/* The same names as TFTP: canonical, configured (or rendered) images only. */
	if (bf_tftp_canon_name(url, strlen(url), canon, sizeof(canon)) >= 0)
		r->img = image_lookup(h->dp, canon);
	if (!r->img)
		return queue(conn, r, MHD_HTTP_NOT_FOUND, text_response("not found\n"));
	log_str(r->name, sizeof(r->name), canon);
	return serve_image(conn, r);
}

static void
count_status(unsigned status)
{
	cnt_add(BF_CTR_http_requests, 1);
	if (status == MHD_HTTP_OK || status == MHD_HTTP_PARTIAL_CONTENT)
		cnt_add(BF_CTR_http_2xx, 1);
	else if (status == MHD_HTTP_NOT_MODIFIED)
		cnt_add(BF_CTR_http_304, 1);
	else if (status >= 400 && status < 500)
		cnt_add(BF_CTR_http_4xx, 1);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;

	(void)cls;
	struct conn *c = conn_of(conn);
	if (c) { /* keep-alive: the next request's headers are due from now */
		c->in_request = false;
		c->since_ms = ctl_mono_ms();
	}
	if (!r)
		return;
	*req_cls = NULL;
	if (r->status) {
		count_status(r->status);
		cnt_add(BF_CTR_http_bytes, r->sent);
		CTL_LOG(INFO, "http: %s %s %u %" PRIu64 " bytes %s%s", r->method, r->name,
			r->status, r->sent, r->peer,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut short)");
	}
	req_unref(r);
}

/*
 * MHD's decoder turns %00 into a NUL that would cut the name short and serve
 * another, shorter name. Make it a byte bf_tftp_canon_name refuses: 404.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	size_t n = MHD_http_unescape(s);

	(void)cls;
	(void)conn;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '\x01';
	return n;
}

static void __attribute__((format(printf, 2, 0))) on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	size_t n;

	vsnprintf(h->mhd_msg, sizeof(h->mhd_msg), fmt, ap);
	n = strlen(h->mhd_msg);
	while (n && (h->mhd_msg[n - 1] == '\n' || h->mhd_msg[n - 1] == '.'))
		h->mhd_msg[--n] = '\0';
	if (h->running) /* at start the message goes into the error instead */
		CTL_LOG(INFO, "http: %s", h->mhd_msg);
}

/* The shortest wait any daemon allows (-1: none needs waking). */
static int
next_timeout(const struct http *h)
{
	int ms = -1;

	for (unsigned i = 0; i < h->n; i++) {
		MHD_UNSIGNED_LONG_LONG t;
		if (MHD_get_timeout(h->d[i], &t) != MHD_YES)
			continue;
		int v = t > INT_MAX ? INT_MAX : (int)t;
		if (ms < 0 || v < ms)
			ms = v;
	}
	return ms;
}

static void
stop_daemons(struct http *h)
{
	for (unsigned i = 0; i < h->n; i++)
		MHD_stop_daemon(h->d[i]);
	h->n = 0;
}

static void *
http_main(void *arg)
{
	struct http *h = arg;
	struct epoll_event ev[CTL_MAX_LISTEN + 1];

	rcu_register_thread();
	rcu_thread_offline();
	while (!__atomic_load_n(&h->quit, __ATOMIC_ACQUIRE)) {
		int t = next_timeout(h);
		/* wake at least every 250 ms while connections may owe headers */
		if (h->conns.next != &h->conns && (t < 0 || t > 250))
			t = 250;
		int k = epoll_wait(h->epfd, ev, (int)(h->n + 1), t);
		if (k < 0 && errno != EINTR) {
			CTL_LOG(ERR, "http: epoll_wait: %s; server stopped", strerror(errno));
			break;
		}
		/* MHD_run on each: required after every wait, whatever woke us */
		for (unsigned i = 0; i < h->n; i++)
			MHD_run(h->d[i]);
		sweep_slow_headers(h);
	}
	stop_daemons(h); /* completion callbacks run here, on this thread */
	rcu_unregister_thread();
	return NULL;
}

static int
epoll_watch(int epfd, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

unsigned
ctl_listen_sockaddr(int family, const uint8_t addr[16], uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		memcpy(&a->sin6_addr, addr, 16);
		return MHD_USE_IPv6; /* v6 only: bind exactly what is configured */
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	memcpy(&a->sin_addr, addr, 4);
	return 0;
}

static int
start_daemon(struct http *h, const struct ctl_conf_http *conf, unsigned i, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 ctl_listen_sockaddr(conf->listen[i].family, conf->listen[i].addr,
					     conf->listen[i].port, &ss);
	/* No MHD_OPTION_LISTENING_ADDRESS_REUSE: MHD's default is SO_REUSEADDR
	 * (restart while old connections linger); 1 would add SO_REUSEPORT,
	 * letting a second daemon bind the same port silently. */
	h->mhd_msg[0] = '\0';
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, conf->listen[i].port, on_accept, h, on_request, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)conf->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)conf->timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (!d) {
		snprintf(err, errlen, "http: cannot listen on %s: %s", conf->listen[i].text,
			 h->mhd_msg[0] ? h->mhd_msg : "libmicrohttpd refused to start");
		return -1;
	}
	h->d[h->n++] = d;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || epoll_watch(h->epfd, di->epoll_fd) != 0) {
		snprintf(err, errlen, "http: %s: cannot watch its epoll fd", conf->listen[i].text);
		return -1;
	}
	return 0;
}

static void
release(struct http *h)
{
	stop_daemons(h);
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->wakefd >= 0)
		close(h->wakefd);
	h->epfd = h->wakefd = -1;
	if (h->src_tab) { /* MHD_stop_daemon closed every connection: all counts are 0 */
		for (uint32_t i = 0; i <= h->src_mask; i++)
			while (h->src_tab[i]) {
				struct src *s = h->src_tab[i];
				h->src_tab[i] = s->next;
				free(s);
			}
		free(h->src_tab);
		h->src_tab = NULL;
	}
}

/* Every connection is a descriptor: make room for all the slots configured
 * (the soft limit is often 1024; up to the hard limit, else say so). */
static void
raise_fd_limit(uint64_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		CTL_LOG(WARNING, "http: open-file limit %llu is below the %llu connections "
			"configured (raise LimitNOFILE / ulimit -n)",
			(unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

int
ctl_http_start(struct dp_ctx *dp, const struct ctl_conf_http *conf, char *err, size_t errlen)
{
	struct http *h = &g_http;

	if (conf->n_listen == 0)
		return 0;
	if (h->running) {
		snprintf(err, errlen, "http: already running");
		return -1;
	}
	h->dp = dp;
	h->quit = 0;
	h->per_source = conf->per_source;
	h->header_ms = (uint64_t)conf->header_timeout_s * 1000;
	h->conns.next = h->conns.prev = &h->conns;
	uint64_t slots = (uint64_t)conf->max_connections * conf->n_listen;
	uint32_t buckets = 64;
	while (buckets < slots && buckets < (1u << 20))
		buckets <<= 1;
	h->src_tab = calloc(buckets, sizeof(*h->src_tab));
	h->src_mask = buckets - 1;
	if (!h->src_tab) {
		snprintf(err, errlen, "http: out of memory");
		return -1;
	}
	raise_fd_limit(slots + 256);
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->epfd < 0 || h->wakefd < 0 || epoll_watch(h->epfd, h->wakefd) != 0) {
		snprintf(err, errlen, "http: %s", strerror(errno));
		goto fail;
	}
	for (unsigned i = 0; i < conf->n_listen; i++)
		if (start_daemon(h, conf, i, err, errlen) != 0)
			goto fail;
	h->running = true;
	/* a control thread: on the EAL's control CPUs, not on a worker's lcore */
	int rc = rte_ctrl_thread_create(&h->thread, "bf-http", NULL, http_main, h);
	if (rc != 0) {
		h->running = false;
		snprintf(err, errlen, "http: cannot start its thread: %s", strerror(abs(rc)));
		goto fail;
	}
	for (unsigned i = 0; i < conf->n_listen; i++)
		CTL_LOG(NOTICE, "http: serving images on %s", conf->listen[i].text);
	return 0;
fail:
	release(h);
	return -1;
}

void
ctl_http_stop(void)
{
	struct http *h = &g_http;
	uint64_t one = 1;

	if (!h->running)
		return;
	__atomic_store_n(&h->quit, 1, __ATOMIC_RELEASE);
	ssize_t k = write(h->wakefd, &one, sizeof(one)); /* eventfd: cannot fill up */
	(void)k;
	pthread_join(h->thread, NULL);
	h->running = false;
	release(h);
	CTL_LOG(NOTICE, "http: stopped");
}

void
ctl_http_counters(struct bf_counters *sum)
{
	for (unsigned i = 0; i < BF_CTR__COUNT; i++)
		sum->v[i] += __atomic_load_n(&g_http.ctr.v[i], __ATOMIC_RELAXED);
}
