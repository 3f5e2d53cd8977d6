/* test_wizard_mask — the export wizard's mask model (tui/maskedit.c):
 * keyframe interpolation, moving and resizing inside the frame, keys made
 * by moving, time changes that drop keys, the numeric parsers, and the
 * specification text, which export/mask.c must read back to the same
 * canonical mask (what the editor shows is what is burned in). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export/export.h"
#include "tui/tui.h"
#include "util/util.h"

#define T0	INT64_C(1740823200000)	/* 2025-03-01T10:00:00Z */
#define END	(T0 + 60000)

static void
test_interpolation(void **state)
{
	struct maskedit_mask m;
	int32_t x, y;
	const char *why;

	(void)state;
	maskedit_init(&m, T0, END);
	assert_int_equal(m.x, 4000);
	assert_int_equal(m.w, 2000);
	maskedit_at(&m, T0 + 30000, &x, &y);
	assert_int_equal(x, 4000);
	/* A key at +10 s, moved to (0, 8000): half way at +5 s. */
	assert_int_equal(maskedit_key_add(&m, T0 + 10000, &why), 0);
	m.keys[0].x = 0;
	m.keys[0].y = 8000;
	maskedit_at(&m, T0 + 5000, &x, &y);
	assert_int_equal(x, 2000);
	assert_int_equal(y, 6000);
	/* Before from: at from; after the last key: there. */
	maskedit_at(&m, T0 - 1000, &x, &y);
	assert_int_equal(x, 4000);
	maskedit_at(&m, T0 + 50000, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 8000);
	/* Rounded to the nearest unit, also going back. */
	maskedit_at(&m, T0 + 1, &x, &y);
	assert_int_equal(x, 4000);
	maskedit_at(&m, T0 + 3, &x, &y);
	assert_int_equal(x, 3999);
	assert_int_equal(y, 4001);
	assert_true(maskedit_applies(&m, T0));
	assert_false(maskedit_applies(&m, END));
}

static void
test_move_resize(void **state)
{
	struct maskedit_mask m;
	const char *why;
	int32_t x, y;

	(void)state;
	maskedit_init(&m, T0, MASKEDIT_OPEN);
	/* No keys: the corner at from moves; kept inside the frame. */
	assert_int_equal(maskedit_move(&m, T0 + 20000, 100000, -100000), 0);
	assert_int_equal(m.x, 8000);
	assert_int_equal(m.y, 0);
	assert_int_equal(m.nkeys, 0);
	maskedit_resize(&m, 100000, 50);
	assert_int_equal(m.w, MASKEDIT_UNIT);
	assert_int_equal(m.h, 2050);
	assert_int_equal(m.x, 0);		/* moved in, never shrunk */
	maskedit_resize(&m, -100000, -100000);
	assert_int_equal(m.w, MASKEDIT_MIN);
	assert_int_equal(m.h, MASKEDIT_MIN);
	/* With a key, moving elsewhere makes another key there. */
	assert_int_equal(maskedit_key_add(&m, T0 + 10000, &why), 0);
	assert_int_equal(maskedit_move(&m, T0 + 20000, 500, 500), 0);
	assert_int_equal(m.nkeys, 2);
	assert_int_equal(m.keys[1].t_ms, T0 + 20000);
	maskedit_at(&m, T0 + 20000, &x, &y);
	assert_int_equal(x, 500);
	assert_int_equal(y, 500);
	/* Moving at a key moves that key only. */
	assert_int_equal(maskedit_move(&m, T0 + 10000, 100, 0), 0);
	assert_int_equal(m.nkeys, 2);
	assert_int_equal(m.keys[0].x, 100);
	assert_int_equal(m.keys[1].x, 500);
	/* At from: the corner, not a key. */
	assert_int_equal(maskedit_move(&m, T0, 300, 0), 0);
	assert_int_equal(m.x, 300);
	assert_int_equal(m.nkeys, 2);
	/* Keys in order; duplicates and the edges refused. */
	assert_int_equal(maskedit_key_add(&m, T0 + 15000, &why), 0);
	assert_int_equal(m.keys[1].t_ms, T0 + 15000);
	assert_int_equal(maskedit_key_add(&m, T0 + 15000, &why), -1);
	assert_int_equal(maskedit_key_add(&m, T0, &why), -1);
	assert_int_equal(maskedit_key_remove(&m, T0 + 15000), 0);
	assert_int_equal(maskedit_key_remove(&m, T0 + 15000), -1);
	assert_int_equal(m.nkeys, 2);
}

static void
test_set_time(void **state)
{
	struct maskedit_mask m;
	const char *why;
	size_t dropped;
	int32_t x, y;

	(void)state;
	maskedit_init(&m, T0, END);
	assert_int_equal(maskedit_key_add(&m, T0 + 10000, &why), 0);
	m.keys[0].x = 0;
	assert_int_equal(maskedit_key_add(&m, T0 + 40000, &why), 0);
	assert_int_equal(maskedit_set_time(&m, T0 + 5000, T0 + 30000,
	    &dropped), 0);
	assert_int_equal(dropped, 1);
	assert_int_equal(m.nkeys, 1);
	/* The corner at the new start is where the box was then. */
	maskedit_at(&m, T0 + 5000, &x, &y);
	assert_int_equal(x, 2000);
	assert_int_equal(m.x, 2000);
	assert_int_equal(maskedit_set_time(&m, T0, T0, &dropped), -1);
}

