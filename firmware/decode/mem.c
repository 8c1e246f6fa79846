/* memset and memcpy: GCC may call them for struct initialisation and copies even
 * in freestanding code, and the PE firmware has no C library. */
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
    volatile unsigned char *d = dst; /* volatile: keeps GCC from calling memset here */
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}
