/* Drafts: every unsent message and unsaved form kept on disk, newest first; Enter reopens one,
 * x deletes it (after a y). Offered at start when the last session left some behind. */
#include "common/strbuf.h"
#include "core/drafts.h"
#include "core/statefile.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/send.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct drafts_view {
    draft *list;
    size_t n, skipped;
    size_t cursor, top;
    int rows; /* rows of drafts at the last draw (for paging) */
    bool confirm_delete;
} drafts_view;

static void reload(drafts_view *v)
{
    drafts_retry_unsaved(); /* the disk may take them now */
    drafts_free_all(v->list, v->n);
    v->list = NULL;
    v->n = v->skipped = 0;
    drafts_load_all(&v->list, &v->n, &v->skipped);
    if (v->cursor >= v->n)
        v->cursor = v->n ? v->n - 1 : 0;
}

static const char *kind_name(const draft *d)
{
    if (d->kind == DRAFT_MESSAGE)
        return d->reply_to_message_id ? "reply" : "message";
    if (d->kind == DRAFT_GROUP_MESSAGE)
        return "group";
    return d->form_record_id ? "edit" : "create";
}

static void drafts_draw(void *state, app *a, int top, int height, int width)
{
    drafts_view *v = state;
    (void)a;
    char line[800];
    size_t unsaved = 0;
    for (size_t i = 0; i < v->n; i++)
        unsaved += v->list[i].save_error != NULL;
    /* Drafts are kept per profile and API URL (issue 13): the header names whose these are. */
    const char *profile = statefile_account_profile();
    char whose[200] = "";
    if (profile)
        snprintf(whose, sizeof whose, " of profile %s", profile);
    if (unsaved) /* kept in memory only (core/drafts), until the disk takes them */
        snprintf(line, sizeof line, " Drafts%s · %zu kept on disk, %zu NOT SAVED (in memory only)%s", whose,
                 v->n - unsaved, unsaved, v->skipped ? " (some unreadable files were skipped)" : "");
    else
        snprintf(line, sizeof line, " Drafts%s · %zu kept on disk%s", whose, v->n,
                 v->skipped ? " (some unreadable files were skipped)" : "");
    draw_text_at(top, 0, width, SLOT_HEADER, line);
    int rows = height - 1;
    v->rows = rows;
    if (v->n == 0) {
        draw_text_at(top + 1, 0, width, SLOT_STATUS_MUTED, "  No drafts: everything you wrote was accepted.");
        for (int r = 2; r < height; r++)
            draw_text_at(top + r, 0, width, SLOT_NORMAL, "");
        return;
    }
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (rows > 0 && v->cursor >= v->top + (size_t)rows)
        v->top = v->cursor - (size_t)rows + 1;
    for (int r = 0; r < rows; r++) {
        size_t i = v->top + (size_t)r;
        if (i >= v->n) {
            draw_text_at(top + 1 + r, 0, width, SLOT_NORMAL, "");
            continue;
        }
        const draft *d = &v->list[i];
        char first[120] = "";
        const char *res = d->form_resource ? d->form_resource : "";
        const char *body = d->kind == DRAFT_FORM ? (strcmp(res, "user") == 0 ? "driver" : res) : d->text ? d->text : "";
        snprintf(first, sizeof first, "%s", body);
        char *nl = strchr(first, '\n');
        if (nl)
            *nl = '\0';
        char *clean = text_sanitize_str(first);
        char *to = text_sanitize_str(d->recipient_label ? d->recipient_label : "");
        char *err = text_sanitize_str(d->last_error ? d->last_error : "");
        char tocol[160];
        text_fit_pad(to, 26, true, tocol, sizeof tocol); /* by columns: names may be CJK */
        snprintf(line, sizeof line, " %-7s %s %s%s%s%s%s%s", kind_name(d), tocol, d->save_error ? "NOT SAVED · " : "",
                 d->claimed_by                 ? "OPEN IN ANOTHER CONSOLE · "
                 : send_draft_in_flight(d->id) ? "SENDING · "
                 : d->operation_id             ? "SENT · "
                                               : "",
                 clean,
                 *err ? "  ✗ " : "", err, d->maybe_sent ? " (may have gone)" : "");
        free(clean);
        free(to);
        free(err);
        theme_slot slot = i == v->cursor ? SLOT_CURSOR : d->save_error ? SLOT_STATUS_ERROR
                          : d->last_error ? SLOT_STATUS_WARN : SLOT_NORMAL;
        draw_text_at(top + 1 + r, 0, width, slot, line);
    }
}

enum { DR_OPEN, DR_DELETE, DR_CLOSE, DR_MOVE, DR_YES };

static const overlay_key drafts_keys[] = {
    {"<Enter>", DR_OPEN, "Re-open the draft", "reopens", 0},
    {"x", DR_DELETE, "Delete the draft (asks first)", "deletes", 0},
    {"<Esc> q", DR_CLOSE, "Close the list", "closes", 0},
    {SCROLL_KEYS_LINE, DR_MOVE, "Next or previous draft", NULL, 0},
    {SCROLL_KEYS_PAGE, DR_MOVE, "A page of drafts", NULL, 0},
    {SCROLL_KEYS_ENDS, DR_MOVE, "Newest or oldest draft", NULL, 0},
};
const overlay_keymap drafts_keymap = OVERLAY_KEYMAP("drafts list", drafts_keys);

