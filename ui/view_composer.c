/* Composer: a message to one driver, a reply, or one message to many (group). Everything typed
 * is kept as a draft on disk as it is edited and removed only when the API accepted it. */
#include "common/strbuf.h"
#include "core/api_writes.h"
#include "core/drafts.h"
#include "core/edittmp.h"
#include "core/text.h"
#include "ui/draft_guard.h"
#include "core/tsp_limits.h"
#include "ui/flows.h"
#include "ui/pane_ops.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/send.h"
#include "ui/template_picker.h"
#include "ui/textedit.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const priorities[] = {"low", "medium", "high"};

/* A group message to this many drivers or more is sent by a second Ctrl-X, after the count. */
#define GROUP_CONFIRM_AT 5

typedef struct composer {
    draft d;
    textedit text;
    char sender_label[160];
    bool draft_dirty;
    bool unsaved;      /* the last save failed: the text is only here (and in core/drafts' memory) */
    bool confirm_lose; /* Esc asked whether to close and lose it */
    time_t save_tried; /* when the idle hook last tried again */
    bool sending;
    bool confirm_resend; /* the last send may have gone: Ctrl-X again to send anyway */
    bool confirm_group;  /* a group this large was confirmed (Ctrl-X twice) */
    bool confirm_long;   /* a text over the TSP's limit was confirmed (Ctrl-X twice) */
    send_ticket *ticket; /* the send in flight (ui/send.c), NULL when none */
    char status[400];
    theme_slot status_slot;
    char field_error[300]; /* a 422 about message_text, shown under the text */
} composer;

/* False when the disk did not take it: the text stays here and the idle hook tries again. */
static bool save_draft(app *a, composer *c)
{
    free(c->d.text);
    c->d.text = xstrdup(textedit_text(&c->text));
    char *err = NULL;
    c->draft_dirty = false;
    c->save_tried = time(NULL);
    if (draft_save(&c->d, &err) != 0) {
        if (!c->unsaved) /* once a streak: the header keeps saying it */
            app_set_message(a, SLOT_STATUS_ERROR, "Could not save the draft: %s. It stays open until it can be.",
                            err ? err : "?");
        c->unsaved = true;
        free(err);
        return false;
    }
    if (c->unsaved)
        app_set_message(a, SLOT_STATUS_OK, "The draft is saved now.");
    c->unsaved = false;
    return true;
}

/* What Esc would lose: "the message to José Muñoz (42 characters)". */
static void lost_text(const composer *c, char *out, size_t cap)
{
    size_t n = textedit_chars(&c->text);
    snprintf(out, cap, "the %s to %s (%zu character%s)", c->d.kind == DRAFT_GROUP_MESSAGE ? "group message" : "message",
             c->d.recipient_label ? c->d.recipient_label : "?", n, n == 1 ? "" : "s");
}

static void find_sender_label(app *a, composer *c)
{
    const table *staff = NULL;
    snprintf(c->sender_label, sizeof c->sender_label, "%s", c->d.sender_id ? c->d.sender_id : "(none)");
    /* The draft's own connection: a reopened draft may belong to another one than the selected. */
    long ci = app_connection_index(a, c->d.connection_id);
    if (ci < 0 || !c->d.sender_id)
        return;
    staff = &store_conn_tables(&a->st, (size_t)ci)->staff;
    uuid id;
    if (!uuid_parse(c->d.sender_id, &id))
        return;
    long i = table_find_id(staff, &id);
    if (i >= 0)
        user_display_name(staff, table_row(staff, (size_t)i), c->sender_label, sizeof c->sender_label);
}

const user_rec *app_default_sender(app *a, const table **staff_out)
{
    if (a->conn_sel < 0)
        return NULL;
    const table *staff = &store_conn_tables(&a->st, (size_t)a->conn_sel)->staff;
    if (staff_out)
        *staff_out = staff;
    uuid want;
    if (a->cfg->sender_id && uuid_parse(a->cfg->sender_id, &want)) {
        long i = table_find_id(staff, &want);
        if (i >= 0)
            return table_row(staff, (size_t)i);
    }
    return staff->count ? table_row(staff, 0) : NULL;
}

