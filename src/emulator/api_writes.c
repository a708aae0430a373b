/* api_writes: POST/PATCH of the telematics resources (validation, id translation, resource operations). */
#include "api.h"

void api_create_record(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    (void)app;
    (void)req;
    (void)res;
    reply_error(resp, 501, "Writes are not implemented yet");
}

void api_update_record(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    (void)app;
    (void)req;
    (void)res;
    reply_error(resp, 501, "Writes are not implemented yet");
}
