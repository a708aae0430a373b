/* draft_guard: an editor (composer, form) whose draft could not be written to disk does not close
 * on Esc unless the dispatcher answers y to a question naming what would be lost; any other key
 * keeps it open. Until a save succeeds the draft stays in memory and in the drafts list as "not
 * saved" (core/drafts), and the editor tries to save it again. */
#ifndef CATENA_UI_DRAFT_GUARD_H
#define CATENA_UI_DRAFT_GUARD_H

#include "ui/app.h"
#include "ui/overlay.h"

#define DRAFT_GUARD_LOSE 1000 /* the question's command: out of every editor's own range */

/* The keys while the question is asked. */
extern const overlay_keymap draft_guard_keymap;

/* Asks: "<why>. Close and lose <what>? y loses it; any other key keeps it open." */
void draft_guard_ask(app *a, const char *what, const char *why);
/* y: the copy in memory goes (drafts_forget) and the message line says what was lost. */
void draft_guard_lose(app *a, const char *draft_id, const char *what);
/* Any other key: the editor stays open; the message line says so. */
void draft_guard_keep(app *a);

#endif
