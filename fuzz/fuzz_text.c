/* fuzz_text — UTF-8 validation, sanitising and time parsing on arbitrary
 * bytes: no crash, and sanitised text is always valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *clean;
	int64_t ms;

	clean = utf8_sanitize((const char *)data, size);
	if (!utf8_valid(clean, strlen(clean)))
		abort();
	if (utf8_valid((const char *)data, size) && memchr(data, 0, size) == NULL &&
	    memcmp(clean, data, size) != 0 && strpbrk(clean, "?") == NULL)
		abort();
	free(clean);
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)clock_parse(s, 0, &ms);
	free(s);
	return 0;
}
