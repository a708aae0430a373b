/* ops_e2e: the fixture of the operation tracker's end-to-end tests (tests/e2e/test_ops_*.c).
 *
 * A real catena-emulator, a tracker on a virtual app clock, operations created by real writes
 * (POST /v2/telematics/messages) and handed to the tracker as the console does, and the
 * emulator's control surface to watch and steer the server side: the request log (what the
 * tracker asked), faults, and the emulated clock.
 *
 * EMU_FROZEN runs the emulator at --time-scale 1000 (a real second is an emulated millisecond):
 * an operation stays exactly as it is (pending, no attempt logged) until the test moves the
 * emulator's clock with fx_pump_until_done, which finishes at most one TSP attempt of each
 * operation per step (its two workers take the operations in the order they were written). A
 * FAIL-TIMEOUT message needs five attempts, so it survives a few steps spent on other
 * operations. A millisecond's fx_advance_emu between two writes orders their created_at and
 * ends no attempt (the TSPs' latency is 180 ms or more). EMU_FAST (--time-scale 0.001) lets the
 * workers finish everything at once (fx_drain). fx_restart_emulator gives a server that no
 * longer knows any operation (they live in its memory only); stopping it gives a dead port.
 *
 * Header-only (static inline) so that each test file stays one translation unit. */
#ifndef CATENA_TEST_OPS_E2E_H
#define CATENA_TEST_OPS_E2E_H

#include "common/strbuf.h"
#include "core/ops.h"
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LIST_PATH "/v2/integrations/connections/resource-operations"
#define LIST LIST_PATH "?"
#define EMU_FROZEN "--time-scale", "1000"
#define EMU_FAST "--time-scale", "0.001"

typedef struct opref {
    char id[37];
    char conn[37];
} opref;

typedef struct fx {
    emu_proc emu;
    char args[24][64]; /* the emulator's arguments, kept for a restart on the same port */
    int nargs;
    char port_arg[16];
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    ops_tracker *t;
    /* connections 0 (Samsara) and 1 (Motive) of the seeded data, a dispatcher and a driver of each */
    char conn[2][37], sender[2][37], driver[2][37];
    char dir[64], journal[128];
    int by_id_max; /* the tracker's setting: fx_open makes it -1 (always the list, the subject of most
                    * tests); tests of polling by need set 0 (the default) and make a new tracker */
    int changes, dirties;
    op_status last_old, last_new;
    char last_id[37];
    strbuf body; /* of the last fx_call */
} fx;

/* ------------------------------------------------------------------ calls */

typedef struct fx_reply {
    bool done;
    long status;
    api_status st;
    strbuf body;
} fx_reply;

static inline void fx_on_reply(void *ud, const api_reply *r)
{
    fx_reply *c = ud;
    c->status = r->http_status;
    c->st = r->status;
    strbuf_reset(&c->body);
    strbuf_append(&c->body, r->body ? r->body : "", r->body ? r->body_len : 0);
    c->done = true;
}

static inline void fx_wait(fx *f, fx_reply *c, const char *what)
{
    int64_t deadline = loop_real_now_ms() + 30000;
    while (!c->done && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 5);
    ck_assert_msg(c->done, "%s timed out", what);
}

/* One call, waited for (real time). Returns the HTTP status; the body is in f->body. */
static inline long fx_call(fx *f, const char *method, const char *path, const char *json)
{
    fx_reply c = {0};
    api_call(f->a, method, path, json, fx_on_reply, &c);
    fx_wait(f, &c, path);
    strbuf_reset(&f->body);
    strbuf_append(&f->body, c.body.data ? c.body.data : "", c.body.len);
    strbuf_free(&c.body);
    return c.status;
}

