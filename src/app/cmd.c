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
    {"operations", cmd_run_operations, O_CONNECTION | O_WATCH | O_JSON, 0, NULL, "[--connection C] [--watch]",
     "print the resource operations of the last 24 hours as JSON lines",
     "With --watch, prints them, then keeps polling and prints one more line each time an operation\n"
     "appears or changes status, until interrupted (SIGINT/SIGTERM: exit 0). --json is accepted (the\n"
     "output is always JSON lines).\n",
     -1},
    {"operation", cmd_run_operation, O_CONNECTION | O_WAIT | O_TIMEOUT, O_CONNECTION, "OP_ID",
     "--connection C OP_ID [--wait [--timeout SECONDS]]", "print one resource operation as JSON",
     "With --wait, polls every second until the operation is final, prints it, and exits 0 when it\n"
     "succeeded, 1 when it failed (4 when --timeout runs out first).\n",
     -1},
    {"inbox", cmd_run_inbox, O_UNREAD | O_SINCE | O_WATCH | O_JSON, 0, NULL, "[--unread] [--since DURATION] [--watch] --json",
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
    "  --help                 this text\n"
    "C (--connection) is a connection id or its exact description. Names match exactly (case-\n"
    "sensitive first, then case-insensitive when that is unique).\n"
    "Credentials come from CATENA_CLIENT_ID / CATENA_CLIENT_SECRET or the config file.\n"
    "Exit status: 0 success, 1 rejected (validation or TSP), 2 usage, 3 auth, 4 network or API error.\n";

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
    case FT_STRING: break;
    }
    return "text";
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
        for (int i = 0; i < fs->nfields; i++) {
            const field_spec *f = &fs->fields[i];
            printf("  %-28s %s (%s", f->name, f->label, type_hint(f));
            if (f->type == FT_ENUM && f->enum_values) {
                int n = 0;
                while (f->enum_values[n])
                    n++;
                if (n <= 12) {
                    printf(":");
                    for (int k = 0; k < n; k++)
                        printf(" %s", f->enum_values[k]);
                }
            } else if (f->type == FT_INT && f->min < f->max) {
                printf(" %ld..%ld", f->min, f->max);
            }
            printf(")\n");
        }
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

/* ------------------------------------------------------------------ option parsing */

enum { G_API_URL = 1, G_AUTH_URL, G_PROFILE, G_CONFIG, G_REQ_TIMEOUT };

static const struct optdef {
    const char *name;
    unsigned bit;   /* O_* for subcommand options, 0 for global ones */
    int global;     /* G_* */
    bool value;
} OPTS[] = {
    {"--connection", O_CONNECTION, 0, true}, {"--from", O_FROM, 0, true},
    {"--to", O_TO, 0, true},                 {"--text", O_TEXT, 0, true},
    {"--priority", O_PRIORITY, 0, true},     {"--sync", O_SYNC, 0, false},
    {"--set", O_SET, 0, true},               {"--json", O_JSON, 0, false},
    {"--watch", O_WATCH, 0, false},          {"--wait", O_WAIT, 0, false},
    {"--reply-to", O_REPLY_TO, 0, true},     {"--timeout", O_TIMEOUT, 0, true},
    {"--unread", O_UNREAD, 0, false},        {"--since", O_SINCE, 0, true},
    {"--api-url", 0, G_API_URL, true},       {"--auth-url", 0, G_AUTH_URL, true},
    {"--profile", 0, G_PROFILE, true},       {"--config", 0, G_CONFIG, true},
    {"--request-timeout", 0, G_REQ_TIMEOUT, true},
};

static bool parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    double d = strtod(s, &end);
    if (!*s || !end || *end || !(d > 0) || d > 86400.0 * 365)
        return false;
    *out = d;
    return true;
}

