#include "operations.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu_clock.h"
#include "emu_rng.h"
#include "policy.h"
#include "render.h"
#include "tsp_sim.h"
#include "webhooks.h"

#define N_WORKERS 2

typedef struct tracked_message {
    emu_resource res;
    uint32_t idx;
    int64_t deliver_us, read_us; /* read_us 0 = never read */
    bool delivered;
} tracked_message;

struct ops_engine {
    emu_app *app;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    emu_op **ops;
    size_t n, cap;
    pthread_t workers[N_WORKERS];
    volatile int stop;
    emu_rng rng;
    double *bucket_tokens; /* per connection */
    int64_t *bucket_last_us;
    pthread_mutex_t life_mu;
    tracked_message *life;
    size_t n_life, cap_life;
};

static void *worker_main(void *arg);

ops_engine *ops_new(emu_app *app)
{
    ops_engine *e = xcalloc(1, sizeof *e);
    e->app = app;
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    pthread_mutex_init(&e->life_mu, NULL);
    rng_seed_stream(&e->rng, app->opts.seed, "operations", 0);
    size_t nc = app->store->n_conns ? app->store->n_conns : 1;
    e->bucket_tokens = xcalloc(nc, sizeof(double));
    e->bucket_last_us = xcalloc(nc, sizeof(int64_t));
    int64_t now = emu_now_us();
    for (size_t i = 0; i < nc; i++) {
        e->bucket_tokens[i] = app->opts.tsp_burst;
        e->bucket_last_us[i] = now;
    }
    for (int i = 0; i < N_WORKERS; i++)
        pthread_create(&e->workers[i], NULL, worker_main, e);
    return e;
}

static void op_free(emu_op *op)
{
    for (size_t i = 0; i < op->n_logs; i++)
        free(op->logs[i].details);
    free(op->logs);
    free(op->payload);
    free(op->source_id);
    cJSON_Delete(op->body);
    free(op);
}

void ops_free(ops_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->mu);
    e->stop = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    emu_clock_interrupt_sleeps();
    emu_clock_wake_all();
    for (int i = 0; i < N_WORKERS; i++)
        pthread_join(e->workers[i], NULL);
    for (size_t i = 0; i < e->n; i++)
        op_free(e->ops[i]);
    free(e->ops);
    free(e->life);
    free(e->bucket_tokens);
    free(e->bucket_last_us);
    pthread_mutex_destroy(&e->life_mu);
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

void ops_lock(ops_engine *e)
{
    pthread_mutex_lock(&e->mu);
}

void ops_unlock(ops_engine *e)
{
    pthread_mutex_unlock(&e->mu);
}

size_t ops_count(ops_engine *e)
{
    return e->n;
}

const emu_op *ops_at(ops_engine *e, size_t i)
{
    return e->ops[i];
}

/* Token bucket per connection, in emulated time, taken at instant t. Caller holds e->mu. Returns 0 if a
 * token was taken, else the emulated instant when one will be available. */
static int64_t bucket_take_at(ops_engine *e, uint32_t conn, int64_t t)
{
    const emu_options *o = &e->app->opts;
    double *tokens = &e->bucket_tokens[conn];
    if (t > e->bucket_last_us[conn]) {
        *tokens += (double)(t - e->bucket_last_us[conn]) / 1e6 * o->tsp_rate;
        if (*tokens > o->tsp_burst)
            *tokens = o->tsp_burst;
        e->bucket_last_us[conn] = t;
    }
    if (*tokens >= 1.0) {
        *tokens -= 1.0;
        return 0;
    }
    return e->bucket_last_us[conn] + (int64_t)((1.0 - *tokens) / o->tsp_rate * 1e6) + 1;
}

static void add_log(emu_op *op, emu_rng *r, const tsp_attempt *a, int64_t at)
{
    op->logs = xrealloc(op->logs, (op->n_logs + 1) * sizeof *op->logs);
    op_log *l = &op->logs[op->n_logs++];
    memset(l, 0, sizeof *l);
    uint8_t rnd[10];
    rng_bytes(r, rnd, sizeof rnd);
    uuid_v7(&l->id, (uint64_t)(at / 1000), rnd);
    l->at_us = at;
    l->ok = a->success;
    l->error_type = a->error_type;
    l->details = a->success ? NULL : xstrdup(a->details);
    l->status_code = a->status_code;
    l->retry_after_s = a->retry_after_s;
}

typedef struct attempt_result {
    tsp_attempt a;
    uuid resource_id;
    char *source_id;
} attempt_result;

/* Runs one attempt of op without holding e->mu (op->in_progress keeps others away; only immutable
 * fields of op are read). */
