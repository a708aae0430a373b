/* cmd_inbox: `inbox [--unread] [--since DURATION] [--watch] --json`: the messages drivers sent
 * across every connection, one JSON line each, oldest first; --watch then polls (one request per
 * connection per tick, as the console's inbox) and prints each new one until interrupted.
 * Unread is the console's own state (the account's inbox file, read here, never written): a
 * message the console has not shown, or one it never saw that the API does not say was read. */
#include "app/cmd_private.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/api_inbox.h"
#include "core/api_json.h"
#include "core/api_resources.h"
#include "core/inbox.h"
#include "core/statefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SINCE_DEFAULT_S (24 * 3600)  /* the API's own window without from_datetime */
#define SINCE_MAX_S (45 * 24 * 3600) /* the longest window the API answers */

/* "90s", "30m", "2h", "7d" (or a plain number of seconds) into seconds; -1 when malformed. */
long cmd_inbox_parse_duration(const char *s)
{
    char *end = NULL;
    if (!s || *s < '0' || *s > '9')
        return -1;
    long n = strtol(s, &end, 10);
    long unit = !*end ? 1 : strcmp(end, "s") == 0 ? 1 : strcmp(end, "m") == 0 ? 60
                          : strcmp(end, "h") == 0 ? 3600 : strcmp(end, "d") == 0 ? 86400 : 0;
    if (!unit || n <= 0 || n > SINCE_MAX_S / unit)
        return -1;
    return n * unit;
}

typedef struct conn_poll {
    char id[UUID_STR_LEN];
    char label[160];
    int64_t since_ms; /* the next poll's from_datetime */
    bool refused;     /* 403/501: skipped from then on */
} conn_poll;

typedef struct batch_msg {
    api_inbox_msg m;
    const conn_poll *conn;
    bool unread;
} batch_msg;

typedef struct inbox_run {
    cmd_ctx *c;
    inbox_store *state;         /* the console's, for unread; NULL when there is none */
    char (*seen)[UUID_STR_LEN]; /* ids printed (a poll from the newest time repeats that one) */
    size_t nseen, capseen;
    batch_msg *batch; /* found by this round of polls, printed oldest first */
    size_t nbatch;
} inbox_run;

typedef struct poll_wait {
    bool done;
    api_status status;
    long http_status;
    char message[320];
    api_inbox_page pg;
} poll_wait;

static void on_poll(void *ud, const api_reply *r, api_inbox_page *pg, const char *err)
{
    poll_wait *w = ud;
    w->done = true;
    w->status = r->status;
    w->http_status = r->http_status;
    snprintf(w->message, sizeof w->message, "%s", err ? err : r->message[0] ? r->message : "");
    if (pg) {
        w->pg = *pg;
        memset(pg, 0, sizeof *pg); /* taken */
    }
}

/* Whether id was printed already; remembers it. */
static bool seen(inbox_run *run, const char *id)
{
    for (size_t i = 0; i < run->nseen; i++)
        if (strcmp(run->seen[i], id) == 0)
            return true;
    if (run->nseen == run->capseen) {
        run->capseen = run->capseen ? run->capseen * 2 : 64;
        run->seen = xrealloc(run->seen, run->capseen * sizeof *run->seen);
    }
    snprintf(run->seen[run->nseen++], UUID_STR_LEN, "%s", id);
    return false;
}

static bool is_unread(const inbox_run *run, const api_inbox_msg *m)
{
    const inbox_msg *kept = run->state ? inbox_store_find(run->state, m->id) : NULL;
    return kept ? kept->unread : !m->read;
}

/* One connection's messages from cp->since_ms on, every page; they join run->batch. Returns an
 * exit code; a connection that refuses (403/501) is said once on stderr and skipped. */
static int poll_conn(inbox_run *run, conn_poll *cp)
{
    cmd_ctx *c = run->c;
    char *cursor = NULL;
    int64_t newest = cp->since_ms;
    do {
        poll_wait w = {0};
        uint64_t id = api_inbox_poll(c->a, cp->id, cp->since_ms, cursor, c->cfg.page_size, on_poll, &w);
        free(cursor);
        cursor = NULL;
        while (!w.done && !c->stop)
            cmd_pump(c);
        if (!w.done) {
            api_cancel(c->a, id);
            return CMD_EXIT_OK;
        }
        if (w.status != API_OK) {
            api_inbox_page_clear(&w.pg);
            if (w.http_status == 403 || w.http_status == 501) {
                cp->refused = true;
                cmd_err(c, "%s: skipped (%s): %s", cp->label,
                        w.http_status == 403 ? "403, not allowed to read its messages" : "501, its TSP has no messages",
                        w.message);
                return CMD_EXIT_OK;
            }
            cmd_err(c, "%s: %s", cp->label, w.message);
            return cmd_exit_for_status(w.status);
        }
        for (size_t i = 0; i < w.pg.n; i++) {
            api_inbox_msg *m = &w.pg.msgs[i];
            bool unread = is_unread(run, m);
            if ((c->args.unread && !unread) || seen(run, m->id))
                continue;
            run->batch = xrealloc(run->batch, (run->nbatch + 1) * sizeof *run->batch);
            run->batch[run->nbatch++] = (batch_msg){*m, cp, unread};
            m->driver_name = m->text = NULL; /* taken */
        }
        if (w.pg.newest_ms > newest)
            newest = w.pg.newest_ms;
        cursor = w.pg.next_cursor;
        w.pg.next_cursor = NULL;
        api_inbox_page_clear(&w.pg);
    } while (cursor && !c->stop);
    free(cursor);
    cp->since_ms = newest;
    return CMD_EXIT_OK;
}

