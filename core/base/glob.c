/* glob.c - IAM glob patterns compared with each other. */
#include "glob.h"

#include <stdlib.h>
#include <string.h>

static bool ch_eq(char a, char b, bool icase)
{
	if (icase) {
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
	}
	return a == b;
}

bool ew_glob_covers(const char *pattern, const char *subject, bool ignore_case)
{
	size_t m = strlen(pattern), n = strlen(subject);
	bool *prev = calloc(n + 1, sizeof(bool));
	bool *cur = calloc(n + 1, sizeof(bool));
	bool result = false;

	/* prev[j]: pattern[0..i) admits everything subject[0..j) does.  A
	 * '*' of the pattern takes any run of the subject's tokens, its '*'
	 * and '?' included; a '?' takes one literal or '?'; a literal only
	 * the same literal. */
	if (!prev || !cur)
		goto done;
	prev[0] = true;
	for (size_t i = 1; i <= m; i++) {
		char c = pattern[i - 1];

		cur[0] = c == '*' && prev[0];
		for (size_t j = 1; j <= n; j++) {
			char t = subject[j - 1];

			if (c == '*')
				cur[j] = prev[j] || cur[j - 1];
			else if (c == '?')
				cur[j] = t != '*' && prev[j - 1];
			else
				cur[j] = t != '*' && t != '?' &&
					 ch_eq(c, t, ignore_case) &&
					 prev[j - 1];
		}
		{
			bool *tmp = prev;

			prev = cur;
			cur = tmp;
		}
	}
	result = prev[n];
done:
	free(prev);
	free(cur);
	return result;
}

bool ew_glob_has_wild(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}
