/* app: everything one running emulator owns, and the request dispatcher the HTTP server calls. */
#ifndef CATENA_EMU_APP_H
#define CATENA_EMU_APP_H

#include "auth.h"
#include "http_msg.h"
#include "options.h"
#include "reqlog.h"
#include "store.h"

typedef struct fault_table fault_table;
typedef struct ops_engine ops_engine;
typedef struct api_limiter api_limiter;
typedef struct webhook_sender webhook_sender;
typedef struct chatter chatter;

typedef struct emu_app {
    emu_options opts;
    emu_store *store;
    emu_auth auth;
    reqlog *log;
    fault_table *faults;
    ops_engine *ops;
    api_limiter *limiter;
    webhook_sender *webhooks; /* NULL unless --webhook-url */
    chatter *chatter;         /* drivers who talk back (chatter.h) */
} emu_app;

/* Builds the app from options (seeds data, starts workers); NULL with a message on err on failure. */
emu_app *app_new(const emu_options *opts);
void app_free(emu_app *app);
/* Handles one complete request (routing, auth, faults, logging). */
void app_handle(emu_app *app, emu_request *req, emu_response *resp);

#endif
