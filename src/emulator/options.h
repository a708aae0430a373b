/* options: catena-emulator's command line. */
#ifndef CATENA_EMU_OPTIONS_H
#define CATENA_EMU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EMU_MAX_FAULT_SPECS 32

typedef struct emu_options {
    int port;
    char host[64];
    uint64_t seed;
    size_t connections, vehicles, users, trailers;
    char client_id[128];
    char client_secret[128];
    long token_lifetime; /* seconds; 0 = tokens expire at once */
    bool verbose;
    bool hostile;       /* --hostile-strings: a few seeded names carry escape sequences and bad bytes */
    bool wide;          /* --wide-strings: the first trailers' names test display width */
    bool message_history; /* --message-history: seed 90 days of messages */
    bool chatter;         /* --chatter: drivers answer and write on their own */
    double time_scale;  /* real seconds per emulated second */
    int64_t start_time_us; /* emulated start instant; 0 = wall clock */
    int threads;
    int idle_timeout; /* seconds an idle connection is kept open */
    size_t max_body;
    const char *fault_specs[EMU_MAX_FAULT_SPECS];
    size_t n_fault_specs;
    const char *webhook_url;
    const char *webhook_secret;
    int api_rate_limit; /* requests per second per client, 0 = off */
    int tsp_rate;       /* per-connection TSP token bucket: requests/s */
    int tsp_burst;
} emu_options;

void options_defaults(emu_options *o);
/* 0 = run, 1 = printed help (exit 0), -1 = usage error printed to err (exit 2). */
int options_parse(emu_options *o, int argc, char **argv, FILE *out, FILE *err);
void options_print_help(FILE *out);

#endif
