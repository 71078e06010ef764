/* SPDX-License-Identifier: MIT */
#include "control/ops/ctl_ops.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/ipv6.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void
set_sin(struct sockaddr *sa, uint32_t ip_host)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(ip_host)};
	memcpy(sa, &sin, sizeof(sin));
}

/* The tap is not the wire: duplicate address detection for our addresses is
 * the data path's job on the real link, so the kernel must not wait for its
 * own (a tentative address cannot be bound, e.g. by the HTTP server). */
static int
ip6_setup(const struct ctl_conf_iface *ci, char *err, size_t errlen)
{
	char path[128];
	struct in6_ifreq r6;
	int fd, sfd;

	if (!ci->n_ip6)
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", ci->kernel);
	bool dad_off = false;
	sfd = open(path, O_WRONLY | O_CLOEXEC);
	if (sfd >= 0) {
		dad_off = write(sfd, "0\n", 2) == 2;
		close(sfd);
	}
	if (!dad_off) {
		snprintf(err, errlen, "kernel interface %s: cannot turn DAD off (%s)", ci->kernel,
			 strerror(errno));
		return -1;
	}
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "kernel interface %s: IPv6 socket (%s)", ci->kernel,
			 strerror(errno));
		return -1;
	}
	memset(&r6, 0, sizeof(r6));
	r6.ifr6_ifindex = (int)if_nametoindex(ci->kernel);
	for (unsigned i = 0; i < ci->n_ip6; i++) {
		memcpy(&r6.ifr6_addr, ci->ip6[i].addr, 16);
		r6.ifr6_prefixlen = ci->ip6[i].prefix;
		if (ioctl(fd, SIOCSIFADDR, &r6) != 0 && errno != EEXIST) {
			char a[INET6_ADDRSTRLEN];
			inet_ntop(AF_INET6, ci->ip6[i].addr, a, sizeof(a));
			snprintf(err, errlen, "kernel interface %s: address %s/%u (%s)", ci->kernel, a,
				 ci->ip6[i].prefix, strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

int
ctl_kif_setup(const struct ctl_conf_iface *ci, char *err, size_t errlen)
{
	struct ifreq ifr;
	const char *step;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "kernel interface %s: socket (%s)", ci->kernel,
			 strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ci->kernel);
	step = "mtu";
	ifr.ifr_mtu = ci->mtu ? ci->mtu : 1500;
	if (ioctl(fd, SIOCSIFMTU, &ifr) != 0)
		goto fail;
	step = "address";
	set_sin(&ifr.ifr_addr, ci->ip4);
	if (ioctl(fd, SIOCSIFADDR, &ifr) != 0)
		goto fail;
	step = "netmask";
	set_sin(&ifr.ifr_netmask, ci->prefix4 ? ~0u << (32 - ci->prefix4) : 0);
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) != 0)
		goto fail;
	step = "flags";
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	close(fd);
	return ip6_setup(ci, err, errlen);
fail:
	snprintf(err, errlen, "kernel interface %s: setting %s (%s)", ci->kernel, step,
		 strerror(errno));
	close(fd);
	return -1;
}
