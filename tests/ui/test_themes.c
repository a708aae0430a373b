/* The shipped theme files: every one parses, and the 8-colour theme uses only the eight basic
 * colours and gives every slot a look of its own (colours and attributes). #rrggbb colours: 24-bit
 * on a direct-colour terminal, else the nearest of 256 or of 8; a # after a blank still starts a
 * comment. */
#include "ui/screen.h"
#include "ui/theme.h"

#include <check.h>
#include <curses.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

static char *read_theme(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/themes/%s.theme", CATENA_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void parse_file_only(theme *t, const char *name)
{
    memset(t, 0, sizeof *t);
    char *err = NULL;
    int rc = theme_parse(t, read_theme(name), name, &err);
    ck_assert_msg(rc == 0, "%s: %s", name, err ? err : "");
}

START_TEST(shipped_themes_set_every_slot)
{
    static const char *const names[] = {"default", "mono", "eight"};
    theme t;
    parse_file_only(&t, names[_i]);
    for (int s = 0; s < SLOT__COUNT; s++)
        ck_assert_msg(t.rules[s].set, "%s.theme does not set %s", names[_i], theme_slot_name((theme_slot)s));
}
END_TEST

START_TEST(eight_colour_theme_distinguishes_every_slot)
{
    theme t;
    parse_file_only(&t, "eight");
    for (int s = 0; s < SLOT__COUNT; s++) {
        const theme_rule *r = &t.rules[s];
        ck_assert_msg(r->fg < 8 && r->bg < 8, "%s uses a colour beyond the basic eight", theme_slot_name((theme_slot)s));
        for (int o = 0; o < s; o++) {
            const theme_rule *q = &t.rules[o];
            ck_assert_msg(q->fg != r->fg || q->bg != r->bg || q->attrs != r->attrs, "%s and %s look the same",
                          theme_slot_name((theme_slot)o), theme_slot_name((theme_slot)s));
        }
    }
}
END_TEST

START_TEST(rgb_colours_parse_and_map)
{
    theme t;
    memset(&t, 0, sizeof t);
    char *err = NULL;
    int rc = theme_parse(&t, "title #ff8700 #1C1C1C bold # a comment #ffffff\n", "t", &err);
    ck_assert_msg(rc == 0, "%s", err ? err : "");
    const theme_rule *r = &t.rules[SLOT_TITLE];
    ck_assert_int_eq(r->fg_rgb, THEME_RGB | 0xff8700);
    ck_assert_int_eq(r->bg_rgb, THEME_RGB | 0x1c1c1c);
    ck_assert_uint_eq(r->attrs, (unsigned)A_BOLD);
    /* The nearest of the 256: 0xff8700 is cube colour 208 exactly, 0x1c1c1c grey 234. */
    ck_assert_int_eq(r->fg, 208);
    ck_assert_int_eq(r->bg, 234);
    ck_assert_int_eq(theme_color_number(r->fg, r->fg_rgb, 256), 208);
    ck_assert_int_eq(theme_color_number(r->fg, r->fg_rgb, 1 << 24), 0xff8700);
    /* Of the basic 8: orange is nearest to yellow (0xcdcd00), near-black to black. */
    ck_assert_int_eq(theme_color_number(r->fg, r->fg_rgb, 8), 3);
    ck_assert_int_eq(theme_color_number(r->bg, r->bg_rgb, 8), 0);
    /* A # inside a word starts no comment, so the word is refused. */
    ck_assert_int_eq(theme_parse(&t, "normal default default#x\n", "t", &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown colour"));
    free(err);
}
END_TEST

START_TEST(rgb_word_errors_and_palette_on_direct)
{
    theme t;
    memset(&t, 0, sizeof t);
    char *err = NULL;
    ck_assert_int_eq(theme_parse(&t, "title #ff870 default\n", "t", &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "t:1:"));
    free(err);
    err = NULL;
    ck_assert_int_eq(theme_parse(&t, "title #gg8700 default\n", "t", &err), -1);
    free(err);
    /* Direct colour: basic colours keep their numbers, palette ones become their RGB, black stays
     * black without turning into basic colour 0, and default stays default. */
    ck_assert_int_eq(theme_color_number(4, 0, 1 << 24), 4);
    ck_assert_int_eq(theme_color_number(208, 0, 1 << 24), 0xff8700);
    ck_assert_int_eq(theme_color_number(232, 0, 1 << 24), 0x080808);
    ck_assert_int_eq(theme_color_number(0, THEME_RGB | 0x000000, 1 << 24), 8);
    ck_assert_int_eq(theme_color_number(-1, 0, 1 << 24), -1);
    /* A palette colour the terminal lacks: its basic colour, as before. */
    ck_assert_int_eq(theme_color_number(12, 0, 8), 4);
}
END_TEST

/* A direct-colour xterm entry compiled into a private terminfo directory (as ncurses-term has it). */
static const char direct_src[] =
    "xterm-direct|xterm with direct colours (test copy),\n"
    "\tcolors#0x1000000, pairs#0x10000, RGB,\n"
    "\tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e48\\:2\\:\\:%p1%{65536}%/%d\\:%p1%{256}%/%{255}%&%d\\:%p1%{255}%&%d%;m,\n"
    "\tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e38\\:2\\:\\:%p1%{65536}%/%d\\:%p1%{256}%/%{255}%&%d\\:%p1%{255}%&%d%;m,\n"
    "\tuse=xterm-256color,\n";

/* On a pseudo-terminal with TERM=xterm-256color and COLORTERM as given: the title's foreground as
 * curses got it (title #ff8700), and whether the direct terminfo was chosen. */
static int title_fg_on_pty(const char *terminfo, const char *colorterm, int *direct)
{
    int master, slave, fds[2];
    ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(slave, STDIN_FILENO);
        dup2(slave, STDOUT_FILENO);
        setenv("TERMINFO", terminfo, 1);
        setenv("TERM", "xterm-256color", 1);
        if (colorterm)
            setenv("COLORTERM", colorterm, 1);
        else
            unsetenv("COLORTERM");
        char err[200];
        const char *used = "";
        int out[2] = {-1, -1};
        theme t;
        char *e = NULL;
        if (screen_open_tty(NULL, err, sizeof err, &used) == 0 && theme_load(&t, NULL, &e) == 0 &&
            theme_parse(&t, "title #ff8700 default\n", "t", &e) == 0) {
            theme_apply(&t, false);
            int fg, bg;
            extended_pair_content(PAIR_NUMBER((int)theme_attr(SLOT_TITLE)), &fg, &bg);
            out[0] = fg;
            out[1] = strcmp(used, "xterm-direct") == 0;
        }
        screen_close();
        if (write(fds[1], out, sizeof out) != (ssize_t)sizeof out)
            _exit(2);
        _exit(0);
    }
    close(slave);
    close(fds[1]);
    int out[2] = {-2, -2};
    if (read(fds[0], out, sizeof out) != (ssize_t)sizeof out)
        out[0] = -2;
    int st;
    waitpid(pid, &st, 0);
    close(fds[0]);
    close(master);
    *direct = out[1];
    return out[0];
}

START_TEST(truecolor_terminal_gets_24_bit_colours)
{
    char dir[] = "/tmp/catena-terminfo.XXXXXX", src[600], cmd[1400];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/xterm-direct.src", dir);
    FILE *f = fopen(src, "w");
    ck_assert_ptr_nonnull(f);
    fputs(direct_src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "tic -x -o %s %s", dir, src);
    ck_assert_msg(system(cmd) == 0, "tic failed (ncurses-bin)");
    int direct = -1;
    ck_assert_int_eq(title_fg_on_pty(dir, "truecolor", &direct), 0xff8700);
    ck_assert_int_eq(direct, 1);
    /* Without COLORTERM the same terminal stays 256-colour: the nearest, cube colour 208. */
    ck_assert_int_eq(title_fg_on_pty(dir, NULL, &direct), 208);
    ck_assert_int_eq(direct, 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("themes");
    TCase *tc = tcase_create("themes");
    tcase_add_loop_test(tc, shipped_themes_set_every_slot, 0, 3);
    tcase_add_test(tc, eight_colour_theme_distinguishes_every_slot);
    tcase_add_test(tc, rgb_colours_parse_and_map);
    tcase_add_test(tc, rgb_word_errors_and_palette_on_direct);
    tcase_add_test(tc, truecolor_terminal_gets_24_bit_colours);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? 1 : 0;
}
