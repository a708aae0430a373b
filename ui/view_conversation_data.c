/* Conversation data: the two message lists of one driver (GET /v2/telematics/messages with
 * sender_ids=D, then recipient_ids=D, every page), merged by id and sorted oldest first, and
 * the local entries taken from the operations tracker. cJSON trees live only inside a decode;
 * what is kept are compact conv_msg records with sanitized strings in a pool. */
#include "ui/view_conversation.h"

#include "common/strbuf.h"
#include "core/ops.h"
#include "core/text.h"
#include "ui/flows.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ lists */

static void list_clear(conv_list *l)
{
    l->n = 0;
    strpool_free(&l->pool);
    memset(&l->pool, 0, sizeof l->pool);
}

void conv_list_free(conv_list *l)
{
    free(l->v);
    strpool_free(&l->pool);
    memset(l, 0, sizeof *l);
}

static conv_msg *list_append(conv_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    conv_msg *m = &l->v[l->n++];
    memset(m, 0, sizeof *m);
    return m;
}

const conv_msg *conv_find(const conv_list *l, const uuid *id)
{
    if (uuid_is_nil(id))
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (uuid_equal(&l->v[i].id, id))
            return &l->v[i];
    return NULL;
}

static int cmp_id(const void *x, const void *y)
{
    return memcmp(((const conv_msg *)x)->id.b, ((const conv_msg *)y)->id.b, 16);
}

static int cmp_time(const void *x, const void *y)
{
    const conv_msg *a = x, *b = y;
    if (a->at_ms != b->at_ms)
        return a->at_ms < b->at_ms ? -1 : 1;
    return memcmp(a->id.b, b->id.b, 16);
}

/* Both directions are in one list now: drop duplicates (same id), then oldest first. */
static void list_merge_sort(conv_list *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, cmp_id);
    size_t keep = 1;
    for (size_t i = 1; i < l->n; i++)
        if (!uuid_equal(&l->v[i].id, &l->v[keep - 1].id))
            l->v[keep++] = l->v[i];
    l->n = keep;
    qsort(l->v, l->n, sizeof *l->v, cmp_time);
}

/* ------------------------------------------------------------------ decoding */

bool conv_parse_time(const char *s, int64_t *ms)
{
    int Y, M, D, h, m, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 || n == 0)
        return false;
    const char *p = s + n;
    int frac_ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (digits++ < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
        while (digits > 0 && digits < 3) {
            frac_ms *= 10;
            digits++;
        }
    }
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1)
            return false;
        offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
    } else if (*p && *p != 'Z' && *p != 'z') {
        return false;
    }
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return false;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - offset) * 1000 + frac_ms;
    return true;
}

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static sref put_clean(strpool *p, const char *s)
{
    if (!s || !*s)
        return 0;
    char *clean = text_sanitize_str(s);
    sref r = strpool_add(p, clean);
    free(clean);
    return r;
}

/* Message text: newlines kept, trailing blanks and newlines dropped (they would only be rows). */
static sref put_text(strpool *p, const char *s)
{
    if (!s || !*s)
        return 0;
    char *clean = text_sanitize(s, strlen(s), true);
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = '\0';
    sref r = strpool_add(p, clean);
    free(clean);
    return r;
}

