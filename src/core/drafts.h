/* drafts: everything the user typed and has not had accepted by the API, kept on disk in the
 * account's directory (core/statefile: $XDG_STATE_HOME/catena-dispatch/accounts/<profile>-<hash of
 * the API URL>/drafts/, else ~/.local/state/...), one JSON file per draft, written atomically as it
 * is edited, removed only after 200/202. Every function fails (-1) before an account is chosen. */
#ifndef CATENA_CORE_DRAFTS_H
#define CATENA_CORE_DRAFTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { DRAFT_MESSAGE, DRAFT_GROUP_MESSAGE, DRAFT_FORM } draft_kind;

typedef struct draft {
    char id[40];            /* file name stem; drafts_new_id makes one */
    draft_kind kind;
    char *connection_id;
    char *sender_id;
    char *recipient_id;     /* message */
    char **recipient_ids;   /* group message */
    size_t nrecipients;
    char *profile;          /* the profile it belongs to: set by draft_save and drafts_load_all */
    char *recipient_label;  /* "José Muñoz" or "3 drivers", for the drafts list */
    char *text;             /* message text */
    char *priority;         /* low|medium|high or NULL */
    bool sync;
    char *reply_to_message_id;
    char *form_resource;    /* DRAFT_FORM: "vehicle" | "trailer" | "user" */
    char *form_record_id;   /* DRAFT_FORM: id for an update, NULL for a create */
    char *form_json;        /* DRAFT_FORM: {"field":"value",...} of the edited values */
    char *last_error;       /* why the last send failed, if it did */
    bool maybe_sent;        /* the last send timed out after sending: it may have gone */
    int64_t updated_unix;   /* seconds since the epoch */
    char *operation_id;     /* the API accepted it as this operation: it was sent and is never sent again */
    char *save_error;       /* in memory only: why it could not be written (NULL: it is on disk) */
    long claimed_by;        /* in memory only, set by drafts_load_all: the process of another console that
                             * has it open (draft_claim), 0 when none */
} draft;

/* The drafts directory (created with 0700 if missing). -1 if no HOME/XDG_STATE_HOME. */
int drafts_dir(char *out, size_t cap);
void drafts_new_id(char out[40]);
/* Atomic write of d (sets updated_unix). -1 with *err (heap): then a copy of d stays in memory
 * as "not saved" (drafts_load_all lists it with save_error set) until a save of it succeeds, it is
 * removed, or drafts_forget drops it. */
int draft_save(draft *d, char **err);
/* Removes the file and any copy kept in memory. */
int draft_remove(const char *id);
/* Writes the drafts kept in memory again, at most once a second (calls in between do nothing);
 * returns how many are still not saved. */
size_t drafts_retry_unsaved(void);
/* The dispatcher agreed to lose what could not be saved: the copy in memory goes (a file written
 * before, if any, stays). */
void drafts_forget(const char *id);
/* How many drafts are kept in memory only (a quit would lose them). */
size_t drafts_unsaved_count(void);
/* At exit: writes every draft kept in memory only to out (sanitized, newlines kept), saying why
 * it could not be saved, so that its text survives the process. Returns how many. */
size_t drafts_print_unsaved(FILE *out);
/* Every readable draft, newest first, with the ones kept in memory (they replace a file of the
 * same id); unreadable files are skipped (and counted in *skipped). -1 when the directory
 * cannot be read and nothing is kept in memory. */
int drafts_load_all(draft **out, size_t *n, size_t *skipped);
/* One draft by id: the copy kept in memory when its save failed, else its file. -1 with *err when
 * there is neither (it was sent or deleted) or the file is not a draft. */
int draft_load(const char *id, draft *out, char **err);

/* Claims, so that one draft is never edited or sent by two consoles at once: a draft open in a
 * composer or form, or being sent, is claimed by its process (a non-blocking flock on the hidden
 * file .<id>.lock beside the drafts, which dies with the process: a dead console's claim is taken
 * over). Claims are counted per process: each draft_claim is matched by one draft_release. When
 * the drafts directory cannot be used there is nothing another console could open, and the claim
 * succeeds without a file. -1 with *err ("open in another console (process N)") when another
 * process holds it. */
int draft_claim(const char *id, char **err);
void draft_release(const char *id);
/* The process id of another process holding the claim of id (1 when it cannot be read), 0 when
 * none or this process holds it. */
long draft_claimed_elsewhere(const char *id);

void draft_free(draft *d);          /* frees the members, not d */
void drafts_free_all(draft *list, size_t n);
draft *draft_clone(const draft *d);

#endif
