/* params: typed query-parameter readers that report problems the way the API does (422 detail[]). */
#ifndef CATENA_EMU_PARAMS_H
#define CATENA_EMU_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/uuid.h"
#include "http_msg.h"

#define PARAM_MAX_LIST 100

/* size: 1..1000, default 300. */
int param_size(const query_args *q, problem_list *p);
/* Optional boolean: -1 absent, 0 false, 1 true. */
int param_bool(const query_args *q, const char *key, problem_list *p);
/* Optional uuid; returns true if present and valid. */
bool param_uuid(const query_args *q, const char *key, problem_list *p, uuid *out);
/* Repeated uuid values (max 100); returns count, *out malloc'd (NULL when 0). */
size_t param_uuid_list(const query_args *q, const char *key, problem_list *p, uuid **out);
/* Repeated string values (max 100); *out malloc'd array of pointers into q. */
size_t param_str_list(const query_args *q, const char *key, problem_list *p, const char ***out);
/* Optional date-time; returns true if present and valid. */
bool param_datetime(const query_args *q, const char *key, problem_list *p, int64_t *out);
/* Optional enum value; returns the value or NULL (absent or invalid). */
const char *param_enum(const query_args *q, const char *key, const char *const *values, problem_list *p);
/* A uuid path parameter. */
bool path_uuid(const char *name, const char *value, problem_list *p, uuid *out);
/* Pydantic-like message for a bad uuid text. */
void uuid_problem(problem_list *p, const char *path, const char *input);

#endif
