/* fuzz_mask — the mask specification parser (export/mask.c) on arbitrary
 * text: no crash or leak, a refusal always says why, and whatever is
 * accepted reads back from its canonical form (mask_format()) to the same
 * mask and the same text, as man/masks.inc.txt promises. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "export/export_int.h"

/* The range start relative times count from: 2026-11-20T08:00:00Z. */
#define FUZZ_BASE_MS	INT64_C(1795161600000)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_fail(const char *what, const char *spec, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_mask: %s\n  spec: %s\n  first: %s\n  again: %s\n",
	    what, spec, a != NULL ? a : "(null)", b != NULL ? b : "(null)");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Times without an offset are local: the same zone every run. */
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mask_list *l, *again;
	const struct mask *a, *b;
	char *spec, *s1, *s2, *cause = NULL;
	size_t k;

	if ((spec = malloc(size + 1)) == NULL)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if ((l = mask_list_new(NULL)) == NULL)
		abort();
	if (mask_list_add(l, spec, FUZZ_BASE_MS, 1920, 1080, &cause) != 0) {
		if (cause == NULL)
			fuzz_fail("refused without a cause", spec, NULL, NULL);
		free(cause);
		mask_list_free(l);
		free(spec);
		return 0;
	}
	if ((s1 = mask_format(l, 0, NULL)) == NULL)
		fuzz_fail("accepted but not formatted", spec, NULL, NULL);
	/* The canonical form needs neither the frame size nor the base. */
	if ((again = mask_list_new(NULL)) == NULL)
		abort();
	if (mask_list_add(again, s1, FUZZ_BASE_MS + 12345, 0, 0, &cause) != 0)
		fuzz_fail("the canonical form is refused", spec, s1, cause);
	if ((s2 = mask_format(again, 0, NULL)) == NULL || strcmp(s1, s2) != 0)
		fuzz_fail("the canonical form reads back differently", spec, s1,
		    s2);
	a = &l->m[0];
	b = &again->m[0];
	if (a->mode != b->mode || a->x != b->x || a->y != b->y ||
	    a->w != b->w || a->h != b->h || a->from_ms != b->from_ms ||
	    a->to_ms != b->to_ms || a->nkeys != b->nkeys)
		fuzz_fail("the canonical form gives another mask", spec, s1, s2);
	for (k = 0; k < a->nkeys; k++) {
		if (a->keys[k].t_ms != b->keys[k].t_ms ||
		    a->keys[k].x != b->keys[k].x || a->keys[k].y != b->keys[k].y)
			fuzz_fail("the canonical form gives other keys", spec, s1,
			    s2);
	}
	if (a->x < 0 || a->x > 10000 || a->y < 0 || a->y > 10000 ||
	    a->w < 1 || a->w > 10000 || a->h < 1 || a->h > 10000 ||
	    a->to_ms <= a->from_ms)
		fuzz_fail("a mask out of bounds", spec, s1, NULL);
	(void)mask_list_validate(l, FUZZ_BASE_MS, FUZZ_BASE_MS + 60000, &cause);
	free(cause);
	free(s1);
	free(s2);
	mask_list_free(again);
	mask_list_free(l);
	free(spec);
	return 0;
}