/* The message length limit of the draft's connection's TSP (core/tsp_limits.h), 0 when none. */
static int text_limit(app *a, const composer *c, const char **tsp)
{
    long ci = app_connection_index(a, c->d.connection_id);
    const connection_rec *cr = ci >= 0 ? table_row(&a->st.connections, (size_t)ci) : NULL;
    const char *source = cr ? table_str(&a->st.connections, cr->source_name) : NULL;
    if (tsp)
        *tsp = tsp_display_name(source);
    return tsp_message_limit(source);
}

/* ------------------------------------------------------------------ drawing */

static void composer_draw(void *state, app *a, int top, int height, int width)
{
    composer *c = state;
    char line[600];
    bool group = c->d.kind == DRAFT_GROUP_MESSAGE;
    snprintf(line, sizeof line, " %s%s%s", group ? "Group message" : c->d.reply_to_message_id ? "Reply" : "Message",
             c->sending ? " · sending…" : "", c->unsaved ? " · NOT SAVED to disk (trying again)" : "");
    draw_text_at(top, 0, width, SLOT_HEADER, line);
    int y = top + 1;
    if (height < 6) {
        /* Tiny screens: just the text. */
        textedit_draw(&c->text, y, 1, height - 1, width - 2, SLOT_NORMAL, !c->sending);
        return;
    }
    snprintf(line, sizeof line, " To:       %s", c->d.recipient_label ? c->d.recipient_label : "?");
    draw_text_at(y++, 0, width, SLOT_NORMAL, line);
    snprintf(line, sizeof line, " From:     %s  (Ctrl-F changes)", c->sender_label);
    draw_text_at(y++, 0, width, SLOT_NORMAL, line);
    snprintf(line, sizeof line, " Priority: %-8s (Ctrl-P)   Mode: %s (Ctrl-T)", c->d.priority ? c->d.priority : "none",
             c->d.sync ? "sync — wait for the TSP" : "async");
    draw_text_at(y++, 0, width, SLOT_NORMAL, line);
    int bottom = top + height; /* exclusive */
    /* The status may need two lines on a narrow screen. */
    int status_lines = c->status[0] ? (text_width(c->status) > width ? 2 : 1) : 0;
    int footer = 1 + status_lines + (c->field_error[0] ? 1 : 0);
    int text_h = bottom - y - footer - 1;
    draw_rule(y++, width);
    if (text_h < 1)
        text_h = 1;
    for (int r = y; r < y + text_h; r++)
        draw_text_at(r, 0, width, SLOT_NORMAL, "");
    textedit_draw(&c->text, y, 1, text_h, width - 2, SLOT_NORMAL, !c->sending);
    y += text_h;
    if (c->field_error[0])
        draw_text_at(y++, 0, width, SLOT_STATUS_ERROR, c->field_error);
    size_t chars = textedit_chars(&c->text);
    const char *tsp;
    int limit = text_limit(a, c, &tsp);
    if (limit > 0)
        snprintf(line, sizeof line, " %zu / %d characters (%s's limit)%s", chars, limit, tsp,
                 chars > (size_t)limit ? ": too long, the TSP will refuse it" : "");
    else
        snprintf(line, sizeof line, " %zu character%s", chars, chars == 1 ? "" : "s");
    draw_text_at(y++, 0, width, limit > 0 && chars > (size_t)limit ? SLOT_STATUS_WARN : SLOT_STATUS_MUTED, line);
    if (status_lines && y < bottom) {
        /* The status starts with its margin; a second line (narrow screens) keeps it, and the
         * last line takes the rest. */
        text_wrap w;
        wrap_init(&w, c->status + 1, width - 1);
        const char *p;
        size_t n;
        for (int i = 0; i < status_lines && y < bottom && wrap_next(&w, &p, &n); i++) {
            char part[sizeof c->status + 1];
            bool last = i + 1 == status_lines || y + 1 >= bottom;
            snprintf(part, sizeof part, " %.*s", last ? (int)strlen(p) : (int)n, p);
            draw_text_at(y++, 0, width, c->status_slot, part);
        }
    }
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
}

/* ------------------------------------------------------------------ sending */

