/* cmd_resolve: what the user typed -> Catena ids. A UUID is taken as is once it is known to exist
 * on the connection; anything else must be an exact name (as typed, else up to case, accents and
 * full-width forms (core/text.c text_fold: "chloe" is "Chloé") when that is unique). No match or
 * several: exit 2 naming at most 5 candidates. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 5

bool cmd_eq_ci(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    strbuf fa = STRBUF_INIT, fb = STRBUF_INIT;
    text_fold(&fa, a);
    text_fold(&fb, b);
    bool same = fa.len && fb.len && strcmp(fa.data, fb.data) == 0;
    strbuf_free(&fa);
    strbuf_free(&fb);
    return same;
}

/* want within s, both folded (the candidates of a name that matched nothing). */
static bool contains_folded(const char *s, const char *want)
{
    strbuf fs = STRBUF_INIT, fw = STRBUF_INIT;
    text_fold(&fs, s);
    text_fold(&fw, want);
    bool in = fs.len && fw.len && strstr(fs.data, fw.data) != NULL;
    strbuf_free(&fs);
    strbuf_free(&fw);
    return in;
}

static const char *kind_noun(record_kind k)
{
    switch (k) {
    case KIND_CONNECTION: return "connection";
    case KIND_DRIVER: return "user";
    case KIND_VEHICLE: return "vehicle";
    case KIND_TRAILER: return "trailer";
    default: return "record";
    }
}

/* The names a row answers to (up to 3; unused slots are ""). Store strings are sanitized. */
static void row_keys(const table *t, size_t i, char keys[3][160])
{
    keys[0][0] = keys[1][0] = keys[2][0] = '\0';
    const void *row = table_row(t, i);
    switch (t->kind) {
    case KIND_CONNECTION: {
        const connection_rec *r = row;
        snprintf(keys[0], 160, "%s", table_str(t, r->description));
        break;
    }
    case KIND_DRIVER: {
        const user_rec *u = row;
        const char *f = table_str(t, u->first_name), *l = table_str(t, u->last_name);
        if (*f || *l)
            snprintf(keys[0], 160, "%s%s%s", f, (*f && *l) ? " " : "", l);
        user_display_name(t, u, keys[1], 160);
        if (strcmp(keys[1], keys[0]) == 0)
            keys[1][0] = '\0';
        snprintf(keys[2], 160, "%s", table_str(t, u->username));
        break;
    }
    case KIND_VEHICLE: {
        const vehicle_rec *v = row;
        snprintf(keys[0], 160, "%s", table_str(t, v->name));
        break;
    }
    case KIND_TRAILER: {
        const trailer_rec *r = row;
        snprintf(keys[0], 160, "%s", table_str(t, r->name));
        break;
    }
    default: break;
    }
}

static const uuid *row_id(const table *t, size_t i)
{
    /* Every record struct starts with its id. */
    return (const uuid *)table_row(t, i);
}

/* One line describing a candidate: "ID  name (username)". */
static void describe_row(const table *t, size_t i, char *out, size_t cap)
{
    char id[UUID_STR_LEN], keys[3][160];
    uuid_format(row_id(t, i), id);
    row_keys(t, i, keys);
    const char *name = keys[0][0] ? keys[0] : keys[1][0] ? keys[1] : keys[2];
    if (t->kind == KIND_DRIVER && keys[2][0] && strcmp(keys[2], name) != 0)
        snprintf(out, cap, "%s  %s (%s)", id, *name ? name : "(no name)", keys[2]);
    else
        snprintf(out, cap, "%s  %s", id, *name ? name : "(no name)");
}

static void display_name(const table *t, size_t i, char *out, size_t cap)
{
    char keys[3][160];
    row_keys(t, i, keys);
    if (t->kind == KIND_DRIVER) {
        user_display_name(t, (const user_rec *)table_row(t, i), out, cap);
        return;
    }
    snprintf(out, cap, "%s", keys[0]);
}

static bool row_matches(const table *t, size_t i, const char *want, bool ci)
{
    char keys[3][160];
    row_keys(t, i, keys);
    for (int k = 0; k < 3; k++)
        if (keys[k][0] && (ci ? cmd_eq_ci(keys[k], want) : strcmp(keys[k], want) == 0))
            return true;
    return false;
}

static bool row_resembles(const table *t, size_t i, const char *want)
{
    char keys[3][160];
    row_keys(t, i, keys);
    for (int k = 0; k < 3; k++)
        if (keys[k][0] && contains_folded(keys[k], want))
            return true;
    return false;
}

