/* faults_hostile: the answers of a hostile or broken server (fault kinds cursor_loop, empty_pages,
 * endless_body, gzip_bomb, crlf_token, huge_numbers), for testing that clients stay bounded. */
#ifndef CATENA_EMU_FAULTS_HOSTILE_H
#define CATENA_EMU_FAULTS_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_msg.h"

/* An endless body stops after this many bytes (or when the client goes away), so no test can hang. */
#define EMU_ENDLESS_LIMIT ((uint64_t)64 * 1024 * 1024)
/* The Content-Length an endless body announces when not chunked (5 GiB). */
#define EMU_ENDLESS_ANNOUNCED ((uint64_t)5 * 1024 * 1024 * 1024)
/* What a gzip bomb inflates to (1 GiB of zero bytes; about 1 MiB on the wire). */
#define EMU_GZIP_BOMB_INFLATED ((uint64_t)1024 * 1024 * 1024)
/* The huge number of huge_numbers. */
#define EMU_HUGE_NUMBER 1e300

/* What resp->rewrite asks faults_rewrite to do to a normal answer. */
enum hostile_rewrite {
    HOSTILE_NONE,
    HOSTILE_CURSOR_LOOP,  /* next_page = the request's own cursor (first page: its current_page) */
    HOSTILE_EMPTY_PAGES,  /* items = [], next_page = a fresh cursor past the end */
    HOSTILE_CRLF_TOKEN,   /* access_token += "\r\nX-Injected: 1" */
    HOSTILE_HUGE_NUMBERS  /* model_year, total, expires_in, retry_after_seconds = 1e300 */
};

/* Alters a normal answer in place as resp->rewrite says; answers of another shape are left alone. */
void faults_rewrite(const emu_request *req, emu_response *resp);
/* 429 whose detail.retry_after_seconds is 1e300 (and Retry-After: 1e300 when with_header). */
void hostile_huge_429(emu_response *resp, bool with_header);
/* 200 application/json, Content-Encoding: gzip, inflating to EMU_GZIP_BOMB_INFLATED zero bytes. */
void hostile_gzip_bomb(emu_response *resp);
/* Fills buf with bytes [pos, pos+max) of an endless JSON page; -1 once EMU_ENDLESS_LIMIT is reached. */
long hostile_endless_read(uint64_t pos, char *buf, size_t max);

#endif