static uint8_t status_of(const char *s)
{
    if (!s)
        return CM_OTHER;
    static const char *const names[] = {"pending", "sent", "delivered", "read", "failed"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return (uint8_t)i;
    return CM_OTHER;
}

static uint8_t priority_of(const char *s)
{
    if (!s)
        return CP_NONE;
    return strcmp(s, "low") == 0 ? CP_LOW : strcmp(s, "medium") == 0 ? CP_MEDIUM : strcmp(s, "high") == 0 ? CP_HIGH
                                                                                                            : CP_NONE;
}

static void decode_item(conv *c, conv_list *l, const cJSON *it)
{
    uuid id;
    if (!cJSON_IsObject(it) || !uuid_parse(jstr(it, "id") ? jstr(it, "id") : "", &id))
        return; /* tolerated: a record without an id cannot be shown or replied to */
    if (jstr(it, "deleted_at"))
        return;
    conv_msg *m = list_append(l);
    m->id = id;
    if (!conv_parse_time(jstr(it, "occurred_at"), &m->at_ms))
        conv_parse_time(jstr(it, "created_at"), &m->at_ms);
    const char *st = jstr(it, "status");
    m->status = status_of(st);
    m->status_raw = put_clean(&l->pool, st);
    if (m->status == CM_READ)
        conv_parse_time(jstr(it, "read_at"), &m->status_ms);
    else if (m->status == CM_DELIVERED)
        conv_parse_time(jstr(it, "delivered_at"), &m->status_ms);
    uuid sender;
    bool have_sender = uuid_parse(jstr(it, "sender_id") ? jstr(it, "sender_id") : "", &sender);
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(it, "sent_by_driver");
    bool driver = cJSON_IsBool(by) ? cJSON_IsTrue(by) : (have_sender && uuid_equal(&sender, &c->driver_id));
    if (driver)
        m->flags |= CF_DRIVER;
    else if (have_sender && c->have_you && uuid_equal(&sender, &c->you_id))
        m->flags |= CF_YOU;
    m->sender_name = put_clean(&l->pool, jstr(it, "sender_name"));
    m->text = put_text(&l->pool, jstr(it, "message_text"));
    if (uuid_parse(jstr(it, "reply_to_message_id") ? jstr(it, "reply_to_message_id") : "", &m->reply_to))
        m->flags |= CF_REPLY;
    m->priority = priority_of(jstr(it, "priority")); /* not in MessageRead today; shown if it comes */
}

/* Appends a page's items to l; *next gets next_page (heap) or NULL. -1 with *err on a bad page. */
static int decode_page(conv *c, conv_list *l, const char *body, size_t len, char **next, size_t *count, char **err)
{
    *next = NULL;
    *count = 0;
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root) {
        *err = xstrdup("the answer is not JSON");
        return -1;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(root);
        *err = xstrdup("the page has no items list");
        return -1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        decode_item(c, l, it);
        (*count)++;
    }
    const char *np = jstr(root, "next_page");
    if (np && *np)
        *next = xstrdup(np);
    cJSON_Delete(root);
    return 0;
}

/* ------------------------------------------------------------------ fetching */

static void start_page(conv_chain *ch, const char *cursor);

static void on_tick(void *ud)
{
    conv *c = ud;
    c->timer = 0;
    c->stale = true; /* the idle hook fetches as soon as the conversation is on top */
    c->a->dirty |= DIRTY_LIST;
}

static void fetch_done(conv *c)
{
    if (c->starting || c->chains[0].busy || c->chains[1].busy)
        return;
    c->fetching = false;
    if (c->closing)
        return;
    if (c->fetch_ok) {
        list_merge_sort(&c->next);
        conv_list keep = c->msgs;
        c->msgs = c->next;
        c->next = keep;
        c->loaded = true;
        c->error[0] = '\0';
        c->updated_wall_ms = loop_wall_ms(c->a->l);
    } else {
        snprintf(c->error, sizeof c->error, " ✗ %s %s", c->loaded ? "Refresh failed:" : "Could not load the messages:",
                 c->fetch_error);
    }
    list_clear(&c->next);
    if (conv_scan_ops(c, true)) /* locals depend on what was fetched */
        c->again = true;        /* a write succeeded while this fetch was on its way */
    conv_rebuild_items(c);
    c->a->dirty |= DIRTY_LIST;
    c->timer = loop_timer_add(c->a->l, LOOP_CLOCK_APP, CONV_REFRESH_MS, on_tick, c);
    if (c->again) {
        c->again = false;
        conv_fetch(c);
    }
}

static void on_page(void *ud, const api_reply *r)
{
    conv_chain *ch = ud;
    conv *c = ch->c;
    ch->busy = false;
    ch->call_id = 0;
    if (c->closing || r->status == API_CANCELLED) {
        c->fetch_ok = false;
        snprintf(c->fetch_error, sizeof c->fetch_error, "cancelled");
        fetch_done(c);
        return;
    }
    if (r->status != API_OK) {
        if (c->fetch_ok) {
            char *clean = text_sanitize_str(r->message);
            snprintf(c->fetch_error, sizeof c->fetch_error, "%s", clean);
            free(clean);
        }
        c->fetch_ok = false;
        fetch_done(c);
        return;
    }
    char *next = NULL, *err = NULL;
    size_t count = 0;
    if (decode_page(c, &c->next, r->body, r->body_len, &next, &count, &err) != 0) {
        if (c->fetch_ok)
            snprintf(c->fetch_error, sizeof c->fetch_error, "could not read the server's answer: %s", err);
        c->fetch_ok = false;
        free(err);
        fetch_done(c);
        return;
    }
    if (c->fetch_ok && next && count > 0 && ch->pages < CONV_MAX_PAGES) {
        start_page(ch, next);
        free(next);
        return;
    }
    free(next);
    fetch_done(c);
}

