#include "ui/actions.h"

#include "ui/keys.h"
#include "ui/overlay.h"

#include <string.h>

static const action_info table[] = {
#define X(id, name, keys, group, help, dis) {name, keys, group, help, dis},
    ACTION_TABLE(X)
#undef X
};

const action_info *action_get(action_id id)
{
    return (id >= 0 && id < ACT__COUNT) ? &table[id] : NULL;
}

action_id action_for_key(int key)
{
    for (int i = 0; i < ACT__COUNT; i++)
        if (keys_list_has(table[i].keys, key))
            return (action_id)i;
    return ACT_NONE;
}

void actions_write_markdown(FILE *out)
{
    const char *group = "";
    fprintf(out, "# catena-dispatch keys\n\nGenerated from the action table (`catena-dispatch --help-keys`); the "
                 "help screen (`?`) shows the same, with why an action is unavailable at the moment.\n");
    for (int i = 0; i < ACT__COUNT; i++) {
        if (strcmp(group, table[i].group) != 0) {
            group = table[i].group;
            fprintf(out, "\n### %s\n\n| Keys | Action | What it does |\n|---|---|---|\n", group);
        }
        fprintf(out, "| `%s` | %s | %s |\n", table[i].keys, table[i].name, table[i].help);
    }
    for (int m = 0; m < overlay_keymaps_count; m++) {
        const overlay_keymap *km = overlay_keymaps[m];
        fprintf(out, "\n### In the %s\n\n| Keys | What it does |\n|---|---|\n", km->context);
        for (int i = 0; i < km->n; i++)
            fprintf(out, "| `%s` | %s |\n", km->keys[i].keys, km->keys[i].help);
    }
}
