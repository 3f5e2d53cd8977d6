/* jtext — a jansson value as text in vigil's allocator: json_dumps()
 * allocates with jansson's functions, which must free what they
 * allocated, so every caller used to copy and free it itself. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/util.h"

char *
jtext_dump(json_t *obj, size_t flags)
{
	json_free_t jfree;
	char *text, *out;

	if (obj == NULL)
		return NULL;
	text = json_dumps(obj, flags);
	json_decref(obj);
	if (text == NULL)
		return NULL;
	out = strdup(text);
	json_get_alloc_funcs(NULL, &jfree);
	jfree(text);
	return out;
}