static void push(const char ***arr, size_t *n, const char *v)
{
    *arr = xrealloc((void *)*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = v;
}

/* Sets one option; returns 0 or an exit code. */
static int set_option(cmd_ctx *c, const struct optdef *o, const char *val, unsigned *seen)
{
    cmd_args *a = &c->args;
    unsigned key = o->bit ? o->bit : (1u << 20) << o->global;
    bool repeatable = o->bit == O_TO || o->bit == O_SET;
    if ((*seen & key) && !repeatable)
        return cmd_usage(c, "%s given twice", o->name);
    *seen |= key;
    const char **slot = NULL;
    switch (o->bit) {
    case O_CONNECTION: slot = &a->connection; break;
    case O_FROM: slot = &a->from; break;
    case O_TEXT: slot = &a->text; break;
    case O_PRIORITY: slot = &a->priority; break;
    case O_REPLY_TO: slot = &a->reply_to; break;
    case O_SINCE: slot = &a->since; break;
    case O_UNREAD: a->unread = true; return 0;
    case O_TO: push(&a->to, &a->nto, val); return 0;
    case O_SET: push(&a->sets, &a->nsets, val); return 0;
    case O_SYNC: a->sync = true; return 0;
    case O_JSON: a->json = true; return 0;
    case O_WATCH: a->watch = true; return 0;
    case O_WAIT: a->wait = true; return 0;
    case O_TIMEOUT:
        if (!parse_seconds(val, &a->timeout_s))
            return cmd_usage(c, "--timeout wants a number of seconds > 0");
        return 0;
    default: break;
    }
    switch (o->global) {
    case G_API_URL: slot = &a->api_url; break;
    case G_AUTH_URL: slot = &a->auth_url; break;
    case G_PROFILE: slot = &a->profile; break;
    case G_CONFIG: slot = &a->config_path; break;
    case G_REQ_TIMEOUT:
        if (!parse_seconds(val, &a->request_timeout_s))
            return cmd_usage(c, "--request-timeout wants a number of seconds > 0");
        return 0;
    default: break;
    }
    if (slot)
        *slot = val;
    return 0;
}

#define PARSE_HELP (-1)

/* 0, an exit code, or PARSE_HELP for --help/-h (where an option may stand, not as a value). */
static int parse_args(cmd_ctx *c, int argc, char **argv)
{
    unsigned seen = 0;
    bool only_pos = false;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (only_pos || arg[0] != '-' || arg[1] == '\0') {
            if (!c->def->positional) {
                char *clean = cmd_clean_arg(arg);
                int rc = cmd_usage(c, "unexpected argument '%s'", clean);
                free(clean);
                return rc;
            }
            if (c->args.positional)
                return cmd_usage(c, "only one %s is taken", c->def->positional);
            c->args.positional = arg;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return PARSE_HELP;
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        const struct optdef *o = NULL;
        for (size_t k = 0; k < sizeof OPTS / sizeof OPTS[0]; k++)
            if (strlen(OPTS[k].name) == n && strncmp(OPTS[k].name, arg, n) == 0)
                o = &OPTS[k];
        if (!o || (o->bit && !(c->def->opts & o->bit))) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg);
            char *clean = cmd_clean_arg(name);
            int rc = cmd_usage(c, "unknown option %s", clean);
            free(clean);
            return rc;
        }
        const char *val = NULL;
        if (o->value) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return cmd_usage(c, "%s needs a value", o->name);
        } else if (eq) {
            return cmd_usage(c, "%s takes no value", o->name);
        }
        int rc = set_option(c, o, val, &seen);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < sizeof OPTS / sizeof OPTS[0]; k++)
        if (OPTS[k].bit && (c->def->required & OPTS[k].bit) && !(seen & OPTS[k].bit))
            return cmd_usage(c, "missing %s", OPTS[k].name);
    if (c->def->positional && !c->args.positional)
        return cmd_usage(c, "missing %s", c->def->positional);
    if (c->args.timeout_s > 0 && !c->args.wait)
        return cmd_usage(c, "--timeout goes with --wait");
    return 0;
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
    int rc = parse_args(&c, argc, argv);
    if (rc == PARSE_HELP) {
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
            char err[400], warn[200];
            if (!rc && form_validate(&fs->fields[idx], eq + 1, err, sizeof err, warn, sizeof warn) != 0)
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
