/* Freestanding stand-in for dr_mp3.h's #include <stdlib.h> (mp3.c defines what it uses). */
