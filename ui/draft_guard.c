/* draft_guard: the question before an editor whose draft is not on disk closes (draft_guard.h). */
#include "ui/draft_guard.h"

#include "core/drafts.h"

static const overlay_key guard_keys[] = {
    {"y Y", DRAFT_GUARD_LOSE, "Close and lose the text that could not be saved; any other key keeps it open",
     "loses it · any other key keeps it open", 0},
};
const overlay_keymap draft_guard_keymap =
    OVERLAY_KEYMAP("composer or form, asked to lose an unsaved draft", guard_keys);

void draft_guard_ask(app *a, const char *what, const char *why)
{
    /* The question first: the reason may not fit on the line (the notices keep it whole). */
    app_set_message(a, SLOT_STATUS_WARN, "Close and lose %s? y loses it; any other key keeps it open. %s", what,
                    why && *why ? why : "The draft could not be saved.");
}

void draft_guard_lose(app *a, const char *draft_id, const char *what)
{
    drafts_forget(draft_id);
    app_set_message(a, SLOT_STATUS_WARN, "Lost, as asked: %s.", what);
}

void draft_guard_keep(app *a)
{
    app_set_message(a, SLOT_STATUS_MUTED, "Kept open: it is saved as soon as the disk takes it.");
}