/* Prints up to MAX_CANDIDATES rows flagged in hits. */
static void print_candidates(const table *t, const bool *hits, size_t nhits)
{
    size_t shown = 0;
    for (size_t i = 0; i < t->count && shown < MAX_CANDIDATES; i++) {
        if (!hits[i])
            continue;
        char line[400];
        describe_row(t, i, line, sizeof line);
        fprintf(stderr, "  %s\n", line);
        shown++;
    }
    if (nhits > shown)
        fprintf(stderr, "  ... and %zu more\n", nhits - shown);
}

/* Finds want in t (already loaded). Returns the row index, or -1 after printing the problem. */
static long match_one(const cmd_ctx *c, const table *t, const char *opt, const char *want, const char *where)
{
    uuid u;
    char *clean = cmd_clean_arg(want);
    const char *noun = kind_noun(t->kind);
    if (uuid_parse(want, &u)) {
        long idx = table_find_id(t, &u);
        if (idx < 0)
            cmd_err(c, "%s '%s': no %s with this id%s%s", opt, clean, noun, *where ? " on " : "", where);
        free(clean);
        return idx;
    }
    bool *hits = xcalloc(t->count ? t->count : 1, sizeof *hits);
    size_t nhits = 0;
    long found = -1;
    for (int pass = 0; pass < 2 && nhits == 0; pass++) {
        for (size_t i = 0; i < t->count; i++) {
            if (row_matches(t, i, want, pass == 1)) {
                hits[i] = true;
                nhits++;
                found = (long)i;
            }
        }
    }
    if (nhits == 1) {
        free(hits);
        free(clean);
        return found;
    }
    if (nhits > 1) {
        cmd_err(c, "%s '%s' is ambiguous: %zu %ss%s%s have that name; use the id:", opt, clean, nhits, noun,
                *where ? " on " : "", where);
    } else {
        for (size_t i = 0; i < t->count; i++)
            if (row_resembles(t, i, want)) {
                hits[i] = true;
                nhits++;
            }
        cmd_err(c, "%s '%s': no %s with this exact name%s%s%s", opt, clean, noun, *where ? " on " : "", where,
                nhits ? "; similar:" : "");
    }
    print_candidates(t, hits, nhits);
    free(hits);
    free(clean);
    return -1;
}

int cmd_resolve_connection(cmd_ctx *c, const char *arg, char id[UUID_STR_LEN], char *label, size_t labelcap)
{
    table t;
    table_init(&t, KIND_CONNECTION);
    int rc = cmd_load_table(c, &t, api_collection_path("connection"));
    if (rc == 0) {
        long idx = match_one(c, &t, "--connection", arg, "");
        if (idx < 0) {
            rc = CMD_EXIT_USAGE;
            fprintf(stderr, "See '" "catena-dispatch connections' for the list.\n");
        } else {
            uuid_format(row_id(&t, (size_t)idx), id);
            display_name(&t, (size_t)idx, c->conn_label, sizeof c->conn_label);
            if (label)
                display_name(&t, (size_t)idx, label, labelcap);
        }
    }
    table_clear(&t);
    return rc;
}

static const char *resource_of(record_kind k)
{
    return k == KIND_DRIVER ? "user" : k == KIND_VEHICLE ? "vehicle" : "trailer";
}

static const char *ids_param(record_kind k)
{
    return k == KIND_DRIVER ? "user_ids" : k == KIND_VEHICLE ? "vehicle_ids" : "trailer_ids";
}

int cmd_resolve_records(cmd_ctx *c, record_kind kind, const char *conn_id, const char *const *opts,
                        const char *const *args, size_t n, char (*ids)[UUID_STR_LEN], char (*names)[128])
{
    bool all_ids = n <= 100;
    uuid u;
    for (size_t i = 0; i < n && all_ids; i++)
        all_ids = uuid_parse(args[i], &u);
    /* Ids only: ask for just those; names: the connection's whole list. */
    strbuf q = STRBUF_INIT;
    for (size_t i = 0; all_ids && i < n; i++) {
        uuid_parse(args[i], &u);
        char s[UUID_STR_LEN];
        uuid_format(&u, s);
        strbuf_printf(&q, "%s%s=%s", i ? "&" : "", ids_param(kind), s);
    }
    char *path = api_list_path(resource_of(kind), conn_id, q.data);
    strbuf_free(&q);
    table t;
    table_init(&t, kind);
    int rc = cmd_load_table(c, &t, path);
    free(path);
    char where[200];
    if (c->conn_label[0])
        snprintf(where, sizeof where, "connection '%s'", c->conn_label);
    else
        snprintf(where, sizeof where, "connection %s", conn_id);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        long idx = match_one(c, &t, opts[i], args[i], where);
        if (idx < 0) {
            rc = CMD_EXIT_USAGE;
            break;
        }
        uuid_format(row_id(&t, (size_t)idx), ids[i]);
        if (names)
            display_name(&t, (size_t)idx, names[i], 128);
    }
    table_clear(&t);
    return rc;
}
