#include "options.h"

#ifndef CATENA_VERSION
#define CATENA_VERSION "unknown"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu_clock.h"

void options_defaults(emu_options *o)
{
    memset(o, 0, sizeof *o);
    o->port = 8080;
    snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->seed = 1;
    o->connections = 4;
    o->vehicles = 60;
    o->users = 40;
    o->trailers = 20;
    snprintf(o->client_id, sizeof o->client_id, "demo-client");
    snprintf(o->client_secret, sizeof o->client_secret, "demo-secret");
    o->token_lifetime = 3600;
    o->time_scale = 1.0;
    o->threads = 8;
    o->idle_timeout = 15;
    o->max_body = 1024 * 1024;
    o->tsp_rate = 5;
    o->tsp_burst = 10;
}

void options_print_help(FILE *out)
{
    fputs(
        "Usage: catena-emulator [OPTIONS]\n"
        "A faithful local stand-in for the Catena telematics HTTP API (auth, telematics, integrations).\n"
        "Prints exactly one line to stdout when ready: \"listening on http://HOST:PORT\". Logs go to stderr.\n"
        "\n"
        "Options:\n"
        "  --port N              TCP port (0 = pick a free one; default 8080)\n"
        "  --host ADDR           address to bind (default 127.0.0.1; loopback only by default)\n"
        "  --seed N              seed of the generated data (default 1); same seed+sizes = same bytes\n"
        "  --connections N       fleet<->TSP connections (default 4)\n"
        "  --vehicles N          vehicles in total across connections (default 60)\n"
        "  --users N             users in total (default 40; each connection gets a dispatcher)\n"
        "  --trailers N          trailers in total (default 20)\n"
        "  --client-id ID        accepted OAuth client id (default demo-client)\n"
        "  --client-secret S     accepted OAuth client secret (default demo-secret)\n"
        "  --hostile-strings     give the first records of each kind hostile names (terminal escape sequences,\n"
        "                        bidi overrides, C1 controls, invalid UTF-8) to test clients' sanitizing\n"
        "  --wide-strings        give the first trailers names that test display width: emoji ZWJ sequences,\n"
        "                        skin tones, flags, Thai stacks, a lone mark, a stack of accents, CJK\n"
        "  --message-history     seed 90 days of messages before the start time: each connection's\n"
        "                        dispatcher and up to 12 of its drivers, both directions, answering each\n"
        "                        other; sent_by_driver, delivered/read statuses and read_at set (the\n"
        "                        dispatcher has read what drivers wrote except in the last 3 hours)\n"
        "  --chatter             drivers talk back: 60 % of the dispatcher messages a driver reads get an\n"
        "                        answer 20 s-4 min later, and each connection's drivers write on their own\n"
        "                        every 4-20 min (emulated; seeded, so deterministic for the same requests)\n"
        "  --token-lifetime SEC  access token lifetime in emulated seconds (default 3600; 0 = expire at once)\n"
        "  --time-scale F        real seconds per emulated second (default 1; 0.001 = 1 s passes in 1 ms);\n"
        "                        scales retries, backoff, TSP latency, message delivery and token expiry\n"
        "  --start-time RFC3339  emulated time at start (default: the wall clock)\n"
        "  --threads N           HTTP worker threads (default 8)\n"
        "  --idle-timeout SEC    close a connection idle this long (default 15); connections are limited\n"
        "                        only by the descriptors the process may open (the soft limit is raised\n"
        "                        to the hard one at start), so idle clients cannot lock others out\n"
        "  --max-body BYTES      request body limit, larger bodies get 413 (default 1048576)\n"
        "  --fault SPEC          inject a fault, repeatable; SPEC is comma-separated key=value:\n"
        "                        route=PATH-PREFIX,method=GET,kind=status|malformed|truncated|reset|\n"
        "                        rate_limit|bad_items|cursor_loop|empty_pages|endless_body|gzip_bomb|\n"
        "                        crlf_token|huge_numbers|refuse_null,status=503,probability=1.0,count=N,latency_ms=N,\n"
        "                        retry_after_seconds=N,retry_after_header=1|0,chunked=1|0\n"
        "                        (see POST /_emulator/faults; the first matching fault fires)\n"
        "  --api-rate-limit N    Catena API rate limit, requests/s (default 0 = off); excess gets 429\n"
        "                        with detail.retry_after_seconds and a Retry-After header\n"
        "  --tsp-rate N          simulated TSP token bucket per connection, requests/s (default 5)\n"
        "  --tsp-burst N         its burst size (default 10)\n"
        "  --webhook-url URL     deliver resource_operation.created|succeeded|failed webhooks (http:// only;\n"
        "                        up to 5 attempts, any non-5xx answer counts as delivered); the envelope\n"
        "                        (id, timestamp, data) is the event and is the same on every attempt,\n"
        "                        X-Request-ID is new per attempt, X-Delivery-Attempt counts them\n"
        "  --webhook-secret S    HMAC secret for X-Catena-Signature (default whsec-emulator)\n"
        "  --verbose             log requests to stderr\n"
        "  --version             the version\n"
        "  --help                this text\n"
        "\n"
        "Environment: CATENA_EMU_RECORD_DIR=DIR appends every API response to DIR/responses-PID.jsonl\n"
        "(for tests/contract/validate_responses.mjs, which checks them against openapi.yaml).\n"
        "\n"
        "Catena API served: POST /realms/catena/protocol/openid-connect/token (client_credentials, form or\n"
        "HTTP Basic); with Bearer token: GET /v2/integrations/connections[/{id}], .../connections/data-freshness,\n"
        ".../connections/resource-operations, .../connections/{id}/resource-operations/{id},\n"
        "GET /v2/integrations/tsps[/{id}], GET|POST /v2/telematics/{vehicles,users,trailers} (+ GET /{id},\n"
        "PATCH /{id}), GET|POST /v2/telematics/{messages,group-messages,dvir-logs,fuel-transactions},\n"
        "GET /v2/telematics/analytics/vehicles/live-locations (each vehicle drives a seeded loop around a\n"
        "home city in drive/park cycles, a function of the emulated clock; in-service vehicles report on a\n"
        "30 s grid, out-of-service and spare ones 1-72 h before 00:00Z of the day; the k-th vehicle of a\n"
        "connection has its k-th driver; default order occurred_at, then vehicle; sort_by occurred_at,\n"
        "vehicle_name, vehicle_id, speed, odometer or fuel_level).\n"
        "\n"
        "Control surface (loopback clients only, no auth; never part of the Catena API):\n"
        "  GET    /_emulator/health              {\"status\":\"ok\"}\n"
        "  GET    /_emulator/requests            logged API requests [{method,path,query,body,status,at}]\n"
        "                                        (every non-/_emulator/ request; ring of the last 10000)\n"
        "  DELETE /_emulator/requests            clear the request log\n"
        "  GET    /_emulator/clock               {\"now\":RFC3339,\"time_scale\":F}\n"
        "  POST   /_emulator/clock/advance?ms=N  move emulated time forward N ms (tokens expire, retries fire)\n"
        "  GET    /_emulator/faults              active faults\n"
        "  POST   /_emulator/faults              add a fault, JSON {\"route\":\"/v2/telematics/vehicles\",\n"
        "                                        \"method\":\"GET\",\"kind\":\"status|malformed|truncated|reset|\n"
        "                                        rate_limit|bad_items|cursor_loop|empty_pages|endless_body|\n"
        "                                        gzip_bomb|crlf_token|huge_numbers|refuse_null\",\n"
        "                                        \"status\":503,\n"
        "                                        \"probability\":1.0,\"count\":N,\"latency_ms\":N,\n"
        "                                        \"retry_after_seconds\":N,\n"
        "                                        \"retry_after_header\":1,\"chunked\":0}; route is a path\n"
        "                                        prefix; the first matching fault fires\n"
        "                                        (kind=latency, or latency_ms alone: delay only;\n"
        "                                        kind=status with a 2xx status: that status and an error body;\n"
        "                                        malformed: invalid JSON; truncated: the connection closes\n"
        "                                        mid-body; reset: closed without an answer; bad_items: a page\n"
        "                                        {\"items\":[42,{\"id\":\"x\"},null],...} of non-records;\n"
        "                                        retry_after_header 0: a 429 without the Retry-After header,\n"
        "                                        detail.retry_after_seconds only)\n"
        "                                        A hostile server (bounded on the emulator's side):\n"
        "                                        cursor_loop: a list's next_page is the request's own\n"
        "                                        cursor (a first page: its current_page), forever;\n"
        "                                        empty_pages: a list answers items [] (total unchanged)\n"
        "                                        and a fresh, valid next_page every time, forever\n"
        "                                        (both fire on GETs only; other answers pass unchanged);\n"
        "                                        endless_body: 200 announcing Content-Length 5368709120\n"
        "                                        (chunked 1: chunked, no length) and streaming\n"
        "                                        {\"items\":[{...},{...},... without end; the emulator\n"
        "                                        closes the connection after 64 MiB or when the client\n"
        "                                        hangs up; gzip_bomb: 200, Content-Encoding: gzip, ~1 MiB\n"
        "                                        inflating to 1 GiB of zero bytes (made when it fires);\n"
        "                                        crlf_token: token POSTs only: the access_token ends in\n"
        "                                        \"\\r\\nX-Injected: 1\"; huge_numbers: model_year (lists\n"
        "                                        and records), total, expires_in and\n"
        "                                        detail.retry_after_seconds become 1e300 (status 429: a 429\n"
        "                                        with retry_after_seconds 1e300 and Retry-After: 1e300\n"
        "                                        unless retry_after_header 0)\n"
        "                                        refuse_null: PATCHes only: null for an enum of\n"
        "                                        VehicleUpdate/UserUpdate gets 422 (an API whose update\n"
        "                                        schemas are not nullable)\n"
        "  DELETE /_emulator/faults              remove all faults\n"
        "  POST   /_emulator/share-level         {\"connection_id\":ID,\"resource\":\"vehicle\",\n"
        "                                        \"share_level\":\"read|read_write\"}\n"
        "  POST   /_emulator/operations/drain?timeout_ms=N  wait until no async operation is pending\n"
        "  POST   /_emulator/drivers/{user_id}/messages  {\"message_text\":\"...\"[,\"recipient_id\":ID]}: the\n"
        "                                        driver sends that text now (to the connection's\n"
        "                                        dispatcher unless recipient_id); 201 + the MessageRead\n"
        "\n"
        "\n"
        "Seeded data (deterministic for --seed and sizes; records dated before 2026-01-01): connection i\n"
        "uses TSP i mod 8 of samsara, motive, geotab, omnitracs, verizon_connect, webfleet, isaac, zonar;\n"
        "its first user is a non-driver dispatcher. Connection 3 is paused, 6 stale, the rest active.\n"
        "Share level read (writes get 403): #2 vehicle+trailer, #4 user, #5 message+group_message.\n"
        "Write support (else 501): geotab/zonar no group_message, isaac group_message not implemented,\n"
        "omnitracs dvir_log not implemented, verizon_connect no fuel_transaction and trailer not\n"
        "implemented, webfleet no fuel_transaction/dvir_log. GET /v2/integrations/tsps lists what is read\n"
        "and no group_message (as public samples): a write learns it from the 501.\n"
        "\n"
        "Where the contract is silent (README \"The emulator\" lists them all): read share level -> 403,\n"
        "a write the TSP cannot take -> 501, PATCH: omitted = unchanged, null = cleared (the enums of\n"
        "VehicleUpdate/UserUpdate too), {id} of another connection -> 404; event lists default to the last\n"
        "24 h, windows over 45 days -> 422; size 1..1000 (default 300); cursors bound to the filters;\n"
        "webhook envelopes keep their id on every attempt (X-Request-ID is per attempt).\n"
        "\n"
        "Writes: 202 + async worker (up to 5 attempts, backoff 1/2/4/8 s +-20 %, only network/5xx/429\n"
        "retried; one log per attempt), or ?is_sync=true: one attempt, 200 success / 502 failed.\n"
        "Simulated TSP rules (deterministic): any string field of a write body containing FAIL-TRANSIENT\n"
        "fails twice with a TSP 503, then succeeds; FAIL-RATE gets one TSP 429; FAIL-PERMANENT fails\n"
        "validation at once; FAIL-AUTH gets a TSP 401 at once; FAIL-TIMEOUT times out on every attempt.\n"
        "Max message length: motive 500, geotab 1000, omnitracs 250, verizon_connect 320, webfleet 160,\n"
        "zonar 280. geotab and omnitracs need a vin to create vehicles; motive and omnitracs a username\n"
        "to create users. Messages go sent -> delivered (5-90 s) -> read (70 %, 30-600 s later).\n",
        out);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int options_parse(emu_options *o, int argc, char **argv, FILE *out, FILE *err)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            options_print_help(out);
            return 1;
        }
        if (strcmp(a, "--version") == 0) {
            fprintf(out, "catena-emulator %s\n", CATENA_VERSION);
            return 1;
        }
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = true;
            continue;
        }
        if (strcmp(a, "--hostile-strings") == 0) {
            o->hostile = true;
            continue;
        }
        if (strcmp(a, "--wide-strings") == 0) {
            o->wide = true;
            continue;
        }
        if (strcmp(a, "--message-history") == 0 || strcmp(a, "--chatter") == 0) {
            *(a[2] == 'm' ? &o->message_history : &o->chatter) = true;
            continue;
        }
        if (!v) {
            fprintf(err, "catena-emulator: unknown option or missing value: %s (see --help)\n", a);
            return -1;
        }
        bool ok = true;
        if (strcmp(a, "--port") == 0) {
            ok = parse_long(v, 0, 65535, &n);
            o->port = (int)n;
        } else if (strcmp(a, "--host") == 0) {
            ok = strlen(v) < sizeof o->host;
            snprintf(o->host, sizeof o->host, "%s", v);
        } else if (strcmp(a, "--seed") == 0) {
            char *end;
            errno = 0;
            o->seed = strtoull(v, &end, 10);
            ok = !errno && !*end && *v && *v != '-';
        } else if (strcmp(a, "--connections") == 0) {
            ok = parse_long(v, 1, 1000, &n);
            o->connections = (size_t)n;
        } else if (strcmp(a, "--vehicles") == 0) {
            ok = parse_long(v, 0, 5000000, &n);
            o->vehicles = (size_t)n;
        } else if (strcmp(a, "--users") == 0) {
            ok = parse_long(v, 0, 5000000, &n);
            o->users = (size_t)n;
        } else if (strcmp(a, "--trailers") == 0) {
            ok = parse_long(v, 0, 5000000, &n);
            o->trailers = (size_t)n;
        } else if (strcmp(a, "--client-id") == 0) {
            ok = *v && strlen(v) < sizeof o->client_id;
            snprintf(o->client_id, sizeof o->client_id, "%s", v);
        } else if (strcmp(a, "--client-secret") == 0) {
            ok = *v && strlen(v) < sizeof o->client_secret;
            snprintf(o->client_secret, sizeof o->client_secret, "%s", v);
        } else if (strcmp(a, "--token-lifetime") == 0) {
            ok = parse_long(v, 0, 100000000, &n);
            o->token_lifetime = n;
        } else if (strcmp(a, "--time-scale") == 0) {
            char *end;
            o->time_scale = strtod(v, &end);
            ok = !*end && o->time_scale > 0 && o->time_scale <= 1000;
        } else if (strcmp(a, "--start-time") == 0) {
            ok = emu_time_parse(v, &o->start_time_us);
        } else if (strcmp(a, "--threads") == 0) {
            ok = parse_long(v, 1, 256, &n);
            o->threads = (int)n;
        } else if (strcmp(a, "--idle-timeout") == 0) {
            ok = parse_long(v, 1, 3600, &n);
            o->idle_timeout = (int)n;
        } else if (strcmp(a, "--max-body") == 0) {
            ok = parse_long(v, 1, 1L << 30, &n);
            o->max_body = (size_t)n;
        } else if (strcmp(a, "--fault") == 0) {
            ok = o->n_fault_specs < EMU_MAX_FAULT_SPECS;
            if (ok)
                o->fault_specs[o->n_fault_specs++] = v;
        } else if (strcmp(a, "--webhook-url") == 0) {
            o->webhook_url = v;
        } else if (strcmp(a, "--webhook-secret") == 0) {
            o->webhook_secret = v;
        } else if (strcmp(a, "--api-rate-limit") == 0) {
            ok = parse_long(v, 0, 1000000, &n);
            o->api_rate_limit = (int)n;
        } else if (strcmp(a, "--tsp-rate") == 0) {
            ok = parse_long(v, 1, 1000000, &n);
            o->tsp_rate = (int)n;
        } else if (strcmp(a, "--tsp-burst") == 0) {
            ok = parse_long(v, 1, 1000000, &n);
            o->tsp_burst = (int)n;
        } else {
            fprintf(err, "catena-emulator: unknown option %s (see --help)\n", a);
            return -1;
        }
        if (!ok) {
            fprintf(err, "catena-emulator: invalid value for %s: %s\n", a, v);
            return -1;
        }
        i++;
    }
    return 0;
}