static void on_accepted(app *a, const draft *d, const char *label, const write_result *r, const char *op_id)
{
    if (d->kind == DRAFT_GROUP_MESSAGE && a->marks) {
        /* Those drivers have their message: start the next group from scratch. */
        memset(a->marks, 0, a->nmarks_cap);
        a->nmarked = 0;
    }
    char shortid[OPS_SHORT_ID_LEN];
    ops_short_id(op_id, shortid);
    app_set_message(a, SLOT_STATUS_OK, "%s: sent, operation %s %s.", label, shortid,
                    strcmp(r->op_status, "success") == 0 ? "accepted by the TSP" : "pending");
}

static void on_refused(void *owner, app *a, const write_result *r, const draft *d)
{
    composer *c = owner;
    c->sending = false;
    free(c->d.last_error);
    c->d.last_error = xstrdup(d->last_error);
    c->d.maybe_sent = d->maybe_sent;
    c->field_error[0] = '\0';
    for (int i = 0; i < r->nerrors; i++) {
        size_t n = strlen(c->field_error);
        snprintf(c->field_error + n, sizeof c->field_error - n, "%s%s%s%s", n ? "; " : " ✗ ",
                 r->errors[i].path[0] ? r->errors[i].path : "", r->errors[i].path[0] ? ": " : "", r->errors[i].message);
    }
    if (r->kind == WR_UNKNOWN)
        snprintf(c->status, sizeof c->status,
                 " No answer after sending: it may have gone through. Check the operations pane; Ctrl-X "
                 "again sends anyway.");
    c->status_slot = SLOT_STATUS_ERROR;
    bool kept = save_draft(a, c);
    if (r->kind != WR_UNKNOWN)
        snprintf(c->status, sizeof c->status, " Not sent; %s. %.300s",
                 kept ? "draft kept" : "the draft is NOT saved (kept open)", r->message);
}

/* The draft keeps the TSP's own words for a 502 (the composer shows them as "Last attempt"). */
static void describe(const write_result *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s", r->kind == WR_TSP_FAILED ? r->tsp_error : r->message);
}

static const send_hooks composer_send = {on_accepted, on_refused, describe};

static unsigned send_now(app *a, composer *c)
{
    const char *text = textedit_text(&c->text);
    if (!*text) {
        snprintf(c->status, sizeof c->status, " Nothing to send: write the message first.");
        c->status_slot = SLOT_STATUS_WARN;
        return DIRTY_LIST;
    }
    if (c->d.maybe_sent && !c->confirm_resend) {
        c->confirm_resend = true;
        snprintf(c->status, sizeof c->status,
                 " The last send may have gone through (see the operations pane). Ctrl-X again sends it anyway.");
        c->status_slot = SLOT_STATUS_WARN;
        return DIRTY_LIST;
    }
    const char *tsp;
    int limit = text_limit(a, c, &tsp);
    size_t chars = textedit_chars(&c->text);
    if (limit > 0 && chars > (size_t)limit && !c->confirm_long) {
        c->confirm_long = true;
        snprintf(c->status, sizeof c->status, " %zu characters: %s takes at most %d and will refuse it. Shorten it, or "
                 "Ctrl-X again sends it anyway.", chars, tsp, limit);
        c->status_slot = SLOT_STATUS_WARN;
        return DIRTY_LIST;
    }
    if (c->d.kind == DRAFT_GROUP_MESSAGE && c->d.nrecipients >= GROUP_CONFIRM_AT && !c->confirm_group) {
        c->confirm_group = true;
        snprintf(c->status, sizeof c->status, " This goes to %zu drivers at once. Ctrl-X again sends it; Esc keeps "
                 "the draft.", c->d.nrecipients);
        c->status_slot = SLOT_STATUS_WARN;
        return DIRTY_LIST;
    }
    if (!a->api) {
        snprintf(c->status, sizeof c->status, " Not connected; the draft is kept.");
        c->status_slot = SLOT_STATUS_ERROR;
        return DIRTY_LIST;
    }
    save_draft(a, c);
    char *body;
    bool group = c->d.kind == DRAFT_GROUP_MESSAGE;
    if (group)
        body = writes_group_message_body(c->d.connection_id, c->d.sender_id, (const char *const *)c->d.recipient_ids,
                                         c->d.nrecipients, text, c->d.priority);
    else
        body = writes_message_body(c->d.connection_id, c->d.sender_id, c->d.recipient_id, text, c->d.priority,
                                   c->d.reply_to_message_id);
    char label[300];
    snprintf(label, sizeof label, "%s to %s", group ? "Group message" : "Message",
             c->d.recipient_label ? c->d.recipient_label : "?");
    c->sending = true;
    c->confirm_resend = false;
    c->field_error[0] = '\0';
    snprintf(c->status, sizeof c->status, " Sending%s…", c->d.sync ? " and waiting for the TSP" : "");
    c->status_slot = SLOT_STATUS_MUTED;
    send_request rq = {.resource = group ? "group_message" : "message", .body = body, .d = &c->d, .label = label,
                       .target_id = c->d.recipient_id, .verb = "sent", .hooks = &composer_send, .owner = c,
                       .slot = &c->ticket};
    send_start(a, &rq);
    free(body);
    return DIRTY_ALL;
}

