/* SPDX-License-Identifier: MIT */
/*
 * bfstorm: the boot-storm generator over a real interface (mode b). N
 * simulated PXE clients (storm.h) on one AF_PACKET socket bound to IF, run
 * inside the client network namespace against any DHCP/TFTP server on the
 * other end of a veth: bootfarmd on net_af_packet, dnsmasq, Kea + tftpd-hpa.
 * With --v6 the clients boot over IPv6 instead: DHCPv6 (IA_NA, bootfile URL),
 * Neighbor Advertisements for their addresses, TFTP over IPv6 (the socket
 * takes every ethertype, ETH_P_ALL). IPv6 frames with a wrong checksum
 * count as rx_malformed and are dropped: a kernel server behind a veth must
 * have tx checksum offload off on its end (ethtool -K IF tx off), or its
 * frames arrive with the checksum unfilled.
 *
 * usage: bfstorm --iface IF --clients N [--ramp S] [--blksize B] [--window W]
 *        [--loss P] [--file F]... [--no-dhcp --ip-base A --server IP
 *        [--server-mac M]] [--timeout-ms T] [--retries R] [--max-seconds T]
 *        [--series FILE.csv] [--series-ms MS] [--progress] [--json]
 *        [--mac-base M] [--seed S] [--no-tsize] [--dhcp-only] [--dally-ms MS] [--v6]
 *        [--server-cpu FILE]
 *
 * Progress on stderr (a bar when stderr is a terminal, a line every 2 s with
 * --progress otherwise); a time series (t, DATA packets/s, Gbit/s, booted,
 * ...) into --series; a summary on stdout, one JSON line with --json. The
 * loop is bounded by --max-seconds (default 300). Exit: 0 every client
 * booted, 1 some failed or the time ran out, 2 usage or set-up error.
 */
#include "storm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: bfstorm --iface IF --clients N [options]\n"
		"  --ramp S           spread client starts over S seconds (0: all at once)\n"
		"  --blksize B        TFTP blksize to ask for (default 1468, with --v6 1448; 512: no option)\n"
		"  --window W         TFTP windowsize to ask for (default 1: no option)\n"
		"  --loss P           drop each received and each sent frame with probability P\n"
		"  --file F           file to fetch (repeat, up to 4; default: the DHCP boot file)\n"
		"  --no-dhcp          static addresses: needs --ip-base and --server (and --file)\n"
		"  --ip-base A        static mode: client i has address A + i\n"
		"  --server IP        static mode: the TFTP server\n"
		"  --server-mac M     static mode: its MAC (default: ARP)\n"
		"  --mac-base M       client i has MAC M + i (default 02:5b:00:00:00:00)\n"
		"  --timeout-ms T     client retransmission timeout (default 1000)\n"
		"  --retries R        retransmissions per message before giving up (default 5)\n"
		"  --max-seconds T    stop after T seconds whatever happens (default 300)\n"
		"  --series FILE      time series CSV (t_s,data_pkts_s,gbit_s,booted,failed,...)\n"
		"  --series-ms MS     its interval (default 100)\n"
		"  --progress         progress on stderr even when it is not a terminal\n"
		"  --json             summary as one JSON line\n"
		"  --seed S           PRNG seed (loss, xids)\n"
		"  --no-tsize         do not ask for tsize\n"
		"  --dhcp-only        a client is done at its DHCP ACK (no TFTP)\n"
		"  --dally-ms MS      after the last client, re-ACK resent last blocks until the\n"
		"                     link is quiet for MS (default 3000; 0: stop at once)\n"
		"  --server-cpu FILE  a server cgroup's cpuacct.usage or cpu.stat, read at the\n"
		"                     storm's start and end: JSON server_cpu_s (-1: unreadable)\n"
		"  --v6               IPv6 clients: DHCPv6 Solicit/Request (IA_NA, client arch 7,\n"
		"                     bootfile URL tftp://[addr]/file), Neighbor Advertisements for\n"
		"                     their link-local and leased addresses, TFTP over IPv6 to the\n"
		"                     URL's server (no --no-dhcp; --dhcp-only ends at the Reply)\n");
}

static int
parse_mac(const char *s, uint8_t *m)
{
	unsigned v[6];
	int k;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (k = 0; k < 6; k++) {
		if (v[k] > 255)
			return -1;
		m[k] = (uint8_t)v[k];
	}
	return 0;
}

static int
parse_ip4(const char *s, uint32_t *ip)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

