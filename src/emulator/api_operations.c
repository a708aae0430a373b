/* api_operations: GET resource operations (list with filters, and one by id). */
#include "api.h"

void api_list_operations(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)app;
    (void)req;
    (void)arg;
    reply_json(resp, 200, "{\"items\":[],\"current_page\":null,\"current_page_backwards\":null,\"previous_page\":null,\"next_page\":null}");
}

void api_get_operation(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)app;
    (void)req;
    (void)arg;
    reply_error(resp, 404, "Resource operation not found");
}
