#include "chatter.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "emu_clock.h"
#include "emu_crypto.h"
#include "emu_json.h"
#include "emu_rng.h"
#include "render.h"
#include "tsp_catalog.h"

#define SEC_US 1000000LL
#define MIN_US (60 * SEC_US)
#define HOUR_US (60 * MIN_US)
#define DAY_US (24 * HOUR_US)
#define HISTORY_THREADS_MAX 12
#define NEVER_US INT64_MAX

static const char *const DRIVER_LINES[] = {
    "Arrived at shipper, waiting for a door",
    "Loaded and rolling",
    "Stuck in traffic, ETA +40 min",
    "Delivered, empty now. Next load?",
    "Taking my 30 min break",
    "Reefer alarm went off, checking it",
    "Need a lumper receipt for this stop",
    "Scale ticket says 79,600 lb",
    "Weather is bad here, slowing down",
    "Fuel stop, back on the road in 15",
    "Receiver says appointment is tomorrow",
    "Check engine light is on",
    "At the yard, dropping the trailer",
    "Running out of hours around 6 pm",
    "Can you send the address again?",
};

static const char *const REPLY_LINES[] = {
    "OK", "Copy that", "On it", "Will do", "10-4, thanks", "Got it, heading there now", "Can't right now, driving",
    "Yes", "No, not yet", "Call me when you can",
};

static const char *const DISPATCH_LINES[] = {
    "Where are you now?",
    "Pickup moved to 2 pm",
    "Please send the BOL when loaded",
    "New load for you after this one",
    "Call the receiver before you get there",
    "How many hours do you have left?",
    "Customer asks for an ETA",
    "Take the I-80 detour, the bridge is closed",
};

typedef struct chat_msg {
    int64_t at_us;
    uint32_t conn;
    uint32_t sender, recipient; /* user record indices */
    const char *text;
    int64_t reply_to; /* message record index, -1 none */
    int64_t delivered_us, read_us; /* 0 = not yet */
    size_t order;                  /* generation order: ties keep it */
} chat_msg;

typedef struct conn_people {
    int64_t dispatcher; /* user index, -1 none */
    uint32_t *drivers;
    size_t n_drivers;
} conn_people;

typedef struct pending_reply {
    int64_t at_us;
    uint32_t conn, driver, recipient;
    uint32_t reply_to;
    uint32_t line;
} pending_reply;

struct chatter {
    pthread_mutex_t mu;
    bool live;
    uint64_t seed;
    size_t n_conns;
    conn_people *people;
    int64_t *next_us; /* next spontaneous message per connection */
    uint64_t *seq;    /* spontaneous messages so far per connection */
    pending_reply *replies;
    size_t n_replies, cap_replies;
};

static void people_of(const emu_store *st, uint32_t conn, conn_people *p)
{
    const index_list *l = &st->coll[RES_USER].by_conn[conn];
    p->dispatcher = -1;
    p->drivers = xmalloc((l->n ? l->n : 1) * sizeof *p->drivers);
    p->n_drivers = 0;
    for (size_t i = 0; i < l->n; i++) {
        const emu_record *u = &st->coll[RES_USER].items[l->v[i]];
        if (u->flags & REC_IS_DRIVER)
            p->drivers[p->n_drivers++] = l->v[i];
        else if (p->dispatcher < 0)
            p->dispatcher = l->v[i];
    }
}

static void put_uuid(rec_builder *rb, int field, const uuid *u)
{
    char s[UUID_STR_LEN];
    uuid_format(u, s);
    rb_str(rb, field, s);
}