/* CPU time in ns from a cgroup: cpuacct.usage (v1, ns) or cpu.stat (v2,
 * usage_usec); -1 when unreadable. Read at the storm's first and last moment,
 * so a server is charged for the storm alone, not for our start or dally. */
static int64_t
read_cpu_ns(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[128];
	long long v;
	int64_t r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "usage_usec %lld", &v) == 1) {
			r = (int64_t)v * 1000;
			break;
		}
		if (sscanf(line, "%lld", &v) == 1) {
			r = (int64_t)v;
			break;
		}
	}
	fclose(f);
	return r;
}

struct progress {
	bool tty, on;
	uint64_t last_ns, last_line_ns, last_bytes, last_ts;
};

static void
show_progress(struct progress *p, const struct storm_stats *st, uint32_t n, uint64_t t, uint64_t t0,
	      bool final)
{
	double dt, gbit, el = (double)(t - t0) / 1e9;
	int k, w = 30, fill;
	char bar[64];
	if (!p->on)
		return;
	if (!final && t - p->last_ns < 500000000ull)
		return;
	dt = (double)(t - p->last_ts) / 1e9;
	gbit = dt > 0 ? (double)(st->data_bytes - p->last_bytes) * 8 / dt / 1e9 : 0;
	p->last_ns = t;
	p->last_ts = t;
	p->last_bytes = st->data_bytes;
	if (!p->tty && !final && t - p->last_line_ns < 2000000000ull)
		return;
	p->last_line_ns = t;
	fill = (int)((st->booted + st->failed) * (uint64_t)w / n);
	for (k = 0; k < w; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[w] = 0;
	fprintf(stderr, "%s[%s] booted %llu failed %llu of %u  dhcp %llu  %.2f Gbit/s  retx %llu  %.1f s%s",
		p->tty ? "\r" : "", bar, (unsigned long long)st->booted, (unsigned long long)st->failed, n,
		(unsigned long long)st->dhcp_done, gbit, (unsigned long long)st->client_retx, el,
		p->tty && !final ? "  " : "\n");
	fflush(stderr);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"clients", required_argument, NULL, 'n'},
		{"ramp", required_argument, NULL, 'r'},
		{"blksize", required_argument, NULL, 'b'},
		{"window", required_argument, NULL, 'w'},
		{"loss", required_argument, NULL, 'l'},
		{"file", required_argument, NULL, 'f'},
		{"no-dhcp", no_argument, NULL, 'D'},
		{"ip-base", required_argument, NULL, 'A'},
		{"server", required_argument, NULL, 'S'},
		{"server-mac", required_argument, NULL, 'M'},
		{"mac-base", required_argument, NULL, 'm'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"retries", required_argument, NULL, 'R'},
		{"max-seconds", required_argument, NULL, 'T'},
		{"series", required_argument, NULL, 's'},
		{"series-ms", required_argument, NULL, 'I'},
		{"progress", no_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"seed", required_argument, NULL, 'e'},
		{"no-tsize", no_argument, NULL, 'z'},
		{"dhcp-only", no_argument, NULL, 'd'},
		{"dally-ms", required_argument, NULL, 'Y'},
		{"server-cpu", required_argument, NULL, 'C'},
		{"v6", no_argument, NULL, '6'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct storm_cfg cfg = {
		.clients = 0, .blksize = 1468, .window = 1, .dhcp = true,
		.mac_base = {0x02, 0x5b, 0, 0, 0, 0}, .timeout_ms = 1000, .retries = 5,
	};
	const char *ifname = NULL, *series_path = NULL, *cpu_path = NULL;
	int64_t cpu0 = -1, cpu1 = -1;
	double max_s = 300;
	unsigned series_ms = 100, dally_ms = 3000;
	bool json = false, force_progress = false, blksize_set = false;
	struct storm *s;
	struct storm_stats st;
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	struct mmsghdr rmsg[BATCH], tmsg[BATCH];
	struct iovec riov[BATCH], tiov[BATCH];
	static uint8_t rbuf[BATCH][STORM_FRAME_MAX], tbuf[BATCH][STORM_FRAME_MAX];
	uint8_t *tptr[BATCH];
	uint16_t tlen[BATCH];
	unsigned tx_n = 0, tx_off = 0;
	uint64_t t0, t, deadline, next_series, t_end = 0, tx_errors = 0, last_sb = 0, last_sp = 0;
	uint64_t rx_trunc = 0, sock_drops = 0, last_rx = 0;
	double gen_cpu = 0;
	uint64_t last_series_t;
	struct progress prog = {0};
	FILE *series = NULL;
	int fd, c, one = 1, big = 256 << 20, ifindex, k, rc;
	bool timed_out = false;

	cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'n': cfg.clients = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'r': cfg.ramp_s = strtod(optarg, NULL); break;
		case 'b':
			cfg.blksize = (uint16_t)strtoul(optarg, NULL, 10);
			blksize_set = true;
			break;
		case 'w': cfg.window = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'l': cfg.loss = strtod(optarg, NULL); break;
		case 'f':
			if (cfg.n_files >= 4) {
				fprintf(stderr, "bfstorm: at most 4 --file\n");
				return 2;
			}
			cfg.files[cfg.n_files++] = optarg;
			break;
		case 'D': cfg.dhcp = false; break;
		case 'A':
			if (parse_ip4(optarg, &cfg.ip_base)) {
				fprintf(stderr, "bfstorm: bad --ip-base %s\n", optarg);
				return 2;
			}
			break;
		case 'S':
			if (parse_ip4(optarg, &cfg.server_ip)) {
				fprintf(stderr, "bfstorm: bad --server %s\n", optarg);
				return 2;
			}
			break;
		case 'M':
			if (parse_mac(optarg, cfg.server_mac)) {
				fprintf(stderr, "bfstorm: bad --server-mac %s\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (parse_mac(optarg, cfg.mac_base)) {
				fprintf(stderr, "bfstorm: bad --mac-base %s\n", optarg);
				return 2;
			}
			break;
		case 't': cfg.timeout_ms = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'R': cfg.retries = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'T': max_s = strtod(optarg, NULL); break;
		case 's': series_path = optarg; break;
		case 'I': series_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'p': force_progress = true; break;
		case 'j': json = true; break;
		case 'e': cfg.seed = strtoull(optarg, NULL, 0); break;
		case 'z': cfg.no_tsize = true; break;
		case 'd': cfg.dhcp_only = true; break;
		case 'Y': dally_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'C': cpu_path = optarg; break;
		case '6': cfg.v6 = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!ifname || !cfg.clients || max_s <= 0 || !series_ms) {
		usage(stderr);
		return 2;
	}
	if (cfg.v6 && !blksize_set)
		cfg.blksize = 1448; /* 1500 - IPv6 (40) - UDP (8) - TFTP (4): no fragments */
	s = storm_new(&cfg);
	if (!s) {
		fprintf(stderr, "bfstorm: bad configuration (clients 1..%u, loss 0..1, static mode "
				"needs --ip-base, --server and --file, --v6 needs DHCP)\n", STORM_MAX_CLIENTS);
		return 2;
	}
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "bfstorm: no interface %s\n", ifname);
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("bfstorm: socket(AF_PACKET)");
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
#ifdef PACKET_IGNORE_OUTGOING
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		perror("bfstorm: bind");
		return 2;
	}
	memset(&mr, 0, sizeof mr);
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr);
	/* frames that arrived before the storm are not ours */
	while (recv(fd, rbuf[0], sizeof rbuf[0], MSG_DONTWAIT) >= 0)
		;

	if (series_path) {
		series = fopen(series_path, "w");
		if (!series) {
			perror(series_path);
			return 2;
		}
		fprintf(series, "t_s,data_pkts_s,gbit_s,booted,failed,dhcp_done,client_retx\n");
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	prog.tty = isatty(2);
	prog.on = prog.tty || force_progress;
	for (k = 0; k < BATCH; k++) {
		riov[k].iov_base = rbuf[k];
		riov[k].iov_len = STORM_FRAME_MAX;
		memset(&rmsg[k], 0, sizeof rmsg[k]);
		rmsg[k].msg_hdr.msg_iov = &riov[k];
		rmsg[k].msg_hdr.msg_iovlen = 1;
		tptr[k] = tbuf[k];
		tiov[k].iov_base = tbuf[k];
		memset(&tmsg[k], 0, sizeof tmsg[k]);
		tmsg[k].msg_hdr.msg_iov = &tiov[k];
		tmsg[k].msg_hdr.msg_iovlen = 1;
	}

	cpu0 = cpu_path ? read_cpu_ns(cpu_path) : -1;
	t0 = t = now_ns();
	deadline = t0 + (uint64_t)(max_s * 1e9);
	next_series = t0 + series_ms * 1000000ull;
	last_series_t = t0;
	prog.last_ns = prog.last_ts = prog.last_line_ns = t0;
	while (!g_stop) {
		int nr, busy = 0;
		/* receive everything there is, in batches */
		for (;;) {
			nr = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
			if (nr <= 0)
				break;
			busy = 1;
			t = last_rx = now_ns();
			for (k = 0; k < nr; k++) {
				uint32_t wl = rmsg[k].msg_len, l = wl;
				if (l > STORM_FRAME_MAX) {
					l = STORM_FRAME_MAX;
					rx_trunc++;
				}
				storm_rx(s, rbuf[k], l, wl, t);
			}
			if (nr < BATCH)
				break;
		}
		t = now_ns();
		if (storm_done(s) && tx_off == tx_n) {
			/* Every client is done, but a server whose last block's ACK was lost sends that
			 * block again after its timeout: dally (RFC 1350 6) and re-ACK it until the
			 * link has been quiet for dally_ms, so servers count every transfer as done.
			 * The figures end at t_end, before the dallying. */
			tx_n = storm_tx(s, t, tptr, tlen, BATCH);
			tx_off = 0;
			if (!tx_n) {
				if (!t_end) {
					t_end = t;
					cpu1 = cpu_path ? read_cpu_ns(cpu_path) : -1;
					if (last_rx < t)
						last_rx = t;
				}
				if (t - last_rx >= dally_ms * 1000000ull || t - t_end >= 4 * dally_ms * 1000000ull)
					break;
			}
		}
		if (tx_off == tx_n) {
			tx_n = storm_tx(s, t, tptr, tlen, BATCH);
			tx_off = 0;
		}
		if (tx_off < tx_n) {
			unsigned m = tx_n - tx_off;
			for (k = 0; k < (int)m; k++) {
				tiov[k].iov_base = tptr[tx_off + (unsigned)k];
				tiov[k].iov_len = tlen[tx_off + (unsigned)k];
			}
			rc = sendmmsg(fd, tmsg, m, MSG_DONTWAIT);
			if (rc > 0) {
				tx_off += (unsigned)rc;
				busy = 1;
			} else if (rc < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS &&
				   errno != EINTR) {
				tx_errors++;
				tx_off++; /* drop it: the client retransmits */
			}
		}
		if (t >= deadline && !t_end) {
			timed_out = !storm_done(s);
			t_end = t;
			cpu1 = cpu_path ? read_cpu_ns(cpu_path) : -1;
			break;
		}
		storm_stats(s, &st);
		show_progress(&prog, &st, cfg.clients, t, t0, false);
		if (series && !t_end && t >= next_series) {
			/* the actual interval: a late row must not count a longer one as series_ms */
			double dt = (double)(t - last_series_t) / 1e9;
			last_series_t = t;
			fprintf(series, "%.3f,%.0f,%.4f,%llu,%llu,%llu,%llu\n", (double)(t - t0) / 1e9,
				(double)(st.data_pkts - last_sp) / dt,
				(double)(st.data_bytes - last_sb) * 8 / dt / 1e9, (unsigned long long)st.booted,
				(unsigned long long)st.failed, (unsigned long long)st.dhcp_done,
				(unsigned long long)st.client_retx);
			last_sp = st.data_pkts;
			last_sb = st.data_bytes;
			next_series += series_ms * 1000000ull;
			if (next_series < t)
				next_series = t + series_ms * 1000000ull;
		}
		if (!busy && tx_off == tx_n) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			poll(&pfd, 1, 1);
		}
	}
	if (!t_end)
		t_end = now_ns();
	{
		struct tpacket_stats ps;
		socklen_t pl = sizeof ps;
		if (!getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &pl))
			sock_drops = ps.tp_drops; /* frames the kernel dropped: our socket buffer was full */
	}
	{
		struct rusage ru;
		if (!getrusage(RUSAGE_SELF, &ru))
			gen_cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
				  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	}
	storm_stats(s, &st);
	show_progress(&prog, &st, cfg.clients, t_end, t0, true);
	if (series)
		fclose(series);
	{
		double el = (double)(t_end - t0) / 1e9;
		double p50 = (double)storm_ttb_percentile(s, 50) / 1e6;
		double p99 = (double)storm_ttb_percentile(s, 99) / 1e6;
		double pmax = (double)storm_ttb_percentile(s, 100) / 1e6;
		uint64_t unfinished = cfg.clients - st.booted - st.failed;
		if (json) {
			printf("{\"clients\":%u,\"booted\":%llu,\"failed\":%llu,\"unfinished\":%llu,"
			       "\"elapsed_s\":%.3f,\"boots_per_s\":%.2f,\"gbit_s\":%.4f,\"data_pkts_per_s\":%.0f,"
			       "\"ttb_p50_ms\":%.1f,\"ttb_p99_ms\":%.1f,\"ttb_max_ms\":%.1f,"
			       "\"client_retx\":%llu,\"dhcp_retx\":%llu,\"tftp_retx\":%llu,\"server_dups\":%llu,"
			       "\"gaps\":%llu,\"dhcp_done\":%llu,\"data_pkts\":%llu,\"data_bytes\":%llu,"
			       "\"files_done\":%llu,\"lost_rx\":%llu,\"lost_tx\":%llu,\"rx_frames\":%llu,"
			       "\"tx_frames\":%llu,\"tftp_errors\":%llu,\"dhcp_naks\":%llu,\"size_mismatch\":%llu,"
			       "\"fail_timeout\":%llu,\"fail_error\":%llu,\"arp_replies\":%llu,"
			       "\"na_replies\":%llu,\"rx_malformed\":%llu,\"rx_ignored\":%llu,\"v6\":%s,"
			       "\"tx_errors\":%llu,\"rx_truncated\":%llu,\"rx_sock_drops\":%llu,\"gen_cpu_s\":%.3f,\"server_cpu_s\":%.6f,\"timed_out\":%s,"
			       "\"blksize\":%u,\"window\":%u,\"loss\":%g,\"ramp_s\":%g}\n",
			       cfg.clients, (unsigned long long)st.booted, (unsigned long long)st.failed,
			       (unsigned long long)unfinished, el, el > 0 ? (double)st.booted / el : 0,
			       el > 0 ? (double)st.data_bytes * 8 / el / 1e9 : 0,
			       el > 0 ? (double)st.data_pkts / el : 0, p50, p99, pmax,
			       (unsigned long long)st.client_retx, (unsigned long long)st.dhcp_retx,
			       (unsigned long long)st.tftp_retx, (unsigned long long)st.server_dups,
			       (unsigned long long)st.gaps, (unsigned long long)st.dhcp_done,
			       (unsigned long long)st.data_pkts, (unsigned long long)st.data_bytes,
			       (unsigned long long)st.files_done, (unsigned long long)st.lost_rx,
			       (unsigned long long)st.lost_tx, (unsigned long long)st.rx_frames,
			       (unsigned long long)st.tx_frames, (unsigned long long)st.tftp_errors,
			       (unsigned long long)st.dhcp_naks, (unsigned long long)st.size_mismatch,
			       (unsigned long long)st.fail_timeout, (unsigned long long)st.fail_error,
			       (unsigned long long)st.arp_replies, (unsigned long long)st.na_replies,
			       (unsigned long long)st.rx_malformed, (unsigned long long)st.rx_ignored,
			       cfg.v6 ? "true" : "false", (unsigned long long)tx_errors,
			       (unsigned long long)rx_trunc, (unsigned long long)sock_drops, gen_cpu,
			       cpu0 >= 0 && cpu1 >= cpu0 ? (double)(cpu1 - cpu0) / 1e9 : -1.0, timed_out ? "true" : "false", cfg.blksize,
			       cfg.window, cfg.loss, cfg.ramp_s);
		} else {
			printf("clients %u booted %llu failed %llu unfinished %llu in %.3f s: %.2f boots/s, "
			       "%.4f Gbit/s, %.0f DATA/s; time to boot p50 %.1f ms p99 %.1f ms max %.1f ms; "
			       "client retx %llu, server dups %llu, lost rx/tx %llu/%llu%s\n",
			       cfg.clients, (unsigned long long)st.booted, (unsigned long long)st.failed,
			       (unsigned long long)unfinished, el, el > 0 ? (double)st.booted / el : 0,
			       el > 0 ? (double)st.data_bytes * 8 / el / 1e9 : 0,
			       el > 0 ? (double)st.data_pkts / el : 0, p50, p99, pmax,
			       (unsigned long long)st.client_retx, (unsigned long long)st.server_dups,
			       (unsigned long long)st.lost_rx, (unsigned long long)st.lost_tx,
			       timed_out ? " (TIMED OUT)" : "");
		}
	}
	close(fd);
	rc = st.booted == cfg.clients ? 0 : 1;
	storm_free(s);
	return rc;
}