static inline cJSON *fx_get_json(fx *f, const char *path)
{
    long st = fx_call(f, "GET", path, NULL);
    ck_assert_msg(st == 200, "GET %s: %ld %s", path, st, f->body.data);
    cJSON *j = cJSON_Parse(f->body.data);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* ------------------------------------------------------------------ the emulator's control surface */

static inline void fx_control(fx *f, const char *method, const char *path, const char *json)
{
    long st = fx_call(f, method, path, json);
    ck_assert_msg(st / 100 == 2, "%s %s: %ld %s", method, path, st, f->body.data);
}

static inline void fx_fault(fx *f, const char *json)
{
    fx_control(f, "POST", "/_emulator/faults", json);
}

/* Moves the emulator's clock forward (wakes its workers and any sync write waiting on the TSP). */
static inline void fx_advance_emu(fx *f, long long ms)
{
    char path[80];
    snprintf(path, sizeof path, "/_emulator/clock/advance?ms=%lld", ms);
    fx_control(f, "POST", path, NULL);
}

static inline void fx_clear_log(fx *f)
{
    fx_control(f, "DELETE", "/_emulator/requests", NULL);
}

/* The logged API requests (token requests included) as "path?query", oldest first, whose target
 * starts with prefix, optionally only those answered with status (0: any). Returns the count;
 * *out (if given) gets a NULL-terminated array to free with fx_free_targets. */
static inline int fx_logged(fx *f, const char *prefix, int status, char ***out)
{
    cJSON *root = fx_get_json(f, "/_emulator/requests");
    int n = 0;
    char **v = out ? calloc((size_t)cJSON_GetArraySize(root) + 1, sizeof *v) : NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        const cJSON *p = cJSON_GetObjectItem(it, "path"), *q = cJSON_GetObjectItem(it, "query"),
                    *s = cJSON_GetObjectItem(it, "status");
        if (!cJSON_IsString(p) || !cJSON_IsString(q))
            continue;
        strbuf t = STRBUF_INIT;
        strbuf_puts(&t, p->valuestring);
        if (q->valuestring[0])
            strbuf_printf(&t, "?%s", q->valuestring);
        bool hit = strncmp(t.data, prefix, strlen(prefix)) == 0 &&
                   (!status || (cJSON_IsNumber(s) && s->valueint == status));
        if (hit && v)
            v[n] = strbuf_detach(&t);
        n += hit;
        strbuf_free(&t);
    }
    cJSON_Delete(root);
    if (out)
        *out = v;
    return n;
}