/* Stores one message as the contract's MessageRead has it; returns its index. Caller holds the write lock. */
static uint32_t add_message(emu_store *st, emu_rng *r, const chat_msg *m)
{
    emu_collection *users = &st->coll[RES_USER];
    const emu_record *from = &users->items[m->sender], *to = &users->items[m->recipient];
    emu_connection *c = &st->conns[m->conn];
    emu_record rec = {0};
    rec.conn = m->conn;
    rec.created_us = rec.occurred_us = m->at_us;
    rec.updated_us = m->read_us ? m->read_us : m->delivered_us ? m->delivered_us : m->at_us;
    uint8_t rnd[10];
    rng_bytes(r, rnd, sizeof rnd);
    uuid_v7(&rec.id, (uint64_t)(m->at_us / 1000), rnd);
    char sid[64];
    tsp_format_source_id(tsp_get((size_t)c->tsp), RES_MESSAGE, c->source_seq[RES_MESSAGE]++, sid, sizeof sid);
    rec.source_id = xstrdup(sid);

    rec_builder rb = {0};
    rb_begin(&rb, &RESOURCE_DEFS[RES_MESSAGE]);
    rb_str(&rb, MF_source_sender_id, from->source_id);
    rb_str(&rb, MF_source_recipient_id, to->source_id);
    put_uuid(&rb, MF_sender_id, &from->id);
    put_uuid(&rb, MF_recipient_id, &to->id);
    rb_str(&rb, MF_message_text, m->text);
    char hex[65];
    sha256_hex(m->text, strlen(m->text), hex);
    rb_str(&rb, MF_message_hash, hex);
    rb_str(&rb, MF_status, m->read_us ? "read" : m->delivered_us ? "delivered" : "sent");
    if (m->delivered_us)
        rb_time(&rb, MF_delivered_at, m->delivered_us);
    if (m->read_us)
        rb_time(&rb, MF_read_at, m->read_us);
    rb_bool(&rb, MF_sent_by_driver, from->flags & REC_IS_DRIVER);
    char name[300];
    user_full_name(from, name, sizeof name);
    rb_str(&rb, MF_sender_name, name);
    user_full_name(to, name, sizeof name);
    rb_str(&rb, MF_recipient_name, name);
    if (m->reply_to >= 0) {
        const emu_record *prev = &st->coll[RES_MESSAGE].items[m->reply_to];
        rb_raw(&rb, MF_thread_id, blob_field(prev->blob, MF_thread_id));
        rb_raw(&rb, MF_source_thread_id, blob_field(prev->blob, MF_source_thread_id));
        put_uuid(&rb, MF_reply_to_message_id, &prev->id);
        rb_str(&rb, MF_source_reply_to_message_id, prev->source_id);
    } else {
        uuid thread;
        rng_bytes(r, rnd, sizeof rnd);
        uuid_v7(&thread, (uint64_t)(m->at_us / 1000), rnd);
        put_uuid(&rb, MF_thread_id, &thread);
        rb_strf(&rb, MF_source_thread_id, "thr-%08x", (unsigned)rng_next(r));
    }
    rec.blob = rb_finish(&rb);
    rb_free(&rb);
    return store_add(st, RES_MESSAGE, &rec);
}

static int cmp_chat(const void *pa, const void *pb)
{
    const chat_msg *a = pa, *b = pb;
    if (a->at_us != b->at_us)
        return a->at_us < b->at_us ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* One conversation of 3..10 messages between a dispatcher and a driver, each answering the one before. */
static void history_thread(emu_rng *r, uint32_t conn, uint32_t dispatcher, uint32_t driver, int64_t now_us,
                           chat_msg *out, size_t *n)
{
    int64_t at = now_us - rng_range(r, HOUR_US, CHATTER_HISTORY_DAYS * DAY_US - DAY_US);
    bool from_driver = rng_below(r, 2);
    size_t count = (size_t)rng_range(r, 3, 10);
    for (size_t k = 0; k < count && at < now_us - MIN_US; k++) {
        chat_msg *m = &out[*n];
        memset(m, 0, sizeof *m);
        m->at_us = at;
        m->conn = conn;
        m->sender = from_driver ? driver : dispatcher;
        m->recipient = from_driver ? dispatcher : driver;
        m->text = from_driver ? (k ? RNG_PICK(r, REPLY_LINES) : RNG_PICK(r, DRIVER_LINES))
                              : RNG_PICK(r, DISPATCH_LINES);
        m->reply_to = k ? (int64_t)(*n - 1) : -1; /* an index into out until stored */
        m->order = *n;
        int64_t deliver = at + rng_range(r, 5 * SEC_US, 90 * SEC_US);
        m->delivered_us = deliver <= now_us ? deliver : 0;
        int64_t read = deliver + rng_range(r, 30 * SEC_US, 40 * MIN_US);
        /* The dispatcher has read what drivers wrote, except in the last few hours. */
        bool reads = from_driver ? read < now_us - 3 * HOUR_US : rng_below(r, 10) < 8;
        m->read_us = m->delivered_us && reads && read <= now_us ? read : 0;
        (*n)++;
        at += rng_range(r, 2 * MIN_US, k % 3 == 2 ? 3 * DAY_US : 2 * HOUR_US);
        from_driver = rng_below(r, 10) < 7 ? !from_driver : from_driver;
    }
}

void chatter_seed_history(emu_store *st, int64_t now_us)
{
    size_t cap = st->n_conns * HISTORY_THREADS_MAX * 10 + 1, n = 0;
    chat_msg *all = xmalloc(cap * sizeof *all);
    for (uint32_t c = 0; c < st->n_conns; c++) {
        conn_people p;
        people_of(st, c, &p);
        emu_rng r;
        rng_seed_stream(&r, st->seed, "message-history", c);
        size_t threads = p.n_drivers < HISTORY_THREADS_MAX ? p.n_drivers : HISTORY_THREADS_MAX;
        for (size_t t = 0; p.dispatcher >= 0 && t < threads; t++)
            history_thread(&r, c, (uint32_t)p.dispatcher, p.drivers[t], now_us, all, &n);
        free(p.drivers);
    }
    /* Replies point at out[] positions; after sorting by time they become store indices. */
    size_t *stored_at = xmalloc(cap * sizeof *stored_at);
    size_t *pos_of = xmalloc(cap * sizeof *pos_of);
    qsort(all, n, sizeof *all, cmp_chat);
    for (size_t i = 0; i < n; i++)
        pos_of[all[i].order] = i;
    emu_rng r;
    rng_seed_stream(&r, st->seed, "message-history-ids", 0);
    for (size_t i = 0; i < n; i++) {
        chat_msg m = all[i];
        if (m.reply_to >= 0)
            m.reply_to = (int64_t)stored_at[pos_of[m.reply_to]];
        stored_at[i] = add_message(st, &r, &m);
    }
    free(pos_of);
    free(stored_at);
    free(all);
}

static int64_t spontaneous_gap(uint64_t seed, uint32_t conn, uint64_t k)
{
    emu_rng r;
    rng_seed_stream(&r, seed, "chatter-gap", ((uint64_t)conn << 40) | k);
    return rng_range(&r, 4 * MIN_US, 20 * MIN_US);
}

chatter *chatter_new(emu_store *st, bool live, int64_t start_us)
{
    chatter *ch = xcalloc(1, sizeof *ch);
    pthread_mutex_init(&ch->mu, NULL);
    ch->live = live;
    ch->seed = st->seed;
    ch->n_conns = st->n_conns;
    ch->people = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *ch->people);
    ch->next_us = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *ch->next_us);
    ch->seq = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *ch->seq);
    for (uint32_t c = 0; c < st->n_conns; c++) {
        people_of(st, c, &ch->people[c]);
        bool speaks = live && ch->people[c].dispatcher >= 0 && ch->people[c].n_drivers > 0;
        ch->next_us[c] = speaks ? start_us + spontaneous_gap(ch->seed, c, 0) : NEVER_US;
    }
    return ch;
}

