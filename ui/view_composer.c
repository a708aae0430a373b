/* Composer: a message to one driver, a reply, or one message to many (group). Everything typed
 * is kept as a draft on disk as it is edited and removed only when the API accepted it. */
#include "common/strbuf.h"
#include "core/api_writes.h"
#include "core/drafts.h"
#include "core/edittmp.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/send.h"
#include "ui/textedit.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const priorities[] = {"low", "medium", "high"};

typedef struct composer {
    draft d;
    textedit text;
    char sender_label[160];
    bool draft_dirty;
    bool sending;
    bool confirm_resend; /* the last send may have gone: Ctrl-X again to send anyway */
    send_ticket *ticket; /* the send in flight (ui/send.c), NULL when none */
    char status[400];
    theme_slot status_slot;
    char field_error[300]; /* a 422 about message_text, shown under the text */
} composer;

static void save_draft(app *a, composer *c)
{
    free(c->d.text);
    c->d.text = xstrdup(textedit_text(&c->text));
    char *err = NULL;
    if (draft_save(&c->d, &err) != 0) {
        app_set_message(a, SLOT_STATUS_ERROR, "Could not save the draft: %s", err ? err : "?");
        free(err);
    }
    c->draft_dirty = false;
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

/* ------------------------------------------------------------------ drawing */

static void composer_draw(void *state, app *a, int top, int height, int width)
{
    composer *c = state;
    (void)a;
    char line[600];
    bool group = c->d.kind == DRAFT_GROUP_MESSAGE;
    snprintf(line, sizeof line, " %s%s", group ? "Group message" : c->d.reply_to_message_id ? "Reply" : "Message",
             c->sending ? " · sending…" : "");
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
    snprintf(line, sizeof line, " %zu character%s%s", chars, chars == 1 ? "" : "s",
             c->d.nrecipients > 1 ? "" : "");
    draw_text_at(y++, 0, width, SLOT_STATUS_MUTED, line);
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
    app_set_message(a, SLOT_STATUS_OK, "%s: sent, operation %.8s… %s.", label, op_id,
                    strcmp(r->op_status, "success") == 0 ? "delivered to the TSP" : "pending");
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
    else
        snprintf(c->status, sizeof c->status, " Not sent; draft kept. %.340s", r->message);
    c->status_slot = SLOT_STATUS_ERROR;
    save_draft(a, c);
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
    char buf[37];
    uuid_format(&((const user_rec *)table_row(staff, (size_t)i))->id, buf);
    free(c->d.sender_id);
    c->d.sender_id = xstrdup(buf);
    find_sender_label(a, c);
    c->draft_dirty = true;
}

enum { CO_SEND, CO_EDITOR, CO_PRIORITY, CO_SENDER, CO_SYNC, CO_CLOSE };

static const overlay_key composer_keys[] = {
    {"<C-x>", CO_SEND, "Send (async by default)", "send", 0},
    {"<C-e>", CO_EDITOR, "Edit the text in $VISUAL or $EDITOR", "editor", 0},
    {"<C-p>", CO_PRIORITY, "Priority: low, medium, high", "priority", 0},
    {"<C-f>", CO_SENDER, "Sender: the connection's next dispatcher", "from", 0},
    {"<C-t>", CO_SYNC, "Async, or sync (wait for the TSP's answer)", "sync", 0},
    {"<Esc>", CO_CLOSE, "Close; the draft is kept", "close (draft kept)", 0},
};
const overlay_keymap composer_keymap = OVERLAY_KEYMAP("composer", composer_keys);

static unsigned composer_command(void *state, app *a, int cmd, int key)
{
    composer *c = state;
    (void)key;
    if (cmd == CO_CLOSE) {
        if (c->draft_dirty || c->d.id[0])
            save_draft(a, c);
        bool empty = !*textedit_text(&c->text);
        if (empty && !c->sending)
            draft_remove(c->d.id);
        else
            app_set_message(a, SLOT_STATUS_MUTED, "Draft kept%s (D lists drafts).", c->sending ? ", still sending" : "");
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
    default:
        return 0;
    }
}

/* Every other key edits the text. */
static unsigned composer_key(void *state, app *a, int key)
{
    composer *c = state;
    if (c->sending)
        return 0;
    bool moved = false;
    if (textedit_key(&c->text, key, a->cols - 2, &moved)) {
        if (!moved || strcmp(textedit_text(&c->text), c->d.text ? c->d.text : "") != 0) {
            c->draft_dirty = true;
            c->confirm_resend = false;
        }
        return DIRTY_LIST;
    }
    return 0;
}

/* After each loop turn: what was typed reaches the disk (one write per burst of keys). */
static void composer_idle(void *state, app *a)
{
    composer *c = state;
    if (c->draft_dirty)
        save_draft(a, c);
}

static void composer_destroy(void *state, app *a)
{
    composer *c = state;
    (void)a;
    send_detach(c->ticket);
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
    char conn[37];
    if (app_connection_id(a, conn))
        c->d.connection_id = xstrdup(conn);
    const user_rec *sender = app_default_sender(a, NULL);
    if (sender) {
        char buf[37];
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
    char buf[37], name[200], label[300];
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
        char buf[37], name[200];
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
