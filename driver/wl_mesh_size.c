#include "wl_mesh_size.h"

#include <stdio.h>

int wl_mesh_size_parse(const char *s, int *rows, int *cols, int *kib)
{
    *rows = 4;
    *cols = 4;
    *kib = WL_DEFAULT_DMEM_KIB;
    if (!s)
        return 0;
    char x;
    int r, c, n = 0;
    if (sscanf(s, "%d%c%d%n", &r, &x, &c, &n) != 3 || (x != 'x' && x != 'X') || r < 1 ||
        c < 1 || r > 63 || c > 62)
        return -1;
    if (s[n] == ':') {
        const char *m = s + n + 1;
        char k;
        int kb, n2 = 0;
        if (*m < '0' || *m > '9' || sscanf(m, "%d%c%n", &kb, &k, &n2) != 2 ||
            (k != 'k' && k != 'K') || m[n2] != '\0' || kb < 1 || kb > 16320)
            return -1;
        *kib = kb;
    } else if (s[n] != '\0') {
        return -1;
    }
    *rows = r;
    *cols = c;
    return 0;
}
