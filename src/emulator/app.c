#include "app.h"

#include <stdio.h>
#include <stdlib.h>

#include "api_limit.h"
#include "chatter.h"
#include "emu_clock.h"
#include "faults.h"
#include "operations.h"
#include "seed.h"
#include "webhooks.h"

emu_app *app_new(const emu_options *opts)
{
    emu_app *app = xcalloc(1, sizeof *app);
    app->opts = *opts;
    emu_clock_init(opts->time_scale, opts->start_time_us);
    app->faults = faults_new(opts->seed);
    for (size_t i = 0; i < opts->n_fault_specs; i++) {
        char err[160];
        if (!faults_add_spec(app->faults, opts->fault_specs[i], err, sizeof err)) {
            fprintf(stderr, "catena-emulator: --fault %s: %s\n", opts->fault_specs[i], err);
            faults_free(app->faults);
            free(app);
            return NULL;
        }
    }
    if (opts->webhook_url) {
        app->webhooks = webhooks_new(opts->webhook_url, opts->webhook_secret, opts->seed);
        if (!app->webhooks) {
            fprintf(stderr, "catena-emulator: --webhook-url must be http://HOST:PORT/PATH\n");
            faults_free(app->faults);
            free(app);
            return NULL;
        }
    }
    seed_config cfg = {opts->seed, opts->connections, opts->vehicles, opts->users, opts->trailers, opts->hostile,
                       opts->wide};
    app->store = seed_store(&cfg);
    /* Relative to the start instant itself, so that the same --start-time gives the same messages. */
    int64_t start = opts->start_time_us ? opts->start_time_us : emu_now_us();
    if (opts->message_history)
        chatter_seed_history(app->store, start);
    app->chatter = chatter_new(app->store, opts->chatter, start);
    auth_init(&app->auth, opts->client_id, opts->client_secret, opts->token_lifetime, &app->store->partner_id);
    app->log = reqlog_new(10000);
    if (opts->api_rate_limit > 0)
        app->limiter = api_limit_new(opts->api_rate_limit);
    app->ops = ops_new(app);
    return app;
}

void app_free(emu_app *app)
{
    if (!app)
        return;
    ops_free(app->ops);
    chatter_free(app->chatter);
    webhooks_free(app->webhooks);
    api_limit_free(app->limiter);
    reqlog_free(app->log);
    faults_free(app->faults);
    store_free(app->store);
    free(app);
}
