/* api: handlers of the Catena API routes (each fills an emu_response). */
#ifndef CATENA_EMU_API_H
#define CATENA_EMU_API_H

#include "app.h"

/* arg is the emu_resource for telematics handlers, unused elsewhere. */
typedef void (*api_handler)(emu_app *app, emu_request *req, emu_response *resp, int arg);

/* api_reads.c */
void api_list_records(emu_app *app, emu_request *req, emu_response *resp, int res);
void api_get_record(emu_app *app, emu_request *req, emu_response *resp, int res);

/* api_locations.c */
void api_live_locations(emu_app *app, emu_request *req, emu_response *resp, int arg);

/* api_integrations.c */
void api_list_connections(emu_app *app, emu_request *req, emu_response *resp, int arg);
void api_get_connection(emu_app *app, emu_request *req, emu_response *resp, int arg);
void api_data_freshness(emu_app *app, emu_request *req, emu_response *resp, int arg);
void api_list_tsps(emu_app *app, emu_request *req, emu_response *resp, int arg);
void api_get_tsp(emu_app *app, emu_request *req, emu_response *resp, int arg);

/* api_writes.c */
void api_create_record(emu_app *app, emu_request *req, emu_response *resp, int res);
void api_update_record(emu_app *app, emu_request *req, emu_response *resp, int res);

/* api_operations.c */
void api_list_operations(emu_app *app, emu_request *req, emu_response *resp, int arg);
void api_get_operation(emu_app *app, emu_request *req, emu_response *resp, int arg);

/* control.c: /_emulator/ */
void control_handle(emu_app *app, emu_request *req, emu_response *resp);

#endif
