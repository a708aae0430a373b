/* cmd: dispatch of the subcommands, their common options and help, the session (config, loop,
 * http, auth, api), running calls to completion, and JSON output. */
#include "app/cmd.h"
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/forms.h"
#include "core/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "catena-dispatch"

/* ------------------------------------------------------------------ the subcommands */

static const cmd_def DEFS[] = {
    {"connections", cmd_run_connections, O_JSON, 0, NULL, "[--json]", "list the connections (fleet and TSP pairs)",
     "Columns: id, description, TSP, status, fleet ref. --json prints one object per line:\n"
     "{\"id\",\"description\",\"source_name\",\"status\",\"fleet_ref\",\"tsp_id\"}.\n",
     -1},
    {"drivers", cmd_run_drivers, O_CONNECTION | O_JSON, O_CONNECTION, NULL, "--connection C [--json]",
     "list the drivers (users with is_driver=true) of a connection",
     "--json prints one object per line: {\"id\",\"name\",\"first_name\",\"last_name\",\"username\",\n"
     "\"status\",\"is_active\",\"is_driver\",\"source_id\",\"phone_number\",\"user_email\",\"license_number\",\n"
     "\"connection_id\"}.\n",
     -1},
    {"vehicles", cmd_run_vehicles, O_CONNECTION | O_JSON, O_CONNECTION, NULL, "--connection C [--json]",
     "list the vehicles of a connection",
     "--json prints one object per line: {\"id\",\"vehicle_name\",\"vin\",\"license_plate_number\",\n"
     "\"license_plate_region\",\"oem\",\"model_type\",\"model_year\",\"status\",\"is_active\",\"source_id\",\n"
     "\"connection_id\"}.\n",
     -1},
    {"trailers", cmd_run_trailers, O_CONNECTION | O_JSON, O_CONNECTION, NULL, "--connection C [--json]",
     "list the trailers of a connection",
     "--json prints one object per line: {\"id\",\"trailer_name\",\"trailer_type\",\"license_plate_number\",\n"
     "\"oem\",\"model_type\",\"model_year\",\"trailer_length\",\"status\",\"is_active\",\"source_id\",\n"
     "\"connection_id\"}.\n",
     -1},
    {"dvir-logs", cmd_run_dvir_logs, O_CONNECTION | O_JSON | O_DRIVER | O_VEHICLE | O_TRAILER | O_SINCE | O_UNTIL,
     O_CONNECTION, NULL,
     "--connection C [--driver USER] [--vehicle V] [--trailer T]\n"
     "       [--since TIME] [--until TIME] [--json]",
     "list the DVIR logs (inspection reports) of a connection",
     "By default the last 24 hours (the API's window; at most 45 days). TIME is YYYY-MM-DD HH:MM in\n"
     "your time zone or ISO 8601. USER, V and T are an id or an exact name; --trailer is applied\n"
     "here (the API has no trailer filter). --json prints one object per line: {\"id\",\"occurred_at\",\n"
     "\"driver_id\",\"vehicle_id\",\"trailer_id\",\"log_type\",\"defects\":[...],\"defect_count\",\n"
     "\"is_safety_critical\",\"inspected_by\",\"driver_comment\",\"odometer\",\"source_id\",\"connection_id\"}.\n",
     -1},
    {"fuel-transactions", cmd_run_fuel_transactions, O_CONNECTION | O_JSON | O_DRIVER | O_VEHICLE | O_SINCE | O_UNTIL,
     O_CONNECTION, NULL, "--connection C [--driver USER] [--vehicle V] [--since TIME] [--until TIME] [--json]",
     "list the fuel transactions of a connection",
     "By default the last 24 hours (the API's window; at most 45 days). TIME is YYYY-MM-DD HH:MM in\n"
     "your time zone or ISO 8601. USER and V are an id or an exact name. --json prints one object per\n"
     "line: {\"id\",\"occurred_at\",\"driver_id\",\"vehicle_id\",\"co_driver_id\",\"fuel_type\",\n"
     "\"fuel_volume\",\"fuel_vendor\",\"total_cost\",\"currency\",\"odometer\",\"source_id\",\"connection_id\"}.\n",
     -1},
    {"group-messages", cmd_run_group_messages, O_CONNECTION | O_JSON, 0, NULL, "[--connection C] [--json]",
     "list the group messages of the last 30 days (of every connection without --connection)",
     "Columns: id, time, sender, number of recipients, status (one for the whole group), text.\n"
     "--json prints one object per line: {\"id\",\"occurred_at\",\"sender_id\",\"sender_name\",\n"
     "\"message_text\",\"status\",\"recipient_ids\":[...],\"source_id\",\"connection_id\"}.\n",
     -1},
    {"locations", cmd_run_locations, O_CONNECTION | O_JSON, 0, NULL, "[--connection C] [--json]",
     "where every vehicle is (live locations; of every connection without --connection)",
     "Columns: vehicle id, vehicle, driver, location (place or lat, long), speed, age of the report.\n"
     "--json prints one object per line: {\"vehicle_id\",\"vehicle_name\",\"driver_id\",\"driver_name\",\n"
     "\"location\",\"speed\",\"occurred_at\",\"connection_id\"}.\n",
     -1},
    {"send-message", cmd_run_send_message, O_CONNECTION | O_FROM | O_TO | O_TEXT | O_PRIORITY | O_SYNC | O_REPLY_TO,
     O_CONNECTION | O_FROM | O_TO | O_TEXT, NULL,
     "--connection C --from USER --to USER --text TEXT [--priority low|medium|high]\n"
     "       [--reply-to MESSAGE_ID] [--sync]",
     "send a message from one user to another",
     "USER is a user id or an exact name (\"First Last\" or the username) on the connection.\n"
     "Prints the ResourceOperation as JSON.\n",
     -1},
    {"send-group-message", cmd_run_send_group_message,
     O_CONNECTION | O_FROM | O_TO | O_TEXT | O_PRIORITY | O_SYNC, O_CONNECTION | O_FROM | O_TO | O_TEXT, NULL,
     "--connection C --from USER --to USER[,USER...] --text TEXT [--priority P] [--sync]",
     "send one message to several users",
     "USER is a user id or an exact name; --to takes a comma-separated list and may be repeated.\n"
     "Prints the ResourceOperation as JSON.\n",
     -1},
    {"update-vehicle", cmd_run_update, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION | O_SET, "VEHICLE",
     "--connection C VEHICLE --set FIELD=VALUE [--set ...] [--sync]",
     "change fields of a vehicle (PATCH: only the --set fields are sent)",
     "VEHICLE is a vehicle id or its exact name. An empty VALUE clears the field (sends null).\n", FORM_VEHICLE},
    {"update-trailer", cmd_run_update, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION | O_SET, "TRAILER",
     "--connection C TRAILER --set FIELD=VALUE [--set ...] [--sync]",
     "change fields of a trailer (PATCH: only the --set fields are sent)",
     "TRAILER is a trailer id or its exact name. An empty VALUE clears the field (sends null).\n", FORM_TRAILER},
    {"update-driver", cmd_run_update, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION | O_SET, "USER",
     "--connection C USER --set FIELD=VALUE [--set ...] [--sync]",
     "change fields of a user (PATCH: only the --set fields are sent)",
     "USER is a user id or an exact name (\"First Last\" or the username). An empty VALUE clears the\n"
     "field (sends null).\n",
     FORM_DRIVER},
    {"create-vehicle", cmd_run_create, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION, NULL,
     "--connection C --set FIELD=VALUE [--set ...] [--sync]", "create a vehicle", NULL, FORM_VEHICLE},
    {"create-trailer", cmd_run_create, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION, NULL,
     "--connection C --set FIELD=VALUE [--set ...] [--sync]", "create a trailer", NULL, FORM_TRAILER},
    {"create-driver", cmd_run_create, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION, NULL,
     "--connection C --set FIELD=VALUE [--set ...] [--sync]",
     "create a driver (a user with is_driver=true unless --set is_driver=false)", NULL, FORM_DRIVER},
    {"create-dvir-log", cmd_run_create, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION | O_SET, NULL,
     "--connection C --set driver_id=USER --set FIELD=VALUE [--set ...] [--sync]",
     "file a DVIR log (a driver's inspection report)",
     "driver_id, vehicle_id and trailer_id take an id or an exact name on the connection; defects is a\n"
     "comma-separated list (--set defects=brakes,tires); defect_count is counted from it.\n",
     FORM_DVIR},
    {"create-fuel-transaction", cmd_run_create, O_CONNECTION | O_SET | O_SYNC, O_CONNECTION | O_SET, NULL,
     "--connection C --set driver_id=USER --set vehicle_id=V --set fuel_volume=N\n"
     "       --set fuel_volume_unit=U [--set FIELD=VALUE ...] [--sync]",
     "record a fuel transaction",
     "driver_id, vehicle_id and co_driver_id take an id or an exact name on the connection.\n", FORM_FUEL},
    {"operations", cmd_run_operations, O_CONNECTION | O_WATCH | O_JSON, 0, NULL, "[--connection C] [--watch]",
     "print the resource operations of the last 24 hours as JSON lines",
     "With --watch, prints them, then keeps polling and prints one more line each time an operation\n"
     "appears or changes status, until interrupted (SIGINT/SIGTERM: exit 0). --json is accepted (the\n"
     "output is always JSON lines).\n",
     -1},
    {"operation", cmd_run_operation, O_CONNECTION | O_WAIT | O_TIMEOUT, O_CONNECTION, "OP_ID",
     "--connection C OP_ID [--wait [--timeout SECONDS]]", "print one resource operation as JSON",
     "With --wait, polls every second until the operation is final, prints it, and exits 0 when it\n"
     "succeeded, 1 when it failed (with the reason of its last attempt), 4 when --timeout runs out\n"
     "first, 5 when there is no such operation on the connection.\n",
     -1},
    {"inbox", cmd_run_inbox, O_UNREAD | O_SINCE | O_WATCH | O_JSON, 0, NULL,
     "[--unread] [--since DURATION] [--watch] --json",
     "print the messages drivers sent, across every connection, as JSON lines (oldest first)",
     "DURATION: 90s, 30m, 2h or 7d (default 24h, at most 45d). Each line: {\"id\",\"sent_at\",\n"
     "\"connection_id\",\"connection\",\"driver_id\",\"driver\",\"text\",\"unread\"}. --unread keeps the\n"
     "messages the console has not shown (its inbox state for this profile and API URL; one it never\n"
     "saw is unread unless the API says it was read). With --watch, keeps polling (one request per\n"
     "connection each poll_pending_ms) and prints each new message until interrupted (exit 0).\n"
     "A connection that answers 403 or 501 is said on stderr and skipped.\n",
     -1},
};
#define NDEFS (sizeof DEFS / sizeof DEFS[0])

