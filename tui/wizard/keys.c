/* keys.c - the key table, expanded from EW_KEYMAP. */
#include "keys.h"

#include <curses.h>
#include <string.h>

#define EW_K_ENTER KEY_ENTER
#define EW_K_UP	   KEY_UP
#define EW_K_DOWN  KEY_DOWN
#define EW_K_LEFT  KEY_LEFT
#define EW_K_RIGHT KEY_RIGHT
#define EW_K_PPAGE KEY_PPAGE
#define EW_K_NPAGE KEY_NPAGE
#define EW_K_HOME  KEY_HOME
#define EW_K_END   KEY_END
#define EW_K_BTAB  KEY_BTAB
#define EW_K_F1	   KEY_F(1)
#define EW_K_F2	   KEY_F(2)

static const struct ew_keybinding table[] = {
#define EW_KEY_ROW(id, keys, status, help, ctx, k1, k2, k3)                    \
	{EW_ACT_##id, #id, keys, status, help, ctx, {k1, k2, k3}},
    EW_KEYMAP(EW_KEY_ROW)
#undef EW_KEY_ROW
};

const struct ew_keybinding *ew_keys_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct ew_keybinding *ew_keys_binding(enum ew_action a)
{
	if (a < 0 || a >= EW_ACT_COUNT)
		return NULL;
	return &table[a];
}

enum ew_action ew_keys_lookup(unsigned context, int key)
{
	if (key == 0)
		return EW_ACT_NONE;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!(table[i].contexts & context))
			continue;
		for (int k = 0; k < 3; k++)
			if (table[i].codes[k] == key)
				return table[i].action;
	}
	return EW_ACT_NONE;
}

int ew_keys_code(const char *name, size_t len)
{
	static const struct {
		const char *name;
		int code;
	} names[] = {
	    {"Enter", '\r'},	 {"Esc", EW_KEY_ESC}, {"Tab", '\t'},
	    {"S-Tab", KEY_BTAB}, {"Up", KEY_UP},      {"Down", KEY_DOWN},
	    {"PgUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"Home", KEY_HOME},
	    {"End", KEY_END},	 {"Space", ' '},      {"F1", KEY_F(1)},
	    {"F2", KEY_F(2)},
	};

	if (len == 1)
		return (unsigned char)name[0];
	if (len == 3 && name[0] == 'C' && name[1] == '-')
		return EW_KEY_CTRL(name[2]);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len &&
		    memcmp(names[i].name, name, len) == 0)
			return names[i].code;
	return 0;
}