static inline void fx_free_targets(char **v)
{
    for (int i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static inline int fx_count(fx *f, const char *prefix)
{
    return fx_logged(f, prefix, 0, NULL);
}

/* The last logged request starting with prefix ("" if none); free it. */
static inline char *fx_last(fx *f, const char *prefix)
{
    char **v;
    int n = fx_logged(f, prefix, 0, &v);
    char *s = strdup(n ? v[n - 1] : "");
    fx_free_targets(v);
    return s;
}

/* ------------------------------------------------------------------ the fixture */

static inline void fx_on_change(void *ud, const op_rec *op, op_status old)
{
    fx *f = ud;
    f->changes++;
    f->last_old = old;
    f->last_new = op->status;
    snprintf(f->last_id, sizeof f->last_id, "%s", op->id);
}

static inline void fx_on_dirty(void *ud)
{
    ((fx *)ud)->dirties++;
}

static inline ops_tracker *fx_tracker(fx *f, bool journal)
{
    ops_settings s = {.poll_pending_ms = 1000,
                      .poll_idle_ms = 15000,
                      .journal_path = journal ? f->journal : NULL,
                      .by_id_max = f->by_id_max};
    ops_tracker *t = ops_tracker_new(f->l, f->a, &s);
    ops_tracker_set_callbacks(t, fx_on_change, fx_on_dirty, f);
    return t;
}

static inline void fx_start_emulator(fx *f, bool same_port)
{
    const char *args[32];
    int n = 0;
    for (int i = 0; i < f->nargs; i++)
        args[n++] = f->args[i];
    if (same_port) {
        snprintf(f->port_arg, sizeof f->port_arg, "%d", f->emu.port);
        args[n++] = "--port"; /* after emu_start's own --port 0: the last one wins */
        args[n++] = f->port_arg;
    }
    args[n] = NULL;
    char url[128];
    snprintf(url, sizeof url, "%s", f->emu.url);
    ck_assert_int_eq(emu_start(&f->emu, args), 0);
    if (same_port)
        ck_assert_str_eq(f->emu.url, url);
}

/* Starts an emulator with args (NULL-terminated; EMU_FROZEN or EMU_FAST, and more), a client and
 * a tracker (not started: tests call ops_tracker_start). */
static inline void fx_open(fx *f, const char *const *args, bool journal)
{
    memset(f, 0, sizeof *f);
    f->by_id_max = -1;
    /* Tokens outlive any clock jump; the simulated TSPs never rate-limit the tests' writes. */
    const char *common[] = {"--token-lifetime", "100000000", "--tsp-rate", "1000000", "--tsp-burst", "1000000"};
    for (int i = 0; args && args[i]; i++) {
        ck_assert_int_lt(f->nargs, 16);
        snprintf(f->args[f->nargs++], sizeof f->args[0], "%s", args[i]);
    }
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        snprintf(f->args[f->nargs++], sizeof f->args[0], "%s", common[i]);
    fx_start_emulator(f, false);
    f->l = loop_new();
    loop_set_virtual_clock(f->l, true);
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, f->emu.auth_url, "demo-client", "demo-secret");
    f->a = api_new(f->l, f->h, f->au, f->emu.url);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-ops-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->journal, sizeof f->journal, "%s/catena-dispatch/operations.json", f->dir);

    cJSON *root = fx_get_json(f, "/v2/integrations/connections?size=10");
    for (int k = 0; k < 2; k++) {
        const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "items"), k);
        snprintf(f->conn[k], 37, "%s", cJSON_GetObjectItem(c, "id")->valuestring);
        char path[200];
        snprintf(path, sizeof path, "/v2/telematics/users?connection_id=%s&size=1000", f->conn[k]);
        cJSON *users = fx_get_json(f, path);
        const cJSON *u;
        cJSON_ArrayForEach(u, cJSON_GetObjectItem(users, "items"))
        {
            char *dst = cJSON_IsTrue(cJSON_GetObjectItem(u, "is_driver")) ? f->driver[k] : f->sender[k];
            if (!dst[0])
                snprintf(dst, 37, "%s", cJSON_GetObjectItem(u, "id")->valuestring);
        }
        cJSON_Delete(users);
        ck_assert_msg(f->sender[k][0] && f->driver[k][0], "no dispatcher/driver on %s", f->conn[k]);
    }
    cJSON_Delete(root);
    f->t = fx_tracker(f, journal);
}

static inline void fx_close(fx *f)
{
    ops_tracker_free(f->t);
    api_free(f->a);
    auth_free(f->au);
    http_client_free(f->h);
    loop_free(f->l);
    strbuf_free(&f->body);
    emu_stop(&f->emu);
    e2e_remove_tree(f->dir);
}

/* The server forgets every operation: the emulator keeps them in memory only, so a restart on the
 * same port (same seed and data) is a server that no longer knows any of them. */
static inline void fx_restart_emulator(fx *f)
{
    emu_stop(&f->emu);
    fx_start_emulator(f, true);
}

/* ------------------------------------------------------------------ the tracker's clock */

/* Runs the loop (real time) until no request is in flight. */
static inline void fx_settle(fx *f)
{
    int64_t deadline = loop_real_now_ms() + 30000;
    while (api_in_flight(f->a) > 0 && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 5);
    ck_assert_msg(api_in_flight(f->a) == 0, "requests still running");
}

static inline void fx_tick(fx *f, int64_t ms)
{
    loop_advance(f->l, ms);
    fx_settle(f);
}