static const cmd_def *find_def(const char *name)
{
    for (size_t i = 0; name && i < NDEFS; i++)
        if (strcmp(DEFS[i].name, name) == 0)
            return &DEFS[i];
    return NULL;
}

bool cmd_is_subcommand(const char *name)
{
    return find_def(name) != NULL || (name && strcmp(name, "help") == 0);
}

/* Edit distance of a and b (both short), for the "did you mean" of an unknown subcommand. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

int cmd_unknown_subcommand(const char *name)
{
    char *clean = text_sanitize_str(name);
    const char *best = NULL;
    size_t best_d = 99, len = strlen(name);
    for (size_t i = 0; i <= NDEFS; i++) {
        const char *cand = i < NDEFS ? DEFS[i].name : "help";
        size_t d = distance(name, cand);
        /* a prefix ("create" of create-vehicle) is close whatever its length */
        if (len >= 3 && strncmp(cand, name, len) == 0)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    fprintf(stderr, PROG ": unknown subcommand '%s'", clean);
    if (best && best_d <= (len < 6 ? 2 : 3))
        fprintf(stderr, "; did you mean '%s'?", best);
    fprintf(stderr, "\nTry '" PROG " help' for the subcommands (without one " PROG " is the console).\n");
    free(clean);
    return CMD_EXIT_USAGE;
}

