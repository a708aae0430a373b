/* api_json: JSON text for what leaves the console (the subcommands' output lines) and small reads
 * of JSON the API sent, so that no module outside the API module handles cJSON trees.
 * Every string (and key) of an output line goes through text_sanitize. */
#ifndef CATENA_CORE_API_JSON_H
#define CATENA_CORE_API_JSON_H

#include "core/api.h"

#include <stdbool.h>
#include <stddef.h>

/* A JSON object being built (or read back from text and amended). */
typedef struct api_json_obj api_json_obj;

api_json_obj *api_json_obj_new(void);
/* Parses an object text; NULL when it is not a JSON object. */
api_json_obj *api_json_obj_parse(const char *text, size_t len);
/* Members: a NULL string is added as null. A number that is not finite is added as null. */
void api_json_add_str(api_json_obj *o, const char *key, const char *value);
void api_json_add_num(api_json_obj *o, const char *key, double value);
void api_json_add_bool(api_json_obj *o, const char *key, bool value);
void api_json_add_null(api_json_obj *o, const char *key);
bool api_json_has(const api_json_obj *o, const char *key);
/* One compact line, every string sanitized (heap, caller frees); frees o. */
char *api_json_obj_line(api_json_obj *o);
/* The compact text as is (request bodies; heap); frees o. */
char *api_json_obj_text(api_json_obj *o);
void api_json_obj_free(api_json_obj *o);

/* A JSON text as one sanitized compact line (heap), NULL when it is not JSON. */
char *api_json_line(const char *text, size_t len);
/* The string member key of a JSON object text into out ("" when missing or not a string).
 * Returns 0, or -1 when the text is not a JSON object. */
int api_json_get_str(const char *text, size_t len, const char *key, char *out, size_t cap);
/* Calls each for every string member of a JSON object text, in order; -1 when not an object. */
int api_json_each_str(const char *text, void (*each)(void *ud, const char *key, const char *value), void *ud);
/* The text pretty-printed, one tab a level (heap), NULL when it is not JSON. Not sanitized. */
char *api_json_pretty(const char *text);

/* One item of a list, as the subcommands print it. */
typedef struct api_list_line {
    const char *line;   /* the item as one sanitized compact JSON line */
    const char *id;     /* its "id" ("" when none) */
    const char *status; /* its "status" ("" when none) */
} api_list_line;

/* Every item of a list (path_query from api_list_path or the like), pumped to completion on the
 * api's loop; each runs per item in order. Returns API_OK, or the failure with *err (heap, one
 * line) saying what went wrong and what was kept. */
api_status api_list_lines_run(api *a, const char *path_query, int page_size, const volatile int *stop,
                              void (*each)(void *ud, const api_list_line *item), void *ud, char **err);

#endif