static inline int64_t fx_until_next_poll(fx *f)
{
    ops_health h;
    ops_tracker_health(f->t, &h);
    return h.next_poll_ms ? h.next_poll_ms - loop_now_ms(f->l) : -1;
}

/* Runs the tracker's clock to its next poll, checking that it polls the list exactly then (as
 * counted in the emulator's log); returns the wait until the poll after. */
static inline int64_t fx_poll_once(fx *f)
{
    int before = fx_count(f, LIST);
    int64_t wait = fx_until_next_poll(f);
    ck_assert_int_gt(wait, 0);
    fx_tick(f, wait - 1);
    ck_assert_int_eq(fx_count(f, LIST), before);
    fx_tick(f, 1);
    ck_assert_int_eq(fx_count(f, LIST), before + 1);
    return fx_until_next_poll(f);
}

/* ------------------------------------------------------------------ writes */

static inline char *fx_message_json(fx *f, int k, const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "connection_id", f->conn[k]);
    cJSON_AddStringToObject(o, "sender_id", f->sender[k]);
    cJSON_AddStringToObject(o, "recipient_id", f->driver[k]);
    cJSON_AddStringToObject(o, "message_text", text);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static inline opref fx_ref_of(const char *body)
{
    opref r = {{0}, {0}};
    cJSON *j = cJSON_Parse(body);
    const cJSON *id = cJSON_GetObjectItem(j, "id"), *c = cJSON_GetObjectItem(j, "connection_id");
    ck_assert_msg(cJSON_IsString(id) && cJSON_IsString(c), "not an operation: %s", body);
    snprintf(r.id, sizeof r.id, "%s", id->valuestring);
    snprintf(r.conn, sizeof r.conn, "%s", c->valuestring);
    cJSON_Delete(j);
    return r;
}

/* An async message to connection k's driver: 202 pending. The answer is in f->body. */
static inline opref fx_write(fx *f, int k, const char *text)
{
    char *json = fx_message_json(f, k, text);
    long st = fx_call(f, "POST", "/v2/telematics/messages", json);
    free(json);
    ck_assert_msg(st == 202, "POST message: %ld %s", st, f->body.data);
    return fx_ref_of(f->body.data);
}

/* A sync message (?is_sync=true): one attempt, 200 success or 502 failed. The emulator's HTTP
 * thread waits for the TSP's latency on the emulated clock meanwhile, so never on a frozen
 * emulator (it would hold that thread, and the keep-alive connections it serves, for good). */
static inline long fx_write_sync(fx *f, int k, const char *text)
{
    char *json = fx_message_json(f, k, text);
    long st = fx_call(f, "POST", "/v2/telematics/messages?is_sync=true", json);
    free(json);
    return st;
}

/* Hands the last write's answer (f->body) to the tracker, as the console does. */
static inline const op_rec *fx_add_last(fx *f, const char *label, const char *target)
{
    char *err = NULL;
    const op_rec *r = ops_tracker_add_response(f->t, f->body.data, f->body.len, label, target, &err);
    ck_assert_msg(r != NULL, "%s", err ? err : "?");
    ck_assert(r->mine);
    return r;
}

/* An async write, added to the tracker: pending. */
static inline opref fx_add_write(fx *f, int k, const char *text, const char *label, const char *target)
{
    opref o = fx_write(f, k, text);
    const op_rec *r = fx_add_last(f, label, target);
    ck_assert_int_eq(r->status, OP_PENDING);
    return o;
}

typedef struct fx_batch_slot {
    fx_reply reply;
    int index;
} fx_batch_slot;

/* n async writes, texts[i] to connection conns[i], at most 16 in flight (so their order on the
 * server is not theirs). Each answer must be 202; with add, each goes to the tracker. The ops
 * are in out[i] if out is given. */
