/* Loading libcurl at run time; see curl_lib.h. */
#include "aws/curl_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The soname of the libcurl 7.x/8.x ABI, which the headers describe. */
#define CURL_LIB_SONAME "libcurl.so.4"

static struct curl_lib lib;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void *symbol(void *handle, const char *name)
{
    void *p = dlsym(handle, name);
    if (p == NULL) {
        fprintf(stderr, "dynalake: %s lacks %s\n", CURL_LIB_SONAME, name);
        exit(1);
    }
    return p;
}

/* Object and function pointers convert through dlsym's void * as POSIX
 * requires of dlsym; memcpy keeps -Wpedantic content. */
#define BIND(field, name)                                                    \
    do {                                                                     \
        void *p_ = symbol(handle, name);                                     \
        memcpy(&lib.field, &p_, sizeof p_);                                  \
    } while (0)

static void load(void)
{
    /* Never closed: the process uses it until it exits. */
    void *handle = dlopen(CURL_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "dynalake: cannot load %s (install libcurl4): %s\n",
                CURL_LIB_SONAME, dlerror());
        exit(1);
    }
    BIND(easy_init, "curl_easy_init");
    BIND(easy_cleanup, "curl_easy_cleanup");
    BIND(easy_setopt, "curl_easy_setopt");
    BIND(easy_perform, "curl_easy_perform");
    BIND(easy_getinfo, "curl_easy_getinfo");
    BIND(easy_strerror, "curl_easy_strerror");
    BIND(slist_append, "curl_slist_append");
    BIND(slist_free_all, "curl_slist_free_all");
}

const struct curl_lib *curl_lib(void)
{
    pthread_once(&load_once, load);
    return &lib;
}
