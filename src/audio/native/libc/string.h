/* Freestanding stand-in for dr_mp3.h's #include <string.h> (mp3.c defines memcpy, memmove, memset). */
