#include "operations.h"

#include <stdlib.h>

#include "common/strbuf.h"

struct ops_engine {
    emu_app *app;
};

ops_engine *ops_new(emu_app *app)
{
    ops_engine *e = xcalloc(1, sizeof *e);
    e->app = app;
    return e;
}

void ops_free(ops_engine *e)
{
    free(e);
}

void ops_advance_messages(emu_app *app)
{
    (void)app;
}

bool ops_drain(ops_engine *e, int timeout_ms)
{
    (void)e;
    (void)timeout_ms;
    return true;
}