static void start_page(conv_chain *ch, const char *cursor)
{
    conv *c = ch->c;
    strbuf q = STRBUF_INIT;
    strbuf_printf(&q, "/v2/telematics/messages?connection_id=%s&%s=%s&from_datetime=", c->conn_s,
                  ch->which ? "recipient_ids" : "sender_ids", c->driver_s);
    strbuf_put_urlencoded(&q, c->from_text);
    strbuf_printf(&q, "&size=%d", CONV_PAGE_SIZE);
    if (cursor) {
        strbuf_puts(&q, "&cursor=");
        strbuf_put_urlencoded(&q, cursor);
    }
    ch->busy = true;
    ch->pages++;
    unsigned seq = ++ch->seq;
    uint64_t id = api_call(c->a->api, "GET", strbuf_cstr(&q), NULL, on_page, ch);
    if (ch->busy && ch->seq == seq) /* not already answered (an immediate failure answers at once) */
        ch->call_id = id;
    strbuf_free(&q);
}

void conv_fetch(conv *c)
{
    app *a = c->a;
    if (c->closing)
        return;
    if (!a->api) {
        snprintf(c->error, sizeof c->error, " ✗ Not connected: nothing can be loaded.");
        a->dirty |= DIRTY_LIST;
        return;
    }
    if (c->fetching) {
        c->again = true; /* never two at once: one more right after this one */
        return;
    }
    if (c->timer) {
        loop_timer_cancel(a->l, c->timer);
        c->timer = 0;
    }
    c->stale = false;
    /* The window: the last 30 days by the wall clock (the API allows at most 45). */
    int64_t now = loop_wall_ms(a->l);
    c->from_ms = now - (int64_t)CONV_WINDOW_DAYS * 86400 * 1000;
    time_t from = (time_t)(c->from_ms / 1000);
    struct tm tm;
    gmtime_r(&from, &tm);
    strftime(c->from_text, sizeof c->from_text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const user_rec *you = app_default_sender(a, NULL);
    c->have_you = you != NULL;
    if (you)
        c->you_id = you->id;
    list_clear(&c->next);
    c->fetching = true;
    c->fetch_ok = true;
    c->fetch_error[0] = '\0';
    c->starting = true;
    for (int i = 0; i < 2; i++) {
        c->chains[i].c = c;
        c->chains[i].which = i;
        c->chains[i].pages = 0;
        start_page(&c->chains[i], NULL);
    }
    c->starting = false;
    a->dirty |= DIRTY_LIST;
    fetch_done(c); /* only does something if both already answered */
}

void conv_fetch_cancel(conv *c)
{
    c->closing = true;
    if (c->timer) {
        loop_timer_cancel(c->a->l, c->timer);
        c->timer = 0;
    }
    for (int i = 0; i < 2; i++)
        if (c->chains[i].busy && c->chains[i].call_id && c->a->api)
            api_cancel(c->a->api, c->chains[i].call_id); /* may answer at once, as cancelled */
    conv_list_free(&c->next);
    free(c->triggered);
    c->triggered = NULL;
}

/* ------------------------------------------------------------------ operations tracker */

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;
}

static bool is_message_op(const conv *c, const op_rec *op)
{
    return op->resource && strcmp(op->resource, "message") == 0 && strcmp(op->connection_id, c->conn_s) == 0;
}

/* True the first time an op is seen succeeded (each asks for one refetch, no more). */
static bool first_success(conv *c, const char *op_id)
{
    for (size_t i = 0; i < c->ntriggered; i++)
        if (strcmp(c->triggered[i], op_id) == 0)
            return false;
    if (c->ntriggered == c->triggered_cap) {
        c->triggered_cap = c->triggered_cap ? c->triggered_cap * 2 : 8;
        c->triggered = xrealloc(c->triggered, c->triggered_cap * sizeof *c->triggered);
    }
    snprintf(c->triggered[c->ntriggered++], UUID_STR_LEN, "%s", op_id);
    return true;
}