static void
test_parsers(void **state)
{
	int32_t v;
	int64_t t;

	(void)state;
	assert_int_equal(maskedit_parse_pct("12.5", &v), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(maskedit_parse_pct("12.25%", &v), 0);
	assert_int_equal(v, 1225);
	assert_int_equal(maskedit_parse_pct("100", &v), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(maskedit_parse_pct(".5", &v), 0);
	assert_int_equal(v, 50);
	assert_int_equal(maskedit_parse_pct("1.234", &v), -1);
	assert_int_equal(maskedit_parse_pct("", &v), -1);
	assert_int_equal(maskedit_parse_pct("1e3", &v), -1);
	assert_int_equal(maskedit_parse_pct("1000", &v), -1);
	assert_int_equal(maskedit_parse_pct("12.", &v), -1);
	assert_int_equal(maskedit_parse_pct("nan", &v), -1);

	assert_int_equal(maskedit_parse_time("+2", T0, 0, &t), 0);
	assert_true(t == T0 + 2000);
	assert_int_equal(maskedit_parse_time("+1:30.250", T0, 0, &t), 0);
	assert_true(t == T0 + 90250);
	assert_int_equal(maskedit_parse_time("+1:00:05", T0, 0, &t), 0);
	assert_true(t == T0 + 3605000);
	assert_int_equal(maskedit_parse_time("end", T0, 1, &t), 0);
	assert_true(t == MASKEDIT_OPEN);
	assert_int_equal(maskedit_parse_time("end", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("+1:5", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("+1:60", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("+", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("+1.", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("sometime", T0, 0, &t), -1);
	assert_int_equal(maskedit_parse_time("2025-03-01T10:00:07Z", T0, 0,
	    &t), 0);
	assert_true(t == T0 + 7000);
	/* One grammar (issue 14): what the export refuses, the editor
	 * refuses, and what it takes, the export takes. */
	{
		static const char *const times[] = { "+999999999:00:00",
		    "+1234567890", "+1.2345", "+1:30", "2025-03-01T10:00:07Z",
		    "1:30", "+-1" };
		char *why = NULL;
		int64_t e;
		size_t i;

		for (i = 0; i < sizeof times / sizeof times[0]; i++) {
			int ed = maskedit_parse_time(times[i], T0, 0, &t);
			int ex = mask_time(times[i], T0, &e, &why);

			free(why);
			why = NULL;
			if (times[i][0] == '+' || strchr(times[i], '-') != NULL) {
				assert_int_equal(ed, ex);
				if (ed == 0)
					assert_true(t == e);
			}
		}
		assert_int_equal(maskedit_parse_time("+999999999:00:00", T0, 0,
		    &t), -1);
	}
}

/* The editor's text, read by export/mask.c, comes back the same. */
static void
test_spec_round_trip(void **state)
{
	struct maskedit_mask m;
	struct mask_list *l;
	char spec[MASK_SPEC_MAX], *cause = NULL, *canon;
	const char *why;

	(void)state;
	maskedit_init(&m, T0, T0 + 30000);
	m.mode = MASKEDIT_PIXELATE;
	m.x = 1000;
	m.y = 2050;
	m.w = 3000;
	m.h = 2525;
	assert_int_equal(maskedit_key_add(&m, T0 + 10000, &why), 0);
	m.keys[0].x = 1500;
	m.keys[0].y = 2200;
	assert_int_equal(maskedit_format(&m, spec, sizeof spec), 0);
	assert_string_equal(spec, "pixelate:x=10%,y=20.5%,w=30%,h=25.25%,"
	    "from=2025-03-01T10:00:00.000Z,to=2025-03-01T10:00:30.000Z,"
	    "key=2025-03-01T10:00:10.000Z/15%/22%");
	l = mask_list_new(&cause);
	assert_non_null(l);
	assert_int_equal(mask_list_add(l, spec, T0, 0, 0, &cause), 0);
	canon = mask_format(l, 0, &cause);
	assert_non_null(canon);
	assert_string_equal(canon, "pixelate:x=10%,y=20.5%,w=30%,h=25.25%,"
	    "from=2025-03-01T10:00:00.000Z,to=2025-03-01T10:00:30.000Z,"
	    "key=2025-03-01T10:00:10.000Z/15%/22%");
	free(canon);
	/* Open end: no to. */
	maskedit_init(&m, T0, MASKEDIT_OPEN);
	assert_int_equal(maskedit_format(&m, spec, sizeof spec), 0);
	assert_string_equal(spec, "blur:x=40%,y=40%,w=20%,h=20%,"
	    "from=2025-03-01T10:00:00.000Z");
	assert_int_equal(mask_list_add(l, spec, T0, 0, 0, &cause), 0);
	assert_int_equal(mask_list_validate(l, T0, T0 + 60000, &cause), 0);
	/* Too small a buffer is said, not cut. */
	assert_int_equal(maskedit_format(&m, spec, 20), -1);
	mask_list_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_move_resize),
		cmocka_unit_test(test_set_time),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_spec_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
