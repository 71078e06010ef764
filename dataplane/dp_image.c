/* SPDX-License-Identifier: MIT */
/*
 * Boot images in hugepage memory (rte_malloc), refcounted so that a snapshot
 * swap never cuts a transfer: every snapshot holding an image and every TFTP
 * session reading it holds one reference. The last put frees it, from
 * whichever thread that is (rte_free is thread-safe). Per-packet code never
 * touches the refcount; only session start and end do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "dp.h"
#include "shared/bf_csum.h"
#include "shared/bf_hash.h"

/* Images this size or smaller also get a netascii form (RFC 1350 mode). */
#define DP_NETASCII_MAX (4u << 20)

/* LF -> CR LF, CR -> CR NUL (RFC 1350 / Telnet NVT); text files only need it. */
static void
make_netascii(struct dp_image *img)
{
	uint64_t extra = 0;
	if (img->len > DP_NETASCII_MAX)
		return;
	for (uint64_t i = 0; i < img->len; i++)
		extra += img->data[i] == '\n' || img->data[i] == '\r';
	uint8_t *a = rte_malloc("bf_img_ascii", img->len + extra + 1, 0);
	if (!a)
		return;
	uint64_t o = 0;
	for (uint64_t i = 0; i < img->len; i++) {
		uint8_t c = img->data[i];
		if (c == '\n') {
			a[o++] = '\r';
			a[o++] = '\n';
		} else if (c == '\r') {
			a[o++] = '\r';
			a[o++] = '\0';
		} else {
			a[o++] = c;
		}
	}
	img->ascii = a;
	img->ascii_len = o;
}

/*
 * Block sizes whose per-block checksums are computed at load: the 512 default,
 * the largest that fit a 1500-byte frame (IPv4 1468, IPv6 1448) and what common
 * firmware asks for (iPXE 1432, EDK2 1468, pxelinux 1408/1456, 1428, 1024).
 * Other sizes are still zero-copy; the worker then sums the block itself.
 */
static const uint16_t csum_blksizes[DP_CSUM_TABS] = {512, 1024, 1408, 1428, 1432, 1448, 1456, 1468};

static void
make_csums(struct dp_image *img)
{
	for (unsigned t = 0; t < DP_CSUM_TABS; t++) {
		uint16_t bs = csum_blksizes[t];
		uint64_t nb = img->len / bs + 1; /* the last block may be short or empty */
		uint16_t *sum = rte_malloc("bf_img_csum", nb * sizeof(*sum), 0);
		if (!sum)
			continue; /* no table: the worker sums these blocks itself */
		for (uint64_t b = 0; b < nb; b++) {
			uint64_t off = b * bs;
			uint64_t n = img->len - off < bs ? img->len - off : bs;
			sum[b] = bf_csum_fold(bf_csum_add(0, img->data + off, n));
		}
		img->csum[t].sum = sum;
		img->csum[t].blksize = bs;
	}
}

static void
image_free_final(struct dp_image *img)
{
	for (unsigned t = 0; t < DP_CSUM_TABS; t++)
		rte_free((void *)img->csum[t].sum);
	rte_free(img->zc);
	rte_free((void *)img->data);
	rte_free((void *)img->ascii);
	free(img->path);
	free(img);
}

/* The last DATA mbuf of one worker's in flight has been freed (by a PMD, on any core). */
static void
zc_free_cb(void *addr, void *opaque)
{
	struct dp_image *img = opaque;
	(void)addr;
	if (__atomic_sub_fetch(&img->zc_live, 1, __ATOMIC_ACQ_REL) == 0)
		image_free_final(img);
}

/* Called once the bytes are in place: IOVAs, checksum tables, netascii, digest. */
static void
image_ready(struct dp_image *img)
{
	img->content_hash = bf_fnv1a64(img->data, img->len, BF_FNV64_INIT);
	make_netascii(img);
	if (!img->len)
		return;
	img->iova = rte_malloc_virt2iova(img->data);
	if (img->ascii)
		img->ascii_iova = rte_malloc_virt2iova(img->ascii);
	make_csums(img);
}

