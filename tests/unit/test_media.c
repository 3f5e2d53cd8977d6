/* test_media — export targets from a fixture mountinfo, a fake sysfs and a
 * fake by-label folder: removable disks and their partitions (by sysfs
 * link and by name), octal escapes and non-UTF-8 mount points, malformed
 * lines, and the configured export roots. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "export/export.h"
#include "util/util.h"

static char dir[64];

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
mk(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", dir, rel);
	assert_int_equal(system(cmd), 0);
}

static void
link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int
setup(void **state)
{
	char mnt[512], *info;
	int n;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/vigil-media.XXXXXX");
	assert_non_null(mkdtemp(dir));
	mk("sys/devices/pci0/block/sda/sda1");
	mk("sys/devices/pci0/block/sdb/sdb1");
	mk("sys/devices/pci0/block/sdb/sdb2");
	mk("sys/dev/block");
	mk("sys/block/mmcblk0");
	mk("sys/block/sdc");
	put("sys/devices/pci0/block/sda/removable", "0\n");
	put("sys/devices/pci0/block/sda/sda1/partition", "1\n");
	put("sys/devices/pci0/block/sdb/removable", "1\n");
	put("sys/devices/pci0/block/sdb/sdb1/partition", "1\n");
	put("sys/devices/pci0/block/sdb/sdb2/partition", "2\n");
	link_to("../../devices/pci0/block/sda/sda1", "sys/dev/block/8:1");
	link_to("../../devices/pci0/block/sdb/sdb1", "sys/dev/block/8:17");
	link_to("../../devices/pci0/block/sdb/sdb2", "sys/dev/block/8:18");
	put("sys/block/mmcblk0/removable", "1\n");
	put("sys/block/sdc/removable", "0\n");
	mk("dev/by-label");
	put("dev/sdb1", "");
	link_to("../sdb1", "dev/by-label/EVIDENCE\\x20USB");
	mk("mnt/USB STICK");
	mk("mnt/card");
	mk("mnt/caf\xe9");
	mk("mnt/fixed");
	mk("roots/a");

	/* Mount points with \040 and a raw byte 0351 (not UTF-8). */
	n = snprintf(mnt, sizeof mnt, "%s/mnt", dir);
	assert_true(n > 0);
	assert_true(asprintf(&info,
	    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
	    "30 26 8:1 / %s/fixed rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	    "31 26 8:17 / %s/USB\\040STICK rw,nosuid shared:5 master:2 - vfat "
	    "/dev/sdb1 rw,fmask=0022\n"
	    "garbage line without the separator\n"
	    "32 26 179:1 / %s/card rw - exfat /dev/mmcblk0p1 rw\n"
	    "33 26 8:18 / %s/caf\\351 rw - vfat /dev/sdb2 rw\n"
	    "34 26 8:32 / /somewhere rw - ext4 /dev/sdc rw\n"
	    "35 26 0:50 / %s/card/tmp rw - tmpfs tmpfs rw\n"
	    "36 26 x:y / /bad rw - vfat /dev/sdb1 rw\n",
	    mnt, mnt, mnt, mnt, mnt) != -1);
	put("mountinfo", info);
	free(info);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_unescape(void **state)
{
	char a[] = "a\\040b\\134c\\011d\\012", b[] = "x\\04", c[] = "\\000y";

	(void)state;
	assert_string_equal(media_unescape(a), "a b\\c\td\n");
	assert_string_equal(media_unescape(b), "x\\04");
	assert_string_equal(media_unescape(c), "\\000y");
}

static void
test_list(void **state)
{
	struct media_paths mp;
	struct media_target *v = NULL;
	char p[6][512], *cause = NULL;
	const char *roots[4];
	size_t n = 0;

	(void)state;
	snprintf(p[0], sizeof p[0], "%s/mountinfo", dir);
	snprintf(p[1], sizeof p[1], "%s/sys", dir);
	snprintf(p[2], sizeof p[2], "%s/dev/by-label", dir);
	snprintf(p[3], sizeof p[3], "%s/roots/a", dir);
	snprintf(p[4], sizeof p[4], "%s/roots/missing", dir);
	snprintf(p[5], sizeof p[5], "%s/mnt/USB STICK", dir);
	mp.mountinfo = p[0];
	mp.sysfs = p[1];
	mp.by_label = p[2];
	roots[0] = p[3];
	roots[1] = p[4];
	roots[2] = p[5];	/* already listed as a medium */
	roots[3] = NULL;
	assert_int_equal(media_list(&mp, roots, &v, &n, &cause), 0);
	assert_int_equal(n, 4);

	/* sdb1: removable through the sysfs link of its partition. */
	assert_string_equal(v[0].path, p[5]);
	assert_string_equal(v[0].label, "EVIDENCE USB");
	assert_string_equal(v[0].device, "/dev/sdb1");
	assert_string_equal(v[0].fstype, "vfat");
	assert_int_equal(v[0].removable, 1);
	assert_int_equal(v[0].writable, 1);
	assert_true(v[0].free_bytes > 0);
	assert_true(v[0].total_bytes >= v[0].free_bytes);

	/* mmcblk0p1: by name, no sysfs link. */
	assert_non_null(strstr(v[1].path, "/mnt/card"));
	assert_string_equal(v[1].label, "mmcblk0p1");
	assert_string_equal(v[1].device, "/dev/mmcblk0p1");

	/* A mount point that is not UTF-8: the path as it is, the label
	 * shown safely (no label: the device). */
	assert_non_null(strstr(v[2].path, "/mnt/caf\xe9"));
	assert_string_equal(v[2].label, "sdb2");
	assert_true(v[2].free_bytes > 0);

	assert_string_equal(v[3].path, p[3]);
	assert_string_equal(v[3].label, "export root");
	assert_int_equal(v[3].removable, 0);
	assert_string_equal(v[3].device, "");
	media_list_free(v, n);

	/* A read-only folder is listed as not writable (unless root, who
	 * may write anyway). */
	assert_int_equal(chmod(p[3], 0555), 0);
	roots[1] = NULL;
	mp.mountinfo = "/dev/null";
	assert_int_equal(media_list(&mp, roots, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].writable, geteuid() == 0 ? 1 : 0);
	media_list_free(v, n);
	chmod(p[3], 0755);
}

static void
test_missing_mountinfo(void **state)
{
	struct media_paths mp = { "/nonexistent/mountinfo", NULL, NULL };
	struct media_target *v = NULL;
	char *cause = NULL;
	size_t n = 7;

	(void)state;
	assert_int_equal(media_list(&mp, NULL, &v, &n, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/mountinfo"));
	assert_null(v);
	assert_int_equal(n, 0);
	free(cause);
}

/* The real system: never fails where /proc is mounted. */
static void
test_real(void **state)
{
	struct media_target *v = NULL;
	size_t n = 0, i;
	char *cause = NULL;

	(void)state;
	assert_int_equal(media_list(NULL, NULL, &v, &n, &cause), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i].removable, 1);
	media_list_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_missing_mountinfo),
		cmocka_unit_test(test_real),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
