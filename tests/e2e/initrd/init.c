/*
 * Minimal /init for the e2e test initrd (built by tests/e2e/fetch-linux.sh
 * with `gcc -static -Os`). It proves that a kernel and initrd served by
 * bootfarm actually booted: it prints one line naming the running kernel and
 * the kernel command line on /dev/console, then powers the machine off so
 * QEMU (-no-reboot) exits on its own.
 *
 * Output, on one line:
 *   bootfarm-initrd: init running on Linux <release> cmdline: <cmdline>
 *
 * Needs nothing but the /dev/console (5,1) node and an empty /proc in the
 * initrd. Never returns: PID 1 exiting would panic the kernel.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

static void put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

int main(void)
{
	char line[4096 + 512], cmdline[4096] = "?";
	struct utsname u;
	int con, fd;

	/* The kernel normally hands PID 1 /dev/console as fds 0-2, but open it
	 * explicitly so output works even if that failed. */
	con = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (con < 0)
		con = 1;

	if (uname(&u) != 0)
		strcpy(u.release, "?");

	if (mount("proc", "/proc", "proc", 0, NULL) == 0) {
		fd = open("/proc/cmdline", O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
			if (n > 0) {
				cmdline[n] = '\0';
				cmdline[strcspn(cmdline, "\n")] = '\0';
			}
			close(fd);
		}
	} else {
		strcpy(cmdline, "? (mount /proc failed)");
	}

	snprintf(line, sizeof(line),
		 "bootfarm-initrd: init running on Linux %s cmdline: %s\n",
		 u.release, cmdline);
	put(con, line);
	put(con, "bootfarm-initrd: powering off\n");

	sync();
	reboot(RB_POWER_OFF);
	/* Only reached if reboot() failed (e.g. not PID 1): idle forever rather
	 * than exit, which would panic the kernel. */
	put(con, "bootfarm-initrd: reboot(RB_POWER_OFF) failed\n");
	for (;;)
		pause();
}
