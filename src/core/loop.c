#include "core/loop.h"

#include "common/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fd_watch {
    int fd;
    short events;
    loop_fd_cb cb;
    void *ud;
} fd_watch;

typedef struct timer {
    uint64_t id;
    loop_clock clk;
    int64_t due;
    loop_timer_cb cb;
    void *ud;
} timer;

struct loop {
    fd_watch *fds;
    int nfds, capfds;
    timer *timers;
    int ntimers, captimers;
    uint64_t next_timer_id;
    bool virtual_clock;
    int64_t virtual_now;
    int64_t virtual_start;
    int64_t virtual_wall_start; /* the wall clock at virtual_start; 0 = 2026-01-01T00:00:00Z */
    loop_signal_cb sig_cb;
    void *sig_ud;
};

static int g_sig_pipe[2] = {-1, -1};

int64_t loop_real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

loop *loop_new(void)
{
    loop *l = xcalloc(1, sizeof *l);
    l->next_timer_id = 1;
    l->virtual_now = loop_real_now_ms();
    return l;
}

void loop_free(loop *l)
{
    if (!l)
        return;
    free(l->fds);
    free(l->timers);
    free(l);
}

void loop_watch_fd(loop *l, int fd, short events, loop_fd_cb cb, void *ud)
{
    for (int i = 0; i < l->nfds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i] = (fd_watch){fd, events, cb, ud};
            return;
        }
    }
    if (l->nfds == l->capfds) {
        l->capfds = l->capfds ? l->capfds * 2 : 8;
        l->fds = xrealloc(l->fds, sizeof *l->fds * (size_t)l->capfds);
    }
    l->fds[l->nfds++] = (fd_watch){fd, events, cb, ud};
}

void loop_unwatch_fd(loop *l, int fd)
{
    for (int i = 0; i < l->nfds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i] = l->fds[--l->nfds];
            return;
        }
    }
}

int64_t loop_now_ms(loop *l)
{
    return l->virtual_clock ? l->virtual_now : loop_real_now_ms();
}

static int64_t clock_now(loop *l, loop_clock clk)
{
    return clk == LOOP_CLOCK_REAL ? loop_real_now_ms() : loop_now_ms(l);
}

uint64_t loop_timer_add(loop *l, loop_clock clk, int64_t delay_ms, loop_timer_cb cb, void *ud)
{
    if (l->ntimers == l->captimers) {
        l->captimers = l->captimers ? l->captimers * 2 : 16;
        l->timers = xrealloc(l->timers, sizeof *l->timers * (size_t)l->captimers);
    }
    uint64_t id = l->next_timer_id++;
    l->timers[l->ntimers++] = (timer){id, clk, clock_now(l, clk) + (delay_ms < 0 ? 0 : delay_ms), cb, ud};
    return id;
}

void loop_timer_cancel(loop *l, uint64_t id)
{
    for (int i = 0; i < l->ntimers; i++) {
        if (l->timers[i].id == id) {
            l->timers[i] = l->timers[--l->ntimers];
            return;
        }
    }
}

int64_t loop_timer_next_ms(loop *l, loop_clock clk)
{
    int64_t best = -1, now = clock_now(l, clk);
    for (int i = 0; i < l->ntimers; i++) {
        if (l->timers[i].clk != clk)
            continue;
        int64_t d = l->timers[i].due - now;
        if (d < 0)
            d = 0;
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

/* Runs every timer already due, one at a time (callbacks may add or cancel timers); returns how
 * many ran. */
static int run_due_timers(loop *l)
{
    int ran = 0;
    for (;;) {
        int pick = -1;
        for (int i = 0; i < l->ntimers; i++) {
            timer *t = &l->timers[i];
            if (t->due <= clock_now(l, t->clk) && (pick < 0 || t->due < l->timers[pick].due))
                pick = i;
        }
        if (pick < 0)
            return ran;
        timer t = l->timers[pick];
        l->timers[pick] = l->timers[--l->ntimers];
        t.cb(t.ud);
        ran++;
    }
}

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (g_sig_pipe[1] >= 0) {
        ssize_t r = write(g_sig_pipe[1], &b, 1);
        (void)r;
    }
    errno = saved;
}

static void on_sig_pipe(void *ud, int fd, short revents)
{
    loop *l = ud;
    (void)revents;
    unsigned char buf[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (l->sig_cb)
                l->sig_cb(l->sig_ud, buf[i]);
    }
}

void loop_handle_signals(loop *l, loop_signal_cb cb, void *ud)
{
    l->sig_cb = cb;
    l->sig_ud = ud;
    if (g_sig_pipe[0] < 0) {
        if (pipe2(g_sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
            return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    int sigs[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    loop_watch_fd(l, g_sig_pipe[0], POLLIN, on_sig_pipe, l);
}

void loop_run_once(loop *l, int max_wait_ms)
{
    /* A timer that ran may have finished work (curl often completes a loopback transfer in its
     * 0 ms timer): then only look at the descriptors, so the caller can draw at once. */
    int64_t wait = run_due_timers(l) ? 0 : max_wait_ms;
    for (int c = 0; c < 2; c++) {
        loop_clock clk = c == 0 ? LOOP_CLOCK_REAL : LOOP_CLOCK_APP;
        if (clk == LOOP_CLOCK_APP && l->virtual_clock)
            continue; /* virtual timers fire only through loop_advance */
        int64_t n = loop_timer_next_ms(l, clk);
        if (n >= 0 && (wait < 0 || n < wait))
            wait = n;
    }
    struct pollfd pfds[256];
    int n = l->nfds < 256 ? l->nfds : 256;
    for (int i = 0; i < n; i++)
        pfds[i] = (struct pollfd){l->fds[i].fd, l->fds[i].events, 0};
    int r = poll(pfds, (nfds_t)n, (int)(wait > 86400000 ? 86400000 : wait));
    if (r > 0) {
        for (int i = 0; i < n; i++) {
            if (!pfds[i].revents)
                continue;
            /* Look the fd up again: an earlier callback may have removed or replaced it. */
            for (int j = 0; j < l->nfds; j++) {
                if (l->fds[j].fd == pfds[i].fd) {
                    l->fds[j].cb(l->fds[j].ud, pfds[i].fd, pfds[i].revents);
                    break;
                }
            }
        }
    }
    run_due_timers(l);
}

int64_t loop_wall_ms(loop *l)
{
    if (l->virtual_clock)
        return (l->virtual_wall_start ? l->virtual_wall_start : 1767225600000LL) + (l->virtual_now - l->virtual_start);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void loop_set_virtual_clock(loop *l, bool on)
{
    if (on && !l->virtual_clock)
        l->virtual_now = l->virtual_start = loop_real_now_ms();
    l->virtual_clock = on;
}

void loop_set_virtual_wall_ms(loop *l, int64_t wall_ms)
{
    l->virtual_wall_start = wall_ms - (l->virtual_now - l->virtual_start);
}

bool loop_clock_is_virtual(const loop *l)
{
    return l->virtual_clock;
}

void loop_advance(loop *l, int64_t ms)
{
    if (!l->virtual_clock)
        return;
    l->virtual_now += ms;
    run_due_timers(l);
}