static void iso_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03dZ", day, (int)(ms % 1000));
}

static int by_time(const void *x, const void *y)
{
    const batch_msg *a = x, *b = y;
    return a->m.at_ms < b->m.at_ms ? -1 : a->m.at_ms > b->m.at_ms ? 1 : strcmp(a->m.id, b->m.id);
}

/* Prints the batch oldest first (one JSON line each), then empties it. */
static void print_batch(inbox_run *run)
{
    qsort(run->batch, run->nbatch, sizeof *run->batch, by_time);
    for (size_t i = 0; i < run->nbatch; i++) {
        batch_msg *b = &run->batch[i];
        char at[40];
        iso_time(b->m.at_ms, at, sizeof at);
        api_json_obj *o = api_json_obj_new();
        api_json_add_str(o, "id", b->m.id);
        api_json_add_str(o, "sent_at", at);
        api_json_add_str(o, "connection_id", b->conn->id);
        api_json_add_str(o, "connection", b->conn->label);
        api_json_add_str(o, "driver_id", b->m.driver_id);
        api_json_add_str(o, "driver", b->m.driver_name);
        api_json_add_str(o, "text", b->m.text);
        api_json_add_bool(o, "unread", b->unread);
        char *line = api_json_obj_line(o);
        printf("%s\n", line);
        free(line);
        free(b->m.driver_name);
        free(b->m.text);
    }
    fflush(stdout);
    run->nbatch = 0;
}

/* The console's inbox state of this account (profile and API URL), or NULL when there is none. */
static inbox_store *console_state(cmd_ctx *c)
{
    char path[1100];
    char *err = NULL;
    if (statefile_set_account(c->cfg.profile, c->cfg.api_url, NULL, &err) != 0 ||
        statefile_account_file(INBOX_STATE_FILE, path, sizeof path, &err) != 0) {
        cmd_err(c, "the console's read marks are not known (%s): unread is what the API says", err ? err : "?");
        free(err);
        return NULL;
    }
    inbox_store *s = inbox_store_new(INBOX_KEEP);
    if (inbox_store_load(s, path, &err) != 0) {
        cmd_err(c, "%s: unread is what the API says", err ? err : "?");
        free(err);
    }
    return s;
}

int cmd_run_inbox(cmd_ctx *c)
{
    long since_s = SINCE_DEFAULT_S;
    if (c->args.since && (since_s = cmd_inbox_parse_duration(c->args.since)) < 0)
        return cmd_usage(c, "--since wants a duration such as 90s, 30m, 2h or 7d, at most 45d (got '%s')",
                         c->args.since);
    if (c->args.watch)
        cmd_handle_signals(c); /* from the start: SIGINT/SIGTERM end a watch with 0 */
    table t;
    table_init(&t, KIND_CONNECTION);
    char *q = api_resource_list_path(api_resource_get(KIND_CONNECTION), "", NULL);
    int rc = cmd_load_table(c, &t, q);
    free(q);
    if (rc) {
        table_clear(&t);
        return c->stop ? CMD_EXIT_OK : rc;
    }
    inbox_run run = {.c = c, .state = console_state(c)};
    conn_poll *conns = xcalloc(t.count ? t.count : 1, sizeof *conns);
    if (since_s > SINCE_MAX_S - 60)
        since_s = SINCE_MAX_S - 60; /* the window ends when the request arrives: keep within 45 days */
    int64_t from = loop_wall_ms(c->l) - (int64_t)since_s * 1000;
    for (size_t i = 0; i < t.count; i++) {
        const connection_rec *r = table_row(&t, i);
        uuid_format(&r->id, conns[i].id);
        snprintf(conns[i].label, sizeof conns[i].label, "%s", table_str(&t, r->description));
        conns[i].since_ms = from;
    }
    int interval = c->cfg.poll_pending_ms > 0 ? c->cfg.poll_pending_ms : 1000;
    for (bool first = true; rc == CMD_EXIT_OK && !c->stop && !ferror(stdout); first = false) {
        if (!first)
            cmd_sleep(c, interval);
        for (size_t i = 0; i < t.count && rc == CMD_EXIT_OK && !c->stop; i++)
            if (!conns[i].refused)
                rc = poll_conn(&run, &conns[i]);
        print_batch(&run);
        if (!c->args.watch)
            break;
        if (rc != CMD_EXIT_OK && rc != CMD_EXIT_AUTH) {
            rc = CMD_EXIT_OK; /* a failed tick is said on stderr; the watch goes on */
            cmd_sleep(c, interval);
        }
    }
    for (size_t i = 0; i < run.nbatch; i++) {
        free(run.batch[i].m.driver_name);
        free(run.batch[i].m.text);
    }
    free(run.batch);
    free(run.seen);
    free(conns);
    inbox_store_free(run.state);
    table_clear(&t);
    return c->stop ? CMD_EXIT_OK : rc;
}