static inline void fx_write_batch(fx *f, int n, const int *conns, char *const *texts, bool add, opref *out)
{
    enum { WINDOW = 16 };
    fx_batch_slot *slots = calloc((size_t)n, sizeof *slots);
    int next = 0, finished = 0, in_flight = 0;
    int64_t deadline = loop_real_now_ms() + 60000;
    while (finished < n && loop_real_now_ms() < deadline) {
        while (next < n && in_flight < WINDOW) {
            char *json = fx_message_json(f, conns[next], texts[next]);
            slots[next].index = next;
            api_call(f->a, "POST", "/v2/telematics/messages", json, fx_on_reply, &slots[next].reply);
            free(json);
            next++;
            in_flight++;
        }
        loop_run_once(f->l, 5);
        for (int i = 0; i < next; i++) {
            fx_batch_slot *s = &slots[i];
            if (!s->reply.done || s->index < 0)
                continue;
            ck_assert_msg(s->reply.status == 202, "POST message: %ld %s", s->reply.status, s->reply.body.data);
            if (out)
                out[i] = fx_ref_of(s->reply.body.data);
            if (add) {
                char *err = NULL;
                const op_rec *r =
                    ops_tracker_add_response(f->t, s->reply.body.data, s->reply.body.len, NULL, NULL, &err);
                ck_assert_msg(r != NULL, "%s", err ? err : "?");
            }
            strbuf_free(&s->reply.body);
            s->index = -1;
            finished++;
            in_flight--;
        }
    }
    ck_assert_int_eq(finished, n);
    free(slots);
}

/* The status of an op on the server (single GET). */
static inline const char *fx_server_status(fx *f, const opref *o)
{
    char path[200];
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", o->conn, o->id);
    cJSON *j = fx_get_json(f, path);
    const cJSON *s = cJSON_GetObjectItem(j, "status");
    static char out[16];
    snprintf(out, sizeof out, "%s", cJSON_IsString(s) ? s->valuestring : "?");
    cJSON_Delete(j);
    return out;
}

/* Frozen emulator: moves its clock on, 5 s a step, until none of the n ops is pending on the
 * server. Each step ends at most one TSP attempt of each op being worked on. Returns the steps. */
static inline int fx_pump_until_done(fx *f, const opref *ops, int n)
{
    bool *done = calloc((size_t)n, sizeof *done);
    int steps = 0;
    for (;;) {
        int i = n - 1;
        while (i >= 0 && (done[i] || (done[i] = strcmp(fx_server_status(f, &ops[i]), "pending") != 0)))
            i--;
        if (i < 0)
            break;
        ck_assert_msg(steps < 3000, "operations still pending after %d steps", steps);
        fx_advance_emu(f, 5000);
        steps++;
    }
    free(done);
    return steps;
}

/* Fast emulator: waits until its workers finished every operation. */
static inline void fx_drain(fx *f)
{
    fx_control(f, "POST", "/_emulator/operations/drain?timeout_ms=20000", NULL);
}

/* ------------------------------------------------------------------ time */

/* Unix seconds + offset as RFC 3339 ("2026-01-01T00:00:00Z"). */
static inline void fx_iso(time_t s, char out[32])
{
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The from_datetime the tracker asks for an op created at created (RFC 3339 with a fraction):
 * two minutes earlier, whole seconds, URL-encoded. */
static inline void fx_want_from(const char *created, char out[64])
{
    struct tm tm = {0};
    ck_assert_ptr_nonnull(strptime(created, "%Y-%m-%dT%H:%M:%S", &tm));
    char s[32];
    fx_iso(timegm(&tm) - 120, s);
    snprintf(out, 64, "%.13s%%3A%.2s%%3A%.2sZ", s, s + 14, s + 17);
}

/* ------------------------------------------------------------------ files */

static inline bool fx_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static inline void fx_write_text(const char *path, const char *text)
{
    char dir[200];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0700);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

#endif