/* Ctrl-E: the text in $VISUAL/$EDITOR, with the screen handed over meanwhile. */
static void edit_externally(app *a, composer *c)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    char path[4096], *why = NULL; /* in the private state directory, 0600: it holds the text */
    int fd = edittmp_create("message", path, sizeof path, &why);
    if (fd < 0) {
        app_set_message(a, SLOT_STATUS_ERROR, "%s.", why);
        free(why);
        return;
    }
    const char *text = textedit_text(&c->text);
    ssize_t w = write(fd, text, strlen(text));
    close(fd);
    if (w < 0) {
        unlink(path);
        return;
    }
    def_prog_mode();
    endwin();
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    reset_prog_mode();
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        FILE *f = fopen(path, "r");
        if (f) {
            strbuf sb = STRBUF_INIT;
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb.len < (1u << 20))
                strbuf_append(&sb, buf, n);
            fclose(f);
            while (sb.len && sb.data[sb.len - 1] == '\n')
                sb.data[--sb.len] = '\0';
            /* What the editor wrote is text we will send: keep newlines, drop control bytes. */
            char *clean = text_sanitize(strbuf_cstr(&sb), sb.len, true);
            textedit_set(&c->text, clean);
            free(clean);
            strbuf_free(&sb);
            c->draft_dirty = true;
        }
    } else {
        app_set_message(a, SLOT_STATUS_WARN, "The editor (%s) did not finish cleanly; the text is unchanged.", ed);
    }
    unlink(path);
    a->dirty |= DIRTY_ALL | DIRTY_CLEAR;
}

static void cycle_sender(app *a, composer *c)
{
    long ci = app_connection_index(a, c->d.connection_id);
    if (ci < 0)
        return;
    const table *staff = &store_conn_tables(&a->st, (size_t)ci)->staff;
    if (!staff->count)
        return;
    long i = -1;
    uuid id;
    if (c->d.sender_id && uuid_parse(c->d.sender_id, &id))
        i = table_find_id(staff, &id);
    i = (i + 1) % (long)staff->count;
    char buf[UUID_STR_LEN];
    uuid_format(&((const user_rec *)table_row(staff, (size_t)i))->id, buf);
    free(c->d.sender_id);
    c->d.sender_id = xstrdup(buf);
    find_sender_label(a, c);
    c->draft_dirty = true;
}

enum { CO_SEND, CO_EDITOR, CO_PRIORITY, CO_SENDER, CO_SYNC, CO_CLOSE, CO_TEMPLATE };

static const overlay_key composer_keys[] = {
    {"<C-x>", CO_SEND, "Send (async by default)", "send", 0},
    {"<C-e>", CO_EDITOR, "Edit the text in $VISUAL or $EDITOR", "editor", 0},
    {"<C-p>", CO_PRIORITY, "Priority: low, medium, high", "priority", 0},
    {"<C-f>", CO_SENDER, "Sender: the connection's next dispatcher", "from", 0},
    {"<C-t>", CO_SYNC, "Async, or sync (wait for the TSP's answer)", "sync", 0},
    {"<Esc>", CO_CLOSE, "Close; the draft is kept", "close (draft kept)", 0},
    {"<C-g>", CO_TEMPLATE, "Insert a canned reply (templates file; type to filter)", "template", 0},
};
const overlay_keymap composer_keymap = OVERLAY_KEYMAP("composer", composer_keys);

