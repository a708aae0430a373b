/* send: the one protocol every write of the console follows (a message, a reply, a group
 * message, a record form, and every write to come). A ticket outlives the overlay that sent it:
 *  - accepted (202, or 200 in sync mode): the draft is removed from disk, the operation goes to
 *    the tracker, the view's `accepted` hook sets the message line, the overlay closes if open;
 *  - anything else: the draft stays on disk with why it failed (and "may have been sent" once an
 *    outcome was unknown, until a later send is accepted); a 502's operation is tracked too; the
 *    overlay, if still open, shows the answer through `refused`, else the message line says it.
 * Views only say what to send (a resource, a record for an update, a body) and how to show the
 * answer. The only writes_send call of the console is here. */
#ifndef CATENA_UI_SEND_H
#define CATENA_UI_SEND_H

#include "core/drafts.h"
#include "core/api_writes.h"
#include "ui/app.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct send_ticket send_ticket;

typedef struct send_hooks {
    /* Always called on acceptance, open overlay or not: says so on the message line. op_id is the
     * tracked operation's id (the response's when the tracker did not take it). */
    void (*accepted)(app *a, const draft *d, const char *label, const write_result *r, const char *op_id);
    /* Not accepted and the owner is still open: show the answer in it. d is the ticket's draft,
     * with last_error and maybe_sent set; the owner saves its own draft afterwards. */
    void (*refused)(void *owner, app *a, const write_result *r, const draft *d);
    /* One line for the draft's last_error (sanitized here); NULL: send_failure_text. */
    void (*describe)(const write_result *r, char *out, size_t cap);
} send_hooks;

typedef struct send_request {
    const char *resource;  /* "message", "group_message", "vehicle", "trailer", "user" (ResourceEnum) */
    const char *record_id; /* the record an update is about (PATCH); NULL: a create (POST) */
    const char *body;      /* JSON */
    const draft *d;        /* the draft as saved on disk; the ticket keeps a copy */
    const char *label;     /* the operation's label: "Message to José", "Edit vehicle Truck 7" */
    const char *target_id; /* what the operation is about (for the tracker), or NULL */
    const char *verb;      /* "sent" or "saved": "<label> not <verb>: why (kept in drafts, D)" */
    const send_hooks *hooks;
    void *owner;           /* the overlay state that sends; it calls send_detach when it goes */
    send_ticket **slot;    /* the owner's pointer to the ticket: set while it lives, NULL after */
} send_request;

/* Starts the write; the ticket lives until the answer came (*rq->slot holds it meanwhile, and
 * is cleared before a hook runs). The draft's sync flag says whether to wait for the TSP. */
void send_start(app *a, const send_request *rq);
/* The owner is going away: the answer will no longer be shown in it. NULL is fine. */
void send_detach(send_ticket *t);
/* A write of this draft is on its way (its answer has not come): it must not be opened to be sent
 * again meanwhile. */
bool send_draft_in_flight(const char *draft_id);
/* "the TSP refused it: …", the 422's fields, or the result's message. */
void send_failure_text(const write_result *r, char *out, size_t cap);

#endif