static void run_attempt(ops_engine *e, const emu_op *op, emu_rng *r, attempt_result *res)
{
    const tsp_info *t = tsp_get((size_t)e->app->store->conns[op->conn].tsp);
    emu_clock_sleep(tsp_latency_us(t));
    tsp_sim_attempt(t, op->res, op->is_update, op->body, op->attempts + 1, &res->a);
    res->source_id = NULL;
    if (res->a.success)
        effects_apply(e->app, op, r, &res->resource_id, &res->source_id);
}

/* resource_operation.* webhooks fire for async operations only (sync mode sends none). Caller holds e->mu. */
static void emit_event(ops_engine *e, const emu_op *op, const char *event_name)
{
    if (!e->app->webhooks || op->sync)
        return;
    strbuf item = STRBUF_INIT;
    op_render(&item, e->app->store, op, true);
    webhooks_emit(e->app->webhooks, event_name, item.data);
    strbuf_free(&item);
}

/* Records the attempt's outcome as of emulated instant `now`. Async attempts use their scheduled start
 * plus the TSP's latency, so logs and backoff are exact whatever the real scheduling jitter. */
static void finish_attempt(ops_engine *e, emu_op *op, emu_rng *r, attempt_result *res, int64_t now)
{
    const tsp_attempt *a = &res->a;
    if (a->success && res->source_id) {
        op->has_resource = true;
        op->resource_id = res->resource_id;
        op->source_id = res->source_id;
        res->source_id = NULL;
    }
    op->attempts++;
    add_log(op, r, a, now);
    op->updated_us = now;
    if (a->success) {
        op->status = OP_SUCCESS;
    } else if (!op->sync && op->attempts < POLICY_MAX_ATTEMPTS && policy_is_retryable(a->error_type, a->status_code)) {
        int64_t delay = policy_backoff_us(op->attempts + 1, r);
        if (a->status_code == 429 && a->retry_after_s * 1000000LL > delay)
            delay = a->retry_after_s * 1000000LL;
        op->next_attempt_us = now + delay;
    } else {
        op->status = OP_FAILED;
    }
    if (op->status != OP_PENDING)
        emit_event(e, op, op->status == OP_SUCCESS ? "resource_operation.succeeded" : "resource_operation.failed");
    op->in_progress = false;
    pthread_cond_broadcast(&e->cv);
}

int ops_submit(ops_engine *e, uint32_t conn, emu_resource res, bool is_update, const uuid *target, cJSON *body,
               char *payload, bool sync, strbuf *out)
{
    emu_op *op = xcalloc(1, sizeof *op);
    op->conn = conn;
    op->res = res;
    op->is_update = is_update;
    op->sync = sync;
    if (target)
        op->target = *target;
    op->body = body;
    op->payload = payload;
    op->status = OP_PENDING;
    op->created_us = op->updated_us = op->next_attempt_us = emu_now_us();
    emu_rng r;
    pthread_mutex_lock(&e->mu);
    uint8_t rnd[10];
    rng_bytes(&e->rng, rnd, sizeof rnd);
    uuid_v7(&op->id, (uint64_t)(op->created_us / 1000), rnd);
    rng_seed_stream(&r, rng_next(&e->rng), "op", e->n);
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->ops = xrealloc(e->ops, e->cap * sizeof *e->ops);
    }
    e->ops[e->n++] = op;
    int status = 202;
    if (sync) {
        op->in_progress = true;
        int64_t avail = bucket_take_at(e, conn, op->created_us);
        int64_t wait = avail ? avail - op->created_us : 0;
        pthread_mutex_unlock(&e->mu);
        attempt_result a;
        memset(&a, 0, sizeof a);
        if (wait > 0) {
            /* Section D: a sync request that finds the bucket empty gets a TSP 429 in its log. */
            a.a.error_type = "tsp";
            a.a.status_code = 429;
            a.a.retry_after_s = (int)(wait / 1000000) + 1;
            snprintf(a.a.details, sizeof a.a.details, "Rate limit toward the TSP exceeded; retry after %d s",
                     a.a.retry_after_s);
        } else {
            run_attempt(e, op, &r, &a);
        }
        pthread_mutex_lock(&e->mu);
        finish_attempt(e, op, &r, &a, emu_now_us());
        status = op->status == OP_SUCCESS ? 200 : 502;
    } else {
        emit_event(e, op, "resource_operation.created");
        pthread_cond_broadcast(&e->cv);
    }
    op_render(out, e->app->store, op, false);
    pthread_mutex_unlock(&e->mu);
    return status;
}

