/* cmd_private: what the subcommand files share (cmd.c: dispatch, options, session, output;
 * cmd_resolve.c: ids and names; cmd_list.c: listings; cmd_write.c: writes; cmd_ops.c:
 * operations). Not for other modules. */
#ifndef CATENA_APP_CMD_PRIVATE_H
#define CATENA_APP_CMD_PRIVATE_H

#include "core/api.h"
#include "core/config.h"
#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>

enum {
    CMD_EXIT_OK = 0,
    CMD_EXIT_REJECTED = 1, /* the TSP or validation (422/400/502) said no; an op that failed */
    CMD_EXIT_USAGE = 2,    /* bad arguments, unknown field, no/ambiguous match */
    CMD_EXIT_AUTH = 3,     /* no credentials, or the credentials were refused */
    CMD_EXIT_API = 4,      /* network or any other API error, unknown outcome: a retry may fix it */
    CMD_EXIT_REFUSED = 5,  /* refused for good: read-only share (403), not supported (501), not found (404) */
    CMD_EXIT_INTERRUPTED = 130
};

/* Options a subcommand may accept (bits of cmd_def.opts / .required). */
enum {
    O_CONNECTION = 1u << 0,
    O_FROM = 1u << 1,
    O_TO = 1u << 2,
    O_TEXT = 1u << 3,
    O_PRIORITY = 1u << 4,
    O_SYNC = 1u << 5,
    O_SET = 1u << 6,
    O_JSON = 1u << 7,
    O_WATCH = 1u << 8,
    O_WAIT = 1u << 9,
    O_REPLY_TO = 1u << 10,
    O_TIMEOUT = 1u << 11,
    O_DRIVER = 1u << 12,  /* listings of logs: filters */
    O_VEHICLE = 1u << 13,
    O_TRAILER = 1u << 14,
    O_SINCE = 1u << 15,
    O_UNTIL = 1u << 16,
    O_UNREAD = 1u << 17
};

typedef struct cmd_args {
    const char *connection, *from, *text, *priority, *reply_to;
    bool unread; /* inbox --unread */
    const char **to; /* --to, repeatable; each may hold a comma-separated list */
    size_t nto;
    const char **sets; /* --set FIELD=VALUE, repeatable */
    size_t nsets;
    const char *positional;
    const char *driver, *vehicle, *trailer, *since, *until; /* listing filters */
    bool sync, json, watch, wait;
    double timeout_s; /* operation --wait --timeout; 0 = none */
    const char *api_url, *auth_url, *profile, *config_path;
    double request_timeout_s; /* 0 = the client's default */
} cmd_args;

struct cmd_ctx;
typedef int (*cmd_run_fn)(struct cmd_ctx *c);

typedef struct cmd_def {
    const char *name;
    cmd_run_fn run;
    unsigned opts, required;
    const char *positional; /* "VEHICLE", or NULL when none is taken */
    const char *synopsis;   /* after "catena-dispatch NAME " */
    const char *summary;    /* one line */
    const char *details;    /* extra help text, may be NULL */
    int form;               /* form_kind for update-/create-, -1 otherwise */
} cmd_def;

typedef struct cmd_ctx {
    const cmd_def *def;
    cmd_args args;
    config cfg;
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    bool signals;        /* loop_handle_signals installed */
    char conn_label[160]; /* description of the last resolved connection (sanitized) */
    volatile int stop;   /* a signal asked us to stop (SIGINT/SIGTERM/SIGHUP) */
    int stop_signal;
} cmd_ctx;

/* A finished API call, body copied. */
typedef struct cmd_reply {
    api_status status;
    long http_status;
    char *body;
    size_t body_len;
    char message[320];
} cmd_reply;

/* ---- cmd_session.c */
/* Config (defaults < file < env < flags), credentials check, loop/http/auth/api. Exit code. */
int cmd_open_session(cmd_ctx *c);
void cmd_close_session(cmd_ctx *c);