void chatter_free(chatter *ch)
{
    if (!ch)
        return;
    for (size_t c = 0; c < ch->n_conns; c++)
        free(ch->people[c].drivers);
    free(ch->people);
    free(ch->next_us);
    free(ch->seq);
    free(ch->replies);
    pthread_mutex_destroy(&ch->mu);
    free(ch);
}

/* The earliest due event: a connection's spontaneous message (*conn) or a reply (*reply); false if none by now. */
static bool next_event(const chatter *ch, int64_t now, int64_t *conn, int64_t *reply)
{
    int64_t best = NEVER_US;
    *conn = *reply = -1;
    for (size_t c = 0; c < ch->n_conns; c++)
        if (ch->next_us[c] < best) {
            best = ch->next_us[c];
            *conn = (int64_t)c;
        }
    for (size_t i = 0; i < ch->n_replies; i++)
        if (ch->replies[i].at_us < best) {
            best = ch->replies[i].at_us;
            *reply = (int64_t)i;
            *conn = -1;
        }
    return best <= now;
}

static void say_spontaneous(chatter *ch, emu_store *st, uint32_t c)
{
    const conn_people *p = &ch->people[c];
    uint64_t k = ch->seq[c]++;
    emu_rng r;
    rng_seed_stream(&r, ch->seed, "chatter", ((uint64_t)c << 40) | k);
    chat_msg m = {.at_us = ch->next_us[c], .conn = c, .recipient = (uint32_t)p->dispatcher, .reply_to = -1};
    m.sender = p->drivers[rng_below(&r, (uint32_t)p->n_drivers)];
    m.text = RNG_PICK(&r, DRIVER_LINES);
    m.delivered_us = m.at_us;
    add_message(st, &r, &m);
    ch->next_us[c] += spontaneous_gap(ch->seed, c, k + 1);
}

static void say_reply(chatter *ch, emu_store *st, size_t i)
{
    pending_reply pr = ch->replies[i];
    ch->replies[i] = ch->replies[--ch->n_replies];
    emu_rng r;
    rng_seed_stream(&r, ch->seed, "chatter-reply-ids", pr.reply_to);
    chat_msg m = {.at_us = pr.at_us, .conn = pr.conn, .sender = pr.driver, .recipient = pr.recipient};
    m.reply_to = pr.reply_to;
    m.text = REPLY_LINES[pr.line % (sizeof REPLY_LINES / sizeof REPLY_LINES[0])];
    m.delivered_us = m.at_us;
    add_message(st, &r, &m);
}