/* While x asks "Delete this draft for good?". */
static const overlay_key confirm_keys[] = {
    {"y Y", DR_YES, "Delete the draft; any other key keeps it", "deletes · any other key keeps it", 0},
};
const overlay_keymap drafts_confirm_keymap = OVERLAY_KEYMAP("drafts list, asked to delete", confirm_keys);

static const overlay_keymap *drafts_keys_now(const void *state)
{
    return ((const drafts_view *)state)->confirm_delete ? &drafts_confirm_keymap : &drafts_keymap;
}

/* Any key but y while the question is asked: the draft is kept. */
static unsigned drafts_other_key(void *state, app *a, int key)
{
    drafts_view *v = state;
    (void)key;
    if (!v->confirm_delete)
        return 0;
    v->confirm_delete = false;
    app_set_message(a, SLOT_STATUS_MUTED, "Kept.");
    return DIRTY_ALL;
}

static unsigned drafts_command(void *state, app *a, int cmd, int key)
{
    drafts_view *v = state;
    switch (cmd) {
    case DR_YES:
        v->confirm_delete = false;
        if (v->cursor < v->n) {
            char *err = NULL;
            const char *id = v->list[v->cursor].id;
            if (draft_claim(id, &err) != 0) { /* open in another console: not ours to delete */
                app_set_message(a, SLOT_STATUS_ERROR, "%s.", err);
                free(err);
                reload(v);
                return DIRTY_ALL;
            }
            draft_remove(id);
            draft_release(id);
            reload(v);
            app_set_message(a, SLOT_STATUS_MUTED, "Draft deleted.");
        }
        return DIRTY_ALL;
    case DR_CLOSE:
        app_overlay_pop(a);
        return DIRTY_ALL;
    case DR_MOVE: {
        long delta = 0;
        size_t page = v->rows > 2 ? (size_t)v->rows - 1 : 1;
        scroll_delta(key, (long)page, (long)v->n, &delta);
        v->cursor = scroll_apply(v->cursor, delta, v->n ? v->n - 1 : 0);
        return DIRTY_LIST;
    }
    case DR_DELETE:
        if (v->cursor < v->n) {
            v->confirm_delete = true;
            app_set_message(a, SLOT_STATUS_WARN, "Delete this draft for good? y deletes, any other key keeps it.");
        }
        return DIRTY_MESSAGE;
    case DR_OPEN: {
        if (v->cursor >= v->n)
            return 0;
        /* Claimed first, then read again: another console may have sent or changed it since the
         * list was read (issue 14 item 6: never send one draft twice). */
        char id[sizeof v->list[0].id], *err = NULL;
        snprintf(id, sizeof id, "%s", v->list[v->cursor].id);
        if (send_draft_in_flight(id)) { /* closed while sending: the answer decides its fate first */
            app_set_message(a, SLOT_STATUS_WARN, "This draft is being sent; it can be opened once the answer came.");
            return DIRTY_MESSAGE;
        }
        draft d;
        if (draft_claim(id, &err) != 0 || draft_load(id, &d, &err) != 0) {
            app_set_message(a, SLOT_STATUS_ERROR, "%s.", err ? err : "This draft cannot be opened");
            free(err);
            draft_release(id);
            reload(v);
            return DIRTY_ALL;
        }
        if (d.operation_id) {
            app_set_message(a, SLOT_STATUS_WARN, "This draft was sent already (operation %.8s…); x deletes it.",
                            d.operation_id);
            draft_free(&d);
            draft_release(id);
            return DIRTY_ALL;
        }
        app_overlay_pop(a); /* frees v */
        if (d.kind == DRAFT_FORM)
            form_open_draft(a, &d);
        else
            composer_open_draft(a, &d);
        draft_free(&d);
        draft_release(id); /* the composer or form holds its own claim */
        return DIRTY_ALL;
    }
    default:
        return 0;
    }
}

static void drafts_destroy(void *state, app *a)
{
    drafts_view *v = state;
    (void)a;
    drafts_free_all(v->list, v->n);
    free(v);
}

static const overlay_ops drafts_ops = {
    .name = "drafts",
    .draw = drafts_draw,
    .keymap = &drafts_keymap,
    .command = drafts_command,
    .key = drafts_other_key,
    .keys_now = drafts_keys_now,
    .destroy = drafts_destroy,
    .pane_keys = true,
};

void drafts_open(app *a)
{
    drafts_view *v = xcalloc(1, sizeof *v);
    reload(v);
    app_overlay_push(a, &drafts_ops, v);
}

void drafts_offer_at_start(app *a)
{
    draft *list = NULL;
    size_t n = 0, skipped = 0;
    if (drafts_load_all(&list, &n, &skipped) != 0 || n == 0) {
        drafts_free_all(list, n);
        return;
    }
    drafts_free_all(list, n);
    drafts_open(a);
    app_set_message(a, SLOT_STATUS_WARN, "%zu unsent draft%s from before: Enter reopens one, Esc closes.", n,
                    n == 1 ? "" : "s");
}