/* ------------------------------------------------------------------ messages */

void cmd_err(const cmd_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG " %s: ", c->def ? c->def->name : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cmd_usage(const cmd_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG " %s: ", c->def->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '" PROG " %s --help'.\n", c->def->name);
    va_end(ap);
    return CMD_EXIT_USAGE;
}

char *cmd_clean_arg(const char *s)
{
    return text_sanitize_str(s);
}

static const char common_help[] =
    "Common options:\n"
    "  --api-url URL          Catena API base URL (env CATENA_API_URL)\n"
    "  --auth-url URL         Catena auth realm URL (env CATENA_AUTH_URL)\n"
    "  --profile NAME         profile of the config file (env CATENA_PROFILE)\n"
    "  --config FILE          config file (default $XDG_CONFIG_HOME/catena-dispatch/config)\n"
    "  --request-timeout SEC  give up on one request after SEC seconds (default 30)\n"
    "  --log FILE             support log: every request and answer, never a secret (config log_file)\n"
    "  --help                 this text\n"
    "C (--connection) is a connection id or its exact description. Names match exactly (as typed\n"
    "first, then up to case, accents and full-width forms when that is unique).\n"
    "Credentials come from CATENA_CLIENT_ID / CATENA_CLIENT_SECRET or the config file.\n"
    "Exit status: 0 success, 1 rejected (validation or TSP; an operation that failed), 2 usage, 3 auth,\n"
    "4 network or API error (a retry may fix it: 5xx, 429, no answer), 5 refused for good (403 read-only\n"
    "share, 501 not supported by the TSP, 404 not found).\n";

static const char *type_hint(const field_spec *f)
{
    switch (f->type) {
    case FT_INT: return "whole number";
    case FT_NUMBER: return "number";
    case FT_BOOL: return "true|false";
    case FT_ENUM: return "one of a list";
    case FT_COUNTRY3: return "3-letter code";
    case FT_VIN: return "text, checked as a VIN";
    case FT_DATE: return "YYYY-MM-DD";
    case FT_EMAIL: return "email";
    case FT_TEXT: return "text";
    case FT_DATETIME: return "YYYY-MM-DD HH:MM local time, ISO 8601, or now; not in the future";
    case FT_ENUM_LIST: return "comma-separated list";
    case FT_REF: return "id or exact name";
    case FT_STRING: break;
    }
    return "text";
}

/* One --set field: name, label, type (with a reference's kind, an int's range), required or
 * derived, and every enum value (long lists wrapped below). */
static void print_field_help(const field_spec *f)
{
    static const char *const ref_nouns[KIND__COUNT] = {[KIND_DRIVER] = "driver", [KIND_VEHICLE] = "vehicle",
                                                       [KIND_TRAILER] = "trailer"};
    printf("  %-28s %s (%s", f->name, f->label, type_hint(f));
    if (f->type == FT_REF && ref_nouns[f->ref_kind])
        printf(" of a %s of the connection", ref_nouns[f->ref_kind]);
    else if (f->type == FT_INT && f->min < f->max)
        printf(" %ld..%ld", f->min, f->max);
    else if (f->type == FT_NUMBER && f->min < f->max)
        printf(" %ld..%ld", f->min, f->max);
    if (f->required_on_create)
        printf(", required");
    if (f->count_of)
        printf(", derived: the number of %s; not set", f->count_of);
    int n = 0;
    while ((f->type == FT_ENUM || f->type == FT_ENUM_LIST) && f->enum_values && f->enum_values[n])
        n++;
    if (n > 0 && n <= 12) {
        printf(":");
        for (int k = 0; k < n; k++)
            printf(" %s", f->enum_values[k]);
    }
    printf(")\n");
    for (int k = 0, col = 0; n > 12 && k < n; k++) { /* 31 columns in, up to 100 wide */
        int w = (int)strlen(f->enum_values[k]) + 1;
        if (col == 0 || col + w > 100 - 31) {
            printf("%s%31s", col ? "\n" : "", "");
            col = 0;
        }
        printf(" %s", f->enum_values[k]);
        col += w;
        if (k == n - 1)
            printf("\n");
    }
}

static void print_help(const cmd_def *d)
{
    printf("Usage: " PROG " %s %s\n\n%c%s.\n", d->name, d->synopsis, toupper((unsigned char)d->summary[0]),
           d->summary + 1);
    if (d->details)
        printf("%s", d->details);
    if (d->opts & O_SYNC)
        printf("--sync waits for the TSP's answer (200 or 502) instead of queueing (202).\n");
    const form_spec *fs = d->form >= 0 ? form_spec_get((form_kind)d->form) : NULL;
    if (fs) {
        printf("\nFields (--set FIELD=VALUE):\n");
        for (int i = 0; i < fs->nfields; i++)
            print_field_help(&fs->fields[i]);
    }
    printf("\n%s", common_help);
}

static void print_overview(FILE *out)
{
    fprintf(out, "Usage: " PROG " SUBCOMMAND [OPTIONS]   (or without one: the interactive console)\n\n"
                 "Subcommands for scripts:\n");
    for (size_t i = 0; i < NDEFS; i++)
        fprintf(out, "  %-20s %s\n", DEFS[i].name, DEFS[i].summary);
    fprintf(out, "\n" PROG " SUBCOMMAND --help describes one.\n\n%s", common_help);
}

const cmd_def *cmd_def_at(size_t i)
{
    return i < NDEFS ? &DEFS[i] : NULL;
}

const char *cmd_common_help(void)
{
    return common_help;
}

/* ------------------------------------------------------------------ entry */

static int check_args(cmd_ctx *c);

int cmd_main(int argc, char **argv)
{
    text_init_locale();
    if (argc < 2)
        return CMD_EXIT_USAGE;
    if (strcmp(argv[1], "help") == 0) {
        const cmd_def *d = argc > 2 ? find_def(argv[2]) : NULL;
        if (d)
            print_help(d);
        else
            print_overview(stdout);
        return argc > 2 && !d ? CMD_EXIT_USAGE : CMD_EXIT_OK;
    }
    cmd_ctx c;
    memset(&c, 0, sizeof c);
    c.def = find_def(argv[1]);
    if (!c.def) {
        print_overview(stderr);
        return CMD_EXIT_USAGE;
    }
    config_init_defaults(&c.cfg);
    int rc = cmd_parse_args(&c, argc, argv);
    if (rc == CMD_PARSE_HELP) {
        print_help(c.def);
        rc = CMD_EXIT_OK;
        cmd_close_session(&c);
        return rc;
    }
    if (!rc)
        rc = check_args(&c);
    if (!rc)
        rc = cmd_open_session(&c);
    if (!rc) {
        rc = c.def->run(&c);
        fflush(stdout);
        if (ferror(stdout) && rc == CMD_EXIT_OK) {
            cmd_err(&c, "could not write the output");
            rc = CMD_EXIT_API;
        }
    }
    cmd_close_session(&c);
    return rc;
}

/* Checks the --set fields before anything is sent (usage errors come before credentials). */
static int check_sets(cmd_ctx *c)
{
    const form_spec *fs = form_spec_get((form_kind)c->def->form);
    for (size_t i = 0; i < c->args.nsets; i++) {
        const char *s = c->args.sets[i];
        const char *eq = strchr(s, '=');
        char name[64];
        size_t n = eq ? (size_t)(eq - s) : strlen(s);
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
        char *clean = cmd_clean_arg(name);
        int idx = eq ? form_field_index(fs, name) : -1;
        int rc = 0;
        if (!eq) {
            rc = cmd_usage(c, "--set wants FIELD=VALUE, got '%s'", clean);
        } else if (idx < 0) {
            strbuf sb = STRBUF_INIT;
            for (int k = 0; k < fs->nfields; k++)
                strbuf_printf(&sb, "%s%s", k ? ", " : "", fs->fields[k].name);
            rc = cmd_usage(c, "unknown %s field '%s'; fields: %s", fs->resource, clean, sb.data);
            strbuf_free(&sb);
        } else {
            for (size_t k = 0; k < i && !rc; k++)
                if (strncmp(c->args.sets[k], s, n + 1) == 0)
                    rc = cmd_usage(c, "--set %s given twice", clean);
            char err[400], warn[200] = "";
            uuid u;
            bool name_ref = fs->fields[idx].type == FT_REF && eq[1] && !uuid_parse(eq + 1, &u); /* resolved later */
            if (!rc && fs->fields[idx].count_of)
                rc = cmd_usage(c, "--set %s: counted from %s; set that instead", clean, fs->fields[idx].count_of);
            else if (!rc && !name_ref &&
                     form_validate(&fs->fields[idx], eq + 1, err, sizeof err, warn, sizeof warn) != 0)
                rc = cmd_usage(c, "--set %s: %s", clean, err);
            else if (!rc && warn[0])
                cmd_err(c, "warning: %s: %s", fs->fields[idx].label, warn);
        }
        free(clean);
        if (rc)
            return rc;
    }
    return 0;
}

/* Everything that can be checked without the network. */
static int check_args(cmd_ctx *c)
{
    const cmd_args *a = &c->args;
    uuid u;
    if (a->connection && !*a->connection)
        return cmd_usage(c, "--connection is empty");
    if (c->def->form >= 0)
        return check_sets(c);
    static const field_spec when = {.name = "since", .label = "when", .type = FT_DATETIME};
    /* inbox --since is a duration, checked by cmd_inbox.c */
    const char *times[2] = {c->def->run == cmd_run_inbox ? NULL : a->since, a->until};
    const char *topt[2] = {"--since", "--until"};
    for (int i = 0; i < 2; i++) {
        char err[300];
        if (times[i] && (!*times[i] || form_validate(&when, times[i], err, sizeof err, NULL, 0) != 0))
            return cmd_usage(c, "%s %s", topt[i], *times[i] ? err : "is empty");
    }
    const char *refs[3] = {a->driver, a->vehicle, a->trailer}, *ropt[3] = {"--driver", "--vehicle", "--trailer"};
    for (int i = 0; i < 3; i++)
        if (refs[i] && !*refs[i])
            return cmd_usage(c, "%s is empty", ropt[i]);
    if (a->priority && strcmp(a->priority, "low") != 0 && strcmp(a->priority, "medium") != 0 &&
        strcmp(a->priority, "high") != 0)
        return cmd_usage(c, "--priority must be low, medium or high");
    if (a->reply_to && !uuid_parse(a->reply_to, &u))
        return cmd_usage(c, "--reply-to wants a message id (a UUID)");
    if (a->text) {
        static const field_spec text_field = {.name = "message_text", .label = "Text", .type = FT_TEXT};
        char err[200];
        if (!*a->text)
            return cmd_usage(c, "--text is empty");
        if (form_validate(&text_field, a->text, err, sizeof err, NULL, 0) != 0)
            return cmd_usage(c, "--text %s", err);
    }
    if (a->from && !*a->from)
        return cmd_usage(c, "--from is empty");
    for (size_t i = 0; i < a->nto; i++)
        if (!*a->to[i])
            return cmd_usage(c, "--to is empty");
    if (c->def->run == cmd_run_operation && !uuid_parse(a->positional, &u)) {
        char *clean = cmd_clean_arg(a->positional);
        int rc = cmd_usage(c, "'%s' is not an operation id (a UUID)", clean);
        free(clean);
        return rc;
    }
    return 0;
}
