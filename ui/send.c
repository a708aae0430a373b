/* send: one write's ticket, from the request to the draft's fate (see send.h). */
#include "ui/send.h"

#include "common/strbuf.h"
#include "core/api_caps.h"
#include "core/forms.h"
#include "core/text.h"
#include "ui/pane_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct send_ticket {
    app *a;
    void *owner; /* NULL once the overlay is gone */
    send_ticket **slot;
    draft *d;    /* a copy, to update the draft file whatever happens to the overlay */
    char *label, *target_id, *verb, *resource;
    const send_hooks *hooks;
    send_ticket *next; /* the tickets alive, for send_draft_in_flight */
};

static send_ticket *live;

void send_failure_text(const write_result *r, char *out, size_t cap)
{
    if (r->kind == WR_TSP_FAILED) {
        snprintf(out, cap, "the TSP refused it: %s", r->tsp_error[0] ? r->tsp_error : "no details");
        return;
    }
    if (r->kind == WR_INVALID && r->nerrors) {
        size_t n = 0;
        out[0] = '\0';
        for (int i = 0; i < r->nerrors && n + 1 < cap; i++) {
            snprintf(out + n, cap - n, "%s%s%s%s", i ? "; " : "", r->errors[i].path, r->errors[i].path[0] ? ": " : "",
                     r->errors[i].message);
            n = strlen(out);
        }
        return;
    }
    snprintf(out, cap, "%s", r->message);
}

bool send_draft_in_flight(const char *draft_id)
{
    for (const send_ticket *t = live; t && draft_id; t = t->next)
        if (strcmp(t->d->id, draft_id) == 0)
            return true;
    return false;
}

static void ticket_free(send_ticket *t)
{
    for (send_ticket **p = &live; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    draft_release(t->d->id);
    draft_free(t->d);
    free(t->d);
    free(t->label);
    free(t->target_id);
    free(t->verb);
    free(t->resource);
    free(t);
}

static void on_answer(void *ud, const write_result *r)
{
    send_ticket *t = ud;
    app *a = t->a;
    a->dirty |= DIRTY_ALL;
    if (t->slot)
        *t->slot = NULL;
    if (r->kind == WR_ACCEPTED) {
        /* Sent: the draft says so on disk before it goes, and the claim lasts until then, so no
         * console can send it again even if the removal fails. */
        free(t->d->operation_id);
        t->d->operation_id = xstrdup(r->op_id[0] ? r->op_id : "unknown");
        draft_save(t->d, NULL);
        draft_remove(t->d->id);
        const char *op = ops_pane_track(a, r->op_json, r->op_json_len, t->label, t->target_id);
        t->hooks->accepted(a, t->d, t->label, r, op[0] ? op : r->op_id);
        if (t->owner)
            app_overlay_remove(a, t->owner); /* its write is on its way: the overlay's work is done */
        ticket_free(t);
        return;
    }
    if (r->kind == WR_ERROR && r->http_status == 501) /* the TSP cannot take it: the next one is refused up front */
        caps_remember_unsupported(a->caps, t->d->connection_id, t->resource, r->message);
    char why[400];
    if (t->hooks->describe)
        t->hooks->describe(r, why, sizeof why);
    else
        send_failure_text(r, why, sizeof why);
    free(t->d->last_error);
    t->d->last_error = text_sanitize_str(why);
    /* Once a send may have gone through, every later one warns first until one is accepted. */
    t->d->maybe_sent = t->d->maybe_sent || r->kind == WR_UNKNOWN;
    if (r->kind == WR_TSP_FAILED && r->op_json)
        ops_pane_track(a, r->op_json, r->op_json_len, t->label, t->target_id);
    if (t->owner) {
        t->hooks->refused(t->owner, a, r, t->d);
    } else {
        char *err = NULL;
        if (draft_save(t->d, &err) != 0) /* core/drafts keeps it in memory and tries again */
            app_set_message(a, SLOT_STATUS_ERROR, "%s not %s; its draft is NOT saved, only kept in memory (D): %s",
                            t->label, t->verb, err ? err : "?");
        else
            app_set_message(a, SLOT_STATUS_ERROR, "%s not %s: %s (kept in drafts, D)", t->label, t->verb,
                            t->d->last_error);
        free(err);
    }
    ticket_free(t);
}

/* The one write call: the API module maps the resource (and the record id of an update) to its path. */
static void start_write(app *a, const send_request *rq, send_ticket *t)
{
    writes_send(a->api, rq->resource, rq->record_id, t->d->sync, rq->body, on_answer, t);
}

void send_start(app *a, const send_request *rq)
{
    send_ticket *t = xcalloc(1, sizeof *t);
    t->a = a;
    t->owner = rq->owner;
    t->d = draft_clone(rq->d);
    t->next = live;
    live = t;
    draft_claim(t->d->id, NULL); /* its owner holds it: counted, it lasts until the answer */
    t->label = xstrdup(rq->label ? rq->label : "");
    t->target_id = rq->target_id ? xstrdup(rq->target_id) : NULL;
    t->verb = xstrdup(rq->verb ? rq->verb : "sent");
    t->hooks = rq->hooks;
    t->slot = rq->slot;
    t->resource = xstrdup(rq->resource ? rq->resource : "");
    if (t->slot)
        *t->slot = t;
    write_result no = {.kind = WR_ERROR}; /* a read-only share, or a 501 earlier: nothing is sent */
    if (caps_write_blocked(a->caps, t->d->connection_id, t->resource, no.message, sizeof no.message)) {
        on_answer(t, &no);
        return;
    }
    start_write(a, rq, t);
}

void send_detach(send_ticket *t)
{
    if (!t)
        return;
    if (t->slot)
        *t->slot = NULL;
    t->owner = NULL;
    t->slot = NULL;
}