static struct dp_image *
image_new(const char *name, uint64_t len)
{
	struct dp_image *img = calloc(1, sizeof(*img));
	if (!img)
		return NULL;
	snprintf(img->name, sizeof(img->name), "%s", name);
	img->len = len;
	img->refcnt = 1;
	if (len) {
		img->data = rte_malloc("bf_img", len, RTE_CACHE_LINE_SIZE);
		img->zc = rte_zmalloc("bf_img_zc", sizeof(*img->zc) * DP_MAX_WORKERS,
				      RTE_CACHE_LINE_SIZE);
		if (!img->data || !img->zc) {
			rte_free((void *)img->data);
			rte_free(img->zc);
			free(img);
			return NULL;
		}
		for (unsigned i = 0; i < DP_MAX_WORKERS; i++) {
			img->zc[i].sh.free_cb = zc_free_cb;
			img->zc[i].sh.fcb_opaque = img;
			rte_mbuf_ext_refcnt_set(&img->zc[i].sh, 1);
		}
		img->zc_live = DP_MAX_WORKERS;
	}
	return img;
}

struct dp_image *
dp_image_load_mem(const char *name, const void *buf, size_t len)
{
	struct dp_image *img = image_new(name, len);
	if (!img)
		return NULL;
	if (len)
		memcpy((uint8_t *)img->data, buf, len);
	image_ready(img);
	return img;
}

struct dp_image *
dp_image_load_file(const char *name, const char *path, char *err, size_t errlen)
{
	struct stat st;
	struct dp_image *img = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "image %s: cannot read %s (%s)", name, path,
			 fd < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	img = image_new(name, (uint64_t)st.st_size);
	if (!img) {
		snprintf(err, errlen, "image %s: no memory for %lld bytes (hugepages?)", name,
			 (long long)st.st_size);
		goto out;
	}
	uint64_t got = 0;
	while (got < img->len) {
		ssize_t n = read(fd, (uint8_t *)img->data + got, img->len - got);
		if (n <= 0) {
			snprintf(err, errlen, "image %s: short read from %s", name, path);
			img->refcnt = 1;
			dp_image_put(img);
			img = NULL;
			goto out;
		}
		got += (uint64_t)n;
	}
	img->path = strdup(path);
	img->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	image_ready(img);
out:
	if (fd >= 0)
		close(fd);
	return img;
}

void
dp_image_get(struct dp_image *img)
{
	__atomic_add_fetch(&img->refcnt, 1, __ATOMIC_RELAXED);
}

void
dp_image_put(struct dp_image *img)
{
	if (!img || __atomic_sub_fetch(&img->refcnt, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (!img->zc) {
		image_free_final(img);
		return;
	}
	/* Drop the image's own reference in every worker's shared-info; DATA mbufs
	 * still queued somewhere keep the bytes until the PMD frees them. */
	for (unsigned i = 0; i < DP_MAX_WORKERS; i++)
		if (rte_mbuf_ext_refcnt_update(&img->zc[i].sh, -1) == 0)
			zc_free_cb(NULL, img);
}

static uint32_t
name_hash(const char *s)
{
	return (uint32_t)bf_fnv1a64(s, strlen(s), BF_FNV64_INIT);
}

int
dp_snap_index_images(struct dp_snap *s)
{
	uint32_t size = 16;
	while (size < s->n_images * 2)
		size <<= 1;
	s->img_slot = malloc(size * sizeof(*s->img_slot));
	if (!s->img_slot)
		return -1;
	for (uint32_t i = 0; i < size; i++)
		s->img_slot[i] = -1;
	s->img_mask = size - 1;
	for (uint32_t i = 0; i < s->n_images; i++) {
		uint32_t h = name_hash(s->images[i]->name) & s->img_mask;
		while (s->img_slot[h] >= 0)
			h = (h + 1) & s->img_mask;
		s->img_slot[h] = (int32_t)i;
	}
	return 0;
}

struct dp_image *
dp_snap_image(const struct dp_snap *s, const char *name)
{
	if (!s->img_slot)
		return NULL;
	uint32_t h = name_hash(name) & s->img_mask;
	while (s->img_slot[h] >= 0) {
		struct dp_image *img = s->images[s->img_slot[h]];
		if (strcmp(img->name, name) == 0)
			return img;
		h = (h + 1) & s->img_mask;
	}
	return NULL;
}

void
dp_snap_free(struct dp_snap *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->n_images; i++)
		dp_image_put(s->images[i]);
	free(s->images);
	free(s->img_slot);
	if (s->ctl_free)
		s->ctl_free(s->ctl);
	free(s);
}