/* ---- cmd.c and cmd_session.c */
/* "catena-dispatch NAME: message" on stderr. */
void cmd_err(const cmd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the problem and a one-line hint; returns CMD_EXIT_USAGE. */
int cmd_usage(const cmd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads argv (after the subcommand's name) into c->args against c->def (cmd_args.c): 0, the usage
 * exit code with the reason said, or CMD_PARSE_HELP for --help/-h (where an option may stand, not
 * as a value). */
#define CMD_PARSE_HELP (-1)
int cmd_parse_args(cmd_ctx *c, int argc, char **argv);
/* GETs one resource operation, run to completion on the loop. */
void cmd_get_operation(cmd_ctx *c, const char *conn_id, const char *op_id, cmd_reply *out);
void cmd_reply_free(cmd_reply *r);
/* 0 for API_OK, 3 for auth errors, 4 for the rest. */
int cmd_exit_for_status(api_status s);
/* The same for an answer with an HTTP status: the refusals no retry changes give CMD_EXIT_REFUSED. */
int cmd_exit_for_reply(api_status s, long http_status);
/* Loads every page of path_query (no size/cursor) into t; prints the error and returns the exit
 * code on failure, 0 on success. */
int cmd_load_table(cmd_ctx *c, table *t, const char *path_query);
/* Parses a JSON text and prints it as cmd_print_json does; -1 if it is not JSON. */
int cmd_print_json_text(const char *text, size_t len);
/* A sanitized heap copy of a command-line argument for messages. */
char *cmd_clean_arg(const char *s);
/* One turn of the loop. Bounded: loop_run_once runs due timers *before* it polls, so a request
 * that completes in one of those timers would otherwise leave it blocked in poll() with nothing
 * left to wake it. */
void cmd_pump(cmd_ctx *c);
/* Sleeps on the loop (app clock timer) for ms, or until a signal asks to stop. */
void cmd_sleep(cmd_ctx *c, int64_t ms);
/* Installs the loop's signal handling: SIGINT/SIGTERM/SIGHUP set c->stop. */
void cmd_handle_signals(cmd_ctx *c);

/* ---- cmd_resolve.c */
/* --connection: a connection id or an exact description. Fills id (and the description, sanitized,
 * into label when given). Returns an exit code (0 on success). */
int cmd_resolve_connection(cmd_ctx *c, const char *arg, char id[UUID_STR_LEN], char *label, size_t labelcap);
/* Resolves n ids or exact names of kind (KIND_DRIVER = any user, KIND_VEHICLE, KIND_TRAILER) on a
 * connection with one list request; opts[i] names where args[i] came from for messages ("--to",
 * "VEHICLE"). names receives display names (optional, each 128 bytes). Returns an exit code. */
int cmd_resolve_records(cmd_ctx *c, record_kind kind, const char *conn_id, const char *const *opts,
                        const char *const *args, size_t n, char (*ids)[UUID_STR_LEN], char (*names)[128]);
/* Case-insensitive (Unicode) equality. */
bool cmd_eq_ci(const char *a, const char *b);

/* ---- cmd_list.c */
int cmd_run_connections(cmd_ctx *c);
int cmd_run_drivers(cmd_ctx *c);
int cmd_run_vehicles(cmd_ctx *c);
int cmd_run_trailers(cmd_ctx *c);
int cmd_run_dvir_logs(cmd_ctx *c);
int cmd_run_fuel_transactions(cmd_ctx *c);

/* ---- cmd_live.c */
int cmd_run_group_messages(cmd_ctx *c);
int cmd_run_locations(cmd_ctx *c);

/* ---- cmd_write.c */
int cmd_run_send_message(cmd_ctx *c);
int cmd_run_send_group_message(cmd_ctx *c);
int cmd_run_update(cmd_ctx *c);
int cmd_run_create(cmd_ctx *c);

/* ---- cmd_inbox.c */
int cmd_run_inbox(cmd_ctx *c);
/* "90s", "30m", "2h", "7d" or plain seconds, at most 45 days, into seconds; -1 when not one. */
long cmd_inbox_parse_duration(const char *s);

/* ---- cmd_ops.c */
int cmd_run_operations(cmd_ctx *c);
int cmd_run_operation(cmd_ctx *c);

/* The subcommand table (NULL past its end) and the options every subcommand takes, for the man page. */
const cmd_def *cmd_def_at(size_t i);
const char *cmd_common_help(void);

#endif
