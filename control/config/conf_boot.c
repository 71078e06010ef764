/* SPDX-License-Identifier: MIT */
/*
 * What clients boot: images (the files and contents TFTP and HTTP serve) and
 * the lookups by image name that hosts' boot files, boot rules, the PXE menu
 * and mtftp go through; per-client templates; the PXE menu; boot rules.
 */
#include "control/config/conf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bf_pxe.h"
#include "bf_template.h"
#include "bf_tftp.h"

static int
name_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

bool
conf_image_known(const struct name_ref *names, size_t n, const char *file)
{
	char canon[BF_TFTP_MAX_NAME + 1];

	if (bf_tftp_canon_name(file, strlen(file), canon, sizeof(canon)) < 0)
		return false;
	struct name_ref key = {canon, 0};
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(names[mid].name, key.name);
		if (!r)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A boot file must be a configured image or a URL ("://"). */
int
conf_boot_file_check(struct ld *ld, const char *path, const char *file,
		     const struct name_ref *names, size_t n_names)
{
	if (!file[0] || !conf_printable(file))
		return conf_fail_node(ld, path, false, "invalid boot file name '%s'",
				      conf_shows(ld, file));
	if (strstr(file, "://") || conf_image_known(names, n_names, file))
		return 0;
	return conf_fail_node(ld, path, false,
			      "boot file '%s' is not a configured image (nor a URL)",
			      conf_shows(ld, file));
}

static int
image_file(struct ld *ld, size_t i, const char *file, char **out)
{
	const char *path = conf_pathf(ld, "images[%zu].file", i);
	struct stat st;
	char *abs;
	int fd;

	if (!file[0])
		return conf_fail_node(ld, path, false, "invalid value for 'file': empty");
	abs = file[0] == '/' ? strdup(file) : conf_join_path(ld->dir, file);
	if (!abs)
		return conf_fail_at(ld, 1, 1, "out of memory");
	fd = open(abs, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		conf_fail_node(ld, path, false, "cannot open image file '%s' (%s)",
			       conf_shows(ld, abs), strerror(e));
		free(abs);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		conf_fail_node(ld, path, false, "image file '%s' is not a regular file",
			       conf_shows(ld, abs));
		close(fd);
		free(abs);
		return -1;
	}
	close(fd);
	*out = abs;
	return 0;
}

int
conv_images(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, struct name_ref **names_out)
{
	struct name_ref *names;
	size_t n = y->images_count;

	c->images = calloc(n ? n : 1, sizeof(*c->images));
	names = calloc(n ? n : 1, sizeof(*names));
	if (!c->images || !names) {
		free(names);
		return conf_fail_at(ld, 1, 1, "out of memory");
	}
	c->n_images = n;
	*names_out = names;
	for (size_t i = 0; i < n; i++) {
		const struct y_image *yi = &y->images[i];
		struct ctl_conf_image *ci = &c->images[i];
		char canon[BF_TFTP_MAX_NAME + 1];
		int cl = bf_tftp_canon_name(yi->name, strlen(yi->name), canon, sizeof(canon));

		if (cl < 0)
			return conf_fail_node(
			    ld, conf_pathf(ld, "images[%zu].name", i), false,
			    "invalid image name '%s' (empty, a '..' component, '\\' "
			    "or control characters)",
			    conf_shows(ld, yi->name));
		if ((size_t)cl >= sizeof(ci->name))
			return conf_fail_node(ld, conf_pathf(ld, "images[%zu].name", i), false,
					      "image name '%s' too long (at most %d characters)",
					      conf_shows(ld, yi->name), CTL_MAX_NAME - 1);
		memcpy(ci->name, canon, (size_t)cl + 1);
		names[i] = (struct name_ref){ci->name, i};
		if (!yi->file == !yi->content) {
			if (yi->file)
				return conf_fail_node(ld, conf_pathf(ld, "images[%zu].content", i),
						      true,
						      "image '%s' has both 'file' and 'content' "
						      "(exactly one is needed)",
						      ci->name);
			return conf_fail_node(ld, conf_pathf(ld, "images[%zu]", i), false,
					      "image '%s' needs 'file' or 'content'", ci->name);
		}
		if (yi->content) {
			ci->content_len = strlen(yi->content);
			ci->content = malloc(ci->content_len + 1);
			if (!ci->content)
				return conf_fail_at(ld, 1, 1, "out of memory");
			memcpy(ci->content, yi->content, ci->content_len + 1);
		} else if (image_file(ld, i, yi->file, &ci->path)) {
			return -1;
		}
	}
	if (n > 1) {
		size_t dup = SIZE_MAX, first = 0;
		qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 1; i < n; i++) {
			if (strcmp(names[i].name, names[i - 1].name))
				continue;
			if (names[i].ord < dup) {
				dup = names[i].ord;
				first = names[i - 1].ord;
			}
		}
		if (dup != SIZE_MAX) {
			unsigned l = conf_node_line(ld, conf_pathf(ld, "images[%zu]", first));
			return conf_fail_node(ld, conf_pathf(ld, "images[%zu].name", dup), false,
					      "duplicate image name '%s' (first at line %u)",
					      c->images[dup].name, l);
		}
	}
	return 0;
}