/* The template picker's choice goes in where the cursor is (ui/template_picker.c). */
static bool insert_template(void *owner, app *a, const char *text)
{
    composer *c = owner;
    (void)a;
    c->draft_dirty = true;
    return textedit_insert(&c->text, text);
}

static unsigned composer_command(void *state, app *a, int cmd, int key)
{
    composer *c = state;
    (void)key;
    char what[400];
    lost_text(c, what, sizeof what);
    if (c->confirm_lose) { /* a command key while Esc asks: the composer stays open */
        c->confirm_lose = false;
        draft_guard_keep(a);
        return DIRTY_ALL;
    }
    if (cmd == DRAFT_GUARD_LOSE) {
        draft_guard_lose(a, c->d.id, what);
        app_overlay_pop(a);
        return DIRTY_ALL;
    }
    if (cmd == CO_CLOSE) {
        bool saved = save_draft(a, c);
        bool empty = !*textedit_text(&c->text);
        if (empty && !c->sending) {
            draft_remove(c->d.id);
        } else if (!saved && !c->sending) { /* a send in flight keeps its own copy */
            c->confirm_lose = true;
            draft_guard_ask(a, what, c->d.save_error);
            return DIRTY_ALL;
        } else {
            app_set_message(a, SLOT_STATUS_MUTED, "Draft kept%s%s (D lists drafts).", saved ? "" : " in memory only",
                            c->sending ? ", still sending" : "");
        }
        app_overlay_pop(a);
        return DIRTY_ALL;
    }
    if (c->sending)
        return 0; /* the message is frozen while it is on its way */
    switch (cmd) {
    case CO_SEND:
        return send_now(a, c);
    case CO_PRIORITY: {
        int i = 0;
        while (i < 3 && (!c->d.priority || strcmp(c->d.priority, priorities[i]) != 0))
            i++;
        free(c->d.priority);
        c->d.priority = xstrdup(priorities[(i + 1) % 3]);
        c->draft_dirty = true;
        return DIRTY_LIST;
    }
    case CO_SYNC:
        c->d.sync = !c->d.sync;
        c->draft_dirty = true;
        return DIRTY_LIST;
    case CO_SENDER:
        cycle_sender(a, c);
        return DIRTY_LIST;
    case CO_EDITOR:
        edit_externally(a, c);
        return DIRTY_ALL | DIRTY_CLEAR;
    case CO_TEMPLATE:
        template_picker_open(a, c->d.connection_id, c->d.recipient_id, c->d.sender_id, insert_template, c);
        return DIRTY_ALL;
    default:
        return 0;
    }
}

/* Every other key edits the text; while Esc asks whether to lose it, y loses it and any other key
 * keeps the composer open (y is looked up here: a keys_now table would make the composer one that
 * takes no typing). */
static unsigned composer_key(void *state, app *a, int key)
{
    composer *c = state;
    if (c->confirm_lose) {
        c->confirm_lose = false;
        if (keymap_lookup(&draft_guard_keymap, key) == DRAFT_GUARD_LOSE)
            return composer_command(c, a, DRAFT_GUARD_LOSE, key);
        draft_guard_keep(a);
        return DIRTY_ALL;
    }
    if (c->sending)
        return 0;
    bool moved = false;
    if (textedit_key(&c->text, key, a->cols - 2, &moved)) {
        if (!moved || strcmp(textedit_text(&c->text), c->d.text ? c->d.text : "") != 0) {
            c->draft_dirty = true;
            c->confirm_resend = false;
            c->confirm_group = false;
            c->confirm_long = false;
        }
        return DIRTY_LIST;
    }
    return 0;
}

/* After each loop turn: what was typed reaches the disk (one write per burst of keys). */
static void composer_idle(void *state, app *a)
{
    composer *c = state;
    if (c->draft_dirty || (c->unsaved && !c->sending && time(NULL) != c->save_tried))
        save_draft(a, c);
}

static void composer_destroy(void *state, app *a)
{
    composer *c = state;
    (void)a;
    send_detach(c->ticket);
    draft_release(c->d.id);
    draft_free(&c->d);
    textedit_free(&c->text);
    free(c);
}

