/* Script lines (the headless mode's input, src/app/script.c): each line of the input as the script
 * runner reads it, a command's argument through its parser (:advance, :resize), keys through the
 * key notation (ui/keys.c), and every parsed key's name parsed back to the same key. */
#include "fuzz.h"

#include "app/script.h"
#include "core/text.h"
#include "ui/keys.h"

#include <stdlib.h>
#include <string.h>

static void command(const char *cmd)
{
    const char *arg = strchr(cmd, ' ');
    size_t n = arg ? (size_t)(arg - cmd) : strlen(cmd);
    if (!arg)
        arg = "";
    while (*arg == ' ')
        arg++;
    if (n == 7 && strncmp(cmd, "advance", n) == 0) {
        int64_t ms;
        if (script_parse_duration(arg, &ms) && ms < 0)
            abort(); /* a duration is never negative */
    } else if (n == 6 && strncmp(cmd, "resize", n) == 0) {
        int c, r;
        if (script_parse_size(arg, &c, &r) && (c < 1 || c > 1000 || r < 1 || r > 1000))
            abort();
    }
}

static void keys(const char *p)
{
    while (*p) {
        int key = keys_parse_one(&p);
        if (key < 0)
            return;
        char name[64];
        keys_name(key, name, sizeof name);
        const char *q = name;
        if (keys_parse_one(&q) != key || *q)
            abort(); /* the notation of a key reads back as that key */
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    for (char *line = text; line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line[strcspn(line, "\r")] = '\0';
        if (line[0] == ':')
            command(line + 1);
        else if (line[0] != '#')
            keys(line);
        line = next;
    }
    free(text);
    return 0;
}