static void wait_real(ops_engine *e, int64_t emulated_us)
{
    double real_us = (double)emulated_us * emu_clock_scale();
    if (real_us > 20000)
        real_us = 20000;
    if (real_us < 200)
        real_us = 200;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long ns = ts.tv_nsec + (long long)(real_us * 1000);
    ts.tv_sec += (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    pthread_cond_timedwait(&e->cv, &e->mu, &ts);
}

static void *worker_main(void *arg)
{
    ops_engine *e = arg;
    emu_rng r;
    rng_seed_stream(&r, e->app->opts.seed, "worker", (uint64_t)(uintptr_t)pthread_self());
    pthread_mutex_lock(&e->mu);
    while (!e->stop) {
        emu_op *next = NULL;
        for (size_t i = 0; i < e->n; i++) {
            emu_op *op = e->ops[i];
            if (op->status == OP_PENDING && !op->sync && !op->in_progress &&
                (!next || op->next_attempt_us < next->next_attempt_us))
                next = op;
        }
        int64_t now = emu_now_us();
        if (!next) {
            wait_real(e, 1000000);
            continue;
        }
        if (next->next_attempt_us > now) {
            wait_real(e, next->next_attempt_us - now);
            continue;
        }
        /* The attempt starts at its scheduled instant (virtual time), once a TSP token is available. */
        int64_t start = next->next_attempt_us;
        int64_t avail = bucket_take_at(e, next->conn, start);
        if (avail > 0) {
            next->next_attempt_us = avail;
            continue;
        }
        next->in_progress = true;
        pthread_mutex_unlock(&e->mu);
        attempt_result a;
        run_attempt(e, next, &r, &a);
        const tsp_info *t = tsp_get((size_t)e->app->store->conns[next->conn].tsp);
        pthread_mutex_lock(&e->mu);
        finish_attempt(e, next, &r, &a, start + tsp_latency_us(t));
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

bool ops_drain(ops_engine *e, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&e->mu);
    bool drained = false;
    for (;;) {
        drained = true;
        for (size_t i = 0; i < e->n && drained; i++)
            drained = e->ops[i]->status != OP_PENDING;
        if (drained)
            break;
        if (pthread_cond_timedwait(&e->cv, &e->mu, &deadline) == ETIMEDOUT) {
            drained = true;
            for (size_t i = 0; i < e->n && drained; i++)
                drained = e->ops[i]->status != OP_PENDING;
            break;
        }
    }
    pthread_mutex_unlock(&e->mu);
    return drained;
}

void ops_track_message(ops_engine *e, emu_resource res, uint32_t idx, int64_t deliver_us, int64_t read_us)
{
    pthread_mutex_lock(&e->life_mu);
    if (e->n_life == e->cap_life) {
        e->cap_life = e->cap_life ? e->cap_life * 2 : 32;
        e->life = xrealloc(e->life, e->cap_life * sizeof *e->life);
    }
    e->life[e->n_life++] = (tracked_message){res, idx, deliver_us, read_us, false};
    pthread_mutex_unlock(&e->life_mu);
}

static void set_status(emu_store *st, tracked_message *m, const char *status, int64_t at, bool read)
{
    emu_record *rec = store_get(st, m->res, m->idx);
    const resource_def *def = &RESOURCE_DEFS[m->res];
    rec_builder rb = {0};
    rb_load(&rb, def, rec->blob);
    int status_f = resource_field_index(def, "status");
    rb_str(&rb, status_f, status);
    rb_time(&rb, resource_field_index(def, read ? "read_at" : "delivered_at"), at);
    free(rec->blob);
    rec->blob = rb_finish(&rb);
    rb_free(&rb);
    rec->updated_us = at;
    st->gen[m->res]++;
}

void ops_advance_messages(emu_app *app)
{
    ops_engine *e = app->ops;
    if (!e)
        return;
    int64_t now = emu_now_us();
    pthread_mutex_lock(&e->life_mu);
    bool due = false;
    for (size_t i = 0; i < e->n_life && !due; i++)
        due = (!e->life[i].delivered && e->life[i].deliver_us <= now) ||
              (e->life[i].delivered && e->life[i].read_us && e->life[i].read_us <= now);
    if (due) {
        pthread_rwlock_wrlock(&app->store->lock);
        size_t keep = 0;
        for (size_t i = 0; i < e->n_life; i++) {
            tracked_message *m = &e->life[i];
            if (!m->delivered && m->deliver_us <= now) {
                set_status(app->store, m, "delivered", m->deliver_us, false);
                m->delivered = true;
            }
            if (m->delivered && m->read_us && m->read_us <= now && m->res == RES_MESSAGE) {
                set_status(app->store, m, "read", m->read_us, true);
                m->read_us = 0;
            }
            if (!m->delivered || m->read_us)
                e->life[keep++] = *m;
        }
        e->n_life = keep;
        pthread_rwlock_unlock(&app->store->lock);
    }
    pthread_mutex_unlock(&e->life_mu);
}