static const overlay_ops composer_ops = {
    .name = "composer",
    .draw = composer_draw,
    .keymap = &composer_keymap,
    .command = composer_command,
    .key = composer_key,
    .destroy = composer_destroy,
    .idle = composer_idle,
};

static composer *composer_new(app *a, draft_kind kind)
{
    composer *c = xcalloc(1, sizeof *c);
    c->d.kind = kind;
    drafts_new_id(c->d.id);
    draft_claim(c->d.id, NULL); /* a new id: nobody else has it */
    char conn[UUID_STR_LEN];
    if (app_connection_id(a, conn))
        c->d.connection_id = xstrdup(conn);
    const user_rec *sender = app_default_sender(a, NULL);
    if (sender) {
        char buf[UUID_STR_LEN];
        uuid_format(&sender->id, buf);
        c->d.sender_id = xstrdup(buf);
    }
    c->d.priority = xstrdup("medium");
    textedit_init(&c->text, "", false);
    c->text.max_bytes = 64 * 1024;
    return c;
}

void composer_open_message(app *a, const user_rec *driver, const table *drivers, const char *reply_to_message_id)
{
    if (!driver)
        return;
    composer *c = composer_new(a, DRAFT_MESSAGE);
    char buf[UUID_STR_LEN], name[200], label[300];
    uuid_format(&driver->id, buf);
    c->d.recipient_id = xstrdup(buf);
    user_display_name(drivers, driver, name, sizeof name);
    const char *user = table_str(drivers, driver->username);
    snprintf(label, sizeof label, "%s%s%s%s", name, *user ? " (" : "", user, *user ? ")" : "");
    c->d.recipient_label = xstrdup(label);
    if (reply_to_message_id)
        c->d.reply_to_message_id = xstrdup(reply_to_message_id);
    find_sender_label(a, c);
    app_overlay_push(a, &composer_ops, c);
}

void composer_open_group(app *a)
{
    if (a->conn_sel < 0)
        return;
    const table *drivers = store_table(&a->st, (size_t)a->conn_sel, KIND_DRIVER);
    composer *c = composer_new(a, DRAFT_GROUP_MESSAGE);
    strbuf names = STRBUF_INIT;
    c->d.recipient_ids = xcalloc(a->nmarked + 1, sizeof(char *));
    for (size_t i = 0; i < a->nmarks_cap && i < drivers->count; i++) {
        if (!a->marks[i])
            continue;
        const user_rec *u = table_row(drivers, i);
        char buf[UUID_STR_LEN], name[200];
        uuid_format(&u->id, buf);
        c->d.recipient_ids[c->d.nrecipients++] = xstrdup(buf);
        if (c->d.nrecipients <= 3) {
            user_display_name(drivers, u, name, sizeof name);
            strbuf_printf(&names, "%s%s", c->d.nrecipients > 1 ? ", " : "", name);
        }
    }
    strbuf label = STRBUF_INIT;
    strbuf_printf(&label, "%zu driver%s: %s%s", c->d.nrecipients, c->d.nrecipients == 1 ? "" : "s",
                  strbuf_cstr(&names), c->d.nrecipients > 3 ? ", …" : "");
    c->d.recipient_label = strbuf_detach(&label);
    strbuf_free(&names);
    find_sender_label(a, c);
    app_overlay_push(a, &composer_ops, c);
}

void composer_open_draft(app *a, const draft *d)
{
    char *err = NULL;
    if (draft_claim(d->id, &err) != 0) { /* open in another console: it would be sent twice */
        app_set_message(a, SLOT_STATUS_ERROR, "%s.", err);
        free(err);
        return;
    }
    composer *c = xcalloc(1, sizeof *c);
    draft *copy = draft_clone(d);
    c->d = *copy;
    free(copy);
    textedit_init(&c->text, c->d.text ? c->d.text : "", false);
    c->text.max_bytes = 64 * 1024;
    find_sender_label(a, c);
    if (c->d.last_error) {
        snprintf(c->status, sizeof c->status, " Last attempt: %s%s", c->d.last_error,
                 c->d.maybe_sent ? " (it may have gone through: check the operations pane)" : "");
        c->status_slot = SLOT_STATUS_ERROR;
    }
    app_overlay_push(a, &composer_ops, c);
}