static void advance_locked(chatter *ch, emu_store *st, int64_t now)
{
    int64_t conn, reply;
    if (!next_event(ch, now, &conn, &reply))
        return;
    pthread_rwlock_wrlock(&st->lock);
    do {
        if (conn >= 0)
            say_spontaneous(ch, st, (uint32_t)conn);
        else
            say_reply(ch, st, (size_t)reply);
    } while (next_event(ch, now, &conn, &reply));
    pthread_rwlock_unlock(&st->lock);
}

void chatter_advance(chatter *ch, emu_store *st)
{
    if (!ch)
        return;
    pthread_mutex_lock(&ch->mu);
    advance_locked(ch, st, emu_now_us());
    pthread_mutex_unlock(&ch->mu);
}

void chatter_note_message(chatter *ch, emu_store *st, uint32_t msg_idx, int64_t read_us)
{
    if (!ch || !ch->live || !read_us)
        return;
    emu_rng r;
    rng_seed_stream(&r, ch->seed, "chatter-reply", msg_idx);
    if (rng_below(&r, 10) >= 6)
        return;
    pthread_mutex_lock(&ch->mu);
    pthread_rwlock_rdlock(&st->lock);
    const emu_record *msg = &st->coll[RES_MESSAGE].items[msg_idx];
    uuid from_id, to_id;
    emu_resource res;
    uint32_t from, to;
    char s[UUID_STR_LEN + 2];
    bool ok = fragment_string(blob_field(msg->blob, MF_sender_id), s, sizeof s) && uuid_parse(s, &from_id) &&
              store_lookup(st, &from_id, &res, &from) && res == RES_USER &&
              fragment_string(blob_field(msg->blob, MF_recipient_id), s, sizeof s) && uuid_parse(s, &to_id) &&
              store_lookup(st, &to_id, &res, &to) && res == RES_USER;
    if (ok && !(st->coll[RES_USER].items[from].flags & REC_IS_DRIVER) &&
        (st->coll[RES_USER].items[to].flags & REC_IS_DRIVER)) {
        if (ch->n_replies == ch->cap_replies) {
            ch->cap_replies = ch->cap_replies ? ch->cap_replies * 2 : 16;
            ch->replies = xrealloc(ch->replies, ch->cap_replies * sizeof *ch->replies);
        }
        ch->replies[ch->n_replies++] = (pending_reply){read_us + rng_range(&r, 20 * SEC_US, 4 * MIN_US), msg->conn,
                                                       to, from, msg_idx, rng_below(&r, 1000)};
    }
    pthread_rwlock_unlock(&st->lock);
    pthread_mutex_unlock(&ch->mu);
}

int chatter_driver_says(chatter *ch, emu_store *st, const uuid *driver, const char *text, const uuid *recipient,
                        strbuf *out, char **err)
{
    pthread_mutex_lock(&ch->mu);
    int64_t now = emu_now_us();
    advance_locked(ch, st, now);
    pthread_rwlock_wrlock(&st->lock);
    int status = 201;
    emu_resource res;
    uint32_t from, to = 0;
    if (!store_lookup(st, driver, &res, &from) || res != RES_USER) {
        status = 404;
        err_set(err, "No user with that id");
    } else if (!(st->coll[RES_USER].items[from].flags & REC_IS_DRIVER)) {
        status = 400;
        err_set(err, "That user is not a driver");
    } else if (recipient && (!store_lookup(st, recipient, &res, &to) || res != RES_USER ||
                             st->coll[RES_USER].items[to].conn != st->coll[RES_USER].items[from].conn)) {
        status = 400;
        err_set(err, "recipient_id is not a user of the driver's connection");
    } else if (!recipient) {
        int64_t d = ch->people[st->coll[RES_USER].items[from].conn].dispatcher;
        if (d < 0) {
            status = 400;
            err_set(err, "The driver's connection has no dispatcher to write to");
        }
        to = (uint32_t)d;
    }
    if (status == 201) {
        emu_rng r;
        rng_seed_stream(&r, ch->seed, "chatter-control", st->coll[RES_MESSAGE].n);
        chat_msg m = {.at_us = now, .conn = st->coll[RES_USER].items[from].conn, .sender = from, .recipient = to};
        m.reply_to = -1;
        m.text = text;
        m.delivered_us = now;
        uint32_t idx = add_message(st, &r, &m);
        strbuf_reset(out);
        render_record(out, st, RES_MESSAGE, &st->coll[RES_MESSAGE].items[idx], false);
    }
    pthread_rwlock_unlock(&st->lock);
    pthread_mutex_unlock(&ch->mu);
    return status;
}