/* The sender's name for a write sent by someone else than this console's sender. */
static void staff_name(conv *c, const uuid *id, char *out, size_t cap)
{
    out[0] = '\0';
    app *a = c->a;
    if (a->conn_sel < 0)
        return;
    const table *staff = &store_conn_tables(&a->st, (size_t)a->conn_sel)->staff;
    long i = table_find_id(staff, id);
    if (i >= 0)
        user_display_name(staff, table_row(staff, (size_t)i), out, cap);
}

/* Adds the local entry of one message write to or from this driver, unless the API lists it.
 * Returns true when it succeeded but its message was not fetched yet. */
static bool add_local(conv *c, const op_rec *op)
{
    cJSON *pl = op->payload_json ? cJSON_Parse(op->payload_json) : NULL;
    const char *rcpt = pl ? jstr(pl, "recipient_id") : NULL, *from = pl ? jstr(pl, "sender_id") : NULL;
    if (!rcpt)
        rcpt = op->target_id;
    bool due = false, by_driver = from && strcmp(from, c->driver_s) == 0;
    if (!by_driver && (!rcpt || strcmp(rcpt, c->driver_s) != 0))
        goto out;
    uuid rid = {{0}};
    if (op->status == OP_SUCCESS && op->resource_id && uuid_parse(op->resource_id, &rid) && conv_find(&c->msgs, &rid))
        goto out; /* the API lists it: that record is the one shown */
    int64_t at = 0;
    if (!conv_parse_time(op->created_at, &at))
        at = loop_wall_ms(c->a->l);
    if (c->from_ms && at < c->from_ms)
        goto out;
    conv_msg *m = list_append(&c->locals);
    m->id = rid;
    m->at_ms = at;
    m->status = op->status == OP_SUCCESS ? CM_SENT : op->status == OP_FAILED ? CM_FAILED : CM_PENDING;
    m->flags = CF_LOCAL;
    m->op_id = strpool_add(&c->locals.pool, op->id);
    m->text = put_text(&c->locals.pool, pl ? jstr(pl, "message_text") : NULL);
    m->priority = priority_of(pl ? jstr(pl, "priority") : NULL);
    if (pl && uuid_parse(jstr(pl, "reply_to_message_id") ? jstr(pl, "reply_to_message_id") : "", &m->reply_to))
        m->flags |= CF_REPLY;
    uuid sender;
    if (by_driver) {
        m->flags |= CF_DRIVER;
    } else if (from && uuid_parse(from, &sender)) {
        if (c->have_you && uuid_equal(&sender, &c->you_id)) {
            m->flags |= CF_YOU;
        } else {
            char name[200];
            staff_name(c, &sender, name, sizeof name);
            m->sender_name = strpool_add(&c->locals.pool, name); /* store strings are sanitized */
        }
    } else {
        m->flags |= CF_YOU;
    }
    if (op->status == OP_SUCCESS && first_success(c, op->id))
        due = true;
out:
    cJSON_Delete(pl);
    return due;
}

bool conv_scan_ops(conv *c, bool force)
{
    ops_tracker *t = c->a->ops;
    if (!t)
        return false;
    size_t n = ops_count(t);
    uint64_t sig = 14695981039346656037ULL + n;
    for (size_t i = 0; i < n; i++) {
        const op_rec *op = ops_get(t, i);
        if (!is_message_op(c, op))
            continue;
        uint64_t h = fnv(fnv(14695981039346656037ULL, op->id), op->resource_id);
        sig += h * (2 * (uint64_t)op->status + 1);
    }
    if (!force && c->ops_seen && sig == c->ops_sig)
        return false;
    c->ops_sig = sig;
    c->ops_seen = true;
    list_clear(&c->locals);
    bool due = false;
    for (size_t i = 0; i < n; i++) {
        const op_rec *op = ops_get(t, i);
        if (is_message_op(c, op) && add_local(c, op))
            due = true;
    }
    if (c->locals.n > 1)
        qsort(c->locals.v, c->locals.n, sizeof *c->locals.v, cmp_time);
    if (!force)
        conv_rebuild_items(c);
    c->a->dirty |= DIRTY_LIST;
    return due;
}
