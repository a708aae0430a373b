#include "params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_clock.h"
#include "emu_enums.h"

int param_size(const query_args *q, problem_list *p)
{
    const char *v = query_get(q, "size");
    if (!v)
        return 300;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno) {
        problems_add(p, "size", v, "Input should be a valid integer, unable to parse string as an integer",
                     "int_parsing");
        return 300;
    }
    if (n < 1) {
        problems_add(p, "size", v, "Input should be greater than or equal to 1", "greater_than_equal");
        return 300;
    }
    if (n > 1000) {
        problems_add(p, "size", v, "Input should be less than or equal to 1000", "less_than_equal");
        return 300;
    }
    return (int)n;
}

int param_bool(const query_args *q, const char *key, problem_list *p)
{
    const char *v = query_get(q, key);
    if (!v)
        return -1;
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n", "False", "FALSE", NULL};
    if (enum_contains(yes, v))
        return 1;
    if (enum_contains(no, v))
        return 0;
    problems_add(p, key, v, "Input should be a valid boolean, unable to interpret input", "bool_parsing");
    return -1;
}

void uuid_problem(problem_list *p, const char *path, const char *input)
{
    char msg[160];
    size_t n = strlen(input);
    if (n != 36 && n != 32)
        snprintf(msg, sizeof msg,
                 "Input should be a valid UUID, invalid length: expected length 32 for simple format, found %zu", n);
    else
        snprintf(msg, sizeof msg, "Input should be a valid UUID, invalid character or group layout");
    problems_add(p, path, input, msg, "uuid_parsing");
}

static bool parse_uuid_loose(const char *s, uuid *out)
{
    if (uuid_parse(s, out))
        return true;
    if (strlen(s) != 32)
        return false;
    char canon[37];
    snprintf(canon, sizeof canon, "%.8s-%.4s-%.4s-%.4s-%.12s", s, s + 8, s + 12, s + 16, s + 20);
    return strchr(s, '-') == NULL && uuid_parse(canon, out);
}

bool param_uuid(const query_args *q, const char *key, problem_list *p, uuid *out)
{
    const char *v = query_get(q, key);
    if (!v)
        return false;
    if (!parse_uuid_loose(v, out)) {
        uuid_problem(p, key, v);
        return false;
    }
    return true;
}

static bool list_too_long(const char *key, size_t n, problem_list *p)
{
    if (n <= PARAM_MAX_LIST)
        return false;
    char msg[96], input[32];
    snprintf(msg, sizeof msg, "List should have at most %d items after validation, not %zu", PARAM_MAX_LIST, n);
    snprintf(input, sizeof input, "%zu values", n);
    problems_add(p, key, input, msg, "too_long");
    return true;
}

size_t param_uuid_list(const query_args *q, const char *key, problem_list *p, uuid **out)
{
    *out = NULL;
    size_t n = query_count(q, key);
    if (n == 0 || list_too_long(key, n, p))
        return 0;
    uuid *ids = xmalloc(n * sizeof *ids);
    size_t k = 0, pos = 0;
    bool bad = false;
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->v[i].key, key) != 0)
            continue;
        if (!parse_uuid_loose(q->v[i].value, &ids[k])) {
            char path[96];
            snprintf(path, sizeof path, "%s.%zu", key, pos);
            uuid_problem(p, path, q->v[i].value);
            bad = true;
        } else {
            k++;
        }
        pos++;
    }
    if (bad) {
        free(ids);
        return 0;
    }
    *out = ids;
    return k;
}

size_t param_str_list(const query_args *q, const char *key, problem_list *p, const char ***out)
{
    *out = NULL;
    size_t n = query_count(q, key);
    if (n == 0 || list_too_long(key, n, p))
        return 0;
    const char **v = xmalloc(n * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->v[i].key, key) == 0)
            v[k++] = q->v[i].value;
    *out = v;
    return k;
}

bool param_datetime(const query_args *q, const char *key, problem_list *p, int64_t *out)
{
    const char *v = query_get(q, key);
    if (!v)
        return false;
    if (!emu_time_parse(v, out)) {
        problems_add(p, key, v, "Input should be a valid datetime, invalid character or format", "datetime_parsing");
        return false;
    }
    return true;
}

const char *param_enum(const query_args *q, const char *key, const char *const *values, problem_list *p)
{
    const char *v = query_get(q, key);
    if (!v)
        return NULL;
    if (enum_contains(values, v))
        return v;
    strbuf msg = STRBUF_INIT;
    strbuf_puts(&msg, "Input should be ");
    size_t n = 0;
    while (values[n])
        n++;
    if (n > 8) {
        strbuf_puts(&msg, "a valid enumeration member");
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i)
                strbuf_puts(&msg, i + 1 == n ? " or " : ", ");
            strbuf_printf(&msg, "'%s'", values[i]);
        }
    }
    problems_add(p, key, v, msg.data, "enum");
    strbuf_free(&msg);
    return NULL;
}

bool path_uuid(const char *name, const char *value, problem_list *p, uuid *out)
{
    if (parse_uuid_loose(value, out))
        return true;
    uuid_problem(p, name, value);
    return false;
}
