/* SPDX-License-Identifier: MIT */
#include "ctl_kif.h"

#include <arpa/inet.h>
#include <errno.h>
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
	return 0;
fail:
	snprintf(err, errlen, "kernel interface %s: setting %s (%s)", ci->kernel, step,
		 strerror(errno));
	close(fd);
	return -1;
}
