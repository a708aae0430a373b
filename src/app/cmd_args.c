/* cmd_args: the subcommands' command line: their options and the global ones, checked against
 * what the subcommand takes (cmd_private.h). */
#include "app/cmd_private.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    {"--driver", O_DRIVER, 0, true},         {"--vehicle", O_VEHICLE, 0, true},
    {"--trailer", O_TRAILER, 0, true},       {"--since", O_SINCE, 0, true},
    {"--until", O_UNTIL, 0, true},
    {"--unread", O_UNREAD, 0, false},
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
    case O_DRIVER: slot = &a->driver; break;
    case O_VEHICLE: slot = &a->vehicle; break;
    case O_TRAILER: slot = &a->trailer; break;
    case O_SINCE: slot = &a->since; break;
    case O_UNTIL: slot = &a->until; break;
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

int cmd_parse_args(cmd_ctx *c, int argc, char **argv)
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
            return CMD_PARSE_HELP;
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