/* Read a small text file (a template) whole; NULL on failure (errno set). */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	buf = malloc((1u << 20) + 1);
	size_t n = buf ? fread(buf, 1, 1u << 20, f) : 0;
	if (buf && (ferror(f) || !feof(f))) { /* unreadable, or over 1 MiB */
		free(buf);
		buf = NULL;
		errno = EFBIG;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

/* Per-client boot file templates: placeholders checked here, rendered per client. */
int
conv_templates(struct ld *ld, const struct y_conf *y, struct ctl_conf *c)
{
	if (!(c->templates = conf_list(ld, y->templates_count, sizeof(*c->templates))))
		return -1;
	for (size_t i = 0; i < y->templates_count; i++) {
		const struct y_image *yt = &y->templates[i];
		struct ctl_conf_template *t = &c->templates[i];
		size_t bad;

		if (!yt->file == !yt->content)
			return conf_fail_node(
			    ld, conf_pathf(ld, "templates[%zu]", i), false,
			    "template '%s' needs exactly one of 'file' and 'content'",
			    conf_shows(ld, yt->name));
		if (strlen(yt->name) >= sizeof(t->name) ||
		    bf_template_check(yt->name, strlen(yt->name), &bad))
			return conf_fail_node(
			    ld, conf_pathf(ld, "templates[%zu].name", i), false,
			    "template name '%s': unknown or unclosed placeholder, or "
			    "too long",
			    conf_shows(ld, yt->name));
		snprintf(t->name, sizeof(t->name), "%s", yt->name);
		c->n_templates++;
		if (yt->content) {
			t->len = strlen(yt->content);
			t->content = strdup(yt->content);
		} else {
			char *abs = yt->file[0] == '/' ? strdup(yt->file)
						       : conf_join_path(ld->dir, yt->file);
			t->content = abs ? slurp(abs, &t->len) : NULL;
			int e = errno;
			if (!t->content) {
				conf_fail_node(ld, conf_pathf(ld, "templates[%zu].file", i), false,
					       "cannot read template file '%s' (%s)",
					       conf_shows(ld, abs ? abs : ""), strerror(e));
				free(abs);
				return -1;
			}
			free(abs);
		}
		if (!t->content)
			return conf_fail_at(ld, 1, 1, "out of memory");
		if (bf_template_check(t->content, t->len, &bad))
			return conf_fail_node(
			    ld,
			    conf_pathf(ld, "templates[%zu].%s", i,
				       yt->content ? "content" : "file"),
			    false,
			    "template '%s': unknown or unclosed placeholder at byte %zu "
			    "('{{' is a literal '{')",
			    conf_shows(ld, yt->name), bad);
	}
	return 0;
}

/* The PXE menu; its option 43 must fit one option (ROMs do not join split ones). */
int
conv_pxe(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	 size_t n_names)
{
	const struct y_pxe *yp = y->pxe;
	struct bf_pxe_opts po;
	uint8_t enc[1024];
	uint64_t v;

	if (!yp)
		return 0;
	if (conf_num(ld, "pxe.timeout", yp->timeout, 10, 0, 255, &v))
		return -1;
	c->pxe.timeout = (uint8_t)v;
	snprintf(c->pxe.prompt, sizeof(c->pxe.prompt), "%s", yp->prompt ? yp->prompt : "");
	if (yp->multicast_discovery) {
		if (conf_ip_at(ld, "pxe.multicast_discovery", yp->multicast_discovery,
			       &c->pxe.mcast))
			return -1;
		if ((c->pxe.mcast >> 28) != 0xe)
			return conf_fail_node(ld, "pxe.multicast_discovery", false,
					      "'%s' is not a multicast address (224.0.0.0/4), e.g. "
					      "224.0.1.2",
					      conf_shows(ld, yp->multicast_discovery));
		po.has_mcast_addr = true;
	}
	if (!(c->pxe.items = conf_list(ld, yp->menu_count, sizeof(*c->pxe.items))))
		return -1;
	c->pxe.n_items = yp->menu_count;
	memset(&po, 0, sizeof(po));
	for (size_t i = 0; i < yp->menu_count; i++) {
		const struct y_pxe_item *yi = &yp->menu[i];
		struct ctl_conf_pxe_item *it = &c->pxe.items[i];
		if (conf_num(ld, conf_pathf(ld, "pxe.menu[%zu].type", i), yi->type, 0, 0, 65535,
			     &v))
			return -1;
		it->type = (uint16_t)v;
		for (size_t j = 0; j < i; j++)
			if (c->pxe.items[j].type == it->type)
				return conf_fail_node(
				    ld, conf_pathf(ld, "pxe.menu[%zu].type", i), false,
				    "menu type %u is already used by item %zu", it->type, j);
		snprintf(it->text, sizeof(it->text), "%s", yi->text);
		if (it->type && !yi->file)
			return conf_fail_node(ld, conf_pathf(ld, "pxe.menu[%zu]", i), false,
					      "menu item of type %u needs a 'file' (only type 0, "
					      "local boot, has none)",
					      it->type);
		if (it->type) {
			if (conf_boot_file_check(ld, conf_pathf(ld, "pxe.menu[%zu].file", i),
						 yi->file, names, n_names))
				return -1;
			snprintf(it->file, sizeof(it->file), "%s", yi->file);
		}
		po.menu[po.n_menu].type = it->type;
		po.menu[po.n_menu].len = (uint8_t)strlen(it->text);
		memcpy(po.menu[po.n_menu].text, it->text, strlen(it->text) + 1);
		if (it->type && po.n_servers < BF_PXE_MAX_SERVER_TYPES) {
			po.servers[po.n_servers].type = it->type;
			po.servers[po.n_servers].n_ip = 1;
			po.n_servers++;
		}
		po.n_menu++;
	}
	po.has_discovery_control = true;
	po.has_mtftp = y->mtftp && !(y->mtftp->enabled && !*y->mtftp->enabled); /* 19 bytes */
	po.has_prompt = c->pxe.prompt[0] != 0;
	po.prompt_len = (uint8_t)strlen(c->pxe.prompt);
	memcpy(po.prompt, c->pxe.prompt, po.prompt_len);
	int n = bf_pxe_encode(&po, enc, sizeof(enc));
	if (n < 0 || n > 255)
		return conf_fail_node(
		    ld, "pxe", false,
		    "the PXE menu needs %d bytes of option 43; PXE ROMs take at most "
		    "255: shorten texts or the prompt, or use fewer items",
		    n < 0 ? (int)sizeof(enc) : n);
	return 0;
}

int
conv_rules(struct ld *ld, const struct y_conf *y, struct ctl_conf *c, const struct name_ref *names,
	   size_t n_names)
{
	if (!(c->rules = conf_list(ld, y->boot_count, sizeof(*c->rules))))
		return -1;
	c->n_rules = y->boot_count;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct y_rule *yr = &y->boot[i];
		struct ctl_conf_boot_rule *r = &c->rules[i];

		if (yr->name) {
			if (!yr->name[0] || !conf_printable(yr->name))
				return conf_fail_node(ld, conf_pathf(ld, "boot[%zu].name", i),
						      false, "invalid rule name '%s'",
						      conf_shows(ld, yr->name));
			snprintf(r->name, sizeof(r->name), "%s", yr->name);
		} else {
			snprintf(r->name, sizeof(r->name), "rule%zu", i);
		}
		r->ipxe = (int8_t)(yr->ipxe ? (*yr->ipxe ? 1 : 0) : -1);
		for (unsigned j = 0; j < yr->arch_count; j++) {
			if (yr->arch[j] > UINT16_MAX)
				return conf_fail_node(
				    ld, conf_pathf(ld, "boot[%zu].arch[%u]", i, j), false,
				    "'arch' codes must be between 0 and 65535, got %" PRIu64,
				    yr->arch[j]);
			r->arch[j] = (uint16_t)yr->arch[j];
		}
		r->n_arch = (uint8_t)yr->arch_count;
		if (yr->vendor_class) {
			if (!yr->vendor_class[0] || !conf_printable(yr->vendor_class))
				return conf_fail_node(
				    ld, conf_pathf(ld, "boot[%zu].vendor_class", i), false,
				    "invalid vendor_class '%s'", conf_shows(ld, yr->vendor_class));
			snprintf(r->vendor_prefix, sizeof(r->vendor_prefix), "%s",
				 yr->vendor_class);
		}
		if (conf_boot_file_check(ld, conf_pathf(ld, "boot[%zu].file", i), yr->file, names,
					 n_names))
			return -1;
		snprintf(r->file, sizeof(r->file), "%s", yr->file);
		if (yr->next_server && conf_ip_at(ld, conf_pathf(ld, "boot[%zu].next_server", i),
						  yr->next_server, &r->next_server))
			return -1;
		for (unsigned k = 0; yr->params && k < yr->params_count; k++) {
			if (!conf_printable(yr->params[k]))
				return conf_fail_node(
				    ld, conf_pathf(ld, "boot[%zu].params[%u]", i, k), false,
				    "invalid boot parameter '%s'", conf_shows(ld, yr->params[k]));
			snprintf(r->params[k], sizeof(r->params[k]), "%s", yr->params[k]);
			r->n_params++;
		}
	}
	return 0;
}
