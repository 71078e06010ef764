/* SPDX-License-Identifier: MIT */
/* Per-client boot file templates (shared/bf_template.c): exact output, bad input refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "shared/bf_template.h"

static const uint8_t uuid[16] = {0x8c, 0x8c, 0x6f, 0x7e, 0, 0x11, 0x22, 0x33,
				 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};

static struct bf_tvars
vars(void)
{
	struct bf_tvars v = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, 0xc0a8025b, 0xc0a80201,
			     "n011", 7, uuid};
	return v;
}

Test(template, every_placeholder)
{
	static const struct {
		const char *t, *want;
	} tab[] = {
	    {"{mac}", "52:54:00:12:34:56"},
	    {"pxelinux.cfg/01-{mac_hyphen}", "pxelinux.cfg/01-52-54-00-12-34-56"},
	    {"{mac_hex}.ipxe", "525400123456.ipxe"},
	    {"ip={ip}", "ip=192.168.2.91"},
	    {"pxelinux.cfg/{ip_hex}", "pxelinux.cfg/C0A8025B"}, /* pxelinux's own example */
	    {"hostname={hostname}", "hostname=n011"},
	    {"arch {arch}", "arch 7"},
	    {"{uuid}", "8c8c6f7e00112233445566778899aabb"},
	    {"tftp://{server}/x", "tftp://192.168.2.1/x"},
	    {"{{literal}", "{literal}"},
	    {"no placeholders at all\n", "no placeholders at all\n"},
	    {"", ""},
	};
	char out[256];
	struct bf_tvars v = vars();

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t bad;
		cr_assert_eq(bf_template_check(tab[i].t, strlen(tab[i].t), &bad), 0, "%s", tab[i].t);
		int n = bf_template_render(tab[i].t, strlen(tab[i].t), &v, out, sizeof(out));
		cr_assert_eq(n, (int)strlen(tab[i].want), "%s", tab[i].t);
		cr_assert_str_eq(out, tab[i].want);
	}
}

Test(template, unknown_values_render_empty)
{
	struct bf_tvars v = vars();
	char out[64];
	v.arch = -1;
	v.uuid = NULL;
	v.hostname = "";
	cr_assert_eq(bf_template_render("[{arch}][{uuid}][{hostname}]", 28, &v, out, sizeof(out)), 6);
	cr_assert_str_eq(out, "[][][]");
}

Test(template, malformed_refused_with_position)
{
	static const struct {
		const char *t;
		size_t off;
	} bad[] = {
	    {"{nope}", 0}, {"a {mac", 2}, {"ab {}", 3}, {"x{mac}{MAC}", 6},
	    {"{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}", 0}, {"{ mac}", 0},
	};
	char out[64];
	struct bf_tvars v = vars();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t off = 999;
		cr_assert_eq(bf_template_check(bad[i].t, strlen(bad[i].t), &off), -1, "%s", bad[i].t);
		cr_assert_eq(off, bad[i].off, "%s: offset %zu", bad[i].t, off);
		cr_assert_eq(bf_template_render(bad[i].t, strlen(bad[i].t), &v, out, sizeof(out)), -1);
	}
}

Test(template, output_bound)
{
	struct bf_tvars v = vars();
	char out[18];
	/* 17 characters fit in 18 bytes with the NUL; one more does not. */
	cr_assert_eq(bf_template_render("{mac}", 5, &v, out, sizeof(out)), 17);
	cr_assert_eq(bf_template_render("{mac}x", 6, &v, out, sizeof(out)), -1);
	cr_assert_eq(bf_template_render("x", 1, &v, out, 1), -1);
}
