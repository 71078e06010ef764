/* SPDX-License-Identifier: MIT */
/*
 * The control socket bootfarmctl talks to: a UNIX stream socket, one JSON
 * request line in, one JSON response line out. Served by the control thread
 * itself between its other work, so every command sees and changes state
 * with no lock: the lease manager and the slots have one writer.
 */
#ifndef CTL_SOCK_H
#define CTL_SOCK_H

#include <stddef.h>

struct ctl;
struct ctl_conf_control;

/* Bind cc->socket (mode 0600, or 0660 with cc->group). 0, or -1 and err. */
int ctl_sock_start(const struct ctl_conf_control *cc, char *err, size_t errlen);
/* Serve waiting connections (control thread). Returns requests served. */
unsigned ctl_sock_poll(struct ctl *c);
void ctl_sock_stop(void);

#endif
